#if canImport(Glibc)
import Glibc
#endif

/// Options of the per-frame spectral descriptors.
public struct SpectralDescriptorOptions: Sendable, Hashable {
    /// Fraction of the total magnitude below the roll-off frequency. Default 0.85 (librosa).
    public var rolloffFraction: Double
    /// Floor applied to power values in the flatness measure. Default 1e-10 (librosa `amin`).
    public var flatnessFloor: Float

    /// Creates options with the given values; see each property for meaning and defaults.
    public init(rolloffFraction: Double = 0.85, flatnessFloor: Float = 1e-10) {
        self.rolloffFraction = rolloffFraction
        self.flatnessFloor = flatnessFloor
    }
}

/// Spectral shape descriptors of each frame's magnitude spectrum `S[k]` at bin frequencies `f[k] = k sr / n`.
///
/// | column | definition | matches |
/// |---|---|---|
/// | `spectral_centroid` (Hz) | `sum f S / sum S`; 0 for a silent frame | librosa `spectral_centroid` |
/// | `spectral_bandwidth` (Hz) | `sqrt(sum (S / sum S) (f - centroid)^2)` | librosa `spectral_bandwidth(p=2)` |
/// | `spectral_rolloff` (Hz) | smallest `f[k]` with `sum_{j<=k} S[j] >= 0.85 sum S` | librosa `spectral_rolloff` |
/// | `spectral_flatness` | geometric over arithmetic mean of `max(S^2, 1e-10)` | librosa `spectral_flatness` |
/// | `spectral_flux` | `sum_k (p_t[k] - p_{t-1}[k])^2`, `p = S / sum S`; 0 for the first frame | (no librosa equivalent) |
/// | `spectral_entropy` | `-sum q log2 q / log2 K`, `q = S^2 / sum S^2` over `K` bins, in [0, 1] | (no librosa equivalent) |
/// | `spectral_slope` (1/Hz) | least-squares slope of `S / sum S` against `f` (Peeters 2004) | (no librosa equivalent) |
///
/// Reference: G. Peeters, "A large set of audio features for sound description (similarity and
/// classification) in the CUIDADO project", IRCAM report, 2004.
public final class SpectralDescriptors: FrameFeature {
    /// The descriptor options.
    public let options: SpectralDescriptorOptions
    /// The feature's output columns, in order (see the table above).
    public let columns = ["spectral_centroid", "spectral_bandwidth", "spectral_rolloff", "spectral_flatness",
                          "spectral_flux", "spectral_entropy", "spectral_slope"]
    private let spectrum: FrameSpectrum
    private let frequencies: [Float]
    private let previous: UnsafeMutableBufferPointer<Float>
    private var hasPrevious = false
    private let frequencySum: Double
    private let frequencySquareSum: Double

    /// Creates the descriptors of `spectrum`'s frames, which they share with any other feature reading it.
    public init(options: SpectralDescriptorOptions = SpectralDescriptorOptions(), spectrum: FrameSpectrum) {
        self.options = options
        self.spectrum = spectrum
        let n = spectrum.binCount
        let f = (0..<n).map { Float(Double($0) * spectrum.sampleRate / Double(spectrum.fftSize)) }
        frequencies = f
        frequencySum = f.reduce(0) { $0 + Double($1) }
        frequencySquareSum = f.reduce(0) { $0 + Double($1) * Double($1) }
        previous = .allocate(capacity: n)
        previous.initialize(repeating: 0)
    }

    deinit { previous.deallocate() }

    /// Writes the seven descriptors of frame `index` to `out`; the flux is 0 at index 0, the start of a file.
    public func compute(frame: UnsafeBufferPointer<Float>, index: Int, into out: UnsafeMutablePointer<Float>) {
        if index == 0 { hasPrevious = false }
        spectrum.update(frame, index: index)
        spectrum.updateMagnitude()
        let s = spectrum.magnitude.baseAddress!, power = spectrum.power.baseAddress!
        let n = spectrum.binCount
        frequencies.withUnsafeBufferPointer { fb in
            let f = fb.baseAddress!
            var total: Double = 0, weighted: Double = 0, weightedF: Double = 0, powerTotal: Double = 0
            for k in 0..<n {
                let v = Double(s[k])
                total += v
                weighted += Double(f[k]) * v
                powerTotal += Double(power[k])
            }
            // Columns with (practically) no energy are left unnormalised, as librosa's normalize() does.
            let silent = total < Double(Float.leastNormalMagnitude)
            let norm = silent ? 1 : total
            let centroid = weighted / norm
            var spread: Double = 0
            for k in 0..<n {
                let d = Double(f[k]) - centroid
                spread += Double(s[k]) / norm * d * d
                weightedF += Double(f[k]) * Double(s[k]) / norm
            }
            out[0] = Float(centroid)
            out[1] = Float(spread.squareRoot())

            // librosa accumulates the magnitudes in float32 (numpy cumsum) and compares in float32; doing the
            // same keeps frames whose cumulative sum lands within rounding of the threshold on librosa's side.
            var floatTotal: Float = 0
            for k in 0..<n { floatTotal += s[k] }
            let threshold = Float(options.rolloffFraction) * floatTotal
            var cumulative: Float = 0
            var rolloff = f[n - 1]
            for k in 0..<n {
                cumulative += s[k]
                if cumulative >= threshold { rolloff = f[k]; break }
            }
            out[2] = rolloff

            var logSum: Double = 0, linSum: Double = 0
            for k in 0..<n {
                let p = Double(max(s[k] * s[k], options.flatnessFloor))
                logSum += log(p)
                linSum += p
            }
            out[3] = Float(exp(logSum / Double(n)) / (linSum / Double(n)))

            var flux: Double = 0
            for k in 0..<n {
                let p = Double(s[k]) / norm
                if hasPrevious {
                    let d = p - Double(previous[k])
                    flux += d * d
                }
                previous[k] = Float(p)
            }
            out[4] = Float(flux)
            hasPrevious = true

            var entropy: Double = 0
            if powerTotal > 0 {
                for k in 0..<n where power[k] > 0 {
                    let q = Double(power[k]) / powerTotal
                    entropy -= q * log2(q)
                }
                entropy /= log2(Double(n))
            }
            out[5] = Float(entropy)

            // Peeters: slope = (K sum f a - sum f sum a) / (K sum f^2 - (sum f)^2) with a = S / sum S.
            let count = Double(n)
            let sumA = silent ? 0 : 1.0
            let numerator = count * weightedF - frequencySum * sumA
            let denominator = count * frequencySquareSum - frequencySum * frequencySum
            out[6] = Float(numerator / denominator)
        }
    }
}
