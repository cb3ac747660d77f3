"""A parsed copy of the dataset in the cache directory.

A command on an unchanged dataset reads one file instead of parsing and
validating YAML and normalising every source to find its quotes' lines. The
copy holds while positions.yaml, every source file it names and posttrack's own
loading code are unchanged (size, mtime, ctime and inode, as for the cite
index); anything else rebuilds it from the files. A cache that cannot be read
or written only costs time: the files are the truth.

The file is a checksum line, a JSON header line (the key, the dataset's title,
dates, sources and topics, where each topic's part is) and one JSON document per
topic holding its positions and quotes by column. `show` decodes the header
and its one topic, whatever the size of the dataset.
"""

from __future__ import annotations

import gc
import json
import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from itertools import islice, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from posttrack.cachedir import cache_dir
from posttrack.dates import Date
from posttrack.errors import Problem
from posttrack.load import find_dataset, load_dataset
from posttrack.model import Dataset, Level, Position, Quote, Source, Topic

if TYPE_CHECKING:
    from posttrack.match import Occurrence

FORMAT = 4  # bump when the stored shape changes
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

    __slots__ = ("_dataset", "_found", "_places", "_stored", "problems")

    def __init__(
        self,
        dataset: Dataset | None,
        places: dict[Quote, list[Occurrence]] | None,
        problems: list[Problem] | None,  # what `check` finds; None when not asked for
        stored: _Stored | None = None,
    ) -> None:
        self._dataset, self._places, self.problems = dataset, places, problems
        self._stored = stored  # a copy from the cache, its topics decoded when asked for
        self._found: tuple[list[Quote], list[list[list[int]]]] | None = None

    @property
    def dataset(self) -> Dataset:
        """The whole dataset."""
        if self._dataset is None:
            assert self._stored is not None
            try:
                self._dataset, self._found = self._stored.everything()
            except _DECODING:
                self._rebuild()
        assert self._dataset is not None
        return self._dataset

    @property
    def header(self) -> Dataset:
        """The dataset's title, sources and topics; positions only if already at hand."""
        if self._dataset is None and self._stored is not None:
            return self._stored.base
        return self.dataset

    def topic(self, topic_id: str) -> tuple[Dataset, dict[Quote, int | None]]:
        """The dataset with only this topic's positions, and their quotes' lines."""
        if self._dataset is None and self._stored is not None:
            try:
                _, positions, quotes, found = self._stored.topic(topic_id)
            except _DECODING:
                self._rebuild()
            else:
                dataset = self._stored.base._replace(positions=tuple(positions))
                return dataset, _first_lines(quotes, found)
        dataset = self.dataset
        chosen = tuple(p for p in dataset.positions if p.topic == topic_id)
        return dataset._replace(positions=chosen), self.lines

    def _rebuild(self) -> None:
        """A stored copy that does not decode is replaced, from the files."""
        assert self._stored is not None
        fresh = _build(self._stored.base.file, self._stored.where, check=False)
        self._dataset, self._places, self._stored = fresh.dataset, fresh.places, None

    @property
    def places(self) -> dict[Quote, list[Occurrence]]:
        """Everywhere each quote is verbatim in its source."""
        if self._places is None:
            self.dataset  # noqa: B018 - decodes the stored quotes and their places
        if self._places is None:
            quotes, found = self._found or ([], [])
            tuples = ([(line, start, end) for line, start, end in each] for each in found)
            self._places = dict(zip(quotes, tuples, strict=True))
        return self._places

    @property
    def lines(self) -> dict[Quote, int | None]:
        """The line where each quote starts in its source; None where it is not found."""
        if self._places is None:
            self.dataset  # noqa: B018 - decodes the stored quotes and their places
        if self._places is None and self._found is not None:
            return _first_lines(*self._found)
        return {quote: found[0][0] if found else None for quote, found in self.places.items()}


def _first_lines(quotes: list[Quote], found: list[list[list[int]]]) -> dict[Quote, int | None]:
    return dict(zip(quotes, (each[0][0] if each else None for each in found), strict=True))


def load(data: str | os.PathLike[str] | None = None, *, check: bool = False) -> Snapshot:
    """The dataset (see `load_dataset`), from the cache when nothing changed; with
    check=True, also every problem `check` reports."""
    file = find_dataset(data)
    where = _cache_file(file)
    stored = _read(where, file) if where else None
    if stored is not None and (stored.problems is not None or not check):
        return stored
    return _build(file, where, check=check, stored=stored)


