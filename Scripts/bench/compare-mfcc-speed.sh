#!/usr/bin/env bash
# MFCC speed of Sentio against kaldi-native-fbank and librosa on the whole EmoDB corpus, in one run.
#
# Usage (works from any directory):
#
#     bash Scripts/bench/compare-mfcc-speed.sh [CORPUS_DIR]
#
# CORPUS_DIR defaults to ../shared/corpora/emodb relative to the repository root; it must hold
# wav/*.wav. What it does:
#   1. Uses $SENTIO_BIN when set; otherwise builds the release CLI from the repository root
#      (`swift build -c release --product sentio`) and uses .build/release/sentio.
#   2. Creates/updates the Python venv exactly like Scripts/reference/make_reference.sh:
#      ${SENTIO_VENV:-$HOME/.cache/sentio-venv} with the pins of Scripts/reference/requirements.txt.
#   3. Runs Scripts/bench/compare_mfcc_speed.py: single-threaded, 3 repetitions (median) of
#        kaldi-native-fbank OnlineMfcc (Kaldi options, soundfile decoding included),
#        librosa.feature.mfcc (librosa options, soundfile decoding included, after a warm-up call),
#        sentio features <all files> --set mfcc --preset kaldi|librosa --format npy -o TMP (subprocess),
#      prints the table and writes the "## MFCC" section of docs/performance.md (other sections are kept).
#
# Environment:
#   SENTIO_BIN     sentio executable to time (default: build .build/release/sentio)
#   SENTIO_VENV    venv directory (default: $HOME/.cache/sentio-venv)
#   PYTHON         interpreter used to create the venv (default: python3)
#   BENCH_REPEATS  repetitions per measurement, median reported (default: 3)
#   SENTIO_DOC     report path (default: docs/performance.md in the repository)
#
# Absolute times depend on the machine and its load; compare the ratios, which come from one run.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"

tool=compare-mfcc-speed
# shellcheck source=../lib/common.sh
source "$repo_root/Scripts/lib/common.sh"
sentio_corpus "${1:-}"
sentio_binary
sentio_python_env

# Single-threaded everywhere (the Python script sets these too, before importing numpy).
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMBA_NUM_THREADS=1

exec "$venv/bin/python" "$script_dir/compare_mfcc_speed.py" \
    --corpus "$corpus" --sentio "$sentio" --repeats "${BENCH_REPEATS:-3}" \
    --doc "${SENTIO_DOC:-$repo_root/docs/performance.md}"
