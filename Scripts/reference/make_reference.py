#!/usr/bin/env python3
"""Writes reference feature matrices for Sentio's Swift tests.

For each clip in CLIPS (Fixtures/audio, all 16 kHz mono 16-bit PCM) this computes
features with kaldi-native-fbank (Kaldi compute-mfcc-feats / compute-fbank-feats
defaults, dither 0) and librosa, and writes them to

    Fixtures/reference/<clip-stem>.<name>.npy

as float32 little-endian, C-order .npy files (numpy.save) of shape
(n_frames, n_dims): FRAMES ARE ROWS. It also writes Fixtures/reference/manifest.csv
(clip,name,rows,cols) and Fixtures/reference/README.md (exact calls, shapes,
library versions and the kaldi-native-fbank options as read back from the options
objects).

Run through Scripts/reference/make_reference.sh (creates the venv with the pinned
requirements) or directly with a Python that has requirements.txt installed:

    python Scripts/reference/make_reference.py      # from any directory

Deterministic: no randomness (dither = 0), single-threaded BLAS, fixed clip order,
no timestamps in the outputs. Two runs give byte-identical files.

Names written per clip:
  kaldi_mfcc          knf.OnlineMfcc, 13 ceps (C0 replaced by raw log-energy), (T_k, 13)
  kaldi_mfcc_f64      the same Kaldi recipe in float64 NumPy (independent of knf), (T_k, 13)
  kaldi_fbank         knf.OnlineFbank, 23 log mel power bins, no energy,       (T_k, 23)
  librosa_mfcc        librosa.feature.mfcc, 13 coeffs, 40 mels,                 (T_l, 13)
  librosa_logmel      power_to_db(melspectrogram(...)), 40 mels,                (T_l, 40)
  spectral_centroid   librosa.feature.spectral_centroid(S=|STFT|),              (T_l, 1)
  spectral_bandwidth  librosa.feature.spectral_bandwidth(S=|STFT|, p=2),        (T_l, 1)
  spectral_rolloff    librosa.feature.spectral_rolloff(S=|STFT|, 0.85),         (T_l, 1)
  spectral_flatness   librosa.feature.spectral_flatness(S=|STFT|, power=2),     (T_l, 1)
  rms                 librosa.feature.rms(y=y, 512/160, centered, zero pad),    (T_l, 1)
  zcr                 librosa.feature.zero_crossing_rate(y, 512/160, centered), (T_l, 1)
with T_k = 1 + (N - 400) // 160 (snip_edges) and T_l = 1 + N // 160 (center=True).
"""

import os

# Single-threaded BLAS/OpenMP so that matrix products (librosa's mel einsum) are
# bit-reproducible run to run. Must be set before numpy is imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
# OpenBLAS picks its kernels by CPU: on an AVX-512 machine the mel product rounds differently (by up to 3e-5
# in the MFCCs) from the AVX2 machine that made the stored files. Haswell's kernels run on any x86-64 CPU
# with AVX2 and reproduce those files byte for byte.
os.environ.setdefault("OPENBLAS_CORETYPE", "Haswell")

import csv  # noqa: E402
import hashlib  # noqa: E402
import sys  # noqa: E402
from importlib import metadata  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import scipy.fft  # noqa: E402
import soundfile as sf  # noqa: E402
import kaldi_native_fbank as knf  # noqa: E402
import librosa  # noqa: E402

SCRIPT_DIR = Path(__file__).resolve().parent
REPO_ROOT = SCRIPT_DIR.parent.parent
AUDIO_DIR = REPO_ROOT / "Fixtures" / "audio"
OUT_DIR = REPO_ROOT / "Fixtures" / "reference"

