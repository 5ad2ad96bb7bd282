import Foundation
import Testing

/// `sentio info` lists good files, reports each bad file on one stderr line, and sets the exit status.
@Suite struct InfoCommandTests {
    @Test("a mix of good and bad files: rows for the good, one error line per bad, exit 1")
    func mixedInputs() throws {
        let good = ["speech-en.wav", "stereo-48k.wav", "speech-en.ogg"].map(Fixture.audio)
        let bad = ["truncated.wav", "text.wav", "nan.wav", "empty.wav"].map(Fixture.bad) + ["/no/such.wav"]
        let result = try SentioCLI.run(["info", "--format", "csv"] + [good[0]] + bad + Array(good[1...]))
        #expect(result.status == 1)
        let lines = result.stdoutLines
        #expect(lines.first == "path,container,encoding,sample_rate,channels,frames,duration")
        #expect(lines.count == 1 + good.count)
        #expect(lines[1] == "\(good[0]),wav,pcm_s16,16000.0,1,75076,4.69225")
        #expect(lines[2] == "\(good[1]),wav,pcm_s16,48000.0,2,48000,1.0")
        #expect(result.stderrLines.count == bad.count)
        for (line, path) in zip(result.stderrLines, bad) { #expect(line.hasPrefix("sentio: \(path): ")) }
        #expect(result.stderrLines[0].contains("truncated"))
        #expect(result.stderrLines[1].contains("not an audio file"))
        #expect(result.stderrLines[2].contains("non-finite sample"))
    }

    @Test("the table aligns every column and right-aligns the numbers")
    func table() throws {
        let files = ["speech-en.wav", "stereo-48k.wav"].map(Fixture.audio)
        let result = try SentioCLI.run(["info", "--format", "table"] + files)
        #expect(result.status == 0)
        let lines = result.stdoutLines.map(String.init)
        #expect(lines.count == 3)
        // The last character of each numeric column's header width is a digit in every row.
        for column in ["sample_rate", "channels", "frames"] {
            let end = lines[0].distance(from: lines[0].startIndex, to: lines[0].range(of: column)!.upperBound) - 1
            for row in lines.dropFirst() {
                #expect(Array(row)[end].isNumber, "\(column) in \(row)")
            }
        }
    }

    @Test("the table lists the good files when others fail (their error lines on stderr), exit 1")
    func tableWithFailures() throws {
        let good = Fixture.audio("speech-en.wav"), bad = Fixture.bad("text.wav")
        let result = try SentioCLI.run(["info", "--format", "table", good, bad])
        #expect(result.status == 1)
        #expect(result.stdoutLines.count == 2 && result.stdoutLines[1].hasPrefix(good), "\(result.stdout)")
        #expect(result.stderrLines == ["sentio: \(bad): not an audio file (format not recognised)"])
    }

    @Test("a FLAC file cut short says how far it decoded: damaged or cut short")
    func truncatedFLAC() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cut = dir.appendingPathComponent("cut.flac").path
        let whole = try Data(contentsOf: URL(fileURLWithPath: Fixture.audio("speech-en-22k05.flac")))
        try whole.prefix(whole.count * 2 / 3).write(to: URL(fileURLWithPath: cut))
        let result = try SentioCLI.run(["info", cut])
        #expect(result.status == 1)
        #expect(result.stderrLines.count == 1)
        #expect(result.stderrLines[0].hasPrefix("sentio: \(cut): corrupt audio data ("), "\(result.stderr)")
        #expect(result.stderrLines[0].hasSuffix(" of the 103464 frames its header declares: damaged or cut short)"), "\(result.stderr)")
    }

    @Test("JSON Lines output carries typed values")
    func jsonl() throws {
        let result = try SentioCLI.run(["info", "--format", "jsonl", Fixture.audio("tone-1k-44k1.wav")])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(object?["sample_rate"] as? Double == 44100)
        #expect(object?["channels"] as? Int == 1)
        #expect(object?["frames"] as? Int == 44100)
        #expect(object?["encoding"] as? String == "pcm_s16")
        #expect(result.stderr.isEmpty)
    }

    @Test("usage errors exit with status 2")
    func usageErrors() throws {
        #expect(try SentioCLI.run(["info"]).status == 2)
        #expect(try SentioCLI.run(["info", "--format", "xml", Fixture.audio("tone-440-16k.wav")]).status == 2)
        #expect(try SentioCLI.run(["no-such-command"]).status == 2)
        #expect(try SentioCLI.run(["--help"]).status == 0)
    }
}
