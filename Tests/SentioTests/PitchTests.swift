import Foundation
import Testing
@testable import Sentio

/// Ground truth of one synthetic voice fixture (written by Fixtures/make_voice_fixtures.py).
struct VoiceTruth: Decodable {
    struct Segment: Decodable {
        var start: Double
        var end: Double
        /// Glottal period boundaries in seconds.
        var periods: [Double]
        var jitter_local: Double
    }
    var file: String
    var segments: [Segment]

    /// True F0 at `t` seconds, 0 outside the voiced segments.
    func f0(at t: Double) -> Double {
        for s in segments where t >= s.periods.first! && t < s.periods.last! {
            let k = s.periods.lastIndex { $0 <= t }!
            return 1 / (s.periods[k + 1] - s.periods[k])
        }
        return 0
    }

    static func all() throws -> [VoiceTruth] {
        struct File: Decodable { var files: [VoiceTruth] }
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixture.path("voice/truth.json")))
        return try JSONDecoder().decode(File.self, from: data).files
    }
}

/// Per-frame pitch and voice columns of a file, with each frame's centre time.
struct VoiceTrack {
    var centres: [Double] = []
    var columns: [String: [Double]] = [:]

    init(path: String, preset: FeaturePreset = .kaldi) throws {
        let options = FeatureExtractionOptions(sets: [.pitch, .voice], preset: preset)
        let extractor = FeatureExtractor(options: options)
        var values: [[Float]] = []
        try extractor.process(path: path) { row in
            values.append(Array(row.values))
            let frame = options.frame
            centres.append((Double(frame.frameStart(row.index)) + Double(frame.frameLength) / 2) / options.sampleRate)
        }
        for (c, name) in extractor.columns.enumerated() { columns[name] = values.map { Double($0[c]) } }
    }

    /// Mean of `column` over voiced frames where it is defined (non-zero); NaN when there is none, so that
    /// a bound on it fails when nothing was voiced.
    func voicedMean(_ column: String) -> Double {
        let v = zip(columns["f0_hz"]!, columns[column]!).filter { $0.0 > 0 && $0.1 != 0 }.map(\.1)
        return v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count)
    }

    func voicedMedian(_ column: String) -> Double {
        let v = zip(columns["f0_hz"]!, columns[column]!).filter { $0.0 > 0 && $0.1 != 0 }.map(\.1).sorted()
        return v.isEmpty ? 0 : v[v.count / 2]
    }
}

@Suite("Pitch tracking and voice quality on synthetic voices with known truth")
struct PitchTests {
    static let truths = (try? VoiceTruth.all()) ?? []

    @Test("truth file lists every synthetic fixture")
    func truthLoads() throws {
        #expect(try VoiceTruth.all().count == 11)
    }

    @Test("gross pitch error <= 1 %, median error <= 1 %, voicing >= 97 % correct",
          arguments: truths.map(\.file), [FeaturePreset.kaldi, .librosa])
    func accuracy(file: String, preset: FeaturePreset) throws {
        let truth = Self.truths.first { $0.file == file }!
        let track = try VoiceTrack(path: Fixture.path("voice/\(file)"), preset: preset)
        let f0 = track.columns["f0_hz"]!
        var voicedTruth = 0, gross = 0, correctVoicing = 0
        var errors: [Double] = []
        for (i, t) in track.centres.enumerated() {
            let expected = truth.f0(at: t)
            if (expected > 0) == (f0[i] > 0) { correctVoicing += 1 }
            guard expected > 0 else { continue }
            voicedTruth += 1
            guard f0[i] > 0 else { continue }
            let e = abs(f0[i] - expected) / expected
            errors.append(e)
            if e > 0.2 { gross += 1 }
        }
        errors.sort()
        #expect(voicedTruth > 50)
        #expect(Double(gross) <= 0.01 * Double(voicedTruth), "gross errors \(gross) of \(voicedTruth)")
        #expect(errors[errors.count / 2] <= 0.01, "median relative error \(errors[errors.count / 2])")
        let accuracy = Double(correctVoicing) / Double(f0.count)
        #expect(accuracy >= 0.97, "voicing accuracy \(accuracy)")
    }

    @Test("measured local jitter is within 20 % of the injected jitter", arguments: ["jitter-1pct.wav", "jitter-2pct.wav"])
    func jitter(file: String) throws {
        let truth = Self.truths.first { $0.file == file }!
        let injected = truth.segments[0].jitter_local
        let measured = try VoiceTrack(path: Fixture.path("voice/\(file)")).voicedMean("jitter_local")
        #expect(abs(measured - injected) <= 0.2 * injected, "measured \(measured), injected \(injected)")
    }

