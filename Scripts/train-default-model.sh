#!/usr/bin/env bash
# Reproduces the bundled emotion model, Sources/Sentio/Resources/emotion-model.json, from the Berlin EmoDB
# corpus: multinomial logistic regression on the standard feature sets, no speaker normalisation, seed 0.
# Training is deterministic, so on an unchanged checkout the file comes out byte-identical: the script exits
# 0 when `git diff` of the model is empty and 1 when the model changed. The model records the corpus path as
# given, so byte identity needs the corpus at ../shared/corpora/emodb beside the repository (the default); with
# another path only that provenance line differs.
#
#   Scripts/train-default-model.sh [CORPUS_DIR]     (default: ../shared/corpora/emodb beside the repository;
#                                                    a relative CORPUS_DIR is taken from the current folder)
set -euo pipefail
if [ $# -ge 1 ]; then
    corpus="$(CDPATH= cd -- "$1" 2>/dev/null && pwd)" || { echo "train-default-model: no such folder $1" >&2; exit 2; }
fi
cd "$(dirname "${BASH_SOURCE[0]}")/.."
default=../shared/corpora/emodb
# The default corpus, however it is named, is recorded as the bundled model records it.
if [ -z "${corpus:-}" ] || [ "$corpus" = "$(CDPATH= cd -- "$default" 2>/dev/null && pwd)" ]; then corpus=$default; fi
[ -f "$corpus/labels.csv" ] || { echo "train-default-model: $corpus/labels.csv not found" >&2; exit 2; }
swift build -c release --product sentio >/dev/null
.build/release/sentio train --corpus "$corpus" --normalize none -o Sources/Sentio/Resources/emotion-model.json
if git diff --quiet -- Sources/Sentio/Resources/emotion-model.json; then
    echo "train-default-model: the bundled model is reproduced byte for byte"
else
    git diff --stat -- Sources/Sentio/Resources/emotion-model.json
    echo "train-default-model: the bundled model changed (see git diff)" >&2
    exit 1
fi
