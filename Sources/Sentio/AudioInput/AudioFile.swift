import CSndfile
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An audio file open for sequential decoding through libsndfile.
///
/// Opening validates the header (channels, sample rate, frame count) and classifies every failure as an
/// ``AudioError``. Decoding yields interleaved Float32 samples in [-1, 1) for integer encodings (libsndfile's
/// normalisation: an int16 value `v` becomes `v / 32768`) and the stored values for float encodings.
/// Reads are sequential; an instance is not meant to be shared between threads.
public final class AudioFile {
    /// The header's description of the audio.
    public let info: AudioInfo
    private let handle: OpaquePointer
    private var framesRead: Int64 = 0
    /// How the header's length is known, which decides what a shortfall at the end means.
    private enum Length {
        /// Exact (WAV, FLAC, AIFF, complete Ogg streams): any shortfall is truncation.
        case exact
        /// An MP3's Xing, Info or VBRI tag: a shortfall beyond ``mp3LengthTolerance`` is truncation.
        case tagged
        /// libsndfile's estimate for an MP3 without such a tag, or unknown (an Ogg Opus stream; see also
        /// ``OggStreamEnd``, which judges Ogg streams by their last page): the file decodes to what it holds.
        case estimated
    }
    private let length: Length
    /// The frames an Ogg Vorbis or Opus stream's last page declares (``OggStreamEnd``), when known.
    private let oggEnd: Int64?
    /// The shortfall against an Ogg stream's declared `end` (frames at `rate`) that counts as damage: 1 %, at
    /// least 10 ms.
    private static func oggSlack(end: Int64, rate: Double) -> Int64 { max(Int64(rate / 100), end / 100) }
    /// The fraction of a tagged MP3's length that may be missing before the file counts as truncated (the
    /// encoder's delay and padding are a few hundred samples; a cut-off file decodes to a fraction of it).
    static let mp3LengthTolerance = 0.1
    private let isPCM16: Bool

    /// Opens `path` and validates its header.
    /// - Throws: ``AudioError`` naming `path` for a missing, unreadable, non-audio, empty, truncated or
    ///   implausible file.
    public init(path: String) throws {
        try Self.checkReadable(path)
        // libsndfile reports why sf_open failed only through one process-wide error (sf_strerror(NULL)),
        // which an open on another worker's thread overwrites; opens are serialised so that each failure
        // reads its own cause. libmpg123 prints its warnings about a damaged MP3 (e.g. "Xing stream size
        // off by more than 1%") straight to file descriptor 2 while the file opens, without naming it: the
        // open runs with descriptor 2 on /dev/null, and Sentio's own messages go to a copy of it
        // (``StandardError/descriptor``), so that what the file's problem is reaches the user once, named.
        let (handle, sfInfo) = try Self.openLock.withLock { _ throws(AudioError) -> (OpaquePointer, SF_INFO) in
            var sfInfo = SF_INFO()
            let opened = StandardError.silenced { sf_open(path, Int32(SFM_READ), &sfInfo) }
            guard let handle = opened else { throw Self.classifyOpenFailure(path: path) }
            return (handle, sfInfo)
        }
        let major = Int(sfInfo.format) & Int(SF_FORMAT_TYPEMASK)
        let minor = Int(sfInfo.format) & Int(SF_FORMAT_SUBMASK)
        let (container, encoding) = Self.formatNames(major: major, minor: minor)
        let info = AudioInfo(
            path: path, container: container, encoding: encoding,
            sampleRate: Double(sfInfo.samplerate), channels: Int(sfInfo.channels), frames: Int64(sfInfo.frames))
        do {
            guard info.channels > 0 else { throw AudioError(path: path, kind: .zeroChannels) }
            guard info.channels <= AudioLimits.maxChannels else {
                throw AudioError(path: path, kind: .corrupt, detail: "\(info.channels) channels")
            }
            guard AudioLimits.sampleRateRange.contains(info.sampleRate) else {
                throw AudioError(path: path, kind: .sampleRateOutOfRange(info.sampleRate))
            }
            if let truncation = Self.truncationNote(handle) {
                throw AudioError(path: path, kind: .truncated, detail: truncation)
            }
            guard info.frames > 0 || !info.lengthIsKnown else { throw AudioError(path: path, kind: .empty) }
            oggEnd = major == Int(SF_FORMAT_OGG) ? OggStreamEnd.frames(path: path, sampleRate: info.sampleRate) : nil
            if let end = oggEnd, info.lengthIsKnown, info.frames + Self.oggSlack(end: end, rate: info.sampleRate) < end {
                throw AudioError(path: path, kind: .truncated,
                                 detail: "its last Ogg page ends at frame \(end), but \(info.frames) frames can be decoded: damaged or cut short")
            }
        } catch {
            sf_close(handle)
            throw error
        }
        self.info = info
        self.handle = handle
        if !info.lengthIsKnown {
            length = .estimated
        } else if major == Int(SF_FORMAT_MPEG) {
            length = MP3LengthTag.present(path: path) ? .tagged : .estimated
        } else {
            length = .exact
        }
        self.isPCM16 = minor == Int(SF_FORMAT_PCM_16)
    }

