import ArgumentParser
import Sentio

/// `--corpus DIR` or `--labels CSV --audio-root DIR`: the labelled corpus of `train` and `evaluate`.
struct CorpusArguments: ParsableArguments {
    @Option(help: "Corpus folder: labels.csv (columns file, emotion, optional speaker) with audio under wav/ or beside it.")
    var corpus: String?

    @Option(help: "Labels table (instead of --corpus); needs --audio-root.")
    var labels: String?

    @Option(name: .customLong("audio-root"), help: "Folder the labels table's relative audio paths start from.")
    var audioRoot: String?

    @Option(help: "Use only these classes, comma-separated (e.g. angry,happy,neutral,sad: the classes two corpora share).")
    var classes: String?

    func validate() throws {
        switch (corpus, labels, audioRoot) {
        case (_?, nil, nil), (nil, _?, _?): break
        case (nil, _?, nil): throw ValidationError("--labels needs --audio-root")
        case (nil, nil, _): throw ValidationError("give --corpus DIR, or --labels CSV with --audio-root DIR")
        default: throw ValidationError("give either --corpus or --labels/--audio-root, not both")
        }
    }

    /// The corpus name recorded in a model's provenance.
    var name: String { corpus ?? labels! }

    /// The labels table read, which no output may replace.
    var labelsTable: String { labels ?? joinPath(corpus!, "labels.csv") }

    func load() throws(CorpusError) -> LabelledCorpus {
        try loadCorpus(directory: corpus, labels: labels, audioRoot: audioRoot, classes: classes)
    }
}

/// `--test-corpus DIR` or `--test-labels CSV --test-audio-root DIR`: the unseen corpus of a cross-corpus
/// evaluation (restricted by the same --classes as the training corpus).
struct TestCorpusArguments: ParsableArguments {
    @Option(name: .customLong("test-corpus"), help: "Cross-corpus evaluation: train on --corpus, test on this corpus folder (same layout).")
    var corpus: String?

    @Option(name: .customLong("test-labels"), help: "Labels table of the test corpus (instead of --test-corpus); needs --test-audio-root.")
    var labels: String?

    @Option(name: .customLong("test-audio-root"), help: "Folder the test labels' relative audio paths start from.")
    var audioRoot: String?

    func validate() throws {
        switch (corpus, labels, audioRoot) {
        case (nil, nil, nil), (_?, nil, nil), (nil, _?, _?): break
        case (nil, _?, nil): throw ValidationError("--test-labels needs --test-audio-root")
        case (nil, nil, _?): throw ValidationError("--test-audio-root needs --test-labels")
        default: throw ValidationError("give either --test-corpus or --test-labels/--test-audio-root, not both")
        }
    }

    /// Whether a test corpus was given.
    var isGiven: Bool { corpus != nil || labels != nil }

    /// The labels table read, when given, which no output may replace.
    var labelsTable: String? { labels ?? corpus.map { joinPath($0, "labels.csv") } }

    /// The test corpus's name in reports.
    var name: String { corpus ?? labels ?? "" }

    func load(classes: String?) throws(CorpusError) -> LabelledCorpus {
        try loadCorpus(directory: corpus, labels: labels, audioRoot: audioRoot, classes: classes)
    }
}

/// A corpus folder, or a labels table with its audio root, restricted to `classes` (comma-separated) when given.
private func loadCorpus(directory: String?, labels: String?, audioRoot: String?,
                        classes: String?) throws(CorpusError) -> LabelledCorpus {
    let keep = classes.map { $0.split(separator: ",").map { String($0.filter { $0 != " " }) } }
    if let directory { return try LabelledCorpus.load(directory: directory, keeping: keep) }
    return try LabelledCorpus.load(labels: labels!, audioRoot: audioRoot!, keeping: keep)
}

/// The corpus `load` returns; its error is reported on one line (exit status 3: nothing can be computed).
func loadReporting(_ load: () throws(CorpusError) -> LabelledCorpus) throws -> LabelledCorpus {
    do { return try load() } catch {
        reportError(error.description)
        throw ExitCode(ExitStatus.notCompleted)
    }
}

/// Opens `path` for a result that takes long to compute, so that an unwritable destination, or one that is
/// among the files the command reads (`reading`), fails at once (one error line, exit status 3) rather than
/// after the work.
func openOutput(_ path: String, reading: [String] = []) throws -> OutputFile {
    do { return try OutputFile(path: path, reading: reading) } catch {
        reportError("\(error)")
        throw ExitCode(ExitStatus.notCompleted)
    }
}

/// `--segment S [--hop S] | --vad`: how files are divided into segments (default: whole files).
struct SegmentationArguments: ParsableArguments {
    // `.unconditional`: `--segment -1` is a value to refuse with its reason, not a missing value.
    @Option(name: .customLong("segment"), parsing: .unconditional, help: "Fixed windows of this many seconds instead of whole files.")
    var segmentLength: Double?

    @Option(parsing: .unconditional, help: "With --segment: seconds between window starts (default: the window length).")
    var hop: Double?

    @Flag(help: "One segment per speech region (voicing and energy) instead of fixed windows.")
    var vad = false

    func validate() throws {
        if vad && segmentLength != nil { throw ValidationError("give either --segment or --vad, not both") }
        if hop != nil && segmentLength == nil { throw ValidationError("--hop needs --segment") }
        if let length = segmentLength {
            guard length > 0, length.isFinite, (hop ?? length) > 0, (hop ?? length).isFinite else {
                throw ValidationError("--segment and --hop must be positive numbers of seconds")
            }
            let minimum = Segmentation.minimumWindowSeconds
            guard length >= minimum, (hop ?? length) >= minimum else {
                throw ValidationError("--segment and --hop must be at least \(minimum) s (one 10 ms frame step)")
            }
        }
    }

