import ArgumentParser
import Sentio

/// `sentio score INPUT...`: per-segment emotion probabilities with the bundled or a given model.
struct ScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score emotions per segment or per file with the bundled model or one made by `sentio train`.",
        discussion: """
            Rows are `file,start,end,emotion,<one probability column per class>`. Segments with less than \
            \(EmotionTraining.minimumVoicedSeconds) s of voiced speech get the emotion `no_speech` and empty probabilities. The bundled model \
            (7 EmoDB classes, German acted speech, no speaker normalisation) is used without --model. A model \
            trained with --normalize speaker needs --speakers (and extracts all files before writing any, since \
            a speaker's statistics come from all of the speaker's files); one trained with --normalize corpus \
            normalises all inputs together with their own statistics, blended with the training corpus's for \
            small batches (also extracting all first); one trained with --normalize file needs segments.

            The bundled model has learnt 16 kHz studio recordings of acted German: on other speech treat its \
            scores as pre-labels to check. On telephone-band (8 kHz) or low-bit-rate audio its top emotion \
            changes for many files (docs/validation-cross-condition.md): there, train a model with --normalize \
            corpus or speaker on your own recordings. For a call with each side on its own channel, score one \
            side per run with --channel.

            \(batchDiscussion)
            """
    )

    @OptionGroup var input: InputArguments

    @Option(help: "Model file (default: the bundled EmoDB model).")
    var model: String?

    @OptionGroup var segments: SegmentationArguments

    @Option(help: "files (one row per file; the default without --segment or --vad; with them, the mean probabilities of the file's scored segments, as evaluate decides a file) or segments (the default with --segment or --vad; alone it implies --vad).")
    var level: ScoreLevel?

    @Option(help: "For speaker-normalised models: CSV with columns file,speaker naming each input's speaker (paths as given on the command line, or relative to the table's folder or its wav/, as in a corpus's labels.csv).")
    var speakers: String?

    @Option(help: "Output format: csv or jsonl (one table), or textgrid (a Praat TextGrid per input) or audacity (an Audacity label track per input) in the folder -o DIR.")
    var format: ScoreFormat = .csv

    @Option(name: .shortAndLong, help: "Output file (csv, jsonl) or folder (textgrid, audacity); standard output when absent.")
    var output: String?

    @OptionGroup var channel: ChannelArguments

    @OptionGroup var batch: BatchArguments

    func validate() throws {
        if level == .files && segments.isSegmented && format.perInput {
            throw ValidationError("--level files with --segment or --vad gives one row per file: use --format csv or jsonl")
        }
        if format.perInput && output == nil { throw ValidationError("--format \(format) writes one file per input: give -o DIR") }
        try batch.validate(output: output)
    }

    func run() async throws {
        let model = try loadModel(self.model)
        let paths = try input.collect()
        let segmentation = level == .segments && !segments.isSegmented
            ? .voiceActivity(VoiceActivityOptions()) : segments.segmentation
        // --level files over segments: one row per file from its segments' scores.
        let combine = level == .files && segments.isSegmented
        if model.normalization == .file, case .wholeFile = segmentation {
            throw ValidationError("this model normalises each file over its segments: give --segment SECONDS or --vad")
        }
        warnIfUnscorable(segmentation)
        let formatter = TabularFormatter(columns: ["file", "start", "end", "emotion"] + model.classes,
                                         format: format == .jsonl ? .jsonl : .csv)
        var destination = batchDestination(output: output)
        var header = formatter.header
        var annotation: AnnotationOutput? = nil
        if format.perInput, let folder = output {
            do { try prepareOutputFolder(folder) } catch {
                reportError("\(error)")
                throw ExitCode(ExitStatus.notCompleted)
            }
            annotation = AnnotationOutput(format: format, folder: folder,
                                          names: perInputFileNames(paths, extension: channel.fileSuffix + (format == .textgrid ? ".TextGrid" : ".txt")))
            destination = .file(path: joinPath(folder, "index.csv"), errors: BatchDestination.errorsFile(inFolder: folder))
            header = "file,\(format),segments\n"
        }
        var scored: [String: Result<ScoredFile, ScoringError>]? = nil
        switch model.normalization {
        case .speaker:
            guard let speakers else {
                throw ValidationError("this model normalises per speaker: give --speakers CSV (columns file,speaker)")
            }
            guard batch.shard == nil else {
                throw ValidationError("--shard cannot split a speaker-normalised run: each speaker's statistics need all of the speaker's files")
            }
            let table = try readSpeakers(speakers)
            scored = scoreTogether(paths: paths, model: model, groupOf: { table.speaker(of: $0) },
                                   ungrouped: "no speaker for it in \(speakers)", segmentation: segmentation,
                                   jobs: batch.workerCount)
        case .corpus:
            guard batch.shard == nil else {
                throw ValidationError("--shard cannot split a corpus-normalised run: the statistics come from all inputs together")
            }
            scored = scoreTogether(paths: paths, model: model, groupOf: { _ in "" }, ungrouped: "",
                                   segmentation: segmentation, jobs: batch.workerCount)
        case .none, .file:
            break
        }
        if let speakers, model.normalization != .speaker {
            reportWarning("--speakers \(speakers) is ignored: the model is not speaker-normalised (--normalize \(model.normalization.rawValue))")
        }
        var request = BatchRequest(
            command: "score",
            settings: "model=\(model.checksum) segmentation=\(segmentation)\(combine ? " per-file" : "")\(channel.settings) format=\(format) sentio=\(SentioVersion.string)",
            inputs: paths, shard: batch.shard, jobs: batch.workerCount, failFast: batch.failFast, resume: batch.resume,
            destination: destination, header: header)
        request.reads = input.manifest + (speakers.map { [$0] } ?? [])
        let precomputed = scored, annotations = annotation, audio = channel.readOptions
        _ = try await runBatchCommand(request, options: batch) {
            ScoreWorker(model: model, segmentation: segmentation, audio: audio, formatter: formatter, annotation: annotations,
                        precomputed: precomputed, combine: combine)
        }
    }

    /// Reads `file,speaker`. An input it does not name fails on its own (``scoreTogether``), as a bad file does.
    private func readSpeakers(_ path: String) throws -> LabelledCorpus.SpeakerTable {
        do { return try LabelledCorpus.SpeakerTable.load(path: path) } catch {
            throw inputListError("\(error)")
        }
    }

    /// Scores every file with the statistics of its group (its speaker, or the whole batch): all files are
    /// extracted first, then each group's segments are normalised together. A file without a group fails
    /// with the cause `ungrouped`.
    private func scoreTogether(paths: [String], model: EmotionModel, groupOf: (String) -> String?, ungrouped: String,
                               segmentation: Segmentation, jobs: Int) -> [String: Result<ScoredFile, ScoringError>] {
        var results: [String: Result<ScoredFile, ScoringError>] = [:]
        var group: [String: String] = [:]  // looked up once: a speaker table may resolve paths on disk
        for path in paths {
            if let g = groupOf(path) { group[path] = g } else { results[path] = .failure(ScoringError(message: "\(path): \(ungrouped)")) }
        }
        let grouped = paths.filter { group[$0] != nil }
        let scored = model.score(paths: grouped, groups: grouped.map { group[$0]! }, segmentation: segmentation,
                                 audio: channel.readOptions, jobs: jobs)
        for (path, result) in zip(grouped, scored) { results[path] = result }
        return results
    }
}

