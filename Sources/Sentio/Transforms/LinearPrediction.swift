#if canImport(Glibc)
import Glibc
#endif

/// Linear prediction by Burg's method and by the autocorrelation method, and the resonances of the
/// prediction polynomial's roots (PolynomialRoots.swift finds the roots).
///
/// Burg's method (J. P. Burg, 1975; as in Numerical Recipes `memcof` and Praat's `Sound: To Formant (burg)`)
/// minimises the sum of forward and backward prediction errors without assuming the signal is zero outside
/// the window, which gives sharper formant peaks than the autocorrelation method on short frames.
public enum LinearPrediction {
    /// The coefficients `a[1...order]` of the predictor `x[n] ≈ -sum_k a[k] x[n-k]` (so `A(z) = 1 + sum_k a[k] z^-k`)
    /// for the `count` samples at `x`, written to `coefficients[0 ..< order]`. `work` must hold `2 * count`
    /// doubles. Returns false when the frame has no energy.
    public static func burg(_ x: UnsafePointer<Double>, count: Int, order: Int,
                            coefficients a: UnsafeMutablePointer<Double>, work: UnsafeMutablePointer<Double>) -> Bool {
        // f[i]: forward error at i; g[i] = backward error at i - 1 (shifted so both are read at the same i).
        let f = work, g = work + count
        var energy = 0.0
        for i in 0..<count {
            f[i] = x[i]
            g[i] = i > 0 ? x[i - 1] : 0
            energy += x[i] * x[i]
        }
        for k in 0..<order { a[k] = 0 }
        guard energy > 0, count > order else { return false }
        // Reflection coefficient of order m: minimises forward + backward error power over i in m+1 ..< count.
        var (num, den) = crossAndPower(f + 1, g + 1, count - 1)
        for m in 0..<order {
            guard den > 0 else { return true }
            let k = -2 * num / den
            addReflection(k, order: m, to: a)
            // The errors after the last order are not needed.
            guard m + 1 < order else { break }
            (num, den) = updateErrors(f, g, k: k, from: m + 1, count: count)
        }
        return true
    }

