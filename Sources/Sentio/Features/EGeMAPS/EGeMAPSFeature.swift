#if canImport(Glibc)
import Glibc
#endif

/// Options of the eGeMAPS low-level descriptors. Defaults are openSMILE eGeMAPSv02's.
public struct EGeMAPSOptions: Sendable, Hashable {
    /// Length of the Hamming-windowed frame of the spectral descriptors, loudness, MFCCs and formants, in
    /// seconds. Default 0.020.
    public var spectralFrame: Double = 0.020
    /// Length of the Gaussian-windowed (σ = 0.4) frame of the harmonic descriptors and HNR, in seconds. Default 0.060.
    public var harmonicFrame: Double = 0.060
    /// Mel bands of loudness and the MFCCs (20 Hz – 8 kHz). Default 26.
    public var melBands = 26
    /// Exponent of the intensity-to-loudness power law (Stevens; PLP's cube-root compression). Default 0.33.
    public var loudnessCompression = 0.33
    /// Linear-prediction order of the formant analysis, at `formantRate`. Default 11.
    public var formantOrder = 11
    /// Rate the spectrum is band-limited to before the formant analysis, in Hz. Default 11000.
    public var formantRate = 11000.0
    /// Frames whose Gaussian-windowed 60 ms RMS is below this (full scale 1) are unvoiced. Default 0.001.
    public var voicingEnergyFloor: Float = 0.001
    /// Value of the formant amplitudes (`FnamplitudeLogRelF0`) in unvoiced frames: openSMILE's floor for a
    /// level relative to an absent F0, which its `nz` functionals include. Default −201 dB.
    public var unvoicedAmplitude: Float = -201
    /// Voiced runs shorter than this many frames are treated as unvoiced: isolated 20–30 ms "voiced" blips
    /// (periodic-looking fricative noise, often an octave or two above the voice) would otherwise dominate the
    /// F0 slopes and variation. Default 4 (40 ms at a 10 ms hop).
    public var minimumVoicedRun = 4

    public init() {}
}

/// The eGeMAPSv02 low-level descriptors (see ``EGeMAPS``), on the extraction's frame grid: every analysis
/// window is centred on the frame centre.
///
/// Per frame it computes, from a 20 ms Hamming frame (512-point FFT at 16 kHz): loudness (26 mel bands of the
/// power spectrum, each weighted by the equal-loudness curve of PLP (Hermansky 1990) at its centre and raised
/// to 0.33, summed), ``SpectralBalance`` (alpha ratio, Hammarberg index, 0–500 and 500–1500 Hz slopes, flux),
/// MFCC 1–4 (HTK: log of the 26 mel energies, orthonormal DCT-II, lifter 22) and the frame energy for the
/// equivalent sound level; F0 from ``PitchTracker`` in semitones re 27.5 Hz (`12 log2(F0 / 27.5)`, 0 when
/// unvoiced); jitter and shimmer from glottal pulses (Praat's definitions, see ``VoiceOptions``); over voiced
/// frames, F1–F3 and their bandwidths by autocorrelation LPC of order 11 on the spectrum band-limited to 5.5 kHz,
/// and ``HarmonicAnalysis`` on a 60 ms Gaussian frame (with openSMILE's harmonic numbering).
///
/// Deliberate differences from openSMILE: F0 comes from Sentio's Praat-style tracker, not subharmonic
/// summation; jitter and shimmer follow Praat; all windows share the frame centre (openSMILE starts its 20 ms
/// and 60 ms frames together, so its F0 refers to a point 20 ms after the spectral frame's centre); formants are
/// reported in voiced frames only.
///
/// Raw values are written to internal columns; ``EGeMAPSSmoothing`` produces the `sma3`/`sma3nz` columns.
///
/// It follows a ``PitchTracker`` and a jitter/shimmer ``VoiceAnalyzer`` that a ``ProsodyFeature`` owns, so
/// the `pitch` and `voice` sets and eGeMAPS share one pitch track and one set of glottal pulses: the owner
/// passes each decided frame to ``take(_:)`` and each frame whose jitter and shimmer are known to
/// ``write(_:_:row:)``.
final class EGeMAPSFeature {
    /// Internal column: the unsmoothed F0 in semitones, non-zero exactly in voiced frames.
    static let voicingColumn = "_egemaps_F0raw"
    /// Internal column: the mean square of the unwindowed 20 ms frame (full scale 1), for the equivalent sound level.
    static let energyColumn = "_egemaps_energy"
    /// Unsmoothed descriptors, in ``EGeMAPS/lowLevelDescriptors`` order.
    static let rawColumns = (EGeMAPS.energyDescriptors + EGeMAPS.voiceDescriptors).map { "_egemaps_raw_" + $0 }
    /// Every column this feature writes: the raw descriptors, F0 (voicing) and the energy.
    static let columns = rawColumns + [voicingColumn, energyColumn]
    private static let raw = (loudness: 0, spectral: 1, mfcc: 6, f0: 10, jitter: 11, shimmer: 12, hnr: 13,
                              h1h2: 14, h1a3: 15, formants: 16)

