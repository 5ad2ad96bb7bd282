import ArgumentParser
import Sentio

#if canImport(Glibc)
import Glibc
#endif

/// `sentio bench [INPUT...]`: throughput of each pipeline stage on the given audio or the built-in workload.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput per stage: wall and CPU time, x real time, frames/s, peak memory.",
        discussion: """
            Without inputs, runs on the built-in workload: the spoken clips \(BenchCommand.builtInClips.joined(separator: ", ")) \
            in Fixtures/audio/ (found above the executable, e.g. in the repository the build came from, or \
            in the current folder), 17.1 s of audio; the 22.05 kHz FLAC exercises the resampler. The files \
            are read from disk every run, nothing is synthesised.

            Each stage (--set) runs on its own over all the files: one untimed warm-up run, then timed runs \
            (--repeat, and more until --seconds have passed); the medians are reported. Every stage starts \
            from the file on disk, so its figures include decoding: `decode` alone shows that share. The \
            feature stages run the extractor with only their set and drop the rows (no formatting, no \
            output). `score` is `sentio score FILE` with the bundled model. x real time per core is audio \
            seconds per CPU second (getrusage, all threads); x real time in total and frames/s are per \
            wall-clock second, so they grow with --jobs. Peak memory is the process's peak resident set \
            after the stage (VmHWM: ru_maxrss without what a child inherits from its parent before exec), a \
            high-water mark over the stages run so far. Absolute figures depend on the machine's \
            load; compare stages or runs made side by side.

            Stages: decode (libsndfile + downmix + libsoxr to 16 kHz), fft (+ framing, preprocessing, \
            512-point power spectrum), mfcc, mfcc-delta, energy, spectral, pitch, voice (frame-level sets), \
            egemaps (88 functionals per file), score.

            JSON (--format json), one object: sentio (version), date (UTC, ISO 8601), machine {cpu, \
            logical_cores, load_average [1, 5, 15 min], fft_wisdom (bool: Sentio's stored FFT plans accepted)}, workload {builtin (bool), files, audio_seconds, \
            frames (25 ms / 10 ms analysis frames), paths}, preset, jobs, warmup_runs, repeat, min_seconds, \
            stages [{stage, description, runs, wall_seconds, cpu_seconds (medians of one run over all the \
            files), audio_seconds, frames, x_real_time_per_core (audio s / CPU s), x_real_time (audio s / \
            wall s), frames_per_second (per wall s), peak_rss_mb (MiB)}], failed [{path, error}]. Values that cannot be computed (a run \
            too short for the clock) are null.

            A file that cannot be decoded gets one line `sentio: <file>: <cause>` on standard error and is \
            listed under failed (JSON: failed [{path, error}]); the other files are measured and the exit \
            status is 1 (also when no file is left: then nothing is reported). When a stage fails for \
            another reason (the bundled model cannot be loaded, or without inputs the built-in workload's \
            Fixtures/audio/ is not found), nothing is reported and the exit status is 3.
            """
    )

    /// The built-in workload, in `Fixtures/audio/`.
    static let builtInClips = ["speech-en.wav", "speech-en-2.wav", "speech-en-3.wav", "speech-en-22k05.flac"]

    @Argument(help: "Audio files or folders (searched recursively); - reads paths from standard input. Default: the built-in workload.")
    var inputs: [String] = []

    @Option(name: .customLong("set"), help: "Stages to time, comma-separated.")
    var stages: StageList = StageList(BenchmarkStage.standard)

    @Option(parsing: .unconditional, help: "Workers: the files of each run are processed on this many threads (at most one per file and one per logical CPU; the report gives the number that ran).")
    var jobs: Int = 1

    @Option(name: .customLong("repeat"), parsing: .unconditional, help: "Timed runs per stage (at least); the median is reported.")
    var repeatCount: Int = 3

    @Option(parsing: .unconditional, help: "Keep repeating each stage until its timed runs add up to this many seconds (at most 3600; at most 10000 runs per stage). Stage ratios on a small workload need about 1 s to be stable.")
    var seconds: Double = 0

    @Option(help: "Frame configuration of the feature stages: kaldi or librosa.")
    var preset: FeaturePreset = .kaldi

    @Option(help: "Output format: text or json (keys: see above).")
    var format: ReportFormat = .text

    func validate() throws {
        if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        let maximumRuns = BenchmarkStage.maximumRuns
        if !(1...maximumRuns).contains(repeatCount) { throw ValidationError("--repeat must be between 1 and \(maximumRuns)") }
        if !(seconds >= 0 && seconds <= 3600) { throw ValidationError("--seconds must be a number of seconds from 0 to 3600") }
    }

    func run() throws {
        let builtIn = inputs.isEmpty
        let paths: [String]
        if builtIn {
            guard let folder = Self.locateFixtures() else {
                reportError("the built-in workload needs Fixtures/audio/ (\(Self.builtInClips.joined(separator: ", "))) above the executable or in the current folder; give audio files instead")
                throw ExitCode(ExitStatus.notCompleted)
            }
            paths = Self.builtInClips.map { joinPath(folder, $0) }
        } else {
            paths = try collectInputs(BatchInputs(arguments: inputs))
        }

        let machine = MachineDescription.current()
        let date = utcNow()
        var (workload, failures) = BenchmarkWorkload.load(paths: paths, preset: preset)
        for failure in failures { reportError(failure.message) }
        guard !workload.paths.isEmpty else { throw ExitCode(ExitStatus.someInputsFailed) }

        // Files that fail in some stage leave the workload, and every stage is measured again without them,
        // so that all stages describe the same files.
        var measured: [StageMeasurement] = []
        measuring: while true {
            measured = []
            for stage in stages.stages {
                do {
                    measured.append(try measureStage(stage, workload: workload, jobs: jobs, preset: preset,
                                                     minimumRuns: repeatCount, minimumSeconds: seconds))
                } catch {
                    error.messages.forEach(reportError)
                    guard !error.paths.isEmpty else { throw ExitCode(ExitStatus.notCompleted) }  // no model: not a file's fault
                    failures += zip(error.paths, error.messages).map { (path: $0, message: $1) }
                    error.paths.forEach { workload.remove(path: $0) }
                    guard !workload.paths.isEmpty else { throw ExitCode(ExitStatus.someInputsFailed) }
                    continue measuring
                }
            }
            break
        }
        // The workers that ran: a run's files are shared among at most one thread each, and the threads of
        // parallelMap are at most one per logical CPU.
        let report = BenchReport(date: date, machine: machine, workload: workload, builtIn: builtIn, preset: preset,
                                 jobs: min(jobs, workload.paths.count, processorCount), repeatCount: repeatCount,
                                 seconds: seconds, stages: measured, failures: failures)
        do {
            let out = TextSink.standardOutput()
            try out.write(format == .json ? report.json : report.text)
            try out.flush()
        } catch {
            reportError("\(error)")
            throw ExitCode(ExitStatus.notCompleted)
        }
        if !failures.isEmpty { throw ExitCode(ExitStatus.someInputsFailed) }
    }

    /// The `Fixtures/audio` folder holding the built-in clips: searched from the executable's folder upwards
    /// (`.build/<triple>/release/sentio` sits three levels below the package root), then in the current folder.
    static func locateFixtures() -> String? {
        var candidates: [String] = []
        if let resolved = realpath("/proc/self/exe", nil) {
            var dir = String(cString: resolved)
            free(resolved)
            for _ in 0..<6 {
                guard let slash = dir.lastIndex(of: "/"), slash != dir.startIndex else { break }
                dir = String(dir[..<slash])
                candidates.append(dir)
            }
        }
        candidates.append(".")
        for dir in candidates {
            let folder = joinPath(dir, "Fixtures/audio")
            if builtInClips.allSatisfy({ access(joinPath(folder, $0), R_OK) == 0 }) { return folder }
        }
        return nil
    }

    private func utcNow() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%SZ", &parts)
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A comma-separated list of benchmark stages.
struct StageList: ExpressibleByArgument {
    var stages: [BenchmarkStage]

