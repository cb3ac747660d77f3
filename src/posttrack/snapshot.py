"""A parsed copy of the dataset in the cache directory.

A command on an unchanged dataset reads one JSON file instead of parsing and
validating YAML and normalising every source to find its quotes' lines. The
copy holds while positions.yaml, every source file it names and posttrack's own
loading code are unchanged (size, mtime, ctime and inode, as for the cite
index); anything else rebuilds it from the files. A cache that cannot be read
or written only costs time: the files are the truth.
"""

from __future__ import annotations

import json
import os
import zlib
from datetime import date
from itertools import islice, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from posttrack.dates import Date
from posttrack.errors import Problem
from posttrack.load import cache_dir, find_dataset, load_dataset
from posttrack.model import Dataset, Level, Position, Quote, Source, Topic

if TYPE_CHECKING:
    from posttrack.match import Occurrence

FORMAT = 3  # bump when the stored shape changes
# The code whose behaviour the copy records: a change to any of it (an upgrade, an
# edit in a checkout) rebuilds the copy.
_CODE = (
    "check.py",
    "dates.py",
    "load.py",
    "match.py",
    "model.py",
    "snapshot.py",
    "text.py",
    "yamlsafe.py",
)


class Snapshot:
    """A loaded dataset with what is known about its quotes' places in the sources."""

    __slots__ = ("_found", "_places", "dataset", "problems")

    def __init__(
        self,
        dataset: Dataset,
        places: dict[Quote, list[Occurrence]] | None,
        problems: list[Problem] | None,  # what `check` finds; None when not asked for
        *,
        found: tuple[list[Quote], list[list[list[int]]]] | None = None,
    ) -> None:
        self.dataset, self.problems = dataset, problems
        # from the cache: each quote and where it is, as stored; made a dict when asked
        self._places, self._found = places, found

    @property
    def places(self) -> dict[Quote, list[Occurrence]]:
        """Everywhere each quote is verbatim in its source."""
        if self._places is None:
            quotes, found = self._found or ([], [])
            tuples = ([(line, start, end) for line, start, end in each] for each in found)
            self._places = dict(zip(quotes, tuples, strict=True))
        return self._places

    @property
    def lines(self) -> dict[Quote, int | None]:
        """The line where each quote starts in its source; None where it is not found."""
        if self._places is None and self._found is not None:
            quotes, found = self._found
            return dict(zip(quotes, (each[0][0] if each else None for each in found), strict=True))
        return {quote: found[0][0] if found else None for quote, found in self.places.items()}


def load(data: str | os.PathLike[str] | None = None, *, check: bool = False) -> Snapshot:
    """The dataset (see `load_dataset`), from the cache when nothing changed; with
    check=True, also every problem `check` reports."""
    file = find_dataset(data)
    where = _cache_file(file)
    stored = _read(where, file)
    if stored is not None and (stored.problems is not None or not check):
        return stored
    before = _signature_or_none(file)  # before reading: an edit made meanwhile is seen next time
    dataset = stored.dataset if stored else load_dataset(file)
    try:
        key = _key(file, dataset, before) if before else None
    except OSError:
        key = None
    if check:
        from posttrack.check import verify

        verified = verify(dataset)
        fresh = Snapshot(dataset, verified.places, verified.problems)
    else:
        from posttrack.match import quote_places

        fresh = Snapshot(dataset, quote_places(dataset, list(dataset.positions)), None)
    if key is not None:
        _write(where, key, fresh)
    return fresh


def _cache_file(file: Path) -> Path:
    # a checksum names the file; the key inside says which dataset it is (no hashlib:
    # it costs more to import than this whole lookup)
    path = str(file.resolve())
    name = f"{zlib.crc32(path.encode('utf-8', 'surrogateescape')):08x}"
    return cache_dir() / "datasets" / f"{name}.json"


def _signature(path: str | Path) -> list[int]:
    info = os.stat(path)
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def _signature_or_none(path: Path) -> list[int] | None:
    try:
        return _signature(path)
    except OSError:
        return None


def _code() -> list[list[int]]:
    here = Path(__file__).parent
    return [_signature(here / name) for name in _CODE]


def _key(file: Path, dataset: Dataset, stat: list[int]) -> dict[str, Any]:
    """What the copy depends on; raises OSError when a file has gone."""
    return {
        "format": FORMAT,
        "code": _code(),
        "file": str(file.resolve()),
        "stat": stat,
        "sources": {str(s.file): _signature(s.file) for s in dataset.sources.values()},
    }


def _read(where: Path, file: Path) -> Snapshot | None:
    """The stored copy when every file it depends on is unchanged, else None."""
    try:
        stored = json.loads(where.read_bytes())
        key = stored["key"]
        fresh_key = key["format"] == FORMAT and key["code"] == _code()
        fresh_key = fresh_key and key["file"] == str(file.resolve())
        fresh_key = fresh_key and key["stat"] == _signature(file)
        fresh_key = fresh_key and all(_signature(p) == s for p, s in key["sources"].items())
        if not fresh_key:
            return None
        dataset, found = _decode(stored["dataset"], file)
        problems = None
        if stored["problems"] is not None and stored["problems"]["cwd"] == os.getcwd():
            problems = [Problem(*p) for p in stored["problems"]["items"]]
        return Snapshot(dataset, None, problems, found=found)
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None  # no copy, or one from another version: rebuild it


