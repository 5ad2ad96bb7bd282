#if canImport(Glibc)
import Glibc
#endif

/// The eGeMAPSv02 low-level descriptors (see ``EGeMAPS``), framed as openSMILE frames them: row t's 20 ms
/// spectral frame and its 60 ms voice frame both start at sample t · hop. docs/opensmile-egemaps/ has
/// openSMILE's definitions, which this follows step by step.
///
/// Per row it computes, from the 20 ms Hamming frame (512-point FFT at 16 kHz): loudness (26 mel bands of the
/// power spectrum, each weighted by openSMILE's equal-loudness curve at its centre and raised to 0.33,
/// averaged), ``SpectralBalance`` (alpha ratio, Hammarberg index, 0–500 and 500–1500 Hz slopes, flux),
/// MFCC 1–4 (HTK: log of the 26 mel energies, orthonormal DCT-II, lifter 22) and the frame energy for the
/// equivalent sound level — all as openSMILE's cMelspec, cPlp, cSpectral and cMfcc do, to float precision.
///
/// The voice source comes from the 60 ms Gaussian-windowed (σ = 0.4) frame, as openSMILE's: F0 candidates by
/// ``SubharmonicSummation``, the path by ``PitchViterbiSmoother``, frames whose windowed RMS is at most
/// ``EGeMAPSOptions/voicingEnergyFloor`` unvoiced; F0 in semitones re 27.5 Hz (`12 log2(F0 / 27.5)`, 0 when
/// unvoiced); jitter and shimmer by ``PeriodPerturbation``; over voiced frames, openSMILE's F1–F3 and
/// bandwidths (``formants(into:)``), HNR, harmonic differences and formant amplitudes
/// (``HarmonicAnalysis``). This is its own voice analysis, independent of the `pitch` and `voice` sets
/// (Praat's algorithms), so that eGeMAPS values compare with published ones.
///
/// Raw values are written to internal columns; ``EGeMAPSSmoothing`` produces the `sma3`/`sma3nz` columns.
final class EGeMAPSFeature: StreamFeature {
    /// Internal column: the unsmoothed F0 in semitones, non-zero exactly in voiced frames.
    static let voicingColumn = "_egemaps_F0raw"
    /// Internal column: the mean square of the unwindowed 20 ms frame (full scale 1), for the equivalent sound level.
    static let energyColumn = "_egemaps_energy"
    /// Internal column: 1 in the rows that have openSMILE's voice descriptors, 0 in the grid's rows after them
    /// (see ``EGeMAPSOptions/openSMILEVoiceRows``); the voice functionals read only the rows marked 1.
    static let rowColumn = "_egemaps_row"
    /// Unsmoothed descriptors, in ``EGeMAPS/lowLevelDescriptors`` order.
    static let rawColumns = (EGeMAPS.energyDescriptors + EGeMAPS.voiceDescriptors).map { "_egemaps_raw_" + $0 }
    /// Every column this feature writes: the raw descriptors, F0 (voicing), the energy and the row mark.
    static let columns = rawColumns + [voicingColumn, energyColumn, rowColumn]
    /// Positions of the last three in ``columns``.
    static let voicingIndex = rawColumns.count, energyIndex = rawColumns.count + 1, rowIndex = rawColumns.count + 2
    private static let raw = (loudness: 0, spectral: 1, mfcc: 6, f0: 10, jitter: 11, shimmer: 12, hnr: 13,
                              h1h2: 14, h1a3: 15, formants: 16)

    let options: EGeMAPSOptions
    private let offset: Int
    private let sampleRate: Double
    private let frame: FrameOptions
    private let hop: Int
    /// Frames kept from analysis to writing: more than the smoother's 40-frame decision delay plus the rows
    /// the grid's frame length keeps waiting.
    private let ring: Int
    private let history = SampleHistory()
    private(set) var framesCompleted = 0
    private var samplesSeen = 0
    private var voiceFrames = 0      // 60 ms frames analysed
    private var pitchedFrames = 0    // frames whose F0 candidates are known (a batch behind `voiceFrames`)
    private var decidedFrames = 0    // frames whose F0, jitter and shimmer are known
    private var written = 0          // rows written

