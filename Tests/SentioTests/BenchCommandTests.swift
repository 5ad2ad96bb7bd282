import Foundation
import Testing

/// `sentio bench` reports every requested stage with sane figures; never a timing threshold (the machines
/// running the tests are shared and their speed is unknown).
@Suite struct BenchCommandTests {
    /// The built-in clips' durations from their sample counts and rates (Fixtures/README.md).
    static let builtInSeconds = 75076.0 / 16000 + 51593.0 / 16000 + 71825.0 / 16000 + 103464.0 / 22050

    private func json(_ result: SentioCLI.Result) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    private func stages(_ report: [String: Any]) throws -> [[String: Any]] {
        try #require(report["stages"] as? [[String: Any]])
    }

    @Test("the built-in workload is found from any folder and its audio is the fixtures' duration")
    func builtInWorkload() throws {
        let elsewhere = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let result = try SentioCLI.run(["bench", "--set", "decode,mfcc", "--repeat", "1", "--format", "json"],
                                       currentDirectory: elsewhere)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let report = try json(result)
        let workload = try #require(report["workload"] as? [String: Any])
        #expect(workload["builtin"] as? Bool == true)
        #expect(workload["files"] as? Int == 4)
        let seconds = try #require(workload["audio_seconds"] as? Double)
        #expect(abs(seconds - Self.builtInSeconds) < 1e-3)
        let paths = try #require(workload["paths"] as? [String])
        #expect(paths.map { URL(fileURLWithPath: $0).lastPathComponent }
            == ["speech-en.wav", "speech-en-2.wav", "speech-en-3.wav", "speech-en-22k05.flac"])
        let rows = try stages(report)
        #expect(rows.map { $0["stage"] as? String } == ["decode", "mfcc"])
        for row in rows {
            #expect(abs((row["audio_seconds"] as? Double ?? 0) - Self.builtInSeconds) < 1e-3)
            #expect(row["runs"] as? Int == 1)
            // The frame count is the Kaldi grid's: 1 + (N - 400) / 160 per file at 16 kHz.
            #expect((row["frames"] as? Int ?? 0) > 1650 && (row["frames"] as? Int ?? 0) < 1720)
        }
        let machine = try #require(report["machine"] as? [String: Any])
        #expect(!(machine["cpu"] as? String ?? "").isEmpty)
        #expect((machine["logical_cores"] as? Int ?? 0) >= 1)
        #expect(report["jobs"] as? Int == 1)
        #expect(report["warmup_runs"] as? Int == 1)
    }

    @Test("every default stage is reported with positive speeds, frames and memory")
    func everyStage() throws {
        let file = Fixture.audio("tone-440-16k.wav")
        let result = try SentioCLI.run(["bench", file, "--repeat", "1", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try json(result)
        let workload = try #require(report["workload"] as? [String: Any])
        #expect(workload["builtin"] as? Bool == false)
        #expect(workload["audio_seconds"] as? Double == 1.0)
        #expect(workload["frames"] as? Int == 98)
        let rows = try stages(report)
        #expect(rows.map { $0["stage"] as? String }
            == ["decode", "fft", "mfcc", "spectral", "pitch", "voice", "egemaps", "score"])
        for row in rows {
            let name = row["stage"] as? String ?? "?"
            #expect(!(row["description"] as? String ?? "").isEmpty, "\(name)")
            #expect(row["audio_seconds"] as? Double == 1.0, "\(name)")
            #expect((row["wall_seconds"] as? Double ?? 0) > 0, "\(name)")
            #expect((row["cpu_seconds"] as? Double ?? -1) >= 0, "\(name)")
            #expect((row["x_real_time"] as? Double ?? 0) > 0, "\(name)")
            #expect((row["frames_per_second"] as? Double ?? 0) > 0, "\(name)")
            #expect((row["peak_rss_mb"] as? Double ?? 0) > 0, "\(name)")
            // null only when a run was too short for the CPU clock.
            if let perCore = row["x_real_time_per_core"] as? Double { #expect(perCore > 0, "\(name)") }
        }
        // ru_maxrss is a high-water mark.
        let peaks = rows.map { $0["peak_rss_mb"] as? Double ?? 0 }
        #expect(peaks == peaks.sorted())
    }

    @Test("text output: machine, workload, runs and one row per stage; --jobs 2 and --seconds")
    func text() throws {
        let result = try SentioCLI.run(["bench", "--set", "mfcc,pitch", "--jobs", "2", "--seconds", "0.01"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdoutLines.map(String.init)
        #expect(lines[0].hasPrefix("sentio bench "))
        #expect(lines[1].hasPrefix("machine: ") && lines[1].contains("logical cores"))
        #expect(lines[2].hasPrefix("workload: built-in workload (4 spoken clips"))
        #expect(lines[2].contains("17.10 s of audio"))
        #expect(lines[3].hasPrefix("runs: 1 warm-up, median of ") && lines[3].hasSuffix("2 workers"))
        let header = try #require(lines.firstIndex { $0.hasPrefix("stage ") })
        for column in ["wall s", "CPU s", "x RT/core", "x RT total", "frames/s", "peak MB"] {
            #expect(lines[header].contains(column))
        }
        #expect(lines[header + 1].hasPrefix("mfcc "))
        #expect(lines[header + 2].hasPrefix("pitch "))
    }

    @Test("a bad file: one error line naming it, exit 1; the good files are still measured")
    func badFile() throws {
        let bad = Fixture.bad("truncated.wav")
        let alone = try SentioCLI.run(["bench", bad, "--set", "decode", "--repeat", "1"])
        #expect(alone.status == 1)
        #expect(alone.stdout.isEmpty)
        #expect(alone.stderrLines.count == 1)
        #expect(alone.stderrLines.first?.hasPrefix("sentio: \(bad): ") == true)

        let good = Fixture.audio("tone-440-16k.wav")
        let mixed = try SentioCLI.run(["bench", good, "/no/such.wav", "--set", "decode", "--repeat", "1", "--format", "json"])
        #expect(mixed.status == 1)
        #expect(mixed.stderrLines == ["sentio: /no/such.wav: no such file"])
        let report = try json(mixed)
        let workload = try #require(report["workload"] as? [String: Any])
        #expect(workload["files"] as? Int == 1)
        let failed = try #require(report["failed"] as? [[String: String]])
        #expect(failed == [["path": "/no/such.wav", "error": "no such file"]])
        let text = try SentioCLI.run(["bench", good, "/no/such.wav", "--set", "decode", "--repeat", "1"])
        #expect(text.stdout.hasSuffix("left out (1 file, not measured):\n  /no/such.wav: no such file\n"), "\(text.stdout)")
    }

    @Test("the inputs' warnings are those of the batch commands: an empty folder, a file named twice")
    func inputWarnings() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("empty").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
        let tone = Fixture.audio("tone-440-16k.wav")
        let r = try SentioCLI.run(["bench", tone, Fixture.path("audio") + "/../audio/tone-440-16k.wav", empty,
                                   "--set", "decode", "--repeat", "1", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderrLines.count == 2, "\(r.stderr)")
        #expect(r.stderr.contains("warning: \(empty): no audio files in this folder"))
        #expect(r.stderr.contains("the same file as \(tone)"))
        #expect((try json(r)["workload"] as? [String: Any])?["files"] as? Int == 1)
    }

    @Test("usage errors exit with status 2")
    func usage() throws {
        #expect(try SentioCLI.run(["bench", "--jobs", "0"]).status == 2)
        #expect(try SentioCLI.run(["bench", "--repeat", "0"]).status == 2)
        #expect(try SentioCLI.run(["bench", "--set", "nope"]).status == 2)
        for seconds in ["-1", "1e308", "nan"] {
            let r = try SentioCLI.run(["bench", "--seconds", seconds])
            #expect(r.status == 2 && r.stderr.contains("--seconds must be a number of seconds from 0 to 3600"), "\(seconds): \(r.stderr)")
        }
        for count in ["-2", "100000"] {
            #expect(try SentioCLI.run(["bench", "--repeat", count]).stderr.contains("--repeat must be between 1 and 10000"))
        }
        #expect(try SentioCLI.run(["bench", "--help"]).status == 0)
    }

    @Test("the workers reported are those that ran: at most one per file")
    func workersReported() throws {
        let r = try SentioCLI.run(["bench", Fixture.audio("speech-en.wav"), "--set", "decode", "--jobs", "8", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(json["jobs"] as? Int == 1)
    }
}
