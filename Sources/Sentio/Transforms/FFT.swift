import CFFTW
import Synchronization

/// A real-to-complex FFT of one size over single-precision FFTW, with its own input and output buffers.
///
/// Plans are created once per size for the whole process, behind a lock, because FFTW's planner is not
/// thread-safe; each `RealFFT` instance then runs FFTW's new-array execute (`fftwf_execute_dft_r2c`) on
/// buffers from `fftwf_malloc`, which is safe from any thread. Create one instance per worker and reuse it
/// for every frame: nothing is allocated per transform.
///
/// Plans use `FFTW_ESTIMATE` so that every process picks the same algorithm and produces bit-identical
/// spectra (a measured plan may differ from run to run in its last bits).
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

    /// Transforms ``input`` in place into the internal spectrum (the input is preserved).
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

    /// Plans by size; negative keys are the inverse (complex-to-real) plans.
    private static let cache = Mutex<[Int: FFTPlan]>([:])

    /// The real-to-complex forward plan for `size`, created on first use under the planner lock.
    static func realForward(size: Int) -> FFTPlan {
        cache.withLock { plans in
            if let plan = plans[size] { return plan }
            // Plan on scratch arrays from fftwf_malloc so the plan's alignment assumptions hold for every
            // buffer RealFFT allocates the same way.
            let scratchIn = fftwf_malloc(MemoryLayout<Float>.stride * size)!.bindMemory(to: Float.self, capacity: size)
            let scratchOut = fftwf_malloc(MemoryLayout<fftwf_complex>.stride * (size / 2 + 1))!
                .bindMemory(to: fftwf_complex.self, capacity: size / 2 + 1)
            defer {
                fftwf_free(scratchIn)
                fftwf_free(scratchOut)
            }
            guard let raw = fftwf_plan_dft_r2c_1d(Int32(size), scratchIn, scratchOut, UInt32(FFTW_ESTIMATE)) else {
                fatalError("FFTW could not plan a real FFT of size \(size)")
            }
            let plan = FFTPlan(raw: raw)
            plans[size] = plan
            return plan
        }
    }

    /// The complex-to-real inverse plan for `size` (unnormalised, sign +1), created on first use under the
    /// planner lock. Like every FFTW complex-to-real plan it overwrites its input spectrum.
    static func realInverse(size: Int) -> FFTPlan {
        cache.withLock { plans in
            if let plan = plans[-size] { return plan }
            let scratchIn = fftwf_malloc(MemoryLayout<fftwf_complex>.stride * (size / 2 + 1))!
                .bindMemory(to: fftwf_complex.self, capacity: size / 2 + 1)
            let scratchOut = fftwf_malloc(MemoryLayout<Float>.stride * size)!.bindMemory(to: Float.self, capacity: size)
            defer {
                fftwf_free(scratchIn)
                fftwf_free(scratchOut)
            }
            guard let raw = fftwf_plan_dft_c2r_1d(Int32(size), scratchIn, scratchOut,
                                                   UInt32(FFTW_ESTIMATE)) else {
                fatalError("FFTW could not plan an inverse real FFT of size \(size)")
            }
            let plan = FFTPlan(raw: raw)
            plans[-size] = plan
            return plan
        }
    }
}