/// Fixed windows shorter than the voiced speech a segment needs to be scored: every segment is no_speech.
func windowsTooShortToScore(_ segmentation: Segmentation) -> Bool {
    if case .windows(let length, _) = segmentation { return length < EmotionTraining.minimumVoicedSeconds }
    return false
}

/// Warns when fixed windows are too short to hold the voiced speech a segment needs to be scored.
func warnIfUnscorable(_ segmentation: Segmentation) {
    if windowsTooShortToScore(segmentation), case .windows(let length, _) = segmentation {
        reportWarning("--segment \(length) s is shorter than the \(EmotionTraining.minimumVoicedSeconds) s of voiced speech a segment needs to be scored: every segment will be no_speech")
    }
}

/// The model at `path`, or the bundled one; a bad model file is one error line and exit status 3.
func loadModel(_ path: String?) throws -> EmotionModel {
    do { return try path.map { try EmotionModel.load(path: $0) } ?? EmotionModel.bundled() } catch {
        reportError("\(error)")
        throw ExitCode(ExitStatus.notCompleted)
    }
}

/// Scores one file at a time for `sentio score`.
final class ScoreWorker: BatchWorker {
    private let scorer: EmotionScorer
    private let formatter: TabularFormatter
    private let annotation: AnnotationOutput?
    private let precomputed: [String: Result<ScoredFile, ScoringError>]?
    private let combine: Bool

