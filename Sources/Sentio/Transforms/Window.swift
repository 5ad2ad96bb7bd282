#if canImport(Glibc)
import Glibc
#endif

/// Analysis window shapes.
///
/// Coefficients are computed in double precision and stored as Float, as Kaldi and scipy do.
/// `Symmetric` windows (Kaldi's convention) divide by `L - 1`; `periodic` windows (scipy's `fftbins=True`,
/// librosa's default) divide by `L`.
public enum WindowFunction: Sendable, Hashable {
    /// Hann, `0.5 - 0.5 cos(2 pi n / D)`.
    case hann(periodic: Bool)
    /// Hamming, `0.54 - 0.46 cos(2 pi n / D)`.
    case hamming(periodic: Bool)
    /// Kaldi's "povey" window, `(0.5 - 0.5 cos(2 pi n / (L - 1)))^0.85`: a Hann window raised to 0.85,
    /// non-zero at the edges' neighbours (Povey et al., Kaldi `feature-window.cc`).
    case povey
    /// Blackman, `0.42 - 0.5 cos(2 pi n / D) + 0.08 cos(4 pi n / D)` (Kaldi's `blackman_coeff` 0.42).
    case blackman(periodic: Bool)
    /// All ones.
    case rectangular

    /// The `length` window coefficients.
    public func coefficients(length: Int) -> [Float] {
        guard length > 1 else { return [Float](repeating: 1, count: max(0, length)) }
        func denominator(_ periodic: Bool) -> Double { Double(periodic ? length : length - 1) }
        return (0..<length).map { i -> Float in
            let n = Double(i)
            switch self {
            case .hann(let periodic):
                return Float(0.5 - 0.5 * cos(2 * Double.pi * n / denominator(periodic)))
            case .hamming(let periodic):
                return Float(0.54 - 0.46 * cos(2 * Double.pi * n / denominator(periodic)))
            case .povey:
                return Float(pow(0.5 - 0.5 * cos(2 * Double.pi * n / Double(length - 1)), 0.85))
            case .blackman(let periodic):
                let a = 2 * Double.pi / denominator(periodic)
                return Float(0.42 - 0.5 * cos(a * n) + 0.08 * cos(2 * a * n))
            case .rectangular:
                return 1
            }
        }
    }
}
