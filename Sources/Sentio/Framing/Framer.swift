#if canImport(Glibc)
import Glibc
#endif

/// Cuts a stream of sample chunks into frames, carrying partial frames across chunk boundaries.
///
/// Frame `k` is bit-identical whatever the chunking of the input (one chunk, many, or one sample at a time),
/// because every frame is read from one contiguous internal buffer holding the exact same samples. The
/// buffer holds the samples of the frame not yet complete plus the latest chunk; it grows (doubling) to the
/// largest such span seen and is compacted in place after that, so memory stays within about twice
/// `frameLength + largest chunk` floats.
///
/// ```swift
/// let framer = Framer(FrameOptions(frameLength: 400, hop: 160))
/// try stream.forEachChunk { chunk in framer.push(chunk) { index, frame in ... } }
/// framer.finish { index, frame in ... }
/// ```
/// The frame pointer passed to the closure is valid only during the call.
public final class Framer {
    /// The framing in use.
    public let options: FrameOptions
    private var buffer: UnsafeMutableBufferPointer<Float>
    /// Absolute (padded-stream) index of `buffer[head]`.
    private var origin = 0
    private var head = 0
    private var count = 0
    private var nextFrame = 0
    private var samplesSeen = 0
    private var finished = false
    private var lastSample: Float = 0

    /// Creates a framer with the framing `options`.
    public init(_ options: FrameOptions) {
        self.options = options
        buffer = .allocate(capacity: max(2 * options.frameLength, 4096))
    }

    deinit { buffer.deallocate() }

    /// Forgets all samples and frames, ready for a new stream (the buffer is kept).
    public func reset() {
        origin = 0
        head = 0
        count = 0
        nextFrame = 0
        samplesSeen = 0
        finished = false
        lastSample = 0
    }

    /// Number of frames emitted so far.
    public var framesEmitted: Int { nextFrame }

    /// Number of input samples pushed so far (excluding padding).
    public var samplesPushed: Int { samplesSeen }

    /// Appends `samples` and calls `body(index, frame)` for every frame that is now complete.
    /// - Precondition: the stream is not finished (``reset()`` starts a new one).
    public func push(_ samples: UnsafeBufferPointer<Float>,
                              _ body: (Int, UnsafeBufferPointer<Float>) throws -> Void) rethrows {
        precondition(!finished, "push after finish")
        guard !samples.isEmpty else { return }
        if samplesSeen == 0 && options.padding > 0 {
            // Leading padding is written on the first push, when the first sample (for edge padding) is known.
            appendPadding(options.padMode == .edge ? samples[0] : 0)
        }
        samplesSeen += samples.count
        lastSample = samples[samples.count - 1]
        append(samples)
        try emitReady(body)
    }

    /// Ends the stream: adds the trailing padding of the edge convention and emits the last frames.
    /// After this, ``framesEmitted`` equals `options.frameCount(sampleCount: samplesPushed)`.
    public func finish(_ body: (Int, UnsafeBufferPointer<Float>) throws -> Void) rethrows {
        guard !finished else { return }
        finished = true
        guard samplesSeen > 0 else { return }
        if options.padding > 0 { appendPadding(options.padMode == .edge ? lastSample : 0) }
        try emitReady(body)
    }

    private func emitReady(_ body: (Int, UnsafeBufferPointer<Float>) throws -> Void) rethrows {
        let length = options.frameLength
        while true {
            let start = nextFrame * options.hop
            guard start + length <= origin + count else { break }
            let frame = UnsafeBufferPointer(start: buffer.baseAddress! + head + (start - origin), count: length)
            try body(nextFrame, frame)
            nextFrame += 1
        }
    }

    private func append(_ samples: UnsafeBufferPointer<Float>) {
        var source = samples[...]
        // Samples before the next frame's start are never needed (hop > length skips them).
        let keepFrom = nextFrame * options.hop
        let end = origin + count
        if keepFrom > end {
            let skip = min(keepFrom - end, source.count)
            source = source.dropFirst(skip)
            origin += skip
        }
        Self.makeRoom(source.count, in: &buffer, head: &head, count: &count, origin: &origin, keepFrom: keepFrom)
        let destination = buffer.baseAddress! + head + count
        destination.update(from: source.base.baseAddress! + source.startIndex, count: source.count)
        count += source.count
    }

    private func appendPadding(_ value: Float) {
        let n = options.padding
        Self.makeRoom(n, in: &buffer, head: &head, count: &count, origin: &origin, keepFrom: nextFrame * options.hop)
        (buffer.baseAddress! + head + count).initialize(repeating: value, count: n)
        count += n
    }

    /// Drops samples before `keepFrom`, compacts, and grows the buffer so `extra` more samples fit.
    private static func makeRoom(_ extra: Int, in buffer: inout UnsafeMutableBufferPointer<Float>,
                                 head: inout Int, count: inout Int, origin: inout Int, keepFrom: Int) {
        let drop = min(max(0, keepFrom - origin), count)
        head += drop
        count -= drop
        origin += drop
        if head + count + extra <= buffer.count { return }
        let base = buffer.baseAddress!
        if count + extra <= buffer.count {
            memmove(base, base + head, count * MemoryLayout<Float>.stride)  // regions overlap
        } else {
            let grown = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(2 * buffer.count, count + extra))
            grown.baseAddress!.initialize(from: base + head, count: count)
            buffer.deallocate()
            buffer = grown
        }
        head = 0
    }
}
