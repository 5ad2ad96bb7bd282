#if canImport(Glibc)
import Glibc
#endif

/// Whether an MP3 file states its exact length: a Xing or Info tag (LAME, ffmpeg writing a file) or a VBRI
/// tag (Fraunhofer) in its first frame. Without one, libsndfile estimates the length from the file size
/// and the first frame's bit rate, which is off for variable bit rates (a quiet first frame makes it far too
/// large), so a shortfall then says nothing about truncation.
enum MP3LengthTag {
    /// Looks at the first frame after any ID3v2 tag of the file at `path` (reads at most 64 kB).
    static func present(path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 10)
        guard pread(fd, &bytes, 10, 0) == 10 else { return false }
        var start = 0
        if bytes[0] == 0x49, bytes[1] == 0x44, bytes[2] == 0x33 {  // "ID3": a syncsafe size follows
            let size = bytes[6...9].reduce(0) { $0 << 7 | Int($1 & 0x7F) }
            start = 10 + size + (bytes[5] & 0x10 != 0 ? 10 : 0)
        }
        bytes = [UInt8](repeating: 0, count: 1 << 16)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(start)) }
        guard n > 0 else { return false }
        return present(in: bytes.prefix(n))
    }

    /// ``present(path:)`` for the bytes from the end of the ID3v2 tag on.
    static func present(in data: ArraySlice<UInt8>) -> Bool {
        let b = Array(data)
        var i = 0
        // The first frame header: 11 sync bits, a known version, layer III, a valid bit-rate and rate index.
        while i + 4 <= b.count {
            if b[i] == 0xFF, b[i + 1] & 0xE0 == 0xE0, (b[i + 1] >> 3) & 3 != 1, (b[i + 1] >> 1) & 3 == 1,
               b[i + 2] >> 4 != 0xF, (b[i + 2] >> 2) & 3 != 3 { break }
            i += 1
        }
        guard i + 4 <= b.count else { return false }
        let mpeg1 = (b[i + 1] >> 3) & 3 == 3, mono = b[i + 3] >> 6 == 3, crc = b[i + 1] & 1 == 0
        let sideInfo = mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17)
        func tag(at offset: Int, _ name: String) -> Bool {
            let at = i + offset, name = Array(name.utf8)
            return at + 4 <= b.count && Array(b[at..<(at + 4)]) == name
        }
        let xing = 4 + (crc ? 2 : 0) + sideInfo
        return tag(at: xing, "Xing") || tag(at: xing, "Info") || tag(at: 36, "VBRI")
    }
}
