import Foundation
import Testing
@testable import Sentio

/// The eGeMAPS set against openSMILE eGeMAPSv02's names and values (Fixtures/reference/egemaps, written by
/// Scripts/reference/make_egemaps_reference.py).
@Suite struct EGeMAPSTests {
    static let referenceFolder = Fixture.root.appendingPathComponent("Fixtures/reference/egemaps")

    static func lines(_ name: String) throws -> [String] {
        try String(contentsOf: referenceFolder.appendingPathComponent(name), encoding: .utf8)
            .split(separator: "\n").map(String.init)
    }

    @Test("the 88 functionals and 25 low-level descriptors carry openSMILE's exact names, in its order")
    func names() throws {
        let functionalNames = try Self.lines("functional-names.txt"), lldNames = try Self.lines("lld-names.txt")
        #expect(EGeMAPS.functionals.map(\.name) == functionalNames)
        #expect(EGeMAPS.lowLevelDescriptors == lldNames)
        let frames = FeatureExtractor(options: FeatureExtractionOptions(sets: [.egemaps], preset: .kaldi))
        #expect(frames.columns == EGeMAPS.lowLevelDescriptors)
    }

    @Test("frame by frame, loudness, spectral balance, flux and MFCC 1-4 are openSMILE's to float rounding")
    func spectralFramesMatch() throws {
        let rows = try Self.lines("lld-spectral.csv")
        let names = rows[0].split(separator: ",").map(String.init)
        let reference = rows.dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
        let extractor = FeatureExtractor(options: FeatureExtractionOptions(sets: [.egemaps], preset: .kaldi))
        let columns = try names.map { name in try #require(extractor.columns.firstIndex(of: name)) }
        var ours: [[Double]] = []
        try extractor.process(path: Fixture.audio("speech-en.wav")) { row in ours.append(columns.map { Double(row.values[$0]) }) }
        // openSMILE's rows stop with its 60 ms frames and its last row is a copy: compare the rows before it.
        #expect(ours.count >= reference.count - 1 && reference.count > 400)
        var worst = 0.0, at = ""
        for t in 0..<(reference.count - 1) {
            for (c, name) in names.enumerated() {
                let error = abs(ours[t][c] - reference[t][c]) / max(1, abs(reference[t][c]))
                if error > worst { worst = error; at = "\(name) row \(t): Sentio \(ours[t][c]), openSMILE \(reference[t][c])" }
            }
        }
        #expect(worst < 2e-4, "\(at)")
    }

    @Test("file-level values of the spectral, cepstral, level and F0 functionals agree with openSMILE on speech",
          arguments: ["speech-en.wav", "speech-en-2.wav", "speech-en-3.wav"])
    func valuesAgree(clip: String) throws {
        let rows = try Self.lines("functionals.csv")
        let header = rows[0].split(separator: ",").map(String.init)
        let row = try #require(rows.first { $0.hasPrefix(clip + ",") }).split(separator: ",").map(String.init)
        var reference: [String: Double] = [:]
        for (name, value) in zip(header.dropFirst(), row.dropFirst()) { reference[name] = Double(value) }

        let extractor = SegmentFeatureExtractor(options: SegmentExtractionOptions(
            frames: FeatureExtractionOptions(sets: [.egemaps], preset: .kaldi)))
        var values: [String: Double] = [:]
        try extractor.process(path: Fixture.audio(clip)) { r in
            for (name, v) in zip(extractor.columns, r.values) { values[name] = Double(v) }
        }
        // The spectral, cepstral and level descriptors are openSMILE's computation on openSMILE's frames: they
        // agree to float rounding (1e-3, relative above 1), even the stddev/mean ratios of near-zero means.
        let exact = ["mfcc1_sma3_amean", "mfcc2_sma3_amean", "mfcc3_sma3_amean", "mfcc4_sma3_amean",
                     "mfcc1_sma3_stddevNorm", "mfcc2_sma3_stddevNorm", "mfcc3_sma3_stddevNorm", "mfcc4_sma3_stddevNorm",
                     "loudness_sma3_amean", "loudness_sma3_percentile50.0", "loudness_sma3_meanRisingSlope",
                     "loudness_sma3_stddevNorm", "spectralFlux_sma3_amean", "equivalentSoundLevel_dBp", "loudnessPeaksPerSec"]
        for name in exact {
            let ours = try #require(values[name]), theirs = try #require(reference[name])
            #expect(abs(ours - theirs) <= 1e-3 * max(1, abs(theirs)), "\(name): Sentio \(ours), openSMILE \(theirs)")
        }
        // F0 comes from a different tracker, and the voiced-only spectral values inherit its voicing decisions
        // (on these synthetic voices up to 1.7 dB apart).
        let tolerances: [String: Double] = [
            "F0semitoneFrom27.5Hz_sma3nz_percentile50.0": 0.6, "hammarbergIndexV_sma3nz_amean": 2, "alphaRatioV_sma3nz_amean": 2,
            "slopeV0-500_sma3nz_amean": 0.006,
        ]
        for (name, tolerance) in tolerances {
            let ours = try #require(values[name]), theirs = try #require(reference[name])
            #expect(abs(ours - theirs) <= tolerance, "\(name): Sentio \(ours), openSMILE \(theirs)")
        }
        let allFinite = values.values.allSatisfy { $0.isFinite }
        #expect(allFinite)
    }

    @Test("sma3 averages the frame with its neighbours; sma3nz keeps zeros and averages only non-zero neighbours")
    func smoothing() throws {
        // A 440 Hz tone is voiced throughout except where the pitch window reaches past the edges.
        let tone = DescriptorTests.tone(220, seconds: 0.5, amplitude: 0.3)
        let values = try DescriptorTests.extract(tone + [Float](repeating: 0, count: 8000), [.egemaps], .kaldi)
        let f0 = try #require(values["F0semitoneFrom27.5Hz_sma3nz"])
        let expected = Float(12 * log2(220 / 27.5))
        let voiced = f0.filter { $0 != 0 }
        #expect(voiced.count > 30)
        for v in voiced { #expect(abs(v - expected) < 0.1) }
        #expect(f0.suffix(20).allSatisfy { $0 == 0 }, "silence stays 0 after smoothing")
    }
}
