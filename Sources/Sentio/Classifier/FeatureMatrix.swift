/// A dense row-major matrix of feature vectors: one row per example (file or segment), one column per feature.
///
/// The classifier works in double precision: the matrices are small (hundreds to thousands of rows by a few
/// hundred columns) and double precision keeps L-BFGS and the standardisation free of rounding trouble.
public struct FeatureMatrix: Sendable, Equatable {
    /// Number of rows (examples).
    public private(set) var rows: Int
    /// Number of columns (features).
    public let columns: Int
    /// The values, row after row.
    public private(set) var values: [Double]

    /// A `rows` × `columns` matrix of zeros.
    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        values = [Double](repeating: 0, count: rows * columns)
    }

    /// A matrix from equal-length rows.
    public init(_ rows: [[Double]]) {
        precondition(!rows.isEmpty, "a matrix needs at least one row")
        self.rows = rows.count
        columns = rows[0].count
        values = []
        values.reserveCapacity(rows.count * columns)
        for row in rows {
            precondition(row.count == columns, "rows of different lengths")
            values += row
        }
    }

    /// Element at row `r`, column `c`.
    public subscript(r: Int, c: Int) -> Double {
        get { values[r * columns + c] }
        set { values[r * columns + c] = newValue }
    }

    /// Row `r` as a copy.
    public func row(_ r: Int) -> [Double] { Array(values[r * columns..<(r + 1) * columns]) }

    /// Appends one row.
    public mutating func append(row: some Collection<Double>) {
        precondition(row.count == columns, "row of \(row.count) values for \(columns) columns")
        values += row
        rows += 1
    }

    /// Appends every row of `other`, in order.
    public mutating func append(rows other: FeatureMatrix) {
        precondition(other.columns == columns, "rows of \(other.columns) values for \(columns) columns")
        values += other.values
        rows += other.rows
    }

    /// The matrix of the given rows, in the given order.
    public func selecting(rows indices: [Int]) -> FeatureMatrix {
        var m = FeatureMatrix(rows: 0, columns: columns)
        m.values.reserveCapacity(indices.count * columns)
        for r in indices { m.values += values[r * columns..<(r + 1) * columns] }
        m.rows = indices.count
        return m
    }

    /// Calls `body` with a pointer to the contiguous values (row-major).
    public func withUnsafeValues<R>(_ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        try values.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with a mutable pointer to the contiguous values (row-major).
    public mutating func withUnsafeMutableValues<R>(_ body: (UnsafeMutableBufferPointer<Double>) throws -> R) rethrows -> R {
        try values.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// Limits every value to `-bound...bound`.
    public mutating func clip(to bound: Double) {
        withUnsafeMutableValues { v in
            // A NaN stays NaN (min/max would turn it into −bound, a confident-looking value).
            for i in v.indices where !v[i].isNaN { v[i] = min(bound, max(-bound, v[i])) }
        }
    }
}
