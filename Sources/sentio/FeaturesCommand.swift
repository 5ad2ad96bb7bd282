import ArgumentParser
import Sentio

/// `sentio features INPUT... --set SETS --preset P --format F -o PATH`: features per frame, or their
/// functionals per segment or file.
struct FeaturesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Extract features (MFCC, deltas, energy, spectral, pitch, voice quality, eGeMAPS) per frame, segment or file.",
        discussion: """
            Input of any rate and channel count is analysed as one channel at 16 kHz: the channels are \
            averaged (or only --channel N is read) and the result resampled with libsoxr (high quality). \
            openSMILE instead reads channel 0 at the file's own rate, so compare with it on 16 kHz mono files \
            (or on the same signal, e.g. with --channel 0).

            Rows carry `file,start,end` then the feature columns. start/end (seconds) are the span of the \
            analysis window, clipped to the signal: Kaldi frames cover [k*0.01, k*0.01 + 0.025); librosa's \
            centred frames are centred on k*0.01 with a 400-sample (25 ms) window.

            Presets: `kaldi` reproduces Kaldi compute-mfcc-feats (dither 0, samples on the int16 scale); \
            `librosa` reproduces librosa.feature.mfcc(sr=16000, n_fft=512, hop_length=160, win_length=400, \
            n_mels=40).

            --segment S [--hop S] and --vad go with --level segments, which they imply. --vad finds speech regions from voiced \
            frames above -50 dBFS: the voicing of eGeMAPS when egemaps is among the sets, else the pitch set's \
            (so regions can differ by a frame or two between sets).

            \(batchDiscussion)
            """
    )

    @OptionGroup var input: InputArguments

    @Option(name: .customLong("set"), help: "Feature sets, comma-separated: mfcc, mfcc-delta, energy, spectral, pitch, voice, egemaps (NAME-functionals: only with --level files|segments).")
    var sets: FeatureSetList = FeatureSetList([.mfcc])

    @Option(help: "Reference configuration: kaldi or librosa.")
    var preset: FeaturePreset = .kaldi

    @Option(name: .customLong("pitch-floor"), help: "Lowest F0 searched by the pitch and voice sets, in Hz.")
    var pitchFloor: Double = PitchOptions().floor

    @Option(name: .customLong("pitch-ceiling"), help: "Highest F0 searched by the pitch and voice sets, in Hz.")
    var pitchCeiling: Double = PitchOptions().ceiling

    @Option(name: .customLong("level"), help: "Summary level: frames (one row per analysis frame; the default), segments (functionals per segment; the default with --segment or --vad) or files (functionals per file).")
    var requestedLevel: FeatureLevel?

    /// The level asked for, or the one that --segment and --vad imply.
    var level: FeatureLevel { requestedLevel ?? (segments.isSegmented ? .segments : .frames) }

    /// With --level segments: --segment S [--hop S] or --vad.
    @OptionGroup var segments: SegmentationArguments

    @Option(help: "Output format: csv, jsonl or npy (npy needs -o DIR).")
    var format: FeatureFormat = .csv

    @Option(name: .shortAndLong, help: "Output file (csv, jsonl) or folder (npy); standard output when absent.")
    var output: String?

    @OptionGroup var channel: ChannelArguments

    @OptionGroup var batch: BatchArguments

    func validate() throws {
        // SegmentationArguments checks the values and that --segment and --vad are not both given.
        if level == .segments && !segments.isSegmented {
            throw ValidationError("--level segments needs either --segment SECONDS or --vad")
        } else if level != .segments && (segments.isSegmented || segments.hop != nil) {
            throw ValidationError("--segment, --hop and --vad apply only to --level segments")
        }
        if level == .frames && sets.functionalsOnly {
            throw ValidationError("'-functionals' sets need --level files or --level segments")
        }
        if format == .npy && output == nil { throw ValidationError("--format npy writes a folder: give -o DIR") }
        guard pitchFloor >= 20 && pitchFloor < pitchCeiling && pitchCeiling <= 4000 else {
            throw ValidationError("pitch range must satisfy 20 <= --pitch-floor < --pitch-ceiling <= 4000 Hz")
        }
        try batch.validate(output: output)
    }

    func run() async throws {
        let paths = try input.collect()
        var options = FeatureExtractionOptions(sets: sets.sets, preset: preset)
        options.pitch.floor = pitchFloor
        options.pitch.ceiling = pitchCeiling
        let segmentation: Segmentation? = level == .frames ? nil : segments.segmentation
        let columns = segmentation.map { SegmentFeatureExtractor(options: SegmentExtractionOptions(frames: options, segmentation: $0)).columns }
            ?? FeatureExtractor(options: options).columns
        let format = self.format
        let encoder = FeatureRowEncoder(format: format, columns: columns, directory: output)
        let destination: BatchDestination
        if format == .npy, let folder = output {
            do {
                try prepareOutputFolder(folder)
            } catch {
                reportError("\(error)")
                throw ExitCode(ExitStatus.notCompleted)
            }
            destination = .file(path: joinPath(folder, "index.csv"), errors: BatchDestination.errorsFile(inFolder: folder))
        } else {
            destination = batchDestination(output: output)
        }
        let npyNames = format == .npy ? perInputFileNames(paths, extension: channel.fileSuffix + ".npy") : []
        var request = BatchRequest(
            command: "features",
            settings: "sets=\(sets.sets.map(\.rawValue)) preset=\(preset) pitch=\(pitchFloor)-\(pitchCeiling) level=\(level) "
                + "segmentation=\(segmentation.map { "\($0)" } ?? "frames")\(channel.settings) format=\(format) sentio=\(SentioVersion.string)",
            inputs: paths, shard: batch.shard, jobs: batch.workerCount, failFast: batch.failFast, resume: batch.resume,
            destination: destination, header: encoder.header)
        request.reads = input.manifest
        let folder = output, extraction = options, audio = channel.readOptions
        // columns.csv once the run is through: a run refused (another writer, a resume with other settings)
        // must leave the folder's own columns.csv alone.
        let writeColumns = { (_: BatchSummary) in
            guard format == .npy, let folder else { return }
            let file = try OutputFile(path: folder + "/columns.csv")
            try file.sink.write(encoder.npyColumnsTable)
            try file.commit()
        }
        _ = try await runBatchCommand(request, options: batch, finished: writeColumns) {
            FeatureWorker(encoder: FeatureRowEncoder(format: format, columns: columns, directory: folder), npyNames: npyNames,
                          options: extraction, segmentation: segmentation, audio: audio)
        }
    }
}

