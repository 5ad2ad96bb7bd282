/// Options for reading audio as an analysis stream.
public struct AudioReadOptions: Sendable, Hashable {
    /// What to do with NaN, infinite or out-of-range samples (beyond ±``AudioLimits/maximumSampleMagnitude``;
    /// possible only in float-encoded files).
    public enum NonFinitePolicy: Sendable, Hashable {
        /// Stop with ``AudioError/Kind/nonFiniteSample(frame:)`` or
        /// ``AudioError/Kind/sampleOutOfRange(frame:value:)``. The default: such a sample usually means a
        /// broken upstream tool, and passing it on would poison every feature of the file.
        case error
        /// Replace each such sample with 0 and go on.
        case replaceWithZero
    }

    /// Output sample rate in Hz, or nil to keep each file's native rate. Default 16 000 Hz.
    public var sampleRate: Double?
    /// Sample frames decoded per read, at the file's native rate. Memory per stream is a small multiple
    /// of `chunkFrames * channels` floats whatever the file length. Default 16 384.
    public var chunkFrames: Int
    /// Resampler quality. Default ``Resampler/Quality/high``.
    public var resampleQuality: Resampler.Quality
    /// Policy for NaN, infinite and out-of-range samples. Default ``NonFinitePolicy/error``.
    public var nonFinite: NonFinitePolicy
    /// The one channel to analyse (0 is the first, the left of a stereo file), or nil to average all of
    /// them. Default nil. A telephone recording with the agent and the customer on separate channels is
    /// analysed one side at a time: averaged, each voice is halved where the other is silent and mixed
    /// with it where both talk. A file without that channel is an error, ``AudioError/Kind/noSuchChannel(_:channels:)``;
    /// only the chosen channel's samples are checked against ``nonFinite``.
    public var channel: Int?

    /// Creates options with the given values; see each property for units and defaults. `chunkFrames` is
    /// raised to at least 1.
    public init(sampleRate: Double? = 16_000, chunkFrames: Int = 16_384,
                resampleQuality: Resampler.Quality = .high, nonFinite: NonFinitePolicy = .error, channel: Int? = nil) {
        self.sampleRate = sampleRate
        self.chunkFrames = max(1, chunkFrames)
        self.resampleQuality = resampleQuality
        self.nonFinite = nonFinite
        self.channel = channel
    }
}
