#if canImport(Glibc)
import Glibc
#endif

/// Roots of the (real, monic) prediction polynomial: Laguerre's method with deflation from scratch, and
/// Aberth–Ehrlich refinement of a previous frame's roots.
extension LinearPrediction {
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

    /// Refines `roots[0 ..< n]`, approximate roots of `z^n + c[0] z^(n-1) + ... + c[n-1]` (real coefficients),
    /// in place to roots of it by the Aberth–Ehrlich iteration (O. Aberth, "Iteration methods for finding all
    /// zeros of a polynomial simultaneously", Math. Comp. 27, 1973; L. W. Ehrlich, Comm. ACM 10, 1967).
    ///
    /// Each sweep moves every root by `w = N / (1 − N Σ_(j≠i) 1 / (z_i − z_j))`, where `N = p(z_i) / p′(z_i)`
    /// is its Newton step: the sum repels it from the other approximations, so no two converge to the same
    /// root, and near the roots convergence is cubic. The roots are updated four to a vector, each group of
    /// four from the others' latest values (block Gauss–Seidel, which takes fewer sweeps than the Jacobi
    /// form). Started from the previous analysis frame's roots, about five sweeps settle them, where
    /// Laguerre's method takes three to four latency-bound iterations per root and a deflation each; every
    /// root is a root of the full polynomial, with no deflation error.
    ///
    /// The approximations are first turned by 0.03 rad about the origin, and real ones lifted off the axis
    /// by 1e-3 of their size: from a set symmetric about the real axis the iteration stays nearly symmetric,
    /// and a conjugate pair that has become two real roots (or two real roots that have become a pair) then
    /// takes many sweeps to split.
    ///
    /// - Parameters:
    ///   - tolerance: the iteration stops once, in one sweep, every correction is below
    ///     `tolerance · max(|z|, 0.1)`. Default 1e-8: with cubic convergence the next correction would be of
    ///     the order of 1e-24, far below rounding, unless two roots nearly coincide.
    ///   - maximumSweeps: default 30.
    /// - Returns: false, with `roots` unchanged, when the approximations are not finite and distinct or the
    ///   iteration does not settle; the caller then finds the roots from scratch
    ///   (``roots(monic:degree:polish:warmStart:into:)``). Roots within `2e-12 |re|` of the real axis are
    ///   made real, as there.
    public static func refineRoots(monic c: UnsafePointer<Double>, degree n: Int,
                                   _ roots: UnsafeMutablePointer<(Double, Double)>,
                                   tolerance: Double = 1e-8, maximumSweeps: Int = 30) -> Bool {
        guard n > 0 else { return true }
        let groups = (n + 3) / 4
        typealias Lanes = SIMD4<Double>
        // Real and imaginary parts; lanes past n hold a point far from every root and are never updated.
        return withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 2 * groups) { buffer -> Bool in
            let re = buffer.baseAddress!, im = re + groups
            let turn = (cos: cos(0.03), sin: sin(0.03))
            for i in 0..<(4 * groups) {
                var (x, y) = i < n ? roots[i] : (100, 100)
                guard x.isFinite && y.isFinite else { return false }
                if y == 0 { y = 1e-3 * max(abs(x), 0.1) }
                (x, y) = (x * turn.cos - y * turn.sin, x * turn.sin + y * turn.cos)
                re[i / 4][i % 4] = x
                im[i / 4][i % 4] = y
            }
            for i in 0..<n {
                for j in 0..<i {
                    let dx = re[i / 4][i % 4] - re[j / 4][j % 4], dy = im[i / 4][i % 4] - im[j / 4][j % 4]
                    let size = max(re[i / 4][i % 4] * re[i / 4][i % 4] + im[i / 4][i % 4] * im[i / 4][i % 4], 0.01)
                    if dx * dx + dy * dy <= 1e-18 * size { return false }
                }
            }
            let one = Lanes(repeating: 1), tolerance2 = Lanes(repeating: tolerance * tolerance)
            // A group whose corrections were all below the tolerance is settled and left alone: its roots are
            // at rounding level, and the other groups' repulsion reads them as they are.
            var frozen = 0
            for _ in 0..<maximumSweeps {
                var settled = true
                for g in 0..<groups where frozen & (1 << g) == 0 {
                    let x = re[g], y = im[g]
                    // p(z) and p′(z) by Horner's rule.
                    var pr = one, pi = Lanes(), dr = Lanes(), di = Lanes()
                    for k in 0..<n {
                        let ndr = dr * x - di * y + pr, ndi = dr * y + di * x + pi
                        let npr = pr * x - pi * y + Lanes(repeating: c[k]), npi = pr * y + pi * x
                        (dr, di, pr, pi) = (ndr, ndi, npr, npi)
                    }
                    let dd = dr * dr + di * di
                    let nr = (pr * dr + pi * di) / dd, ni = (pi * dr - pr * di) / dd
                    // Σ_(j≠i) 1 / (z_i − z_j); the lane of root j itself adds 0.
                    var sr = Lanes(), si = Lanes()
                    let index = Lanes(Double(4 * g), Double(4 * g + 1), Double(4 * g + 2), Double(4 * g + 3))
                    for j in 0..<n {
                        let self_ = index .== Lanes(repeating: Double(j))
                        var ar = x - Lanes(repeating: re[j / 4][j % 4]), ai = y - Lanes(repeating: im[j / 4][j % 4])
                        var d = ar * ar + ai * ai
                        ar.replace(with: 0, where: self_)
                        ai.replace(with: 0, where: self_)
                        d.replace(with: 1, where: self_)
                        let inverse = 1 / d  // one division, not two
                        sr += ar * inverse
                        si -= ai * inverse
                    }
                    let qr = one - (nr * sr - ni * si), qi = -(nr * si + ni * sr)
                    let qd = qr * qr + qi * qi
                    var wr = (nr * qr + ni * qi) / qd, wi = (ni * qr - nr * qi) / qd
                    // p(z) = 0 exactly leaves the root where it is.
                    let exact = (pr .== 0) .& (pi .== 0)
                    wr.replace(with: 0, where: exact)
                    wi.replace(with: 0, where: exact)
                    let zr = x - wr, zi = y - wi
                    let moved = wr * wr + wi * wi
                    let limit = tolerance2 * pointwiseMax(zr * zr + zi * zi, Lanes(repeating: 0.01))
                    let valid = index .< Lanes(repeating: Double(n))
                    if any(valid .& .!(moved .== moved)) { return false }  // NaN: it would spread to every root
                    if any(valid .& .!(moved .<= limit)) { settled = false } else { frozen |= 1 << g }
                    re[g] = x.replacing(with: zr, where: valid)
                    im[g] = y.replacing(with: zi, where: valid)
                }
                if settled {
                    for i in 0..<n {
                        let x = re[i / 4][i % 4], y = im[i / 4][i % 4]
                        roots[i] = (x, abs(y) <= 2e-12 * abs(x) ? 0 : y)
                    }
                    return true
                }
            }
            return false
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
