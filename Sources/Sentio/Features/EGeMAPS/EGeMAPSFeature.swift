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
    /// First FFT bin the mel bands use. Default 2: openSMILE leaves out the bins up to the one nearest 20 Hz
    /// (bin 1 at 31.25 Hz, 512-point FFT at 16 kHz), though bin 1 lies inside the first triangle.
    public var melFirstBin = 2
    /// Mel energies are floored here (full scale 1) before loudness weighting and before the MFCC logarithm.
    /// Default 9.3e-10 ≈ 1 / 32767², openSMILE's floor (one int16 step, squared).
    public var melFloor: Float = 9.3e-10
    /// Exponent of the intensity-to-loudness power law (Stevens; PLP's cube-root compression). Default 0.33.
    public var loudnessCompression = 0.33
    /// Linear-prediction order of the formant analysis, at `formantRate`. Default 11.
    public var formantOrder = 11
    /// Rate the 20 ms frame is resampled to before the formant analysis, in Hz (openSMILE keeps its spectrum
    /// below 3.4 kHz, a third of it). Default 11000.
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

    /// Rows by which openSMILE's voice descriptors lead its spectral ones: its 60 ms and 20 ms frames start
    /// together, so their centres are (60 − 20) / 2 = 20 ms apart, 2 rows at a 10 ms `hop` (in samples).
    func voiceLead(hop: Int, sampleRate: Double) -> Int {
        Int((((harmonicFrame - spectralFrame) / 2) * sampleRate / Double(hop)).rounded())
    }
}