    let options: EGeMAPSOptions
    private let tracker: PitchTracker
    private let offset: Int
    private let sampleRate: Double
    private var decided: [Double] = []  // F0 (Hz) of frames decided but not yet written, from `decidedBase`
    private var decidedBase = 0
    /// Samples before the oldest frame not yet written that must stay in the tracker's history: the
    /// 60 ms frame around a frame's centre is read when the frame is written.
    let requiredMargin: Int

    private let shortLength: Int, longLength: Int
    private let shortFFT: RealFFT, longFFT: RealFFT
    private let hamming: [Float], gauss: [Float]
    private let shortPower: UnsafeMutablePointer<Float>
    private let longMagnitude: UnsafeMutablePointer<Float>, longPower: UnsafeMutablePointer<Float>
    private let filterbank: MelFilterbank
    private let bandWeights: [Float]
    private let mel: UnsafeMutablePointer<Float>, cepstrum: UnsafeMutablePointer<Float>
    private let dct: DCT
    private let lifter: CepstralLifter
    private var balance: SpectralBalance
    private let harmonics: HarmonicAnalysis
    private let formantBins: Int
    /// Cosine weights by bin, then lag: bin `k`'s lags `4g ..< 4g + 4` in `formantCosines[k * lagGroups + g]`
    /// (zero past the order), so one pass over the spectrum accumulates every lag, each in its own lane.
    private let formantCosines: UnsafeMutablePointer<SIMD4<Double>>
    private let lagGroups: Int
    private let lagSums: UnsafeMutablePointer<SIMD4<Double>>
    private let lpcWork: UnsafeMutablePointer<Double>
    private let roots: UnsafeMutablePointer<(Double, Double)>

    /// - Parameters:
    ///   - tracker: the pitch track followed, whose frames are centred on the extraction's frame centres.
    ///   - sampleRate: rate of the tracker's samples in Hz.
    ///   - offset: column of the first raw descriptor in the rows written.
    init(options: EGeMAPSOptions, tracker: PitchTracker, sampleRate: Double, frame: FrameOptions, offset: Int) {
        self.options = options
        self.offset = offset
        self.sampleRate = sampleRate
        self.tracker = tracker
        shortLength = Int((options.spectralFrame * sampleRate).rounded())
        longLength = Int((options.harmonicFrame * sampleRate).rounded())
        requiredMargin = longLength / 2 + frame.hop
        func powerOfTwo(_ n: Int) -> Int { var s = 1; while s < n { s <<= 1 }; return s }
        let shortSize = powerOfTwo(shortLength), longSize = powerOfTwo(longLength)
        shortFFT = RealFFT(size: shortSize)
        longFFT = RealFFT(size: longSize)
        hamming = WindowFunction.hamming(periodic: false).coefficients(length: shortLength)
        let half = Double(longLength - 1) / 2
        gauss = (0..<longLength).map { Float(exp(-0.5 * pow((Double($0) - half) / (0.4 * half), 2))) }
        shortPower = .allocate(capacity: shortSize / 2 + 1)
        longMagnitude = .allocate(capacity: longSize / 2 + 1)
        longPower = .allocate(capacity: longSize / 2 + 1)
        let melOptions = MelFilterbankOptions(bandCount: options.melBands, lowHz: 20, highHz: min(8000, sampleRate / 2))
        filterbank = MelFilterbank(options: melOptions, fftSize: shortSize, sampleRate: sampleRate)
        // Equal-loudness weight of each band at its centre frequency (Hermansky 1990, eq. 4; ω in rad/s).
        let low = MelScale.htk.mel(20), high = MelScale.htk.mel(min(8000, sampleRate / 2))
        bandWeights = (1...options.melBands).map { b in
            let f = MelScale.htk.hertz(low + (high - low) * Double(b) / Double(options.melBands + 1))
            let w2 = pow(2 * Double.pi * f, 2)
            return Float((w2 + 56.8e6) * w2 * w2 / (pow(w2 + 6.3e6, 2) * (w2 + 0.38e9)))
        }
        mel = .allocate(capacity: options.melBands)
        cepstrum = .allocate(capacity: 5)
        dct = DCT(inputCount: options.melBands, outputCount: 5)
        lifter = CepstralLifter(q: 22, count: 5)
        balance = SpectralBalance(fftSize: shortSize, sampleRate: sampleRate)
        harmonics = HarmonicAnalysis(fftSize: longSize, sampleRate: sampleRate)
        // Autocorrelation of the band-limited signal at `formantRate`: a cosine transform of the power spectrum
        // over the bins below formantRate / 2 (the FFT-domain resampling of openSMILE's cSpecResample).
        let rate = min(options.formantRate, sampleRate)
        let bins = min(shortSize / 2, Int((rate / 2) / (sampleRate / Double(shortSize))))
        formantBins = bins
        let resampledSize = 2.0 * Double(bins)
        let groups = (options.formantOrder + 1 + 3) / 4
        lagGroups = groups
        formantCosines = .allocate(capacity: (bins + 1) * groups)
        for k in 0...bins {
            for g in 0..<groups {
                var lanes = SIMD4<Double>.zero
                for l in 0..<4 where 4 * g + l <= options.formantOrder {
                    let m = 4 * g + l
                    lanes[l] = cos(2 * Double.pi * Double(k * m) / resampledSize) * (k == 0 || k == bins ? 1 : 2)
                }
                formantCosines[k * groups + g] = lanes
            }
        }
        lagSums = .allocate(capacity: groups)
        lpcWork = .allocate(capacity: 2 * (options.formantOrder + 1))
        roots = .allocate(capacity: options.formantOrder)
        roots.initialize(repeating: (0, 0), count: options.formantOrder)
    }

