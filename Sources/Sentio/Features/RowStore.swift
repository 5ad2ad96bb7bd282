#if canImport(Glibc)
import Glibc
#endif

/// Rows of `width` floats addressed by absolute frame index, keeping only the rows still needed.
final class RowStore {
    let width: Int
    private var storage: UnsafeMutablePointer<Float>
    private var capacity: Int  // in rows
    private var base = 0
    private(set) var count = 0

    init(width: Int) {
        self.width = max(width, 1)
        capacity = 64
        storage = .allocate(capacity: capacity * self.width)
    }

    deinit { storage.deallocate() }

    /// Row `index`, appending it and any rows before it (zeroed) when they are new.
    func row(creating index: Int) -> UnsafeMutablePointer<Float> {
        while index >= count {
            if count - base == capacity {
                let grown = UnsafeMutablePointer<Float>.allocate(capacity: 2 * capacity * width)
                grown.moveInitialize(from: storage, count: capacity * width)
                storage.deallocate()
                storage = grown
                capacity *= 2
            }
            (storage + (count - base) * width).initialize(repeating: 0, count: width)
            count += 1
        }
        return row(index)
    }

    /// Row `index`, which must be stored. Valid until the next `row(creating:)` or `discard(before:)`.
    @inline(__always)
    func row(_ index: Int) -> UnsafeMutablePointer<Float> {
        precondition(index >= base && index < count, "row \(index) is not stored")
        return storage + (index - base) * width
    }

    /// Forgets every row.
    func reset() {
        base = 0
        count = 0
    }

    /// Forgets rows before `index`.
    func discard(before index: Int) {
        let drop = min(index, count) - base
        guard drop > 0 else { return }
        let kept = count - base - drop
        memmove(storage, storage + drop * width, kept * width * MemoryLayout<Float>.stride)
        base += drop
    }
}
