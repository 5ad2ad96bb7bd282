/// Emotion scores of one segment.
public struct SegmentScore: Sendable, Equatable {
    /// Segment start, in seconds.
    public var start: Double
    /// Segment end, in seconds.
    public var end: Double
    /// Seconds of voiced speech in the segment.
    public var voicedSeconds: Double
    /// Class probabilities in the model's class order, or nil when the segment has too little voiced speech
    /// to be scored (``EmotionTraining/minimumVoicedSeconds``).
    public var probabilities: [Double]?
    /// The most probable class, or `no_speech`.
    public var emotion: String
}

/// Scores audio with an ``EmotionModel``: segments each file, extracts the model's features, normalises
/// them as the model was trained, and returns per-segment class probabilities.
///
/// Not thread-safe (it owns a feature extractor); use one per thread.
public final class EmotionScorer {
    /// The label of segments with too little voiced speech.
    public static let noSpeech = "no_speech"

    /// The model.
    public let model: EmotionModel
    /// How files are divided.
    public let segmentation: Segmentation
    private let extractor: SegmentFeatureExtractor
    private let width: Int

    /// - Parameters:
    ///   - frameSets: feature sets computed in addition to the model's, for callers that observe the frame
    ///     rows of ``extract(path:frames:)`` (a report draws `Loudness_sma3` from `.egemaps`); they do not
    ///     change the scores.
    ///   - audio: how files are read, e.g. one ``AudioReadOptions/channel`` of a stereo call (the rate is
    ///     the model's).
    /// - Precondition: fixed windows are at least ``Segmentation/minimumWindowSeconds`` long and apart.
    public init(model: EmotionModel, segmentation: Segmentation, frameSets: [FeatureSet] = [],
                audio: AudioReadOptions = AudioReadOptions()) {
        self.model = model
        self.segmentation = segmentation
        extractor = SegmentFeatureExtractor(options: SegmentTable.extractionOptions(model.features, segmentation: segmentation,
                                                                                    frameSets: frameSets, audio: audio))
        width = model.features.columns.count
    }

    /// Columns of the frame rows that ``extract(path:frames:)`` shows its observer.
    public var frameColumns: [String] { extractor.frameColumns }

    /// The segments of the file at `path` with their (not yet group-normalised) feature rows.
    /// - Parameter frames: sees every frame row (``frameColumns``), valid only during the call.
    /// - Throws: ``ScoringError`` with the one-line message of a bad file.
    public func extract(path: String, frames: ((FrameRow) -> Void)? = nil) throws(ScoringError) -> SegmentTable {
        try table(SegmentTable.extractRows(path: path, extractor: extractor, width: width, frames: frames), name: path)
    }

    /// ``extract(path:frames:)`` of samples already in memory (one channel at `sampleRate` Hz, full scale
    /// ±1; resampled to the model's rate when it differs); `name` stands for a file in errors.
    public func extract(samples: [Float], sampleRate: Double, name: String = "<samples>") throws(ScoringError) -> SegmentTable {
        let extractor = self.extractor
        return try table(SegmentTable.extractRows(name: name, width: width) {
            try extractor.process(samples: samples, sampleRate: sampleRate, name: name, emit: $0)
        }, name: name)
    }

    private func table(_ extracted: Result<SegmentTable.ExtractedFile, SegmentTable.Failure>,
                       name path: String) throws(ScoringError) -> SegmentTable {
        switch extracted {
        case .failure(let failure): throw ScoringError(message: failure.message)
        case .success(let file):
            // Z-scored over itself, a file's only segment is all zeros: every such file would get the same scores.
            if model.normalization == .file && file.matrix.rows == 1 {
                throw ScoringError(message: "\(path): the model normalises per file, which needs at least 2 segments; this file has 1 (use a shorter --segment or --hop)")
            }
            var table = SegmentTable(columns: width, paths: [path])
            table.append(file, index: 0)
            return table
        }
    }

    /// Scores the file at `path` on its own. Speaker-normalised models need ``EmotionModel/score(paths:groups:segmentation:audio:jobs:)``
    /// with every file of each speaker; a corpus-normalised model scores the file as a batch of one (its
    /// statistics weigh little against the training corpus's).
    /// - Throws: ``ScoringError`` for a speaker-normalised model, or when the file cannot be analysed.
    public func score(path: String) throws -> [SegmentScore] {
        try scoreFile(path: path).scores
    }

    /// ``score(path:)`` of samples already in memory (one channel at `sampleRate` Hz, full scale ±1), e.g. a
    /// live recording's last seconds; `name` stands for a file in errors.
    public func score(samples: [Float], sampleRate: Double, name: String = "<samples>") throws -> [SegmentScore] {
        try scoreAlone(name: name) { () throws(ScoringError) in try extract(samples: samples, sampleRate: sampleRate, name: name) }.scores
    }

