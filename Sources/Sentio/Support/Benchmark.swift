#if canImport(Glibc)
import Glibc
#endif

/// One part of the pipeline that `sentio bench` times on its own.
///
/// Every stage starts from the file on disk, so its figures include decoding (and resampling to the analysis
/// rate): ``decode`` alone is measured too, so the cost of the rest can be told apart. The feature stages run
/// the ``FeatureExtractor`` with only their set, which is what the library lets one isolate; rows are
/// produced and dropped, never formatted or written.
package enum BenchmarkStage: String, Sendable, CaseIterable, Hashable {
    /// Most timed runs of one stage, however short its runs and whatever `--seconds` asks.
    package static let maximumRuns = 10_000

    /// libsndfile decoding, downmix to mono and libsoxr resampling to 16 kHz.
    case decode
    /// ``decode``, then framing, the preset's per-frame preprocessing (DC, pre-emphasis, window) and the
    /// FFT power spectrum (512 points): the shared front end of the spectral features.
    case fft
    /// Frame-level `mfcc`.
    case mfcc
    /// Frame-level `mfcc-delta` (with the MFCCs it needs).
    case mfccDelta = "mfcc-delta"
    /// Frame-level `energy`.
    case energy
    /// Frame-level `spectral`.
    case spectral
    /// Frame-level `pitch`.
    case pitch
    /// Frame-level `voice` (which runs the pitch tracker it needs).
    case voice
    /// The 88 eGeMAPSv02 functionals per file (`--set egemaps --level files`).
    case egemaps
    /// `sentio score` per file: the model's feature sets, functionals and the classifier.
    case score

    /// The stages `sentio bench` runs by default, in pipeline order.
    package static let standard: [BenchmarkStage] = [.decode, .fft, .mfcc, .spectral, .pitch, .voice, .egemaps, .score]

    /// A short description for reports.
    package var summary: String {
        switch self {
        case .decode: return "decode + downmix + resample to 16 kHz"
        case .fft: return "decode, framing, preprocessing, 512-point FFT power spectrum"
        case .mfcc: return "features --set mfcc (frames)"
        case .mfccDelta: return "features --set mfcc-delta (frames)"
        case .energy: return "features --set energy (frames)"
        case .spectral: return "features --set spectral (frames)"
        case .pitch: return "features --set pitch (frames)"
        case .voice: return "features --set voice (frames, with pitch)"
        case .egemaps: return "features --set egemaps --level files (88 functionals)"
        case .score: return "score, bundled model, per file (all model sets + classifier)"
        }
    }
}

/// The files a benchmark runs on, checked and measured once beforehand.
package struct BenchmarkWorkload: Sendable {
    /// The files, in order.
    package var paths: [String]
    /// Each file's duration in seconds at its native rate.
    package var durations: [Double]
    /// Each file's analysis frames (the preset's 25 ms / 10 ms grid at 16 kHz): the rows a frame-level set
    /// emits for it, used for every stage's frames per second so the stages compare.
    package var frames: [Int]

    /// Total audio in seconds.
    package var audioSeconds: Double { durations.reduce(0, +) }

    /// Leaves `path` out of the workload (a file that failed in some stage).
    package mutating func remove(path: String) {
        guard let i = paths.firstIndex(of: path) else { return }
        paths.remove(at: i)
        durations.remove(at: i)
        frames.remove(at: i)
    }
    /// Total analysis frames.
    package var totalFrames: Int { frames.reduce(0, +) }

    /// Decodes every file once (which also warms the page cache), keeping the readable ones.
    /// - Returns: the workload of the good files and each bad file with its line `<file>: <cause>`, in input order.
    package static func load(paths: [String], preset: FeaturePreset = .kaldi)
        -> (workload: BenchmarkWorkload, failures: [(path: String, message: String)]) {
        let frame = FeatureExtractionOptions(sets: [.mfcc], preset: preset).frame
        var workload = BenchmarkWorkload(paths: [], durations: [], frames: [])
        var failures: [(path: String, message: String)] = []
        for path in paths {
            do {
                let stream = try AudioStream(path: path, options: AudioReadOptions(sampleRate: 16_000))
                var samples = 0
                try stream.forEachChunk { samples += $0.count }
                workload.paths.append(path)
                workload.durations.append(Double(stream.nativeFramesDecoded) / stream.info.sampleRate)
                workload.frames.append(frame.frameCount(sampleCount: samples))
            } catch {
                let message = "\(error)"
                failures.append((path, message.hasPrefix(path) ? message : "\(path): \(message)"))
            }
        }
        return (workload, failures)
    }
}

