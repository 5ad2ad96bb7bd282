#if canImport(Glibc)
import Glibc
#endif

/// Sentio's standard error, kept apart from file descriptor 2 so that C libraries that print to it on
/// their own can be silenced while they work (``silenced(_:)``) without losing Sentio's messages.
package enum StandardError {
    /// Opens /dev/null on any of descriptors 0, 1 and 2 that is closed (a program started with `2>&-`), so
    /// that no file, socket or event queue opened later takes its number and receives what is written to
    /// standard output or error. Call it first thing in `main`.
    package static func ensureStandardDescriptors() {
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) < 0 {
            _ = open("/dev/null", O_RDWR)  // takes the lowest free number, which is `fd`
        }
        _ = descriptor
        _ = redirectable
    }

    /// A duplicate of descriptor 2 made on first use (descriptor 2 itself if it cannot be duplicated):
    /// ``TextSink/standardError()`` writes here.
    static let descriptor: Int32 = {
        let copy = fcntl(2, F_DUPFD_CLOEXEC, 3)
        return copy >= 0 ? copy : 2
    }()

    /// Whether descriptor 2 was a terminal, pipe, socket or file when first asked (before any redirection,
    /// with ``descriptor``): only then is it Sentio's standard error to redirect (not, say, an event queue
    /// that took the number of a closed one).
    private static let redirectable: Bool = {
        var st = stat()
        guard fstat(2, &st) == 0 else { return false }
        let type = st.st_mode & S_IFMT
        return type == S_IFCHR || type == S_IFIFO || type == S_IFSOCK || type == S_IFREG
    }()

    private static let null = open("/dev/null", O_WRONLY | O_CLOEXEC)

    /// Runs `body` with descriptor 2 pointing to /dev/null (and nothing changed if that cannot be done).
    /// Whatever else the process writes to descriptor 2 meanwhile is lost (a trap's message on another
    /// thread): keep `body` short. Not for concurrent use: callers serialise it (libsndfile's opens run under
    /// one lock).
    static func silenced<T>(_ body: () throws -> T) rethrows -> T {
        _ = descriptor  // made before descriptor 2 is redirected
        guard redirectable, null >= 0 else { return try body() }
        let saved = fcntl(2, F_DUPFD_CLOEXEC, 3)
        guard saved >= 0, dup2(null, 2) >= 0 else {
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
