#!/usr/bin/env bash
# Cross-condition robustness of the emotion classifier on EmoDB (a stand-in for unseen corpora): train on
# five speakers as recorded, test on the other five at -20 dB, through a telephone band, in noise and in
# reverberation, with normalisation none, corpus and speaker (Scripts/validate/cross_condition.py).
#
#   Scripts/validate/emodb-cross-condition.sh [CORPUS_DIR]
#
# Writes docs/validation-cross-condition.md ($SENTIO_DOC). Uses $SENTIO_BIN or builds the release CLI, and
# the reference venv. Takes a few minutes.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"
tool=emodb-cross-condition
source "$repo_root/Scripts/lib/common.sh"
sentio_corpus "${1:-}"
sentio_binary
sentio_python_env
exec "$venv/bin/python" "$script_dir/cross_condition.py" --corpus "$corpus" --sentio "$sentio" \
    --doc "${SENTIO_DOC:-$repo_root/docs/validation-cross-condition.md}"
