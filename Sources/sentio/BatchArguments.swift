import ArgumentParser
import Dispatch
import Sentio

#if canImport(Glibc)
import Glibc
#endif

/// The audio inputs of a batch command: files, folders, `-` and manifests.
struct InputArguments: ParsableArguments {
    @Argument(help: "Audio files, folders (searched recursively for audio files) or - (paths on standard input, one per line).")
    var inputs: [String] = []

    @Option(help: "A file listing inputs: one path per line, or a CSV table with a 'file' column such as a corpus's labels.csv. Relative paths are relative to the manifest's folder (a CSV's to the folder's wav/ when there is one, as for a corpus, unless they start with wav/). Repeatable.")
    var manifest: [String] = []

    @Option(help: "Extensions taken from folders, comma-separated (default: every format libsndfile reads: wav, flac, ogg, opus, mp3, aiff, ...).")
    var ext: String?

    func validate() throws {
        if inputs.isEmpty && manifest.isEmpty { throw ValidationError("give audio files, folders, - or --manifest LIST") }
        if let ext, ext.split(separator: ",").isEmpty { throw ValidationError("--ext needs at least one extension") }
    }

    /// The ordered, de-duplicated input paths, or a usage error for an unreadable manifest.
    func collect() throws -> [String] {
        var extensions = BatchInputs.audioExtensions
        if let ext {
            extensions = Set(ext.split(separator: ",").map { $0.trimmingPrefix(".").lowercased() })
        }
        return try collectInputs(BatchInputs(arguments: inputs, manifests: manifest, extensions: extensions))
    }
}

/// The ordered, de-duplicated paths of `inputs`, with a warning for each empty folder and one for inputs that
/// name a file already listed; a usage error for an unreadable manifest or when no audio file is found.
func collectInputs(_ inputs: BatchInputs) throws -> [String] {
    let paths: [String]
    var empty: [String] = [], same: [(dropped: String, kept: String)] = []
    do {
        paths = try inputs.collect(emptyFolder: { empty.append($0) }, sameFile: { same.append(($0, $1)) })
    } catch {
        throw inputListError("\(error)")
    }
    guard !paths.isEmpty else { throw inputListError("no audio files found in \((inputs.arguments + inputs.manifests).joined(separator: ", "))") }
    for folder in empty { reportWarning("\(folder): no audio files in this folder") }
    if let first = same.first {
        reportWarning("\(first.dropped): the same file as \(first.kept) (another path or a symbolic link to it): processed once"
                      + (same.count > 1 ? " (and \(same.count - 1) more such inputs)" : ""))
    }
    return paths
}

/// Which channel of multi-channel inputs is analysed.
struct ChannelArguments: ParsableArguments {
    @Option(parsing: .unconditional, help: "Analyse only this channel of multi-channel inputs (0 = the first, the left of a stereo file) instead of the average of all channels: e.g. a call with the agent and the customer on separate channels, one side per run. An input without that channel fails. Files written per input (npy, TextGrid, Audacity labels, report pages) are named NAME.chN.EXT; give each side its own -o folder (a folder's index, errors file and journal are the last run's).")
    var channel: Int?

    func validate() throws {
        if let channel, channel < 0 { throw ValidationError("--channel counts from 0") }
    }

    /// The reading options (the analysis rate is set by the features).
    var readOptions: AudioReadOptions { AudioReadOptions(channel: channel) }

    /// The part of a run's settings (its resume key) that says which channel is read; empty for the default.
    var settings: String { channel.map { " channel=\($0)" } ?? "" }

    /// What per-input file names carry before their extension, so that the per-input files of the two sides
    /// of a call do not overwrite each other when gathered: `.ch1` for `--channel 1`; empty for the default.
    var fileSuffix: String { channel.map { ".ch\($0)" } ?? "" }
}

/// How a batch runs: workers, progress, failures, resumption, sharding.
struct BatchArguments: ParsableArguments {
    @Option(help: "Files processed at the same time (default: all processors).")
    var jobs: Int?

    @Option(help: "Progress and end-of-run summary on standard error: auto (when it is a terminal), always or never (nothing but error lines: no warnings either).")
    var progress: ProgressMode = .auto

    @Flag(help: "Start no new file after the first failure; exit status 3. The files finished before it stay in the unfinished output (OUT.partial), which --resume completes.")
    var failFast = false

    @Flag(help: "Continue the run recorded in the output's journal (OUT.journal; DIR/index.csv.journal for a folder output) after a crash or interruption, without redoing finished files. Without a journal, a normal run.")
    var resume = false

    @Option(help: "Process only part K of N (0 <= K < N) of the inputs, balanced by file size, for job arrays; combine the parts with `sentio merge`.")
    var shard: Shard?

    /// Checks the options against the command's output, and silences warnings for `--progress never`
    /// (also those about the inputs and options, which come before the batch starts).
    func validate(output: String?) throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if resume && output == nil { throw ValidationError("--resume needs an output file (-o PATH)") }
        warningsSilenced.store(progress == .never, ordering: .relaxed)
    }

    var workerCount: Int { jobs ?? processorCount }
}

/// When progress is shown.
enum ProgressMode: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
}

extension Shard: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}

/// The part of a batch command's help that describes batches.
let batchDiscussion = batchHelp(outputs: """
    With -o OUT, rows are written to OUT.partial, renamed to OUT at the end, and OUT.journal records each \
    finished file (errors go to OUT.errors.jsonl; for a folder output, DIR/index.csv.journal and \
    DIR/errors.jsonl)
    """)

