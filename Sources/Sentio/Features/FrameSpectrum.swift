/// The spectrum of the current frame under one preprocessing, computed once and shared by every feature that
/// asks for it (MFCC and spectral descriptors with identical preprocessing reuse a single FFT).
public final class FrameSpectrum {
    /// Preprocessing applied before the FFT.
    public let preprocessor: FramePreprocessor
    /// Sample rate in Hz.
    public let sampleRate: Double
    /// `|X[k]|^2`, `fftSize / 2 + 1` bins.
    public let power: UnsafeMutableBufferPointer<Float>
    /// `|X[k]|`, `fftSize / 2 + 1` bins.
    public let magnitude: UnsafeMutableBufferPointer<Float>
    /// Kaldi raw log energy of the frame (see ``FramePreprocessor/process(_:index:into:logEnergy:)``).
    public private(set) var logEnergy: Float = 0
    private let fft: RealFFT
    private var currentIndex = -1
    private var magnitudeIndex = -1

    /// Creates the spectrum of frames of `frameLength` samples at `sampleRate` Hz under `preprocessing`, with
    /// its buffers zeroed until the first ``update(_:index:)``.
    public init(preprocessing: FramePreprocessingOptions, frameLength: Int, sampleRate: Double) {
        preprocessor = FramePreprocessor(options: preprocessing, frameLength: frameLength)
        self.sampleRate = sampleRate
        fft = RealFFT(size: preprocessor.fftSize)
        power = .allocate(capacity: fft.binCount)
        magnitude = .allocate(capacity: fft.binCount)
        power.initialize(repeating: 0)
        magnitude.initialize(repeating: 0)
    }

    deinit {
        power.deallocate()
        magnitude.deallocate()
    }

    /// FFT length.
    public var fftSize: Int { fft.size }
    /// Number of bins, `fftSize / 2 + 1`.
    public var binCount: Int { fft.binCount }

    /// Computes the power spectrum (and log energy) of frame `index` unless already done for that index.
    @inline(__always)
    public func update(_ frame: UnsafeBufferPointer<Float>, index: Int) {
        guard index != currentIndex else { return }
        currentIndex = index
        withUnsafeMutablePointer(to: &logEnergy) { energy in
            preprocessor.process(frame, index: index, into: fft.input.baseAddress!, logEnergy: energy)
        }
        fft.transform()
        fft.powerSpectrum(into: power.baseAddress!)
    }

    /// Fills ``magnitude`` for the current frame (after ``update(_:index:)``) unless already done.
    @inline(__always)
    public func updateMagnitude() {
        guard magnitudeIndex != currentIndex else { return }
        magnitudeIndex = currentIndex
        for k in 0..<binCount { magnitude[k] = power[k].squareRoot() }
    }

    /// Forgets the current frame, so a new file starting again at index 0 is recomputed.
    public func reset() {
        currentIndex = -1
        magnitudeIndex = -1
    }
}
