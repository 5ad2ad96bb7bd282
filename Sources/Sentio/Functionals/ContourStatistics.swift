#if canImport(Glibc)
import Glibc
#endif

/// Order statistics of a set of values: percentiles by linear interpolation between closest ranks.
enum Percentiles {
    /// Percentile `p` in [0, 1] of `sorted` (ascending): the value at position `p (n - 1)`, interpolated
    /// linearly between the two neighbouring ranks (numpy `method="linear"`, openSMILE `interp = 1`).
    static func value(_ p: Double, sorted: UnsafeBufferPointer<Float>) -> Double {
        let n = sorted.count
        guard n > 0 else { return 0 }
        let position = min(max(p, 0), 1) * Double(n - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, n - 1)
        let fraction = position - Double(lower)
        return Double(sorted[lower]) + fraction * (Double(sorted[upper]) - Double(sorted[lower]))
    }
}

/// Running sums for the moments and the regression line of a sequence, in Double so that an hour of frames
/// loses no precision.
struct RunningMoments {
    private(set) var count = 0
    private var sum = 0.0, sumSquares = 0.0
    private var sumT = 0.0, sumTT = 0.0, sumTX = 0.0
    /// Shift that keeps the sum of squares well conditioned (the first value).
    private var shift = 0.0

    mutating func add(_ x: Double, time t: Double) {
        if count == 0 { shift = x }
        count += 1
        let d = x - shift
        sum += d
        sumSquares += d * d
        sumT += t
        sumTT += t * t
        sumTX += t * d
    }

    var mean: Double { count == 0 ? 0 : shift + sum / Double(count) }

    /// Population variance.
    var variance: Double {
        guard count > 0 else { return 0 }
        let m = sum / Double(count)
        return max(0, sumSquares / Double(count) - m * m)
    }

    /// Least-squares slope of value against time (units per time unit).
    var slope: Double {
        let n = Double(count)
        let denominator = n * sumTT - sumT * sumT
        guard count > 1, denominator > 0 else { return 0 }
        return (n * sumTX - sumT * sum) / denominator
    }
}

/// Lengths of the runs of non-zero frames (voiced segments) and of the zero runs between them (pauses).
struct RunLengths {
    private var current = 0          // length of the run in progress
    private var inNonZero = false
    private var seenNonZero = false
    private(set) var runs = RunningMoments()     // non-zero run lengths, in frames
    private(set) var pauses = RunningMoments()   // zero runs between two non-zero runs, in frames

    mutating func add(nonZero: Bool) {
        if nonZero == inNonZero {
            current += 1
            return
        }
        if inNonZero {
            runs.add(Double(current), time: 0)
        } else if seenNonZero {
            pauses.add(Double(current), time: 0)
        }
        seenNonZero = seenNonZero || nonZero
        inNonZero = nonZero
        current = 1
    }

    /// Closes the run in progress (a trailing pause is not a pause between runs).
    mutating func finish() {
        if inNonZero && current > 0 { runs.add(Double(current), time: 0) }
        current = 0
        inNonZero = false
    }
}