    deinit { sf_close(handle) }

    /// Decodes up to `frameCount` frames into `buffer` (interleaved, `frameCount * channels` floats).
    /// - Returns: the number of frames decoded; 0 at the end of the file.
    /// - Throws: ``AudioError`` `.truncated` when the stream ends before the header's frame count,
    ///   `.corrupt` or `.readFailed` when libsndfile reports a decoding error.
    public func read(into buffer: UnsafeMutablePointer<Float>, frameCount: Int) throws -> Int {
        let got: Int
        if isPCM16 {
            got = readPCM16(into: buffer, frameCount: frameCount)
        } else {
            got = Int(sf_readf_float(handle, buffer, sf_count_t(frameCount)))
        }
        if got < frameCount {
            let code = sf_error(handle)
            if code != Int32(SF_ERR_NO_ERROR) {
                var message = String(cString: sf_strerror(handle))
                // A file cut short and one damaged in the middle fail alike (FLAC: "lost sync"): how far it got
                // is what lets the user tell which.
                if case .exact = length, framesRead + Int64(got) < info.frames {
                    message += "; decoded \(framesRead + Int64(got)) of the \(info.frames) frames its header declares: damaged or cut short"
                }
                throw AudioError(path: info.path, kind: code == Int32(SF_ERR_SYSTEM) ? .readFailed : .corrupt,
                                 detail: message)
            }
        }
        framesRead += Int64(got)
        if got == 0, let end = oggEnd, framesRead + Self.oggSlack(end: end, rate: info.sampleRate) < end {
            throw AudioError(path: info.path, kind: .truncated,
                             detail: "decoded \(framesRead) of the \(end) frames its last Ogg page declares: damaged or cut short")
        }
        if got == 0 && framesRead < info.frames {
            switch length {
            case .exact:
                throw AudioError(path: info.path, kind: .truncated, detail: "decoded \(framesRead) of \(info.frames) frames")
            case .tagged where Double(info.frames - framesRead) > Self.mp3LengthTolerance * Double(info.frames):
                throw AudioError(path: info.path, kind: .truncated,
                                 detail: "decoded \(framesRead) of the \(info.frames) frames its MP3 header declares")
            case .tagged, .estimated:
                break
            }
        }
        return got
    }

