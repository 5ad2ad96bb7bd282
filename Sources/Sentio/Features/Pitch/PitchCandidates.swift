import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One frame's pitch hypotheses: voiced candidates (frequency, strength) plus the frame's loudness relative
/// to its surroundings, which sets the strength of the always-present unvoiced hypothesis.
struct PitchFrameCandidates {
    /// Number of voiced candidates in ``frequencies`` / ``strengths``.
    var count = 0
    /// Candidate F0s in Hz.
    var frequencies: UnsafeMutablePointer<Double>
    /// Window-corrected normalised autocorrelation at the candidate lag (Praat's "strength"), in [0, 1].
    var strengths: UnsafeMutablePointer<Double>
    /// Local absolute peak over the surrounding peak, in [0, 1] (Praat's frame "intensity").
    var intensity = 0.0

    /// Room for `capacity` voiced candidates; release with ``deallocate()``.
    init(capacity: Int) {
        frequencies = .allocate(capacity: capacity)
        strengths = .allocate(capacity: capacity)
    }

    func deallocate() {
        frequencies.deallocate()
        strengths.deallocate()
    }
}

/// Finds F0 candidates in one analysis window by Boersma's (1993) method: subtract the local mean, apply a
/// Hann window, take the autocorrelation (via FFT) and divide it by the window's own autocorrelation, then
/// keep the strongest local maxima, located by parabolic interpolation.
///
/// Praat refines each maximum further with sin(x)/x interpolation; parabolic interpolation at 16 kHz is
/// within 0.1 % in frequency for F0 below 600 Hz, far inside any pitch-error criterion, at a fraction of the cost.
final class AutocorrelationPitchAnalyzer {
    let options: PitchOptions
    let sampleRate: Double
    /// Window length in samples (even), Praat's `nsamp_window`.
    let windowLength: Int
    /// Samples in the longest period, Praat's `nsamp_period`; the local mean spans one on each side.
    let periodLength: Int
    /// Largest lag searched, in samples.
    let maximumLag: Int
    /// Samples needed on each side of the frame centre.
    var reach: Int { max(windowLength / 2, periodLength) }

    private let window: [Float]
    private let windowCorrelation: [Double]
    private let correlation: Autocorrelation
    private let span: UnsafeMutablePointer<Float>
    private let r: UnsafeMutablePointer<Double>

    init(options: PitchOptions, sampleRate: Double) {
        self.options = options
        self.sampleRate = sampleRate
        let half = Int((options.periodsPerWindow / options.floor * sampleRate).rounded(.down)) / 2 - 1
        precondition(half >= 2, "pitch window too short: raise the sample rate or lower the floor")
        let length = 2 * half
        windowLength = length
        periodLength = Int((sampleRate / options.floor).rounded(.down))
        let maxLag = min(length - 2, Int((Double(length) / options.periodsPerWindow).rounded(.down)) + 2)
        maximumLag = maxLag
        // Hann window as Praat defines it: zero one sample beyond each end.
        let w = (1...length).map { Float(0.5 - 0.5 * cos(Double($0) * 2 * .pi / Double(length + 1))) }
        window = w
        windowCorrelation = Self.windowCorrelation(window: w, lags: maxLag + 2)
        correlation = Autocorrelation(size: Self.fastSize(atLeast: length + maxLag + 2))
        span = .allocate(capacity: 2 * max(length / 2, periodLength) + 2)
        r = .allocate(capacity: maximumLag + 2)
    }

    deinit {
        span.deallocate()
        r.deallocate()
    }

    /// Normalised autocorrelation of the Hann window at lags `0 ..< lags`, computed once per window length
    /// and lag count in the process: the direct sum is `length x lags` multiply-adds (half a million for the
    /// HNR window), and every extractor (one per worker, plus those built only for column names) builds
    /// its analysers anew.
    private static func windowCorrelation(window w: [Float], lags: Int) -> [Double] {
        let key = WindowKey(length: w.count, lags: lags)
        if let known = correlationCache.withLock({ $0[key] }) { return known }
        var wr = [Double](repeating: 0, count: lags)
        for k in 0..<lags {
            var s = 0.0
            for n in 0..<(w.count - k) { s += Double(w[n]) * Double(w[n + k]) }
            wr[k] = s
        }
        let normalised = wr.map { $0 / wr[0] }
        correlationCache.withLock { $0[key] = normalised }
        return normalised
    }

