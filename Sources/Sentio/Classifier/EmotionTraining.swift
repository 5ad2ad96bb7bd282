/// Cross-validation protocols of ``EmotionTraining/evaluate(corpus:table:protocol:normalization:classifier:jobs:)``.
public enum EvaluationProtocol: Sendable, Hashable, CustomStringConvertible {
    /// Leave-one-speaker-out: one fold per speaker, the field's standard protocol for speaker-independent
    /// results (e.g. Schuller et al., ASRU 2009, on EmoDB's 10 speakers).
    case leaveOneSpeakerOut
    /// `k` folds of whole recordings, stratified by class and shuffled with the training seed. Speakers
    /// may appear on both sides, so figures are optimistic compared with leave-one-speaker-out.
    case kFold(Int)

    /// `loso` or `kfold(k)`, as reports name the protocol.
    public var description: String {
        switch self {
        case .leaveOneSpeakerOut: return "loso"
        case .kFold(let k): return "kfold(\(k))"
        }
    }
}

/// What an evaluation measured.
public struct EvaluationResult: Sendable {
    /// File-level accuracy: a file's prediction is the class of its mean segment probability.
    public var report: ClassificationReport
    /// Number of folds.
    public var folds: Int
    /// The hyper-parameter chosen in each fold by the inner cross-validation.
    public var chosenHyperparameters: [Double]
    /// Folds whose training part lacks a class (its files can then never be predicted as it), one line each.
    public var warnings: [String] = []
}

/// Training and evaluating emotion classifiers on a labelled corpus.
///
/// Both start from a ``SegmentTable`` of the corpus files (failed files excluded) and apply the
/// ``FeatureNormalization`` to the whole table first: each normalisation group (speaker or file) is
/// normalised with its own statistics and no labels, so this leaks nothing across folds. Segments with
/// less than ``minimumVoicedSeconds`` of voiced speech are left out of training (unless that would leave a
/// file with none), as ``EmotionScorer`` marks them `no_speech` instead of scoring them.
public enum EmotionTraining {
    /// Segments with less voiced speech than this (seconds) are not trained on and not scored.
    public static let minimumVoicedSeconds = 0.25

    /// Trains a model on every usable file of `corpus`.
    /// - Parameter segmentation: how the training files were segmented, recorded in the model's provenance.
    /// - Parameter table: the segments of `corpus`'s files, extracted with `configuration` (``SegmentTable/extract(paths:configuration:segmentation:audio:jobs:)``
    ///   of the corpus's paths in their order).
    /// - Throws: ``CorpusError`` when `table` does not hold `corpus`'s files in its order or `configuration`'s
    ///   columns, when the normalisation needs speaker ids the corpus lacks, or when too few files remain per
    ///   class after the failed ones.
    public static func train(corpus: LabelledCorpus, table: SegmentTable, configuration: EmotionFeatureConfiguration,
                             normalization: FeatureNormalization, classifier: ClassifierOptions,
                             corpusName: String, segmentation: String, jobs: Int = processorCount) throws(CorpusError) -> EmotionModel {
        guard table.matrix.columns == configuration.columns.count else {
            throw CorpusError(path: corpus.source, message: "the feature table has \(table.matrix.columns) columns but the configuration \(configuration.columns.count): extract it with the same configuration")
        }
        let data = try LabelledRows(corpus: corpus, table: table, normalization: normalization)
        let rows = data.trainingRows(Array(data.labels.indices))
        let trained = ClassifierTraining.train(
            x: data.matrix.selecting(rows: rows), labels: rows.map { data.labels[$0] }, classes: data.classes.count,
            recordings: rows.map { data.recordings[$0] }, speakers: data.speakers.map { s in rows.map { s[$0] } },
            options: classifier, jobs: jobs)
        let provenance = EmotionModel.TrainingProvenance(
            corpus: normalizedPath(corpusName), files: Set(data.recordings).count, rows: rows.count,
            speakers: data.speakers.map { Set($0).count }, segmentation: segmentation, seed: classifier.seed,
            candidates: classifier.candidates, selectionUAR: trained.selectionUAR)
        return EmotionModel(features: configuration, classes: data.classes, normalization: normalization,
                            kind: classifier.kind, classifier: trained, training: provenance,
                            corpusStatistics: data.corpusStatistics)
    }

