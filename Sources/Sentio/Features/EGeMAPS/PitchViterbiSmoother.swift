#if canImport(Glibc)
import Glibc
#endif

/// openSMILE's `cPitchSmootherViterbi` with eGeMAPSv02's weights: picks, per frame, one of the
/// ``SubharmonicSummation`` candidates or "unvoiced" by a Viterbi search over a 40-frame ring buffer
/// (docs/opensmile-egemaps/voice.md, section 4).
///
/// Costs (natural logarithms): a voiced state with voicing v and frequency f costs
/// `2 (−ln clip(v, 0.01, 1) + 4 [v < 0.7]) + W(f)`, with W 0 in 100–350 Hz, rising below and above (1.2 from
/// 600 Hz, 2 for an empty candidate); the unvoiced state costs 8 when any candidate has v ≥ 0.7, else 0.
/// A voiced-to-voiced step costs `10 |r| + 10 |r − r′|`, r = ln(f / f_previous) and r′ the log ratio of the
/// transition evaluated just before (openSMILE keeps it in one variable across states and frames, so the
/// order of evaluation is part of the definition), 999 from or to an empty candidate; a voicing change 10;
/// unvoiced to unvoiced 1 (openSMILE's `wTuu = 0` is unreachable). A frame is decided when all surviving
/// paths agree on it, or after 40 frames from the best path; the rest at the end of the stream.
final class PitchViterbiSmoother {
    /// The state index of "unvoiced" (candidates are 0 ..< it).
    static let unvoiced = SubharmonicSummation.candidateCount
    private static let states = unvoiced + 1
    private let length: Int
    private let threshold: Double
    // Raw buffers: the loops below run 49 transitions per frame, and class-owned arrays would cost an
    // exclusivity check per access.
    private var paths: UnsafeMutablePointer<UInt8>, spare: UnsafeMutablePointer<UInt8>  // states × length
    private let best: UnsafeMutablePointer<UInt8>
    private var costs: UnsafeMutablePointer<Double>, next: UnsafeMutablePointer<Double>
    private var frames = 0        // frames added
    private var converged = -1    // last decided frame
    private var delivered = 0     // frames handed out
    private var lastChange = 1.0
    private let previous: UnsafeMutablePointer<Float>  // the previous frame's candidate frequencies

    /// - Parameters:
    ///   - length: frames after which a decision is forced. eGeMAPS: 40.
    ///   - threshold: voicing below which a candidate is penalised. eGeMAPS: 0.7 (as a float).
    init(length: Int = 40, threshold: Float = 0.7) {
        self.length = length
        self.threshold = Double(threshold)
        paths = .allocate(capacity: Self.states * length)
        paths.initialize(repeating: 0, count: Self.states * length)
        spare = .allocate(capacity: Self.states * length)
        spare.initialize(repeating: 0, count: Self.states * length)
        best = .allocate(capacity: length)
        best.initialize(repeating: 0, count: length)
        costs = .allocate(capacity: Self.states)
        costs.initialize(repeating: 0, count: Self.states)
        next = .allocate(capacity: Self.states)
        next.initialize(repeating: 0, count: Self.states)
        previous = .allocate(capacity: Self.unvoiced)
        previous.initialize(repeating: 0, count: Self.unvoiced)
    }

    deinit {
        paths.deallocate(); spare.deallocate(); best.deallocate()
        costs.deallocate(); next.deallocate(); previous.deallocate()
    }

    /// Forgets the stream.
    func reset() {
        frames = 0
        converged = -1
        delivered = 0
        lastChange = 1
    }

    /// Adds the next frame's candidates, then calls `decided(frame, state)` for every frame decided by it, in
    /// order; `state` is a candidate index or ``unvoiced``.
    func add(frequency: UnsafePointer<Float>, voicing: UnsafePointer<Float>, decided: (Int, Int) -> Void) {
        let n = Self.states, u = Self.unvoiced, slot = frames % length
        var change = lastChange  // a local, so the 49 transitions do not each check exclusive access
        defer { lastChange = change }
        if frames == 0 {
            converged = -1
            for i in 0..<n {
                costs[i] = local(i, frequency, voicing)
                paths[i * length] = UInt8(i)
            }
        } else {
            for i in 0..<n {
                var from = 0, cost = transition(i, 0, frequency, &change) + costs[0]
                for j in 1..<n {
                    let c = transition(i, j, frequency, &change) + costs[j]
                    if c < cost { from = j; cost = c }
                }
                next[i] = cost + local(i, frequency, voicing)
                (spare + i * length).update(from: paths + from * length, count: length)
                spare[i * length + slot] = UInt8(i)
            }
            (paths, spare) = (spare, paths)
            (costs, next) = (next, costs)
        }
        previous.update(from: frequency, count: u)
        frames += 1
        if frames - converged > length {
            converged += 1
            best[converged % length] = paths[cheapest() * length + converged % length]
        } else {
            while converged + 1 < frames {
                let column = (converged + 1) % length
                let first = paths[column]
                var agree = true
                for i in 1..<n where paths[i * length + column] != first { agree = false; break }
                guard agree else { break }
                converged += 1
                best[column] = first
            }
        }
        deliver(decided)
    }

    /// Ends the stream: decides the remaining frames from the best path.
    func finish(decided: (Int, Int) -> Void) {
        guard frames > 0 else { return }
        let state = cheapest()
        while converged + 1 < frames {
            converged += 1
            best[converged % length] = paths[state * length + converged % length]
        }
        deliver(decided)
    }

    private func deliver(_ decided: (Int, Int) -> Void) {
        while delivered <= converged {
            decided(delivered, Int(best[delivered % length]))
            delivered += 1
        }
    }

    /// The state whose path is cheapest (the first of equals).
    private func cheapest() -> Int {
        var state = 0
        for i in 1..<Self.states where costs[i] < costs[state] { state = i }
        return state
    }

    private func local(_ i: Int, _ frequency: UnsafePointer<Float>, _ voicing: UnsafePointer<Float>) -> Double {
        if i == Self.unvoiced {
            for c in 0..<Self.unvoiced where Double(voicing[c]) >= threshold { return 2 * 4 }
            return 0
        }
        let v = min(max(Double(voicing[i]), 0.01), 1)
        return 2 * (-log(v) + (v < threshold ? 4 : 0)) + Self.rangeWeight(Double(frequency[i]))
    }

    /// openSMILE's soft F0 range: no cost in 100–350 Hz.
    private static func rangeWeight(_ f: Double) -> Double {
        if f <= 0 { return 2 }
        if f < 100 { return -(1.0 / 100) * f + 1 }  // openSMILE's expression, for its rounding
        if f < 350 { return 0 }
        if f < 600 { return (f - 350) / 250 }
        return 1.2
    }

    /// Cost of going from state `j` of the previous frame to state `i` of the current one; updates
    /// `lastChange` as openSMILE does.
    private func transition(_ i: Int, _ j: Int, _ frequency: UnsafePointer<Float>, _ lastChange: inout Double) -> Double {
        let u = Self.unvoiced
        if i < u && j < u {
            let before = previous[j], now = frequency[i]
            if before == 0 || now == 0 { return 999 }
            let r = log(Double(now / before))
            let cost = 10 * abs(r) + 10 * abs(r - lastChange)
            lastChange = r
            return cost
        }
        if i == u && j == u { return 1 }
        lastChange = 0
        return 10
    }
}