def _write(where: Path, key: dict[str, Any], snapshot: Snapshot) -> None:
    """Store the copy atomically; a cache that cannot be written is skipped."""
    try:
        document = {
            "key": key,
            "dataset": _encode(snapshot.dataset, snapshot.places),
            "problems": None
            if snapshot.problems is None
            else {
                "cwd": os.getcwd(),
                "items": [
                    [p.path, p.line, p.column, p.message, p.severity] for p in snapshot.problems
                ],
            },
        }
        where.parent.mkdir(parents=True, exist_ok=True)
        partial = where.with_name(f"{where.name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, where)
    except OSError:
        pass


def _encode(dataset: Dataset, places: dict[Quote, list[Occurrence]]) -> dict[str, Any]:
    # positions and quotes by column: decoding is then one map() per class
    dates: dict[str, int] = {}

    def date_id(value: Date) -> int:
        return dates.setdefault(value.text, len(dates))

    issued = [date_id(s.issued) for s in dataset.sources.values()]
    positions = dataset.positions
    quotes = [q for p in positions for q in p.quotes]
    every_date = {p.date.text: p.date for p in positions}
    every_date.update({s.issued.text: s.issued for s in dataset.sources.values()})
    position_dates = [date_id(p.date) for p in positions]
    return {
        "title": dataset.title,
        "state": dataset.state,
        "edition": dataset.edition,
        "digest": dataset.digest,
        "dates": [
            [d.text, d.start.toordinal(), d.end.toordinal(), d.precision, d.qualifier]
            for d in sorted((every_date[text] for text in dates), key=lambda d: dates[d.text])
        ],
        "sources": [
            [s.id, s.title, s.short, date_id, s.kind, s.voice, s.author, s.speaker, s.venue,
             s.url, s.path, str(s.file), s.note, s.line]
            for s, date_id in zip(dataset.sources.values(), issued, strict=True)
        ],
        "topics": [
            [t.id, t.title, t.description, list(t.aliases),
             [[step.level, step.label] for step in t.scale], t.line]
            for t in dataset.topics.values()
        ],
        "positions": {
            "topic": [p.topic for p in positions],
            "source": [p.source for p in positions],
            "date": position_dates,
            "stance": [p.stance for p in positions],
            "summary": [p.summary for p in positions],
            "quotes": [len(p.quotes) for p in positions],
            "level": [p.level for p in positions],
            "original": [p.original for p in positions],
            "note": [p.note for p in positions],
            "line": [p.line for p in positions],
        },
        "quotes": {
            "text": [q.text for q in quotes],
            "where": [q.where for q in quotes],
            "line": [q.line for q in quotes],
            "column": [q.column for q in quotes],
            "found": [places.get(q, []) for q in quotes],
        },
    }  # fmt: skip


def _decode(
    stored: dict[str, Any], file: Path
) -> tuple[Dataset, tuple[list[Quote], list[list[list[int]]]]]:
    # tuple.__new__ makes each NamedTuple from a zipped row without a Python-level
    # __new__ call: at 10,000 positions, 14 ms instead of 27 for the whole decode
    new = tuple.__new__
    dates = [
        Date(text, date.fromordinal(start), date.fromordinal(end), precision, qualifier)
        for text, start, end, precision, qualifier in stored["dates"]
    ]
    sources = {}
    for s in stored["sources"]:
        sources[s[0]] = Source(
            s[0], s[1], s[2], dates[s[3]], s[4], s[5], s[6], s[7], s[8], s[9], s[10],
            Path(s[11]), s[12], s[13],
        )  # fmt: skip
    topics = {}
    for t in stored["topics"]:
        scale = tuple(Level(level, label) for level, label in t[4])
        topics[t[0]] = Topic(t[0], t[1], t[2], tuple(t[3]), scale, t[5])
    q = stored["quotes"]
    quotes = list(
        map(new, repeat(Quote), zip(q["text"], q["where"], q["line"], q["column"], strict=True))
    )
    remaining = iter(quotes)
    grouped = [tuple(islice(remaining, count)) for count in stored["positions"]["quotes"]]
    p = stored["positions"]
    fields = zip(
        p["topic"], p["source"], map(dates.__getitem__, p["date"]), p["stance"], p["summary"],
        grouped, p["level"], p["original"], p["note"], p["line"], strict=True,
    )  # fmt: skip
    positions = tuple(map(new, repeat(Position), fields))
    dataset = Dataset(
        file.parent, file, stored["title"], stored["state"], stored["edition"], sources,
        topics, positions, stored["digest"],
    )  # fmt: skip
    return dataset, (quotes, q["found"])
