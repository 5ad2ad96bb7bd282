/// The functional descriptions of each feature set at the segment and file levels.
public enum FunctionalSets {
    /// Statistics applied to every column of a set without its own description (e.g. `mfcc` →
    /// `mfcc_0_amean`, `mfcc_0_stddev`, ...): mean, standard deviation, the 20th/50th/80th percentiles,
    /// their 20–80 range and the linear-regression slope (per second).
    public static let generic: [Functional] = [
        .mean, .stddev, .percentile(0.2), .percentile(0.5), .percentile(0.8), .percentileRange(0.2, 0.8),
        .regressionSlope,
    ]

    /// The output columns `set` contributes to a segment-level extraction with `options`.
    public static func description(of set: FeatureSet, options: FeatureExtractionOptions) -> [FunctionalSpec] {
        if set == .egemaps { return EGeMAPS.functionals }
        let columns = FeatureExtractor(options: FeatureExtractionOptions(
            sets: [set], mfcc: options.mfcc, spectralPreprocessing: options.spectralPreprocessing,
            spectral: options.spectral, temporal: options.temporal)).columns
        return columns.flatMap { column in
            generic.map { FunctionalSpec(name: "\(column)_\(genericSuffix($0))", descriptor: column, functional: $0) }
        }
    }

    private static func genericSuffix(_ f: Functional) -> String {
        switch f {
        case .percentile(let p): return "percentile\(Int((p * 100).rounded()))"
        case .percentileRange(let lo, let hi): return "pctlrange\(Int((lo * 100).rounded()))-\(Int((hi * 100).rounded()))"
        default: return f.suffix
        }
    }
}
