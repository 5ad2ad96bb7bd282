"""Reads Sentio's TextGrids back with Praat (praat-parselmouth) and its Audacity label tracks as Audacity
does, and checks both against the CSV scores of the same run. Run through Scripts/validate/annotations.sh."""
import argparse
import csv
import subprocess
import sys
import tempfile
from pathlib import Path

import parselmouth
from parselmouth.praat import call


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sentio", required=True)
    parser.add_argument("inputs", nargs="+")
    args = parser.parse_args()
    failures = 0
    for segmentation in (["--vad"], ["--segment", "2"]):
        with tempfile.TemporaryDirectory() as tmp:
            base = [args.sentio, "score", *segmentation, *args.inputs, "--progress", "never"]
            subprocess.run(base + ["-o", f"{tmp}/scores.csv"], check=True)
            subprocess.run(base + ["--format", "textgrid", "-o", f"{tmp}/tg"], check=True)
            subprocess.run(base + ["--format", "audacity", "-o", f"{tmp}/au"], check=True)
            rows = list(csv.DictReader(open(f"{tmp}/scores.csv")))
            index = {r["file"]: r["textgrid"] for r in csv.DictReader(open(f"{tmp}/tg/index.csv"))}
            labels = {r["file"]: r["audacity"] for r in csv.DictReader(open(f"{tmp}/au/index.csv"))}
            for path in args.inputs:
                mine = [r for r in rows if r["file"] == path]
                grid = parselmouth.read(f"{tmp}/tg/{index[path]}")
                tiers = call(grid, "Get number of tiers")
                intervals = [(call(grid, "Get start time of interval", 1, i), call(grid, "Get end time of interval", 1, i),
                              call(grid, "Get label of interval", 1, i))
                             for i in range(1, call(grid, "Get number of intervals", 1) + 1)]
                spoken = [iv for iv in intervals if iv[2] != "no_speech"]
                expected = [(float(r["start"]), float(r["end"]), r["emotion"]) for r in mine if r["emotion"] != "no_speech"]
                same = tiers == 2 and len(spoken) == len(expected) and all(
                    abs(a[0] - b[0]) < 1e-6 and abs(a[1] - b[1]) < 1e-6 and a[2] == b[2] for a, b in zip(spoken, expected))
                contiguous = all(abs(a[1] - b[0]) < 1e-9 for a, b in zip(intervals, intervals[1:])) and intervals[0][0] == 0
                lines = Path(f"{tmp}/au/{labels[path]}").read_text().splitlines()
                fields_ok = len(lines) == len(mine) and all(len(line.split("\t")) == 3 for line in lines) and all(
                    abs(float(line.split("\t")[0]) - float(r["start"])) < 1e-6 and line.split("\t")[2].startswith(r["emotion"])
                    for line, r in zip(lines, mine))
                # Overlapping windows are cut at the middle of the overlap in a TextGrid, so compare only VAD's.
                ok = contiguous and fields_ok and (same or segmentation != ["--vad"])
                failures += not ok
                print(f"{'ok  ' if ok else 'FAIL'} {' '.join(segmentation):12} {Path(path).name}: {len(intervals)} intervals "
                      f"({len(spoken)} scored), {len(lines)} Audacity labels")
    print("PASS" if failures == 0 else f"FAIL: {failures} files")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
