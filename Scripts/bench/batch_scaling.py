"""Batch scaling of Sentio on EmoDB: throughput of --jobs 2 against --jobs 1, and peak memory with the whole
corpus against 10 files, for three workloads (frame MFCCs to CSV, eGeMAPS functionals, emotion scores).
Run through Scripts/bench/batch-scaling.sh, which builds Sentio and sets up the venv."""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "lib"))
from reports import corpus_arguments, corpus_files, machine_line, write_section  # noqa: E402

BEGIN = "<!-- BEGIN batch-scaling (Scripts/bench/batch-scaling.sh) -->"
END = "<!-- END batch-scaling -->"

WORKLOADS = [
    ("MFCC frames (.kaldi) to CSV", ["features", "--set", "mfcc", "--format", "csv"]),
    ("eGeMAPS functionals per file", ["features", "--set", "egemaps", "--level", "files"]),
    ("emotion scores (bundled model)", ["score"]),
]


def run(cmd):
    """Runs `cmd`; returns (wall seconds, peak resident memory of the child in MB)."""
    t0 = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - t0
    err = child.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"batch-scaling: {' '.join(cmd[:3])}... failed: {err.strip()}")
    return wall, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    corpus_arguments(parser)
    args = parser.parse_args()
    paths, seconds = corpus_files(args)
    files = [str(p) for p in paths]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        for name, command in WORKLOADS:
            def timed(jobs, inputs):
                for suffix in ["", ".journal", ".errors.jsonl"]:
                    Path(out + suffix).unlink(missing_ok=True)
                return run([args.sentio] + command + inputs + ["--jobs", str(jobs), "-o", out])
            timed(2, files[:20])  # warm-up: page cache, model load
            one, two = [], []
            for _ in range(args.runs):  # alternate, so that load changes hit both sides
                one.append(timed(1, files)[0])
                two.append(timed(2, files)[0])
            small = max(timed(2, files[:10])[1] for _ in range(2))
            large = max(timed(2, files)[1] for _ in range(2))
            w1, w2 = statistics.median(one), statistics.median(two)
            rows.append((name, seconds / w1, seconds / w2, w1 / w2, small, large, large / small))
            print(f"{name}: jobs 1 {seconds / w1:.0f}x, jobs 2 {seconds / w2:.0f}x real time, speed-up {w1 / w2:.2f}; "
                  f"peak memory {small:.0f} MB (10 files) vs {large:.0f} MB ({len(files)} files)", flush=True)

    lines = [BEGIN, "## Batch scaling", "",
             f"Measured {date.today().isoformat()} on {machine_line()}, over {len(files)} EmoDB files "
             f"({seconds / 60:.1f} min of audio), decoding and output writing included, by `Scripts/bench/batch-scaling.sh`. "
             f"Throughput is seconds of audio per wall-clock second; each figure is the median of {args.runs} runs, "
             "`--jobs 1` and `--jobs 2` alternating. Peak memory is the largest resident set of two `--jobs 2` runs.", "",
             "| workload | --jobs 1 | --jobs 2 | speed-up | peak MB, 10 files | peak MB, all files | memory ratio |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, x1, x2, speedup, small, large, ratio in rows:
        lines.append(f"| {name} | {x1:.0f}x | {x2:.0f}x | {speedup:.2f} | {small:.0f} | {large:.0f} | {ratio:.2f} |")
    lines += ["", "Targets (issue 7): speed-up >= 1.8 with two workers; memory with the whole corpus <= 2x that with 10 files.",
              END]
    write_section(args.perf_doc, "\n".join(lines) + "\n", BEGIN, END)
    print(f"wrote {args.perf_doc}")


if __name__ == "__main__":
    main()
