"""A parsed copy of the dataset in the cache directory.

A command on an unchanged dataset reads one file instead of parsing and
validating YAML and normalising every source to find its quotes' lines. The
copy holds while positions.yaml, every source file it names and the code that
made it are unchanged: every module of posttrack, PyYAML's, and the Python
version (its Unicode tables drive NFKC). A file is unchanged when its size,
mtime, ctime, inode and device are; one whose timestamps were, when the copy
was made, too recent to tell a later edit apart (file systems keep them to 1 or
2 seconds) is also compared by content, until it is old enough (git's "racily
clean" files). Anything else rebuilds the copy from the files. A cache that
cannot be read or written only costs time: the files are the truth.

The file is a checksum line, a JSON header line (the key, the dataset's title,
dates, sources and topics, where each topic's part is) and one JSON document per
topic holding its positions and quotes by column. `show` decodes the header
and its one topic, whatever the size of the dataset. The checksum catches a
damaged copy, not a crafted one: every value decoded is checked against the
rules the loader enforces (types, bounds, references, source files inside the
dataset), and a copy that breaks one is rebuilt.
"""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import json
import operator
import os
import re
import stat
import sys
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from itertools import chain, islice, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from posttrack.config import RACY_NS, cache_dir, find_dataset
from posttrack.dataset.load import load_dataset
from posttrack.dates import Date
from posttrack.errors import Problem
from posttrack.model import KINDS, VOICES, Dataset, Level, Position, Quote, Source, Topic

if TYPE_CHECKING:
    from posttrack.quotes.locate import CitedBy, Occurrence

FORMAT = 5  # bump when the stored shape changes
# The code whose behaviour the copy records is every module of posttrack: an
# upgrade, or an edit in a checkout, rebuilds the copy.
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# directories of the package that hold no code: compiled files, the shipped dataset
_NOT_CODE = frozenset({"__pycache__", "data"})
# A temporary copy untouched this long, or whose writer is gone, is abandoned.
_ABANDONED_NS = 60_000_000_000
_TEMPORARY = re.compile(r"[0-9a-f]{8}\.(?:snapshot|json)\.([0-9]{1,10})\.tmp")


class _Undecodable(Exception):
    """A stored copy that does not hold what the loader could have made: rebuild it."""


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
        if dataset is None and stored is None:
            raise ValueError("a snapshot needs a dataset or a stored copy of one")
        self._dataset, self._places, self.problems = dataset, places, problems
        self._stored = stored  # a copy from the cache, its topics decoded when asked for
        self._found: tuple[list[Quote], list[list[list[int]]]] | None = None

    @property
    def dataset(self) -> Dataset:
        """The whole dataset."""
        if self._dataset is not None:
            return self._dataset
        stored = self._stored
        if stored is None:  # __init__ takes one or the other, and _rebuild sets the dataset
            raise RuntimeError("a snapshot lost both its dataset and its stored copy")
        try:
            dataset, self._found = stored.everything()
        except _Undecodable:
            return self._rebuild(stored)
        self._dataset = dataset
        return dataset

    @property
    def header(self) -> Dataset:
        """The dataset's title, sources and topics; positions only if already at hand."""
        if self._dataset is None and self._stored is not None:
            return self._stored.base
        return self.dataset

    def topic(self, topic_id: str) -> tuple[Dataset, dict[Quote, int | None]]:
        """The dataset with only this topic's positions, and their quotes' lines."""
        stored = self._stored
        if self._dataset is None and stored is not None:
            try:
                _, positions, quotes, found = stored.topic(topic_id)
            except _Undecodable:
                self._rebuild(stored)
            else:
                dataset = stored.base._replace(positions=tuple(positions))
                return dataset, _first_lines(quotes, found)
        dataset = self.dataset
        chosen = tuple(p for p in dataset.positions if p.topic == topic_id)
        return dataset._replace(positions=chosen), self.lines

    def _rebuild(self, stored: _Stored) -> Dataset:
        """A stored copy that does not decode is replaced, from the files."""
        fresh = _build(stored.file, stored.where, check=False)
        self._dataset, self._places, self._stored = fresh.dataset, fresh.places, None
        return fresh.dataset

    def _stored_places(self) -> tuple[list[Quote], list[list[list[int]]]] | None:
        """The stored quotes and where each is, checked when first asked for (`topics`
        never asks); None when the places are at hand, built or rebuilt."""
        if self._places is None:
            self.dataset  # noqa: B018 - decodes the stored quotes and their places
        if self._places is not None or self._found is None:
            return None
        stored = self._stored
        if stored is not None:
            try:
                _check_places(self._found[1])
            except _Undecodable:
                self._rebuild(stored)
                return None
            self._stored = None  # checked, and the dataset decoded: nothing more to read
        return self._found

    @property
    def places(self) -> dict[Quote, list[Occurrence]]:
        """Everywhere each quote is verbatim in its source."""
        found = self._stored_places()
        if found is not None:
            tuples = ([(line, start, end) for line, start, end in each] for each in found[1])
            self._places = dict(zip(found[0], tuples, strict=True))
        if self._places is None:  # _stored_places either found them or rebuilt them
            raise RuntimeError("a snapshot without its quotes' places")
        return self._places

    def cited_by(self) -> CitedBy:
        """Which of the dataset's positions quote each span of its sources."""
        from posttrack.quotes.locate import CitedBy

        return CitedBy(self.dataset.positions, self.places)

    @property
    def lines(self) -> dict[Quote, int | None]:
        """The line where each quote starts in its source; None where it is not found."""
        found = self._stored_places()
        if found is not None:
            return _first_lines(*found)
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
        return Snapshot(None, None, stored.problems, stored)
    return _build(file, where, check=check, stored=stored)