CLIPS = ["speech-en.wav", "speech-en-2.wav", "speech-en-3.wav", "chirp-16k.wav", "noise-16k.wav"]
NAMES = [
    "kaldi_mfcc",
    "kaldi_fbank",
    "kaldi_mfcc_f64",
    "librosa_mfcc",
    "librosa_logmel",
    "spectral_centroid",
    "spectral_bandwidth",
    "spectral_rolloff",
    "spectral_flatness",
    "rms",
    "zcr",
]
VERSION_PACKAGES = ["librosa", "kaldi-native-fbank", "numpy", "scipy", "soundfile", "numba", "soxr"]

SR = 16000
MAX_DIR_BYTES = int(1.5 * 1024 * 1024)

# ----------------------------------------------------------------------------------------------
# Kaldi (kaldi-native-fbank) options. Every field of the options objects is set explicitly.
#
# Kaldi compute-mfcc-feats defaults (+ dither 0):
FRAME_OPTS = dict(
    samp_freq=16000.0,
    frame_length_ms=25.0,  # 400 samples
    frame_shift_ms=10.0,  # 160 samples
    dither=0.0,  # knf's default is 3e-05 (random!); 0 => deterministic
    preemph_coeff=0.97,
    remove_dc_offset=True,
    window_type="povey",  # (0.5 - 0.5*cos(2*pi*n/(N-1)))^0.85
    round_to_power_of_two=True,  # 512-point FFT
    blackman_coeff=0.42,  # unused with window_type="povey"
    snip_edges=True,  # frames fully inside the signal: 1 + (N - 400) // 160
)
# Kaldi-compatible mel options. The extra knf-only fields (is_librosa, norm,
# use_slaney_mel_scale, floor_to_int_bin) are left at their Kaldi-compatible defaults:
# is_librosa=False selects Kaldi's HTK-mel (1127*ln(1+f/700)) triangles, which are
# un-normalised; norm / use_slaney_mel_scale / floor_to_int_bin are documented as
# "used only when is_librosa is true", so they have no effect here.
MEL_OPTS = dict(
    num_bins=23,
    low_freq=20.0,
    high_freq=0.0,  # 0 => Nyquist (8000 Hz)
    vtln_low=100.0,  # VTLN unused (warp factor 1)
    vtln_high=-500.0,
    debug_mel=False,
    htk_mode=False,
    is_librosa=False,  # knf extra: Kaldi-style filters
    norm="slaney",  # knf extra: ignored unless is_librosa
    use_slaney_mel_scale=True,  # knf extra: ignored unless is_librosa
    floor_to_int_bin=False,  # knf extra: ignored unless is_librosa
)
MFCC_OPTS = dict(
    num_ceps=13,
    use_energy=True,  # C0 is replaced by the log energy
    energy_floor=0.0,
    raw_energy=True,  # energy measured before pre-emphasis/window (after DC removal)
    cepstral_lifter=22.0,
    htk_compat=False,
)
FBANK_OPTS = dict(
    use_energy=False,
    energy_floor=0.0,
    raw_energy=True,
    htk_compat=False,
    use_log_fbank=True,
    use_log_floor=True,  # knf extra: log(max(e, eps)) as in Kaldi (False = log(e + eps), NeMo)
    eps=float(np.finfo(np.float32).eps),  # knf extra: FLT_EPSILON, Kaldi's floor
    use_power=True,
)

# ----------------------------------------------------------------------------------------------
# librosa parameters
N_FFT = 512
HOP = 160
WIN = 400
N_MELS = 40
N_MFCC = 13
STFT_KW = dict(n_fft=N_FFT, hop_length=HOP, win_length=WIN, window="hann", center=True, pad_mode="constant")
MEL_KW = dict(n_mels=N_MELS, htk=False, fmin=0.0, fmax=None)
DB_KW = dict(ref=1.0, amin=1e-10, top_db=80.0)


def _set_fields(obj, values, label):
    for key, value in values.items():
        if not hasattr(obj, key):
            raise SystemExit(f"{label}: knf options object has no field {key!r}")
        setattr(obj, key, value)


