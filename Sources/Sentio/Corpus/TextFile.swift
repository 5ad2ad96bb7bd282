#if canImport(Glibc)
import Glibc
#endif

/// Reads a whole (small) text file such as a labels table or a model file.
/// - Parameter limit: largest accepted size in bytes; a bigger file is refused rather than read.
/// - Throws: ``TextFileError`` naming the path and the cause (missing, unreadable, a folder, too big, not UTF-8).
func readTextFile(_ path: String, limit: Int = 256 << 20) throws(TextFileError) -> String {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else {
        throw TextFileError(path: path, cause: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
    }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw TextFileError(path: path, cause: String(cString: strerror(errno))) }
    guard (st.st_mode & S_IFMT) != S_IFDIR else { throw TextFileError(path: path, cause: "is a folder, not a file") }
    guard Int(st.st_size) <= limit else { throw TextFileError(path: path, cause: "larger than \(limit >> 20) MB") }
    let bytes = try readAll(fd, name: path, limit: limit)
    guard let text = String(validating: bytes, as: UTF8.self) else {
        throw TextFileError(path: path, cause: "not UTF-8 text")
    }
    return text
}

/// Every byte readable from `fd` until its end, at most `limit` (a pipe has no size to check first).
/// - Throws: ``TextFileError`` naming `name`: a read error, or more than `limit` bytes.
func readAll(_ fd: Int32, name: String, limit: Int) throws(TextFileError) -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            throw TextFileError(path: name, cause: String(cString: strerror(errno)))
        }
        if n == 0 { return bytes }
        bytes += chunk[0..<n]
        if bytes.count > limit { throw TextFileError(path: name, cause: "larger than \(limit >> 20) MB") }
    }
}

/// A text input that could not be read.
public struct TextFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// Why it could not be read.
    public var cause: String
    /// One line: `path: cause`.
    public var description: String { "\(path): \(cause)" }
}

