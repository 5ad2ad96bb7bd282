# Shared set-up for Sentio's corpus scripts; source it after setting `tool` (the name used in messages)
# and `repo_root`. Functions set globals for the caller: `corpus`, `sentio`, `venv`.

# Resolves the EmoDB folder: an argument is relative to the caller's directory, the default
# ../shared/corpora/emodb to the repository root. Leaves the shell in the repository root.
sentio_corpus() {
    corpus="${1:-}"
    if [ -n "$corpus" ] && [ -d "$corpus" ]; then
        corpus="$(cd "$corpus" && pwd)"
    fi
    cd "$repo_root"
    corpus="${corpus:-../shared/corpora/emodb}"
    if [ ! -d "$corpus/wav" ] || ! compgen -G "$corpus/wav/*.wav" >/dev/null; then
        echo "$tool: EmoDB not found: no $corpus/wav/*.wav" >&2
        echo "$tool: (the default is ../shared/corpora/emodb relative to the repository root $repo_root)." >&2
        echo "$tool: pass the corpus folder (the one holding wav/) as the first argument." >&2
        exit 2
    fi
}

# Uses $SENTIO_BIN, or builds the release CLI and uses .build/release/sentio.
sentio_binary() {
    if [ -n "${SENTIO_BIN:-}" ]; then
        sentio="$SENTIO_BIN"
    else
        echo "$tool: building sentio (swift build -c release --product sentio)"
        (cd "$repo_root" && swift build -c release --product sentio)
        sentio="$repo_root/.build/release/sentio"
    fi
    if [ ! -x "$sentio" ]; then
        echo "$tool: $sentio is not an executable" >&2
        exit 2
    fi
}

# Creates the reference-tool venv outside the repository ($SENTIO_VENV, default ~/.cache/sentio-venv)
# and installs the pinned requirements into it.
sentio_python_env() {
    venv="${SENTIO_VENV:-$HOME/.cache/sentio-venv}"
    local python="${PYTHON:-python3}"
    if [ ! -x "$venv/bin/python" ]; then
        command -v "$python" >/dev/null || { echo "$tool: no Python interpreter $python (set PYTHON)" >&2; exit 2; }
        echo "$tool: creating venv at $venv"
        "$python" -m venv "$venv"
    fi
    echo "$tool: installing pinned requirements into $venv"
    "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$repo_root/Scripts/reference/requirements.txt" \
        || { echo "$tool: cannot install the pinned requirements into $venv (offline? see the pip error above)" >&2; exit 2; }
}
