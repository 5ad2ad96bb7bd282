#if canImport(Glibc)
import Glibc
#endif

/// Linear prediction by Burg's method and the roots of the prediction polynomial.
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

    /// The roots of `z^n + c[0] z^(n-1) + ... + c[n-1]` (a monic polynomial with real coefficients), by Laguerre's
    /// method with deflation and, when `polish` is true, polishing on the full polynomial (Numerical Recipes
    /// `zroots`). Writes `n` roots as (real, imaginary) pairs to `roots`. Polishing halves the speed and matters
    /// only for roots needed to more than a few significant digits.
    ///
    /// With `warmStart`, the search for the `j`-th root starts from the value `roots[j]` holds on entry (e.g. the
    /// previous analysis frame's roots, which a slowly changing polynomial keeps close) instead of 0: usually
    /// one or two iterations instead of five to ten. The roots found are the same up to rounding; only their
    /// order may differ.
    public static func roots(monic c: UnsafePointer<Double>, degree n: Int, polish: Bool = true, warmStart: Bool = false,
                             into roots: UnsafeMutablePointer<(Double, Double)>) {
        withUnsafeTemporaryAllocation(of: Complex.self, capacity: 2 * (n + 1)) { buffer in
            // Coefficients in ascending powers: p[0] + p[1] z + ... + p[n] z^n, and a copy to deflate.
            let p = buffer.baseAddress!, deflated = p + (n + 1)
            p[n] = Complex(1, 0)
            for k in 0..<n { p[n - 1 - k] = Complex(c[k], 0) }
            deflated.update(from: p, count: n + 1)
            for j in stride(from: n, through: 1, by: -1) {
                var x = warmStart ? Complex(roots[j - 1].0, roots[j - 1].1) : Complex(0, 0)
                if !(x.re.isFinite && x.im.isFinite) { x = Complex(0, 0) }
                laguerre(deflated, degree: j, &x)
                if abs(x.im) <= 2e-12 * abs(x.re) { x.im = 0 }
                roots[j - 1] = (x.re, x.im)
                // Synthetic division by (z - x).
                var b = deflated[j]
                for jj in stride(from: j - 1, through: 0, by: -1) {
                    let t = deflated[jj]
                    deflated[jj] = b
                    b = x * b + t
                }
            }
            for j in 0..<n where polish {
                var x = Complex(roots[j].0, roots[j].1)
                laguerre(p, degree: n, &x)
                roots[j] = (x.re, x.im)
            }
        }
    }

    private static let stepFractions: [Double] = [0.5, 0.25, 0.75, 0.13, 0.38, 0.62, 0.88, 1.0]

    private struct Complex {
        var re: Double, im: Double
        init(_ re: Double, _ im: Double) { self.re = re; self.im = im }
        static func + (a: Complex, b: Complex) -> Complex { Complex(a.re + b.re, a.im + b.im) }
        static func - (a: Complex, b: Complex) -> Complex { Complex(a.re - b.re, a.im - b.im) }
        static func * (a: Complex, b: Complex) -> Complex { Complex(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re) }
        static func / (a: Complex, b: Complex) -> Complex {
            let d = b.re * b.re + b.im * b.im
            return Complex((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d)
        }
        var magnitude: Double { (re * re + im * im).squareRoot() }  // no overflow at LPC root scales
        var squareRoot: Complex {
            let m = magnitude
            guard m > 0 else { return Complex(0, 0) }
            let r = ((m + abs(re)) / 2).squareRoot()
            if re >= 0 { return Complex(r, im / (2 * r)) }
            return Complex(abs(im) / (2 * r), im >= 0 ? r : -r)
        }
    }

    /// Laguerre iteration towards a root of the degree-`m` polynomial with ascending coefficients `a`, from `x`.
    private static func laguerre(_ a: UnsafePointer<Complex>, degree m: Int, _ x: inout Complex) {
        for iteration in 1...80 {
            var b = a[m], d = Complex(0, 0), f = Complex(0, 0)
            var err = b.magnitude
            let absX = x.magnitude
            for j in stride(from: m - 1, through: 0, by: -1) {
                f = x * f + d
                d = x * d + b
                b = x * b + a[j]
                err = b.magnitude + absX * err
            }
            err *= 1e-15
            if b.magnitude <= err { return }
            let g = d / b
            let g2 = g * g
            let h = g2 - Complex(2, 0) * f / b
            let sq = (Complex(Double(m - 1), 0) * (Complex(Double(m), 0) * h - g2)).squareRoot
            let gp = g + sq, gm = g - sq
            let denominator = gp.magnitude >= gm.magnitude ? gp : gm
            let dx = denominator.magnitude > 0
                ? Complex(Double(m), 0) / denominator
                : Complex((1 + absX) * cos(Double(iteration)), (1 + absX) * sin(Double(iteration)))
            let x1 = x - dx
            if x1.re == x.re && x1.im == x.im { return }
            if iteration % 10 != 0 {
                x = x1
            } else {
                // Every tenth step takes a fraction of the step, breaking limit cycles (Numerical Recipes).
                x = x - Complex(stepFractions[(iteration / 10) % 8], 0) * dx
            }
        }
    }
}
