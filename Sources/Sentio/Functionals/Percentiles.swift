#if canImport(Glibc)
import Glibc
#endif

/// Order statistics of a set of values: percentiles by linear interpolation between closest ranks.
enum Percentiles {
    /// Percentile `p` in [0, 1] of `sorted` (ascending): the value at position `p (n - 1)`, interpolated
    /// linearly between the two neighbouring ranks (numpy `method="linear"`, openSMILE `interp = 1`).
    static func value(_ p: Double, sorted: UnsafeBufferPointer<Float>) -> Double {
        let n = sorted.count
        guard n > 0 else { return 0 }
        let position = min(max(p, 0), 1) * Double(n - 1)
        let (lower, upper) = ranks(p, count: n)
        let fraction = position - Double(lower)
        return Double(sorted[lower]) + fraction * (Double(sorted[upper]) - Double(sorted[lower]))
    }

    /// Sorts `values` ascending for ``value(_:sorted:)``.
    ///
    /// An in-place introsort on the floats themselves, several times faster than the standard library's
    /// generic stable sort on contours of a few hundred frames. The order it gives differs from a stable sort's
    /// only among values that compare equal, which have the same bits except -0 and +0; no percentile depends
    /// on that (interpolating between zeros of either sign gives +0). NaN, which has no place in an ascending
    /// order, sends the contour to the standard sort.
    static func sort(_ values: inout [Float]) {
        arrangeRanks(&values, nil)
    }

    /// Puts at each position in `ranks` the value an ascending sort of `values` puts there, for
    /// ``value(_:sorted:)`` at those ranks only; the other positions keep values of `values`, in no order and
    /// not necessarily each once.
    ///
    /// The values are counted into buckets of equal width between their minimum and maximum; only the few
    /// buckets that hold a wanted rank are gathered and ordered, by the introsort below recursing only into
    /// the parts that hold a wanted rank. Three branch-free passes and a few small sorts cost a fraction of a
    /// quickselect over the whole contour, whose every comparison is a coin toss for the branch predictor.
    /// Equal values share a bucket, so the values at the ranks are those of a full sort (up to the sign of
    /// zero, as ``sort(_:)``).
    static func arrange(_ values: inout [Float], ranks: [Int]) {
        let ranks = Array(Set(ranks.map { min(max($0, 0), values.count - 1) })).sorted()
        if values.count >= 32 && selectByBuckets(&values, ranks) { return }
        arrangeRanks(&values, ranks)
    }

    /// ``arrange(_:ranks:)`` by buckets; false, leaving `values` unchanged, when they include NaN or their
    /// spread cannot be divided into buckets: all values equal, an infinite value, a range beyond Float's, or
    /// one so small (below about 2e-37) that 64 buckets over it overflow the scale.
    private static func selectByBuckets(_ values: inout [Float], _ ranks: [Int]) -> Bool {
        let n = values.count, bucketCount = 64
        return values.withUnsafeMutableBufferPointer { buffer -> Bool in
            let x = buffer.baseAddress!
            var lo = x[0], hi = x[0], ordered = true
            for i in 0..<n {
                let v = x[i]
                ordered = ordered && v == v
                lo = v < lo ? v : lo
                hi = v > hi ? v : hi
            }
            let scale = Float(bucketCount) / (hi - lo)
            guard ordered && scale.isFinite && scale > 0 else { return false }
            // (x − lo) · scale, truncated, never decreases as x grows: buckets hold consecutive ranks.
            @inline(__always) func bucket(_ v: Float) -> Int { min(bucketCount - 1, Int((v - lo) * scale)) }
            return withUnsafeTemporaryAllocation(of: Int.self, capacity: 4 * bucketCount + 1 + ranks.count) { table -> Bool in
                // Two interleaved tallies, so that a run of values in one bucket is not one chain of increments.
                let even = table.baseAddress!, odd = even + bucketCount, first = odd + bucketCount
                let base = first + bucketCount + 1, local = base + bucketCount
                even.initialize(repeating: 0, count: 2 * bucketCount)
                var i = 0
                while i + 1 < n {
                    even[bucket(x[i])] += 1
                    odd[bucket(x[i + 1])] += 1
                    i += 2
                }
                if i < n { even[bucket(x[i])] += 1 }
                // first[b]: rank of bucket b's smallest value; `even` becomes 1 for the buckets holding a rank.
                var total = 0
                for b in 0..<bucketCount {
                    first[b] = total
                    total += even[b] + odd[b]
                    even[b] = 0
                }
                first[bucketCount] = n
                func holder(ofRank r: Int) -> Int {
                    var b = bucketCount - 1
                    while first[b] > r { b -= 1 }
                    return b
                }
                for r in ranks { even[holder(ofRank: r)] = 1 }
                // The wanted buckets' values in a row, in contour order; bucket b's lowest value has rank
                // base[b] among them, so rank r of the contour is rank base[b] + r − first[b] there.
                var wanted = 0
                for b in 0..<bucketCount where even[b] != 0 {
                    base[b] = wanted
                    wanted += first[b + 1] - first[b]
                }
                for (k, r) in ranks.enumerated() {
                    let b = holder(ofRank: r)
                    local[k] = base[b] + r - first[b]
                }
                return withUnsafeTemporaryAllocation(of: Float.self, capacity: wanted + 1) { gathered -> Bool in
                    // One cursor, advanced past a value only when its bucket is wanted: no branch on the data.
                    let g = gathered.baseAddress!
                    var count = 0
                    for i in 0..<n {
                        g[count] = x[i]
                        count += even[bucket(x[i])]
                    }
                    introsort(g, 0, wanted - 1, depth: depthLimit(wanted), ranks: local, 0, ranks.count)
                    for (k, r) in ranks.enumerated() { x[r] = g[local[k]] }
                    return true
                }
            }
        }
    }

