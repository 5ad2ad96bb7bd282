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
    /// Frames whose octave-scale spectra are computed together, one to a vector lane: the spline's recursions
    /// and its reads of the knots then run across frames instead of along one frame's serial chain and
    /// scattered knots.
    static let batchSize = 4
    private let count: Int  // spectrum bins = octave-scale points
    private let harmonics: Int
    private let compression: Float
    private let minimumHz: Float, maximumHz: Float
    // Spline resampling: for target point i, the knot below, its weights and the second-derivative weights.
    private let knot: UnsafeMutablePointer<Int>
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
    // The batch's peak-enhanced spectra, frame f from `enhanced + f · enhancedStride`.
    private let enhanced: UnsafeMutablePointer<Float>, enhancedStride: Int
    private let peakFlags: UnsafeMutablePointer<UInt8>  // 1 at the spectrum's local maxima, 2 zeros each side
    // The batch's smoothed spectra and the spline's second derivatives, by knot, frame f in lane f.
    private let smoothedLanes: UnsafeMutablePointer<SIMD4<Double>>
    private let curvatureLanes: UnsafeMutablePointer<SIMD4<Double>>
    private let octaveLanes: UnsafeMutablePointer<SIMD4<Float>>
    // The batch's octave-scale spectra, frame f from `octave + f · octaveStride`, each followed by zeros.
    private let octave: UnsafeMutablePointer<Float>, octaveStride: Int
    private let sum: UnsafeMutablePointer<Float>

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
        enhancedStride = (n + 3) / 4 * 4
        enhanced = .allocate(capacity: Self.batchSize * enhancedStride)
        enhanced.initialize(repeating: 0, count: Self.batchSize * enhancedStride)
        peakFlags = .allocate(capacity: n + 4)
        peakFlags.initialize(repeating: 0, count: n + 4)
        smoothedLanes = .allocate(capacity: n)
        curvatureLanes = .allocate(capacity: n)
        octaveLanes = .allocate(capacity: n)
        // Zeros after the last point, for the sum spectrum's highest harmonics.
        octaveStride = n + shifts[harmonics] + 8
        octave = .allocate(capacity: Self.batchSize * octaveStride)
        octave.initialize(repeating: 0, count: Self.batchSize * octaveStride)
        sum = .allocate(capacity: n)
    }

    deinit {
        enhanced.deallocate(); peakFlags.deallocate()
        smoothedLanes.deallocate(); curvatureLanes.deallocate(); octaveLanes.deallocate()
        for p in [inverseSpan1, inverseSpan2, slopeGain, carry, decay, weightLow, curvatureLow, curvatureHigh,
                  auditoryWeight] { p.deallocate() }
        knot.deallocate(); harmonicShifts.deallocate(); harmonicWeights.deallocate()
        octave.deallocate(); sum.deallocate()
    }

    /// The candidates of the frame whose magnitude spectrum (`fftSize / 2 + 1` bins) is `magnitude`:
    /// `frequency` (Hz) and `voicing` (0…1) each hold ``candidateCount`` values, 0 where there is none.
    func candidates(magnitude: UnsafePointer<Float>, frequency: UnsafeMutablePointer<Float>,
                    voicing: UnsafeMutablePointer<Float>) {
        candidates(frames: 1, magnitude: { _ in magnitude }, frequency: { _ in frequency }, voicing: { _ in voicing })
    }

    /// The candidates of `frames` (1 … ``batchSize``) frames at once, each exactly as the single-frame
    /// ``candidates(magnitude:frequency:voicing:)`` finds them: frame f's magnitude spectrum is `magnitude(f)`,
    /// its candidates go to `frequency(f)` and `voicing(f)`.
    func candidates(frames: Int, magnitude: (Int) -> UnsafePointer<Float>,
                    frequency: (Int) -> UnsafeMutablePointer<Float>, voicing: (Int) -> UnsafeMutablePointer<Float>) {
        precondition(frames >= 1 && frames <= Self.batchSize)
        octaveSpectra(frames, magnitude)
        for f in 0..<frames { candidates(octave: octave + f * octaveStride, frequency(f), voicing(f)) }
    }

    /// The candidates of one frame from its octave-scale spectrum `octave`.
    private func candidates(octave: UnsafeMutablePointer<Float>, _ frequency: UnsafeMutablePointer<Float>,
                            _ voicing: UnsafeMutablePointer<Float>) {
        let n = count
        // Sum spectrum, in float as openSMILE: each point adds its harmonics' points in order h = 2, 3, …, 15,
        // eight points at a time with the sum kept in registers. Past the last point `octave` reads zeros,
        // and adding +0 leaves these non-negative sums unchanged: the values are openSMILE's pass-by-pass ones.
        let count = SIMD8<Float>(repeating: Float(harmonics))
        let shift = harmonicShifts, weight = harmonicWeights
        var lanes = SIMD8<Double>(), j = 0
        // Harmonics 2 … `top` reach a point of the block at j; the higher ones read only the zeros past the last
        // point, whose +0 would leave the sums unchanged (a third of all the additions), so they are left out.
        var top = harmonics
        @inline(__always) func lowerTop(_ j: Int) { while top >= 2 && shift[top] >= n - j { top -= 1 } }
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
            lowerTop(j)
            var h = 2
            while h <= top {
                let w = SIMD8<Float>(repeating: weight[h]), offset = shift[h] &* 4
                x = x + base.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self) * w
                z = z + base.loadUnaligned(fromByteOffset: offset &+ 32, as: SIMD8<Float>.self) * w
                h += 1
            }
            finishBlock(x, j)
            finishBlock(z, j + 8)
            j += 16
        }
        while j + 8 <= n {
            var x = UnsafeRawPointer(octave + j).loadUnaligned(as: SIMD8<Float>.self)
            lowerTop(j)
            var h = 2
            while h <= top {
                let y = UnsafeRawPointer(octave + j + shift[h]).loadUnaligned(as: SIMD8<Float>.self)
                x = x + y * SIMD8<Float>(repeating: weight[h])
                h += 1
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
                // A peak at point p with value v enters the list in order of position (a later peak goes behind
                // an equal one). A full list keeps it only if it beats the smallest (peaks are positive).
                @inline(__always) func consider(_ p: Int) {
                    let v = sum[p]
                    if found == m && value[m - 1] >= v { return }
                    for j in 0..<m where value[j] == 0 || value[j] < v {
                        var k = m - 1
                        while k > j { bin[k] = bin[k - 1]; value[k] = value[k - 1]; k -= 1 }
                        bin[j] = p
                        value[j] = v
                        found = min(found + 1, m)
                        break
                    }
                }
                // Eight positions are tested at once for a strict local maximum above the list's smallest value
                // (once it is full): the few that pass are taken in order, by their bits.
                let lanes = SIMD8<Int32>(1, 2, 4, 8, 16, 32, 64, 128)
                var i = 1
                while i + 9 <= n {
                    let left = UnsafeRawPointer(sum + i - 1).loadUnaligned(as: SIMD8<Float>.self)
                    let centre = UnsafeRawPointer(sum + i).loadUnaligned(as: SIMD8<Float>.self)
                    let right = UnsafeRawPointer(sum + i + 1).loadUnaligned(as: SIMD8<Float>.self)
                    let entry = found == m ? value[m - 1] : 0
                    let peaks = (left .< centre) .& (centre .> right) .& (centre .> SIMD8<Float>(repeating: entry))
                    var bits = (unsafeBitCast(peaks, to: SIMD8<Int32>.self) & lanes).wrappedSum()
                    while bits != 0 {
                        consider(i + bits.trailingZeroBitCount)
                        bits &= bits - 1
                    }
                    i += 8
                }
                while i < n - 1 {
                    if sum[i - 1] < sum[i] && sum[i] > sum[i + 1] { consider(i) }
                    i += 1
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
    /// auditory weighting, of the batch's frames into their rows of `octave`. A batch of fewer than
    /// ``batchSize`` frames fills the spare lanes with its last frame.
    private func octaveSpectra(_ frames: Int, _ magnitude: (Int) -> UnsafePointer<Float>) {
        let n = count, b = smoothedLanes
        for f in 0..<Self.batchSize { enhance(magnitude(min(f, frames - 1)), into: enhanced + f * enhancedStride) }
        // Into lanes, four bins of the four frames at a time (the rows' padding is never read as a bin).
        let r0 = enhanced, r1 = enhanced + enhancedStride, r2 = r1 + enhancedStride, r3 = r2 + enhancedStride
        var k = 0
        while k < n {
            let x0 = load4(r0, k), x1 = load4(r1, k), x2 = load4(r2, k), x3 = load4(r3, k)
            for j in 0..<min(4, n - k) { b[k + j] = SIMD4<Double>(SIMD4(x0[j], x1[j], x2[j], x3[j])) }
            k += 4
        }
        // [1 2 1] / 4 smoothing on the enhanced values, a[−1] = 0, the last bin unchanged; in place, the
        // unsmoothed neighbours carried along.
        var left = b[0], centre = b[1]
        b[0] = (2 * left + centre) / 4
        for k in 1..<(n - 1) {
            let right = b[k + 1]
            b[k] = (left + 2 * centre + right) / 4
            left = centre
            centre = right
        }
        // Natural cubic spline through (log₂ f_k, b_k): second derivatives by the tridiagonal recursion, with
        // the factors that depend only on the knots precomputed; its right-hand side as openSMILE's scalar
        // loop forms it and its two recursions by ``ChunkedRecurrence`` (equal to the sequential ones to
        // rounding), the same operations in every lane as for one frame alone.
        let u = curvatureLanes
        u[0] = .zero
        for i in 1..<(n - 1) {
            let slope = (b[i + 1] - b[i]) * inverseSpan1[i] - (b[i] - b[i - 1]) * inverseSpan2[i]
            u[i] = slope * slopeGain[i]
        }
        forward.solve(u)
        u[n - 1] = .zero
        backward.solve(u)
        // The spline at each target point, `a b_k + (1 − a) b_(k+1) + c y″_k + d y″_(k+1)` summed in that order.
        @inline(__always) func spline(_ t: Int) -> SIMD4<Float> {
            let k = knot[t], w = weightLow[t]
            var spline = b[k] * w
            spline += b[k + 1] * (1 - w)
            spline += u[k] * curvatureLow[t]
            spline += u[k + 1] * curvatureHigh[t]
            let value = SIMD4<Float>(spline)
            let weighted = SIMD4<Float>(SIMD4<Double>(value) * auditoryWeight[t])
            // 0 where the spline is not positive: a mask, where `replace(with:where:)` compiles to branches.
            let positive = unsafeBitCast(value .> 0, to: SIMD4<UInt32>.self)
            return unsafeBitCast(unsafeBitCast(weighted, to: SIMD4<UInt32>.self) & positive, to: SIMD4<Float>.self)
        }
        // Kept in lanes, then out of them four points of the four frames at a time (a spare lane's row is
        // written and not read): extracting lanes straight from the arithmetic made the compiler do all of it
        // lane by lane.
        let lanes = octaveLanes
        for t in 0..<n { lanes[t] = spline(t) }
        let o0 = octave, o1 = octave + octaveStride, o2 = octave + 2 * octaveStride, o3 = octave + 3 * octaveStride
        var t = 0
        while t + 4 <= n {
            let y0 = lanes[t], y1 = lanes[t + 1], y2 = lanes[t + 2], y3 = lanes[t + 3]
            store4(SIMD4(y0[0], y1[0], y2[0], y3[0]), o0, t)
            store4(SIMD4(y0[1], y1[1], y2[1], y3[1]), o1, t)
            store4(SIMD4(y0[2], y1[2], y2[2], y3[2]), o2, t)
            store4(SIMD4(y0[3], y1[3], y2[3], y3[3]), o3, t)
            t += 4
        }
        while t < n {
            let y = lanes[t]
            o0[t] = y[0]; o1[t] = y[1]; o2[t] = y[2]; o3[t] = y[3]
            t += 1
        }
    }

    @inline(__always) private func load4(_ p: UnsafeMutablePointer<Float>, _ i: Int) -> SIMD4<Float> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD4<Float>.self)
    }

    @inline(__always) private func store4(_ v: SIMD4<Float>, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: SIMD4<Float>.self)
    }

    /// Peak enhancement of one frame's magnitude spectrum `x`, into `a`.
    private func enhance(_ x: UnsafePointer<Float>, into a: UnsafeMutablePointer<Float>) {
        let n = count
        // Between consecutive local maxima p < q, openSMILE zeroes bins p + 3 ... q − 3, i.e. every bin between
        // the first and the last maximum that lies more than 2 bins from all of them. Written that way it runs
        // without branches (a scan from peak to peak mispredicted on every peak). A maximum is above its left
        // neighbour and not below its right one; bin 0 and the last bin have one neighbour.
        let flag = peakFlags + 2  // flag[-2], flag[-1], flag[n], flag[n + 1] stay 0
        flag[0] = x[0] > x[1] ? 1 : 0
        for k in 1..<(n - 1) { flag[k] = (x[k] > x[k - 1] ? 1 : 0) & (x[k] >= x[k + 1] ? 1 : 0) }
        flag[n - 1] = x[n - 1] > x[n - 2] ? 1 : 0
        var first = 0, last = n - 1
        while first < n && flag[first] == 0 { first += 1 }
        while last >= 0 && flag[last] == 0 { last -= 1 }
        if first == last {
            // With a single maximum openSMILE reads a second one as bin 0 and clears everything from bin 3 up.
            a.update(from: x, count: 3)
            (a + 3).update(repeating: 0, count: n - 3)
        } else {
            for k in 0..<n {
                let near = flag[k - 2] | flag[k - 1] | flag[k] | flag[k + 1] | flag[k + 2]
                let kept = near != 0 || k < first || k > last
                a[k] = kept ? x[k] : 0
            }
        }
    }
}

