"""The dataset copy's codec in-process, at dataset_scale.py's size (10,000 positions).

Three figures, each the median of RUNS runs (BENCH_RUNS, 11 by default):
decoding the whole dataset from a stored copy (what `topics`, `diff` and `cite`
pay), decoding the header and one topic (what `show` pays), and encoding (what
a cold run pays on top of parsing). The copy's key is not checked here: that
is the cache's cost, the same whatever the codec. Run from bench/:
`../.venv/bin/python codec.py`. PYTHONPATH=<an older tree's src> measures the
codec as it was before it had a module of its own (snapshot.py held it).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from dataset_scale import POSITIONS, WORK, generate

from posttrack.dataset import snapshot

try:
    from posttrack.dataset import codec
except ImportError:  # the tree before the codec had a module of its own
    codec = None

RUNS = int(os.environ.get("BENCH_RUNS", "11"))
TOPIC = "topic-07"


def _timed(work: Callable[[], Any]) -> float:
    """Median milliseconds of `work`, the first (warming) run left out."""
    work()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    directory = generate(WORK / f"dataset-{POSITIONS}")
    cache = WORK / "codec-cache"
    os.environ["POSTTRACK_CACHE"] = str(cache)
    loaded = snapshot.load(directory)  # builds the copy when there is none
    dataset, places = loaded.dataset, loaded.places
    file = directory / "positions.yaml"
    (where,) = (cache / "datasets").glob("*.snapshot")
    raw = where.read_bytes()
    end = raw.index(b"\n", 9)
    if codec is not None:
        encode = codec.encode

        def stored() -> Any:
            return codec.Stored(json.loads(raw[9:end]), raw, end + 1, file)
    else:
        encode = snapshot._encode  # type: ignore[attr-defined]

        def stored() -> Any:
            return snapshot._Stored(json.loads(raw[9:end]), raw, end + 1, file, where)  # type: ignore[attr-defined]

    def whole() -> Any:
        return stored().everything()[0]

    if whole() != dataset:
        raise SystemExit("bench: the decoded dataset is not the one stored")

    def one_topic() -> None:
        stored().topic(TOPIC)

    figures = {
        "decode the whole dataset": _timed(whole),
        f"decode the header and {TOPIC}": _timed(one_topic),
        "encode": _timed(lambda: json.dumps(encode(dataset, places)[0])),
    }
    print(f"codec at {len(dataset.positions):,} positions, copy {len(raw) / 1e6:.1f} MB")
    print(f"median of {RUNS} runs, in-process; {sys.version.split()[0]}")
    for name, ms in figures.items():
        print(f"{name:36} {ms:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
