#if canImport(Glibc)
import Glibc
#endif

/// F0 candidates of one frame by subharmonic summation (Hermes, "Measurement of pitch by subharmonic
/// summation", JASA 83(1), 1988), as openSMILE's `cSpecScale` + `cPitchShs` compute them for eGeMAPSv02
/// (docs/opensmile-egemaps/voice.md, sections 2–3):
///
/// 1. the magnitude spectrum of the 60 ms Gaussian-windowed frame is peak-enhanced (bins more than 2 away
///    from every local maximum between two maxima are zeroed), smoothed with [1 2 1] / 4, and resampled by a
///    natural cubic spline onto as many points, equally spaced in log₂ frequency from 25 Hz to Nyquist
///    (61.6 points per octave for a 1024-point FFT at 16 kHz), then weighted by an auditory arctangent curve;
/// 2. the sum spectrum adds to each point the points `⌊p log₂ h⌋` above it (harmonic h = 2…15), weighted
///    0.85^(h−1), divided by 15;
/// 3. its 6 largest strict local maxima, log-parabolically interpolated, are the candidates; each one's
///    voicing is `1 − mean / peak` of the sum spectrum. Candidates outside 55–1000 Hz are dropped and the
///    best-scoring one is moved to the front.
///
/// The arithmetic follows openSMILE's precision (double for the spline, float for the sum), so that with
/// the same spectrum the candidates are openSMILE's; FFTW's float FFT differs from openSMILE's by about an
/// ulp, which changes a decision about once in 10⁴ frames (an exact tie between neighbouring points).
final class SubharmonicSummation {
    /// Candidates reported per frame.
    static let candidateCount = 6
    private let count: Int  // spectrum bins = octave-scale points
    private let harmonics: Int
    private let compression: Float
    private let minimumHz: Float, maximumHz: Float
    // Spline resampling: for target point i, the knot below, its weights and the second-derivative weights.
    private let knot: UnsafeMutablePointer<Int>
    // Below `narrowEnd` every block of four target points lies between two consecutive knot intervals:
    // lane i of block j reads interval knot[4j] + 1 where narrowLanes[j][i] is set, knot[4j] elsewhere.
    private let narrowEnd: Int, narrowLanes: UnsafeMutablePointer<SIMDMask<SIMD4<Int64>>>
    private let weightLow: UnsafeMutablePointer<Double>, curvatureLow: UnsafeMutablePointer<Double>
    private let curvatureHigh: UnsafeMutablePointer<Double>
    // Natural-spline recursion coefficients that depend only on the knots.
    private let inverseSpan1: UnsafeMutablePointer<Double>, inverseSpan2: UnsafeMutablePointer<Double>
    private let slopeGain: UnsafeMutablePointer<Double>, carry: UnsafeMutablePointer<Double>
    private let decay: UnsafeMutablePointer<Double>
    private let auditoryWeight: UnsafeMutablePointer<Double>
    private let logFirst: Float, logStep: Float
    // Harmonic h's offset on the octave scale, ⌊p log₂ h⌋ points, and its weight compression^(h−1), by h.
    private let harmonicShifts: UnsafeMutablePointer<Int>, harmonicWeights: UnsafeMutablePointer<Float>
    private let forward: ChunkedRecurrence, backward: ChunkedRecurrence
    private let spectrum: UnsafeMutablePointer<Double>, smoothed: UnsafeMutablePointer<Double>
    private let peakFlags: UnsafeMutablePointer<UInt8>  // 1 at the spectrum's local maxima, 2 zeros each side
    private let curvature: UnsafeMutablePointer<Double>
    private let recursion: UnsafeMutablePointer<Double>
    private let octave: UnsafeMutablePointer<Float>, sum: UnsafeMutablePointer<Float>

