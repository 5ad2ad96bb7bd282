/// A parsed RFC 4180 CSV table: a header row and data rows of text fields.
///
/// Quoted fields may hold commas, doubled quotes and line breaks; CRLF and LF line ends are both accepted,
/// as is a UTF-8 byte-order mark. Blank lines are skipped. Every data row must have as many fields as the
/// header, so a truncated or hand-mangled file is an error rather than a misaligned column.
package struct CSVTable: Sendable, Equatable {
    /// Column names, from the first row.
    package var header: [String]
    /// Data rows; each has `header.count` fields.
    package var rows: [[String]]
    /// The 1-based line on which each data row starts, for error messages.
    package var lineNumbers: [Int]

    /// Parses `text`.
    /// - Throws: ``CSVError`` for an unterminated quote, a row with the wrong number of fields, or no header.
    package init(parsing text: String) throws(CSVError) {
        var records: [[String]] = []
        var starts: [Int] = []
        var field = ""
        var record: [String] = []
        var inQuotes = false
        var afterQuote = false
        var line = 1
        var recordLine = 1
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        func endRecord() {
            record.append(field)
            field = ""
            if !(record.count == 1 && record[0].isEmpty) {
                records.append(record)
                starts.append(recordLine)
            }
            record = []
        }
        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    let next = iterator.next()
                    if next == "\"" { field.unicodeScalars.append("\"") } else {
                        inQuotes = false
                        afterQuote = true
                        pending = next
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case ",":
                record.append(field)
                field = ""
                afterQuote = false
            case "\r":
                continue
            case "\n":
                endRecord()
                afterQuote = false
                line += 1
                recordLine = line
            case "\"" where field.isEmpty && !afterQuote:
                inQuotes = true
            default:
                if afterQuote { throw CSVError(line: line, message: "text after a closing quote") }
                field.unicodeScalars.append(c)
            }
        }
        if inQuotes { throw CSVError(line: recordLine, message: "unterminated quoted field") }
        if !field.isEmpty || !record.isEmpty { endRecord() }
        guard let first = records.first else { throw CSVError(line: 1, message: "no header row") }
        header = first.map { $0.trimmingSpaces }
        // A line of spaces in a table of several columns is a blank line, not a row of one field.
        let blank = { (record: [String]) in first.count > 1 && record.count == 1 && record[0].trimmingSpaces.isEmpty }
        let data = zip(records.dropFirst(), starts.dropFirst()).filter { !blank($0.0) }
        rows = data.map(\.0)
        lineNumbers = data.map(\.1)
        for (row, number) in zip(rows, lineNumbers) where row.count != header.count {
            throw CSVError(line: number, message: "\(row.count) fields where the header has \(header.count)")
        }
    }

    /// The index of column `name`, if present.
    package func column(_ name: String) -> Int? { header.firstIndex(of: name) }
}

/// A malformed CSV file.
package struct CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line of the problem.
    package var line: Int
    /// What is wrong.
    package var message: String
    /// One line: `line N: message`.
    package var description: String { "line \(line): \(message)" }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
