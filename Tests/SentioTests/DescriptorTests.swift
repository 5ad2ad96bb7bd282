import Foundation
import Testing
@testable import Sentio

/// Descriptors without a librosa counterpart, checked against their definitions on synthetic signals, and
/// the streaming properties of the whole extraction.
@Suite struct DescriptorTests {
    static func extract(_ samples: [Float], _ sets: [FeatureSet], _ preset: FeaturePreset = .librosa) throws -> [String: [Float]] {
        let extractor = FeatureExtractor(options: FeatureExtractionOptions(sets: sets, preset: preset))
        var rows: [[Float]] = []
        try extractor.process(samples: samples, sampleRate: 16_000) { rows.append(Array($0.values)) }
        var out: [String: [Float]] = [:]
        for (c, name) in extractor.columns.enumerated() { out[name] = rows.map { $0[c] } }
        return out
    }

    static func tone(_ hz: Double, seconds: Double = 1, amplitude: Double = 0.5) -> [Float] {
        (0..<Int(16000 * seconds)).map { Float(amplitude * sin(2 * Double.pi * hz * Double($0) / 16000)) }
    }

    static func noise(seconds: Double = 1, seed: UInt64 = 42) -> [Float] {
        var state = seed
        return (0..<Int(16000 * seconds)).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Double(state >> 11) / Double(1 << 53) - 0.5)
        }
    }

    /// Interior frames, away from the zero padding of centred framing.
    static func interior(_ v: [Float]) -> ArraySlice<Float> { v[4..<(v.count - 4)] }

    @Test("a pure tone's centroid is its frequency; its flatness and entropy are near 0")
    func toneShape() throws {
        // 1000 Hz = bin 32 of a 512-point FFT at 16 kHz, so the spectrum is symmetric about the tone.
        let f = try Self.extract(Self.tone(1000), [.spectral])
        for v in Self.interior(f["spectral_centroid"]!) { #expect(abs(v - 1000) < 5) }
        for v in Self.interior(f["spectral_flatness"]!) { #expect(v < 1e-3) }
        for v in Self.interior(f["spectral_entropy"]!) { #expect(v < 0.3) }
        // Stationary: consecutive normalised spectra are nearly identical.
        for v in Self.interior(f["spectral_flux"]!) { #expect(v < 1e-6) }
    }

    @Test("white noise is flat: high flatness, entropy near 1, slope near 0")
    func noiseShape() throws {
        let f = try Self.extract(Self.noise(), [.spectral])
        let flatness = Self.interior(f["spectral_flatness"]!)
        // For one frame, periodogram values are exponential, so E[GM/AM] is about exp(-0.5772) = 0.56.
        #expect(flatness.reduce(0, +) / Float(flatness.count) > 0.45)
        for v in Self.interior(f["spectral_entropy"]!) { #expect(v > 0.9 && v <= 1) }
        let slope = Self.interior(f["spectral_slope"]!)
        let tone = try Self.extract(Self.tone(300), [.spectral])["spectral_slope"]!
        #expect(abs(slope.reduce(0, +) / Float(slope.count)) < 0.05 * abs(Self.interior(tone).first!))
    }

    @Test("spectral slope is negative for low-frequency energy and positive for high-frequency energy")
    func slopeSign() throws {
        for v in Self.interior(try Self.extract(Self.tone(300), [.spectral])["spectral_slope"]!) { #expect(v < 0) }
        for v in Self.interior(try Self.extract(Self.tone(7000), [.spectral])["spectral_slope"]!) { #expect(v > 0) }
    }

    @Test("flux spikes when the spectrum changes")
    func fluxAtChange() throws {
        let signal = Self.tone(500, seconds: 0.5) + Self.tone(3000, seconds: 0.5)
        let flux = try Self.extract(signal, [.spectral])["spectral_flux"]!
        let change = 50  // 0.5 s at 10 ms hop
        let peak = flux[(change - 3)...(change + 3)].max()!
        #expect(peak > 0.01)
        for t in 10..<40 { #expect(flux[t] < peak / 1000) }
        #expect(flux[0] == 0)
    }

    @Test("RMS of a sine of amplitude A is A/sqrt(2); log energy of silence is the FLT_EPSILON floor")
    func energy() throws {
        let f = try Self.extract(Self.tone(1000), [.energy], .kaldi)
        for v in f["rms"]! { #expect(abs(v - 0.5 / 2.0.squareRoot().float) < 1e-3) }
        let silent = try Self.extract([Float](repeating: 0, count: 8000), [.energy, .mfcc], .kaldi)
        for v in silent["log_energy"]! { #expect(v == logf(Float.ulpOfOne)) }
        #expect(silent["mfcc_0"]! == silent["log_energy"]!)
        // 1000 Hz at 16 kHz crosses zero twice per 16 samples.
        for v in f["zcr"]! { #expect(abs(v - 2.0 / 16) < 0.01) }
    }

    @Test("every set gives identical rows whatever the decode chunk size", arguments: [FeaturePreset.kaldi, .librosa])
    func chunkInvariance(preset: FeaturePreset) throws {
        func rows(_ chunk: Int) throws -> [[Float]] {
            let extractor = FeatureExtractor(
                options: FeatureExtractionOptions(sets: [.mfcc, .mfccDelta, .energy, .spectral, .pitch, .voice], preset: preset),
                readOptions: AudioReadOptions(chunkFrames: chunk))
            var out: [[Float]] = []
            try extractor.process(path: Fixture.audio("speech-en-22k05.flac")) { out.append([Float($0.start), Float($0.end)] + Array($0.values)) }
            return out
        }
        let whole = try rows(1 << 20)
        #expect(whole.count > 400)
        for chunk in [1, 1000, 4096] { #expect(try rows(chunk) == whole, "chunk \(chunk)") }
    }
}

extension Double {
    fileprivate var float: Float { Float(self) }
}
