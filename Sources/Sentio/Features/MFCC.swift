#if canImport(Glibc)
import Glibc
#endif

/// Options for mel-frequency cepstral coefficients, with the reference tools' configurations as presets.
///
/// Pipeline per frame: preprocessing (``FramePreprocessingOptions``) -> FFT -> power (or magnitude)
/// spectrum -> mel filterbank -> log compression -> orthonormal DCT-II -> optional lifter -> optional
/// replacement of C0 by the frame's raw log energy.
///
/// References: S. Davis and P. Mermelstein, "Comparison of parametric representations for monosyllabic word
/// recognition in continuously spoken sentences", IEEE TASSP 28(4), 1980; Kaldi `compute-mfcc-feats`;
/// librosa `feature.mfcc`.
public struct MFCCOptions: Sendable, Hashable {
    /// How mel energies are compressed before the DCT.
    public enum LogCompression: Sendable, Hashable {
        /// `ln(max(e, floor))` (Kaldi: `floor` = FLT_EPSILON).
        case natural(floor: Float)
        /// librosa `power_to_db`: `10 log10(max(e, amin))` with `ref = 1`, then, when `topDB` is set, every value
        /// is raised to at least `max - topDB`, the maximum taken over the *whole file* (so a file's MFCCs are
        /// only final once it has been read to the end; memory then grows with file length, about 60 MB per
        /// hour at 40 bands and 100 frames/s).
        case decibel(amin: Float, topDB: Float?)
    }

    /// Spectrum fed to the filterbank.
    public enum SpectrumKind: Sendable, Hashable {
        /// `|X|^2` (Kaldi `use_power=true`, librosa `power=2`).
        case power
        /// `|X|`.
        case magnitude
    }

    /// Framing in samples at ``sampleRate``.
    public var frame: FrameOptions
    /// Per-frame preprocessing.
    public var preprocessing: FramePreprocessingOptions
    /// Filterbank.
    public var melBank: MelFilterbankOptions
    /// Spectrum fed to the filterbank.
    public var spectrum: SpectrumKind
    /// Log compression.
    public var compression: LogCompression
    /// Number of cepstral coefficients kept, C0 included.
    public var coefficientCount: Int
    /// Cepstral lifter `Q` (0 = none).
    public var lifter: Double
    /// Replace C0 with the raw log energy of the frame (Kaldi `use_energy` with `raw_energy`).
    public var energyReplacesC0: Bool
    /// Analysis sample rate in Hz.
    public var sampleRate: Double

    /// Creates options with the given values; see each property for units and meaning, and ``kaldi`` and
    /// ``librosa`` for complete configurations.
    public init(frame: FrameOptions, preprocessing: FramePreprocessingOptions, melBank: MelFilterbankOptions,
                spectrum: SpectrumKind, compression: LogCompression, coefficientCount: Int, lifter: Double,
                energyReplacesC0: Bool, sampleRate: Double) {
        self.frame = frame
        self.preprocessing = preprocessing
        self.melBank = melBank
        self.spectrum = spectrum
        self.compression = compression
        self.coefficientCount = coefficientCount
        self.lifter = lifter
        self.energyReplacesC0 = energyReplacesC0
        self.sampleRate = sampleRate
    }

    /// Kaldi `compute-mfcc-feats` defaults at 16 kHz: 25 ms frames every 10 ms with `snip_edges`, samples on
    /// the int16 scale, DC removal, pre-emphasis 0.97, povey window, 512-point FFT, power spectrum, 23 HTK-mel
    /// bands from 20 Hz to Nyquist, natural log floored at FLT_EPSILON, 13 coefficients, lifter 22, C0 replaced
    /// by the raw log energy. Dither is 0 (Kaldi's default is 1.0) so that results are reproducible;
    /// set `preprocessing.dither` to match a dithered Kaldi run statistically.
    public static let kaldi = MFCCOptions(
        frame: FrameOptions(frameLength: 400, hop: 160, edges: .snip),
        preprocessing: FramePreprocessingOptions(inputScale: 32768, removeDC: true, preemphasis: 0.97,
                                                 window: .povey, fftSize: 512),
        melBank: .kaldi, spectrum: .power, compression: .natural(floor: Float.ulpOfOne),
        coefficientCount: 13, lifter: 22, energyReplacesC0: true, sampleRate: 16_000)

    /// librosa `feature.mfcc(sr=16000, n_mfcc=13, n_fft=512, hop_length=160, win_length=400, n_mels=40)` with
    /// its defaults: centred frames with zero padding, periodic Hann window of 400 samples centred in the
    /// 512-sample frame, power spectrogram, Slaney mel with Slaney area normalisation, `power_to_db` with
    /// `ref=1, amin=1e-10, top_db=80`, orthonormal DCT-II, no lifter.
    public static let librosa = MFCCOptions(
        frame: FrameOptions(frameLength: 512, hop: 160, edges: .centered),
        preprocessing: FramePreprocessingOptions(window: .hann(periodic: true), windowLength: 400, fftSize: 512),
        melBank: .librosa(bandCount: 40), spectrum: .power, compression: .decibel(amin: 1e-10, topDB: 80),
        coefficientCount: 13, lifter: 0, energyReplacesC0: false, sampleRate: 16_000)

    /// True when coefficients depend on the whole file (librosa's `top_db`).
    public var needsWholeFile: Bool {
        if case .decibel(_, let topDB?) = compression { return topDB.isFinite }
        return false
    }
}

