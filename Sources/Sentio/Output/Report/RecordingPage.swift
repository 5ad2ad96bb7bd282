/// The report page of one recording: summary figures, then waveform envelope, F0 contour, loudness and the
/// per-segment emotion probabilities on one shared time axis, then the segment table.
///
/// Curves are decimated to the plot's width in pixels (envelope: minimum and maximum per pixel; contours:
/// mean per pixel), so the page size grows with the number of segments only: a 10-minute recording in 2 s
/// windows is a few hundred kB.
/// Times in the segment table are seconds, or minutes:seconds from 2 minutes on, as on the time axis.
/// - Parameters:
///   - model: a one-line description of the model (shown under the title).
///   - index: the file name of the index page to link back to (`sentio report` writes `index.html` beside
///     the pages), or nil for a page on its own.
package func recordingPage(_ report: RecordingReport, model: String, index: String? = nil) -> String {
    let page = RecordingPageLayout(report: report)
    let body = page.header(model: model, index: index) + page.summary() + page.waveform() + page.pitch() + page.loudness()
        + page.emotions() + page.segmentTable()
    return htmlPage(title: "\(page.name) — Sentio report", body: body)
}

/// What every section of a recording's page shares (its name, time axis and colours), and the sections.
private struct RecordingPageLayout {
    let report: RecordingReport
    let name: String
    let duration: Double
    let colours: [String]
    let xTicks: [Double]
    let xLabel: String
    let pixels = 960 - 68 - 24
    /// The F0 of voiced frames and the loudness of every frame, which several sections read.
    let voicedF0: [Float], loud: [Float]
    /// The envelope decimated to the plot, and whether it is digital silence.
    let envelope: WaveformEnvelope, silent: Bool

    init(report: RecordingReport) {
        self.report = report
        name = String(report.path.split(separator: "/").last ?? Substring(report.path))
        duration = max(report.duration, 1e-3)
        colours = ReportPalette.colours(for: report.classes)
        xTicks = timeTicks(0...duration, count: 10)
        xLabel = duration >= 120 ? "time (min:s)" : "time (s)"
        voicedF0 = report.pitch.defined
        loud = report.loudness.defined
        envelope = report.envelope.decimated(to: pixels)
        silent = envelope.maximum.allSatisfy { $0 == 0 } && envelope.minimum.allSatisfy { $0 == 0 }
    }

    func xTick(_ t: Double) -> String { timeLabel(t, span: duration) }

    /// Round ticks over `range` and their labels with just enough decimals.
    func ticks(_ range: ClosedRange<Double>, _ count: Int) -> (values: [Double], label: (Double) -> String) {
        let values = niceTicks(range, count: count)
        let step = values.count > 1 ? values[1] - values[0] : 1
        return (values, { tickLabel($0, step: step) })
    }

    /// Title, file facts and the model, with a link back to `index` when given.
    func header(model: String, index: String?) -> String {
        var body = ""
        body += index.map { "<nav><a href=\"\(escapeHTML(percentEncoded($0)))\">← all recordings</a></nav>" } ?? ""
        body += "<header><h1>\(escapeHTML(name))</h1><p class=\"meta\">\(escapeHTML(report.path)) · "
        let channels = report.info.channels
        let channelText = report.channel.map { "channel \($0) of \(channels)" } ?? "\(channels) channel\(channels == 1 ? "" : "s")"
        body += "\(escapeHTML(formatDuration(report.duration))) · \(Int(report.info.sampleRate)) Hz · \(channelText) · "
        body += "\(escapeHTML(report.info.container)) \(escapeHTML(report.info.encoding))<br>model: \(escapeHTML(model)) · segments: \(escapeHTML(report.segmentation))</p></header>"
        return body
    }

