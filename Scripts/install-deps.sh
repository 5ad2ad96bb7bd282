#!/usr/bin/env bash
# Installs the system libraries Sentio builds against (Debian/Ubuntu), non-interactively.
# Runs apt-get as root, or through sudo otherwise. The Swift toolchain itself is assumed to be installed.
set -euo pipefail

packages=(pkg-config libfftw3-dev libsndfile1-dev libsoxr-dev)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all system packages present (${packages[*]})"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
