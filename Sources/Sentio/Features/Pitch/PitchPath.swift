#if canImport(Glibc)
import Glibc
#endif

/// The Viterbi search through per-frame pitch candidates (Praat's `Pitch_pathFinder`), run online.
///
/// Each frame offers the unvoiced hypothesis and its voiced candidates. A candidate's local score is its
/// strength minus ``PitchOptions/octaveCost`` per octave below the ceiling; the unvoiced score is
/// `voicingThreshold + max(0, 2 - intensity / (silenceThreshold / (1 + voicingThreshold)))`. Moving between
/// frames costs ``PitchOptions/octaveJumpCost`` per octave of F0 change, or
/// ``PitchOptions/voicedUnvoicedCost`` for a voicing change, both multiplied by `0.01 s / time step`.
///
/// Praat traces back once at the end of the file. Here a frame is decided as soon as the best paths into
/// every hypothesis of the newest frame pass through the same hypothesis there (after that, no later frame
/// can change it, so the result equals the whole-file search), and is forced along the current best path
/// once it is ``PitchOptions/maxDecisionDelay`` frames old.
final class PitchPath {
    struct Decision {
        /// Frame index.
        var index: Int
        /// Chosen F0 in Hz, 0 when unvoiced.
        var frequency: Double
        /// Strength of the chosen candidate (0 when unvoiced).
        var strength: Double
        /// Strength of the frame's best voiced candidate (0 in a frame with none or below the silence threshold).
        var bestStrength: Double
    }

    private let options: PitchOptions
    private let slots: Int
    private let width: Int  // hypotheses per frame: unvoiced + voiced candidates
    private var frequencies: UnsafeMutablePointer<Double>
    private var octaves: UnsafeMutablePointer<Double>  // log2 of the frequencies, for the jump cost
    private var strengths: UnsafeMutablePointer<Double>
    private var scores: UnsafeMutablePointer<Double>
    private var back: UnsafeMutablePointer<Int32>
    private var counts: UnsafeMutablePointer<Int32>
    private var best: UnsafeMutablePointer<Double>
    private let jumpCost: Double
    private let transitionCost: Double
    /// Next frame to add, and next frame to decide.
    private(set) var added = 0
    private(set) var decided = 0
    private let log2Ceiling: Double
    private let silenceFactor: Double
    private var path: UnsafeMutablePointer<Int>

    /// - Parameter timeStep: seconds between frames.
    init(options: PitchOptions, timeStep: Double) {
        self.options = options
        slots = options.maxDecisionDelay + 2
        width = options.maxCandidates
        let n = slots * width
        frequencies = .allocate(capacity: n)
        octaves = .allocate(capacity: n)
        strengths = .allocate(capacity: n)
        scores = .allocate(capacity: n)
        back = .allocate(capacity: n)
        counts = .allocate(capacity: slots)
        best = .allocate(capacity: slots)
        let correction = 0.01 / timeStep
        jumpCost = options.octaveJumpCost * correction
        transitionCost = options.voicedUnvoicedCost * correction
        log2Ceiling = log2(options.ceiling)
        silenceFactor = options.silenceThreshold / (1 + options.voicingThreshold)
        path = .allocate(capacity: slots)
        precondition(options.maxCandidates >= 1 && options.maxCandidates <= 64, "maxCandidates must be in 1...64")
        precondition(options.maxDecisionDelay >= 1, "maxDecisionDelay must be positive")
    }

    deinit {
        frequencies.deallocate()
        octaves.deallocate()
        strengths.deallocate()
        scores.deallocate()
        back.deallocate()
        counts.deallocate()
        best.deallocate()
        path.deallocate()
    }

    func reset() {
        added = 0
        decided = 0
    }

    @inline(__always) private func slot(_ frame: Int) -> Int { (frame % slots) * width }

