#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// One input of a batch.
package struct BatchItem: Sendable {
    /// Position in the whole run's input list (shards keep the positions of the whole list).
    package var index: Int
    /// The path as the user named it.
    package var path: String
}

/// What processing one input produced besides its output bytes.
package struct BatchFileResult: Sendable {
    /// Seconds of audio processed.
    package var audioSeconds: Double
    /// Warnings to print for this input (one line each, naming the file).
    package var warnings: [String]

    /// Creates a result for `audioSeconds` seconds of audio, with the given warnings (none by default).
    package init(audioSeconds: Double, warnings: [String] = []) {
        self.audioSeconds = audioSeconds
        self.warnings = warnings
    }
}

/// Processes inputs one at a time into result buffers. A batch makes one worker per concurrent task and
/// reuses it for many inputs, so a worker can keep its extractors, plans and buffers; it is used by one task
/// at a time and need not be thread-safe.
package protocol BatchWorker: AnyObject {
    /// Writes the output bytes of `item` to `output`.
    ///
    /// Throw ``BatchStopped`` when `stop` is raised mid-input (check it per row), ``OutputError`` when the
    /// output itself cannot be written (that stops the batch), and anything else for a bad input: its
    /// description becomes the input's one-line error.
    func process(_ item: BatchItem, into output: ResultBuffer, stop: StopFlag) throws -> BatchFileResult
}

/// Thrown by a worker that gave up an input because the batch is stopping.
package struct BatchStopped: Error, Sendable {
    /// Creates the error.
    package init() {}
}

/// A request to stop a batch, raised from a signal handler or by the batch itself. Workers poll it.
package final class StopFlag: Sendable {
    private let state = Atomic<Int32>(0)
    private let parent: StopFlag?

    /// A flag that is also raised whenever `parent` is.
    package init(following parent: StopFlag? = nil) { self.parent = parent }

    /// Asks the batch to stop; `signal` is the signal number that asked (for the exit status).
    /// Async-signal-safe: one atomic store.
    package func request(signal: Int32) {
        _ = state.compareExchange(expected: 0, desired: signal, ordering: .relaxed)
    }

    /// The signal that asked for the stop (this flag's or its parent's), or nil while none has.
    package var signal: Int32? {
        let s = state.load(ordering: .relaxed)
        return s != 0 ? s : parent?.signal
    }

    /// Whether a stop was requested.
    package var isRaised: Bool { state.load(ordering: .relaxed) != 0 || parent?.isRaised == true }

    /// Throws ``BatchStopped`` when a stop was requested.
    @inline(__always)
    package func check() throws {
        if isRaised { throw BatchStopped() }
    }
}

/// Where a batch's output goes.
package enum BatchDestination: Sendable {
    /// Standard output, as rows are ready (no journal: not resumable).
    case standardOutput
    /// A file made crash-safe and resumable by a journal (``JournaledOutput``); failed inputs are listed in `errors`.
    case file(path: String, errors: String)
    /// Kept in memory and returned in ``BatchSummary/collected`` (small outputs such as `info --format table`).
    case memory

    private static let errorsSuffix = ".errors.jsonl"

    /// The errors file of the file output `path`: `PATH.errors.jsonl`.
    package static func errorsFile(of path: String) -> String { path + errorsSuffix }

    /// The errors file of a folder output (npy, TextGrids, label tracks, report pages): `DIR/errors.jsonl`.
    package static func errorsFile(inFolder folder: String) -> String { joinPath(folder, "errors.jsonl") }

    /// The file output whose errors file `path` is named as, or nil when it is not named like one.
    package static func output(ofErrorsFile path: String) -> String? {
        path.hasSuffix(errorsSuffix) ? String(path.dropLast(errorsSuffix.count)) : nil
    }
}

