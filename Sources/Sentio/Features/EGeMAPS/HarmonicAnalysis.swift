#if canImport(Glibc)
import Glibc
#endif

/// Harmonic-structure descriptors of a voiced frame from its 60 ms Gaussian-windowed magnitude spectrum, as
/// openSMILE's `cHarmonics` defines them for eGeMAPS (docs/opensmile-egemaps/voice.md section 7,
/// formants.md section 3):
///
/// - Harmonic h = 0 … 99 (at (h + 1) F0) is the bin nearest (h + 1) F0 if it is a strict local maximum, else
///   the nearest one within (h + ½) F0 … (h + 1½) F0, right side first; its level relative to F0 is
///   `20 log10` of the parabola-interpolated peak over the F0 peak's raw bin magnitude (dB, floored at −200;
///   −201 for a harmonic in the same bin as the one before).
/// - `logRelF0-H1-H2`, `logRelF0-H1-A3`: openSMILE numbers harmonics from 0, so its "H1" and "H2" are the
///   partials at 2 F0 and 3 F0: their level difference, and that of H1 and A3, the harmonic with the largest
///   raw peak whose interpolated frequency lies within 0.8–1.2 × F3 (dB; H1's level − 201 when none does).
/// - `FnamplitudeLogRelF0`: the level of the strongest harmonic within 0.8–1.2 × Fn (which may be F0
///   itself, 0 dB); 0 when no harmonic lies in that range.
/// - `HNRdBACF`: `10 log10(r(T) / (r(0) − r(T)))` from the frame's autocorrelation r (inverse FFT of the power
///   spectrum), T the local maximum of r nearest ⌊rate / F0⌋ (dB, clamped to −90…110).
final class HarmonicAnalysis {
    /// Harmonics searched, F0 included.
    static let count = 100
    private let bins: Int
    private let binHz: Double, inverseBinHz: Double
    private let sampleRate: Double
    private let inverse: RealInverseFFT
    private let acf: UnsafeMutablePointer<Float>
    private let peakBin = UnsafeMutablePointer<Int>.allocate(capacity: count)
    private let peakMagnitude = UnsafeMutablePointer<Float>.allocate(capacity: count)
    private let frequency = UnsafeMutablePointer<Float>.allocate(capacity: count)  // interpolated, Hz
    private let level = UnsafeMutablePointer<Float>.allocate(capacity: count)       // interpolated peak magnitude
    private let duplicate = UnsafeMutablePointer<Bool>.allocate(capacity: count)    // in the bin of the one before
    private var reference: Float = 0, logReference: Float = 0                        // the F0 peak's magnitude

    init(fftSize: Int, sampleRate: Double) {
        bins = fftSize / 2 + 1
        binHz = sampleRate / Double(fftSize)
        inverseBinHz = 1 / binHz
        self.sampleRate = sampleRate
        inverse = RealInverseFFT(size: fftSize)
        acf = .allocate(capacity: bins)
    }

    deinit {
        acf.deallocate()
        peakBin.deallocate(); duplicate.deallocate()
        for p in [peakMagnitude, frequency, level] { p.deallocate() }
    }

    /// Finds the harmonics of `f0` (Hz) in `magnitude` (`fftSize / 2 + 1` bins) for the level queries below,
    /// which ask about harmonics up to `limit` Hz (the queries' highest formant × 1.2): harmonics that cannot
    /// lie below it are left out (absent), and levels are computed when asked for. Either way the answers
    /// are those of openSMILE's full search over 100 harmonics.
    func analyse(magnitude x: UnsafePointer<Float>, f0: Float, limit: Float = .infinity) {
        let n = bins
        // A harmonic h's peak is a bin from the one nearest (h + ½) F0 up, and its interpolated frequency lies
        // within half a bin of it: with two bins' margin, none from this one on can reach `limit`. H1 and H2
        // (h = 1, 2) are always wanted.
        let reach = ((Double(limit) + 2 * binHz) / Double(f0) - 0.5).rounded(.up) + 1
        let searched = reach < Double(Self.count) ? max(3, Int(reach)) : Self.count
        func isPeak(_ k: Int) -> Bool { Self.isPeak(x, n, k) }
        var last = nearestBin(Double(0.5 * f0), from: 1)
        let first = nearestBin(Double(0.5 * f0), from: last)
        // Harmonics not found (above the last bin, or not searched) are absent: bin 0, as openSMILE marks them.
        func absent(_ harmonics: Range<Int>) {
            for k in harmonics { peakBin[k] = 0; peakMagnitude[k] = 0; frequency[k] = 0; level[k] = 0 }
        }
        absent(searched..<Self.count)
        for h in 0..<searched {
            let candidate = nearestBin(Double(Float(h + 1) * f0), from: last)
            if candidate == 0 {
                absent(h..<searched)  // above the last bin: this and every higher harmonic
                break
            }
            var peak = -1
            if isPeak(candidate) {
                peak = candidate
            } else {
                var left = candidate - 1, right = candidate + 1
                let lo = nearestBin(Double((Float(h) + 0.5) * f0), from: last)
                let hi = nearestBin(Double((Float(h) + 1.5) * f0), from: candidate)
                while (left >= lo || right <= hi) && peak == -1 {
                    if right <= hi {
                        if isPeak(right) { peak = right; break }
                        right += 1
                    }
                    if left >= lo {
                        if isPeak(left) { peak = left; break }
                        left -= 1
                    }
                }
            }
            if peak >= first && peak < n - 1 {
                let (f, m) = parabolaVertex(
                    Double(peak - 1) * binHz, Double(x[peak - 1]), Double(peak) * binHz, Double(x[peak]),
                    Double(peak + 1) * binHz, Double(x[peak + 1]))
                peakBin[h] = peak
                peakMagnitude[h] = x[peak]
                frequency[h] = Float(f)
                level[h] = Float(m)  // the interpolated magnitude; ``level(_:)`` converts it
            } else {
                peakBin[h] = candidate
                peakMagnitude[h] = 0
                frequency[h] = 0
                level[h] = 0
            }
            last = candidate
        }
        reference = peakMagnitude[0]
        logReference = reference == 0 ? 0 : Float(log10(Double(reference)))
        duplicate[0] = false
        for h in 1..<Self.count {
            duplicate[h] = peakBin[h] == peakBin[h - 1]
            if duplicate[h] {
                peakBin[h] = 0
                peakMagnitude[h] = 0
                frequency[h] = 0
            }
        }
    }

