#!/usr/bin/env bash
# Checks `sentio score --format textgrid|audacity` with the real readers: each TextGrid is read back by Praat
# (praat-parselmouth from PyPI) and must hold two tiers whose intervals cover the file contiguously and,
# for --vad segments, equal the CSV output's segments and labels; each Audacity label track must have three
# tab-separated fields per line matching the CSV rows.
#
# Usage: bash Scripts/validate/annotations.sh [AUDIO...]   (default: the spoken clips in Fixtures/audio)
# Uses $SENTIO_BIN or builds .build/release/sentio; the venv is the one of Scripts/reference/make_reference.sh.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"
inputs=("$@")
if [ ${#inputs[@]} -eq 0 ]; then
    inputs=("$repo_root"/Fixtures/audio/speech-en*.wav "$repo_root/Fixtures/audio/speech-en.ogg")
fi

tool=annotations
# shellcheck source=../lib/common.sh
source "$repo_root/Scripts/lib/common.sh"
sentio_binary
sentio_python_env
exec "$venv/bin/python" "$script_dir/check_annotations.py" --sentio "$sentio" "${inputs[@]}"
