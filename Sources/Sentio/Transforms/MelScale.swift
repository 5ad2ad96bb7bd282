#if canImport(Glibc)
import Glibc
#endif

/// Mel-frequency scales.
public enum MelScale: Sendable, Hashable {
    /// HTK/Kaldi mel: `m = 1127 ln(1 + f / 700)` (equivalently `2595 log10(1 + f / 700)`).
    case htk
    /// Slaney's Auditory Toolbox mel (librosa's default): linear below 1 kHz (`f / (200/3)`), logarithmic
    /// above (`15 + ln(f / 1000) / (ln(6.4) / 27)`).
    case slaney

    private static let slaneyStep = 200.0 / 3
    private static let slaneyLogStep = log(6.4) / 27
    private static let slaneyBreakMel = 1000.0 / slaneyStep

    /// Mel value of `hertz`.
    public func mel(_ hertz: Double) -> Double {
        switch self {
        case .htk:
            return 1127 * log(1 + hertz / 700)
        case .slaney:
            return hertz >= 1000 ? Self.slaneyBreakMel + log(hertz / 1000) / Self.slaneyLogStep : hertz / Self.slaneyStep
        }
    }

    /// Frequency in Hz of `mel`.
    public func hertz(_ mel: Double) -> Double {
        switch self {
        case .htk:
            return 700 * (exp(mel / 1127) - 1)
        case .slaney:
            return mel >= Self.slaneyBreakMel ? 1000 * exp(Self.slaneyLogStep * (mel - Self.slaneyBreakMel)) : mel * Self.slaneyStep
        }
    }
}