    /// The order-update of Burg's errors over `i` in `lo ..< count`, `f'[i] = f[i] + k g[i]` and
    /// `b'[i] = g[i] + k f[i]` (stored as `g'[i + 1]`, dropped for the last `i`), fused with the next order's
    /// sums: returns ``crossAndPower(_:_:_:)`` of the updated errors over `lo + 1 ..< count`, computed with the
    /// same lanes in the same order, so bit-identical to a separate pass. Walking up in blocks of four, a
    /// block's results are stored only after the block above has loaded the old values one place below it.
    @inline(__always)
    private static func updateErrors(_ f: UnsafeMutablePointer<Double>, _ g: UnsafeMutablePointer<Double>, k: Double,
                                     from lo: Int, count: Int) -> (Double, Double) {
        guard lo < count else { return (0, 0) }
        let first = f[lo] + k * g[lo]
        let vk = SIMD4<Double>(repeating: k)
        var cross = SIMD4<Double>.zero, power = SIMD4<Double>.zero
        var pending = -1, pendingF = SIMD4<Double>.zero, pendingG = SIMD4<Double>.zero
        @inline(__always) func flush() {
            if pending < 0 {
                f[lo] = first
            } else {
                UnsafeMutableRawPointer(f + pending).storeBytes(of: pendingF, as: SIMD4<Double>.self)
                UnsafeMutableRawPointer(g + pending).storeBytes(of: pendingG, as: SIMD4<Double>.self)
            }
        }
        var i = lo + 1
        while i + 4 <= count {
            let vf = UnsafeRawPointer(f + i).loadUnaligned(as: SIMD4<Double>.self)
            let vg = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD4<Double>.self)
            let pf = UnsafeRawPointer(f + i - 1).loadUnaligned(as: SIMD4<Double>.self)
            let pg = UnsafeRawPointer(g + i - 1).loadUnaligned(as: SIMD4<Double>.self)
            flush()
            let nf = vf + vk * vg, ng = pg + vk * pf
            cross += nf * ng
            power += nf * nf + ng * ng
            pending = i
            pendingF = nf
            pendingG = ng
            i += 4
        }
        var previousF = f[i - 1], previousG = g[i - 1]
        flush()
        var c = cross.sum(), p = power.sum()
        while i < count {
            let fi = f[i], gi = g[i]
            let nf = fi + k * gi, ng = previousG + k * previousF
            f[i] = nf
            g[i] = ng
            previousF = fi
            previousG = gi
            c += nf * ng
            p += nf * nf + ng * ng
            i += 1
        }
        return (c, p)
    }

    /// `(sum f[i] g[i], sum f[i]^2 + g[i]^2)` over `n` elements, in four independent lanes.
    @inline(__always)
    private static func crossAndPower(_ f: UnsafePointer<Double>, _ g: UnsafePointer<Double>, _ n: Int) -> (Double, Double) {
        var cross = SIMD4<Double>.zero, power = SIMD4<Double>.zero
        var i = 0
        while i + 4 <= n {
            let vf = UnsafeRawPointer(f + i).loadUnaligned(as: SIMD4<Double>.self)
            let vg = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD4<Double>.self)
            cross += vf * vg
            power += vf * vf + vg * vg
            i += 4
        }
        var c = cross.sum(), p = power.sum()
        while i < n {
            c += f[i] * g[i]
            p += f[i] * f[i] + g[i] * g[i]
            i += 1
        }
        return (c, p)
    }

    /// The coefficients `a[1...order]` of the autocorrelation-method predictor for the autocorrelation `r[0...order]`,
    /// by the Levinson–Durbin recursion, written to `coefficients[0 ..< order]` (same sign convention as
    /// ``burg(_:count:order:coefficients:work:)``). Returns false when `r[0]` is not positive.
    public static func levinson(_ r: UnsafePointer<Double>, order: Int, coefficients a: UnsafeMutablePointer<Double>) -> Bool {
        for k in 0..<order { a[k] = 0 }
        guard r[0] > 0 else { return false }
        var error = r[0]
        for m in 0..<order {
            var acc = r[m + 1]
            for j in 0..<m { acc += a[j] * r[m - j] }
            let k = -acc / error
            addReflection(k, order: m, to: a)
            error *= 1 - k * k
            guard error > 0 else { return true }
        }
        return true
    }

    /// The Levinson step shared by Burg and the autocorrelation method: extends the order-`m` predictor
    /// `a[0 ..< m]` to order `m + 1` with reflection coefficient `k` (which becomes `a[m]`).
    @inline(__always)
    private static func addReflection(_ k: Double, order m: Int, to a: UnsafeMutablePointer<Double>) {
        a[m] = k
        var lo = 0, hi = m - 1
        while lo <= hi {
            let al = a[lo], ah = a[hi]
            a[lo] = al + k * ah
            if lo != hi { a[hi] = ah + k * al }
            lo += 1
            hi -= 1
        }
    }

    /// Writes the `keep` lowest resonances among `roots` (poles of `1 / A(z)` at `sampleRate`) whose frequency
    /// lies in `[lowHz, highHz]`, as (frequency Hz, bandwidth Hz) pairs to `out[0 ..< 2 keep]`; missing ones are
    /// (0, 0). Only roots in the upper half plane count; roots outside the unit circle are reflected into it
    /// (same frequency, stable bandwidth). Bandwidth is `-ln|z| fs / pi`.
    public static func resonances(_ roots: UnsafePointer<(Double, Double)>, count n: Int, sampleRate: Double,
                                  lowHz: Double, highHz: Double, keep: Int, into out: UnsafeMutablePointer<Float>) {
        for i in 0..<(2 * keep) { out[i] = 0 }
        var found = 0
        for j in 0..<n where roots[j].1 > 0 {
            var (re, im) = roots[j]
            var radius = hypot(re, im)
            if radius > 1 {
                re /= radius * radius
                im /= radius * radius
                radius = 1 / radius
            }
            let frequency = atan2(im, re) * sampleRate / (2 * .pi)
            guard frequency >= lowHz && frequency <= highHz else { continue }
            // Insert in frequency order, keeping the lowest `keep`.
            var place = found
            while place > 0 && Double(out[2 * (place - 1)]) > frequency {
                if place < keep {
                    out[2 * place] = out[2 * (place - 1)]
                    out[2 * place + 1] = out[2 * (place - 1) + 1]
                }
                place -= 1
            }
            if place < keep {
                out[2 * place] = Float(frequency)
                out[2 * place + 1] = Float(-log(radius) * sampleRate / .pi)
                found = min(found + 1, keep)
            }
        }
    }
}
