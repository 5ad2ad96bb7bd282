#if canImport(Glibc)
import Glibc
#endif

/// A buffered writer of UTF-8 text to a file descriptor (stdout, stderr or an opened file).
///
/// Writes go straight through `write(2)`, retried on EINTR and partial writes, so nothing depends on C stdio
/// buffers shared between threads. Errors (a full disk, a closed pipe) are thrown, never ignored.
package final class TextSink {
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private let flushThreshold: Int
    /// Where the text goes, for error messages.
    package let name: String

    /// Standard output, buffered.
    package static func standardOutput() -> TextSink { TextSink(fd: 1, name: "<stdout>", owns: false, threshold: 1 << 16) }
    /// Standard error, flushed after every write (through ``StandardError/descriptor``).
    package static func standardError() -> TextSink {
        TextSink(fd: StandardError.descriptor, name: "<stderr>", owns: false, threshold: 0)
    }

    init(fd: Int32, name: String, owns: Bool, threshold: Int) {
        self.fd = fd
        self.name = name
        self.ownsDescriptor = owns
        self.flushThreshold = threshold
        buffer.reserveCapacity(threshold + 1024)
    }

    deinit {
        try? flush()
        if ownsDescriptor { close(fd) }
    }

    /// Appends `text`; writes out the buffer once it passes the threshold.
    package func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count > flushThreshold { try flush() }
    }

    /// Appends raw bytes.
    package func write<Bytes: Collection<UInt8>>(bytes: Bytes) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count > flushThreshold { try flush() }
    }

    /// Drops buffered bytes that were not yet written.
    package func discardBuffer() throws {
        buffer.removeAll(keepingCapacity: true)
    }

    /// Asks the kernel to put written data on disk (fsync).
    package func sync() throws {
        guard fsync(fd) == 0 || errno == EINVAL || errno == EROFS else {
            throw OutputError(path: name, cause: String(cString: strerror(errno)))
        }
    }

    /// Writes `bytes` at `offset` directly (not through the buffer), for patching headers.
    package func write(bytes: [UInt8], at offset: Int) throws {
        try flush()
        let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress!, $0.count, off_t(offset)) }
        guard n == bytes.count else { throw OutputError(path: name, cause: String(cString: strerror(errno))) }
    }

    /// Writes out everything buffered.
    package func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                let message = String(cString: strerror(errno))
                buffer.removeAll(keepingCapacity: true)
                throw OutputError(path: name, cause: message)
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// A failure to write output, naming the destination.
public struct OutputError: Error, CustomStringConvertible, Sendable {
    /// The destination path or stream name.
    public let path: String
    /// The operating system's reason.
    public let cause: String
    /// One line: `path: cannot write output: cause`.
    public var description: String { "\(path): cannot write output: \(cause)" }
}
