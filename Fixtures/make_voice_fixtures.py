#!/usr/bin/env python3
"""Synthetic voiced signals with known F0, voicing and jitter, for the pitch and voice-quality tests.

Writes Fixtures/voice/<name>.wav (16 kHz, mono, 16-bit PCM) and Fixtures/voice/truth.json. Standard library
only; a fixed seed makes the output byte-identical from run to run.

Source-filter model: a Rosenberg glottal-flow pulse per period (closed 44 %, opening 40 %, closing 16 %),
differentiated (lip radiation), through a cascade of second-order resonators (formants 600, 1400, 2500,
3500 Hz; bandwidths 120, 140, 180, 220 Hz). Period boundaries fall between samples: each sample's value is
computed from its exact time within the current period, so F0 is exact, not rounded to whole samples.

truth.json gives, per file: the voiced segments (seconds), the period start times within each segment (the
glottal cycle boundaries), the realised local jitter of those periods (mean |T[k] - T[k-1]| / mean T, as
Praat defines it), and the SNR of any added noise. F0 at time t is 1 / (length of the period containing t).
"""
import json
import math
import random
import struct
from pathlib import Path

RATE = 16000
OUT = Path(__file__).resolve().parent / "voice"
# Bandwidths at the wide end of natural vowels: with narrower ones the formants ring into the next period,
# so every waveform-matching pulse marker (Praat's included) measures less jitter than was injected.
FORMANTS = [(600, 120), (1400, 140), (2500, 180), (3500, 220)]


def rosenberg_derivative(phase):
    """Derivative (per unit phase) of the Rosenberg glottal flow at `phase` in [0, 1) of a period.

    The cycle is closed first, then opens and closes so that the glottal closure instant (the sharp
    negative peak that pulse markers lock to) falls exactly at the end of the period: the intervals between
    closures are then exactly the generated periods, and so is the jitter measured from them."""
    tp, tn = 0.40, 0.16
    phase -= 1.0 - tp - tn
    if phase < 0:
        return 0.0
    if phase < tp:
        return 0.5 * math.pi / tp * math.sin(math.pi * phase / tp)
    return -0.5 * math.pi / tn * math.sin(0.5 * math.pi * (phase - tp) / tn)


def periods(duration, f0_at, jitter, rng):
    """Period boundaries (glottal closures) covering [0, duration), and each period's nominal length:
    period k lasts T = 1/f0(start) times (1 + jitter * N(0,1)); its nominal length is T without jitter."""
    starts, nominal, t = [], [], 0.0
    while t < duration:
        starts.append(t)
        nominal.append(1.0 / f0_at(t))
        t += nominal[-1] * (1.0 + jitter * rng.gauss(0.0, 1.0))
    starts.append(t)
    return starts, nominal


def voiced(starts, nominal, offset, n):
    """Excitation samples (length n) for the periods at `starts` (seconds, relative to `offset`).

    Each cycle's pulse has the shape of its nominal period and ends at the period's closing boundary, so
    jitter moves whole, identical pulses in time (as in a jittered pulse train) instead of stretching them."""
    out = [0.0] * n
    k = 0
    for i in range(n):
        t = i / RATE - offset
        if t < starts[0] or t >= starts[-1]:
            continue
        while t >= starts[k + 1]:
            k += 1
        phase = 1.0 - (starts[k + 1] - t) / nominal[k]
        out[i] = rosenberg_derivative(phase) / nominal[k] / RATE if phase >= 0 else 0.0
    return out


def resonate(x):
    for f, bw in FORMANTS:
        r = math.exp(-math.pi * bw / RATE)
        a1, a2 = 2 * r * math.cos(2 * math.pi * f / RATE), -r * r
        gain = 1 - a1 - a2
        y1 = y2 = 0.0
        y = []
        for v in x:
            y0 = gain * v + a1 * y1 + a2 * y2
            y.append(y0)
            y1, y2 = y0, y1
        x = y
    return x


def local_jitter(starts):
    t = [b - a for a, b in zip(starts, starts[1:])]
    return sum(abs(b - a) for a, b in zip(t, t[1:])) / (len(t) - 1) / (sum(t) / len(t))


