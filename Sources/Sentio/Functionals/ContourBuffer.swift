/// The values of one descriptor over a segment, kept for the functionals that need all of them (percentiles,
/// peaks and slopes), in blocks: 256 values, then 4096 at a time. It grows without copying what it holds and
/// without reserving up to twice its size, as a growing array does, so that a whole-file summary of an hour
/// of 10 ms frames takes 4 bytes per value and descriptor (1.4 MB) however the hour arrives; and the many
/// short windows of `--segment 1 --hop 0.01` take one small block each.
///
/// A plain value of pointers, so that the per-frame ``append(_:)`` in a descriptor table costs no reference
/// counting: copies share the blocks, only one of them may append, and the owner calls ``deallocate()``.
struct ContourBuffer {
    private static let firstBlockSize = 256, blockSize = 4096
    @inline(__always) private static func size(_ block: Int) -> Int { block == 0 ? firstBlockSize : blockSize }
    @inline(__always) private static func start(_ block: Int) -> Int {
        block == 0 ? 0 : firstBlockSize + (block - 1) * blockSize
    }
    /// Blocks kept for the next segment after ``removeAll()``: what a segment of up to ~10 min needs.
    /// (Blocks keep their sizes when reused: block b always holds ``size(_:)`` values.)
    private static let blocksKept = 16
    private var blocks: UnsafeMutablePointer<UnsafeMutablePointer<Float>>? = nil
    private var allocated = 0, capacity = 0
    // Where the next value goes and the end of its block (equal when the next value needs a block).
    private var cursor: UnsafeMutablePointer<Float>? = nil, end: UnsafeMutablePointer<Float>? = nil
    private var full = 0  // blocks before the cursor's, all full

    /// Values held.
    var count: Int {
        guard let cursor, let end else { return 0 }
        return Self.start(full) + Self.size(full) - (end - cursor)
    }

    /// Appends `x` after the values held.
    @inline(__always)
    mutating func append(_ x: Float) {
        if cursor == end { nextBlock() }
        cursor.unsafelyUnwrapped.pointee = x
        cursor = cursor.unsafelyUnwrapped + 1
    }

    @inline(never)
    private mutating func nextBlock() {
        if cursor != nil { full += 1 }
        if full == allocated {
            if allocated == capacity {
                capacity = max(16, 2 * capacity)
                let grown = UnsafeMutablePointer<UnsafeMutablePointer<Float>>.allocate(capacity: capacity)
                if let blocks {
                    grown.moveInitialize(from: blocks, count: allocated)
                    blocks.deallocate()
                }
                blocks = grown
            }
            (blocks.unsafelyUnwrapped + allocated).initialize(to: .allocate(capacity: Self.size(allocated)))
            allocated += 1
        }
        cursor = blocks.unsafelyUnwrapped[full]
        end = cursor.unsafelyUnwrapped + Self.size(full)
    }

    /// Forgets the values, keeping the first blocks for the next segment.
    mutating func removeAll() {
        cursor = nil
        end = nil
        full = 0
        while allocated > Self.blocksKept {
            allocated -= 1
            blocks.unsafelyUnwrapped[allocated].deallocate()
        }
    }

    /// Frees the blocks; the buffer is empty afterwards.
    mutating func deallocate() {
        removeAll()
        for b in 0..<allocated { blocks.unsafelyUnwrapped[b].deallocate() }
        blocks?.deallocate()
        blocks = nil
        allocated = 0
        capacity = 0
    }

    /// Replaces `out` with the values in order, or with the non-zero ones only.
    func copy(into out: inout [Float], nonZeroOnly: Bool) {
        let total = count
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(total)
        var left = total, b = 0
        while left > 0 {
            let n = min(left, Self.size(b))
            let values = UnsafeBufferPointer(start: blocks.unsafelyUnwrapped[b], count: n)
            if nonZeroOnly {
                for x in values where x != 0 { out.append(x) }
            } else {
                out.append(contentsOf: values)
            }
            left -= n
            b += 1
        }
    }
}
