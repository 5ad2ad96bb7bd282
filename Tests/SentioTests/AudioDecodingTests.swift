import Foundation
import Testing
@testable import Sentio

/// Every good fixture opens with the rate, channel count, length and encoding its generator wrote.
@Suite struct AudioDecodingTests {
    struct Expected: Sendable, CustomStringConvertible {
        var file: String, container: String, encoding: String, rate: Double, channels: Int, frames: Int64
        var description: String { file }
    }

    static let goodFiles: [Expected] = [
        .init(file: "tone-440-16k.wav", container: "wav", encoding: "pcm_s16", rate: 16000, channels: 1, frames: 16000),
        .init(file: "tone-1k-44k1.wav", container: "wav", encoding: "pcm_s16", rate: 44100, channels: 1, frames: 44100),
        .init(file: "tone-1k-48k.wav", container: "wav", encoding: "pcm_s16", rate: 48000, channels: 1, frames: 48000),
        .init(file: "stereo-48k.wav", container: "wav", encoding: "pcm_s16", rate: 48000, channels: 2, frames: 48000),
        .init(file: "tone-440-16k-u8.wav", container: "wav", encoding: "pcm_u8", rate: 16000, channels: 1, frames: 16000),
        .init(file: "tone-440-16k-s24.wav", container: "wav", encoding: "pcm_s24", rate: 16000, channels: 1, frames: 16000),
        .init(file: "tone-440-16k-f32.wav", container: "wav", encoding: "float", rate: 16000, channels: 1, frames: 16000),
        .init(file: "tone-440-22k05-s32.wav", container: "wav", encoding: "pcm_s32", rate: 22050, channels: 1, frames: 22050),
        .init(file: "chirp-16k.wav", container: "wav", encoding: "pcm_s16", rate: 16000, channels: 1, frames: 32000),
        .init(file: "noise-16k.wav", container: "wav", encoding: "pcm_s16", rate: 16000, channels: 1, frames: 16000),
        .init(file: "silence-16k.wav", container: "wav", encoding: "pcm_s16", rate: 16000, channels: 1, frames: 16000),
        .init(file: "clicks-16k.wav", container: "wav", encoding: "pcm_s16", rate: 16000, channels: 1, frames: 16000),
        .init(file: "speech-en.wav", container: "wav", encoding: "pcm_s16", rate: 16000, channels: 1, frames: 75076),
        .init(file: "speech-en-22k05.flac", container: "flac", encoding: "pcm_s16", rate: 22050, channels: 1, frames: 103464),
        .init(file: "speech-en.ogg", container: "ogg", encoding: "vorbis", rate: 16000, channels: 1, frames: 75076),
        .init(file: "speech-en.opus", container: "ogg", encoding: "opus", rate: 48000, channels: 1, frames: 225228),
        // MP3 without gapless info: the decoder's length includes encoder delay and padding (133 x 576).
        .init(file: "speech-en.mp3", container: "mp3", encoding: "mp3", rate: 16000, channels: 1, frames: 76608),
    ]

    @Test("header and full decode agree with the generator", arguments: goodFiles)
    func decodesWithExpectedShape(_ expected: Expected) throws {
        let path = Fixture.audio(expected.file)
        let header = try AudioFile.inspect(path: path, decode: false)
        #expect(header.container == expected.container)
        #expect(header.encoding == expected.encoding)
        #expect(header.sampleRate == expected.rate)
        #expect(header.channels == expected.channels)
        let decoded = try AudioFile.inspect(path: path, decode: true)
        #expect(decoded.frames == expected.frames)
        #expect(abs(decoded.duration - Double(expected.frames) / expected.rate) < 1e-12)
        // Native-rate stream: exactly one mono sample per decoded frame.
        let samples = try AudioStream.readAll(path: path, options: AudioReadOptions(sampleRate: nil))
        #expect(Int64(samples.count) == expected.frames)
        #expect(samples.allSatisfy { $0.isFinite && abs($0) <= 1 })
    }