    /// Harmonic h's level in dB relative to the F0 peak: 20 log10 of its interpolated peak over the F0 peak's
    /// magnitude, floored at −200; −201 for a harmonic in the bin of the one before, or when F0 has no peak.
    private func level(_ h: Int) -> Float {
        if h == 0 { return 0 }
        if duplicate[h] || reference == 0 { return -201 }
        let interpolated = level[h]
        return interpolated > 0 ? max(Float(20 * (log10(Double(interpolated)) - Double(logReference))), -200) : -200
    }

    /// `level(a) − level(b)` in dB, b the harmonic index or nil for none; clamped to ±201.
    func difference(_ a: Int, _ b: Int?) -> Float {
        let d = b.map { level(a) - level($0) } ?? level(a) - 201
        return min(max(d, -201), 201)
    }

    /// Index of the harmonic with the largest raw peak whose interpolated frequency lies within 0.8–1.2 ×
    /// `formant` (Hz); nil when none does.
    func strongest(near formant: Float) -> Int? {
        let lo = Float(0.8) * formant, hi = Float(1.2) * formant
        var index: Int?, largest: Float = 0
        for h in 0..<Self.count where frequency[h] >= lo && frequency[h] <= hi && peakMagnitude[h] > largest {
            index = h
            largest = peakMagnitude[h]
        }
        return index
    }

    /// The level of the strongest harmonic near `formant` (dB re F0), 0 when none is near.
    func formantAmplitude(_ formant: Float) -> Float {
        strongest(near: formant).map { level($0) } ?? 0
    }

    /// HNR in dB from the power spectrum `power` (`fftSize / 2 + 1` bins) of a frame with F0 `f0` Hz.
    func harmonicsToNoise(power: UnsafePointer<Float>, f0: Float) -> Float {
        let spectrum = inverse.bins
        for k in 0..<bins {
            spectrum[2 * k] = power[k]
            spectrum[2 * k + 1] = 0
        }
        inverse.transform()
        let r = inverse.output
        for k in 0..<bins { acf[k] = abs(r[k]) }
        var lag = Int(floor(sampleRate / Double(f0)))
        guard lag > 0 else { return 0 }
        lag = closestPeak(lag)
        guard lag > 0 else { return 0 }
        let noise = Double(acf[0]) - Double(acf[lag])
        let ratio = noise == 0 ? 10e10 : Double(acf[lag]) / noise
        return Float(10 * log10(min(max(ratio, 10e-10), 10e10)))
    }

    /// openSMILE's `freqToBin`: from bin `start` up, the first bin above `hz`, or the one before it when that
    /// is nearer; 0 when no bin lies above.
    private func nearestBin(_ hz: Double, from start: Int) -> Int {
        // The result is max(start, F), F the first bin above hz: F estimated by a multiplication and then
        // settled by the comparisons openSMILE makes, so the estimate's rounding cannot matter. (Searching up
        // from `start` instead compiled to a vectorised loop that cost 7 % of eGeMAPS for one or two steps.)
        var first = hz >= 0 ? Int(hz * inverseBinHz) + 1 : 0
        if hz >= 0 {
            while first > 0 && Double(first - 1) * binHz > hz { first -= 1 }
            while !(Double(first) * binHz > hz) { first += 1 }
        }
        let b = max(start, first)
        guard b < bins else { return 0 }
        let f = Double(b) * binHz
        return f - hz > hz - Double(b - 1) * binHz ? b - 1 : b
    }

    /// Whether `x[k]` (of `n`) is above both neighbours (above the one it has at an end); openSMILE's `isPeak`.
    private static func isPeak(_ x: UnsafePointer<Float>, _ n: Int, _ k: Int) -> Bool {
        if k < 0 || k >= n { return false }
        if k + 1 < n { return k > 0 ? x[k] > x[k - 1] && x[k] > x[k + 1] : x[0] > x[1] }
        return k > 0 && x[k] > x[k - 1]
    }

    /// The local maximum of the autocorrelation nearest lag `index` (openSMILE's `getClosestPeak`).
    private func closestPeak(_ index: Int) -> Int {
        let n = bins, x = acf
        func isPeak(_ k: Int) -> Bool { Self.isPeak(UnsafePointer(x), n, k) }
        if isPeak(index) { return index }
        var o = 1
        while index - o > 0 || index + o < n - 1 {
            if index - o > 0 && isPeak(index - o) { return index - o }
            if index + o < n - 1 && isPeak(index + o) { return index + o }
            o += 1
        }
        if x[0] > x[index] && x[n - 1] <= x[index] { return 0 }
        if x[0] <= x[index] && x[n - 1] > x[index] { return n - 1 }
        if x[0] > x[index] && x[n - 1] > x[index] { return index < n / 2 ? 0 : n - 1 }
        return index
    }
}
