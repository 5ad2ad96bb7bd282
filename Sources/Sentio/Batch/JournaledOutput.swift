#if canImport(Glibc)
import Glibc
#endif

/// A batch's output file, written so that a run killed at any moment can be finished by `--resume`.
///
/// Rows go to `OUT.partial`; `OUT.journal` (``RunJournal``) records, after each group of inputs is on disk,
/// where each input's bytes end. On success the partial file is renamed to `OUT`, so `OUT` only ever holds a
/// complete output (or the previous one). Resuming cuts `OUT.partial` back to the last journalled input and
/// goes on from there, which reproduces the uninterrupted output byte for byte. A lock on the partial file
/// stops two runs from writing the same output.
///
/// Failed inputs are listed in `OUT.errors.jsonl` (``RunJournal/errorsText``), rewritten atomically when the
/// run ends or stops; it is removed when a run has no failures.
final class JournaledOutput {
    /// The final output path.
    let path: String
    /// Where the failed inputs are listed.
    let errorsPath: String
    private let partialPath: String
    private let journalPath: String
    private let header: RunJournal.Header
    private let data: TextSink
    private var journalDescriptor: Int32 = -1
    /// Bytes of the output so far.
    private(set) var written: Int
    /// Entries of this output whose journal lines are not yet written.
    private var pending: [RunJournal.Entry] = []
    /// The failed inputs, including those of the run being resumed (only these are kept: a run over millions
    /// of files must not hold an entry per file).
    private(set) var failures: [RunJournal.Entry]
    /// Inputs recorded, including those of the run being resumed.
    private(set) var recorded: Int
    private var lastSync = monotonicSeconds()
    private var closed = false
    /// The first failed write of the output. The sink drops what it could not write, so after a failure no
    /// journal line may follow: it would describe bytes that are not on disk, and `--resume` would refuse
    /// the output (or, worse, trust it).
    private var writeFailure: (any Error)?

    /// How often the output and journal are synced to disk, in seconds: at most this much work is redone
    /// after a crash.
    static let syncInterval = 0.5

    /// What opening found.
    enum Opening {
        /// Ready for the inputs after `resumed`, the entries of the run being continued (none for a fresh run).
        case ready(JournaledOutput, resumed: [RunJournal.Entry])
        /// A resumed run that had already finished: nothing to do.
        case alreadyComplete(RunJournal)
    }

