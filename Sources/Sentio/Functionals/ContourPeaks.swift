/// Peaks, valleys and the slopes between them in a contour: the algorithm of openSMILE's `Peaks2` functional
/// with a relative threshold (`relThresh`, `dynRelThresh = 0`), which eGeMAPS uses for `loudnessPeaksPerSec`
/// and the rising/falling slopes of F0 and loudness.
///
/// 1. Every strict local maximum and minimum among frames `2 ..< n - 2` is a candidate.
/// 2. With `threshold = relativeThreshold × (max − min)`: a maximum that rises less than the threshold from the
///    previous extremum and from the last kept minimum is dropped; of two maxima with no significant valley
///    between, the later replaces the earlier only when 5 % higher (or a minimum came between); a minimum less
///    than the threshold below the last maximum is dropped.
/// 3. Consecutive extrema of the same kind collapse to the most extreme one, so peaks and valleys alternate.
///
/// Slopes, in units per second: from the start of the contour (a pseudo-extremum at frame 0) and then between
/// consecutive extrema, a valley→peak step is a rising slope and a peak→valley step a falling slope (both
/// positive when the contour moves that way); the step from the last extremum to the end of the contour is
/// counted too, as `(last value − extremum) / time` (so a final fall after a peak counts negatively among the
/// falling slopes, as in openSMILE). A contour without extrema contributes its end-to-end slope per frame. Means divide by the
/// count; the standard deviations sum the squared deviations of the slopes between extrema only (openSMILE's second
/// pass skips the end-of-contour slope) but divide by the full count, as openSMILE computes them.
struct ContourPeaks {
    /// What ``analyse(_:frameStep:)`` found.
    struct Summary {
        var peaks = 0
        var rising = SlopeStatistics()
        var falling = SlopeStatistics()
    }

    /// Mean and standard deviation of slopes.
    struct SlopeStatistics {
        fileprivate(set) var mean = 0.0
        fileprivate(set) var stddev = 0.0
    }

    /// Fraction of the contour's range an excursion must exceed. Default 0.1 (eGeMAPS).
    var relativeThreshold: Float = 0.1

    private struct Extremum {
        var isMax: Bool
        var value: Float
        var index: Int
    }

    private var list: [Extremum] = []
    private var kept: [Extremum] = []
    private var rising: [Double] = []
    private var falling: [Double] = []

    /// Peaks and slopes of the contour `x`, sampled every `frameStep` seconds (slopes in units per second).
    mutating func analyse(_ x: UnsafeBufferPointer<Float>, frameStep: Double) -> Summary {
        var summary = Summary()
        guard !x.isEmpty else { return summary }
        var lo = x[0], hi = x[0]
        for v in x { lo = min(lo, v); hi = max(hi, v) }
        let threshold = relativeThreshold * (hi - lo)

        findCandidates(x)
        keepRisingMaxima(start: x[0], threshold: threshold)
        keepDeepMinima(start: x[0], threshold: threshold)
        alternate()
        summary.peaks = kept.reduce(0) { $0 + ($1.isMax ? 1 : 0) }
        let between = collectSlopes(x, frameStep: frameStep)
        summary.rising = Self.statistics(rising, stddevOver: between.rising)
        summary.falling = Self.statistics(falling, stddevOver: between.falling)
        return summary
    }

    /// Step 1: every strict local maximum and minimum among frames `2 ..< n - 2`, into `list`.
    private mutating func findCandidates(_ x: UnsafeBufferPointer<Float>) {
        list.removeAll(keepingCapacity: true)
        let n = x.count
        guard n > 4 else { return }
        for i in 2..<(n - 2) {
            if x[i] > x[i - 1] && x[i] > x[i + 1] {
                list.append(Extremum(isMax: true, value: x[i], index: i))
            } else if x[i] < x[i - 1] && x[i] < x[i + 1] {
                list.append(Extremum(isMax: false, value: x[i], index: i))
            }
        }
    }

