#!/usr/bin/env bash
# Batch scaling on the whole EmoDB corpus: throughput of --jobs 2 against --jobs 1 and peak memory with all
# files against 10 files, for frame MFCCs, eGeMAPS functionals and emotion scores.
#
# Usage (works from any directory):
#
#     bash Scripts/bench/batch-scaling.sh [CORPUS_DIR]
#
# CORPUS_DIR defaults to ../shared/corpora/emodb relative to the repository root; it must hold wav/*.wav.
# Uses $SENTIO_BIN when set, otherwise builds .build/release/sentio; the Python side only lists and times
# (venv as in Scripts/reference/make_reference.sh). Writes the "## Batch scaling" section of
# docs/performance.md. Two workers can only reach 2x on a machine with two otherwise idle cores.
#
# Environment: SENTIO_BIN, SENTIO_VENV, PYTHON, BENCH_REPEATS (default 3), SENTIO_DOC.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"

tool=batch-scaling
# shellcheck source=../lib/common.sh
source "$repo_root/Scripts/lib/common.sh"
sentio_corpus "${1:-}"
sentio_binary
sentio_python_env

exec "$venv/bin/python" "$script_dir/batch_scaling.py" \
    --corpus "$corpus" --sentio "$sentio" --runs "${BENCH_REPEATS:-3}" \
    --doc "${SENTIO_DOC:-$repo_root/docs/performance.md}" --perf-doc "${SENTIO_DOC:-$repo_root/docs/performance.md}"
