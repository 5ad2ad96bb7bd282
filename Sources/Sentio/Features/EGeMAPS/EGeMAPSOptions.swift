/// Options of the eGeMAPS low-level descriptors. Defaults are openSMILE eGeMAPSv02's.
public struct EGeMAPSOptions: Sendable, Hashable {
    /// Length of the Hamming-windowed frame of the spectral descriptors, loudness, MFCCs and formants, in
    /// seconds. Default 0.020. (The grid of `--set egemaps` alone, ``EGeMAPS/frame``, has openSMILE's 20 ms
    /// frames: with another length, also give the extraction a grid of that frame length.)
    public var spectralFrame: Double = 0.020
    /// Length of the Gaussian-windowed (σ = 0.4) frame of the harmonic descriptors and HNR, in seconds. Default 0.060.
    public var harmonicFrame: Double = 0.060
    /// Mel bands of loudness and the MFCCs (20 Hz – 8 kHz). Default 26.
    public var melBands = 26
    /// First FFT bin the mel bands use. Default 2: openSMILE leaves out the bins up to the one nearest 20 Hz
    /// (bin 1 at 31.25 Hz, 512-point FFT at 16 kHz), though bin 1 lies inside the first triangle.
    public var melFirstBin = 2
    /// Mel energies are floored here (full scale 1) before loudness weighting and before the MFCC logarithm.
    /// Default 9.3e-10 ≈ 1 / 32767², openSMILE's floor (one int16 step, squared).
    public var melFloor: Float = 9.3e-10
    /// Exponent of the intensity-to-loudness power law (Stevens; PLP's cube-root compression). Default 0.33.
    public var loudnessCompression = 0.33
    /// Resonances of the LPC polynomial kept as formant candidates, in Hz: openSMILE's cFormantLpc `minF` and
    /// `maxF` (its eGeMAPS configuration sets 50 and 5450, 50 Hz inside the Nyquist frequency of
    /// `formantRate`). Default 50...5450.
    public var formantRange: ClosedRange<Double> = 50...5450
    /// Linear-prediction order of the formant analysis, at `formantRate`. Default 11.
    public var formantOrder = 11
    /// Rate the 20 ms frame is resampled to before the formant analysis, in Hz (openSMILE keeps its spectrum
    /// below 3.4 kHz, a third of it). Default 11000.
    public var formantRate = 11000.0
    /// Frames whose Gaussian-windowed 60 ms RMS is not above this (full scale 1) are unvoiced. Default 0.001.
    public var voicingEnergyFloor: Float = 0.001
    /// Value of the formant amplitudes (`FnamplitudeLogRelF0`) in unvoiced frames: openSMILE's floor for a
    /// level relative to an absent F0, which its `nz` functionals include. Default −201 dB.
    public var unvoicedAmplitude: Float = -201
    /// F0 candidates outside this range (Hz) are dropped; the path search prefers 100–350 Hz. Default
    /// 55–1000 Hz, openSMILE's `minPitch` and `maxPitch`.
    public var pitchRange: ClosedRange<Float> = 55...1000
    /// Candidates whose subharmonic-summation voicing is below this are penalised as unlikely voiced. Default
    /// 0.70, openSMILE's `voicingCutoff`.
    public var voicingThreshold: Float = 0.70
    /// Whether the voice descriptors end where openSMILE's do. Its functionals of F0, jitter, shimmer, HNR,
    /// the harmonic differences, the formants and the voicing-gated spectral descriptors read ⌊(N − 960) / 160⌋
    /// rows of N samples at 16 kHz, one fewer than its complete 60 ms frames (found by matching its functionals
    /// on EmoDB), while its energy descriptors have every 20 ms frame. Sentio's grid goes on for four to six
    /// more rows, all unvoiced, which shifted `VoicedSegmentsPerSec` by −2 % and the unvoiced-only means by up
    /// to 0.12 of a standard deviation across EmoDB's files (≤ 0.01 with this). When true, those rows are left
    /// out of the voice functionals and of the last voice row's `sma3nz` mean; frame-level output keeps every
    /// row of the grid. Default true.
    public var openSMILEVoiceRows = true

    /// Creates options with openSMILE eGeMAPSv02's defaults.
    public init() {}
}
