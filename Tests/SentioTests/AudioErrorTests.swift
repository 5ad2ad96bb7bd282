import Foundation
import Testing
@testable import Sentio

/// Every kind of bad input yields its own typed error naming the file, and never a crash.
@Suite struct AudioErrorTests {
    struct Case: Sendable, CustomStringConvertible {
        var file: String
        var kind: AudioError.Kind
        var description: String { file }
    }

    static let badFiles: [Case] = [
        .init(file: "empty.wav", kind: .empty),
        .init(file: "header-only.wav", kind: .empty),
        .init(file: "truncated.wav", kind: .truncated),
        .init(file: "truncated.mp3", kind: .truncated),
        .init(file: "text.wav", kind: .notAudio),
        .init(file: "nan.wav", kind: .nonFiniteSample(frame: 100)),
        .init(file: "inf.wav", kind: .nonFiniteSample(frame: 200)),
        .init(file: "huge.wav", kind: .sampleOutOfRange(frame: 300, value: 3e29)),
        .init(file: "zero-channels.wav", kind: .zeroChannels),
        .init(file: "rate-500.wav", kind: .sampleRateOutOfRange(500)),
        .init(file: "rate-1M.wav", kind: .sampleRateOutOfRange(1_000_000)),
        .init(file: "garbage.flac", kind: .corrupt),
    ]

    @Test("each bad fixture gives its specific error", arguments: badFiles)
    func badFixture(_ bad: Case) {
        let path = Fixture.bad(bad.file)
        #expect {
            _ = try AudioStream.readAll(path: path)
        } throws: { error in
            guard let error = error as? AudioError else { return false }
            return error.kind == bad.kind && error.path == path && error.description.hasPrefix(path + ": ")
                && !error.description.contains("\n")
        }
    }

    @Test("an Ogg stream cut short has no length in its header and decodes to the samples it holds")
    func oggCutShort() throws {
        let path = Fixture.bad("truncated.ogg")
        let header = try AudioFile.inspect(path: path, decode: false)
        #expect(!header.lengthIsKnown)
        let decoded = try AudioFile.inspect(path: path, decode: true)
        #expect(decoded.lengthIsKnown && decoded.frames == 30720)
        let cut = try AudioStream.readAll(path: path, options: .init(sampleRate: nil))
        let whole = try AudioStream.readAll(path: Fixture.audio("speech-en.ogg"), options: .init(sampleRate: nil))
        #expect(cut.count == 30720 && whole.count > cut.count)
        #expect(Array(whole.prefix(cut.count - 2048)) == Array(cut.prefix(cut.count - 2048)))
        let info = try SentioCLI.run(["info", "--header-only", path])
        #expect(info.status == 0 && info.stdoutLines == ["path,container,encoding,sample_rate,channels,frames,duration",
                                                         "\(path),ogg,vorbis,16000.0,1,,"], "\(info.stdout)")
    }

    @Test("an MP3's length counts only when a Xing, Info or VBRI tag states it: a VBR file without one is not truncated")
    func mp3Lengths() throws {
        #expect(MP3LengthTag.present(path: Fixture.bad("truncated.mp3")))        // ffmpeg writing a file: Xing
        #expect(!MP3LengthTag.present(path: Fixture.audio("speech-en.mp3")))     // sox: no tag
        let vbr = Fixture.audio("speech-en-vbr.mp3")                            // ffmpeg to a pipe: no tag
        #expect(!MP3LengthTag.present(path: vbr))
        let header = try AudioFile.inspect(path: vbr, decode: false), decoded = try AudioFile.inspect(path: vbr, decode: true)
        #expect(header.frames > 5 * decoded.frames, "the estimate from a silent first frame: \(header.frames)")
        #expect(decoded.frames == 92736)
    }

    @Test("a missing file and a directory are reported as such")
    func missingAndDirectory() {
        #expect(throws: AudioError(path: "/no/such/file.wav", kind: .fileNotFound)) {
            _ = try AudioFile(path: "/no/such/file.wav")
        }
        let directory = Fixture.path("audio")
        #expect(throws: AudioError(path: directory, kind: .notAFile)) { _ = try AudioFile(path: directory) }
    }

    @Test("an unreadable file is reported as permission denied", .enabled(if: getuid() != 0, "root reads any file"))
    func permissionDenied() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("locked.wav").path
        try FileManager.default.copyItem(atPath: Fixture.audio("tone-440-16k.wav"), toPath: path)
        chmod(path, 0)
        #expect(throws: AudioError(path: path, kind: .permissionDenied)) { _ = try AudioFile(path: path) }
    }

    @Test("NaN samples can be replaced with zeros when the user asks")
    func nonFiniteReplacement() throws {
        let samples = try AudioStream.readAll(
            path: Fixture.bad("nan.wav"), options: AudioReadOptions(sampleRate: nil, nonFinite: .replaceWithZero))
        #expect(samples.count == 1600)
        #expect(samples.allSatisfy { $0.isFinite })
        #expect(samples[100..<110].allSatisfy { $0 == 0 })
        #expect(samples[99] != 0 || samples[110] != 0)
        let huge = try AudioStream.readAll(
            path: Fixture.bad("huge.wav"), options: AudioReadOptions(sampleRate: nil, nonFinite: .replaceWithZero))
        #expect(huge[300..<305].allSatisfy { $0 == 0 })
        #expect(huge.allSatisfy { abs($0) <= 1 })
    }

    @Test("a float file on the int16 scale (±32768) is accepted: only samples beyond ±2²⁰ are refused")
    func int16ScaledFloatAccepted() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("int16-scale.wav").path
        let samples = (0..<1600).map { Float(32767 * sin(Double($0) * 0.17)) }
        try Fixture.writeFloatWAV(samples, sampleRate: 16000, to: path)
        let read = try AudioStream.readAll(path: path, options: AudioReadOptions(sampleRate: nil))
        #expect(read == samples)
    }

    @Test("error messages are one line naming the file and the cause")
    func messageShape() {
        let error = AudioError(path: "a/b.wav", kind: .sampleRateOutOfRange(500))
        #expect(error.description == "a/b.wav: sample rate 500 Hz is outside the supported range 1000..384000 Hz")
    }
}
