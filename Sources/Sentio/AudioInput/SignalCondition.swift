import Foundation

/// What a decoded signal reveals about its recording that makes its features less comparable with those of
/// clean wideband speech: a native rate below the analysis rate (telephone audio: the bands above its
/// Nyquist frequency are empty), clipping (samples held at full scale flatten the waveform and add
/// harmonics), and channels that cancel when averaged (one side in anti-phase). None of these stops the
/// analysis; each gives a warning, because each moves loudness, spectral-balance, MFCC and voice-quality
/// values far beyond what emotion changes in them (of 54 EmoDB files converted to 8 or 11.025 kHz, 43-65 %
/// changed their top emotion with the bundled model).
public struct SignalCondition: Sendable, Equatable {
    /// The recording's own sample rate, in Hz.
    public var nativeRate: Double
    /// The rate the features are computed at, in Hz.
    public var analysisRate: Double
    /// Samples examined for clipping: every channel that is averaged, or the one analysed.
    public var samples: Int64 = 0
    /// Of ``samples``, those at or beyond ±``fullScale``.
    public var clippedSamples: Int64 = 0
    /// Energy (sum of squares) of the averaged channels divided by the mean energy of the channels, when
    /// they were averaged: 1 for identical channels, 1/2 for unrelated ones or one silent side, near 0 when
    /// they cancel. Nil for one channel, or one chosen channel.
    public var mixEnergyRatio: Double?

    /// Magnitude treated as full scale: within 0.01 dB of 1 (16-bit PCM's largest value is 32767/32768).
    public static let fullScale: Float = 0.999
    /// Share of samples at full scale above which a signal counts as clipped: 1 in 1000. Peak-normalised
    /// recordings touch full scale now and then (every EmoDB file does, at most 1 sample in 9000).
    public static let clippedShare = 0.001
    /// Mix energy ratio below which averaging counts as cancelling the channels: -20 dB.
    public static let cancellingRatio = 0.01

    /// A condition with nothing counted yet.
    public init(nativeRate: Double, analysisRate: Double) {
        self.nativeRate = nativeRate
        self.analysisRate = analysisRate
    }

    /// The recording holds nothing above `nativeRate / 2` that the analysis rate would carry.
    public var isNarrowband: Bool { nativeRate < analysisRate }
    /// Share of ``samples`` at full scale (0 when none were examined).
    public var clippedFraction: Double { samples > 0 ? Double(clippedSamples) / Double(samples) : 0 }
    /// More than ``clippedShare`` of the samples are at full scale.
    public var isClipped: Bool { clippedFraction > Self.clippedShare }
    /// The average of the channels is more than 20 dB below the channels themselves.
    public var channelsCancel: Bool { mixEnergyRatio.map { $0 < Self.cancellingRatio } ?? false }

    /// One warning line per problem found, each `path: what and why`; empty for a clean signal.
    public func warnings(for path: String) -> [String] {
        var lines: [String] = []
        if isNarrowband {
            let nyquist = Int((nativeRate / 2).rounded()), rate = Int(nativeRate.rounded())
            lines.append("\(path): recorded at \(rate) Hz, below the \(Int(analysisRate.rounded())) Hz analysis rate: nothing above \(nyquist) Hz, so its loudness, spectral-balance and MFCC values (and emotion scores from a wideband model) are not comparable with wideband speech")
        }
        if isClipped {
            lines.append("\(path): clipped: \(String(format2: 100 * clippedFraction)) % of its samples are at full scale, which distorts its level, spectral and voice-quality features")
        }
        if channelsCancel, let ratio = mixEnergyRatio {
            let average = ratio > 0 ? "\(Int((-10 * log10(ratio)).rounded())) dB below them" : "silent"
            lines.append("\(path): its channels cancel when averaged (their average is \(average)): analyse one with --channel")
        }
        return lines
    }
}

/// Counts what ``SignalCondition`` reports while samples stream past; allocation-free and vectorised.
struct SignalMeter {
    private(set) var samples: Int64 = 0
    private(set) var clipped: Int64 = 0
    private var channelEnergy = 0.0
    private var mixEnergy = 0.0
    private var mixed = false

    /// Counts the samples of `count` values at `start` at full scale.
    mutating func count(_ start: UnsafePointer<Float>, _ count: Int) {
        let level = SignalCondition.fullScale
        var hits = 0
        for i in 0..<count { hits &+= abs(start[i]) >= level ? 1 : 0 }
        samples += Int64(count)
        clipped += Int64(hits)
    }

    /// Adds one block's energies: the sum of squares over all channels divided by the channel count, and
    /// that of their average.
    mutating func addMix(channelEnergy perChannel: Double, mixEnergy mix: Double) {
        mixed = true
        channelEnergy += perChannel
        mixEnergy += mix
    }

    /// The condition of what was counted, for a recording at `nativeRate` analysed at `analysisRate`.
    func condition(nativeRate: Double, analysisRate: Double) -> SignalCondition {
        var condition = SignalCondition(nativeRate: nativeRate, analysisRate: analysisRate)
        condition.samples = samples
        condition.clippedSamples = clipped
        // Silent channels do not cancel: there is nothing to lose.
        if mixed && channelEnergy > 0 { condition.mixEnergyRatio = mixEnergy / channelEnergy }
        return condition
    }

    mutating func reset() { self = SignalMeter() }
}
