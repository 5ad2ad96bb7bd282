/// The extended Geneva Minimalistic Acoustic Parameter Set, version 02 (Eyben et al., "The Geneva Minimalistic
/// Acoustic Parameter Set (GeMAPS) for Voice Research and Affective Computing", IEEE Trans. Affective Computing
/// 7(2), 2016), under openSMILE's `eGeMAPSv02` names and order so that analysis code written for openSMILE's
/// output runs unchanged.
///
/// The 25 low-level descriptors are computed by ``EGeMAPSFeature``; this type declares them and the 88
/// functionals as data.
public enum EGeMAPS {
    /// openSMILE's framing of eGeMAPS at 16 kHz: 20 ms frames every 10 ms starting at sample 0, complete
    /// frames only (⌊(N − 320) / 160⌋ + 1 of them), which `--set egemaps` alone uses as its grid.
    public static let frame = FrameOptions(frameLength: 320, hop: 160, edges: .snip)

    /// The 25 per-frame descriptors, in openSMILE's order (`--set egemaps --level frames`).
    public static let lowLevelDescriptors: [String] = energyDescriptors.map { $0 + "_sma3" }
        + voiceDescriptors.map { $0 + "_sma3nz" }

    /// Descriptors smoothed over every frame (openSMILE's `lldsetE`).
    static let energyDescriptors = ["Loudness", "alphaRatio", "hammarbergIndex", "slope0-500", "slope500-1500",
                                    "spectralFlux", "mfcc1", "mfcc2", "mfcc3", "mfcc4"]
    /// Descriptors smoothed over non-zero frames only (openSMILE's `lldsetF`).
    static let voiceDescriptors = ["F0semitoneFrom27.5Hz", "jitterLocal", "shimmerLocaldB", "HNRdBACF",
                                   "logRelF0-H1-H2", "logRelF0-H1-A3",
                                   "F1frequency", "F1bandwidth", "F1amplitudeLogRelF0",
                                   "F2frequency", "F2bandwidth", "F2amplitudeLogRelF0",
                                   "F3frequency", "F3bandwidth", "F3amplitudeLogRelF0"]
    /// Spectral descriptors also summarised over voiced frames (`...V_sma3nz`) and, the first five, over
    /// unvoiced frames (`...UV_sma3nz`).
    static let gatedSpectral = Array(energyDescriptors.dropFirst())
    static let unvoicedSpectralCount = 5
    /// Internal columns of the voiced (`V`) and unvoiced (`UV`) variants, smoothed over their non-zero frames.
    static let gatedColumns = gatedSpectral.map { "_" + gatedName($0, "V") + "_sma3nz" }
        + gatedSpectral.prefix(unvoicedSpectralCount).map { "_" + gatedName($0, "UV") + "_sma3nz" }

    /// Name of a spectral descriptor's voiced (`V`) or unvoiced (`UV`) variant, e.g. `slopeV0-500`,
    /// `alphaRatioUV`: openSMILE inserts the tag before the band of the slopes.
    static func gatedName(_ descriptor: String, _ tag: String) -> String {
        if descriptor.hasPrefix("slope") { return "slope" + tag + descriptor.dropFirst(5) }
        return descriptor + tag
    }

    /// The 88 eGeMAPSv02 functionals, in openSMILE's order (`--set egemaps --level files|segments`).
    public static let functionals: [FunctionalSpec] = {
        var specs: [FunctionalSpec] = []
        // The voice-frame descriptors (and the spectral ones gated by voicing) end with openSMILE's voice rows;
        // the energy descriptors have every 20 ms frame, as openSMILE's do.
        func mask(_ descriptor: String) -> String? { descriptor.hasSuffix("nz") ? EGeMAPSFeature.rowColumn : nil }
        func add(_ name: String, _ descriptor: String, _ selection: FrameSelection, _ functionals: [Functional]) {
            for f in functionals {
                // openSMILE names the range by the indices of its percentiles in the list (0 and 2).
                let suffix = f == .percentileRange(0.2, 0.8) ? "pctlrange0-2" : f.suffix
                specs.append(FunctionalSpec(name: name + "_" + suffix, descriptor: descriptor, selection: selection,
                                            functional: f, frameMask: mask(descriptor)))
            }
        }
        let contour: [Functional] = [.mean, .stddevNorm, .percentile(0.2), .percentile(0.5), .percentile(0.8),
                                     .percentileRange(0.2, 0.8), .meanRisingSlope, .stddevRisingSlope,
                                     .meanFallingSlope, .stddevFallingSlope]
        let meanAndCV: [Functional] = [.mean, .stddevNorm]
        let f0 = "F0semitoneFrom27.5Hz_sma3nz"
        add(f0, f0, .nonZero, contour)
        add("loudness_sma3", "Loudness_sma3", .all, contour)
        for d in ["spectralFlux", "mfcc1", "mfcc2", "mfcc3", "mfcc4"] { add(d + "_sma3", d + "_sma3", .all, meanAndCV) }
        for d in voiceDescriptors.dropFirst() { add(d + "_sma3nz", d + "_sma3nz", .nonZero, meanAndCV) }
        for d in gatedSpectral {
            let name = gatedName(d, "V") + "_sma3nz"
            add(name, "_" + name, .nonZero, meanAndCV)
        }
        for d in gatedSpectral.prefix(unvoicedSpectralCount) {
            let name = gatedName(d, "UV") + "_sma3nz"
            add(name, "_" + name, .nonZero, [.mean])
        }
        func single(_ name: String, _ descriptor: String, _ f: Functional) {
            specs.append(FunctionalSpec(name: name, descriptor: descriptor, selection: .all, functional: f,
                                        frameMask: mask(descriptor)))
        }
        single("loudnessPeaksPerSec", "Loudness_sma3", .peaksPerSecond)
        single("VoicedSegmentsPerSec", f0, .nonZeroRunsPerSecond)
        single("MeanVoicedSegmentLengthSec", f0, .nonZeroRunLengthMean)
        single("StddevVoicedSegmentLengthSec", f0, .nonZeroRunLengthStddev)
        single("MeanUnvoicedSegmentLength", f0, .zeroRunLengthMean)
        single("StddevUnvoicedSegmentLength", f0, .zeroRunLengthStddev)
        single("equivalentSoundLevel_dBp", EGeMAPSFeature.energyColumn, .equivalentSoundLevel)
        return specs
    }()
}
