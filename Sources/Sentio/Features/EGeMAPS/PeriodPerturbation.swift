#if canImport(Glibc)
import Glibc
#endif

/// Jitter and shimmer as openSMILE's `cPitchJitter` measures them for eGeMAPSv02 (docs/opensmile-egemaps/
/// voice.md, section 6): period by period on the raw waveform, frame by frame with state carried across
/// frames, rather than from glottal pulses as Praat (and Sentio's `voice` set) does.
///
/// In a voiced frame with F0 period T (samples), each step finds the lag in [⌊0.9 T⌋, ⌈1.1 T⌉] whose two
/// adjacent one-lag segments correlate best (the highest strict local maximum of the Pearson correlation;
/// parabolic refinement), accepts the period when the refined correlation exceeds 0.5 and moves on by it. The
/// frame reads from where the previous frame's last period inside its hop began.
///
/// - `jitterLocal`: mean |P_k − P_(k−1)| over the mean period P of the accepted periods (the predecessor of a
///   frame's first period is the previous frame's last); 0 with no predecessor; a frame without an accepted
///   period repeats the previous value; at most 1.
/// - `shimmerLocaldB`: `20 log10(1 + s)`, s = Σ |A₀ − A₁| / Σ (A₀ + A₁) / 2 over the steps, A₀, A₁ the
///   peak-to-peak amplitudes of the step's two periods; s at most 1.
///
/// Unvoiced frames give 0 and reset the state.
final class PeriodPerturbation {
    private let frameLength: Int, hop: Int, sampleRate: Double
    private let searchRange = 0.1, minimumCorrelation: Float = 0.5
    private var readStart = 0, carried = 0  // openSMILE's lastIdx and lastMis
    private var lastPeriod: Float = 0, lastJitter: Float = 0, lastShimmer: Float = 0
    private let segment: UnsafeMutablePointer<Float>, capacity: Int
    private let sums: UnsafeMutablePointer<Double>, squares: UnsafeMutablePointer<Double>
    private let correlation: UnsafeMutablePointer<Double>, maximumLags: Int

    /// - Parameters:
    ///   - frameLength: samples of the F0 frame (openSMILE: 60 ms).
    ///   - hop: samples between frames.
    init(frameLength: Int, hop: Int, sampleRate: Double) {
        self.frameLength = frameLength
        self.hop = hop
        self.sampleRate = sampleRate
        capacity = 4 * frameLength
        segment = .allocate(capacity: capacity)
        sums = .allocate(capacity: capacity + 1)
        squares = .allocate(capacity: capacity + 1)
        // Two periods must fit in the frame, so a period is at most half of it; the search spans ±10 %.
        maximumLags = frameLength / 2 / 4 + 4
        correlation = .allocate(capacity: maximumLags)
    }

    deinit {
        segment.deallocate(); sums.deallocate(); squares.deallocate(); correlation.deallocate()
    }

    /// Forgets the stream.
    func reset() {
        readStart = 0
        carried = 0
        lastPeriod = 0
        lastJitter = 0
        lastShimmer = 0
    }

    /// The oldest sample the next ``measure(frame:f0:samples:)`` reads (absolute index).
    var oldestSampleNeeded: Int { readStart }

