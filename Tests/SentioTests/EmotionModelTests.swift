import Foundation
import Testing
@testable import Sentio

/// The model file format and the labelled-corpus reader: everything a wrong answer could come from is refused.
@Suite struct EmotionModelTests {
    /// A small valid model on the eGeMAPS features (88 columns).
    private func smallModel() -> EmotionModel {
        let features = EmotionFeatureConfiguration(sets: [.egemaps])
        let width = features.columns.count
        var random = SeededRandom(seed: 5)
        let layer = DenseLayer(inputs: width, outputs: 3, weights: (0..<(3 * width)).map { _ in random.uniform() - 0.5 },
                               bias: [0.1, -0.2, 0.3], activation: .softmax)
        let classifier = TrainedClassifier(
            standardizer: Standardizer(mean: (0..<width).map(Double.init), scale: Array(repeating: 2, count: width)),
            network: DenseNetwork(layers: [layer]), hyperparameter: 0.1, selectionUAR: [0.5, 0.6])
        return EmotionModel(features: features, classes: ["angry", "neutral", "sad"], normalization: .none, kind: .logreg,
                            classifier: classifier,
                            training: .init(corpus: "test", files: 30, rows: 30, speakers: 3, segmentation: "files",
                                            seed: 0, candidates: [0.01, 0.1], selectionUAR: [0.5, 0.6]))
    }

