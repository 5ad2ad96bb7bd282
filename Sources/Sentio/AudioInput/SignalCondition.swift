import Foundation

/// What a decoded signal reveals about its recording that makes its features less comparable with those of
/// clean wideband speech: a native rate below the analysis rate (telephone audio: the bands above its
/// Nyquist frequency are empty), clipping (samples held at full scale flatten the waveform and add
/// harmonics), and channels that cancel when averaged (one side in anti-phase). None of these stops the
/// analysis; each gives a warning, because each moves loudness, spectral-balance, MFCC and voice-quality
/// values far beyond what emotion changes in them (of 54 EmoDB files converted to 8 or 11.025 kHz, 43-65 %
/// changed their top emotion with the bundled model).
public struct SignalCondition: Sendable, Equatable {
    /// A problem ``warnings(for:)`` reports.
    public enum Problem: String, Sendable, CaseIterable {
        /// ``nativeRate`` below ``analysisRate``.
        case narrowband
        /// More than ``clippedShare`` of one channel's samples at full scale.
        case clipped
        /// The channels' average far below the channels (``channelsCancel``).
        case cancellingChannels
        /// Float samples far beyond full scale (``isOverFullScale``).
        case overFullScale
    }

    /// The recording's own sample rate, in Hz.
    public var nativeRate: Double
    /// The rate the features are computed at, in Hz.
    public var analysisRate: Double
    /// Channels analysed: all of them when they are averaged, 1 when one is chosen (or the file has one).
    public var channels = 1
    /// Sample frames examined, per channel.
    public var samples: Int64 = 0
    /// Samples at full scale (within 0.01 dB of the encoding's largest value) in the channel that has the
    /// most of them.
    public var clippedSamples: Int64 = 0
    /// When channels are averaged: the energy (sum of squares) of their average divided by the mean energy
    /// of the channels. 1 for identical channels, 1/``channels`` for unrelated ones (or one active among
    /// silent ones), near 0 when they cancel. Nil for one channel, or one chosen channel.
    public var mixEnergyRatio: Double?
    /// The largest magnitude of a sample examined (full scale 1; float encodings can exceed it).
    public var peak: Float = 0

    /// Fraction of the encoding's largest value (``AudioStream``'s, e.g. 32767/32768 for 16-bit PCM, 0.98
    /// for μ-law) from which a sample counts as at full scale: within 0.01 dB of it. Float samples beyond 1
    /// are not clipped (float holds them), and are not counted.
    public static let fullScale: Float = 0.999
    /// Share of a channel's samples at full scale above which a signal counts as clipped: 1 in 1000.
    /// Peak-normalised recordings touch full scale now and then (every EmoDB file does, at most 1 sample in
    /// 9000).
    public static let clippedShare = 0.001
    /// How far below unrelated channels' (1/``channels``) the mix energy ratio must be for the channels to
    /// count as cancelling: -20 dB.
    public static let cancellingRatio = 0.01
    /// Peak above which float samples count as far beyond full scale: 2 (+6 dB). A little above 1 is common
    /// (a float mix or resampling overshoots); far above it, e.g. samples on the int16 scale stored as
    /// floats, every level value is off by the factor.
    public static let overFullScalePeak: Float = 2

    /// A condition with nothing counted yet.
    public init(nativeRate: Double, analysisRate: Double) {
        self.nativeRate = nativeRate
        self.analysisRate = analysisRate
    }

    /// The recording holds nothing above `nativeRate / 2` that the analysis rate would carry.
    public var isNarrowband: Bool { nativeRate < analysisRate }
    /// Share of the most clipped channel's samples at full scale (0 when none were examined).
    public var clippedFraction: Double { samples > 0 ? Double(clippedSamples) / Double(samples) : 0 }
    /// More than ``clippedShare`` of a channel's samples are at full scale.
    public var isClipped: Bool { clippedFraction > Self.clippedShare }
    /// The average of the channels is more than 20 dB below what unrelated channels' would be.
    public var channelsCancel: Bool {
        mixEnergyRatio.map { $0 * Double(channels) < Self.cancellingRatio } ?? false
    }

    /// Samples reach beyond ``overFullScalePeak``.
    public var isOverFullScale: Bool { peak > Self.overFullScalePeak }

    /// The problems found, in ``Problem`` order; empty for a clean signal.
    public var problems: [Problem] {
        Problem.allCases.filter { problem in
            switch problem {
            case .narrowband: isNarrowband
            case .clipped: isClipped
            case .cancellingChannels: channelsCancel
            case .overFullScale: isOverFullScale
            }
        }
    }

    /// One warning line per problem found (``problems``), each `path: what and why`.
    public func warnings(for path: String) -> [String] { problems.map { warning($0, for: path) } }

    /// The warning line of `problem` for the file at `path`.
    public func warning(_ problem: Problem, for path: String) -> String {
        switch problem {
        case .narrowband:
            let rate = Int(nativeRate.rounded()), nyquist = Int((nativeRate / 2).rounded())
            return "\(path): recorded at \(rate) Hz (analysis \(Int(analysisRate.rounded())) Hz): nothing above \(nyquist) Hz, so its level, spectral and MFCC values and emotion scores are not comparable with wideband speech"
        case .clipped:
            return "\(path): clipped: \(String(format2: 100 * clippedFraction)) % of its samples are at full scale, which distorts its level, spectral and voice-quality features"
        case .cancellingChannels:
            let ratio = mixEnergyRatio ?? 0
            let average = ratio > 0 ? "\(Int((-10 * log10(ratio)).rounded())) dB below them" : "silent"
            return "\(path): its channels cancel when averaged (their average is \(average)): analyse one with --channel"
        case .overFullScale:
            let db = Int((20 * log10(Double(peak))).rounded())
            return "\(path): its float samples reach \(peak), \(db) dB beyond full scale (±1): its loudness, energy and sound level, and so its emotion scores, are off by as much (scale the file to ±1)"
        }
    }
}

