#if canImport(Glibc)
import Glibc
#endif

/// The per-file graph: framers, features writing into rows, stages finishing them.
///
/// Samples go to one ``Framer`` per padding convention, whose frames the ``FrameFeature``s write into their
/// columns of row t, and to the ``StreamFeature``s (pitch, voice, eGeMAPS), which fill their columns of
/// rows later; a row is complete once every framer and stream has written it. The ``RowStage``s (deltas,
/// smoothing, librosa's top-dB floor) then finish rows in order, each once it has the look-ahead it needs,
/// and finished rows are emitted and dropped from the ``RowStore`` once no stage looks back at them.
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

    /// Builds the graph for `options`: shared spectra, features in set order, stages.
    /// - Parameter includeInternal: also emit internal columns (names starting with `_`, MFCCs computed only
    ///   for their deltas).
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

    /// Consumes the next samples of the signal and emits every row that is now final, in order.
    func push(_ chunk: UnsafeBufferPointer<Float>, emit: (FrameRow) throws -> Void) throws {
        samplesSeen += chunk.count
        for group in groups { group.framer.push(chunk) { index, frame in compute(group, index, frame) } }
        for stream in streams { stream.push(chunk) { rows.row(creating: $0) } }
        try advance(finished: false, emit: emit)
    }

    /// Ends the signal: the framers' last frames, the streams' last rows, and every remaining row emitted.
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
