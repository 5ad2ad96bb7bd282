import CFFTW

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
    private let spectrum: UnsafeMutablePointer<fftwf_complex>
    private let lags: UnsafeMutablePointer<Float>
    private let inverse: FFTPlan

    /// An autocorrelation over `size`-point transforms (choose `size >= frameLength + maxLag`).
    public init(size: Int) {
        self.size = size
        forward = RealFFT(size: size)
        spectrum = fftwf_malloc(MemoryLayout<fftwf_complex>.stride * (size / 2 + 1))!
            .bindMemory(to: fftwf_complex.self, capacity: size / 2 + 1)
        lags = fftwf_malloc(MemoryLayout<Float>.stride * size)!.bindMemory(to: Float.self, capacity: size)
        inverse = FFTPlan.realInverse(size: size)
    }

    deinit {
        fftwf_free(spectrum)
        fftwf_free(lags)
    }

    /// Computes the autocorrelation of ``input`` and returns lags `0 ..< size` (unnormalised: `r[0]` is the
    /// frame's energy). The buffer is valid until the next call.
    public func compute() -> UnsafeBufferPointer<Float> {
        forward.transform()
        let power = UnsafeMutableRawPointer(spectrum).assumingMemoryBound(to: Float.self)
        let scale = 1 / Float(size)  // FFTW's inverse is unnormalised
        for k in 0..<(size / 2 + 1) {
            let (re, im) = forward.bin(k)
            power[2 * k] = (re * re + im * im) * scale
            power[2 * k + 1] = 0
        }
        fftwf_execute_dft_c2r(inverse.raw, spectrum, lags)
        return UnsafeBufferPointer(start: lags, count: size)
    }
}
