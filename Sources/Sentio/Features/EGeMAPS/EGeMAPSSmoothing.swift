/// openSMILE's `cContourSmoother` with `smaWin = 3` over the eGeMAPS descriptors, and the voiced/unvoiced
/// gating that precedes it:
///
/// - `sma3`: the mean of the frame and its two neighbours (at the file's edges, of the frames that exist).
/// - `sma3nz`: 0 where the frame's value is 0; elsewhere the mean of the non-zero values among the three.
///   Voice descriptors are 0 in unvoiced frames, so their smoothing never mixes in silence.
/// - `...V_sma3nz` / `...UV_sma3nz`: a spectral descriptor kept only in voiced / unvoiced frames (0
///   elsewhere), then `sma3nz`.
///
/// Reads the raw columns of ``EGeMAPSFeature`` and writes ``EGeMAPS/lowLevelDescriptors`` followed by
/// ``EGeMAPS/gatedColumns``, starting at `offset`.
final class EGeMAPSSmoothing: RowStage {
    let lookahead: Int? = 1
    let lookbehind = 1
    private let offset: Int
    private let rawOffset: Int
    private let voicing: Int

    init(offset: Int) {
        self.offset = offset
        rawOffset = offset + EGeMAPS.lowLevelDescriptors.count + EGeMAPS.gatedColumns.count
        voicing = rawOffset + EGeMAPSFeature.rawColumns.count
    }

    func finish(row t: Int, rows: (Int) -> UnsafeMutablePointer<Float>) {
        // rows() replicates the edge rows; detect them so edges average only existing frames.
        let current = rows(t), before = t > 0 ? rows(t - 1) : nil
        let next = rows(t + 1)
        let after: UnsafeMutablePointer<Float>? = next == current ? nil : next
        let energyCount = EGeMAPS.energyDescriptors.count
        for c in 0..<EGeMAPS.lowLevelDescriptors.count {
            let r = rawOffset + c
            current[offset + c] = c < energyCount
                ? Self.mean(before?[r], current[r], after?[r])
                : Self.nonZeroMean(before?[r], current[r], after?[r])
        }
        var out = offset + EGeMAPS.lowLevelDescriptors.count
        for voiced in [true, false] {
            let count = voiced ? EGeMAPS.gatedSpectral.count : EGeMAPS.unvoicedSpectralCount
            func gated(_ row: UnsafeMutablePointer<Float>?, _ r: Int) -> Float? {
                guard let row else { return nil }
                return (row[voicing] != 0) == voiced ? row[r] : 0
            }
            for g in 0..<count {
                let r = rawOffset + 1 + g  // the gated descriptors follow loudness in the raw columns
                current[out] = Self.nonZeroMean(gated(before, r), gated(current, r)!, gated(after, r))
                out += 1
            }
        }
    }

    private static func mean(_ a: Float?, _ b: Float, _ c: Float?) -> Float {
        var sum = b, n: Float = 1
        if let a { sum += a; n += 1 }
        if let c { sum += c; n += 1 }
        return sum / n
    }

    private static func nonZeroMean(_ a: Float?, _ b: Float, _ c: Float?) -> Float {
        guard b != 0 else { return 0 }
        var sum = b, n: Float = 1
        if let a, a != 0 { sum += a; n += 1 }
        if let c, c != 0 { sum += c; n += 1 }
        return sum / n
    }
}
