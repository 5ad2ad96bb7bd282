#if canImport(Glibc)
import Glibc
#endif

/// Formats for feature output.
package enum FeatureFormat: String, Sendable, CaseIterable {
    /// One CSV file: header `file,start,end,<features>`, one row per frame or segment.
    case csv
    /// One JSON Lines file: one object per row with keys `file, start, end, <features>`.
    case jsonl
    /// A folder: one float32 `.npy` matrix per input (columns `start, end, <features>`), plus `index.csv`
    /// (`file,npy,frames`, one line per input in input order) and `columns.csv` (`column,name`) naming the
    /// matrix columns.
    case npy
}

/// Encodes the feature rows of one input at a time into a ``ResultBuffer``, for a batch that writes the
/// buffers in input order. For ``FeatureFormat/npy`` the matrix goes to its own file in the output folder
/// (written under a temporary name and renamed when complete) and the buffer receives its `index.csv` line.
///
/// One encoder per worker: it reuses its line buffer from row to row.
package final class FeatureRowEncoder {
    /// The format.
    package let format: FeatureFormat
    /// Feature column names (without `file,start,end`).
    package let columns: [String]
    private let directory: String?
    private let jsonKeys: [String]
    private var buffer: ResultBuffer?
    private var filePrefix = ""
    private var line = ""
    private var matrix: OutputFile?
    private var matrixName = ""
    private var path = ""
    private var rows = 0
    private var rowValues: [Float] = []
    /// Fixed `.npy` header size, so the row count can be patched in after streaming the rows.
    private static let npyHeaderSize = 128

    /// - Parameter directory: the output folder, required for ``FeatureFormat/npy``.
    package init(format: FeatureFormat, columns: [String], directory: String? = nil) {
        precondition(format != .npy || directory != nil, "npy output needs a folder")
        self.format = format
        self.columns = columns
        self.directory = directory
        jsonKeys = columns.map { jsonQuoted($0) + ":" }
    }

    /// The bytes that open the output stream: the CSV header, the `index.csv` header for npy, nothing for JSONL.
    package var header: String {
        switch format {
        case .csv: return (["file", "start", "end"] + columns).map(csvQuoted).joined(separator: ",") + "\n"
        case .jsonl: return ""
        case .npy: return "file,npy,frames\n"
        }
    }

    /// The `columns.csv` text of an npy folder.
    package var npyColumnsTable: String {
        "column,name\n" + (["start", "end"] + columns).enumerated().map { "\($0),\(csvQuoted($1))\n" }.joined()
    }

    /// Starts input `path`, whose rows go to `buffer` (for npy: to `npyName` in the folder).
    package func begin(path: String, npyName: String = "", into buffer: ResultBuffer) throws {
        self.buffer = buffer
        self.path = path
        rows = 0
        switch format {
        case .csv: filePrefix = csvQuoted(path) + ","
        case .jsonl: filePrefix = "{\"file\":" + jsonQuoted(path)
        case .npy:
            matrixName = npyName
            // A fixed temporary name: a matrix left half-written by a killed run is overwritten when it is redone.
            let file = try OutputFile(path: joinPath(directory!, npyName), temporaryPath: joinPath(directory!, npyName + ".partial"))
            try file.sink.write(bytes: NpyMatrix.header(rows: 0, columns: columns.count + 2, length: Self.npyHeaderSize))
            matrix = file
        }
    }

    /// A time in seconds, rounded to 0.1 µs: segment bounds are sums of frame positions and carry the sums'
    /// rounding (0.007500000000000001 for 0.0075), while every sample boundary at 16 kHz is a multiple of
    /// 62.5 µs and so prints exactly as before.
    static func seconds(_ t: Double) -> String { String((t * 1e7).rounded() / 1e7) }

    /// Appends one row of the current input.
    package func write(_ row: FrameRow) throws {
        rows += 1
        if let matrix {
            rowValues.removeAll(keepingCapacity: true)
            rowValues.append(Float(row.start))
            rowValues.append(Float(row.end))
            rowValues.append(contentsOf: row.values)
            try rowValues.withUnsafeBytes { try matrix.sink.write(bytes: $0) }
            return
        }
        line.removeAll(keepingCapacity: true)
        line += filePrefix
        if format == .csv {
            line += Self.seconds(row.start) + "," + Self.seconds(row.end)
            for v in row.values { line += ","; line += Cell.float(v).plain }
        } else {
            line += ",\"start\":" + Self.seconds(row.start) + ",\"end\":" + Self.seconds(row.end)
            for (i, v) in row.values.enumerated() { line += ","; line += jsonKeys[i]; line += Cell.float(v).json }
            line += "}"
        }
        line += "\n"
        try buffer!.write(line)
    }

    /// Completes the current input (for npy: patches the row count, renames the matrix into place and adds
    /// its index line).
    package func finish() throws {
        if let matrix {
            try matrix.sink.write(bytes: NpyMatrix.header(rows: rows, columns: columns.count + 2, length: Self.npyHeaderSize), at: 0)
            try matrix.commit()
            self.matrix = nil
            try buffer!.write("\(csvQuoted(path)),\(csvQuoted(matrixName)),\(rows)\n")
        }
        buffer = nil
    }

    /// Drops the current input (removes a half-written matrix).
    package func abandon() {
        matrix?.discard()
        matrix = nil
        buffer = nil
    }
}

/// Creates the output folder `path` (npy matrices, annotations, reports) if needed, with any missing folders
/// above it (as `mkdir -p`), and checks that it is a writable folder.
/// - Throws: ``OutputError`` naming the folder.
package func prepareOutputFolder(_ path: String) throws {
    var st = stat()
    if stat(path, &st) != 0 {
        guard makeFolders(path) else { throw OutputError(path: path, cause: String(cString: strerror(errno))) }
    } else if (st.st_mode & S_IFMT) != S_IFDIR {
        throw OutputError(path: path, cause: "not a folder (this format writes one file per input)")
    }
    guard access(path, W_OK) == 0 else { throw OutputError(path: path, cause: String(cString: strerror(errno))) }
}

/// `mkdir -p path`: false with `errno` set when a folder could not be made.
private func makeFolders(_ path: String) -> Bool {
    if mkdir(path, 0o755) == 0 || errno == EEXIST { return true }
    guard errno == ENOENT else { return false }
    let parent = parentFolder(of: path)
    guard parent != path, makeFolders(parent) else { return false }
    return mkdir(path, 0o755) == 0 || errno == EEXIST
}