    /// 16-bit PCM, by far the most common speech format, is read as integers and converted here with the
    /// same arithmetic as libsndfile's normalised float read (`Float(v) * (1 / 32768)`), in a loop that
    /// vectorises; libsndfile's own conversion does not.
    private func readPCM16(into buffer: UnsafeMutablePointer<Float>, frameCount: Int) -> Int {
        let samples = frameCount * info.channels
        // The int16 samples go into the upper half of the caller's float buffer (same bytes, half the size),
        // then convert front to back: each float written lies at or before the int16 it comes from.
        let raw = UnsafeMutableRawPointer(buffer)
        let shorts = (raw + samples * 2).bindMemory(to: Int16.self, capacity: samples)
        let got = Int(sf_readf_short(handle, shorts, sf_count_t(frameCount)))
        let count = got * info.channels
        let scale: Float = 1 / 32768
        var i = 0
        while i &+ 8 <= count {
            let v = UnsafeRawPointer(shorts + i).loadUnaligned(as: SIMD8<Int16>.self)
            let f = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: v)) * scale
            UnsafeMutableRawPointer(buffer + i).storeBytes(of: f, as: SIMD8<Float>.self)
            i &+= 8
        }
        while i < count {
            buffer[i] = Float(shorts[i]) * scale
            i &+= 1
        }
        return got
    }

    /// Opens `path` and returns its header information without decoding.
    public static func info(path: String) throws -> AudioInfo {
        try AudioFile(path: path).info
    }

    // MARK: - Classification of failures

    private static func checkReadable(_ path: String) throws {
        // The C call would open the file named by the bytes before the NUL: another file.
        if path.utf8.contains(0) {
            throw AudioError(path: path, kind: .fileNotFound, detail: "the name holds a NUL byte, which no file name can")
        }
        var st = stat()
        guard stat(path, &st) == 0 else {
            switch errno {
            case ENOENT, ENOTDIR:
                // A name whose bytes are not UTF-8 reaches here with U+FFFD replacements, which name no file.
                throw AudioError(path: path, kind: path.contains("\u{FFFD}") ? .nameNotUTF8 : .fileNotFound)
            case EACCES: throw AudioError(path: path, kind: .permissionDenied)
            default: throw AudioError(path: path, kind: .readFailed, detail: String(cString: strerror(errno)))
            }
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            // A folder reaches here as an input when a batch could not list it: say why.
            if (st.st_mode & S_IFMT) == S_IFDIR, access(path, R_OK | X_OK) != 0 {
                throw AudioError(path: path, kind: errno == EACCES ? .permissionDenied : .readFailed,
                                 detail: "a folder Sentio cannot list")
            }
            throw AudioError(path: path, kind: .notAFile)
        }
        guard access(path, R_OK) == 0 else { throw AudioError(path: path, kind: .permissionDenied) }
        guard st.st_size > 0 else { throw AudioError(path: path, kind: .empty, detail: "0 bytes") }
    }

    /// Held around `sf_open` and the reading of its process-wide error.
    private static let openLock = Mutex<Int>(0)

    private static func classifyOpenFailure(path: String) -> AudioError {
        let message = String(cString: sf_strerror(nil))
        let lower = message.lowercased()
        if let header = RIFFHeader(path: path) {
            if header.channels == 0 { return AudioError(path: path, kind: .zeroChannels) }
            if !AudioLimits.sampleRateRange.contains(Double(header.sampleRate)) {
                return AudioError(path: path, kind: .sampleRateOutOfRange(Double(header.sampleRate)))
            }
        }
        if lower.contains("channel") && lower.contains("0") || lower.contains("zero channels") {
            return AudioError(path: path, kind: .zeroChannels)
        }
        if lower.contains("unsupported encoding") || lower.contains("not supported") {
            return AudioError(path: path, kind: .unsupportedEncoding, detail: message)
        }
        if lower.contains("format not recognised") || lower.contains("unknown format")
            || lower.contains("unrecognised") {
            return AudioError(path: path, kind: .notAudio)
        }
        // libsndfile's words for a regular file (checked before the open) whose header it could not read, and
        // for header fields that contradict each other: said as what they mean here.
        if lower.contains("possibly a pipe") {
            return AudioError(path: path, kind: .corrupt, detail: "its header cannot be read: cut short or damaged")
        }
        if lower.contains("internal error") {
            return AudioError(path: path, kind: .corrupt, detail: "its header's fields contradict each other; libsndfile: \(message)")
        }
        return AudioError(path: path, kind: .corrupt, detail: message)
    }

    /// libsndfile repairs a data-chunk length larger than the file and notes it in its log
    /// (`data : 32000 (should be 9600)`); Sentio treats that as truncation rather than silently decoding less
    /// audio than the header declares. The 0 and 0xFFFFFFFF placeholders of streamed WAVs are not truncation.
    /// The log is read once and searched as bytes; it is parsed as text only when it holds "should be".
    private static func truncationNote(_ handle: OpaquePointer) -> String? {
        var log = [UInt8](repeating: 0, count: 4096)
        let length = min(Int(sf_command(handle, Int32(SFC_GET_LOG_INFO), &log, Int32(log.count))), log.count - 1)
        let needle = Array("should be".utf8)
        guard length >= needle.count,
              (0...(length - needle.count)).contains(where: { log[$0..<($0 + needle.count)].elementsEqual(needle) })
        else { return nil }
        for line in String(decoding: log[0..<length], as: UTF8.self).split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == ":" || $0 == "(" || $0 == ")" })
            guard let first = words.first, first == "data" || first == "SSND",
                  words.count >= 5, words[2] == "should", words[3] == "be",
                  let declared = Int64(words[1]), let actual = Int64(words[4]),
                  declared > actual, declared != 0xFFFF_FFFF, declared != 0
            else { continue }
            return "header declares \(declared) data bytes, file holds \(actual)"
        }
        return nil
    }

    private static func formatNames(major: Int, minor: Int) -> (String, String) {
        let containers: [Int: String] = [
            Int(SF_FORMAT_WAV): "wav", Int(SF_FORMAT_WAVEX): "wavex", Int(SF_FORMAT_AIFF): "aiff",
            Int(SF_FORMAT_AU): "au", Int(SF_FORMAT_RAW): "raw", Int(SF_FORMAT_W64): "w64",
            Int(SF_FORMAT_FLAC): "flac", Int(SF_FORMAT_OGG): "ogg", Int(SF_FORMAT_CAF): "caf",
            Int(SF_FORMAT_RF64): "rf64", Int(SF_FORMAT_MPEG): "mp3", Int(SF_FORMAT_NIST): "nist",
            Int(SF_FORMAT_VOC): "voc", Int(SF_FORMAT_IRCAM): "ircam", Int(SF_FORMAT_PAF): "paf",
            Int(SF_FORMAT_SVX): "svx", Int(SF_FORMAT_MAT4): "mat4", Int(SF_FORMAT_MAT5): "mat5",
            Int(SF_FORMAT_PVF): "pvf", Int(SF_FORMAT_XI): "xi", Int(SF_FORMAT_HTK): "htk",
            Int(SF_FORMAT_SDS): "sds", Int(SF_FORMAT_AVR): "avr", Int(SF_FORMAT_SD2): "sd2",
            Int(SF_FORMAT_WVE): "wve", Int(SF_FORMAT_MPC2K): "mpc2k",
        ]
        let encodings: [Int: String] = [
            Int(SF_FORMAT_PCM_S8): "pcm_s8", Int(SF_FORMAT_PCM_U8): "pcm_u8", Int(SF_FORMAT_PCM_16): "pcm_s16",
            Int(SF_FORMAT_PCM_24): "pcm_s24", Int(SF_FORMAT_PCM_32): "pcm_s32", Int(SF_FORMAT_FLOAT): "float",
            Int(SF_FORMAT_DOUBLE): "double", Int(SF_FORMAT_ULAW): "ulaw", Int(SF_FORMAT_ALAW): "alaw",
            Int(SF_FORMAT_IMA_ADPCM): "ima_adpcm", Int(SF_FORMAT_MS_ADPCM): "ms_adpcm",
            Int(SF_FORMAT_GSM610): "gsm610", Int(SF_FORMAT_VORBIS): "vorbis", Int(SF_FORMAT_OPUS): "opus",
            Int(SF_FORMAT_ALAC_16): "alac_16", Int(SF_FORMAT_ALAC_20): "alac_20",
            Int(SF_FORMAT_ALAC_24): "alac_24", Int(SF_FORMAT_ALAC_32): "alac_32",
            Int(SF_FORMAT_MPEG_LAYER_I): "mp1", Int(SF_FORMAT_MPEG_LAYER_II): "mp2",
            Int(SF_FORMAT_MPEG_LAYER_III): "mp3", Int(SF_FORMAT_G721_32): "g721_32",
            Int(SF_FORMAT_DWVW_16): "dwvw_16", Int(SF_FORMAT_DPCM_16): "dpcm_16",
        ]
        return (containers[major] ?? "unknown", encodings[minor] ?? "unknown")
    }
}

