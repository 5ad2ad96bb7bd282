import Foundation
import Testing
@testable import Sentio

/// `sentio train`, `evaluate` and `score` on a small corpus of fixtures: tones against speech.
@Suite struct EmotionCommandTests {
    static let tones = ["tone-440-16k.wav", "tone-1k-44k1.wav", "tone-1k-48k.wav", "tone-440-16k-f32.wav",
                        "tone-440-16k-s24.wav", "tone-440-16k-u8.wav", "tone-440-22k05-s32.wav"]
    static let speech = ["speech-en.wav", "speech-en-2.wav", "speech-en-3.wav", "speech-en.mp3", "speech-en.ogg",
                         "speech-en.opus", "speech-en-22k05.flac"]

    /// A labels table over Fixtures/audio in a fresh folder; `speakers` adds a speaker column.
    private func labels(speakers: Bool = true) throws -> (dir: URL, csv: String) {
        let dir = try Fixture.temporaryDirectory()
        var text = speakers ? "file,emotion,speaker\n" : "file,emotion\n"
        for (i, f) in (Self.tones + Self.speech).enumerated() {
            text += "\(f),\(i < Self.tones.count ? "tonal" : "spoken")" + (speakers ? ",s\(i % 3)\n" : "\n")
        }
        let csv = dir.appendingPathComponent("labels.csv").path
        try text.write(toFile: csv, atomically: true, encoding: .utf8)
        return (dir, csv)
    }

    private var audioRoot: String { Fixture.root.appendingPathComponent("Fixtures/audio").path }

    @Test("train is deterministic (byte-identical model files) and the model scores files with its classes")
    func trainAndScore() throws {
        let (dir, csv) = try labels()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.json").path, b = dir.appendingPathComponent("b.json").path
        let common = ["train", "--labels", csv, "--audio-root", audioRoot, "--features", "mfcc,energy"]
        let first = try SentioCLI.run(common + ["-o", a])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("\(a): logreg, 2 classes, 14 files"))
        #expect(try SentioCLI.run(common + ["-o", b, "--jobs", "1"]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == Data(contentsOf: URL(fileURLWithPath: b)))
        // The same table spelled with `.` and a doubled slash: the provenance records the same path.
        let respelled = ["train", "--labels", dir.path + "//./labels.csv"] + common.dropFirst(3)
        #expect(try SentioCLI.run(respelled + ["-o", b]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == Data(contentsOf: URL(fileURLWithPath: b)))

        let scored = try SentioCLI.run(["score", "--model", a, Fixture.audio("speech-en.wav"),
                                        Fixture.audio("tone-440-16k.wav"), Fixture.audio("silence-16k.wav")])
        #expect(scored.status == 0, "\(scored.stderr)")
        let lines = scored.stdoutLines
        #expect(lines.first == "file,start,end,emotion,spoken,tonal")
        #expect(lines.count == 4)
        #expect(lines[1].hasPrefix(Fixture.audio("speech-en.wav") + ",0.0,"))
        #expect(lines[1].split(separator: ",")[3] == "spoken")
        #expect(lines[3].hasSuffix(",no_speech,,"))

