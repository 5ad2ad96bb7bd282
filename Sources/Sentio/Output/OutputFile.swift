#if canImport(Glibc)
import Glibc
#endif

/// A file written under a temporary name and renamed into place by ``commit()``, so a reader never sees a
/// half-written output: the destination holds either the previous content or the complete new one.
public final class OutputFile {
    /// Final path.
    public let path: String
    /// Temporary path written until ``commit()``.
    public let temporaryPath: String
    /// Buffered writer to the temporary file.
    public let sink: TextSink
    private var done = false

    /// Creates the temporary file next to `path`.
    /// - Throws: ``OutputError`` naming `path` when its folder is missing or not writable.
    public init(path: String) throws {
        self.path = path
        temporaryPath = "\(path).partial-\(getpid())"
        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError(path: path, cause: String(cString: strerror(errno))) }
        sink = TextSink(fd: fd, name: path, owns: true, threshold: 1 << 16)
    }

    deinit { if !done { unlink(temporaryPath) } }

    /// Flushes, syncs and renames the temporary file onto ``path``.
    public func commit() throws {
        try sink.flush()
        try sink.sync()
        guard rename(temporaryPath, path) == 0 else {
            throw OutputError(path: path, cause: String(cString: strerror(errno)))
        }
        done = true
    }

    /// Removes the temporary file.
    public func discard() {
        unlink(temporaryPath)
        done = true
    }
}

/// An anonymous temporary file holding one input's rows until the input has been processed completely, so
/// an input that fails halfway leaves no rows behind in the output.
public final class Spool {
    private let fd: Int32
    /// Writer into the spool.
    public let sink: TextSink

    public init() throws {
        var template = Array("\(Spool.directory)/sentio-spool-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw OutputError(path: Spool.directory, cause: String(cString: strerror(errno))) }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }  // anonymous: gone when closed
        self.fd = fd
        sink = TextSink(fd: fd, name: "spool", owns: true, threshold: 1 << 16)
    }

    private static var directory: String {
        if let dir = getenv("TMPDIR") { return String(cString: dir) }
        return "/tmp"
    }

    /// Appends everything spooled so far to `destination` and empties the spool.
    public func drain(into destination: TextSink) throws {
        try sink.flush()
        var offset: off_t = 0
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = block.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputError(path: "spool", cause: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            try destination.write(bytes: block[0..<n])
            offset += off_t(n)
        }
        try reset()
    }

    /// Forgets everything spooled.
    public func reset() throws {
        try sink.discardBuffer()
        // Rewind too: write(2) continues at the descriptor's offset, which truncation does not move.
        guard ftruncate(fd, 0) == 0, lseek(fd, 0, SEEK_SET) == 0 else {
            throw OutputError(path: "spool", cause: String(cString: strerror(errno)))
        }
    }
}
