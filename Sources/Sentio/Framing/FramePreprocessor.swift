#if canImport(Glibc)
import Glibc
#endif

/// Per-frame conditioning before a transform: scaling, dither, DC removal, pre-emphasis, windowing and
/// zero-padding to the FFT size, in Kaldi's order (`ProcessWindow` in Kaldi's feature-window.cc).
public struct FramePreprocessingOptions: Sendable, Hashable {
    /// Factor applied to every sample first. Kaldi expects samples on the int16 scale, so its preset uses
    /// 32768 (libsndfile delivers int16 `v` as `v / 32768`); librosa works on [-1, 1) floats (1). Default 1.
    public var inputScale: Float
    /// Standard deviation of Gaussian dither added to each sample (after scaling). Default 0 (off): Sentio's
    /// numbers are reproducible unless asked otherwise. When on, the noise is seeded by ``ditherSeed`` and the
    /// frame index, so it does not depend on chunking or thread count.
    public var dither: Float
    /// Seed for the dither noise. Default 0.
    public var ditherSeed: UInt64
    /// Subtract the frame mean (Kaldi `remove_dc_offset`). Default false.
    public var removeDC: Bool
    /// Pre-emphasis coefficient `a` for `y[n] = x[n] - a x[n-1]`, with Kaldi's first-sample convention
    /// `y[0] = x[0] - a x[0]`; 0 disables it. Default 0.
    public var preemphasis: Float
    /// Window shape. Default periodic Hann.
    public var window: WindowFunction
    /// Window length in samples; 0 means the whole frame. A window shorter than the frame is centred in it
    /// and the rest of the frame is zeroed (librosa's `win_length < n_fft`). Default 0.
    public var windowLength: Int
    /// FFT length; the frame is zero-padded at the end up to it. 0 means the next power of two at or above
    /// the frame length (Kaldi `round_to_power_of_two`). Default 0.
    public var fftSize: Int

    /// Creates options with the given values; see each property for units and defaults.
    public init(inputScale: Float = 1, dither: Float = 0, ditherSeed: UInt64 = 0, removeDC: Bool = false,
                preemphasis: Float = 0, window: WindowFunction = .hann(periodic: true), windowLength: Int = 0,
                fftSize: Int = 0) {
        self.inputScale = inputScale
        self.dither = dither
        self.ditherSeed = ditherSeed
        self.removeDC = removeDC
        self.preemphasis = preemphasis
        self.window = window
        self.windowLength = windowLength
        self.fftSize = fftSize
    }

    /// Length in samples of the window inside a frame of `frameLength` samples: ``windowLength``, at most the
    /// frame, or the whole frame when it is 0. The window is centred in the frame.
    public func effectiveWindowLength(frameLength: Int) -> Int {
        windowLength > 0 ? min(windowLength, frameLength) : frameLength
    }

    /// FFT length for frames of `frameLength` samples.
    public func resolvedFFTSize(frameLength: Int) -> Int {
        fftSize > 0 ? max(fftSize, frameLength) : nextPowerOfTwo(frameLength)
    }
}

/// Applies ``FramePreprocessingOptions`` to frames, writing straight into an FFT input buffer.
/// Holds the window coefficients; allocates nothing per frame.
public struct FramePreprocessor: Sendable {
    /// The options in force.
    public let options: FramePreprocessingOptions
    /// Frame length in samples.
    public let frameLength: Int
    /// FFT length.
    public let fftSize: Int
    private let window: [Float]
    private let windowOffset: Int

    /// Creates a preprocessor of frames of `frameLength` samples, computing the window coefficients once.
    public init(options: FramePreprocessingOptions, frameLength: Int) {
        self.options = options
        self.frameLength = frameLength
        self.fftSize = options.resolvedFFTSize(frameLength: frameLength)
        let length = options.effectiveWindowLength(frameLength: frameLength)
        window = options.window.coefficients(length: length)
        windowOffset = (frameLength - length) / 2
    }

    /// Conditions `frame` (``frameLength`` samples) into `output` (``fftSize`` floats).
    /// - Parameters:
    ///   - index: the frame's index in the file, which seeds the dither.
    ///   - logEnergy: when non-nil, receives `ln(max(sum x^2, FLT_EPSILON))` of the frame after scaling, dither
    ///     and DC removal but before pre-emphasis and windowing (Kaldi's raw energy).
    @inline(__always)
    public func process(_ frame: UnsafeBufferPointer<Float>, index: Int, into output: UnsafeMutablePointer<Float>,
                        logEnergy: UnsafeMutablePointer<Float>? = nil) {
        let n = frameLength
        let scale = options.inputScale
        var src = UnsafePointer(frame.baseAddress!)
        if options.dither != 0 {
            // Dither needs a modified copy; the other steps then read from it.
            for i in 0..<n { output[i] = src[i] * scale }
            addDither(output, index: index)
            src = UnsafePointer(output)
        }
        let sourceScale: Float = options.dither != 0 ? 1 : scale
        // Kaldi's steps, fused into passes that read the frame directly and vectorise. The per-sample
        // arithmetic is Kaldi's; the two sums (mean, energy) use VectorMath's fixed 8-lane order.
        let mean = VectorMath.dcOffset(src, n, scale: sourceScale, removeDC: options.removeDC)
        if let logEnergy { logEnergy.pointee = VectorMath.logEnergy(src, n, scale: sourceScale, mean: mean) }
        let a = options.preemphasis
        window.withUnsafeBufferPointer { w in
            let wp = w.baseAddress!, count = w.count, offset = windowOffset
            output.update(repeating: 0, count: offset)
            // Window sample j is frame sample offset + j. Pointer arithmetic (unchecked) keeps these loops free
            // of overflow checks so they vectorise.
            let x = src + offset, out = output + offset
            if a != 0 {
                // Pre-emphasis reads the previous sample; for frame sample 0 that is itself (Kaldi).
                let previous = offset == 0 ? x : x - 1
                let first = x[0] * sourceScale - mean
                let before = previous[0] * sourceScale - mean
                out[0] = (first - a * before) * wp[0]
                let xp = x - 1
                for j in 1..<count {
                    let current = x[j] * sourceScale - mean
                    let prior = xp[j] * sourceScale - mean
                    out[j] = (current - a * prior) * wp[j]
                }
            } else {
                for j in 0..<count { out[j] = (x[j] * sourceScale - mean) * wp[j] }
            }
            (output + offset + count).update(repeating: 0, count: fftSize - offset - count)
        }
    }

    /// Gaussian noise (Box-Muller over ``SeededRandom``) seeded by the seed and the frame index.
    private func addDither(_ x: UnsafeMutablePointer<Float>, index: Int) {
        var random = SeededRandom(seed: options.ditherSeed &+ UInt64(bitPattern: Int64(index)) &* 0x9E37_79B9_7F4A_7C15)
        // In (0, 1): the logarithm below must not see 0.
        func next() -> Double { (Double(random.next() >> 11) + 0.5) * 0x1p-53 }
        for i in 0..<frameLength {
            let gaussian = (-2 * log(next())).squareRoot() * cos(2 * Double.pi * next())
            x[i] += Float(gaussian) * options.dither
        }
    }
}
