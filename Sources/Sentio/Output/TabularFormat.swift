/// Text formats for row-oriented output.
package enum TabularFormat: String, Sendable, CaseIterable {
    /// Aligned columns for a person at a terminal.
    case table
    /// RFC 4180 comma-separated values with one header line.
    case csv
    /// One JSON object per line (JSON Lines), keys in column order.
    case jsonl
}

/// One value in an output row.
package enum Cell: Sendable, Equatable {
    /// Text: left-aligned in tables, quoted in CSV only when it holds a comma, quote or line break.
    case text(String)
    /// A 64-bit integer.
    case integer(Int64)
    /// A double-precision number (non-finite values are `nan`, `inf` or `-inf` in text, `null` in JSON).
    case real(Double)
    /// A single-precision number, written in Float's shortest round-trip form (non-finite values as for
    /// ``real(_:)``).
    case float(Float)
    /// A missing value: empty in CSV and tables, `null` in JSON.
    case missing

    /// Text of the value for CSV and tables. Floating-point values use Swift's shortest round-trip form,
    /// so a value read back parses to the identical number.
    package var plain: String {
        switch self {
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .real(let d): return d.isFinite ? String(d) : (d.isNaN ? "nan" : (d > 0 ? "inf" : "-inf"))
        case .float(let f): return f.isFinite ? String(f) : (f.isNaN ? "nan" : (f > 0 ? "inf" : "-inf"))
        case .missing: return ""
        }
    }

    /// The value as a JSON literal (non-finite numbers become `null`).
    package var json: String {
        switch self {
        case .text(let s): return jsonQuoted(s)
        case .integer(let i): return String(i)
        case .real(let d): return d.isFinite ? String(d) : "null"
        case .float(let f): return f.isFinite ? String(f) : "null"
        case .missing: return "null"
        }
    }
}

/// Formats rows under a fixed list of columns in one of the ``TabularFormat``s.
///
/// CSV and JSONL rows are formatted independently, so they can be streamed as they are produced; the table
/// format needs every row to size its columns, so ``TabularFormatter/table(_:)`` takes them all at once.
package struct TabularFormatter: Sendable {
    /// Column names, in order.
    package let columns: [String]
    /// Output format.
    package let format: TabularFormat

    /// Creates a formatter of rows under `columns`, in order, in `format`.
    package init(columns: [String], format: TabularFormat) {
        self.columns = columns
        self.format = format
    }

    /// The header line (with newline) for CSV, empty for JSONL and tables.
    package var header: String {
        format == .csv ? columns.map(csvQuoted).joined(separator: ",") + "\n" : ""
    }

    /// One row as a line (with newline) in CSV or JSONL.
    package func line(_ cells: [Cell]) -> String {
        precondition(cells.count == columns.count, "row has \(cells.count) cells for \(columns.count) columns")
        switch format {
        case .csv, .table:
            return cells.map { csvQuoted($0.plain) }.joined(separator: ",") + "\n"
        case .jsonl:
            var out = "{"
            for (i, cell) in cells.enumerated() {
                if i > 0 { out += "," }
                out += jsonQuoted(columns[i]) + ":" + cell.json
            }
            return out + "}\n"
        }
    }

    /// All rows as an aligned table with a header line; numbers are right-aligned.
    package func table(_ rows: [[Cell]]) -> String {
        var widths = columns.map(\.count)
        let texts = rows.map { $0.map(\.plain) }
        for row in texts { for (i, t) in row.enumerated() { widths[i] = max(widths[i], t.count) } }
        func pad(_ s: String, _ w: Int, right: Bool) -> String {
            let fill = String(repeating: " ", count: max(0, w - s.count))
            return right ? fill + s : s + fill
        }
        var out = zip(columns, widths).map { pad($0, $1, right: false) }.joined(separator: "  ") + "\n"
        for (row, text) in zip(rows, texts) {
            var parts: [String] = []
            for i in row.indices {
                let numeric: Bool
                switch row[i] { case .text, .missing: numeric = false; default: numeric = true }
                parts.append(pad(text[i], widths[i], right: numeric))
            }
            out += parts.joined(separator: "  ").trailingSpacesRemoved + "\n"
        }
        return out
    }
}

/// Quotes a CSV field when it holds a comma, quote, CR or LF (RFC 4180).
package func csvQuoted(_ field: String) -> String {
    guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
    return "\"" + field.replacingAll("\"", with: "\"\"") + "\""
}

/// A JSON string literal for `s`, escaping quotes, backslashes and control characters.
package func jsonQuoted(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case let c where c.value < 0x20:
            let hex = String(c.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }

    fileprivate var trailingSpacesRemoved: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
