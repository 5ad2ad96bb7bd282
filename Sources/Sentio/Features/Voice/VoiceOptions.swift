#if canImport(Glibc)
import Glibc
#endif

/// Options of the `voice` set's measures; the period and amplitude limits are Praat's voice-report defaults.
///
/// Per voiced frame: `jitter_local` (mean absolute difference of consecutive glottal periods over the mean
/// period, a fraction), `shimmer_local_db` (mean absolute dB ratio of consecutive period amplitudes), `hnr_db`
/// (`10 log10(r / (1 - r))` from the normalised autocorrelation `r` at the period), and F1-F3 with bandwidths
/// (``FormantAnalyzer``). Pulses are marked as Praat's `To PointProcess (periodic, cc)` does. Unvoiced frames
/// and undefined measures are 0. References: Praat manual, "Voice 2. Jitter", "Voice 3. Shimmer";
/// P. Boersma, Proc. Institute of Phonetic Sciences 17 (1993).
public struct VoiceOptions: Sendable, Hashable {
    /// Periods shorter than this (seconds) are ignored by jitter and shimmer. Default 0.0001.
    public var shortestPeriod: Double = 0.0001
    /// Periods longer than this (seconds) are ignored by jitter and shimmer. Default 0.02.
    public var longestPeriod: Double = 0.02
    /// Consecutive periods differing by more than this factor are not compared. Default 1.3.
    public var maximumPeriodFactor: Double = 1.3
    /// Consecutive amplitudes differing by more than this factor are not compared. Default 1.6.
    public var maximumAmplitudeFactor: Double = 1.6
    /// Window length of the HNR analysis, in periods of the pitch floor. Default 4.5, Praat's `To Harmonicity
    /// (ac)` default: a longer window than pitch tracking needs measures periodicity more precisely.
    public var hnrPeriodsPerWindow: Double = 4.5
    /// Voiced stretches longer than this (seconds) are analysed in pieces, bounding memory. Default 3.
    public var maximumStretch: Double = 3
    /// Formant analysis.
    public var formants = FormantOptions()

    /// Creates options with the defaults above (Praat's voice-report limits).
    public init() {}
}
