#!/usr/bin/env bash
# Validates Sentio's pitch and voice-quality sets against Praat (praat-parselmouth) and librosa.pyin on
# EmoDB, and times all three on one core.
#
#   Scripts/validate/emodb-pitch.sh [CORPUS_DIR]
#
# CORPUS_DIR holds wav/ (default ../shared/corpora/emodb from the repository root). Builds the release CLI
# (or uses $SENTIO_BIN) and the reference venv ($SENTIO_VENV, default ~/.cache/sentio-venv), then writes
# docs/validation-pitch.md ($SENTIO_DOC) and the pitch section of docs/performance.md ($SENTIO_PERF_DOC).
# Exits 0 when every check of issue 4 passes, 1 when one fails, 2 on a set-up error. Takes about
# five minutes, most of it librosa.pyin. Protocol: see compare_emodb_pitch.py.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"

tool=emodb-pitch
source "$repo_root/Scripts/lib/common.sh"
sentio_corpus "${1:-}"
sentio_binary
sentio_python_env

exec "$venv/bin/python" "$script_dir/compare_emodb_pitch.py" \
    --corpus "$corpus" --sentio "$sentio" \
    --doc "${SENTIO_DOC:-$repo_root/docs/validation-pitch.md}" \
    --perf-doc "${SENTIO_PERF_DOC:-$repo_root/docs/performance.md}"