/// Solves the first-order recurrence x[i] += m[i] · x[i − step] over `first ... last` (step ±1, the value
/// before `first` being 0) as four interleaved chains, each started from 0 and then corrected by the exact
/// term the previous chain's end contributes, `x[i] += (Π m) · x[chain start − step]`: the chains run in
/// parallel instead of one latency-bound sequence. The multipliers of the spline recursion are about −0.27,
/// so the corrections vanish within a few dozen points; the result equals the sequential one to rounding.
/// (Now that the frames of a batch fill the vector lanes the chains matter less, but they fix the rounding,
/// which the bundled model and the stored reference outputs were made with.)
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

    /// Solves the recurrence in each of the four lanes of `x`.
    func solve(_ x: UnsafeMutablePointer<SIMD4<Double>>) {
        let chains = starts.count, step = self.step, m = multipliers
        var previous = (SIMD4<Double>.zero, SIMD4<Double>.zero, SIMD4<Double>.zero, SIMD4<Double>.zero)
        let common = lengths.min() ?? 0
        if chains == 4 {
            let s0 = starts[0], s1 = starts[1], s2 = starts[2], s3 = starts[3]
            for t in 0..<common {
                let o = step * t
                x[s0 + o] += previous.0 * m[s0 + o]; previous.0 = x[s0 + o]
                x[s1 + o] += previous.1 * m[s1 + o]; previous.1 = x[s1 + o]
                x[s2 + o] += previous.2 * m[s2 + o]; previous.2 = x[s2 + o]
                x[s3 + o] += previous.3 * m[s3 + o]; previous.3 = x[s3 + o]
            }
        }
        for c in 0..<chains {
            var p = chains == 4 && common > 0 ? x[starts[c] + step * (common - 1)] : .zero
            for t in (chains == 4 ? common : 0)..<lengths[c] {
                let i = starts[c] + step * t
                x[i] += p * m[i]
                p = x[i]
            }
        }
        // Each chain after the first, corrected by the term the previous chain's (corrected) end contributes.
        for c in 1..<chains {
            let before = x[starts[c] - step]
            let length = lengths[c], low = step > 0 ? starts[c] : starts[c] - (length - 1)
            for i in low..<(low + length) { x[i] += before * products[i] }
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
