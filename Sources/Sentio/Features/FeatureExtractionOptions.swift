/// Everything that determines the per-frame features of one extraction.
///
/// Every set in one extraction shares the frame grid of ``mfcc``'s framing, so rows line up.
public struct FeatureExtractionOptions: Sendable, Hashable {
    /// Requested sets, in output order.
    public var sets: [FeatureSet]
    /// MFCC configuration; its framing and sample rate are the extraction's.
    public var mfcc: MFCCOptions
    /// Preprocessing of the spectrum used by the spectral descriptors.
    public var spectralPreprocessing: FramePreprocessingOptions
    /// Spectral descriptor options.
    public var spectral: SpectralDescriptorOptions
    /// Time-domain descriptor options.
    public var temporal: TemporalDescriptorOptions
    /// Pitch tracking options (sets `pitch` and `voice`).
    public var pitch = PitchOptions()
    /// Voice-quality options (set `voice`).
    public var voice = VoiceOptions()
    /// eGeMAPS descriptor options (set `egemaps`).
    public var egemaps = EGeMAPSOptions()

    /// Creates options for `sets` (later repeats of a set dropped) with the given configurations; see each
    /// property for its meaning. ``pitch``, ``voice`` and ``egemaps`` start at their defaults.
    public init(sets: [FeatureSet], mfcc: MFCCOptions, spectralPreprocessing: FramePreprocessingOptions,
                spectral: SpectralDescriptorOptions = .init(), temporal: TemporalDescriptorOptions = .init()) {
        var unique: [FeatureSet] = []
        for set in sets where !unique.contains(set) { unique.append(set) }
        self.sets = unique
        self.mfcc = mfcc
        self.spectralPreprocessing = spectralPreprocessing
        self.spectral = spectral
        self.temporal = temporal
    }

    /// The preset's configuration for `sets`. With `egemaps` as the only set, frames are openSMILE's
    /// (``EGeMAPS/frame``) whatever the preset.
    ///
    /// Spectral descriptors use the preset's window without pre-emphasis or DC removal: in the librosa
    /// preset that is exactly librosa's STFT (so the MFCC spectrum is reused), in the Kaldi preset the
    /// povey-windowed 400-sample frame in a 512-point FFT. `log_energy` follows the preset's sample scale
    /// and DC removal (in the Kaldi preset it equals Kaldi's raw log energy, i.e. MFCC C0).
    public init(sets: [FeatureSet], preset: FeaturePreset) {
        switch preset {
        case .kaldi:
            let m = MFCCOptions.kaldi
            self.init(sets: sets, mfcc: m,
                      spectralPreprocessing: FramePreprocessingOptions(window: m.preprocessing.window,
                                                                       fftSize: m.preprocessing.fftSize),
                      temporal: TemporalDescriptorOptions(energyScale: m.preprocessing.inputScale,
                                                          energyRemovesDC: m.preprocessing.removeDC))
        case .librosa:
            let m = MFCCOptions.librosa
            self.init(sets: sets, mfcc: m, spectralPreprocessing: m.preprocessing)
        }
        // eGeMAPS alone takes openSMILE's frames, so that its rows and functionals see exactly openSMILE's.
        // Mixed with other sets it keeps their grid's rows, its row t still describing openSMILE's frames
        // starting at sample t · hop: on Kaldi's grid those frames start where the row's frame does (only
        // the row count at the end differs, by about one); on librosa's centred grid the row's span is
        // centred on t · hop, while the 20 ms frame of its eGeMAPS values is centred 10 ms later, and the last
        // rows past openSMILE's last complete frame are computed on zero padding.
        if sets == [.egemaps] { mfcc.frame = EGeMAPS.frame }
    }

    /// Analysis sample rate in Hz: 16 000 in both presets, input at other rates being resampled to it.
    /// It is ``MFCCOptions/sampleRate``, and the framing (``MFCCOptions/frame``) and FFT sizes are in samples
    /// at that rate: to analyse at another rate, set those with it (and ``spectralPreprocessing``'s FFT
    /// size), or the frames' durations change with the rate.
    public var sampleRate: Double { mfcc.sampleRate }
    /// Framing shared by every set.
    public var frame: FrameOptions { mfcc.frame }
    /// Length in samples of the analysis window inside each frame (the span that start/end report).
    public var windowLength: Int { mfcc.preprocessing.effectiveWindowLength(frameLength: frame.frameLength) }
}
