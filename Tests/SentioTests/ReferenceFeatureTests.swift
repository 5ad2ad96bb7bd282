import Foundation
import Testing
@testable import Sentio

/// Sentio's numbers against stored outputs of the reference tools (Scripts/reference/make_reference.py):
/// kaldi-native-fbank for the Kaldi preset, librosa for the librosa preset.
@Suite struct ReferenceFeatureTests {
    static let clips = ["speech-en", "speech-en-2", "speech-en-3", "chirp-16k", "noise-16k"]

    /// Extracts `sets` with `preset` from a fixture clip; returns the rows and column names.
    static func extract(_ clip: String, _ sets: [FeatureSet], _ preset: FeaturePreset) throws -> ([[Float]], [String]) {
        let extractor = FeatureExtractor(options: FeatureExtractionOptions(sets: sets, preset: preset))
        var rows: [[Float]] = []
        try extractor.process(path: Fixture.audio("\(clip).wav")) { rows.append(Array($0.values)) }
        return (rows, extractor.columns)
    }

    static func reference(_ clip: String, _ name: String) throws -> NpyMatrix {
        try NpyMatrix(contentsOf: Fixture.path("reference/\(clip).\(name).npy"))
    }

    /// Largest absolute difference between Sentio's columns `offset ..< offset + ref.columns` and `ref`.
    static func worstAbsolute(_ rows: [[Float]], _ ref: NpyMatrix, offset: Int = 0) -> (Float, Int, Int) {
        var worst: (Float, Int, Int) = (0, 0, 0)
        for r in 0..<min(rows.count, ref.rows) {
            for c in 0..<ref.columns {
                let d = abs(rows[r][offset + c] - ref[r, c])
                if !(d <= worst.0) { worst = (d, r, c) }
            }
        }
        return worst
    }

    @Test("Kaldi preset MFCCs match kaldi-native-fbank and a float64 Kaldi recipe within 0.01",
          arguments: ["speech-en", "speech-en-2", "speech-en-3", "noise-16k"])
    func kaldiMFCC(clip: String) throws {
        let (rows, columns) = try Self.extract(clip, [.mfcc], .kaldi)
        #expect(columns == (0..<13).map { "mfcc_\($0)" })
        for name in ["kaldi_mfcc", "kaldi_mfcc_f64"] {
            let ref = try Self.reference(clip, name)
            #expect(rows.count == ref.rows)
            let (worst, r, c) = Self.worstAbsolute(rows, ref)
            #expect(worst <= 0.01, "\(clip) vs \(name): worst |diff| \(worst) at frame \(r), coefficient \(c)")
        }
    }

    /// A pure tone leaves mel bands ~120 dB below the peak, where float32 FFT rounding noise (in Sentio and in
    /// knf alike; knf differs from the float64 recipe by 0.063 here) decides the log energy, and the lifter
    /// multiplies high coefficients by up to 12. The bound states that noise floor, not a looser recipe.
    @Test("Kaldi preset MFCCs of a pure-tone chirp stay within float32 rounding of the float64 recipe")
    func kaldiMFCCOfChirp() throws {
        let (rows, _) = try Self.extract("chirp-16k", [.mfcc], .kaldi)
        let exact = try Self.reference("chirp-16k", "kaldi_mfcc_f64")
        #expect(rows.count == exact.rows)
        let (worst, r, c) = Self.worstAbsolute(rows, exact)
        #expect(worst <= 0.15, "worst |diff| \(worst) at frame \(r), coefficient \(c)")
        // C0 is the raw log energy, computed before the FFT: no rounding floor there.
        let energy = rows.indices.map { abs(rows[$0][0] - exact[$0, 0]) }.max()!
        #expect(energy <= 1e-3, "worst |diff| of C0 (log energy): \(energy)")
    }

    @Test("librosa preset MFCCs match librosa within 0.01", arguments: clips)
    func librosaMFCC(clip: String) throws {
        let (rows, _) = try Self.extract(clip, [.mfcc], .librosa)
        let ref = try Self.reference(clip, "librosa_mfcc")
        #expect(rows.count == ref.rows)
        let (worst, r, c) = Self.worstAbsolute(rows, ref)
        #expect(worst <= 0.01, "\(clip): worst |diff| \(worst) at frame \(r), coefficient \(c)")
    }

    @Test("the log energy replaces C0 in librosa's whole-file top-dB path as in the per-frame path")
    func energyReplacesC0WithTopDB() throws {
        func c0(_ compression: MFCCOptions.LogCompression) throws -> [Float] {
            var options = FeatureExtractionOptions(sets: [.mfcc], preset: .librosa)
            options.mfcc.energyReplacesC0 = true
            options.mfcc.compression = compression
            var values: [Float] = []
            try FeatureExtractor(options: options).process(path: Fixture.audio("speech-en.wav")) { values.append($0.values[0]) }
            return values
        }
        let wholeFile = try c0(.decibel(amin: 1e-10, topDB: 80)), perFrame = try c0(.decibel(amin: 1e-10, topDB: nil))
        #expect(wholeFile.count > 100 && wholeFile == perFrame)
        #expect(wholeFile.allSatisfy { $0 != 0 })
    }

    /// `|a - b| <= 1e-3 * max(|b|, floor)`: relative agreement, with an absolute floor for values near zero
    /// (silent frames), where relative error is meaningless.
    static func checkRelative(_ clip: String, _ name: String, _ values: [Float], _ ref: NpyMatrix, floor: Float) {
        #expect(values.count == ref.rows, "\(clip) \(name): \(values.count) frames vs \(ref.rows)")
        var worst: Float = 0, at = 0
        for t in 0..<min(values.count, ref.rows) {
            let e = abs(values[t] - ref[t, 0]) / max(abs(ref[t, 0]), floor)
            if !(e <= worst) { worst = e; at = t }
        }
        #expect(worst <= 1e-3, "\(clip) \(name): worst relative error \(worst) at frame \(at)")
    }

    @Test("librosa preset spectral and temporal descriptors match librosa within 1e-3 relative", arguments: clips)
    func librosaDescriptors(clip: String) throws {
        let (rows, columns) = try Self.extract(clip, [.spectral, .energy], .librosa)
        func column(_ name: String) -> [Float] {
            let c = columns.firstIndex(of: name)!
            return rows.map { $0[c] }
        }
        // Floors: 1 Hz for frequencies, 1e-4 for flatness (in [0, 1]), 1e-5 for RMS (-100 dBFS),
        // one crossing per frame for the crossing rate.
        for (name, floor) in [("spectral_centroid", Float(1)), ("spectral_bandwidth", 1), ("spectral_rolloff", 1),
                              ("spectral_flatness", 1e-4), ("rms", 1e-5), ("zcr", 1.0 / 512)] {
            Self.checkRelative(clip, name, column(name), try Self.reference(clip, name), floor: floor)
        }
    }
}

extension Array where Element == Float {
    /// Rows of `width` values.
    func chunked(_ width: Int) -> [[Float]] {
        stride(from: 0, to: count, by: width).map { Array(self[$0..<Swift.min($0 + width, count)]) }
    }
}
