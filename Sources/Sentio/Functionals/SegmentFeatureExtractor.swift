#if canImport(Glibc)
import Glibc
#endif

/// What summarising one file produced.
public struct SegmentSummary: Sendable, Equatable {
    /// The underlying frame extraction.
    public var extraction: ExtractionSummary
    /// Segment rows emitted.
    public var segments: Int
    /// Functional values that had too few frames and took their documented empty value.
    public var shortFunctionals: Int
}

/// Options of a segment-level (functionals) extraction.
public struct SegmentExtractionOptions: Sendable, Hashable {
    /// The per-frame extraction the functionals read; its ``FeatureExtractionOptions/sets`` decide the output.
    public var frames: FeatureExtractionOptions
    /// How each file is divided.
    public var segmentation: Segmentation
    /// Functionals appended after the sets' columns, e.g. a scorer's voiced fraction of `f0_hz`.
    public var extraFunctionals: [FunctionalSpec]
    /// Sets computed only for ``extraFunctionals``: they add no columns of their own.
    public var extraSets: [FeatureSet]
    /// How files are read (the analysis rate is the features'); e.g. ``AudioReadOptions/channel``.
    public var audio: AudioReadOptions

    /// Creates options with the given values; see each property for their meaning. Defaults: one segment
    /// per file, no extra functionals or sets, channels averaged.
    public init(frames: FeatureExtractionOptions, segmentation: Segmentation = .wholeFile,
                extraFunctionals: [FunctionalSpec] = [], extraSets: [FeatureSet] = [],
                audio: AudioReadOptions = AudioReadOptions()) {
        self.frames = frames
        self.segmentation = segmentation
        self.extraFunctionals = extraFunctionals
        self.extraSets = extraSets
        self.audio = audio
    }
}

/// Streams a file through a ``FeatureExtractor`` and emits one row of functionals per segment.
///
/// The output columns are, for each requested set in order, its functional description (``FunctionalSets``):
/// the 88 eGeMAPSv02 parameters for `egemaps`, generic statistics of every column for the others. Rows are
/// ``FrameRow`` values whose `index` is the segment number and `start`/`end` its span in seconds.
/// Memory: the frames of the open segments' contour-based descriptors (at most one file for `.wholeFile`).
public final class SegmentFeatureExtractor {
    /// The configuration.
    public let options: SegmentExtractionOptions
    /// Output column names, in order.
    public let columns: [String]

    private let extractor: FeatureExtractor
    private let specs: [FunctionalSpec]
    private let columnIndex: [String: Int]
    private let frameStep: Double
    private let frameCentre: (Int) -> Double
    /// Twice the centre of frame t in samples (an exact integer), for the windows' membership test.
    private let doubledCentre: (Int) -> Int
    private let output: UnsafeMutableBufferPointer<Float>
    private var spare: [SegmentFunctionals] = []
    private let speech: SpeechDetector?

    /// Creates an extractor for `options`, with its frame extractor and output buffer.
    /// - Precondition: fixed windows have a finite length and hop of at least
    ///   ``Segmentation/minimumWindowSeconds``.
    public init(options: SegmentExtractionOptions) {
        if case .windows(let length, let hop) = options.segmentation {
            precondition(length.isFinite && hop.isFinite && min(length, hop) >= Segmentation.minimumWindowSeconds,
                         "windows of \(length) s every \(hop) s: both must be at least \(Segmentation.minimumWindowSeconds) s")
        }
        self.options = options
        var frames = options.frames
        let requested = frames.sets
        var specs: [FunctionalSpec] = []
        for set in requested { specs += FunctionalSets.description(of: set, options: frames) }
        specs += options.extraFunctionals
        frames.sets += options.extraSets.filter { !requested.contains($0) }
        if case .voiceActivity = options.segmentation { frames.sets = SpeechDetector.requiredSets(adding: frames.sets) }
        extractor = FeatureExtractor(options: frames, readOptions: options.audio, includeInternal: true)
        self.specs = specs
        columns = specs.map(\.name)
        var index: [String: Int] = [:]
        for (i, name) in extractor.columns.enumerated() { index[name] = i }
        columnIndex = index
        let rate = frames.sampleRate, frame = frames.frame
        frameStep = Double(frame.hop) / rate
        frameCentre = { Double(frame.frameStart($0)) / rate + Double(frame.frameLength) / (2 * rate) }
        doubledCentre = { 2 * frame.frameStart($0) + frame.frameLength }
        output = .allocate(capacity: max(1, specs.count))
        output.initialize(repeating: 0)
        if case .voiceActivity(let vad) = options.segmentation {
            speech = SpeechDetector(options: vad, columns: index, frameStep: frameStep)
        } else {
            speech = nil
        }
    }