/// A batch to run.
package struct BatchRequest: Sendable {
    /// The subcommand, recorded in the journal.
    package var command: String
    /// Every setting that changes the output bytes, as canonical text; a resumed run must have the same.
    package var settings: String
    /// The whole input list (all shards).
    package var inputs: [String]
    /// The part of ``inputs`` to process, or nil for all.
    package var shard: Shard?
    /// Inputs processed at the same time.
    package var jobs: Int
    /// Start no new input after the first failure.
    package var failFast = false
    /// Continue the run recorded in the output's journal.
    package var resume = false
    /// The output.
    package var destination: BatchDestination
    /// Bytes before the first input's rows (a CSV header).
    package var header: String
    /// Other files the run reads (manifests, tables), which the output must not replace.
    package var reads: [String] = []

    /// Creates a request with the given values; see each property for their meaning. ``reads`` starts empty.
    package init(command: String, settings: String, inputs: [String], shard: Shard? = nil, jobs: Int,
                failFast: Bool = false, resume: Bool = false, destination: BatchDestination, header: String) {
        self.command = command
        self.settings = settings
        self.inputs = inputs
        self.shard = shard
        self.jobs = jobs
        self.failFast = failFast
        self.resume = resume
        self.destination = destination
        self.header = header
    }
}

/// Why a batch ended before its last input.
package enum BatchStopReason: Sendable, Equatable {
    /// A signal (SIGINT, SIGTERM) asked it to stop.
    case signal(Int32)
    /// `--fail-fast` and an input failed.
    case failFast
    /// The output could not be written (the message names it).
    case outputFailed(String)
}

/// What a batch did.
package struct BatchSummary: Sendable {
    /// Inputs of this run (of the shard, when sharded).
    package var files = 0
    /// Inputs already done by the run being resumed.
    package var resumed = 0
    /// Inputs processed successfully, including resumed ones.
    package var ok = 0
    /// Inputs that failed, including resumed ones.
    package var failed = 0
    /// Seconds of audio processed by this invocation.
    package var audioSeconds = 0.0
    /// Wall-clock seconds of this invocation.
    package var wallSeconds = 0.0
    /// CPU seconds (user + system) of this invocation.
    package var cpuSeconds = 0.0
    /// Why the run stopped early, or nil when every input was handled.
    package var stopReason: BatchStopReason?
    /// The errors file, when one was written.
    package var errorsFile: String?
    /// The output, for ``BatchDestination/memory``.
    package var collected: String?

    /// One line for the end of a run: files ok and failed, audio hours, wall time, speed.
    package var line: String {
        var text = "\(ok + failed) of \(files) files: \(ok) ok, \(failed) failed"
        if resumed > 0 { text += " (\(resumed) done before resuming)" }
        text += "; " + formatHours(audioSeconds) + " of audio in " + formatDuration(wallSeconds)
        if wallSeconds > 0 && audioSeconds > 0 { text += ", " + formatSpeed(audioSeconds / wallSeconds) + " real time" }
        if let errorsFile { text += "; errors in \(errorsFile)" }
        return text
    }
}

/// Live counts of a running batch, for a progress display on another thread.
package final class BatchProgress: Sendable {
    /// A consistent copy of the counts.
    package struct Snapshot: Sendable {
        /// Inputs of the run.
        package var files = 0
        /// Inputs handled (ok or failed), including resumed ones.
        package var done = 0
        /// Inputs that failed.
        package var failed = 0
        /// Seconds of audio processed by this invocation.
        package var audioSeconds = 0.0
        /// Input bytes handled by this invocation, for the ETA.
        package var bytesDone: Int64 = 0
        /// Input bytes still to do when this invocation started (the inputs not done by a resumed run).
        package var bytesToDo: Int64 = 0
        /// When this invocation started (``monotonicSeconds()``).
        package var started = monotonicSeconds()

        /// `files 120/535 (2 failed) | 0.31 h audio | 812x real time | ETA 0:12`.
        package func line(now: Double = monotonicSeconds()) -> String {
            let elapsed = max(now - started, 1e-9)
            var text = "files \(done)/\(files)"
            if failed > 0 { text += " (\(failed) failed)" }
            text += " | " + formatHours(audioSeconds) + " audio"
            if audioSeconds > 0 { text += " | " + formatSpeed(audioSeconds / elapsed) + " real time" }
            if bytesDone > 0 && bytesToDo > bytesDone {
                text += " | ETA " + formatDuration(elapsed * Double(bytesToDo - bytesDone) / Double(bytesDone))
            }
            return text
        }
    }

    private let state = Mutex(Snapshot())

    /// Creates progress with every count at zero.
    package init() {}

    /// The current counts.
    package var snapshot: Snapshot { state.withLock { $0 } }

    func update(_ body: (inout Snapshot) -> Void) { state.withLock { body(&$0) } }
}

