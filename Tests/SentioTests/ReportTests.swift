import Foundation
import Testing
@testable import Sentio

/// HTML report pages: the data they draw, their decimation and size bounds, self-containment, and the
/// `report` and `evaluate --report` commands.
@Suite("Reports (HTML pages)")
struct ReportTests {
    @Test("envelope decimation keeps every bucket's extremes and the total duration")
    func envelopeDecimation() {
        var lo = [Float](repeating: -0.1, count: 1000), hi = [Float](repeating: 0.1, count: 1000)
        lo[537] = -0.9
        hi[999] = 0.8
        let envelope = WaveformEnvelope(bucketSeconds: 0.01, minimum: lo, maximum: hi).decimated(to: 300)
        #expect(envelope.minimum.count <= 300 && envelope.minimum.count >= 250)
        #expect(envelope.minimum.min() == -0.9 && envelope.maximum.max() == 0.8)
        #expect(abs(envelope.bucketSeconds * Double(envelope.minimum.count) - 10) < envelope.bucketSeconds)
        // Short envelopes are left as they are.
        #expect(WaveformEnvelope(bucketSeconds: 0.01, minimum: [0], maximum: [0]).decimated(to: 10).minimum == [0])
    }

    @Test("the envelope of a file has its true peaks: a full-scale tone reaches about ±1, silence 0")
    func envelopeOfFiles() throws {
        let tone = try WaveformEnvelope(path: Fixture.audio("tone-440-16k.wav"))
        let info = try AudioFile(path: Fixture.audio("tone-440-16k.wav")).info
        #expect(abs(Double(tone.minimum.count) * tone.bucketSeconds - info.duration) <= tone.bucketSeconds)
        #expect(tone.maximum.max()! > 0.3 && tone.minimum.min()! < -0.3)
        #expect(abs(tone.maximum.max()! + tone.minimum.min()!) < 0.01)  // a sine is symmetric
        let silence = try WaveformEnvelope(path: Fixture.audio("silence-16k.wav"))
        #expect(silence.maximum.allSatisfy { $0 == 0 } && silence.minimum.allSatisfy { $0 == 0 })
        #expect(throws: AudioError.self) { try WaveformEnvelope(path: Fixture.bad("truncated.wav")) }
    }

    @Test("contour decimation averages defined values and leaves a gap where under a third is defined")
    func contourDecimation() {
        // 12 values in buckets of 3: [1 2 3] -> 2, [nan nan 6] -> 6 (a third), [nan nan nan] -> gap, [4 nan 8] -> 6.
        let c = Contour(start: 0.005, step: 0.01, values: [1, 2, 3, .nan, .nan, 6, .nan, .nan, .nan, 4, .nan, 8])
        let d = c.decimated(to: 4)
        #expect(d.values.count == 4)
        #expect(d.values[0] == 2 && d.values[1] == 6 && d.values[2].isNaN && d.values[3] == 6)
        #expect(abs(d.step - 0.03) < 1e-12 && abs(d.time(0) - 0.015) < 1e-12)  // the middle of frames 0-2
    }

    @Test("nice ticks are round, evenly spaced and cover the range")
    func ticks() {
        #expect(niceTicks(0...4.69, count: 10) == [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5])
        #expect(niceTicks(0...600, count: 10) == [0, 100, 200, 300, 400, 500, 600])
        #expect(niceTicks(-0.6...0.6, count: 4).contains(0))
        #expect(timeTicks(0...600, count: 10) == [0, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600])
        #expect(timeTicks(0...5400, count: 10) == (0...9).map { Double($0) * 600 })
        #expect(timeTicks(0...4.69, count: 10) == niceTicks(0...4.69, count: 10))
        #expect([0, 0.05, 0.1].map { tickLabel($0, step: 0.05) } == ["0.00", "0.05", "0.10"])
        #expect(tickLabel(-0.5, step: 0.5) == "-0.5" && tickLabel(200, step: 100) == "200" && tickLabel(-0.0001, step: 0.5) == "0.0")
        // Labels beyond an Int's range, or of non-finite values, fall back to Swift's form instead of trapping.
        #expect(tickLabel(3e29, step: 1e29) == "3e+29" && tickLabel(.infinity, step: 1) == "inf")
        #expect(tickLabel(.nan, step: .nan) == "nan" && tickLabel(1e-300, step: 1e-300) == "0.000000000000")
        #expect(timeLabel(125, span: 600) == "2:05" && timeLabel(2.5, span: 4) == "2.5")
        #expect(escapeHTML("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;")
    }

