#if canImport(Glibc)
import Glibc
#endif

/// One fully connected layer `y = activation(W x + b)`.
public struct DenseLayer: Sendable, Hashable, Codable {
    /// The nonlinearity after the affine map.
    public enum Activation: String, Sendable, Hashable, Codable {
        /// max(0, x), for hidden layers.
        case relu
        /// Normalised exponentials: the output layer's class probabilities.
        case softmax
    }

    /// Input size.
    public var inputs: Int
    /// Output size.
    public var outputs: Int
    /// `outputs` × `inputs` weights, row-major (row `o` holds the weights into output `o`).
    public var weights: [Double]
    /// `outputs` biases.
    public var bias: [Double]
    /// The nonlinearity.
    public var activation: Activation

    /// Creates a layer with the given values; `weights` holds `outputs` × `inputs` values, row-major, and
    /// `bias` holds `outputs` values.
    public init(inputs: Int, outputs: Int, weights: [Double], bias: [Double], activation: Activation) {
        self.inputs = inputs
        self.outputs = outputs
        self.weights = weights
        self.bias = bias
        self.activation = activation
    }

    /// Writes `activation(W x + b)` for the `inputs` values at `x` into the `outputs` values at `y`.
    func forward(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        weights.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                Self.forward(weights: w.baseAddress!, bias: b.baseAddress!, inputs: inputs, outputs: outputs,
                             activation: activation, x, into: y)
            }
        }
    }

    /// `activation(W x + b)` on raw buffers: `weights` is `outputs` × `inputs`, row-major. Shared by inference
    /// and by the MLP trainer, which keeps its parameters in one flat buffer.
    static func forward(weights: UnsafePointer<Double>, bias: UnsafePointer<Double>, inputs: Int, outputs: Int,
                        activation: Activation, _ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        for o in 0..<outputs {
            var sum = bias[o]
            let row = weights + o * inputs
            for i in 0..<inputs { sum += row[i] * x[i] }
            y[o] = sum
        }
        switch activation {
        case .relu: for o in 0..<outputs { y[o] = max(0, y[o]) }
        case .softmax: softmaxInPlace(y, count: outputs)
        }
    }
}

/// Replaces `count` logits with their softmax, computed stably (the maximum is subtracted first).
func softmaxInPlace(_ z: UnsafeMutablePointer<Double>, count: Int) {
    var top = -Double.infinity
    for k in 0..<count { top = max(top, z[k]) }
    var sum = 0.0
    for k in 0..<count {
        z[k] = exp(z[k] - top)
        sum += z[k]
    }
    for k in 0..<count { z[k] /= sum }
}

/// A feed-forward network of ``DenseLayer``s ending in a softmax: multinomial logistic regression is the
/// one-layer case, the multilayer perceptron has one or two ReLU hidden layers before it.
public struct DenseNetwork: Sendable, Hashable, Codable {
    /// The layers, input first.
    public var layers: [DenseLayer]

    /// Creates a network of `layers`, input first.
    public init(layers: [DenseLayer]) { self.layers = layers }

    /// Input size.
    public var inputs: Int { layers.first?.inputs ?? 0 }
    /// Number of classes.
    public var outputs: Int { layers.last?.outputs ?? 0 }

    /// Class probabilities for every row of `x` (`x.rows` × ``outputs``).
    public func probabilities(_ x: FeatureMatrix) -> FeatureMatrix {
        precondition(x.columns == inputs, "network for \(inputs) inputs given \(x.columns) columns")
        var out = FeatureMatrix(rows: x.rows, columns: outputs)
        // Two scratch vectors, alternately the input and the output of the hidden layers.
        let width = layers.map(\.outputs).max() ?? 0
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 2 * width)
        defer { scratch.deallocate() }
        x.withUnsafeValues { xv in
            out.withUnsafeMutableValues { ov in
                for r in 0..<x.rows {
                    var input = UnsafePointer(xv.baseAddress! + r * inputs)
                    for (l, layer) in layers.enumerated() {
                        let output = l == layers.count - 1 ? ov.baseAddress! + r * outputs : scratch + (l % 2) * width
                        layer.forward(input, into: output)
                        input = UnsafePointer(output)
                    }
                }
            }
        }
        return out
    }
}
