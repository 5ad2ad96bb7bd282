#!/usr/bin/env bash
# Validates Sentio's eGeMAPS functionals against openSMILE eGeMAPSv02 (PyPI `opensmile`) on EmoDB, and times
# both on one core in the same run.
#
#   Scripts/validate/emodb-egemaps.sh [CORPUS_DIR]
#
# CORPUS_DIR holds wav/ (default ../shared/corpora/emodb from the repository root). Builds the release CLI
# (or uses $SENTIO_BIN) and the reference venv ($SENTIO_VENV, default ~/.cache/sentio-venv), then writes
# docs/validation-egemaps.md ($SENTIO_DOC) and the egemaps section of docs/performance.md ($SENTIO_PERF_DOC).
# Exits 0 when every check of issue 5 passes, 1 when one fails, 2 on a set-up error. Takes about a minute.
# Protocol: see compare_emodb_egemaps.py.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"

tool=emodb-egemaps
source "$repo_root/Scripts/lib/common.sh"
sentio_corpus "${1:-}"
sentio_binary
sentio_python_env

exec "$venv/bin/python" "$script_dir/compare_emodb_egemaps.py" \
    --corpus "$corpus" --sentio "$sentio" \
    --doc "${SENTIO_DOC:-$repo_root/docs/validation-egemaps.md}" \
    --perf-doc "${SENTIO_PERF_DOC:-$repo_root/docs/performance.md}"