    private let shortLength: Int, longLength: Int
    private let shortFFT: RealFFT, longFFT: RealFFT
    private let hamming: [Float], gauss: [Float]
    private let shortPower: UnsafeMutablePointer<Float>
    private let longPower: UnsafeMutablePointer<Float>
    private let filterbank: MelFilterbank
    private let bandWeights: [Float]
    private let mel: UnsafeMutablePointer<Float>, cepstrum: UnsafeMutablePointer<Float>
    private let dct: DCT
    private let lifter: CepstralLifter
    private var balance: SpectralBalance
    private let shs: SubharmonicSummation
    private let smoother: PitchViterbiSmoother
    private let perturbation: PeriodPerturbation
    private let harmonics: HarmonicAnalysis
    private let resampler: RealInverseFFT
    private let resampledBins: Int, resampledLength: Int
    private let lpcWork: UnsafeMutablePointer<Double>
    private let lpcSamples: UnsafeMutablePointer<Double>, lpcSums: UnsafeMutablePointer<Double>  // autocorrelation()
    private let roots: UnsafeMutablePointer<(Double, Double)>
    private let shift: [(Float, Float)]  // (cos, sin) of the centring phase, by bin
    // The 20 ms frames' energies (sums of squares) of rows energyStart ..< energyStart + energyCount, found
    // eight rows at a time from the samples in `energySamples`.
    private let energies: UnsafeMutablePointer<Float>, energySamples: UnsafeMutablePointer<Float>
    private var energyStart = 0, energyCount = 0
    // Per frame, by frame index modulo `ring`: the candidates (frequency, voicing) and the RMS gate until
    // decided, then F0 (Hz), jitter and shimmer until written.
    private let candidateFrequency: UnsafeMutablePointer<Float>, candidateVoicing: UnsafeMutablePointer<Float>
    private let voiced: UnsafeMutablePointer<Bool>
    private let magnitudes: UnsafeMutablePointer<Float>  // the 60 ms frames' spectra, for the harmonics
    private let decided: UnsafeMutablePointer<(f0: Float, jitter: Float, shimmer: Float)>

    /// - Parameters:
    ///   - sampleRate: rate of the samples in Hz.
    ///   - frame: the extraction's grid; row t describes the frames starting at sample t · `frame.hop`.
    ///   - offset: column of the first raw descriptor in the rows written.
    init(options: EGeMAPSOptions, sampleRate: Double, frame: FrameOptions, offset: Int) {
        self.options = options
        self.offset = offset
        self.sampleRate = sampleRate
        self.frame = frame
        hop = frame.hop
        shortLength = Int((options.spectralFrame * sampleRate).rounded())
        longLength = Int((options.harmonicFrame * sampleRate).rounded())
        let shortSize = nextPowerOfTwo(shortLength), longSize = nextPowerOfTwo(longLength)
        shortFFT = RealFFT(size: shortSize)
        longFFT = RealFFT(size: longSize)
        hamming = WindowFunction.hamming(periodic: false).coefficients(length: shortLength)
        let half = Double(longLength - 1) / 2
        gauss = (0..<longLength).map { Float(exp(-0.5 * pow((Double($0) - half) / (0.4 * half), 2))) }
        shortPower = .allocate(capacity: shortSize / 2 + 1)
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
        shs = SubharmonicSummation(fftSize: longSize, sampleRate: sampleRate, range: options.pitchRange)
        smoother = PitchViterbiSmoother(threshold: options.voicingThreshold)
        perturbation = PeriodPerturbation(frameLength: longLength, hop: hop, sampleRate: sampleRate)
        harmonics = HarmonicAnalysis(fftSize: longSize, sampleRate: sampleRate)
        // openSMILE's cSpecResample: the padded 20 ms frame's spectrum, read as a signal at `formantRate` whose
        // period is `shortSize · formantRate / sampleRate` samples (352), keeping the first `resampledLength`
        // (220, the frame's 20 ms) and the bins below half of that count (1…109, up to 3.4 kHz).
        let period = Int((Double(shortSize) * min(options.formantRate, sampleRate) / sampleRate).rounded())
        resampledLength = Int((Double(period) * Double(shortLength) / Double(shortSize)).rounded())
        resampledBins = resampledLength / 2
        resampler = RealInverseFFT(size: period)
        lpcWork = .allocate(capacity: 2 * (options.formantOrder + 1))
        lpcSamples = .allocate(capacity: 2 * resampledLength)
        lpcSums = .allocate(capacity: 4 * ((options.formantOrder + 4) / 4))
        roots = .allocate(capacity: options.formantOrder)
        roots.initialize(repeating: (0, 0), count: options.formantOrder)
        let padding = Double((shortSize - shortLength) / 2)
        shift = (0..<resampledBins).map { k in
            let a = -2 * Double.pi * Double(k) * padding / Double(shortSize)
            return (Float(cos(a)), Float(sin(a)))
        }
        energies = .allocate(capacity: 8)
        energySamples = .allocate(capacity: 7 * hop + shortLength)
        ring = 64 + frame.frameLength / hop
        let m = SubharmonicSummation.candidateCount
        candidateFrequency = .allocate(capacity: ring * m)
        candidateVoicing = .allocate(capacity: ring * m)
        voiced = .allocate(capacity: ring)
        magnitudes = .allocate(capacity: ring * longFFT.binCount)
        decided = .allocate(capacity: ring)
    }

