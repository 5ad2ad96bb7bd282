#if canImport(Glibc)
import Glibc
#endif

/// The output bytes of one input, held until the batch writes them in input order.
///
/// Bytes stay in memory up to ``spillThreshold``; beyond that they go to an anonymous temporary file (under
/// `$TMPDIR`, gone when the buffer is), so a one-hour file's frame rows cost disk, not memory, while it waits
/// for the inputs before it. A buffer belongs to one worker while it is filled and to the writer afterwards.
package final class ResultBuffer: @unchecked Sendable {
    /// Bytes kept in memory before spilling to a temporary file.
    package let spillThreshold: Int
    private var memory: [UInt8] = []
    private var spillDescriptor: Int32 = -1
    private var spilled = 0

    /// Creates an empty buffer that spills to disk past `spillThreshold` bytes in memory (default 1 MiB).
    package init(spillThreshold: Int = 1 << 20) {
        self.spillThreshold = spillThreshold
    }

    deinit { if spillDescriptor >= 0 { close(spillDescriptor) } }

    /// Total bytes held.
    package var count: Int { spilled + memory.count }

    /// Bytes held in memory (the rest are on disk).
    package var residentCount: Int { memory.count }

    /// Appends UTF-8 text.
    package func write(_ text: String) throws {
        memory.append(contentsOf: text.utf8)
        if memory.count > spillThreshold { try spill() }
    }

    /// Appends raw bytes.
    package func write(bytes: some Collection<UInt8>) throws {
        memory.append(contentsOf: bytes)
        if memory.count > spillThreshold { try spill() }
    }

    /// Moves the in-memory bytes to the temporary file.
    package func spill() throws {
        guard !memory.isEmpty else { return }
        if spillDescriptor < 0 {
            let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
            var template = Array("\(directory)/sentio-result-XXXXXX".utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else {
                throw OutputError(path: "temporary folder \(directory) ($TMPDIR)", cause: String(cString: strerror(errno)))
            }
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            spillDescriptor = fd
        }
        do {
            try writeAll(spillDescriptor, memory, name: "temporary result file")
        } catch {
            // Keep the file to what `spilled` counts (a write may have stopped halfway): the bytes stay in memory.
            _ = ftruncate(spillDescriptor, off_t(spilled))
            _ = lseek(spillDescriptor, off_t(spilled), SEEK_SET)
            throw error
        }
        spilled += memory.count
        memory = []
    }

    /// Writes everything held to `destination`, in order.
    package func copy(into destination: TextSink) throws {
        if spilled > 0 {
            var offset: off_t = 0
            var block = [UInt8](repeating: 0, count: 1 << 16)
            while offset < spilled {
                let want = min(block.count, spilled - Int(offset))
                let n = block.withUnsafeMutableBytes { pread(spillDescriptor, $0.baseAddress!, want, offset) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw OutputError(path: "temporary result file", cause: String(cString: strerror(errno)))
                }
                if n == 0 { break }
                try destination.write(bytes: block[0..<n])
                offset += off_t(n)
            }
        }
        try destination.write(bytes: memory)
    }

    /// All the bytes held (small results: they are read into memory).
    package func bytes() throws -> [UInt8] {
        var bytes: [UInt8] = []
        if spilled > 0 {
            bytes = [UInt8](repeating: 0, count: spilled)
            let n = bytes.withUnsafeMutableBytes { pread(spillDescriptor, $0.baseAddress!, spilled, 0) }
            guard n == spilled else { throw OutputError(path: "temporary result file", cause: "short read") }
        }
        return bytes + memory
    }

    /// The bytes as UTF-8 text (tests and small results).
    package func text() throws -> String { String(decoding: try bytes(), as: UTF8.self) }
}

/// Writes all of `bytes` to `fd`, retrying interrupted and partial writes.
func writeAll(_ fd: Int32, _ bytes: [UInt8], name: String) throws {
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
        if n < 0 {
            if errno == EINTR { continue }
            throw OutputError(path: name, cause: String(cString: strerror(errno)))
        }
        offset += n
    }
}