    /// - Parameters:
    ///   - fftSize: FFT length of the magnitude spectra (`fftSize / 2 + 1` bins).
    ///   - sampleRate: in Hz.
    ///   - harmonics: harmonics summed, the first included. openSMILE's eGeMAPS: 15.
    ///   - compression: weight ratio of successive harmonics. eGeMAPS: 0.85.
    ///   - range: candidates outside this range (Hz) are dropped. eGeMAPS: 55–1000 Hz.
    init(fftSize: Int, sampleRate: Double, harmonics: Int = 15, compression: Float = 0.85,
         range: ClosedRange<Float> = 55...1000) {
        let n = fftSize / 2 + 1
        count = n
        self.harmonics = harmonics
        self.compression = compression
        minimumHz = range.lowerBound
        maximumHz = range.upperBound
        // openSMILE stores the padded frame's duration as a float, so its bin spacing is 1 / Float(N / rate).
        let binHz = 1 / Double(Float(Double(fftSize) / sampleRate))
        let lowHz = 25.0, highHz = binHz * Double(n - 1)
        let logLow = log(lowHz) / log(2.0), logHigh = log(highHz) / log(2.0)
        let step = (logHigh - logLow) / Double(n - 1)
        var source = [Double](repeating: 0, count: n)
        for k in 1..<n { source[k] = log(Double(k) * binHz) / log(2.0) }
        source[0] = 2 * source[1] - source[2]
        var knot = [Int](), weightLow = [Double](), curvatureLow = [Double](), curvatureHigh = [Double]()
        var upper = 1
        for i in 0..<n {
            let x = logLow + Double(i) * step
            while upper < n - 1 && source[upper] < x { upper += 1 }
            let span = source[upper] - source[upper - 1]
            let a = (source[upper] - x) / span, b = 1 - a, r2 = span * span / 6
            knot.append(upper - 1)
            weightLow.append(a)
            curvatureLow.append((a * a * a - a) * r2)
            curvatureHigh.append((b * b * b - b) * r2)
        }
        var sigma = [Double](repeating: 0, count: n), span1 = sigma, span2 = sigma, gain = sigma, decay = sigma
        for i in 1..<(n - 1) {
            sigma[i] = (source[i] - source[i - 1]) / (source[i + 1] - source[i - 1])
            span1[i] = (source[i + 1] - source[i]) * (source[i + 1] - source[i - 1])
            span2[i] = (source[i] - source[i - 1]) * (source[i + 1] - source[i - 1])
            let p = 1 / (sigma[i] * decay[i - 1] + 2)
            gain[i] = p
            decay[i] = (sigma[i] - 1) * p
        }
        // u_i = p_i (6 s_i − σ_i u_(i−1)) as u_i = 6 p_i s_i + (−p_i σ_i) u_(i−1).
        func table(_ values: [Double]) -> UnsafeMutablePointer<Double> {
            let p = UnsafeMutablePointer<Double>.allocate(capacity: n)
            p.initialize(from: values, count: n)
            return p
        }
        inverseSpan1 = table(span1.map { $0 == 0 ? 0 : 1 / $0 })
        inverseSpan2 = table(span2.map { $0 == 0 ? 0 : 1 / $0 })
        slopeGain = table(gain.map { 6 * $0 })
        carry = table((0..<n).map { -gain[$0] * sigma[$0] })
        self.decay = table(decay)
        forward = ChunkedRecurrence(first: 1, last: n - 2, multipliers: carry)
        backward = ChunkedRecurrence(first: n - 2, last: 0, multipliers: self.decay)
        self.knot = .allocate(capacity: n)
        self.knot.initialize(from: knot, count: n)
        var narrow = 0
        while narrow + 4 <= n && knot[narrow + 3] - knot[narrow] <= 1 && knot[narrow + 3] + 2 < n { narrow += 4 }
        narrowEnd = narrow
        narrowLanes = .allocate(capacity: max(narrow / 4, 1))
        for j in 0..<(narrow / 4) {
            let t = 4 * j
            narrowLanes[j] = SIMD4<Int64>(knot[t..<(t + 4)].map { Int64($0 - knot[t]) }) .== 1
        }
        self.weightLow = table(weightLow)
        self.curvatureLow = table(curvatureLow)
        self.curvatureHigh = table(curvatureHigh)
        let octaves = log(highHz / lowHz) / log(2.0)
        let ppo = Double(n) / octaves
        let centre = ppo * log2(65.0 / 50.0) - 1
        auditoryWeight = table((0..<n).map { 0.5 + atan(3 * (Double($0 + 1) - centre) / ppo) / Double.pi })
        logFirst = Float(logLow)
        logStep = (Float(logHigh) - Float(logLow)) / Float(n - 1)
        let shifts = (0...harmonics).map { $0 < 2 ? 0 : Int(floor(Double(Float(ppo)) * log2(Double($0)))) }
        harmonicShifts = .allocate(capacity: harmonics + 1)
        harmonicShifts.initialize(from: shifts, count: harmonics + 1)
        harmonicWeights = .allocate(capacity: harmonics + 1)
        harmonicWeights.initialize(repeating: 0, count: harmonics + 1)
        var weight = compression  // the running product openSMILE forms, step by step in float
        for h in 2...harmonics {
            harmonicWeights[h] = weight
            weight *= compression
        }
        spectrum = .allocate(capacity: n)
        smoothed = .allocate(capacity: n)
        peakFlags = .allocate(capacity: n + 4)
        peakFlags.initialize(repeating: 0, count: n + 4)
        curvature = .allocate(capacity: n)
        recursion = .allocate(capacity: n)
        // Zeros after the last point, for the sum spectrum's highest harmonics.
        octave = .allocate(capacity: n + shifts[harmonics] + 8)
        octave.initialize(repeating: 0, count: n + shifts[harmonics] + 8)
        sum = .allocate(capacity: n)
    }