    @Test("8-, 16-, 24-bit and float encodings of one tone decode to the same samples")
    func encodingsAgree() throws {
        let reference = try AudioStream.readAll(path: Fixture.audio("tone-440-16k.wav"), options: .init(sampleRate: nil))
        for (file, tolerance) in [("tone-440-16k-s24.wav", 1.0 / 32768), ("tone-440-16k-f32.wav", 1.0 / 32768),
                                  ("tone-440-16k-u8.wav", 1.0 / 128)] {
            let other = try AudioStream.readAll(path: Fixture.audio(file), options: .init(sampleRate: nil))
            #expect(other.count == reference.count)
            let worst = zip(reference, other).map { abs($0 - $1) }.max() ?? .infinity
            #expect(Double(worst) <= tolerance, "\(file): worst difference \(worst)")
        }
        // The tone is 0.5 * sin(2 pi 440 n / 16000): check the decoded values, not just self-consistency.
        let worst = reference.indices.map { (n: Int) -> Double in
            let ideal = 0.5 * sin(2 * Double.pi * 440 * Double(n) / 16000)
            return abs(Double(reference[n]) - ideal)
        }.max()!
        #expect(worst < 1.0 / 32768 + 1e-9)
    }

    @Test("stereo is downmixed by averaging the channels")
    func stereoDownmix() throws {
        // Left: 0.5 sin(440 Hz), right: silence, so the mono mix is 0.25 sin(440 Hz).
        let mono = try AudioStream.readAll(path: Fixture.audio("stereo-48k.wav"), options: .init(sampleRate: nil))
        #expect(mono.count == 48000)
        let worst = mono.indices.map { (n: Int) -> Double in
            let ideal = 0.25 * sin(2 * Double.pi * 440 * Double(n) / 48000)
            return abs(Double(mono[n]) - ideal)
        }.max()!
        #expect(worst < 1.0 / 32768)
    }

    @Test("one channel is read on its own: the left is the 0.5 sine, the right silence; a missing channel is an error")
    func channelSelection() throws {
        let path = Fixture.audio("stereo-48k.wav")
        let left = try AudioStream.readAll(path: path, options: .init(sampleRate: nil, channel: 0))
        let right = try AudioStream.readAll(path: path, options: .init(sampleRate: nil, channel: 1))
        #expect(left.count == 48000 && right.count == 48000)
        let worst = left.indices.map { (n: Int) -> Double in
            abs(Double(left[n]) - 0.5 * sin(2 * Double.pi * 440 * Double(n) / 48000))
        }.max()!
        #expect(worst < 1.0 / 32768)
        #expect(right.allSatisfy { $0 == 0 })
        let error = #expect(throws: AudioError.self) {
            try AudioStream(path: path, options: .init(channel: 2))
        }
        #expect(error?.description == "\(path): has no channel 2: it has 2 (channels count from 0)")
        // A mono file's channel 0 is the file itself.
        let mono = Fixture.audio("tone-440-16k.wav")
        #expect(try AudioStream.readAll(path: mono, options: .init(channel: 0)) == AudioStream.readAll(path: mono))
    }

    @Test("a sample rate that is not a positive finite number is refused, not handed to libsoxr (which loops on NaN)")
    func invalidResamplingRates() {
        for (input, output) in [(Double.nan, 16_000.0), (16_000, .nan), (0, 16_000), (16_000, -1), (.infinity, 16_000)] {
            #expect(throws: ResamplerError.self, "\(input) -> \(output)") {
                try Resampler(inputRate: input, outputRate: output)
            }
        }
        #expect(throws: AudioError.self) {
            try AudioStream(path: Fixture.audio("tone-440-16k.wav"), options: .init(sampleRate: .nan))
        }
    }

    @Test("compressed copies of the speech clip decode close to the original")
    func compressedCopiesResembleOriginal() throws {
        let original = try AudioStream.readAll(path: Fixture.audio("speech-en.wav"))
        let energy = original.reduce(0) { $0 + Double($1 * $1) }
        for file in ["speech-en-22k05.flac", "speech-en.ogg", "speech-en.opus"] {
            let copy = try AudioStream.readAll(path: Fixture.audio(file))
            #expect(abs(copy.count - original.count) <= 2, "\(file): \(copy.count) vs \(original.count) samples")
            let copyEnergy = copy.reduce(0) { $0 + Double($1 * $1) }
            #expect(abs(copyEnergy / energy - 1) < 0.2, "\(file): energy ratio \(copyEnergy / energy)")
        }
    }
}
