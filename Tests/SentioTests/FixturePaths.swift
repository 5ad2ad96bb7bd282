import Foundation

/// Locations of the committed test fixtures.
enum Fixture {
    /// The package root (two levels above this file's folder).
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Path of a good fixture in `Fixtures/audio/`.
    static func audio(_ name: String) -> String { root.appendingPathComponent("Fixtures/audio/\(name)").path }

    /// Path of a bad fixture in `Fixtures/bad/`.
    static func bad(_ name: String) -> String { root.appendingPathComponent("Fixtures/bad/\(name)").path }

    /// Path of any file below `Fixtures/`.
    static func path(_ relative: String) -> String { root.appendingPathComponent("Fixtures/\(relative)").path }

    /// Writes `samples` (interleaved when `channels` > 1) as a 32-bit IEEE-float WAV file (format code 3),
    /// written as given: no scaling or clipping, for inputs a test needs outside full scale or not finite.
    static func writeFloatWAV(_ samples: [Float], sampleRate: Int, channels: Int = 1, to path: String) throws {
        var data = Data()
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        let dataBytes = UInt32(4 * samples.count)
        data.append(contentsOf: Array("RIFF".utf8)); append(UInt32(36) + dataBytes)
        data.append(contentsOf: Array("WAVEfmt ".utf8)); append(UInt32(16))
        append(UInt16(3)); append(UInt16(channels)); append(UInt32(sampleRate)); append(UInt32(4 * channels * sampleRate))
        append(UInt16(4 * channels)); append(UInt16(32))
        data.append(contentsOf: Array("data".utf8)); append(dataBytes)
        for x in samples { append(x.bitPattern) }
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// A fresh temporary directory for one test.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sentio-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