    /// Step 2a, `list` into `kept`: a maximum must rise by the threshold from the previous extremum or from
    /// the last significant minimum; of two maxima without a significant valley between, the later replaces
    /// the earlier only when 5 % higher. `start` (the contour's first value) stands for the extrema before.
    private mutating func keepRisingMaxima(start: Float, threshold: Float) {
        kept.removeAll(keepingCapacity: true)
        var lastValue = start, lastMin = start, lastMax = start
        var lastMaxSlot: Int?
        var minSeen = false
        func keepMaximum(_ e: Extremum) {
            kept.append(e)
            lastMaxSlot = kept.count - 1
            lastMax = e.value
            minSeen = false
        }
        for e in list {
            if e.isMax {
                if abs(e.value - lastValue) < threshold {
                    if e.value - lastMin < threshold {
                        // Too small a rise from the valley too: dropped, and whether a valley was seen stands.
                    } else if e.value > lastMax * 1.05 {
                        if let slot = lastMaxSlot { kept.remove(at: slot) }
                        keepMaximum(e)
                    } else if minSeen {
                        keepMaximum(e)
                    } else {
                        minSeen = false
                    }
                } else {
                    keepMaximum(e)
                }
            } else {
                kept.append(e)
                if abs(e.value - lastValue) >= threshold {
                    minSeen = true
                    lastMin = e.value
                }
            }
            lastValue = e.value
        }
    }

    /// Step 2b, `kept` into `list`: a minimum must lie at least the threshold below the last maximum.
    private mutating func keepDeepMinima(start: Float, threshold: Float) {
        list.removeAll(keepingCapacity: true)
        var lastMax = start
        for e in kept {
            if e.isMax {
                lastMax = e.value
                list.append(e)
            } else if lastMax - e.value >= threshold {
                list.append(e)
            }
        }
    }

    /// Step 3, `list` into `kept`: the most extreme of each run of same-kind extrema, so that peaks and
    /// valleys alternate.
    private mutating func alternate() {
        kept.removeAll(keepingCapacity: true)
        for e in list {
            if let last = kept.last, last.isMax == e.isMax {
                if e.isMax ? e.value > last.value : e.value < last.value { kept[kept.count - 1] = e }
            } else {
                kept.append(e)
            }
        }
    }

    /// Fills `rising` and `falling` (units per second) from the pseudo-extremum at frame 0 through `kept`
    /// to the contour's end, and returns how many of each lie between extrema (the deviations' count).
    private mutating func collectSlopes(_ x: UnsafeBufferPointer<Float>, frameStep: Double) -> (rising: Int, falling: Int) {
        rising.removeAll(keepingCapacity: true)
        falling.removeAll(keepingCapacity: true)
        let n = x.count
        var maxValue = x[0], maxIndex = 0, minValue = x[0], minIndex = 0
        var lastWasMax: Bool?
        for e in kept {
            if e.isMax {
                maxValue = e.value; maxIndex = e.index
                if maxIndex > minIndex {
                    rising.append(Double(maxValue - minValue) / (Double(maxIndex - minIndex) * frameStep))
                    lastWasMax = true
                }
            } else {
                minValue = e.value; minIndex = e.index
                if minIndex > maxIndex {
                    falling.append(Double(maxValue - minValue) / (Double(minIndex - maxIndex) * frameStep))
                    lastWasMax = false
                }
            }
        }
        let between = (rising: rising.count, falling: falling.count)
        switch lastWasMax {
        case true?:
            if n - 1 > maxIndex { falling.append(Double(x[n - 1] - maxValue) / (Double(n - 1 - maxIndex) * frameStep)) }
        case false?:
            if n - 1 > minIndex { rising.append(Double(x[n - 1] - minValue) / (Double(n - 1 - minIndex) * frameStep)) }
        case nil:
            // No extremum at all: openSMILE's one slope over the contour, per frame (its T is left out) and
            // divided by n, not n − 1. Kept as it is for openSMILE's values.
            let slope = Double(x[n - 1] - x[0]) / Double(n)
            if slope > 0 { rising.append(slope) } else if slope < 0 { falling.append(slope) }
        }
        return between
    }

    /// Mean over all `slopes`; deviation summed over the first `count` only but divided by the full count
    /// when it exceeds one (openSMILE's second pass skips the end-of-contour slope).
    private static func statistics(_ slopes: [Double], stddevOver count: Int) -> SlopeStatistics {
        var s = SlopeStatistics()
        guard !slopes.isEmpty else { return s }
        s.mean = slopes.reduce(0, +) / Double(slopes.count)
        var sum = 0.0
        for v in slopes.prefix(count) { sum += (v - s.mean) * (v - s.mean) }
        if slopes.count > 1 { sum /= Double(slopes.count) }
        s.stddev = sum > 0 ? sum.squareRoot() : 0
        return s
    }
}
