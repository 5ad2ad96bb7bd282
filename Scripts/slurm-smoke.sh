#!/usr/bin/env bash
# Slurm smoke test: a one-node Slurm cluster on this machine runs `sentio features` as a 3-task job array
# (--shard K/3) over Fixtures/, `sentio merge` combines the parts, and the result must equal a single run
# byte for byte (rows, journal, errors file).
#
# Usage (as root, on Debian; works from any directory):
#
#     bash Scripts/slurm-smoke.sh
#
# What it does:
#   1. Installs Debian's slurm-wlm and munge when missing (apt-get) and builds .build/release/sentio
#      (or uses $SENTIO_BIN).
#   2. Starts munged and a private slurmctld + slurmd for this host (configuration, state and logs in a
#      temporary folder; proctrack/linuxproc, no cgroups needed), waits for the node to be idle.
#   3. Submits Scripts/slurm/features-array.sbatch as `sbatch --wait --array=0-2`, merges the three parts
#      and compares them with a single run over the same inputs.
#   4. Stops the daemons it started (also on failure) and prints PASS with the elapsed time; on failure the
#      temporary folder (configuration, logs, outputs) is kept and named.
# Not part of `swift test`: it needs root and starts system daemons.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
started=$(date +%s)
say() { echo "slurm-smoke: $*"; }

if [ "$(id -u)" -ne 0 ]; then
    say "needs root (it installs packages and starts munged, slurmctld and slurmd)" >&2
    exit 2
fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    say "installing slurm-wlm and munge"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >/dev/null
fi
if [ -n "${SENTIO_BIN:-}" ]; then
    sentio="$SENTIO_BIN"
else
    say "building sentio (swift build -c release --product sentio)"
    (cd "$repo_root" && swift build -c release --product sentio >/dev/null)
    sentio="$repo_root/.build/release/sentio"
fi

work="$(mktemp -d /tmp/sentio-slurm-XXXXXX)"
chmod 755 "$work"
pids=()
started_munged=0
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ "$started_munged" -eq 1 ] && [ -f /run/munge/munged.pid ]; then kill "$(cat /run/munge/munged.pid)" 2>/dev/null || true; fi
}
trap 'status=$?; cleanup; [ $status -ne 0 ] && echo "slurm-smoke: logs and outputs kept in $work" >&2; exit $status' EXIT

# munge: Debian's package creates /etc/munge/munge.key; make one if it is missing.
if [ ! -s /etc/munge/munge.key ]; then
    mungekey --create --keyfile /etc/munge/munge.key 2>/dev/null || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null
    chown munge:munge /etc/munge/munge.key 2>/dev/null || true
    chmod 400 /etc/munge/munge.key
fi
mkdir -p /run/munge && chown munge:munge /run/munge 2>/dev/null || true
if ! munge -n >/dev/null 2>&1; then
    say "starting munged"
    if id munge >/dev/null 2>&1; then
        su -s /bin/sh munge -c "munged --force" || munged --force
    else
        munged --force
    fi
    started_munged=1
    sleep 1
fi
munge -n | unmunge >/dev/null

host="$(hostname -s)"
cpus="$(nproc)"
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
mkdir -p "$work/state" "$work/spool" "$work/out"
conf="$work/slurm.conf"
cat > "$conf" <<CONF
ClusterName=sentio-smoke
SlurmctldHost=$host
SlurmUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=smoke Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$conf"

say "starting slurmctld and slurmd for node $host ($cpus CPUs)"
slurmctld -D -i -f "$conf" >"$work/slurmctld.out" 2>&1 &
pids+=($!)
sleep 1
slurmd -D -f "$conf" >"$work/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do
    state="$(sinfo -h -n "$host" -o %T 2>/dev/null || true)"
    [ "$state" = "idle" ] && break
    sleep 1
done
if [ "$state" != "idle" ]; then
    say "the node did not come up (state: '${state:-none}'); logs:" >&2
    tail -n 20 "$work"/slurmctld.log "$work"/slurmd.log "$work"/*.out >&2 || true
    exit 1
fi

say "submitting a 3-task array over Fixtures/"
export SENTIO="$sentio" INPUTS="$repo_root/Fixtures" OUT="$work/out"
sbatch --wait --array=0-2 --output="$work/out/task-%a.log" --chdir="$work/out" \
    --export=ALL "$script_dir/slurm/features-array.sbatch" || true
for k in 0 1 2; do
    if [ ! -f "$work/out/part-$k.csv" ]; then
        say "task $k wrote no output; its log:" >&2
        cat "$work/out/task-$k.log" >&2 || true
        exit 1
    fi
done

say "merging the parts and comparing with a single run"
"$sentio" merge "$work/out/part-2.csv" "$work/out/part-0.csv" "$work/out/part-1.csv" -o "$work/out/merged.csv" 2>/dev/null || [ $? -eq 1 ]   # 1: the bad fixtures failed, as in the single run
"$sentio" features --set mfcc,pitch "$INPUTS" -o "$work/out/single.csv" --progress never 2>/dev/null || [ $? -eq 1 ]
for suffix in "" .journal .errors.jsonl; do
    if ! cmp -s "$work/out/merged.csv$suffix" "$work/out/single.csv$suffix"; then
        say "FAIL: merged.csv$suffix differs from the single run's" >&2
        exit 1
    fi
done
rows=$(( $(wc -l < "$work/out/single.csv") - 1 ))
errors=$(wc -l < "$work/out/single.csv.errors.jsonl")
say "PASS: 3 array tasks on Slurm, merged = single run ($rows rows, $errors failed inputs listed) in $(( $(date +%s) - started )) s"
rm -rf "$work"
