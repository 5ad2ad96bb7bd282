#!/usr/bin/env bash
# Validates Sentio's emotion classifier on EmoDB: leave-one-speaker-out UAR of `sentio evaluate` against
# openSMILE eGeMAPSv02 functionals (PyPI `opensmile`) with scikit-learn linear baselines.
#
#   Scripts/validate/emodb-emotion.sh [CORPUS_DIR]
#
# CORPUS_DIR holds wav/ and labels.csv (default ../shared/corpora/emodb from the repository root). Builds the
# release CLI (or uses $SENTIO_BIN) and the reference venv ($SENTIO_VENV, default ~/.cache/sentio-venv), then
# writes docs/validation-emotion.md ($SENTIO_DOC). Exits 0 when every target of issue 6 passes, 1 when one
# fails, 2 on a set-up error. Takes a few minutes (the first run also extracts the openSMILE features, which
# are then cached under ~/.cache/sentio-validation/). Protocol: see compare_emodb_emotion.py.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"

tool=emodb-emotion
source "$repo_root/Scripts/lib/common.sh"
sentio_corpus "${1:-}"
if [ ! -f "$corpus/labels.csv" ]; then
    echo "$tool: no labels table $corpus/labels.csv (columns file, speaker, emotion, ...)" >&2
    exit 2
fi
sentio_binary
sentio_python_env

exec "$venv/bin/python" "$script_dir/compare_emodb_emotion.py" \
    --corpus "$corpus" --sentio "$sentio" \
    --doc "${SENTIO_DOC:-$repo_root/docs/validation-emotion.md}"
