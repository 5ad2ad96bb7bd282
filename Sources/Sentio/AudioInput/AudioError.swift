/// A problem with one audio file, with a one-line message that names the file and the cause.
///
/// Every failure Sentio can hit while opening or decoding a file is reported as an `AudioError`,
/// never as a crash: batch commands print ``description`` as a single line and go on with the other files.
public struct AudioError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, independent of the file it happened to.
    public enum Kind: Equatable, Sendable {
        /// No file exists at the path.
        case fileNotFound
        /// No file exists at the path, which holds U+FFFD: the name of the file meant had bytes that are not
        /// UTF-8 (e.g. Latin-1), which a Swift string cannot carry.
        case nameNotUTF8
        /// The file exists but cannot be read by this user.
        case permissionDenied
        /// The path names a directory or another non-regular file.
        case notAFile
        /// The file is readable but is not in any audio format libsndfile recognises.
        case notAudio
        /// The header promises more audio data than the file holds.
        case truncated
        /// The audio data cannot be decoded (bad header fields or damaged stream).
        case corrupt
        /// The file is zero bytes long or holds zero sample frames.
        case empty
        /// The header declares zero channels.
        case zeroChannels
        /// The declared sample rate is outside ``AudioLimits/sampleRateRange`` (value in Hz).
        case sampleRateOutOfRange(Double)
        /// A NaN or infinite sample at the given sample frame (0-based, at the file's own rate).
        case nonFiniteSample(frame: Int64)
        /// A finite sample beyond ±``AudioLimits/maximumSampleMagnitude`` (full scale is ±1) at the given
        /// sample frame: a float file whose data is not audio, and whose squares would overflow Float.
        case sampleOutOfRange(frame: Int64, value: Float)
        /// The format is recognised but this build of libsndfile cannot decode it.
        case unsupportedEncoding
        /// An operating-system read error while decoding.
        case readFailed
        /// ``AudioReadOptions/channel`` names a channel the file does not have.
        case noSuchChannel(Int, channels: Int)
    }

    /// The file, as the user named it.
    public let path: String
    /// The class of failure.
    public let kind: Kind
    /// Extra detail from the decoder, or empty.
    public let detail: String

    /// Creates an error for `path`; `detail` is extra text from the decoder, empty by default.
    public init(path: String, kind: Kind, detail: String = "") {
        self.path = path
        self.kind = kind
        self.detail = detail
    }

    /// Short cause, without the path.
    public var cause: String {
        let base: String
        switch kind {
        case .fileNotFound: base = "no such file"
        case .nameNotUTF8: base = "the file name is not UTF-8, so Sentio cannot open it: rename it (e.g. convmv -f latin1 -t utf8 --notest)"
        case .permissionDenied: base = "permission denied"
        case .notAFile: base = "not a regular file"
        case .notAudio: base = "not an audio file (format not recognised)"
        case .truncated: base = "truncated: the file holds less audio data than its header declares"
        case .corrupt: base = "corrupt audio data"
        case .empty: base = "empty: no audio samples"
        case .zeroChannels: base = "zero channels declared in the header"
        case .sampleRateOutOfRange(let rate):
            base = "sample rate \(formatRate(rate)) Hz is outside the supported range "
                + "\(formatRate(AudioLimits.sampleRateRange.lowerBound))..\(formatRate(AudioLimits.sampleRateRange.upperBound)) Hz"
        case .nonFiniteSample(let frame): base = "non-finite sample (NaN or Inf) at frame \(frame)"
        case .sampleOutOfRange(let frame, let value):
            base = "sample \(value) at frame \(frame) is beyond ±\(Int(AudioLimits.maximumSampleMagnitude)) (full scale is ±1)"
        case .unsupportedEncoding: base = "unsupported encoding"
        case .readFailed: base = "read error"
        case .noSuchChannel(let channel, let channels):
            base = "has no channel \(channel): it has \(channels) (channels count from 0)"
        }
        return detail.isEmpty ? base : "\(base) (\(detail))"
    }

    /// One line: `path: cause`.
    public var description: String { "\(path): \(cause)" }
}

extension AudioError {
    /// The error for the first NaN, infinite or out-of-range sample of `samples` (beyond
    /// ±``AudioLimits/maximumSampleMagnitude``), numbered from `firstFrame`; nil when every sample is usable.
    static func invalidSample(in samples: UnsafeBufferPointer<Float>, name: String, firstFrame: Int64 = 0) -> AudioError? {
        guard let bad = samples.firstIndex(where: { !(abs($0) <= AudioLimits.maximumSampleMagnitude) }) else { return nil }
        let value = samples[bad], frame = firstFrame + Int64(bad)
        return AudioError(path: name, kind: value.isFinite ? .sampleOutOfRange(frame: frame, value: value) : .nonFiniteSample(frame: frame))
    }
}

/// Limits Sentio enforces on its input.
public enum AudioLimits {
    /// Sample rates Sentio accepts, in Hz. Anything outside is almost certainly a damaged header.
    public static let sampleRateRange: ClosedRange<Double> = 1_000...384_000
    /// Most channels Sentio accepts (libsndfile's own limit is 1024).
    public static let maxChannels = 1024
    /// Largest sample magnitude Sentio accepts, full scale being 1: 2²⁰ (120 dB above full scale). Float files
    /// written on the int16 scale (±32768) pass; beyond this a float file holds no audio, and the power
    /// spectra of such samples overflow Float to infinity.
    public static let maximumSampleMagnitude: Float = 1_048_576
}

private func formatRate(_ rate: Double) -> String {
    rate == rate.rounded() && abs(rate) < 1e15 ? String(Int64(rate)) : String(rate)
}
