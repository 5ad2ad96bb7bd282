#if canImport(Glibc)
import Glibc
#endif

/// Per-frame voice quality over voiced frames, from the pitch track and the glottal pulses:
///
/// - `jitter_local`: mean absolute difference of consecutive periods divided by the mean period (Praat's
///   "jitter (local)", a fraction: 0.01 is 1 %), over the pulses within the frame's pitch window.
/// - `shimmer_local_db`: mean absolute `20 log10` ratio of the amplitudes of consecutive periods (Praat's
///   "shimmer (local, dB)"), each amplitude the RMS around a pulse under a Hann window reaching 0.2 periods
///   to each side, as Praat computes it.
/// - `hnr_db`: harmonics-to-noise ratio `10 log10(r / (1 - r))`, where `r` is the window-corrected normalised
///   autocorrelation at the tracked period, measured in a window of ``VoiceOptions/hnrPeriodsPerWindow``
///   floor periods (Boersma 1993; Praat's `To Harmonicity (ac)`).
/// - `f1_hz ... f3_hz` and `f1_bandwidth_hz ... f3_bandwidth_hz`: see ``FormantAnalyzer``.
///
/// Unvoiced frames, and measures that are undefined in a voiced frame (fewer than three pulses in the
/// window; no formant found), are 0, the convention of F0 and of openSMILE's voiced-only descriptors.
///
/// Reference: Praat manual, "Voice 2. Jitter" and "Voice 3. Shimmer"; P. Boersma, Proc. IFA 17, 1993.
final class VoiceAnalyzer {
    static let columns = ["jitter_local", "shimmer_local_db", "hnr_db",
                          "f1_hz", "f1_bandwidth_hz", "f2_hz", "f2_bandwidth_hz", "f3_hz", "f3_bandwidth_hz"]
    let options: VoiceOptions
    private let tracker: PitchTracker
    private let formants: FormantAnalyzer
    private let harmonicity: AutocorrelationPitchAnalyzer
    private var candidates: PitchFrameCandidates
    private let sampleRate: Double
    private var pending: [PitchEstimate] = []
    private var pulses: [Double] = []
    private var amplitudes: [Double] = []
    private var scratch: [Float] = []
    private var lastPulse = -Double.infinity
    private var nextToEmit = 0
    private let margin: Int
    private let maximumFrames: Int
    private let values: UnsafeMutablePointer<Float>

    init(options: VoiceOptions, tracker: PitchTracker) {
        self.options = options
        self.tracker = tracker
        sampleRate = tracker.sampleRate
        formants = FormantAnalyzer(options: options.formants, sampleRate: tracker.sampleRate)
        var hnr = tracker.options
        hnr.periodsPerWindow = options.hnrPeriodsPerWindow
        hnr.voicingThreshold = 0  // keep every peak: the one at the tracked period is wanted however weak
        harmonicity = AutocorrelationPitchAnalyzer(options: hnr, sampleRate: tracker.sampleRate)
        candidates = PitchFrameCandidates(capacity: hnr.maxCandidates)
        let longest = Int((tracker.sampleRate / tracker.options.floor).rounded(.up))
        margin = max(formants.inputLength / 2, harmonicity.reach) + tracker.hop + 3 * longest + 4
        maximumFrames = max(1, Int(options.maximumStretch * tracker.sampleRate) / tracker.hop)
        values = .allocate(capacity: Self.columns.count)
        reset()
    }

    deinit {
        values.deallocate()
        candidates.deallocate()
    }

    /// Forgets the file; call after the tracker's reset (which clears its retention).
    func reset() {
        pending.removeAll(keepingCapacity: true)
        lastPulse = -.infinity
        nextToEmit = 0
        formants.reset()
        // Until the first frame is decided, every sample from the start may still be needed.
        tracker.retainFrom = tracker.centre(0) - margin
    }

    /// Takes the next decided pitch frame; calls `emit(index, values)` for every frame now complete.
    func add(_ estimate: PitchEstimate, emit: (Int, UnsafePointer<Float>) -> Void) {
        if estimate.frequency > 0 {
            pending.append(estimate)
            if pending.count >= maximumFrames { closeStretch(emit: emit) }
        } else {
            closeStretch(emit: emit)
            for c in 0..<Self.columns.count { values[c] = 0 }
            emit(estimate.index, values)
            nextToEmit = estimate.index + 1
        }
        tracker.retainFrom = tracker.centre(nextToEmit) - margin
    }

    /// Completes the open voiced stretch at the end of the stream.
    func finish(emit: (Int, UnsafePointer<Float>) -> Void) {
        closeStretch(emit: emit)
    }

    private func closeStretch(emit: (Int, UnsafePointer<Float>) -> Void) {
        guard let first = pending.first, let last = pending.last else { return }
        let hop = Double(tracker.hop)
        let left = Double(tracker.centre(first.index)) - hop / 2
        let right = Double(tracker.centre(last.index)) + hop / 2
        GlottalPulseFinder.find(history: tracker.history, sampleRate: sampleRate, left: left, right: right,
                                after: lastPulse, f0: frequency(at:), into: &pulses, scratch: &scratch)
        if let p = pulses.last { lastPulse = p }
        measureAmplitudes()
        let window = Double(tracker.windowLength)
        for estimate in pending {
            let c = Double(tracker.centre(estimate.index))
            let (jitter, shimmer) = perturbation(from: c - window / 2, to: c + window / 2)
            values[0] = Float(jitter)
            values[1] = Float(shimmer)
            values[2] = Float(harmonicsToNoise(centre: tracker.centre(estimate.index), f0: estimate.frequency,
                                                fallback: estimate.strength))
            formants.analyse(centre: tracker.centre(estimate.index), history: tracker.history, count: 3, into: values + 3)
            emit(estimate.index, values)
        }
        nextToEmit = last.index + 1
        pending.removeAll(keepingCapacity: true)
    }

