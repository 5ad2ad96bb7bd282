"""Standalone NumPy re-implementation of the openSMILE 2.6.0 eGeMAPSv02 spectral LLDs
(Loudness, alphaRatio, hammarbergIndex, slope0-500, slope500-1500, spectralFlux, mfcc1-4; all _sma3).
See egemaps_spectral.md for the step-by-step specification."""
import numpy as np
import pandas as pd
import soundfile as sf

F32 = np.float32
SR = 16000
FRAME = 320          # 0.020 s
STEP = 160           # 0.010 s
NFFT = 512           # next pow2 of 320
PADL = (NFFT - FRAME) // 2   # 96 zeros left, 96 right
NBINS = NFFT // 2 + 1        # 257
BIN_HZ = SR / NFFT           # 31.25 Hz  (= 1/0.032 s)
NBANDS = 26


def _mel(f):
    return 1127.0 * np.log(1.0 + f / 700.0)


def _imel(m):
    return 700.0 * (np.exp(m / 1127.0) - 1.0)


def mel_filterbank():
    """cMelspec (non-HTK-bandwidth branch): triangles in mel domain, peak 1, no area normalisation.
    Returns W[26, 257] and the 26 band centre frequencies in Hz."""
    lofreq, hifreq = 20.0, 8000.0
    LoF = F32(_mel(lofreq)); HiF = F32(_mel(hifreq))
    mBandw = F32((HiF - LoF) / F32(NBANDS + 1))
    cfs = np.array([F32(LoF + F32(m) * mBandw) for m in range(NBANDS + 2)], dtype=F32)
    nLoF = int(round(lofreq / BIN_HZ))   # 1
    nHiF = int(round(hifreq / BIN_HZ))   # 256
    W = np.zeros((NBANDS, NBINS))
    for n in range(nLoF, nHiF):
        if n <= nLoF:
            continue                    # chanMap = -3 -> bin ignored (bin 1)
        nM = F32(_mel(n * BIN_HZ))
        # m2: Cf[m2] < nM <= Cf[m2+1]
        m2 = 0
        while nM > cfs[m2 + 1] and m2 <= NBANDS:
            m2 += 1
        coef = F32((cfs[m2 + 1] - nM) / (cfs[m2 + 1] - cfs[m2]))
        b = m2 - 1                      # band on whose falling slope bin n lies
        if b > -1:
            W[b, n] += coef
        if b < NBANDS - 1:
            W[b + 1, n] += 1.0 - coef
    centres = _imel(cfs[1:NBANDS + 1].astype(np.float64))
    return W, centres


def eql_weight(f):
    """smileDsp_equalLoudnessWeight (non-HTK, Hermansky PLP equal-loudness)."""
    w = 2.0 * np.pi * f
    w2 = w * w
    c = w2 + 6300000.0
    return 1e32 * ((w2 + 56.8e6) * w2 * w2) / (c * c * (w2 + 0.38e9) * (w2 * w2 * w2 * w + 1.7e31))


def _frames(x):
    n = (len(x) - FRAME) // STEP + 1
    idx = np.arange(FRAME)[None, :] + STEP * np.arange(n)[:, None]
    return x[idx]


