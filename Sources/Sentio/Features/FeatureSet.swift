/// The feature sets `sentio features --set` offers.
public enum FeatureSet: String, Sendable, CaseIterable, Hashable {
    /// 13 MFCCs (`mfcc_0 ... mfcc_12`; in the Kaldi preset `mfcc_0` is the raw log energy).
    case mfcc
    /// Deltas and delta-deltas of the 13 MFCCs (`mfcc_d_*`, `mfcc_dd_*`; Kaldi `add-deltas`, window 2).
    /// Combine with `mfcc` for the usual 39-dimensional vector.
    case mfccDelta = "mfcc-delta"
    /// `rms`, `log_energy`, `zcr`.
    case energy
    /// Spectral centroid, bandwidth, roll-off, flatness, flux, entropy and slope.
    case spectral
    /// `f0_hz` (0 when unvoiced) and `voicing_prob`, see ``PitchTracker``.
    case pitch
    /// Over voiced frames (0 elsewhere): `jitter_local` (Praat's local jitter, a fraction), `shimmer_local_db`,
    /// `hnr_db`, and `f1_hz`, `f1_bandwidth_hz` ... `f3_bandwidth_hz` (Burg LPC); see ``VoiceOptions``.
    case voice
    /// The 25 eGeMAPSv02 low-level descriptors under openSMILE's names (``EGeMAPS/lowLevelDescriptors``); at
    /// the file and segment levels, the 88 eGeMAPSv02 functionals (``EGeMAPS/functionals``).
    case egemaps
}

/// Named configurations that make Sentio's numbers match a reference tool.
public enum FeaturePreset: String, Sendable, CaseIterable, Hashable {
    /// Kaldi `compute-mfcc-feats` (25 ms / 10 ms, `snip_edges`), see ``MFCCOptions/kaldi``.
    case kaldi
    /// librosa (`n_fft=512, hop_length=160, win_length=400, center=True`), see ``MFCCOptions/librosa``.
    case librosa
}
