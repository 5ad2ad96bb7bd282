#if canImport(Glibc)
import Glibc
#endif

/// The recent past of a sample stream, addressed by absolute sample index.
///
/// Analyses whose windows do not follow a fixed frame grid (pitch windows several periods long, glottal
/// pulses found by walking from period to period) read any span they still need from here; the owner
/// discards what no analysis needs any more, so memory is bounded by the largest look-back, not by the file.
/// Indices before 0, and at or after the end of what was appended, read as zero.
public final class SampleHistory {
    private var storage: UnsafeMutablePointer<Float>
    private var capacity: Int
    /// Absolute index of the oldest sample kept.
    public private(set) var base = 0
    /// Absolute index one past the newest sample.
    public private(set) var end = 0

    /// Creates an empty history with room for `capacity` samples at first (at least 1024; default
    /// 32 768), grown as needed.
    public init(capacity: Int = 1 << 15) {
        self.capacity = max(capacity, 1024)
        storage = .allocate(capacity: self.capacity)
    }

    deinit { storage.deallocate() }

    /// Forgets every sample.
    public func reset() {
        base = 0
        end = 0
    }

    /// Appends `samples` after the newest one.
    public func append(_ samples: UnsafeBufferPointer<Float>) {
        guard let source = samples.baseAddress, !samples.isEmpty else { return }
        let kept = end - base
        if kept + samples.count > capacity {
            var grown = capacity
            while kept + samples.count > grown { grown *= 2 }
            let bigger = UnsafeMutablePointer<Float>.allocate(capacity: grown)
            bigger.moveInitialize(from: storage, count: kept)
            storage.deallocate()
            storage = bigger
            capacity = grown
        }
        (storage + kept).update(from: source, count: samples.count)
        end += samples.count
    }

    /// Forgets samples before absolute index `index`.
    public func discard(before index: Int) {
        let drop = min(index, end) - base
        guard drop > 0 else { return }
        memmove(storage, storage + drop, (end - base - drop) * MemoryLayout<Float>.stride)
        base += drop
    }

    /// Sample `i` (absolute); zero outside `0 ..< end`. `i` must not be before ``base`` unless negative.
    @inline(__always)
    public subscript(i: Int) -> Float {
        if i < 0 || i >= end { return 0 }
        precondition(i >= base, "sample \(i) was discarded")
        return storage[i - base]
    }

    /// The largest absolute sample in `start ..< stop` (absolute), 0 for the parts outside `0 ..< end`.
    public func absolutePeak(from start: Int, to stop: Int) -> Float {
        let lo = max(start, 0), hi = min(stop, end)
        guard lo < hi else { return 0 }
        precondition(lo >= base, "sample \(lo) was discarded")
        return VectorMath.absoluteMaximum(storage + (lo - base), hi - lo)
    }

    /// Calls `body` with a pointer to samples `start ..< start + count` (absolute): the stored samples
    /// themselves when the span lies inside the stream, else a zero-padded copy in `scratch` (which must
    /// hold `count` floats). The pointer is valid only during the call.
    public func withSpan<R>(from start: Int, count: Int, scratch: UnsafeMutablePointer<Float>,
                            _ body: (UnsafePointer<Float>) -> R) -> R {
        if start >= base && start >= 0 && start + count <= end { return body(storage + (start - base)) }
        copy(from: start, count: count, into: scratch)
        return body(scratch)
    }

    /// Copies samples `start ..< start + count` (absolute) to `out`, zero outside `0 ..< end`.
    public func copy(from start: Int, count: Int, into out: UnsafeMutablePointer<Float>) {
        let lo = max(start, 0), hi = min(start + count, end)
        guard lo < hi else {
            out.update(repeating: 0, count: count)
            return
        }
        precondition(lo >= base, "sample \(lo) was discarded")
        if lo > start { out.update(repeating: 0, count: lo - start) }
        (out + (lo - start)).update(from: storage + (lo - base), count: hi - lo)
        if start + count > hi { (out + (hi - start)).update(repeating: 0, count: start + count - hi) }
    }
}
