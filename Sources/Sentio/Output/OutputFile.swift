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

/// File names for one output file per input in a folder (npy matrices, TextGrids, label tracks): each input's
/// name without its extension, plus `ext`, with `-2`, `-3`, ... added to later inputs with the same name.
/// Computed over the whole input list, so the shards of a run name every input as a single run would.
public func perInputFileNames(_ paths: [String], extension ext: String) -> [String] {
    var used: Set<String> = []
    return paths.map { path in
        var stem = String(path.split(separator: "/").last ?? "input")
        if let dot = stem.lastIndex(of: "."), dot != stem.startIndex { stem = String(stem[..<dot]) }
        var name = stem + ext
        var n = 2
        while used.contains(name) {
            name = "\(stem)-\(n)\(ext)"
            n += 1
        }
        used.insert(name)
        return name
    }
}
