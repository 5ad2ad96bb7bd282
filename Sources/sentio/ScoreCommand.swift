import ArgumentParser
import Sentio

/// `sentio score INPUT...`: per-segment emotion probabilities with the bundled or a given model.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score emotions per segment or per file with the bundled model or one made by `sentio train`.",
        discussion: """
            Rows are `file,start,end,emotion,<one probability column per class>`. Segments with less than \
            0.25 s of voiced speech get the emotion `no_speech` and empty probabilities. The bundled model \
            (7 EmoDB classes, German acted speech, no speaker normalisation) is used without --model. A model \
            trained with --normalize speaker needs --speakers; one trained with --normalize file needs segments.
            """
    )

    @Argument(help: "Audio files.")
    var inputs: [String]

    @Option(help: "Model file (default: the bundled EmoDB model).")
    var model: String?

    @OptionGroup var segments: SegmentationArguments

    @Option(help: "files (one row per file) or segments (default when --segment or --vad is given; --vad otherwise).")
    var level: ScoreLevel?

    @Option(help: "For speaker-normalised models: CSV with columns file,speaker naming each input's speaker.")
    var speakers: String?

    @Option(help: "Output format: csv or jsonl.")
    var format: ScoreFormat = .csv

    @Option(name: .shortAndLong, help: "Output file; standard output when absent.")
    var output: String?

    @Option(help: "Worker threads (default: all processors).")
    var jobs: Int?

    func validate() throws {
        if level == .files && segments.isSegmented {
            throw ValidationError("--segment and --vad apply to --level segments")
        }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        let loaded: EmotionModel
        do { loaded = try model.map { try EmotionModel.load(path: $0) } ?? EmotionModel.bundled() } catch {
            reportError("\(error)")
            throw ExitCode(ExitStatus.someInputsFailed)
        }
        let model = loaded
        let segmentation = level == .segments && !segments.isSegmented
            ? .voiceActivity(VoiceActivityOptions()) : segments.segmentation
        if model.normalization == .file, case .wholeFile = segmentation {
            throw ValidationError("this model normalises each file over its segments: give --segment SECONDS or --vad")
        }
        var speakerOf: [String: String] = [:]
        if model.normalization == .speaker {
            guard let speakers else {
                throw ValidationError("this model normalises per speaker: give --speakers CSV (columns file,speaker)")
            }
            speakerOf = try readSpeakers(speakers)
        }
        let formatter = TabularFormatter(columns: ["file", "start", "end", "emotion"] + model.classes,
                                         format: format == .csv ? .csv : .jsonl)
        let file: OutputFile?
        let sink: TextSink
        do {
            file = try output.map { try OutputFile(path: $0) }
            sink = file?.sink ?? TextSink.standardOutput()
            try sink.write(formatter.header)
        } catch {
            reportError("\(error)")
            throw ExitCode(ExitStatus.someInputsFailed)
        }
        let workers = jobs ?? processorCount
        let paths = inputs
        var failures = 0
        func extract(_ range: Range<Int>) -> [Result<SegmentTable, ScoringError>] {
            parallelMap(count: range.count, jobs: workers, makeState: { EmotionScorer(model: model, segmentation: segmentation) }) { scorer, i in
                Result { () throws(ScoringError) in try scorer.extract(path: paths[range.lowerBound + i]) }
            }
        }
        func write(_ path: String, _ scores: [SegmentScore]) throws {
            var text = ""
            for s in scores {
                var cells: [Cell] = [.text(path), .real((s.start * 1e6).rounded() / 1e6), .real((s.end * 1e6).rounded() / 1e6), .text(s.emotion)]
                cells += s.probabilities.map { $0.map { Cell.real(($0 * 1e6).rounded() / 1e6) } }
                    ?? Array(repeating: .missing, count: model.classes.count)
                text += formatter.line(cells)
            }
            try sink.write(text)
        }
        do {
            // Speaker normalisation needs every file of a speaker at once; otherwise files go in bounded batches.
            let batch = model.normalization == .speaker ? max(paths.count, 1) : 8 * workers
            for start in stride(from: 0, to: paths.count, by: batch) {
                let range = start..<min(start + batch, paths.count)
                var tables: [SegmentTable] = [], names: [String] = []
                for (i, result) in extract(range).enumerated() {
                    switch result {
                    case .success(let table):
                        tables.append(table)
                        names.append(paths[range.lowerBound + i])
                    case .failure(let error):
                        failures += 1
                        reportError(error.description)
                    }
                }
                if model.normalization == .speaker {
                    let ids = Array(Set(names.map { speakerOf[$0]! })).sorted()
                    let groups = names.map { ids.firstIndex(of: speakerOf[$0]!)! }
                    for (name, scores) in zip(names, model.score(tables: tables, groups: groups)) { try write(name, scores) }
                } else {
                    for (name, table) in zip(names, tables) { try write(name, model.score(tables: [table], groups: [0])[0]) }
                }
            }
            if let file { try file.commit() } else { try sink.flush() }
        } catch {
            file?.discard()
            reportError("\(error)")
            throw ExitCode(ExitStatus.someInputsFailed)
        }
        if failures > 0 { throw ExitCode(ExitStatus.someInputsFailed) }
    }

    /// Reads `file,speaker` and checks that every input has a speaker.
    private func readSpeakers(_ path: String) throws -> [String: String] {
        let table: LabelledCorpus.SpeakerTable
        do { table = try LabelledCorpus.SpeakerTable.load(path: path) } catch {
            throw ValidationError("\(error)")
        }
        if let missing = inputs.first(where: { table.speakers[$0] == nil }) {
            throw ValidationError("\(path): no speaker for input \(missing)")
        }
        return table.speakers
    }
}

/// Levels of `sentio score`.
enum ScoreLevel: String, ExpressibleByArgument, CaseIterable {
    case files, segments
}

/// Output formats of `sentio score`.
enum ScoreFormat: String, ExpressibleByArgument, CaseIterable {
    case csv, jsonl
}