    /// Cross-validates on `corpus` under `protocol`: for each fold, a model is trained (with its own inner
    /// model selection) on the other folds and predicts the fold's files.
    /// - Throws: ``CorpusError`` when `table` does not hold `corpus`'s files in its order, when the protocol
    ///   or normalisation needs speaker ids the corpus lacks, or
    ///   when too few files remain.
    public static func evaluate(corpus: LabelledCorpus, table: SegmentTable, protocol: EvaluationProtocol,
                                normalization: FeatureNormalization, classifier: ClassifierOptions,
                                jobs: Int = processorCount) throws(CorpusError) -> EvaluationResult {
        let data = try LabelledRows(corpus: corpus, table: table, normalization: normalization)
        let folds: [Int]
        switch `protocol` {
        case .leaveOneSpeakerOut:
            guard let speakers = data.speakers else {
                throw CorpusError(path: corpus.source, message: "leave-one-speaker-out needs a 'speaker' column in the labels")
            }
            let distinct = Set(speakers).count
            guard distinct >= 2 else {
                throw CorpusError(path: corpus.source, message: "leave-one-speaker-out needs at least 2 speakers, found \(distinct) (use --protocol kfold)")
            }
            folds = CrossValidation.leaveOneGroupOut(groups: speakers)
        case .kFold(let k):
            folds = CrossValidation.stratifiedKFold(labels: data.labels, recordings: data.recordings,
                                                    classes: data.classes.count, folds: k,
                                                    seed: classifier.seed).folds
        }
        let foldCount = (folds.max() ?? 0) + 1
        let classes = data.classes.count
        // Folds in parallel; each fold's inner selection runs in its thread.
        let outcomes = parallelMap(count: foldCount, jobs: jobs) { fold -> ([(row: Int, p: [Double])], Double) in
            let train = data.trainingRows(folds.indices.filter { folds[$0] != fold })
            let test = folds.indices.filter { folds[$0] == fold }
            let model = ClassifierTraining.train(
                x: data.matrix.selecting(rows: train), labels: train.map { data.labels[$0] }, classes: classes,
                recordings: train.map { data.recordings[$0] }, speakers: data.speakers.map { s in train.map { s[$0] } },
                options: classifier, jobs: 1)
            let p = model.probabilities(data.matrix.selecting(rows: test))
            return (test.enumerated().map { (row: $1, p: p.row($0)) }, model.hyperparameter)
        }
        var warnings: [String] = []
        for fold in 0..<foldCount {
            let present = Set(data.trainingRows(folds.indices.filter { folds[$0] != fold }).map { data.labels[$0] })
            let absent = data.classes.indices.filter { !present.contains($0) }.map { data.classes[$0] }
            guard !absent.isEmpty else { continue }
            let name: String
            if case .leaveOneSpeakerOut = `protocol`, let first = folds.firstIndex(of: fold), let speakers = data.speakers {
                name = "speaker \(speakers[first])"
            } else {
                name = "fold \(fold + 1)"
            }
            warnings.append("\(name): the model tested on it was trained without any \(absent.joined(separator: ", ")) (all of that class is in this fold)")
        }
        let report = fileLevelReport(data, predictions: outcomes.flatMap(\.0))
        return EvaluationResult(report: report, folds: foldCount, chosenHyperparameters: outcomes.map(\.1), warnings: warnings)
    }

    /// Cross-corpus evaluation: a model trained on all of `training` (with its own inner model selection)
    /// predicts every file of `test`, a corpus it has never seen (another language, speakers, recording
    /// conditions). Each corpus is normalised on its own: with `.corpus`, each with its own statistics (the
    /// whole test corpus stands for itself; only small scored batches lean on the training statistics);
    /// with `.speaker`, each speaker of either corpus with theirs.
    /// - Throws: ``CorpusError`` when a table does not hold its corpus's files in order, when the test corpus
    ///   has classes the training corpus lacks, or when the
    ///   normalisation needs speaker ids a corpus lacks.
    public static func evaluate(training: LabelledCorpus, trainingTable: SegmentTable, test: LabelledCorpus,
                                testTable: SegmentTable, normalization: FeatureNormalization,
                                classifier: ClassifierOptions, jobs: Int = processorCount) throws(CorpusError) -> EvaluationResult {
        let train = try LabelledRows(corpus: training, table: trainingTable, normalization: normalization)
        let unknown = Set(test.classes).subtracting(train.classes)
        guard unknown.isEmpty else {
            throw CorpusError(path: "test corpus", message: "classes \(unknown.sorted().joined(separator: ", ")) are not in the training corpus (\(train.classes.joined(separator: ", "))): restrict both with --classes")
        }
        let data = try LabelledRows(corpus: test, table: testTable, normalization: normalization, classes: train.classes)
        let rows = train.trainingRows(Array(train.labels.indices))
        let model = ClassifierTraining.train(
            x: train.matrix.selecting(rows: rows), labels: rows.map { train.labels[$0] }, classes: train.classes.count,
            recordings: rows.map { train.recordings[$0] }, speakers: train.speakers.map { s in rows.map { s[$0] } },
            options: classifier, jobs: jobs)
        let p = model.probabilities(data.matrix)
        let report = fileLevelReport(data, predictions: data.labels.indices.map { (row: $0, p: p.row($0)) })
        return EvaluationResult(report: report, folds: 1, chosenHyperparameters: [model.hyperparameter])
    }