/// Counts what ``SignalCondition`` reports while samples stream past, allocation-free.
struct SignalMeter {
    /// Lowest magnitude counted as full scale.
    let fullScale: Float
    private let channels: Int
    private var clipped: [Int64]
    private var peakBits: UInt32 = 0  // largest |sample|'s bit pattern (non-negative floats order like it)
    private var frames: Int64 = 0
    private var channelEnergy = 0.0
    private var mixEnergy = 0.0
    private var mixed = false

    /// A meter for `channels` channels whose encoding's largest value is `largest` (1 for float).
    init(channels: Int = 1, largest: Float = 1) {
        self.channels = channels
        fullScale = SignalCondition.fullScale * largest
        clipped = Array(repeating: 0, count: channels)
    }

    /// Counts the `count` samples of one channel at `start`.
    mutating func count(_ start: UnsafePointer<Float>, _ count: Int) {
        var hits = SIMD8<UInt32>(), peaks = SIMD8<UInt32>()
        let done = Self.countFullScale(start, count, fullScale: fullScale, hits: &hits, peaks: &peaks)
        var total = Int64(hits.wrappedSum())
        for i in done..<count where isFullScale(start[i]) { total += 1 }
        clipped[0] += total
        notePeak(peaks, start + done, count - done)
        frames += Int64(count)
    }

    /// Adds one block of `frames` interleaved frames of all channels: the samples at full scale per channel,
    /// and the energies behind ``SignalCondition/mixEnergyRatio``; the block's average is already in `mix`.
    mutating func countInterleaved(_ samples: UnsafePointer<Float>, frames count: Int, mix: UnsafePointer<Float>) {
        let total = count * channels
        var done = 0
        if 8 % channels == 0 {
            // Eight samples to a vector, lane l always channel l % channels (stereo, 4 or 8 channels).
            var hits = SIMD8<UInt32>(), peaks = SIMD8<UInt32>()
            done = Self.countFullScale(samples, total, fullScale: fullScale, hits: &hits, peaks: &peaks)
            for lane in 0..<8 { clipped[lane % channels] += Int64(hits[lane]) }
            notePeak(peaks, samples, 0)
        }
        for j in done..<total where isFullScale(samples[j]) { clipped[j % channels] += 1 }
        notePeak(SIMD8(), samples + done, total - done)
        frames += Int64(count)
        mixed = true
        channelEnergy += Double(VectorMath.dot(samples, samples, total)) / Double(channels)
        mixEnergy += Double(VectorMath.dot(mix, mix, count))
    }

    /// Takes the larger of the peak so far, the lanes of `peaks` and the `count` samples at `rest`.
    private mutating func notePeak(_ peaks: SIMD8<UInt32>, _ rest: UnsafePointer<Float>, _ count: Int) {
        var largest = max(peakBits, peaks.max())
        for i in 0..<count { largest = max(largest, rest[i].bitPattern & 0x7FFF_FFFF) }
        peakBits = largest
    }

    /// Whether `x` is at full scale: |x| in [``fullScale``, 1].
    private func isFullScale(_ x: Float) -> Bool { abs(x) >= fullScale && abs(x) <= 1 }

    /// Adds to each lane of `hits` its samples at full scale (|x| in [`fullScale`, 1]) among the first
    /// multiple of 8 of the `count` values at `x`, and raises each lane of `peaks` to its largest magnitude's
    /// bit pattern; returns how many values it read. One unsigned comparison
    /// of bit patterns (which order like the magnitudes) per eight samples: the plain loop did not vectorise
    /// and doubled the cost of decoding.
    private static func countFullScale(_ x: UnsafePointer<Float>, _ count: Int, fullScale: Float,
                                       hits: inout SIMD8<UInt32>, peaks: inout SIMD8<UInt32>) -> Int {
        let low = SIMD8<UInt32>(repeating: fullScale.bitPattern)
        let span = SIMD8<UInt32>(repeating: Float(1).bitPattern &- fullScale.bitPattern)
        let magnitude = SIMD8<UInt32>(repeating: 0x7FFF_FFFF)
        var i = 0
        while i &+ 8 <= count {
            let bits = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<UInt32>.self) & magnitude
            hits &+= SIMD8<UInt32>(repeating: 1).replacing(with: 0, where: (bits &- low) .> span)
            peaks = pointwiseMax(peaks, bits)
            i &+= 8
        }
        return i
    }

    /// The condition of what was counted, for a recording at `nativeRate` analysed at `analysisRate`.
    func condition(nativeRate: Double, analysisRate: Double) -> SignalCondition {
        var condition = SignalCondition(nativeRate: nativeRate, analysisRate: analysisRate)
        condition.channels = mixed ? channels : 1
        condition.samples = frames
        condition.clippedSamples = clipped.max() ?? 0
        condition.peak = Float(bitPattern: peakBits)
        // Silent channels do not cancel: there is nothing to lose.
        if mixed && channelEnergy > 0 { condition.mixEnergyRatio = mixEnergy / channelEnergy }
        return condition
    }

    mutating func reset() {
        frames = 0
        channelEnergy = 0
        mixEnergy = 0
        mixed = false
        peakBits = 0
        for c in clipped.indices { clipped[c] = 0 }
    }
}