    deinit { output.deallocate() }

    /// Columns of the per-frame rows that `frames` observes in ``process(path:frames:emit:)``: the requested
    /// sets' frame columns plus the internal ones the functionals read.
    public var frameColumns: [String] { extractor.columns }

    /// Summarises the file at `path`, calling `emit` once per segment, in time order.
    /// - Parameter frames: sees every frame row (``frameColumns``) before the segments it belongs to, e.g. to
    ///   draw contours without extracting the file twice.
    /// - Throws: ``AudioError`` for a bad file, or whatever `emit` throws.
    @discardableResult
    public func process(path: String, frames: ((FrameRow) throws -> Void)? = nil,
                        emit: (FrameRow) throws -> Void) throws -> SegmentSummary {
        try summarise(.path(path), frames: frames, emit: emit)
    }

    /// Summarises samples already in memory (one channel at `sampleRate` Hz, full scale ±1; resampled to
    /// the extraction's rate when it differs) as ``process(path:frames:emit:)`` summarises a file; `name`
    /// stands for the file in errors.
    /// - Throws: ``AudioError`` for a sample rate out of range or a NaN, infinite or out-of-range sample, or
    ///   whatever `emit` throws.
    @discardableResult
    public func process(samples: [Float], sampleRate: Double, name: String = "<samples>",
                        frames: ((FrameRow) throws -> Void)? = nil, emit: (FrameRow) throws -> Void) throws -> SegmentSummary {
        try summarise(.samples(samples, rate: sampleRate, name: name), frames: frames, emit: emit)
    }

    private enum Source {
        case path(String)
        case samples([Float], rate: Double, name: String)
    }

