/// A feature that consumes the sample stream itself rather than fixed frames, and completes rows later than
/// they are created (pitch waits for the path decision, voice quality for the end of the voiced stretch).
protocol StreamFeature: AnyObject {
    /// Rows `0 ..< framesCompleted` hold this feature's final values.
    var framesCompleted: Int { get }
    /// Consumes samples; `row(i)` returns row `i`, creating it if needed.
    func push(_ chunk: UnsafeBufferPointer<Float>, row: (Int) -> UnsafeMutablePointer<Float>)
    /// Ends the stream, completing rows up to `frameCount`.
    func finish(frameCount: Int, row: (Int) -> UnsafeMutablePointer<Float>)
    /// Forgets per-file state.
    func reset()
}

/// The `pitch` set (`f0_hz`, `voicing_prob`), the `voice` set (``VoiceAnalyzer/columns``) and the eGeMAPS
/// descriptors (``EGeMAPSFeature``), sharing one ``PitchTracker`` whose frames are centred on the
/// extraction's frame centres and, when eGeMAPS is present, one glottal-pulse analysis for jitter and shimmer.
final class ProsodyFeature: StreamFeature {
    static let pitchColumns = ["f0_hz", "voicing_prob"]
    let tracker: PitchTracker
    private let voice: VoiceAnalyzer?
    private let egemaps: EGeMAPSFeature?
    /// Column offsets in the row, nil when the set is not written.
    private let pitchOffset: Int?
    private let voiceOffset: Int?
    private(set) var framesCompleted = 0

    /// - Parameters:
    ///   - voice: options of the `voice` set, nil when it is not written.
    ///   - egemaps: options of the eGeMAPS descriptors, nil when they are not written. With `voice` too, its
    ///     jitter and shimmer come from the `voice` analysis, so `voice` must measure them as
    ///     ``VoiceOptions/init()`` does (see ``VoiceOptions/measuresPerturbationAsDefault``).
    ///   - egemapsOffset: column of eGeMAPS's first raw descriptor (``EGeMAPSFeature/columns``).
    init(pitch: PitchOptions, voice: VoiceOptions?, egemaps: EGeMAPSOptions? = nil, sampleRate: Double,
         frame: FrameOptions, pitchOffset: Int?, voiceOffset: Int?, egemapsOffset: Int? = nil) {
        precondition(voice?.measuresPerturbationAsDefault ?? true || egemaps == nil,
                     "eGeMAPS jitter and shimmer need the default perturbation options")
        let tracker = PitchTracker(options: pitch, sampleRate: sampleRate, hop: frame.hop,
                                   firstCentre: frame.frameStart(0) + frame.frameLength / 2)
        self.tracker = tracker
        let follower = egemaps.map {
            EGeMAPSFeature(options: $0, tracker: tracker, sampleRate: sampleRate, frame: frame, offset: egemapsOffset!)
        }
        self.egemaps = follower
        let margin = follower?.requiredMargin ?? 0
        if let voice {
            self.voice = VoiceAnalyzer(options: voice, tracker: tracker, minimumMargin: margin)
        } else if follower != nil {
            self.voice = VoiceAnalyzer(options: VoiceOptions(), tracker: tracker, perturbationOnly: true, minimumMargin: margin)
        } else {
            self.voice = nil
        }
        self.pitchOffset = pitchOffset
        self.voiceOffset = voiceOffset
    }

    func reset() {
        // The voice analyser sets the tracker's retention, so it is reset after the tracker.
        tracker.reset()
        voice?.reset()
        egemaps?.reset()
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
        egemaps?.take(estimate)
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
        egemaps?.write(index, values, row: row)
        framesCompleted = index + 1
    }
}
