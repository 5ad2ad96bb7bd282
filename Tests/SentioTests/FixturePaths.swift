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

    /// A fresh temporary directory for one test.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sentio-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
