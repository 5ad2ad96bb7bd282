#if canImport(Glibc)
import Glibc
#endif

/// Evaluates a functional set description (``FunctionalSpec`` list) over the frames of one segment.
///
/// Frames are added one at a time; descriptors whose functionals only need moments, regression sums or run
/// lengths are accumulated in O(1) memory, and only those that need order statistics or the contour shape
/// (percentiles, peaks, slopes) keep their values, so a whole-file summary of an hour of audio stays small.
/// Reused across segments and files: ``reset()`` keeps the buffers. This is the engine behind
/// ``SegmentFeatureExtractor``; use it directly to summarise contours of your own (any per-frame descriptor,
/// one `Float` per column and frame).
///
/// ```swift
/// let specs = [FunctionalSpec(name: "x_amean", descriptor: "x", functional: .mean)]
/// let f = SegmentFunctionals(specs: specs, columns: ["x"])
/// for x: Float in [1, 2, 3] { withUnsafePointer(to: x) { f.add($0) } }
/// var out: Float = 0
/// _ = f.finish(frameStep: 0.01, into: &out)  // out == 2
/// ```
public final class SegmentFunctionals {
    private struct Descriptor {
        let column: Int
        /// Column of the spec's ``FunctionalSpec/frameMask``, or -1.
        let mask: Int
        var keepsContour: Bool
        /// Frames of the segment this descriptor has (all of them without a mask).
        var frames = 0
        // Which accumulators some spec reads: the others are skipped (half the columns read only one).
        var needsAll = false, needsNonZero = false, needsVoiced = false, needsUnvoiced = false
        var all = RunningMoments()
        var nonZero = RunningMoments()
        var voiced = SegmentLengths()
        var unvoiced = SegmentLengths()
        // Filled when keepsContour. A copy of a Descriptor shares these blocks: only the one in `descriptors`
        // may append, and deinit frees them.
        var contour = ContourBuffer()
    }

    /// The output columns, in order: ``finish(frameStep:into:)`` writes one value per spec.
    public let specs: [FunctionalSpec]
    private var descriptors: [Descriptor] = []
    private var specDescriptor: [Int] = []
    private var frames = 0
    private var scratch: [Float] = []
    private var peaks = ContourPeaks()
    /// The selected values of the (descriptor, selection) `arrangedKey` arranged for its percentiles, kept
    /// while consecutive specs read them (one such copy at a time, not one per descriptor: an hour's
    /// contours are held once).
    private var arranged: [Float] = []
    private var arrangedKey = -1
    /// The percentile points (0…1) the specs read from each sorted-contour key, gathered on first use.
    private lazy var percentilePoints: [Int: [Double]] = {
        var points: [Int: [Double]] = [:]
        for (s, spec) in specs.enumerated() {
            let key = cacheKey(s)
            switch spec.functional {
            case .percentile(let p): points[key, default: []].append(p)
            case .percentileRange(let lo, let hi): points[key, default: []] += [lo, hi]
            default: break
            }
        }
        return points
    }()
    private var peakCache: [Int: ContourPeaks.Summary] = [:]

    /// The key of spec `s`'s (descriptor, selection) in the per-segment caches: 2 × descriptor index + (0 for
    /// all frames, 1 for the non-zero ones), so that the descriptor of key k is k / 2.
    private func cacheKey(_ s: Int) -> Int { 2 * specDescriptor[s] + (specs[s].selection == .all ? 0 : 1) }

    /// - Parameters:
    ///   - specs: the output columns, in order.
    ///   - columns: the names of the columns of the rows passed to ``add(_:)``, in order (names must be unique).
    /// - Precondition: every spec's descriptor and frame mask is among `columns`, and every percentile is a
    ///   fraction in [0, 1] (`.percentile(0.2)`, not `.percentile(20)`).
    public convenience init(specs: [FunctionalSpec], columns: [String]) {
        var index: [String: Int] = [:]
        for (i, name) in columns.enumerated() {
            precondition(index.updateValue(i, forKey: name) == nil, "column \(name) appears twice")
        }
        self.init(specs: specs, columnIndex: index)
    }

