#if canImport(Glibc)
import Glibc
#endif

/// Options of a triangular mel filterbank over the bins of a real FFT.
///
/// Two constructions cover the reference tools:
/// - ``Triangles/melDomain`` (Kaldi `MelBanks`, HTK): band edges equally spaced in mel between `lowHz` and
///   `highHz`; each FFT bin's weight is linear in *mel* between a band's edges; the Nyquist bin is not used.
///   Computed in single precision exactly as Kaldi does.
/// - ``Triangles/hertzDomain`` (librosa `filters.mel`, Slaney's Auditory Toolbox): the same mel-spaced
///   edges, but weights linear in *Hz*, computed in double precision and stored as Float.
///
/// With ``Normalization/slaney`` each triangle is scaled by `2 / (f_right - f_left)` so all bands have equal
/// area (librosa `norm="slaney"`).
public struct MelFilterbankOptions: Sendable, Hashable {
    /// How a triangle is drawn between its edges.
    public enum Triangles: Sendable, Hashable {
        /// Linear in mel (Kaldi, HTK).
        case melDomain
        /// Linear in Hz (librosa, Slaney).
        case hertzDomain
    }

    /// Band weighting.
    public enum Normalization: Sendable, Hashable {
        /// Peak weight 1 in every band.
        case none
        /// Equal area: band `m` scaled by `2 / (f[m+2] - f[m])` (librosa `norm="slaney"`).
        case slaney
    }

    /// Number of mel bands. Default 23 (Kaldi).
    public var bandCount: Int
    /// Lower edge of the first band, Hz. Default 20 (Kaldi).
    public var lowHz: Double
    /// Upper edge of the last band, Hz; zero or negative means Nyquist plus this value (Kaldi's
    /// convention). Default 0, i.e. the Nyquist frequency.
    public var highHz: Double
    /// Mel scale. Default ``MelScale/htk``.
    public var scale: MelScale
    /// Triangle construction. Default ``Triangles/melDomain``.
    public var triangles: Triangles
    /// Band normalisation. Default ``Normalization/none``.
    public var normalization: Normalization

    /// Creates options with the given values; see each property for units and defaults (Kaldi's).
    public init(bandCount: Int = 23, lowHz: Double = 20, highHz: Double = 0, scale: MelScale = .htk,
                triangles: Triangles = .melDomain, normalization: Normalization = .none) {
        self.bandCount = bandCount
        self.lowHz = lowHz
        self.highHz = highHz
        self.scale = scale
        self.triangles = triangles
        self.normalization = normalization
    }

    /// Kaldi `compute-mfcc-feats` defaults: 23 bands, 20 Hz to Nyquist, HTK mel, triangles in mel.
    public static let kaldi = MelFilterbankOptions()

    /// librosa `filters.mel` defaults with `n_mels` bands: 0 Hz to Nyquist, Slaney mel and normalisation.
    public static func librosa(bandCount: Int = 128) -> MelFilterbankOptions {
        MelFilterbankOptions(bandCount: bandCount, lowHz: 0, highHz: 0, scale: .slaney, triangles: .hertzDomain,
                             normalization: .slaney)
    }
}

/// A mel filterbank stored sparsely: each band keeps only its non-zero span of FFT bins.
public struct MelFilterbank: Sendable {
    /// The options it was built from.
    public let options: MelFilterbankOptions
    /// FFT length the bank was built for.
    public let fftSize: Int
    /// Sample rate in Hz.
    public let sampleRate: Double
    /// First FFT bin of each band.
    public let firstBin: [Int]
    /// Offsets of each band's weights in ``weights``; band `m` spans `weightStart[m] ..< weightStart[m + 1]`.
    public let weightStart: [Int]
    /// All bands' weights, concatenated.
    public let weights: [Float]

    /// Builds the bank for an FFT of `fftSize` points at `sampleRate` Hz.
    /// - Parameter firstBin: bins below it get no weight (openSMILE's `cMelspec` leaves out every bin up to
    ///   the one nearest the lower edge, so that 20 Hz excludes bin 1 at 31.25 Hz as well as DC); 0 keeps
    ///   the triangles as they are.
    public init(options: MelFilterbankOptions, fftSize: Int, sampleRate: Double, firstBin lowestBin: Int = 0) {
        self.options = options
        self.fftSize = fftSize
        self.sampleRate = sampleRate
        var dense: [[Float]]
        switch options.triangles {
        case .melDomain: dense = Self.melDomainBands(options, fftSize: fftSize, sampleRate: sampleRate)
        case .hertzDomain: dense = Self.hertzDomainBands(options, fftSize: fftSize, sampleRate: sampleRate)
        }
        for b in dense.indices { for k in 0..<min(lowestBin, dense[b].count) { dense[b][k] = 0 } }
        // Each band's span is widened with zero weights to a multiple of 8 bins (to the right, or to the left at
        // the top of the spectrum) so ``apply`` runs whole SIMD blocks: same sums, no scalar tails.
        let binCount = fftSize / 2 + 1
        var first: [Int] = [], starts: [Int] = [0], flat: [Float] = []
        for band in dense {
            var lo = band.firstIndex { $0 != 0 } ?? 0
            var hi = (band.lastIndex { $0 != 0 } ?? -1) + 1
            if hi > lo {
                let width = (hi - lo + 7) / 8 * 8
                hi = min(lo + width, binCount)
                lo = max(0, hi - width)
                flat.append(contentsOf: band[lo..<hi])
            }
            first.append(lo)
            starts.append(flat.count)
        }
        firstBin = first
        weightStart = starts
        weights = flat
    }