/// ``batchDiscussion`` for a command that writes a folder (`report -o DIR`).
let folderBatchDiscussion = batchHelp(outputs: """
    Each page is written as PAGE.partial and renamed into place, the index as DIR/index.csv.partial renamed \
    to DIR/index.csv at the end, and DIR/index.csv.journal records each finished file (errors go to \
    DIR/errors.jsonl)
    """)

private func batchHelp(outputs: String) -> String {
    """
    Inputs are files, folders (searched recursively), - (paths on standard input) and --manifest lists, \
    duplicates (another spelling, `..` or a symbolic link to a path already named) removed, in the order \
    given. Files run in \
    parallel (--jobs) but rows come out in input order. A bad file gets one error line on standard error \
    and a line in the errors file, and the others go on; a poor recording (below the 16 kHz analysis rate, \
    clipped, with channels that cancel when averaged, or float samples far beyond full scale) gets a warning line and is processed. \(outputs): a run killed at any point continues \
    with --resume. --shard K/N processes part of the inputs; `sentio merge` combines the parts into what \
    one run would have written.

    Exit status: 0 when every file was processed, 1 when some failed (the others were written), 2 for a \
    usage error, 3 when the run did not complete (the output could not be written, its journal belongs \
    to another run, a model could not be loaded, or --fail-fast stopped it with inputs left), 128 + N \
    when stopped by signal N (130 for Ctrl-C).
    """
}

/// Raised by SIGINT and SIGTERM; the running batch stops cleanly.
let interruption = StopFlag()

/// Runs `request` with the batch options: signals, progress, one error line per failed input, the summary.
/// - Parameter finished: called with the summary once the run has gone through its inputs (some may have
///   failed), before the exit status for failed inputs is thrown; not when it was refused, interrupted or
///   could not write: e.g. to write a file that describes the output, or to print what was collected.
/// - Throws: `ExitCode` 1 when any input failed or the output failed, 128 + signal when interrupted.
func runBatchCommand(_ request: BatchRequest, options: BatchArguments, finished: (BatchSummary) throws -> Void = { _ in },
                     makeWorker: @escaping @Sendable () -> any BatchWorker) async throws -> BatchSummary {
    let handler: @convention(c) (Int32) -> Void = { signal in
        // A second signal while stopping ends the process at once.
        if interruption.isRaised { _exit(128 + signal) }
        interruption.request(signal: signal)
    }
    signal(SIGINT, handler)
    signal(SIGTERM, handler)
    defer {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    let terminal = isatty(STDERR_FILENO) != 0
    let show = options.progress == .always || (options.progress == .auto && terminal)
    let progress = BatchProgress()
    let display = show ? ProgressDisplay(progress: progress, terminal: terminal) : nil
    display?.start()
    let summary: BatchSummary
    do {
        summary = try await runBatch(request, stop: interruption, progress: progress,
                                     onFailure: { display?.clear(); reportError($0) },
                                     onWarning: { message in
                                         display?.clear()
                                         reportWarning(message)  // silent with --progress never
                                     },
                                     makeWorker: makeWorker)
    } catch {
        display?.stop()
        reportError("\(error)")
        throw ExitCode(ExitStatus.notCompleted)
    }
    display?.stop()
    if show { try? TextSink.standardError().write("sentio: \(summary.line)\n") }
    switch summary.stopReason {
    case .signal(let signal)?:
        var message = "stopped by signal \(signal) after \(summary.ok + summary.failed) of \(summary.files) files"
        if case .file = request.destination { message += "; run the same command with --resume to finish" }
        reportError(message)
        throw ExitCode(128 + signal)
    case .outputFailed(let message)?:
        reportError(message)
        throw ExitCode(ExitStatus.notCompleted)
    case .failFast?, nil:
        do { try finished(summary) } catch {
            reportError("\(error)")
            throw ExitCode(ExitStatus.notCompleted)
        }
        // --fail-fast stopped with inputs left: the run is not complete (--resume finishes it).
        if summary.stopReason == .failFast {
            var message = "stopped by --fail-fast after \(summary.ok + summary.failed) of \(summary.files) files"
            if case .file(let path, _) = request.destination {
                message += "; the finished files are in \(path).partial: run the same command with --resume to finish"
            }
            reportError(message)
            throw ExitCode(ExitStatus.notCompleted)
        }
        if summary.failed > 0 { throw ExitCode(ExitStatus.someInputsFailed) }
    }
    return summary
}

/// Redraws the progress line on standard error: in place twice a second on a terminal, otherwise a new
/// line every 10 seconds.
final class ProgressDisplay: @unchecked Sendable {
    private let progress: BatchProgress
    private let terminal: Bool
    private let timer: DispatchSourceTimer
    private let queue = DispatchQueue(label: "sentio.progress")
    private var drawn = false

    init(progress: BatchProgress, terminal: Bool) {
        self.progress = progress
        self.terminal = terminal
        timer = DispatchSource.makeTimerSource(queue: queue)
    }

    func start() {
        let interval = terminal ? 0.5 : 10.0
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [self] in draw() }
        timer.resume()
    }

    private func draw() {
        let line = "sentio: " + progress.snapshot.line()
        try? TextSink.standardError().write(terminal ? "\r\u{1B}[K" + line : line + "\n")
        drawn = terminal
    }

    /// Removes the progress line so that another line can be printed.
    func clear() {
        queue.sync {
            if drawn { try? TextSink.standardError().write("\r\u{1B}[K") }
            drawn = false
        }
    }

    func stop() {
        timer.cancel()
        clear()
    }
}

/// Where a batch command writes: `-o PATH` as a crash-safe file with `PATH.errors.jsonl`, else standard output.
func batchDestination(output: String?) -> BatchDestination {
    guard let output else { return .standardOutput }
    return .file(path: output, errors: BatchDestination.errorsFile(of: output))
}