    /// The file at `path` scored on its own (see ``score(path:)``), with its duration and condition. A model
    /// that normalises nothing scores each segment as soon as its functionals are known, so that memory does
    /// not grow with the number of segments (an hour in 0.1 s hops); the scores are the same either way.
    /// - Parameter stopping: asked after every frame (10 ms of audio) whether to give up the file, e.g. when
    ///   the user presses Ctrl-C during an hour-long recording; once it returns true the call throws
    ///   (`PATH: stopped before the end of the file`).
    /// - Throws: ``ScoringError`` for a speaker-normalised model, a file-normalised one given a file of one
    ///   segment, when the file cannot be analysed, or when `stopping` asked to stop.
    public func scoreFile(path: String, stopping: (() -> Bool)? = nil) throws(ScoringError) -> ScoredFile {
        let model = self.model, width = self.width, extractor = self.extractor
        let frames = stopping.map { stopping in
            { (_: FrameRow) throws in if stopping() { throw StoppedEarly() } }
        }
        guard model.normalization == .none else {
            return try scoreAlone(name: path) { () throws(ScoringError) in
                try table(SegmentTable.extractRows(path: path, extractor: extractor, width: width, frames: frames), name: path)
            }
        }
        var scores: [SegmentScore] = []
        let streamed = SegmentTable.streamRows(name: path, width: width,
                                               run: { try extractor.process(path: path, frames: frames, emit: $0) }) { values, start, end, voiced in
            scores.append(model.segmentScore(start: start, end: end, voiced: voiced) {
                var row = FeatureMatrix(rows: 0, columns: width)
                row.append(row: values.lazy.map(Double.init))
                return model.probabilities(row).row(0)
            })
        }
        switch streamed {
        case .failure(let failure): throw ScoringError(message: failure.message)
        case .success(let extraction):
            let seconds = extraction.info.duration
            if let none = model.noSpeechScore(segments: scores.count, duration: seconds) { scores.append(none) }
            return ScoredFile(scores: scores, seconds: seconds, condition: extraction.condition)
        }
    }

    /// Thrown through the extraction when ``scoreFile(path:stopping:)``'s `stopping` says so.
    private struct StoppedEarly: Error, CustomStringConvertible {
        var description: String { "stopped before the end of the file" }
    }

    private func speakerModelError(_ name: String) -> ScoringError {
        ScoringError(message: "\(name): the model normalises per speaker, which needs every file of each speaker scored together (EmotionModel.score(paths:groups:segmentation:audio:jobs:), or sentio score --speakers)")
    }

    /// The one file `extract` gives, scored from its table and normalised on its own (checked before
    /// extracting).
    private func scoreAlone(name: String, _ extract: () throws(ScoringError) -> SegmentTable) throws(ScoringError) -> ScoredFile {
        guard model.normalization != .speaker else { throw speakerModelError(name) }
        let table = try extract()
        return ScoredFile(scores: model.score(tables: [table], groups: [0])[0], seconds: table.audioSeconds,
                          condition: table.conditions[0])
    }
}

extension SegmentScore {
    /// One score for a whole file of `duration` seconds from its segments' scores, as `sentio evaluate`
    /// decides a file that has scored segments: the mean probabilities of the scored segments (each segment
    /// counts once, whatever its length) and their most probable class. A file without a scored segment is
    /// `no_speech` here (evaluate, which must predict a class, then averages all of its segments).
    public static func combined(_ segments: [SegmentScore], duration: Double, classes: [String]) -> SegmentScore {
        let scored = segments.compactMap(\.probabilities)
        let voiced = segments.reduce(0) { $0 + $1.voicedSeconds }
        guard !scored.isEmpty else {
            return SegmentScore(start: 0, end: duration, voicedSeconds: voiced, probabilities: nil, emotion: EmotionScorer.noSpeech)
        }
        var mean = [Double](repeating: 0, count: classes.count)
        for p in scored { for c in mean.indices { mean[c] += p[c] } }
        for c in mean.indices { mean[c] /= Double(scored.count) }
        return SegmentScore(start: 0, end: duration, voicedSeconds: voiced, probabilities: mean, emotion: classes[argmax(mean)])
    }
}

/// One file's segment scores, with its duration and its recording's condition.
public struct ScoredFile: Sendable, Equatable {
    /// The segments' scores, in order (one `no_speech` row spanning a file without any segment).
    public var scores: [SegmentScore]
    /// The file's duration, in seconds.
    public var seconds: Double
    /// What the file's samples showed about its recording (``SignalCondition/problems``: clipping, a low
    /// native rate, cancelling channels); nil when not known.
    public var condition: SignalCondition?

    /// A file's scores, duration in seconds and condition.
    public init(scores: [SegmentScore], seconds: Double, condition: SignalCondition? = nil) {
        self.scores = scores
        self.seconds = seconds
        self.condition = condition
    }
}

