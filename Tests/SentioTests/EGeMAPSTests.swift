import Foundation
import Testing
@testable import Sentio

/// The eGeMAPS set against openSMILE eGeMAPSv02's names and values (Fixtures/reference/egemaps, written by
/// Scripts/reference/make_egemaps_reference.py).
@Suite struct EGeMAPSTests {
    static let referenceFolder = Fixture.root.appendingPathComponent("Fixtures/reference/egemaps")

    static func lines(_ name: String) throws -> [String] {
        try String(contentsOf: referenceFolder.appendingPathComponent(name), encoding: .utf8)
            .split(separator: "\n").map(String.init)
    }

    @Test("the 88 functionals and 25 low-level descriptors carry openSMILE's exact names, in its order")
    func names() throws {
        let functionalNames = try Self.lines("functional-names.txt"), lldNames = try Self.lines("lld-names.txt")
        #expect(EGeMAPS.functionals.map(\.name) == functionalNames)
        #expect(EGeMAPS.lowLevelDescriptors == lldNames)
        let frames = FeatureExtractor(options: FeatureExtractionOptions(sets: [.egemaps], preset: .kaldi))
        #expect(frames.columns == EGeMAPS.lowLevelDescriptors)
    }

    @Test("frame by frame, loudness, spectral balance, flux and MFCC 1-4 are openSMILE's to float rounding")
    func spectralFramesMatch() throws {
        let rows = try Self.lines("lld-spectral.csv")
        let names = rows[0].split(separator: ",").map(String.init)
        let reference = rows.dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
        let extractor = FeatureExtractor(options: FeatureExtractionOptions(sets: [.egemaps], preset: .kaldi))
        let columns = try names.map { name in try #require(extractor.columns.firstIndex(of: name)) }
        var ours: [[Double]] = []
        try extractor.process(path: Fixture.audio("speech-en.wav")) { row in ours.append(columns.map { Double(row.values[$0]) }) }
        // openSMILE's rows stop with its 60 ms frames and its last row is a copy: compare the rows before it.
        #expect(ours.count >= reference.count - 1 && reference.count > 400)
        var worst = 0.0, at = ""
        for t in 0..<(reference.count - 1) {
            for (c, name) in names.enumerated() {
                let error = abs(ours[t][c] - reference[t][c]) / max(1, abs(reference[t][c]))
                if error > worst { worst = error; at = "\(name) row \(t): Sentio \(ours[t][c]), openSMILE \(reference[t][c])" }
            }
        }
        #expect(worst < 2e-4, "\(at)")
    }

    @Test("frame by frame, voicing, F0, jitter, shimmer, HNR and the harmonic differences are openSMILE's",
          arguments: ["speech-en.wav", "speech-en-2.wav", "speech-en-3.wav"])
    func voiceFramesMatch(clip: String) throws {
        let rows = try Self.lines("lld-voice.csv")
        let names = rows[0].split(separator: ",").dropFirst().map(String.init)
        let reference = rows.dropFirst().filter { $0.hasPrefix(clip + ",") }
            .map { $0.split(separator: ",").dropFirst().map { Double($0)! } }
        let extractor = FeatureExtractor(options: FeatureExtractionOptions(sets: [.egemaps], preset: .kaldi))
        let columns = try names.map { name in try #require(extractor.columns.firstIndex(of: name)) }
        var ours: [[Double]] = []
        try extractor.process(path: Fixture.audio(clip)) { row in ours.append(columns.map { Double(row.values[$0]) }) }
        // openSMILE has a row per 60 ms frame plus one; the last is an end-of-input artefact (voice.md §5).
        let count = reference.count - 1
        #expect(count > 200 && ours.count >= count)
        var voicingDiffers = 0, voicedBoth = 0, valuesOff = 0, worst = ""
        for t in 0..<count {
            let theirs = reference[t], mine = ours[t]
            if (theirs[0] != 0) != (mine[0] != 0) { voicingDiffers += 1; continue }
            guard theirs[0] != 0 else { continue }
            voicedBoth += 1
            for c in names.indices where abs(mine[c] - theirs[c]) > 1e-3 * max(1, abs(theirs[c])) {
                valuesOff += 1
                worst = "\(names[c]) row \(t): Sentio \(mine[c]), openSMILE \(theirs[c])"
            }
        }
        // The same algorithm on FFTW's spectrum instead of openSMILE's: an ulp apart, which can flip a decision
        // at an exact tie (about once in 10⁴ frames on EmoDB) and then the frames the smoothing mixes it into.
        #expect(voicedBoth > 100)
        #expect(voicingDiffers <= count / 100, "\(voicingDiffers) of \(count) frames differ in voicing")
        #expect(valuesOff <= voicedBoth * names.count / 100, "\(valuesOff) values off, e.g. \(worst)")
    }

    @Test("file-level values of the spectral, cepstral, level and voice functionals agree with openSMILE on speech",
          arguments: ["speech-en.wav", "speech-en-2.wav", "speech-en-3.wav"])
    func valuesAgree(clip: String) throws {
        let rows = try Self.lines("functionals.csv")
        let header = rows[0].split(separator: ",").map(String.init)
        let row = try #require(rows.first { $0.hasPrefix(clip + ",") }).split(separator: ",").map(String.init)
        var reference: [String: Double] = [:]
        for (name, value) in zip(header.dropFirst(), row.dropFirst()) { reference[name] = Double(value) }

        let extractor = SegmentFeatureExtractor(options: SegmentExtractionOptions(
            frames: FeatureExtractionOptions(sets: [.egemaps], preset: .kaldi)))
        var values: [String: Double] = [:]
        try extractor.process(path: Fixture.audio(clip)) { r in
            for (name, v) in zip(extractor.columns, r.values) { values[name] = Double(v) }
        }
        // The spectral, cepstral and level descriptors are openSMILE's computation on openSMILE's frames: they
        // agree to float rounding (1e-3, relative above 1), even the stddev/mean ratios of near-zero means.
        let exact = ["mfcc1_sma3_amean", "mfcc2_sma3_amean", "mfcc3_sma3_amean", "mfcc4_sma3_amean",
                     "mfcc1_sma3_stddevNorm", "mfcc2_sma3_stddevNorm", "mfcc3_sma3_stddevNorm", "mfcc4_sma3_stddevNorm",
                     "loudness_sma3_amean", "loudness_sma3_percentile50.0", "loudness_sma3_meanRisingSlope",
                     "loudness_sma3_stddevNorm", "spectralFlux_sma3_amean", "equivalentSoundLevel_dBp", "loudnessPeaksPerSec"]
        for name in exact {
            let ours = try #require(values[name]), theirs = try #require(reference[name])
            #expect(abs(ours - theirs) <= 1e-3 * max(1, abs(theirs)), "\(name): Sentio \(ours), openSMILE \(theirs)")
        }
        // The voice-source and voiced-only functionals follow openSMILE's algorithms on FFTW's spectrum; the
        // formants' order-11 LPC on 220 samples amplifies float rounding (docs/opensmile-egemaps/formants.md).
        let close = ["F0semitoneFrom27.5Hz_sma3nz_amean", "F0semitoneFrom27.5Hz_sma3nz_stddevNorm",
                     "F0semitoneFrom27.5Hz_sma3nz_percentile50.0", "F0semitoneFrom27.5Hz_sma3nz_meanRisingSlope",
                     "F0semitoneFrom27.5Hz_sma3nz_meanFallingSlope", "jitterLocal_sma3nz_amean",
                     "shimmerLocaldB_sma3nz_amean", "HNRdBACF_sma3nz_amean", "logRelF0-H1-H2_sma3nz_amean",
                     "hammarbergIndexV_sma3nz_amean", "alphaRatioV_sma3nz_amean", "slopeV0-500_sma3nz_amean",
                     "MeanVoicedSegmentLengthSec",
                     // openSMILE's voice rows end one before its last complete 60 ms frame, and so do these
                     // (EGeMAPSOptions.openSMILEVoiceRows); the grid's extra rows had moved them by 1-8 %.
                     "VoicedSegmentsPerSec", "MeanUnvoicedSegmentLength", "StddevUnvoicedSegmentLength",
                     "alphaRatioUV_sma3nz_amean", "spectralFluxUV_sma3nz_amean", "F1amplitudeLogRelF0_sma3nz_amean"]
        for name in close {
            let ours = try #require(values[name]), theirs = try #require(reference[name])
            #expect(abs(ours - theirs) <= 1e-2 * max(1, abs(theirs)), "\(name): Sentio \(ours), openSMILE \(theirs)")
        }
        let allFinite = values.values.allSatisfy { $0.isFinite }
        #expect(allFinite)
        // Every one of the 88, formants included: the order-11 LPC amplifies float rounding, up to 1.6 % in
        // the F2 bandwidths of these clips; everything else is within 0.8 %.
        #expect(reference.count == 88 && values.count == 88)
        for (name, theirs) in reference {
            let ours = try #require(values[name], "\(name)")
            #expect(abs(ours - theirs) <= 3e-2 * max(1, abs(theirs)), "\(name): Sentio \(ours), openSMILE \(theirs)")
        }
    }

    @Test("eGeMAPS rows are identical whatever the decode chunk size, and openSMILE's voice rows are the first ⌊(N − 960) / 160⌋",
          arguments: [[FeatureSet.egemaps], [.egemaps, .mfcc]])
    func chunkInvarianceAndVoiceRows(sets: [FeatureSet]) throws {
        func rows(_ chunk: Int) throws -> (rows: [[Float]], samples: Int) {
            let extractor = FeatureExtractor(options: FeatureExtractionOptions(sets: sets, preset: .kaldi),
                                             readOptions: AudioReadOptions(chunkFrames: chunk), includeInternal: true)
            var out: [[Float]] = []
            let summary = try extractor.process(path: Fixture.audio("speech-en-2.wav")) { out.append(Array($0.values)) }
            return (out, summary.samples)
        }
        let whole = try rows(1 << 20)
        for chunk in [1, 777, 4096] { #expect(try rows(chunk).rows == whole.rows, "chunk \(chunk)") }
        let extractor = FeatureExtractor(options: FeatureExtractionOptions(sets: sets, preset: .kaldi), includeInternal: true)
        let mark = try #require(extractor.columns.firstIndex(of: EGeMAPSFeature.rowColumn))
        let marks = whole.rows.map { $0[mark] }
        let voiceRows = (whole.samples - 960) / 160
        #expect(marks.count > voiceRows + 2)
        #expect(marks == [Float](repeating: 1, count: voiceRows) + [Float](repeating: 0, count: marks.count - voiceRows))
    }

    @Test("subharmonic summation puts a harmonic complex's fundamental first, with voicing above openSMILE's 0.7")
    func subharmonicSummationFindsTheFundamental() {
        let n = 960, size = 1024, rate = 16000.0
        let fft = RealFFT(size: size)
        let half = Double(n - 1) / 2
        for f0 in [110.0, 150.0, 240.0] {
            for i in 0..<size { fft.input[i] = 0 }
            for i in 0..<n {
                var x = 0.0
                for h in 1...10 { x += sin(2 * Double.pi * Double(h) * f0 * Double(i) / rate) / Double(h) }
                fft.input[i] = Float(0.1 * x * exp(-0.5 * pow((Double(i) - half) / (0.4 * half), 2)))
            }
            fft.transform()
            var magnitude = [Float](repeating: 0, count: fft.binCount)
            fft.magnitudeSpectrum(into: &magnitude)
            let shs = SubharmonicSummation(fftSize: size, sampleRate: rate)
            var frequency = [Float](repeating: 0, count: 6), voicing = [Float](repeating: 0, count: 6)
            shs.candidates(magnitude: magnitude, frequency: &frequency, voicing: &voicing)
            #expect(abs(Double(frequency[0]) / f0 - 1) < 0.01, "F0 \(f0): first candidate \(frequency[0]) Hz")
            #expect(voicing[0] > 0.7, "F0 \(f0): voicing \(voicing[0])")
        }
    }

    @Test("period matching: a constant period gives jitter 0; amplitudes alternating 1 : 0.8 give 20 log10(1 + 0.2 / 0.9) dB shimmer")
    func periodPerturbationOfAKnownWaveform() {
        let period = 100, rate = 16000.0
        var samples: [Float] = []
        for p in 0..<80 {
            let amplitude: Float = p % 2 == 0 ? 0.3 : 0.24
            for i in 0..<period { samples.append(amplitude * Float(sin(2 * Double.pi * Double(i) / Double(period)))) }
        }
        let history = SampleHistory()
        samples.withUnsafeBufferPointer { history.append($0) }
        let perturbation = PeriodPerturbation(frameLength: 960, hop: 160, sampleRate: rate)
        let expected = Float(20 * log10(1 + 0.2 / 0.9))
        let frames = (samples.count - 960) / 160 + 1
        for t in 0..<frames {
            let (jitter, shimmer) = perturbation.measure(frame: t, f0: Float(rate) / Float(period), samples: history)
            #expect(jitter < 1e-4, "frame \(t): jitter \(jitter)")
            #expect(abs(shimmer - expected) < 1e-3, "frame \(t): shimmer \(shimmer) dB, expected \(expected)")
        }
        // An unvoiced frame gives 0 for both.
        let unvoiced = perturbation.measure(frame: frames, f0: 0, samples: history)
        #expect(unvoiced.jitter == 0 && unvoiced.shimmer == 0)
    }

    @Test("sma3 averages the frame with its neighbours; sma3nz keeps zeros and averages only non-zero neighbours; the last voice row is the voice descriptors' edge")
    func smoothingRows() {
        let lld = EGeMAPS.lowLevelDescriptors.count, raw = lld + EGeMAPS.gatedColumns.count
        let voicing = raw + EGeMAPSFeature.voicingIndex, mark = raw + EGeMAPSFeature.rowIndex
        let width = raw + EGeMAPSFeature.columns.count
        let loudness: [Float] = [1, 4, 7, 0, 10, 13], f0: [Float] = [0, 30, 33, 0, 36, 39]
        var rows = (0..<6).map { t -> [Float] in
            var row = [Float](repeating: 0, count: width)
            row[raw] = loudness[t]
            row[raw + 10] = f0[t]         // F0, the first voice descriptor
            row[voicing] = f0[t]
            row[mark] = t < 5 ? 1 : 0     // the last row is past openSMILE's voice rows
            return row
        }
        let stage = EGeMAPSSmoothing(offset: 0)
        for t in 0..<6 {
            rows.withUnsafeMutableBufferPointer { all in
                stage.finish(row: t) { i in all[min(max(i, 0), 5)].withUnsafeMutableBufferPointer { $0.baseAddress! } }
            }
        }
        let expectedLoudness: [Float] = [2, 4, Float(11) / 3, Float(17) / 3, Float(23) / 3, 12]
        #expect(rows.map { $0[0] } == expectedLoudness)
        // sma3nz: zeros stay; row 1 averages itself and row 2 (row 0 is 0); row 4 ignores row 5, past the
        // voice rows (it would give 37.5), while the grid's loudness (sma3) uses it; row 5 (whose voice values
        // the functionals never read) is smoothed as any row: (36 + 39 + 39) / 3.
        let expectedF0: [Float] = [0, 31.5, 31.5, 0, 36, 38]
        #expect(rows.map { $0[10] } == expectedF0)
    }

    @Test("on a tone, the smoothed F0 is the tone's in every voiced row and 0 in the silence after it")
    func smoothing() throws {
        // A 220 Hz tone is voiced throughout except where the pitch window reaches past the edges.
        let tone = DescriptorTests.tone(220, seconds: 0.5, amplitude: 0.3)
        let values = try DescriptorTests.extract(tone + [Float](repeating: 0, count: 8000), [.egemaps], .kaldi)
        let f0 = try #require(values["F0semitoneFrom27.5Hz_sma3nz"])
        let expected = Float(12 * log2(220 / 27.5))
        let voiced = f0.filter { $0 != 0 }
        #expect(voiced.count > 30)
        for v in voiced { #expect(abs(v - expected) < 0.1) }
        #expect(f0.suffix(20).allSatisfy { $0 == 0 }, "silence stays 0 after smoothing")
    }
}