    /// Number of bands.
    public var bandCount: Int { firstBin.count }

    /// The dense weight matrix, `bandCount` rows of `fftSize / 2 + 1` bins (for inspection and tests).
    public var denseWeights: [[Float]] {
        (0..<bandCount).map { m in
            var row = [Float](repeating: 0, count: fftSize / 2 + 1)
            for (i, w) in weights[weightStart[m]..<weightStart[m + 1]].enumerated() { row[firstBin[m] + i] = w }
            return row
        }
    }

    /// Band energies `out[m] = sum_k w[m][k] * spectrum[k]` for a spectrum of `fftSize / 2 + 1` bins.
    @inline(__always)
    public func apply(_ spectrum: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        weights.withUnsafeBufferPointer { w in
            firstBin.withUnsafeBufferPointer { first in
                weightStart.withUnsafeBufferPointer { starts in
                    let wp = w.baseAddress!, fp = first.baseAddress!, sp = starts.baseAddress!
                    for m in 0..<first.count {
                        let s = spectrum + fp[m]
                        let start = sp[m], count = sp[m + 1] - start
                        out[m] = VectorMath.dot(wp + start, s, count)
                    }
                }
            }
        }
    }

    private static func upperEdge(_ options: MelFilterbankOptions, sampleRate: Double) -> Double {
        options.highHz > 0 ? options.highHz : sampleRate / 2 + options.highHz
    }

    /// Kaldi `MelBanks` (feature-functions / mel-computations.cc), in Float arithmetic as Kaldi computes it.
    private static func melDomainBands(_ options: MelFilterbankOptions, fftSize: Int, sampleRate: Double) -> [[Float]] {
        let binCount = fftSize / 2 + 1
        let usedBins = fftSize / 2  // Kaldi leaves out the Nyquist bin.
        func mel(_ f: Float) -> Float {
            switch options.scale {
            case .htk: return 1127 * logf(1 + f / 700)
            case .slaney: return Float(MelScale.slaney.mel(Double(f)))
            }
        }
        let binWidth = Float(sampleRate) / Float(fftSize)
        let melLow = mel(Float(options.lowHz)), melHigh = mel(Float(upperEdge(options, sampleRate: sampleRate)))
        let delta = (melHigh - melLow) / Float(options.bandCount + 1)
        return (0..<options.bandCount).map { band -> [Float] in
            let left = melLow + Float(band) * delta
            let center = melLow + Float(band + 1) * delta
            let right = melLow + Float(band + 2) * delta
            var row = [Float](repeating: 0, count: binCount)
            for i in 0..<usedBins {
                let m = mel(binWidth * Float(i))
                guard m > left && m < right else { continue }
                row[i] = m <= center ? (m - left) / (center - left) : (right - m) / (right - center)
            }
            if options.normalization == .slaney {
                let norm = Float(2 / (options.scale.hertz(Double(right)) - options.scale.hertz(Double(left))))
                for i in row.indices { row[i] *= norm }
            }
            return row
        }
    }

    /// librosa `filters.mel`: triangles linear in Hz between mel-spaced edges, double precision.
    private static func hertzDomainBands(_ options: MelFilterbankOptions, fftSize: Int, sampleRate: Double) -> [[Float]] {
        let binCount = fftSize / 2 + 1
        let points = options.bandCount + 2
        let melLow = options.scale.mel(options.lowHz)
        let melHigh = options.scale.mel(upperEdge(options, sampleRate: sampleRate))
        // numpy.linspace: start + i * step, with the last point set exactly to the stop value.
        let step = (melHigh - melLow) / Double(points - 1)
        var edges = (0..<points).map { options.scale.hertz(melLow + Double($0) * step) }
        edges[points - 1] = options.scale.hertz(melHigh)
        let binHz = (0..<binCount).map { Double($0) * sampleRate / Double(fftSize) }
        return (0..<options.bandCount).map { m -> [Float] in
            let lowerWidth = edges[m + 1] - edges[m], upperWidth = edges[m + 2] - edges[m + 1]
            let norm = options.normalization == .slaney ? 2 / (edges[m + 2] - edges[m]) : 1
            return binHz.map { f -> Float in
                let lower = (f - edges[m]) / lowerWidth
                let upper = (edges[m + 2] - f) / upperWidth
                // librosa stores the triangle as float32, then scales that float32 array by the float64 norm.
                return Float(Double(Float(max(0, min(lower, upper)))) * norm)
            }
        }
    }
}
