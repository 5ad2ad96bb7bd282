#if canImport(Glibc)
import Glibc
#endif

// Paths and the file system: the few questions Sentio asks of them, in one place.

/// The folder holding `path`: `.` for a bare name, `/` for a file at the root.
func parentFolder(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
}

/// `directory/name`, without doubling a trailing slash.
package func joinPath(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}

/// The absolute path of the existing file or folder `path`, symbolic links resolved; nil when there is none.
package func canonicalPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
}

/// What makes two paths the same file: its device and inode (links of either kind followed), or nil when
/// `path` cannot be examined.
func fileIdentity(_ path: String) -> String? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    return "\(st.st_dev):\(st.st_ino)"
}

/// Whether `path` names an existing regular file (following links).
func isRegularFile(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
}

/// Whether `path` names an existing folder (following links).
package func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
}

/// Sizes of the files at `paths` in bytes (0 for any that cannot be examined).
package func fileSizes(_ paths: [String]) -> [Int64] {
    paths.map { path in
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG ? Int64(st.st_size) : 0
    }
}

/// `path` with `.` components and repeated slashes removed: the first key that finds duplicate inputs
/// (`..` and links are left alone; ``canonicalPath(_:)`` resolves those).
func normalizedPath(_ path: String) -> String {
    let absolute = path.hasPrefix("/")
    let parts = path.split(separator: "/").filter { $0 != "." }
    let joined = parts.joined(separator: "/")
    return absolute ? "/" + joined : joined
}
