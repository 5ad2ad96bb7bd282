#if canImport(Glibc)
import Glibc
#endif

/// Puts the outputs of the shards of one run (`--shard K/N`, K = 0…N-1) back together into exactly what a
/// single run over all inputs writes: the same bytes in the same order, the same errors file and journal.
///
/// Each part is an output file with its journal (CSV or JSON Lines) or an output folder of one file per input
/// (npy matrices, TextGrids, label tracks: its `index.csv` and journal; the files are hard-linked, or copied
/// across file systems). The parts must come from the
/// same command, settings and input list, each must be complete, and together they must be all N shards.
package enum ShardMerge {
    /// What merging found.
    package struct Summary: Sendable {
        /// Inputs in the merged output.
        package var files: Int
        /// Of those, inputs that had failed.
        package var failed: Int
    }

    /// Merges `parts` into `output` (a file, or a folder for folder parts), listing failed inputs in `errors`.
    /// - Throws: ``JournalError`` for a part without a complete journal, parts of different runs, or missing
    ///   or repeated shards; ``OutputError`` when the merged output cannot be written.
    package static func merge(parts: [String], output: String, errors: String) throws -> Summary {
        precondition(!parts.isEmpty)
        let folders = parts.map(isDirectory)
        guard folders.allSatisfy({ $0 == folders[0] }) else {
            throw JournalError(path: parts[0], cause: "cannot merge output folders with CSV or JSON Lines files")
        }
        let perInputFiles = folders[0]
        let streams = parts.map { perInputFiles ? joinPath($0, "index.csv") : $0 }
        let journals = try zip(parts, streams).map { try completeJournal(part: $0, stream: $1) }
        try checkAllShards(parts: parts, journals: journals)
        let pieces = try orderedPieces(journals: journals, parts: parts)

        var descriptors: [Int32] = []
        defer { descriptors.forEach { _ = close($0) } }
        for stream in streams {
            let fd = open(stream, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw JournalError(path: stream, cause: String(cString: strerror(errno))) }
            descriptors.append(fd)
        }
        let first = journals[0].header
        let header = try readRange(descriptors[0], 0..<first.headerBytes, name: streams[0])
        for p in 1..<parts.count where try readRange(descriptors[p], 0..<first.headerBytes, name: streams[p]) != header {
            throw JournalError(path: parts[p], cause: "its header differs from \(parts[0])'s")
        }

        let stream = try prepareDestination(output, parts: parts, streams: streams, perInputFiles: perInputFiles)
        var merged = first
        merged.shard = nil
        guard case .ready(let destination, _) = try JournaledOutput.open(
            path: stream, errorsPath: errors, header: merged, headerText: String(decoding: header, as: UTF8.self), resume: false)
        else { preconditionFailure("a fresh output is always ready") }
        for piece in pieces {
            var bytes: ResultBuffer? = nil
            if piece.entry.ok {
                let buffer = ResultBuffer()
                try copyRange(descriptors[piece.part], piece.start..<piece.entry.end, name: streams[piece.part]) {
                    try buffer.write(bytes: $0)
                }
                if perInputFiles {
                    try linkListedFiles(listedIn: buffer, header: String(decoding: header, as: UTF8.self),
                                        from: parts[piece.part], to: output)
                }
                bytes = buffer
            }
            try destination.append(index: piece.entry.index, file: piece.entry.file, bytes: bytes,
                                   seconds: piece.entry.seconds, error: piece.entry.error)
        }
        try destination.finish()
        return Summary(files: pieces.count, failed: pieces.count(where: { !$0.entry.ok }))
    }

    /// One input's output: its journal entry, and the part and byte offset where that output starts.
    private struct Piece {
        var entry: RunJournal.Entry
        var part: Int
        var start: Int
    }

    /// The journal of the part `part` whose stream (output file or `index.csv`) is `stream`, checked to be
    /// complete and to match the stream's size.
    private static func completeJournal(part: String, stream: String) throws -> RunJournal {
        var exists = stat()
        guard stat(part, &exists) == 0 else {
            let cause = String(cString: strerror(errno))
            // A run that never finished has only its .partial output and its journal.
            if isRegularFile(stream + ".partial") || isRegularFile(RunJournal.path(for: stream)) {
                throw JournalError(path: part, cause: "unfinished run: finish it with --resume before merging")
            }
            throw JournalError(path: part, cause: cause)
        }
        guard let journal = try RunJournal.read(path: RunJournal.path(for: stream)) else {
            throw JournalError(path: part, cause: "no journal (\(RunJournal.path(for: stream))): not the output of a sentio batch")
        }
        guard journal.complete else {
            throw JournalError(path: part, cause: "unfinished run: finish it with --resume before merging")
        }
        var st = stat()
        guard stat(stream, &st) == 0, Int(st.st_size) == (journal.entries.last?.end ?? journal.header.headerBytes) else {
            throw JournalError(path: part, cause: "its size differs from its journal's: modified after the run")
        }
        return journal
    }

    /// Checks that the parts come from one run and are each of its shards exactly once.
    private static func checkAllShards(parts: [String], journals: [RunJournal]) throws {
        let first = journals[0].header
        let count = first.shard.flatMap(Shard.init(parsing:))?.count ?? 1
        var shardsSeen: [Int: String] = [:]
        for (part, journal) in zip(parts, journals) {
            guard journal.header.sameInputsAndSettings(as: first) else {
                throw JournalError(path: part, cause: "comes from a different run than \(parts[0]) (command, settings or inputs differ)")
            }
            let shard = journal.header.shard.flatMap(Shard.init(parsing:)) ?? Shard(index: 0, count: 1)
            guard shard.count == count else {
                throw JournalError(path: part, cause: "is shard \(shard) but \(parts[0]) is one of \(count)")
            }
            if let other = shardsSeen[shard.index] {
                throw JournalError(path: part, cause: "shard \(shard) is also \(other)")
            }
            shardsSeen[shard.index] = part
        }
        let missing = (0..<count).filter { shardsSeen[$0] == nil }
        guard missing.isEmpty else {
            throw JournalError(path: parts[0], cause: "missing shard\(missing.count > 1 ? "s" : "") \(missing.map { "\($0)/\(count)" }.joined(separator: ", "))")
        }
    }

    /// Every input once, in input order, each with the part and byte range holding its output.
    private static func orderedPieces(journals: [RunJournal], parts: [String]) throws -> [Piece] {
        var pieces: [Piece] = []
        for (p, journal) in journals.enumerated() {
            var start = journal.header.headerBytes
            for entry in journal.entries {
                pieces.append(Piece(entry: entry, part: p, start: start))
                start = entry.end
            }
        }
        pieces.sort { $0.entry.index < $1.entry.index }
        let inputs = journals[0].header.inputs
        guard pieces.count == inputs, pieces.enumerated().allSatisfy({ $0.offset == $0.element.entry.index }) else {
            throw coverageError(pieces, inputs: inputs, part: parts[0])
        }
        return pieces
    }

    /// Why `pieces` do not cover inputs `0..<inputs` exactly once.
    private static func coverageError(_ pieces: [Piece], inputs: Int, part: String) -> JournalError {
        var times: [Int: Int] = [:], name: [Int: String] = [:]
        for piece in pieces { times[piece.entry.index, default: 0] += 1; name[piece.entry.index] = piece.entry.file }
        let twice = times.filter { $0.value > 1 }.keys.sorted().map { name[$0]! }
        let none = (0..<inputs).filter { times[$0] == nil }.count
        func some(_ names: [String]) -> String { names.prefix(3).joined(separator: ", ") + (names.count > 3 ? ", ..." : "") }
        return JournalError(path: part, cause: "the shards do not cover every input exactly once (\(none) in none"
            + (twice.isEmpty ? "" : "; in two: \(some(twice))")
            + "): shards are balanced by the files' sizes when each starts, so a file that changed size or was "
            + "missing on one machine between the shard runs moved between shards; rerun the shards on unchanged inputs")
    }

    /// Makes the merged output's place and returns its stream's path: for folder parts, the folder (with
    /// the npy matrices' `columns.csv` copied from the first part) and its `index.csv`.
    private static func prepareDestination(_ output: String, parts: [String], streams: [String], perInputFiles: Bool) throws -> String {
        guard perInputFiles else { return try replaceableOutputPath(output, inputs: streams) }
        try prepareOutputFolder(output)
        if isRegularFile(joinPath(parts[0], "columns.csv")) {  // npy: the matrices' column names
            let columns = try readTextFileAsOutput(joinPath(parts[0], "columns.csv"))
            let file = try OutputFile(path: joinPath(output, "columns.csv"))
            try file.sink.write(columns)
            try file.commit()
        }
        return joinPath(output, "index.csv")
    }

    /// Reads bytes `range` of the open file `fd` in chunks of at most 1 MiB, handing each to `sink`.
    private static func copyRange(_ fd: Int32, _ range: Range<Int>, name: String, to sink: ([UInt8]) throws -> Void) throws {
        var offset = range.lowerBound
        while offset < range.upperBound {
            let chunk = min(1 << 20, range.upperBound - offset)
            try sink(readRange(fd, offset..<(offset + chunk), name: name))
            offset += chunk
        }
    }

    /// Bytes `range` of the open file `fd`.
    private static func readRange(_ fd: Int32, _ range: Range<Int>, name: String) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: range.count)
        var done = 0
        while done < range.count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, range.count - done, off_t(range.lowerBound + done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw JournalError(path: name, cause: n == 0 ? "shorter than its journal says" : String(cString: strerror(errno))) }
            done += n
        }
        return bytes
    }

    /// Links (or copies) into `output` the files named in the second column of the `index.csv` lines in
    /// `lines` (npy matrices, TextGrids, label tracks, report pages), whose header line is `header`.
    private static func linkListedFiles(listedIn lines: ResultBuffer, header: String, from part: String, to output: String) throws {
        let table: CSVTable
        do { table = try CSVTable(parsing: header + lines.text()) } catch {
            throw JournalError(path: joinPath(part, "index.csv"), cause: "\(error)")
        }
        for row in table.rows {
            let source = joinPath(part, row[1]), target = joinPath(output, row[1])
            unlink(target)
            if link(source, target) == 0 { continue }
            let file = try OutputFile(path: target)
            let fd = open(source, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw JournalError(path: source, cause: String(cString: strerror(errno))) }
            defer { close(fd) }
            var st = stat()
            fstat(fd, &st)
            try copyRange(fd, 0..<Int(st.st_size), name: source) { try file.sink.write(bytes: $0) }
            try file.commit()
        }
    }

    private static func readTextFileAsOutput(_ path: String) throws -> String {
        do { return try readTextFile(path) } catch { throw JournalError(path: path, cause: error.cause) }
    }
}
