#if canImport(Glibc)
import Glibc
#endif

/// Multinomial logistic regression with an L2 penalty, fitted by ``LBFGS``.
///
/// Minimises, as scikit-learn's `LogisticRegression(multi_class="multinomial", solver="lbfgs")` does up to a
/// constant factor, `C Σᵢ wᵢ CEᵢ + ½ ‖W‖²` (weights only; the intercepts are not penalised), where `CEᵢ` is the
/// cross-entropy of example i and `wᵢ` its sample weight. The objective is divided by `C Σᵢ wᵢ` so that
/// its scale does not depend on the corpus size. Convex, so the result does not depend on the start.
struct LogisticRegressionTrainer {
    /// Inverse regularisation strength, as scikit-learn's `C`: smaller is smoother.
    var c: Double
    /// Optimiser settings.
    var optimizer = LBFGS()

    /// Fits `x` (standardised features) to class indices `labels` in 0..<classes.
    func fit(x: FeatureMatrix, labels: [Int], classes: Int, sampleWeights: [Double]) -> DenseNetwork {
        let d = x.columns, k = classes, n = x.rows
        let totalWeight = sampleWeights.reduce(0, +)
        let penalty = 1 / (c * totalWeight)
        var parameters = [Double](repeating: 0, count: k * d + k)
        let logits = UnsafeMutablePointer<Double>.allocate(capacity: k)
        defer { logits.deallocate() }
        x.withUnsafeValues { xv in
            _ = optimizer.minimize(&parameters) { p, g in
                let w = p.baseAddress!, b = w + k * d
                let gw = g.baseAddress!, gb = gw + k * d
                var loss = 0.0
                for i in 0..<(k * d) {
                    gw[i] = penalty * w[i]
                    loss += 0.5 * penalty * w[i] * w[i]
                }
                for j in 0..<k { gb[j] = 0 }
                for r in 0..<n {
                    let row = xv.baseAddress! + r * d
                    for j in 0..<k {
                        var z = b[j]
                        let wj = w + j * d
                        for i in 0..<d { z += wj[i] * row[i] }
                        logits[j] = z
                    }
                    softmaxInPlace(logits, count: k)
                    let weight = sampleWeights[r] / totalWeight
                    loss -= weight * log(max(logits[labels[r]], 1e-300))
                    for j in 0..<k {
                        let residual = weight * (logits[j] - (j == labels[r] ? 1 : 0))
                        gb[j] += residual
                        let gj = gw + j * d
                        for i in 0..<d { gj[i] += residual * row[i] }
                    }
                }
                return loss
            }
        }
        let layer = DenseLayer(inputs: d, outputs: k, weights: Array(parameters[0..<(k * d)]),
                               bias: Array(parameters[(k * d)...]), activation: .softmax)
        return DenseNetwork(layers: [layer])
    }
}

/// Sample weights that give every class the same total weight: `n / (classes · n_c)` for an example of
/// class c (scikit-learn's `class_weight="balanced"`).
func balancedWeights(labels: [Int], classes: Int) -> [Double] {
    var counts = [Int](repeating: 0, count: classes)
    for l in labels { counts[l] += 1 }
    return labels.map { Double(labels.count) / (Double(classes) * Double(counts[$0])) }
}
