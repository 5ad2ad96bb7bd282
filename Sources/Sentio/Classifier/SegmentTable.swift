/// The feature vectors of every segment of a list of files, with the file, span and amount of voiced
/// speech of each: the training and evaluation input of the classifier.
public struct SegmentTable: Sendable {
    /// One row per segment, the ``EmotionFeatureConfiguration/columns``.
    public var matrix: FeatureMatrix
    /// The files the table was extracted from, in order: ``file`` indexes them. Training and evaluation
    /// check them against the corpus's files, whose labels they read by the same index.
    public private(set) var paths: [String]
    /// Index (into ``paths``) of the file each row comes from.
    public var file: [Int]
    /// Segment start, in seconds.
    public var start: [Double]
    /// Segment end, in seconds.
    public var end: [Double]
    /// Seconds of voiced frames in each segment (frames with an F0: eGeMAPS's subharmonic-summation F0 when
    /// the features include eGeMAPS, else the `pitch` set's).
    public var voicedSeconds: [Double]
    /// The files that could not be processed: index → one-line error.
    public var failures: [Int: String]
    /// What each processed file's samples showed about its recording (clipping, a low native rate,
    /// cancelling channels; ``SignalCondition/problems``): file index → condition.
    public var conditions: [Int: SignalCondition] = [:]
    /// Seconds of audio in the files whose segments were appended.
    public var audioSeconds = 0.0

    /// The files (indices, ascending) with segments of which none has ``EmotionTraining/minimumVoicedSeconds``
    /// of voiced speech: silence, noise or a whisper. Training uses such a file's segments all the same, as
    /// the only ones of its recording.
    public var filesWithoutVoicedSpeech: [Int] {
        var voiced: [Int: Bool] = [:]
        for (r, f) in file.enumerated() {
            voiced[f] = (voiced[f] ?? false) || voicedSeconds[r] >= EmotionTraining.minimumVoicedSeconds
        }
        return voiced.filter { !$0.value }.keys.sorted()
    }

    /// The functional appended to every extraction to measure voiced speech (``Functional/nonZeroFraction``
    /// of an F0 column); it is read for ``voicedSeconds`` and not passed to the classifier.
    static func voicedFraction(of f0Column: String) -> FunctionalSpec {
        FunctionalSpec(name: "_voiced_fraction", descriptor: f0Column, functional: .nonZeroFraction)
    }

    /// Segment-extraction options for `configuration` with the voiced-fraction column appended.
    /// `frameSets` are computed as well for callers that observe the frame rows. eGeMAPS brings its own F0,
    /// so a configuration with it needs no `pitch` tracker (which would cost more than the rest of scoring).
    static func extractionOptions(_ configuration: EmotionFeatureConfiguration, segmentation: Segmentation,
                                  frameSets: [FeatureSet] = [], audio: AudioReadOptions = AudioReadOptions()) -> SegmentExtractionOptions {
        let ownF0 = configuration.sets.contains(.egemaps)
        return SegmentExtractionOptions(
            frames: configuration.extractionOptions, segmentation: segmentation,
            extraFunctionals: [voicedFraction(of: ownF0 ? EGeMAPSFeature.voicingColumn : "f0_hz")],
            extraSets: ownF0 ? frameSets : [.pitch] + frameSets.filter { $0 != .pitch }, audio: audio)
    }

    /// Extracts the segments of every file in `paths`, `jobs` files at a time, read as `audio` says. Rows
    /// come out in path order (and time order within a file) whatever `jobs` is.
    public static func extract(paths: [String], configuration: EmotionFeatureConfiguration,
                               segmentation: Segmentation = .wholeFile, audio: AudioReadOptions = AudioReadOptions(),
                               jobs: Int = processorCount) -> SegmentTable {
        let options = extractionOptions(configuration, segmentation: segmentation, audio: audio)
        let width = configuration.columns.count
        let perFile = parallelMap(count: paths.count, jobs: jobs,
                                  makeState: { SegmentFeatureExtractor(options: options) }) { extractor, i in
            extractRows(path: paths[i], extractor: extractor, width: width)
        }
        var table = SegmentTable(columns: width, paths: paths)
        for (i, result) in perFile.enumerated() {
            switch result {
            case .success(let file): table.append(file, index: i)
            case .failure(let error): table.failures[i] = error.message
            }
        }
        return table
    }