    deinit {
        for p in [shortPower, longMagnitude, longPower, mel, cepstrum] { p.deallocate() }
        balance.deallocate()
        lpcWork.deallocate()
        roots.deallocate()
        formantCosines.deallocate()
        lagSums.deallocate()
    }

    /// Forgets per-file state; the tracker is reset by its owner.
    func reset() {
        balance.reset()
        roots.update(repeating: (0, 0), count: options.formantOrder)  // results must not depend on the previous file
        decided.removeAll(keepingCapacity: true)
        decidedBase = 0
    }

    /// Takes the next decided pitch frame, before the jitter/shimmer analysis sees it.
    func take(_ estimate: PitchEstimate) {
        decided.append(estimate.frequency)
    }

    /// Frame `index` is decided and its jitter and shimmer (`perturbationValues[0]`, `[1]`) known: computes
    /// and writes all its descriptors. Frames come in order, each after its voiced run has been taken.
    func write(_ index: Int, _ perturbationValues: UnsafePointer<Float>, row: (Int) -> UnsafeMutablePointer<Float>) {
        let out = row(index) + offset
        var f0 = decided[index - decidedBase]
        let centre = tracker.centre(index)
        if f0 > 0 && voicedRun(containing: index) < options.minimumVoicedRun { f0 = 0 }
        if f0 > 0 { f0 = gatedByEnergy(f0, centre: centre) }
        spectralDescriptors(centre: centre, into: out)
        let r = Self.raw
        if f0 > 0 {
            out[r.f0] = Float(12 * log2(f0 / 27.5))
            out[r.jitter] = perturbationValues[0]
            out[r.shimmer] = perturbationValues[1]
            harmonicDescriptors(f0: f0, into: out)
        } else {
            for c in r.f0..<Self.rawColumns.count { out[c] = 0 }
            for n in 0..<3 { out[r.formants + 3 * n + 2] = options.unvoicedAmplitude }
        }
        out[Self.rawColumns.count] = out[r.f0]
        // Keep enough decided frames behind the writer to measure the run a later frame belongs to.
        let keepFrom = index + 1 - options.minimumVoicedRun
        if keepFrom - decidedBase >= 256 {
            decided.removeFirst(keepFrom - decidedBase)
            decidedBase = keepFrom
        }
    }

    /// Length of the voiced run holding frame `index`, counted up to ``EGeMAPSOptions/minimumVoicedRun``.
    /// A voiced frame is written only after its stretch has ended, so the whole run has been decided.
    private func voicedRun(containing index: Int) -> Int {
        let cap = options.minimumVoicedRun
        var n = 1, j = index - 1
        while n < cap && j >= decidedBase && decided[j - decidedBase] > 0 { n += 1; j -= 1 }
        j = index + 1
        while n < cap && j < decidedBase + decided.count && decided[j - decidedBase] > 0 { n += 1; j += 1 }
        return n
    }