/// Runs `request` with up to `jobs` inputs in flight (Swift structured concurrency: one child task per input on
/// `jobs` dedicated threads, each borrowing a worker from a pool), writing outputs in input order whatever
/// `jobs` is.
///
/// Finished outputs wait in memory (spilled to temporary files past 64 MB in total) for the inputs before them,
/// so a long input at the head holds up the writing but not the processing of up to 1024 inputs after it.
/// Failed inputs are reported through `onFailure` in input order and listed in the errors file; the rest go
/// on. A raised `stop` (a signal) makes the workers give up their current inputs; everything before the
/// first unfinished input is written and journalled, and `--resume` continues from there.
///
/// - Parameters:
///   - onFailure: called with each failed input's one-line error, in input order.
///   - onWarning: called with each warning line, in input order.
///   - makeWorker: makes a worker; called at most `jobs` times.
/// - Throws: ``OutputError`` or ``JournalError`` when the output cannot be opened or resumed. Failures
///   later on end the run with ``BatchSummary/stopReason`` set instead.
package func runBatch(_ request: BatchRequest, stop: StopFlag, progress: BatchProgress = BatchProgress(),
                     onFailure: @escaping (String) -> Void, onWarning: @escaping (String) -> Void,
                     makeWorker: @escaping @Sendable () -> any BatchWorker) async throws -> BatchSummary {
    let startWall = monotonicSeconds(), startCPU = processCPUSeconds()
    let sizes = fileSizes(request.inputs)
    let selected = request.shard?.select(sizes: sizes) ?? Array(request.inputs.indices)
    var summary = BatchSummary()
    summary.files = selected.count
    // A resumed run skips the inputs its journal already records.
    guard let (sink, first) = try BatchSink.open(request, selected: selected, summary: &summary) else { return summary }

    progress.update {
        $0.files = selected.count
        $0.done = first
        $0.failed = summary.failed
        $0.bytesToDo = selected[first...].reduce(0) { $0 + sizes[$1] }
        $0.started = startWall
    }

    let pool = WorkerPool(make: makeWorker)
    let jobs = max(1, request.jobs)
    let maxPending = raiseOpenFileLimit(wanted: 1024 + 64) - 64
    let residentBudget = 64 << 20
    var pending: [Int: WorkOutcome] = [:]
    var resident = 0
    var nextToStart = first, nextToCommit = first, running = 0
    var dispatching = true

    func commit(_ outcome: WorkOutcome, position: Int) throws {
        let item = selected[position]
        switch outcome {
        case .ok(let buffer, let result):
            try sink.write(buffer, index: item, file: request.inputs[item], seconds: result.audioSeconds)
            summary.ok += 1
            summary.audioSeconds += result.audioSeconds
            result.warnings.forEach(onWarning)
            progress.update {
                $0.done += 1
                $0.audioSeconds += result.audioSeconds
                $0.bytesDone += sizes[item]
            }
        case .failed(let message):
            try sink.writeFailure(index: item, file: request.inputs[item], message: message)
            summary.failed += 1
            onFailure(message)
            progress.update {
                $0.done += 1
                $0.failed += 1
                $0.bytesDone += sizes[item]
            }
        case .stopped, .fatal:
            preconditionFailure("not committable")
        }
    }

    // Raised by the caller's flag (signals) or by this run when its output fails.
    let cancel = StopFlag(following: stop)
    let threads = WorkerThreads(count: jobs)
    // The loop that collects results and starts the next inputs runs on a thread of its own: on the shared
    // cooperative pool it would wait behind whatever else blocks that pool's few threads, and while it waits
    // no new input starts.
    let coordinator = WorkerThreads(count: 1)
    defer {
        threads.shutdown()
        coordinator.shutdown()
    }
    await withTaskExecutorPreference(coordinator) { await withTaskGroup(of: (Int, WorkOutcome).self) { group in
        func launch() {
            let position = nextToStart
            let item = BatchItem(index: selected[position], path: request.inputs[selected[position]])
            nextToStart += 1
            running += 1
            group.addTask(executorPreference: threads) {
                if cancel.isRaised { return (position, .stopped) }
                return (position, pool.withWorker { WorkOutcome.of(item, worker: $0, stop: cancel) })
            }
        }
        // One input more than there are workers waits in their queue, so that a worker that finishes goes on
        // to the next input at once instead of sleeping until this loop has committed and started it (two
        // thread wake-ups per input, ~8 % of a fast feature set's time). Not under --fail-fast, which must
        // not start an input after a failure it has not yet seen.
        let depth = jobs + (request.failFast ? 0 : 1)
        func fill() {
            while dispatching && running < depth && nextToStart < selected.count && pending.count < maxPending && !cancel.isRaised {
                launch()
            }
        }
        fill()
        while let (position, outcome) = await group.next() {
            running -= 1
            switch outcome {
            case .fatal(let message):
                summary.stopReason = summary.stopReason ?? .outputFailed(message)
                dispatching = false
                cancel.request(signal: SIGTERM)
            case .failed where request.failFast:
                // Inputs already running finish, so everything before the failure is written.
                if summary.stopReason == nil { summary.stopReason = .failFast }
                dispatching = false
                fallthrough
            default:
                if case .ok(let buffer, _) = outcome {
                    if resident + buffer.residentCount > residentBudget, position != nextToCommit {
                        try? buffer.spill()
                    }
                    resident += buffer.residentCount
                }
                pending[position] = outcome
            }
            do {
                while let next = pending[nextToCommit] {
                    if case .stopped = next { break }
                    pending[nextToCommit] = nil
                    if case .ok(let buffer, _) = next { resident -= buffer.residentCount }
                    try commit(next, position: nextToCommit)
                    nextToCommit += 1
                }
            } catch {
                summary.stopReason = summary.stopReason ?? .outputFailed("\(error)")
                dispatching = false
                cancel.request(signal: SIGTERM)
            }
            fill()
        }
    } }

    if summary.stopReason == nil, let signal = stop.signal {
        summary.stopReason = .signal(signal)
    }
    // A fail-fast failure on the last inputs left nothing unstarted: the run is complete.
    if summary.stopReason == .failFast && nextToCommit == selected.count { summary.stopReason = nil }
    do {
        try sink.close(complete: nextToCommit == selected.count && summary.stopReason == nil, summary: &summary)
    } catch {
        summary.stopReason = summary.stopReason ?? .outputFailed("\(error)")
    }
    summary.wallSeconds = monotonicSeconds() - startWall
    summary.cpuSeconds = processCPUSeconds() - startCPU
    return summary
}