        // With --vad silence has no speech region at all: still one row, so that no input vanishes.
        let regions = try SentioCLI.run(["score", "--model", a, "--vad", Fixture.audio("silence-16k.wav")])
        #expect(regions.status == 0 && regions.stdoutLines.count == 2, "\(regions.stdout)")
        #expect(regions.stdoutLines.last == "\(Fixture.audio("silence-16k.wav")),0.0,1.0,no_speech,,")
    }

    @Test("train --classifier mlp --seed: a deterministic two-layer model; --clip sets the bound stored in the model, 0 none")
    func mlpAndClip() throws {
        let (dir, csv) = try labels()
        defer { try? FileManager.default.removeItem(at: dir) }
        let common = ["train", "--labels", csv, "--audio-root", audioRoot, "--features", "mfcc,energy"]
        let a = dir.appendingPathComponent("a.json").path, b = dir.appendingPathComponent("b.json").path
        let mlp = common + ["--classifier", "mlp", "--seed", "3"]
        #expect(try SentioCLI.run(mlp + ["-o", a]).status == 0)
        #expect(try SentioCLI.run(mlp + ["-o", b]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == Data(contentsOf: URL(fileURLWithPath: b)))
        let model = try EmotionModel.load(path: a)
        #expect(model.kind == .mlp && model.classifier.network.layers.count == 2 && model.classifier.clip == 10)
        let scored = try SentioCLI.run(["score", "--model", a, Fixture.audio("speech-en.wav"), Fixture.audio("tone-440-16k.wav")])
        #expect(scored.stdoutLines.dropFirst().map { $0.split(separator: ",")[3] } == ["spoken", "tonal"], "\(scored.stdout)")
        #expect(try SentioCLI.run(common + ["--clip", "5", "-o", a]).status == 0)
        #expect(try EmotionModel.load(path: a).classifier.clip == 5)
        #expect(try SentioCLI.run(common + ["--clip", "0", "-o", a]).status == 0)
        #expect(try EmotionModel.load(path: a).classifier.clip == nil)
        let negative = try SentioCLI.run(common + ["--clip", "-1", "-o", a])
        #expect(negative.status == 2 && negative.stderr.contains("--clip must be 0"), "\(negative.stderr)")
    }

    @Test("evaluate: JSON report with UAR, WAR, recall and confusion; tones and speech are told apart")
    func evaluateJSON() throws {
        let (dir, csv) = try labels()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try SentioCLI.run(["evaluate", "--labels", csv, "--audio-root", audioRoot, "--features", "mfcc,energy",
                                        "--protocol", "kfold", "--folds", "3", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        #expect(json["classes"] as? [String] == ["spoken", "tonal"])
        let confusion = json["confusion"] as! [[Int]]
        #expect(confusion.joined().reduce(0, +) == 14)
        #expect((json["uar"] as! Double) >= 0.85, "\(result.stdout)")
        #expect((json["war"] as! Double) >= 0.85)
        #expect((json["per_class_recall"] as! [String: Double]).keys.sorted() == ["spoken", "tonal"])
        #expect(json["clip"] as? Double == 10)

        let loso = try SentioCLI.run(["evaluate", "--labels", csv, "--audio-root", audioRoot, "--features", "mfcc",
                                      "--normalize", "speaker"])
        #expect(loso.status == 0, "\(loso.stderr)")
        #expect(loso.stdout.hasPrefix("protocol loso (3 folds), classifier logreg, normalisation speaker"))
        #expect(loso.stdout.contains("UAR "))

        // More folds than the 14 recordings: one recording per fold, and the report names the folds that ran.
        let many = try SentioCLI.run(["evaluate", "--labels", csv, "--audio-root", audioRoot, "--features", "energy",
                                      "--protocol", "kfold", "--folds", "50", "--format", "json"])
        #expect(many.status == 0, "\(many.stderr)")
        let manyJSON = try JSONSerialization.jsonObject(with: Data(many.stdout.utf8)) as! [String: Any]
        #expect(manyJSON["protocol"] as? String == "kfold(14)" && manyJSON["folds"] as? Int == 14, "\(many.stdout)")
        let stray = try SentioCLI.run(["evaluate", "--labels", csv, "--audio-root", audioRoot, "--folds", "3"])
        #expect(stray.status == 2 && stray.stderr.contains("--folds applies to --protocol kfold"), "\(stray.stderr)")
    }

    @Test("a speaker-normalised model scores with --speakers and refuses to score without")
    func speakerModel() throws {
        let (dir, csv) = try labels()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("m.json").path
        let trained = try SentioCLI.run(["train", "--labels", csv, "--audio-root", audioRoot, "--features", "mfcc",
                                         "--normalize", "speaker", "-o", model])
        #expect(trained.status == 0, "\(trained.stderr)")
        let inputs = Self.speech.prefix(3).map(Fixture.audio) + Self.tones.prefix(3).map(Fixture.audio)
        let without = try SentioCLI.run(["score", "--model", model] + inputs)
        #expect(without.status == 2)
        #expect(without.stderr.contains("give --speakers CSV"))
        // Through the library, one file on its own is an error, not a trap.
        let alone = #expect(throws: ScoringError.self) {
            try EmotionScorer(model: EmotionModel.load(path: model), segmentation: .wholeFile).score(path: inputs[0])
        }
        #expect(alone?.message.hasPrefix("\(inputs[0]): the model normalises per speaker") == true)
        let speakers = dir.appendingPathComponent("speakers.csv").path
        try ("file,speaker\n" + inputs.enumerated().map { "\($1),p\($0 % 2)" }.joined(separator: "\n"))
            .write(toFile: speakers, atomically: true, encoding: .utf8)
        let scored = try SentioCLI.run(["score", "--model", model, "--speakers", speakers] + inputs)
        #expect(scored.status == 0, "\(scored.stderr)")
        let emotions = scored.stdoutLines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[3] }
        #expect(emotions.count == 6)
        #expect(emotions.prefix(3).allSatisfy { $0 == "spoken" }, "\(scored.stdout)")

        // A table whose paths are relative to its own folder's wav/ (a corpus's layout; here links to the
        // fixtures) names the same files; an input it does not name fails alone.
        let wav = dir.appendingPathComponent("wav")
        try FileManager.default.createDirectory(at: wav, withIntermediateDirectories: true)
        for input in inputs {
            try FileManager.default.createSymbolicLink(atPath: wav.appendingPathComponent((input as NSString).lastPathComponent).path,
                                                       withDestinationPath: input)
        }
        let local = dir.appendingPathComponent("labels-local.csv").path
        try ("file,speaker\n" + inputs.dropLast().enumerated().map { "\(($1 as NSString).lastPathComponent),p\($0 % 2)" }
            .joined(separator: "\n")).write(toFile: local, atomically: true, encoding: .utf8)
        let relative = try SentioCLI.run(["score", "--model", model, "--speakers", local] + inputs)
        #expect(relative.status == 1 && relative.stderrLines == ["sentio: \(inputs.last!): no speaker for it in \(local)"])
        let rows = relative.stdoutLines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.map { String($0[0]) } == Array(inputs.dropLast()), "\(relative.stdout)")
        #expect(rows.prefix(3).allSatisfy { $0[3] == "spoken" }, "\(relative.stdout)")

        // A speaker with a single file would z-score to zeros: that file fails alone.
        try ("file,speaker\n" + inputs.enumerated().map { "\($1),\($0 == 5 ? "lone" : "p\($0 % 2)")" }.joined(separator: "\n"))
            .write(toFile: speakers, atomically: true, encoding: .utf8)
        let lone = try SentioCLI.run(["score", "--model", model, "--speakers", speakers] + inputs)
        #expect(lone.status == 1 && lone.stderrLines == ["sentio: \(inputs[5]): the model normalises per speaker, which needs at least 2 segments per speaker; speaker lone has 1 here (score all of the speaker's files together, or use --segment)"], "\(lone.stderr)")
        #expect(lone.stdoutLines.dropFirst().map { String($0.split(separator: ",")[0]) } == Array(inputs.prefix(5)))
    }

    @Test("evaluate warns about a fold whose training part lacks a class")
    func foldWithoutClassWarned() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Every tonal file is speaker t's: leaving t out trains on speech alone.
        var text = "file,emotion,speaker\n"
        for (i, f) in (Self.tones + Self.speech).enumerated() {
            text += i < Self.tones.count ? "\(f),tonal,t\n" : "\(f),spoken,s\(i % 2)\n"
        }
        let csv = dir.appendingPathComponent("labels.csv").path
        try text.write(toFile: csv, atomically: true, encoding: .utf8)
        let loso = try SentioCLI.run(["evaluate", "--labels", csv, "--audio-root", audioRoot, "--features", "mfcc"])
        #expect(loso.status == 0, "\(loso.stderr)")
        #expect(loso.stderrLines == ["sentio: warning: speaker t: the model tested on it was trained without any tonal (all of that class is in this fold)"], "\(loso.stderr)")
    }

    @Test("train warns about a labelled file without voiced speech and trains on it all the same")
    func unvoicedFileWarned() throws {
        let (dir, csv) = try labels(speakers: false)
        defer { try? FileManager.default.removeItem(at: dir) }
        try (try String(contentsOfFile: csv, encoding: .utf8) + "silence-16k.wav,tonal\n").write(toFile: csv, atomically: true, encoding: .utf8)
        let model = dir.appendingPathComponent("m.json").path
        let trained = try SentioCLI.run(["train", "--labels", csv, "--audio-root", audioRoot, "--features", "mfcc", "-o", model])
        #expect(trained.status == 0)
        #expect(trained.stderrLines == ["sentio: warning: 1 file has less than 0.25 s of voiced speech in every segment (\(audioRoot)/silence-16k.wav); still used"], "\(trained.stderr)")
        #expect(trained.stdout.contains("15 files"), "\(trained.stdout)")
    }

    @Test("errors: a corrupted model, leave-one-speaker-out without speakers, file normalisation without segments")
    func errors() throws {
        let (dir, csv) = try labels(speakers: false)
        defer { try? FileManager.default.removeItem(at: dir) }
        let broken = dir.appendingPathComponent("broken.json").path
        let bundled = try String(contentsOfFile: EmotionModelTests.bundledPath, encoding: .utf8)
        try String(bundled.prefix(5000)).write(toFile: broken, atomically: true, encoding: .utf8)
        let score = try SentioCLI.run(["score", "--model", broken, Fixture.audio("speech-en.wav")])
        #expect(score.status == 3)
        #expect(score.stderrLines == ["sentio: \(broken): not a Sentio model: truncated or malformed JSON"])
        #expect(score.stdout.isEmpty)

        let loso = try SentioCLI.run(["evaluate", "--labels", csv, "--audio-root", audioRoot, "--features", "mfcc"])
        #expect(loso.status == 3)
        #expect(loso.stderrLines == ["sentio: \(csv): leave-one-speaker-out needs a 'speaker' column in the labels"])

        // Leave-one-speaker-out over one speaker would train the only fold on nothing.
        let (oneDir, oneCSV) = try labels()
        defer { try? FileManager.default.removeItem(at: oneDir) }
        let text = try String(contentsOfFile: oneCSV, encoding: .utf8).replacingOccurrences(of: ",s1\n", with: ",s0\n")
            .replacingOccurrences(of: ",s2\n", with: ",s0\n")
        try text.write(toFile: oneCSV, atomically: true, encoding: .utf8)
        let one = try SentioCLI.run(["evaluate", "--labels", oneCSV, "--audio-root", audioRoot, "--features", "mfcc"])
        #expect(one.status == 3 && one.stderrLines == ["sentio: \(oneCSV): leave-one-speaker-out needs at least 2 speakers, found 1 (use --protocol kfold)"])
        // Per-file normalisation of a file's only segment gives all zeros: refused, not a constant model.
        let single = try SentioCLI.run(["train", "--labels", csv, "--audio-root", audioRoot, "--features", "mfcc",
                                        "--normalize", "file", "--segment", "30", "-o", broken + ".x"])
        #expect(single.status == 3 && single.stderr.contains("needs at least 2 segments per file"), "\(single.stderr)")
        let perFile = broken + ".file"
        let trained = try SentioCLI.run(["train", "--labels", csv, "--audio-root", audioRoot, "--features", "mfcc",
                                         "--normalize", "file", "--segment", "0.5", "-o", perFile])
        #expect(trained.status == 0, "\(trained.stderr)")
        let scoredOnce = try SentioCLI.run(["score", "--model", perFile, "--segment", "30", Fixture.audio("speech-en.wav")])
        #expect(scoredOnce.status == 1 && scoredOnce.stderrLines.count == 1 && scoredOnce.stderr.contains("needs at least 2 segments"))

        // A speaker with one recording cannot be z-normalised: the corpus cannot be used so, exit 3, no model.
        let (loneDir, lone) = try labels()
        defer { try? FileManager.default.removeItem(at: loneDir) }
        var rows = try String(contentsOfFile: lone, encoding: .utf8).split(separator: "\n").map(String.init)
        rows[rows.count - 1] = rows[rows.count - 1].prefix(while: { $0 != "," }) + ",spoken,alone"
        try (rows.joined(separator: "\n") + "\n").write(toFile: lone, atomically: true, encoding: .utf8)
        let loneSpeaker = try SentioCLI.run(["train", "--labels", lone, "--audio-root", audioRoot, "--features", "mfcc",
                                             "--normalize", "speaker", "-o", broken + ".speaker"])
        #expect(loneSpeaker.status == 3 && !FileManager.default.fileExists(atPath: broken + ".speaker"), "\(loneSpeaker.stderr)")
        let file = try SentioCLI.run(["train", "--labels", csv, "--audio-root", audioRoot, "--normalize", "file", "-o", broken])
        #expect(file.status == 2)
        #expect(file.stderr.contains("--normalize file"))

        let unknownClass = try SentioCLI.run(["train", "--labels", csv, "--audio-root", audioRoot, "--classes", "tonal,happy",
                                              "-o", broken])
        #expect(unknownClass.status == 3)
        #expect(unknownClass.stderrLines == ["sentio: \(csv): no items of class happy (classes: spoken, tonal)"])

        let missing = try SentioCLI.run(["train", "--corpus", dir.path, "-o", broken])
        #expect(missing.status == 3)
        #expect(missing.stderrLines.count == 1 && missing.stderr.contains("unknown file tone-440-16k.wav"))

        // -o naming one of the corpus's recordings (here a copy) is refused before any work; the file is intact.
        let copies = dir.appendingPathComponent("wav")
        try FileManager.default.createDirectory(at: copies, withIntermediateDirectories: true)
        for f in Self.tones + Self.speech { try FileManager.default.copyItem(atPath: Fixture.audio(f), toPath: copies.appendingPathComponent(f).path) }
        let victim = copies.appendingPathComponent("speech-en.wav").path
        let before = try Data(contentsOf: URL(fileURLWithPath: victim))
        for command in [["train", "--corpus", dir.path, "-o", victim], ["evaluate", "--corpus", dir.path, "--protocol", "kfold", "-o", victim]] {
            let clobber = try SentioCLI.run(command)
            #expect(clobber.status == 3 && clobber.stderrLines == ["sentio: \(victim): cannot write output: is also an input (\(victim)); it would be overwritten"], "\(clobber.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: victim)) == before)
    }

    @Test("cross-corpus evaluate (--test-corpus) and a corpus-normalised model scoring a batch")
    func crossCorpus() throws {
        let (dir, csv) = try labels(speakers: false)
        defer { try? FileManager.default.removeItem(at: dir) }
        let common = ["--labels", csv, "--audio-root", audioRoot, "--features", "mfcc,energy"]
        // The same recordings as test corpus would test the model on its training files: refused.
        let same = try SentioCLI.run(["evaluate"] + common + ["--test-labels", csv, "--test-audio-root", audioRoot])
        #expect(same.status == 3 && same.stderrLines == ["sentio: \(csv): shares 14 files with the training corpus (\(audioRoot)/tone-440-16k.wav): a cross-corpus figure needs recordings the model has not seen"], "\(same.stderr)")
        // Copies are other files (here of the same audio, so the figure is the training fit's).
        let copies = dir.appendingPathComponent("copies").path
        try FileManager.default.createDirectory(atPath: copies, withIntermediateDirectories: true)
        for f in Self.tones + Self.speech { try FileManager.default.copyItem(atPath: Fixture.audio(f), toPath: copies + "/" + f) }
        let cross = try SentioCLI.run(["evaluate"] + common + ["--test-labels", csv, "--test-audio-root", copies,
                                                               "--normalize", "corpus", "--format", "json"])
        #expect(cross.status == 0, "\(cross.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(cross.stdout.utf8)) as! [String: Any]
        #expect((json["protocol"] as! String).hasPrefix("cross-corpus (train \(csv), test \(csv))"))
        #expect(json["files"] as? Int == 14 && json["folds"] as? Int == 1)
        #expect((json["uar"] as! Double) >= 0.85, "\(cross.stdout)")

        // A test class the training corpus lacks; --protocol with a test corpus.
        let other = dir.appendingPathComponent("other.csv").path
        try (try String(contentsOfFile: csv, encoding: .utf8)).replacingOccurrences(of: ",tonal", with: ",whistle")
            .write(toFile: other, atomically: true, encoding: .utf8)
        let unknown = try SentioCLI.run(["evaluate"] + common + ["--test-labels", other, "--test-audio-root", copies])
        #expect(unknown.status == 3 && unknown.stderrLines.count == 1 && unknown.stderr.contains("classes whistle are not in the training corpus"))
        #expect(try SentioCLI.run(["evaluate"] + common + ["--test-labels", csv, "--test-audio-root", audioRoot, "--protocol", "loso"]).status == 2)
        let missing = try SentioCLI.run(["evaluate"] + common + ["--test-corpus", dir.appendingPathComponent("nowhere").path])
        #expect(missing.status == 3 && missing.stderrLines.count == 1 && missing.stderr.contains("nowhere"))

        let model = dir.appendingPathComponent("corpus.json").path
        #expect(try SentioCLI.run(["train"] + common + ["--normalize", "corpus", "-o", model]).status == 0)
        let inputs = ["speech-en.wav", "speech-en-2.wav", "tone-440-16k.wav", "tone-1k-48k.wav"].map(Fixture.audio)
        let scored = try SentioCLI.run(["score", "--model", model] + inputs)
        #expect(scored.status == 0, "\(scored.stderr)")
        #expect(scored.stdoutLines.dropFirst().map { $0.split(separator: ",")[3] } == ["spoken", "spoken", "tonal", "tonal"])
        #expect(try SentioCLI.run(["score", "--model", model, "--shard", "0/2"] + inputs).status == 2)
        // The training corpus's statistics travel with the model and are checked on loading.
        let modelJSON = try String(contentsOfFile: model, encoding: .utf8)
        #expect(modelJSON.contains("\"corpusStatistics\""))
        let stripped = dir.appendingPathComponent("stripped.json").path
        try modelJSON.replacingOccurrences(of: "\"corpusStatistics\"", with: "\"unused\"").write(toFile: stripped, atomically: true, encoding: .utf8)
        let refused = try SentioCLI.run(["score", "--model", stripped, inputs[0]])
        #expect(refused.status == 3 && refused.stderrLines == ["sentio: \(stripped): corpus-normalised model has no corpusStatistics"])
        // Reports score each recording on its own, towards the training corpus's statistics.
        let report = try SentioCLI.run(["report", "--model", model, "-o", dir.appendingPathComponent("r").path] + inputs)
        #expect(report.status == 0, "\(report.stderr)")
    }

    @Test("score --level files over segments: one row per file, the mean probabilities of its scored segments")
    func perFileOfSegments() throws {
        let clip = Fixture.audio("speech-en.wav")
        let segments = try SentioCLI.run(["score", clip, "--segment", "1"])
        let files = try SentioCLI.run(["score", clip, "--segment", "1", "--level", "files"])
        #expect(segments.status == 0 && files.status == 0, "\(files.stderr)")
        let header = segments.stdoutLines[0].split(separator: ",").map(String.init)
        let classes = Array(header.dropFirst(4))
        let rows = segments.stdoutLines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let scored = rows.filter { $0[3] != "no_speech" }
        #expect(rows.count == 5 && scored.count >= 3)
        #expect(files.stdoutLines.count == 2 && files.stdoutLines[0] == segments.stdoutLines[0])
        let row = files.stdoutLines[1].split(separator: ",").map(String.init)
        #expect(row[1] == "0.0" && row[2] == rows.last![2])
        let mean = classes.indices.map { c in scored.map { Double($0[4 + c])! }.reduce(0, +) / Double(scored.count) }
        for c in classes.indices { #expect(abs(Double(row[4 + c])! - mean[c]) < 2e-6, "\(classes[c])") }
        for r in scored + [row] { #expect(r[4...].map { Int((Double($0)! * 1e6).rounded()) }.reduce(0, +) == 1_000_000, "\(r)") }
        #expect(row[3] == classes[mean.indices.max { mean[$0] < mean[$1] }!])
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let grid = try SentioCLI.run(["score", clip, "--vad", "--level", "files", "--format", "textgrid", "-o", dir.path])
        #expect(grid.status == 2 && grid.stderr.contains("use --format csv or jsonl"), "\(grid.stderr)")
    }

    @Test("score with the bundled model: the README's main command; a bad input fails alone")
    func bundledScore() throws {
        let good = Fixture.audio("speech-en.wav"), bad = Fixture.bad("nan.wav")
        let result = try SentioCLI.run(["score", good, bad, "--format", "jsonl"])
        #expect(result.status == 1)
        #expect(result.stderrLines == ["sentio: \(bad): non-finite sample (NaN or Inf) at frame 100"])
        let lines = result.stdoutLines
        #expect(lines.count == 1)
        let row = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        #expect(row["file"] as? String == good)
        let classes = ["angry", "boredom", "disgust", "fearful", "happy", "neutral", "sad"]
        // Printed to six decimals, they sum to exactly 1 (in millionths).
        let millionths = classes.map { Int(((row[$0] as! Double) * 1e6).rounded()) }
        #expect(millionths.reduce(0, +) == 1_000_000, "\(millionths)")
        #expect(classes.contains(row["emotion"] as! String))
        // Windows too short to hold 0.25 s of voiced speech are never scored: said once, up front.
        let short = try SentioCLI.run(["score", good, "--segment", "0.1"])
        #expect(short.status == 0 && short.stderrLines.count == 1 && short.stderr.contains("every segment will be no_speech"), "\(short.stderr)")
        #expect(short.stdoutLines.dropFirst().allSatisfy { $0.contains(",no_speech,") })
    }
}

extension EmotionModelTests {
    /// The bundled model file in the source tree.
    static let bundledPath = Fixture.root.appendingPathComponent("Sources/Sentio/Resources/emotion-model.json").path
}