    /// - Parameter combine: write one row per file from its segments' scores (``SegmentScore/combined``).
    init(model: EmotionModel, segmentation: Segmentation, audio: AudioReadOptions, formatter: TabularFormatter,
         annotation: AnnotationOutput?, precomputed: [String: Result<ScoredFile, ScoringError>]?, combine: Bool = false) {
        scorer = EmotionScorer(model: model, segmentation: segmentation, audio: audio)
        self.formatter = formatter
        self.annotation = annotation
        self.precomputed = precomputed
        self.combine = combine
    }

    func process(_ item: BatchItem, into output: ResultBuffer, stop: StopFlag) throws -> BatchFileResult {
        let file: ScoredFile
        if let precomputed {
            file = try precomputed[item.path]!.get()
        } else {
            do {
                file = try scorer.scoreFile(path: item.path, stopping: { stop.isRaised })
            } catch {
                // Given up mid-file because the batch is stopping: not a failure of the file.
                if stop.isRaised { throw BatchStopped() }
                throw error
            }
        }
        var result = BatchFileResult(audioSeconds: file.seconds, warnings: file.condition?.warnings(for: item.path) ?? [])
        // (Not when windows are too short for any row to be scored: the run warned once.)
        if !windowsTooShortToScore(scorer.segmentation) && file.scores.allSatisfy({ $0.probabilities == nil }) {
            result.warnings.append("\(item.path): no segment holds the \(EmotionTraining.minimumVoicedSeconds) s of voiced speech it needs to be scored: every row is \(EmotionScorer.noSpeech)")
        }
        if let annotation {
            try annotation.write(file, item: item, index: output)
            return result
        }
        let classes = scorer.model.classes.count
        let rows = combine ? [SegmentScore.combined(file.scores, duration: file.seconds, classes: scorer.model.classes)] : file.scores
        for s in rows {
            var cells: [Cell] = [.text(item.path), .real(rounded(s.start)), .real(rounded(s.end)), .text(s.emotion)]
            cells += s.probabilities.map { roundedSummingToOne($0).map(Cell.real) } ?? Array(repeating: .missing, count: classes)
            try output.write(formatter.line(cells))
        }
        return result
    }

    private func rounded(_ x: Double) -> Double { (x * 1e6).rounded() / 1e6 }
}

/// `probabilities` (summing to 1) to six decimals whose printed values still sum to exactly 1: each is
/// rounded down to a millionth, and the millionths left over go to those that lost the most (largest
/// remainder, ties to the first). Rounding each to nearest would make a row's sum miss 1 by up to a few
/// millionths.
func roundedSummingToOne(_ probabilities: [Double]) -> [Double] {
    let scaled = probabilities.map { $0 * 1e6 }
    var units = scaled.map { $0.rounded(.down) }
    let missing = Int((scaled.reduce(0, +) - units.reduce(0, +)).rounded())
    let byRemainder = units.indices.sorted { (scaled[$0] - units[$0], $1) > (scaled[$1] - units[$1], $0) }
    for i in byRemainder.prefix(max(0, missing)) { units[i] += 1 }
    return units.map { $0 / 1e6 }
}

/// Levels of `sentio score`.
enum ScoreLevel: String, ExpressibleByArgument, CaseIterable {
    case files, segments
}

/// Output formats of `sentio score`.
enum ScoreFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case csv, jsonl, textgrid, audacity

    /// Whether the format writes one file per input into a folder.
    var perInput: Bool { self == .textgrid || self == .audacity }
}

/// Writes one TextGrid or Audacity label file per input into a folder, and its line of the folder's
/// `index.csv` (`file,<format>,segments`).
struct AnnotationOutput: Sendable {
    var format: ScoreFormat
    var folder: String
    /// The file name of each input, by its index in the whole input list.
    var names: [String]

    func write(_ file: ScoredFile, item: BatchItem, index: ResultBuffer) throws {
        let name = names[item.index]
        let path = joinPath(folder, name)
        // A fixed temporary name: a file left half-written by a killed run is overwritten when it is redone.
        let out = try OutputFile(path: path, temporaryPath: path + ".partial")
        if format == .textgrid {
            try out.sink.write(textGrid(labelIntervals(file.scores, duration: file.seconds), duration: file.seconds))
        } else {
            try out.sink.write(audacityLabels(file.scores))
        }
        try out.commit()
        try index.write("\(csvQuoted(item.path)),\(csvQuoted(name)),\(file.scores.count)\n")
    }
}
