/// The page of a cross-validated evaluation (`sentio evaluate --report DIR`): headline UAR and WAR, the
/// confusion matrix as a heat map and per-class recall bars against UAR and chance.
///
/// Heat-map cells are shaded by the share of their row (the true class), on a single-hue blue ramp that reads
/// the same with any colour-vision deficiency and in greyscale; each cell also shows its count and share.
/// - Parameter settings: label/value pairs describing the run (protocol, classifier, normalisation, ...).
package func evaluationPage(_ report: ClassificationReport, settings: [(label: String, value: String)]) -> String {
    let k = report.classes.count
    var body = "<header><h1>Emotion recognition: cross-validated evaluation</h1><p class=\"meta\">"
    body += settings.map { "\(escapeHTML($0.label)): \(escapeHTML($0.value))" }.joined(separator: " · ") + "</p></header>"
    body += "<dl class=\"summary\"><div><dt>UAR (mean per-class recall)</dt><dd>\(percentText(report.uar))</dd></div>"
    body += "<div><dt>WAR (accuracy)</dt><dd>\(percentText(report.war))</dd></div><div><dt>examples</dt><dd>\(report.count)</dd></div>"
    body += "<div><dt>chance UAR</dt><dd>\(percentText(k > 0 ? 1 / Double(k) : 0))</dd></div></dl>"

    // Confusion heat map.
    let cell = 64.0, labelWidth = min(170, 30 + 7.5 * Double(report.classes.map(\.count).max() ?? 4))
    let width = labelWidth + cell * Double(k) + 20, height = 60 + cell * Double(k) + 40
    var chart = SVGChart(width: width, height: height, x: 0...Double(max(k, 1)), y: 0...Double(max(k, 1)),
                         title: "Confusion matrix: rows are the true class, columns the predicted class")
    chart.left = labelWidth
    chart.right = 20
    chart.top = 60
    chart.bottom = 40
    for (t, row) in report.confusion.enumerated() {
        let total = row.reduce(0, +)
        for (p, count) in row.enumerated() {
            let share = total > 0 ? Double(count) / Double(total) : 0
            let y0 = Double(k - t - 1)
            chart.rect(x0: Double(p), x1: Double(p + 1), y0: y0, y1: y0 + 1, fill: blueRamp(share),
                       tooltip: "true \(report.classes[t]), predicted \(report.classes[p]): \(count) (\(percentText(share)) of the row)")
            let cx = String(format1: chart.px(Double(p) + 0.5)), cy = chart.py(y0 + 0.5)
            let ink = share > 0.45 ? "#fff" : "#111"
            chart.add("<text x=\"\(cx)\" y=\"\(String(format1: cy - 6))\" text-anchor=\"middle\" fill=\"\(ink)\" font-weight=\"600\">\(count)</text>")
            chart.add("<text x=\"\(cx)\" y=\"\(String(format1: cy + 10))\" text-anchor=\"middle\" fill=\"\(ink)\" font-size=\"11\">\(Int((share * 100).rounded())) %</text>")
        }
        let y = String(format1: chart.py(Double(k - t - 1) + 0.5))
        chart.add("<text x=\"\(String(format1: labelWidth - 8))\" y=\"\(y)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(escapeHTML(report.classes[t]))</text>")
    }
    for (p, name) in report.classes.enumerated() {
        chart.add("<text x=\"\(String(format1: chart.px(Double(p) + 0.5)))\" y=\"52\" text-anchor=\"middle\">\(escapeHTML(String(name.prefix(9))))</text>")
    }
    chart.add("<text class=\"axis\" x=\"\(String(format1: (labelWidth + width - 20) / 2))\" y=\"20\" text-anchor=\"middle\">predicted class</text>")
    chart.add("<text class=\"axis\" x=\"\(String(format1: (labelWidth + width - 20) / 2))\" y=\"\(String(format1: height - 12))\" text-anchor=\"middle\">rows: true class · shade: share of the row</text>")
    chart.add("<rect class=\"frame\" x=\"\(String(format1: labelWidth))\" y=\"60\" width=\"\(String(format1: cell * Double(k)))\" height=\"\(String(format1: cell * Double(k)))\"/>")
    body += "<h2>Confusion matrix</h2><figure style=\"max-width:\(Int(width))px\">\(chart.svg)"
    body += "<figcaption>Each row is one true class; a cell counts its examples predicted as the column's class. The diagonal holds the correct predictions.</figcaption></figure>"

    // Recall bars.
    let recall = report.perClassRecall, present = report.recallOfPresentClasses.map { $0 != nil }
    let colours = ReportPalette.colours(for: report.classes)
    let references = [(report.uar, "UAR", "6 3")] + (k > 0 ? [(1 / Double(k), "chance", "2 3")] : [])
    let bars = horizontalBars(report.classes.indices.map {
                                  (report.classes[$0], recall[$0], colours[$0], present[$0] ? percentText(recall[$0]) : "no examples")
                              },
                              maximum: 1, axisLabel: "recall", title: "Recall per class, with UAR and chance",
                              tick: percentTick, references: references)
    body += "<h2>Recall per class</h2><figure>\(bars)<figcaption>Share of each class's examples recognised; dashed: UAR (their mean); dotted: chance (1/\(k)).</figcaption></figure>"

    body += "<h2>Confusion counts</h2><table><thead><tr><th>true \\ predicted</th>" + report.classes.map { "<th class=\"num\">\(escapeHTML($0))</th>" }.joined()
    body += "<th class=\"num\">recall</th></tr></thead><tbody>"
    for (t, row) in report.confusion.enumerated() {
        body += "<tr><th>\(escapeHTML(report.classes[t]))</th>" + row.map { "<td class=\"num\">\($0)</td>" }.joined()
        body += "<td class=\"num\">\(present[t] ? percentText(recall[t]) : "–")</td></tr>"
    }
    body += "</tbody></table>"
    return htmlPage(title: "Sentio evaluation", body: body)
}

/// White (0) to dark blue (1), linear in each sRGB channel.
func blueRamp(_ share: Double) -> String {
    let s = min(max(share, 0), 1)
    let (r, g, b) = (247 - s * (247 - 8), 251 - s * (251 - 48), 255 - s * (255 - 107))
    func hex(_ v: Double) -> String {
        let h = String(Int(v.rounded()), radix: 16)
        return h.count == 1 ? "0" + h : h
    }
    return "#" + hex(r) + hex(g) + hex(b)
}
