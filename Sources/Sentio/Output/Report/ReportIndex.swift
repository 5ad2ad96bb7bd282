import Foundation

/// The index of a folder of report pages: `index.csv` (one line per input, written by the batch engine, so
/// resumed and sharded runs keep it exact) and `index.html`, made from it: a table of the recordings and
/// the corpus-level emotion distribution.
///
/// `index.csv` columns: `file,report,segments,duration_s,dominant_emotion,speech_ratio`, then `<class>_s` for
/// each class and `no_speech_s`: seconds labelled with each top emotion (``RecordingReport/secondsByLabel``).
package enum ReportIndex {
    /// Name of the index page in the report folder.
    package static let pageName = "index.html"

    /// The `index.csv` header line for a model's classes.
    package static func header(classes: [String]) -> String {
        (["file", "report", "segments", "duration_s", "dominant_emotion", "speech_ratio"]
            + (classes + [EmotionScorer.noSpeech]).map { $0 + "_s" }).map(csvQuoted).joined(separator: ",") + "\n"
    }

    /// The `index.csv` line of one recording whose page is `page` (a name in the folder).
    package static func line(_ report: RecordingReport, page: String) -> String {
        func number(_ x: Double) -> String { String((x * 1000).rounded() / 1000) }
        let cells = [csvQuoted(report.path), csvQuoted(page), "\(report.segments.count)", number(report.duration),
                     csvQuoted(report.dominantEmotion), number(report.speechRatio)] + report.secondsByLabel.map(number)
        return cells.joined(separator: ",") + "\n"
    }

    /// Whether `folder` holds a report index (an `index.csv` with the report columns), e.g. after `sentio merge`.
    package static func isReportFolder(_ folder: String) -> Bool {
        guard let text = try? readTextFile(joinPath(folder, "index.csv")) else { return false }
        return text.hasPrefix("file,report,segments,duration_s,")
    }

    /// Writes `folder/index.html` from `folder/index.csv` and the failures listed in `folder/errors.jsonl`.
    /// - Throws: ``OutputError`` when the index cannot be read or the page cannot be written.
    package static func writePage(folder: String) throws {
        let indexPath = joinPath(folder, "index.csv")
        let table: CSVTable
        do { table = try CSVTable(parsing: try readTextFile(indexPath)) } catch {
            throw OutputError(path: indexPath, cause: "\(error)")
        }
        var failures: [(file: String, error: String)] = []
        if let text = try? readTextFile(BatchDestination.errorsFile(inFolder: folder)) {
            for line in text.split(separator: "\n") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let file = object["file"] as? String else { continue }
                failures.append((file, object["error"] as? String ?? "failed"))
            }
        }
        let out = try OutputFile(path: joinPath(folder, pageName))
        try out.sink.write(try page(table, failures: failures))
        try out.commit()
    }

    /// The index page for an `index.csv` table.
    static func page(_ table: CSVTable, failures: [(file: String, error: String)]) throws -> String {
        let fixed = ["file", "report", "segments", "duration_s", "dominant_emotion", "speech_ratio"]
        guard Array(table.header.prefix(fixed.count)) == fixed, table.header.count > fixed.count,
              table.header.dropFirst(fixed.count).allSatisfy({ $0.hasSuffix("_s") }) else {
            throw OutputError(path: "index.csv", cause: "not a report index (columns \(table.header.joined(separator: ",")))")
        }
        let labels = table.header.dropFirst(fixed.count).map { String($0.dropLast(2)) }
        let classes = Array(labels.dropLast())
        let colours = ReportPalette.colours(for: classes) + [ReportPalette.noSpeech]
        func value(_ row: [String], _ i: Int) -> Double { Double(row[i]) ?? 0 }
        var seconds = Array(repeating: 0.0, count: labels.count), dominantCount = Array(repeating: 0, count: labels.count)
        var total = 0.0
        for row in table.rows {
            total += value(row, 3)
            for l in labels.indices { seconds[l] += value(row, fixed.count + l) }
            dominantCount[labels.firstIndex(of: row[4]) ?? labels.count - 1] += 1
        }

        var body = "<header><h1>Sentio report: \(table.rows.count) recording\(table.rows.count == 1 ? "" : "s")</h1>"
        body += "<p class=\"meta\">\(escapeHTML(formatDuration(total))) of audio"
        if !failures.isEmpty { body += " · <span class=\"failed\">\(failures.count) input\(failures.count == 1 ? "" : "s") failed</span>" }
        body += "</p></header>"

        let labelled = seconds.reduce(0, +)
        let scoredSeconds = seconds.dropLast().reduce(0, +)
        body += "<h2>Emotion distribution</h2>"
        if scoredSeconds > 0 {
            let shares = classes.indices.map { (classes[$0], seconds[$0] / scoredSeconds, colours[$0],
                                                "\(percentText(seconds[$0] / scoredSeconds)) (\(formatDuration(seconds[$0])))") }
            body += "<figure>" + horizontalBars(shares, maximum: shares.map(\.1).max() ?? 1, axisLabel: "share of scored speech time",
                                                title: "Share of scored speech time per top emotion", tick: percentTick)
            body += "<figcaption>Share of the scored time (\(formatDuration(scoredSeconds)) of \(formatDuration(labelled))) whose top emotion is each class; the rest of the audio is no speech.</figcaption></figure>"
        } else {
            body += "<p>No segment of any recording was scored.</p>"
        }
        let counts = labels.indices.map { (labels[$0], Double(dominantCount[$0]), colours[$0], "\(dominantCount[$0])") }
        body += "<figure>" + horizontalBars(counts, maximum: Double(dominantCount.max() ?? 1), axisLabel: "recordings",
                                            title: "Recordings per dominant emotion", tick: { $0 == $0.rounded() ? "\(Int($0))" : "" })
        body += "<figcaption>Number of recordings per dominant emotion (highest mean probability over the recording's scored segments).</figcaption></figure>"

        body += "<h2>Recordings</h2><table><thead><tr><th>file</th><th class=\"num\">duration</th><th>dominant emotion</th><th class=\"num\">speech (voiced) ratio</th><th class=\"num\">segments</th></tr></thead><tbody>"
        for row in table.rows {
            let colour = colours[labels.firstIndex(of: row[4]) ?? labels.count - 1]
            body += "<tr><td><a href=\"\(escapeHTML(percentEncoded(row[1])))\">\(escapeHTML(row[0]))</a></td>"
            body += "<td class=\"num\">\(escapeHTML(formatDuration(value(row, 3))))</td><td>\(swatch(colour, row[4]))</td>"
            body += "<td class=\"num\">\(percentText(value(row, 5)))</td><td class=\"num\">\(escapeHTML(row[2]))</td></tr>"
        }
        body += "</tbody></table>"
        if !failures.isEmpty {
            body += "<h2 class=\"failed\">Failed inputs</h2><ul>" + failures.map { "<li><code>\(escapeHTML($0.file))</code>: \(escapeHTML($0.error))</li>" }.joined() + "</ul>"
        }
        return htmlPage(title: "Sentio report index", body: body)
    }
}

/// A file name made safe for an `href`: characters outside the unreserved set percent-encoded.
func percentEncoded(_ name: String) -> String {
    var out = ""
    for byte in name.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            out.append(Character(Unicode.Scalar(byte)))
        default:
            let hex = String(byte, radix: 16, uppercase: true)
            out += "%" + (hex.count == 1 ? "0" : "") + hex
        }
    }
    return out
}
