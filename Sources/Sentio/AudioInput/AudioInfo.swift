/// What a file's header says about its audio: the row `sentio info` prints.
public struct AudioInfo: Equatable, Sendable {
    /// The file, as the user named it.
    public var path: String
    /// Container, as a short lower-case name (`wav`, `flac`, `ogg`, `mp3`, ...).
    public var container: String
    /// Sample encoding inside the container (`pcm_s16`, `pcm_u8`, `float`, `vorbis`, `opus`, `mp3`, ...).
    public var encoding: String
    /// Native sample rate in Hz.
    public var sampleRate: Double
    /// Number of interleaved channels.
    public var channels: Int
    /// Number of sample frames (one sample per channel) at the native rate; ``unknownLength`` when the
    /// header does not tell (an Ogg stream cut short before its last page), which decoding then finds out.
    public var frames: Int64

    /// The ``frames`` of a file whose header does not give its length (libsndfile's `SF_COUNT_MAX`).
    public static let unknownLength = Int64.max

    /// False when the header does not give the length (``unknownLength``).
    public var lengthIsKnown: Bool { frames != Self.unknownLength }

    /// Duration in seconds; NaN when the header does not give the length (``lengthIsKnown`` is false).
    public var duration: Double { !lengthIsKnown ? .nan : sampleRate > 0 ? Double(frames) / sampleRate : 0 }

    /// Creates the header description of one file; see each property for units.
    public init(path: String, container: String, encoding: String, sampleRate: Double, channels: Int, frames: Int64) {
        self.path = path
        self.container = container
        self.encoding = encoding
        self.sampleRate = sampleRate
        self.channels = channels
        self.frames = frames
    }
}