    @Test("palette: named emotions keep their colour, others get distinct unused colours")
    func palette() {
        let colours = ReportPalette.colours(for: ["angry", "happy", "sad", "neutral", "x", "y"])
        #expect(colours[0] == "#D55E00" && colours[2] == "#0072B2")
        #expect(Set(colours).count == colours.count)
    }

    /// A synthetic report of `seconds` of audio: a gliding F0 voiced 70 % of the time, windows of 2 s every 1 s.
    private func syntheticReport(seconds: Double) -> RecordingReport {
        let frames = Int(seconds * 100), classes = ["angry", "boredom", "disgust", "fearful", "happy", "neutral", "sad"]
        let f0 = (0..<frames).map { i -> Float in i % 10 < 7 ? 120 + 40 * sin(Float(i) / 50) : .nan }
        let loudness = (0..<frames).map { Float(1 + sin(Double($0) / 7)) }
        let buckets = Int(seconds * 100)
        let envelope = WaveformEnvelope(bucketSeconds: 0.01, minimum: (0..<buckets).map { -Float($0 % 97) / 100 },
                                        maximum: (0..<buckets).map { Float($0 % 89) / 100 })
        var segments: [SegmentScore] = []
        var start = 0.0
        while start + 1 < seconds {
            let k = Int(start) % classes.count
            var p = Array(repeating: 0.3 / Double(classes.count - 1), count: classes.count)
            p[k] = 0.7
            let scored = Int(start) % 13 != 5
            segments.append(SegmentScore(start: start, end: min(start + 2, seconds), voicedSeconds: scored ? 1.4 : 0.1,
                                         probabilities: scored ? p : nil, emotion: scored ? classes[k] : "no_speech"))
            start += 1
        }
        let info = AudioInfo(path: "long.wav", container: "wav", encoding: "pcm_s16", sampleRate: 16_000, channels: 1,
                             frames: Int64(seconds * 16_000))
        return RecordingReport(path: "corpus/long & \"odd\" <name>.wav", info: info, duration: seconds, envelope: envelope,
                               pitch: Contour(start: 0.0125, step: 0.01, values: f0),
                               loudness: Contour(start: 0.0125, step: 0.01, values: loudness),
                               classes: classes, segments: segments, segmentation: "windows 2.0/1.0 s")
    }

    @Test("summary figures: voiced-time-weighted dominant emotion, voiced ratio, labelled seconds sum to the duration")
    func summaryFigures() {
        let report = syntheticReport(seconds: 60)
        #expect(abs(report.speechRatio - 0.7) < 0.01)
        let seconds = report.secondsByLabel
        #expect(seconds.count == 8 && abs(seconds.reduce(0, +) - 60) < 1e-6)
        let mean = report.meanProbabilities!
        #expect(abs(mean.reduce(0, +) - 1) < 1e-9)
        #expect(report.dominantEmotion == report.classes[mean.indices.max { mean[$0] < mean[$1] }!])
        let empty = RecordingReport(path: "s.wav", info: report.info, duration: 1, envelope: report.envelope,
                                    pitch: Contour(start: 0, step: 0.01, values: []), loudness: Contour(start: 0, step: 0.01, values: []),
                                    classes: report.classes, segments: [], segmentation: "vad")
        #expect(empty.dominantEmotion == "no_speech" && empty.meanProbabilities == nil && empty.speechRatio == 0)
    }

