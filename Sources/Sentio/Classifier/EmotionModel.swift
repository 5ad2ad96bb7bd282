import Foundation

/// A trained emotion model: what features it reads, how it normalises them, and the classifier.
///
/// Stored as one JSON file (``encodedJSON()``, ``load(path:)``):
///
/// ```
/// { "format": "sentio-emotion-model", "version": 1,
///   "features": { "sets": ["egemaps", ...], "preset": "kaldi", "columns": 361, "fingerprint": "..." },
///   "classes": ["angry", ...], "normalization": "none",
///   "standardization": { "mean": [...], "scale": [...] },
///   "classifier": { "kind": "logreg", "hyperparameter": 0.1, "clip": 10, "layers": [ { "inputs", "outputs",
///                   "activation", "weights" (outputs × inputs, row-major), "bias" } ] },
///   "training": { ... provenance ... },
///   "checksum": "..." }
/// ```
///
/// Loading checks everything a wrong answer could come from: the format name and version, the feature
/// fingerprint against the one this build computes, every dimension, finiteness of every number, and a
/// checksum over what decides the scores, so a truncated or hand-edited file is refused with a one-line reason
/// (the `training` provenance is informational and not covered).
public struct EmotionModel: Sendable, Hashable {
    /// The `format` value of a model file.
    public static let formatName = "sentio-emotion-model"
    /// The file format version this build reads and writes.
    public static let formatVersion = 1

    /// The features the model reads.
    public internal(set) var features: EmotionFeatureConfiguration
    /// Class names, in output order.
    public internal(set) var classes: [String]
    /// Group normalisation applied before the standardisation.
    public internal(set) var normalization: FeatureNormalization
    /// Which classifier the network is.
    public internal(set) var kind: ClassifierKind
    /// The standardisation and network.
    public internal(set) var classifier: TrainedClassifier
    /// Where the model came from.
    public var training: TrainingProvenance
    /// For ``FeatureNormalization/corpus`` models (and only those): the training corpus's own feature
    /// statistics, towards which small scored batches are normalised (``corpusPriorRows``).
    public internal(set) var corpusStatistics: Standardizer?

    /// Segments a scored batch needs to weigh as much as the training corpus's statistics in
    /// ``FeatureNormalization/corpus`` normalisation: one file at the file level counts 1/21, 200 segments 10/11.
    public static let corpusPriorRows = 20.0

    /// Creates a model with the given values; see each property for their meaning.
    /// - Precondition: `corpusStatistics` is given exactly when `normalization` is ``FeatureNormalization/corpus``.
    public init(features: EmotionFeatureConfiguration, classes: [String], normalization: FeatureNormalization,
                kind: ClassifierKind, classifier: TrainedClassifier, training: TrainingProvenance,
                corpusStatistics: Standardizer? = nil) {
        precondition((normalization == .corpus) == (corpusStatistics != nil), "corpus statistics belong to corpus-normalised models")
        self.features = features
        self.classes = classes
        self.normalization = normalization
        self.kind = kind
        self.classifier = classifier
        self.training = training
        self.corpusStatistics = corpusStatistics
    }

    /// Class probabilities of feature rows that have already been group-normalised as ``normalization`` says.
    public func probabilities(_ x: FeatureMatrix) -> FeatureMatrix { classifier.probabilities(x) }

    /// The checksum of everything that decides the scores (all but the checksum itself and the informational
    /// ``training`` provenance), 16 hex digits of FNV-1a.
    public var checksum: String {
        var h = FNV1a()
        h.combine(Self.formatName)
        h.combine(Self.formatVersion)
        for s in features.sets { h.combine(s.rawValue) }
        h.combine(features.preset.rawValue)
        for c in classes { h.combine(c) }
        h.combine(normalization.rawValue)
        h.combine(kind.rawValue)
        h.combine(classifier.hyperparameter)
        if let clip = classifier.clip { h.combine(clip) }  // absent from models trained before it existed
        for v in classifier.standardizer.mean { h.combine(v) }
        for v in classifier.standardizer.scale { h.combine(v) }
        if let corpusStatistics {
            for v in corpusStatistics.mean { h.combine(v) }
            for v in corpusStatistics.scale { h.combine(v) }
        }
        for layer in classifier.network.layers {
            h.combine(layer.inputs)
            h.combine(layer.outputs)
            h.combine(layer.activation.rawValue)
            for v in layer.weights { h.combine(v) }
            for v in layer.bias { h.combine(v) }
        }
        return h.hex
    }

