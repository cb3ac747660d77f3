"""Whole-process cost of each command beside a baseline measured in the same run.

Prints, per command and format: the median wall time of several runs after a
warm-up, the peak resident memory, and both as ratios to the baseline
`python -c "import typer"` in the same environment.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

RUNS = int(os.environ.get("BENCH_RUNS", "15"))
POSTTRACK = [sys.executable, "-m", "posttrack"]
CASES: list[tuple[str, list[str]]] = [
    ("baseline: python -c 'import typer'", [sys.executable, "-c", "import typer"]),
    ("--version", [*POSTTRACK, "--version"]),
    ("topics -f json", [*POSTTRACK, "topics", "-f", "json"]),
    ("topics -f plain", [*POSTTRACK, "topics", "-f", "plain"]),
    ("topics -f table", [*POSTTRACK, "topics", "-f", "table"]),
    ("sources -f json", [*POSTTRACK, "sources", "-f", "json"]),
    ("show binding-instrument -f json", [*POSTTRACK, "show", "binding-instrument", "-f", "json"]),
    ("show binding-instrument -f plain", [*POSTTRACK, "show", "binding-instrument", "-f", "plain"]),
    ("show binding-instrument -f table", [*POSTTRACK, "show", "binding-instrument", "-f", "table"]),
    ("diff 2020 2024 -f json", [*POSTTRACK, "diff", "2020", "2024", "-f", "json"]),
    ("diff 2020 2024 -f table", [*POSTTRACK, "diff", "2020", "2024", "-f", "table"]),
    ("cite 'common heritage' -f json", [*POSTTRACK, "cite", "common heritage", "-f", "json"]),
    ("cite 'common heritage' -f table", [*POSTTRACK, "cite", "common heritage", "-f", "table"]),
    ("check", [*POSTTRACK, "check"]),
]


ENV = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}


def once(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one run; wait4 reads this child's own peak."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: {' '.join(argv)} failed")
    return wall, usage.ru_maxrss / 1024


def measure(argv: list[str]) -> tuple[float, float]:
    """Median wall seconds and median peak RSS over RUNS runs after one warm-up."""
    once(argv)
    runs = [once(argv) for _ in range(RUNS)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def main() -> None:
    rows = [(name, *measure(argv)) for name, argv in CASES]
    base_wall, base_peak = rows[0][1], rows[0][2]
    print(f"start-up, median of {RUNS} runs after a warm-up (Python {sys.version.split()[0]})")
    print(f"{'command':40} {'ms':>8} {'x base':>7} {'MiB':>7} {'x base':>7}")
    for name, wall, peak in rows:
        ratios = f"{wall / base_wall:7.2f} {peak:7.1f} {peak / base_peak:7.2f}"
        print(f"{name:40} {wall * 1000:8.1f} {ratios}")


if __name__ == "__main__":
    main()
