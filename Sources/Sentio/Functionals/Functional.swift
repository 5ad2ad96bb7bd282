/// One statistic of a descriptor's contour over a segment: the unit of a functional set description.
///
/// Definitions follow openSMILE's `cFunctionals` components (Eyben, *Real-time Speech and Music Classification
/// by Large Audio Feature Space Extraction*, Springer 2016), which eGeMAPS (Eyben et al., IEEE TAC 2016) is
/// defined by. Values are computed over the frames a ``FunctionalSpec/selection`` keeps; times come from the
/// frame step. Each case documents its value when the segment is too short for it (see ``Functional/minimumCount``).
public enum Functional: Sendable, Hashable {
    /// Arithmetic mean. Empty input: 0.
    case mean
    /// Population standard deviation (divides by n, as openSMILE does). Empty input: 0.
    case stddev
    /// Coefficient of variation as openSMILE's `stddevNorm` defines it: standard deviation divided by the
    /// mean **without** `abs()`, so a negative mean gives a negative value. With a mean of exactly 0 it is the
    /// standard deviation itself (openSMILE divides by 1 then); 0 when the deviation is 0 or input is empty.
    case stddevNorm
    /// Percentile `p` in [0, 1] by linear interpolation between closest ranks: with the n values sorted
    /// ascending, position `p (n - 1)` (numpy's default `linear` method, openSMILE's `interp = 1`).
    /// Empty input: 0.
    case percentile(Double)
    /// `|percentile(high) - percentile(low)|`. Empty input: 0.
    case percentileRange(Double, Double)
    /// Mean of the rising slopes, in units per second: for each local minimum followed by a local maximum
    /// (openSMILE `Peaks2`, see ``ContourPeaks``), (max value − min value) / (time between them). 0 when there is none.
    /// A contour without any extremum has one slope, (last − first) / n per frame and not per second, as
    /// openSMILE computes it (rising when positive, falling, with its negative sign, when negative).
    case meanRisingSlope
    /// Population standard deviation of the rising slopes (units per second). 0 with fewer than two.
    case stddevRisingSlope
    /// Mean of the falling slopes, in units per second, positive for a fall from a peak to the following valley
    /// (the end-of-contour step after a last peak counts with its own sign, as in openSMILE; see ``ContourPeaks``).
    case meanFallingSlope
    /// Population standard deviation of the falling slopes (units per second). 0 with fewer than two.
    case stddevFallingSlope
    /// Local maxima per second of segment duration (openSMILE `Peaks2.numPeaks` with `norm = seconds`). 0 for
    /// an empty segment.
    case peaksPerSecond
    /// Slope of the least-squares line through the values against time, in units per second. 0 with fewer
    /// than two values.
    case regressionSlope
    /// Segments of non-zero frames (e.g. voiced segments, found as ``SegmentLengths`` describes: at least 3
    /// frames, single stray frames bridged) per second of segment duration.
    case nonZeroRunsPerSecond
    /// Mean length of the non-zero segments, in seconds (last − first frame, as openSMILE measures). 0 when there is none.
    case nonZeroRunLengthMean
    /// Population standard deviation of the non-zero segment lengths, in seconds. 0 with fewer than two.
    case nonZeroRunLengthStddev
    /// Mean length of the segments of zero frames (e.g. unvoiced stretches, leading and trailing ones included,
    /// as openSMILE's `eqX` segments), in seconds. 0 when there is none.
    case zeroRunLengthMean
    /// Population standard deviation of the zero-segment lengths, in seconds. 0 with fewer than two.
    case zeroRunLengthStddev
    /// Equivalent sound level: `10 log10(mean)` of a per-frame energy (mean square) descriptor, in dB,
    /// floored at −120 dB (openSMILE's `dBp` operation on the amean, floor 1e-12).
    case equivalentSoundLevel
    /// Fraction of the segment's frames whose value is non-zero, in [0, 1] (for `f0_hz`: the voiced fraction).
    /// Empty input: 0.
    case nonZeroFraction

