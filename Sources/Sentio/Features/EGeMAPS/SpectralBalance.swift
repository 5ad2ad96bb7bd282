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
///   spectra over the bins of 0–5 kHz (0 for the first frame of a file).
///
/// Bin `k` lies at `k fs / n` Hz; a band includes the bins whose frequency lies in `[low, high]`.
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
        fluxBins = bins(0, 5000)
        previous = .allocate(capacity: fluxBins.count)
        previous.initialize(repeating: 0, count: fluxBins.count)
    }

    func deallocate() { previous.deallocate() }

    mutating func reset() { hasPrevious = false }

    /// Writes alphaRatio, hammarbergIndex, slope0-500, slope500-1500 and spectralFlux of `power` to `out[0..<5]`.
    mutating func compute(power: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let tiny: Float = 1e-20
        var low: Float = 0, high: Float = 0
        for k in alphaLow { low += power[k] }
        for k in alphaHigh { high += power[k] }
        out[0] = low > 0 ? 10 * log10f(max(high, tiny) / low) : 0
        var maxLow: Float = 0, maxHigh: Float = 0
        for k in hammarbergLow { maxLow = max(maxLow, power[k]) }
        for k in hammarbergHigh { maxHigh = max(maxHigh, power[k]) }
        out[1] = 10 * log10f(max(maxLow, tiny) / max(maxHigh, tiny))
        for (b, band) in slopeBands.enumerated() { out[2 + b] = slope(power, band) }
        out[4] = flux(power)
    }

    private func slope(_ power: UnsafePointer<Float>, _ band: Range<Int>) -> Float {
        let n = Float(band.count - 1)
        guard band.count > 2 else { return 0 }
        var sf: Float = 0, sy: Float = 0, sff: Float = 0, sfy: Float = 0
        for k in band {
            let f = slopeFrequencies[k], y = 10 * log10f(max(power[k], 1e-20))
            sf += f; sy += y; sff += f * f; sfy += f * y
        }
        let d = n * sff - sf * sf
        return d > 0 ? (n * sfy - sf * sy) / d : 0
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