/// Where a batch's rows go: standard output, memory (for the caller), or a journaled output file.
private enum BatchSink {
    case stream(TextSink)
    case memory(ResultBuffer)
    case journal(JournaledOutput)

    /// Opens `request`'s destination and writes its header, or resumes it: returns the sink and the position
    /// (in `selected`) of the first input still to do, with `summary` counting the resumed ones; nil when the
    /// journal says the run is already complete (`summary` then describes it).
    static func open(_ request: BatchRequest, selected: [Int], summary: inout BatchSummary) throws -> (BatchSink, Int)? {
        switch request.destination {
        case .standardOutput:
            precondition(!request.resume, "only file outputs can be resumed")
            let stream = TextSink.standardOutput()
            try stream.write(request.header)
            return (.stream(stream), 0)
        case .memory:
            let buffer = ResultBuffer(spillThreshold: Int.max)
            try buffer.write(request.header)
            return (.memory(buffer), 0)
        case .file(let requested, let errors):
            let path = try replaceableOutputPath(requested, inputs: request.inputs + request.reads)
            let header = RunJournal.Header(command: request.command, settings: request.settings, inputs: request.inputs.count,
                                           inputsHash: RunJournal.hash(inputs: request.inputs),
                                           shard: request.shard.map(\.description), headerBytes: request.header.utf8.count)
            switch try JournaledOutput.open(path: path, errorsPath: errors, header: header, headerText: request.header,
                                            resume: request.resume) {
            case .alreadyComplete(let journal):
                summary.resumed = journal.entries.count
                summary.ok = journal.entries.count(where: \.ok)
                summary.failed = journal.entries.count - summary.ok
                summary.errorsFile = summary.failed > 0 ? errors : nil
                return nil
            case .ready(let output, let resumed):
                let first = resumed.count
                guard first <= selected.count, resumed.indices.allSatisfy({ resumed[$0].index == selected[$0] }) else {
                    throw JournalError(path: RunJournal.path(for: path), cause: "does not match this run's inputs; run without --resume")
                }
                summary.resumed = first
                summary.failed = output.failures.count
                summary.ok = first - summary.failed
                return (.journal(output), first)
            }
        }
    }