    deinit {
        spectrum.deallocate(); smoothed.deallocate(); curvature.deallocate(); peakFlags.deallocate(); recursion.deallocate()
        for p in [inverseSpan1, inverseSpan2, slopeGain, carry, decay, weightLow, curvatureLow, curvatureHigh,
                  auditoryWeight] { p.deallocate() }
        knot.deallocate(); narrowLanes.deallocate(); harmonicShifts.deallocate(); harmonicWeights.deallocate()
        octave.deallocate(); sum.deallocate()
    }

    /// The candidates of the frame whose magnitude spectrum (`fftSize / 2 + 1` bins) is `magnitude`:
    /// `frequency` (Hz) and `voicing` (0…1) each hold ``candidateCount`` values, 0 where there is none.
    func candidates(magnitude: UnsafePointer<Float>, frequency: UnsafeMutablePointer<Float>,
                    voicing: UnsafeMutablePointer<Float>) {
        octaveSpectrum(magnitude)
        let n = count
        // Sum spectrum, in float as openSMILE: each point adds its harmonics' points in order h = 2, 3, …, 15,
        // eight points at a time with the sum kept in registers. Past the last point `octave` reads zeros,
        // and adding +0 leaves these non-negative sums unchanged: the values are openSMILE's pass-by-pass ones.
        let count = SIMD8<Float>(repeating: Float(harmonics))
        let shift = harmonicShifts, weight = harmonicWeights
        var lanes = SIMD8<Double>(), j = 0
        @inline(__always) func finishBlock(_ x: SIMD8<Float>, _ j: Int) {
            var x = x / count
            x.replace(with: 0, where: x .< 0)
            UnsafeMutableRawPointer(sum + j).storeBytes(of: x, as: SIMD8<Float>.self)
            lanes += SIMD8<Double>(x)
        }
        while j + 16 <= n {  // two blocks share each harmonic's weight
            let base = UnsafeRawPointer(octave + j)
            var x = base.loadUnaligned(as: SIMD8<Float>.self)
            var z = base.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
            for h in 2...harmonics {
                let w = SIMD8<Float>(repeating: weight[h]), offset = shift[h] &* 4
                x = x + base.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self) * w
                z = z + base.loadUnaligned(fromByteOffset: offset &+ 32, as: SIMD8<Float>.self) * w
            }
            finishBlock(x, j)
            finishBlock(z, j + 8)
            j += 16
        }
        while j + 8 <= n {
            var x = UnsafeRawPointer(octave + j).loadUnaligned(as: SIMD8<Float>.self)
            for h in 2...harmonics {
                let y = UnsafeRawPointer(octave + j + shift[h]).loadUnaligned(as: SIMD8<Float>.self)
                x = x + y * SIMD8<Float>(repeating: weight[h])
            }
            finishBlock(x, j)
            j += 8
        }
        var total = lanes.sum()
        while j < n {
            var x = octave[j]
            for h in 2...harmonics { x += octave[j + shift[h]] * weight[h] }
            x /= Float(harmonics)
            if x < 0 { x = 0 }
            sum[j] = x
            total += Double(x)
            j += 1
        }
        let mean = total / Double(n)
        // The largest strict local maxima, by value; a later peak goes behind an equal one.
        let m = Self.candidateCount
        var peaks = (0, 0, 0, 0, 0, 0), values: (Float, Float, Float, Float, Float, Float) = (0, 0, 0, 0, 0, 0)
        var found = 0
        withUnsafeMutableBytes(of: &peaks) { pb in
            withUnsafeMutableBytes(of: &values) { vb in
                let bin = pb.baseAddress!.assumingMemoryBound(to: Int.self)
                let value = vb.baseAddress!.assumingMemoryBound(to: Float.self)
                // Eight positions are tested at once, for a peak that would enter the list (above its smallest
                // value once it is full); the few that may are then taken in order.
                var i = 1, entry: Float = 0
                while i < n - 1 {
                    if i + 9 <= n {
                        let left = UnsafeRawPointer(sum + i - 1).loadUnaligned(as: SIMD8<Float>.self)
                        let centre = UnsafeRawPointer(sum + i).loadUnaligned(as: SIMD8<Float>.self)
                        let right = UnsafeRawPointer(sum + i + 1).loadUnaligned(as: SIMD8<Float>.self)
                        let enters = centre .> SIMD8<Float>(repeating: entry)
                        if !any((left .< centre) .& (centre .> right) .& enters) { i += 8; continue }
                    }
                    let isPeak = sum[i - 1] < sum[i] && sum[i] > sum[i + 1]
                    i += 1
                    guard isPeak else { continue }
                    let v = sum[i - 1]
                    // A full list keeps a peak only if it beats the smallest (peaks are positive).
                    if found == m && value[m - 1] >= v { continue }
                    for j in 0..<m where value[j] == 0 || value[j] < v {
                        var k = m - 1
                        while k > j { bin[k] = bin[k - 1]; value[k] = value[k - 1]; k -= 1 }
                        bin[j] = i - 1
                        value[j] = v
                        found = min(found + 1, m)
                        break
                    }
                    if found == m { entry = value[m - 1] }
                }
                var kept = 0, best = 0, bestScore: Float = 0
                for c in 0..<found {
                    let i = bin[c], fc = Float(i)
                    let x0 = (fc - 1) * logStep + logFirst, x1 = fc * logStep + logFirst, x2 = (fc + 1) * logStep + logFirst
                    let (x, s) = parabolaVertex(Double(x0), Double(sum[i - 1]), Double(x1), Double(sum[i]),
                                                Double(x2), Double(sum[i + 1]))
                    let f = Float(exp(x * log(2.0)))
                    guard f >= minimumHz && f <= maximumHz else { continue }
                    frequency[kept] = f
                    voicing[kept] = s > 0 && s > mean ? Float(1 - mean / s) : 0
                    if kept == 0 || Float(s) > bestScore { best = kept; bestScore = Float(s) }
                    kept += 1
                }
                // openSMILE swaps the best-scoring candidate to the front (the others keep their places).
                if best > 0 { frequency.swapAt(0, best, voicing) }
                for c in kept..<m { frequency[c] = 0; voicing[c] = 0 }
            }
        }
    }

    /// openSMILE's `cSpecScale` with peak enhancement, smoothing, spline interpolation onto the log₂ axis and
    /// auditory weighting, into `octave`.
    private func octaveSpectrum(_ magnitude: UnsafePointer<Float>) {
        let n = count, a = spectrum, x = magnitude
        // Peak enhancement: between consecutive local maxima p < q, openSMILE zeroes bins p + 3 ... q − 3, i.e.
        // every bin between the first and the last maximum that lies more than 2 bins from all of them. Written
        // that way it runs without branches (a scan from peak to peak mispredicted on every peak). A maximum
        // is above its left neighbour and not below its right one; bin 0 and the last bin have one neighbour.
        let flag = peakFlags + 2  // flag[-2], flag[-1], flag[n], flag[n + 1] stay 0
        flag[0] = x[0] > x[1] ? 1 : 0
        for k in 1..<(n - 1) { flag[k] = (x[k] > x[k - 1] ? 1 : 0) & (x[k] >= x[k + 1] ? 1 : 0) }
        flag[n - 1] = x[n - 1] > x[n - 2] ? 1 : 0
        var first = 0, last = n - 1
        while first < n && flag[first] == 0 { first += 1 }
        while last >= 0 && flag[last] == 0 { last -= 1 }
        if first == last {
            // With a single maximum openSMILE reads a second one as bin 0 and clears everything from bin 3 up.
            for k in 0..<3 { a[k] = Double(x[k]) }
            (a + 3).update(repeating: 0, count: n - 3)
        } else {
            for k in 0..<n {
                let near = flag[k - 2] | flag[k - 1] | flag[k] | flag[k + 1] | flag[k + 2]
                let kept = near != 0 || k < first || k > last
                a[k] = kept ? Double(x[k]) : 0
            }
        }
        // [1 2 1] / 4 smoothing on the original values, a[−1] = 0, the last bin unchanged; into its own buffer,
        // four lanes at a time.
        let b = smoothed
        b[0] = (2 * a[0] + a[1]) / 4
        var k = 1
        while k + 4 <= n - 1 {
            let left = UnsafeRawPointer(a + k - 1).loadUnaligned(as: SIMD4<Double>.self)
            let centre = UnsafeRawPointer(a + k).loadUnaligned(as: SIMD4<Double>.self)
            let right = UnsafeRawPointer(a + k + 1).loadUnaligned(as: SIMD4<Double>.self)
            UnsafeMutableRawPointer(b + k).storeBytes(of: (left + 2 * centre + right) / 4, as: SIMD4<Double>.self)
            k += 4
        }
        while k < n - 1 { b[k] = (a[k - 1] + 2 * a[k] + a[k + 1]) / 4; k += 1 }
        b[n - 1] = a[n - 1]
        // Natural cubic spline through (log₂ f_k, a_k): second derivatives by the tridiagonal recursion, with
        // the factors that depend only on the knots precomputed (the two serial chains bound the cost).
        let u = recursion, y2 = curvature
        u[0] = 0
        var i = 1
        while i + 4 <= n - 1 {  // four lanes, the same operations as the scalar tail
            let left = UnsafeRawPointer(b + i - 1).loadUnaligned(as: SIMD4<Double>.self)
            let centre = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD4<Double>.self)
            let right = UnsafeRawPointer(b + i + 1).loadUnaligned(as: SIMD4<Double>.self)
            let s1 = UnsafeRawPointer(inverseSpan1 + i).loadUnaligned(as: SIMD4<Double>.self)
            let s2 = UnsafeRawPointer(inverseSpan2 + i).loadUnaligned(as: SIMD4<Double>.self)
            let gain = UnsafeRawPointer(slopeGain + i).loadUnaligned(as: SIMD4<Double>.self)
            let slope = (right - centre) * s1 - (centre - left) * s2
            UnsafeMutableRawPointer(u + i).storeBytes(of: gain * slope, as: SIMD4<Double>.self)
            i += 4
        }
        while i < n - 1 {
            let slope = (b[i + 1] - b[i]) * inverseSpan1[i] - (b[i] - b[i - 1]) * inverseSpan2[i]
            u[i] = slopeGain[i] * slope
            i += 1
        }
        forward.solve(u)
        y2.update(from: u, count: n - 1)
        y2[n - 1] = 0
        backward.solve(y2)
        // The spline at each target point, four points at a time with the knots' values in lanes: broadcast
        // and blended where a block spans at most two knot intervals (the low frequencies, where the target
        // points are denser than the bins), gathered above; the same operations in the same order as the
        // scalar tail either way.
        func load4(_ p: UnsafeMutablePointer<Double>, _ i: Int) -> SIMD4<Double> {
            UnsafeRawPointer(p + i).loadUnaligned(as: SIMD4<Double>.self)
        }
        @inline(__always) func evaluate(_ t: Int, _ below: SIMD4<Double>, _ above: SIMD4<Double>,
                                        _ curveBelow: SIMD4<Double>, _ curveAbove: SIMD4<Double>) {
            let w: SIMD4<Double> = load4(weightLow, t)
            let rest: SIMD4<Double> = SIMD4<Double>(repeating: 1) - w
            var spline: SIMD4<Double> = w * below
            spline += rest * above
            spline += load4(curvatureLow, t) * curveBelow
            spline += load4(curvatureHigh, t) * curveAbove
            let value = SIMD4<Float>(spline)
            var weighted = SIMD4<Float>(SIMD4<Double>(value) * load4(auditoryWeight, t))
            weighted.replace(with: 0, where: .!(value .> 0))
            UnsafeMutableRawPointer(octave + t).storeBytes(of: weighted, as: SIMD4<Float>.self)
        }
        var t = 0
        while t < narrowEnd {
            let k = knot[t], next = narrowLanes[t / 4]
            let b0 = SIMD4<Double>(repeating: b[k]), b1 = SIMD4<Double>(repeating: b[k + 1])
            let b2 = SIMD4<Double>(repeating: b[k + 2])
            let c0 = SIMD4<Double>(repeating: y2[k]), c1 = SIMD4<Double>(repeating: y2[k + 1])
            let c2 = SIMD4<Double>(repeating: y2[k + 2])
            evaluate(t, b0.replacing(with: b1, where: next), b1.replacing(with: b2, where: next),
                     c0.replacing(with: c1, where: next), c1.replacing(with: c2, where: next))
            t += 4
        }
        while t + 4 <= n {
            let k0 = knot[t], k1 = knot[t + 1], k2 = knot[t + 2], k3 = knot[t + 3]
            evaluate(t, SIMD4<Double>(b[k0], b[k1], b[k2], b[k3]),
                     SIMD4<Double>(b[k0 + 1], b[k1 + 1], b[k2 + 1], b[k3 + 1]),
                     SIMD4<Double>(y2[k0], y2[k1], y2[k2], y2[k3]),
                     SIMD4<Double>(y2[k0 + 1], y2[k1 + 1], y2[k2 + 1], y2[k3 + 1]))
            t += 4
        }
        while t < n {
            let k = knot[t], w = weightLow[t]
            let value = Float(w * b[k] + (1 - w) * b[k + 1] + curvatureLow[t] * y2[k] + curvatureHigh[t] * y2[k + 1])
            let weighted = Float(Double(value) * auditoryWeight[t])
            octave[t] = value > 0 ? weighted : 0  // a select, not a branch on the data
            t += 1
        }
    }
}

