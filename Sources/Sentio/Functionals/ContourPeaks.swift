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
/// count; standard deviations are population deviations over the steps between extrema, as openSMILE computes them.
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

    mutating func analyse(_ x: UnsafeBufferPointer<Float>, frameStep: Double) -> Summary {
        var summary = Summary()
        let n = x.count
        guard n > 0 else { return summary }
        var lo = x[0], hi = x[0]
        for v in x { lo = min(lo, v); hi = max(hi, v) }
        let threshold = relativeThreshold * (hi - lo)

        // 1. Candidates.
        list.removeAll(keepingCapacity: true)
        if n > 4 {
            for i in 2..<(n - 2) {
                if x[i] > x[i - 1] && x[i] > x[i + 1] {
                    list.append(Extremum(isMax: true, value: x[i], index: i))
                } else if x[i] < x[i - 1] && x[i] < x[i + 1] {
                    list.append(Extremum(isMax: false, value: x[i], index: i))
                }
            }
        }
        // 2a. Maxima must rise significantly.
        kept.removeAll(keepingCapacity: true)
        var lastValue = x[0], lastMin = x[0], lastMax = x[0]
        var lastMaxSlot: Int?
        var minSeen = false
        for e in list {
            if e.isMax {
                if abs(e.value - lastValue) < threshold {
                    if e.value - lastMin < threshold {
                        // dropped
                    } else if e.value > lastMax * 1.05 {
                        if let slot = lastMaxSlot { kept.remove(at: slot) }
                        kept.append(e)
                        lastMaxSlot = kept.count - 1
                        lastMax = e.value
                        minSeen = false
                    } else if minSeen {
                        kept.append(e)
                        lastMaxSlot = kept.count - 1
                        lastMax = e.value
                        minSeen = false
                    } else {
                        minSeen = false
                    }
                } else {
                    kept.append(e)
                    lastMaxSlot = kept.count - 1
                    lastMax = e.value
                    minSeen = false
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
        // 2b. Minima must lie significantly below the last maximum.
        list.removeAll(keepingCapacity: true)
        lastMax = x[0]
        for e in kept {
            if e.isMax {
                lastMax = e.value
                list.append(e)
            } else if lastMax - e.value >= threshold {
                list.append(e)
            }
        }
        // 3. Alternate: keep the most extreme of each run of same-kind extrema.
        kept.removeAll(keepingCapacity: true)
        for e in list {
            if let last = kept.last, last.isMax == e.isMax {
                if e.isMax ? e.value > last.value : e.value < last.value { kept[kept.count - 1] = e }
            } else {
                kept.append(e)
            }
        }
        summary.peaks = kept.reduce(0) { $0 + ($1.isMax ? 1 : 0) }

        // Slopes from the pseudo-extremum at frame 0.
        var rising: [Double] = [], falling: [Double] = []
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
        summary.rising = Self.statistics(rising, stddevOver: between.rising)
        summary.falling = Self.statistics(falling, stddevOver: between.falling)
        return summary
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
