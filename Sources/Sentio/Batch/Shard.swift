#if canImport(Glibc)
import Glibc
#endif

/// One of `count` disjoint parts of a batch (`--shard K/N`), for spreading a corpus over machines or the tasks
/// of a job array. The N parts together hold every input exactly once, and `sentio merge` puts their outputs
/// back together in input order.
package struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// This part, from 0.
    package var index: Int
    /// Number of parts.
    package var count: Int

    /// Creates part `index` (from 0) of `count` parts.
    /// - Precondition: `count` >= 1 and 0 <= `index` < `count`.
    package init(index: Int, count: Int) {
        precondition(count >= 1 && (0..<count).contains(index), "shard index out of range")
        self.index = index
        self.count = count
    }

    /// Parses `K/N` with 0 <= K < N.
    package init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, (0..<n).contains(k) else { return nil }
        self.init(index: k, count: n)
    }

    /// `K/N`, as `--shard` spells it (the form ``init(parsing:)`` reads).
    package var description: String { "\(index)/\(count)" }

    /// The inputs of this part, as indices into `paths` in increasing order.
    ///
    /// Parts are balanced by file size, as a stand-in for audio duration: files are dealt largest first, each to
    /// the part with the fewest bytes so far (the longest-processing-time rule, within 4/3 of the best
    /// possible balance), ties going to the lower part. The assignment depends only on the list and the
    /// sizes, so every task of a job array computes the same one. A file that cannot be examined counts as
    /// empty: it will fail quickly wherever it lands.
    package func select(sizes: [Int64]) -> [Int] {
        guard count > 1 else { return Array(sizes.indices) }
        let order = sizes.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
        var load = [Int64](repeating: 0, count: count)
        var mine: [Int] = []
        for i in order {
            var target = 0
            for part in 1..<count where load[part] < load[target] { target = part }
            load[target] += max(sizes[i], 1)
            if target == index { mine.append(i) }
        }
        return mine.sorted()
    }
}

