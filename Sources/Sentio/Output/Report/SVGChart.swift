#if canImport(Glibc)
import Glibc
#endif

/// Colours of the report pages: the Okabe & Ito (2008) palette, distinguishable with every common form of
/// colour-vision deficiency and in greyscale print by lightness.
package enum ReportPalette {
    /// Colours for the emotions most corpora share, so that `angry` is the same colour on every page.
    static let named: [String: String] = [
        "angry": "#D55E00", "anger": "#D55E00", "happy": "#E69F00", "happiness": "#E69F00", "joy": "#E69F00",
        "sad": "#0072B2", "sadness": "#0072B2", "fearful": "#CC79A7", "fear": "#CC79A7", "disgust": "#009E73",
        "boredom": "#56B4E9", "surprise": "#F0E442", "surprised": "#F0E442", "neutral": "#7F7F7F", "calm": "#7F7F7F",
    ]
    /// The palette in order, for classes without a named colour.
    static let cycle = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#7F7F7F", "#000000"]
    /// `no_speech`: a light grey that recedes behind the emotions.
    package static let noSpeech = "#DDDDDD"
    /// Lines of single-series charts (F0, loudness, waveform).
    package static let ink = "#0072B2"

    /// One distinct colour per class: the named colour where there is one and it is still free, otherwise the
    /// next unused palette colour (colours repeat only beyond nine classes).
    package static func colours(for classes: [String]) -> [String] {
        var used: Set<String> = []
        var result = classes.map { name -> String? in
            guard let c = named[name.lowercased()], !used.contains(c) else { return nil }
            used.insert(c)
            return c
        }
        var next = cycle.filter { !used.contains($0) }.makeIterator()
        for i in result.indices where result[i] == nil { result[i] = next.next() ?? cycle[i % cycle.count] }
        return result.map { $0! }
    }
}