    // MARK: File format

    /// Provenance of a model: not used for scoring, kept so that a model can be traced and reproduced.
    public struct TrainingProvenance: Sendable, Hashable, Codable {
        /// The training corpus (the path given to `sentio train`, without `.` components or trailing slashes,
        /// so that `c4/` and `c4` train the same bytes).
        public var corpus: String
        /// Files trained on.
        public var files: Int
        /// Training rows (segments; equal to ``files`` at the file level).
        public var rows: Int
        /// Distinct speakers, when known.
        public var speakers: Int?
        /// Segmentation of the training files (`files`, `windows 1.0/0.5 s` or `vad`).
        public var segmentation: String
        /// The training seed.
        public var seed: UInt64
        /// The hyper-parameter candidates tried (`C` or `alpha`).
        public var candidates: [Double]
        /// Inner cross-validation UAR of each candidate, in the same order.
        public var selectionUAR: [Double]
        /// The Sentio version that trained it.
        public var sentioVersion: String

        /// Creates provenance with the given values; see each property for their meaning. `sentioVersion`
        /// defaults to this build's version.
        public init(corpus: String, files: Int, rows: Int, speakers: Int?, segmentation: String, seed: UInt64,
                    candidates: [Double], selectionUAR: [Double], sentioVersion: String = SentioVersion.string) {
            self.corpus = corpus
            self.files = files
            self.rows = rows
            self.speakers = speakers
            self.segmentation = segmentation
            self.seed = seed
            self.candidates = candidates
            self.selectionUAR = selectionUAR
            self.sentioVersion = sentioVersion
        }
    }

    private struct File: Codable {
        struct Features: Codable {
            var sets: [FeatureSet]
            var preset: FeaturePreset
            var columns: Int
            var fingerprint: String
        }
        struct Classifier: Codable {
            var kind: ClassifierKind
            var hyperparameter: Double
            var clip: Double?
            var layers: [DenseLayer]
        }
        var format: String
        var version: Int
        var features: Features
        var classes: [String]
        var normalization: FeatureNormalization
        var standardization: Standardizer
        /// Only in corpus-normalised models.
        var corpusStatistics: Standardizer?
        var classifier: Classifier
        var training: TrainingProvenance
        var checksum: String
    }