    /// - Parameters:
    ///   - specs: the output columns, in order.
    ///   - columnIndex: position of each descriptor in the rows passed to ``add(_:)``.
    init(specs: [FunctionalSpec], columnIndex: [String: Int]) {
        self.specs = specs
        var byName: [String: Int] = [:]  // by descriptor and mask
        for spec in specs {
            switch spec.functional {
            case .percentile(let p):
                precondition((0...1).contains(p), "functional \(spec.name): percentile \(p) is not a fraction in [0, 1]")
            case .percentileRange(let lo, let hi):
                precondition((0...1).contains(lo) && (0...1).contains(hi),
                             "functional \(spec.name): percentiles \(lo), \(hi) are not fractions in [0, 1]")
            default: break
            }
            guard let column = columnIndex[spec.descriptor] else {
                preconditionFailure("functional \(spec.name) reads unknown descriptor \(spec.descriptor)")
            }
            var mask = -1
            if let name = spec.frameMask {
                guard let m = columnIndex[name] else {
                    preconditionFailure("functional \(spec.name) reads unknown frame mask \(name)")
                }
                mask = m
            }
            let key = spec.descriptor + "\u{0}" + (spec.frameMask ?? "")
            let d: Int
            if let existing = byName[key] {
                d = existing
            } else {
                d = descriptors.count
                byName[key] = d
                descriptors.append(Descriptor(column: column, mask: mask, keepsContour: false))
            }
            descriptors[d].keepsContour = descriptors[d].keepsContour || spec.functional.needsStoredValues
            switch spec.functional {
            case .nonZeroFraction:
                descriptors[d].needsAll = true
                descriptors[d].needsNonZero = true
            case .nonZeroRunsPerSecond, .nonZeroRunLengthMean, .nonZeroRunLengthStddev:
                descriptors[d].needsVoiced = true
            case .zeroRunLengthMean, .zeroRunLengthStddev:
                descriptors[d].needsUnvoiced = true
            default:
                break
            }
            // The selection's moments also give the frame count that decides a too-short segment.
            if spec.selection == .all { descriptors[d].needsAll = true } else { descriptors[d].needsNonZero = true }
            specDescriptor.append(d)
        }
    }

    deinit {
        for d in descriptors.indices { descriptors[d].contour.deallocate() }
    }

    /// Forgets the segment's frames (keeping the buffers).
    public func reset() {
        frames = 0
        for d in descriptors.indices {
            descriptors[d].frames = 0
            descriptors[d].all = RunningMoments()
            descriptors[d].nonZero = RunningMoments()
            descriptors[d].voiced = SegmentLengths()
            descriptors[d].unvoiced = SegmentLengths()
            descriptors[d].contour.removeAll()
        }
    }

    /// Frames added since the last reset.
    public var frameCount: Int { frames }

    /// Adds one frame: `row[c]` is the value of descriptor column `c` (the `columns` given at creation).
    public func add(_ row: UnsafePointer<Float>) {
        let t = Double(frames)
        // Through a buffer pointer: indexing the stored array re-checks exclusivity on every element access.
        descriptors.withUnsafeMutableBufferPointer { all in
            for d in all.indices {
                if all[d].mask >= 0 && row[all[d].mask] == 0 { continue }
                all[d].frames += 1
                let x = row[all[d].column]
                if all[d].needsAll { all[d].all.add(Double(x), time: t) }
                if all[d].needsNonZero && x != 0 { all[d].nonZero.add(Double(x), time: t) }
                if all[d].needsVoiced { all[d].voiced.add(matches: x != 0) }
                if all[d].needsUnvoiced { all[d].unvoiced.add(matches: x == 0) }
                if all[d].keepsContour { all[d].contour.append(x) }
            }
        }
        frames += 1
    }

    /// Writes one value per spec to `out` and returns how many specs had too few frames (their value is the
    /// functional's documented empty value). It closes the segment's open voiced and unvoiced runs, so the
    /// next segment starts with ``reset()``; rows added after `finish` without it would continue a segment
    /// whose runs were cut.
    /// - Parameters:
    ///   - frameStep: seconds between frames; per-second rates divide by the descriptor's frames times
    ///     `frameStep`.
    ///   - out: room for `specs.count` values.
    public func finish(frameStep: Double, into out: UnsafeMutablePointer<Float>) -> Int {
        for d in descriptors.indices {
            descriptors[d].voiced.finish()
            descriptors[d].unvoiced.finish()
        }
        arrangedKey = -1
        peakCache.removeAll(keepingCapacity: true)
        var shortCount = 0
        for (s, spec) in specs.enumerated() {
            let d = descriptors[specDescriptor[s]]
            let duration = Double(d.frames) * frameStep
            let moments = spec.selection == .all ? d.all : d.nonZero
            if moments.count < spec.functional.minimumCount { shortCount += 1 }
            let key = cacheKey(s)
            out[s] = Float(value(spec, d, moments, key: key, frameStep: frameStep, duration: duration))
        }
        return shortCount
    }