    /// The fewest selected frames for which the functional is defined; below it the value is the documented
    /// empty value and the segment counts a warning.
    public var minimumCount: Int {
        switch self {
        case .mean, .percentile, .percentileRange, .equivalentSoundLevel, .nonZeroFraction: return 1
        case .stddev, .stddevNorm, .regressionSlope: return 2
        case .meanRisingSlope, .stddevRisingSlope, .meanFallingSlope, .stddevFallingSlope, .peaksPerSecond: return 3
        case .nonZeroRunsPerSecond, .nonZeroRunLengthMean, .nonZeroRunLengthStddev,
             .zeroRunLengthMean, .zeroRunLengthStddev: return 1
        }
    }

    /// True when the functional needs the segment's values stored (order statistics, or the contour's shape),
    /// false when running sums suffice (moments, regression sums, run lengths).
    var needsStoredValues: Bool {
        switch self {
        case .mean, .stddev, .stddevNorm, .equivalentSoundLevel, .regressionSlope, .nonZeroFraction,
             .nonZeroRunsPerSecond, .nonZeroRunLengthMean, .nonZeroRunLengthStddev,
             .zeroRunLengthMean, .zeroRunLengthStddev: return false
        case .percentile, .percentileRange, .meanRisingSlope, .stddevRisingSlope, .meanFallingSlope,
             .stddevFallingSlope, .peaksPerSecond: return true
        }
    }

    /// openSMILE-style name suffix, e.g. `amean`, `percentile20.0`, `pctlrange20.0-80.0` (the eGeMAPS description
    /// names its 20–80 range `pctlrange0-2`, as openSMILE does; the generic sets use their own names).
    public var suffix: String {
        switch self {
        case .mean: return "amean"
        case .stddev: return "stddev"
        case .stddevNorm: return "stddevNorm"
        case .percentile(let p): return "percentile\((p * 1000).rounded() / 10)"
        case .percentileRange(let lo, let hi): return "pctlrange\((lo * 1000).rounded() / 10)-\((hi * 1000).rounded() / 10)"
        case .meanRisingSlope: return "meanRisingSlope"
        case .stddevRisingSlope: return "stddevRisingSlope"
        case .meanFallingSlope: return "meanFallingSlope"
        case .stddevFallingSlope: return "stddevFallingSlope"
        case .peaksPerSecond: return "numPeaks"
        case .regressionSlope: return "linregc1"
        case .nonZeroRunsPerSecond: return "numSegments"
        case .nonZeroRunLengthMean: return "meanSegLen"
        case .nonZeroRunLengthStddev: return "segLenStddev"
        case .zeroRunLengthMean: return "pauseMeanLen"
        case .zeroRunLengthStddev: return "pauseLenStddev"
        case .equivalentSoundLevel: return "dBp"
        case .nonZeroFraction: return "nzFraction"
        }
    }
}

/// Which frames of a segment a functional sees.
public enum FrameSelection: Sendable, Hashable {
    /// Every frame.
    case all
    /// Frames whose descriptor value is not 0 (openSMILE `nonZeroFuncts = 1`): voiced-only descriptors are 0
    /// in unvoiced frames, so this is the "voiced-only" (or, for unvoiced-gated descriptors, "unvoiced-only") variant.
    case nonZero
}

/// One output column of a functional set: a functional of one per-frame descriptor.
public struct FunctionalSpec: Sendable, Hashable {
    /// Output column name.
    public var name: String
    /// The per-frame descriptor column it summarises.
    public var descriptor: String
    /// The frames it sees.
    public var selection: FrameSelection
    /// The statistic.
    public var functional: Functional
    /// A column that is 0 in the frames this descriptor does not have, or nil when it has every frame of the
    /// segment. Frames so marked are left out of every functional, durations included (eGeMAPS marks the
    /// grid's rows after openSMILE's last one); frame times stay the segment's frame indices.
    public var frameMask: String?

    /// Creates a column with the given values; see each property for their meaning. By default the
    /// functional sees every frame and has no frame mask.
    public init(name: String, descriptor: String, selection: FrameSelection = .all, functional: Functional,
                frameMask: String? = nil) {
        self.name = name
        self.descriptor = descriptor
        self.selection = selection
        self.functional = functional
        self.frameMask = frameMask
    }
}