def power(x):
    return sum(v * v for v in x) / max(1, len(x))


def write_wav(path, x):
    peak = max(abs(v) for v in x)
    scale = 0.7 / peak
    data = b"".join(struct.pack("<h", max(-32768, min(32767, math.floor(v * scale * 32768 + 0.5)))) for v in x)
    header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + len(data), b"WAVE", b"fmt ", 16, 1, 1, RATE,
                         2 * RATE, 2, 16, b"data", len(data))
    path.write_bytes(header + data)


def make(name, duration, segments, rng, jitter=0.0, snr_db=None, gap_noise_db=None):
    """`segments`: list of (start, end, f0_at(t_relative)) voiced stretches."""
    n = int(duration * RATE)
    x = [0.0] * n
    truth_segments = []
    for start, end, f0_at in segments:
        starts, nominal = periods(end - start, f0_at, jitter, rng)
        while starts[-1] > end - start:  # keep whole periods inside the segment
            starts.pop()
        ex = voiced(starts, nominal, start, n)
        x = [a + b for a, b in zip(x, ex)]
        truth_segments.append({"start": start + starts[0], "end": start + starts[-1],
                               "periods": [round(start + s, 9) for s in starts],
                               "jitter_local": local_jitter(starts)})
    x = resonate(x)
    signal_power = power([v for v in x if v != 0.0])
    if gap_noise_db is not None:  # frication-like noise in the gaps, gap_noise_db relative to the voice
        sigma = math.sqrt(signal_power * 10 ** (gap_noise_db / 10))
        inside = [False] * n
        for s in truth_segments:
            for i in range(int(s["start"] * RATE), min(n, int(s["end"] * RATE) + 1)):
                inside[i] = True
        x = [v if inside[i] else v + rng.gauss(0.0, sigma) for i, v in enumerate(x)]
    if snr_db is not None:
        sigma = math.sqrt(signal_power / 10 ** (snr_db / 10))
        x = [v + rng.gauss(0.0, sigma) for v in x]
    write_wav(OUT / f"{name}.wav", x)
    return {"file": f"{name}.wav", "duration": n / RATE, "snr_db": snr_db, "injected_jitter_sd": jitter,
            "segments": truth_segments}


def main():
    OUT.mkdir(exist_ok=True)
    rng = random.Random(20261122)
    d = 1.5
    glide = lambda a, b: (lambda t: a + (b - a) * t / d)  # noqa: E731
    files = [
        make("f0-080", d, [(0.0, d, glide(84, 76))], rng),
        make("f0-120", d, [(0.0, d, glide(128, 112))], rng),
        make("f0-200", d, [(0.0, d, glide(210, 190))], rng),
        make("f0-300", d, [(0.0, d, glide(310, 290))], rng),
        make("f0-400", d, [(0.0, d, glide(405, 395))], rng),
        make("vibrato", d, [(0.0, d, lambda t: 180 * (1 + 0.06 * math.sin(2 * math.pi * 5.5 * t)))], rng),
        make("jitter-1pct", d, [(0.0, d, glide(125, 115))], rng, jitter=0.01 / (2 / math.sqrt(math.pi))),
        make("jitter-2pct", d, [(0.0, d, glide(105, 95))], rng, jitter=0.02 / (2 / math.sqrt(math.pi))),
        make("noise-snr20", d, [(0.0, d, glide(160, 140))], rng, snr_db=20),
        make("noise-snr10", d, [(0.0, d, glide(160, 140))], rng, snr_db=10),
        make("gaps", 2.0, [(0.05, 0.65, glide(150, 130)), (0.9, 1.35, glide(170, 150)), (1.6, 1.95, glide(140, 120))],
             rng, gap_noise_db=-20),
    ]
    (OUT / "truth.json").write_text(json.dumps({"rate": RATE, "files": files}, indent=1) + "\n")
    print(f"make_voice_fixtures: wrote {len(files)} files to {OUT}")


if __name__ == "__main__":
    main()