    /// Opens `path` for a fresh run, or with `resume` continues the run its journal records (a fresh run when
    /// there is no journal).
    /// - Throws: ``OutputError`` when the files cannot be written or another run holds them;
    ///   ``JournalError`` when the journal belongs to another run or is damaged.
    static func open(path: String, errorsPath: String, header: RunJournal.Header, headerText: String,
                     resume: Bool) throws -> Opening {
        let journalPath = RunJournal.path(for: path)
        let partialPath = path + ".partial"
        var previous: RunJournal? = nil
        if resume, let journal = try RunJournal.read(path: journalPath) {
            guard journal.header.sameRun(as: header) else {
                throw JournalError(path: journalPath, cause: "records a different run (\(differences(journal.header, header))); remove it or run without --resume")
            }
            if journal.complete && !isRegularFile(partialPath) {
                guard isRegularFile(path) else {
                    throw JournalError(path: journalPath, cause: "records a finished run but \(path) is missing; run without --resume")
                }
                return .alreadyComplete(journal)
            }
            guard isRegularFile(partialPath) else {
                throw JournalError(path: journalPath, cause: "records an unfinished run but \(partialPath) is missing; run without --resume")
            }
            previous = journal
        }
        let fd = Glibc.open(partialPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError(path: path, cause: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw OutputError(path: path, cause: "another sentio run is writing this output")
        }
        let sink = TextSink(fd: fd, name: path, owns: true, threshold: 1 << 16)
        let output: JournaledOutput
        if let previous {
            let end = previous.entries.last?.end ?? header.headerBytes
            var st = stat()
            guard fstat(fd, &st) == 0, Int(st.st_size) >= end else {
                throw JournalError(path: journalPath, cause: "\(partialPath) is shorter than the journal says; run without --resume")
            }
            guard ftruncate(fd, off_t(end)) == 0, lseek(fd, off_t(end), SEEK_SET) == off_t(end) else {
                throw OutputError(path: path, cause: String(cString: strerror(errno)))
            }
            output = JournaledOutput(path: path, errorsPath: errorsPath, header: header, data: sink, written: end,
                                     resumed: previous.entries)
            try output.writeJournal(RunJournal(header: header, entries: previous.entries, complete: false).text)
        } else {
            // An old journal must not outlive the partial file it describes: a crash before the new journal is
            // written then resumes as a fresh run.
            unlink(journalPath)
            guard ftruncate(fd, 0) == 0 else { throw OutputError(path: path, cause: String(cString: strerror(errno))) }
            try sink.write(headerText)
            output = JournaledOutput(path: path, errorsPath: errorsPath, header: header, data: sink,
                                     written: headerText.utf8.count, resumed: [])
            try sink.flush()
            try sink.sync()
            try output.writeJournal(RunJournal(header: header, entries: [], complete: false).text)
        }
        return .ready(output, resumed: previous?.entries ?? [])
    }

    private init(path: String, errorsPath: String, header: RunJournal.Header, data: TextSink, written: Int,
                 resumed: [RunJournal.Entry]) {
        self.path = path
        self.errorsPath = errorsPath
        partialPath = path + ".partial"
        journalPath = RunJournal.path(for: path)
        self.header = header
        self.data = data
        self.written = written
        failures = resumed.filter { !$0.ok }
        recorded = resumed.count
    }

    deinit { if journalDescriptor >= 0 { close(journalDescriptor) } }

    /// Replaces the journal atomically with `text` and opens it for appending.
    private func writeJournal(_ text: String) throws {
        let file = try OutputFile(path: journalPath)
        try file.sink.write(text)
        try file.commit()
        if journalDescriptor >= 0 { close(journalDescriptor) }
        journalDescriptor = Glibc.open(journalPath, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard journalDescriptor >= 0 else { throw OutputError(path: journalPath, cause: String(cString: strerror(errno))) }
    }

    /// Appends one input's outcome: its bytes (nil for a failed input) and, once they are on disk, its journal line.
    func append(index: Int, file: String, bytes: ResultBuffer?, seconds: Double?, error: String?) throws {
        if let writeFailure { throw writeFailure }
        if let bytes {
            try guarded { try bytes.copy(into: data) }
            written += bytes.count
        }
        let entry = RunJournal.Entry(index: index, file: file, ok: error == nil, end: written, seconds: seconds, error: error)
        if !entry.ok { failures.append(entry) }
        recorded += 1
        pending.append(entry)
        if monotonicSeconds() - lastSync >= Self.syncInterval { try sync() }
    }

    /// Puts the output bytes on disk, then the journal lines that describe them.
    func sync() throws {
        if let writeFailure { throw writeFailure }
        lastSync = monotonicSeconds()
        try guarded {
            try data.flush()
            try data.sync()
        }
        guard !pending.isEmpty else { return }
        try guarded {
            try writeAll(journalDescriptor, Array(pending.map(RunJournal.line).joined().utf8), name: journalPath)
            pending.removeAll()
            guard fsync(journalDescriptor) == 0 || errno == EINVAL else {
                throw OutputError(path: journalPath, cause: String(cString: strerror(errno)))
            }
        }
    }

    /// Runs a write of the output or the journal; a failure is kept and the entries not yet journalled are
    /// dropped (their inputs are redone by `--resume`).
    private func guarded(_ write: () throws -> Void) throws {
        do { try write() } catch {
            writeFailure = error
            pending.removeAll()
            throw error
        }
    }

    /// Completes the run: marks the journal complete, renames the partial file to the output and writes the
    /// errors file.
    func finish() throws {
        try sync()
        let completion = RunJournal.Completion(complete: true, ok: recorded - failures.count, failed: failures.count)
        try writeAll(journalDescriptor, Array(RunJournal.line(completion).utf8), name: journalPath)
        guard fsync(journalDescriptor) == 0 || errno == EINVAL else {
            throw OutputError(path: journalPath, cause: String(cString: strerror(errno)))
        }
        guard rename(partialPath, path) == 0 else { throw OutputError(path: path, cause: String(cString: strerror(errno))) }
        syncFolder(of: path)
        closed = true
        try writeErrors()
    }

    /// Stops an unfinished run so that `--resume` can continue it: everything appended is synced and the
    /// errors so far are listed.
    func suspend() throws {
        if writeFailure == nil { try sync() }
        try writeErrors()
    }

    private func writeErrors() throws {
        let text = RunJournal.errorsText(failures)
        if text.isEmpty {
            unlink(errorsPath)
            return
        }
        let file = try OutputFile(path: errorsPath)
        try file.sink.write(text)
        try file.commit()
    }

    /// A short description of how two runs differ, for the resume error.
    private static func differences(_ a: RunJournal.Header, _ b: RunJournal.Header) -> String {
        var parts: [String] = []
        if a.command != b.command { parts.append("command \(a.command), not \(b.command)") }
        if a.settings != b.settings { parts.append("other settings") }
        if a.inputs != b.inputs || a.inputsHash != b.inputsHash { parts.append("other inputs") }
        if a.shard != b.shard { parts.append("shard \(a.shard ?? "none"), not \(b.shard ?? "none")") }
        if a.headerBytes != b.headerBytes && parts.isEmpty { parts.append("another header") }
        return parts.joined(separator: ", ")
    }
}

/// Syncs the folder holding `path`, so that a rename into it survives a power loss.
func syncFolder(of path: String) {
    let fd = open(parentFolder(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd >= 0 {
        fsync(fd)
        close(fd)
    }
}

/// Seconds on the monotonic clock (not affected by changes of the wall clock).
package func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}
