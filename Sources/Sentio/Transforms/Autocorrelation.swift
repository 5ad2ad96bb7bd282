/// Short-time autocorrelation by the Wiener–Khinchin theorem: the inverse FFT of the power spectrum.
///
/// `r[k] = sum_n x[n] x[n + k]` for a frame of `frameLength` samples zero-padded to `size` points; with
/// `size >= frameLength + maxLag` the circular correlation equals the linear one for every lag up to `maxLag`.
/// Two real transforms replace the `O(L * maxLag)` direct sum. Buffers are allocated once; create one
/// instance per worker.
public final class Autocorrelation {
    /// FFT length in samples.
    public let size: Int
    /// The frame to correlate: fill the first samples, leave (or set) the rest to zero.
    public var input: UnsafeMutableBufferPointer<Float> { forward.input }
    private let forward: RealFFT
    private let inverse: RealInverseFFT

    /// An autocorrelation over `size`-point transforms (choose `size >= frameLength + maxLag`).
    public init(size: Int) {
        self.size = size
        forward = RealFFT(size: size)
        inverse = RealInverseFFT(size: size)
    }

    /// Computes the autocorrelation of ``input`` and returns lags `0 ..< size` (unnormalised: `r[0]` is the
    /// frame's energy). The buffer is valid until the next call.
    public func compute() -> UnsafeBufferPointer<Float> {
        forward.transform()
        let power = inverse.bins
        let scale = 1 / Float(size)  // FFTW's inverse is unnormalised
        for k in 0..<(size / 2 + 1) {
            let (re, im) = forward.bin(k)
            power[2 * k] = (re * re + im * im) * scale
            power[2 * k + 1] = 0
        }
        inverse.transform()
        return UnsafeBufferPointer(inverse.output)
    }
}
