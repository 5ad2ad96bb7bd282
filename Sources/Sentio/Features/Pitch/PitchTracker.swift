/// F0 and voicing of one frame.
public struct PitchEstimate: Sendable, Equatable {
    /// Frame index, from 0.
    public var index: Int
    /// Fundamental frequency in Hz; 0 when the frame is unvoiced.
    public var frequency: Double
    /// Periodicity of the frame in [0, 1]: the window-corrected normalised autocorrelation of its best
    /// voiced candidate (Praat's candidate "strength"), 0 when the frame is below the silence threshold.
    /// Not a calibrated probability, but monotone in how clearly periodic the frame is.
    public var voicingProbability: Double
    /// Strength of the chosen candidate (0 when unvoiced); `10 log10(s / (1 - s))` is the frame's HNR.
    public var strength: Double
}

/// Streaming F0 tracker: Boersma's (1993) autocorrelation candidates and Praat's Viterbi path finder (see
/// ``PitchOptions`` and ``PitchPath``), over a stream of samples pushed in chunks of any size.
///
/// Frame `i` is centred on sample `firstCentre + i * hop`; its window spans ``windowLength`` samples around
/// that centre (zeros beyond the signal). The result is identical however the stream is chunked, because
/// every frame reads the same samples and is analysed once all of them, and the peak span around it, have
/// arrived. Look-ahead: ``PitchOptions/peakWindow`` seconds of samples for the silence reference, then up to
/// ``PitchOptions/maxDecisionDelay`` frames for the path decision (usually a few frames). Memory is bounded
/// by that look-ahead.
public final class PitchTracker {
    /// The configuration.
    public let options: PitchOptions
    /// Sample rate of the pushed samples in Hz.
    public let sampleRate: Double
    /// Samples between frame centres.
    public let hop: Int
    /// Centre of frame 0, in samples.
    public let firstCentre: Int
    /// The recent samples, shared with analyses that follow the tracker (glottal pulses, formants).
    public let history = SampleHistory()
    /// Set by a follower to keep samples from this absolute index on; nil when it needs none.
    public var retainFrom: Int?

    private let analyser: AutocorrelationPitchAnalyzer
    private let path: PitchPath
    private var candidates: PitchFrameCandidates
    private var nextFrame = 0
    private let peakHalfWidth: Int
    private let blockSize = 256
    private var blockPeaks: [Float] = []
    private var firstBlock = 0
    private var finished = false

    /// Analysis window length in samples.
    public var windowLength: Int { analyser.windowLength }
    /// Frames analysed so far (decided or waiting for the path decision).
    public var framesAnalysed: Int { nextFrame }

    /// Creates a tracker of samples at `sampleRate` Hz whose frame `i` is centred on sample
    /// `firstCentre + i * hop`.
    /// - Precondition: `options.floor` > 0, `options.ceiling` > `options.floor`, `sampleRate` is positive
    ///   and finite and `hop` > 0.
    public init(options: PitchOptions, sampleRate: Double, hop: Int, firstCentre: Int) {
        precondition(options.floor > 0 && options.ceiling > options.floor, "pitch floor must be positive and below the ceiling")
        precondition(sampleRate.isFinite && sampleRate > 0 && hop > 0, "sample rate \(sampleRate) Hz and hop \(hop) must be positive")
        self.options = options
        self.sampleRate = sampleRate
        self.hop = hop
        self.firstCentre = firstCentre
        analyser = AutocorrelationPitchAnalyzer(options: options, sampleRate: sampleRate)
        path = PitchPath(options: options, timeStep: Double(hop) / sampleRate)
        candidates = PitchFrameCandidates(capacity: options.maxCandidates)
        peakHalfWidth = Int((options.peakWindow * sampleRate).rounded())
    }

    deinit { candidates.deallocate() }

    /// Forgets the stream, ready for a new file.
    public func reset() {
        history.reset()
        path.reset()
        nextFrame = 0
        blockPeaks.removeAll(keepingCapacity: true)
        firstBlock = 0
        finished = false
        retainFrom = nil
    }

    /// Centre of frame `index` in samples.
    public func centre(_ index: Int) -> Int { firstCentre + index * hop }

    /// Appends samples and calls `decide` for every frame whose F0 is now final, in order.
    public func push(_ samples: UnsafeBufferPointer<Float>, decide: (PitchEstimate) -> Void) {
        history.append(samples)
        updateBlockPeaks()
        analyseReadyFrames(upTo: Int.max, decide: decide)
        trim()
    }

    /// Ends the stream: analyses frames up to `frameCount` (zeros beyond the signal) and decides them all.
    public func finish(frameCount: Int, decide: (PitchEstimate) -> Void) {
        finished = true
        updateBlockPeaks()
        analyseReadyFrames(upTo: frameCount, decide: decide)
        path.finish { decide(estimate($0)) }
        trim()
    }

    private func estimate(_ d: PitchPath.Decision) -> PitchEstimate {
        PitchEstimate(index: d.index, frequency: d.frequency, voicingProbability: d.bestStrength, strength: d.strength)
    }

    private func updateBlockPeaks() {
        let end = history.end
        while true {
            let block = firstBlock + blockPeaks.count
            let start = block * blockSize
            let stop = min(start + blockSize, end)
            guard stop == start + blockSize || (finished && start < end) else { break }
            blockPeaks.append(history.absolutePeak(from: start, to: stop))
        }
    }

    private func analyseReadyFrames(upTo limit: Int, decide: (PitchEstimate) -> Void) {
        let reach = analyser.reach
        while nextFrame < limit {
            let c = centre(nextFrame)
            if !finished {
                let lastBlock = (c + peakHalfWidth) / blockSize
                guard history.end >= max(c + reach, (lastBlock + 1) * blockSize) else { break }
            }
            let lo = max(0, (c - peakHalfWidth) / blockSize) - firstBlock
            let hi = min(blockPeaks.count, (c + peakHalfWidth) / blockSize - firstBlock + 1)
            var peak: Float = 0
            if lo < hi { for b in lo..<hi { peak = max(peak, blockPeaks[b]) } }
            analyser.analyse(centre: c, history: history, surroundingPeak: peak, into: &candidates)
            nextFrame += 1
            path.add(candidates) { decide(estimate($0)) }
        }
    }

    private func trim() {
        // Keep the next frame's span, the follower's, and the block whose peak is still incomplete.
        var keep = min(centre(nextFrame) - analyser.reach, (firstBlock + blockPeaks.count) * blockSize)
        if let r = retainFrom { keep = min(keep, r) }
        history.discard(before: keep)
        let drop = min(blockPeaks.count, max(0, (centre(nextFrame) - peakHalfWidth) / blockSize) - firstBlock)
        if drop > 0 {
            blockPeaks.removeFirst(drop)
            firstBlock += drop
        }
    }
}
