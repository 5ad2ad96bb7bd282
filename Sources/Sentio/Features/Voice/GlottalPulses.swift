#if canImport(Glibc)
import Glibc
#endif

/// Glottal pulse marks in one voiced stretch, placed as Praat's `Sound & Pitch: To PointProcess (cc)` does:
/// start at the absolute extremum nearest the middle of the stretch, then walk towards both ends, each time
/// finding the lag between 0.8 and 1.25 local periods at which a one-period window best matches the one
/// around the previous pulse (normalised cross-correlation, parabolic interpolation). A step whose
/// correlation is below 0.3, or whose waveform is below 1 % of the stretch's peak, adds no pulse.
///
/// Times are in samples (fractional) of the history's absolute index.
struct GlottalPulseFinder {
    /// Returns the pulse times, ascending, in `[left, right]` widened by the final steps as Praat allows.
    /// - Parameters:
    ///   - f0: F0 in Hz at a time in samples, nil outside the voiced stretch.
    ///   - after: no pulse closer than 0.8 periods after this time (the last pulse of the previous stretch).
    static func find(history: SampleHistory, sampleRate: Double, left: Double, right: Double,
                     after: Double, f0: (Double) -> Double?, into pulses: inout [Double], scratch: inout [Float]) {
        pulses.removeAll(keepingCapacity: true)
        let peak = history.absolutePeak(from: Int(left.rounded(.down)), to: Int(right.rounded(.up)) + 1)
        guard peak > 0 else { return }
        let globalPeak = Double(peak)
        let middle = 0.5 * (left + right)
        guard let f0Middle = f0(middle) else { return }
        let start = extremum(history, from: middle - 0.5 * sampleRate / f0Middle, to: middle + 0.5 * sampleRate / f0Middle)

        var leftward: [Double] = []
        var t = start
        while let f = f0(t) {
            let period = sampleRate / f
            let (correlation, position, localPeak) = maximumCorrelation(history, at: t, window: period,
                                                                        from: t - 1.25 * period, to: t - 0.8 * period,
                                                                        scratch: &scratch)
            t = correlation == -1 ? t - period : position
            if t < left {
                if correlation > 0.7 && Double(localPeak) > 0.023333 * globalPeak && t - after > 0.8 * period {
                    leftward.append(t)
                }
                break
            }
            if correlation > 0.3 && (localPeak == 0 || Double(localPeak) > 0.01 * globalPeak) && t - after > 0.8 * period {
                leftward.append(t)
            }
        }
        pulses.append(contentsOf: leftward.reversed())
        pulses.append(start)
        t = start
        while let f = f0(t) {
            let period = sampleRate / f
            let (correlation, position, localPeak) = maximumCorrelation(history, at: t, window: period,
                                                                        from: t + 0.8 * period, to: t + 1.25 * period,
                                                                        scratch: &scratch)
            t = correlation == -1 ? t + period : position
            if t > right {
                if correlation > 0.7 && Double(localPeak) > 0.023333 * globalPeak { pulses.append(t) }
                break
            }
            if correlation > 0.3 && (localPeak == 0 || Double(localPeak) > 0.01 * globalPeak) { pulses.append(t) }
        }
    }

    /// Time of the largest absolute sample in `[from, to]`, refined by parabolic interpolation.
    static func extremum(_ x: SampleHistory, from: Double, to: Double) -> Double {
        let lo = Int(from.rounded(.up)), hi = max(lo, Int(to.rounded(.down)))
        var best = lo
        for i in lo...hi where abs(x[i]) > abs(x[best]) { best = i }
        let y0 = Double(abs(x[best - 1])), y1 = Double(abs(x[best])), y2 = Double(abs(x[best + 1]))
        return 2 * y1 - y0 - y2 > 0 ? Double(best) + parabolicPeak(y0, y1, y2).offset : Double(best)
    }

    /// Praat's `Sound_findMaximumCorrelation`: the best match of the `window`-long span around `t` among
    /// spans centred in `[from, to]`. Returns (correlation, centre of the best span, its absolute peak);
    /// correlation -1 when no local maximum was found. `scratch` holds the samples read (grown as needed).
    static func maximumCorrelation(_ x: SampleHistory, at t: Double, window: Double, from: Double, to: Double,
                                   scratch: inout [Float]) -> (Double, Double, Float) {
        let half = 0.5 * window
        let left1 = Int((t - half).rounded()), right1 = Int((t + half).rounded())
        let leftMin = Int((from - half).rounded(.down)), leftMax = max(leftMin, Int((to - half).rounded(.up)))
        let width = right1 - left1 + 1
        // One contiguous read covering the reference span and every candidate span.
        let first = min(left1, leftMin), last = max(right1, leftMax + width - 1)
        let count = last - first + 1
        if scratch.count < count { scratch = [Float](repeating: 0, count: count) }
        return scratch.withUnsafeMutableBufferPointer { buffer in
            x.withSpan(from: first, count: count, scratch: buffer.baseAddress!) { p in
                let reference = p + (left1 - first)
                let norm1 = Double(VectorMath.dot(reference, reference, width))
                var best = -1.0, r1Best = 0.0, r3Best = 0.0, place = 0.0
                var peak: Float = 0
                var r1 = 0.0, r2 = 0.0, r3 = 0.0
                for left2 in leftMin...leftMax {
                    let candidate = p + (left2 - first)
                    let (dotProduct, square) = VectorMath.dotAndSquare(reference, candidate, width)
                    let norm2 = Double(square), product = Double(dotProduct)
                    r1 = r2
                    r2 = r3
                    r3 = product != 0 ? product / (norm1 * norm2).squareRoot() : 0
                    if r2 > best && r2 >= r1 && r2 >= r3 {
                        r1Best = r1
                        best = r2
                        r3Best = r3
                        place = Double(left2 - 1)
                        peak = VectorMath.absoluteMaximum(p + (left2 - 1 - first), width)
                    }
                }
                guard best > -1 else { return (-1, t, 0) }
                if 2 * best - r1Best - r3Best != 0 {
                    let vertex = parabolicPeak(r1Best, best, r3Best)
                    best = vertex.value
                    place += vertex.offset
                }
                return (best, t + (place - Double(left1)), peak)
            }
        }
    }
}
