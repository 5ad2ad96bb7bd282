#if canImport(Glibc)
import Glibc
#endif

/// Harmonic-structure descriptors of a voiced frame from its 60 ms Gaussian-windowed magnitude spectrum, as
/// openSMILE's `cHarmonics` defines them for eGeMAPS:
///
/// - `logRelF0-H1-H2`, `logRelF0-H1-A3`: `20 log10` of the first harmonic's amplitude over the second
///   harmonic's, and over the strongest harmonic near F3 (dB).
/// - `FnamplitudeLogRelF0`: `20 log10` of the strongest harmonic near formant n over the first harmonic (dB).
/// - `HNRdBACF`: `10 log10(r(T0) / (r(0) - r(T0)))`, from the frame's autocorrelation `r` (inverse FFT of the
///   power spectrum) at the lag of the tracked period T0 (dB).
///
/// A harmonic's amplitude is the largest bin within ±10 % of F0 around its nominal frequency `h F0`.
/// "Near a formant" means the harmonic number closest to the formant frequency.
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

    /// Harmonic number nearest `frequency` (at least 1).
    func harmonicNumber(near frequency: Double, f0: Double) -> Int {
        max(1, Int((frequency / f0).rounded()))
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
