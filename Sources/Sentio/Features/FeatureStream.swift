/// Per-frame features of a signal that arrives in pieces, e.g. a microphone callback or a network stream:
/// push samples as they come and receive each row as soon as it is final.
///
/// Rows are those ``FeatureExtractor/process(path:emit:)`` gives for a file holding the same samples, however
/// the signal is cut into pieces (resampling, framing and every cross-frame stage carry their state across
/// pushes). A row is final once the stages that look ahead have seen enough of what follows it, so rows come
/// out that much behind the samples: deltas 2 rows per order (4 for `mfcc-delta`'s second order); `pitch` and
/// `voice` ``PitchOptions/peakWindow`` (2 s) of samples for the silence reference, then up to
/// ``PitchOptions/maxDecisionDelay`` rows for the path decision (usually a few; a voiced stretch for `voice`,
/// at most 3 s); `egemaps` its F0 path's decision (usually about 6 rows, at most 40) and 1 row of smoothing.
/// Options that need the whole signal (librosa's `top_db` floor, ``FeaturePreset/librosa``) hold every row
/// until ``finish(emit:)``.
///
/// ```swift
/// let stream = try FeatureStream(options: FeatureExtractionOptions(sets: [.mfcc, .pitch], preset: .kaldi),
///                                inputRate: 48_000)
/// try stream.push(callbackSamples) { row in print(row.start, row.values[0]) }   // as often as samples come
/// try stream.finish { row in ... }                                             // at the end of the signal
/// ```
///
/// A stream holds one signal at a time (``finish(emit:)`` or ``reset()`` starts the next) and is not for use
/// from several threads at once; separate streams are independent. `push` runs FFTs and may allocate: from
/// a real-time audio callback, hand the samples to a queue and push from there.
public final class FeatureStream {
    /// The configuration.
    public let options: FeatureExtractionOptions
    /// Rate of the pushed samples, in Hz.
    public let inputRate: Double
    /// Output column names, in order (``FeatureExtractor/columns`` for the same options).
    public let columns: [String]
    /// What errors call the signal.
    public let name: String

    private let pipeline: Pipeline
    private let quality: Resampler.Quality
    private var resampler: Resampler?
    private var resampled: [Float] = []
    private var pushed: Int64 = 0
    private var meter = SignalMeter()
    /// Set when no resampler could be made for the current signal: every push reports it.
    private var broken: AudioError?

    /// - Parameters:
    ///   - inputRate: rate of the samples to be pushed, in Hz (one channel, full scale ±1); resampled to
    ///     ``FeatureExtractionOptions/sampleRate`` with `quality` when it differs.
    ///   - name: what errors call the signal.
    /// - Throws: ``AudioError`` for a rate outside ``AudioLimits/sampleRateRange``.
    public convenience init(options: FeatureExtractionOptions, inputRate: Double,
                            resampleQuality quality: Resampler.Quality = .high, name: String = "<stream>") throws {
        try self.init(pipeline: Pipeline(options: options), options: options, inputRate: inputRate,
                      resampleQuality: quality, name: name)
    }

    /// A stream through `pipeline` (built for `options`), which it resets: ``FeatureExtractor`` lends its own
    /// for samples in memory.
    init(pipeline: Pipeline, options: FeatureExtractionOptions, inputRate: Double, resampleQuality quality: Resampler.Quality,
         name: String) throws {
        guard AudioLimits.sampleRateRange.contains(inputRate) else {
            throw AudioError(path: name, kind: .sampleRateOutOfRange(inputRate))
        }
        self.options = options
        self.inputRate = inputRate
        self.quality = quality
        self.name = name
        self.pipeline = pipeline
        pipeline.reset()
        columns = pipeline.visibleColumns
        try startResampler()
    }

    /// Samples pushed into the current signal, at ``inputRate`` (0 again after ``finish(emit:)``).
    public var samplesPushed: Int64 { pushed }

    /// What the current signal's samples so far show about the recording: clipping, or an ``inputRate``
    /// below the analysis rate. ``finish(emit:)`` and ``reset()`` start the count afresh: read it before them.
    public var condition: SignalCondition {
        meter.condition(nativeRate: inputRate, analysisRate: options.sampleRate)
    }

    /// Appends `samples` and calls `emit` for every row that is now final, in order.
    /// - Throws: ``AudioError`` for a NaN, infinite or out-of-range sample (its frame counted from the start
    ///   of the signal), before any of `samples` is used, so the signal can go on with the next push; or
    ///   whatever `emit` throws (the rows it did not take are emitted again by the next push).
    public func push(_ samples: UnsafeBufferPointer<Float>, emit: (FrameRow) throws -> Void) throws {
        if let broken { throw broken }
        if let error = AudioError.invalidSample(in: samples, name: name, firstFrame: pushed) { throw error }
        pushed += Int64(samples.count)
        if let start = samples.baseAddress { meter.count(start, samples.count) }
        guard let resampler else { return try pipeline.push(samples, emit: emit) }
        try pushResampled(emit: emit) { try resampler.process(samples, into: &$0) }
    }

    /// ``push(_:emit:)`` of an array.
    public func push(_ samples: [Float], emit: (FrameRow) throws -> Void) throws {
        try samples.withUnsafeBufferPointer { try push($0, emit: emit) }
    }

    /// Ends the signal: emits the remaining rows, then starts over for the next signal, also when it throws
    /// (the rows not yet emitted are then lost).
    /// - Returns: the rows of the whole signal (emitted by the pushes and by this call).
    /// - Throws: whatever `emit` throws, or ``AudioError`` when the resampler fails.
    @discardableResult
    public func finish(emit: (FrameRow) throws -> Void) throws -> Int {
        let rows: Int
        do { rows = try end(emit: emit).rows } catch {
            try? reset()
            throw error
        }
        try reset()
        return rows
    }

    /// Ends the signal without starting the next: the remaining rows, and the signal's rows and samples at
    /// the analysis rate.
    func end(emit: (FrameRow) throws -> Void) throws -> (rows: Int, samples: Int) {
        if let resampler { try pushResampled(emit: emit) { try resampler.finish(into: &$0) } }
        try pipeline.finish(emit: emit)
        return (pipeline.emitted, pipeline.samples)
    }

    /// Pushes into the pipeline what `resample` writes into the (emptied) resampling buffer.
    private func pushResampled(emit: (FrameRow) throws -> Void, _ resample: (inout [Float]) throws -> Void) throws {
        resampled.removeAll(keepingCapacity: true)
        do { try resample(&resampled) } catch { throw resamplingError(error) }
        try resampled.withUnsafeBufferPointer { try pipeline.push($0, emit: emit) }
    }

    /// Forgets the signal so far (rows not yet emitted are dropped) and starts a new one.
    /// - Throws: ``AudioError`` if libsoxr cannot make a new resampler (it made one for this rate before).
    public func reset() throws {
        pipeline.reset()
        pushed = 0
        meter.reset()
        try startResampler()
    }

    private func startResampler() throws {
        resampler = nil
        broken = nil
        guard inputRate != options.sampleRate else { return }
        do { resampler = try Resampler(inputRate: inputRate, outputRate: options.sampleRate, quality: quality) } catch {
            broken = resamplingError(error)
            throw broken!
        }
    }

    private func resamplingError(_ error: any Error) -> AudioError {
        AudioError(path: name, kind: .corrupt, detail: "\(error)")
    }
}