    private struct WindowKey: Hashable { let length: Int, lags: Int }
    private static let correlationCache = Mutex<[WindowKey: [Double]]>([:])

    /// The smallest `2^a 3^b 5^c` at or above `n`: FFTW is fast at these sizes, and a size just above the
    /// frame plus the largest lag avoids computing correlations nobody reads.
    static func fastSize(atLeast n: Int) -> Int {
        var best = Int.max
        var p2 = 1
        while p2 < 2 * n {
            var p3 = p2
            while p3 < 2 * n {
                var p5 = p3
                while p5 < 2 * n {
                    if p5 >= n && p5 < best { best = p5 }
                    p5 *= 5
                }
                p3 *= 3
            }
            p2 *= 2
        }
        return best
    }

    /// Analyses the window centred on absolute sample `centre` of `history` against `surroundingPeak` (the
    /// absolute peak that ``PitchOptions/silenceThreshold`` is relative to), writing the candidates to `out`.
    func analyse(centre: Int, history: SampleHistory, surroundingPeak: Float, into out: inout PitchFrameCandidates) {
        let reach = self.reach
        history.copy(from: centre - reach, count: 2 * reach, into: span)
        // Local mean over one longest period on each side (Praat: 2 * nsamp_period samples).
        var mean: Float = 0
        let meanStart = span + (reach - periodLength)
        for i in 0..<(2 * periodLength) { mean += meanStart[i] }
        mean /= Float(2 * periodLength)

        let frame = correlation.input.baseAddress!
        let first = span + (reach - windowLength / 2)
        for j in 0..<windowLength { frame[j] = (first[j] - mean) * window[j] }
        for j in windowLength..<correlation.size { frame[j] = 0 }

        // Local peak within half a longest period of the centre.
        let halfPeriod = periodLength / 2 + 1
        var localPeak: Float = 0
        for j in max(0, windowLength / 2 - halfPeriod)..<min(windowLength, windowLength / 2 + halfPeriod) {
            localPeak = max(localPeak, abs(frame[j]))
        }
        out.count = 0
        out.intensity = surroundingPeak > 0 ? Double(min(1, localPeak / surroundingPeak)) : 0
        guard localPeak > 0 else { return }

        let ac = correlation.compute()
        let energy = Double(ac[0])
        guard energy > 0 else { return }
        for k in 0...(maximumLag + 1) { r[k] = Double(ac[k]) / (energy * windowCorrelation[k]) }

        let limit = options.maxCandidates - 1  // one place is the unvoiced candidate
        let minimumLag = sampleRate / options.ceiling
        for i in 2...maximumLag where r[i] > 0.5 * options.voicingThreshold && r[i] > r[i - 1] && r[i] >= r[i + 1] {
            let peak = parabolicPeak(r[i - 1], r[i], r[i + 1])  // a strict local maximum: curvature > 0
            let lag = Double(i) + peak.offset
            guard lag >= minimumLag else { continue }
            let frequency = sampleRate / lag
            var strength = peak.value
            if strength > 1 { strength = 1 / strength }  // short-window artefacts, reflected around 1 as Praat does
            var place = -1
            if out.count < limit {
                place = out.count
                out.count += 1
            } else {
                // Replace the weakest candidate, favouring high frequencies as Praat does.
                var weakest = 2.0
                for c in 0..<out.count {
                    let local = out.strengths[c] - options.octaveCost * log2(options.floor / out.frequencies[c])
                    if local < weakest {
                        weakest = local
                        place = c
                    }
                }
                if strength - options.octaveCost * log2(options.floor / frequency) <= weakest { place = -1 }
            }
            if place >= 0 {
                out.frequencies[place] = frequency
                out.strengths[place] = strength
            }
        }
    }
}