    /// Adds the next frame's candidates and calls `decide` for every frame whose choice is now final.
    func add(_ candidates: PitchFrameCandidates, decide: (Decision) -> Void) {
        let t = added
        let base = slot(t)
        let n = 1 + candidates.count
        counts[t % slots] = Int32(n)
        var unvoiced = options.voicingThreshold
        if options.silenceThreshold > 0 {
            unvoiced += max(0, 2 - candidates.intensity / silenceFactor)
        }
        frequencies[base] = 0
        strengths[base] = 0
        scores[base] = unvoiced
        var strongest = 0.0
        octaves[base] = 0
        for c in 0..<candidates.count {
            let f = candidates.frequencies[c]
            let octave = log2(f)
            frequencies[base + 1 + c] = f
            octaves[base + 1 + c] = octave
            strengths[base + 1 + c] = candidates.strengths[c]
            scores[base + 1 + c] = candidates.strengths[c] - options.octaveCost * (log2Ceiling - octave)
            strongest = max(strongest, candidates.strengths[c])
        }
        best[t % slots] = candidates.intensity >= options.silenceThreshold ? min(1, strongest) : 0
        if t > 0 {
            let prev = slot(t - 1)
            let m = Int(counts[(t - 1) % slots])
            var top = -Double.infinity
            for j in 0..<n {
                let voiced2 = j > 0, o2 = octaves[base + j]
                var maximum = -Double.infinity
                var place: Int32 = 0
                for i in 0..<m {
                    // Hypothesis 0 is the unvoiced one in every frame.
                    let cost: Double
                    if !voiced2 {
                        cost = i == 0 ? 0 : transitionCost
                    } else if i == 0 {
                        cost = transitionCost
                    } else {
                        cost = jumpCost * abs(octaves[prev + i] - o2)
                    }
                    let value = scores[prev + i] - cost
                    if value > maximum {
                        maximum = value
                        place = Int32(i)
                    }
                }
                scores[base + j] += maximum
                back[base + j] = place
                top = max(top, scores[base + j])
            }
            // Only differences between paths matter; keep the numbers small over long files.
            for j in 0..<n { scores[base + j] -= top }
        }
        added += 1
        settle(decide: decide)
    }

    /// Decides every remaining frame along the best path into the last one.
    func finish(decide: (Decision) -> Void) {
        guard added > decided else { return }
        emit(through: added - 1, from: added - 1, state: bestState(added - 1), decide: decide)
    }

    private func bestState(_ t: Int) -> Int {
        let base = slot(t)
        var state = 0
        for j in 1..<Int(counts[t % slots]) where scores[base + j] > scores[base + state] { state = j }
        return state
    }

    /// Decides the frames whose hypothesis every surviving path shares, then forces the overdue ones.
    private func settle(decide: (Decision) -> Void) {
        let t = added - 1
        guard t > decided else { return }
        // Walk back from all hypotheses of frame t at once until they meet.
        var alive = UInt64(0)
        for j in 0..<Int(counts[t % slots]) { alive |= 1 << UInt64(j) }
        var f = t
        while f > decided {
            let base = slot(f)
            var next = UInt64(0)
            var bits = alive
            while bits != 0 {
                let j = bits.trailingZeroBitCount
                bits &= bits - 1
                next |= 1 << UInt64(back[base + j])
            }
            alive = next
            f -= 1
            if alive.nonzeroBitCount == 1 {
                emit(through: f, from: f, state: alive.trailingZeroBitCount, decide: decide)
                break
            }
        }
        let overdue = t - options.maxDecisionDelay
        if overdue >= decided {
            // Follow the best path from t back to the overdue frame.
            var state = bestState(t)
            var g = t
            while g > overdue {
                state = Int(back[slot(g) + state])
                g -= 1
            }
            emit(through: overdue, from: overdue, state: state, decide: decide)
        }
    }

    /// Decides frames `decided ... through`, given that frame `from` (>= through) takes hypothesis `state`.
    private func emit(through last: Int, from: Int, state: Int, decide: (Decision) -> Void) {
        guard last >= decided else { return }
        // Collect the states back to `decided`, then report them in order.
        var s = state
        var g = from
        while true {
            path[g - decided] = s
            if g == decided { break }
            s = Int(back[slot(g) + s])
            g -= 1
        }
        for frame in decided...last {
            let base = slot(frame)
            let chosen = path[frame - decided]
            decide(Decision(index: frame, frequency: frequencies[base + chosen], strength: strengths[base + chosen],
                            bestStrength: best[frame % slots]))
        }
        decided = last + 1
    }
}
