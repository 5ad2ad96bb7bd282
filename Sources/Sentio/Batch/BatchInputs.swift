#if canImport(Glibc)
import Glibc
#endif

/// Turns what a user names on the command line into the ordered list of audio files a batch processes.
///
/// - A file argument is taken as it is, even when it does not exist: it then fails in the run with its own
///   error line, like any other bad file.
/// - A folder is walked recursively; files whose extension is in ``extensions`` (case-insensitive) are taken in
///   byte order of their paths, so the order is the same on every machine. Hidden entries (names starting
///   with `.`) are skipped, symbolic links to files are followed, symbolic links to folders are not (no cycles).
///   A file whose name is not UTF-8 (e.g. Latin-1) is listed with U+FFFD in place of the bad bytes, so that it
///   fails with its own error line (which says to rename it) instead of vanishing from the batch; so does a
///   folder that cannot be listed (no permission), which fails as one input that says why.
/// - `-` reads one path per line from standard input.
/// - A manifest (``manifests``) is either a CSV table with a `file` column (such as a corpus's `labels.csv`;
///   relative paths resolve against the table's `wav/` sibling folder when it exists, else its own folder;
///   paths that start with `wav/` against its own folder) or
///   a list with one path per line (blank lines and lines starting with `#` ignored; relative paths resolve
///   against the list's folder).
///
/// Duplicates (the same path spelled `a.wav`, `./a.wav` or `dir//a.wav`, and other paths that resolve to it:
/// `dir/../a.wav`, a symbolic link) are dropped after their first occurrence, keeping the first spelling; the
/// order is otherwise that of the arguments. Hard links stay: a corpus that stores identical clips once under
/// several names means each name.
package struct BatchInputs: Sendable {
    /// Extensions of the audio formats libsndfile reads, lower-case, without the dot.
    package static let audioExtensions: Set<String> = [
        "wav", "wave", "flac", "ogg", "oga", "opus", "mp3", "aif", "aiff", "aifc", "au", "snd", "caf",
        "w64", "rf64", "voc", "nist", "sph", "sd2", "mat", "paf", "svx", "htk", "xi", "mpc", "sds", "avr", "wve",
    ]

    /// Positional arguments: files, folders, or `-`.
    package var arguments: [String]
    /// Manifest files (lists or CSV tables), read after the arguments.
    package var manifests: [String]
    /// Extensions taken from folders (lower-case, no dot).
    package var extensions: Set<String>

    /// Creates an input list from `arguments` and `manifests`; `extensions` are lower-cased (default
    /// ``audioExtensions``).
    package init(arguments: [String], manifests: [String] = [], extensions: Set<String> = BatchInputs.audioExtensions) {
        self.arguments = arguments
        self.manifests = manifests
        self.extensions = Set(extensions.map { $0.lowercased() })
    }

    /// The ordered, de-duplicated paths.
    /// - Parameters:
    ///   - readStandardInput: supplies the text of standard input for `-` (read at most once).
    ///   - emptyFolder: called with each folder argument that holds no audio file (so that the caller can say
    ///     so rather than drop it in silence).
    /// - Throws: ``InputListError`` for an unreadable manifest or standard input, or a manifest without a
    ///   `file` column. (A folder that cannot be listed becomes an input that fails with its cause.)
    package func collect(readStandardInput: () throws -> String = { try readStandardInputText() },
                        emptyFolder: (String) -> Void = { _ in },
                        sameFile: (_ dropped: String, _ kept: String) -> Void = { _, _ in }) throws -> [String] {
        var paths: [String] = []
        var seen: Set<String> = []
        var byResolved: [String: String] = [:]  // resolved path → the first path naming it
        func add(_ path: String) {
            guard seen.insert(normalizedPath(path)).inserted else { return }
            if let resolved = canonicalPath(path) {
                if let kept = byResolved[resolved] { return sameFile(path, kept) }
                byResolved[resolved] = path
            }
            paths.append(path)
        }
        var stdinRead = false
        for argument in arguments {
            if argument == "-" {
                guard !stdinRead else { continue }
                stdinRead = true
                for line in withoutByteOrderMark(try readStandardInput()).split(whereSeparator: isListSeparator) {
                    let path = Self.path(line: line) { $0 }
                    if !path.isEmpty { add(path) }
                }
            } else if isDirectory(argument) {
                if walk(argument, add) == 0 { emptyFolder(argument) }
            } else {
                add(argument)
            }
        }
        for manifest in manifests {
            for path in try Self.readManifest(manifest) { add(path) }
        }
        return paths
    }

    /// Adds the audio files below `directory`; returns how many there are (duplicates of earlier inputs included).
    /// A folder that cannot be listed is added as an input itself, which fails on its own with the cause, so
    /// that the rest of a corpus goes on.
    @discardableResult
    private func walk(_ directory: String, _ add: (String) -> Void) -> Int {
        guard let dir = opendir(directory) else {
            add(directory)
            return 1
        }
        var names: [(name: String, bytes: [UInt8])] = []
        while let entry = readdir(dir) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix(while: { $0 != 0 })) }
            let name = String(decoding: bytes, as: UTF8.self)
            if !name.hasPrefix(".") { names.append((name, bytes)) }
        }
        closedir(dir)
        // Byte order of the names, not the locale's collation, so every machine lists the same order.
        names.sort { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        var found = 0
        for (name, bytes) in names {
            let path = joinPath(directory, name)
            // The entry itself, by its own bytes (the decoded name differs when they are not UTF-8).
            let raw = (Array(joinPath(directory, "").utf8) + bytes + [0]).map { CChar(bitPattern: $0) }
            var st = stat()
            guard lstat(raw, &st) == 0 else { continue }
            let isLink = (st.st_mode & S_IFMT) == S_IFLNK
            if isLink && stat(raw, &st) != 0 { continue }
            switch st.st_mode & S_IFMT {
            case S_IFDIR where !isLink:
                if name.utf8.elementsEqual(bytes) {
                    found += walk(path, add)
                } else {
                    add(path)  // not walkable by its decoded name: it fails as one input that says why
                    found += 1
                }
            case S_IFREG:
                if let dot = name.lastIndex(of: "."), extensions.contains(name[name.index(after: dot)...].lowercased()) {
                    add(path)
                    found += 1
                }
            default: break
            }
        }
        return found
    }

    /// The paths listed in a manifest (see the type's documentation for the two forms).
    package static func readManifest(_ path: String) throws(InputListError) -> [String] {
        let text: String
        do { text = try readTextFile(path) } catch { throw InputListError(path: path, cause: error.cause) }
        let folder = parentFolder(of: path)
        func resolve(_ file: String, against root: String) -> String {
            file.hasPrefix("/") || root == "." ? file : joinPath(root, file)
        }
        if path.lowercased().hasSuffix(".csv") {
            let table: CSVTable
            do { table = try CSVTable(parsing: text) } catch { throw InputListError(path: path, cause: error.description) }
            guard let column = table.column("file") else {
                throw InputListError(path: path, cause: "no 'file' column (columns: \(table.header.joined(separator: ", ")))")
            }
            // As a corpus's labels.csv is read: against the folder's wav/ when there is one, except for paths
            // that already start with wav/.
            let wav = joinPath(folder, "wav"), hasWav = isDirectory(wav)
            return table.rows.map { $0[column].trimmingSpaces }.filter { !$0.isEmpty }.map { file in
                resolve(file, against: LabelledCorpus.root(of: file, audioRoot: hasWav ? wav : folder, tableRoot: hasWav ? folder : nil))
            }
        }
        return withoutByteOrderMark(text).split(whereSeparator: isListSeparator)
            .filter { line in let t = String(line).trimmingSpaces; return !t.isEmpty && !t.hasPrefix("#") }
            .map { line in resolve(Self.path(line: line) { resolve($0, against: folder) }, against: folder) }
    }

    /// The path a list line names: the line without the spaces and tabs around it, unless the line as it is
    /// names an existing file (whose name then has them), `resolved` turning a line into the path to test.
    private static func path(line: Substring, resolved: (String) -> String) -> String {
        let exact = String(line), trimmed = exact.trimmingSpaces
        return trimmed != exact && isRegularFile(resolved(exact)) ? exact : trimmed
    }
}

/// Whether `c` ends a path in a list of paths (standard input, a plain manifest): a line break, or a NUL,
/// which no path can hold, so that `find ... -print0` lists work too.
private func isListSeparator(_ c: Character) -> Bool { c.isNewline || c == "\0" }

/// `text` without a leading byte-order mark (editors on Windows write one; it is not part of the first path).
private func withoutByteOrderMark(_ text: String) -> Substring {
    text.unicodeScalars.first == "\u{FEFF}" ? Substring(text.unicodeScalars.dropFirst()) : Substring(text)
}

/// Standard input as text (for the `-` argument), at most `limit` bytes (as a manifest: /dev/zero piped
/// in must not fill the memory).
package func readStandardInputText(limit: Int = 256 << 20) throws -> String {
    do { return String(decoding: try readAll(0, name: "<stdin>", limit: limit), as: UTF8.self) } catch {
        throw InputListError(path: "<stdin>", cause: error.cause)
    }
}

/// A folder or manifest that cannot be read as a list of inputs.
package struct InputListError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The folder or manifest.
    package var path: String
    /// What is wrong.
    package var cause: String
    /// One line: `path: cause`.
    package var description: String { "\(path): \(cause)" }
}
