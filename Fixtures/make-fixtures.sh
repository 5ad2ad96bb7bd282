#!/usr/bin/env bash
# make-fixtures.sh -- (re)generate the audio test fixtures for Sentio.
#
# Required tools (Debian/Ubuntu package names in brackets):
#   sox, soxi      [sox libsox-fmt-all]  noise, resampling, FLAC/Vorbis/MP3 encoding
#   espeak-ng      [espeak-ng]           synthetic speech
#   ffmpeg/ffprobe [ffmpeg]              Ogg Opus encoding (libopus) and probing
#   python3        (stdlib only)         exact tones/chirp/clicks and the bad-file zoo
#
# Usage (from any directory):
#   bash Fixtures/make-fixtures.sh
#
# Output: Fixtures/audio/* (valid files) and Fixtures/bad/* (deliberately broken
# files); existing files with the same names are overwritten.  A verification
# table (soxi / ffprobe) and the total size of Fixtures/ are printed at the end.
# See Fixtures/README.md for what every file is and what it should produce.
#
# Determinism: the output is byte-identical from run to run on the same machine.
# sox always runs with -R (fixed RNG seed, also fixes the Ogg stream serial
# number) and -D (no dither); ffmpeg runs with +bitexact and no metadata;
# python uses a fixed seed.  Different versions of espeak-ng, sox, libvorbis,
# LAME or libopus may give different (but equivalent) bytes, so the committed
# files are the reference -- regenerate only when the fixtures need to change.

set -euo pipefail
cd "$(dirname "$0")"

for tool in sox soxi espeak-ng ffmpeg ffprobe python3; do
    command -v "$tool" >/dev/null 2>&1 || { echo "error: '$tool' not found in PATH" >&2; exit 1; }
done

AUDIO=audio
BAD=bad
mkdir -p "$AUDIO" "$BAD"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# Repeatable sox: fixed seed, no dither, only print errors.
SOX=(sox -R -D -V1)

# ---------------------------------------------------------------------------
# 1. Exactly computed signals and the bad-file zoo (python3 stdlib).
#    Sample quantisation: integer = floor(x * 2^(bits-1) + 0.5), clipped to the
#    format range (so amplitude 0.5 -> 16384 at 16 bit); 8-bit is unsigned
#    (offset 128); float is IEEE-754 binary32.
# ---------------------------------------------------------------------------
python3 - "$AUDIO" "$BAD" <<'PY'
import math, os, random, struct, sys

audio_dir, bad_dir = sys.argv[1], sys.argv[2]

PCM, IEEE_FLOAT = 1, 3

def encode(samples, enc):
    """samples: flat list of floats (interleaved).  Returns little-endian bytes."""
    if enc == "f32":
        return struct.pack("<%df" % len(samples), *samples)
    bits = {"u8": 8, "s16": 16, "s24": 24, "s32": 32}[enc]
    scale = 1 << (bits - 1)
    lo, hi = -scale, scale - 1
    ints = [min(hi, max(lo, math.floor(x * scale + 0.5))) for x in samples]
    if enc == "u8":
        return bytes(v + 128 for v in ints)
    if enc == "s16":
        return struct.pack("<%dh" % len(ints), *ints)
    if enc == "s32":
        return struct.pack("<%di" % len(ints), *ints)
    # s24: low three bytes of the two's-complement value
    return b"".join((v & 0xFFFFFF).to_bytes(3, "little") for v in ints)