/// The few fields of a RIFF/WAVE `fmt ` chunk Sentio needs to explain why libsndfile refused a file.
struct RIFFHeader {
    var channels: Int
    var sampleRate: Int

    /// Parses the first `fmt ` chunk of a RIFF/WAVE file; nil if the file is not RIFF/WAVE.
    init?(path: String) {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes = [UInt8](repeating: 0, count: 512)
        let count = fread(&bytes, 1, bytes.count, file)
        guard count >= 36, bytes[0..<4] == [0x52, 0x49, 0x46, 0x46], bytes[8..<12] == [0x57, 0x41, 0x56, 0x45]
        else { return nil }
        func u16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
        func u32(_ i: Int) -> Int { u16(i) | u16(i + 2) << 16 }
        var offset = 12
        while offset + 8 <= count {
            let size = u32(offset + 4)
            if bytes[offset..<offset + 4] == [0x66, 0x6D, 0x74, 0x20] {  // "fmt "
                guard offset + 16 <= count else { return nil }
                channels = u16(offset + 10)
                sampleRate = u32(offset + 12)
                return
            }
            offset += 8 + size + (size & 1)
        }
        return nil
    }
}

extension AudioFile {
    /// Opens `path` and, when `decode` is true, decodes every sample to prove the file is usable: this finds
    /// truncation and corruption past the header and NaN/Inf samples, which a header alone cannot show.
    /// - Returns: the header information; with `decode`, `frames` is the number of frames actually decoded
    ///   (which for compressed formats may differ from the header's estimate).
    /// - Throws: ``AudioError`` naming the file and the cause.
    public static func inspect(path: String, decode: Bool) throws -> AudioInfo {
        guard decode else { return try AudioFile(path: path).info }
        let stream = try AudioStream(path: path, options: AudioReadOptions(sampleRate: nil, chunkFrames: 65_536))
        var chunk: [Float] = []
        while try stream.read(into: &chunk) {}
        var info = stream.info
        info.frames = stream.nativeFramesDecoded
        return info
    }
}
