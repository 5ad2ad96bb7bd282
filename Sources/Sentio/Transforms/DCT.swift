#if canImport(Glibc)
import Glibc
#endif

/// Orthonormal DCT-II, truncated to the first `outputCount` coefficients:
/// `c[k] = s(k) * sum_n x[n] cos(pi k (n + 0.5) / N)`, `s(0) = sqrt(1/N)`, `s(k>0) = sqrt(2/N)`.
///
/// This is Kaldi's `ComputeDctMatrix` and scipy's `dct(type=2, norm="ortho")` (used by librosa's MFCC).
/// The matrix is precomputed once (double precision, stored as Float) and applied as a dense product.
public struct DCT: Sendable {
    /// Input length `N`.
    public let inputCount: Int
    /// Number of coefficients kept.
    public let outputCount: Int
    /// Row-major `outputCount x inputCount` matrix.
    public let matrix: [Float]

    /// Precomputes the matrix for `inputCount` inputs and the first `outputCount` coefficients.
    /// - Precondition: `outputCount` <= `inputCount`.
    public init(inputCount: Int, outputCount: Int) {
        precondition(outputCount <= inputCount, "cannot keep more DCT coefficients than inputs")
        self.inputCount = inputCount
        self.outputCount = outputCount
        let n = Double(inputCount)
        var m = [Float](repeating: 0, count: outputCount * inputCount)
        for k in 0..<outputCount {
            let scale = k == 0 ? (1 / n).squareRoot() : (2 / n).squareRoot()
            for j in 0..<inputCount {
                m[k * inputCount + j] = Float(scale * cos(Double.pi / n * (Double(j) + 0.5) * Double(k)))
            }
        }
        matrix = m
    }

    /// `out[k] = sum_n M[k][n] * input[n]`.
    @inline(__always)
    public func apply(_ input: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        matrix.withUnsafeBufferPointer { m in
            let mp = m.baseAddress!
            for k in 0..<outputCount { out[k] = VectorMath.dot(mp + k * inputCount, input, inputCount) }
        }
    }
}
