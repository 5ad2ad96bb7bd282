import Foundation
import Testing
@testable import Sentio

/// `sentio features`: formats, columns, failure isolation.
@Suite struct FeaturesCommandTests {
    @Test("CSV: header, one row per frame per good file, no rows for a file that fails mid-stream")
    func csvWithBadFile() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("f.csv").path
        let good = Fixture.audio("speech-en.wav"), bad = Fixture.bad("nan.wav"), other = Fixture.audio("tone-1k-48k.wav")
        let result = try SentioCLI.run(["features", good, bad, other, "--set", "mfcc,energy", "-o", out])
        #expect(result.status == 1)
        #expect(result.stderrLines == ["sentio: \(bad): non-finite sample (NaN or Inf) at frame 100"])
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines[0] == "file,start,end," + ((0..<13).map { "mfcc_\($0)" } + ["rms", "log_energy", "zcr"]).joined(separator: ","))
        #expect(lines.filter { $0.hasPrefix(good + ",") }.count == 1 + (75076 - 400) / 160)
        #expect(lines.filter { $0.hasPrefix(other + ",") }.count == 1 + (16000 - 400) / 160)
        #expect(!lines.contains { $0.hasPrefix(bad) })
        #expect(lines[1].hasPrefix(good + ",0.0,0.025,"))
        #expect(lines.allSatisfy { $0.split(separator: ",").count == 19 })
        #expect(!FileManager.default.fileExists(atPath: out + ".partial"))
    }

    @Test("a file that fails after its first chunk (NaN at 1.9 s, rows already computed) contributes no rows")
    func lateFailure() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // 32-bit float WAV, mono, 16 kHz: 2.5 s of a 200 Hz sine with one NaN at sample 30000, past the first
        // 16384-sample decode chunk, so about 100 frames of it are computed before the NaN is read.
        var samples = (0..<40000).map { Float(0.3 * sin(2 * Double.pi * 200 * Double($0) / 16000)) }
        samples[30000] = .nan
        let late = dir.appendingPathComponent("late.wav").path
        try Fixture.writeFloatWAV(samples, sampleRate: 16000, to: late)
        let good = Fixture.audio("speech-en.wav"), out = dir.appendingPathComponent("f.csv").path
        let result = try SentioCLI.run(["features", late, good, "--set", "mfcc", "-o", out])
        #expect(result.status == 1)
        #expect(result.stderrLines == ["sentio: \(late): non-finite sample (NaN or Inf) at frame 30000"])
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(!lines.contains { $0.hasPrefix(late) })
        #expect(lines.filter { $0.hasPrefix(good + ",") }.count == 1 + (75076 - 400) / 160)
    }

    @Test("segment times end at the recording's duration, not past it, when the file is resampled")
    func segmentEndsAtDuration() throws {
        let flac = Fixture.audio("speech-en-22k05.flac")   // 103464 frames at 22.05 kHz: 4.6922449 s
        let r = try SentioCLI.run(["features", flac, "--set", "energy", "--level", "segments", "--segment", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        let ends = r.stdoutLines.dropFirst().map { Double($0.split(separator: ",")[2])! }
        #expect(ends.count == 3 && ends.allSatisfy { $0 <= 103464.0 / 22050 + 5e-7 }, "\(ends)")  // printed to 6 decimals
        #expect(abs(ends.last! - 103464.0 / 22050) < 1e-6, "\(ends)")
    }

    @Test("--channel analyses one channel of a stereo file (left: a 0.5 sine, right: silence) instead of their average")
    func channel() throws {
        let stereo = Fixture.audio("stereo-48k.wav")
        func meanRMS(_ extra: [String]) throws -> Double {
            let result = try SentioCLI.run(["features", stereo, "--set", "energy", "--level", "files"] + extra)
            #expect(result.status == 0, "\(result.stderr)")
            let header = result.stdoutLines[0].split(separator: ","), row = result.stdoutLines[1].split(separator: ",")
            return Double(row[header.firstIndex(of: "rms_amean")!])!
        }
        let mixed = try meanRMS([]), left = try meanRMS(["--channel", "0"]), right = try meanRMS(["--channel", "1"])
        #expect(abs(left - 0.5 / 2.0.squareRoot()) < 0.01, "\(left)")
        #expect(abs(mixed - left / 2) < 0.005, "\(mixed)")
        #expect(right == 0)
        let missing = try SentioCLI.run(["features", stereo, Fixture.audio("tone-440-16k.wav"), "--set", "energy", "--channel", "1"])
        #expect(missing.status == 1)
        #expect(missing.stderrLines == ["sentio: \(Fixture.audio("tone-440-16k.wav")): has no channel 1: it has 1 (channels count from 0)"])
        #expect(missing.stdoutLines.count > 1 && missing.stdoutLines.dropFirst().allSatisfy { $0.hasPrefix(stereo) })
        // Files per input carry the channel, so that both sides of a call can share a folder.
        let sides = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: sides) }
        for side in ["0", "1"] {
            let r = try SentioCLI.run(["features", stereo, "--set", "energy", "--format", "npy", "--channel", side, "-o", sides.path])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: sides.path).filter { $0.hasSuffix(".npy") }.sorted()
        #expect(names == ["stereo-48k.ch0.npy", "stereo-48k.ch1.npy"], "\(names)")
        // A negative channel is a usage error that says so (not "missing value").
        let negative = try SentioCLI.run(["features", stereo, "--set", "energy", "--channel", "-1"])
        #expect(negative.status == 2 && negative.stderr.contains("--channel counts from 0"), "\(negative.stderr)")

        // A NaN on the right fails the average and the right channel, not the left.
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var interleaved = (0..<32000).map { Float($0 % 2 == 0 ? 0.4 * sin(Double($0) / 10) : 0.1) }
        interleaved[20001] = .nan  // frame 10000, right channel
        let damaged = dir.appendingPathComponent("right-nan.wav").path
        try Fixture.writeFloatWAV(interleaved, sampleRate: 16000, channels: 2, to: damaged)
        for (channel, fails) in [([String](), true), (["--channel", "1"], true), (["--channel", "0"], false)] {
            let r = try SentioCLI.run(["features", damaged, "--set", "energy"] + channel)
            #expect(r.status == (fails ? 1 : 0), "\(channel): \(r.stderr)")
            if fails { #expect(r.stderrLines == ["sentio: \(damaged): non-finite sample (NaN or Inf) at frame 10000"]) }
        }
    }

    @Test("pitch and voice sets: columns in set order, voiced rows on spoken audio, 0 on silence")
    func pitchAndVoice() throws {
        let speech = Fixture.audio("speech-en.wav"), silence = Fixture.audio("silence-16k.wav")
        let result = try SentioCLI.run(["features", speech, silence, "--set", "voice,pitch", "--pitch-floor", "75"])
        #expect(result.status == 0)
        let lines = result.stdoutLines
        #expect(lines[0] == "file,start,end,jitter_local,shimmer_local_db,hnr_db,f1_hz,f1_bandwidth_hz,f2_hz,"
                + "f2_bandwidth_hz,f3_hz,f3_bandwidth_hz,f0_hz,voicing_prob")
        let f0 = { (file: String) in lines.filter { $0.hasPrefix(file + ",") }.map { Double($0.split(separator: ",")[12])! } }
        let voiced = f0(speech).filter { $0 > 0 }
        #expect(voiced.count > f0(speech).count / 4, "voiced \(voiced.count) of \(f0(speech).count)")
        #expect(voiced.allSatisfy { $0 >= 75 && $0 <= 600 })
        #expect(!f0(silence).isEmpty && f0(silence).allSatisfy { $0 == 0 })
    }

    @Test("files level: one row of 88 eGeMAPS functionals per file, combined with another set's functionals")
    func egemapsFiles() throws {
        let speech = Fixture.audio("speech-en.wav"), other = Fixture.audio("speech-en-2.wav")
        let result = try SentioCLI.run(["features", speech, other, "--set", "egemaps,mfcc-functionals", "--level", "files"])
        #expect(result.status == 0)
        let lines = result.stdoutLines
        let header = lines[0].split(separator: ",").map(String.init)
        #expect(Array(header.prefix(3 + 88).suffix(88)) == EGeMAPS.functionals.map(\.name))
        #expect(header.count == 3 + 88 + 13 * FunctionalSets.generic.count)
        #expect(header.last == "mfcc_12_linregc1")
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix(speech + ",0.0,4.69225,"))
        #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",").count == header.count })
    }

    @Test("segments level: fixed windows with --segment/--hop, speech regions with --vad, each row with its span")
    func segments() throws {
        let speech = Fixture.audio("speech-en.wav")
        let windows = try SentioCLI.run(["features", speech, "--set", "egemaps", "--level", "segments", "--segment", "2", "--hop", "1"])
        #expect(windows.status == 0)
        let spans = windows.stdoutLines.dropFirst().map { $0.split(separator: ",").dropFirst().prefix(2).map { Double($0)! } }
        #expect(spans.map { $0[0] } == [0, 1, 2, 3])
        #expect(spans.last![1] == 4.69225)
        let vad = try SentioCLI.run(["features", speech, "--set", "energy", "--level", "segments", "--vad", "--format", "jsonl"])
        #expect(vad.status == 0)
        #expect(!vad.stdoutLines.isEmpty && vad.stdoutLines.allSatisfy { $0.contains("\"rms_amean\":") })
    }

    @Test("frames level: the 25 eGeMAPS descriptors under openSMILE's names", arguments: [["--level", "frames"]])
    func egemapsFrames(arguments: [String]) throws {
        let result = try SentioCLI.run(["features", Fixture.audio("speech-en.wav"), "--set", "egemaps"] + arguments)
        #expect(result.status == 0)
        #expect(result.stdoutLines[0] == "file,start,end," + EGeMAPS.lowLevelDescriptors.joined(separator: ","))
        // openSMILE's frames: complete 20 ms frames every 10 ms.
        #expect(result.stdoutLines.count == 1 + 1 + (75076 - 320) / 160)
    }

    @Test("segment options are usage errors where they do not apply", arguments: [
        ["--level", "segments"], ["--level", "segments", "--segment", "1", "--vad"], ["--level", "files", "--vad"],
        ["--level", "segments", "--segment", "0"], ["--set", "mfcc-functionals"], ["--hop", "1"],
    ])
    func segmentUsage(arguments: [String]) throws {
        let result = try SentioCLI.run(["features", Fixture.audio("speech-en.wav")] + arguments)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
    }

    @Test("a segment shorter than a functional needs gets its empty value and a warning, not NaN")
    func shortSegmentWarning() throws {
        let result = try SentioCLI.run(["features", Fixture.audio("silence-16k.wav"), "--set", "egemaps", "--level", "files"])
        #expect(result.status == 0)
        #expect(result.stderrLines.count == 1 && result.stderrLines[0].contains("too few frames"))
        #expect(!result.stdout.contains("nan"))
    }

    @Test("a file without rows says so: shorter than a frame (frames level), no speech region (--vad)")
    func noRowsWarning() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let short = dir.appendingPathComponent("10ms.wav").path
        try Fixture.writeFloatWAV((0..<160).map { Float(sin(Double($0) * 0.3)) / 2 }, sampleRate: 16000, to: short)
        let frames = try SentioCLI.run(["features", short])
        #expect(frames.status == 0 && frames.stdoutLines.count == 1)
        #expect(frames.stderrLines.count == 1 && frames.stderrLines == ["sentio: warning: \(short): 10.0 ms long, shorter than one analysis frame: no rows"], "\(frames.stderr)")
        let vad = try SentioCLI.run(["features", "--vad", "--level", "segments", Fixture.audio("silence-16k.wav")])
        #expect(vad.status == 0 && vad.stdoutLines.count == 1)
        #expect(vad.stderrLines.count == 1 && vad.stderr.contains("no speech region"))
    }

    @Test("an impossible pitch range is a usage error", arguments: [["--pitch-floor", "0"], ["--pitch-floor", "300", "--pitch-ceiling", "200"]])
    func badPitchRange(arguments: [String]) throws {
        let result = try SentioCLI.run(["features", Fixture.audio("speech-en.wav"), "--set", "pitch"] + arguments)
        #expect(result.status == 2)
        #expect(result.stderrLines.contains { $0.contains("pitch range") })
    }

    @Test("CSV values read back equal the library's values")
    func csvRoundTrip() throws {
        let result = try SentioCLI.run(["features", Fixture.audio("speech-en-2.wav"), "--preset", "librosa"])
        #expect(result.status == 0)
        let extractor = FeatureExtractor(options: FeatureExtractionOptions(sets: [.mfcc], preset: .librosa))
        var rows: [[Float]] = []
        try extractor.process(path: Fixture.audio("speech-en-2.wav")) { rows.append(Array($0.values)) }
        let lines = result.stdoutLines.dropFirst()
        #expect(lines.count == rows.count)
        for (line, row) in zip(lines, rows) {
            let values = line.split(separator: ",").dropFirst(3).map { Float(String($0))! }
            #expect(values == row)
        }
    }

    @Test("npy: one matrix per input with start/end columns, an index and the column names")
    func npy() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("npy").path
        let result = try SentioCLI.run(["features", Fixture.audio("speech-en.wav"), Fixture.audio("speech-en-3.wav"),
                                        "--format", "npy", "-o", out, "--set", "mfcc,mfcc-delta"])
        #expect(result.status == 0)
        let m = try NpyMatrix(contentsOf: out + "/speech-en.npy")
        #expect(m.rows == 467 && m.columns == 2 + 39)
        #expect(m[1, 0] == 0.01 && m[1, 1] == 0.035)
        let index = try String(contentsOfFile: out + "/index.csv", encoding: .utf8)
        #expect(index == "file,npy,frames\n\(Fixture.audio("speech-en.wav")),speech-en.npy,467\n\(Fixture.audio("speech-en-3.wav")),speech-en-3.npy,447\n")
        let columns = try String(contentsOfFile: out + "/columns.csv", encoding: .utf8).split(separator: "\n")
        #expect(columns.count == 1 + 41 && columns[3] == "2,mfcc_0" && columns[41] == "40,mfcc_dd_12")
        // A refused resume with other sets leaves the finished folder's column names alone.
        let before = try Data(contentsOf: URL(fileURLWithPath: out + "/columns.csv"))
        let refused = try SentioCLI.run(["features", Fixture.audio("speech-en.wav"), Fixture.audio("speech-en-3.wav"),
                                         "--format", "npy", "-o", out, "--set", "energy", "--resume"])
        #expect(refused.status == 3 && refused.stderr.contains("records a different run"), "\(refused.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/columns.csv")) == before)
    }

    @Test("an unwritable output is one clear error line")
    func unwritableOutput() throws {
        let result = try SentioCLI.run(["features", Fixture.audio("speech-en.wav"), "-o", "/no/such/dir/out.csv"])
        #expect(result.status == 3)
        #expect(result.stderrLines == ["sentio: /no/such/dir/out.csv: cannot write output: No such file or directory"])
        #expect(try SentioCLI.run(["features", Fixture.audio("speech-en.wav"), "--format", "npy"]).status == 2)
        #expect(try SentioCLI.run(["features", Fixture.audio("speech-en.wav"), "--set", "mfcc,bogus"]).status == 2)
    }
}