    /// The segmentation of the frame rows of `source`.
    private func summarise(_ source: Source, frames: ((FrameRow) throws -> Void)?,
                           emit: (FrameRow) throws -> Void) throws -> SegmentSummary {
        func run(_ body: (FrameRow) throws -> Void) throws -> ExtractionSummary {
            switch source {
            case .path(let path): return try extractor.process(path: path, emit: body)
            case .samples(let samples, let rate, let name):
                return try extractor.process(samples: samples, sampleRate: rate, name: name, emit: body)
            }
        }
        func extract(_ body: (FrameRow) throws -> Void) throws -> ExtractionSummary {
            guard let frames else { return try run(body) }
            return try run { row in
                try frames(row)
                try body(row)
            }
        }
        var segments = 0, short = 0
        func write(_ f: SegmentFunctionals, index: Int, start: Double, end: Double) throws {
            short += f.finish(frameStep: frameStep, into: output.baseAddress!)
            segments += 1
            try emit(FrameRow(index: index, start: start, end: end, values: UnsafeBufferPointer(output)))
        }
        let summary: ExtractionSummary
        switch options.segmentation {
        case .wholeFile:
            let f = takeSpare()
            defer { spare.append(f) }
            summary = try extract { row in f.add(row.values.baseAddress!) }
            let duration = seconds(summary)
            try write(f, index: 0, start: 0, end: duration)
        case .windows(let length, let hop):
            // Window k spans [k hop, k hop + length); open windows form a queue starting at `firstOpen`.
            var firstOpen = 0
            var open: [SegmentFunctionals] = []
            func slot(_ k: Int) -> SegmentFunctionals {
                while firstOpen + open.count <= k { open.append(takeSpare()) }
                return open[k - firstOpen]
            }
            func close(clippedTo limit: Double = .infinity) throws {
                let start = Double(firstOpen) * hop
                try write(slot(firstOpen), index: firstOpen, start: start, end: min(start + length, limit))
                spare.append(open.removeFirst())
                firstOpen += 1
            }
            // Window k holds the frames whose centre c has k hop <= c < k hop + length. Centres and window
            // bounds often coincide (the 20 ms frames of eGeMAPS on its own have centres at multiples of 10 ms,
            // librosa's centred frames at multiples of the hop): in seconds, rounding then decided, and a frame
            // could fall between the window it left and the one it failed to enter. So the test runs in half
            // samples, where centres are exact integers, with bounds that lie within a thousandth of a half
            // sample of one taken as that integer; and a window is closed exactly when no later frame can
            // enter it (k below the first window of the current frame, centres only growing).
            let units = 2 * options.frames.sampleRate, tolerance = 1e-3
            let hopUnits = hop * units, lengthUnits = length * units
            summary = try extract { row in
                let c = Double(doubledCentre(row.index)) + tolerance
                let last = Int((c / hopUnits).rounded(.down))
                let first = Int(((c - lengthUnits) / hopUnits).rounded(.down)) + 1
                while firstOpen < first { try close() }
                let lowest = max(firstOpen, first)  // no window before 0
                if lowest <= last { for k in lowest...last { slot(k).add(row.values.baseAddress!) } }
            }
            let duration = seconds(summary)
            // Windows up to the first that reaches the end, and none starting at or after it (a hop longer
            // than the window skips the end of the file rather than adding a window beyond it).
            var count = duration > length ? Int(((duration - length) / hop).rounded(.up)) + 1 : 1
            // Tested with a window's own start expression, so that rounding adds none (2.1 s every 0.3 s).
            while count > 1 && Double(count - 1) * hop >= duration { count -= 1 }
            while firstOpen < count { try close(clippedTo: duration) }
            spare += open
        case .voiceActivity:
            let detector = speech!
            let f = takeSpare()
            defer { spare.append(f) }
            detector.reset(width: extractor.columns.count)
            let centre = frameCentre, step = frameStep
            // Centred frames (librosa's) have their first centre at 0 and their last at the end: the region's
            // bounds are clipped to the signal. Until its end is known, the latest row's end bounds it (rows
            // are clipped to the signal, and a region closes at or before the row being added).
            var limit = Double.infinity
            func region(_ first: Int, _ end: Int) throws {
                f.reset()
                detector.forEachRow(from: first, to: end) { f.add($0) }
                try write(f, index: segments, start: max(0, centre(first) - step / 2), end: min(limit, centre(end - 1) + step / 2))
            }
            summary = try extract { row in
                limit = row.end
                try detector.add(row.values.baseAddress!, index: row.index, region: region)
            }
            limit = seconds(summary)
            try detector.finish(region: region)
        }
        return SegmentSummary(extraction: summary, segments: segments, shortFunctionals: short)
    }

    /// The duration of the signal `summary` describes, in seconds: the analysed samples', but no more than the
    /// recording's own (a resampled signal can run a fraction of a sample past it).
    private func seconds(_ summary: ExtractionSummary) -> Double {
        let analysed = Double(summary.samples) / options.frames.sampleRate, native = summary.info.duration
        return native.isFinite && native > 0 ? min(analysed, native) : analysed
    }

    /// A reset accumulator; returned ones keep their buffers across segments and files.
    private func takeSpare() -> SegmentFunctionals {
        let f = spare.popLast() ?? SegmentFunctionals(specs: specs, columnIndex: columnIndex)
        f.reset()
        return f
    }
}
