#if canImport(Glibc)
import Glibc
#endif

/// Segments of frames that satisfy a test (voiced: value ≠ 0; unvoiced: value = 0), found with openSMILE's
/// `Segments` hysteresis (`nonX` / `eqX` with X = 0, `segMinLng = 3`, `pauseMinLng = 2`):
///
/// - a segment is confirmed once 3 matching frames have been seen since its candidate start (isolated
///   non-matching frames do not reset the count);
/// - a confirmed segment ends at the first run of 2 consecutive non-matching frames, so a single stray frame
///   inside it is bridged; an unconfirmed candidate is dropped at such a run;
/// - its length is last matching frame − first matching frame, i.e. one frame less than the frames it spans;
/// - segments touching the start or the end of the contour count (a confirmed segment open at the end closes there).
struct SegmentLengths {
    private enum State { case idle, candidate, confirmed }
    private var state = State.idle
    private var started = 0, ended = 0, startIndex = 0, index = 0
    /// Lengths of the confirmed segments, in frames.
    private(set) var lengths = RunningMoments()

    mutating func add(matches: Bool) {
        defer { index += 1 }
        if matches {
            switch state {
            case .idle:
                started += 1
                startIndex = index
                state = .candidate
            case .candidate:
                ended = 0
                started += 1
                if started >= 3 {
                    started = 0
                    state = .confirmed
                }
            case .confirmed:
                ended = 0
            }
        } else {
            switch state {
            case .confirmed:
                started = 0
                ended += 1
                if ended >= 2 {
                    state = .idle
                    lengths.add(Double(index - ended - startIndex), time: 0)
                    ended = 0
                }
            case .candidate:
                ended += 1
                if ended >= 2 {
                    state = .idle
                    ended = 0
                    started = 0
                }
            case .idle:
                break
            }
        }
    }

    /// Closes a confirmed segment still open at the end of the contour.
    mutating func finish() {
        if state == .confirmed { lengths.add(Double(index - ended - 1 - startIndex), time: 0) }
        state = .idle
    }

    /// Population standard deviation of the lengths (frames); 0 with fewer than two segments.
    var lengthStddev: Double { lengths.count > 1 ? lengths.variance.squareRoot() : 0 }
}
