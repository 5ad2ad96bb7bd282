import Foundation
import Testing
@testable import Sentio

@Suite("Annotations (TextGrid, Audacity)")
struct AnnotationTests {
    private func score(_ start: Double, _ end: Double, _ emotion: String, _ p: Double?) -> SegmentScore {
        SegmentScore(start: start, end: end, voicedSeconds: 1, probabilities: p.map { [$0, 1 - $0] }, emotion: emotion)
    }

    @Test("intervals are contiguous over 0..duration: gaps become no_speech, overlaps split at their middle")
    func intervals() {
        let scores = [score(0.5, 1.5, "angry", 0.9), score(1.0, 2.0, "sad", 0.8), score(3.0, 4.0, "happy", 0.7)]
        let intervals = labelIntervals(scores, duration: 5)
        #expect(intervals.map(\.label) == ["no_speech", "angry", "sad", "no_speech", "happy", "no_speech"])
        #expect(intervals.map(\.start) == [0, 0.5, 1.25, 2, 3, 4])
        #expect(intervals.map(\.end) == [0.5, 1.25, 2, 3, 4, 5])
        #expect(intervals[1].probability == 0.9 && intervals[0].probability == nil)
        // Windows past the end of the audio are clipped; no empty intervals.
        let clipped = labelIntervals([score(0, 1, "a", 0.6), score(0.5, 1.5, "b", 0.6)], duration: 1.2)
        #expect(clipped.map(\.end).last == 1.2 && clipped.allSatisfy { $0.end > $0.start })
    }

    @Test("the TextGrid holds both tiers with every interval's bounds and label")
    func textGridText() {
        let intervals = labelIntervals([score(0.25, 1, "an\"gry", 0.875)], duration: 2)
        let text = textGrid(intervals, duration: 2)
        #expect(text.hasPrefix("File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n"))
        #expect(text.contains("size = 2") && text.components(separatedBy: "intervals: size = 3").count == 3)
        #expect(text.contains("xmin = 0.25\n            xmax = 1.0\n            text = \"an\"\"gry\""))
        #expect(text.contains("text = \"0.88\""))
    }

    @Test("Audacity labels: three tab-separated fields per line, seconds with six decimals")
    func audacity() {
        let text = audacityLabels([score(0, 1.5, "angry", 0.75), score(1.5, 2.25, "no_speech", nil)])
        let lines = text.split(separator: "\n")
        #expect(lines == ["0.000000\t1.500000\tangry 0.75", "1.500000\t2.250000\tno_speech"])
    }

    @Test("score --format textgrid|audacity: one file per input whose labels are the CSV's segments")
    func command() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inputs = [Fixture.audio("speech-en.wav"), Fixture.audio("speech-en-2.wav"), Fixture.bad("nan.wav")]
        let csv = try SentioCLI.run(["score", "--vad"] + inputs)
        #expect(csv.status == 1)
        let rows = csv.stdoutLines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let tg = dir.appendingPathComponent("tg").path, au = dir.appendingPathComponent("au").path
        #expect(try SentioCLI.run(["score", "--vad", "--format", "textgrid", "-o", tg] + inputs).status == 1)
        #expect(try SentioCLI.run(["score", "--vad", "--format", "audacity", "-o", au] + inputs).status == 1)
        #expect(try String(contentsOfFile: tg + "/index.csv", encoding: .utf8).split(separator: "\n").count == 3)
        for (input, stem) in zip(inputs.prefix(2), ["speech-en", "speech-en-2"]) {
            let mine = rows.filter { $0[0] == input }
            #expect(!mine.isEmpty)
            let labels = try String(contentsOfFile: "\(au)/\(stem).txt", encoding: .utf8).split(separator: "\n")
            #expect(labels.count == mine.count)
            for (line, row) in zip(labels, mine) {
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
                #expect(fields.count == 3)
                #expect(abs(Double(fields[0])! - Double(row[1])!) < 1e-6 && abs(Double(fields[1])! - Double(row[2])!) < 1e-6)
                #expect(fields[2].hasPrefix(row[3]))
            }
            let grid = try String(contentsOfFile: "\(tg)/\(stem).TextGrid", encoding: .utf8)
            for row in mine where row[3] != "no_speech" {
                #expect(grid.contains("xmin = \(Double(row[1])!)\n            xmax = \(Double(row[2])!)\n            text = \"\(row[3])\""), "\(row)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: tg + "/nan.TextGrid"))
        #expect(try SentioCLI.run(["score", "--format", "textgrid", Fixture.audio("speech-en.wav")]).status == 2)
    }
}
