/// Short human-readable numbers for progress lines and summaries.

/// `25.3 s`, `12.5 min` or `3.41 h`.
func formatHours(_ seconds: Double) -> String {
    if seconds < 60 { return String(format1: seconds) + " s" }
    if seconds < 3600 { return String(format1: seconds / 60) + " min" }
    return String(format2: seconds / 3600) + " h"
}

/// `1:02:03` or `2:03`.
func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "?" }
    if seconds < 10 { return String(format1: seconds) + " s" }
    let s = Int(seconds.rounded())
    let (h, m, sec) = (s / 3600, (s / 60) % 60, s % 60)
    let two = { (v: Int) in v < 10 ? "0\(v)" : "\(v)" }
    return h > 0 ? "\(h):\(two(m)):\(two(sec))" : "\(m):\(two(sec))"
}

/// `812x`.
func formatSpeed(_ ratio: Double) -> String {
    ratio >= 10 ? "\(Int(ratio.rounded()))x" : String(format1: ratio) + "x"
}

extension String {
    /// `value` with one decimal, e.g. `85.3`.
    package init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths < 0 ? "-" : "")\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }

    /// `value` with two decimals.
    package init(format2 value: Double) {
        let hundredths = Int((value * 100).rounded())
        let frac = abs(hundredths) % 100
        self = "\(hundredths < 0 ? "-" : "")\(abs(hundredths) / 100).\(frac < 10 ? "0" : "")\(frac)"
    }
}
