#if canImport(Glibc)
import Glibc
#endif

/// A 2-D float32 matrix in NumPy's `.npy` format (version 1.0, little-endian `<f4`, C order): rows are
/// frames, columns are features. Readable with `numpy.load`.
public struct NpyMatrix: Equatable, Sendable {
    /// Number of rows.
    public var rows: Int
    /// Number of columns.
    public var columns: Int
    /// Row-major values, `rows * columns` of them.
    public var values: [Float]

    /// Creates a `rows` × `columns` matrix from its row-major `values`.
    /// - Precondition: `values.count` is `rows * columns`.
    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "matrix shape does not match its values")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Element at `row`, `column`.
    public subscript(row: Int, column: Int) -> Float { values[row * columns + column] }

    /// One column as an array.
    public func column(_ c: Int) -> [Float] { (0..<rows).map { values[$0 * columns + c] } }

    /// The `.npy` header (magic, version, length and dictionary), padded with spaces to `length` bytes, or
    /// to the next multiple of 64 when `length` is nil. A fixed length lets a writer stream the rows first and
    /// patch the row count in afterwards. `length` must be a multiple of 64 with room for the dictionary.
    public static func header(rows: Int, columns: Int, length: Int? = nil) -> [UInt8] {
        var dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        let unpadded = 10 + dict.utf8.count + 1
        let total = length ?? (unpadded + 63) / 64 * 64
        precondition(total >= unpadded && total % 64 == 0, "npy header length \(total) cannot hold \(unpadded) bytes")
        dict += String(repeating: " ", count: total - unpadded) + "\n"
        let length = UInt16(dict.utf8.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(dict.utf8)
    }

    /// The whole file's bytes.
    public var encoded: [UInt8] {
        var bytes = Self.header(rows: rows, columns: columns)
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }  // x86-64 and arm64 are little-endian
        return bytes
    }

    /// Parses `.npy` bytes holding a 1-D or 2-D `<f4` or `<f8` array in C order (1-D becomes one column).
    public init(npy bytes: [UInt8]) throws {
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw NpyError.notNpy
        }
        let major = bytes[6]
        let headerLength: Int, start: Int
        if major == 1 {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            start = 10
        } else {
            guard bytes.count >= 12 else { throw NpyError.notNpy }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            start = 12
        }
        guard bytes.count >= start + headerLength else { throw NpyError.truncated }
        let header = String(decoding: bytes[start..<start + headerLength], as: UTF8.self)
        guard !header.contains("'fortran_order': True") else { throw NpyError.unsupported("Fortran order") }
        let isDouble: Bool
        if header.contains("'<f4'") { isDouble = false } else if header.contains("'<f8'") { isDouble = true } else {
            throw NpyError.unsupported("dtype in \(header)")
        }
        guard let open = header.firstIndex(of: "("), let close = header[open...].firstIndex(of: ")") else {
            throw NpyError.unsupported("shape in \(header)")
        }
        let dims = header[header.index(after: open)..<close].split(separator: ",")
            .compactMap { Int($0.filter { !$0.isWhitespace }) }
        let shape: (Int, Int)
        switch dims.count {
        case 1: shape = (dims[0], 1)
        case 2: shape = (dims[0], dims[1])
        default: throw NpyError.unsupported("\(dims.count)-D array")
        }
        let count = shape.0 * shape.1
        let dataStart = start + headerLength
        let width = isDouble ? 8 : 4
        guard bytes.count >= dataStart + count * width else { throw NpyError.truncated }
        var values = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + dataStart
            for i in 0..<count {
                values[i] = isDouble ? Float(base.loadUnaligned(fromByteOffset: i * 8, as: Double.self))
                    : base.loadUnaligned(fromByteOffset: i * 4, as: Float.self)
            }
        }
        self.init(rows: shape.0, columns: shape.1, values: values)
    }

    /// Reads a `.npy` file.
    public init(contentsOf path: String) throws {
        guard let file = fopen(path, "rb") else { throw NpyError.cannotOpen(path) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&block, 1, block.count, file)
            if n == 0 { break }
            bytes.append(contentsOf: block[0..<n])
        }
        try self.init(npy: bytes)
    }
}

/// Problems reading a `.npy` file.
public enum NpyError: Error, Equatable, Sendable {
    /// The file at the given path cannot be opened for reading.
    case cannotOpen(String)
    /// The bytes do not start with the `.npy` magic string (or are too short for a header).
    case notNpy
    /// The file ends before its header or its data does.
    case truncated
    /// A valid `.npy` file this reader does not handle (Fortran order, a dtype other than `<f4` or `<f8`,
    /// or an array that is not 1-D or 2-D); the text says which.
    case unsupported(String)
}
