#!/usr/bin/env bash
# Sentio against its anchors on the same EmoDB files in the same run, one core each (issue 8):
# MFCC vs kaldi-native-fbank and librosa, pitch vs Praat and librosa.pyin, eGeMAPS functionals vs openSMILE,
# `score` with the bundled model, and --jobs 2 against --jobs 1.
#
# Usage (works from any directory):
#
#     bash Scripts/bench/compare-anchors.sh [CORPUS_DIR] [--pyin-files N] [--repeats N] [--limit N]
#
# CORPUS_DIR defaults to ../shared/corpora/emodb relative to the repository root; it must hold wav/*.wav.
#   --pyin-files N  librosa.pyin runs on N files spread over the corpus (default 50; 0 = all, ~125 CPU s a
#                   repetition): its throughput on them is compared with the others' on every file.
#   --repeats N     interleaved repetitions of every measurement, median reported (default $BENCH_REPEATS or 3).
#   --limit N       only the first N files (a quick look; the report then says N files).
# What it does:
#   1. Uses $SENTIO_BIN when set; otherwise builds the release CLI (`swift build -c release --product sentio`).
#   2. Creates/updates the venv ${SENTIO_VENV:-$HOME/.cache/sentio-venv} from PyPI with the pins of
#      Scripts/reference/requirements.txt (opensmile, librosa, praat-parselmouth, kaldi-native-fbank, soundfile).
#   3. Runs Scripts/bench/compare_anchors.py, which times each anchor with the measuring code of
#      compare_mfcc_speed.py, compare_emodb_pitch.py and compare_emodb_egemaps.py, prints the table and the
#      ratios against the issue's targets, and writes the "anchors" section of docs/performance.md.
# Takes about five minutes on two cores. Ratios come from one run; absolute times on a shared machine do not.
#
# Environment: SENTIO_BIN, SENTIO_VENV, PYTHON, BENCH_REPEATS, SENTIO_DOC (default docs/performance.md).
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"

tool=compare-anchors
corpus_arg=""
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --pyin-files|--repeats|--limit)
            [ $# -ge 2 ] || { echo "$tool: $1 needs a number" >&2; exit 2; }
            extra+=("$1" "$2"); shift 2 ;;
        -h|--help) sed -n '2,24p' "${BASH_SOURCE[0]}"; exit 0 ;;
        -*) echo "$tool: unknown option $1" >&2; exit 2 ;;
        *) corpus_arg="$1"; shift ;;
    esac
done

# shellcheck source=../lib/common.sh
source "$repo_root/Scripts/lib/common.sh"
sentio_corpus "$corpus_arg"
sentio_binary
sentio_python_env

# Single-threaded everywhere (the Python script sets these too, before importing numpy). OpenBLAS core-type
# overrides, set on some machines for old OpenBLAS builds, would slow the anchors' current numpy.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMBA_NUM_THREADS=1
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE

exec "$venv/bin/python" "$script_dir/compare_anchors.py" \
    --corpus "$corpus" --sentio "$sentio" --repeats "${BENCH_REPEATS:-3}" \
    --doc "${SENTIO_DOC:-$repo_root/docs/performance.md}" ${extra[@]+"${extra[@]}"}
