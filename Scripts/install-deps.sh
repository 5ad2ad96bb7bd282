#!/usr/bin/env bash
# Installs the system libraries Sentio builds against (Debian/Ubuntu), non-interactively.
# Runs apt-get as root, or through sudo otherwise. The Swift toolchain itself is assumed to be installed.
set -euo pipefail

packages=(pkg-config libfftw3-dev libsndfile1-dev libsoxr-dev)

# Whatever installed them (another distribution, a source build), libraries pkg-config finds are enough.
if command -v pkg-config >/dev/null && pkg-config --exists fftw3f sndfile soxr; then
    echo "install-deps: fftw3f, sndfile and soxr found by pkg-config"
    exit 0
fi
if ! command -v apt-get >/dev/null || ! command -v dpkg-query >/dev/null; then
    echo "install-deps: no apt-get here: install pkg-config, FFTW 3 (single precision), libsndfile and libsoxr" \
         "(development files) with this system's package manager" >&2
    exit 2
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all system packages present (${packages[*]})"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
    echo "install-deps: installing ${missing[*]} needs root, and sudo is not installed: run this as root" >&2
    exit 2
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