/// The largest resident set this process has had so far, in bytes: `VmHWM` of `/proc/self/status`, else
/// `ru_maxrss`. A high-water mark: it never goes down.
///
/// `ru_maxrss` alone would be wrong for a process started by a large one (a Python script holding librosa):
/// Linux carries the resident size the child had before `exec`, a copy of its parent, into it; `VmHWM`
/// belongs to the address space made by `exec`.
package func peakResidentBytes() -> Int {
    if let status = try? readTextFile("/proc/self/status") {
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.dropFirst("VmHWM:".count).filter(\.isNumber)
            if let kilobytes = Int(digits) { return kilobytes * 1024 }
        }
    }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    // Linux reports ru_maxrss in kilobytes.
    return Int(usage.ru_maxrss) * 1024
}

/// The machine a benchmark ran on.
package struct MachineDescription: Sendable {
    /// The `model name` of the first processor in `/proc/cpuinfo` (`unknown` when absent).
    package var cpuModel: String
    /// Processors online.
    package var logicalCores: Int
    /// The 1, 5 and 15 minute load averages when the benchmark started (other work on a shared machine
    /// skews absolute times).
    package var loadAverage: [Double]
    /// Whether FFTW plans from Sentio's stored wisdom here (false: its heuristic plans, slower; see
    /// `FFTWisdom`).
    package var fftWisdom: Bool

    /// This machine, now.
    package static func current() -> MachineDescription {
        var model = "unknown"
        if let text = try? readTextFile("/proc/cpuinfo") {
            for line in text.split(separator: "\n") where line.hasPrefix("model name") {
                if let colon = line.firstIndex(of: ":") {
                    model = line[line.index(after: colon)...].trimmingCharacters(in: " \t")
                }
                break
            }
        }
        var loads = [Double](repeating: 0, count: 3)
        if getloadavg(&loads, 3) != 3 { loads = [] }
        return MachineDescription(cpuModel: model, logicalCores: processorCount, loadAverage: loads,
                                  fftWisdom: FFTPlan.usesWisdom)
    }
}

private extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var s = self
        while let c = s.first, set.contains(c) { s.removeFirst() }
        while let c = s.last, set.contains(c) { s.removeLast() }
        return String(s)
    }
}

/// The median timings of one stage over a workload, and what they mean per second.
package struct StageMeasurement: Sendable {
    /// The stage.
    package var stage: BenchmarkStage
    /// Timed runs over the whole workload (after one untimed warm-up run).
    package var runs: Int
    /// Median wall-clock time of one run over the workload, in seconds.
    package var wallSeconds: Double
    /// Median CPU time (user + system, all threads) of one run, in seconds.
    package var cpuSeconds: Double
    /// Audio in the workload, in seconds.
    package var audioSeconds: Double
    /// Analysis frames in the workload (``BenchmarkWorkload/frames``).
    package var frames: Int
    /// The process's peak resident set after this stage's runs, in bytes (a high-water mark over every stage
    /// run so far, see ``peakResidentBytes()``).
    package var peakResidentBytes: Int

    /// Seconds of audio per CPU second: the speed of one core.
    package var realTimePerCore: Double { cpuSeconds > 0 ? audioSeconds / cpuSeconds : .infinity }
    /// Seconds of audio per wall-clock second: the speed of all the workers together.
    package var realTime: Double { wallSeconds > 0 ? audioSeconds / wallSeconds : .infinity }
    /// Analysis frames per wall-clock second.
    package var framesPerSecond: Double { wallSeconds > 0 ? Double(frames) / wallSeconds : .infinity }
}

/// Files that failed during a benchmark run (after they had decoded fine once), or a stage that could not start.
package struct BenchmarkError: Error, Sendable, CustomStringConvertible {
    /// `<file>: <cause>`, one per file that failed (or the reason the stage could not start).
    package var messages: [String]
    /// The files that failed, in workload order; empty when the stage could not start (a bundled model that
    /// does not load).
    package var paths: [String] = []
    /// The messages, one per line.
    package var message: String { messages.joined(separator: "\n") }
    /// The messages, one per line (``message``).
    package var description: String { message }
}

/// Runs one stage over one file at a time; made once per worker and run, like a batch worker.
final class StageRunner {
    private enum Work {
        case decode(AudioReadOptions)
        case fft(AudioReadOptions, Framer, FrameSpectrum)
        case frames(FeatureExtractor)
        case functionals(SegmentFeatureExtractor)
        case score(EmotionScorer)
    }

    private let work: Work

