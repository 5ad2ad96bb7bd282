#if canImport(Glibc)
import Glibc
#endif

/// Sentio's standard error, kept apart from file descriptor 2 so that C libraries that print to it on
/// their own can be silenced while they work (``silenced(_:)``) without losing Sentio's messages.
enum StandardError {
    /// A duplicate of descriptor 2 made on first use (descriptor 2 itself if it cannot be duplicated):
    /// ``TextSink/standardError()`` writes here.
    static let descriptor: Int32 = {
        let copy = fcntl(2, F_DUPFD_CLOEXEC, 3)
        return copy >= 0 ? copy : 2
    }()

    private static let null = open("/dev/null", O_WRONLY | O_CLOEXEC)

    /// Runs `body` with descriptor 2 pointing to /dev/null (and nothing changed if that cannot be done).
    /// Not for concurrent use: callers serialise it (libsndfile's opens run under one lock).
    static func silenced<T>(_ body: () throws -> T) rethrows -> T {
        _ = descriptor  // made before descriptor 2 is redirected
        let saved = fcntl(2, F_DUPFD_CLOEXEC, 3)
        guard null >= 0, saved >= 0, dup2(null, 2) >= 0 else {
            if saved >= 0 { close(saved) }
            return try body()
        }
        defer {
            dup2(saved, 2)
            close(saved)
        }
        return try body()
    }
}
