#if canImport(Glibc)
import Glibc
#endif

/// Harmonic-structure descriptors of a voiced frame from its 60 ms Gaussian-windowed magnitude spectrum, as
/// openSMILE's `cHarmonics` defines them for eGeMAPS:
///
/// - `logRelF0-H1-H2`, `logRelF0-H1-A3`: openSMILE numbers harmonics from 0 (H0 is the fundamental), so its
///   "H1" and "H2" are the partials at 2 F0 and 3 F0: `20 log10(A(2 F0) / A(3 F0))`, and
///   `20 log10(A(2 F0) / A3)` with A3 the strongest harmonic within 0.8–1.2 × F3 (dB). Reproduced as such,
///   so that values compare with published eGeMAPS numbers.
/// - `FnamplitudeLogRelF0`: `20 log10` of the strongest harmonic within 0.8–1.2 × Fn over the fundamental's
///   amplitude (dB); 0 when no harmonic lies in that range.
/// - `HNRdBACF`: `10 log10(r(T0) / (r(0) - r(T0)))`, from the frame's autocorrelation `r` (inverse FFT of the
///   power spectrum) at the lag of the tracked period T0 (dB).
///
/// A harmonic's amplitude is the largest bin within ±10 % of F0 around its nominal frequency `h F0`.
final class HarmonicAnalysis {
    private let fftSize: Int
    private let binHz: Double
    private let inverse: RealInverseFFT

    init(fftSize: Int, sampleRate: Double) {
        self.fftSize = fftSize
        binHz = sampleRate / Double(fftSize)
        inverse = RealInverseFFT(size: fftSize)
    }

    /// Amplitude of harmonic `h` (1 = F0) in `magnitude` (n/2 + 1 bins).
    func harmonic(_ h: Int, f0: Double, magnitude: UnsafePointer<Float>) -> Float {
        let centre = Double(h) * f0 / binHz
        let reach = max(1, 0.1 * f0 / binHz)
        let lo = max(0, Int((centre - reach).rounded(.up)))
        let hi = min(fftSize / 2, Int((centre + reach).rounded(.down)))
        guard lo <= hi else { return 0 }
        var peak: Float = 0
        for k in lo...hi { peak = max(peak, magnitude[k]) }
        return peak
    }

    /// Amplitude of the strongest harmonic whose frequency lies within 0.8–1.2 × `frequency`; 0 when none does.
    func strongestHarmonic(near frequency: Double, f0: Double, magnitude: UnsafePointer<Float>) -> Float {
        guard frequency > 0, f0 > 0 else { return 0 }
        let first = max(1, Int((0.8 * frequency / f0).rounded(.up))), last = Int((1.2 * frequency / f0).rounded(.down))
        guard first <= last else { return 0 }
        var peak: Float = 0
        for h in first...last { peak = max(peak, harmonic(h, f0: f0, magnitude: magnitude)) }
        return peak
    }

    /// HNR in dB from the power spectrum `power` (n/2 + 1 bins) at period `samples` (rounded to a lag).
    func harmonicsToNoise(power: UnsafePointer<Float>, period samples: Double) -> Float {
        let bins = inverse.bins
        for k in 0...(fftSize / 2) {
            bins[2 * k] = power[k]
            bins[2 * k + 1] = 0
        }
        inverse.transform()
        let r = inverse.output
        let lag = Int(samples.rounded())
        guard lag > 0 && lag < fftSize / 2, r[0] > 0 else { return 0 }
        let harmonic = max(Double(r[lag]), 1e-10 * Double(r[0]))
        let noise = max(Double(r[0]) - harmonic, 1e-10 * Double(r[0]))
        return Float(10 * log10(harmonic / noise))
    }
}