    @Test("a 10-minute recording's page is self-contained, escapes its text, and stays under 2 MB")
    func pageSizeAndContainment() {
        let page = recordingPage(syntheticReport(seconds: 600), model: "test model")
        #expect(page.utf8.count < 2_000_000, "\(page.utf8.count) bytes")
        #expect(page.utf8.count > 50_000)  // the curves and 599 segments are really drawn
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        // Self-contained: no scripts, no external resources; the only URL is the SVG namespace.
        #expect(!page.contains("<script") && !page.contains("src=") && !page.contains("<link"))
        #expect(page.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http") == false)
        #expect(page.contains("long &amp; &quot;odd&quot; &lt;name&gt;.wav") && !page.contains("<name>"))
        // Summary bars, waveform, pitch, loudness and emotions.
        #expect(page.components(separatedBy: "<svg ").count - 1 == 5)
        for label in ["F0 (Hz)", "loudness", "amplitude", "probability", "time (min:s)"] { #expect(page.contains(label), "\(label)") }
        // Decimated: the pitch path has at most one point per plot pixel, not one per frame.
        let pitchSVG = page.components(separatedBy: "<svg ")[3]
        #expect(pitchSVG.filter { $0 == "L" }.count < 1000)
        #expect(page.contains("no speech (not scored)"))
        // The segment table gives minutes and seconds on a long recording (segment 125-127 s is 2:05.00-2:07.00);
        // a page on its own has no link to an index, a page of `sentio report` links to it.
        #expect(page.contains("<th class=\"num\">start (min:s)</th>") && page.contains(">2:05.00</td><td class=\"num\">2:07.00</td>"))
        #expect(!page.contains("<nav>"))
        #expect(recordingPage(syntheticReport(seconds: 60), model: "m", index: "index.html")
            .contains("<nav><a href=\"index.html\">← all recordings</a></nav>"))
    }

    @Test("evaluation page: one heat-map cell per class pair, recall bars with UAR, counts table")
    func evaluationPageContent() {
        let report = ClassificationReport(classes: ["angry", "sad", "neutral"], truth: [0, 0, 0, 1, 1, 2, 2, 2],
                                          predicted: [0, 0, 1, 1, 1, 2, 0, 2])
        let page = evaluationPage(report, settings: [("protocol", "loso")])
        #expect(page.contains("UAR (mean per-class recall)") && page.contains(percentText(report.uar)))
        #expect(page.components(separatedBy: "of the row)</title>").count - 1 == 9)
        #expect(page.contains("true angry, predicted sad: 1 (33.3 % of the row)"))
        #expect(page.contains(">UAR</text>") && page.contains(">chance</text>"))
        #expect(!page.contains("<script"))
    }

    @Test("sentio report: a page per input, index.csv and index.html naming failures, exit 1 for a bad file")
    func reportCommand() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("report").path
        let inputs = [Fixture.audio("speech-en.wav"), Fixture.audio("silence-16k.wav"), Fixture.bad("nan.wav")]
        let result = try SentioCLI.run(["report", "--progress", "never", "-o", out] + inputs)
        #expect(result.status == 1)
        #expect(result.stderrLines.count == 1 && result.stderrLines[0].hasPrefix("sentio: \(Fixture.bad("nan.wav")): "))
        let index = try CSVTable(parsing: String(contentsOfFile: out + "/index.csv", encoding: .utf8))
        #expect(index.rows.map { $0[1] } == ["speech-en.html", "silence-16k.html"])
        #expect(index.rows[1][4] == "no_speech" && index.rows[1][5] == "0.0")
        // The CSV scores of the same file agree with the page's index line.
        let scores = try SentioCLI.run(["score", "--vad", Fixture.audio("speech-en.wav")]).stdoutLines.dropFirst()
        #expect(index.rows[0][2] == "\(scores.count)")
        let page = try String(contentsOfFile: out + "/speech-en.html", encoding: .utf8)
        #expect(page.components(separatedBy: "<svg ").count - 1 == 5 && !page.contains("<script"))
        let html = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        #expect(html.contains("href=\"speech-en.html\"") && html.contains("href=\"silence-16k.html\""))
        #expect(html.contains("1 input failed") && html.contains("nan.wav"))
        #expect(!FileManager.default.fileExists(atPath: out + "/nan.html"))

