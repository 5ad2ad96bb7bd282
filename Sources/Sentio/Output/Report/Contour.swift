/// A per-frame descriptor over time (F0, loudness) on a regular grid, with gaps where it is undefined (NaN:
/// F0 in unvoiced frames).
package struct Contour: Sendable, Equatable {
    /// Time of the first value (a frame centre), in seconds.
    package var start: Double
    /// Seconds between values.
    package var step: Double
    /// The values; NaN marks a gap.
    package var values: [Float]

    /// Creates a contour whose value `i` is at `start + i * step` seconds.
    package init(start: Double, step: Double, values: [Float]) {
        self.start = start
        self.step = step
        self.values = values
    }

    /// Time of value `i`, in seconds.
    package func time(_ i: Int) -> Double { start + Double(i) * step }

    /// The defined values.
    package var defined: [Float] { values.filter { !$0.isNaN } }

    /// The contour averaged into at most `count` buckets of equal length, for a plot `count` pixels wide. A
    /// bucket is a gap unless at least `minimumDefined` of its values are defined; then it is their mean. A
    /// third keeps short voiced stretches visible without bridging pauses.
    package func decimated(to count: Int, minimumDefined: Double = 1.0 / 3) -> Contour {
        precondition(count > 0)
        guard values.count > count else { return self }
        let factor = (values.count + count - 1) / count
        var out: [Float] = []
        out.reserveCapacity(count)
        var i = 0
        while i < values.count {
            let end = min(i + factor, values.count)
            var sum: Float = 0, n = 0
            for v in values[i..<end] where !v.isNaN {
                sum += v
                n += 1
            }
            out.append(Double(n) >= minimumDefined * Double(end - i) && n > 0 ? sum / Float(n) : .nan)
            i = end
        }
        // Bucket b averages frames b f ..< (b + 1) f: its time is the middle of those frames.
        return Contour(start: start + Double(factor - 1) * step / 2, step: step * Double(factor), values: out)
    }
}