    deinit {
        for p in [shortPower, longPower, mel, cepstrum, candidateFrequency, candidateVoicing, magnitudes] {
            p.deallocate()
        }
        voiced.deallocate()
        decided.deallocate()
        energies.deallocate(); energySamples.deallocate()
        balance.deallocate()
        lpcWork.deallocate(); lpcSamples.deallocate(); lpcSums.deallocate()
        roots.deallocate()
    }

    func reset() {
        history.reset()
        balance.reset()
        smoother.reset()
        perturbation.reset()
        roots.update(repeating: (0, 0), count: options.formantOrder)  // results must not depend on the previous file
        framesCompleted = 0
        samplesSeen = 0
        voiceFrames = 0
        pitchedFrames = 0
        energyStart = 0
        energyCount = 0
        decidedFrames = 0
        written = 0
    }

    func push(_ chunk: UnsafeBufferPointer<Float>, row: (Int) -> UnsafeMutablePointer<Float>) {
        history.append(chunk)
        samplesSeen += chunk.count
        let rowsKnown = frame.frameCount(sampleCount: samplesSeen)
        while voiceFrames * hop + longLength <= samplesSeen {
            analyseVoiceFrame()
            write(upTo: rowsKnown, final: false, row: row)
        }
        // Keep what the rows still to write and the period search read.
        history.discard(before: min(written * hop, perturbation.oldestSampleNeeded))
    }

    func finish(frameCount: Int, row: (Int) -> UnsafeMutablePointer<Float>) {
        findCandidates()
        smoother.finish(decided: decide)
        write(upTo: frameCount, final: true, row: row)
    }

    /// The spectrum of the next 60 ms frame; a full batch of them goes on to ``findCandidates()``.
    private func analyseVoiceFrame() {
        let t = voiceFrames, slot = t % ring
        let energy = windowedLongFrame(start: t * hop)
        voiced[slot] = (energy / Float(longLength)).squareRoot() > options.voicingEnergyFloor
        longFFT.transform()
        longFFT.magnitudeSpectrum(into: magnitudes + slot * longFFT.binCount)
        voiceFrames += 1
        if voiceFrames - pitchedFrames == SubharmonicSummation.batchSize { findCandidates() }
    }

    /// F0 candidates of the frames analysed since the last call, passed to the path search in order.
    private func findCandidates() {
        let first = pitchedFrames, frames = voiceFrames - first, m = SubharmonicSummation.candidateCount
        guard frames > 0 else { return }
        let bins = longFFT.binCount
        shs.candidates(frames: frames, magnitude: { UnsafePointer(self.magnitudes + ((first + $0) % self.ring) * bins) },
                       frequency: { self.candidateFrequency + ((first + $0) % self.ring) * m },
                       voicing: { self.candidateVoicing + ((first + $0) % self.ring) * m })
        for t in first..<voiceFrames {
            let slot = t % ring
            smoother.add(frequency: candidateFrequency + slot * m, voicing: candidateVoicing + slot * m, decided: decide)
        }
        pitchedFrames = voiceFrames
    }

