#!/usr/bin/env bash
# Regenerates the reference feature matrices in Fixtures/reference/ (librosa + kaldi-native-fbank) and
# the openSMILE eGeMAPSv02 reference in Fixtures/reference/egemaps/.
#
# Usage (works from any directory):
#
#     bash Scripts/reference/make_reference.sh
#
# What it does:
#   1. Creates a Python venv OUTSIDE the repository if it does not exist yet, at
#      ${SENTIO_VENV:-$HOME/.cache/sentio-venv} (python from ${PYTHON:-python3}; tested with CPython 3.11).
#   2. pip installs the exact pins in Scripts/reference/requirements.txt into it
#      (a no-op when they are already installed).
#   3. Runs Scripts/reference/make_reference.py with that venv, which rewrites
#      Fixtures/reference/*.npy, manifest.csv and README.md, then make_egemaps_reference.py, which
#      rewrites Fixtures/reference/egemaps/.
#
# Environment:
#   SENTIO_VENV   venv directory (default: $HOME/.cache/sentio-venv)
#   PYTHON        interpreter used to create the venv (default: python3)
#
# Only the Python generator needs this; the Swift tests read the committed .npy files and
# never run Python. Only regenerate when the reference fixtures need to change.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"
tool=make_reference
# shellcheck source=../lib/common.sh
source "$repo_root/Scripts/lib/common.sh"
sentio_python_env

"$venv/bin/python" "$script_dir/make_reference.py" "$@"
exec "$venv/bin/python" "$script_dir/make_egemaps_reference.py"