    private func value(_ spec: FunctionalSpec, _ d: Descriptor, _ m: RunningMoments, key: Int,
                       frameStep: Double, duration: Double) -> Double {
        switch spec.functional {
        case .mean:
            return m.mean
        case .stddev:
            return m.count < 2 ? 0 : m.variance.squareRoot()
        case .stddevNorm:
            let mean = m.mean
            let sd = m.count < 2 ? 0 : m.variance.squareRoot()
            return sd == 0 ? 0 : sd / (mean == 0 ? 1 : mean)
        case .regressionSlope:
            return m.slope / frameStep
        case .equivalentSoundLevel:
            return 10 * log10(max(m.mean, 1e-12))
        case .nonZeroFraction:
            return d.all.count > 0 ? Double(d.nonZero.count) / Double(d.all.count) : 0
        case .nonZeroRunsPerSecond:
            return duration > 0 ? Double(d.voiced.lengths.count) / duration : 0
        case .nonZeroRunLengthMean:
            return d.voiced.lengths.mean * frameStep
        case .nonZeroRunLengthStddev:
            return d.voiced.lengthStddev * frameStep
        case .zeroRunLengthMean:
            return d.unvoiced.lengths.mean * frameStep
        case .zeroRunLengthStddev:
            return d.unvoiced.lengthStddev * frameStep
        case .percentile(let p):
            return sorted(spec.selection, key: key).withUnsafeBufferPointer { Percentiles.value(p, sorted: $0) }
        case .percentileRange(let lo, let hi):
            return sorted(spec.selection, key: key).withUnsafeBufferPointer {
                abs(Percentiles.value(hi, sorted: $0) - Percentiles.value(lo, sorted: $0))
            }
        case .peaksPerSecond, .meanRisingSlope, .stddevRisingSlope, .meanFallingSlope, .stddevFallingSlope:
            let summary: ContourPeaks.Summary
            if let cached = peakCache[key] {
                summary = cached
            } else {
                summary = withSelected(key: key, spec.selection) { peaks.analyse($0, frameStep: frameStep) }
                peakCache[key] = summary
            }
            switch spec.functional {
            case .peaksPerSecond: return duration > 0 ? Double(summary.peaks) / duration : 0
            case .meanRisingSlope: return summary.rising.mean
            case .stddevRisingSlope: return summary.rising.stddev
            case .meanFallingSlope: return summary.falling.mean
            default: return summary.falling.stddev
            }
        }
    }

    /// Calls `body` with the selected values of the descriptor of `key` in frame order (zeros dropped for
    /// `.nonZero`).
    private func withSelected<R>(key: Int, _ selection: FrameSelection,
                                 _ body: (UnsafeBufferPointer<Float>) -> R) -> R {
        descriptors[key / 2].contour.copy(into: &scratch, nonZeroOnly: selection != .all)
        return scratch.withUnsafeBufferPointer(body)
    }

    /// The selected values of the descriptor of `key`, arranged so that the ranks all the percentiles of `key`
    /// read hold their sorted values (a full sort would give the same percentiles, at several times the cost);
    /// once for the consecutive specs that read them.
    private func sorted(_ selection: FrameSelection, key: Int) -> [Float] {
        if key == arrangedKey { return arranged }
        descriptors[key / 2].contour.copy(into: &arranged, nonZeroOnly: selection != .all)
        var ranks: [Int] = []
        for p in percentilePoints[key] ?? [] {
            let (lower, upper) = Percentiles.ranks(p, count: arranged.count)
            ranks += [lower, upper]
        }
        Percentiles.arrange(&arranged, ranks: ranks)
        arrangedKey = key
        return arranged
    }
}