    /// File-level decisions from the mean probability of each file's scored segments.
    private static func fileLevelReport(_ data: LabelledRows, predictions: [(row: Int, p: [Double])]) -> ClassificationReport {
        var sums: [Int: [Double]] = [:]
        for (row, p) in predictions where data.scored[row] {
            let file = data.recordings[row]
            sums[file] = zip(sums[file] ?? Array(repeating: 0, count: data.classes.count), p).map(+)
        }
        let files = sums.keys.sorted()
        let truth = files.map { file in data.labels[data.recordings.firstIndex(of: file)!] }
        return ClassificationReport(classes: data.classes, truth: truth, predicted: files.map { argmax(sums[$0]!) })
    }
}

extension EmotionTraining {
    /// Checks that per-speaker normalisation can use `speakers` (the speaker of each segment): a speaker's
    /// only segment would z-score to all zeros, like a file's under ``FeatureNormalization/file``.
    /// - Throws: ``CorpusError`` (for `source`) naming the speakers with a single segment.
    public static func checkSegmentsPerSpeaker(_ speakers: [String], source: String) throws(CorpusError) {
        var segments: [String: Int] = [:]
        for s in speakers { segments[s, default: 0] += 1 }
        let single = segments.filter { $0.value < 2 }.keys.sorted()
        guard single.isEmpty else {
            throw CorpusError(path: source, message: "per-speaker normalisation needs at least 2 segments per speaker; speaker \(single.joined(separator: ", ")) \(single.count == 1 ? "has" : "have") one (use --normalize corpus, or segments)")
        }
    }
}

/// The rows of a segment table joined with their labels, normalised, with the bookkeeping the protocols need.
struct LabelledRows: Sendable {
    var matrix: FeatureMatrix
    var classes: [String]
    var labels: [Int]
    /// Corpus item index of each row.
    var recordings: [Int]
    var speakers: [String]?
    /// Whether a row has enough voiced speech to be trained on and scored (or is its file's only hope).
    var scored: [Bool]
    /// With ``FeatureNormalization/corpus``: the corpus's own statistics (before normalisation).
    var corpusStatistics: Standardizer?

    /// - Parameter classes: the class order to use (a test corpus takes its model's, and may lack some);
    ///   by default the corpus's own classes.
    init(corpus: LabelledCorpus, table: SegmentTable, normalization: FeatureNormalization,
         classes given: [String]? = nil) throws(CorpusError) {
        guard table.paths == corpus.items.map(\.path) else {
            let first = zip(table.paths, corpus.items).enumerated().first { $0.element.0 != $0.element.1.path }?.offset
            throw CorpusError(path: corpus.source, message: "the feature table was extracted from other files than the corpus's "
                + (first.map { "(row \($0 + 1): \(table.paths[$0]) against \(corpus.items[$0].path))" }
                   ?? "(\(table.paths.count) files against \(corpus.items.count))")
                + ": extract it from the corpus's files in their order")
        }
        // Re-check the class sizes without the failed files.
        let usable = corpus.items.indices.filter { table.failures[$0] == nil }
        let remaining = try LabelledCorpus(items: usable.map { corpus.items[$0] }, source: "\(corpus.source) (after \(table.failures.count) failed files)",
                                           minimumPerClass: corpus.requiredPerClass)
        classes = given ?? remaining.classes
        let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        matrix = table.matrix
        recordings = table.file
        labels = table.file.map { classIndex[corpus.items[$0].label]! }
        speakers = corpus.hasSpeakers ? table.file.map { corpus.items[$0].speaker! } : nil
        var scored = table.voicedSeconds.map { $0 >= EmotionTraining.minimumVoicedSeconds }
        let unvoiced = Set(table.filesWithoutVoicedSpeech)
        for (r, f) in recordings.enumerated() where unvoiced.contains(f) { scored[r] = true }
        self.scored = scored
        switch normalization {
        case .none: break
        case .speaker:
            guard let speakers else {
                throw CorpusError(path: corpus.source, message: "speaker normalisation needs a 'speaker' column in the labels")
            }
            try EmotionTraining.checkSegmentsPerSpeaker(speakers, source: corpus.source)
            normalizeByGroup(&matrix, groups: speakers)
        case .file:
            // A file's only segment z-scores to all zeros: the classifier would learn nothing from it.
            var segments: [Int: Int] = [:]
            for f in recordings { segments[f, default: 0] += 1 }
            let single = segments.values.count { $0 < 2 }
            guard single == 0 else {
                throw CorpusError(path: corpus.source, message: "per-file normalisation needs at least 2 segments per file; \(single) of \(segments.count) files have one (use a shorter --segment or --hop)")
            }
            normalizeByGroup(&matrix, groups: recordings)
        case .corpus:
            let statistics = Standardizer(fitting: matrix)
            statistics.apply(to: &matrix)
            corpusStatistics = statistics
        }
    }

    /// The rows among `candidates` that are trained on.
    func trainingRows(_ candidates: [Int]) -> [Int] { candidates.filter { scored[$0] } }
}