    /// The model as a JSON document (pretty-printed, keys sorted, with a trailing newline).
    /// - Throws: ``ModelError`` when a number of the model is not finite (JSON has no NaN or infinity;
    ///   training never produces one).
    public func encodedJSON() throws(ModelError) -> String {
        let columns = features.columns
        let file = File(format: Self.formatName, version: Self.formatVersion,
                        features: .init(sets: features.sets, preset: features.preset,
                                        columns: columns.count, fingerprint: features.fingerprint(columns: columns)),
                        classes: classes, normalization: normalization, standardization: classifier.standardizer,
                        corpusStatistics: corpusStatistics, classifier: .init(kind: kind, hyperparameter: classifier.hyperparameter,
                                          clip: classifier.clip, layers: classifier.network.layers),
                        training: training, checksum: checksum)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            return String(decoding: try encoder.encode(file), as: UTF8.self) + "\n"
        } catch {
            throw ModelError(path: "<model>", message: "cannot be written as JSON: a weight, statistic or hyperparameter is not finite")
        }
    }

    /// Writes the model to `path` atomically (a temporary file renamed into place).
    /// - Throws: ``OutputError`` when the file cannot be written, ``ModelError`` when a number of the model
    ///   is not finite.
    public func write(to path: String) throws {
        try write(to: OutputFile(path: path))
    }

    /// Writes the model into `file` and renames it into place; on failure the temporary file is removed.
    package func write(to file: OutputFile) throws {
        do {
            let json: String
            do { json = try encodedJSON() } catch { throw ModelError(path: file.path, message: error.message) }
            try file.sink.write(json)
            try file.commit()
        } catch {
            file.discard()
            throw error
        }
    }

    /// Reads and checks the model file at `path`.
    /// - Throws: ``ModelError`` naming the file and what is wrong with it.
    public static func load(path: String) throws(ModelError) -> EmotionModel {
        let text: String
        do { text = try readTextFile(path) } catch { throw ModelError(path: path, message: error.cause) }
        return try decode(json: text, source: path)
    }

    /// Parses and checks a model document; `source` names it in errors.
    public static func decode(json: String, source: String) throws(ModelError) -> EmotionModel {
        let fail = { (message: String) in ModelError(path: source, message: message) }
        let data = Data(json.utf8)
        try checkHeader(data, fail: fail)
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: data) } catch let error as DecodingError {
            throw fail(describe(error))
        } catch {
            throw fail("unreadable model: \(error)")
        }
        let features = try checkFeatures(file, fail: fail)
        let width = file.features.columns
        try checkClasses(file.classes, fail: fail)
        try checkStatistics(file, width: width, fail: fail)
        try checkClassifier(file, width: width, fail: fail)
        let model = EmotionModel(
            features: features, classes: file.classes, normalization: file.normalization, kind: file.classifier.kind,
            classifier: TrainedClassifier(standardizer: file.standardization, network: DenseNetwork(layers: file.classifier.layers),
                                          hyperparameter: file.classifier.hyperparameter,
                                          selectionUAR: file.training.selectionUAR, clip: file.classifier.clip),
            training: file.training, corpusStatistics: file.corpusStatistics)
        guard model.checksum == file.checksum else {
            throw fail("checksum mismatch: the file was edited or damaged after training (stored \(file.checksum), content \(model.checksum))")
        }
        return model
    }

    /// Reads the format and version before anything else, so that a future format gets "unknown version",
    /// not a field error.
    private static func checkHeader(_ data: Data, fail: (String) -> ModelError) throws(ModelError) {
        struct Header: Decodable {
            var format: String?
            var version: Int?
        }
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: data) } catch {
            throw fail("not a Sentio model: truncated or malformed JSON")
        }
        guard header.format == formatName else {
            throw fail("not a Sentio model (format is \(header.format.map { "'\($0)'" } ?? "missing"), expected '\(formatName)')")
        }
        guard let version = header.version else { throw fail("model file has no version") }
        guard version == formatVersion else {
            throw fail("unknown model format version \(version) (this Sentio \(SentioVersion.string) reads version \(formatVersion))")
        }
    }

    /// The feature configuration, checked to be the one this build computes, with as many columns.
    private static func checkFeatures(_ file: File, fail: (String) -> ModelError) throws(ModelError) -> EmotionFeatureConfiguration {
        let features = EmotionFeatureConfiguration(sets: file.features.sets, preset: file.features.preset)
        let columns = features.columns
        let expected = features.fingerprint(columns: columns)
        guard file.features.fingerprint == expected else {
            throw fail("model was trained on a different feature configuration (fingerprint \(file.features.fingerprint); this Sentio computes \(expected) for sets \(features.name), preset \(features.preset.rawValue)): retrain it with this version")
        }
        guard file.features.columns == columns.count else {
            throw fail("model says \(file.features.columns) feature columns; sets \(features.name) have \(columns.count)")
        }
        return features
    }

    private static func checkClasses(_ classes: [String], fail: (String) -> ModelError) throws(ModelError) {
        guard !classes.isEmpty, Set(classes).count == classes.count, !classes.contains("") else {
            throw fail("class names must be distinct and non-empty")
        }
        if let reserved = classes.first(where: LabelledCorpus.reservedClassNames.contains) {
            throw fail("class name \(reserved) is reserved (a column of score's output, or its no-speech label)")
        }
        guard classes.count >= 2 else { throw fail("a model needs at least two classes") }
    }

    /// The standardisation, and the corpus statistics that corpus-normalised models (only) carry: one finite
    /// mean and positive scale per column.
    private static func checkStatistics(_ file: File, width: Int, fail: (String) -> ModelError) throws(ModelError) {
        func valid(_ s: Standardizer) -> Bool {
            s.mean.count == width && s.scale.count == width && s.mean.allSatisfy(\.isFinite) && s.scale.allSatisfy { $0.isFinite && $0 > 0 }
        }
        let standardization = file.standardization
        guard standardization.mean.count == width, standardization.scale.count == width else {
            throw fail("standardization has \(standardization.mean.count) means and \(standardization.scale.count) scales for \(width) columns")
        }
        guard valid(standardization) else { throw fail("standardization holds non-finite or non-positive values") }
        if file.normalization == .corpus {
            guard let prior = file.corpusStatistics else { throw fail("corpus-normalised model has no corpusStatistics") }
            guard valid(prior) else { throw fail("corpusStatistics must hold \(width) finite means and positive scales") }
        } else if file.corpusStatistics != nil {
            throw fail("corpusStatistics belong to corpus-normalised models only (this one is \(file.normalization.rawValue))")
        }
    }

    /// The network (ReLU layers then a softmax layer, from `width` inputs to one output per class), its
    /// hyper-parameter and clip.
    private static func checkClassifier(_ file: File, width: Int, fail: (String) -> ModelError) throws(ModelError) {
        let layers = file.classifier.layers
        guard !layers.isEmpty else { throw fail("classifier has no layers") }
        var inputs = width
        for (l, layer) in layers.enumerated() {
            let last = l == layers.count - 1
            guard layer.inputs == inputs else { throw fail("layer \(l) takes \(layer.inputs) inputs, expected \(inputs)") }
            guard layer.outputs > 0, layer.weights.count == layer.inputs * layer.outputs, layer.bias.count == layer.outputs else {
                throw fail("layer \(l) has \(layer.weights.count) weights and \(layer.bias.count) biases for \(layer.inputs) × \(layer.outputs)")
            }
            guard layer.activation == (last ? .softmax : .relu) else {
                throw fail("layer \(l) activation must be \(last ? "softmax" : "relu")")
            }
            guard layer.weights.allSatisfy(\.isFinite), layer.bias.allSatisfy(\.isFinite) else {
                throw fail("layer \(l) holds NaN or infinite weights")
            }
            inputs = layer.outputs
        }
        guard inputs == file.classes.count else {
            throw fail("classifier has \(inputs) outputs for \(file.classes.count) classes")
        }
        guard file.classifier.hyperparameter.isFinite else { throw fail("hyperparameter is not finite") }
        if let clip = file.classifier.clip, !(clip.isFinite && clip > 0) {
            throw fail("clip must be a positive number of standard deviations")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
            return keys.hasPrefix(".") ? String(keys.dropFirst()) : keys
        }
        switch error {
        case .keyNotFound(let key, let context):
            let at = path(context)
            return "missing field '\(at.isEmpty ? key.stringValue : at + "." + key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "field '\(path(context))' has the wrong type"
        case .dataCorrupted(let context):
            let at = path(context)
            return at.isEmpty ? "truncated or malformed JSON" : "field '\(at)' has an invalid value"
        @unknown default:
            return "unreadable model"
        }
    }

    /// The model bundled with Sentio (7 EmoDB classes, ``FeatureNormalization/none``; see the README for
    /// the command that reproduces it). It is the package resource `emotion-model.json`, which SwiftPM puts in
    /// `Sentio_Sentio.resources` beside the executable: ship that folder with a program that uses this.
    /// Without it (a binary copied elsewhere), the model of the source tree Sentio was built from is read.
    /// - Throws: ``ModelError`` if neither is found, or the file fails its checks.
    public static func bundled() throws(ModelError) -> EmotionModel {
        // Looked up by hand: SwiftPM's `Bundle.module` stops the process when the bundle is missing.
        let beside = Bundle.main.bundleURL.appendingPathComponent("Sentio_Sentio.resources/emotion-model.json").path
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Resources/emotion-model.json").standardized.path
        guard let path = [beside, source].first(where: isRegularFile) else {
            throw ModelError(path: "<bundled model>", message: "emotion-model.json is neither in Sentio_Sentio.resources beside the executable (\(beside)) nor in Sentio's source tree; ship that folder with the program, or pass a model")
        }
        return try load(path: path)
    }
}

/// A model file that cannot be used.
public struct ModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The model file.
    public var path: String
    /// What is wrong.
    public var message: String
    /// One line: `path: message`.
    public var description: String { "\(path): \(message)" }
}