def _build(
    file: Path, where: Path | None, *, check: bool, stored: _Stored | None = None
) -> Snapshot:
    """Load (or take the stored dataset), find the quotes, and store the copy."""
    dataset, key = None, None
    if stored is not None:
        with contextlib.suppress(_Undecodable):
            dataset, _ = stored.everything()
            # the key _read checked, not one taken now: an edit saved since then is
            # not in this dataset, and must still be seen next time
            key = stored.key
    if dataset is None:
        # every file's signature is taken before it is read: an edit made meanwhile
        # is seen next time
        key = _start_key(file) if where is not None else None
        dataset = load_dataset(file)
        if key is not None and not all(_track(key, str(s.file)) for s in dataset.sources.values()):
            key = None
    if check:
        from posttrack.quotes.verify import verify

        verified = verify(dataset)
        fresh = Snapshot(dataset, verified.places, verified.problems)
    else:
        from posttrack.quotes.locate import quote_places

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


# -- the key: what the copy depends on ------------------------------------------


def _stat_signature(info: os.stat_result) -> list[int]:
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def _signature(path: str) -> list[int] | None:
    """A data file's signature; None when it is gone or is no regular file (the loader
    resolved every path it stored, so a symbolic link there was not put by it)."""
    try:
        info = os.lstat(path)
    except (OSError, ValueError):  # ValueError: a NUL in a stored path
        return None
    return _stat_signature(info) if stat.S_ISREG(info.st_mode) else None


def _modules(directory: str) -> dict[str, list[int]]:
    """The signature of every module in the package directory and its subpackages
    (every directory below it that can be one)."""
    code: dict[str, list[int]] = {}
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.name.endswith(".py"):
                code[entry.path] = _stat_signature(entry.stat())
            elif (
                entry.name.isidentifier()
                and entry.name not in _NOT_CODE
                and entry.is_dir(follow_symlinks=False)
            ):
                code.update(_modules(entry.path))
    return code


def _code() -> dict[str, list[int]] | None:
    """The signatures of every module of posttrack and of PyYAML's; None when they are
    not files to stat, and the dataset is then parsed on every run."""
    try:
        code = _modules(_PACKAGE)
    except OSError:
        # imported from a zip archive (a zipapp): the archive is the code
        archive = getattr(getattr(sys.modules[__name__], "__loader__", None), "archive", None)
        try:
            code = {archive: _stat_signature(os.stat(archive))} if archive else {}
        except OSError:
            code = {}
    if not code:
        return None
    try:
        spec = importlib.util.find_spec("yaml")  # where it would import from; not imported
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    try:
        code[spec.origin] = _stat_signature(os.stat(spec.origin))
    except OSError:
        return None
    return code


def _digest(path: str) -> str | None:
    """The content's SHA-256; only for files too recent for their timestamps to tell."""
    import hashlib  # here: an unchanged old file is never read

    digest = hashlib.sha256()
    try:
        with open(path, "rb") as file:
            while chunk := file.read(1 << 20):
                digest.update(chunk)
    except (OSError, ValueError):
        return None
    return digest.hexdigest()


