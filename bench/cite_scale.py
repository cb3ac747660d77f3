"""`posttrack cite` at scale, beside rg -F and ugrep -Z on the same corpus in the same run.

For each corpus size: the normalisation pass, the cold index build, a rebuild
after touching 1% of the files, and for every query kind (exact, reformatted,
typos, truncated, absent) recall@1 (or rejection) and the median whole-process
latency of `posttrack cite QUERY CORPUS -f json --limit 1` with a warm index,
plus the peak memory of a warm run; and for doctored quotes (a present quote with
a negation added or removed, a number changed, a modal or a party swapped) the
share that cite flags `altered` (its JSON `verdict`), and the share it does not
pass (exit status not 0). BENCH_SIZES picks sizes in MB (default "1 10 100");
BENCH_QUERIES the queries per kind (default 40); BENCH_DOCTORED the doctored
quotes (default 40, the changes in turn).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

from corpus import CHANGES, KINDS, Query, doctored, generate, queries
from process import run

from posttrack.config import cache_dir
from posttrack.quotes.index import Index
from posttrack.quotes.normalize import normalize, normalize_fast
from posttrack.quotes.search import cite

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
SIZES = [float(s) for s in os.environ.get("BENCH_SIZES", "1 10 100").split()]
PER_KIND = int(os.environ.get("BENCH_QUERIES", "40"))
DOCTORED = int(os.environ.get("BENCH_DOCTORED", "40"))
BASELINE_QUERIES = int(os.environ.get("BENCH_BASELINE_QUERIES", "10"))


def correct(query: Query, document: dict, directory: Path) -> bool:
    if query.kind == "absent":
        return document["verdict"] == "none"
    if not document["matches"]:
        return False
    top = document["matches"][0]
    if (
        Path(top["path"]).resolve() == (directory / query.file).resolve()
        and abs(top["line"] - query.line) <= 3
    ):
        return True
    # the same passage, word for word, in another place is a right answer too
    return normalize(top["text"]).text == query.passage


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f}" if values else "-"


def bench_size(mb: float) -> dict[str, str]:
    directory = WORK / f"corpus-{mb:g}mb"
    started = time.perf_counter()
    files = generate(directory, mb)
    generated = time.perf_counter() - started
    total = sum(f.stat().st_size for f in files)
    asked = queries(directory, files, PER_KIND)
    env = {**os.environ, "NO_COLOR": "1", "POSTTRACK_CACHE": str(WORK / f"cache-{mb:g}mb")}
    shutil.rmtree(env["POSTTRACK_CACHE"], ignore_errors=True)

    started = time.perf_counter()
    for f in files:
        normalize_fast(f.read_text(encoding="utf-8"))
    normalise = time.perf_counter() - started

    # the cache directory as posttrack makes it (its own, tagged), or the CLI would
    # refuse it and index in memory on every run
    os.environ["POSTTRACK_CACHE"] = env["POSTTRACK_CACHE"]
    index_path = cache_dir() / "index.sqlite"
    started = time.perf_counter()
    index = Index(index_path)
    index.refresh([str(f.resolve()) for f in files])
    build = time.perf_counter() - started
    touched = files[:: max(len(files) // max(len(files) // 100, 1), 1)][: max(len(files) // 100, 1)]
    for f in touched:
        f.write_text(f.read_text(encoding="utf-8") + "\nA closing remark.\n", encoding="utf-8")
    started = time.perf_counter()
    update = index.refresh([str(f.resolve()) for f in files])
    rebuild = time.perf_counter() - started
    index.close()
    size_mb = index_path.stat().st_size / 1e6

    posttrack = [sys.executable, "-m", "posttrack", "cite"]
    run([*posttrack, "warm up", str(directory), "-f", "json"], env, capture=True)
    latency: dict[str, list[float]] = {k: [] for k in KINDS}
    right: dict[str, int] = dict.fromkeys(KINDS, 0)
    peaks = []
    for query in asked:
        wall, peak, out, _ = run(
            [*posttrack, query.text, str(directory), "-f", "json", "--limit", "1"],
            env,
            capture=True,
        )
        latency[query.kind].append(wall)
        peaks.append(peak)
        right[query.kind] += correct(query, json.loads(out), directory)

    # doctored quotes: what a fact-checker most needs flagged
    altered = refused = 0
    by_change: dict[str, list[int]] = {c: [0, 0] for c in CHANGES}
    bent = doctored(directory, files, DOCTORED)
    for query in bent:
        argv = [*posttrack, query.text, str(directory), "-f", "json", "--limit", "1"]
        result = run(argv, env, capture=True)
        verdict = json.loads(result.out)["verdict"]
        altered += verdict == "altered"
        refused += result.status != 0
        by_change[query.kind][0] += verdict == "altered"
        by_change[query.kind][1] += 1

    # the engine alone, in one process: what the index and rerank cost without start-up
    engine: dict[str, list[float]] = {k: [] for k in KINDS}
    index = Index(index_path)
    resolved = [str(f.resolve()) for f in files]
    index.refresh(resolved)
    ids = index.file_ids(resolved)
    for query in asked:
        started = time.perf_counter()
        cite(index, ids, query.text, limit=1)
        engine[query.kind].append(time.perf_counter() - started)
    index.close()

    rg, ug = [], []
    if shutil.which("rg"):
        for query in [q for q in asked if q.kind == "exact"][:BASELINE_QUERIES]:
            # through a pipe: rg writing to /dev/null would stop at the first match
            rg.append(run(["rg", "-F", "-n", query.text, str(directory)], env, capture=True).wall)
    if shutil.which("ugrep"):
        for query in [q for q in asked if q.kind == "typos"][:BASELINE_QUERIES]:
            ugrep = ["ugrep", "-r", "-n", "-i", "-F", "-Zbest3", query.text, str(directory)]
            ug.append(run(ugrep, env, capture=True).wall)

    present = [k for k in KINDS if k != "absent"]
    recall = sum(right[k] for k in present) / sum(len(latency[k]) for k in present)
    row = {
        "size": f"{total / 1e6:.0f} MB, {len(files):,} files",
        "generate s": f"{generated:.1f}",
        "normalise s": f"{normalise:.1f}",
        "index build s": f"{build:.1f} ({build / normalise:.1f}x normalise)",
        "index MB": f"{size_mb:.0f} ({size_mb / (total / 1e6):.1f}x text)",
        "re-index 1% s": f"{rebuild:.2f} ({update.indexed} of {len(files)} files read)",
        "recall@1 present": f"{recall:.1%}",
        "absent rejected": f"{right['absent'] / len(latency['absent']):.1%}",
    }
    for kind in KINDS:
        score = f"{right[kind]}/{len(latency[kind])}"
        row[f"{kind} ms (right)"] = f"{median_ms(latency[kind])} ({score})"
        row[f"{kind} engine ms"] = median_ms(engine[kind])
    row["rg -F ms (exact)"] = median_ms(rg)
    row["ugrep -Z ms (typos)"] = median_ms(ug)
    if rg:
        row["exact / rg -F"] = f"{statistics.median(latency['exact']) / statistics.median(rg):.2f}x"
    if ug:
        row["typos / ugrep -Z"] = (
            f"{statistics.median(latency['typos']) / statistics.median(ug):.3f}x"
        )
    if bent:
        row["doctored flagged altered"] = f"{altered / len(bent):.0%} ({altered}/{len(bent)})"
        row["doctored not passed (exit>0)"] = f"{refused / len(bent):.0%}"
        # in the order of corpus.CHANGES: negation added, removed, number, modal, party
        row["altered by change"] = " ".join(f"{a}/{n}" for a, n in by_change.values())
    row["peak MiB (warm)"] = f"{max(peaks):.0f}"
    return row


def main() -> None:
    WORK.mkdir(exist_ok=True)
    rows = {f"{mb:g} MB": bench_size(mb) for mb in SIZES}
    keys = list(next(iter(rows.values())))
    print(f"\ncite at scale ({PER_KIND} queries per kind; whole process, warm index; medians)")
    width = max(len(k) for k in keys)
    print(" " * width + "".join(f"  {name:>36}" for name in rows))
    for key in keys:
        print(f"{key:<{width}}" + "".join(f"  {row[key]:>36}" for row in rows.values()))


if __name__ == "__main__":
    main()
