/// Regression deltas of a block of columns, as Kaldi's `add-deltas` computes them.
///
/// The first-order delta is the least-squares slope over `+-N` frames,
/// `d[t] = sum_{n=1..N} n (c[t+n] - c[t-n]) / (2 sum_{n=1..N} n^2)` (HTK Book, eq. 5.16). Higher orders apply
/// the same regression again; following Kaldi (`DeltaFeatures`), order `k` is computed directly from the
/// static features with the `k`-fold convolved filter (9 taps for order 2 with `N = 2`), and frames before
/// the first or after the last are replaced by the first or last frame (edge replication).
public final class DeltaStage: RowStage {
    /// Frames after `t` needed to finish row `t`: `window` × `order`.
    public let lookahead: Int?
    /// Frames before `t` needed to finish row `t`: `window` × `order`.
    public let lookbehind: Int
    private let sourceOffset: Int
    private let width: Int
    private let targetOffset: Int
    /// Filter taps per order (index 0 = order 1).
    private let scales: [[Float]]

    /// - Parameters:
    ///   - sourceOffset: first column of the static features in the row.
    ///   - width: number of static columns.
    ///   - targetOffset: first output column; order `k` (1-based) goes to `targetOffset + (k - 1) * width`.
    ///   - window: `N`, default 2.
    ///   - order: highest order, default 2 (deltas and delta-deltas).
    public init(sourceOffset: Int, width: Int, targetOffset: Int, window: Int = 2, order: Int = 2) {
        self.sourceOffset = sourceOffset
        self.width = width
        self.targetOffset = targetOffset
        var all: [[Double]] = [[1]]
        let normalizer = Double((-window...window).reduce(0) { $0 + $1 * $1 })
        for _ in 0..<order {
            let previous = all.last!
            let previousOffset = (previous.count - 1) / 2
            var current = [Double](repeating: 0, count: previous.count + 2 * window)
            let currentOffset = previousOffset + window
            for j in -window...window {
                for k in -previousOffset...previousOffset {
                    current[j + k + currentOffset] += Double(j) * previous[k + previousOffset]
                }
            }
            all.append(current.map { $0 / normalizer })
        }
        scales = all.dropFirst().map { $0.map(Float.init) }
        lookahead = window * order
        lookbehind = window * order
    }

    /// Writes the deltas of row `t`, order 1 first, from its neighbours' static columns.
    public func finish(row t: Int, rows: (Int) -> UnsafeMutablePointer<Float>) {
        let out = rows(t)
        for (o, taps) in scales.enumerated() {
            let target = out + targetOffset + o * width
            for c in 0..<width { target[c] = 0 }
            let half = (taps.count - 1) / 2
            for (i, tap) in taps.enumerated() where tap != 0 {
                let source = rows(t + i - half) + sourceOffset
                for c in 0..<width { target[c] += tap * source[c] }
            }
        }
    }
}
