/// Analyses recordings for their report pages: one extraction scores the segments and records the F0 and
/// loudness contours from the same frame rows, and a decoding pass at the file's own rate gives the peak
/// envelope.
///
/// Memory per file: the envelope (10 ms buckets) and two floats per 10 ms frame, about 3.5 MB per hour.
/// Not thread-safe (it owns a feature extractor); use one per thread.
package final class RecordingAnalyzer {
    /// The scorer (its model and segmentation).
    package let scorer: EmotionScorer
    private let f0Column: Int
    private let loudnessColumn: Int
    private let segmentationName: String
    private let audio: AudioReadOptions

    /// - Parameters:
    ///   - segmentationName: how `segmentation` is described on the pages (e.g. `vad`).
    ///   - audio: how files are read (e.g. one ``AudioReadOptions/channel``); the envelope is drawn from the
    ///     same channel at the file's own rate.
    /// - Precondition: the model is not speaker-normalised (a page scores its recording on its own).
    package init(model: EmotionModel, segmentation: Segmentation, segmentationName: String,
                audio: AudioReadOptions = AudioReadOptions()) {
        precondition(model.normalization != .speaker, "speaker-normalised models score groups of files")
        // The page's F0 contour is the `pitch` set's (Praat's algorithm, centred frames), drawn on the grid.
        scorer = EmotionScorer(model: model, segmentation: segmentation, frameSets: [.egemaps, .pitch], audio: audio)
        self.audio = audio
        let columns = scorer.frameColumns
        f0Column = columns.firstIndex(of: "f0_hz")!
        loudnessColumn = columns.firstIndex(of: "Loudness_sma3")!
        self.segmentationName = segmentationName
    }

    /// Analyses the file at `path`.
    /// - Throws: ``ScoringError`` with the one-line message of a bad file.
    package func analyze(path: String) throws(ScoringError) -> RecordingReport {
        var f0: [Float] = [], loudness: [Float] = []
        let f0Column = self.f0Column, loudnessColumn = self.loudnessColumn
        let table = try scorer.extract(path: path) { row in
            let hz = row.values[f0Column]
            f0.append(hz > 0 ? hz : .nan)
            loudness.append(row.values[loudnessColumn])
        }
        let envelope: WaveformEnvelope
        var info: AudioInfo
        do {
            let stream = try WaveformEnvelope.nativeStream(path, channel: audio.channel)
            envelope = try WaveformEnvelope(stream: stream)
            info = stream.info
            info.frames = stream.nativeFramesDecoded
        } catch {
            throw ScoringError(message: "\(error)")
        }
        let extraction = scorer.model.features.extractionOptions
        let rate = extraction.sampleRate, frame = extraction.frame
        let hop = Double(frame.hop) / rate
        let start = (Double(frame.frameStart(0)) + Double(frame.frameLength) / 2) / rate
        let scores = scorer.model.score(tables: [table], groups: [0])[0]
        var report = RecordingReport(path: path, info: info, duration: table.audioSeconds, envelope: envelope,
                                     pitch: Contour(start: start, step: hop, values: f0),
                                     loudness: Contour(start: start, step: hop, values: loudness),
                                     classes: scorer.model.classes, segments: scores, segmentation: segmentationName,
                                     channel: audio.channel)
        report.condition = table.conditions[0]
        return report
    }
}
