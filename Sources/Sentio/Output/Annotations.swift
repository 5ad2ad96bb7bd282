/// Pre-annotations for the tools annotation teams label in: Praat TextGrids and Audacity label tracks.

/// One labelled stretch of a recording.
public struct LabelInterval: Sendable, Equatable {
    /// Start, in seconds.
    public var start: Double
    /// End, in seconds.
    public var end: Double
    /// The top emotion, or `no_speech`.
    public var label: String
    /// The top emotion's probability, nil for `no_speech`.
    public var probability: Double?
}

/// The span each segment is drawn or labelled over: segments sorted by start, clipped to `0..<duration`, and
/// where windows overlap (a hop shorter than the window) the boundary put in the middle of the overlap, so
/// each instant belongs to the window whose centre is nearest. Spans may be empty (start >= end) when a
/// segment lies wholly inside its neighbours' halves.
public func segmentSpans(_ scores: [SegmentScore], duration: Double) -> [(segment: SegmentScore, start: Double, end: Double)] {
    let segments = scores.sorted { $0.start < $1.start }
    var starts = segments.map(\.start), ends = segments.map { min($0.end, duration) }
    for i in segments.indices.dropLast() where segments[i].end > segments[i + 1].start {
        let middle = (segments[i].end + segments[i + 1].start) / 2
        ends[i] = min(middle, duration)
        starts[i + 1] = middle
    }
    return segments.indices.map { (segments[$0], starts[$0], ends[$0]) }
}

/// Turns per-segment scores into contiguous, non-overlapping intervals covering `0..<duration`, as a TextGrid
/// interval tier needs: gaps between segments become `no_speech` intervals, and overlapping windows are cut
/// as ``segmentSpans(_:duration:)`` does.
public func labelIntervals(_ scores: [SegmentScore], duration: Double) -> [LabelInterval] {
    var intervals: [LabelInterval] = []
    var cursor = 0.0
    for (s, spanStart, end) in segmentSpans(scores, duration: duration) where end > max(spanStart, cursor) {
        let start = max(spanStart, cursor)
        if start > cursor + 1e-9 {
            intervals.append(LabelInterval(start: cursor, end: start, label: EmotionScorer.noSpeech, probability: nil))
        }
        intervals.append(LabelInterval(start: start, end: end, label: s.emotion, probability: s.probabilities?.max()))
        cursor = end
    }
    if duration > cursor + 1e-9 {
        intervals.append(LabelInterval(start: cursor, end: duration, label: EmotionScorer.noSpeech, probability: nil))
    }
    return intervals
}

/// A Praat TextGrid (long text format) with two interval tiers over `0..<duration`: `emotion` (the top emotion
/// of each interval, `no_speech` between segments) and `probability` (that emotion's probability, two
/// decimals; empty for `no_speech`).
public func textGrid(_ intervals: [LabelInterval], duration: Double) -> String {
    func number(_ x: Double) -> String { String((x * 1e6).rounded() / 1e6) }
    func quoted(_ s: String) -> String { "\"" + s.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\"" }
    var text = """
        File type = "ooTextFile"
        Object class = "TextGrid"

        xmin = 0
        xmax = \(number(duration))
        tiers? <exists>
        size = 2
        item []:

        """
    let tiers: [(String, (LabelInterval) -> String)] = [
        ("emotion", { $0.label }),
        ("probability", { $0.probability.map { String(format2: $0) } ?? "" }),
    ]
    for (t, (name, label)) in tiers.enumerated() {
        text += """
                item [\(t + 1)]:
                    class = "IntervalTier"
                    name = \(quoted(name))
                    xmin = 0
                    xmax = \(number(duration))
                    intervals: size = \(intervals.count)

            """
        for (i, interval) in intervals.enumerated() {
            text += """
                        intervals [\(i + 1)]:
                            xmin = \(number(interval.start))
                            xmax = \(number(interval.end))
                            text = \(quoted(label(interval)))

                """
        }
    }
    return text
}

/// An Audacity label track: one line per scored segment, `start<TAB>end<TAB>label` (seconds with six decimals),
/// the label being the top emotion and its probability, e.g. `angry 0.87`, or `no_speech`. Audacity's
/// File > Import > Labels reads it; segments may overlap.
public func audacityLabels(_ scores: [SegmentScore]) -> String {
    func number(_ x: Double) -> String {
        let micro = Int64((x * 1e6).rounded())
        let fraction = String(micro % 1_000_000)
        return "\(micro / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }
    return scores.map { s in
        let label = s.probabilities.map { "\(s.emotion) \(String(format2: $0.max()!))" } ?? s.emotion
        return "\(number(s.start))\t\(number(s.end))\t\(String(label.map { $0 == "\t" ? " " : $0 }))\n"
    }.joined()
}
