import Foundation
import Testing
@testable import Sentio

/// ``FeatureStream``: pushed pieces give the rows of the file that holds them.
@Suite struct FeatureStreamTests {
    /// Every row of `path` as `[start, end, values...]`.
    private func fileRows(_ options: FeatureExtractionOptions, _ path: String) throws -> [[Float]] {
        var rows: [[Float]] = []
        try FeatureExtractor(options: options).process(path: path) { rows.append([Float($0.start), Float($0.end)] + Array($0.values)) }
        return rows
    }

    /// The rows of `samples` pushed in pieces of the given sizes (cycled), then finished.
    private func streamRows(_ stream: FeatureStream, _ samples: [Float], pieces: [Int]) throws -> [[Float]] {
        var rows: [[Float]] = []
        let collect = { (row: FrameRow) in rows.append([Float(row.start), Float(row.end)] + Array(row.values)) }
        var at = 0, k = 0
        while at < samples.count {
            let n = min(pieces[k % pieces.count], samples.count - at)
            try stream.push(Array(samples[at..<(at + n)]), emit: collect)
            at += n
            k += 1
        }
        let count = try stream.finish(emit: collect)
        #expect(count == rows.count)
        return rows
    }

    @Test("rows do not depend on how the signal is cut, and equal the file's, for every set", arguments: [
        [FeatureSet.mfcc, .mfccDelta, .energy, .spectral], [.pitch, .voice], [.egemaps], [.egemaps, .mfcc],
    ])
    func piecesGiveTheFileRows(_ sets: [FeatureSet]) throws {
        let options = FeatureExtractionOptions(sets: sets, preset: .kaldi)
        let path = Fixture.audio("speech-en.wav")
        let expected = try fileRows(options, path)
        let samples = try AudioStream.readAll(path: path)
        let stream = try FeatureStream(options: options, inputRate: 16_000)
        #expect(stream.columns == FeatureExtractor(options: options).columns)
        for pieces in [[samples.count], [1, 7, 441], [160], [4096, 3, 1000]] {
            #expect(try streamRows(stream, samples, pieces: pieces) == expected, "pieces \(pieces)")
        }
    }

    @Test("samples at another rate are resampled as the file's own rate is; librosa's whole-signal floor waits for finish")
    func resampledAndWholeSignal() throws {
        let flac = Fixture.audio("speech-en-22k05.flac")
        let native = try AudioStream.readAll(path: flac, options: .init(sampleRate: nil))
        for preset in [FeaturePreset.kaldi, .librosa] {
            let options = FeatureExtractionOptions(sets: [.mfcc, .pitch], preset: preset)
            let stream = try FeatureStream(options: options, inputRate: 22_050)
            #expect(try streamRows(stream, native, pieces: [1_000, 17, 22_050]) == fileRows(options, flac), "\(preset)")
        }
        let librosa = try FeatureStream(options: FeatureExtractionOptions(sets: [.mfcc], preset: .librosa), inputRate: 22_050)
        var early = 0
        try librosa.push(native) { _ in early += 1 }
        #expect(early == 0)
        #expect(try librosa.finish { _ in } > 0)
    }

    @Test("a bad sample or rate is an error naming the stream, with the sample's frame counted from the start")
    func errors() throws {
        let stream = try FeatureStream(options: FeatureExtractionOptions(sets: [.mfcc], preset: .kaldi), inputRate: 16_000, name: "mic")
        try stream.push([Float](repeating: 0.1, count: 500)) { _ in }
        var bad = [Float](repeating: 0.1, count: 100)
        bad[42] = .nan
        #expect(throws: AudioError(path: "mic", kind: .nonFiniteSample(frame: 542))) { try stream.push(bad) { _ in } }
        try stream.reset()
        #expect(stream.samplesPushed == 0)
        // A callback that throws in finish still leaves the stream ready for the next signal.
        struct Stop: Error {}
        let deltas = try FeatureStream(options: FeatureExtractionOptions(sets: [.mfcc, .mfccDelta], preset: .kaldi), inputRate: 22_050)
        let tone = (0..<22_050).map { Float(0.3 * sin(Double($0) / 7)) }
        try deltas.push(tone) { _ in }
        #expect(throws: Stop.self) { try deltas.finish { _ in throw Stop() } }
        var rows = 0
        try deltas.push(tone) { _ in rows += 1 }
        #expect(try rows + deltas.finish { _ in rows += 0 } > 0)
        for rate in [0, 500, Double.nan] {
            let error = #expect(throws: AudioError.self) {
                _ = try FeatureStream(options: FeatureExtractionOptions(sets: [.mfcc], preset: .kaldi), inputRate: rate, name: "mic")
            }
            guard case .sampleRateOutOfRange? = error?.kind else {
                Issue.record("rate \(rate): \(String(describing: error))")
                continue
            }
            #expect(error?.path == "mic")
        }
    }
}
