/// How a sample stream is cut into analysis frames.
///
/// Two edge conventions cover the tools users compare against:
/// - ``EdgeMode/snip`` is Kaldi's `snip_edges=true`: frame `k` covers samples `[k*H, k*H + L)` and only
///   frames that fit entirely in the signal are produced, so `count = 1 + floor((N - L) / H)` for `N >= L`
///   and 0 otherwise.
/// - ``EdgeMode/centered`` is librosa's `center=True` with zero padding (`pad_mode="constant"`): the signal
///   is padded with `L / 2` (integer division) zeros on each side and framed as above, so frame `k` is
///   centred on sample `k*H` and `count = 1 + floor((N + 2*(L/2) - L) / H)`, which is `1 + floor(N / H)` for
///   even `L`.
public struct FrameOptions: Sendable, Hashable {
    /// Edge convention.
    public enum EdgeMode: Sendable, Hashable {
        /// Kaldi `snip_edges=true`: no padding, only whole frames.
        case snip
        /// librosa `center=True`, zero padding of `frameLength / 2` samples at both ends.
        case centered
    }

    /// Frame length `L` in samples.
    public var frameLength: Int
    /// Hop `H` between frame starts, in samples.
    public var hop: Int
    /// What fills the padding of centred frames.
    public enum PadMode: Sendable, Hashable {
        /// Zeros (librosa `pad_mode="constant"`, the default of `stft` and `rms`).
        case zero
        /// Copies of the first and last sample (numpy `mode="edge"`, used by librosa's `zero_crossing_rate`).
        case edge
    }

    /// Edge convention. Default ``EdgeMode/snip``.
    public var edges: EdgeMode
    /// Padding values for ``EdgeMode/centered``. Default ``PadMode/zero``.
    public var padMode: PadMode

    /// Creates options with `frameLength` and `hop` in samples; see each property for the defaults.
    /// - Precondition: `frameLength` and `hop` are positive.
    public init(frameLength: Int, hop: Int, edges: EdgeMode = .snip, padMode: PadMode = .zero) {
        precondition(frameLength > 0 && hop > 0, "frame length and hop must be positive")
        self.frameLength = frameLength
        self.hop = hop
        self.edges = edges
        self.padMode = padMode
    }

    /// Frame length and hop given in seconds at `sampleRate` (Hz), rounded to whole samples as Kaldi does
    /// (`25 ms` at 16 kHz is 400 samples).
    /// - Precondition: both round to at least one sample.
    public init(frameSeconds: Double, hopSeconds: Double, sampleRate: Double, edges: EdgeMode = .snip,
                padMode: PadMode = .zero) {
        self.init(frameLength: Int((frameSeconds * sampleRate).rounded()),
                  hop: Int((hopSeconds * sampleRate).rounded()), edges: edges, padMode: padMode)
    }

    /// Samples added before the signal (and after it) by the edge convention: zeros, or copies of the edge
    /// sample with ``PadMode/edge``.
    public var padding: Int { edges == .centered ? frameLength / 2 : 0 }

    /// Number of frames produced from a signal of `sampleCount` samples.
    public func frameCount(sampleCount: Int) -> Int {
        let padded = sampleCount + 2 * padding
        guard sampleCount > 0, padded >= frameLength else { return 0 }
        return 1 + (padded - frameLength) / hop
    }

    /// Index, in the unpadded signal, of the first sample of frame `index` (negative when it starts in the
    /// leading padding).
    public func frameStart(_ index: Int) -> Int { index * hop - padding }
}