def spectral_llds(x):
    """x: float samples = int16/32767. Returns dict of unsmoothed LLDs (one value per 20 ms frame)."""
    fr = _frames(x).astype(np.float64)
    n = np.arange(FRAME)
    win = 0.54 - 0.46 * np.cos(2.0 * np.pi * n / (FRAME - 1.0))
    fw = fr * win
    buf = np.zeros((fr.shape[0], NFFT))
    buf[:, PADL:PADL + FRAME] = fw
    mag = np.abs(np.fft.rfft(buf, axis=1))          # no 1/N scaling
    P = mag * mag
    frq = np.arange(NBINS) * BIN_HZ
    out = {}

    # --- loudness: cMelspec(usePower, htkcompatible=0) -> cPlp(doAud, compression .33) -> mean
    W, centres = mel_filterbank()
    mel = P @ W.T
    eql = eql_weight(centres)
    aud = (np.maximum(mel, 9.3e-10) * eql) ** 0.33
    out['Loudness'] = aud.mean(axis=1)

    # --- alpha ratio / hammarberg (power spectrum, bins 0..160 i.e. f<=5000)
    Pf = P.astype(F32)
    sum01 = Pf[:, 0:32].astype(np.float64).sum(axis=1)     # f < 1000 : bins 0..31
    sum15 = Pf[:, 32:161].astype(np.float64).sum(axis=1)   # 1000<=f<=5000 : bins 32..160
    specFloor = 1e-7 ** 2
    with np.errstate(divide='ignore', invalid='ignore'):
        ar = np.where(sum15 > specFloor, 10 * np.log10(sum15 / sum01), 10 * (np.log10(specFloor) - np.log10(sum01)))
        ar = np.where(sum01 > 0, ar, 0.0)
        max02 = P[:, 0:64].max(axis=1)      # f < 2000: bins 0..63
        max25 = P[:, 64:161].max(axis=1)    # 2000<=f<=5000: bins 64..160
        hi = np.where(max02 > specFloor, 10 * np.log10(max02 / max25), 10 * (np.log10(specFloor) - np.log10(max25)))
        hi = np.where(max25 > 0, hi, 0.0)
    out['alphaRatio'] = ar
    out['hammarbergIndex'] = hi

    # --- slopes on log power spectrum (dB), openSMILE's quirky regression
    with np.errstate(divide='ignore'):
        L = np.where(P <= specFloor, -140.0, 10.0 * np.log10(np.maximum(P, 1e-300)))
    for name, iL, iR in (('slope0-500', 0, 16), ('slope500-1500', 16, 48)):
        f = frq[iL:iR + 1]
        Nind = float(iR - iL)
        Sf = f.sum(); S2f = (f * f).sum()
        sumA = L[:, iL:iR + 1] @ f
        sumB = L[:, iL:iR + 1].sum(axis=1)
        out[name] = (Nind * sumA - Sf * sumB) / (Nind * S2f - Sf * Sf)

    # --- spectral flux: magnitudes, bins 0..159 (f < 5000), no normalisation, first frame 0
    M = mag[:, 0:160]
    d = np.diff(M, axis=0)
    flux = np.zeros(mag.shape[0])
    flux[1:] = np.sqrt((d * d).mean(axis=1))
    out['spectralFlux'] = flux

    # --- MFCC 1-4: cMelspec(htkcompatible=1 -> *32767^2) -> log (floor 1.0) -> DCT-II -> lifter 22
    melh = mel * (32767.0 ** 2)
    lm = np.log(np.maximum(melh, 1.0))
    m = np.arange(NBANDS)
    for i in range(1, 5):
        c = np.cos(np.pi * i / NBANDS * (m + 0.5))
        lift = 1.0 + 22.0 / 2.0 * np.sin(np.pi * i / 22.0)
        out[f'mfcc{i}'] = (lm @ c) * np.sqrt(2.0 / NBANDS) * lift
    return out


def sma3(v):
    """cContourSmoother smaWin=3, noZeroSma=0: 3-frame mean with edge replication (x[-1]=x[0], x[n]=x[n-1]).
    (openSMILE additionally appends one frame equal to the raw last value; not needed for the LLD rows.)"""
    p = np.concatenate([v[:1], v, v[-1:]])
    return (p[:-2] + p[1:-1] + p[2:]) / 3.0


COLS = ['Loudness', 'alphaRatio', 'hammarbergIndex', 'slope0-500', 'slope500-1500',
        'spectralFlux', 'mfcc1', 'mfcc2', 'mfcc3', 'mfcc4']


def n_output_frames(nsamp):
    return (nsamp - 960) // STEP + 2


def lld(path, smooth=True):
    """openSMILE eGeMAPSv02 LLD columns Loudness_sma3 .. mfcc4_sma3 for a 16 kHz mono 16-bit file.
    Rows = openSMILE's LLD rows: (N - 960)//160 + 2 (the F0 level's frame count + the smoother's extra frame);
    row t = 20 ms frame starting at sample 160*t. smooth=False gives the raw (unsmoothed) values."""
    xi, sr = sf.read(path, dtype='int16')
    assert sr == SR and xi.ndim == 1
    x = xi.astype(F32) / F32(32767.0)
    raw = spectral_llds(x)
    n = n_output_frames(len(xi))
    data = {}
    for k in COLS:
        v = sma3(raw[k]) if smooth else raw[k]
        data[k + '_sma3'] = v[:n]
    return pd.DataFrame(data)


if __name__ == '__main__':
    import sys
    pd.set_option('display.width', 200)
    print(lld(sys.argv[1]))