    /// Whether the files are divided at all.
    var isSegmented: Bool { vad || segmentLength != nil }

    var segmentation: Segmentation {
        if let length = segmentLength { return .windows(length: length, hop: hop ?? length) }
        return vad ? .voiceActivity(VoiceActivityOptions()) : .wholeFile
    }

    /// A short description for model provenance and reports.
    var summary: String {
        if let length = segmentLength { return "windows \(length)/\(hop ?? length) s" }
        return vad ? "vad" : "files"
    }
}

/// Classifier, features and normalisation of `train` and `evaluate`.
struct TrainingArguments: ParsableArguments {
    @Option(help: "Classifier: logreg (multinomial logistic regression, L-BFGS) or mlp (one hidden layer of 64, Adam).")
    var classifier: ClassifierKind = .logreg

    @Option(help: "Feature sets whose functionals the classifier reads, comma-separated.")
    var features: String = EmotionFeatureConfiguration.standard.name

    @Option(help: "Normalisation before global standardisation: corpus (the default: each corpus, or each scored batch, z-scored with its own statistics, small batches leaning on the training corpus's; robust to another microphone, level or room), none (global standardisation only: a file's scores never depend on the other files scored with it), speaker (per-speaker z-scores; needs speaker ids) or file (per-file z-scores over its segments; needs --segment or --vad).")
    var normalize: FeatureNormalization = .corpus

    @Option(help: "Seed of the MLP initialisation, batch order and k-fold shuffles.")
    var seed: UInt64 = 0

    @Option(parsing: .unconditional, help: "Standardised features are clipped to ± this many standard deviations (default 10; 0 leaves them unclipped): a few coefficients of variation are unbounded.")
    var clip: Double = 10

    @Option(help: "Worker threads (default: all processors).")
    var jobs: Int?

    @OptionGroup var segments: SegmentationArguments

    func validate() throws {
        _ = try configuration()
        if normalize == .file && !segments.isSegmented {
            throw ValidationError("--normalize file z-normalises each file over its segments: give --segment SECONDS or --vad")
        }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        guard clip.isFinite && clip >= 0 else { throw ValidationError("--clip must be 0 (off) or a positive number of standard deviations") }
    }

    /// The sets of --features, spelled as `features --set` spells them (`mfcc-functionals` is `mfcc`: a
    /// classifier reads functionals anyway).
    func configuration() throws -> EmotionFeatureConfiguration {
        guard !features.split(separator: ",").isEmpty else { throw ValidationError("--features needs at least one set") }
        guard let list = FeatureSetList(argument: features) else {
            let bad = features.split(separator: ",").first { FeatureSetList(argument: String($0)) == nil } ?? Substring(features)
            throw ValidationError("unknown feature set '\(bad)' in --features (sets: \(FeatureSet.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return EmotionFeatureConfiguration(sets: list.sets)
    }

    var classifierOptions: ClassifierOptions {
        var options = ClassifierOptions()
        options.kind = classifier
        options.seed = seed
        options.clip = clip > 0 ? clip : nil
        return options
    }

    var workerCount: Int { jobs ?? processorCount }

    /// Extracts the features of `corpus`, reporting each failed file, the warnings about the files' recordings
    /// (``reportConditions(_:paths:)``), and files without voiced speech, on stderr.
    /// - Throws: exit status 3 after one error line when the corpus cannot be used as the options ask.
    func extract(_ corpus: LabelledCorpus) throws -> SegmentTable {
        // Whole files are one segment each, so per-speaker normalisation is checked before the extraction
        // (with segments, training counts them afterwards).
        if normalize == .speaker && !segments.isSegmented && corpus.hasSpeakers {
            do { try EmotionTraining.checkSegmentsPerSpeaker(corpus.items.map { $0.speaker! }, source: corpus.source) } catch {
                reportError(error.description)
                throw ExitCode(ExitStatus.notCompleted)
            }
        }
        let table = SegmentTable.extract(paths: corpus.items.map(\.path), configuration: try configuration(),
                                         segmentation: segments.segmentation, jobs: workerCount)
        for i in table.failures.keys.sorted() { reportError(table.failures[i]!) }
        reportConditions(table, paths: corpus.items.map(\.path))
        let unvoiced = table.filesWithoutVoicedSpeech
        if let first = unvoiced.first {
            reportWarning("\(unvoiced.count) file\(unvoiced.count == 1 ? " has" : "s have") less than \(EmotionTraining.minimumVoicedSeconds) s of voiced speech in every segment (\(corpus.items[first].path)\(unvoiced.count > 1 ? ", ..." : "")); still used")
        }
        return table
    }
}

/// The warnings about the recordings of a corpus's files, per problem: each file's line when there are at most
/// three, else the first one's and a count (a corpus recorded one way would repeat the line for every file).
func reportConditions(_ table: SegmentTable, paths: [String]) {
    let files = table.conditions.keys.sorted()
    for problem in SignalCondition.Problem.allCases {
        let found = files.filter { table.conditions[$0]!.problems.contains(problem) }
        guard let first = found.first else { continue }
        if found.count <= 3 {
            for i in found { reportWarning(table.conditions[i]!.warning(problem, for: paths[i])) }
        } else {
            reportWarning(table.conditions[first]!.warning(problem, for: paths[first]) + " (and \(found.count - 1) more files)")
        }
    }
}

extension ClassifierKind: ExpressibleByArgument {}
extension FeatureNormalization: ExpressibleByArgument {}
