/// The features an emotion model reads: the segment functionals of some feature sets under a preset.
///
/// The default, ``standard``, is the 88 eGeMAPSv02 functionals plus the generic functionals (mean,
/// deviation, 20/50/80th percentiles, 20–80 range, regression slope) of 13 MFCCs with deltas and
/// delta-deltas: 361 values per segment. On EmoDB this is what lets a linear model beat the same model on
/// eGeMAPS alone (docs/validation-emotion.md). Adding the energy, spectral, pitch and voice sets gains nothing
/// that counts under leave-one-speaker-out (74.6 % UAR with all of them against 74.5 % without, 85.6 % against
/// 85.6 % with speaker normalisation, 2026-12-01, before the ±10 SD clip) and would more than halve scoring
/// throughput.
public struct EmotionFeatureConfiguration: Sendable, Hashable, Codable {
    /// Feature sets, in column order.
    public var sets: [FeatureSet]
    /// Reference preset of the frame-level features.
    public var preset: FeaturePreset

    /// Creates a configuration of `sets` (later repeats of a set dropped) under `preset`, by default
    /// ``FeaturePreset/kaldi``.
    public init(sets: [FeatureSet], preset: FeaturePreset = .kaldi) {
        var unique: [FeatureSet] = []
        for set in sets where !unique.contains(set) { unique.append(set) }
        self.sets = unique
        self.preset = preset
    }

    /// The sets of the bundled model.
    public static let standard = EmotionFeatureConfiguration(
        sets: [.egemaps, .mfcc, .mfccDelta])

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

extension FeatureSet: Codable {}
extension FeaturePreset: Codable {}