    /// Frame `index` is decided on path state `state`: its F0 (0 when unvoiced or below the energy floor),
    /// jitter and shimmer.
    private func decide(_ index: Int, _ state: Int) {
        let slot = index % ring
        let f0 = state < PitchViterbiSmoother.unvoiced && voiced[slot]
            ? candidateFrequency[slot * SubharmonicSummation.candidateCount + state] : 0
        let (jitter, shimmer) = perturbation.measure(frame: index, f0: f0, samples: history)
        decided[slot] = (f0, jitter, shimmer)
        decidedFrames = index + 1
    }

    /// Writes the rows before `end` that are decided or, when `final` (the stream has ended), all of them: rows
    /// without a complete 60 ms frame are unvoiced. Until the end, a row also waits for the next 60 ms frame:
    /// whether it is one of openSMILE's voice rows (``rowColumn``) is known only then.
    private func write(upTo end: Int, final: Bool, row: (Int) -> UnsafeMutablePointer<Float>) {
        while written < end && (final || (written < decidedFrames && written + 1 < voiceFrames)) {
            let index = written
            let voice = index < decidedFrames ? decided[index % ring] : (f0: 0, jitter: 0, shimmer: 0)
            writeRow(index, voice, final: final, into: row(index) + offset)
            written += 1
        }
        framesCompleted = written
    }

    /// Computes and writes row `index`'s descriptors, given its decided voice values.
    private func writeRow(_ index: Int, _ voice: (f0: Float, jitter: Float, shimmer: Float), final: Bool,
                          into out: UnsafeMutablePointer<Float>) {
        let r = Self.raw
        if !(energyStart..<(energyStart + energyCount)).contains(index) { findEnergies(from: index, final: final) }
        out[Self.energyIndex] = energies[index - energyStart] / Float(shortLength)
        out[Self.rowIndex] = !options.openSMILEVoiceRows || index + 1 < voiceFrames ? 1 : 0
        spectralDescriptors(start: index * hop, into: out)
        if voice.f0 > 0 {
            out[r.f0] = 12 * logf(voice.f0 / 27.5) / logf(2)
            out[r.jitter] = voice.jitter
            out[r.shimmer] = voice.shimmer
            harmonicDescriptors(f0: voice.f0, magnitude: magnitudes + (index % ring) * longFFT.binCount, into: out)
        } else {
            for c in r.f0..<Self.rawColumns.count { out[c] = 0 }
            for n in 0..<3 { out[r.formants + 3 * n + 2] = options.unvoicedAmplitude }
        }
        out[Self.voicingIndex] = out[r.f0]
    }

    /// Copies the 60 ms frame starting at sample `start` into the long FFT's input under the Gaussian window
    /// (zero-padded to the FFT size); returns its energy (sum of squares).
    private func windowedLongFrame(start: Int) -> Float {
        let input = longFFT.input.baseAddress!
        history.copy(from: start, count: longLength, into: input)
        gauss.withUnsafeBufferPointer { w in
            for i in 0..<longLength { input[i] *= w[i] }
        }
        for i in longLength..<longFFT.size { input[i] = 0 }
        return VectorMath.dot(input, input, longLength)
    }

    /// The 20 ms frames' energies of rows `index ..< index + 8`, or of as many as the samples seen cover when
    /// the stream goes on (at least row `index`, which is decided): each the sum of squares in ascending order,
    /// one row to a lane, instead of one latency-bound chain of 320 additions per row.
    private func findEnergies(from index: Int, final: Bool) {
        let lanes = final ? 8 : max(1, min(8, (samplesSeen - shortLength) / hop - index + 1))
        let x = energySamples
        history.copy(from: index * hop, count: 7 * hop + shortLength, into: x)
        let h = hop
        var sum = SIMD8<Float>()
        for i in 0..<shortLength {
            let v = SIMD8<Float>(x[i], x[i + h], x[i + 2 * h], x[i + 3 * h],
                                 x[i + 4 * h], x[i + 5 * h], x[i + 6 * h], x[i + 7 * h])
            sum = sum + v * v
        }
        UnsafeMutableRawPointer(energies).storeBytes(of: sum, as: SIMD8<Float>.self)
        energyStart = index
        energyCount = lanes
    }