def _check_fields(actual, expected, label):
    """Compares the options read back from knf (as_dict) with what we set."""
    for key, want in expected.items():
        got = actual[key]
        if isinstance(want, float):
            ok = np.float32(got) == np.float32(want)
        else:
            ok = got == want
        if not ok:
            raise SystemExit(f"{label}.{key}: set {want!r}, knf reports {got!r}")


def kaldi_options():
    mfcc = knf.MfccOptions()
    _set_fields(mfcc.frame_opts, FRAME_OPTS, "mfcc.frame_opts")
    _set_fields(mfcc.mel_opts, MEL_OPTS, "mfcc.mel_opts")
    _set_fields(mfcc, MFCC_OPTS, "mfcc")

    fbank = knf.FbankOptions()
    _set_fields(fbank.frame_opts, FRAME_OPTS, "fbank.frame_opts")
    _set_fields(fbank.mel_opts, MEL_OPTS, "fbank.mel_opts")
    _set_fields(fbank, FBANK_OPTS, "fbank")

    # Read everything back from the options objects (guards against pybind copies).
    md, fd = mfcc.as_dict(), fbank.as_dict()
    _check_fields(md["frame_opts"], FRAME_OPTS, "mfcc.frame_opts")
    _check_fields(md["mel_opts"], MEL_OPTS, "mfcc.mel_opts")
    _check_fields(md, MFCC_OPTS, "mfcc")
    _check_fields(fd["frame_opts"], FRAME_OPTS, "fbank.frame_opts")
    _check_fields(fd["mel_opts"], MEL_OPTS, "fbank.mel_opts")
    _check_fields(fd, FBANK_OPTS, "fbank")
    return mfcc, fbank


def run_online(computer_cls, opts, samples_int16_scale):
    comp = computer_cls(opts)
    comp.accept_waveform(SR, samples_int16_scale)
    ready_before = comp.num_frames_ready
    # With snip_edges=True every frame is ready once its samples are accepted;
    # input_finished() only matters for snip_edges=False. Called anyway (clean API use).
    comp.input_finished()
    n = comp.num_frames_ready
    if n != ready_before:
        raise SystemExit(f"{computer_cls.__name__}: input_finished changed frame count {ready_before} -> {n}")
    return np.stack([np.asarray(comp.get_frame(i), dtype=np.float32) for i in range(n)])


def read_clip(path):
    info = sf.info(str(path))
    if info.samplerate != SR or info.channels != 1 or info.subtype != "PCM_16":
        raise SystemExit(f"{path}: expected 16 kHz mono PCM_16, got {info}")
    y, sr = sf.read(str(path), dtype="float32", always_2d=False)
    assert sr == SR and y.ndim == 1 and y.dtype == np.float32
    return y  # = int16 / 32768


