/// Everything a report page shows about one recording: its waveform envelope, pitch and loudness contours,
/// and per-segment emotion scores, with the summary figures derived from them.
package struct RecordingReport: Sendable {
    /// The input path as given.
    package var path: String
    /// Header information (native rate and channels).
    package var info: AudioInfo
    /// Duration analysed, in seconds.
    package var duration: Double
    /// Peak envelope at the file's own rate.
    package var envelope: WaveformEnvelope
    /// F0 in Hz per 10 ms frame (the `pitch` set's tracker); NaN where unvoiced.
    package var pitch: Contour
    /// eGeMAPS loudness per frame (`Loudness_sma3`: equal-loudness weighted, cube-root compressed auditory
    /// spectrum, mean of 26 bands), as openSMILE computes it.
    package var loudness: Contour
    /// The model's classes, in its order.
    package var classes: [String]
    /// Per-segment scores, in time order.
    package var segments: [SegmentScore]
    /// How the file was segmented, for the caption (e.g. `vad`, `windows 2/1 s`).
    package var segmentation: String
    /// The one channel analysed (``AudioReadOptions/channel``), or nil when the channels were averaged.
    package var channel: Int?
    /// What the samples showed about the recording (clipping, a low native rate, cancelling channels).
    package var condition: SignalCondition?

    /// Creates a report with the given values; see each property for units and meaning.
    package init(path: String, info: AudioInfo, duration: Double, envelope: WaveformEnvelope, pitch: Contour,
                loudness: Contour, classes: [String], segments: [SegmentScore], segmentation: String, channel: Int? = nil) {
        self.channel = channel
        self.path = path
        self.info = info
        self.duration = duration
        self.envelope = envelope
        self.pitch = pitch
        self.loudness = loudness
        self.classes = classes
        self.segments = segments
        self.segmentation = segmentation
    }

    /// Mean class probabilities over the scored segments, each weighted by its seconds of voiced speech
    /// (so a long, clearly voiced segment counts more than a short one); nil when no segment was scored.
    package var meanProbabilities: [Double]? {
        var sum = Array(repeating: 0.0, count: classes.count), weight = 0.0
        for s in segments {
            guard let p = s.probabilities else { continue }
            let w = max(s.voicedSeconds, 1e-9)
            for c in p.indices { sum[c] += w * p[c] }
            weight += w
        }
        return weight > 0 ? sum.map { $0 / weight } : nil
    }

    /// The class with the highest ``meanProbabilities``, or `no_speech` when no segment was scored.
    package var dominantEmotion: String {
        guard let p = meanProbabilities else { return EmotionScorer.noSpeech }
        return classes[p.indices.max { p[$0] < p[$1] }!]
    }

    /// Share of the recording, in [0, 1], where the pitch tracker finds voiced speech. Unvoiced consonants
    /// are not counted, so fluent speech gives about 0.5-0.7, not 1.
    package var speechRatio: Double {
        guard duration > 0 else { return 0 }
        let voiced = pitch.values.reduce(0) { $0 + ($1.isNaN ? 0 : 1) }
        return min(1, Double(voiced) * pitch.step / duration)
    }

    /// Seconds of the recording labelled with each class as its top emotion, in class order, then
    /// `no_speech`: the contiguous intervals of the TextGrid tier (``labelIntervals(_:duration:)``), so
    /// overlapping windows are not counted twice and the total is the duration.
    package var secondsByLabel: [Double] {
        var seconds = Array(repeating: 0.0, count: classes.count + 1)
        for interval in labelIntervals(segments, duration: duration) {
            seconds[classes.firstIndex(of: interval.label) ?? classes.count] += interval.end - interval.start
        }
        return seconds
    }
}
