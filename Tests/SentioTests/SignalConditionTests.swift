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
        #expect(oneSided.samples == 48000 && oneSided.channels == 2)
    }

    @Test("an 8 kHz recording analysed at 16 kHz is narrowband, and its warning names both rates and the missing band")
    func narrowband() throws {
        let c = try condition("tone-440-8k.wav")
        #expect(c.isNarrowband && c.nativeRate == 8000 && c.analysisRate == 16000 && c.problems == [.narrowband])
        let lines = c.warnings(for: "phone.wav")
        #expect(lines.count == 1)
        #expect(lines[0].hasPrefix("phone.wav: recorded at 8000 Hz (analysis 16000 Hz): nothing above 4000 Hz"))
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
        // Counted the same across chunk boundaries.
        let stream = try AudioStream(path: Fixture.audio("tone-440-16k-clipped.wav"), options: AudioReadOptions(chunkFrames: 999))
        try stream.forEachChunk { _ in }
        #expect(stream.condition.clippedSamples == c.clippedSamples && stream.condition.samples == 16000)
    }

    @Test("full scale is the encoding's: float beyond 1 is not clipped, μ-law's and A-law's largest values are")
    func fullScale() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A float file 4 times over full scale holds every sample: not clipped (only the few samples that pass
        // through [0.999, 1] on their way up count).
        let loud = dir.appendingPathComponent("loud.wav").path
        try Fixture.writeFloatWAV((0..<16000).map { Float(4 * sin(Double($0) / 9)) }, sampleRate: 16000, to: loud)
        let loudStream = try AudioStream(path: loud)
        try loudStream.forEachChunk { _ in }
        #expect(!loudStream.condition.isClipped && loudStream.condition.clippedSamples < 10, "\(loudStream.condition)")
        // Samples held at ±1 in a float file are.
        let held = dir.appendingPathComponent("held.wav").path
        try Fixture.writeFloatWAV((0..<16000).map { Float(max(-1, min(1, 4 * sin(Double($0) / 9)))) }, sampleRate: 16000, to: held)
        let heldStream = try AudioStream(path: held)
        try heldStream.forEachChunk { _ in }
        #expect(heldStream.condition.isClipped)
        for (encoding, largest) in [("ulaw", Float(32124) / 32768), ("alaw", Float(32256) / 32768), ("pcm_u8", Float(127) / 128)] {
            var meter = SignalMeter(largest: AudioStream.largestValue(of: encoding))
            let samples: [Float] = [largest, -largest, 0.9 * largest, 0]
            samples.withUnsafeBufferPointer { meter.count($0.baseAddress!, $0.count) }
            #expect(meter.condition(nativeRate: 8000, analysisRate: 16000).clippedSamples == 2, "\(encoding)")
        }
    }

    @Test("float samples far beyond full scale warn with their peak; a little beyond, as a float mix overshoots, does not")
    func overFullScale() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (peak, warns) in [(Float(4), true), (1.5, false), (0.5, false)] {
            let path = dir.appendingPathComponent("peak\(peak).wav").path
            // The peak in the last sample, after the vector blocks; stereo, so the interleaved count sees it.
            var samples = (0..<16001).flatMap { i -> [Float] in let x = Float(0.4 * sin(Double(i) / 9)); return [x, 0.5 * x] }
            samples[samples.count - 1] = -peak
            try Fixture.writeFloatWAV(samples, sampleRate: 16000, channels: 2, to: path)
            let stream = try AudioStream(path: path)
            try stream.forEachChunk { _ in }
            #expect(stream.condition.peak == peak && stream.condition.isOverFullScale == warns, "\(stream.condition)")
            #expect(stream.condition.problems == (warns ? [.overFullScale] : []))
        }
        var meter = SignalMeter()
        let samples: [Float] = (0..<64).map { $0 == 13 ? -300 : 0.25 }
        samples.withUnsafeBufferPointer { meter.count($0.baseAddress!, $0.count) }
        let c = meter.condition(nativeRate: 16000, analysisRate: 16000)
        #expect(c.peak == 300 && c.warnings(for: "f.wav") == ["f.wav: its float samples reach 300.0, 50 dB beyond full scale (±1): its loudness, energy and sound level, and so its emotion scores, are off by as much (scale the file to ±1)"])
    }

    @Test("one clipped channel of a stereo pair is found, not diluted by the clean one; --channel counts only its own")
    func clippedChannel() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Right channel: 0.15 % of its samples at +1 (0.075 % of all samples); left: a clean 0.3 sine. An odd
        // frame count leaves samples past the last vector of eight.
        var interleaved: [Float] = []
        for i in 0..<20003 { interleaved += [Float(0.3 * sin(Double(i) / 7)), i % 667 == 0 ? 1 : Float(0.2 * sin(Double(i) / 5))] }
        let path = dir.appendingPathComponent("right-clipped.wav").path
        try Fixture.writeFloatWAV(interleaved, sampleRate: 16000, channels: 2, to: path)
        let mixed = try AudioStream(path: path)
        try mixed.forEachChunk { _ in }
        #expect(mixed.condition.isClipped && mixed.condition.clippedSamples == 30, "\(mixed.condition)")
        let left = try AudioStream(path: path, options: AudioReadOptions(channel: 0))
        try left.forEachChunk { _ in }
        #expect(left.condition.clippedSamples == 0)
    }

    @Test("many channels: one active among silent ones, or unrelated ones, do not cancel")
    func manyChannels() {
        for (name, channel) in [("one active", { (c: Int, i: Int) -> Float in c == 0 ? Float(sin(Double(i) / 3)) : 0 }),
                                ("unrelated", { (c: Int, i: Int) -> Float in Float(sin(Double(i) * (1 + Double(c)) / 3.7)) })] {
            let channels = 6, frames = 4000
            var meter = SignalMeter(channels: channels)
            var interleaved: [Float] = [], mix: [Float] = []
            for i in 0..<frames {
                let row = (0..<channels).map { channel($0, i) }
                interleaved += row
                mix.append(row.reduce(0, +) / Float(channels))
            }
            interleaved.withUnsafeBufferPointer { x in mix.withUnsafeBufferPointer { m in
                meter.countInterleaved(x.baseAddress!, frames: frames, mix: m.baseAddress!)
            } }
            let c = meter.condition(nativeRate: 16000, analysisRate: 16000)
            #expect(c.channels == 6 && !c.channelsCancel, "\(name): \(c.mixEnergyRatio!)")
            #expect(abs(c.mixEnergyRatio! * 6 - 1) < 0.1, "\(name): \(c.mixEnergyRatio!)")
        }
    }

    @Test("channels in anti-phase cancel in the average; analysing one of them is clean")
    func cancelling() throws {
        let mixed = try condition("stereo-antiphase-16k.wav")
        #expect(mixed.channelsCancel && mixed.mixEnergyRatio! < 1e-6 && mixed.channels == 2)
        #expect(mixed.problems == [.cancellingChannels])
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
        // Files scored together (a speaker- or corpus-normalised model) carry their condition too.
        let together = try EmotionModel.bundled().score(paths: [phone, speech], groups: ["a", "a"], segmentation: .wholeFile, jobs: 1)
        #expect(try together[0].get().condition?.problems == [.narrowband])
        #expect(try together[1].get().condition?.problems == [])
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

        // train reports its corpus's recordings once per problem; report pages warn as score does.
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tones = ["tone-440-8k.wav", "tone-440-16k.wav", "tone-1k-44k1.wav", "tone-1k-48k.wav", "tone-440-16k-clipped.wav"]
        let spoken = ["speech-en.wav", "speech-en-2.wav", "speech-en-3.wav", "speech-en.ogg", "speech-en-22k05.flac"]
        let labels = dir.appendingPathComponent("labels.csv").path
        try ("file,emotion\n" + tones.map { "\($0),tonal\n" }.joined() + spoken.map { "\($0),spoken\n" }.joined())
            .write(toFile: labels, atomically: true, encoding: .utf8)
        let train = try SentioCLI.run(["train", "--labels", labels, "--audio-root", Fixture.path("audio"), "--features", "mfcc",
                                       "-o", dir.appendingPathComponent("m.json").path])
        #expect(train.status == 0, "\(train.stderr)")
        let trainWarnings = train.stderrLines.filter { $0.hasPrefix("sentio: warning: ") && !$0.contains("voiced speech") }
        #expect(trainWarnings.count == 2, "\(train.stderr)")
        #expect(trainWarnings.contains { $0.contains("tone-440-8k.wav: recorded at 8000 Hz") })
        #expect(trainWarnings.contains { $0.contains("tone-440-16k-clipped.wav: clipped: ") })
        let report = try SentioCLI.run(["report", clipped, "-o", dir.appendingPathComponent("pages").path])
        #expect(report.status == 0 && report.stderr.contains("warning: \(clipped): clipped: "), "\(report.stderr)")
    }
}