/// Computes MFCCs frame by frame. When the options need the whole file (librosa `top_db`), the per-frame
/// step writes the log-mel energies to internal columns and ``MFCCTopDBStage`` finishes the coefficients.
public final class MFCCFeature: FrameFeature {
    /// The MFCC configuration.
    public let options: MFCCOptions
    /// The feature's output columns, in order: the coefficients, then, when deferred, the internal log-mel
    /// columns (`_mfcc_logmel_*`).
    public let columns: [String]
    private let spectrum: FrameSpectrum
    private let bank: MelFilterbank
    private let dct: DCT
    private let lifter: CepstralLifter
    private let mel: UnsafeMutableBufferPointer<Float>
    /// Offset of the internal log-mel columns, when deferred.
    public let logMelOffset: Int?

    /// - Parameter prefix: column-name prefix, default `mfcc` (columns `mfcc_0 ... mfcc_{n-1}`).
    public init(options: MFCCOptions, spectrum: FrameSpectrum, prefix: String = "mfcc") {
        self.options = options
        self.spectrum = spectrum
        bank = MelFilterbank(options: options.melBank, fftSize: spectrum.fftSize, sampleRate: options.sampleRate)
        dct = DCT(inputCount: options.melBank.bandCount, outputCount: options.coefficientCount)
        lifter = CepstralLifter(q: options.lifter, count: options.coefficientCount)
        mel = .allocate(capacity: options.melBank.bandCount)
        mel.initialize(repeating: 0)
        var names = (0..<options.coefficientCount).map { "\(prefix)_\($0)" }
        if options.needsWholeFile {
            logMelOffset = names.count
            names += (0..<options.melBank.bandCount).map { "_\(prefix)_logmel_\($0)" }
        } else {
            logMelOffset = nil
        }
        columns = names
    }

    deinit { mel.deallocate() }

    /// Writes the coefficients of frame `index` to `out`; when the options need the whole file, writes the
    /// log-mel energies to the internal columns instead and zeros for the coefficients (the log energy for C0
    /// when it replaces C0), which ``MFCCTopDBStage`` fills in.
    public func compute(frame: UnsafeBufferPointer<Float>, index: Int, into out: UnsafeMutablePointer<Float>) {
        spectrum.update(frame, index: index)
        let source: UnsafeMutablePointer<Float>
        if options.spectrum == .magnitude {
            spectrum.updateMagnitude()
            source = spectrum.magnitude.baseAddress!
        } else {
            source = spectrum.power.baseAddress!
        }
        let bands = options.melBank.bandCount
        let target = logMelOffset.map { out + $0 } ?? mel.baseAddress!
        bank.apply(source, into: target)
        switch options.compression {
        case .natural(let floor):
            for m in 0..<bands { target[m] = logf(max(target[m], floor)) }
        case .decibel(let amin, _):
            for m in 0..<bands { target[m] = 10 * log10f(max(target[m], amin)) }
        }
        if logMelOffset != nil {
            // Filled by MFCCTopDBStage, which finds C0's replacement (the frame's log energy) in out[0].
            for k in 0..<options.coefficientCount { out[k] = 0 }
            if options.energyReplacesC0 { out[0] = spectrum.logEnergy }
            return
        }
        cepstrum(target, into: out, logEnergy: spectrum.logEnergy)
    }

    /// DCT, lifter and C0 replacement of one frame's log-mel energies.
    @inline(__always)
    func cepstrum(_ logMel: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, logEnergy: Float) {
        dct.apply(logMel, into: out)
        if options.lifter != 0 { lifter.apply(out) }
        if options.energyReplacesC0 { out[0] = logEnergy }
    }
}

/// Whole-file step of librosa-style MFCCs: clips every log-mel value to at least `max - topDB` (max over the
/// file) and then takes the cepstrum.
public final class MFCCTopDBStage: RowStage {
    /// Nil: the floor depends on the maximum over the whole file.
    public let lookahead: Int? = nil
    /// No frames before `t` are needed.
    public let lookbehind = 0
    private let feature: MFCCFeature
    private let columnOffset: Int
    private let topDB: Float
    private var maximum = -Float.infinity
    private var clipped: [Float]

    /// - Parameter columnOffset: where the feature's columns start in the row.
    /// - Precondition: the feature keeps its log-mel values for this stage, as features whose options have a
    ///   finite `top_db` do (``MFCCOptions/librosa``).
    public init(feature: MFCCFeature, columnOffset: Int) {
        precondition(feature.logMelOffset != nil, "MFCCTopDBStage needs MFCC options with a finite top_db (e.g. .librosa)")
        self.feature = feature
        self.columnOffset = columnOffset
        if case .decibel(_, let topDB?) = feature.options.compression { self.topDB = topDB } else { topDB = .infinity }
        clipped = [Float](repeating: 0, count: feature.options.melBank.bandCount)
    }

    /// Forgets the file's maximum before the next file.
    public func reset() { maximum = -Float.infinity }

    /// Raises the file's running maximum to the row's largest log-mel value.
    public func observe(_ row: UnsafeMutablePointer<Float>) {
        let logMel = row + columnOffset + feature.logMelOffset!
        for m in 0..<clipped.count { maximum = max(maximum, logMel[m]) }
    }

    /// Clips row `t`'s log-mel values to at least the file's maximum minus `topDB` and writes its
    /// coefficients.
    public func finish(row t: Int, rows: (Int) -> UnsafeMutablePointer<Float>) {
        let row = rows(t)
        let logMel = row + columnOffset + feature.logMelOffset!
        let floor = maximum - topDB
        let logEnergy = row[columnOffset]  // C0's replacement, when the options ask for it (else unused)
        clipped.withUnsafeMutableBufferPointer { c in
            for m in 0..<c.count { c[m] = max(logMel[m], floor) }
            feature.cepstrum(c.baseAddress!, into: row + columnOffset, logEnergy: logEnergy)
        }
    }
}