    /// HNR in dB at the peak of the long-window autocorrelation nearest the tracked F0 (within 20 %); the
    /// tracker's own strength when no peak is that close.
    private func harmonicsToNoise(centre: Int, f0: Double, fallback: Double) -> Double {
        harmonicity.analyse(centre: centre, history: tracker.history, surroundingPeak: 1, into: &candidates)
        var r = fallback, distance = log2(1.2)
        for c in 0..<candidates.count {
            let d = abs(log2(candidates.frequencies[c] / f0))
            if d < distance {
                distance = d
                r = candidates.strengths[c]
            }
        }
        r = min(max(r, 1e-15), 1 - 1e-15)
        return 10 * log10(r / (1 - r))
    }

    /// F0 at time `t` (samples) inside the open stretch, linearly interpolated between frame centres, as
    /// Praat's `Pitch_getValueAtTime`; nil outside the stretch.
    private func frequency(at t: Double) -> Double? {
        guard let first = pending.first else { return nil }
        let position = (t - Double(tracker.firstCentre)) / Double(tracker.hop) - Double(first.index)
        guard position >= -0.5 && position <= Double(pending.count) - 0.5 else { return nil }
        let i = Int(position.rounded(.down))
        if i < 0 { return pending[0].frequency }
        if i >= pending.count - 1 { return pending[pending.count - 1].frequency }
        let w = position - Double(i)
        return (1 - w) * pending[i].frequency + w * pending[i + 1].frequency
    }

    private func periodOK(_ p: Double) -> Bool {
        let seconds = p / sampleRate
        return seconds >= options.shortestPeriod && seconds <= options.longestPeriod
    }

    /// Whether consecutive periods `p1`, `p2` (samples) are both valid and close enough to compare.
    private func periodsComparable(_ p1: Double, _ p2: Double) -> Bool {
        periodOK(p1) && periodOK(p2) && max(p1, p2) / min(p1, p2) <= options.maximumPeriodFactor
    }

    /// Amplitude of each interior pulse with valid periods on both sides (0 when not measured).
    private func measureAmplitudes() {
        amplitudes.removeAll(keepingCapacity: true)
        amplitudes.append(contentsOf: repeatElement(0, count: pulses.count))
        guard pulses.count >= 3 else { return }
        let x = tracker.history
        for k in 1..<(pulses.count - 1) {
            let p1 = pulses[k] - pulses[k - 1], p2 = pulses[k + 1] - pulses[k]
            guard periodsComparable(p1, p2) else { continue }
            let t = pulses[k], wl = 0.2 * p1, wr = 0.2 * p2
            // Periods of a few samples (a pitch ceiling in the kHz) can leave no sample in the window.
            let first = Int((t - wl).rounded(.up)), last = Int((t + wr).rounded(.down))
            guard first <= last else { continue }
            var sum = 0.0, weights = 0.0
            for i in first...last {
                let d = Double(i) - t
                let w = 0.5 + 0.5 * cos(Double.pi * d / (d < 0 ? wl : wr))
                let v = Double(x[i]) * w
                sum += v * v
                weights += w * w
            }
            if weights > 0 { amplitudes[k] = (sum / weights).squareRoot() }
        }
    }

    /// Index of the first pulse at or after `t` (binary search; `pulses.count` when there is none).
    private func firstPulse(atOrAfter t: Double) -> Int {
        var lo = 0, hi = pulses.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if pulses[mid] < t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Local jitter and shimmer (dB) over the pulses in `[from, to)` (samples).
    private func perturbation(from: Double, to: Double) -> (Double, Double) {
        var jitterSum = 0.0, jitterCount = 0, periodSum = 0.0, periodCount = 0
        var shimmerSum = 0.0, shimmerCount = 0
        guard pulses.count >= 3 else { return (0, 0) }
        // Pulses ascend: start at the first one at or after `from` (but not at 0, which has no period before it).
        var k = max(1, firstPulse(atOrAfter: from))
        while k < pulses.count && pulses[k] < to {
            defer { k += 1 }
            let p1 = pulses[k] - pulses[k - 1]
            if periodOK(p1) {
                periodSum += p1
                periodCount += 1
            }
            if k + 1 < pulses.count {
                let p2 = pulses[k + 1] - pulses[k]
                if periodsComparable(p1, p2) {
                    jitterSum += abs(p1 - p2)
                    jitterCount += 1
                }
            }
            let a0 = amplitudes[k - 1], a1 = amplitudes[k]
            if a0 > 0 && a1 > 0 && periodOK(p1) && max(a0, a1) / min(a0, a1) <= options.maximumAmplitudeFactor {
                shimmerSum += abs(20 * log10(a1 / a0))
                shimmerCount += 1
            }
        }
        let jitter = jitterCount > 0 && periodCount > 0 ? (jitterSum / Double(jitterCount)) / (periodSum / Double(periodCount)) : 0
        let shimmer = shimmerCount > 0 ? shimmerSum / Double(shimmerCount) : 0
        return (jitter, shimmer)
    }
}