/// The eGeMAPSv02 low-level descriptors (see ``EGeMAPS``), framed as openSMILE frames them: row t's 20 ms
/// spectral frame starts at sample t · hop, and its 60 ms voice frame starts with it (so the voice descriptors
/// of raw row r describe the point 20 ms after its spectral frame's centre; ``EGeMAPSSmoothing`` takes them
/// from 2 rows later, as openSMILE's rows pair them). docs/opensmile-egemaps/ has openSMILE's definitions.
///
/// Per frame it computes, from the 20 ms Hamming frame (512-point FFT at 16 kHz): loudness (26 mel bands of the
/// power spectrum, each weighted by openSMILE's equal-loudness curve at its centre and raised to 0.33,
/// averaged), ``SpectralBalance`` (alpha ratio, Hammarberg index, 0–500 and 500–1500 Hz slopes, flux),
/// MFCC 1–4 (HTK: log of the 26 mel energies, orthonormal DCT-II, lifter 22) and the frame energy for the
/// equivalent sound level — all as openSMILE's cMelspec, cPlp, cSpectral and cMfcc do, to float precision.
/// From the pitch track: F0 in semitones re 27.5 Hz (`12 log2(F0 / 27.5)`, 0 when unvoiced); jitter and
/// shimmer from glottal pulses (Praat's definitions, see ``VoiceOptions``); over voiced frames, openSMILE's
/// F1–F3 and bandwidths (``formants(start:into:)``) and ``HarmonicAnalysis`` on the 60 ms Gaussian frame.
///
/// Deliberate differences from openSMILE: F0 comes from Sentio's Praat-style tracker, not subharmonic
/// summation; jitter and shimmer follow Praat; formants are computed in voiced frames only (openSMILE's
/// functionals read only those too).
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
    private let hop: Int
    private var decided: [Double] = []  // F0 (Hz) of frames decided but not yet written, from `decidedBase`
    private var decidedBase = 0
    /// Samples before the oldest frame not yet written that must stay in the tracker's history, plus a hop:
    /// writing a frame reads the 60 ms frame around its centre and the 20 ms frames starting at
    /// ``frameStart(_:)`` of it and of the frame ``formantLead`` rows earlier.
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
    private let resampler: RealInverseFFT
    private let resampledBins: Int, resampledLength: Int
    private let formantLead: Int
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
        hop = frame.hop
        self.tracker = tracker
        shortLength = Int((options.spectralFrame * sampleRate).rounded())
        longLength = Int((options.harmonicFrame * sampleRate).rounded())
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
        filterbank = MelFilterbank(options: melOptions, fftSize: shortSize, sampleRate: sampleRate,
                                   firstBin: options.melFirstBin)
        // Equal-loudness weight of each band at its centre frequency (ω in rad/s): Hermansky's (1990, eq. 4)
        // curve with openSMILE's high-frequency term 1e32 / (ω⁷ + 1.7e31), which also scales it by 5.88.
        let low = MelScale.htk.mel(20), high = MelScale.htk.mel(min(8000, sampleRate / 2))
        bandWeights = (1...options.melBands).map { b in
            let f = MelScale.htk.hertz(low + (high - low) * Double(b) / Double(options.melBands + 1))
            let w = 2 * Double.pi * f, w2 = w * w
            return Float(1e32 * (w2 + 56.8e6) * w2 * w2 / (pow(w2 + 6.3e6, 2) * (w2 + 0.38e9) * (w2 * w2 * w2 * w + 1.7e31)))
        }
        mel = .allocate(capacity: options.melBands)
        cepstrum = .allocate(capacity: 5)
        dct = DCT(inputCount: options.melBands, outputCount: 5)
        lifter = CepstralLifter(q: 22, count: 5)
        balance = SpectralBalance(fftSize: shortSize, sampleRate: sampleRate)
        harmonics = HarmonicAnalysis(fftSize: longSize, sampleRate: sampleRate)
        // openSMILE's cSpecResample: the padded 20 ms frame's spectrum, read as a signal at `formantRate` whose
        // period is `shortSize · formantRate / sampleRate` samples (352), keeping the first `resampledLength`
        // (220, the frame's 20 ms) and the bins below half of that count (1…109, up to 3.4 kHz).
        let period = Int((Double(shortSize) * min(options.formantRate, sampleRate) / sampleRate).rounded())
        resampledLength = Int((Double(period) * Double(shortLength) / Double(shortSize)).rounded())
        resampledBins = resampledLength / 2
        resampler = RealInverseFFT(size: period)
        formantLead = options.voiceLead(hop: frame.hop, sampleRate: sampleRate)
        requiredMargin = max(longLength / 2, tracker.centre(0) + formantLead * frame.hop) + frame.hop
        lpcWork = .allocate(capacity: 2 * (options.formantOrder + 1))
        roots = .allocate(capacity: options.formantOrder)
        roots.initialize(repeating: (0, 0), count: options.formantOrder)
    }

    deinit {
        for p in [shortPower, longMagnitude, longPower, mel, cepstrum] { p.deallocate() }
        balance.deallocate()
        lpcWork.deallocate()
        roots.deallocate()
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
        spectralDescriptors(start: frameStart(index), into: out)
        let r = Self.raw
        if f0 > 0 {
            out[r.f0] = Float(12 * log2(f0 / 27.5))
            out[r.jitter] = perturbationValues[0]
            out[r.shimmer] = perturbationValues[1]
            harmonicDescriptors(index: index, f0: f0, into: out)
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

    /// First sample of row `index`'s 20 ms frame: openSMILE's frames start at multiples of the hop, left-
    /// aligned, rather than being centred on the extraction's frame centre.
    private func frameStart(_ index: Int) -> Int { index * hop }

    /// The descriptors of the 20 ms frame starting at sample `start`.
    private func spectralDescriptors(start: Int, into out: UnsafeMutablePointer<Float>) {
        let input = shortFFT.input.baseAddress!
        tracker.history.copy(from: start, count: shortLength, into: input)
        var energy: Float = 0
        for i in 0..<shortLength {
            energy += input[i] * input[i]
            input[i] *= hamming[i]
        }
        out[Self.rawColumns.count + 1] = energy / Float(shortLength)
        // The formant analysis pads its frame on both sides in the same buffer: clear the tail it leaves.
        for i in shortLength..<shortFFT.size { input[i] = 0 }
        shortFFT.transform()
        shortFFT.powerSpectrum(into: shortPower)
        filterbank.apply(shortPower, into: mel)
        // Loudness is the mean of the bands' compressed, weighted energies (openSMILE's `ll1` over 26 bands).
        var loudness: Float = 0
        for b in 0..<options.melBands {
            let energy = max(mel[b], options.melFloor)
            loudness += powf(bandWeights[b] * energy, Float(options.loudnessCompression))
            mel[b] = logf(energy)
        }
        out[Self.raw.loudness] = loudness / Float(options.melBands)
        balance.compute(power: shortPower, into: out + Self.raw.spectral)
        dct.apply(mel, into: cepstrum)
        lifter.apply(cepstrum)
        for c in 1...4 { out[Self.raw.mfcc + c - 1] = cepstrum[c] }
    }

    /// Formants, harmonic differences, formant amplitudes and HNR of a voiced frame `index`. Expects the
    /// windowed long frame in the long FFT's input.
    private func harmonicDescriptors(index: Int, f0: Double, into out: UnsafeMutablePointer<Float>) {
        let r = Self.raw
        // The voice frame starts with the 20 ms frame `formantLead` rows earlier: openSMILE's formants of a row
        // come from that frame.
        formants(start: frameStart(index - formantLead), into: out + r.formants)
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

    /// F1–F3 (Hz) and bandwidths of the 20 ms frame starting at sample `start`, written as (F, B, amplitude
    /// slot) triples; 0 when not found. openSMILE's procedure (docs/opensmile-egemaps/formants.md): the
    /// Hamming-windowed frame zero-padded on both sides to the FFT size, resampled to 11 kHz from its bins
    /// below 3.4 kHz (DC not halved), autocorrelation LPC of order 11 on the 220 samples, and the roots of
    /// z¹¹ − a₁z¹⁰ − … − a₁₁, i.e. where A(z) = 2 rather than the poles of 1/A(z): openSMILE's formant
    /// frequencies and bandwidths, which published eGeMAPS values are, not the vocal-tract resonances (the
    /// `voice` set reports those).
    private func formants(start: Int, into out: UnsafeMutablePointer<Float>) {
        let input = shortFFT.input.baseAddress!, size = shortFFT.size
        let pad = (size - shortLength) / 2
        for i in 0..<pad { input[i] = 0 }
        tracker.history.copy(from: start, count: shortLength, into: input + pad)
        for i in 0..<shortLength { input[pad + i] *= hamming[i] }
        for i in (pad + shortLength)..<size { input[i] = 0 }
        shortFFT.transform()
        // y[i] = (X₀ + Σₖ Re Xₖ cos(2πki/P) − Im Xₖ sin(2πki/P)) / (size / 2): an unnormalised inverse of period
        // P with bin 0 doubled (the inverse counts the others twice) gives twice the sum.
        let bins = resampler.bins
        let dc = shortFFT.bin(0)
        bins[0] = 2 * dc.0
        bins[1] = 0
        for k in 1..<resampledBins {
            let (re, im) = shortFFT.bin(k)
            bins[2 * k] = re
            bins[2 * k + 1] = im
        }
        for k in resampledBins...(resampler.size / 2) { bins[2 * k] = 0; bins[2 * k + 1] = 0 }
        resampler.transform()
        let y = resampler.output.baseAddress!, scale = 1 / Float(size)
        for i in 0..<resampledLength { y[i] *= scale }

        let order = options.formantOrder
        let acf = lpcWork, a = lpcWork + (order + 1)
        for lag in 0...order {
            var sum = 0.0
            for i in lag..<resampledLength { sum += Double(y[i]) * Double(y[i - lag]) }
            acf[lag] = sum
        }
        var found: (Float, Float, Float, Float, Float, Float) = (0, 0, 0, 0, 0, 0)
        if LinearPrediction.levinson(acf, order: order, coefficients: a) {
            for k in 0..<order { a[k] = -a[k] }
            // Consecutive voiced frames have similar polynomials: start from the last frame's roots.
            LinearPrediction.roots(monic: a, degree: order, polish: false, warmStart: true, into: roots)
            withUnsafeMutableBytes(of: &found) { raw in
                LinearPrediction.resonances(roots, count: order, sampleRate: min(options.formantRate, sampleRate),
                                            lowHz: 50, highHz: 5450, keep: 3,
                                            into: raw.baseAddress!.assumingMemoryBound(to: Float.self))
            }
        }
        out[0] = found.0; out[1] = found.1
        out[3] = found.2; out[4] = found.3
        out[6] = found.4; out[7] = found.5
    }
}
