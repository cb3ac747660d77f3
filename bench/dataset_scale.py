"""posttrack on a dataset far larger than the real one: 10,000 positions over 500 sources.

Generates (seeded) 500 source texts of numbered paragraphs and a positions.yaml
of 10,000 positions on 50 topics, each quoting a sentence of its source
verbatim, so that `check` passes. Reports the first (cold) run of each command,
which parses the YAML and reads every source, and the median of warm runs
beside the baseline `python -c "import typer"` measured in the same run. Tables
are drawn in colour on a pseudo-terminal 100 columns wide.

A curator's edit-check cycle is measured apart, against the parse of the YAML
(load_dataset in a process of its own, timed in-process, its median over the
same runs): `check` after an edit of one position in positions.yaml, on a copy
of the dataset with its own cache, each run editing another position (saved
as an editor does, just before the run), so the dataset's parsed copy never
holds but every source is unchanged. Budget: 2x the parse.
BENCH_POSITIONS and BENCH_SOURCES change the size.
"""

from __future__ import annotations

import compileall
import itertools
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from process import medians, run

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
POSITIONS = int(os.environ.get("BENCH_POSITIONS", "10000"))
SOURCES = int(os.environ.get("BENCH_SOURCES", "500"))
TOPICS = 50
VERSION = 3  # bump when the generated dataset changes (3: every step assessed)
RUNS = int(os.environ.get("BENCH_RUNS", "11"))
POSTTRACK = str(Path(sys.executable).with_name("posttrack"))
LABELS = ("binding rules", "a binding instrument", "a legally binding treaty", "a framework")


def _period(issued: str) -> tuple[str, str]:
    """A generated date's period as (start, end), ISO: `2021?` is the whole of 2021."""
    if issued.endswith("?"):
        return (f"{issued[:4]}-01-01", f"{issued[:4]}-12-31")
    return (issued, issued)


def generate(directory: Path, seed: int = 11) -> Path:
    """Write the dataset (sources/*.txt and positions.yaml); return its directory."""
    marker = directory / f".complete-{VERSION}-{POSITIONS}-{SOURCES}"
    if marker.exists():
        return directory
    shutil.rmtree(directory, ignore_errors=True)
    (directory / "sources").mkdir(parents=True)
    from corpus import _model, _sentence  # here: it imports posttrack and reads the sources

    rng = random.Random(seed)
    model = _model(rng)
    out = ["dataset:", '  title: "Generated dataset"', '  state: "Generated"', "", "sources:"]
    paragraphs: list[list[str]] = []
    issued_of: list[str] = []
    for n in range(SOURCES):
        sentences = [_sentence(model, rng) for _ in range(24)]
        paras = [" ".join(sentences[i : i + 2]) for i in range(0, 24, 2)]
        body = "\n\n".join(f"{i}. {p}" for i, p in enumerate(paras, 1))
        (directory / "sources" / f"s{n:03}.txt").write_text(
            f"# Statement {n}\n\n{body}\n", encoding="utf-8"
        )
        paragraphs.append(sentences)
        day = rng.randrange(0, 5 * 365)
        issued = time.strftime("%Y-%m-%d", time.gmtime(1577836800 + day * 86400))
        if n % 25 == 0:
            issued = issued[:4] + "?"
        issued_of.append(issued)
        out += [
            f"  - id: s{n:03}",
            f'    title: "Statement {n}"',
            f'    issued: "{issued}"',
            "    kind: statement",
            "    voice: primary",
            '    author: "Generated"',
            f"    path: sources/s{n:03}.txt",
        ]
    out += ["", "topics:"]
    for t in range(TOPICS):
        out += [
            f"  - id: topic-{t:02}",
            f'    title: "Topic {t}"',
            f'    description: "Generated topic {t}."',
            "    scale:",
        ]
        out += [f'      - {{level: {i}, label: "{label}"}}' for i, label in enumerate(LABELS, 1)]
    out += ["", "positions:"]
    per_topic = POSITIONS // TOPICS
    for t in range(TOPICS):
        chosen = [
            (n, rng.randrange(1, 5), rng.randrange(24))
            for n in rng.sample(range(SOURCES), min(per_topic, SOURCES))
        ]
        # every step assessed, as in a curated dataset: in the order show lists them
        # (the date's period, then the file's order)
        ordered = sorted(range(len(chosen)), key=lambda i: (_period(issued_of[chosen[i][0]]), i))
        before: dict[int, tuple[int, int]] = {}
        for previous, current in itertools.pairwise(ordered):
            before[current] = (chosen[previous][0], chosen[previous][1])
        for i, (n, level, index) in enumerate(chosen):
            out += [
                f"  - topic: topic-{t:02}",
                f"    source: s{n:03}",
                f"    level: {level}",
                f'    stance: "Calls for {LABELS[level - 1]}"',
                f'    summary: "Statement {n} on topic {t}: {LABELS[level - 1]}."',
                "    quotes:",
                f"      - text: {json.dumps(paragraphs[n][index])}",
                f'        where: "para {index // 2 + 1}"',
            ]
            if i in before:
                source, was = before[i]
                kind = "restatement" if level == was else "escalation"
                kind = "softening" if level < was else kind
                out += [
                    "    assessment:",
                    f"      kind: {kind}",
                    f"      after: s{source:03}",
                    f'      note: "From level {was} to level {level}."',
                ]
    (directory / "positions.yaml").write_text("\n".join(out) + "\n", encoding="utf-8")
    marker.touch()
    return directory