    /// `f0`, or 0 when the 60 ms Gaussian-windowed frame's RMS is below the voicing energy floor. Leaves the
    /// windowed frame in the long FFT's input.
    private func gatedByEnergy(_ f0: Double, centre: Int) -> Double {
        let input = longFFT.input.baseAddress!
        tracker.history.copy(from: centre - longLength / 2, count: longLength, into: input)
        var energy: Float = 0
        for i in 0..<longLength {
            input[i] *= gauss[i]
            energy += input[i] * input[i]
        }
        return (energy / Float(longLength)).squareRoot() < options.voicingEnergyFloor ? 0 : f0
    }

    private func spectralDescriptors(centre: Int, into out: UnsafeMutablePointer<Float>) {
        let input = shortFFT.input.baseAddress!
        tracker.history.copy(from: centre - shortLength / 2, count: shortLength, into: input)
        var energy: Float = 0
        for i in 0..<shortLength {
            energy += input[i] * input[i]
            input[i] *= hamming[i]
        }
        out[Self.rawColumns.count + 1] = energy / Float(shortLength)
        shortFFT.transform()
        shortFFT.powerSpectrum(into: shortPower)
        filterbank.apply(shortPower, into: mel)
        var loudness: Float = 0
        for b in 0..<options.melBands {
            loudness += powf(bandWeights[b] * mel[b], Float(options.loudnessCompression))
            mel[b] = logf(max(mel[b], 1e-10))
        }
        out[Self.raw.loudness] = loudness
        balance.compute(power: shortPower, into: out + Self.raw.spectral)
        dct.apply(mel, into: cepstrum)
        lifter.apply(cepstrum)
        for c in 1...4 { out[Self.raw.mfcc + c - 1] = cepstrum[c] }
    }

    /// Formants, harmonic differences, formant amplitudes and HNR of a voiced frame. Expects the short power
    /// spectrum and the windowed long frame from the same frame.
    private func harmonicDescriptors(f0: Double, into out: UnsafeMutablePointer<Float>) {
        let r = Self.raw
        formants(into: out + r.formants)
        longFFT.transform()
        longFFT.powerSpectrum(into: longPower)
        let bins = longFFT.binCount
        for k in 0..<bins { longMagnitude[k] = longPower[k].squareRoot() }
        out[r.hnr] = harmonics.harmonicsToNoise(power: longPower, period: sampleRate / f0)
        let h0 = harmonics.harmonic(1, f0: f0, magnitude: longMagnitude)
        let h1 = harmonics.harmonic(2, f0: f0, magnitude: longMagnitude)
        func ratio(_ a: Float, _ b: Float) -> Float { a > 0 && b > 0 ? 20 * log10f(a / b) : 0 }
        out[r.h1h2] = ratio(h1, harmonics.harmonic(3, f0: f0, magnitude: longMagnitude))
        let a3 = harmonics.strongestHarmonic(near: Double(out[r.formants + 6]), f0: f0, magnitude: longMagnitude)
        out[r.h1a3] = ratio(h1, a3)
        for n in 0..<3 {
            let a = harmonics.strongestHarmonic(near: Double(out[r.formants + 3 * n]), f0: f0, magnitude: longMagnitude)
            out[r.formants + 3 * n + 2] = ratio(a, h0)
        }
    }

    /// F1–F3 (Hz) and bandwidths, written as (F, B, amplitude slot) triples; 0 when not found.
    private func formants(into out: UnsafeMutablePointer<Float>) {
        let order = options.formantOrder
        let acf = lpcWork, a = lpcWork + (order + 1)
        // Each lane sums its lag over the bins in ascending order, as a loop per lag would.
        let groups = lagGroups
        for g in 0..<groups { lagSums[g] = .zero }
        for k in 0...formantBins {
            let p = SIMD4<Double>(repeating: Double(shortPower[k]))
            let row = formantCosines + k * groups
            for g in 0..<groups { lagSums[g] = lagSums[g] + p * row[g] }
        }
        for m in 0...order { acf[m] = lagSums[m / 4][m % 4] }
        var found: (Float, Float, Float, Float, Float, Float) = (0, 0, 0, 0, 0, 0)
        if LinearPrediction.levinson(acf, order: order, coefficients: a) {
            // Consecutive voiced frames have similar predictors: start from the last frame's roots.
            LinearPrediction.roots(monic: a, degree: order, polish: false, warmStart: true, into: roots)
            withUnsafeMutableBytes(of: &found) { raw in
                LinearPrediction.resonances(roots, count: order, sampleRate: 2 * Double(formantBins) * sampleRate / Double(shortFFT.size),
                                            lowHz: 50, highHz: 5450, keep: 3,
                                            into: raw.baseAddress!.assumingMemoryBound(to: Float.self))
            }
        }
        out[0] = found.0; out[1] = found.1
        out[3] = found.2; out[4] = found.3
        out[6] = found.4; out[7] = found.5
    }
}
