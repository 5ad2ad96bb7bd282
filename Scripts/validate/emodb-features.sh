#!/usr/bin/env bash
# Validates `sentio features` against the reference tools on the whole EmoDB corpus (535 files).
#
# Usage (works from any directory):
#
#     bash Scripts/validate/emodb-features.sh [CORPUS_DIR]
#
# CORPUS_DIR defaults to ../shared/corpora/emodb relative to the repository root; it must hold
# wav/*.wav. What it does:
#   1. Uses $SENTIO_BIN when set; otherwise builds the release CLI from the repository root
#      (`swift build -c release --product sentio`) and uses .build/release/sentio.
#   2. Creates/updates the Python venv exactly like Scripts/reference/make_reference.sh:
#      ${SENTIO_VENV:-$HOME/.cache/sentio-venv} with the pins of Scripts/reference/requirements.txt.
#   3. Runs Sentio once per preset over all files (npy output in a temporary folder):
#        kaldi:   --set mfcc                  --preset kaldi
#        librosa: --set mfcc,spectral,energy  --preset librosa
#   4. Runs Scripts/validate/compare_emodb_features.py, which recomputes the references
#      (kaldi-native-fbank OnlineMfcc; librosa mfcc and descriptors, as in
#      Scripts/reference/make_reference.py), compares every file and frame, prints a summary
#      and writes docs/validation-features.md.
#
# Exit status: 0 when every comparison is within tolerance (MFCC 0.01 absolute, descriptors 1e-3
# relative) and all frame counts match; 1 otherwise; 2 for a missing corpus or a failed run.
#
# Environment:
#   SENTIO_BIN       sentio executable to validate (default: build .build/release/sentio)
#   SENTIO_VENV      venv directory (default: $HOME/.cache/sentio-venv)
#   PYTHON           interpreter used to create the venv (default: python3)
#   SENTIO_WORK_DIR  keep Sentio's npy outputs and per-file CSVs in this folder
#                    (default: a temporary folder, deleted at exit)
#   SENTIO_DOC       report path (default: docs/validation-features.md in the repository)
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"

tool=emodb-features
# shellcheck source=../lib/common.sh
source "$repo_root/Scripts/lib/common.sh"
sentio_corpus "${1:-}"
sentio_binary
sentio_python_env

if [ -n "${SENTIO_WORK_DIR:-}" ]; then
    work="$SENTIO_WORK_DIR"
    rm -rf "$work/kaldi" "$work/librosa"
    mkdir -p "$work"
else
    work="$(mktemp -d "${TMPDIR:-/tmp}/sentio-emodb-features.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
fi

files=("$corpus"/wav/*.wav)
echo "emodb-features: ${#files[@]} files in $corpus/wav; sentio: $sentio ($("$sentio" --version))"

run_sentio() {  # preset sets
    local preset="$1" sets="$2" start end
    echo "emodb-features: sentio features <${#files[@]} files> --set $sets --preset $preset --format npy -o $work/$preset"
    start=$(date +%s.%N)
    if ! "$sentio" features "${files[@]}" --set "$sets" --preset "$preset" --format npy -o "$work/$preset"; then
        echo "emodb-features: sentio failed for preset $preset" >&2
        exit 2
    fi
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" -v p="$preset" 'BEGIN { printf "emodb-features: %s preset took %.2f s (wall)\n", p, e - s }'
}
run_sentio kaldi mfcc
run_sentio librosa mfcc,spectral,energy

status=0
"$venv/bin/python" "$script_dir/compare_emodb_features.py" \
    --corpus "$corpus" --work "$work" --sentio "$sentio" \
    --doc "${SENTIO_DOC:-$repo_root/docs/validation-features.md}" || status=$?
if [ -z "${SENTIO_WORK_DIR:-}" ]; then
    echo "emodb-features: (temporary folder removed at exit; set SENTIO_WORK_DIR=DIR to keep the npy outputs and per-file.csv)"
fi
exit "$status"
