/// A feature computed on each analysis frame: one configurable component of the extraction pipeline, in the
/// spirit of openSMILE's components.
///
/// Instances hold their working buffers and per-file state, so each worker (and each file) uses its own.
/// Frames arrive in order, starting at index 0 for every file.
public protocol FrameFeature: AnyObject {
    /// Output column names. Names beginning with `_` are internal (used by later stages, never written).
    var columns: [String] { get }
    /// What fills the edges of centred frames for this feature.
    var padMode: FrameOptions.PadMode { get }
    /// Writes the values of frame `index` (`columns.count` floats) to `out`.
    func compute(frame: UnsafeBufferPointer<Float>, index: Int, into out: UnsafeMutablePointer<Float>)
    /// Forgets per-file state before the next file.
    func reset()
}

extension FrameFeature {
    /// Zero padding, ``FrameOptions/PadMode/zero``, unless a feature says otherwise.
    public var padMode: FrameOptions.PadMode { .zero }
    /// Does nothing: for features without per-file state.
    public func reset() {}
}

/// A computation across frames (deltas, whole-file normalisation), applied to rows after the per-frame
/// features, with bounded look-behind and look-ahead measured in frames.
public protocol RowStage: AnyObject {
    /// Frames after `t` needed to finish row `t`; nil when the whole file is needed.
    var lookahead: Int? { get }
    /// Frames before `t` needed to finish row `t`.
    var lookbehind: Int { get }
    /// Sees every row once, in order, when the previous stage has finished it (for running statistics).
    func observe(_ row: UnsafeMutablePointer<Float>)
    /// Finishes row `t`. `rows(i)` returns row `i` for `i` in `t - lookbehind ... t + lookahead`, with
    /// indices before the first or after the last row of the file clamped to them (edge replication).
    func finish(row t: Int, rows: (Int) -> UnsafeMutablePointer<Float>)
    /// Forgets per-file state before the next file.
    func reset()
}

extension RowStage {
    /// Does nothing: for stages without running statistics.
    public func observe(_ row: UnsafeMutablePointer<Float>) {}
    /// Does nothing: for stages without per-file state.
    public func reset() {}
}

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