    /// The ranks `p (n − 1)` of ``value(_:sorted:)`` reads for percentile `p` of `n` values: below and above.
    static func ranks(_ p: Double, count n: Int) -> (Int, Int) {
        let lower = Int((min(max(p, 0), 1) * Double(n - 1)).rounded(.down))
        return (lower, min(lower + 1, n - 1))
    }

    private static func arrangeRanks(_ values: inout [Float], _ ranks: [Int]?) {
        guard values.count > 1 else { return }
        if values.contains(where: \.isNaN) {
            values.sort()
            return
        }
        let n = values.count
        values.withUnsafeMutableBufferPointer { buffer in
            let depth = depthLimit(n)
            if let ranks {
                ranks.withUnsafeBufferPointer { r in
                    introsort(buffer.baseAddress!, 0, n - 1, depth: depth, ranks: r.baseAddress!, r.startIndex, r.endIndex)
                }
            } else {
                introsort(buffer.baseAddress!, 0, n - 1, depth: depth, ranks: nil, 0, 0)
            }
        }
    }

    /// Partitioning rounds ``introsort(_:_:_:depth:ranks:_:_:)`` takes over `n` values before it hands the
    /// rest to heapsort: twice the bits of `n`, about 2 log₂ n.
    private static func depthLimit(_ n: Int) -> Int { 2 * (Int.bitWidth - n.leadingZeroBitCount) }

    /// Sorts `a[first...last]`, or with `ranks` (ascending, `ranks[r0..<r1]` all within first...last) only
    /// as far as putting those ranks' values in place.
    private static func introsort(_ a: UnsafeMutablePointer<Float>, _ first: Int, _ last: Int, depth: Int,
                                  ranks: UnsafePointer<Int>?, _ r0: Int, _ r1: Int) {
        var lo = first, hi = last, depth = depth, r0 = r0, r1 = r1
        while hi - lo > 16 {
            if ranks != nil && r0 == r1 { return }
            guard depth > 0 else {
                heapsort(a + lo, hi - lo + 1)
                return
            }
            depth -= 1
            // Median of three as the pivot; it also bounds both inner scans.
            let mid = lo + (hi - lo) / 2
            if a[mid] < a[lo] { a.swapAt(mid, lo) }
            if a[hi] < a[lo] { a.swapAt(hi, lo) }
            if a[hi] < a[mid] { a.swapAt(hi, mid) }
            let pivot = a[mid]
            var i = lo, j = hi
            while i <= j {
                while a[i] < pivot { i += 1 }
                while a[j] > pivot { j -= 1 }
                if i <= j {
                    a.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // a[lo...j] ≤ pivot ≤ a[i...hi], and anything between equals the pivot. Ranks split the same way.
            var leftEnd = r0, rightStart = r1
            if let ranks {
                while leftEnd < r1 && ranks[leftEnd] <= j { leftEnd += 1 }
                rightStart = leftEnd
                while rightStart < r1 && ranks[rightStart] < i { rightStart += 1 }
            }
            // Recurse into the smaller part, loop on the larger: stack depth stays logarithmic.
            if j - lo < hi - i {
                introsort(a, lo, j, depth: depth, ranks: ranks, r0, leftEnd)
                lo = i
                r0 = rightStart
            } else {
                introsort(a, i, hi, depth: depth, ranks: ranks, rightStart, r1)
                hi = j
                r1 = leftEnd
            }
        }
        if ranks != nil && r0 == r1 { return }
        var i = lo + 1
        while i <= hi {
            let x = a[i]
            var j = i - 1
            while j >= lo && a[j] > x {
                a[j + 1] = a[j]
                j -= 1
            }
            a[j + 1] = x
            i += 1
        }
    }

    private static func heapsort(_ a: UnsafeMutablePointer<Float>, _ n: Int) {
        func sift(_ start: Int, _ end: Int) {
            var root = start
            while 2 * root + 1 < end {
                var child = 2 * root + 1
                if child + 1 < end && a[child] < a[child + 1] { child += 1 }
                guard a[root] < a[child] else { return }
                a.swapAt(root, child)
                root = child
            }
        }
        var start = n / 2
        while start > 0 {
            start -= 1
            sift(start, n)
        }
        var end = n
        while end > 1 {
            end -= 1
            a.swapAt(0, end)
            sift(0, end)
        }
    }
}

private extension UnsafeMutablePointer where Pointee == Float {
    @inline(__always)
    func swapAt(_ i: Int, _ j: Int) {
        let t = self[i]
        self[i] = self[j]
        self[j] = t
    }
}

extension Percentiles {
    /// Percentile `p` in [0, 1] of unsorted `values`, or nil when there are none.
    static func value(_ p: Double, of values: [Float]) -> Double? {
        guard !values.isEmpty else { return nil }
        return values.sorted().withUnsafeBufferPointer { value(p, sorted: $0) }
    }
}
