#if canImport(Glibc)
import Glibc
#endif

/// A multilayer perceptron (one or two ReLU hidden layers, softmax output) trained with Adam
/// (Kingma and Ba, "Adam: a method for stochastic optimization", ICLR 2015) on shuffled mini-batches.
///
/// Follows scikit-learn's `MLPClassifier` conventions: Glorot-uniform initialisation (Glorot and Bengio,
/// AISTATS 2010), an L2 penalty `alpha` added to each batch's gradient as `alpha · W / batchSize`, and Adam's
/// default moments (β₁ 0.9, β₂ 0.999, ε 1e-8). Each example's cross-entropy is multiplied by its sample
/// weight (class balancing). Initialisation and batch order come from a ``SeededRandom``, and the arithmetic
/// runs in one thread, so a seed reproduces the network bit for bit.
struct MultilayerPerceptronTrainer {
    /// Widths of the hidden layers (one or two).
    var hidden: [Int]
    /// L2 penalty.
    var alpha: Double
    /// Passes over the training data.
    var epochs = 200
    /// Examples per gradient step.
    var batchSize = 64
    /// Adam step size.
    var learningRate = 1e-3
    /// Seed of the initial weights and the batch order.
    var seed: UInt64 = 0

    func fit(x: FeatureMatrix, labels: [Int], classes: Int, sampleWeights: [Double]) -> DenseNetwork {
        var random = SeededRandom(seed: seed)
        let sizes = [x.columns] + hidden + [classes]
        let layerCount = sizes.count - 1
        // One flat buffer per quantity; layer l's weights start at weightOffset[l], its biases and
        // activations at unitOffset[l]. Flat buffers keep the hot loops free of array bounds and
        // copy-on-write checks.
        var weightOffset = [0], unitOffset = [0]
        for l in 0..<layerCount {
            weightOffset.append(weightOffset[l] + sizes[l] * sizes[l + 1])
            unitOffset.append(unitOffset[l] + sizes[l + 1])
        }
        let weightCount = weightOffset[layerCount], unitCount = unitOffset[layerCount]
        let parameters = UnsafeMutableBufferPointer<Double>.allocate(capacity: 4 * (weightCount + unitCount))
        parameters.initialize(repeating: 0)
        let buffers = UnsafeMutableBufferPointer<Double>.allocate(capacity: 2 * unitCount)
        buffers.initialize(repeating: 0)
        defer {
            parameters.deallocate()
            buffers.deallocate()
        }
        // Parameters, gradients and the two Adam moments, each laid out as [weights | biases].
        let size = weightCount + unitCount
        let p = parameters.baseAddress!, g = p + size, m = g + size, v = m + size
        let activation = buffers.baseAddress!, delta = activation + unitCount
        for l in 0..<layerCount {
            let fanIn = sizes[l], fanOut = sizes[l + 1]
            let limit = (6 / Double(fanIn + fanOut)).squareRoot()
            for i in 0..<(fanIn * fanOut) { p[weightOffset[l] + i] = (2 * random.uniform() - 1) * limit }
            for o in 0..<fanOut { p[weightCount + unitOffset[l] + o] = (2 * random.uniform() - 1) * limit }
        }
        var order = Array(0..<x.rows)
        var step = 0
        let beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8
        x.withUnsafeValues { xv in
            for _ in 0..<epochs {
                random.shuffle(&order)
                for batchStart in stride(from: 0, to: order.count, by: batchSize) {
                    let batch = order[batchStart..<min(batchStart + batchSize, order.count)]
                    var batchWeight = 0.0
                    for r in batch { batchWeight += sampleWeights[r] }
                    let decay = alpha / Double(batch.count)
                    for i in 0..<weightCount { g[i] = decay * p[i] }
                    for i in weightCount..<size { g[i] = 0 }
                    for r in batch {
                        // Forward.
                        var input = xv.baseAddress! + r * x.columns
                        for l in 0..<layerCount {
                            let out = activation + unitOffset[l]
                            DenseLayer.forward(weights: p + weightOffset[l], bias: p + weightCount + unitOffset[l],
                                               inputs: sizes[l], outputs: sizes[l + 1],
                                               activation: l == layerCount - 1 ? .softmax : .relu, input, into: out)
                            input = UnsafePointer(out)
                        }
                        // Backward: softmax with cross-entropy gives (p − y) at the output.
                        let weight = sampleWeights[r] / batchWeight
                        let last = layerCount - 1
                        for j in 0..<classes {
                            delta[unitOffset[last] + j] = weight * (activation[unitOffset[last] + j] - (j == labels[r] ? 1 : 0))
                        }
                        for l in stride(from: last, through: 0, by: -1) {
                            let fanIn = sizes[l]
                            let below = l == 0 ? xv.baseAddress! + r * x.columns : UnsafePointer(activation + unitOffset[l - 1])
                            let d = delta + unitOffset[l]
                            let w = p + weightOffset[l], gw = g + weightOffset[l], gb = g + weightCount + unitOffset[l]
                            let belowDelta = l == 0 ? nil : delta + unitOffset[l - 1]
                            if let belowDelta { for i in 0..<fanIn { belowDelta[i] = 0 } }
                            for o in 0..<sizes[l + 1] where d[o] != 0 {
                                let e = d[o]
                                gb[o] += e
                                let gRow = gw + o * fanIn, wRow = w + o * fanIn
                                for i in 0..<fanIn { gRow[i] += e * below[i] }
                                if let belowDelta { for i in 0..<fanIn { belowDelta[i] += wRow[i] * e } }
                            }
                            if let belowDelta { for i in 0..<fanIn where below[i] <= 0 { belowDelta[i] = 0 } }
                        }
                    }
                    step += 1
                    let rate = learningRate * (1 - pow(beta2, Double(step))).squareRoot() / (1 - pow(beta1, Double(step)))
                    for i in 0..<size {
                        m[i] = beta1 * m[i] + (1 - beta1) * g[i]
                        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
                        p[i] -= rate * m[i] / (v[i].squareRoot() + epsilon)
                    }
                }
            }
        }
        return DenseNetwork(layers: (0..<layerCount).map { l in
            DenseLayer(inputs: sizes[l], outputs: sizes[l + 1],
                       weights: Array(parameters[weightOffset[l]..<weightOffset[l + 1]]),
                       bias: Array(parameters[(weightCount + unitOffset[l])..<(weightCount + unitOffset[l + 1])]),
                       activation: l == layerCount - 1 ? .softmax : .relu)
        })
    }
}
