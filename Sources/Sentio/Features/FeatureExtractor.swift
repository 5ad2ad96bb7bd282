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
    /// Rows emitted.
    public var frames: Int
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
        return ExtractionSummary(info: info, samples: pipeline.samples, frames: pipeline.emitted)
    }

    /// Extracts features from samples already in memory: one channel at ``FeatureExtractionOptions/sampleRate``,
    /// full scale ±1.
    /// - Parameter name: what errors and the summary's ``AudioInfo/path`` call the samples.
    /// - Throws: ``AudioError`` for a NaN, infinite or out-of-range sample (as for a file), before any row
    ///   is emitted; or whatever `emit` throws.
    @discardableResult
    public func process(samples: [Float], name: String = "<samples>", emit: (FrameRow) throws -> Void) throws -> ExtractionSummary {
        if let bad = samples.firstIndex(where: { !(abs($0) <= AudioLimits.maximumSampleMagnitude) }) {
            let value = samples[bad]
            throw AudioError(path: name, kind: value.isFinite ? .sampleOutOfRange(frame: Int64(bad), value: value)
                                                                : .nonFiniteSample(frame: Int64(bad)))
        }
        pipeline.reset()
        try samples.withUnsafeBufferPointer { try pipeline.push($0, emit: emit) }
        try pipeline.finish(emit: emit)
        let info = AudioInfo(path: name, container: "memory", encoding: "float", sampleRate: options.sampleRate,
                             channels: 1, frames: Int64(samples.count))
        return ExtractionSummary(info: info, samples: pipeline.samples, frames: pipeline.emitted)
    }
}

/// The per-file graph: framers, features writing into rows, stages finishing them.
final class Pipeline {
    private struct Group {
        let framer: Framer
        let features: [(FrameFeature, Int)]  // feature and its column offset in the row
    }

    private var groups: [Group] = []
    private var streams: [StreamFeature] = []
    private var samplesSeen = 0
    private var stages: [RowStage] = []
    private var spectra: [FrameSpectrum] = []
    private let rowWidth: Int
    private let visible: [Int]
    let visibleColumns: [String]
    private let options: FeatureExtractionOptions
    private let rows: RowStore
    private var stageDone: [Int]
    private var stageObserved: [Int]
    private(set) var emitted = 0
    private let output: UnsafeMutableBufferPointer<Float>

    var samples: Int { samplesSeen }

