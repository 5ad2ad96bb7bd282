#if canImport(Glibc)
import Glibc
#endif

/// Finds speech regions in a frame stream for ``Segmentation/voiceActivity(_:)`` (see
/// ``VoiceActivityOptions``), holding only the rows of the region in progress (at most
/// ``VoiceActivityOptions/maximumLength`` plus the pause that closes it).
final class SpeechDetector {
    /// The sets an extraction needs for voice activity, added after `sets`: voicing (`pitch`) and energy,
    /// unless `egemaps` already provides both.
    static func requiredSets(adding sets: [FeatureSet]) -> [FeatureSet] {
        if sets.contains(.egemaps) { return sets }
        var all = sets
        for needed in [FeatureSet.pitch, .energy] where !all.contains(needed) { all.append(needed) }
        return all
    }

    private let voicingColumn: Int
    private let energyColumn: Int
    /// True when the energy column is an RMS (squared before comparing), false for a mean square.
    private let energyIsRMS: Bool
    private let floor: Float
    private let maxPause, pad, minFrames, maxFrames: Int

    private var width = 0
    private var rows: [Float] = []
    private var rowsBase = 0        // frame index of rows[0]
    private var regionFirst: Int?   // first frame of the open region (padding included)
    private var lastEnd = 0         // end of the last region: the next one's padding starts no earlier
    private var lastSpeech = 0
    private var lastIndex = -1

    init(options: VoiceActivityOptions, columns: [String: Int], frameStep: Double) {
        if let f0 = columns["f0_hz"], let rms = columns["rms"] {
            voicingColumn = f0
            energyColumn = rms
            energyIsRMS = true
        } else {
            voicingColumn = columns[EGeMAPSFeature.voicingColumn]!
            energyColumn = columns[EGeMAPSFeature.energyColumn]!
            energyIsRMS = false
        }
        floor = Float(pow(10, options.energyFloor / 10))
        func frames(_ seconds: Double) -> Int { max(0, Int((seconds / frameStep).rounded())) }
        maxPause = frames(options.maximumPause)
        pad = frames(options.padding)
        minFrames = max(1, frames(options.minimumLength))
        maxFrames = max(1, frames(options.maximumLength))
    }

    /// Prepares for a new file whose rows have `width` values.
    func reset(width: Int) {
        self.width = width
        rows.removeAll(keepingCapacity: true)
        rowsBase = 0
        regionFirst = nil
        lastEnd = 0
        lastSpeech = 0
        lastIndex = -1
    }

    /// Takes frame `index` (in order); calls `region(first, end)` for each region completed by it.
    func add(_ row: UnsafePointer<Float>, index: Int, region: (Int, Int) throws -> Void) rethrows {
        rows.append(contentsOf: UnsafeBufferPointer(start: row, count: width))
        lastIndex = index
        var energy = row[energyColumn]
        if energyIsRMS { energy *= energy }
        let speechLike = row[voicingColumn] != 0 && energy >= floor
        if speechLike {
            if regionFirst == nil { regionFirst = max(rowsBase, index - pad, lastEnd) }
            lastSpeech = index
        } else if let first = regionFirst, index - lastSpeech > maxPause {
            try close(first, end: min(lastSpeech + 1 + pad, index + 1), region: region)
        }
        // A region reaches its longest on any frame (checked on speech frames only, a cut due in a short
        // pause waited for the next voiced frame: regions of 10.1 s). Cut in speech, the next piece goes on
        // from the cut; cut in a pause, the region ends as a pause would end it and the next speech opens one.
        if let first = regionFirst, index + 1 - first >= maxFrames {
            if speechLike {
                try region(first, index + 1)
                lastEnd = index + 1
                regionFirst = index + 1
            } else {
                try close(first, end: min(lastSpeech + 1 + pad, index + 1), region: region)
            }
        }
        // Keep the open region, or the padding that may start the next one.
        let keep = regionFirst ?? (index + 1 - pad)
        let drop = min(max(0, keep - rowsBase), rows.count / max(width, 1))
        if drop > 0 {
            rows.removeFirst(drop * width)
            rowsBase += drop
        }
    }

    /// Ends the file, completing the open region.
    func finish(region: (Int, Int) throws -> Void) rethrows {
        guard let first = regionFirst else { return }
        try close(first, end: min(lastSpeech + 1 + pad, lastIndex + 1), region: region)
    }

    /// Ends the open region at `end`, keeping it when it is long enough.
    private func close(_ first: Int, end: Int, region: (Int, Int) throws -> Void) rethrows {
        if end - first >= minFrames && end > first {
            try region(first, end)
            lastEnd = end
        }
        regionFirst = nil
    }

    /// Calls `body` with each held row in `first ..< end`.
    func forEachRow(from first: Int, to end: Int, _ body: (UnsafePointer<Float>) -> Void) {
        rows.withUnsafeBufferPointer { buffer in
            for i in max(first, rowsBase)..<end { body(buffer.baseAddress! + (i - rowsBase) * width) }
        }
    }
}
