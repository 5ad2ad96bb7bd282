#if canImport(Glibc)
import Glibc
#endif

/// HTK/Kaldi sinusoidal cepstral lifter: coefficient `i` is scaled by `1 + (Q / 2) sin(pi i / Q)`.
///
/// Reference: HTK Book, section 5.6 ("CEPLIFTER"); Kaldi `ComputeLifterCoeffs`. `Q = 22` is the common
/// default; `Q = 0` disables liftering.
public struct CepstralLifter: Sendable {
    /// The lifter parameter `Q`.
    public let q: Double
    /// Per-coefficient scale factors.
    public let coefficients: [Float]

    /// Precomputes the scale factors of the first `count` coefficients for lifter parameter `q` (0: all 1).
    public init(q: Double, count: Int) {
        self.q = q
        coefficients = (0..<count).map { i in q == 0 ? 1 : Float(1 + 0.5 * q * sin(Double.pi * Double(i) / q)) }
    }

    /// Scales `values` (``coefficients``.count of them) in place.
    @inline(__always)
    public func apply(_ values: UnsafeMutablePointer<Float>) {
        for i in 0..<coefficients.count { values[i] *= coefficients[i] }
    }
}