def wav_bytes(data, rate, channels, bits, fmt_tag=PCM, frames=None,
              declared_data_size=None, block_align=None, byte_rate=None):
    """Build a RIFF/WAVE file.  PCM: 16-byte fmt chunk.  IEEE float: 18-byte
    fmt chunk (cbSize = 0) plus a 'fact' chunk, as the spec requires for
    non-PCM formats.  The header fields can be overridden to make bad files."""
    if block_align is None:
        block_align = channels * bits // 8
    if byte_rate is None:
        byte_rate = rate * block_align
    data_size = len(data) if declared_data_size is None else declared_data_size
    if fmt_tag == PCM:
        fmt = struct.pack("<HHIIHH", fmt_tag, channels, rate, byte_rate, block_align, bits)
        extra = b""
    else:
        fmt = struct.pack("<HHIIHHH", fmt_tag, channels, rate, byte_rate, block_align, bits, 0)
        extra = b"fact" + struct.pack("<II", 4, frames)
    body = (b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + extra
            + b"data" + struct.pack("<I", data_size))
    riff_size = len(body) + data_size + (data_size & 1)
    out = b"RIFF" + struct.pack("<I", riff_size) + body + data
    if len(data) == data_size and data_size & 1:
        out += b"\0"  # RIFF pad byte
    return out

def write(path, blob):
    with open(path, "wb") as f:
        f.write(blob)