def _settled(signature: list[int], moment: int) -> bool:
    """True when any later edit must change the file's timestamps: its last change
    is more than a timestamp's granularity before `moment`."""
    return max(signature[1], signature[2]) < moment - RACY_NS


def _start_key(file: Path) -> dict[str, Any] | None:
    """The key of a copy about to be made from the files, its dataset file tracked;
    None when there can be no copy."""
    code = _code()
    if code is None:
        return None
    key: dict[str, Any] = {
        "format": FORMAT,
        "python": sys.version,
        "file": str(file.resolve()),
        "written": time.time_ns(),  # before any file is looked at
        "code": code,
        "files": {},
        "hashes": {},
    }
    return key if _track(key, key["file"]) else None


def _track(key: dict[str, Any], path: str) -> bool:
    """Add a file the copy depends on, before it is read; False when it cannot be."""
    signature = _signature(path)
    if signature is None:
        return False
    key["files"][path] = signature
    if not _settled(signature, key["written"]):
        digest = _digest(path)
        if digest is None:
            return False
        key["hashes"][path] = digest
    return True


def _fresh(key: Any, file: Path) -> tuple[bool, dict[str, Any] | None]:
    """Whether the copy with this key is the dataset as it is now; and, when it is
    and some files it had to compare by content are now old enough to be trusted
    by their timestamps, the key to store instead."""
    now = time.time_ns()  # before any file is looked at: as when a copy is made
    if type(key) is not dict or key.get("format") != FORMAT or key.get("python") != sys.version:
        return False, None
    files, hashes = key.get("files"), key.get("hashes")
    if type(files) is not dict or type(hashes) is not dict or type(key.get("written")) is not int:
        return False, None
    if key.get("file") != str(file.resolve()) or key["file"] not in files:
        return False, None
    code = _code()
    if code is None or key.get("code") != code:
        return False, None
    if not all(_signature(path) == signature for path, signature in files.items()):
        return False, None
    if not hashes:
        return True, None
    if not all(path in files and _digest(path) == digest for path, digest in hashes.items()):
        return False, None
    recent = {path: h for path, h in hashes.items() if not _settled(files[path], now)}
    if len(recent) == len(hashes):
        return True, None
    return True, {**key, "written": now, "hashes": recent}


# -- reading and writing the copy -------------------------------------------------


def _read(where: Path, file: Path) -> _Stored | None:
    """The stored copy when every file it depends on is unchanged, else None."""
    try:
        raw = where.read_bytes()
    except OSError:
        return None  # no copy yet, or none that can be read: rebuild it
    try:
        end = raw.find(b"\n", _CRC)
        if end < 0:
            return None
        head = _json(raw[_CRC:end])
        if type(head) is not dict:
            return None
        fresh, resealed = _fresh(head.get("key"), file)
        if not fresh or raw[: _CRC - 1] != b"%08x" % zlib.crc32(memoryview(raw)[_CRC:]):
            return None
        stored = _Stored(head, raw, end + 1, file, where)
    except _Undecodable:
        return None  # a damaged or crafted copy, or one from another version
    if resealed is not None:
        head["key"] = stored.key = resealed
        rest = json.dumps(head, ensure_ascii=True).encode() + b"\n" + raw[end + 1 :]
        _store(where, f"{zlib.crc32(rest):08x}\n".encode() + rest)
    return stored


def _json(data: bytes) -> Any:
    """A stored JSON value; _Undecodable when it is not JSON or nests deeper than
    the parser goes."""
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as error:
        raise _Undecodable(f"not JSON: {error}") from None


_CRC = 9  # the first line: a checksum of the rest, 8 hex digits


def _write(where: Path, key: dict[str, Any], snapshot: Snapshot) -> None:
    """Store the copy; a cache that cannot be written is skipped."""
    head, parts = _encode(snapshot.dataset, snapshot.places)
    head["key"] = key
    head["problems"] = (
        None
        if snapshot.problems is None
        else {
            "cwd": os.getcwd(),
            "items": [[p.path, p.line, p.column, p.message, p.severity] for p in snapshot.problems],
        }
    )
    # ensure_ascii: the header holds no raw newline, whatever the data
    rest = json.dumps(head, ensure_ascii=True).encode() + b"\n" + b"".join(parts)
    if _store(where, f"{zlib.crc32(rest):08x}\n".encode() + rest):
        with contextlib.suppress(OSError):
            where.with_suffix(".json").unlink(missing_ok=True)  # the copy's earlier form