    @Test("jitter without injected jitter stays far below the jittered fixtures'")
    func jitterFloor() throws {
        let clean = try VoiceTrack(path: Fixture.path("voice/f0-120.wav")).voicedMean("jitter_local")
        #expect(clean < 0.005, "clean jitter \(clean)")
    }

    @Test("HNR falls with the SNR of added noise")
    func hnrOrdering() throws {
        let clean = try VoiceTrack(path: Fixture.path("voice/f0-120.wav")).voicedMean("hnr_db")
        let snr20 = try VoiceTrack(path: Fixture.path("voice/noise-snr20.wav")).voicedMean("hnr_db")
        let snr10 = try VoiceTrack(path: Fixture.path("voice/noise-snr10.wav")).voicedMean("hnr_db")
        #expect(clean > snr20 + 3 && snr20 > snr10 + 5, "HNR clean \(clean), 20 dB \(snr20), 10 dB \(snr10)")
        // Autocorrelation HNR of white noise at 10 dB SNR lands near the SNR.
        #expect(abs(snr10 - 10) < 3, "HNR at 10 dB SNR: \(snr10)")
    }

    @Test("F1 and F2 of the synthetic vowel (600 and 1400 Hz) within 10 %", arguments: ["f0-120.wav", "f0-200.wav"])
    func formants(file: String) throws {
        let track = try VoiceTrack(path: Fixture.path("voice/\(file)"))
        let f1 = track.voicedMedian("f1_hz"), f2 = track.voicedMedian("f2_hz")
        #expect(abs(f1 - 600) < 60, "F1 \(f1)")
        #expect(abs(f2 - 1400) < 140, "F2 \(f2)")
        #expect(track.voicedMedian("f1_bandwidth_hz") > 0)
    }

    @Test("silence and signals shorter than a window are unvoiced, without failing")
    func silenceAndShortInputs() throws {
        let extractor = FeatureExtractor(options: FeatureExtractionOptions(sets: [.pitch, .voice], preset: .kaldi))
        for samples in [[Float](repeating: 0, count: 16000), [Float](repeating: 0.1, count: 500), [], [0.5]] {
            var rows: [[Float]] = []
            try extractor.process(samples: samples, sampleRate: 16_000) { rows.append(Array($0.values)) }
            #expect(rows.count == FeatureExtractionOptions(sets: [.pitch], preset: .kaldi).frame.frameCount(sampleCount: samples.count))
            for row in rows { #expect(row.allSatisfy { $0 == 0 }) }
        }
    }

    @Test("the tracker keeps a bounded window of samples on a long stream, not the stream")
    func boundedMemory() throws {
        let options = PitchOptions()
        let rate = 16000.0
        let tracker = PitchTracker(options: options, sampleRate: rate, hop: 160, firstCentre: 200)
        // 120 s of a 150 Hz buzz with 0.3 s pauses every second.
        let chunk = (0..<16000).map { i -> Float in
            i < 11200 ? Float(sin(2 * Double.pi * 150 * Double(i) / rate) >= 0 ? 0.5 : -0.5) : 0
        }
        var decided = 0, voiced = 0, largest = 0
        for _ in 0..<120 {
            chunk.withUnsafeBufferPointer { buffer in
                tracker.push(buffer) { e in
                    #expect(e.index == decided)
                    decided += 1
                    if e.frequency > 0 { voiced += 1 }
                }
            }
            largest = max(largest, tracker.history.end - tracker.history.base)
        }
        tracker.finish(frameCount: options.maxDecisionDelay + decided + 1000) { _ in decided += 1 }
        // Peak span both sides, the window, one chunk: far below the 1.9 M samples pushed.
        let bound = 2 * Int(options.peakWindow * rate) + tracker.windowLength + 2 * 16000
        #expect(largest <= bound, "kept \(largest) samples")
        #expect(voiced > 8000, "voiced frames \(voiced)")
    }

    @Test("the widest pitch range (20-4000 Hz) on a 2-8 kHz chirp: pulses a few samples apart, whose amplitude windows hold no sample, are not measured (this trapped)")
    func pulsesFewSamplesApart() throws {
        var options = FeatureExtractionOptions(sets: [.pitch, .voice], preset: .kaldi)
        options.pitch.floor = 20
        options.pitch.ceiling = 4000
        let extractor = FeatureExtractor(options: options)
        let rate = 16_000.0
        let samples = (0..<64_000).map { i -> Float in
            let t = Double(i) / rate
            return Float(0.5 * sin(2 * Double.pi * (2000 * t + 5900 / 8 * t * t)))
        }
        var rows = 0
        try extractor.process(samples: samples, sampleRate: rate) { row in
            rows += 1
            let finite = row.values.allSatisfy(\.isFinite)
            #expect(finite)
        }
        #expect(rows > 300)
    }
}
