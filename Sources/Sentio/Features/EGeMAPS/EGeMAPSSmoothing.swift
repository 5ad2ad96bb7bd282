/// openSMILE's `cContourSmoother` with `smaWin = 3` over the eGeMAPS descriptors, and the voiced/unvoiced
/// gating that precedes it:
///
/// - `sma3`: the mean of the frame and its two neighbours, the first and last frames standing in for their
///   missing neighbours (edge replication, as openSMILE: y₀ = (2 x₀ + x₁) / 3).
/// - `sma3nz`: 0 where the frame's value is 0; elsewhere the mean of the non-zero values among the three
///   (a replicated edge frame counts twice).
///   Voice descriptors are 0 in unvoiced frames, so their smoothing never mixes in silence.
/// - The voice rows end where openSMILE's do (``EGeMAPSFeature/rowColumn``): the grid's rows after them do
///   not enter the last one's `sma3nz` means. The energy descriptors have every 20 ms frame.
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
    private let rowMark: Int

    init(offset: Int) {
        self.offset = offset
        rawOffset = offset + EGeMAPS.lowLevelDescriptors.count + EGeMAPS.gatedColumns.count
        voicing = rawOffset + EGeMAPSFeature.voicingIndex
        rowMark = rawOffset + EGeMAPSFeature.rowIndex
    }

    func finish(row t: Int, rows: (Int) -> UnsafeMutablePointer<Float>) {
        // rows() replicates the edge rows, as openSMILE's smoother does: y₀ = (2 x₀ + x₁) / 3.
        let current = rows(t), before = rows(t - 1), next = rows(t + 1)
        // The voice rows' own edge: the last of openSMILE's voice rows stands in for the grid's row after it.
        let after = next[rowMark] == 0 && current[rowMark] != 0 ? current : next
        let energyCount = EGeMAPS.energyDescriptors.count
        for c in 0..<EGeMAPS.lowLevelDescriptors.count {
            let r = rawOffset + c
            current[offset + c] = c < energyCount
                ? Self.mean(before[r], current[r], next[r])
                : Self.nonZeroMean(before[r], current[r], after[r])
        }
        var out = offset + EGeMAPS.lowLevelDescriptors.count
        let voicedBefore = before[voicing] != 0, voicedNow = current[voicing] != 0, voicedAfter = after[voicing] != 0
        for voiced in [true, false] {
            let count = voiced ? EGeMAPS.gatedSpectral.count : EGeMAPS.unvoicedSpectralCount
            // A row's spectrum is kept when its voice frame is voiced (or unvoiced).
            let keepBefore = voicedBefore == voiced, keepNow = voicedNow == voiced, keepAfter = voicedAfter == voiced
            for g in 0..<count {
                let r = rawOffset + 1 + g  // the gated descriptors follow loudness in the raw columns
                current[out] = Self.nonZeroMean(keepBefore ? before[r] : 0, keepNow ? current[r] : 0,
                                                keepAfter ? after[r] : 0)
                out += 1
            }
        }
    }

    private static func mean(_ a: Float, _ b: Float, _ c: Float) -> Float { (a + b + c) / 3 }

    private static func nonZeroMean(_ a: Float, _ b: Float, _ c: Float) -> Float {
        guard b != 0 else { return 0 }
        var sum = b, n: Float = 1
        if a != 0 { sum += a; n += 1 }
        if c != 0 { sum += c; n += 1 }
        return sum / n
    }
}
