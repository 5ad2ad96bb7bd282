import Foundation
import Testing
@testable import Sentio

/// Resampling is band-limited, aligned in time, and independent of how the input is chunked.
@Suite struct ResamplerTests {
    @Test("chunked decoding+resampling equals one-shot within 1e-5",
          arguments: ["tone-1k-44k1.wav", "stereo-48k.wav", "tone-440-22k05-s32.wav", "speech-en-22k05.flac"])
    func chunkingInvariance(file: String) throws {
        let path = Fixture.audio(file)
        let whole = try AudioStream.readAll(path: path, options: AudioReadOptions(chunkFrames: 1 << 22))
        for chunk in [1, 7, 160, 997, 4096] {
            let chunked = try AudioStream.readAll(path: path, options: AudioReadOptions(chunkFrames: chunk))
            #expect(chunked.count == whole.count, "chunk \(chunk)")
            let worst = zip(whole, chunked).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-5, "chunk \(chunk): worst difference \(worst)")
        }
    }

    @Test("output length is the input length scaled by the rate ratio")
    func outputLength() throws {
        for (file, inputFrames, rate) in [("tone-1k-44k1.wav", 44100, 44100.0), ("tone-1k-48k.wav", 48000, 48000),
                                          ("tone-440-22k05-s32.wav", 22050, 22050)] {
            let out = try AudioStream.readAll(path: Fixture.audio(file))
            let expected = Double(inputFrames) * 16000 / rate
            #expect(abs(Double(out.count) - expected) <= 1, "\(file): \(out.count) samples")
        }
    }

    @Test("a 1 kHz tone resampled from 44.1 kHz is the same tone at 16 kHz, in phase")
    func toneSurvivesResampling() throws {
        let out = try AudioStream.readAll(path: Fixture.audio("tone-1k-44k1.wav"))
        // Away from the edges (filter transients), compare with the ideal tone sampled at 16 kHz.
        let interior = 200..<(out.count - 200)
        let worst = interior.map { (n: Int) -> Double in
            let ideal = 0.5 * sin(2 * Double.pi * 1000 * Double(n) / 16000)
            return abs(Double(out[n]) - ideal)
        }.max()!
        #expect(worst < 2e-3, "worst deviation from the ideal tone \(worst)")
    }

    @Test("content above the new Nyquist frequency is removed (band-limited)")
    func antiAliasing() throws {
        // A 10 kHz tone is above the 8 kHz Nyquist frequency of the output; without filtering it would alias to 6 kHz.
        let rate = 48000.0
        let input = (0..<48000).map { Float(0.5 * sin(2 * Double.pi * 10_000 * Double($0) / rate)) }
        let resampler = try Resampler(inputRate: rate, outputRate: 16000)
        var out: [Float] = []
        try input.withUnsafeBufferPointer { try resampler.process($0, into: &out) }
        try resampler.finish(into: &out)
        let interior = out[500..<(out.count - 500)]
        let rms = (interior.reduce(0) { $0 + Double($1 * $1) } / Double(interior.count)).squareRoot()
        #expect(rms < 1e-4, "residual RMS \(rms) of a 10 kHz tone after conversion to 16 kHz")
    }
}