    /// Jitter (a fraction) and shimmer (dB) of F0 frame `index` (starting at sample `index · hop`), whose F0
    /// is `f0` Hz (0 when unvoiced). Frames must come in order, each once.
    func measure(frame index: Int, f0: Float, samples: SampleHistory) -> (jitter: Float, shimmer: Float) {
        let hopRead = hop + carried
        var toRead = hopRead
        var period = 0.0, shortest = 0, longest = 0, rounded = 0
        if f0 > 0 {
            period = (1.0 / Double(f0)) / (1.0 / sampleRate)
            rounded = Int(period.rounded(.toNearestOrAwayFromZero))
            shortest = Int(floor((1.0 - searchRange) * period))
            longest = Int(ceil((1.0 + searchRange) * period))
            toRead = Swift.max(toRead, 2 * longest + 2)
        }
        toRead = Swift.min(toRead, carried + frameLength, capacity)
        if index * hop - carried != readStart {
            readStart = index * hop
            toRead = Swift.min(toRead, frameLength)
        }
        guard f0 > 0 else {
            readStart += hopRead
            carried = 0
            lastPeriod = 0
            lastJitter = 0
            lastShimmer = 0
            return (0, 0)
        }
        samples.copy(from: readStart, count: toRead, into: segment)
        // Running sums of the samples and their squares give each segment's mean and energy in O(1).
        sums[0] = 0
        squares[0] = 0
        for i in 0..<toRead {
            let x = Double(segment[i])
            sums[i + 1] = sums[i] + x
            squares[i + 1] = squares[i] + x * x
        }
        let lags = min(longest - shortest + 1, maximumLags)
        var periods: Float = 0, differences: Float = 0, periodSum: Float = 0, differenceSum: Float = 0
        var amplitudeSum: Float = 0, amplitudeDifferenceSum: Float = 0
        var start = 0, lastStart = 0
        while start < toRead - 2 * longest - 1 {
            // The lags' products first, then their normalisations: each lag's divisions and square root no
            // longer stall the next lag's product.
            for k in 0..<lags {
                let lag = shortest + k
                correlation[k] = Double(VectorMath.dot(segment + start, segment + start + lag, lag))
            }
            for k in 0..<lags { correlation[k] = pearson(start, shortest + k, product: correlation[k]) }
            // openSMILE never lets the last two lags win.
            var peak = -1
            var i = 1
            while i < lags - 2 {
                if correlation[i - 1] < correlation[i] && correlation[i] > correlation[i + 1]
                    && (peak == -1 || correlation[i] > correlation[peak]) { peak = i }
                i += 1
            }
            if peak == -1 {
                start += rounded
            } else {
                let length = shortest + peak, first = start
                start += length
                let a0 = peakToPeak(segment + first, length), a1 = peakToPeak(segment + start, length)
                let (offset, refined) = parabolaVertex(
                    Double(peak - 1), correlation[peak - 1], Double(peak), correlation[peak],
                    Double(peak + 1), correlation[peak + 1])
                if refined > Double(minimumCorrelation) {
                    let p = Float(abs(Double(shortest) + offset) * (1.0 / sampleRate))
                    periodSum += p
                    periods += 1
                    if lastPeriod > 0 {
                        differenceSum += abs(lastPeriod - p)
                        differences += 1
                    }
                    lastPeriod = p
                    amplitudeSum += (a0 + a1) / 2
                    amplitudeDifferenceSum += abs(a0 - a1)
                }
            }
            if start < hopRead - 1 { lastStart = start }
        }
        carried = hopRead - lastStart
        readStart += lastStart
        let jitter: Float
        if periods > 0 && differences > 0 {
            lastJitter = Swift.min((differenceSum / differences) / (periodSum / periods), 1)
            jitter = lastJitter
        } else if periods == 0 {
            lastJitter = Swift.min(lastJitter, 1)
            jitter = lastJitter
        } else {
            jitter = 0
        }
        if periods > 0 { lastShimmer = amplitudeSum > 0 ? amplitudeDifferenceSum / amplitudeSum : 0 }
        lastShimmer = Swift.min(lastShimmer, 1)
        let shimmer = Float(20 * log(Double(lastShimmer) + 1) / log(10.0))
        return (jitter, shimmer)
    }

    /// Pearson correlation of `segment[start ..< start + lag]` and the `lag` samples after it, whose sum of
    /// products is `sxy`.
    @inline(__always)
    private func pearson(_ start: Int, _ lag: Int, product sxy: Double) -> Double {
        let n = Double(lag)
        let sx = sums[start + lag] - sums[start], sy = sums[start + 2 * lag] - sums[start + lag]
        let sxx = squares[start + lag] - squares[start], syy = squares[start + 2 * lag] - squares[start + lag]
        return (sxy - sx * sy / n) / ((sxx - sx * sx / n) * (syy - sy * sy / n)).squareRoot()
    }

    /// max − min over the samples 1 ... count − 2 of a period.
    private func peakToPeak(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
        guard count > 2 else { return 0 }
        var lo = x[1], hi = x[1]
        for i in 2..<(count - 1) {
            lo = Swift.min(lo, x[i])
            hi = Swift.max(hi, x[i])
        }
        return hi - lo
    }
}