    /// The summary figures and the mean probability per class.
    func summary() -> String {
        var body = ""
        let scored = report.segments.filter { $0.probabilities != nil }.count
        let dominant = report.dominantEmotion
        let dominantColour = report.classes.firstIndex(of: dominant).map { colours[$0] } ?? ReportPalette.noSpeech
        func hz(_ v: Double?) -> String { v.map { "\(Int($0.rounded())) Hz" } ?? "–" }
        var facts: [(String, String)] = [
            ("dominant emotion", swatch(dominantColour, dominant)),
            ("speech (voiced) ratio", percentText(report.speechRatio)),
            ("segments scored", "\(scored) of \(report.segments.count)"),
            ("median F0", hz(Percentiles.value(0.5, of: voicedF0))),
            ("F0 range (10–90 %)", Percentiles.value(0.1, of: voicedF0).map { lo in "\(Int(lo.rounded()))–\(hz(Percentiles.value(0.9, of: voicedF0)))" } ?? "–"),
        ]
        if !loud.isEmpty { facts.append(("mean loudness", String(format2: Double(loud.reduce(0, +)) / Double(loud.count)))) }
        body += "<h2>Summary</h2><dl class=\"summary\">" + facts.map { "<div><dt>\($0.0)</dt><dd>\($0.1)</dd></div>" }.joined() + "</dl>"
        if let mean = report.meanProbabilities {
            let bars = report.classes.indices.map { (report.classes[$0], mean[$0], colours[$0], percentText(mean[$0])) }
            body += "<figure>" + horizontalBars(bars, maximum: max(mean.max() ?? 1, 0.05), axisLabel: "mean probability over scored segments (weighted by voiced time)",
                                                title: "Mean emotion probabilities", tick: percentTick)
            body += "<figcaption>Mean class probability over the \(scored) scored segments, each weighted by its voiced seconds.</figcaption></figure>"
        } else {
            body += "<p>No segment had enough voiced speech (\(EmotionTraining.minimumVoicedSeconds) s) to be scored.</p>"
        }
        return body
    }

    /// The peak envelope.
    func waveform() -> String {
        var body = ""
        let peak = Double(max(envelope.maximum.max() ?? 0, -(envelope.minimum.min() ?? 0), 1e-4))
        let amplitude = silent ? 1 : niceTicks(0...peak, count: 2).last.map { $0 >= peak ? $0 : peak } ?? peak
        var wave = SVGChart(height: 150, x: 0...duration, y: -amplitude...amplitude, title: "Waveform envelope of \(name)")
        wave.axes(xLabel: xLabel, yLabel: "amplitude", xTicks: xTicks, yTicks: ticks(-amplitude...amplitude, 4).values,
                  xTick: xTick, yTick: ticks(-amplitude...amplitude, 4).label)
        wave.band(envelope, colour: ReportPalette.ink)
        if silent { wave.noData("digital silence: every sample is 0") }
        body += "<h2>Waveform</h2><figure>\(wave.svg)<figcaption>Peak envelope (smallest and largest sample per pixel; full scale is ±1).</figcaption></figure>"
        return body
    }

    /// The F0 contour.
    func pitch() -> String {
        let f0Top = max(150, (Percentiles.value(0.99, of: voicedF0) ?? 300) * 1.15)
        let f0Bottom = max(0, min(50, (Percentiles.value(0.01, of: voicedF0) ?? 50) * 0.8))
        return contourFigure(report.pitch, heading: "Pitch", height: 170, range: f0Bottom...f0Top, yTicks: 5,
                             title: "F0 contour", yLabel: "F0 (Hz)", colour: ReportPalette.ink,
                             noData: voicedF0.isEmpty ? "no voiced frames" : nil,
                             caption: "Fundamental frequency of voiced frames (autocorrelation tracker, 10 ms frames); gaps are unvoiced.")
    }

    /// The eGeMAPS loudness contour.
    func loudness() -> String {
        // The top is the 99.5th percentile, not the maximum: the curve is averaged per pixel, so a single-frame
        // peak would only squash the rest.
        let loudTop = max(0.1, (Percentiles.value(0.995, of: loud) ?? 1) * 1.1)
        return contourFigure(report.loudness, heading: "Loudness", height: 150, range: 0...loudTop, yTicks: 4,
                             title: "Loudness", yLabel: "loudness", colour: "#D55E00", noData: silent ? "digital silence" : nil,
                             caption: "eGeMAPS loudness (Loudness_sma3: equal-loudness weighted, cube-root compressed auditory spectrum, mean of 26 bands; openSMILE's values and units).")
    }

    /// A section with one contour, decimated to the plot, on the shared time axis.
    private func contourFigure(_ contour: Contour, heading: String, height: Double, range: ClosedRange<Double>, yTicks: Int,
                               title: String, yLabel: String, colour: String, noData: String?, caption: String) -> String {
        var chart = SVGChart(height: height, x: 0...duration, y: range, title: "\(title) of \(name)")
        chart.axes(xLabel: xLabel, yLabel: yLabel, xTicks: xTicks, yTicks: ticks(range, yTicks).values,
                   xTick: xTick, yTick: ticks(range, yTicks).label)
        chart.line(contour.decimated(to: pixels), colour: colour)
        if let noData { chart.noData(noData) }
        return "<h2>\(heading)</h2><figure>\(chart.svg)<figcaption>\(caption)</figcaption></figure>"
    }

