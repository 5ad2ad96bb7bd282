#if canImport(Glibc)
import Glibc
#endif

/// How many frames an Ogg Vorbis or Opus file was written to hold, from the granule position of its last page
/// (RFC 3533; Vorbis I spec. §A.2; RFC 7845 §4): libsndfile's decoder skips pages it cannot read and stops at
/// the last whole page, so a stream damaged in the middle, or cut inside its last page, decodes to less
/// without an error. The last page's header usually survives (it is read even when the page's data is cut
/// off) and says how far the stream was meant to go.
///
/// Only for one logical stream that starts at the beginning of time: its first audio page ends within
/// ``maximumFirstPageSeconds`` (a recording cut from a live stream can start at any granule position),
/// and the last page belongs to the same stream (a chained file ends with another one).
enum OggStreamEnd {
    /// A first audio page ending later than this means the stream does not start at time 0.
    static let maximumFirstPageSeconds = 10.0
    /// Bytes read at each end of the file.
    static let window = 1 << 16

    /// The frames (at `sampleRate`, libsndfile's decoding rate) that the Ogg file at `path` declares, or nil
    /// when it cannot tell.
    static func frames(path: String, sampleRate: Double) -> Int64? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size > 27 else { return nil }
        let size = Int(st.st_size)
        func read(_ offset: Int, _ count: Int) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count)
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
            return n > 0 ? Array(bytes.prefix(n)) : []
        }
        let head = read(0, min(window, size)), tailStart = max(0, size - window)
        return frames(head: head, tail: read(tailStart, size - tailStart), sampleRate: sampleRate)
    }

    /// ``frames(path:sampleRate:)`` from the first and last bytes of the file (`head` from its start, `tail`
    /// up to its end; they may overlap).
    static func frames(head: [UInt8], tail: [UInt8], sampleRate: Double) -> Int64? {
        // The pages of the head in order: the stream's identification and the first audio page.
        guard let first = Page(head, at: 0), first.isFirst else { return nil }
        let body = first.bodyStart
        let opus: Bool
        var preSkip: Int64 = 0
        if head.count >= body + 12, Array(head[body..<(body + 8)]) == Array("OpusHead".utf8) {
            opus = true
            preSkip = Int64(head[body + 10]) | Int64(head[body + 11]) << 8
        } else if head.count >= body + 7, head[body] == 1, Array(head[(body + 1)..<(body + 7)]) == Array("vorbis".utf8) {
            opus = false
        } else {
            return nil
        }
        let granuleRate = opus ? 48_000 : sampleRate
        var offset = first.end, firstAudio: Int64?
        while firstAudio == nil, let page = Page(head, at: offset) {
            guard page.serial == first.serial, !page.isFirst else { return nil }  // multiplexed streams
            if page.granule > 0 { firstAudio = page.granule }
            offset = page.end
        }
        guard let firstAudio, Double(firstAudio) <= maximumFirstPageSeconds * granuleRate else { return nil }
        // The last page header of the tail (its data may be cut off).
        var last: Page?
        var i = tail.count - 27
        while i >= 0 && last == nil {
            if tail[i] == 0x4F, let page = Page(tail, at: i), page.granule >= 0 { last = page }
            i -= 1
        }
        guard let last, last.serial == first.serial, last.granule >= firstAudio else { return nil }
        let end = opus ? (last.granule - preSkip) : last.granule
        return Int64((Double(max(0, end)) * sampleRate / granuleRate).rounded())
    }

    /// One page header (RFC 3533 §6).
    private struct Page {
        var headerType: UInt8, granule: Int64, serial: UInt32
        var bodyStart: Int, end: Int
        var isFirst: Bool { headerType & 0x02 != 0 }

        /// The page whose header starts at `offset` of `bytes`, or nil when there is none (its data may
        /// extend past the bytes).
        init?(_ bytes: [UInt8], at offset: Int) {
            guard offset >= 0, offset + 27 <= bytes.count,
                  Array(bytes[offset..<(offset + 4)]) == Array("OggS".utf8), bytes[offset + 4] == 0 else { return nil }
            func little(_ from: Int, _ count: Int) -> UInt64 {
                (0..<count).reduce(UInt64(0)) { $0 | UInt64(bytes[from + $1]) << (8 * UInt64($1)) }
            }
            headerType = bytes[offset + 5]
            granule = Int64(bitPattern: little(offset + 6, 8))  // −1: no packet ends on this page
            serial = UInt32(little(offset + 14, 4))
            let segments = Int(bytes[offset + 26])
            guard offset + 27 + segments <= bytes.count else { return nil }
            bodyStart = offset + 27 + segments
            end = bodyStart + bytes[(offset + 27)..<bodyStart].reduce(0) { $0 + Int($1) }
        }
    }
}
