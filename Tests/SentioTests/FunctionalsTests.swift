import Foundation
import Testing
@testable import Sentio

/// The functionals engine on synthetic contours whose statistics are known in closed form.
@Suite struct FunctionalsTests {
    /// Evaluates `functionals` of the single descriptor `x` (frames `step` seconds apart).
    static func evaluate(_ x: [Float], _ functionals: [Functional], selection: FrameSelection = .all,
                         step: Double = 0.01) -> (values: [Double], short: Int) {
        let specs = functionals.map { FunctionalSpec(name: $0.suffix, descriptor: "x", selection: selection, functional: $0) }
        let f = SegmentFunctionals(specs: specs, columnIndex: ["x": 0])
        for v in x { withUnsafePointer(to: v) { f.add($0) } }
        var out = [Float](repeating: .nan, count: specs.count)
        let short = out.withUnsafeMutableBufferPointer { f.finish(frameStep: step, into: $0.baseAddress!) }
        return (out.map(Double.init), short)
    }

    @Test("the engine by column names: a mean of [1, 2, 3] is 2, a masked column counts only its marked frames")
    func byColumnNames() {
        let specs = [FunctionalSpec(name: "x_amean", descriptor: "x", functional: .mean),
                     FunctionalSpec(name: "y_amean", descriptor: "y", functional: .mean, frameMask: "m")]
        let f = SegmentFunctionals(specs: specs, columns: ["m", "x", "y"])
        for row: [Float] in [[1, 1, 10], [0, 2, 1000], [1, 3, 20]] { row.withUnsafeBufferPointer { f.add($0.baseAddress!) } }
        #expect(f.frameCount == 3)
        var out = [Float](repeating: .nan, count: 2)
        let short = out.withUnsafeMutableBufferPointer { f.finish(frameStep: 0.01, into: $0.baseAddress!) }
        #expect(out == [2, 15] && short == 0)
        f.reset()
        #expect(f.frameCount == 0)
    }

    @Test("percentiles of a ramp are its values at p(n-1), interpolated; the range is their difference")
    func rampPercentiles() {
        let ramp = (0...100).map { Float($0) }.shuffled()
        let v = Self.evaluate(ramp, [.percentile(0.2), .percentile(0.5), .percentile(0.8), .percentileRange(0.2, 0.8),
                                     .percentile(0.255), .mean, .stddev]).values
        #expect(v[0] == 20 && v[1] == 50 && v[2] == 80 && v[3] == 60)
        #expect(abs(v[4] - 25.5) < 1e-4)
        #expect(v[5] == 50)
        // Population standard deviation of 0...100: sqrt((101^2 - 1) / 12).
        #expect(abs(v[6] - ((101.0 * 101 - 1) / 12).squareRoot()) < 1e-3)
    }

    @Test("the percentile sort orders like the standard sort: random, few distinct, signed zeros, presorted, reversed")
    func percentileSort() {
        var generator = SplitMix(seed: 7)
        func random(_ n: Int, distinct: Int) -> [Float] {
            (0..<n).map { _ in Float(Int(generator.next() % UInt64(distinct)) - distinct / 2) * 0.25 }
        }
        var cases: [[Float]] = [[], [1], [2, 1]]
        for n in [5, 17, 18, 100, 1000, 5000] {
            cases += [random(n, distinct: 1 << 20), random(n, distinct: 3), (0..<n).map { Float($0) },
                      (0..<n).map { Float(n - $0) }, [Float](repeating: 4, count: n),
                      (0..<n).map { $0 % 2 == 0 ? Float(-0.0) : Float(0) }]
        }
        for values in cases {
            var sorted = values
            Percentiles.sort(&sorted)
            let expected = values.sorted()
            // Equal up to the places of -0 and +0, which compare equal.
            #expect(sorted == expected, "n = \(values.count)")
            #expect(sorted.map { $0 == 0 ? 0 : $0.bitPattern } == expected.map { $0 == 0 ? 0 : $0.bitPattern })
        }
        var withNaN: [Float] = [3, .nan, 1]
        Percentiles.sort(&withNaN)
        #expect(withNaN.count == 3)
    }

