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
    public convenience init(path: String) throws {
        try self.init(path: path, temporaryPath: "\(path).partial-\(getpid())")
    }

    /// Creates (or truncates) `temporaryPath` for `path`: a fixed name lets a resumed run overwrite what a
    /// killed one left instead of leaving it behind.
    public init(path: String, temporaryPath: String) throws {
        self.path = path
        self.temporaryPath = temporaryPath
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