    init(options: FeatureExtractionOptions, includeInternal: Bool = false) {
        self.options = options
        var all: [String] = []
        var zeroFeatures: [(FrameFeature, Int)] = [], edgeFeatures: [(FrameFeature, Int)] = []
        var spectra: [FramePreprocessingOptions: FrameSpectrum] = [:]
        func spectrum(_ p: FramePreprocessingOptions) -> FrameSpectrum {
            if let s = spectra[p] { return s }
            let s = FrameSpectrum(preprocessing: p, frameLength: options.frame.frameLength, sampleRate: options.sampleRate)
            spectra[p] = s
            return s
        }
        var stages: [RowStage] = []
        var mfccFeature: (MFCCFeature, Int)?
        func add(_ feature: FrameFeature) -> Int {
            let offset = all.count
            all += feature.columns
            if feature.padMode == .edge { edgeFeatures.append((feature, offset)) } else { zeroFeatures.append((feature, offset)) }
            return offset
        }
        func mfcc() -> (MFCCFeature, Int) {
            if let m = mfccFeature { return m }
            let f = MFCCFeature(options: options.mfcc, spectrum: spectrum(options.mfcc.preprocessing))
            let m = (f, add(f))
            if f.logMelOffset != nil { stages.append(MFCCTopDBStage(feature: f, columnOffset: m.1)) }
            mfccFeature = m
            return m
        }
        var hidden = Set<Int>()
        var pitchOffset: Int?, voiceOffset: Int?, egemapsOffset: Int?
        for set in options.sets {
            switch set {
            case .mfcc:
                _ = mfcc()
            case .mfccDelta:
                let (m, offset) = mfcc()
                if !options.sets.contains(.mfcc) {
                    for c in offset..<(offset + m.options.coefficientCount) { hidden.insert(c) }
                }
                let n = m.options.coefficientCount
                let target = all.count
                all += (0..<n).map { "mfcc_d_\($0)" } + (0..<n).map { "mfcc_dd_\($0)" }
                stages.append(DeltaStage(sourceOffset: offset, width: n, targetOffset: target))
            case .energy:
                _ = add(EnergyDescriptors(options: options.temporal))
                _ = add(ZeroCrossingRate(options: options.temporal))
            case .spectral:
                _ = add(SpectralDescriptors(options: options.spectral, spectrum: spectrum(options.spectralPreprocessing)))
            case .pitch:
                pitchOffset = all.count
                all += ProsodyFeature.pitchColumns
            case .voice:
                voiceOffset = all.count
                all += VoiceAnalyzer.columns
            case .egemaps:
                let offset = all.count
                all += EGeMAPS.lowLevelDescriptors + EGeMAPS.gatedColumns
                egemapsOffset = all.count
                all += EGeMAPSFeature.columns
                stages.append(EGeMAPSSmoothing(offset: offset))
            }
        }
        if let e = egemapsOffset {
            streams.append(EGeMAPSFeature(options: options.egemaps, sampleRate: options.sampleRate,
                                          frame: options.frame, offset: e))
        }
        if pitchOffset != nil || voiceOffset != nil {
            streams.append(ProsodyFeature(pitch: options.pitch, voice: voiceOffset != nil ? options.voice : nil,
                                          sampleRate: options.sampleRate, frame: options.frame,
                                          pitchOffset: pitchOffset, voiceOffset: voiceOffset))
        }
        let frame = options.frame
        if !zeroFeatures.isEmpty {
            groups.append(Group(framer: Framer(frame), features: zeroFeatures))
        }
        if !edgeFeatures.isEmpty {
            var edge = frame
            edge.padMode = .edge
            groups.append(Group(framer: Framer(edge), features: edgeFeatures))
        }
        self.stages = stages
        self.spectra = Array(spectra.values)
        rowWidth = all.count
        visible = includeInternal ? Array(all.indices) : all.indices.filter { !all[$0].hasPrefix("_") && !hidden.contains($0) }
        visibleColumns = visible.map { all[$0] }
        rows = RowStore(width: all.count)
        stageDone = Array(repeating: 0, count: stages.count)
        stageObserved = Array(repeating: 0, count: stages.count)
        output = .allocate(capacity: max(1, visible.count))
        output.initialize(repeating: 0)
    }

    deinit { output.deallocate() }

    /// Prepares for a new file.
    func reset() {
        for group in groups {
            group.framer.reset()
            for (feature, _) in group.features { feature.reset() }
        }
        for spectrum in spectra { spectrum.reset() }
        for stream in streams { stream.reset() }
        samplesSeen = 0
        for stage in stages { stage.reset() }
        rows.reset()
        for s in stageDone.indices {
            stageDone[s] = 0
            stageObserved[s] = 0
        }
        emitted = 0
    }

    func push(_ chunk: UnsafeBufferPointer<Float>, emit: (FrameRow) throws -> Void) throws {
        samplesSeen += chunk.count
        for group in groups { group.framer.push(chunk) { index, frame in compute(group, index, frame) } }
        for stream in streams { stream.push(chunk) { rows.row(creating: $0) } }
        try advance(finished: false, emit: emit)
    }

    func finish(emit: (FrameRow) throws -> Void) throws {
        for group in groups { group.framer.finish { index, frame in compute(group, index, frame) } }
        let frameCount = options.frame.frameCount(sampleCount: samplesSeen)
        for stream in streams { stream.finish(frameCount: frameCount) { rows.row(creating: $0) } }
        try advance(finished: true, emit: emit)
    }