def edited(original: str, n: int) -> str:
    """positions.yaml with the summary of its n-th position (counted from 0, wrapping
    around) reworded: an edit of one position that leaves every quote as it was."""
    marker = '    summary: "'
    at = -1
    for _ in range(n % original.count(marker) + 1):
        at = original.index(marker, at + 1)
    at += len(marker)
    return f"{original[:at]}Edited {n}: {original[at:]}"


def save(path: Path, text: str) -> None:
    """Write a file as an editor saves it: a new file renamed over the old one."""
    partial = path.with_name(f".{path.name}.saving")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def parse_seconds(directory: Path) -> float:
    """load_dataset (parse and validate the YAML), timed in a process of its own: a
    child forked from a big parent inherits its peak memory."""
    code = (
        "import sys, time; from posttrack.dataset.load import load_dataset; "
        "t = time.perf_counter(); load_dataset(sys.argv[1]); print(time.perf_counter() - t)"
    )
    return float(subprocess.check_output([sys.executable, "-c", code, str(directory)]))


def once(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) and exit status of one whole process; a table
    is drawn on a pseudo-terminal, in colour."""
    done = run(argv, env, terminal=argv[-2:] == ["-f", "table"])
    return done.wall, done.peak, done.status


def main() -> int:
    if "--generate" in sys.argv:
        generate(WORK / f"dataset-{POSITIONS}")
        return 0
    # compiled, as pip compiles an installed posttrack (startup.py does the same)
    compileall.compile_dir(Path(__file__).resolve().parent.parent / "src" / "posttrack", quiet=1)
    # generated in a child: a process forked from a big parent inherits its peak memory
    subprocess.run([sys.executable, __file__, "--generate"], check=True)
    directory = WORK / f"dataset-{POSITIONS}"
    cache = WORK / "dataset-cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "NO_COLOR": "1", "POSTTRACK_DATA": str(directory)}
    env["POSTTRACK_CACHE"] = str(cache)
    yaml_size = (directory / "positions.yaml").stat().st_size
    texts = sum(f.stat().st_size for f in (directory / "sources").iterdir())

    # the edit-check cycle: on a copy of the dataset, with a cache of its own
    editing = WORK / f"dataset-{POSITIONS}-edited"
    edit_cache = WORK / "dataset-edited-cache"
    shutil.rmtree(editing, ignore_errors=True)
    shutil.copytree(directory, editing)
    pristine = (editing / "positions.yaml").read_text(encoding="utf-8")
    edit_env = {**env, "POSTTRACK_DATA": str(editing), "POSTTRACK_CACHE": str(edit_cache)}
    edit_name, edit_argv = "check after an edit of positions.yaml", [POSTTRACK, "check"]
    edit_budget = 2.0

    cases = [
        ("baseline: python -c 'import typer'", [sys.executable, "-c", "import typer"], None),
        ("topics -f json (load)", [POSTTRACK, "topics", "-f", "json"], None),
        ("show topic-07 -f json", [POSTTRACK, "show", "topic-07", "-f", "json"], 3.0),
        ("show topic-07 -f table", [POSTTRACK, "show", "topic-07", "-f", "table"], 3.0),
        ("diff 2020 2024 -f json", [POSTTRACK, "diff", "2020", "2024", "-f", "json"], 3.0),
        ("diff 2020 2024 -f table", [POSTTRACK, "diff", "2020", "2024", "-f", "table"], 3.0),
        ("check -f json", [POSTTRACK, "check", "-f", "json"], None),
    ]
    first: dict[str, float] = {}
    for name, argv, _ in cases:
        shutil.rmtree(cache, ignore_errors=True)  # each first run starts with no cache
        wall, _, status = once(argv, env)
        if status != 0:
            raise SystemExit(f"bench: {' '.join(argv)} exited {status}")
        first[name] = wall
    shutil.rmtree(edit_cache, ignore_errors=True)
    save(editing / "positions.yaml", edited(pristine, 0))
    first[edit_name], _, status = once(edit_argv, edit_env)  # no cache at all
    if status != 0:
        raise SystemExit(f"bench: {' '.join(edit_argv)} on the edited copy exited {status}")
    once([POSTTRACK, "check"], env)  # the warm runs share one cache, check's included
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in cases}
    runs[edit_name] = []
    parses: list[float] = []
    for n in range(1, RUNS + 1):
        for name, argv, _ in cases:
            wall, peak, _ = once(argv, env)
            runs[name].append((wall, peak))
        parses.append(parse_seconds(directory))
        save(editing / "positions.yaml", edited(pristine, n))
        wall, peak, status = once(edit_argv, edit_env)
        if status != 0:
            raise SystemExit(f"bench: {' '.join(edit_argv)} after edit {n} exited {status}")
        runs[edit_name].append((wall, peak))
    parsed = statistics.median(parses)

    print(
        f"\ndataset scale: {POSITIONS:,} positions, {SOURCES} sources, {TOPICS} topics; "
        f"positions.yaml {yaml_size / 1e6:.1f} MB, source texts {texts / 1e6:.1f} MB"
    )
    print(
        f"parse and validate the YAML in-process (load_dataset): {parsed * 1000:.0f} ms "
        f"(median of {RUNS})"
    )
    print(f"warm: median of {RUNS} interleaved runs; first: no cache at all")
    base_wall, base_peak = medians(runs[cases[0][0]])
    print(
        f"{'command':36} {'first ms':>9} {'warm ms':>8} {'x base':>7} {'budget':>7} "
        f"{'MiB':>6} {'x base':>7}"
    )
    over = 0
    for name, _, budget in cases:
        wall, peak = medians(runs[name])
        ratio = wall / base_wall
        over += budget is not None and ratio > budget
        verdict = "-" if budget is None else (f"{budget:g}x ok" if ratio <= budget else "OVER")
        cold = "-" if name.startswith("baseline") else f"{first[name] * 1000:.0f}"
        print(
            f"{name:36} {cold:>9} {wall * 1000:8.0f} {ratio:7.2f} {verdict:>7} "
            f"{peak:6.1f} {peak / base_peak:7.2f}"
        )
    wall, peak = medians(runs[edit_name])
    ratio = wall / parsed
    over += ratio > edit_budget
    verdict = f"{edit_budget:g}x ok" if ratio <= edit_budget else "OVER"
    print(f"\nthe edit-check cycle, against the parse ({parsed * 1000:.0f} ms)")
    print(f"{'command':37} {'first ms':>8} {'warm ms':>8} {'x parse':>7} {'budget':>7} {'MiB':>6}")
    print(
        f"{edit_name:37} {first[edit_name] * 1000:8.0f} {wall * 1000:8.0f} {ratio:7.2f} "
        f"{verdict:>7} {peak:6.1f}"
    )
    print(f"{over} case(s) over budget" if over else "every case within its budget")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
