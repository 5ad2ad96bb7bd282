#!/usr/bin/env bash
# Renders `sentio report` and `sentio evaluate --report` pages in headless Chromium (Debian's chromium) and
# checks them as a reader would see them (Scripts/validate/render_reports.py): every chart drawn (non-blank
# pixels inside each <svg>), no console errors or network requests, a 10-minute recording's page under
# 2 MB and loaded in under 2 s. Screenshots (PNG) and results.json are left in the output folder.
#
# Pages checked: the spoken fixtures, silence and a bad file (its failure listed on the index page); a
# 10-minute recording built from speech clips (EmoDB's when present, else the fixtures'), once in 2 s
# windows every 1 s (the largest page: 599 segments) and once in speech regions; and an evaluation page
# (`evaluate --report`, on EmoDB LOSO with --emodb, else on a tones-vs-speech fixture corpus).
#
# Usage: bash Scripts/validate/report-pages.sh [--emodb] [OUT_DIR]   (default OUT_DIR: /tmp/sentio-report-pages)
# OUT_DIR is emptied first when it is new, empty or made by an earlier run (marked .sentio-report-pages);
# any other existing folder is refused.
# Uses $SENTIO_BIN or builds .build/release/sentio; installs chromium with apt-get when missing (as root).
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"
emodb=0
if [ "${1:-}" = "--emodb" ]; then emodb=1; shift; fi
out="${1:-/tmp/sentio-report-pages}"
tool=report-pages
# Absolute, since the script works from the repository root; emptied only when it is this script's own
# (marked by an earlier run) or empty, and refused otherwise before anything is installed or built.
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
if [ -e "$out" ] && { [ ! -d "$out" ] || { [ -n "$(ls -A "$out")" ] && [ ! -f "$out/.sentio-report-pages" ]; }; }; then
    echo "$tool: $out exists and was not made by this script: give a new or empty folder" >&2
    exit 2
fi
# shellcheck source=../lib/common.sh
source "$repo_root/Scripts/lib/common.sh"

if ! command -v chromium >/dev/null; then
    echo "$tool: installing chromium"
    if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium
fi
sentio_binary
sentio_python_env
rm -rf "$out"
mkdir -p "$out"
touch "$out/.sentio-report-pages"
cd "$repo_root"
emodb_dir="$repo_root/../shared/corpora/emodb"

# A 10-minute, 16 kHz recording: speech clips in a loop with 0.4 s pauses.
clips=(Fixtures/audio/speech-en.wav Fixtures/audio/speech-en-2.wav Fixtures/audio/speech-en-3.wav)
if [ -d "$emodb_dir/wav" ]; then mapfile -t clips < <(ls "$emodb_dir"/wav/*.wav | head -120); fi
"$venv/bin/python" - "$out/long-10min.wav" "${clips[@]}" <<'PY'
import sys, numpy as np, soundfile as sf
out, clips = sys.argv[1], sys.argv[2:]
pieces, total, i = [], 0, 0
while total < 600 * 16000:
    y, rate = sf.read(clips[i % len(clips)], dtype="float32")
    assert rate == 16000 and y.ndim == 1, clips[i % len(clips)]
    pieces += [y, np.zeros(6400, dtype=np.float32)]
    total += len(y) + 6400
    i += 1
sf.write(out, np.concatenate(pieces)[:600 * 16000], 16000, subtype="PCM_16")
PY

echo "$tool: sentio report (fixtures, silence, a bad file)"
set +e
"$sentio" report --progress never -o "$out/fixtures" Fixtures/audio/speech-en*.wav Fixtures/audio/speech-en.ogg \
    Fixtures/audio/silence-16k.wav Fixtures/bad/nan.wav
status=$?
set -e
[ "$status" -eq 1 ] || { echo "$tool: expected exit 1 for the bad file, got $status" >&2; exit 1; }
echo "$tool: sentio report (10-minute recording: 2 s windows every 1 s, and speech regions)"
"$sentio" report --progress never --segment 2 --hop 1 -o "$out/long-windows" "$out/long-10min.wav"
"$sentio" report --progress never -o "$out/long-vad" "$out/long-10min.wav"

echo "$tool: sentio evaluate --report"
if [ "$emodb" -eq 1 ]; then
    "$sentio" evaluate --corpus "$emodb_dir" --protocol loso --report "$out/evaluation" > "$out/evaluation.txt"
else
    mkdir -p "$out/corpus"
    { echo "file,emotion"
      for f in tone-440-16k.wav tone-1k-44k1.wav tone-1k-48k.wav tone-440-16k-f32.wav tone-440-16k-s24.wav tone-440-16k-u8.wav; do echo "$f,tonal"; done
      for f in speech-en.wav speech-en-2.wav speech-en-3.wav speech-en.mp3 speech-en.ogg speech-en-22k05.flac; do echo "$f,spoken"; done
    } > "$out/corpus/labels.csv"
    "$sentio" evaluate --labels "$out/corpus/labels.csv" --audio-root Fixtures/audio --features mfcc,energy \
        --protocol kfold --folds 3 --report "$out/evaluation" > "$out/evaluation.txt"
fi

# Self-test of the checker: the same speech page with every data curve and segment removed must fail.
mkdir -p "$out/blanked"
sed -E 's/<path d="[^"]*"/<path d=""/g' "$out/fixtures/speech-en.html" > "$out/blanked/speech-en.html"
"$venv/bin/python" "$script_dir/render_reports.py" --expect-failures --out "$out/blanked-screenshots" "$out/blanked/speech-en.html"

"$venv/bin/python" "$script_dir/render_reports.py" --out "$out/screenshots" \
    "$out"/fixtures/*.html "$out"/long-windows/*.html "$out"/long-vad/*.html "$out/evaluation/evaluation.html"
