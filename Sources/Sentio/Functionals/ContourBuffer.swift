/// The values of one descriptor over a segment, kept for the functionals that need all of them (percentiles,
/// peaks and slopes), in blocks of 4096: it grows without copying what it holds and without reserving up to
/// twice its size, as a growing array does, so that a whole-file summary of an hour of 10 ms frames takes
/// 4 bytes per value and descriptor (1.4 MB) however the hour arrives.
final class ContourBuffer {
    private static let blockShift = 12
    private static let blockSize = 1 << blockShift
    /// Blocks kept for the next segment after ``removeAll()``: what a segment of up to ~10 min needs.
    private static let blocksKept = 16
    private var blocks: [UnsafeMutablePointer<Float>] = []
    /// Values held.
    private(set) var count = 0

    deinit { blocks.forEach { $0.deallocate() } }

    /// Appends `x` after the values held.
    @inline(__always)
    func append(_ x: Float) {
        let block = count >> Self.blockShift
        if block == blocks.count { blocks.append(.allocate(capacity: Self.blockSize)) }
        blocks[block][count & (Self.blockSize - 1)] = x
        count += 1
    }

    /// Forgets the values, keeping the first blocks for the next segment.
    func removeAll() {
        count = 0
        while blocks.count > Self.blocksKept { blocks.removeLast().deallocate() }
    }

    /// Replaces `out` with the values in order, or with the non-zero ones only.
    func copy(into out: inout [Float], nonZeroOnly: Bool) {
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(count)
        var left = count
        for block in blocks where left > 0 {
            let n = min(left, Self.blockSize)
            let values = UnsafeBufferPointer(start: block, count: n)
            if nonZeroOnly {
                for x in values where x != 0 { out.append(x) }
            } else {
                out.append(contentsOf: values)
            }
            left -= n
        }
    }
}
