#!/usr/bin/env bash
# Reproduces the bundled emotion model, Sources/Sentio/Resources/emotion-model.json, from the Berlin EmoDB
# corpus: multinomial logistic regression on the standard feature sets, no speaker normalisation, seed 0.
# Training is deterministic, so on an unchanged checkout the file comes out byte-identical (git diff is empty).
#
#   Scripts/train-default-model.sh [CORPUS_DIR]     (default ../shared/corpora/emodb, relative to the repository)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
corpus="${1:-../shared/corpora/emodb}"
[ -f "$corpus/labels.csv" ] || { echo "train-default-model: $corpus/labels.csv not found" >&2; exit 2; }
swift build -c release --product sentio >/dev/null
.build/release/sentio train --corpus "$corpus" --normalize none -o Sources/Sentio/Resources/emotion-model.json
git diff --stat -- Sources/Sentio/Resources/emotion-model.json
