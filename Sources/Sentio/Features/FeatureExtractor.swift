#if canImport(Glibc)
import Glibc
#endif

/// One output row: the features of one frame.
public struct FrameRow {
    /// Frame index in the file, from 0.
    public var index: Int
    /// Start of the analysis window in seconds, clipped to the signal (centred frames start before 0).
    public var start: Double
    /// End of the analysis window in seconds, clipped to the signal.
    public var end: Double
    /// Feature values in ``FeatureExtractor/columns`` order, valid only during the callback.
    public var values: UnsafeBufferPointer<Float>
}

/// What extracting one file produced.
public struct ExtractionSummary: Sendable, Equatable {
    /// Header information of the file, with ``AudioInfo/frames`` the sample frames actually decoded.
    public var info: AudioInfo
    /// Samples analysed, at the analysis rate.
    public var samples: Int
    /// Rows emitted (one per analysis frame).
    public var rows: Int
    /// ``rows``, under its former name (``AudioInfo/frames`` counts sample frames).
    @available(*, deprecated, renamed: "rows")
    public var frames: Int { rows }
    /// Clipping, a native rate below the analysis rate, channels that cancel: see ``SignalCondition/warnings(for:)``.
    public var condition: SignalCondition
}

/// Streams a file through the configured per-frame features and cross-frame stages, emitting one row per
/// frame as soon as it is final.
///
/// Memory stays bounded by the chunk size and the stages' look-ahead (deltas: 4 frames; pitch: 2 s of samples
/// for the silence reference plus the path decision, at most 1 s; voice: one voiced stretch, at most 3 s;
/// eGeMAPS: its F0 path's decision delay, at most 40 frames),
/// except for options that need the whole file (librosa's `top_db`), where rows are held until its end. Create one
/// extractor per worker; it may process any number of files in turn.
public final class FeatureExtractor {
    /// The configuration.
    public let options: FeatureExtractionOptions
    /// Names of the output columns, in order.
    public let columns: [String]
    /// Audio reading options (the analysis rate is forced to the features' rate).
    public let readOptions: AudioReadOptions

    /// - Parameter includeInternal: also emit the internal columns (names beginning with `_`, and MFCCs
    ///   computed only for their deltas), for summaries that read them.
    public init(options: FeatureExtractionOptions, readOptions: AudioReadOptions = AudioReadOptions(),
                includeInternal: Bool = false) {
        self.options = options
        var read = readOptions
        read.sampleRate = options.sampleRate
        self.readOptions = read
        pipeline = Pipeline(options: options, includeInternal: includeInternal)
        columns = pipeline.visibleColumns
    }

    /// Built once and reset per file: filterbanks, windows and FFT plans are set up only once per worker.
    private let pipeline: Pipeline

    /// Extracts the features of the file at `path`, calling `emit` once per frame, in order.
    /// - Throws: ``AudioError`` for a bad file, or whatever `emit` throws.
    @discardableResult
    public func process(path: String, emit: (FrameRow) throws -> Void) throws -> ExtractionSummary {
        let stream = try AudioStream(path: path, options: readOptions)
        pipeline.reset()
        try stream.forEachChunk { chunk in try pipeline.push(chunk, emit: emit) }
        try pipeline.finish(emit: emit)
        var info = stream.info
        info.frames = stream.nativeFramesDecoded
        return ExtractionSummary(info: info, samples: pipeline.samples, rows: pipeline.emitted, condition: stream.condition)
    }

    /// Extracts features from samples already in memory: one channel, full scale ±1, at `sampleRate` Hz
    /// (resampled to ``FeatureExtractionOptions/sampleRate`` with ``readOptions``' quality when it differs,
    /// as a file would be).
    /// - Parameter name: what errors and the summary's ``AudioInfo/path`` call the samples.
    /// - Throws: ``AudioError`` for a sample rate outside ``AudioLimits/sampleRateRange`` or a NaN, infinite
    ///   or out-of-range sample (as for a file), before any row is emitted; or whatever `emit` throws.
    @discardableResult
    public func process(samples: [Float], sampleRate: Double, name: String = "<samples>",
                        emit: (FrameRow) throws -> Void) throws -> ExtractionSummary {
        // One push of a stream through this extractor's pipeline: the same checks, resampling and rows.
        let stream = try FeatureStream(pipeline: pipeline, options: options, inputRate: sampleRate,
                                       resampleQuality: readOptions.resampleQuality, name: name)
        try stream.push(samples, emit: emit)
        let condition = stream.condition
        let done = try stream.end(emit: emit)
        let info = AudioInfo(path: name, container: "memory", encoding: "float", sampleRate: sampleRate,
                             channels: 1, frames: Int64(samples.count))
        return ExtractionSummary(info: info, samples: done.samples, rows: done.rows, condition: condition)
    }
}