    /// The stacked class probabilities of every segment.
    func emotions() -> String {
        var body = ""
        var emotions = SVGChart(height: 210, x: 0...duration, y: 0...1, title: "Emotion probabilities per segment of \(name)")
        emotions.axes(xLabel: xLabel, yLabel: "probability", xTicks: xTicks, yTicks: [0, 0.25, 0.5, 0.75, 1],
                      xTick: xTick, yTick: percentTick)
        var classPaths = Array(repeating: "", count: report.classes.count), unscored = ""
        var tips = ""
        func box(_ x0: Double, _ x1: Double, _ y0: Double, _ y1: Double) -> String {
            let a = emotions.px(x0), b = emotions.px(x1), top = emotions.py(y1)
            return "M\(String(format1: a)) \(String(format1: top))h\(String(format1: max(b - a, 0.3)))V\(String(format1: emotions.py(y0)))H\(String(format1: a))Z"
        }
        for (segment, start, end) in segmentSpans(report.segments, duration: duration) where end > start {
            var tip = "\(String(format2: segment.start))–\(String(format2: segment.end)) s: "
            if let p = segment.probabilities {
                var cumulative = 0.0
                for c in p.indices {
                    classPaths[c] += box(start, end, cumulative, cumulative + p[c])
                    cumulative += p[c]
                }
                tip += report.classes.indices.sorted { p[$0] > p[$1] }.prefix(3).map { "\(report.classes[$0]) \(percentText(p[$0]))" }.joined(separator: ", ")
            } else {
                unscored += box(start, end, 0, 1)
                tip += "no speech (too little voiced speech to score)"
            }
            let a = emotions.px(start), b = emotions.px(end)
            tips += "<rect x=\"\(String(format1: a))\" y=\"\(String(format1: emotions.py(1)))\" width=\"\(String(format1: max(b - a, 0.3)))\" height=\"\(String(format1: emotions.py(0) - emotions.py(1)))\"><title>\(escapeHTML(tip))</title></rect>"
        }
        if !unscored.isEmpty { emotions.add("<path d=\"\(unscored)\" fill=\"\(ReportPalette.noSpeech)\"/>") }
        for c in classPaths.indices where !classPaths[c].isEmpty {
            emotions.add("<path d=\"\(classPaths[c])\" fill=\"\(colours[c])\"/>")
        }
        emotions.add("<g fill=\"transparent\">\(tips)</g>")
        if report.segments.isEmpty { emotions.noData("no speech segments") }
        let entries = report.classes.indices.map { (colours[$0], report.classes[$0]) } + [(ReportPalette.noSpeech, "no speech (not scored)")]
        body += "<h2>Emotions</h2><figure>\(emotions.svg)\(legend(entries))<figcaption>Class probabilities of each segment, stacked; overlapping windows are cut at the middle of their overlap; white is outside every segment.</figcaption></figure>"
        return body
    }

    /// The table of segments, times in seconds or min:s from 2 minutes on.
    func segmentTable() -> String {
        var body = ""
        let clock = duration >= 120
        let unit = clock ? "min:s" : "s"
        func time(_ t: Double) -> String {
            guard clock else { return String(format2: t) }
            let centis = Int((t * 100).rounded()), seconds = centis % 6000
            return "\(centis / 6000):\(seconds < 1000 ? "0" : "")\(String(format2: Double(seconds) / 100))"
        }
        body += "<details><summary>Segments (\(report.segments.count))</summary><table><thead><tr><th class=\"num\">start (\(unit))</th><th class=\"num\">end (\(unit))</th><th>emotion</th><th class=\"num\">probability</th><th class=\"num\">voiced (s)</th></tr></thead><tbody>"
        for s in report.segments {
            let colour = report.classes.firstIndex(of: s.emotion).map { colours[$0] } ?? ReportPalette.noSpeech
            body += "<tr><td class=\"num\">\(time(s.start))</td><td class=\"num\">\(time(s.end))</td><td>\(swatch(colour, s.emotion))</td>"
            body += "<td class=\"num\">\(s.probabilities.map { percentText($0.max()!) } ?? "–")</td><td class=\"num\">\(String(format2: s.voicedSeconds))</td></tr>"
        }
        body += "</tbody></table></details>"
        return body
    }
}
