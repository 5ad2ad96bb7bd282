#if canImport(Glibc)
import Glibc
#endif

/// A file written under a temporary name and renamed into place by ``commit()``, so a reader never sees a
/// half-written output: the destination holds either the previous content or the complete new one.
package final class OutputFile {
    /// Final path.
    package let path: String
    /// Temporary path written until ``commit()``.
    package let temporaryPath: String
    /// Buffered writer to the temporary file.
    package let sink: TextSink
    private var done = false

    /// Creates the temporary file next to `path` (next to its target when `path` is a symbolic link).
    /// - Parameter reading: files the command reads, which `path` must not be.
    /// - Throws: ``OutputError`` naming `path` when its folder is missing or not writable, or when `path` is
    ///   not a regular file or is one of `reading` (see ``replaceableOutputPath(_:inputs:)``).
    package convenience init(path: String, reading: [String] = []) throws {
        let target = try replaceableOutputPath(path, inputs: reading)
        try self.init(path: target, temporaryPath: "\(target).partial-\(getpid())")
    }

    /// Creates (or truncates) `temporaryPath` for `path`: a fixed name lets a resumed run overwrite what a
    /// killed one left instead of leaving it behind.
    package init(path: String, temporaryPath: String) throws {
        self.path = path
        self.temporaryPath = temporaryPath
        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError(path: path, cause: String(cString: strerror(errno))) }
        sink = TextSink(fd: fd, name: path, owns: true, threshold: 1 << 16)
    }

    deinit { if !done { unlink(temporaryPath) } }

    /// Flushes, syncs and renames the temporary file onto ``path``.
    package func commit() throws {
        try sink.flush()
        try sink.sync()
        guard rename(temporaryPath, path) == 0 else {
            throw OutputError(path: path, cause: String(cString: strerror(errno)))
        }
        done = true
    }

    /// Removes the temporary file.
    package func discard() {
        unlink(temporaryPath)
        done = true
    }
}

/// The file an output for `path` is written to, beside it and then renamed onto it: `path` itself when nothing
/// is there yet or it is a regular file, the file it points to when it is a symbolic link. The rename would
/// replace a device, a pipe or the link itself with a regular file, and silently overwrite an input.
/// - Parameter inputs: files the same run reads; the output must be none of them.
/// - Throws: ``OutputError`` naming `path` when it is (or points to) a folder, a device or a pipe, a
///   symbolic link to nothing, or one of `inputs`.
package func replaceableOutputPath(_ path: String, inputs: [String] = []) throws -> String {
    let notRegular = "not a regular file (a device, pipe or standard stream); leave out -o to write to standard output"
    // The standard streams' names (/dev/stdout, /dev/fd/1, /proc/self/fd/1) lead to a pipe, a terminal or a
    // file the shell opened for them (`>> log`), which a rename would replace.
    func isStreamName(_ p: String) -> Bool {
        ["/dev/stdout", "/dev/stderr", "/dev/stdin"].contains(p) || p.hasPrefix("/dev/fd/") || p.hasPrefix("/proc/")
    }
    if isStreamName(path) { throw OutputError(path: path, cause: notRegular) }
    var st = stat()
    guard lstat(path, &st) == 0 else { return path }  // nothing there: a new file
    var target = path
    if (st.st_mode & S_IFMT) == S_IFLNK {
        // The link's own target first: /dev/stdout to a pipe resolves to nothing.
        var link = [CChar](repeating: 0, count: Int(PATH_MAX))
        let length = readlink(path, &link, link.count)
        if length > 0 && isStreamName(String(decoding: link.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)) {
            throw OutputError(path: path, cause: notRegular)
        }
        guard let resolved = canonicalPath(path) else {
            throw OutputError(path: path, cause: errno == ENOENT ? "a symbolic link to a missing file" : String(cString: strerror(errno)))
        }
        target = resolved
        if isStreamName(target) { throw OutputError(path: path, cause: notRegular) }
        guard stat(target, &st) == 0 else { throw OutputError(path: path, cause: String(cString: strerror(errno))) }
    }
    switch st.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFDIR: throw OutputError(path: path, cause: "is a folder (this format writes one file)")
    default: throw OutputError(path: path, cause: notRegular)
    }
    for input in inputs {
        var other = stat()
        if stat(input, &other) == 0 && other.st_dev == st.st_dev && other.st_ino == st.st_ino {
            throw OutputError(path: path, cause: "is also an input (\(input)); it would be overwritten")
        }
    }
    return target
}

/// Longest stem, in bytes, of the file names ``perInputFileNames(_:extension:)`` gives.
package let perInputStemBytes = 200

/// File names for one output file per input in a folder (npy matrices, TextGrids, label tracks): each input's
/// name without its extension, plus `ext`, with `-2`, `-3`, ... added to later inputs with the same name.
/// Computed over the whole input list, so the shards of a run name every input as a single run would.
/// Stems longer than ``perInputStemBytes`` are cut (at a character boundary) so that a name, with its `-N`, its
/// extension and the `.partial` it has while being written, stays within the 255 bytes of a file name.
package func perInputFileNames(_ paths: [String], extension ext: String) -> [String] {
    var used: Set<String> = []
    return paths.map { path in
        var stem = String(path.split(separator: "/").last ?? "input")
        if let dot = stem.lastIndex(of: "."), dot != stem.startIndex { stem = String(stem[..<dot]) }
        if stem.utf8.count > perInputStemBytes {
            var cut = ""
            for character in stem {
                if cut.utf8.count + character.utf8.count > perInputStemBytes { break }
                cut.append(character)
            }
            stem = cut
        }
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