def write_wav(path, samples, rate, channels, enc):
    bits = {"u8": 8, "s16": 16, "s24": 24, "s32": 32, "f32": 32}[enc]
    tag = IEEE_FLOAT if enc == "f32" else PCM
    write(path, wav_bytes(encode(samples, enc), rate, channels, bits, tag,
                          frames=len(samples) // channels))

def sine(freq, rate, n, amp=0.5):
    w = 2.0 * math.pi * freq / rate
    return [amp * math.sin(w * i) for i in range(n)]

A = lambda name: os.path.join(audio_dir, name)
B = lambda name: os.path.join(bad_dir, name)

# --- good files ------------------------------------------------------------
t440 = sine(440, 16000, 16000)
write_wav(A("tone-440-16k.wav"), t440, 16000, 1, "s16")
write_wav(A("tone-440-16k-u8.wav"), t440, 16000, 1, "u8")
write_wav(A("tone-440-16k-s24.wav"), t440, 16000, 1, "s24")
write_wav(A("tone-440-16k-f32.wav"), t440, 16000, 1, "f32")
write_wav(A("tone-440-22k05-s32.wav"), sine(440, 22050, 22050), 22050, 1, "s32")
write_wav(A("tone-1k-44k1.wav"), sine(1000, 44100, 44100), 44100, 1, "s16")
write_wav(A("tone-1k-48k.wav"), sine(1000, 48000, 48000), 48000, 1, "s16")

left = sine(440, 48000, 48000)
stereo = [v for x in left for v in (x, 0.0)]          # L = sine, R = silence
write_wav(A("stereo-48k.wav"), stereo, 48000, 2, "s16")

# Recordings that warn about their condition (SignalCondition): a telephone rate, a sine of amplitude 2
# clipped to full scale (two thirds of its samples at +-1), and channels in anti-phase (their average is silent).
write_wav(A("tone-440-8k.wav"), sine(440, 8000, 8000), 8000, 1, "s16")
write_wav(A("tone-440-16k-clipped.wav"), [max(-1.0, min(1.0, x)) for x in sine(440, 16000, 16000, amp=2.0)],
          16000, 1, "s16")
anti = sine(440, 16000, 8000)
write_wav(A("stereo-antiphase-16k.wav"), [v for x in anti for v in (x, -x)], 16000, 2, "s16")

# Linear chirp 100 -> 4000 Hz over T = 2 s: phase = 2*pi*(f0*t + (f1-f0)*t^2/(2T))
f0, f1, T, rate = 100.0, 4000.0, 2.0, 16000
chirp = []
for i in range(int(T * rate)):
    t = i / rate
    chirp.append(0.5 * math.sin(2.0 * math.pi * (f0 * t + (f1 - f0) * t * t / (2.0 * T))))
write_wav(A("chirp-16k.wav"), chirp, rate, 1, "s16")

write_wav(A("silence-16k.wav"), [0.0] * 16000, 16000, 1, "s16")

clicks = [0.9 if i % 160 == 0 else 0.0 for i in range(16000)]   # 100 impulses of 29491
write_wav(A("clicks-16k.wav"), clicks, 16000, 1, "s16")

# --- bad files -------------------------------------------------------------
write(B("empty.wav"), b"")
write(B("text.wav"), b"this is not audio\n")

# 44-byte canonical header, data chunk size 0, nothing after it.
write(B("header-only.wav"), wav_bytes(b"", 16000, 1, 16))

# Header declares 1 s (32000 data bytes) but only the first 30% (9600 bytes) exist.
full = encode(t440, "s16")
write(B("truncated.wav"),
      wav_bytes(full[: len(full) * 3 // 10], 16000, 1, 16, declared_data_size=len(full)))

# Float WAVs with non-finite samples.
nan_s = sine(440, 16000, 1600)
for i in range(100, 110):
    nan_s[i] = float("nan")
write_wav(B("nan.wav"), nan_s, 16000, 1, "f32")
inf_s = sine(440, 16000, 1600)
for i in range(200, 205):
    inf_s[i] = float("inf")
write_wav(B("inf.wav"), inf_s, 16000, 1, "f32")
# Finite float samples far beyond full scale (3e29 at frames 300-304): not audio, and their squares overflow.
huge_s = sine(440, 16000, 1600)
for i in range(300, 305):
    huge_s[i] = 3e29
write_wav(B("huge.wav"), huge_s, 16000, 1, "f32")

# Channel count 0 (block align 0, byte rate 0) followed by 3200 data bytes.
write(B("zero-channels.wav"),
      wav_bytes(encode(sine(440, 16000, 1600), "s16"), 16000, 0, 16))

# Valid files with implausible sample rates.
write_wav(B("rate-500.wav"), sine(100, 500, 250), 500, 1, "s16")               # 0.5 s
write_wav(B("rate-1M.wav"), sine(1000, 1000000, 2000), 1000000, 1, "s16")      # 2 ms

# "fLaC" magic followed by 2000 seeded pseudo-random bytes.
rng = random.Random(20240601)
write(B("garbage.flac"), b"fLaC" + bytes(rng.getrandbits(8) for _ in range(2000)))
PY

# ---------------------------------------------------------------------------
# 2. Seeded white noise (sox -R: fixed seed -> reproducible).  Uniform noise,
#    peak amplitude 0.5.
# ---------------------------------------------------------------------------
# (rate/channels go before -n so synth itself runs at 16 kHz -- no resampling.)
"${SOX[@]}" -r 16000 -c 1 -n -b 16 -e signed-integer "$AUDIO/noise-16k.wav" \
    synth 16000s whitenoise vol 0.5

# ---------------------------------------------------------------------------
# 3. Speech (espeak-ng writes 22050 Hz mono 16-bit).  Resampled to 16 kHz with
#    sox; -1 dB gain first so the resampler never clips espeak's full-scale peaks.
# ---------------------------------------------------------------------------
speech() {  # speech OUT.wav TEXT ESPEAK-ARGS...
    local out="$1" text="$2"; shift 2
    espeak-ng "$@" -w "$TMP/espeak.wav" "$text"
    "${SOX[@]}" "$TMP/espeak.wav" -r 16000 -c 1 -b 16 -e signed-integer "$out" gain -1 rate 16000
}
speech "$AUDIO/speech-en.wav" \
    "The quick brown fox jumps over the lazy dog. Is this the voice of an angry man?" -v en
speech "$AUDIO/speech-en-2.wav" \
    "I am so happy to see you again, this is wonderful news." -v en+f3
speech "$AUDIO/speech-en-3.wav" \
    "Please leave me alone, I do not want to talk about it." -v en -s 130 -p 30

# ---------------------------------------------------------------------------
# 4. speech-en.wav in other containers (low bitrates to keep them small).
# ---------------------------------------------------------------------------
"${SOX[@]}" "$AUDIO/speech-en.wav" -b 16 -C 8 "$AUDIO/speech-en-22k05.flac" rate 22050
"${SOX[@]}" "$AUDIO/speech-en.wav" -C -1 "$AUDIO/speech-en.ogg"          # Vorbis, 16 kHz
# Its first 8000 bytes: an Ogg stream cut short (a recorder that crashed), without the last page that
# gives the length.
head -c 8000 "$AUDIO/speech-en.ogg" > "$BAD/truncated.ogg"
"${SOX[@]}" "$AUDIO/speech-en.wav" -C 24 "$AUDIO/speech-en.mp3"          # MP3 24 kb/s, 16 kHz
# A cut-off MP3: ffmpeg's LAME encoder writes a Xing header with the exact length, and the first 5000
# bytes hold a third of it.
ffmpeg -nostdin -hide_banner -loglevel error -y -i "$AUDIO/speech-en.wav" \
    -map_metadata -1 -fflags +bitexact -flags:a +bitexact -c:a libmp3lame -b:a 24k "$TMP/speech-xing.mp3"
head -c 5000 "$TMP/speech-xing.mp3" > "$BAD/truncated.mp3"
# A variable-bit-rate MP3 written to a pipe, so without a Xing tag, after 1 s of silence: libsndfile's length
# estimate from the quiet first frame is far too long, and it must not count as truncation.
"${SOX[@]}" -n -r 16000 -c 1 -b 16 "$TMP/silence-1s.wav" trim 0 1
"${SOX[@]}" "$TMP/silence-1s.wav" "$AUDIO/speech-en.wav" "$TMP/speech-after-silence.wav"
ffmpeg -nostdin -hide_banner -loglevel error -y -i "$TMP/speech-after-silence.wav" \
    -map_metadata -1 -fflags +bitexact -flags:a +bitexact -c:a libmp3lame -q:a 4 -f mp3 - > "$AUDIO/speech-en-vbr.mp3"
# Opus: resample to 48 kHz with sox, encode with ffmpeg/libopus.
"${SOX[@]}" "$AUDIO/speech-en.wav" -b 16 "$TMP/speech-48k.wav" rate 48000
ffmpeg -nostdin -hide_banner -loglevel error -y -i "$TMP/speech-48k.wav" \
    -map_metadata -1 -fflags +bitexact -flags:a +bitexact \
    -c:a libopus -b:a 24k "$AUDIO/speech-en.opus"

# ---------------------------------------------------------------------------
# 5. Synthetic voices with known F0, voicing and jitter (voice/, truth.json).
# ---------------------------------------------------------------------------
python3 make_voice_fixtures.py

# ---------------------------------------------------------------------------
# 6. Verification table and size check.
# ---------------------------------------------------------------------------
echo
printf '%-26s %8s %3s %8s %4s  %s\n' FILE RATE CH FRAMES BITS ENCODING
for f in "$AUDIO"/*; do
    name="$(basename "$f")"
    case "$name" in
    *.opus)
        IFS=, read -r rate ch ts < <(ffprobe -v error -select_streams a:0 \
            -show_entries stream=sample_rate,channels,duration_ts -of csv=p=0 "$f")
        printf '%-26s %8s %3s %8s %4s  %s\n' "$name" "$rate" "$ch" "$ts" - "Opus (ffprobe duration_ts, incl. pre-skip)" ;;
    *)
        bits="$(soxi -b "$f")"; [ "$bits" = 0 ] && bits=-   # lossy: no bit depth
        printf '%-26s %8s %3s %8s %4s  %s\n' "$name" "$(soxi -r "$f")" "$(soxi -c "$f")" \
            "$(soxi -s "$f")" "$bits" "$(soxi -e "$f")" ;;
    esac
done
echo
# Bytes of data (GNU du), whatever the file system's blocks; folders count a few kB each.
total_kb="$(du -s --apparent-size --block-size=1K . | cut -f1)"
echo "Total size of Fixtures/: ${total_kb} KiB"
if [ "$total_kb" -ge 3072 ]; then
    echo "error: Fixtures/ exceeds 3 MB" >&2
    exit 1
fi