def kaldi_mfcc_float64(wav):
    """The Kaldi compute-mfcc-feats recipe (the options above, dither 0) in float64 NumPy, written from
    Kaldi's feature-window.cc / mel-computations.cc / feature-mfcc.cc. knf computes in float32, whose FFT
    rounding dominates mel bands ~120 dB below the peak (pure tones such as chirp-16k); this independent
    double-precision computation is the tie-breaker there."""
    x = wav.astype(np.float64)
    L, H, NFFT, NB, NC, Q = 400, 160, 512, 23, 13, 22.0
    n_frames = 1 + (len(x) - L) // H
    idx = np.arange(L)
    povey = (0.5 - 0.5 * np.cos(2 * np.pi * idx / (L - 1))) ** 0.85
    mel = lambda f: 1127.0 * np.log(1.0 + f / 700.0)
    lo, hi = mel(20.0), mel(SR / 2)
    delta = (hi - lo) / (NB + 1)
    bins_mel = mel(np.arange(NFFT // 2) * SR / NFFT)
    bank = np.zeros((NB, NFFT // 2 + 1))
    for b in range(NB):
        left, center, right = lo + b * delta, lo + (b + 1) * delta, lo + (b + 2) * delta
        up = (bins_mel > left) & (bins_mel <= center)
        down = (bins_mel > center) & (bins_mel < right)
        bank[b, :NFFT // 2][up] = (bins_mel[up] - left) / (center - left)
        bank[b, :NFFT // 2][down] = (right - bins_mel[down]) / (right - center)
    k = np.arange(NC)[:, None]
    n = np.arange(NB)[None, :]
    dct = np.sqrt(2.0 / NB) * np.cos(np.pi / NB * (n + 0.5) * k)
    dct[0, :] = np.sqrt(1.0 / NB)
    lifter = 1.0 + 0.5 * Q * np.sin(np.pi * np.arange(NC) / Q)
    eps = float(np.finfo(np.float32).eps)
    out = np.zeros((n_frames, NC))
    for t in range(n_frames):
        f = x[t * H:t * H + L].copy()
        f -= f.mean()
        energy = np.log(max(np.dot(f, f), eps))
        f[1:] = f[1:] - 0.97 * f[:-1]
        f[0] -= 0.97 * f[0]
        f *= povey
        power = np.abs(np.fft.rfft(f, NFFT)) ** 2
        logmel = np.log(np.maximum(bank @ power, eps))
        c = (dct @ logmel) * lifter
        c[0] = energy
        out[t] = c
    return out


def compute(y, mfcc_opts, fbank_opts):
    out = {}

    # --- Kaldi ------------------------------------------------------------------------------
    wav = (y * np.float32(32768.0)).astype(np.float32)  # exact int16 values as float
    out["kaldi_mfcc"] = run_online(knf.OnlineMfcc, mfcc_opts, wav)
    out["kaldi_fbank"] = run_online(knf.OnlineFbank, fbank_opts, wav)
    out["kaldi_mfcc_f64"] = kaldi_mfcc_float64(wav)

    # --- librosa: log-mel and MFCC ----------------------------------------------------------
    melspec = librosa.feature.melspectrogram(y=y, sr=SR, power=2.0, norm="slaney", **STFT_KW, **MEL_KW)
    logmel = librosa.power_to_db(melspec, **DB_KW)
    mfcc = librosa.feature.mfcc(
        y=y, sr=SR, n_mfcc=N_MFCC, dct_type=2, norm="ortho", lifter=0, mel_norm="slaney",
        power=2.0, **STFT_KW, **MEL_KW,
    )
    # Consistency: librosa's mfcc is DCT-II(ortho) of exactly this log-mel matrix.
    dct = scipy.fft.dct(logmel, axis=-2, type=2, norm="ortho")[:N_MFCC]
    if not np.array_equal(dct, mfcc):
        diff = float(np.max(np.abs(dct - mfcc)))
        if diff > 1e-3:
            raise SystemExit(f"librosa mfcc != dct(logmel): max diff {diff}")
    out["librosa_mfcc"] = mfcc.T
    out["librosa_logmel"] = logmel.T

    # --- librosa: spectral descriptors from one magnitude spectrogram -----------------------
    S = np.abs(librosa.stft(y, **STFT_KW))
    melspec_from_S = librosa.feature.melspectrogram(S=S**2.0, sr=SR, n_fft=N_FFT, norm="slaney", **MEL_KW)
    if not np.allclose(melspec_from_S, melspec, rtol=1e-5, atol=0):
        raise SystemExit("melspectrogram(y=...) differs from melspectrogram(S=|stft|^2)")
    out["spectral_centroid"] = librosa.feature.spectral_centroid(S=S, sr=SR, n_fft=N_FFT).T
    out["spectral_bandwidth"] = librosa.feature.spectral_bandwidth(S=S, sr=SR, n_fft=N_FFT, p=2).T
    out["spectral_rolloff"] = librosa.feature.spectral_rolloff(S=S, sr=SR, n_fft=N_FFT, roll_percent=0.85).T
    out["spectral_flatness"] = librosa.feature.spectral_flatness(S=S, n_fft=N_FFT, power=2.0, amin=1e-10).T

    # --- librosa: time-domain ---------------------------------------------------------------
    out["rms"] = librosa.feature.rms(y=y, frame_length=N_FFT, hop_length=HOP, center=True, pad_mode="constant").T
    # NOTE: zero_crossing_rate pads with np.pad(mode="edge") when center=True (hard-coded in
    # librosa, no pad_mode argument), unlike stft/rms which pad with zeros here.
    out["zcr"] = librosa.feature.zero_crossing_rate(y, frame_length=N_FFT, hop_length=HOP, center=True).T

    return out


def save_npy(path, arr):
    a = np.ascontiguousarray(arr, dtype="<f4")
    if a.ndim != 2:
        raise SystemExit(f"{path}: expected 2-D, got {a.shape}")
    if not np.all(np.isfinite(a)):
        raise SystemExit(f"{path}: non-finite values")
    np.save(path, a, allow_pickle=False)
    return a.shape


def versions():
    return {p: metadata.version(p) for p in VERSION_PACKAGES}


def sentio_run_versions(sentio, packages):
    """What a Sentio-vs-reference report should record: the Sentio build (version, executable digest,
    repository commit) and the Python side (interpreter, `packages`, librosa's FFT backend)."""
    import subprocess
    v = {"sentio": subprocess.run([sentio, "--version"], capture_output=True, text=True).stdout.strip()}
    v["sentio executable"] = f"`{sentio}` (sha256 {hashlib.sha256(Path(sentio).read_bytes()).hexdigest()[:16]}...)"
    try:
        commit = subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO_ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        v["repository commit"] = commit + (" (working tree has uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        v["repository commit"] = "unknown"
    v["python"] = sys.version.split()[0]
    for p in packages:
        v[p] = metadata.version(p)
    v["librosa FFT backend"] = librosa.get_fftlib().__name__
    return v


def fmt_opts(d, indent=""):
    lines = []
    for k, v in d.items():
        if isinstance(v, dict):
            lines.append(f"{indent}{k}:")
            lines.extend(fmt_opts(v, indent + "  "))
        else:
            lines.append(f"{indent}{k}: {v!r}")
    return lines


def write_readme(results, vers, mfcc_opts, fbank_opts):
    clip_rows = []
    for clip, info in results.items():
        clip_rows.append(
            f"| `{clip}` | {info['N']} | {info['kaldi_frames']} | {info['librosa_frames']} |"
        )
    file_rows = []
    for clip, info in results.items():
        for name in NAMES:
            r, c = info["shapes"][name]
            file_rows.append(f"| `{clip}.{name}.npy` | {r} | {c} |")

    v = vers
    text = f"""# Reference feature matrices

Generated by [`Scripts/reference/make_reference.py`](../../Scripts/reference/make_reference.py)
(run it through `bash Scripts/reference/make_reference.sh`, which creates a venv outside
the repository with the exact pins of `Scripts/reference/requirements.txt`). Do not edit
by hand; this README, `manifest.csv` and every `.npy` file are rewritten by the script.

Swift tests compare Sentio's features against these files; no Python is needed at test time.

## Format

* `<clip-stem>.<name>.npy`: NumPy `.npy` v1.0, dtype `<f4` (float32 little-endian),
  C order (`fortran_order: False`), 2-D shape `(n_frames, n_dims)`.
  **Frames are rows**: row `t` is the feature vector of frame `t`.
* `manifest.csv`: `clip,name,rows,cols` for every `.npy` file.
* Input audio: `Fixtures/audio/<clip>.wav` (16 kHz, mono, 16-bit PCM), read with
  `soundfile.read(path, dtype="float32")`, i.e. `y = int16 / 32768`. `N` = number of samples.

## Library versions

| package | version |
|---|---|
""" + "\n".join(f"| {k} | {val} |" for k, val in v.items()) + f"""

Python {sys.version.split()[0]}. BLAS/OpenMP/numba limited to 1 thread. librosa's FFT backend:
`{librosa.get_fftlib().__name__}`.

## Clips and frame counts

Kaldi frames (`snip_edges=True`): `1 + (N - 400) // 160`. librosa frames (`center=True`):
`1 + N // 160`. Both formulas are checked by the script.

| clip | N (samples) | Kaldi frames | librosa frames |
|---|---:|---:|---:|
""" + "\n".join(clip_rows) + """

## How each file was made

`y` is the float32 signal above; `wav = y * 32768` (float32 holding the int16 values,
Kaldi's scale).

### `kaldi_mfcc`  (Kaldi frames × 13)

```python
opts = knf.MfccOptions()   # every field below set explicitly, then read back and checked
m = knf.OnlineMfcc(opts); m.accept_waveform(16000, wav); m.input_finished()
np.stack([m.get_frame(i) for i in range(m.num_frames_ready)])
```

Equivalent to Kaldi `compute-mfcc-feats --dither=0` with default options: 25 ms / 10 ms
frames (400 / 160 samples), `snip_edges`, DC removal per frame, pre-emphasis 0.97
(`x[0] -= 0.97 * x[0]` at the frame start), Povey window, 512-point FFT, power spectrum,
23 HTK-mel triangles from 20 Hz to 8000 Hz (no normalisation), `log(max(e, FLT_EPSILON))`,
DCT-II (Kaldi's scaled DCT matrix), 13 cepstra, lifter 22, and column 0 replaced by
the raw log-energy `log(max(sum(x^2), FLT_EPSILON))` of the frame after DC removal and
before pre-emphasis/windowing.

### `kaldi_fbank`  (Kaldi frames × 23)

Same frame and mel options with `knf.FbankOptions` / `knf.OnlineFbank`: `use_energy=False`,
`use_log_fbank=True`, `use_power=True` (log mel power, `log(max(e, FLT_EPSILON))`). For
debugging `kaldi_mfcc`.

### kaldi-native-fbank options as read back from the options objects (`as_dict()`)

MfccOptions:

```
""" + "\n".join(fmt_opts(mfcc_opts.as_dict())) + """
```

FbankOptions:

```
""" + "\n".join(fmt_opts(fbank_opts.as_dict())) + """
```

knf-only fields kept at Kaldi-compatible values: `mel_opts.is_librosa=False` (Kaldi
filters), `mel_opts.norm="slaney"`, `mel_opts.use_slaney_mel_scale=True`,
`mel_opts.floor_to_int_bin=False` (these three are used only when `is_librosa` is true),
`FbankOptions.use_log_floor=True` and `eps=FLT_EPSILON` (Kaldi's `log(max(e, eps))`).

### `librosa_logmel`  (librosa frames × 40)

```python
M = librosa.feature.melspectrogram(y=y, sr=16000, n_fft=512, hop_length=160, win_length=400,
        window="hann", center=True, pad_mode="constant", power=2.0,
        n_mels=40, htk=False, norm="slaney", fmin=0.0, fmax=None)
librosa.power_to_db(M, ref=1.0, amin=1e-10, top_db=80.0).T
```

### `librosa_mfcc`  (librosa frames × 13)

```python
librosa.feature.mfcc(y=y, sr=16000, n_mfcc=13, dct_type=2, norm="ortho", lifter=0,
        mel_norm="slaney", power=2.0, n_fft=512, hop_length=160, win_length=400,
        window="hann", center=True, pad_mode="constant", n_mels=40, htk=False,
        fmin=0.0, fmax=None).T
```

= `scipy.fft.dct(logmel, type=2, norm="ortho", axis=mel)[:13]` of the matrix above (the
script checks this).

### Spectral descriptors  (librosa frames × 1 each)

All from the same magnitude spectrogram:

```python
S = np.abs(librosa.stft(y, n_fft=512, hop_length=160, win_length=400, window="hann",
        center=True, pad_mode="constant"))
spectral_centroid  = librosa.feature.spectral_centroid(S=S, sr=16000, n_fft=512).T
spectral_bandwidth = librosa.feature.spectral_bandwidth(S=S, sr=16000, n_fft=512, p=2).T
spectral_rolloff   = librosa.feature.spectral_rolloff(S=S, sr=16000, n_fft=512, roll_percent=0.85).T
spectral_flatness  = librosa.feature.spectral_flatness(S=S, n_fft=512, power=2.0, amin=1e-10).T
```

### `rms`  (librosa frames × 1)

```python
librosa.feature.rms(y=y, frame_length=512, hop_length=160, center=True, pad_mode="constant").T
```

Time domain, no window: `sqrt(mean(x^2))` over 512 samples of the signal zero-padded by
256 on each side.

### `zcr`  (librosa frames × 1)

```python
librosa.feature.zero_crossing_rate(y, frame_length=512, hop_length=160, center=True).T
```

Note: with `center=True` librosa pads by 256 samples on each side with `np.pad(mode="edge")`
(repeats the first/last sample; hard-coded), not with zeros. Per frame: count of
`i in 1..511` with `signbit(x[i]) != signbit(x[i-1])` (samples with `|x| <= 1e-10` count as
+0, i.e. zero is positive; index 0 never counts), divided by 512.

## Details that matter when reimplementing

* librosa STFT: `center=True, pad_mode="constant"` pads 256 zeros on each side (this is also
  librosa @LIBROSA_VERSION@'s default `pad_mode`). The window is a *periodic* Hann of length 400
  (`scipy.signal.get_window("hann", 400, fftbins=True)`) zero-padded to 512 with 56 zeros on
  each side (`librosa.util.pad_center`). Frame `t` is centred on sample `160 t`.
  The FFT of float32 input is computed in single precision (complex64).
* librosa mel filterbank (`librosa.filters.mel`, `dtype=float32` default): the triangles are
  computed in float64 (Slaney mel scale, `htk=False`, 42 edges from 0 to 8000 Hz), stored
  row-by-row into a float32 array, then multiplied in place by the float64 Slaney factor
  `2 / (f[i+2] - f[i])` and rounded to float32 again.
* `power_to_db(..., top_db=80)` clips at `max - 80 dB` where `max` is the maximum over the
  WHOLE clip (all frames and mel bands), not per frame. So `librosa_logmel`/`librosa_mfcc`
  of a frame depend on the rest of the clip.
* `spectral_centroid` / `spectral_bandwidth` normalise each column of `S` by its sum (L1);
  a column whose sum is below the float32 tiny value is left un-normalised (gives 0).
  Frequencies are `fft_frequencies(sr=16000, n_fft=512)` = `k * 31.25` Hz.
* `spectral_rolloff`: the smallest bin frequency whose cumulative magnitude sum reaches
  `0.85 * total` (magnitude, not power).
* `spectral_flatness`: `exp(mean(log(max(1e-10, S^2)))) / mean(max(1e-10, S^2))` over the 257 bins.
* Kaldi mel banks (knf, like Kaldi) use only FFT bins 0..255 (the Nyquist bin 256 gets no
  weight); a bin gets weight iff its HTK mel lies strictly between the left and right edges.
  knf computes the FFT, mel weights and logs in float32.
* `speech-en` and `speech-en-3` contain stretches of digital silence (exact zeros). There
  the Kaldi outputs hit the floor `log(FLT_EPSILON) = -15.942385` (every `kaldi_fbank` bin and
  the energy column of `kaldi_mfcc`), `spectral_centroid`/`spectral_rolloff`/`rms`/`zcr` are 0,
  and `spectral_flatness` is `1.0000006` (float32 rounding of `1e-10 / 1e-10`).
* `chirp-16k` is a single sinusoid, so mel bands far from the tone hold ~1e-12 of the peak
  power; in those bands float32 FFT round-off changes the log values by up to ~0.015 (Kaldi
  fbank) / ~0.07 (Kaldi MFCC) compared with a float64 computation. A float64 NumPy
  re-implementation of the Kaldi recipe matched `kaldi_*` to <1e-4 (fbank) / <6e-4 (MFCC)
  on `speech-en` and `noise-16k`. Choose test tolerances accordingly.

## Files

| file | rows | cols |
|---|---:|---:|
""" + "\n".join(file_rows) + "\n"
    text = text.replace("@LIBROSA_VERSION@", v["librosa"])
    (OUT_DIR / "README.md").write_text(text)


def main():
    np.set_printoptions(precision=6, suppress=True)
    vers = versions()
    print("versions:", ", ".join(f"{k}=={v}" for k, v in vers.items()))
    mfcc_opts, fbank_opts = kaldi_options()
    print("knf MfccOptions (read back):")
    print(mfcc_opts)
    print("knf FbankOptions (read back):")
    print(fbank_opts)

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    # Remove stale outputs from earlier runs so the folder holds exactly what we write.
    for old in OUT_DIR.glob("*.npy"):
        old.unlink()

    results = {}
    manifest = []
    ok = True
    for clip in CLIPS:
        stem = Path(clip).stem
        y = read_clip(AUDIO_DIR / clip)
        n = len(y)
        feats = compute(y, mfcc_opts, fbank_opts)
        shapes = {}
        for name in NAMES:
            shapes[name] = save_npy(OUT_DIR / f"{stem}.{name}.npy", feats[name])
            manifest.append((stem, name) + shapes[name])
        kaldi_expected = 1 + (n - 400) // 160
        librosa_expected = 1 + n // 160
        kaldi_frames = {shapes[k][0] for k in NAMES if k.startswith("kaldi_")}
        librosa_frames = {shapes[k][0] for k in NAMES if not k.startswith("kaldi_")}
        match_k = kaldi_frames == {kaldi_expected}
        match_l = librosa_frames == {librosa_expected}
        ok = ok and match_k and match_l
        print(
            f"{clip}: N={n}  kaldi frames={sorted(kaldi_frames)} (1+(N-400)//160={kaldi_expected}, "
            f"{'match' if match_k else 'MISMATCH'})  librosa frames={sorted(librosa_frames)} "
            f"(1+N//160={librosa_expected}, {'match' if match_l else 'MISMATCH'})"
        )
        results[stem] = dict(N=n, kaldi_frames=kaldi_expected, librosa_frames=librosa_expected, shapes=shapes)

    with open(OUT_DIR / "manifest.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["clip", "name", "rows", "cols"])
        w.writerows(manifest)
    write_readme(results, vers, mfcc_opts, fbank_opts)

    total = sum(p.stat().st_size for p in OUT_DIR.iterdir() if p.is_file())
    digest = hashlib.sha256()
    for p in sorted(OUT_DIR.iterdir()):
        if p.is_file():
            digest.update(p.name.encode() + b"\0" + p.read_bytes())
    print(f"wrote {len(manifest)} .npy files + manifest.csv + README.md to {OUT_DIR}")
    print(f"total size of {OUT_DIR.name}/: {total} bytes ({total / 1024:.1f} KiB); sha256 of folder: {digest.hexdigest()}")
    if not ok:
        raise SystemExit("frame counts do not match the expected formulas")
    if total > MAX_DIR_BYTES:
        raise SystemExit(f"Fixtures/reference is {total} bytes, over the {MAX_DIR_BYTES}-byte budget")


if __name__ == "__main__":
    main()
