/// The `pitch` set (`f0_hz`, `voicing_prob`) and the `voice` set (``VoiceAnalyzer/columns``), sharing one
/// ``PitchTracker`` whose frames are centred on the extraction's frame centres.
final class ProsodyFeature: StreamFeature {
    static let pitchColumns = ["f0_hz", "voicing_prob"]
    let tracker: PitchTracker
    private let voice: VoiceAnalyzer?
    /// Column offsets in the row, nil when the set is not written.
    private let pitchOffset: Int?
    private let voiceOffset: Int?
    private(set) var framesCompleted = 0

    /// - Parameter voice: options of the `voice` set, nil when it is not written.
    init(pitch: PitchOptions, voice: VoiceOptions?, sampleRate: Double, frame: FrameOptions,
         pitchOffset: Int?, voiceOffset: Int?) {
        let tracker = PitchTracker(options: pitch, sampleRate: sampleRate, hop: frame.hop,
                                   firstCentre: frame.frameStart(0) + frame.frameLength / 2)
        self.tracker = tracker
        self.voice = voice.map { VoiceAnalyzer(options: $0, tracker: tracker) }
        self.pitchOffset = pitchOffset
        self.voiceOffset = voiceOffset
    }

    func reset() {
        // The voice analyser sets the tracker's retention, so it is reset after the tracker.
        tracker.reset()
        voice?.reset()
        framesCompleted = 0
    }

    func push(_ chunk: UnsafeBufferPointer<Float>, row: (Int) -> UnsafeMutablePointer<Float>) {
        tracker.push(chunk) { take($0, row: row) }
    }

    func finish(frameCount: Int, row: (Int) -> UnsafeMutablePointer<Float>) {
        tracker.finish(frameCount: frameCount) { take($0, row: row) }
        voice?.finish { index, values in write(index, values, row: row) }
    }

    private func take(_ estimate: PitchEstimate, row: (Int) -> UnsafeMutablePointer<Float>) {
        if let p = pitchOffset {
            let r = row(estimate.index) + p
            r[0] = Float(estimate.frequency)
            r[1] = Float(estimate.voicingProbability)
        }
        if let voice {
            voice.add(estimate) { index, values in write(index, values, row: row) }
        } else {
            framesCompleted = estimate.index + 1
        }
    }

    private func write(_ index: Int, _ values: UnsafePointer<Float>, row: (Int) -> UnsafeMutablePointer<Float>) {
        if let v = voiceOffset {
            (row(index) + v).update(from: values, count: VoiceAnalyzer.columns.count)
        }
        framesCompleted = index + 1
    }
}
