#if canImport(Glibc)
import Glibc
#endif

/// Options of ``FormantAnalyzer``, after Praat's `Sound: To Formant (burg)` defaults.
public struct FormantOptions: Sendable, Hashable {
    /// Formants sought in the band below ``maximumFormant``; the LPC order is twice this. Default 5.
    public var formantCount: Int = 5
    /// Upper edge of the analysed band in Hz: the signal is resampled to twice this. Default 5500 (Praat's
    /// value for an adult female voice; 5000 suits adult male voices).
    public var maximumFormant: Double = 5500
    /// Effective window length in seconds; the Gaussian window actually spans twice this. Default 0.025.
    public var windowSeconds: Double = 0.025
    /// Pre-emphasis: +6 dB/octave above this frequency in Hz. Default 50.
    public var preEmphasisFrom: Double = 50
    /// Roots closer than this to 0 Hz or to the Nyquist frequency are not formants, in Hz. Default 50.
    public var safetyMargin: Double = 50

    /// Creates options with Praat's defaults, as listed above.
    public init() {}
}

/// Formant frequencies and bandwidths of one frame by LPC, as Praat's `To Formant (burg)` computes them:
/// the frame is band-limited to ``FormantOptions/maximumFormant`` and resampled to twice that rate,
/// pre-emphasised, weighted with a Gaussian window, fitted with a Burg LPC polynomial of order
/// `2 * formantCount`, and the polynomial's roots `z = r e^{iθ}` give `F = θ fs / 2π` and
/// `B = -ln(r) fs / π` (roots outside the unit circle are reflected inside first).
///
/// Resampling is done per frame in the frequency domain (FFT, keep the bins below the new Nyquist
/// frequency, inverse FFT), which is the ideal band-limited resampler for the frame and keeps the analysis
/// independent of how the stream is chunked.
///
/// Reference: Praat manual, "Sound: To Formant (burg)..."; D. G. Childers (ed.), Modern Spectrum Analysis,
/// IEEE Press, 1978 (Burg's method).
public final class FormantAnalyzer {
    /// The configuration.
    public let options: FormantOptions
    /// Samples of input read around the frame centre.
    public let inputLength: Int
    /// Samples of the frame after resampling.
    public let outputLength: Int
    /// Sample rate of the resampled frame in Hz (close to `2 * maximumFormant`).
    public let analysisRate: Double

    private let forward: RealFFT
    private let inverse: RealInverseFFT
    private let frame: UnsafeMutablePointer<Double>
    private let window: [Double]
    private let work: UnsafeMutablePointer<Double>
    private let coefficients: UnsafeMutablePointer<Double>
    private let roots: UnsafeMutablePointer<(Double, Double)>
    private var rootsFound = false  // `roots` holds the last frame's, the start for the next
    private let order: Int

    /// Creates an analyser of samples at `sampleRate` Hz, resampling each frame to about
    /// `min(sampleRate, 2 * maximumFormant)` Hz (see ``analysisRate``).
    public init(options: FormantOptions = FormantOptions(), sampleRate: Double) {
        self.options = options
        let targetRate = min(sampleRate, 2 * options.maximumFormant)
        inputLength = Int((2 * options.windowSeconds * sampleRate).rounded())
        outputLength = max(2 * options.formantCount + 2, Int((Double(inputLength) * targetRate / sampleRate).rounded()))
        analysisRate = sampleRate * Double(outputLength) / Double(inputLength)
        order = 2 * options.formantCount
        forward = RealFFT(size: inputLength)
        inverse = RealInverseFFT(size: outputLength)
        frame = .allocate(capacity: outputLength)
        work = .allocate(capacity: 2 * outputLength)
        coefficients = .allocate(capacity: order)
        roots = .allocate(capacity: order)
        // Praat's Gaussian window, lifted to zero at the edges.
        let n = Double(outputLength)
        let edge = exp(-12.0)
        let middle = 0.5 * (n + 1)
        window = (1...outputLength).map { i in
            (exp(-48.0 * (Double(i) - middle) * (Double(i) - middle) / ((n + 1) * (n + 1))) - edge) / (1 - edge)
        }
    }

    deinit {
        frame.deallocate()
        work.deallocate()
        coefficients.deallocate()
        roots.deallocate()
    }

    /// Forgets the previous frame's roots, before another file: each file's values are then independent of
    /// what was analysed before it.
    public func reset() { rootsFound = false }

    /// Writes `count` formants as (frequency Hz, bandwidth Hz) pairs, lowest first, for the window centred on
    /// absolute sample `centre` of `history`; missing formants are (0, 0).
    ///
    /// The polynomial's roots are refined from the previous frame's
    /// (``LinearPrediction/refineRoots(monic:degree:_:tolerance:maximumSweeps:)``), or found from scratch by
    /// polished Laguerre iteration after ``reset()`` or where the refinement does not settle; both give the
    /// roots to rounding level.
    public func analyse(centre: Int, history: SampleHistory, count: Int, into out: UnsafeMutablePointer<Float>) {
        for i in 0..<(2 * count) { out[i] = 0 }
        let input = forward.input.baseAddress!
        history.copy(from: centre - inputLength / 2, count: inputLength, into: input)
        forward.transform()
        // Keep the bins below the new Nyquist frequency (scaled for FFTW's unnormalised inverse).
        let bins = inverse.bins
        let scale = 1 / Float(inputLength)
        let kept = outputLength / 2 + 1
        for k in 0..<kept {
            let (re, im) = k < forward.binCount ? forward.bin(k) : (0, 0)
            bins[2 * k] = re * scale
            bins[2 * k + 1] = im * scale
        }
        if outputLength % 2 == 0 { bins[2 * (kept - 1) + 1] = 0 }
        inverse.transform()
        let resampled = inverse.output

        // Pre-emphasis, then the window.
        let alpha = exp(-2 * Double.pi * options.preEmphasisFrom / analysisRate)
        var previous = 0.0
        for i in 0..<outputLength {
            let x = Double(resampled[i])
            frame[i] = (x - alpha * previous) * window[i]
            previous = x
        }
        guard LinearPrediction.burg(frame, count: outputLength, order: order, coefficients: coefficients, work: work) else { return }
        if !(rootsFound && LinearPrediction.refineRoots(monic: coefficients, degree: order, roots)) {
            LinearPrediction.roots(monic: coefficients, degree: order, into: roots)
        }
        rootsFound = true

        LinearPrediction.resonances(roots, count: order, sampleRate: analysisRate, lowHz: options.safetyMargin,
                                    highHz: analysisRate / 2 - options.safetyMargin, keep: count, into: out)
    }
}
