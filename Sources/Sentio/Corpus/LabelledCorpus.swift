/// A corpus of audio files with one emotion label each, read from a labels table.
///
/// The table is CSV with a header and the columns `file` (an audio path), `emotion` (the class name) and,
/// optionally, `speaker`; other columns are ignored. Relative audio paths are resolved against the audio
/// root. A corpus folder holds `labels.csv`, and its audio root is the folder's `wav/` subfolder when that
/// exists, else the folder itself (the layout of the Berlin EmoDB distribution used here).
public struct LabelledCorpus: Sendable, Equatable {
    /// One labelled recording.
    public struct Item: Sendable, Hashable {
        /// Path of the audio file, as resolved against the audio root.
        public var path: String
        /// Class name.
        public var label: String
        /// Speaker id, when the table has a `speaker` column.
        public var speaker: String?

        /// Creates an item for the audio file `path` with class `label` and, when known, its `speaker`.
        public init(path: String, label: String, speaker: String? = nil) {
            self.path = path
            self.label = label
            self.speaker = speaker
        }
    }

    /// The recordings, in table order.
    public var items: [Item]
    /// Class names, sorted; a model's outputs follow this order.
    public var classes: [String]
    /// Whether every item has a speaker id.
    public var hasSpeakers: Bool { items.allSatisfy { $0.speaker != nil } }
    /// Where the items come from (the labels table's path, or what the caller named), for error messages.
    public var source: String
    /// Fewest items per class this corpus was checked for; training checks it again without failed files.
    public var requiredPerClass: Int