def _build(
    file: Path, where: Path | None, *, check: bool, stored: Snapshot | None = None
) -> Snapshot:
    """Load (or take the stored dataset), find the quotes, and store the copy."""
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
    if key is not None and where is not None:
        _write(where, key, fresh)
    return fresh


def _cache_file(file: Path) -> Path | None:
    """Where the copy of the dataset at `file` is kept; None when there is no cache
    of posttrack's own to keep it in (the dataset is then parsed on every run)."""
    # a checksum names the file; the key inside says which dataset it is (no hashlib:
    # it costs more to import than this whole lookup)
    path = str(file.resolve())
    name = f"{zlib.crc32(path.encode('utf-8', 'surrogateescape')):08x}"
    try:
        return cache_dir(file.parent) / "datasets" / f"{name}.snapshot"
    except OSError:
        return None


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
        raw = where.read_bytes()
        end = raw.index(b"\n", _CRC)
        head = json.loads(raw[_CRC:end])
        key = head["key"]
        fresh_key = key["format"] == FORMAT and key["code"] == _code()
        fresh_key = fresh_key and key["file"] == str(file.resolve())
        fresh_key = fresh_key and key["stat"] == _signature(file)
        fresh_key = fresh_key and all(_signature(p) == s for p, s in key["sources"].items())
        if not fresh_key or int(raw[: _CRC - 1], 16) != zlib.crc32(memoryview(raw)[_CRC:]):
            return None
        problems = None
        if head["problems"] is not None and head["problems"]["cwd"] == os.getcwd():
            problems = [Problem(*p) for p in head["problems"]["items"]]
        return Snapshot(None, None, problems, _Stored(head, raw, end + 1, file, where))
    except (OSError, *_DECODING):
        return None  # no copy, or one from another version: rebuild it


_DECODING = (ValueError, KeyError, TypeError, IndexError)  # a copy that does not decode
_CRC = 9  # the first line: a checksum of the rest, 8 hex digits


def _write(where: Path, key: dict[str, Any], snapshot: Snapshot) -> None:
    """Store the copy atomically; a cache that cannot be written is skipped."""
    try:
        head, parts = _encode(snapshot.dataset, snapshot.places)
        head["key"] = key
        head["problems"] = (
            None
            if snapshot.problems is None
            else {
                "cwd": os.getcwd(),
                "items": [
                    [p.path, p.line, p.column, p.message, p.severity] for p in snapshot.problems
                ],
            }
        )
        where.parent.mkdir(parents=True, exist_ok=True)
        partial = where.with_name(f"{where.name}.{os.getpid()}.tmp")
        # ensure_ascii: the header holds no raw newline, whatever the data
        rest = json.dumps(head, ensure_ascii=True).encode() + b"\n" + b"".join(parts)
        partial.write_bytes(f"{zlib.crc32(rest):08x}\n".encode() + rest)
        os.replace(partial, where)
        where.with_suffix(".json").unlink(missing_ok=True)  # the copy's earlier form
    except OSError:
        pass


