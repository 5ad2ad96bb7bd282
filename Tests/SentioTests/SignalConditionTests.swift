import Foundation
import Testing
@testable import Sentio

/// What a decoded signal shows about its recording (a telephone rate, clipping, cancelling channels) is
/// measured while it streams and reported as warnings, without changing any feature.
@Suite struct SignalConditionTests {
    private func condition(_ file: String, channel: Int? = nil) throws -> SignalCondition {
        let stream = try AudioStream(path: Fixture.audio(file), options: AudioReadOptions(channel: channel))
        try stream.forEachChunk { _ in }
        return stream.condition
    }

    @Test("a clean 16 kHz tone has no warning; the one-sided stereo file's average keeps half the channels' energy")
    func clean() throws {
        let tone = try condition("tone-440-16k.wav")
        #expect(!tone.isNarrowband && !tone.isClipped && tone.mixEnergyRatio == nil)
        #expect(tone.samples == 16000 && tone.clippedSamples == 0)
        #expect(tone.warnings(for: "t.wav").isEmpty)
        // L = sine, R = silence: the average is L/2, a quarter of L's energy, against the channels' mean of L/2.
        let oneSided = try condition("stereo-48k.wav")
        #expect(abs(oneSided.mixEnergyRatio! - 0.5) < 1e-3, "\(oneSided.mixEnergyRatio!)")
        #expect(!oneSided.channelsCancel && oneSided.warnings(for: "s.wav").isEmpty)
        #expect(oneSided.samples == 2 * 48000)
    }

    @Test("an 8 kHz recording analysed at 16 kHz is narrowband, and its warning names both rates and the missing band")
    func narrowband() throws {
        let c = try condition("tone-440-8k.wav")
        #expect(c.isNarrowband && c.nativeRate == 8000 && c.analysisRate == 16000)
        let lines = c.warnings(for: "phone.wav")
        #expect(lines.count == 1)
        #expect(lines[0].hasPrefix("phone.wav: recorded at 8000 Hz, below the 16000 Hz analysis rate: nothing above 4000 Hz"))
        // Read at its own rate, nothing is missing.
        let native = try AudioStream(path: Fixture.audio("tone-440-8k.wav"), options: AudioReadOptions(sampleRate: nil))
        #expect(!native.condition.isNarrowband)
    }

    @Test("a sine of amplitude 2 clipped to full scale has two thirds of its samples there")
    func clipped() throws {
        let c = try condition("tone-440-16k-clipped.wav")
        // |2 sin θ| >= 0.999 for all but |sin θ| < 0.4995: 1 - (2/π)·asin(0.4995) of the time.
        let expected = 1 - 2 / Double.pi * asin(0.4995)
        #expect(abs(c.clippedFraction - expected) < 0.01, "\(c.clippedFraction)")
        #expect(c.isClipped)
        #expect(c.warnings(for: "c.wav") == ["c.wav: clipped: \(String(format2: 100 * c.clippedFraction)) % of its samples are at full scale, which distorts its level, spectral and voice-quality features"])
    }

    @Test("channels in anti-phase cancel in the average; analysing one of them is clean")
    func cancelling() throws {
        let mixed = try condition("stereo-antiphase-16k.wav")
        #expect(mixed.channelsCancel && mixed.mixEnergyRatio! < 1e-6)
        #expect(mixed.warnings(for: "a.wav").count == 1)
        #expect(mixed.warnings(for: "a.wav")[0].hasPrefix("a.wav: its channels cancel when averaged"))
        let left = try condition("stereo-antiphase-16k.wav", channel: 0)
        #expect(left.mixEnergyRatio == nil && left.warnings(for: "a.wav").isEmpty)
    }

    @Test("a peak-normalised recording touching full scale now and then is not clipped; a stream counts afresh after finish")
    func stream() throws {
        var samples = (0..<32000).map { Float(0.3 * sin(Double($0) / 7)) }
        for i in stride(from: 0, to: samples.count, by: 2000) { samples[i] = 1 }   // 16 of 32000: 0.05 %
        let stream = try FeatureStream(options: FeatureExtractionOptions(sets: [.energy], preset: .kaldi), inputRate: 8000)
        try stream.push(samples) { _ in }
        #expect(stream.condition.clippedSamples == 16 && !stream.condition.isClipped)
        #expect(stream.condition.isNarrowband)
        try stream.finish { _ in }
        #expect(stream.condition.samples == 0)
        // Past one in a thousand, it is.
        for i in stride(from: 0, to: samples.count, by: 500) { samples[i] = -1 }
        try stream.push(samples) { _ in }
        #expect(stream.condition.isClipped)
        // The in-memory extractor reports the same condition in its summary.
        let summary = try FeatureExtractor(options: FeatureExtractionOptions(sets: [.energy], preset: .kaldi))
            .process(samples: samples, sampleRate: 8000) { _ in }
        #expect(summary.condition.isClipped && summary.condition.isNarrowband)
    }

    @Test("features and score warn once per problem and per file, name the file, and leave the rows alone")
    func commandWarnings() throws {
        let clipped = Fixture.audio("tone-440-16k-clipped.wav"), phone = Fixture.audio("tone-440-8k.wav")
        let anti = Fixture.audio("stereo-antiphase-16k.wav"), speech = Fixture.audio("speech-en.wav")
        let features = try SentioCLI.run(["features", clipped, phone, speech, "--set", "energy", "--level", "files"])
        #expect(features.status == 0, "\(features.stderr)")
        let warnings = features.stderrLines.filter { $0.hasPrefix("sentio: warning: ") }
        #expect(warnings.count == 2, "\(features.stderr)")
        #expect(warnings.contains { $0.hasPrefix("sentio: warning: \(clipped): clipped: ") })
        #expect(warnings.contains { $0.hasPrefix("sentio: warning: \(phone): recorded at 8000 Hz") })
        #expect(features.stdoutLines.count == 4)

        let score = try SentioCLI.run(["score", anti, speech])
        #expect(score.status == 0, "\(score.stderr)")
        let scoreWarnings = score.stderrLines.filter { $0.hasPrefix("sentio: warning: ") }
        #expect(scoreWarnings.count == 2, "\(score.stderr)")
        #expect(scoreWarnings.allSatisfy { $0.hasPrefix("sentio: warning: \(anti): ") })
        #expect(scoreWarnings.contains { $0.contains("its channels cancel when averaged") })
        #expect(scoreWarnings.contains { $0.hasSuffix("every row is no_speech") })
        // One side of the pair is speech-free tone too, but no longer a cancelled mix.
        let left = try SentioCLI.run(["score", anti, "--channel", "0"])
        #expect(!left.stderr.contains("cancel"), "\(left.stderr)")
    }
}
