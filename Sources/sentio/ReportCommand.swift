import ArgumentParser
import Sentio

/// `sentio report INPUT... -o DIR`: one self-contained HTML page per recording and an index page.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an HTML page per recording (waveform, pitch, loudness, emotion timeline) and an index page.",
        discussion: """
            Each input gets DIR/<name>.html: its summary (dominant emotion, voiced-speech ratio, F0, loudness), \
            the waveform envelope, F0 contour, loudness and per-segment emotion probabilities on one time axis, \
            and its segment table. DIR/index.html lists the recordings (duration, dominant emotion, speech \
            ratio) with the corpus's emotion distribution; DIR/index.csv holds the same figures. Pages are \
            self-contained (inline SVG, no scripts, nothing loaded from the network) and print well. Segments \
            are speech regions (--vad) unless --segment is given. Each recording is scored on its own: \
            speaker-normalised models are not supported here (use `sentio score --speakers`), and a \
            corpus-normalised model normalises each recording towards its training corpus's statistics.

            \(folderBatchDiscussion)
            """
    )

    @OptionGroup var input: InputArguments

    @Option(help: "Model file (default: the bundled EmoDB model).")
    var model: String?

    @OptionGroup var segments: SegmentationArguments

    @Option(name: .shortAndLong, help: "Folder for the pages (created if missing).")
    var output: String

    @OptionGroup var channel: ChannelArguments

    @OptionGroup var batch: BatchArguments

    func validate() throws {
        try batch.validate(output: output)
    }

    func run() async throws {
        let model = try loadModel(self.model)
        if model.normalization == .speaker {
            throw ValidationError("this model normalises per speaker; reports score files one at a time: use a model trained with --normalize none, corpus or file")
        }
        let paths = try input.collect()
        let segmentation = segments.isSegmented ? segments.segmentation : .voiceActivity(VoiceActivityOptions())
        let segmentationName = segments.isSegmented ? segments.summary : "vad"
        warnIfUnscorable(segmentation)
        do { try prepareOutputFolder(output) } catch {
            reportError("\(error)")
            throw ExitCode(ExitStatus.notCompleted)
        }
        var pages = perInputFileNames(paths, extension: channel.fileSuffix + ".html")
        // An input called index.* must not overwrite the index page: give it the first free index-N.html.
        if let clash = pages.firstIndex(of: ReportIndex.pageName) {
            let used = Set(pages)
            pages[clash] = (2...).lazy.map { "index-\($0).html" }.first { !used.contains($0) }!
        }
        let pageNames = pages
        let request = BatchRequest(
            command: "report",
            settings: "model=\(model.checksum) segmentation=\(segmentation)\(channel.settings) sentio=\(SentioVersion.string)",
            inputs: paths, shard: batch.shard, jobs: batch.workerCount, failFast: batch.failFast, resume: batch.resume,
            destination: .file(path: joinPath(output, "index.csv"), errors: BatchDestination.errorsFile(inFolder: output)),
            header: ReportIndex.header(classes: model.classes))
        let folder = output
        let description = modelDescription(model, path: self.model), audio = channel.readOptions
        do {
            _ = try await runBatchCommand(request, options: batch) {
                ReportWorker(model: model, segmentation: segmentation, segmentationName: segmentationName, audio: audio,
                             folder: folder, pages: pageNames, modelDescription: description)
            }
        } catch let stop as ExitCode where stop == ExitCode(ExitStatus.someInputsFailed) {
            // Some inputs failed: the index still lists the others (and names the failures).
            try writeIndex()
            throw stop
        }
        try writeIndex()
    }

    /// Writes DIR/index.html from the finished run's DIR/index.csv (absent when the run itself failed).
    private func writeIndex() throws {
        guard ReportIndex.isReportFolder(output) else { return }
        do { try ReportIndex.writePage(folder: output) } catch {
            reportError("\(error)")
            throw ExitCode(ExitStatus.notCompleted)
        }
    }
}

/// The model for page headers: its file (or "bundled model"), kind, classes and training corpus, e.g.
/// `bundled model (logreg, 7 classes: angry, ...; trained on ../shared/corpora/emodb)`.
func modelDescription(_ model: EmotionModel, path: String?) -> String {
    "\(path ?? "bundled model") (\(model.kind.rawValue), \(model.classes.count) classes: \(model.classes.joined(separator: ", ")); trained on \(model.training.corpus))"
}

/// Writes one recording's page into the report folder and its line of `index.csv`.
final class ReportWorker: BatchWorker {
    private let analyzer: RecordingAnalyzer
    private let folder: String
    private let pages: [String]
    private let modelDescription: String

    init(model: EmotionModel, segmentation: Segmentation, segmentationName: String, audio: AudioReadOptions,
         folder: String, pages: [String], modelDescription: String) {
        analyzer = RecordingAnalyzer(model: model, segmentation: segmentation, segmentationName: segmentationName, audio: audio)
        self.folder = folder
        self.pages = pages
        self.modelDescription = modelDescription
    }

    func process(_ item: BatchItem, into output: ResultBuffer, stop: StopFlag) throws -> BatchFileResult {
        let report = try analyzer.analyze(path: item.path)
        let name = pages[item.index], path = joinPath(folder, name)
        // A fixed temporary name: a page left half-written by a killed run is overwritten when it is redone.
        let page = try OutputFile(path: path, temporaryPath: path + ".partial")
        try page.sink.write(recordingPage(report, model: modelDescription, index: ReportIndex.pageName))
        try page.commit()
        try output.write(ReportIndex.line(report, page: name))
        return BatchFileResult(audioSeconds: report.duration, warnings: report.condition?.warnings(for: item.path) ?? [])
    }
}
