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

    @Test("an Ogg stream cut inside its last page: no length in its header, and decoding fails, naming the frames the last page declares")
    func oggCutShort() throws {
        let path = Fixture.bad("truncated.ogg")
        let header = try AudioFile.inspect(path: path, decode: false)
        #expect(!header.lengthIsKnown)
        let error = #expect(throws: AudioError.self) { try AudioStream.readAll(path: path, options: .init(sampleRate: nil)) }
        #expect(error?.kind == .truncated)
        #expect(error?.description.contains("decoded 30720 of the 67072 frames its last Ogg page declares") == true, "\(String(describing: error))")
        let info = try SentioCLI.run(["info", "--header-only", path])
        #expect(info.status == 0 && info.stdoutLines == ["path,container,encoding,sample_rate,channels,frames,duration",
                                                         "\(path),ogg,vorbis,16000.0,1,,"], "\(info.stdout)")
        #expect(try SentioCLI.run(["info", path]).status == 1)
    }

    @Test("libsndfile's opaque open failures are said as what they mean: a header cut short, fields that contradict each other")
    func opaqueOpenFailures() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let mp3 = dir.appendingPathComponent("cut.mp3").path
        try Data(try Data(contentsOf: URL(fileURLWithPath: Fixture.audio("speech-en.mp3"))).prefix(44)).write(to: URL(fileURLWithPath: mp3))
        // A float WAV (format 3) whose header says 16 bits per sample.
        let wav = dir.appendingPathComponent("float16.wav").path
        try Fixture.writeFloatWAV([Float](repeating: 0.1, count: 1600), sampleRate: 16_000, to: wav)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: wav))
        bytes[34] = 16
        try bytes.write(to: URL(fileURLWithPath: wav))
        for (path, words) in [(mp3, "its header cannot be read: cut short or damaged"), (wav, "its header's fields contradict each other; libsndfile: ")] {
            let error = #expect(throws: AudioError.self) { try AudioFile(path: path) }
            #expect(error?.kind == .corrupt && error?.description.contains(words) == true, "\(String(describing: error))")
        }
    }

    @Test("the last Ogg page's granule position: Vorbis frames as they are, Opus at 48 kHz less its pre-skip; nil for a stream that does not start at 0 or ends in another")
    func oggStreamEnd() throws {
        func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }
        let vorbis = try bytes(Fixture.audio("speech-en.ogg")), opus = try bytes(Fixture.audio("speech-en.opus"))
        #expect(OggStreamEnd.frames(head: vorbis, tail: vorbis, sampleRate: 16_000) == 75076)
        #expect(OggStreamEnd.frames(head: opus, tail: opus, sampleRate: 48_000) == 225_228)
        #expect(OggStreamEnd.frames(head: opus, tail: opus, sampleRate: 16_000) == 75076)
        #expect(OggStreamEnd.frames(head: vorbis, tail: opus, sampleRate: 16_000) == nil, "another stream's last page")
        #expect(OggStreamEnd.frames(head: Array(vorbis.prefix(26)), tail: vorbis, sampleRate: 16_000) == nil)
        // The same stream with its granule positions moved 20 s on, as a recording cut from a live stream.
        var live = vorbis
        var offset = 0
        while offset + 27 <= live.count, Array(live[offset..<(offset + 4)]) == Array("OggS".utf8) {
            var granule = (0..<8).reduce(UInt64(0)) { $0 | UInt64(live[offset + 6 + $1]) << (8 * UInt64($1)) }
            if granule > 0 { granule += 320_000 }
            for k in 0..<8 { live[offset + 6 + k] = UInt8(truncatingIfNeeded: granule >> (8 * UInt64(k))) }
            let segments = Int(live[offset + 26])
            offset += 27 + segments + live[(offset + 27)..<(offset + 27 + segments)].reduce(0) { $0 + Int($1) }
        }
        #expect(offset == live.count)
        #expect(OggStreamEnd.frames(head: live, tail: live, sampleRate: 16_000) == nil)
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
