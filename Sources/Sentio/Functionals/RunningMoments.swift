#if canImport(Glibc)
import Glibc
#endif

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
