/// The shell shared by Sentio's report pages: one self-contained HTML5 document (inline CSS and SVG, no
/// scripts, fonts or network requests), readable on a laptop screen and in print.
func htmlPage(title: String, body: String) -> String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="generator" content="Sentio \(SentioVersion.string)">
    <title>\(escapeHTML(title))</title>
    <style>\(reportStyle)</style>
    </head>
    <body>
    \(body)
    <footer>Made by Sentio \(SentioVersion.string). Self-contained page: no scripts, nothing loaded from the network.</footer>
    </body>
    </html>

    """
}

/// One stylesheet for all pages. Charts scale with the page width; in print every figure stays on one page.
private let reportStyle = """
    :root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1a1a1a;background:#fff}
    body{max-width:1000px;margin:0 auto;padding:16px 20px;line-height:1.4}
    h1{font-size:1.45rem;margin:.2em 0;word-break:break-all}h2{font-size:1.1rem;margin:1.2em 0 .3em}
    .meta{color:#555;margin:0 0 .8em;font-size:.9rem}
    figure{margin:.6em 0 1.2em;break-inside:avoid}figcaption{font-size:.85rem;color:#444;margin-top:2px}
    svg.chart{width:100%;height:auto;display:block;font-size:12px}
    svg .grid{stroke:#e4e4e4;stroke-width:1;fill:none}svg .frame{fill:none;stroke:#888;stroke-width:1}
    svg .ticks text{fill:#333}svg .axis{fill:#111;font-size:13px}
    .summary{display:flex;flex-wrap:wrap;gap:8px 28px;margin:.4em 0 1em;padding:0}
    .summary div{min-width:130px}.summary dt{font-size:.8rem;color:#555}.summary dd{margin:0;font-size:1.15rem;font-weight:600}
    .legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:.85rem;margin:4px 0 0 68px;padding:0;list-style:none}
    .swatch{display:inline-block;width:.9em;height:.9em;border:1px solid #666;vertical-align:-.1em;margin-right:.35em}
    table{border-collapse:collapse;font-size:.88rem;width:100%}th,td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left}
    td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}
    a{color:#0b57a4}details{margin:1em 0}summary{cursor:pointer;font-weight:600}
    footer{margin-top:2em;font-size:.8rem;color:#666}
    .failed{color:#a33}
    @media print{body{max-width:none;padding:0}a{color:inherit;text-decoration:none}h2{break-after:avoid-page}}
    """

/// A colour swatch followed by `label`.
func swatch(_ colour: String, _ label: String) -> String {
    "<span class=\"swatch\" style=\"background:\(colour)\"></span>\(escapeHTML(label))"
}

/// A legend list of colour swatches.
func legend(_ entries: [(colour: String, label: String)]) -> String {
    "<ul class=\"legend\">" + entries.map { "<li>\(swatch($0.colour, $0.label))</li>" }.joined() + "</ul>"
}

/// A percentage with one decimal, e.g. `62.5 %`.
func percentText(_ fraction: Double) -> String { String(format1: fraction * 100) + " %" }

/// An axis tick as a percentage, without decimals when it is whole, e.g. `20 %`.
func percentTick(_ fraction: Double) -> String {
    let p = fraction * 100
    return (abs(p - p.rounded()) < 1e-9 ? "\(Int(p.rounded()))" : String(format1: p)) + " %"
}

/// A horizontal bar chart: one labelled bar per entry, lengths on a shared axis from 0 to `maximum`, each
/// bar's value written at its end, and optional labelled vertical reference lines (`dash` is an SVG
/// `stroke-dasharray`).
func horizontalBars(_ bars: [(label: String, value: Double, colour: String, text: String)], maximum: Double,
                    axisLabel: String, title: String, tick: (Double) -> String,
                    references: [(value: Double, label: String, dash: String)] = []) -> String {
    let rowHeight = 26.0
    let labelWidth = min(220, 40 + 7.5 * Double(bars.map(\.label.count).max() ?? 4))
    let top = references.isEmpty ? 10.0 : 26
    var chart = SVGChart(height: top + 40 + rowHeight * Double(bars.count), x: 0...max(maximum, 1e-9), y: 0...Double(bars.count), title: title)
    chart.top = top
    chart.left = labelWidth
    chart.right = 16 + 7 * Double(bars.map(\.text.count).max() ?? 4)
    chart.axes(xLabel: axisLabel, yLabel: "", xTicks: niceTicks(0...max(maximum, 1e-9), count: 5), yTicks: [],
               xTick: tick, yTick: { _ in "" })
    for (i, bar) in bars.enumerated() {
        let row = Double(bars.count - i)
        chart.rect(x0: 0, x1: bar.value, y0: row - 0.8, y1: row - 0.2, fill: bar.colour, tooltip: "\(bar.label): \(bar.text)")
        let y = String(format1: chart.py(row - 0.5))
        chart.add("<text x=\"\(String(format1: labelWidth - 8))\" y=\"\(y)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(escapeHTML(bar.label))</text>")
        chart.add("<text x=\"\(String(format1: chart.px(bar.value) + 6))\" y=\"\(y)\" dominant-baseline=\"middle\">\(escapeHTML(bar.text))</text>")
    }
    for r in references {
        let x = String(format1: chart.px(r.value)), bottom = chart.py(0)
        chart.add("<path d=\"M\(x) \(String(format1: chart.py(Double(bars.count))))V\(String(format1: bottom))\" stroke=\"#111\" stroke-width=\"1.5\" stroke-dasharray=\"\(r.dash)\"/>")
        chart.add("<text x=\"\(x)\" y=\"\(String(format1: top - 8))\" text-anchor=\"middle\" font-size=\"11\">\(escapeHTML(r.label))</text>")
    }
    return chart.svg
}