/// Extracts one file at a time for `sentio features`.
final class FeatureWorker: BatchWorker {
    private let encoder: FeatureRowEncoder
    private let npyNames: [String]
    private let frames: FeatureExtractor?
    private let segments: SegmentFeatureExtractor?

    init(encoder: FeatureRowEncoder, npyNames: [String], options: FeatureExtractionOptions, segmentation: Segmentation?,
         audio: AudioReadOptions) {
        self.encoder = encoder
        self.npyNames = npyNames
        if let segmentation {
            segments = SegmentFeatureExtractor(options: SegmentExtractionOptions(frames: options, segmentation: segmentation, audio: audio))
            frames = nil
        } else {
            frames = FeatureExtractor(options: options, readOptions: audio)
            segments = nil
        }
    }

    func process(_ item: BatchItem, into output: ResultBuffer, stop: StopFlag) throws -> BatchFileResult {
        try encoder.begin(path: item.path, npyName: npyNames.isEmpty ? "" : npyNames[item.index], into: output)
        do {
            let emit = { [encoder] (row: FrameRow) throws in
                try stop.check()
                try encoder.write(row)
            }
            var result: BatchFileResult
            if let segments {
                // Segments of a long file come seconds apart (a whole file's once, at its end): the stop is
                // looked at every frame.
                let summary = try segments.process(path: item.path, frames: { _ in try stop.check() }, emit: emit)
                result = BatchFileResult(audioSeconds: summary.extraction.info.duration,
                                         warnings: summary.extraction.condition.warnings(for: item.path))
                if summary.shortFunctionals > 0 {
                    result.warnings.append("\(item.path): \(summary.shortFunctionals) functional values over \(summary.segments) segment\(summary.segments == 1 ? "" : "s") had too few frames and were set to their documented empty value")
                }
                if summary.segments == 0 {
                    result.warnings.append("\(item.path): no segment (no speech region found): no rows")
                }
            } else {
                let summary = try frames!.process(path: item.path, emit: emit)
                result = BatchFileResult(audioSeconds: summary.info.duration, warnings: summary.condition.warnings(for: item.path))
                if summary.rows == 0 {
                    result.warnings.append("\(item.path): \(String(format1: summary.info.duration * 1000)) ms long, shorter than one analysis frame: no rows")
                }
            }
            try encoder.finish()
            return result
        } catch {
            encoder.abandon()
            throw error
        }
    }
}

/// Summary levels of `sentio features`.
enum FeatureLevel: String, ExpressibleByArgument, CaseIterable {
    /// One row per analysis frame.
    case frames
    /// One row of functionals per segment (`--segment`/`--hop` windows or `--vad` speech regions).
    case segments
    /// One row of functionals per file.
    case files
}

/// A comma-separated list of feature sets.
///
/// `NAME-functionals` (e.g. `mfcc-functionals`) names set NAME and says that only its functionals are wanted,
/// so it is valid only at the segment and file levels.
struct FeatureSetList: ExpressibleByArgument {
    var sets: [FeatureSet]
    var functionalsOnly = false

    init(_ sets: [FeatureSet]) { self.sets = sets }

    init?(argument: String) {
        var sets: [FeatureSet] = []
        for name in argument.split(separator: ",") {
            var name = String(name).lowercased()
            if name.hasSuffix("-functionals") {
                name.removeLast("-functionals".count)
                functionalsOnly = true
            }
            guard let set = FeatureSet(rawValue: name) else { return nil }
            sets.append(set)
        }
        guard !sets.isEmpty else { return nil }
        self.sets = sets
    }

    static var allValueStrings: [String] { FeatureSet.allCases.map(\.rawValue) + FeatureSet.allCases.map { $0.rawValue + "-functionals" } }
    var defaultValueDescription: String { sets.map(\.rawValue).joined(separator: ",") }
}

extension FeaturePreset: ExpressibleByArgument {}
extension FeatureFormat: ExpressibleByArgument {}
