import Foundation
import Testing
@testable import Sentio

/// The batch options of `info`, `features` and `score` run end to end on Fixtures/.
@Suite("Batch commands")
struct BatchCommandTests {
    static let good = ["speech-en.wav", "tone-440-16k.wav", "chirp-16k.wav", "speech-en-2.wav", "noise-16k.wav",
                       "speech-en-22k05.flac", "stereo-48k.wav", "speech-en-3.wav", "silence-16k.wav"].map(Fixture.audio)
    /// Every file of Fixtures/bad: each fails.
    static let bad = try! FileManager.default.contentsOfDirectory(atPath: Fixture.path("bad")).sorted().map(Fixture.bad)
    /// Good and bad files interleaved.
    static let mixed = zip(good, bad).flatMap { [$0, $1] } + good.dropFirst(bad.count) + bad.dropFirst(good.count)

    private func data(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test("--jobs 1 and --jobs 3 write byte-identical outputs", arguments: [
        ["features", "--set", "mfcc,pitch"],
        ["features", "--set", "egemaps", "--level", "files", "--format", "jsonl"],
        ["score", "--segment", "1"],
        ["info"],
    ])
    func jobsDoNotChangeOutput(_ command: [String]) throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var outputs: [Data] = []
        for jobs in ["1", "3"] {
            let out = dir.appendingPathComponent("out-\(jobs)").path
            let r = try SentioCLI.run(command + Self.good + ["--jobs", jobs, "-o", out])
            #expect(r.status == 0, "\(r.stderr)")
            outputs.append(try data(out))
        }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[0].count > 100)
    }

    @Test("every bad file gets its own error however many workers open files at once (journal and errors file as with one)")
    func concurrentOpenErrors() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Many openings at once (six copies of the zoo, each with a good file): libsndfile keeps the cause of a
        // failed open in one process-wide place.
        var inputs: [String] = []
        for copy in 0..<6 {
            let folder = dir.appendingPathComponent("copy-\(copy)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for path in Self.bad + [Fixture.audio("tone-440-16k.wav")] {
                let target = folder.appendingPathComponent(URL(fileURLWithPath: path).lastPathComponent).path
                try FileManager.default.copyItem(atPath: path, toPath: target)
                inputs.append(target)
            }
        }
        var outputs: [[Data]] = []
        for jobs in ["1", "8"] {
            let out = dir.appendingPathComponent("out-\(jobs)").path
            let r = try SentioCLI.run(["features", "--set", "energy"] + inputs + ["--jobs", jobs, "-o", out])
            #expect(r.status == 1, "\(r.stderr)")
            outputs.append(try ["", ".journal", ".errors.jsonl"].map { try data(out + $0) })
        }
        #expect(outputs[0] == outputs[1])
        let errors = String(decoding: outputs[1][2], as: UTF8.self).split(separator: "\n")
        #expect(errors.count == 6 * Self.bad.count)
    }

    @Test("good files mixed with the bad-file zoo: exit 1, one error per bad file, complete rows for every good file")
    func badFileZoo() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let mixed = dir.appendingPathComponent("mixed.csv").path, clean = dir.appendingPathComponent("clean.csv").path
        let r = try SentioCLI.run(["features", "--set", "mfcc,energy"] + Self.mixed + ["--jobs", "2", "-o", mixed])
        #expect(r.status == 1)
        #expect(r.stderrLines.count == Self.bad.count, "\(r.stderr)")
        for path in Self.bad { #expect(r.stderrLines.contains { $0.hasPrefix("sentio: \(path): ") }, "\(path)") }
        let errors = try String(contentsOfFile: mixed + ".errors.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(errors.count == Self.bad.count)
        #expect(errors.allSatisfy { $0.hasPrefix("{\"file\":") && $0.contains("\"error\":") })
        // The good files' rows, in input order, are exactly those of a run over the good files alone.
        let c = try SentioCLI.run(["features", "--set", "mfcc,energy"] + Self.good + ["-o", clean])
        #expect(c.status == 0)
        let goodOrder = Self.mixed.filter { Self.good.contains($0) }
        let cleanRows = try String(contentsOfFile: clean, encoding: .utf8).split(separator: "\n")
        let byFile = Dictionary(grouping: cleanRows.dropFirst(), by: { $0.prefix(while: { $0 != "," }) })
        let expected = [cleanRows[0]] + goodOrder.flatMap { byFile[Substring($0)]! }
        #expect(try String(contentsOfFile: mixed, encoding: .utf8).split(separator: "\n") == expected)
        #expect(!FileManager.default.fileExists(atPath: clean + ".errors.jsonl"))
    }

    @Test("3 shards merged equal one run (CSV, and npy folders)", arguments: ["csv", "npy"])
    func shardsMerge(_ format: String) throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inputs = Self.mixed
        func out(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let base = ["features", "--set", "mfcc,pitch", "--format", format] + inputs
        #expect(try SentioCLI.run(base + ["-o", out("whole")]).status == 1)
        for k in 0..<3 {
            let r = try SentioCLI.run(base + ["--shard", "\(k)/3", "-o", out("part\(k)")])
            #expect(r.status <= 1, "\(r.stderr)")
        }
        // The bad files failed in their shards: merge exits 1, as the single run did.
        let m = try SentioCLI.run(["merge", out("part1"), out("part0"), out("part2"), "-o", out("merged")])
        #expect(m.status == 1 && m.stderrLines.count == 1 && m.stderr.contains("inputs had failed in their shards"), "\(m.stderr)")
        if format == "npy" {
            let names = try FileManager.default.contentsOfDirectory(atPath: out("whole")).sorted()
            #expect(try FileManager.default.contentsOfDirectory(atPath: out("merged")).sorted() == names)
            for name in names { #expect(try data(out("whole/\(name)")) == data(out("merged/\(name)")), "\(name)") }
        } else {
            for suffix in ["", ".journal", ".errors.jsonl"] { #expect(try data(out("whole") + suffix) == data(out("merged") + suffix)) }
        }
        let missing = try SentioCLI.run(["merge", out("part1"), out("part0"), "-o", out("bad")])
        #expect(missing.status == 3 && missing.stderr.contains("missing shard 2/3"))
        // A part named as the output under another spelling is refused before anything is touched.
        let before = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        let onto = try SentioCLI.run(["merge", out("part0"), out("part1"), out("part2"), "-o", dir.path + "/./part0" + (format == "npy" ? "/" : "")])
        #expect(onto.status == 2 && onto.stderr.contains("is one of the parts"), "\(onto.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == before)
        // A part's errors file, which `part*` patterns also match, is skipped rather than taken for a part.
        let errorsFiles = format == "npy" ? [] : (0..<3).map { out("part\($0)") + ".errors.jsonl" }.filter(FileManager.default.fileExists)
        #expect(format == "npy" || !errorsFiles.isEmpty)
        let globbed = try SentioCLI.run(["merge", out("part1"), out("part0"), out("part2")] + errorsFiles + ["-o", out("merged2")])
        #expect(globbed.status == 1 && globbed.stderrLines.count == 1, "\(globbed.stderr)")
        if let errorsFile = errorsFiles.first {
            let orphan = try SentioCLI.run(["merge", out("part1"), errorsFile, "-o", out("merged3")])
            #expect(orphan.status == 3 && orphan.stderr.contains("the errors file of"), "\(orphan.stderr)")
        }
    }

    /// Starts `sentio ARGS`, SIGKILLs it after `delay` seconds (if still running); returns whether it was killed.
    private func runAndKill(_ arguments: [String], after delay: Double) throws -> Bool {
        let process = Process()
        process.executableURL = SentioCLI.executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(UInt32(delay * 1e6))
        let killed = process.isRunning && kill(process.processIdentifier, SIGKILL) == 0
        process.waitUntilExit()
        return killed && process.terminationReason == .uncaughtSignal
    }

    @Test("SIGKILL at random moments followed by --resume gives the uninterrupted output, byte for byte")
    func killAndResume() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inputs = Self.mixed + [Fixture.path("voice")]
        let command = ["features", "--set", "mfcc,pitch,voice"] + inputs + ["--jobs", "2"]
        let reference = dir.appendingPathComponent("reference.csv").path
        let started = monotonicSeconds()
        #expect(try SentioCLI.run(command + ["-o", reference]).status == 1)
        let duration = monotonicSeconds() - started
        var generator = SeededRandom(seed: 7)
        var interrupted = 0
        for trial in 0..<5 {
            let out = dir.appendingPathComponent("trial\(trial).csv").path
            // Kill points spread over the run: early (before the journal exists) to near the end.
            let delay = duration * (0.05 + 0.9 * Double(generator.next() % 1000) / 1000)
            if try runAndKill(command + ["-o", out], after: delay) {
                interrupted += 1
                #expect(!FileManager.default.fileExists(atPath: out), "a killed run leaves nothing under the final name")
            }
            let r = try SentioCLI.run(command + ["-o", out, "--resume"])
            #expect(r.status == 1, "\(r.stderr)")
            #expect(try data(out) == data(reference), "trial \(trial), killed after \(delay) s")
            #expect(try data(out + ".errors.jsonl") == data(reference + ".errors.jsonl"))
            #expect(!FileManager.default.fileExists(atPath: out + ".partial"))
        }
        #expect(interrupted >= 3, "most kills should land mid-run")
    }

    @Test("SIGINT stops cleanly: exit 130, a summary of what was done, and --resume finishes the job")
    func interruptAndResume() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // 100 links to one clip (distinct paths, so not duplicates): about 8 min of audio, so that the signal
        // always arrives mid-run.
        let links = (0..<100).map { dir.appendingPathComponent("in\($0).wav").path }
        for link in links { try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: Fixture.audio("speech-en.wav")) }
        let out = dir.appendingPathComponent("out.jsonl").path
        let command = ["features", "--set", "mfcc,pitch", "--format", "jsonl"] + links + ["--jobs", "2", "-o", out]
        let process = Process()
        process.executableURL = SentioCLI.executable
        process.arguments = command
        let err = Pipe()
        process.standardError = err
        try process.run()
        // The partial output exists once the batch has started, after the signal handlers are installed.
        var waited = 0
        while !FileManager.default.fileExists(atPath: out + ".partial") && waited < 2000 { usleep(5_000); waited += 1 }
        process.interrupt()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130, "\(message)")
        #expect(message.contains("stopped by signal 2") && message.contains("--resume"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: out), "an interrupted run leaves no final output")
        #expect(try SentioCLI.run(command + ["--resume"]).status == 0)
        let whole = dir.appendingPathComponent("whole.jsonl").path
        #expect(try SentioCLI.run(Array(command.dropLast()) + [whole]).status == 0)
        #expect(try data(out) == data(whole))
    }

    @Test("a write that fails (the file size limit, as a full disk) is exit 3 with nothing journalled past it: --resume then finishes byte-identically")
    func failedWriteResumes() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.csv").path, whole = dir.appendingPathComponent("whole.csv").path
        // 20 copies of a 1 s tone (copies: links to one file are one input), 16 kB of rows each: several
        // files' rows wait in the 64 kB buffer when a write fails.
        let copies = try (0..<20).map { k -> String in
            let copy = dir.appendingPathComponent("tone\(k).wav").path
            try FileManager.default.copyItem(atPath: Fixture.audio("tone-440-16k.wav"), toPath: copy)
            return copy
        }
        let command = ["features", "--set", "mfcc", "--jobs", "2", "--progress", "never"] + copies
        #expect(try SentioCLI.run(command + ["-o", whole]).status == 0)
        // 24 kB for the output and its journal; SIGXFSZ ignored, so that writes past it fail with EFBIG.
        let limited = Process()
        limited.executableURL = URL(fileURLWithPath: "/bin/bash")
        let quoted = ([SentioCLI.executable.path] + command + ["-o", out]).map { "'\($0)'" }.joined(separator: " ")
        limited.arguments = ["-c", "trap '' XFSZ; ulimit -f 24; exec \(quoted)"]
        let err = Pipe()
        limited.standardError = err
        try limited.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        limited.waitUntilExit()
        #expect(limited.terminationStatus == 3 && message.contains("cannot write output: File too large"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let resumed = try SentioCLI.run(command + ["-o", out, "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try data(out) == data(whole))
    }

    @Test("SIGINT during a long file stops within it: score and file-level features give up the file instead of finishing it")
    func interruptMidFile() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Five minutes of a buzz (a 150 Hz pulse train gated on and off each second): one file that takes
        // seconds to score, so that the signal arrives while it is analysed.
        let rate = 16_000, long = dir.appendingPathComponent("long.wav").path
        let samples = (0..<(300 * rate)).map { i -> Float in (i / rate) % 2 == 0 && i % (rate / 150) == 0 ? 0.5 : 0 }
        try Fixture.writeFloatWAV(samples, sampleRate: rate, to: long)
        for (k, command) in [["score", long], ["features", long, "--set", "egemaps", "--level", "files"]].enumerated() {
            let out = dir.appendingPathComponent("out\(k).csv").path
            let process = Process()
            process.executableURL = SentioCLI.executable
            process.arguments = command + ["-o", out, "--jobs", "1"]
            let err = Pipe()
            process.standardError = err
            try process.run()
            var waited = 0
            while !FileManager.default.fileExists(atPath: out + ".partial") && waited < 2000 { usleep(5_000); waited += 1 }
            usleep(100_000)
            process.interrupt()
            let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 130, "\(command[0]): \(message)")
            // Finishing the file first would have said "after 1 of 1 files".
            #expect(message.contains("stopped by signal 2 after 0 of 1 files"), "\(command[0]): \(message)")
            #expect(!message.contains("stopped before the end of the file"), "not reported as a failure: \(message)")
        }
    }

    @Test("an unfinished run: merge says to finish it; with its partial output gone, --resume is refused and creates nothing")
    func unfinishedRun() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.csv").path
        let command = ["features", "--set", "energy"] + Self.good + ["-o", out]
        #expect(try SentioCLI.run(command).status == 0)
        // Turn the finished run back into an unfinished one: no completion line, the output still .partial.
        let journal = out + ".journal"
        let lines = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n")
        try (lines.dropLast().joined(separator: "\n") + "\n").write(toFile: journal, atomically: true, encoding: .utf8)
        try FileManager.default.moveItem(atPath: out, toPath: out + ".partial")
        let merge = try SentioCLI.run(["merge", out, "-o", dir.appendingPathComponent("m.csv").path])
        #expect(merge.status == 3 && merge.stderr.contains("unfinished run"), "\(merge.stderr)")
        try FileManager.default.removeItem(atPath: out + ".partial")
        let resumed = try SentioCLI.run(command + ["--resume"])
        #expect(resumed.status == 3 && resumed.stderr.contains("is missing; run without --resume"), "\(resumed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + ".partial"))
        #expect(try SentioCLI.run(command).status == 0)
    }

    @Test("paths on standard input may end in NUL (find -print0); an error about a name with a line break stays one line")
    func unusualPathLists() throws {
        let a = Fixture.audio("tone-440-16k.wav"), b = Fixture.audio("chirp-16k.wav")
        let r = try SentioCLI.run(["info", "-"], stdin: "\(a)\u{0}\(b)\u{0}")
        #expect(r.status == 0 && r.stdoutLines.dropFirst().map { String($0.prefix(while: { $0 != "," })) } == [a, b], "\(r.stderr)")
        let broken = try SentioCLI.run(["info", a, "/no/such\nname.wav"])
        #expect(broken.status == 1 && broken.stderrLines == ["sentio: /no/such\\nname.wav: no such file"], "\(broken.stderr)")
    }

    @Test("inputs from a folder, a manifest and stdin; --ext; duplicates removed")
    func inputSources() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let list = dir.appendingPathComponent("list.txt")
        try "\(Fixture.audio("tone-440-16k.wav"))\n\(Fixture.audio("chirp-16k.wav"))\n".write(to: list, atomically: true, encoding: .utf8)
        let r = try SentioCLI.run(["info", "--format", "csv", "--header-only", "--ext", "flac,ogg", Fixture.path("audio"), "-",
                                   "--manifest", list.path],
                                  stdin: "\(Fixture.audio("chirp-16k.wav"))\n\(Fixture.path("audio"))/../audio/tone-440-16k.wav\n")
        #expect(r.status == 0, "\(r.stderr)")
        let files = r.stdoutLines.dropFirst().map { String($0.prefix(while: { $0 != "," })) }
        // The manifest's tone is the file stdin named through `..`: processed once, with a warning.
        #expect(files == [Fixture.audio("speech-en-22k05.flac"), Fixture.audio("speech-en.ogg"), Fixture.audio("chirp-16k.wav"),
                          Fixture.path("audio") + "/../audio/tone-440-16k.wav"])
        #expect(r.stderr.contains("warning: \(Fixture.audio("tone-440-16k.wav")): the same file as \(Fixture.path("audio"))/../audio/tone-440-16k.wav"), "\(r.stderr)")
        let empty = try SentioCLI.run(["info", "--ext", "xyz", Fixture.path("audio")])
        #expect(empty.status == 2 && empty.stderrLines.count == 1 && empty.stderr.contains("no audio files found"))

        // A labels table whose paths already start with wav/ is read as a corpus's is: not wav/wav/.
        let corpus = dir.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: corpus.appendingPathComponent("wav"), withIntermediateDirectories: true)
        for name in ["a.wav", "b.wav"] {
            try FileManager.default.copyItem(atPath: Fixture.audio("tone-440-16k.wav"), toPath: corpus.appendingPathComponent("wav/\(name)").path)
        }
        let labels = corpus.appendingPathComponent("labels.csv").path
        try "file,emotion\na.wav,happy\nwav/b.wav,sad\n".write(toFile: labels, atomically: true, encoding: .utf8)
        let listed = try SentioCLI.run(["info", "--format", "csv", "--header-only", "--manifest", labels])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdoutLines.dropFirst().map { String($0.prefix(while: { $0 != "," })) }
                == [corpus.appendingPathComponent("wav/a.wav").path, corpus.appendingPathComponent("wav/b.wav").path])
    }

    @Test("progress: never prints nothing but errors; always ends with a one-line summary")
    func progressModes() throws {
        let quiet = try SentioCLI.run(["info", "--progress", "never"] + Self.good + [Fixture.bad("nan.wav")])
        #expect(quiet.status == 1 && quiet.stderrLines == ["sentio: \(Fixture.bad("nan.wav")): non-finite sample (NaN or Inf) at frame 100"])
        // Also the warnings about the inputs, which come before the batch starts.
        let twice = try SentioCLI.run(["info", "--progress", "never", Self.good[0], Self.good[0].replacingOccurrences(of: "/audio/", with: "/audio/../audio/")])
        #expect(twice.status == 0 && twice.stderr.isEmpty, "\(twice.stderr)")
        let auto = try SentioCLI.run(["info"] + Self.good)
        #expect(auto.status == 0 && auto.stderr.isEmpty, "not a terminal: auto shows nothing")
        let loud = try SentioCLI.run(["info", "--progress", "always"] + Self.good + [Fixture.bad("nan.wav")])
        let last = try #require(loud.stderrLines.last)
        #expect(last.hasPrefix("sentio: 10 of 10 files: 9 ok, 1 failed;") && last.contains("of audio in"), "\(last)")
    }

    @Test("--fail-fast stops starting files after the first failure; exit 3 (not complete)")
    func failFast() throws {
        let r = try SentioCLI.run(["info", "--fail-fast", "--jobs", "1", Fixture.bad("nan.wav")] + Self.good)
        #expect(r.status == 3 && r.stderrLines.count == 2, "\(r.stderr)")
        #expect(r.stderrLines.last == "sentio: stopped by --fail-fast after 1 of \(Self.good.count + 1) files", "\(r.stderr)")
        #expect(r.stdoutLines.count == 1, "only the header: nothing after the failure")
        // Into a file: the finished files wait in OUT.partial, and --resume completes the run.
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("info.csv").path
        let command = ["info", "--jobs", "1", Self.good[0], Fixture.bad("nan.wav"), Self.good[1], "-o", out]
        let stopped = try SentioCLI.run(command + ["--fail-fast"])
        #expect(stopped.status == 3 && stopped.stderrLines.last == "sentio: stopped by --fail-fast after 2 of 3 files; the finished files are in \(out).partial: run the same command with --resume to finish", "\(stopped.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out) && FileManager.default.fileExists(atPath: out + ".partial"))
        #expect(try SentioCLI.run(command + ["--fail-fast", "--resume"]).status == 1)
        let whole = dir.appendingPathComponent("whole.csv").path
        #expect(try SentioCLI.run(Array(command.dropLast()) + [whole]).status == 1)
        #expect(try data(out) == data(whole))
    }

    @Test("usage errors: --resume without -o, a bad --shard, --jobs 0; an unwritable output is one error line")
    func usage() throws {
        for args in [["--resume"], ["--shard", "3/3"], ["--shard", "x"], ["--jobs", "0"]] {
            let r = try SentioCLI.run(["info", Fixture.audio("tone-440-16k.wav")] + args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
        }
        let r = try SentioCLI.run(["features", Fixture.audio("tone-440-16k.wav"), "-o", "/nonexistent/dir/out.csv"])
        #expect(r.status == 3 && r.stderrLines.count == 1 && r.stderr.contains("/nonexistent/dir/out.csv"))
        for args in [["--segment", "0.001"], ["--segment", "1", "--hop", "0.00001"]] + [["--segment", "-1"], ["--segment", "1", "--hop", "-2"]] {
            let r = try SentioCLI.run(["features", Fixture.audio("tone-440-16k.wav"), "--level", "segments"] + args)
            #expect(r.status == 2 && (r.stderr.contains("at least 0.01 s") || r.stderr.contains("must be positive")), "\(args): \(r.stderr)")
        }
    }

    @Test("-o that the write-and-rename would destroy is refused (an input, a pipe, a device, a folder); a symbolic link is written through")
    func destructiveOutputs() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let input = path("input.wav")
        try FileManager.default.copyItem(atPath: Fixture.audio("tone-440-16k.wav"), toPath: input)
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        #expect(mkfifo(path("pipe"), 0o644) == 0)
        try FileManager.default.createSymbolicLink(atPath: path("link.csv"), withDestinationPath: path("target.csv"))
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: path("target.csv")))
        try FileManager.default.createSymbolicLink(atPath: path("out.csv"), withDestinationPath: "/dev/stdout")
        for (output, cause) in [(input, "is also an input"), (path("pipe"), "not a regular file"),
                                ("/dev/null", "not a regular file"), ("/dev/stdout", "not a regular file"),
                                (path("out.csv"), "not a regular file"), (dir.path, "is a folder")] {
            let r = try SentioCLI.run(["features", input, "-o", output])
            #expect(r.status == 3 && r.stderrLines.count == 1 && r.stderr.contains(cause), "\(output): \(r.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == before, "the input is untouched")
        // Only the standard streams' names are refused, not every path under /dev (a RAM disk is /dev/shm).
        if access("/dev/shm", W_OK) == 0 {
            let shm = "/dev/shm/sentio-test-\(UUID().uuidString).csv"
            defer { unlink(shm); unlink(shm + ".journal") }
            let r = try SentioCLI.run(["features", input, "-o", shm])
            #expect(r.status == 0 && FileManager.default.fileExists(atPath: shm), "\(r.stderr)")
        }
        try "\(input)\n".write(toFile: path("list.txt"), atomically: true, encoding: .utf8)
        let manifest = try SentioCLI.run(["features", "--manifest", path("list.txt"), "-o", path("list.txt")])
        #expect(manifest.status == 3 && manifest.stderr.contains("is also an input"), "\(manifest.stderr)")
        var st = stat()
        #expect(lstat(path("pipe"), &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO && lstat("/dev/null", &st) == 0
                && (st.st_mode & S_IFMT) == S_IFCHR)
        let linked = try SentioCLI.run(["features", input, "-o", path("link.csv")])
        #expect(linked.status == 0, "\(linked.stderr)")
        #expect(lstat(path("link.csv"), &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK, "the link stays a link")
        #expect(try String(contentsOfFile: path("target.csv"), encoding: .utf8).hasPrefix("file,start,end,"))
    }
}