/// Solves the first-order recurrence x[i] += m[i] · x[i − step] over `first ... last` (step ±1, the value
/// before `first` being 0) as four interleaved chains, each started from 0 and then corrected by the exact
/// term the previous chain's end contributes, `x[i] += (Π m) · x[chain start − step]`: the chains run in
/// parallel instead of one latency-bound sequence. The multipliers of the spline recursion are about −0.27,
/// so the corrections vanish within a few dozen points; the result equals the sequential one to rounding.
private final class ChunkedRecurrence {
    private let starts: [Int], lengths: [Int], step: Int
    private let multipliers: UnsafePointer<Double>      // owned by the caller, alive as long as this
    private let products: UnsafeMutablePointer<Double>  // Π m from the chain's start, by index

    init(first: Int, last: Int, multipliers m: UnsafePointer<Double>) {
        multipliers = m
        step = last >= first ? 1 : -1
        let count = abs(last - first) + 1, length = (count + 3) / 4
        var starts = [Int](), lengths = [Int]()
        var done = 0
        while done < count {
            starts.append(first + step * done)
            lengths.append(min(length, count - done))
            done += length
        }
        self.starts = starts
        self.lengths = lengths
        products = .allocate(capacity: max(first, last) + 1)
        for (s, l) in zip(starts, lengths) {
            var p = 1.0
            for t in 0..<l {
                p *= m[s + step * t]
                products[s + step * t] = p
            }
        }
    }

