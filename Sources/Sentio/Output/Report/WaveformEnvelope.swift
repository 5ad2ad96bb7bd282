/// The peak envelope of a recording: the smallest and largest sample of every `bucketSeconds`, which is what a
/// waveform display draws once there are more samples than pixels.
///
/// Memory is two `Float`s per bucket (at the default 10 ms, 0.6 MB per hour of audio), not the samples.
package struct WaveformEnvelope: Sendable, Equatable {
    /// Length of one bucket, in seconds.
    package var bucketSeconds: Double
    /// Smallest sample of each bucket (full scale is ±1).
    package var minimum: [Float]
    /// Largest sample of each bucket.
    package var maximum: [Float]

    /// Reads the file at `path` at its own rate, chunk by chunk, channels averaged (Sentio's default).
    /// - Parameter bucketSeconds: envelope resolution; 10 ms resolves syllables on any screen width.
    /// - Throws: ``AudioError`` for a bad file.
    package init(path: String, bucketSeconds: Double = 0.01) throws {
        try self.init(stream: Self.nativeStream(path), bucketSeconds: bucketSeconds)
    }

    /// A stream of the file at `path` at its own rate, as ``init(stream:bucketSeconds:)`` reads it: its
    /// `channel` (``AudioReadOptions/channel``), or all channels averaged.
    package static func nativeStream(_ path: String, channel: Int? = nil) throws -> AudioStream {
        try AudioStream(path: path, options: AudioReadOptions(sampleRate: nil, channel: channel))
    }

    /// Reads `stream` to its end.
    package init(stream: AudioStream, bucketSeconds: Double = 0.01) throws {
        self.bucketSeconds = bucketSeconds
        let perBucket = max(1, Int((bucketSeconds * stream.sampleRate).rounded()))
        var lo: [Float] = [], hi: [Float] = []
        var filled = 0, low = Float.infinity, high = -Float.infinity
        try stream.forEachChunk { chunk in
            for x in chunk {
                low = min(low, x)
                high = max(high, x)
                filled += 1
                if filled == perBucket {
                    lo.append(low)
                    hi.append(high)
                    filled = 0
                    low = .infinity
                    high = -.infinity
                }
            }
        }
        if filled > 0 {
            lo.append(low)
            hi.append(high)
        }
        minimum = lo
        maximum = hi
        self.bucketSeconds = Double(perBucket) / stream.sampleRate
    }

    /// An envelope from buckets already computed.
    package init(bucketSeconds: Double, minimum: [Float], maximum: [Float]) {
        precondition(minimum.count == maximum.count, "one minimum and one maximum per bucket")
        self.bucketSeconds = bucketSeconds
        self.minimum = minimum
        self.maximum = maximum
    }

    /// The envelope merged into at most `count` wider buckets (minimum of minima, maximum of maxima), so that a
    /// plot `count` pixels wide keeps every peak.
    package func decimated(to count: Int) -> WaveformEnvelope {
        precondition(count > 0)
        guard minimum.count > count else { return self }
        let factor = (minimum.count + count - 1) / count
        var lo: [Float] = [], hi: [Float] = []
        lo.reserveCapacity(count)
        hi.reserveCapacity(count)
        var i = 0
        while i < minimum.count {
            let end = min(i + factor, minimum.count)
            lo.append(minimum[i..<end].min()!)
            hi.append(maximum[i..<end].max()!)
            i = end
        }
        return WaveformEnvelope(bucketSeconds: bucketSeconds * Double(factor), minimum: lo, maximum: hi)
    }
}
