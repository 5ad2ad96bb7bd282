#!/usr/bin/env bash
# Instruction counts (valgrind callgrind) of one sentio command: repeatable where CPU time on a shared machine
# is not, so optimisations can be compared on a small subset in minutes.
#
# Usage (works from any directory):
#
#     bash Scripts/bench/callgrind.sh OUT.callgrind sentio-arguments...
#     e.g. bash Scripts/bench/callgrind.sh /tmp/score.cg score --manifest subset.txt --jobs 1 --progress never -o /tmp/x.csv
#
# Prints the total instruction count and the 25 costliest functions (self cost); the full profile is in
# OUT.callgrind for callgrind_annotate (--inclusive=yes, --tree=caller, or with a source file for line costs).
# Uses $SENTIO_BIN when set, otherwise .build/release/sentio (build it first).
#
# valgrind 3.19 faults in libdispatch's dispatch_main, which the async main thread parks in with
# sigsuspend; a preloaded shim parks the main thread in sleep() instead (the work runs on worker threads,
# and the process still ends through exit()). Needs valgrind and a C compiler.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"
[ $# -ge 2 ] || { echo "usage: $0 OUT.callgrind sentio-arguments..." >&2; exit 2; }
out=$1
shift
sentio=${SENTIO_BIN:-$repo_root/.build/release/sentio}
[ -x "$sentio" ] || { echo "$0: no $sentio (swift build -c release first, or set SENTIO_BIN)" >&2; exit 1; }

shim_dir=$(mktemp -d)
trap 'rm -rf "$shim_dir"' EXIT
cat > "$shim_dir/shim.c" <<'C'
#include <signal.h>
#include <unistd.h>
int sigsuspend(const sigset_t *mask) { (void)mask; for (;;) sleep(1000); }
C
cc -O2 -shared -fPIC "$shim_dir/shim.c" -o "$shim_dir/shim.so"

LD_PRELOAD="$shim_dir/shim.so" valgrind --tool=callgrind --callgrind-out-file="$out" "$sentio" "$@" \
    > /dev/null 2> "$out.log" || { tail -20 "$out.log" >&2; exit 1; }
grep -h "Collected" "$out.log" | sed 's/.*Collected : /instructions: /'
callgrind_annotate --inclusive=no "$out" 2>/dev/null | awk '/^-+$/ {n++; next} n == 6 && NF' | head -25 | cut -c1-160