    init(_ stages: [BenchmarkStage]) { self.stages = stages }

    init?(argument: String) {
        var stages: [BenchmarkStage] = []
        for name in argument.split(separator: ",") {
            guard let stage = BenchmarkStage(rawValue: String(name).lowercased()) else { return nil }
            if !stages.contains(stage) { stages.append(stage) }
        }
        guard !stages.isEmpty else { return nil }
        self.stages = stages
    }

    static var allValueStrings: [String] { BenchmarkStage.allCases.map(\.rawValue) }
    var defaultValueDescription: String { stages.map(\.rawValue).joined(separator: ",") }
}

/// What `sentio bench` prints.
struct BenchReport {
    var date: String
    var machine: MachineDescription
    var workload: BenchmarkWorkload
    var builtIn: Bool
    var preset: FeaturePreset
    var jobs: Int
    var repeatCount: Int
    var seconds: Double
    var stages: [StageMeasurement]
    /// The files left out of the workload, each with its one line `path: cause`.
    var failures: [(path: String, message: String)]

    private var loads: String { machine.loadAverage.map { String(format2: $0) }.joined(separator: " ") }

    var text: String {
        var out = "sentio bench \(SentioVersion.string), \(date)\n"
        out += "machine: \(machine.cpuModel), \(machine.logicalCores) logical cores, load average \(loads), "
            + "FFT plans from \(machine.fftWisdom ? "Sentio's wisdom" : "FFTW's heuristics (wisdom not accepted)")\n"
        let source = builtIn ? "built-in workload (\(workload.paths.count) spoken clips in Fixtures/audio)"
            : "\(workload.paths.count) file\(workload.paths.count == 1 ? "" : "s")"
        out += "workload: \(source), \(String(format2: workload.audioSeconds)) s of audio, \(workload.totalFrames) frames, preset \(preset.rawValue)\n"
        let runs = Set(stages.map(\.runs))
        let runText = runs.count == 1 ? "\(runs.first!)" : "\(runs.min()!)-\(runs.max()!)"
        out += "runs: 1 warm-up, median of \(runText) timed run\(runs == [1] ? "" : "s") per stage; \(jobs) worker\(jobs == 1 ? "" : "s")\n\n"
        let header = ["stage", "wall s", "CPU s", "x RT/core", "x RT total", "frames/s", "peak MB"]
        var rows: [[String]] = []
        for s in stages {
            rows.append([s.stage.rawValue, duration(s.wallSeconds), duration(s.cpuSeconds), speed(s.realTimePerCore),
                         speed(s.realTime), speed(s.framesPerSecond), String(format1: megabytes(s.peakResidentBytes))])
        }
        let widths = header.indices.map { c in max(header[c].count, rows.map { $0[c].count }.max() ?? 0) }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return c == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ") + "\n"
        }
        out += line(header)
        for row in rows { out += line(row) }
        out += "\nx RT/core = audio s per CPU s; x RT total and frames/s per wall s. Every stage includes decoding.\n"
        if !failures.isEmpty {
            out += "\nleft out (\(failures.count) file\(failures.count == 1 ? "" : "s"), not measured):\n"
            for failure in failures { out += "  \(failure.message)\n" }
        }
        return out
    }

    var json: String {
        let failedObjects = failures.map { failure in
            // The message names the file first: `path: cause`.
            let cause = failure.message.hasPrefix(failure.path + ": ") ? String(failure.message.dropFirst(failure.path.count + 2)) : failure.message
            return "{\"path\":\(jsonQuoted(failure.path)),\"error\":\(jsonQuoted(cause))}"
        }
        let stageObjects = stages.map { s in
            "{\"stage\":\(jsonQuoted(s.stage.rawValue)),\"description\":\(jsonQuoted(s.stage.summary)),\"runs\":\(s.runs),"
                + "\"wall_seconds\":\(number(s.wallSeconds)),\"cpu_seconds\":\(number(s.cpuSeconds)),"
                + "\"audio_seconds\":\(number(s.audioSeconds)),\"frames\":\(s.frames),"
                + "\"x_real_time_per_core\":\(number(s.realTimePerCore)),\"x_real_time\":\(number(s.realTime)),"
                + "\"frames_per_second\":\(number(s.framesPerSecond)),\"peak_rss_mb\":\(number(megabytes(s.peakResidentBytes)))}"
        }
        return "{\"sentio\":\(jsonQuoted(SentioVersion.string)),\"date\":\(jsonQuoted(date)),"
            + "\"machine\":{\"cpu\":\(jsonQuoted(machine.cpuModel)),\"logical_cores\":\(machine.logicalCores),"
            + "\"load_average\":[\(machine.loadAverage.map(number).joined(separator: ","))],"
            + "\"fft_wisdom\":\(machine.fftWisdom)},"
            + "\"workload\":{\"builtin\":\(builtIn),\"files\":\(workload.paths.count),"
            + "\"audio_seconds\":\(number(workload.audioSeconds)),\"frames\":\(workload.totalFrames),"
            + "\"paths\":[\(workload.paths.map(jsonQuoted).joined(separator: ","))]},"
            + "\"preset\":\(jsonQuoted(preset.rawValue)),\"jobs\":\(jobs),\"warmup_runs\":1,\"repeat\":\(repeatCount),"
            + "\"min_seconds\":\(number(seconds)),\"stages\":[\(stageObjects.joined(separator: ","))],"
            + "\"failed\":[\(failedObjects.joined(separator: ","))]}\n"
    }

    /// Mebibytes (2^20 bytes).
    private func megabytes(_ bytes: Int) -> Double { Double(bytes) / 1_048_576 }

    /// Six significant digits are far below the run-to-run noise.
    private func number(_ x: Double) -> String {
        guard x.isFinite else { return "null" }
        guard x != 0 else { return "0" }
        let scale = pow(10, 5 - floor(log10(abs(x))))
        return String((x * scale).rounded() / scale)
    }

    private func duration(_ x: Double) -> String {
        if x >= 10 { return String(format2: x) }
        // Below 0.1 ms four decimals would print 0.0000 next to a finite x real time.
        return x >= 0.0001 || x == 0 ? String(fourDecimals: x) : String((x * 1e7).rounded() / 1e7)
    }

    private func speed(_ x: Double) -> String {
        guard x.isFinite else { return "-" }
        return x >= 100 ? groupedInteger(Int(x.rounded())) : String(format1: x)
    }

    private func groupedInteger(_ n: Int) -> String {
        var digits = String(n), out = ""
        while digits.count > 3 {
            out = "," + digits.suffix(3) + out
            digits.removeLast(3)
        }
        return digits + out
    }
}

private extension String {
    init(fourDecimals value: Double) {
        let units = Int((value * 10_000).rounded())
        let frac = String(units % 10_000)
        self = "\(units / 10_000)." + String(repeating: "0", count: 4 - frac.count) + frac
    }
}