    private func expectError(_ json: String, containing fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try EmotionModel.decode(json: json, source: "m.json")
            Issue.record("accepted a bad model (expected '\(fragment)')", sourceLocation: sourceLocation)
        } catch {
            #expect(error.description.hasPrefix("m.json: "), sourceLocation: sourceLocation)
            #expect(error.description.contains(fragment), "\(error.description)", sourceLocation: sourceLocation)
            #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
        }
    }

    @Test("a written model reads back identical, and its JSON is deterministic")
    func roundTrip() throws {
        let model = smallModel()
        let json = try model.encodedJSON()
        let back = try EmotionModel.decode(json: json, source: "m.json")
        #expect(back == model)
        #expect(try back.encodedJSON() == json)
    }

    @Test("a model with a non-finite number is not written: one error naming the file, and no file left")
    func nonFiniteModelNotWritten() throws {
        var model = smallModel()
        model.classifier.hyperparameter = .nan
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("m.json").path
        let error = #expect(throws: ModelError.self) { try model.write(to: path) }
        #expect(error?.path == path && error?.message.contains("not finite") == true, "\(String(describing: error))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test("a saved and reloaded model gives identical scores")
    func reloadedScores() throws {
        let model = smallModel()
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("m.json").path
        try model.write(to: path)
        let back = try EmotionModel.load(path: path)
        var random = SeededRandom(seed: 11)
        let x = FeatureMatrix((0..<20).map { _ in (0..<model.features.columns.count).map { _ in 100 * random.uniform() } })
        #expect(back.probabilities(x) == model.probabilities(x))
    }

    @Test("truncated, hand-edited, NaN, unknown-version, foreign and other-configuration files are refused")
    func refusals() throws {
        let json = try smallModel().encodedJSON()
        expectError(String(json.prefix(json.count / 2)), containing: "truncated or malformed JSON")
        expectError("", containing: "truncated or malformed JSON")
        expectError("{\"format\": \"something-else\", \"version\": 1}", containing: "not a Sentio model")
        expectError(json.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 2"),
                    containing: "unknown model format version 2")
        // Hand-edited weight: the bias 0.1 becomes 0.15.
        expectError(json.replacingOccurrences(of: "0.1,\n", with: "0.15,\n"), containing: "checksum mismatch")
        expectError(json.replacingOccurrences(of: "\"kind\" : \"logreg\"", with: "\"kind\" : \"forest\""),
                    containing: "classifier.kind")
        expectError(json.replacingOccurrences(of: "\"classes\"", with: "\"labels\""), containing: "missing field 'classes'")
        let fingerprint = EmotionFeatureConfiguration(sets: [.egemaps]).fingerprint
        expectError(json.replacingOccurrences(of: fingerprint, with: "0123456789abcdef"),
                    containing: "different feature configuration")
        expectError(json.replacingOccurrences(of: "\"sad\"", with: "\"angry\""), containing: "distinct")
        expectError(json.replacingOccurrences(of: "\"sad\"", with: "\"file\""), containing: "class name file is reserved")
    }

    @Test("a clipped model: any value beyond ±clip standard deviations scores as the bound; the bound is stored, checked and covered by the checksum")
    func clipping() throws {
        var model = smallModel()
        model.classifier.clip = 10
        let width = model.features.columns.count
        // Column 3 (mean 3, scale 2): +1e6 standard deviations scores as +10; in range, nothing changes.
        var far = (0..<width).map(Double.init), bound = far, near = far
        far[3] = 3 + 2e6
        bound[3] = 3 + 20
        near[3] = 3 + 2
        var unclipped = model
        unclipped.classifier.clip = nil
        let p = model.probabilities(FeatureMatrix([far, bound, near]))
        #expect(p.row(0) == p.row(1))
        #expect(p.row(2) == unclipped.probabilities(FeatureMatrix([near])).row(0))
        #expect(unclipped.probabilities(FeatureMatrix([far])).row(0) != p.row(0))
        let json = try model.encodedJSON()
        #expect(json.contains("\"clip\" : 10"))
        #expect(try EmotionModel.decode(json: json, source: "m.json") == model)
        expectError(json.replacingOccurrences(of: "\"clip\" : 10", with: "\"clip\" : 5"), containing: "checksum mismatch")
        expectError(json.replacingOccurrences(of: "\"clip\" : 10", with: "\"clip\" : -1"), containing: "clip must be")
        // A model written before clipping existed (no clip field) loads unclipped.
        #expect(try EmotionModel.decode(json: try unclipped.encodedJSON(), source: "m.json").classifier.clip == nil)
    }

    @Test("the README's library example runs: eGeMAPS by openSMILE's names, and emotion scores per 2 s window")
    func readmeLibraryExample() throws {
        let path = Fixture.audio("speech-en.wav")
        var f0: Float?
        let egemaps = SegmentFeatureExtractor(options: SegmentExtractionOptions(
            frames: FeatureExtractionOptions(sets: [.egemaps], preset: .kaldi)))
        try egemaps.process(path: path) { row in
            let values = Dictionary(uniqueKeysWithValues: zip(egemaps.columns, row.values))
            f0 = values["F0semitoneFrom27.5Hz_sma3nz_amean"]!
        }
        #expect(try #require(f0) > 10 && f0! < 50)
        let scorer = EmotionScorer(model: try EmotionModel.bundled(), segmentation: .windows(length: 2, hop: 2))
        let scores = try scorer.score(path: path)
        #expect(scores.map(\.start) == [0, 2, 4])
        let scored = scores.compactMap(\.probabilities)
        #expect(scored.count >= 2)
        for p in scored { #expect(abs(p.reduce(0, +) - 1) < 1e-9) }
    }

    @Test("a corpus built in code with its own minimum per class keeps that minimum when restricted to some classes")
    func corpusMinimum() throws {
        let items = ["a", "b", "c"].flatMap { label in (0..<3).map { LabelledCorpus.Item(path: "\(label)\($0).wav", label: label) } }
        #expect(throws: CorpusError.self) { try LabelledCorpus(items: items) }
        let corpus = try LabelledCorpus(items: items, minimumPerClass: 3)
        #expect(try corpus.restricted(to: ["a", "b"]).requiredPerClass == 3)
    }

    @Test("samples in memory give the rows and scores of the file they came from; a NaN sample is the file's error")
    func inMemory() throws {
        let path = Fixture.audio("speech-en.wav")
        var samples: [Float] = []
        try AudioStream(path: path).forEachChunk { samples.append(contentsOf: $0) }
        let extractor = SegmentFeatureExtractor(options: SegmentExtractionOptions(
            frames: FeatureExtractionOptions(sets: [.egemaps, .mfcc], preset: .kaldi), segmentation: .windows(length: 1, hop: 0.5)))
        var fromFile: [[Float]] = [], fromMemory: [[Float]] = []
        try extractor.process(path: path) { fromFile.append([Float($0.start), Float($0.end)] + Array($0.values)) }
        let summary = try extractor.process(samples: samples, sampleRate: 16_000) { fromMemory.append([Float($0.start), Float($0.end)] + Array($0.values)) }
        #expect(fromFile.count == 9 && fromMemory == fromFile)
        #expect(summary.extraction.info.duration == Double(samples.count) / 16000)
        let scorer = EmotionScorer(model: try EmotionModel.bundled(), segmentation: .windows(length: 2, hop: 2))
        #expect(try scorer.score(samples: samples, sampleRate: 16_000, name: "live") == scorer.score(path: path))
        var bad = samples
        bad[1234] = .nan
        #expect(throws: AudioError(path: "live", kind: .nonFiniteSample(frame: 1234))) {
            try extractor.process(samples: bad, sampleRate: 16_000, name: "live") { _ in }
        }
        #expect(throws: ScoringError.self) { try scorer.score(samples: bad, sampleRate: 16_000, name: "live") }

        // Samples at another rate are resampled as the file they came from is.
        let flac = Fixture.audio("speech-en-22k05.flac")
        let native = try AudioStream.readAll(path: flac, options: .init(sampleRate: nil))
        var fromFlac: [[Float]] = [], fromNative: [[Float]] = []
        try extractor.process(path: flac) { fromFlac.append([Float($0.start), Float($0.end)] + Array($0.values)) }
        try extractor.process(samples: native, sampleRate: 22_050) { fromNative.append([Float($0.start), Float($0.end)] + Array($0.values)) }
        #expect(!fromFlac.isEmpty && fromNative == fromFlac)
        #expect(throws: AudioError(path: "live", kind: .sampleRateOutOfRange(0))) {
            try extractor.process(samples: samples, sampleRate: 0, name: "live") { _ in }
        }
    }

    @Test("scoring files together: each file's scores are its own (a model without group normalisation), a bad file fails alone")
    func scoreTogether() throws {
        let model = try EmotionModel.bundled()
        let paths = [Fixture.audio("speech-en.wav"), Fixture.bad("nan.wav"), Fixture.audio("speech-en-2.wav")]
        let results = model.score(paths: paths, groups: ["a", "a", "b"], segmentation: .windows(length: 2, hop: 2), jobs: 2)
        let scorer = EmotionScorer(model: model, segmentation: .windows(length: 2, hop: 2))
        #expect(try results[0].get().scores == scorer.score(path: paths[0]))
        #expect(try results[2].get().scores == scorer.score(path: paths[2]))
        #expect(try results[0].get().seconds == 75076.0 / 16000)
        guard case .failure(let error) = results[1] else { Issue.record("a NaN file was scored"); return }
        #expect(error.message.contains("non-finite sample"))
    }

    @Test("a model that normalises nothing scores a file segment by segment as it streams: the same scores as from its table")
    func streamedScores() throws {
        let model = try EmotionModel.bundled()
        for segmentation in [Segmentation.windows(length: 1, hop: 0.25), .voiceActivity(VoiceActivityOptions()), .wholeFile] {
            let scorer = EmotionScorer(model: model, segmentation: segmentation)
            for clip in ["speech-en.wav", "speech-en-22k05.flac", "silence-16k.wav"] {
                let path = Fixture.audio(clip)
                let streamed = try scorer.scoreFile(path: path)
                #expect(streamed.scores == (try scorer.score(path: path)), "\(clip), \(segmentation)")
                #expect(streamed.seconds == (try scorer.extract(path: path)).audioSeconds)
            }
        }
        let scorer = EmotionScorer(model: model, segmentation: .wholeFile)
        #expect(throws: ScoringError.self) { try scorer.scoreFile(path: Fixture.bad("nan.wav")) }
    }

    @Test("scoreFile asks `stopping` after every frame and gives up the file at the first yes, streamed or from a table")
    func stoppingMidFile() throws {
        var fileNormalised = try EmotionModel.bundled()
        fileNormalised.normalization = .file
        let path = Fixture.audio("speech-en.wav")  // 4.7 s: 469 frames
        for model in [try EmotionModel.bundled(), fileNormalised] {
            let scorer = EmotionScorer(model: model, segmentation: .windows(length: 1, hop: 1))
            var asked = 0
            let error = #expect(throws: ScoringError.self) {
                try scorer.scoreFile(path: path, stopping: { asked += 1; return asked == 100 })
            }
            #expect(error?.message == "\(path): stopped before the end of the file")
            #expect(asked == 100, "\(model.normalization)")
            // A no every time changes nothing.
            let asking = try scorer.scoreFile(path: path, stopping: { false })
            #expect(asking == (try scorer.scoreFile(path: path)))
            #expect(asking.scores.count == 5)
        }
    }

    @Test("NaN or infinite weights never load: JSON cannot spell them, so they arrive as malformed JSON")
    func nanWeights() throws {
        let json = try smallModel().encodedJSON()
        let weight = String(smallModel().classifier.network.layers[0].weights[7])
        #expect(json.contains(weight))
        expectError(json.replacingOccurrences(of: weight, with: "NaN"), containing: "malformed JSON")
        expectError(json.replacingOccurrences(of: weight, with: "-1e400"), containing: "malformed JSON")
        expectError(json.replacingOccurrences(of: "-0.2", with: "1e999"), containing: "malformed JSON")
    }

    @Test("the bundled model loads: 7 EmoDB classes on the standard features, no normalisation")
    func bundled() throws {
        let model = try EmotionModel.bundled()
        #expect(model.classes == ["angry", "boredom", "disgust", "fearful", "happy", "neutral", "sad"])
        #expect(model.features == .standard)
        #expect(model.normalization == .none)
        #expect(model.training.files == 535)
    }

    @Test("scoring with the bundled model: probabilities sum to 1 on speech; silence is no_speech")
    func scorer() throws {
        let scorer = EmotionScorer(model: try EmotionModel.bundled(), segmentation: .windows(length: 1, hop: 1))
        let speech = try scorer.score(path: Fixture.audio("speech-en.wav"))
        #expect(speech.count == 5)
        let scored = speech.compactMap(\.probabilities)
        #expect(scored.count >= 3)
        for p in scored { #expect(abs(p.reduce(0, +) - 1) < 1e-9 && p.allSatisfy { $0 >= 0 }) }
        let silence = try scorer.score(path: Fixture.audio("silence-16k.wav"))
        #expect(!silence.isEmpty && silence.allSatisfy { $0.emotion == EmotionScorer.noSpeech && $0.probabilities == nil })
        #expect(throws: ScoringError.self) { try scorer.score(path: Fixture.bad("nan.wav")) }
    }
}

