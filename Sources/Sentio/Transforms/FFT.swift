import CFFTW
import Synchronization

/// A real-to-complex FFT of one size over single-precision FFTW, with its own input and output buffers.
///
/// Plans are created once per size for the whole process, behind a lock, because FFTW's planner is not
/// thread-safe; each `RealFFT` instance then runs FFTW's new-array execute (`fftwf_execute_dft_r2c`) on
/// buffers from `fftwf_malloc`, which is safe from any thread. Create one instance per worker and reuse it
/// for every frame: nothing is allocated per transform.
///
/// Plans use `FFTW_ESTIMATE` over the wisdom in ``FFTWisdom``, so that every process picks the same algorithm
/// and produces bit-identical spectra (a measured plan may differ from run to run in its last bits).
public final class RealFFT {
    /// Transform length `n` in samples.
    public let size: Int
    /// Number of non-redundant output bins, `n / 2 + 1`.
    public let binCount: Int
    /// The time-domain input, `size` floats. Fill it, then call ``transform()``.
    public let input: UnsafeMutableBufferPointer<Float>
    private let output: UnsafeMutablePointer<fftwf_complex>
    private let plan: FFTPlan

    /// Creates a transform of length `size` (any positive length; FFTW is fastest for products of small primes).
    public init(size: Int) {
        precondition(size > 1, "FFT size must be at least 2")
        self.size = size
        self.binCount = size / 2 + 1
        let inputRaw = fftwf_malloc(MemoryLayout<Float>.stride * size)!
        input = UnsafeMutableBufferPointer(start: inputRaw.bindMemory(to: Float.self, capacity: size), count: size)
        input.initialize(repeating: 0)
        output = fftwf_malloc(MemoryLayout<fftwf_complex>.stride * binCount)!
            .bindMemory(to: fftwf_complex.self, capacity: binCount)
        plan = FFTPlan.realForward(size: size)
    }

    deinit {
        fftwf_free(input.baseAddress)
        fftwf_free(output)
    }

    /// Transforms ``input`` into the internal spectrum, out of place (the input is preserved).
    @inline(__always)
    public func transform() {
        fftwf_execute_dft_r2c(plan.raw, input.baseAddress, output)
    }

    /// Writes `|X[k]|^2` for `k` in `0...n/2` (``binCount`` values) of the last ``transform()``.
    public func powerSpectrum(into destination: UnsafeMutablePointer<Float>) {
        let bins = UnsafeMutableRawPointer(output).assumingMemoryBound(to: Float.self)
        for k in 0..<binCount {
            let re = bins[2 * k], im = bins[2 * k + 1]
            destination[k] = re * re + im * im
        }
    }

    /// Writes `|X[k]|` for `k` in `0...n/2` (``binCount`` values) of the last ``transform()``.
    public func magnitudeSpectrum(into destination: UnsafeMutablePointer<Float>) {
        let bins = UnsafeMutableRawPointer(output).assumingMemoryBound(to: Float.self)
        for k in 0..<binCount {
            let re = bins[2 * k], im = bins[2 * k + 1]
            destination[k] = (re * re + im * im).squareRoot()
        }
    }

    /// The complex bin `k` of the last ``transform()``, as (real, imaginary).
    public func bin(_ k: Int) -> (Float, Float) {
        let bins = UnsafeMutableRawPointer(output).assumingMemoryBound(to: Float.self)
        return (bins[2 * k], bins[2 * k + 1])
    }
}

/// An FFTW plan shared by every transform of one size in the process.
struct FFTPlan: @unchecked Sendable {
    let raw: fftwf_plan

    /// Plans by size; negative keys are the inverse (complex-to-real) plans. `wisdom` is nil until the first
    /// plan imports ``FFTWisdom``, then whether FFTW accepted it.
    private static let cache = Mutex<(plans: [Int: FFTPlan], wisdom: Bool?)>(([:], nil))

    /// Whether this process plans from ``FFTWisdom`` (false: FFTW's heuristic plans, on a CPU or FFTW build
    /// the wisdom does not fit). Imports the wisdom if no plan has yet.
    static var usesWisdom: Bool {
        cache.withLock { state in importWisdom(&state.wisdom) }
    }

