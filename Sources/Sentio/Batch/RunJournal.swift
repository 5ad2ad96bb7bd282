import Foundation

/// The record of a batch written next to its output (`OUT.journal`, JSON Lines): what run produced the
/// output, then one line per input in output order with its status and where its bytes end, then a
/// completion line. `--resume` reads it to continue a killed run, and `sentio merge` to put shards together.
///
/// A line is appended only after the output bytes it describes are on disk (`fsync`), so after a crash every
/// journal line describes complete output; anything in the output past the last line is torn and is cut off.
/// A torn last journal line (no newline, or not JSON) is ignored.
package struct RunJournal: Sendable, Equatable {
    /// Identifies the run.
    package struct Header: Codable, Sendable, Equatable {
        /// Always `sentio-journal`.
        package var format = RunJournal.formatName
        /// Journal format version.
        package var version = RunJournal.version
        /// The subcommand (`features`, `score`, `info`).
        package var command: String
        /// Every setting that changes the output bytes, as canonical text (not `--jobs` or `--progress`).
        package var settings: String
        /// Number of inputs of the whole (unsharded) run.
        package var inputs: Int
        /// FNV-1a hash of the whole input list, in order.
        package var inputsHash: String
        /// `K/N` for a shard, nil for a whole run.
        package var shard: String?
        /// Bytes at the start of the output before the first input's rows (a CSV header).
        package var headerBytes: Int

        /// Whether `other` is the same run (same command, settings, inputs and shard).
        func sameRun(as other: Header) -> Bool {
            command == other.command && settings == other.settings && inputs == other.inputs
                && inputsHash == other.inputsHash && shard == other.shard && headerBytes == other.headerBytes
        }

        /// Whether `other` is another shard of the same run.
        func sameInputsAndSettings(as other: Header) -> Bool {
            command == other.command && settings == other.settings && inputs == other.inputs
                && inputsHash == other.inputsHash && headerBytes == other.headerBytes
        }
    }

    /// One input's outcome.
    package struct Entry: Codable, Sendable, Equatable {
        /// Position of the input in the whole run's input list.
        package var index: Int
        /// The input path.
        package var file: String
        /// Whether it was processed; a failed input has no output bytes.
        package var ok: Bool
        /// Output offset just past this input's bytes.
        package var end: Int
        /// Seconds of audio processed (ok inputs).
        package var seconds: Double?
        /// The one-line error (failed inputs).
        package var error: String?
    }

    /// The last line of a finished run.
    struct Completion: Codable {
        var complete: Bool
        var ok: Int
        var failed: Int
    }

    static let formatName = "sentio-journal"
    static let version = 1

    /// The run.
    package var header: Header
    /// Outcomes in output order.
    package var entries: [Entry]
    /// Whether the run finished (every input has an entry).
    package var complete: Bool

    /// Path of the journal of output `path`.
    package static func path(for output: String) -> String { output + ".journal" }

    /// The hash recorded in ``Header/inputsHash`` for `inputs`.
    package static func hash(inputs: [String]) -> String {
        var hash = FNV1a()
        for input in inputs { hash.combine(input) }
        return hash.hex
    }

    /// Reads the journal at `path`, or nil when there is none.
    /// - Throws: ``JournalError`` when it exists but is not a Sentio journal or is damaged before its last line.
    package static func read(path: String) throws(JournalError) -> RunJournal? {
        guard isRegularFile(path) else { return nil }
        let text: String
        do { text = try readTextFile(path, limit: 1 << 30) } catch { throw JournalError(path: path, cause: error.cause) }
        // Only newline-terminated lines count: the last one may have been cut by a crash.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()
        let decoder = JSONDecoder()
        guard let first = lines.first,
              let header = try? decoder.decode(Header.self, from: Data(first.utf8)),
              header.format == formatName else {
            throw JournalError(path: path, cause: "not a Sentio journal")
        }
        guard header.version == version else {
            throw JournalError(path: path, cause: "journal version \(header.version) is not supported (this Sentio reads version \(version))")
        }
        var journal = RunJournal(header: header, entries: [], complete: false)
        for (n, line) in lines.dropFirst().enumerated() {
            let data = Data(line.utf8)
            if let entry = try? decoder.decode(Entry.self, from: data) {
                journal.entries.append(entry)
            } else if (try? decoder.decode(Completion.self, from: data))?.complete == true {
                journal.complete = true
            } else if n == lines.count - 2 {
                break  // a last line damaged by a crash
            } else {
                throw JournalError(path: path, cause: "line \(n + 2) is damaged")
            }
        }
        return journal
    }

    /// One journal line (JSON and a newline) for `value`.
    static func line(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(value), as: UTF8.self) + "\n"
    }

    /// The whole journal as text.
    var text: String {
        var text = Self.line(header)
        for entry in entries { text += Self.line(entry) }
        if complete {
            let failed = entries.count(where: { !$0.ok })
            text += Self.line(Completion(complete: true, ok: entries.count - failed, failed: failed))
        }
        return text
    }

    /// The errors file of a run: one JSON object `{"file":…,"error":…}` per failed input in `entries`, in
    /// their order, the error being the cause without the leading path.
    static func errorsText(_ entries: [Entry]) -> String {
        entries.filter { !$0.ok }.map { entry in
            var cause = entry.error ?? ""
            if cause.hasPrefix(entry.file + ": ") { cause.removeFirst(entry.file.count + 2) }
            return "{\"file\":\(jsonQuoted(entry.file)),\"error\":\(jsonQuoted(cause))}\n"
        }.joined()
    }
}

/// A journal that cannot be used (damaged, from another run, or another version).
package struct JournalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The journal or output.
    package var path: String
    /// What is wrong.
    package var cause: String
    /// One line: `path: cause`.
    package var description: String { "\(path): \(cause)" }
}