    init(stage: BenchmarkStage, preset: FeaturePreset, model: EmotionModel?) {
        let read = AudioReadOptions(sampleRate: 16_000)
        func frames(_ set: FeatureSet) -> Work { .frames(FeatureExtractor(options: FeatureExtractionOptions(sets: [set], preset: preset))) }
        switch stage {
        case .decode:
            work = .decode(read)
        case .fft:
            let options = FeatureExtractionOptions(sets: [.mfcc], preset: preset)
            work = .fft(read, Framer(options.frame),
                        FrameSpectrum(preprocessing: options.mfcc.preprocessing, frameLength: options.frame.frameLength,
                                      sampleRate: options.sampleRate))
        case .mfcc: work = frames(.mfcc)
        case .mfccDelta: work = frames(.mfccDelta)
        case .energy: work = frames(.energy)
        case .spectral: work = frames(.spectral)
        case .pitch: work = frames(.pitch)
        case .voice: work = frames(.voice)
        case .egemaps:
            work = .functionals(SegmentFeatureExtractor(options: SegmentExtractionOptions(
                frames: FeatureExtractionOptions(sets: [.egemaps], preset: preset))))
        case .score:
            // `sentio score FILE` without --segment or --vad scores whole files.
            work = .score(EmotionScorer(model: model!, segmentation: .wholeFile))
        }
    }

    /// Processes `path`, dropping the results.
    func run(path: String) throws {
        switch work {
        case .decode(let read):
            // The chunks are made by libsndfile and libsoxr calls, which the optimiser cannot drop.
            try AudioStream(path: path, options: read).forEachChunk { _ in }
        case .fft(let read, let framer, let spectrum):
            let stream = try AudioStream(path: path, options: read)
            framer.reset()
            spectrum.reset()
            let body = { (index: Int, frame: UnsafeBufferPointer<Float>) in spectrum.update(frame, index: index) }
            try stream.forEachChunk { chunk in framer.push(chunk, body) }
            framer.finish(body)
        case .frames(let extractor):
            try extractor.process(path: path) { _ in }
        case .functionals(let extractor):
            try extractor.process(path: path) { _ in }
        case .score(let scorer):
            let table = try scorer.extract(path: path)
            _ = scorer.model.score(tables: [table], groups: [0])
        }
    }
}

/// Times `stage` over `workload`: one untimed warm-up run, then runs until at least `minimumRuns` runs and
/// `minimumSeconds` seconds of timed runs are done (at most `maximumRuns`); reports the medians.
///
/// Each run processes every file, on `jobs` workers through ``parallelMap(count:jobs:makeState:_:)``, each
/// worker making its stage's extractor first as a batch worker does (FFTW plans are shared and made in the
/// warm-up run).
/// - Parameter model: the classifier of ``BenchmarkStage/score`` (default: the bundled model; ignored by the
///   other stages).
/// - Throws: ``BenchmarkError`` naming the files that fail in the warm-up or a timed run, or a bundled model
///   that does not load.
package func measureStage(_ stage: BenchmarkStage, workload: BenchmarkWorkload, jobs: Int, preset: FeaturePreset = .kaldi,
                         model given: EmotionModel? = nil, minimumRuns: Int = 3, minimumSeconds: Double = 0,
                         maximumRuns: Int = BenchmarkStage.maximumRuns) throws(BenchmarkError) -> StageMeasurement {
    let paths = workload.paths
    let model: EmotionModel?
    if stage == .score && given == nil {
        do { model = try EmotionModel.bundled() } catch { throw BenchmarkError(messages: ["\(error)"]) }
    } else {
        model = given
    }
    func pass() throws(BenchmarkError) {
        let results = parallelMap(count: paths.count, jobs: jobs,
                                  makeState: { StageRunner(stage: stage, preset: preset, model: model) }) { runner, i -> String? in
            do {
                try runner.run(path: paths[i])
                return nil
            } catch {
                let message = "\(error)"
                return message.hasPrefix(paths[i]) ? message : "\(paths[i]): \(message)"
            }
        }
        let failed = results.indices.filter { results[$0] != nil }
        if !failed.isEmpty {
            throw BenchmarkError(messages: failed.map { results[$0]! }, paths: failed.map { paths[$0] })
        }
    }
    try pass()
    var walls: [Double] = [], cpus: [Double] = []
    var elapsed = 0.0
    while walls.count < maximumRuns && (walls.count < max(1, minimumRuns) || elapsed < minimumSeconds) {
        let cpu = processCPUSeconds(), start = monotonicSeconds()
        try pass()
        let wall = monotonicSeconds() - start
        cpus.append(processCPUSeconds() - cpu)
        walls.append(wall)
        elapsed += wall
    }
    return StageMeasurement(stage: stage, runs: walls.count, wallSeconds: median(walls), cpuSeconds: median(cpus),
                            audioSeconds: workload.audioSeconds, frames: workload.totalFrames,
                            peakResidentBytes: peakResidentBytes())
}

/// The median (the mean of the two middle values for an even count); 0 for no values.
private func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