    @inline(__always)
    private func compute(_ group: Group, _ index: Int, _ frame: UnsafeBufferPointer<Float>) {
        let row = rows.row(creating: index)
        for (feature, offset) in group.features { feature.compute(frame: frame, index: index, into: row + offset) }
    }

    private func advance(finished: Bool, emit: (FrameRow) throws -> Void) throws {
        // A row is complete once every framer group and stream feature has written its part.
        let complete = groups.isEmpty && streams.isEmpty ? 0
            : min(groups.map(\.framer.framesEmitted).min() ?? .max, streams.map(\.framesCompleted).min() ?? .max)
        var upstream = complete
        var upstreamFinished = finished
        for (s, stage) in stages.enumerated() {
            while stageObserved[s] < upstream {
                stage.observe(rows.row(stageObserved[s]))
                stageObserved[s] += 1
            }
            let last = upstream - 1
            while stageDone[s] < upstream {
                let t = stageDone[s]
                if let ahead = stage.lookahead {
                    guard t + ahead < upstream || upstreamFinished else { break }
                } else {
                    guard upstreamFinished else { break }
                }
                stage.finish(row: t) { i in self.rows.row(min(max(i, 0), last)) }
                stageDone[s] += 1
            }
            upstreamFinished = upstreamFinished && stageDone[s] == upstream
            upstream = stageDone[s]
        }
        try emitRows(upTo: upstream, emit: emit)
        var keep = emitted
        for (s, stage) in stages.enumerated() { keep = min(keep, stageDone[s] - stage.lookbehind) }
        rows.discard(before: max(0, keep))
    }

    private func emitRows(upTo end: Int, emit: (FrameRow) throws -> Void) throws {
        let frame = options.frame
        let rate = options.sampleRate
        let window = options.windowLength
        let signalEnd = Double(samples)
        while emitted < end {
            let row = rows.row(emitted)
            for (i, c) in visible.enumerated() { output[i] = row[c] }
            let windowStart = frame.frameStart(emitted) + (frame.frameLength - window) / 2
            let start = Double(max(0, windowStart)) / rate
            let stop = min(Double(windowStart + window), signalEnd) / rate
            try emit(FrameRow(index: emitted, start: start, end: stop, values: UnsafeBufferPointer(output)))
            emitted += 1
        }
    }
}

/// Rows of `width` floats addressed by absolute frame index, keeping only the rows still needed.
final class RowStore {
    let width: Int
    private var storage: UnsafeMutablePointer<Float>
    private var capacity: Int  // in rows
    private var base = 0
    private(set) var count = 0

    init(width: Int) {
        self.width = max(width, 1)
        capacity = 64
        storage = .allocate(capacity: capacity * self.width)
    }

    deinit { storage.deallocate() }

    /// Row `index`, appending it and any rows before it (zeroed) when they are new.
    func row(creating index: Int) -> UnsafeMutablePointer<Float> {
        while index >= count {
            if count - base == capacity {
                let grown = UnsafeMutablePointer<Float>.allocate(capacity: 2 * capacity * width)
                grown.moveInitialize(from: storage, count: capacity * width)
                storage.deallocate()
                storage = grown
                capacity *= 2
            }
            (storage + (count - base) * width).initialize(repeating: 0, count: width)
            count += 1
        }
        return row(index)
    }

    /// Row `index`, which must be stored. Valid until the next `row(creating:)` or `discard(before:)`.
    @inline(__always)
    func row(_ index: Int) -> UnsafeMutablePointer<Float> {
        precondition(index >= base && index < count, "row \(index) is not stored")
        return storage + (index - base) * width
    }

    /// Forgets every row.
    func reset() {
        base = 0
        count = 0
    }

    /// Forgets rows before `index`.
    func discard(before index: Int) {
        let drop = min(index, count) - base
        guard drop > 0 else { return }
        let kept = count - base - drop
        memmove(storage, storage + drop * width, kept * width * MemoryLayout<Float>.stride)
        base += drop
    }
}
