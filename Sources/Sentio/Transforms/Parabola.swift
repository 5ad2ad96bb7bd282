/// Vertex (x, y) of the parabola through three points, computed as openSMILE's `smileMath_quadFrom3pts`
/// does (for its rounding); the largest point when they are collinear.
func parabolaVertex(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double,
                    _ x3: Double, _ y3: Double) -> (Double, Double) {
    let den = x1 * x1 * x2 + x2 * x2 * x3 + x3 * x3 * x1 - x3 * x3 * x2 - x2 * x2 * x1 - x1 * x1 * x3
    if den != 0 {
        let a = (y1 * x2 + y2 * x3 + y3 * x1 - y3 * x2 - y2 * x1 - y1 * x3) / den
        let b = (x1 * x1 * y2 + x2 * x2 * y3 + x3 * x3 * y1 - x3 * x3 * y2 - x2 * x2 * y1 - x1 * x1 * y3) / den
        let c = (x1 * x1 * x2 * y3 + x2 * x2 * x3 * y1 + x3 * x3 * x1 * y2 - x3 * x3 * x2 * y1
                 - x2 * x2 * x1 * y3 - x1 * x1 * x3 * y2) / den
        if a != 0 {
            let x = -b / (2 * a)
            return (x, c - a * x * x)
        }
    }
    if y1 > y2 && y1 > y3 { return (x1, y1) }
    if y2 > y1 && y2 > y3 { return (x2, y2) }
    if y3 > y1 && y3 > y2 { return (x3, y3) }
    return (x1, y1)
}

/// Vertex of the parabola through (−1, `left`), (0, `centre`), (1, `right`): its `offset` from the centre
/// sample (within ±½ for a local maximum) and its `value`. Praat's three-point refinement of a peak of a
/// correlation or a waveform, written in its order of operations. The curvature `2 centre − left − right`
/// must not be 0 (it is positive at a strict local maximum).
@inline(__always)
func parabolicPeak(_ left: Double, _ centre: Double, _ right: Double) -> (offset: Double, value: Double) {
    let slope = 0.5 * (right - left)
    let curvature = 2 * centre - left - right
    return (slope / curvature, centre + 0.5 * slope * slope / curvature)
}
