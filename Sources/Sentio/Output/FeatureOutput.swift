#if canImport(Glibc)
import Glibc
#endif

/// Formats for per-frame feature output.
public enum FeatureFormat: String, Sendable, CaseIterable {
    /// One CSV file: header `file,start,end,<features>`, one row per frame.
    case csv
    /// One JSON Lines file: one object per frame with keys `file, start, end, <features>`.
    case jsonl
    /// A folder: one float32 `.npy` matrix per input (columns `start, end, <features>`), plus `index.csv`
    /// (`file,npy,frames`) and `columns.csv` (`column,name`) naming the matrix columns.
    case npy
}

/// Where extracted rows go. Each input's rows are held back until ``commitFile()``, so an input that fails
/// halfway contributes nothing; ``abandonFile()`` drops them.
public protocol FeatureOutput: AnyObject {
    /// Starts the rows of input `path`.
    func beginFile(_ path: String) throws
    /// One frame's row of the current input.
    func write(_ row: FrameRow) throws
    /// The current input succeeded: its rows become part of the output.
    func commitFile() throws
    /// The current input failed: its rows are dropped.
    func abandonFile()
    /// Completes the output (renames temporary files into place).
    func finish() throws
}

/// Opens the output for `format` at `path` (nil: standard output, CSV and JSONL only).
/// - Throws: ``OutputError`` when the destination cannot be created.
public func makeFeatureOutput(format: FeatureFormat, path: String?, columns: [String]) throws -> FeatureOutput {
    switch format {
    case .csv, .jsonl:
        return try DelimitedFeatureOutput(format: format, path: path, columns: columns)
    case .npy:
        guard let path else { throw OutputError(path: "<stdout>", cause: "npy output needs a folder (-o DIR)") }
        return try NpyFeatureOutput(directory: path, columns: columns)
    }
}

/// CSV or JSON Lines rows in a single stream.
final class DelimitedFeatureOutput: FeatureOutput {
    private let format: FeatureFormat
    private let columns: [String]
    private let file: OutputFile?
    private let destination: TextSink
    private let spool: Spool
    private var filePrefix = ""
    private var line: String = ""
    private let jsonKeys: [String]

    init(format: FeatureFormat, path: String?, columns: [String]) throws {
        self.format = format
        self.columns = columns
        if let path {
            file = try OutputFile(path: path)
            destination = file!.sink
        } else {
            file = nil
            destination = TextSink.standardOutput()
        }
        spool = try Spool()
        jsonKeys = columns.map { jsonQuoted($0) + ":" }
        if format == .csv {
            try destination.write((["file", "start", "end"] + columns).map(csvQuoted).joined(separator: ",") + "\n")
        }
    }

    func beginFile(_ path: String) throws {
        try spool.reset()
        filePrefix = format == .csv ? csvQuoted(path) + "," : "{\"file\":" + jsonQuoted(path)
    }

    func write(_ row: FrameRow) throws {
        line.removeAll(keepingCapacity: true)
        line += filePrefix
        if format == .csv {
            line += String(row.start) + "," + String(row.end)
            for v in row.values { line += ","; line += Cell.float(v).plain }
        } else {
            line += ",\"start\":" + String(row.start) + ",\"end\":" + String(row.end)
            for (i, v) in row.values.enumerated() { line += ","; line += jsonKeys[i]; line += Cell.float(v).json }
            line += "}"
        }
        line += "\n"
        try spool.sink.write(line)
    }

    func commitFile() throws { try spool.drain(into: destination) }

    func abandonFile() { try? spool.reset() }

    func finish() throws {
        if let file { try file.commit() } else { try destination.flush() }
    }
}

/// One `.npy` matrix per input in a folder, with an index.
final class NpyFeatureOutput: FeatureOutput {
    private let directory: String
    private let columns: [String]
    private var current: OutputFile?
    private var currentName = ""
    private var currentPath = ""
    private var rows = 0
    private var usedNames: Set<String> = []
    private var index: [(String, String, Int)] = []
    private var rowBytes: [Float] = []
    /// Fixed header size, so the row count can be patched in after streaming the rows.
    private static let headerSize = 128

    init(directory: String, columns: [String]) throws {
        self.directory = directory
        self.columns = columns
        var st = stat()
        if stat(directory, &st) != 0 {
            guard mkdir(directory, 0o755) == 0 else {
                throw OutputError(path: directory, cause: String(cString: strerror(errno)))
            }
        } else if (st.st_mode & S_IFMT) != S_IFDIR {
            throw OutputError(path: directory, cause: "not a folder (npy output writes one file per input)")
        }
        guard access(directory, W_OK) == 0 else {
            throw OutputError(path: directory, cause: String(cString: strerror(errno)))
        }
    }

    private func header(rows: Int) -> [UInt8] {
        NpyMatrix.header(rows: rows, columns: columns.count + 2, length: Self.headerSize)
    }

    func beginFile(_ path: String) throws {
        var stem = String(path.split(separator: "/").last ?? "input")
        if let dot = stem.lastIndex(of: "."), dot != stem.startIndex { stem = String(stem[..<dot]) }
        var name = stem + ".npy"
        var n = 2
        while usedNames.contains(name) {
            name = "\(stem)-\(n).npy"
            n += 1
        }
        usedNames.insert(name)
        currentName = name
        currentPath = path
        rows = 0
        let file = try OutputFile(path: joinPath(directory, name))
        try file.sink.write(bytes: header(rows: 0))
        current = file
    }

    func write(_ row: FrameRow) throws {
        rowBytes.removeAll(keepingCapacity: true)
        rowBytes.append(Float(row.start))
        rowBytes.append(Float(row.end))
        rowBytes.append(contentsOf: row.values)
        try rowBytes.withUnsafeBytes { try current!.sink.write(bytes: $0) }
        rows += 1
    }

    func commitFile() throws {
        guard let file = current else { return }
        try file.sink.write(bytes: header(rows: rows), at: 0)
        try file.commit()
        index.append((currentPath, currentName, rows))
        current = nil
    }

    func abandonFile() {
        current?.discard()
        current = nil
    }

    func finish() throws {
        let indexFile = try OutputFile(path: directory + "/index.csv")
        try indexFile.sink.write("file,npy,frames\n")
        for (file, npy, frames) in index { try indexFile.sink.write("\(csvQuoted(file)),\(csvQuoted(npy)),\(frames)\n") }
        try indexFile.commit()
        let columnFile = try OutputFile(path: directory + "/columns.csv")
        try columnFile.sink.write("column,name\n")
        for (i, name) in (["start", "end"] + columns).enumerated() { try columnFile.sink.write("\(i),\(csvQuoted(name))\n") }
        try columnFile.commit()
    }
}