def _store(where: Path, data: bytes) -> bool:
    """Write `where` atomically; False when it cannot be written. A failed or
    interrupted write leaves no partial file, and ones left by killed processes
    are removed here."""
    try:
        where.parent.mkdir(exist_ok=True)
    except OSError:
        return False
    _remove_abandoned(where.parent)
    partial = where.with_name(f"{where.name}.{os.getpid()}.tmp")
    done = False
    try:
        partial.write_bytes(data)
        os.replace(partial, where)
        done = True
    except OSError:
        pass  # a full disk, a file size limit, a read-only cache: it only costs time
    finally:
        if not done:  # also on Ctrl-C
            with contextlib.suppress(OSError):
                partial.unlink()
    return done


def _remove_abandoned(directory: Path) -> None:
    """Remove the temporary copies of writers that were killed, or stopped writing
    a minute ago (another machine's process, sharing the cache, cannot be asked)."""
    now = time.time_ns()
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            match = _TEMPORARY.fullmatch(entry.name)
            if match is None:
                continue
            with contextlib.suppress(OSError):
                if not _alive(int(match[1])) or now - entry.stat().st_mtime_ns > _ABANDONED_NS:
                    os.unlink(entry.path)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except OSError:  # PermissionError: another user's process
        return True
    return True


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


_STR: frozenset[type] = frozenset({str})
_INT: frozenset[type] = frozenset({int})
_OPTIONAL_STR: frozenset[type] = frozenset({str, type(None)})
_OPTIONAL_INT: frozenset[type] = frozenset({int, type(None)})
_LIST: frozenset[type] = frozenset({list})
_LAST_DAY = date.max.toordinal()
_PRECISIONS = frozenset({"year", "month", "day"})
_QUALIFIERS = frozenset({"", "uncertain", "approximate"})
_KINDS, _VOICES = frozenset(KINDS), frozenset(VOICES)
# a path the loader would have resolved has no empty, `.` or `..` part
_SEP = re.escape(os.sep)
_UNRESOLVED = re.compile(rf"{_SEP}(?:\.\.?)?(?:{_SEP}|$)")
_DATE_FIELDS = (_STR, _INT, _INT, _STR, _STR)
_SEVERITIES = ("error", "warning")


def _expect(ok: bool, what: str) -> None:
    if not ok:
        raise _Undecodable(what)


def _column(value: Any, types: frozenset[type], length: int | None, what: str) -> list[Any]:
    """A stored list of `length` values (any number when None) of these exact types,
    checked in C: the copy of a large topic holds tens of thousands."""
    _expect(type(value) is list and length in (None, len(value)), f"{what}: not {length} values")
    _expect(set(map(type, value)) <= types, f"{what}: a value of the wrong type")
    checked: list[Any] = value
    return checked


def _numbers(value: Any, length: int | None, low: int, high: int, what: str) -> list[int]:
    _column(value, _INT, length, what)
    _expect(not value or (low <= min(value) and max(value) <= high), f"{what}: out of bounds")
    checked: list[int] = value
    return checked


def _table(rows: Any, types: tuple[frozenset[type], ...], what: str) -> list[tuple[Any, ...]]:
    """The columns of a stored list of rows of len(types) fields of these types."""
    _expect(type(rows) is list and set(map(type, rows)) <= _LIST, f"{what}: not rows")
    _expect(set(map(len, rows)) <= {len(types)}, f"{what}: not {len(types)} fields")
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in types]
    for column, allowed in zip(columns, types, strict=True):
        _expect(set(map(type, column)) <= allowed, f"{what}: a field of the wrong type")
    return columns


def _row(value: Any, types: tuple[frozenset[type], ...], what: str) -> list[Any]:
    _expect(type(value) is list and len(value) == len(types), f"{what}: not {len(types)} fields")
    _expect(all(type(v) in t for v, t in zip(value, types, strict=True)), f"{what}: a bad field")
    return value  # type: ignore[no-any-return]


_SOURCE_FIELDS = (_STR, _STR, _STR, _INT, _STR, _STR, _STR, _OPTIONAL_STR, _STR, _OPTIONAL_STR,
                  _STR, _STR, _OPTIONAL_STR, _INT)  # fmt: skip
_TOPIC_FIELDS = (_STR, _STR, _STR, _LIST, _LIST, _INT)
_PROBLEM_FIELDS = (_STR, _INT, _INT, _STR, _STR)