    /// Writes input `index`'s rows (`seconds` of audio from `file`).
    func write(_ buffer: ResultBuffer, index: Int, file: String, seconds: Double) throws {
        switch self {
        case .journal(let output): try output.append(index: index, file: file, bytes: buffer, seconds: seconds, error: nil)
        case .stream(let stream): try buffer.copy(into: stream)
        case .memory(let collected): try collected.write(bytes: buffer.bytes())
        }
    }

    /// Records that input `index` failed (only a journaled output lists failures).
    func writeFailure(index: Int, file: String, message: String) throws {
        if case .journal(let output) = self {
            try output.append(index: index, file: file, bytes: nil, seconds: nil, error: message)
        }
    }

    /// Ends the run: a journaled output is finished when `complete`, else left resumable; the collected rows
    /// and the errors file go into `summary`.
    func close(complete: Bool, summary: inout BatchSummary) throws {
        switch self {
        case .journal(let output):
            if complete { try output.finish() } else { try output.suspend() }
            if summary.failed > 0 { summary.errorsFile = output.errorsPath }
        case .stream(let stream):
            try stream.flush()
        case .memory(let collected):
            summary.collected = try collected.text()
        }
    }
}

/// A worker's answer for one input.
private enum WorkOutcome: Sendable {
    case ok(ResultBuffer, BatchFileResult)
    case failed(String)
    case stopped
    case fatal(String)

    /// What `worker` makes of `item`: its rows, its one-line error (starting with the file), a stop, or an
    /// output failure that ends the run.
    static func of(_ item: BatchItem, worker: any BatchWorker, stop: StopFlag) -> WorkOutcome {
        let buffer = ResultBuffer()
        do {
            let result = try worker.process(item, into: buffer, stop: stop)
            return .ok(buffer, result)
        } catch is BatchStopped {
            return .stopped
        } catch let error as OutputError {
            return .fatal(error.description)
        } catch {
            let message = "\(error)"
            return .failed(message.hasPrefix(item.path) ? message : "\(item.path): \(message)")
        }
    }
}

/// Workers made on demand and lent to one task at a time.
private final class WorkerPool: Sendable {
    /// Hands a worker (not Sendable) from the task that returned it to the next that borrows it.
    private final class Box: @unchecked Sendable {
        let worker: any BatchWorker
        init(_ worker: any BatchWorker) { self.worker = worker }
    }

    private let make: @Sendable () -> any BatchWorker
    private let idle = Mutex<[Box]>([])

    init(make: @escaping @Sendable () -> any BatchWorker) { self.make = make }

    func withWorker<T>(_ body: (any BatchWorker) -> T) -> T {
        let box = idle.withLock { $0.popLast() } ?? Box(make())
        defer { idle.withLock { $0.append(box) } }
        return body(box.worker)
    }
}

/// CPU seconds (user + system) the process has used so far.
package func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
}

/// Raises the soft limit on open files towards `wanted` (spilled results each hold a descriptor) and
/// returns the limit in force.
private func raiseOpenFileLimit(wanted: Int) -> Int {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 256 }
    if limit.rlim_cur < rlim_t(wanted) {
        limit.rlim_cur = min(rlim_t(wanted), limit.rlim_max)
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
    return max(80, Int(min(limit.rlim_cur, rlim_t(Int32.max))))
}
