/// Configuration of ``PitchTracker``: Boersma's autocorrelation pitch analysis with Viterbi path finding, as
/// in Praat's `Sound: To Pitch (ac)`.
///
/// Defaults are Praat's except the floor (60 Hz here, to keep low male voices; Praat's dialogue says 75 Hz,
/// ``praat`` sets it). The time step is the extraction's hop (10 ms in both presets).
///
/// Reference: P. Boersma, "Accurate short-term analysis of the fundamental frequency and the
/// harmonics-to-noise ratio of a sampled sound", Proc. Institute of Phonetic Sciences 17, Amsterdam, 1993.
public struct PitchOptions: Sendable, Hashable {
    /// Lowest F0 searched, in Hz. Also sets the window length (``periodsPerWindow`` periods of this
    /// frequency). Default 60.
    public var floor: Double = 60
    /// Highest F0 searched, in Hz. Default 600.
    public var ceiling: Double = 600
    /// Analysis window length in periods of ``floor``. Default 3 (Praat's value for the Hann window).
    public var periodsPerWindow: Double = 3
    /// Candidates kept per frame, including the unvoiced one. Default 15.
    public var maxCandidates: Int = 15
    /// Frames whose local peak is below this fraction of the surrounding peak (see ``peakWindow``) are
    /// pushed towards unvoiced. Default 0.03.
    public var silenceThreshold: Double = 0.03
    /// Strength of the unvoiced candidate: a frame is voiced when its best normalised autocorrelation
    /// exceeds roughly this value. Default 0.45.
    public var voicingThreshold: Double = 0.45
    /// Bonus for higher-frequency candidates, per octave, against octave-down errors. Default 0.01.
    public var octaveCost: Double = 0.01
    /// Path cost per octave of F0 change between consecutive voiced frames (at a 10 ms step; scaled with
    /// the step as Praat does). Default 0.35.
    public var octaveJumpCost: Double = 0.35
    /// Path cost of a voiced/unvoiced transition (scaled with the step). Default 0.14.
    public var voicedUnvoicedCost: Double = 0.14
    /// Half-width in seconds of the span whose absolute peak is the reference for ``silenceThreshold``.
    /// Praat uses the whole file's peak; a bounded span keeps the analysis streaming and lets a quiet
    /// passage of a long recording keep its voicing after a loud one. Default 2.
    public var peakWindow: Double = 2
    /// Largest delay, in frames, before a frame's path decision is forced. Decisions are final as soon as
    /// all surviving Viterbi paths agree (usually within a few frames), so this bound only matters in long
    /// ambiguous stretches. Default 100 (1 s at 10 ms).
    public var maxDecisionDelay: Int = 100

    /// Creates options with the defaults above (Praat's, with a 60 Hz floor).
    public init() {}

    /// Praat's `To Pitch (ac)` dialogue defaults: floor 75 Hz, ceiling 600 Hz.
    public static var praat: PitchOptions {
        var o = PitchOptions()
        o.floor = 75
        return o
    }
}
