#if canImport(Glibc)
import Glibc
#endif

/// Options of the time-domain frame descriptors.
public struct TemporalDescriptorOptions: Sendable, Hashable {
    /// Scale applied to samples for `log_energy` (Kaldi's int16 scale is 32768). Default 1.
    public var energyScale: Float
    /// Remove the frame mean before `log_energy` (Kaldi). Default false.
    public var energyRemovesDC: Bool
    /// Samples with `|x| <=` this count as zero (and positive) for zero crossings. Default 1e-10 (librosa).
    public var zeroCrossingThreshold: Float

    /// Creates options with the given values; see each property for meaning and defaults.
    public init(energyScale: Float = 1, energyRemovesDC: Bool = false, zeroCrossingThreshold: Float = 1e-10) {
        self.energyScale = energyScale
        self.energyRemovesDC = energyRemovesDC
        self.zeroCrossingThreshold = zeroCrossingThreshold
    }
}

/// RMS and log energy of each raw (unwindowed) frame `x[0..<L]`.
///
/// | column | definition | matches |
/// |---|---|---|
/// | `rms` | `sqrt(mean(x^2))` on the [-1, 1) sample scale | librosa `feature.rms(y=...)` |
/// | `log_energy` | `ln(max(sum (s x - mean)^2, FLT_EPSILON))` with the preset's scale `s` and DC removal | Kaldi raw log energy (MFCC C0 with `use_energy`) |
public final class EnergyDescriptors: FrameFeature {
    /// The descriptor options (the energy scale and DC removal apply to `log_energy`).
    public let options: TemporalDescriptorOptions
    /// The feature's output columns, in order.
    public let columns = ["rms", "log_energy"]

    /// Creates the descriptors with `options` (by default the options' own defaults).
    public init(options: TemporalDescriptorOptions = TemporalDescriptorOptions()) {
        self.options = options
    }

    /// Writes `rms` and `log_energy` of the frame to `out`.
    public func compute(frame: UnsafeBufferPointer<Float>, index: Int, into out: UnsafeMutablePointer<Float>) {
        let x = frame.baseAddress!, n = frame.count
        out[0] = (VectorMath.dot(x, x, n) / Float(n)).squareRoot()
        let scale = options.energyScale
        let mean = VectorMath.dcOffset(x, n, scale: scale, removeDC: options.energyRemovesDC)
        out[1] = VectorMath.logEnergy(x, n, scale: scale, mean: mean)
    }
}

/// Zero-crossing rate: the fraction of adjacent sample pairs in the frame whose signs differ, counted over
/// the `L` positions of the frame (the first position never counts), `|x| <= threshold` counting as +0.
///
/// Matches librosa `feature.zero_crossing_rate` (which pads centred frames with edge values, hence
/// ``padMode`` is `.edge`).
public final class ZeroCrossingRate: FrameFeature {
    /// The descriptor options (only the zero-crossing threshold applies).
    public let options: TemporalDescriptorOptions
    /// The feature's output column.
    public let columns = ["zcr"]
    /// Edge padding, ``FrameOptions/PadMode/edge``, as librosa pads for its zero-crossing rate.
    public let padMode: FrameOptions.PadMode = .edge

    /// Creates the feature with `options` (by default the options' own defaults).
    public init(options: TemporalDescriptorOptions = TemporalDescriptorOptions()) {
        self.options = options
    }

    /// Writes the frame's zero-crossing rate to `out`.
    public func compute(frame: UnsafeBufferPointer<Float>, index: Int, into out: UnsafeMutablePointer<Float>) {
        let x = frame.baseAddress!, n = frame.count
        let t = options.zeroCrossingThreshold
        @inline(__always) func negative(_ v: Float) -> Bool { abs(v) > t && v.sign == .minus }
        // Each position compares its own sample with the one before (no state carried between iterations),
        // so the compiler can vectorise the integer count.
        var crossings = 0
        for i in 1..<n { crossings &+= (negative(x[i]) ? 1 : 0) ^ (negative(x[i &- 1]) ? 1 : 0) }
        out[0] = Float(crossings) / Float(n)
    }
}