    /// A corpus from items (for callers that build one in code).
    /// - Throws: ``CorpusError`` when a class has fewer than `minimumPerClass` items, there are fewer than two
    ///   classes, two class names differ only in case, or a class name is reserved.
    public init(items: [Item], source: String = "corpus", minimumPerClass: Int = LabelledCorpus.minimumPerClass) throws(CorpusError) {
        var counts: [String: Int] = [:]
        for item in items { counts[item.label, default: 0] += 1 }
        guard counts.count >= 2 else {
            throw CorpusError(path: source, message: "needs at least two classes, found \(counts.keys.sorted())")
        }
        let reserved = counts.keys.filter(Self.reservedClassNames.contains).sorted()
        guard reserved.isEmpty else {
            let names = reserved.count > 1 ? "class names \(reserved.joined(separator: ", ")) are" : "class name \(reserved[0]) is"
            throw CorpusError(path: source, message: "\(names) reserved (score's output has the columns file, start, end and emotion, and the label no_speech)")
        }
        // A class name becomes a CSV column and a TextGrid label: a line break would break both.
        if let bad = counts.keys.sorted().first(where: { $0.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } }) {
            throw CorpusError(path: source, message: "class name \(bad.debugDescription) contains a line break or control character")
        }
        // `Angry` beside `angry` is a typo in the labels, not a class of its own.
        let byCase = Dictionary(grouping: counts.keys.sorted(), by: { $0.lowercased() }).values.filter { $0.count > 1 }
        if let variants = byCase.min(by: { $0[0] < $1[0] }) {
            throw CorpusError(path: source, message: "classes \(variants.joined(separator: ", ")) differ only in case (labels are compared exactly): write them one way")
        }
        let rare = counts.filter { $0.value < minimumPerClass }.sorted { $0.key < $1.key }
        guard rare.isEmpty else {
            let list = rare.map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
            throw CorpusError(path: source, message: "classes with fewer than \(minimumPerClass) examples: \(list)")
        }
        self.items = items
        self.source = source
        requiredPerClass = minimumPerClass
        classes = counts.keys.sorted()
    }

    /// Fewest examples a class may have: cross-validation needs a few per fold.
    public static let minimumPerClass = 5

    /// Names a class may not have: the fixed columns of `sentio score`'s output, which the class columns
    /// follow, and the label of a segment without speech (``EmotionScorer/noSpeech``).
    public static let reservedClassNames: Set<String> = ["file", "start", "end", "emotion", EmotionScorer.noSpeech]

    /// The corpus without the items whose class is not in `keep` (e.g. the classes two corpora share).
    /// - Throws: ``CorpusError`` when a class in `keep` has no items, or too few remain.
    public func restricted(to keep: [String], source: String? = nil) throws(CorpusError) -> LabelledCorpus {
        let source = source ?? self.source
        return try LabelledCorpus(items: Self.items(items, keeping: keep, source: source), source: source,
                                  minimumPerClass: requiredPerClass)
    }

    /// The items of the classes `keep`.
    /// - Throws: ``CorpusError`` (for `source`) when a class in `keep` has no items.
    private static func items(_ items: [Item], keeping keep: [String], source: String) throws(CorpusError) -> [Item] {
        let present = Set(items.map(\.label))
        let absent = keep.filter { !present.contains($0) }
        guard absent.isEmpty else {
            throw CorpusError(path: source, message: "no items of class \(absent.joined(separator: ", ")) (classes: \(present.sorted().joined(separator: ", ")))")
        }
        return items.filter { keep.contains($0.label) }
    }

    /// The files of this corpus that `other` lists too (the same file under any name or link), in this
    /// corpus's order; nil when there are none.
    public func sharedFiles(with other: LabelledCorpus) -> [String]? {
        let theirs = Set(other.items.map { fileIdentity($0.path) ?? normalizedPath($0.path) })
        let shared = items.map(\.path).filter { theirs.contains(fileIdentity($0) ?? normalizedPath($0)) }
        return shared.isEmpty ? nil : shared
    }

    /// Reads the corpus folder `directory` (its `labels.csv`, audio under `wav/` or the folder itself), keeping
    /// only the rows of the classes `keeping` when given (see ``load(labels:audioRoot:keeping:)``). With a
    /// `wav/` subfolder, relative paths resolve against it, except those that start with `wav/` themselves (a
    /// table that writes `wav/a.wav`), which resolve against the folder.
    public static func load(directory: String, keeping classes: [String]? = nil) throws(CorpusError) -> LabelledCorpus {
        guard isDirectory(directory) else { throw CorpusError(path: directory, message: "no such folder") }
        let wav = joinPath(directory, "wav")
        return try load(labels: joinPath(directory, "labels.csv"), audioRoot: isDirectory(wav) ? wav : directory,
                        tableRoot: isDirectory(wav) ? directory : nil, keeping: classes)
    }

    /// Reads the labels table at `labels`, resolving relative audio paths against `audioRoot`. With `keeping`,
    /// only the rows of those classes are kept, before the classes' sizes are checked (so a rare class can be
    /// left out); their files must still exist. Labels are compared exactly: `Angry` and `angry` would be two
    /// classes, which is refused.
    /// - Throws: ``CorpusError`` for an unreadable or malformed table, a missing column, an empty label, a
    ///   duplicated or missing audio file, a class of `keeping` without rows, classes that differ only in
    ///   case, or a class with too few examples.
    public static func load(labels: String, audioRoot: String, keeping classes: [String]? = nil) throws(CorpusError) -> LabelledCorpus {
        try load(labels: labels, audioRoot: audioRoot, tableRoot: nil, keeping: classes)
    }

    /// The folder a labels table's relative audio path `file` starts from: `audioRoot`, or `tableRoot` (the
    /// corpus folder whose `wav/` is the audio root) for a path that starts with `wav/` itself. Also how a
    /// CSV manifest's paths resolve (``BatchInputs``).
    static func root(of file: String, audioRoot: String, tableRoot: String?) -> String {
        if let tableRoot, file.hasPrefix("wav/") { return tableRoot }
        return audioRoot
    }

    /// ``load(labels:audioRoot:keeping:)`` resolving relative paths that start with `wav/` against
    /// `tableRoot` when given (a corpus folder whose audio root is its `wav/`).
    static func load(labels: String, audioRoot: String, tableRoot: String?, keeping classes: [String]?) throws(CorpusError) -> LabelledCorpus {
        let table = try readTable(labels)
        let missing = ["file", "emotion"].filter { table.column($0) == nil }
        guard missing.isEmpty else {
            let delimiter = table.header.count == 1 ? [";", "\t"].first { table.header[0].contains($0) } : nil
            let hint = delimiter.map { "; the table looks \($0 == ";" ? "semicolon" : "tab")-separated, and labels are read as comma-separated CSV" } ?? ""
            throw CorpusError(path: labels, message: "missing column \(missing.map { "'\($0)'" }.joined(separator: " and ")) (columns: \(table.header.joined(separator: ", "))\(hint))")
        }
        for name in ["file", "emotion", "speaker"] where table.header.count(where: { $0 == name }) > 1 {
            throw CorpusError(path: labels, message: "column '\(name)' appears twice in the header")
        }
        let fileColumn = table.column("file")!, labelColumn = table.column("emotion")!
        let speakerColumn = table.column("speaker")
        var items: [Item] = []
        var seen: [String: (line: Int, file: String)] = [:]
        var firstMissing: (line: Int, file: String, cause: String)? = nil, missingCount = 0
        for (row, line) in zip(table.rows, table.lineNumbers) {
            let file = row[fileColumn].trimmingSpaces, label = row[labelColumn].trimmingSpaces
            guard !file.isEmpty else { throw CorpusError(path: labels, message: "line \(line): empty file name") }
            guard !label.isEmpty else { throw CorpusError(path: labels, message: "line \(line): \(file) has no emotion label") }
            let path = file.hasPrefix("/") ? file : joinPath(Self.root(of: file, audioRoot: audioRoot, tableRoot: tableRoot), file)
            guard isRegularFile(path) else {
                // Every missing file is counted, so that a wrong audio root shows as such at once.
                missingCount += 1
                if firstMissing == nil {
                    firstMissing = (line, file, isDirectory(path) ? "\(path) is a folder, not an audio file" : "no such file \(path)")
                }
                continue
            }
            // The same recording under two names (`a.wav`, `./a.wav`, an absolute path, a link) would be
            // trained and tested on, or carry two labels.
            let key = fileIdentity(path) ?? normalizedPath(path)
            if let first = seen[key] {
                let same = first.file == file ? "" : " (as \(first.file))"
                throw CorpusError(path: labels, message: "line \(line): \(file) is listed twice: line \(first.line) names the same file\(same)")
            }
            seen[key] = (line, file)
            var speaker: String? = nil
            if let speakerColumn {
                let s = row[speakerColumn].trimmingSpaces
                guard !s.isEmpty else { throw CorpusError(path: labels, message: "line \(line): \(file) has an empty speaker id") }
                speaker = s
            }
            items.append(Item(path: path, label: label, speaker: speaker))
        }
        if let first = firstMissing {
            let more = missingCount > 1 ? "; \(missingCount - 1) more of the \(table.rows.count) rows name missing files" : ""
            throw CorpusError(path: labels, message: "line \(first.line): unknown file \(first.file) (\(first.cause))\(more)")
        }
        guard !items.isEmpty else { throw CorpusError(path: labels, message: "no rows") }
        let kept = try classes.map { keep throws(CorpusError) in try Self.items(items, keeping: keep, source: labels) } ?? items
        return try LabelledCorpus(items: kept, source: labels)
    }
}