    @Test("arranging for a few ranks puts at each of them the value a full sort puts there, on the same cases and on contours built to strain the buckets")
    func percentileArrange() {
        var generator = SplitMix(seed: 11)
        func random(_ n: Int, distinct: Int) -> [Float] {
            (0..<n).map { _ in Float(Int(generator.next() % UInt64(distinct)) - distinct / 2) * 0.25 }
        }
        var cases: [[Float]] = [[1], [2, 1], [3, 1, 2]]
        for n in [5, 17, 18, 31, 32, 33, 100, 1000, 5000] {
            cases += [random(n, distinct: 1 << 20), random(n, distinct: 3), (0..<n).map { Float($0) },
                      (0..<n).map { Float(n - $0) }, [Float](repeating: 4, count: n)]
            // For the bucket selection: nearly all values in one bucket beside one far outlier; zeros of both
            // signs among negatives. For its fallback to the quickselect: a spread beyond Float's range; steps
            // of the smallest normal (a spread too small to divide).
            cases.append((0..<n).map { i -> Float in i == n / 2 ? 1e30 : Float(i % 7) })
            cases.append((0..<n).map { i -> Float in
                switch i % 3 {
                case 0: return -0.0
                case 1: return 0
                default: return -Float(i)
                }
            })
            cases.append((0..<n).map { i -> Float in i % 2 == 0 ? -.greatestFiniteMagnitude : .greatestFiniteMagnitude })
            cases.append((0..<n).map { Float.leastNormalMagnitude * Float($0 % 5) })
        }
        for values in cases {
            let expected = values.sorted(), n = values.count
            // The ranks of eGeMAPS's percentiles (20, 50, 80 %) and of 1 % / 99 %, plus two at random.
            var ranks: [Int] = []
            for p in [0.01, 0.2, 0.5, 0.8, 0.99] {
                let (lower, upper) = Percentiles.ranks(p, count: n)
                ranks += [lower, upper]
            }
            ranks += [Int(generator.next() % UInt64(n)), Int(generator.next() % UInt64(n))]
            var arranged = values
            Percentiles.arrange(&arranged, ranks: ranks)
            for r in ranks { #expect(arranged[r] == expected[r], "rank \(r) of \(n)") }
        }
    }

    @Test("a contour buffer gives back its values in order, all or the non-zero ones, across blocks and after reuse")
    func contourBuffer() {
        var buffer = ContourBuffer()
        defer { buffer.deallocate() }
        for length in [0, 1, 255, 256, 257, 4352, 4353, 70_000, 3] {  // 70 000 span 19 blocks, more than the 16 kept
            buffer.removeAll()
            let values = (0..<length).map { $0 % 7 == 0 ? 0 : Float($0) * 0.5 }
            for x in values { buffer.append(x) }
            var all: [Float] = [1, 2], nonZero: [Float] = []
            buffer.copy(into: &all, nonZeroOnly: false)
            buffer.copy(into: &nonZero, nonZeroOnly: true)
            #expect(buffer.count == length && all == values && nonZero == values.filter { $0 != 0 }, "\(length)")
        }
    }

    @Test("rising and falling slopes of a triangle wave, in units per second, and its peaks per second")
    func triangleSlopes() {
        // Rises 0 -> 10 over 10 frames, falls back over 20 frames; 5 periods of 0.3 s, then the start of a
        // sixth rise (so the end-of-contour step is a rising one at the same slope).
        var x: [Float] = []
        for _ in 0..<5 {
            x += (0..<10).map { Float($0) }
            x += (0..<20).map { 10 - Float($0) * 0.5 }
        }
        x += [0, 1, 2, 3]
        let v = Self.evaluate(x, [.meanRisingSlope, .stddevRisingSlope, .meanFallingSlope, .stddevFallingSlope,
                                  .peaksPerSecond]).values
        #expect(abs(v[0] - 100) < 1e-3, "10 units in 0.10 s")
        #expect(abs(v[1]) < 1e-3)
        #expect(abs(v[2] - 50) < 1e-3, "10 units in 0.20 s")
        #expect(abs(v[3]) < 1e-3)
        #expect(abs(v[4] - 5 / (Double(x.count) * 0.01)) < 1e-6)
    }

    @Test("peaks of a known envelope: a 2 Hz raised sine over 3 s has 6 peaks, small ripples are ignored")
    func envelopePeaks() {
        let x = (0..<300).map { i -> Float in
            let t = Double(i) * 0.01
            return Float(1.2 + sin(2 * .pi * 2 * t - .pi / 2) + 0.02 * sin(2 * .pi * 23 * t))
        }
        let v = Self.evaluate(x, [.peaksPerSecond]).values
        #expect(abs(v[0] - 2) < 1e-6)
    }

    @Test("voiced and unvoiced segments of a known voicing pattern, with openSMILE's hysteresis and lengths")
    func voicingRuns() {
        let pattern: [(Bool, Int)] = [(false, 2), (true, 5), (false, 3), (true, 10), (false, 4), (true, 6), (false, 7)]
        let x = pattern.flatMap { voiced, n in [Float](repeating: voiced ? 30 : 0, count: n) }
        let v = Self.evaluate(x, [.nonZeroRunsPerSecond, .nonZeroRunLengthMean, .nonZeroRunLengthStddev,
                                  .zeroRunLengthMean, .zeroRunLengthStddev]).values
        // Voiced segments of 5, 10 and 6 frames measure 4, 9 and 5 frames (last - first).
        #expect(abs(v[0] - 3 / 0.37) < 1e-4)
        #expect(abs(v[1] - 0.06) < 1e-6)
        #expect(abs(v[2] - (14.0 / 3).squareRoot() * 0.01) < 1e-6)
        // Unvoiced segments: the 2 leading frames are too few (3 needed); 3, 4 and the trailing 7 measure 2, 3, 6.
        #expect(abs(v[3] - 0.11 / 3) < 1e-6)
        let mean = 11.0 / 3, deviation = ([2.0, 3, 6].map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 3).squareRoot()
        #expect(abs(v[4] - deviation * 0.01) < 1e-6)
        // A single unvoiced frame inside a voiced stretch is bridged: one segment spanning frames 0...5.
        let bridged = Self.evaluate([30, 30, 30, 0, 30, 30, 0, 0], [.nonZeroRunsPerSecond, .nonZeroRunLengthMean]).values
        #expect(abs(bridged[0] - 1 / 0.08) < 1e-4 && abs(bridged[1] - 0.05) < 1e-6)
    }

    @Test("voiced-only statistics skip zero frames; stddevNorm keeps the sign of the mean")
    func nonZeroSelection() {
        let x: [Float] = [0, -2, 0, -4, 0, -6, 0]
        let v = Self.evaluate(x, [.mean, .stddevNorm], selection: .nonZero).values
        #expect(v[0] == -4)
        #expect(abs(v[1] - (-(8.0 / 3).squareRoot() / 4)) < 1e-6)
    }

    @Test("equivalent sound level is 10 log10 of the mean energy; the regression slope is per second")
    func levelAndSlope() {
        let v = Self.evaluate([0.01, 0.03, 0.02], [.equivalentSoundLevel]).values
        #expect(abs(v[0] - (-20 + 10 * log10(2.0))) < 1e-4)
        let ramp = (0..<50).map { Float($0) * 0.5 }
        #expect(abs(Self.evaluate(ramp, [.regressionSlope]).values[0] - 50) < 1e-3)
    }

    @Test("a frame mask leaves its 0 frames out of the masked descriptor only: its values, durations and runs are those of the unmasked frames alone")
    func frameMask() {
        // Column 0: the descriptor; column 1: the mask, 0 in the 4 trailing unvoiced frames.
        let x: [Float] = [0, 0, 0, 5, 6, 5, 7, 0, 0, 0, 4, 5, 6, 0, 0, 0, 0, 0, 0, 0]
        let kept = 16
        let functionals: [Functional] = [.nonZeroRunsPerSecond, .zeroRunLengthMean, .mean, .percentile(0.5),
                                         .peaksPerSecond, .regressionSlope]
        var specs = functionals.map { FunctionalSpec(name: "m_" + $0.suffix, descriptor: "x", functional: $0, frameMask: "mask") }
        specs += functionals.map { FunctionalSpec(name: $0.suffix, descriptor: "x", functional: $0) }
        let f = SegmentFunctionals(specs: specs, columnIndex: ["x": 0, "mask": 1])
        for (i, v) in x.enumerated() { [v, i < kept ? 1 : 0].withUnsafeBufferPointer { f.add($0.baseAddress!) } }
        var out = [Float](repeating: .nan, count: specs.count)
        _ = out.withUnsafeMutableBufferPointer { f.finish(frameStep: 0.01, into: $0.baseAddress!) }
        let n = functionals.count
        let truncated = Self.evaluate(Array(x.prefix(kept)), functionals).values
        let whole = Self.evaluate(x, functionals).values
        #expect(out[0..<n].map(Double.init) == truncated.map { Double(Float($0)) })
        #expect(out[n...].map(Double.init) == whole.map { Double(Float($0)) })
        // Each of these moves when the trailing unvoiced frames count.
        for i in [0, 1, 2, 4] { #expect(truncated[i] != whole[i], "\(functionals[i])") }
    }

    @Test("a segment too short for a functional gets its documented empty value and counts a warning")
    func tooShort() {
        let (v, short) = Self.evaluate([], [.mean, .stddevNorm, .percentile(0.5), .meanRisingSlope, .equivalentSoundLevel])
        #expect(v == [0, 0, 0, 0, -120])
        #expect(short == 5)
        let (w, shortOne) = Self.evaluate([3], [.mean, .stddev])
        #expect(w == [3, 0] && shortOne == 1)
    }

    @Test("fixed windows: each frame goes to every window holding its centre; the last window is clipped")
    func windows() throws {
        var options = FeatureExtractionOptions(sets: [.energy], preset: .kaldi)
        options.sets = [.energy]
        let extractor = SegmentFeatureExtractor(options: SegmentExtractionOptions(
            frames: options, segmentation: .windows(length: 1, hop: 0.5)))
        var rows: [(Double, Double)] = []
        let summary = try extractor.process(path: Fixture.audio("tone-440-16k.wav")) { rows.append(($0.start, $0.end)) }
        let duration = Double(summary.extraction.samples) / 16000
        let expected = Int(((duration - 1) / 0.5).rounded(.up)) + 1
        #expect(rows.count == expected)
        #expect(rows.first! == (0, 1))
        #expect(rows.last!.1 == duration)
        #expect(extractor.columns.first == "rms_amean")
    }

    @Test("fixed windows whose bounds fall on frame centres (eGeMAPS's 20 ms frames, librosa's centred ones): each frame is in exactly the windows holding its centre")
    func windowsOnFrameCentres() throws {
        let path = Fixture.audio("speech-en.wav")
        for (frames, column, mean) in [(FeatureExtractionOptions(sets: [.egemaps], preset: .kaldi), "Loudness_sma3", "loudness_sma3_amean"),
                                       (FeatureExtractionOptions(sets: [.energy], preset: .librosa), "rms", "rms_amean")] {
            // (length, hop) in ms, so that bounds and centres compare exactly as integers (half samples at 16 kHz).
            for (length, hop) in [(10, 10), (20, 20), (70, 70), (100, 100), (300, 300), (1100, 1100), (50, 20), (500, 250)] {
                let extractor = SegmentFeatureExtractor(options: SegmentExtractionOptions(
                    frames: frames, segmentation: .windows(length: Double(length) / 1000, hop: Double(hop) / 1000)))
                let c = try #require(extractor.frameColumns.firstIndex(of: column)), m = try #require(extractor.columns.firstIndex(of: mean))
                let grid = frames.frame
                var centres: [(Int, Double)] = [], means: [(Int, Float)] = []
                try extractor.process(path: path, frames: { centres.append((2 * grid.frameStart($0.index) + grid.frameLength, Double($0.values[c]))) }) {
                    means.append(($0.index, $0.values[m]))
                }
                #expect(means.count > 3)
                for (k, value) in means {
                    let low = 32 * k * hop, high = low + 32 * length  // half samples
                    let inside = centres.filter { $0.0 >= low && $0.0 < high }.map(\.1)
                    let expected = inside.isEmpty ? 0 : inside.reduce(0, +) / Double(inside.count)
                    #expect(abs(Double(value) - expected) <= 1e-5 * max(1, abs(expected)), "\(column), \(length)/\(hop) ms, window \(k)")
                }
            }
        }
    }

    @Test("a hop longer than the window: no window starts at or after the end of the signal")
    func sparseWindows() throws {
        let extractor = SegmentFeatureExtractor(options: SegmentExtractionOptions(
            frames: FeatureExtractionOptions(sets: [.energy], preset: .kaldi), segmentation: .windows(length: 1, hop: 2)))
        let samples = (0..<56_000).map { Float(sin(Double($0) * 0.05)) * 0.3 }  // 3.5 s
        var rows: [(Double, Double)] = []
        try extractor.process(samples: samples, sampleRate: 16_000) { rows.append(($0.start, $0.end)) }
        #expect(rows.map(\.0) == [0, 2] && rows.map(\.1) == [1, 3])
        // 2.1 / 0.3 rounds to 7.000…01: still 7 windows, the last starting at 1.8 s.
        let rounding = SegmentFeatureExtractor(options: SegmentExtractionOptions(
            frames: FeatureExtractionOptions(sets: [.energy], preset: .kaldi), segmentation: .windows(length: 0.1, hop: 0.3)))
        var starts: [Double] = []
        try rounding.process(samples: Array(samples.prefix(33_600)), sampleRate: 16_000) { starts.append($0.start) }
        #expect(starts.count == 7 && starts.last! < 2.1, "\(starts)")
    }

    @Test("voice-activity regions of centred (librosa) frames are clipped to the signal")
    func centredRegionsClipped() throws {
        let extractor = SegmentFeatureExtractor(options: SegmentExtractionOptions(
            frames: FeatureExtractionOptions(sets: [.mfcc], preset: .librosa), segmentation: .voiceActivity(VoiceActivityOptions())))
        // A 100 Hz square wave voiced from the first sample to the last: 1 s, and 9.99 s, whose region is cut
        // at the 10 s maximum while the file is still being read.
        for count in [16_000, 159_840] {
            let samples = (0..<count).map { Float(($0 / 80) % 2 == 0 ? 0.5 : -0.5) }
            let duration = Double(count) / 16_000
            var rows: [(Double, Double)] = []
            try extractor.process(samples: samples, sampleRate: 16_000) { rows.append(($0.start, $0.end)) }
            #expect(!rows.isEmpty)
            #expect(rows.first!.0 == 0 && rows.last!.1 == duration, "\(rows)")
            for (start, end) in rows { #expect(start >= 0 && end <= duration && start < end) }
        }
    }

    @Test("voice-activity regions never exceed the maximum length, also when it falls in a pause inside speech")
    func speechRegionsAreBounded() throws {
        // 100 frames per second: speech for 9.95 s, a 0.2 s unvoiced gap (shorter than the 0.3 s pause that
        // ends a region), speech again for 5 s, then silence.
        var options = VoiceActivityOptions()
        options.padding = 0
        let detector = SpeechDetector(options: options, columns: ["f0_hz": 0, "rms": 1], frameStep: 0.01)
        detector.reset(width: 2)
        var regions: [(Int, Int)] = []
        func voiced(_ i: Int) -> Bool { i < 995 || (1015..<1515).contains(i) }
        for i in 0..<1600 {
            let row: [Float] = [voiced(i) ? 120 : 0, 0.1]
            row.withUnsafeBufferPointer { detector.add($0.baseAddress!, index: i) { regions.append(($0, $1)) } }
        }
        detector.finish { regions.append(($0, $1)) }
        // The 10 s mark falls in the gap: the region ends where its speech did, and the next speech opens one.
        #expect(regions.count == 2, "\(regions)")
        #expect(regions.allSatisfy { $0.1 - $0.0 <= 1000 }, "\(regions)")
        #expect(regions.first.map { $0 == (0, 995) } == true, "\(regions)")
        #expect(regions.last.map { $0 == (1015, 1515) } == true, "\(regions)")

        // Cut in speech, the next piece goes on from the cut: 25 s of speech in pieces of 10, 10 and 5 s.
        detector.reset(width: 2)
        regions = []
        for i in 0..<2600 {
            let row: [Float] = [i < 2500 ? 120 : 0, 0.1]
            row.withUnsafeBufferPointer { detector.add($0.baseAddress!, index: i) { regions.append(($0, $1)) } }
        }
        detector.finish { regions.append(($0, $1)) }
        #expect(regions.map { [$0.0, $0.1] } == [[0, 1000], [1000, 2000], [2000, 2500]], "\(regions)")
    }

    @Test("voice-activity segments cover the spoken clip's speech and nothing of a silent file")
    func voiceActivity() throws {
        let options = FeatureExtractionOptions(sets: [.mfcc], preset: .kaldi)
        let extractor = SegmentFeatureExtractor(options: SegmentExtractionOptions(
            frames: options, segmentation: .voiceActivity(VoiceActivityOptions())))
        var speech: [(Double, Double)] = []
        try extractor.process(path: Fixture.audio("speech-en.wav")) { speech.append(($0.start, $0.end)) }
        #expect(!speech.isEmpty)
        for (start, end) in speech { #expect(end - start >= 0.25 && end - start <= 10.01) }
        var silent = 0
        try extractor.process(path: Fixture.audio("silence-16k.wav")) { _ in silent += 1 }
        #expect(silent == 0)
    }
}

/// Deterministic test numbers (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