/// A chart drawn as inline SVG: a plot area with linear axes, ticks, grid lines and axis labels, into which
/// series are drawn in data coordinates. Coordinates are written with one decimal (a tenth of a pixel), which
/// keeps long curves small.
package struct SVGChart {
    /// Width and height of the whole chart, in CSS pixels (it scales to the page width).
    package var width: Double, height: Double
    /// Space around the plot area for ticks and labels, in pixels.
    package var left = 68.0, right = 24.0, top = 10.0, bottom = 40.0
    /// Data ranges of the axes.
    package var x: ClosedRange<Double>, y: ClosedRange<Double>
    /// The accessible name (`<title>`).
    package var title: String
    /// Set by ``noData(_:)``: the chart has nothing to draw (e.g. F0 of silence), and says so.
    package private(set) var isEmpty = false
    private var elements: [String] = []

    /// Creates an empty chart `width` × `height` pixels (width 960 by default) with the data ranges `x` and
    /// `y`; a range of zero width becomes one unit wide from its lower bound.
    package init(width: Double = 960, height: Double, x: ClosedRange<Double>, y: ClosedRange<Double>, title: String) {
        self.width = width
        self.height = height
        self.x = x.lowerBound < x.upperBound ? x : x.lowerBound...(x.lowerBound + 1)
        self.y = y.lowerBound < y.upperBound ? y : y.lowerBound...(y.lowerBound + 1)
        self.title = title
    }

    /// Horizontal pixel of data value `v`.
    package func px(_ v: Double) -> Double { left + (v - x.lowerBound) / (x.upperBound - x.lowerBound) * (width - left - right) }
    /// Vertical pixel of data value `v` (up is larger).
    package func py(_ v: Double) -> Double { height - bottom - (v - y.lowerBound) / (y.upperBound - y.lowerBound) * (height - top - bottom) }

    /// Adds raw SVG markup in pixel coordinates.
    package mutating func add(_ element: String) { elements.append(element) }

    /// Draws both axes with grid lines, `xLabel` under the plot and `yLabel` rotated at its left; tick labels
    /// come from `xTick` and `yTick`.
    package mutating func axes(xLabel: String, yLabel: String, xTicks: [Double], yTicks: [Double],
                              xTick: (Double) -> String, yTick: (Double) -> String) {
        var grid = "", labels = ""
        for t in xTicks where x.contains(t) {
            let p = n(px(t))
            grid += "M\(p) \(n(top))V\(n(height - bottom))"
            labels += "<text x=\"\(p)\" y=\"\(n(height - bottom + 16))\" text-anchor=\"middle\">\(escapeHTML(xTick(t)))</text>"
        }
        for t in yTicks where y.contains(t) {
            let p = n(py(t))
            grid += "M\(n(left)) \(p)H\(n(width - right))"
            labels += "<text x=\"\(n(left - 6))\" y=\"\(p)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(escapeHTML(yTick(t)))</text>"
        }
        elements.insert("<path class=\"grid\" d=\"\(grid)\"/>", at: 0)
        elements.append("<rect class=\"frame\" x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(width - left - right))\" height=\"\(n(height - top - bottom))\"/>")
        elements.append("<g class=\"ticks\">\(labels)</g>")
        elements.append("<text class=\"axis\" x=\"\(n((left + width - right) / 2))\" y=\"\(n(height - 4))\" text-anchor=\"middle\">\(escapeHTML(xLabel))</text>")
        let cy = n((top + height - bottom) / 2)
        elements.append("<text class=\"axis\" transform=\"translate(14 \(cy)) rotate(-90)\" text-anchor=\"middle\">\(escapeHTML(yLabel))</text>")
    }

    /// A line through the contour's defined values, broken at gaps; isolated points become short dashes so
    /// that a single voiced bucket stays visible.
    package mutating func line(_ contour: Contour, colour: String, width strokeWidth: Double = 1.5) {
        var d = "", open = false
        for (i, v) in contour.values.enumerated() {
            guard !v.isNaN else { open = false; continue }
            let point = "\(n(px(contour.time(i)))) \(n(py(clampY(Double(v)))))"
            if open { d += "L" + point } else {
                let nextDefined = i + 1 < contour.values.count && !contour.values[i + 1].isNaN
                d += "M" + point + (nextDefined ? "" : "h1")
                open = true
            }
        }
        elements.append("<path d=\"\(d)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"\(strokeWidth)\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>")
    }

    /// The band between an envelope's minima and maxima, filled.
    package mutating func band(_ envelope: WaveformEnvelope, colour: String) {
        guard !envelope.maximum.isEmpty else { return }
        let step = envelope.bucketSeconds
        var d = "M"
        for (i, v) in envelope.maximum.enumerated() {
            d += (i == 0 ? "" : "L") + "\(n(px((Double(i) + 0.5) * step))) \(n(py(clampY(Double(v)))))"
        }
        for (i, v) in envelope.minimum.enumerated().reversed() {
            d += "L\(n(px((Double(i) + 0.5) * step))) \(n(py(clampY(Double(v)))))"
        }
        elements.append("<path d=\"\(d)Z\" fill=\"\(colour)\" stroke=\"\(colour)\" stroke-width=\"0.5\"/>")
    }

    /// A rectangle in data coordinates, with an optional tooltip.
    package mutating func rect(x0: Double, x1: Double, y0: Double, y1: Double, fill: String, tooltip: String? = nil) {
        let a = px(x0), b = px(x1), top = py(max(y0, y1)), bottom = py(min(y0, y1))
        let tip = tooltip.map { "<title>\(escapeHTML($0))</title>" } ?? ""
        let shape = "x=\"\(n(a))\" y=\"\(n(top))\" width=\"\(n(max(b - a, 0.3)))\" height=\"\(n(bottom - top))\" fill=\"\(fill)\""
        elements.append(tip.isEmpty ? "<rect \(shape)/>" : "<rect \(shape)>\(tip)</rect>")
    }

    /// Marks the chart as having no data and writes `note` in the middle of the plot area, so that an empty
    /// plot is not mistaken for a failure to draw.
    package mutating func noData(_ note: String) {
        isEmpty = true
        elements.append("<text class=\"empty\" x=\"\(n((left + width - right) / 2))\" y=\"\(n((top + height - bottom) / 2))\" text-anchor=\"middle\" dominant-baseline=\"middle\" fill=\"#555\">\(escapeHTML(note))</text>")
    }

    /// The finished `<svg>` element (with `data-empty="true"` after ``noData(_:)``).
    package var svg: String {
        "<svg class=\"chart\"\(isEmpty ? " data-empty=\"true\"" : "") viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"\(escapeHTML(title))\" xmlns=\"http://www.w3.org/2000/svg\"><title>\(escapeHTML(title))</title>"
            + elements.joined() + "</svg>"
    }

    private func clampY(_ v: Double) -> Double { min(max(v, y.lowerBound), y.upperBound) }

    /// A pixel coordinate with one decimal.
    private func n(_ v: Double) -> String { String(format1: v) }
}