        // Usage errors: no -o; an output that is a file.
        #expect(try SentioCLI.run(["report", Fixture.audio("speech-en.wav")]).status == 2)
        let file = dir.appendingPathComponent("file").path
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let notFolder = try SentioCLI.run(["report", "-o", file, Fixture.audio("speech-en.wav")])
        #expect(notFolder.status == 3 && notFolder.stderrLines.count == 1 && notFolder.stderr.contains("not a folder"))
    }

    @Test("an input named index.* gets a page of its own, not the index page's name or another input's")
    func indexNameClash() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("index.wav").path, sub = dir.appendingPathComponent("b")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let b = sub.appendingPathComponent("index-2.wav").path
        try FileManager.default.copyItem(atPath: Fixture.audio("speech-en.wav"), toPath: a)
        try FileManager.default.copyItem(atPath: Fixture.audio("speech-en-2.wav"), toPath: b)
        let out = dir.appendingPathComponent("out").path
        #expect(try SentioCLI.run(["report", "--progress", "never", "-o", out, a, b]).status == 0)
        let index = try CSVTable(parsing: String(contentsOfFile: out + "/index.csv", encoding: .utf8))
        let pages = index.rows.map { $0[1] }
        #expect(Set(pages).count == 2 && !pages.contains("index.html"))
        #expect(try String(contentsOfFile: out + "/index.html", encoding: .utf8).contains("Sentio report: 2 recordings"))
    }

    @Test("report shards merge into the single run's folder, index page included")
    func reportShards() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inputs = [Fixture.audio("speech-en.wav"), Fixture.audio("speech-en-2.wav"), Fixture.audio("tone-440-16k.wav")]
        let whole = dir.appendingPathComponent("whole").path, merged = dir.appendingPathComponent("merged").path
        #expect(try SentioCLI.run(["report", "--segment", "1", "-o", whole] + inputs).status == 0)
        var parts: [String] = []
        for k in 0..<2 {
            let part = dir.appendingPathComponent("part\(k)").path
            #expect(try SentioCLI.run(["report", "--segment", "1", "--shard", "\(k)/2", "-o", part] + inputs).status == 0)
            parts.append(part)
        }
        let merge = try SentioCLI.run(["merge"] + parts + ["-o", merged])
        #expect(merge.status == 0, "\(merge.stderr)")
        for name in ["index.csv", "index.html", "speech-en.html", "speech-en-2.html", "tone-440-16k.html"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: whole + "/" + name))
            let b = try Data(contentsOf: URL(fileURLWithPath: merged + "/" + name))
            #expect(a == b, "\(name)")
        }
    }

    @Test("evaluate --report writes the heat map and recall page next to the text report")
    func evaluateReport() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var labels = "file,emotion\n"
        for f in EmotionCommandTests.tones { labels += "\(f),tonal\n" }
        for f in EmotionCommandTests.speech { labels += "\(f),spoken\n" }
        let csv = dir.appendingPathComponent("labels.csv").path
        try labels.write(toFile: csv, atomically: true, encoding: .utf8)
        let folder = dir.appendingPathComponent("eval").path
        let result = try SentioCLI.run(["evaluate", "--labels", csv, "--audio-root", Fixture.path("audio"), "--features", "mfcc",
                                        "--protocol", "kfold", "--folds", "3", "--report", folder])
        #expect(result.status == 0, "\(result.stderr)")
        let page = try String(contentsOfFile: folder + "/evaluation.html", encoding: .utf8)
        #expect(page.components(separatedBy: "of the row)</title>").count - 1 == 4)
        let uar = result.stdoutLines.first { $0.hasPrefix("UAR ") }!.split(separator: " ")[1]
        #expect(page.contains("<dd>\(uar) %</dd>"))
        // An unwritable report folder fails at once, before any extraction.
        let blocked = try SentioCLI.run(["evaluate", "--labels", csv, "--audio-root", Fixture.path("audio"), "--report", csv])
        #expect(blocked.status == 3 && blocked.stderrLines.count == 1 && blocked.stderr.contains("not a folder"))
    }
}