def _encode(
    dataset: Dataset, places: dict[Quote, list[Occurrence]]
) -> tuple[dict[str, Any], list[bytes]]:
    """The header, and each topic's part: its positions and their quotes by column
    (decoding is then one map() per class), with each position's place in the file."""
    dates: dict[str, int] = {}

    def date_id(value: Date) -> int:
        return dates.setdefault(value.text, len(dates))

    issued = [date_id(s.issued) for s in dataset.sources.values()]
    every_date = {p.date.text: p.date for p in dataset.positions}
    every_date.update({s.issued.text: s.issued for s in dataset.sources.values()})
    by_topic: dict[str, list[tuple[int, Position]]] = {t: [] for t in dataset.topics}
    for order, position in enumerate(dataset.positions):
        by_topic[position.topic].append((order, position))
    parts, starts, offset = [], {}, 0
    for topic_id, numbered in by_topic.items():
        positions = [p for _, p in numbered]
        quotes = [q for p in positions for q in p.quotes]
        part = json.dumps(
            {
                "order": [order for order, _ in numbered],
                "source": [p.source for p in positions],
                "date": [date_id(p.date) for p in positions],
                "stance": [p.stance for p in positions],
                "summary": [p.summary for p in positions],
                "quotes": [len(p.quotes) for p in positions],
                "level": [p.level for p in positions],
                "original": [p.original for p in positions],
                "note": [p.note for p in positions],
                "line": [p.line for p in positions],
                "quote": {
                    "text": [q.text for q in quotes],
                    "where": [q.where for q in quotes],
                    "line": [q.line for q in quotes],
                    "column": [q.column for q in quotes],
                    "found": [places.get(q, []) for q in quotes],
                },
            },
            ensure_ascii=False,
        ).encode()
        parts.append(part)
        starts[topic_id] = [offset, len(part)]
        offset += len(part)
    head = {
        "title": dataset.title,
        "state": dataset.state,
        "edition": dataset.edition,
        "digest": dataset.digest,
        "count": len(dataset.positions),
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
        "parts": starts,
    }  # fmt: skip
    return head, parts


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a bulk of acyclic values is made: every
    700 allocations it would scan them all again (6 ms of 45 at 10,000 positions)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Stored:
    """A copy as read from the cache: its header decoded, each topic when asked for."""

    def __init__(
        self, head: dict[str, Any], raw: bytes, start: int, file: Path, where: Path
    ) -> None:
        self.head, self.raw, self.start, self.where = head, raw, start, where
        self.dates = [
            Date(text, date.fromordinal(first), date.fromordinal(last), precision, qualifier)
            for text, first, last, precision, qualifier in head["dates"]
        ]
        sources = {}
        for s in head["sources"]:
            sources[s[0]] = Source(
                s[0], s[1], s[2], self.dates[s[3]], s[4], s[5], s[6], s[7], s[8], s[9], s[10],
                Path(s[11]), s[12], s[13],
            )  # fmt: skip
        topics = {}
        for t in head["topics"]:
            scale = tuple(Level(level, label) for level, label in t[4])
            topics[t[0]] = Topic(t[0], t[1], t[2], tuple(t[3]), scale, t[5])
        self.base = Dataset(
            file.parent, file, head["title"], head["state"], head["edition"], sources,
            topics, (), head["digest"],
        )  # fmt: skip

    def _part(self, topic_id: str) -> dict[str, Any]:
        offset, size = self.head["parts"][topic_id]
        at = self.start + offset
        part: dict[str, Any] = json.loads(self.raw[at : at + size])
        return part

    def topic(
        self, topic_id: str
    ) -> tuple[list[int], list[Position], list[Quote], list[list[list[int]]]]:
        """The topic's positions (with their places in the file), their quotes, and
        where each quote is; ValueError when the stored columns disagree."""
        # tuple.__new__ makes each NamedTuple from a zipped row without a Python-level
        # __new__ call: at 10,000 positions, half the time
        new = tuple.__new__
        p = self._part(topic_id)
        q = p["quote"]
        rows = zip(q["text"], q["where"], q["line"], q["column"], strict=True)
        quotes = list(map(new, repeat(Quote), rows))
        if sum(p["quotes"]) != len(quotes) or len(q["found"]) != len(quotes):
            raise ValueError("a stored topic's quotes are not its positions' quotes")
        remaining = iter(quotes)
        grouped = [tuple(islice(remaining, count)) for count in p["quotes"]]
        order = p["order"]
        fields = zip(
            repeat(topic_id, len(order)), p["source"], map(self.dates.__getitem__, p["date"]),
            p["stance"], p["summary"], grouped, p["level"], p["original"], p["note"], p["line"],
            strict=True,
        )  # fmt: skip
        return order, list(map(new, repeat(Position), fields)), quotes, q["found"]

    def everything(self) -> tuple[Dataset, tuple[list[Quote], list[list[list[int]]]]]:
        """The whole dataset in file order, with every quote and where it is."""
        with _collector_paused():
            return self._everything()

    def _everything(self) -> tuple[Dataset, tuple[list[Quote], list[list[list[int]]]]]:
        slots: list[Position | None] = [None] * self.head["count"]
        quotes: list[Quote] = []
        found: list[list[list[int]]] = []
        for topic_id in self.head["parts"]:
            order, positions, some, where = self.topic(topic_id)
            for at, position in zip(order, positions, strict=True):
                slots[at] = position
            quotes += some
            found += where
        filled = tuple(slot for slot in slots if slot is not None)
        if len(filled) != len(slots):
            raise ValueError("the stored topics do not hold every position")
        return self.base._replace(positions=filled), (quotes, found)