/// The labels-table reader.
@Suite struct LabelledCorpusTests {
    /// A corpus folder with `wav/` holding links to fixtures and a labels.csv with `text`.
    private func corpus(_ labels: String, files: [String] = ["speech-en.wav", "speech-en-2.wav"]) throws -> URL {
        let dir = try Fixture.temporaryDirectory()
        let wav = dir.appendingPathComponent("wav")
        try FileManager.default.createDirectory(at: wav, withIntermediateDirectories: true)
        for f in files {
            try FileManager.default.createSymbolicLink(atPath: wav.appendingPathComponent(f).path, withDestinationPath: Fixture.audio(f))
        }
        try labels.write(to: dir.appendingPathComponent("labels.csv"), atomically: true, encoding: .utf8)
        return dir
    }

    @Test("a corpus folder: audio under wav/, classes sorted, speakers read")
    func loads() throws {
        // Ten rows need ten files: each is a copy of the same fixture (links to one file would be one file).
        let files = (0..<10).map { "c\($0).wav" }
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("wav"), withIntermediateDirectories: true)
        for f in files {
            try FileManager.default.copyItem(atPath: Fixture.audio("speech-en.wav"), toPath: dir.appendingPathComponent("wav/\(f)").path)
        }
        let table = "file,emotion,speaker\n" + files.indices.map { "\(files[$0]),\($0 < 5 ? "sad" : "angry"),s\($0 % 3)" }.joined(separator: "\n")
        try table.write(to: dir.appendingPathComponent("labels.csv"), atomically: true, encoding: .utf8)
        let corpus = try LabelledCorpus.load(directory: dir.path)
        #expect(corpus.classes == ["angry", "sad"])
        #expect(corpus.items.count == 10 && corpus.hasSpeakers)
        #expect(corpus.items[0].path == dir.appendingPathComponent("wav/c0.wav").path)
        #expect(corpus.items[0].label == "sad" && corpus.items[0].speaker == "s0")
        // A table that writes the wav/ folder in its paths names the same files.
        let prefixed = "file,emotion,speaker\n" + files.indices.map { "wav/\(files[$0]),\($0 < 5 ? "sad" : "angry"),s\($0 % 3)" }.joined(separator: "\n")
        try prefixed.write(to: dir.appendingPathComponent("labels.csv"), atomically: true, encoding: .utf8)
        #expect(try LabelledCorpus.load(directory: dir.path).items.map(\.path) == corpus.items.map(\.path))
    }

    @Test("--classes keeps its classes before the size check; a folder is not a file; shared files are found")
    func restrictionFoldersAndOverlap() throws {
        let files = (0..<10).map { "c\($0).wav" }
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let wav = dir.appendingPathComponent("wav")
        try FileManager.default.createDirectory(at: wav.appendingPathComponent("sub"), withIntermediateDirectories: true)
        for f in files { try FileManager.default.copyItem(atPath: Fixture.audio("speech-en.wav"), toPath: wav.appendingPathComponent(f).path) }
        try FileManager.default.copyItem(atPath: Fixture.audio("speech-en.wav"), toPath: wav.appendingPathComponent("rare.wav").path)
        // Five sad, five angry, one happy: only a restriction that leaves the rare class out can load.
        let rows = (0..<10).map { "c\($0).wav,\($0 < 5 ? "sad" : "angry")" } + ["rare.wav,happy"]
        try ("file,emotion\n" + rows.joined(separator: "\n")).write(to: dir.appendingPathComponent("labels.csv"), atomically: true, encoding: .utf8)
        #expect(throws: CorpusError.self) { try LabelledCorpus.load(directory: dir.path) }
        let kept = try LabelledCorpus.load(directory: dir.path, keeping: ["sad", "angry"])
        #expect(kept.classes == ["angry", "sad"] && kept.items.count == 10)
        #expect(throws: CorpusError(path: dir.appendingPathComponent("labels.csv").path,
                                    message: "no items of class fear (classes: angry, happy, sad)")) {
            try LabelledCorpus.load(directory: dir.path, keeping: ["sad", "fear"])
        }
        try "file,emotion\nsub,sad\n".write(to: dir.appendingPathComponent("labels.csv"), atomically: true, encoding: .utf8)
        #expect(throws: CorpusError(path: dir.appendingPathComponent("labels.csv").path,
                                    message: "line 2: unknown file sub (\(wav.path)/sub is a folder, not an audio file)")) {
            try LabelledCorpus.load(directory: dir.path)
        }
        // A test corpus naming one of the training files through a link shares it.
        let link = dir.appendingPathComponent("link.wav").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: wav.appendingPathComponent("c2.wav").path)
        let test = try LabelledCorpus(items: [LabelledCorpus.Item(path: link, label: "sad"), LabelledCorpus.Item(path: Fixture.audio("speech-en.wav"), label: "angry")],
                                      minimumPerClass: 1)
        #expect(test.sharedFiles(with: kept) == [link])
        #expect(kept.sharedFiles(with: try LabelledCorpus(items: [LabelledCorpus.Item(path: Fixture.audio("speech-en.wav"), label: "a"),
                                                                 LabelledCorpus.Item(path: Fixture.audio("speech-en-2.wav"), label: "b")],
                                                         minimumPerClass: 1)) == nil)
    }

    @Test("missing columns, unknown files, duplicates and too-small classes are one-line errors naming the cause")
    func errors() throws {
        func message(_ labels: String) throws -> String {
            let dir = try corpus(labels)
            defer { try? FileManager.default.removeItem(at: dir) }
            do {
                _ = try LabelledCorpus.load(directory: dir.path)
                return "accepted"
            } catch {
                return error.message
            }
        }
        #expect(try message("file,label\nspeech-en.wav,sad\n").hasPrefix("missing column 'emotion'"))
        #expect(try message("name,mood\n").hasPrefix("missing column 'file' and 'emotion'"))
        #expect(try message("file,emotion\nnope.wav,sad\n") .hasPrefix("line 2: unknown file nope.wav"))
        #expect(try message("file,emotion\nspeech-en.wav,sad\nspeech-en.wav,sad\n")
                == "line 3: speech-en.wav is listed twice: line 2 names the same file")
        #expect(try message("file,emotion\nspeech-en.wav,sad\n./speech-en.wav,sad\n")
                == "line 3: ./speech-en.wav is listed twice: line 2 names the same file (as speech-en.wav)")
        // Another name of the same file: the absolute path of the link's target.
        #expect(try message("file,emotion\nspeech-en.wav,sad\n\(Fixture.audio("speech-en.wav")),angry\n")
                == "line 3: \(Fixture.audio("speech-en.wav")) is listed twice: line 2 names the same file (as speech-en.wav)")
        #expect(try message("file,emotion\nnope.wav,sad\nspeech-en.wav,sad\nnope2.wav,sad\n")
                .hasSuffix("; 1 more of the 3 rows name missing files"))
        #expect(try message("file;emotion\nspeech-en.wav;sad\n").hasSuffix("(columns: file;emotion; the table looks semicolon-separated, and labels are read as comma-separated CSV)"))
        #expect(try message("file,emotion,emotion\nspeech-en.wav,sad,sad\n") == "column 'emotion' appears twice in the header")
        #expect(try message("file,emotion\nspeech-en.wav,\"s\nad\"\nspeech-en-2.wav,sad\n") == "class name \"s\\nad\" contains a line break or control character")
        // A line of spaces is blank, not a row of one field.
        #expect(try message("file,emotion\nspeech-en.wav,sad\n   \nspeech-en-2.wav,angry\n") == "classes with fewer than 5 examples: angry (1), sad (1)")
        #expect(try message("file,emotion\nspeech-en.wav,Sad\nspeech-en-2.wav,sad\n")
                == "classes Sad, sad differ only in case (labels are compared exactly): write them one way")
        #expect(try message("file,emotion\nspeech-en.wav,sad\nspeech-en-2.wav,\n") == "line 3: speech-en-2.wav has no emotion label")
        #expect(try message("file,emotion\nspeech-en.wav,sad\nspeech-en-2.wav,angry\n")
                == "classes with fewer than 5 examples: angry (1), sad (1)")
        #expect(throws: CorpusError(path: "/nonexistent", message: "no such folder")) {
            try LabelledCorpus.load(directory: "/nonexistent")
        }
        // Class names that would collide with score's fixed columns or its no-speech label.
        #expect(try message("file,emotion\nspeech-en.wav,file\nspeech-en-2.wav,sad\n").hasPrefix("class name file is reserved"))
        let items = ["a", "b", "c", "d", "e"].flatMap { n in ["no_speech", "emotion"].map { LabelledCorpus.Item(path: n + $0, label: $0) } }
        #expect(throws: CorpusError(path: "x.csv", message: "class names emotion, no_speech are reserved (score's output has the columns file, start, end and emotion, and the label no_speech)")) {
            try LabelledCorpus(items: items, source: "x.csv")
        }
    }
}