    /// The descriptors of the 20 ms frame starting at sample `start`, but for its energy.
    private func spectralDescriptors(start: Int, into out: UnsafeMutablePointer<Float>) {
        let input = shortFFT.input.baseAddress!
        history.copy(from: start, count: shortLength, into: input)
        hamming.withUnsafeBufferPointer { w in
            for i in 0..<shortLength { input[i] *= w[i] }
        }
        for i in shortLength..<shortFFT.size { input[i] = 0 }  // zero padding
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

    /// Formants, HNR, harmonic differences and formant amplitudes of the voiced row whose 20 ms frame
    /// ``spectralDescriptors(start:into:)`` has just analysed and whose 60 ms frame's magnitude spectrum is
    /// `magnitude`.
    private func harmonicDescriptors(f0: Float, magnitude: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let r = Self.raw
        formants(into: out + r.formants)
        for k in 0..<longFFT.binCount { longPower[k] = magnitude[k] * magnitude[k] }
        out[r.hnr] = harmonics.harmonicsToNoise(power: longPower, f0: f0)
        let highest = max(out[r.formants], out[r.formants + 3], out[r.formants + 6])
        harmonics.analyse(magnitude: magnitude, f0: f0, limit: Float(1.2) * highest)
        out[r.h1h2] = harmonics.difference(1, 2)
        out[r.h1a3] = harmonics.difference(1, harmonics.strongest(near: out[r.formants + 6]))
        for n in 0..<3 { out[r.formants + 3 * n + 2] = harmonics.formantAmplitude(out[r.formants + 3 * n]) }
    }

    /// F1–F3 (Hz) and bandwidths of the row's 20 ms frame, written as (F, B, amplitude slot) triples; 0 when
    /// not found. Reads the frame's spectrum that ``spectralDescriptors(start:into:)`` has just computed for
    /// the same row. openSMILE's procedure (docs/opensmile-egemaps/formants.md): the Hamming-windowed frame
    /// zero-padded on both sides to the FFT size (here: the spectral frame's spectrum, whose padding is all
    /// after the frame, times the phase of a shift by half the padding), resampled to 11 kHz from its bins
    /// below 3.4 kHz (DC not halved), autocorrelation LPC of order 11 on the 220 samples, and the roots of
    /// z¹¹ − a₁z¹⁰ − … − a₁₁, i.e. where A(z) = 2 rather than the poles of 1/A(z): openSMILE's formant
    /// frequencies and bandwidths, which published eGeMAPS values are, not the vocal-tract resonances (the
    /// `voice` set reports those).
    private func formants(into out: UnsafeMutablePointer<Float>) {
        let size = shortFFT.size
        // y[i] = (X₀ + Σₖ Re Xₖ cos(2πki/P) − Im Xₖ sin(2πki/P)) / (size / 2): an unnormalised inverse of period
        // P with bin 0 doubled (the inverse counts the others twice) gives twice the sum.
        let bins = resampler.bins
        // Centring the frame in the padding delays it by `pad` samples: bin k turns by −2πk·pad/size.
        let dc = shortFFT.bin(0)
        bins[0] = 2 * dc.0
        bins[1] = 0
        for k in 1..<resampledBins {
            let (re, im) = shortFFT.bin(k)
            let (c, s) = shift[k]
            bins[2 * k] = re * c - im * s
            bins[2 * k + 1] = re * s + im * c
        }
        for k in resampledBins...(resampler.size / 2) { bins[2 * k] = 0; bins[2 * k + 1] = 0 }
        resampler.transform()
        let y = resampler.output.baseAddress!, scale = 1 / Float(size)
        for i in 0..<resampledLength { y[i] *= scale }

        let order = options.formantOrder
        let acf = lpcWork, a = lpcWork + (order + 1)
        autocorrelation(y, into: acf)
        var found: (Float, Float, Float, Float, Float, Float) = (0, 0, 0, 0, 0, 0)
        if LinearPrediction.levinson(acf, order: order, coefficients: a) {
            for k in 0..<order { a[k] = -a[k] }
            // Consecutive voiced frames have similar polynomials: refine the last frame's roots, or find them
            // from scratch after a reset or where the refinement does not settle.
            if !LinearPrediction.refineRoots(monic: a, degree: order, roots) {
                LinearPrediction.roots(monic: a, degree: order, polish: false, warmStart: true, into: roots)
            }
            withUnsafeMutableBytes(of: &found) { raw in
                LinearPrediction.resonances(roots, count: order, sampleRate: min(options.formantRate, sampleRate),
                                            lowHz: options.formantRange.lowerBound,
                                            highHz: options.formantRange.upperBound, keep: 3,
                                            into: raw.baseAddress!.assumingMemoryBound(to: Float.self))
            }
        }
        out[0] = found.0; out[1] = found.1
        out[3] = found.2; out[4] = found.3
        out[6] = found.4; out[7] = found.5
    }

    /// `acf[lag] = Σ_{i ≥ lag} y[i] y[i − lag]` (double) for lags 0…order of the `resampledLength` samples `y`,
    /// each sum taken in ascending i as the plain double loop takes it, so the values are that loop's; but
    /// the lags advance together, four to a vector, instead of one latency-bound chain of additions after
    /// another.
    private func autocorrelation(_ y: UnsafePointer<Float>, into acf: UnsafeMutablePointer<Double>) {
        let n = resampledLength, order = options.formantOrder, groups = (order + 4) / 4
        let forward = lpcSamples, reversed = lpcSamples + n, sums = lpcSums
        for i in 0..<n {
            forward[i] = Double(y[i])
            reversed[n - 1 - i] = forward[i]
        }
        sums.update(repeating: 0, count: 4 * groups)
        // While i < 4 · groups − 1 some lanes would reach before the first sample: lag by lag.
        let vectorStart = min(4 * groups - 1, n)
        for i in 0..<vectorStart {
            for lag in 0...min(order, i) { sums[lag] += forward[i] * forward[i - lag] }
        }
        // y[i − lag] for lags 4g … 4g + 3 lie in `reversed` from n − 1 − i + 4g upwards.
        func lagged(_ i: Int, _ g: Int) -> SIMD4<Double> {
            UnsafeRawPointer(reversed + (n - 1 - i + 4 * g)).loadUnaligned(as: SIMD4<Double>.self)
        }
        if groups == 3 {
            // eGeMAPS's order 11: the twelve sums stay in registers.
            var s0 = UnsafeRawPointer(sums).loadUnaligned(as: SIMD4<Double>.self)
            var s1 = UnsafeRawPointer(sums + 4).loadUnaligned(as: SIMD4<Double>.self)
            var s2 = UnsafeRawPointer(sums + 8).loadUnaligned(as: SIMD4<Double>.self)
            for i in vectorStart..<n {
                let current = SIMD4<Double>(repeating: forward[i])
                s0 = s0 + current * lagged(i, 0)
                s1 = s1 + current * lagged(i, 1)
                s2 = s2 + current * lagged(i, 2)
            }
            UnsafeMutableRawPointer(sums).storeBytes(of: s0, as: SIMD4<Double>.self)
            UnsafeMutableRawPointer(sums + 4).storeBytes(of: s1, as: SIMD4<Double>.self)
            UnsafeMutableRawPointer(sums + 8).storeBytes(of: s2, as: SIMD4<Double>.self)
        } else {
            for i in vectorStart..<n {
                let current = SIMD4<Double>(repeating: forward[i])
                for g in 0..<groups {
                    let total = UnsafeRawPointer(sums + 4 * g).loadUnaligned(as: SIMD4<Double>.self)
                    UnsafeMutableRawPointer(sums + 4 * g).storeBytes(of: total + current * lagged(i, g), as: SIMD4<Double>.self)
                }
            }
        }
        acf.update(from: sums, count: order + 1)
    }
}
