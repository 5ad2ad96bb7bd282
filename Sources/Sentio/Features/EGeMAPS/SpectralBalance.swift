#if canImport(Glibc)
import Glibc
#endif

/// eGeMAPS spectral-balance descriptors of one power spectrum, as openSMILE's `cSpectral` computes them with
/// eGeMAPS's options (`squareInput = 1`, `useLogSpectrum = 1`, `freqRange = 0-5000`):
///
/// - `alphaRatio`: `10 log10` of the energy in 1–5 kHz over the energy below 1 kHz (dB; Patel et al. 2011).
/// - `hammarbergIndex`: `10 log10` of the strongest bin in 0–2 kHz over the strongest in 2–5 kHz
///   (dB; Hammarberg et al. 1980).
/// - `slope0-500`, `slope500-1500`: least-squares slope of the dB power spectrum (`10 log10 P`) against
///   frequency over the bins of each band, in dB/Hz. As openSMILE does, the normal equations use the band's
///   width in bins (one less than the number of bins summed) as the point count.
/// - `spectralFlux`: root mean square difference between this frame's and the previous frame's magnitude
///   spectra over the bins below 5 kHz (0 for the first frame of a file).
///
/// Bin `k` lies at `k fs / n` Hz; a band includes the bins whose frequency lies in `[low, high]`. Powers at
/// or below 1e-14 count as −140 dB (openSMILE's floor).
struct SpectralBalance {
    private let alphaLow: Range<Int>, alphaHigh: Range<Int>
    private let hammarbergLow: Range<Int>, hammarbergHigh: Range<Int>
    private let slopeBands: [Range<Int>]
    private let slopeFrequencies: [Float]
    private let fluxBins: Range<Int>
    private let previous: UnsafeMutablePointer<Float>
    private var hasPrevious = false

    init(fftSize: Int, sampleRate: Double) {
        let binHz = sampleRate / Double(fftSize), last = fftSize / 2
        func bins(_ lo: Double, _ hi: Double) -> Range<Int> {
            let a = min(last, Int((lo / binHz).rounded(.up))), b = min(last, Int((hi / binHz).rounded(.down)))
            return a..<max(a, b + 1)
        }
        alphaLow = bins(0, 1000 - 1e-9)
        alphaHigh = bins(1000, 5000)
        hammarbergLow = bins(0, 2000 - 1e-9)
        hammarbergHigh = bins(2000, 5000)
        slopeBands = [bins(0, 500), bins(500, 1500)]
        slopeFrequencies = (0...last).map { Float(Double($0) * binHz) }
        fluxBins = bins(0, 5000 - 1e-9)  // openSMILE's flux range excludes its upper edge
        previous = .allocate(capacity: fluxBins.count)
        previous.initialize(repeating: 0, count: fluxBins.count)
    }

    func deallocate() { previous.deallocate() }

    mutating func reset() { hasPrevious = false }

    /// Writes alphaRatio, hammarbergIndex, slope0-500, slope500-1500 and spectralFlux of `power` to `out[0..<5]`.
    mutating func compute(power: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        var low: Float = 0, high: Float = 0
        for k in alphaLow { low += power[k] }
        for k in alphaHigh { high += power[k] }
        out[0] = Self.levelRatio(high, over: low)
        var maxLow: Float = 0, maxHigh: Float = 0
        for k in hammarbergLow { maxLow = max(maxLow, power[k]) }
        for k in hammarbergHigh { maxHigh = max(maxHigh, power[k]) }
        out[1] = Self.levelRatio(maxLow, over: maxHigh)
        for (b, band) in slopeBands.enumerated() { out[2 + b] = slope(power, band) }
        out[4] = flux(power)
    }

    /// openSMILE's power floor of the spectral-balance descriptors (its `specFloor` 1e-7, squared): −140 dB.
    static let floor: Float = 1e-14

    /// `10 log10(a / b)` in dB, as openSMILE computes alpha ratio and Hammarberg index: 0 without energy in
    /// `b`, and `a` floored at ``floor``.
    static func levelRatio(_ a: Float, over b: Float) -> Float {
        guard b > 0 else { return 0 }
        return a > floor ? 10 * log10f(a / b) : 10 * (log10f(floor) - log10f(b))
    }

    private func slope(_ power: UnsafePointer<Float>, _ band: Range<Int>) -> Float {
        let n = Double(band.count - 1)
        guard band.count > 2 else { return 0 }
        // Double sums, as openSMILE: in Float the normal equations lose the slope of a flat spectrum.
        var sf = 0.0, sy = 0.0, sff = 0.0, sfy = 0.0
        for k in band {
            let f = Double(slopeFrequencies[k])
            let y = power[k] > Self.floor ? 10 * Double(log10f(power[k])) : 10 * Double(log10f(Self.floor))
            sf += f; sy += y; sff += f * f; sfy += f * y
        }
        let d = n * sff - sf * sf
        return d > 0 ? Float((n * sfy - sf * sy) / d) : 0
    }

    private mutating func flux(_ power: UnsafePointer<Float>) -> Float {
        var sum: Float = 0
        for (i, k) in fluxBins.enumerated() {
            let magnitude = power[k].squareRoot()
            let d = magnitude - previous[i]
            sum += d * d
            previous[i] = magnitude
        }
        defer { hasPrevious = true }
        return hasPrevious ? (sum / Float(fluxBins.count)).squareRoot() : 0
    }
}