    /// An empty table of `columns` feature columns for the files `paths`.
    init(columns: Int, paths: [String]) {
        self.paths = paths
        matrix = FeatureMatrix(rows: 0, columns: columns)
        file = []
        start = []
        end = []
        voicedSeconds = []
        failures = [:]
    }

    /// Appends the segments of file number `file`.
    mutating func append(_ extracted: ExtractedFile, index file: Int) {
        audioSeconds += extracted.seconds
        if let condition = extracted.condition { conditions[file] = condition }
        // A table of one file takes the file's matrix as it is: a long recording's segments are not copied.
        if matrix.rows == 0 { matrix = extracted.matrix } else { matrix.append(rows: extracted.matrix) }
        self.file += Array(repeating: file, count: extracted.matrix.rows)
        start += extracted.start
        end += extracted.end
        voicedSeconds += extracted.voiced
    }

    /// One file's segments (a row of ``matrix`` and a span and voiced time each), its duration in seconds and
    /// its recording's condition.
    struct ExtractedFile: Sendable {
        var matrix: FeatureMatrix
        var start: [Double] = [], end: [Double] = [], voiced: [Double] = []
        var seconds: Double
        var condition: SignalCondition? = nil

        /// An empty file of `columns` feature columns.
        init(columns: Int, seconds: Double = 0) {
            matrix = FeatureMatrix(rows: 0, columns: columns)
            self.seconds = seconds
        }

        mutating func add(_ values: some Collection<Double>, start: Double, end: Double, voiced: Double) {
            matrix.append(row: values)
            self.start.append(start)
            self.end.append(end)
            self.voiced.append(voiced)
        }
    }

    /// A file that failed, with its one-line message.
    struct Failure: Error, Sendable {
        var message: String
    }

    /// The segments of one file, or its error. Non-finite feature values (which no segment should produce)
    /// fail the file rather than reach a classifier.
    /// `frames` sees every frame row (``SegmentFeatureExtractor/frameColumns``).
    static func extractRows(path: String, extractor: SegmentFeatureExtractor, width: Int,
                            frames: ((FrameRow) throws -> Void)? = nil) -> Result<ExtractedFile, Failure> {
        extractRows(name: path, width: width) { try extractor.process(path: path, frames: frames, emit: $0) }
    }

    /// ``extractRows(path:extractor:width:frames:)`` of what `run` summarises, `name` standing for it in errors.
    static func extractRows(name path: String, width: Int,
                            run: ((FrameRow) throws -> Void) throws -> SegmentSummary) -> Result<ExtractedFile, Failure> {
        var file = ExtractedFile(columns: width)
        return streamRows(name: path, width: width, run: run) { values, start, end, voiced in
            file.add(values.lazy.map(Double.init), start: start, end: end, voiced: voiced)
        }.map { extraction in
            file.seconds = extraction.info.duration
            file.condition = extraction.condition
            return file
        }
    }

    /// Runs `run`, handing `segment` each segment's `width` feature values, start and end (s) and voiced
    /// seconds as it comes; then the extraction's summary, or the file's error. A segment with a non-finite
    /// value (which none should have) fails the file rather than reach a classifier. `run` must call its
    /// argument before it returns, never later (`segment` is passed on without escaping).
    static func streamRows(name path: String, width: Int, run: ((FrameRow) throws -> Void) throws -> SegmentSummary,
                           segment: (UnsafeBufferPointer<Float>, Double, Double, Double) -> Void)
        -> Result<ExtractionSummary, Failure> {
        var segments = 0
        do {
            return .success(try withoutActuallyEscaping(segment) { segment in
                try run { row in
                    let values = UnsafeBufferPointer(rebasing: row.values[0..<width])
                    if values.contains(where: { !$0.isFinite }) {
                        throw Failure(message: "\(path): segment \(segments) has non-finite feature values")
                    }
                    segment(values, row.start, row.end, Double(row.values[width]) * (row.end - row.start))
                    segments += 1
                }.extraction
            })
        } catch let error as AudioError {
            return .failure(Failure(message: error.description))
        } catch let error as Failure {
            return .failure(error)
        } catch {
            return .failure(Failure(message: "\(path): \(error)"))
        }
    }
}