/// Reads and parses the CSV table at `path`, with its read or parse error as a ``CorpusError``.
func readTable(_ path: String) throws(CorpusError) -> CSVTable {
    let text: String
    do { text = try readTextFile(path) } catch { throw CorpusError(path: path, message: error.cause) }
    do { return try CSVTable(parsing: text) } catch { throw CorpusError(path: path, message: error.description) }
}

/// A labels table or corpus that cannot be used.
public struct CorpusError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The table or folder.
    public var path: String
    /// What is wrong.
    public var message: String
    /// One line: `path: message`.
    public var description: String { "\(path): \(message)" }
}

extension LabelledCorpus {
    /// A `file,speaker` table naming the speaker of each audio file: by the path as written on the command
    /// line, or by a path relative to the table's folder (or its `wav/` subfolder, a corpus's layout), as a
    /// corpus's `labels.csv` has them.
    public struct SpeakerTable: Sendable {
        /// Speaker of each path, as the table writes it.
        public var speakers: [String: String]
        /// Speaker of each file the table's paths name, by its canonical path (symbolic links resolved).
        private var byFile: [String: String] = [:]

        /// Creates a table from each path's speaker. Paths are then matched only as written; ``load(path:)``
        /// also matches them by canonical path.
        public init(speakers: [String: String]) { self.speakers = speakers }

        /// The speaker of the input `path`, or nil when the table does not name it.
        public func speaker(of path: String) -> String? {
            speakers[path] ?? canonicalPath(path).flatMap { byFile[$0] }
        }

        /// Reads the table at `path`.
        /// - Throws: ``CorpusError`` for an unreadable table, missing columns or an empty speaker.
        public static func load(path: String) throws(CorpusError) -> SpeakerTable {
            let table = try readTable(path)
            guard let file = table.column("file"), let speaker = table.column("speaker") else {
                throw CorpusError(path: path, message: "needs columns 'file' and 'speaker' (columns: \(table.header.joined(separator: ", ")))")
            }
            var speakers: [String: String] = [:]
            for (row, line) in zip(table.rows, table.lineNumbers) {
                let s = row[speaker].trimmingSpaces
                guard !s.isEmpty else { throw CorpusError(path: path, message: "line \(line): empty speaker") }
                speakers[row[file].trimmingSpaces] = s
            }
            var result = SpeakerTable(speakers: speakers)
            let folder = parentFolder(of: path)
            for (entry, s) in speakers.sorted(by: { $0.key < $1.key }) {
                let candidates = entry.hasPrefix("/") ? [entry]
                    : [entry, joinPath(folder, entry), joinPath(joinPath(folder, "wav"), entry)]
                for candidate in candidates {
                    if let file = canonicalPath(candidate), result.byFile[file] == nil { result.byFile[file] = s }
                }
            }
            return result
        }
    }
}
