/// Limited-memory BFGS minimisation (Liu and Nocedal, "On the limited memory BFGS method for large scale
/// optimization", Math. Programming 45, 1989; Nocedal and Wright, *Numerical Optimization*, 2nd ed.,
/// Algorithms 7.4 and 7.5) with a backtracking line search that enforces the Armijo condition.
///
/// Deterministic: no randomness, and the same inputs give the same iterates on any machine with IEEE doubles.
struct LBFGS {
    /// Number of correction pairs kept.
    var memory = 10
    /// Iteration limit.
    var maxIterations = 500
    /// Converged when the largest gradient component is at most this (scikit-learn's `tol` default, 1e-4).
    var gradientTolerance = 1e-4
    /// Converged when an iteration lowers the objective by less than this fraction of its size.
    var relativeTolerance = 1e-10

    /// Evaluates the objective at `x`, writing its gradient into `gradient`, and returns the value.
    typealias Objective = (_ x: UnsafeBufferPointer<Double>, _ gradient: UnsafeMutableBufferPointer<Double>) -> Double

    /// Minimises `objective` starting from `x`, which receives the minimiser.
    /// - Returns: the final objective value and the number of iterations taken.
    @discardableResult
    func minimize(_ x: inout [Double], _ objective: Objective) -> (value: Double, iterations: Int) {
        let n = x.count
        var g = [Double](repeating: 0, count: n)
        var f = evaluate(objective, x, &g)
        var s: [[Double]] = [], y: [[Double]] = [], rho: [Double] = []
        var d = [Double](repeating: 0, count: n), xNew = d, gNew = d
        var alphas = [Double](repeating: 0, count: memory)
        var iteration = 0
        while iteration < maxIterations {
            if g.reduce(0, { max($0, abs($1)) }) <= gradientTolerance { break }
            iteration += 1
            // Two-loop recursion: d = −H g.
            for i in 0..<n { d[i] = -g[i] }
            for j in stride(from: s.count - 1, through: 0, by: -1) {
                alphas[j] = rho[j] * dot(s[j], d)
                for i in 0..<n { d[i] -= alphas[j] * y[j][i] }
            }
            if let lastS = s.last, let lastY = y.last {
                let gamma = dot(lastS, lastY) / dot(lastY, lastY)
                for i in 0..<n { d[i] *= gamma }
            }
            for j in 0..<s.count {
                let beta = rho[j] * dot(y[j], d)
                for i in 0..<n { d[i] += s[j][i] * (alphas[j] - beta) }
            }
            var slope = dot(g, d)
            if slope >= 0 {
                // Not a descent direction (rounding): restart from steepest descent.
                s.removeAll(); y.removeAll(); rho.removeAll()
                for i in 0..<n { d[i] = -g[i] }
                slope = dot(g, d)
            }
            var step = s.isEmpty ? min(1, 1 / max(dot(g, g).squareRoot(), 1e-300)) : 1
            var fNew = f
            var accepted = false
            for _ in 0..<50 {
                for i in 0..<n { xNew[i] = x[i] + step * d[i] }
                fNew = evaluate(objective, xNew, &gNew)
                if fNew.isFinite && fNew <= f + 1e-4 * step * slope {
                    accepted = true
                    break
                }
                step *= 0.5
            }
            guard accepted else { break }
            var sk = [Double](repeating: 0, count: n), yk = sk
            for i in 0..<n {
                sk[i] = xNew[i] - x[i]
                yk[i] = gNew[i] - g[i]
            }
            let sy = dot(sk, yk)
            if sy > 1e-12 * dot(yk, yk).squareRoot() * dot(sk, sk).squareRoot() {
                if s.count == memory {
                    s.removeFirst(); y.removeFirst(); rho.removeFirst()
                }
                s.append(sk); y.append(yk); rho.append(1 / sy)
            }
            let decrease = f - fNew
            swap(&x, &xNew)
            swap(&g, &gNew)
            f = fNew
            if decrease <= relativeTolerance * max(abs(f), 1) { break }
        }
        return (f, iteration)
    }

    private func evaluate(_ objective: Objective, _ x: [Double], _ g: inout [Double]) -> Double {
        x.withUnsafeBufferPointer { xp in g.withUnsafeMutableBufferPointer { objective(xp, $0) } }
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }
}