extension EmotionModel {
    /// Scores files that are normalised together: extracts every file (`jobs` at a time), then scores all of
    /// them with ``score(tables:groups:)``, `groups[i]` naming file i's group (its speaker, for a
    /// speaker-normalised model; ignored otherwise). Each file gets its segments' scores, its duration and
    /// its recording's condition, or the error that stopped it; the others are scored without it. With a speaker-normalised
    /// model, the files of a speaker who has only one segment among them fail (that segment would z-score to
    /// zeros). `audio` says how files are read (e.g. one ``AudioReadOptions/channel``).
    public func score(paths: [String], groups: [String], segmentation: Segmentation, audio: AudioReadOptions = AudioReadOptions(),
                      jobs: Int = processorCount) -> [Result<ScoredFile, ScoringError>] {
        precondition(groups.count == paths.count, "one group per path")
        let tables = parallelMap(count: paths.count, jobs: jobs,
                                 makeState: { EmotionScorer(model: self, segmentation: segmentation, audio: audio) }) { scorer, i in
            Result { () throws(ScoringError) in try scorer.extract(path: paths[i]) }
        }
        var good: [(file: Int, table: SegmentTable)] = []
        for (i, table) in tables.enumerated() { if case .success(let t) = table { good.append((i, t)) } }
        var results = tables.map { $0.map { ScoredFile(scores: [], seconds: $0.audioSeconds, condition: $0.conditions[0]) } }
        if normalization == .speaker {
            // A speaker's only segment z-scores to all zeros: it would get the same scores as any other.
            var segments: [String: Int] = [:]
            for g in good { segments[groups[g.file], default: 0] += g.table.matrix.rows }
            // (A file without any segment is left alone: it gets its no_speech row.)
            let lone = { (g: (file: Int, table: SegmentTable)) in segments[groups[g.file]] == 1 && g.table.matrix.rows > 0 }
            for g in good where lone(g) {
                results[g.file] = .failure(ScoringError(message: "\(paths[g.file]): the model normalises per speaker, which needs at least 2 segments per speaker; speaker \(groups[g.file]) has 1 here (score all of the speaker's files together, or use --segment)"))
            }
            good.removeAll(where: lone)
        }
        let ids = Array(Set(good.map { groups[$0.file] })).sorted()
        let scores = score(tables: good.map(\.table), groups: good.map { ids.firstIndex(of: groups[$0.file])! })
        for (k, g) in good.enumerated() {
            results[g.file] = .success(ScoredFile(scores: scores[k], seconds: g.table.audioSeconds, condition: g.table.conditions[0]))
        }
        return results
    }

    /// Scores several files' segments together: files with the same group (speaker) are normalised with
    /// their joint statistics when the model is speaker-normalised, all files together (towards the
    /// training corpus's statistics) when it is corpus-normalised, each file on its own when it is
    /// file-normalised; otherwise `groups` is ignored. A file without any segment (voice activity found no
    /// speech region) gets one `no_speech` score spanning it.
    public func score(tables: [SegmentTable], groups: [Int]) -> [[SegmentScore]] {
        // One table (a file scored on its own) is scored from its own matrix: only a normalisation copies it.
        var joined = tables.count == 1 ? tables[0].matrix : FeatureMatrix(rows: 0, columns: classifier.standardizer.mean.count)
        var rowGroups: [Int] = []
        for (t, table) in tables.enumerated() {
            if tables.count > 1 { joined.append(rows: table.matrix) }
            rowGroups += Array(repeating: normalization == .speaker ? groups[t] : t, count: table.matrix.rows)
        }
        switch normalization {
        case .none: break
        case .corpus: normalizeTowards(&joined, prior: corpusStatistics!, priorRows: Self.corpusPriorRows)
        case .speaker, .file: normalizeByGroup(&joined, groups: rowGroups)
        }
        let p = probabilities(joined)
        var results: [[SegmentScore]] = []
        var r = 0
        for table in tables {
            var scores: [SegmentScore] = []
            for i in 0..<table.matrix.rows {
                scores.append(segmentScore(start: table.start[i], end: table.end[i], voiced: table.voicedSeconds[i]) { p.row(r) })
                r += 1
            }
            if let none = noSpeechScore(segments: table.matrix.rows, duration: table.audioSeconds) { scores.append(none) }
            results.append(scores)
        }
        return results
    }

    /// A segment's score: its `probabilities` when it has ``EmotionTraining/minimumVoicedSeconds`` of voiced
    /// speech, else `no_speech` (`probabilities` is then not called).
    func segmentScore(start: Double, end: Double, voiced: Double, probabilities: () -> [Double]) -> SegmentScore {
        let scored = voiced >= EmotionTraining.minimumVoicedSeconds ? probabilities() : nil
        return SegmentScore(start: start, end: end, voicedSeconds: voiced, probabilities: scored,
                            emotion: scored.map { classes[argmax($0)] } ?? EmotionScorer.noSpeech)
    }

    /// The one row of a file of `duration` seconds without any segment (voice activity found no speech
    /// region), so that no input vanishes from the output; nil when it has `segments` or no duration.
    func noSpeechScore(segments: Int, duration: Double) -> SegmentScore? {
        guard segments == 0 && duration > 0 else { return nil }
        return SegmentScore(start: 0, end: duration, voicedSeconds: 0, probabilities: nil, emotion: EmotionScorer.noSpeech)
    }
}

/// A file that could not be scored (one line naming the file and the cause).
public struct ScoringError: Error, Sendable, CustomStringConvertible {
    /// The message, starting with the file.
    public var message: String
    /// Creates an error with `message`, which should start with the file.
    public init(message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}