def _check_places(found: list[list[Any]]) -> None:
    """Each quote's places are [line, start, end] lists of numbers."""
    _expect(set(map(type, chain.from_iterable(found))) <= _LIST, "a place")
    _expect(set(map(len, chain.from_iterable(found))) <= {3}, "a place: not 3 numbers")
    numbers = chain.from_iterable(chain.from_iterable(found))
    _expect(set(map(type, numbers)) <= _INT, "a place: not numbers")


class _Stored:
    """A copy as read from the cache: its header decoded, each topic when asked for.
    Every value is checked as it is decoded; _Undecodable when one breaks a rule
    that the loader enforces."""

    def __init__(
        self, head: dict[str, Any], raw: bytes, start: int, file: Path, where: Path
    ) -> None:
        self.raw, self.start, self.file, self.where = raw, start, file, where
        self.key: dict[str, Any] = head["key"]  # checked by _fresh
        count: Any = head.get("count")
        _expect(type(count) is int and 0 <= count <= len(raw), "the position count")
        self.count: int = count
        self.dates = self._dates(head.get("dates"))
        self.sources = self._sources(head.get("sources"))
        topics: dict[str, Topic] = {}
        for row in _column(head.get("topics"), _LIST, None, "topics"):
            ident, title, description, aliases, scale, line = _row(row, _TOPIC_FIELDS, "a topic")
            _column(aliases, _STR, len(aliases), "aliases")
            steps = [tuple(_row(step, (_INT, _STR), "a level")) for step in scale]
            _expect(line >= 0 and ident not in topics, "a topic")
            topics[ident] = Topic(ident, title, description, tuple(aliases),
                                  tuple(Level(n, label) for n, label in steps), line)  # fmt: skip
        parts: Any = head.get("parts")
        _expect(type(parts) is dict and parts.keys() == topics.keys(), "the topics' parts")
        for part in parts.values():
            offset, size = _row(part, (_INT, _INT), "a part")
            _expect(offset >= 0 and size >= 0 and start + offset + size <= len(raw), "a part")
        self.parts: dict[str, list[int]] = parts
        title, state, edition, digest = _column(
            [head.get(name) for name in ("title", "state", "edition", "digest")], _STR, 4, "title"
        )
        self.problems = self._problems(head.get("problems"))
        self.base = Dataset(
            file.parent, file, title, state, edition, self.sources, topics, (), digest
        )

    @staticmethod
    def _dates(rows: Any) -> list[Date]:
        texts, firsts, lasts, precisions, qualifiers = _table(rows, _DATE_FIELDS, "dates")
        if not texts:
            return []
        _expect(min(firsts) >= 1 and max(lasts) <= _LAST_DAY, "a date's days")
        _expect(all(map(operator.le, firsts, lasts)), "a date ends before it starts")
        _expect(set(precisions) <= _PRECISIONS and set(qualifiers) <= _QUALIFIERS, "a date")
        starts, ends = map(date.fromordinal, firsts), map(date.fromordinal, lasts)
        return list(
            map(
                tuple.__new__,
                repeat(Date),
                zip(texts, starts, ends, precisions, qualifiers, strict=True),
            )
        )

    def _sources(self, rows: Any) -> dict[str, Source]:
        """The sources, each file where the loader would have found it: inside the
        dataset directory, without a symbolic link on the way, and in the key."""
        columns = _table(rows, _SOURCE_FIELDS, "sources")
        ids, issued, kinds, voices, files, lines = (columns[i] for i in (0, 3, 4, 5, 11, 13))
        if not ids:
            return {}
        _expect(len(set(ids)) == len(ids) and min(lines) >= 0, "a source")
        _expect(min(issued) >= 0 and max(issued) < len(self.dates), "a source's date")
        _expect(set(kinds) <= _KINDS and set(voices) <= _VOICES, "a source's kind or voice")
        root = str(self.file.parent.resolve())
        inside = root if root.endswith(os.sep) else root + os.sep
        _expect(all(map(str.startswith, files, repeat(inside))), "a source outside the dataset")
        _expect(not any(map(_UNRESOLVED.search, files)), "a source's path is not resolved")
        _expect(set(files) <= self.key["files"].keys(), "a source's file is not in the key")
        # the files themselves are no links (see _signature); nor are their directories
        directories = {head for head, _, _ in map(str.rpartition, files, repeat(os.sep))}
        _expect(all(os.path.realpath(d) == d for d in directories), "a source's directory")
        columns[3] = tuple(map(self.dates.__getitem__, issued))
        columns[11] = tuple(map(Path, files))
        return dict(
            zip(ids, map(tuple.__new__, repeat(Source), zip(*columns, strict=True)), strict=True)
        )

    def _problems(self, stored: Any) -> list[Problem] | None:
        """What `check` found, when it was asked from this working directory (its
        paths are relative to it)."""
        if stored is None:
            return None
        _expect(type(stored) is dict and type(stored.get("cwd")) is str, "problems")
        items = _column(stored.get("items"), _LIST, None, "problems")
        rows = [_row(p, _PROBLEM_FIELDS, "a problem") for p in items]
        _expect(all(p[1] >= 0 and p[2] >= 0 and p[4] in _SEVERITIES for p in rows), "a problem")
        return [Problem(*p) for p in rows] if stored["cwd"] == os.getcwd() else None

    def topic(
        self, topic_id: str, *, places: bool = True
    ) -> tuple[list[int], list[Position], list[Quote], list[list[list[int]]]]:
        """The topic's positions (with their places in the file), their quotes, and
        where each quote is (left to _check_places when not `places`)."""
        offset, size = self.parts[topic_id]
        at = self.start + offset
        p = _json(self.raw[at : at + size])
        _expect(type(p) is dict and type(p.get("quote")) is dict, "a topic's part")
        q = p["quote"]
        order = _numbers(p.get("order"), None, 0, self.count - 1, "order")
        n = len(order)
        sources = _column(p.get("source"), _STR, n, "source")
        _expect(set(sources) <= self.sources.keys(), "a position's source is unknown")
        dates = _numbers(p.get("date"), n, 0, len(self.dates) - 1, "date")
        counts = _numbers(p.get("quotes"), n, 1, len(self.raw), "quotes")  # at least one each
        levels = _column(p.get("level"), _OPTIONAL_INT, n, "level")
        scale = self.base.topics[topic_id].scale
        _expect(
            set(levels) <= ({s.level for s in scale} if scale else {None}), "a level off the scale"
        )
        _column(p.get("line"), _INT, n, "line")  # where it is written: only shown
        texts = _column(q.get("text"), _STR, sum(counts), "quote text")
        m = len(texts)
        _column(q.get("where"), _STR, m, "quote where")
        _column(q.get("line"), _INT, m, "quote line")
        _column(q.get("column"), _INT, m, "quote column")
        found = _column(q.get("found"), _LIST, m, "found")
        if places:
            _check_places(found)
        # tuple.__new__ makes each NamedTuple from a zipped row without a Python-level
        # __new__ call: at 10,000 positions, half the time
        new = tuple.__new__
        rows = zip(texts, q["where"], q["line"], q["column"], strict=True)
        quotes = list(map(new, repeat(Quote), rows))
        remaining = iter(quotes)
        grouped = [tuple(islice(remaining, count)) for count in counts]
        stances = _column(p.get("stance"), _STR, n, "stance")
        summaries = _column(p.get("summary"), _STR, n, "summary")
        originals = _column(p.get("original"), _OPTIONAL_STR, n, "original")
        notes = _column(p.get("note"), _OPTIONAL_STR, n, "note")
        fields = zip(
            repeat(topic_id, n), sources, map(self.dates.__getitem__, dates), stances, summaries,
            grouped, levels, originals, notes, p["line"],
            strict=True,
        )  # fmt: skip
        return order, list(map(new, repeat(Position), fields)), quotes, found

    def everything(self) -> tuple[Dataset, tuple[list[Quote], list[list[list[int]]]]]:
        """The whole dataset in file order, with every quote and where it is."""
        with _collector_paused():
            return self._everything()

    def _everything(self) -> tuple[Dataset, tuple[list[Quote], list[list[list[int]]]]]:
        decoded = [self.topic(topic_id, places=False) for topic_id in self.parts]
        _expect(sum(len(order) for order, *_ in decoded) == self.count, "the position count")
        slots: list[Position | None] = [None] * self.count
        quotes: list[Quote] = []
        found: list[list[list[int]]] = []
        for order, positions, some, where in decoded:
            for at, position in zip(order, positions, strict=True):
                slots[at] = position
            quotes += some
            found += where
        filled = tuple(slot for slot in slots if slot is not None)
        _expect(len(filled) == len(slots), "the stored topics do not hold every position")
        return self.base._replace(positions=filled), (quotes, found)