    deinit { products.deallocate() }

    func solve(_ x: UnsafeMutablePointer<Double>) {
        let chains = starts.count, step = self.step, m = multipliers
        var previous = (0.0, 0.0, 0.0, 0.0)
        let common = lengths.min() ?? 0
        if chains == 4 {
            let s0 = starts[0], s1 = starts[1], s2 = starts[2], s3 = starts[3]
            for t in 0..<common {
                let o = step * t
                x[s0 + o] += m[s0 + o] * previous.0; previous.0 = x[s0 + o]
                x[s1 + o] += m[s1 + o] * previous.1; previous.1 = x[s1 + o]
                x[s2 + o] += m[s2 + o] * previous.2; previous.2 = x[s2 + o]
                x[s3 + o] += m[s3 + o] * previous.3; previous.3 = x[s3 + o]
            }
        }
        for c in 0..<chains {
            var p = chains == 4 && common > 0 ? x[starts[c] + step * (common - 1)] : 0
            for t in (chains == 4 ? common : 0)..<lengths[c] {
                let i = starts[c] + step * t
                x[i] += m[i] * p
                p = x[i]
            }
        }
        // The corrections are independent element by element: each chain's index range, in either direction,
        // is one contiguous span, corrected four lanes at a time.
        for c in 1..<chains {
            let before = x[starts[c] - step], lanes = SIMD4<Double>(repeating: before)
            let length = lengths[c], low = step > 0 ? starts[c] : starts[c] - (length - 1)
            var i = low
            while i + 4 <= low + length {
                let p = UnsafeRawPointer(products + i).loadUnaligned(as: SIMD4<Double>.self)
                let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD4<Double>.self)
                UnsafeMutableRawPointer(x + i).storeBytes(of: v + p * lanes, as: SIMD4<Double>.self)
                i += 4
            }
            while i < low + length { x[i] += products[i] * before; i += 1 }
        }
    }
}

private extension UnsafeMutablePointer where Pointee == Float {
    /// Swaps elements `i` and `j` here and in `other`.
    func swapAt(_ i: Int, _ j: Int, _ other: UnsafeMutablePointer<Float>) {
        let t = self[i]; self[i] = self[j]; self[j] = t
        let o = other[i]; other[i] = other[j]; other[j] = o
    }
}
