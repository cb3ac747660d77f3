"""Whole-process cost of each command on the shipped data, beside a baseline
measured in the same run: `python -c "import typer"` in the same environment.

Every case runs once to warm the caches, then RUNS times, interleaved with the
others so that a noisy moment hurts every case alike. Prints, per command and
format: the median wall time, its ratio to the baseline's and the budget (1.5x
in machine formats, 2x when rich renders a table, which is drawn in colour on a
pseudo-terminal 100 columns wide), and the median peak resident memory with
its ratio (budget 2x). posttrack's bytecode is compiled first, as
pip does when it installs the wheel, so that the figures are an installed
posttrack's. Exits 1 when a case is over its budget.
"""

from __future__ import annotations

import compileall
import os
import sys
from pathlib import Path

from process import medians, run

RUNS = int(os.environ.get("BENCH_RUNS", "21"))
SRC = Path(__file__).resolve().parent.parent / "src" / "posttrack"
POSTTRACK = str(Path(sys.executable).with_name("posttrack"))  # the console script
MACHINE, RICH, MEMORY = 1.5, 2.0, 2.0


def cases() -> list[tuple[str, list[str], float]]:
    """(name, argv, wall-time budget) for every command in each format that differs in cost."""
    commands = [
        ("--version", ["--version"], [None]),
        ("topics", ["topics"], ["json", "plain", "csv", "table"]),
        ("sources", ["sources"], ["json", "table"]),
        ("show binding-instrument", ["show", "binding-instrument"], ["json", "plain", "table"]),
        ("diff 2020 2024", ["diff", "2020", "2024"], ["json", "plain", "table"]),
        ("cite 'common heritage'", ["cite", "common heritage"], ["json", "plain", "table"]),
        ("check", ["check"], ["json", "plain"]),
        ("export --by quote", ["export", "--by", "quote"], ["json", "csv", "md"]),
    ]
    found = [("baseline: python -c 'import typer'", [sys.executable, "-c", "import typer"], 1.0)]
    for name, args, formats in commands:
        for fmt in formats:
            argv = [POSTTRACK, *args] + (["-f", fmt] if fmt else [])
            budget = RICH if fmt == "table" else MACHINE
            found.append((f"{name} -f {fmt}" if fmt else name, argv, budget))
    return found


ENV = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}


def once(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one run, which must succeed; a table is
    drawn on a pseudo-terminal, in colour."""
    done = run(argv, ENV, terminal=argv[-2:] == ["-f", "table"])
    if done.status != 0:
        raise SystemExit(f"bench: {' '.join(argv)} failed")
    return done.wall, done.peak


def main() -> int:
    compileall.compile_dir(SRC, quiet=1)
    chosen = cases()
    for _, argv, _ in chosen:
        once(argv)  # warm-up: page cache, the dataset's cached copy, the cite index
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in chosen}
    for _ in range(RUNS):
        for name, argv, _ in chosen:
            runs[name].append(once(argv))
    base = runs[chosen[0][0]]
    base_wall, base_peak = medians(base)
    version = sys.version.split()[0]
    print(f"start-up on the shipped data: median of {RUNS} interleaved runs (Python {version})")
    print(f"{'command':34} {'ms':>6} {'x base':>7} {'budget':>7} {'MiB':>6} {'x base':>7}")
    over = 0
    for name, _, budget in chosen:
        wall, peak = medians(runs[name])
        fits = wall / base_wall <= budget and peak / base_peak <= MEMORY
        over += not fits
        verdict = f"{budget:g}x " + ("ok" if fits else "OVER")
        print(
            f"{name:34} {wall * 1000:6.0f} {wall / base_wall:7.2f} {verdict:>7} "
            f"{peak:6.1f} {peak / base_peak:7.2f}"
        )
    print(f"{over} case(s) over budget" if over else "every case within its budget")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
