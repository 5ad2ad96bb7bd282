import Foundation
import Testing
@testable import Sentio

/// The building blocks: FFT, windows, mel banks, DCT, lifter, deltas.
@Suite struct TransformTests {
    @Test("the FFTW real FFT equals a direct DFT", arguments: [8, 400, 512])
    func fftMatchesDFT(size: Int) {
        let fft = RealFFT(size: size)
        let x = (0..<size).map { Float(sin(Double($0) * 0.7) + 0.3 * cos(Double($0 * $0) * 0.01)) }
        for i in 0..<size { fft.input[i] = x[i] }
        fft.transform()
        var power = [Float](repeating: 0, count: size / 2 + 1)
        power.withUnsafeMutableBufferPointer { fft.powerSpectrum(into: $0.baseAddress!) }
        for k in 0...(size / 2) {
            var re = 0.0, im = 0.0
            for n in 0..<size {
                re += Double(x[n]) * cos(2 * Double.pi * Double(k * n) / Double(size))
                im -= Double(x[n]) * sin(2 * Double.pi * Double(k * n) / Double(size))
            }
            let expected = re * re + im * im
            #expect(abs(Double(power[k]) - expected) <= 1e-4 * max(expected, 1), "bin \(k)")
        }
    }

    @Test("windows: symmetric vs periodic, povey, rectangular")
    func windows() {
        let symmetric = WindowFunction.hann(periodic: false).coefficients(length: 5)
        #expect(symmetric == [0, 0.5, 1, 0.5, 0])
        let periodic = WindowFunction.hann(periodic: true).coefficients(length: 4)
        #expect(periodic == [0, 0.5, 1, 0.5])
        let povey = WindowFunction.povey.coefficients(length: 400)
        let hann = WindowFunction.hann(periodic: false).coefficients(length: 400)
        for i in 0..<400 { #expect(abs(povey[i] - powf(hann[i], 0.85)) < 1e-6) }
        let hamming = WindowFunction.hamming(periodic: false).coefficients(length: 3)
        #expect(abs(hamming[0] - 0.08) < 1e-6 && abs(hamming[1] - 1) < 1e-6)
        #expect(WindowFunction.rectangular.coefficients(length: 3) == [1, 1, 1])
    }

    @Test("mel scales invert and hit their anchor points")
    func melScales() {
        for scale in [MelScale.htk, .slaney] {
            for f in [0.0, 100, 999, 1000, 4000, 8000] { #expect(abs(scale.hertz(scale.mel(f)) - f) < 1e-6) }
        }
        #expect(abs(MelScale.htk.mel(700) - 1127 * log(2.0)) < 1e-9)
        #expect(abs(MelScale.slaney.mel(1000) - 15) < 1e-12)
    }

    @Test("Kaldi-style triangles peak near 1; Slaney-normalised triangles have unit area in Hz")
    func filterbankShapes() {
        let kaldi = MelFilterbank(options: .kaldi, fftSize: 512, sampleRate: 16000)
        #expect(kaldi.bandCount == 23)
        for row in kaldi.denseWeights {
            #expect(row.max()! > 0.5 && row.max()! <= 1)
            #expect(row[256] == 0)  // Kaldi never uses the Nyquist bin
        }
        let librosa = MelFilterbank(options: .librosa(bandCount: 40), fftSize: 4096, sampleRate: 16000)
        // With fine frequency resolution, sum(weights) * bin width approximates each triangle's area, 1.
        let binHz = 16000.0 / 4096
        for row in librosa.denseWeights {
            let area = Double(row.reduce(0, +)) * binHz
            #expect(abs(area - 1) < 0.02, "area \(area)")
        }
    }

    @Test("orthonormal DCT-II preserves energy and matches the definition")
    func dct() {
        let n = 23
        let dct = DCT(inputCount: n, outputCount: n)
        let x = (0..<n).map { Float(sin(Double($0)) * 3 + 1) }
        var y = [Float](repeating: 0, count: n)
        x.withUnsafeBufferPointer { xb in y.withUnsafeMutableBufferPointer { dct.apply(xb.baseAddress!, into: $0.baseAddress!) } }
        let ex = x.reduce(0) { $0 + $1 * $1 }, ey = y.reduce(0) { $0 + $1 * $1 }
        #expect(abs(ex - ey) / ex < 1e-5)
        let c0 = x.reduce(0, +) / Float(n).squareRoot()
        #expect(abs(y[0] - c0) < 1e-4)
    }

    @Test("the HTK lifter scales coefficient i by 1 + Q/2 sin(pi i / Q)")
    func lifter() {
        let l = CepstralLifter(q: 22, count: 13)
        #expect(l.coefficients[0] == 1)
        #expect(abs(l.coefficients[11] - 12) < 1e-5)
        #expect(CepstralLifter(q: 0, count: 3).coefficients == [1, 1, 1])
    }

    /// Runs a DeltaStage over rows `[f(t), d, dd]` the way the pipeline does (edge replication at both ends).
    static func deltas(of values: [Float]) -> [(Float, Float)] {
        let stage = DeltaStage(sourceOffset: 0, width: 1, targetOffset: 1)
        let storage = UnsafeMutablePointer<Float>.allocate(capacity: values.count * 3)
        defer { storage.deallocate() }
        storage.initialize(repeating: 0, count: values.count * 3)
        for (t, v) in values.enumerated() { storage[t * 3] = v }
        for t in values.indices { stage.finish(row: t) { i in storage + min(max(i, 0), values.count - 1) * 3 } }
        return values.indices.map { (storage[$0 * 3 + 1], storage[$0 * 3 + 2]) }
    }

    @Test("deltas: slope of a ramp is 1, of t^2 is 2t, second order of t^2 is 2; edges replicate")
    func deltaRegression() {
        let ramp = Self.deltas(of: (0..<20).map { Float($0) })
        for t in 4..<16 { #expect(abs(ramp[t].0 - 1) < 1e-6 && abs(ramp[t].1) < 1e-6) }
        #expect(abs(ramp[0].0 - 0.5) < 1e-6)  // (1*1 + 2*2) / 10 with frames before 0 replaced by frame 0
        let square = Self.deltas(of: (0..<20).map { Float($0 * $0) })
        for t in 4..<16 {
            #expect(abs(square[t].0 - 2 * Float(t)) < 1e-4)
            #expect(abs(square[t].1 - 2) < 1e-4)
        }
    }
}

/// Polynomial roots: Laguerre from scratch and Aberth–Ehrlich refinement of a previous frame's roots.
@Suite struct PolynomialRootTests {
    /// The monic coefficients `c[0 ..< n]` of `Π (z − r)` (z^n + c[0] z^(n−1) + … + c[n−1]); `roots` must be
    /// closed under conjugation for them to be real.
    static func monic(_ roots: [(Double, Double)]) -> [Double] {
        var re = [1.0], im = [0.0]  // ascending powers
        for (a, b) in roots {
            var nr = [Double](repeating: 0, count: re.count + 1), ni = nr
            for k in 0..<re.count {
                nr[k + 1] += re[k]; ni[k + 1] += im[k]
                nr[k] -= a * re[k] - b * im[k]; ni[k] -= a * im[k] + b * re[k]
            }
            (re, im) = (nr, ni)
        }
        return re.reversed().dropFirst().map { $0 }
    }

    /// The largest distance from a found root to the nearest expected one, after matching each once.
    static func mismatch(_ found: [(Double, Double)], _ expected: [(Double, Double)]) -> Double {
        var left = expected, worst = 0.0
        for (x, y) in found {
            let distances = left.map { hypot($0.0 - x, $0.1 - y) }
            let nearest = distances.indices.min { distances[$0] < distances[$1] }!
            worst = max(worst, distances[nearest])
            left.remove(at: nearest)
        }
        return worst
    }

    static func refine(_ c: [Double], _ roots: inout [(Double, Double)]) -> Bool {
        c.withUnsafeBufferPointer { LinearPrediction.refineRoots(monic: $0.baseAddress!, degree: c.count, &roots) }
    }

    /// Five formant-like pairs and a real root, degree 11 as eGeMAPS's LPC.
    static let pairs: [(radius: Double, angle: Double)] =
        [(0.95, 0.3), (0.9, 0.8), (0.85, 1.4), (0.97, 2.0), (0.8, 2.6)]
    static var expected: [(Double, Double)] {
        pairs.flatMap { [($0.radius * cos($0.angle), $0.radius * sin($0.angle)),
                         ($0.radius * cos($0.angle), -$0.radius * sin($0.angle))] } + [(-0.6, 0)]
    }

    @Test("refinement from roots 3 % off reaches the exact roots, as Laguerre from scratch does")
    func refinementConverges() {
        let c = Self.monic(Self.expected)
        var start = Self.expected.enumerated().map { i, r in
            (r.0 * (1 + 0.03 * cos(Double(i))), r.1 * (1 - 0.03 * sin(Double(i))))
        }
        #expect(Self.refine(c, &start))
        #expect(Self.mismatch(start, Self.expected) < 1e-10)
        #expect(start.last!.1 == 0, "the real root comes back on the axis")
        var laguerre = [(Double, Double)](repeating: (0, 0), count: 11)
        c.withUnsafeBufferPointer { LinearPrediction.roots(monic: $0.baseAddress!, degree: 11, into: &laguerre) }
        #expect(Self.mismatch(laguerre, start) < 1e-10)
    }

    @Test("refinement splits a conjugate pair that has become two real roots, and joins two reals into a pair")
    func refinementChangesRootTypes() {
        // The pair at angle 2.6 becomes the real roots −0.75 and −0.7; −0.6 stays ...
        var split = Self.expected.filter { abs(atan2($0.1, $0.0)) < 2.5 } + [(-0.75, 0), (-0.7, 0), (-0.6, 0)]
        var start = Self.expected
        let c = Self.monic(split)
        #expect(Self.refine(c, &start))
        #expect(Self.mismatch(start, split) < 1e-10)
        // ... and back: the two reals −0.75 and −0.7 become the pair again.
        split = start
        let back = Self.monic(Self.expected)
        #expect(Self.refine(back, &split))
        #expect(Self.mismatch(split, Self.expected) < 1e-10)
    }

    @Test("refinement refuses coincident or non-finite approximations and leaves them unchanged")
    func refinementRefuses() {
        let c = Self.monic(Self.expected)
        var zeros = [(Double, Double)](repeating: (0, 0), count: 11)
        #expect(!Self.refine(c, &zeros))
        #expect(zeros.allSatisfy { $0 == (0, 0) })
        var broken = Self.expected
        broken[3] = (.nan, 0)
        #expect(!Self.refine(c, &broken))
        #expect(broken[3].0.isNaN && broken[0] == Self.expected[0])
    }
}
