"""Helpers shared by the corpus comparison scripts (Scripts/validate/*.py, Scripts/bench/*.py): the corpus
arguments, timing a Sentio run, describing the machine, and rewriting one generated section of a report."""
import os
import platform
import subprocess
import time
from pathlib import Path

PERFORMANCE_HEADER = """# Performance

Sentio's speed next to the reference tools, measured on real speech by the scripts in `Scripts/bench/`.
Each section below is written by its script between its `BEGIN`/`END` markers and is regenerated on its
own; sections for other features (pitch, eGeMAPS, ...) go next to it the same way.

Throughput is given as **x real time per CPU second**: seconds of audio processed per second of CPU time
(user + system) on one core. Every tool runs single-threaded. Absolute times depend on the machine and
its load, and these runs are made on shared, noisy machines: the **ratios** between tools, measured in
the same run on the same files, matter more than the absolute figures.
"""


def corpus_arguments(parser, timed=True):
    """Adds the arguments every EmoDB comparison takes: corpus, sentio binary, report; with `timed` (the
    feature comparisons, which also time Sentio) the performance report, --limit and --runs too. The
    classifier comparison passes timed=False: it has no speed section, and cross-validation over speakers
    needs the whole corpus, so a --limit subset would not be comparable."""
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--sentio", required=True)
    parser.add_argument("--doc", required=True)
    if timed:
        parser.add_argument("--perf-doc", required=True)
        parser.add_argument("--limit", type=int, default=0, help="only the first N files (for a quick look)")
        parser.add_argument("--runs", type=int, default=3, help="timed Sentio runs (median)")


def corpus_files(args):
    """The corpus's wav/*.wav files in name order (the first --limit when given) and their total seconds."""
    import soundfile as sf  # here, not at the top: the ChildRunner helper imports this module and stays small
    paths = sorted(Path(args.corpus, "wav").glob("*.wav"))
    if getattr(args, "limit", 0):
        paths = paths[: args.limit]
    return paths, sum(sf.info(str(p)).duration for p in paths)


def run_child(cmd):
    """Runs `cmd` (standard output discarded); returns (wall seconds, CPU seconds, peak resident MB) of the
    child, from its own rusage (os.wait4), so nothing else this process has waited for is counted.
    Raises subprocess.CalledProcessError when it fails.

    The peak is only the child's own when this process is small: Linux carries the resident size a child
    had before exec (a copy of this process) into its ru_maxrss. A process that has imported librosa or
    openSMILE measures memory through ChildRunner instead."""
    t0 = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - t0
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise subprocess.CalledProcessError(child.returncode, cmd)
    # Linux reports ru_maxrss in kilobytes.
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def serve_children():
    """The loop of a ChildRunner helper: one JSON command per input line, one JSON result per output line."""
    import json
    import sys
    for line in sys.stdin:
        try:
            result = {"ok": run_child(json.loads(line))}
        except subprocess.CalledProcessError as e:
            result = {"failed": e.returncode}
        print(json.dumps(result), flush=True)


class ChildRunner:
    """run_child in a separate small Python process, started before the caller imports anything large, so
    that the children's peak memory is their own (see run_child). Start it at the top of a script."""

    def __init__(self):
        import sys
        code = (f"import sys; sys.path.insert(0, {str(Path(__file__).resolve().parent)!r}); "
                "import reports; reports.serve_children()")
        self._proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      text=True)

    def run(self, cmd):
        """(wall seconds, CPU seconds, peak resident MB) of `cmd`, as run_child."""
        import json
        self._proc.stdin.write(json.dumps([str(c) for c in cmd]) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError("ChildRunner: the helper process ended")
        result = json.loads(line)
        if "failed" in result:
            raise subprocess.CalledProcessError(result["failed"], cmd)
        return tuple(result["ok"])

    def close(self):
        self._proc.stdin.close()
        self._proc.wait()


def run_timed(cmd):
    """Runs `cmd` (output discarded); returns (wall seconds, CPU seconds of the child)."""
    wall, cpu, _ = run_child(cmd)
    return wall, cpu


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_line():
    """One line: CPU model, logical CPUs, OS."""
    return f"{cpu_model()}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}"


def write_section(path, text, begin, end, header=PERFORMANCE_HEADER):
    """Replaces the text between the `begin` and `end` markers of `path` (which `text` includes), or appends
    it; a new file starts with `header`."""
    path = Path(path)
    old = path.read_text() if path.exists() else ""
    if begin in old and end in old:
        head, rest = old.split(begin, 1)
        tail = rest.split(end, 1)[1].lstrip("\n")
        new = head + text + ("\n" + tail if tail else "")
    elif old:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        new = header + "\n" + text
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new if new.endswith("\n") else new + "\n")


def runs_appendix(machine, versions, runs, repeats):
    """The closing tables of a speed section: the machine, the tool versions and every repetition, from
    `machine` and `versions` (dicts) and `runs` (label -> [(CPU s, wall s[, peak]), ...])."""
    rep_header = " | ".join(f"run {i + 1} CPU / wall s" for i in range(repeats))
    return "\n".join([
        "Machine:", "", "| | |", "|---|---|", *(f"| {k} | {v} |" for k, v in machine.items()), "",
        "Versions:", "", "| tool | version |", "|---|---|", *(f"| {k} | {v} |" for k, v in versions.items()), "",
        "All repetitions:", "", f"| tool | {rep_header} |", "|---|" + "---:|" * repeats,
        *(f"| {label} | " + " | ".join(f"{m[0]:.2f} / {m[1]:.2f}" for m in ms) + " |" for label, ms in runs.items()),
    ])