/// About `count` evenly spaced round values (1, 2 or 5 times a power of ten apart) covering `range`.
package func niceTicks(_ range: ClosedRange<Double>, count: Int) -> [Double] {
    let span = range.upperBound - range.lowerBound
    guard span > 0, span.isFinite, count > 0 else { return [range.lowerBound] }
    let raw = span / Double(count)
    let magnitude = pow(10, (log10(raw)).rounded(.down))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
    var ticks: [Double] = []
    var t = (range.lowerBound / step).rounded(.up) * step
    while t <= range.upperBound + step * 1e-9 {
        ticks.append(abs(t) < step * 1e-9 ? 0 : t)
        t += step
    }
    return ticks
}

/// A tick label for `value` on an axis whose ticks are `step` apart: as many decimals as the step needs
/// (0.05 apart: two; at most twelve), so neighbouring labels never read the same for steps down to 1e-12.
package func tickLabel(_ value: Double, step: Double) -> String {
    let decimals = step > 0 && step.isFinite ? Int(min(max(0, (-log10(step) + 1e-9).rounded(.up)), 12)) : 0
    // Values a fixed-point Int cannot hold (a contour of absurd or non-finite values): Swift's own form.
    guard value.isFinite, abs(value) * pow(10, Double(decimals)) < 1e15 else { return "\(value)" }
    if decimals == 0 { return "\(Int(value.rounded()))" }
    let scale = pow(10, Double(decimals))
    let scaled = Int((abs(value) * scale).rounded())
    let fraction = String(scaled % Int(scale))
    return (value < 0 && scaled > 0 ? "-" : "") + "\(scaled / Int(scale))." + String(repeating: "0", count: decimals - fraction.count) + fraction
}

/// About `count` ticks on a time axis of `range` seconds, at steps a clock reads easily: 30 s, 1, 2, 5, 10,
/// 15, 30 or 60 minutes, 2, 3, 6 or 12 hours; spans shorter than `count` / 2 minutes get ``niceTicks(_:count:)``.
package func timeTicks(_ range: ClosedRange<Double>, count: Int) -> [Double] {
    let span = range.upperBound - range.lowerBound
    guard span >= 60 * Double(count) / 2, count > 0 else { return niceTicks(range, count: count) }
    let raw = span / Double(count)
    let steps: [Double] = [30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200]
    let step = steps.first { $0 >= raw } ?? (raw / 43200).rounded(.up) * 43200
    return stride(from: (range.lowerBound / step).rounded(.up) * step, through: range.upperBound + step * 1e-9, by: step).map { $0 }
}

/// A time-axis label: seconds with as many decimals as the tick spacing needs, or `m:ss` past two minutes.
func timeLabel(_ seconds: Double, span: Double) -> String {
    if span >= 120 {
        let s = Int(seconds.rounded())
        return "\(s / 60):\(s % 60 < 10 ? "0" : "")\(s % 60)"
    }
    return seconds == seconds.rounded() ? "\(Int(seconds))" : String(format1: seconds)
}

/// `text` with the five characters that are special in HTML and XML escaped.
package func escapeHTML(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for c in text {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(c)
        }
    }
    return out
}
