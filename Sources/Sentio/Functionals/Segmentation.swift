/// How a file's frame stream is divided into segments for functionals (`sentio features --level`).
public enum Segmentation: Sendable, Hashable {
    /// One segment spanning the file (`--level files`).
    case wholeFile
    /// Fixed windows of `length` seconds every `hop` seconds from 0 (`--segment S --hop S`). A frame belongs
    /// to every window that contains its centre, `k hop <= centre < k hop + length` (compared in half samples,
    /// so that a centre on a bound always goes to the window starting there). Windows start at 0, hop, 2 hop, ... and continue until one
    /// reaches the end of the file; the last is clipped to it. No window starts at or after the end (with a
    /// hop longer than the window, the end of the file may then lie between two windows).
    case windows(length: Double, hop: Double)
    /// Speech regions found by ``VoiceActivityOptions`` (`--vad`).
    case voiceActivity(VoiceActivityOptions)

    /// Shortest window length and hop, in seconds: one 10 ms frame step. A shorter window holds no frame of
    /// its own, and a shorter hop repeats the same windows (with a 1 s window and a 10 µs hop, 100 000 of them
    /// are open at once). The command line refuses shorter ones; ``SegmentFeatureExtractor`` traps on them.
    public static let minimumWindowSeconds = 0.01
}

/// Voice-activity segmentation: contiguous speech regions from voicing and energy.
///
/// A frame is *speech-like* when it is voiced (by eGeMAPS's F0 when `egemaps` is among the sets, else by
/// the `pitch` set's tracker) and its energy is at least
/// ``energyFloor`` dB re full scale. Speech-like frames separated by less than ``maximumPause`` form one
/// region, which is widened by ``padding`` on each side to take in unvoiced onsets and codas (fricatives,
/// plosive releases). A region reaching ``maximumLength`` is cut there and the rest starts a new region;
/// regions shorter than ``minimumLength`` are dropped. All times are seconds.
public struct VoiceActivityOptions: Sendable, Hashable {
    /// Lowest frame energy (mean square, dB re full scale) that counts as speech. Default −50 dB.
    public var energyFloor: Double = -50
    /// Longest silence inside one region. Default 0.3 s (longer than a stop closure, shorter than a phrase break).
    public var maximumPause: Double = 0.3
    /// Added before the first and after the last speech-like frame of a region. Default 0.1 s.
    public var padding: Double = 0.1
    /// Shortest region kept. Default 0.25 s.
    public var minimumLength: Double = 0.25
    /// Longest region: longer ones are cut into pieces of this length. Default 10 s.
    public var maximumLength: Double = 10

    /// Creates options with the defaults above.
    public init() {}
}
