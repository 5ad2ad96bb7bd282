/// The features an emotion model reads: the segment functionals of some feature sets under a preset.
///
/// The default, ``standard``, is the 88 eGeMAPSv02 functionals plus the generic functionals (mean,
/// deviation, 20/50/80th percentiles, 20–80 range, regression slope) of 13 MFCCs with deltas and
/// delta-deltas, energy, spectral shape, pitch and voice quality: 508 values per segment. On EmoDB this
/// is what lets a linear model beat the same model on eGeMAPS alone (docs/validation-emotion.md).
public struct EmotionFeatureConfiguration: Sendable, Hashable, Codable {
    /// Feature sets, in column order.
    public var sets: [FeatureSet]
    /// Reference preset of the frame-level features.
    public var preset: FeaturePreset

    public init(sets: [FeatureSet], preset: FeaturePreset = .kaldi) {
        var unique: [FeatureSet] = []
        for set in sets where !unique.contains(set) { unique.append(set) }
        self.sets = unique
        self.preset = preset
    }

    /// The sets of the bundled model.
    public static let standard = EmotionFeatureConfiguration(
        sets: [.egemaps, .mfcc, .mfccDelta, .energy, .spectral, .pitch, .voice])

    /// The sets as `sentio features --set` spells them, e.g. `egemaps,mfcc`.
    public var name: String { sets.map(\.rawValue).joined(separator: ",") }

    /// The frame-level extraction options.
    public var extractionOptions: FeatureExtractionOptions { FeatureExtractionOptions(sets: sets, preset: preset) }

    /// Names of the feature columns, in order.
    public var columns: [String] {
        let options = extractionOptions
        return sets.flatMap { FunctionalSets.description(of: $0, options: options).map(\.name) }
    }

    /// A 64-bit FNV-1a hash (16 hex digits) of every option that shapes the features and of the column
    /// names. It changes when a default of the frame analysis changes, so a model trained on other features
    /// is refused instead of silently misread.
    public var fingerprint: String { fingerprint(columns: columns) }

    /// ``fingerprint`` given the already computed ``columns`` (building them means building extractors).
    func fingerprint(columns: [String]) -> String {
        var hash = FNV1a()
        hash.combine("\(extractionOptions)")
        for column in columns { hash.combine(column) }
        return hash.hex
    }
}

/// The 64-bit Fowler–Noll–Vo 1a hash: small, fast and stable across runs and machines (unlike `Hasher`).
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func combine(bytes: some Sequence<UInt8>) {
        for b in bytes {
            value ^= UInt64(b)
            value = value &* 0x0000_0100_0000_01B3
        }
    }

    /// Hashes a string's UTF-8 bytes followed by a 0 byte, so `("ab", "c")` and `("a", "bc")` differ.
    mutating func combine(_ s: String) {
        combine(bytes: s.utf8)
        combine(bytes: [0])
    }

    /// Hashes a double's bit pattern (little-endian).
    mutating func combine(_ d: Double) {
        var bits = d.bitPattern
        combine(bytes: withUnsafeBytes(of: &bits) { Array($0) })
    }

    /// Hashes an integer (little-endian, 64-bit).
    mutating func combine(_ i: Int) {
        var v = Int64(i).littleEndian
        combine(bytes: withUnsafeBytes(of: &v) { Array($0) })
    }

    /// The value as 16 lower-case hex digits.
    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

extension FeatureSet: Codable {}
extension FeaturePreset: Codable {}