    private static func importWisdom(_ wisdom: inout Bool?) -> Bool {
        if let imported = wisdom { return imported }
        let imported = fftwf_import_wisdom_from_string(FFTWisdom.text) != 0
        wisdom = imported
        return imported
    }

    /// The real-to-complex forward plan for `size`, created on first use under the planner lock.
    static func realForward(size: Int) -> FFTPlan {
        cached(key: size, size: size) { n, real, complex in
            fftwf_plan_dft_r2c_1d(n, real, complex, UInt32(FFTW_ESTIMATE))
        }
    }

    /// The complex-to-real inverse plan for `size` (unnormalised, sign +1), created on first use under the
    /// planner lock. Like every FFTW complex-to-real plan it overwrites its input spectrum.
    static func realInverse(size: Int) -> FFTPlan {
        cached(key: -size, size: size) { n, real, complex in
            fftwf_plan_dft_c2r_1d(n, complex, real, UInt32(FFTW_ESTIMATE))
        }
    }

    /// The plan under `key`, made by `make(size, realScratch, complexScratch)` on first use. Plans are made
    /// on scratch arrays from `fftwf_malloc` so that their alignment assumptions hold for every buffer the
    /// transforms allocate the same way.
    private static func cached(key: Int, size: Int,
                               make: (Int32, UnsafeMutablePointer<Float>, UnsafeMutablePointer<fftwf_complex>) -> fftwf_plan?)
        -> FFTPlan {
        cache.withLock { state in
            if let plan = state.plans[key] { return plan }
            _ = importWisdom(&state.wisdom)
            let real = fftwf_malloc(MemoryLayout<Float>.stride * size)!.bindMemory(to: Float.self, capacity: size)
            let complex = fftwf_malloc(MemoryLayout<fftwf_complex>.stride * (size / 2 + 1))!
                .bindMemory(to: fftwf_complex.self, capacity: size / 2 + 1)
            defer {
                fftwf_free(real)
                fftwf_free(complex)
            }
            guard let raw = make(Int32(size), real, complex) else {
                fatalError("FFTW could not plan a real FFT of size \(size)")
            }
            let plan = FFTPlan(raw: raw)
            state.plans[key] = plan
            return plan
        }
    }
}

/// The inverse of ``RealFFT``: `size` real samples from the `size / 2 + 1` non-redundant bins of a spectrum,
/// unnormalised (the result is `size` times the signal whose forward transform the bins are), with its own
/// buffers. Like ``RealFFT``, create one per worker and reuse it; nothing is allocated per transform.
public final class RealInverseFFT {
    /// Transform length `n` in samples.
    public let size: Int
    /// The input spectrum as interleaved (real, imaginary) floats, `size / 2 + 1` bins. Overwritten by
    /// ``transform()``.
    public let bins: UnsafeMutablePointer<Float>
    /// The `size` output samples of the last ``transform()``.
    public let output: UnsafeMutableBufferPointer<Float>
    private let spectrum: UnsafeMutablePointer<fftwf_complex>
    private let plan: FFTPlan

    /// Creates an inverse transform of length `size` samples, with its buffers.
    /// - Precondition: `size` is at least 2.
    public init(size: Int) {
        precondition(size > 1, "FFT size must be at least 2")
        self.size = size
        spectrum = fftwf_malloc(MemoryLayout<fftwf_complex>.stride * (size / 2 + 1))!
            .bindMemory(to: fftwf_complex.self, capacity: size / 2 + 1)
        bins = UnsafeMutableRawPointer(spectrum).assumingMemoryBound(to: Float.self)
        let out = fftwf_malloc(MemoryLayout<Float>.stride * size)!.bindMemory(to: Float.self, capacity: size)
        output = UnsafeMutableBufferPointer(start: out, count: size)
        plan = FFTPlan.realInverse(size: size)
    }

    deinit {
        fftwf_free(spectrum)
        fftwf_free(output.baseAddress)
    }

    /// Transforms ``bins`` into ``output``.
    @inline(__always)
    public func transform() {
        fftwf_execute_dft_c2r(plan.raw, spectrum, output.baseAddress)
    }
}

/// The smallest power of two that is at least `n` (1 for `n` ≤ 1): the FFT length of an `n`-sample frame.
public func nextPowerOfTwo(_ n: Int) -> Int {
    var size = 1
    while size < n { size <<= 1 }
    return size
}
