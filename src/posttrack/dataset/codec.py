"""The stored shape of the dataset's copy: a Dataset and its quotes' places to JSON
and back, every value checked as it is decoded.

The copy is a JSON header (the dataset's title, dates, sources and topics, where
each topic's part is, what `check` found) and one JSON document per topic
holding its positions and their quotes. Every table is stored by column, a list
of values per field, so that decoding a column is one check done in C
(`set(map(type, column))`) and making the records is one `map` over the zipped
columns, whatever the size of the dataset; `show` decodes the header and its one
topic only.

How each field is stored and checked is declared once, by name, in a spec per
model (`_DATE`, `_PASSAGE`, `_SOURCE`, `_LEVEL`, `_TOPIC`, `_QUOTE`, `_POSITION`,
`_PROBLEM`); encoding and decoding walk the model's `_fields`. A model field
without an entry in its spec, or an entry naming no field, fails at import
(`spec`). A stored value is trusted for nothing: the checksum around the copy
catches a damaged one, not a crafted one, so each is checked against the rules
the loader enforces (types, bounds, references, source files inside the
dataset), and `Undecodable` says the copy must be rebuilt from the files.
"""

from __future__ import annotations

import gc
import json
import operator
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from datetime import date
from itertools import chain, islice, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from posttrack import config
from posttrack.dates import Date
from posttrack.errors import Change, Closest, Problem
from posttrack.model import (
    KINDS,
    STEP_KINDS,
    VOICES,
    Assessment,
    Dataset,
    Level,
    Passage,
    Position,
    Quote,
    Source,
    Topic,
)

if TYPE_CHECKING:
    from posttrack.quotes.locate import Occurrence

# bump when the stored shape changes (6: the header's tables by column; 7: sources'
# passages, the closest passage of a quote not found; 8: assessments, the dataset's
# description, sources' document symbols; 9: sources' recorded SHA-256)
FORMAT = 9


class Undecodable(Exception):
    """A stored copy that does not hold what the loader could have made: rebuild it."""


def _expect(ok: bool, what: str) -> None:
    if not ok:
        raise Undecodable(what)


def json_value(data: bytes) -> Any:
    """A stored JSON value; Undecodable when it is not JSON or nests deeper than the
    parser goes."""
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as error:
        raise Undecodable(f"not JSON: {error}") from None


# -- what a field's values may refer to --------------------------------------------


class _Encoding:
    """What encoding collects on the way: every date, stored once and referred to
    by its index."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.dates: list[Date] = []

    def date_id(self, value: Date) -> int:
        found = self.ids.get(value.text)
        if found is None:
            found = self.ids[value.text] = len(self.dates)
            self.dates.append(value)
        return found


class _Scope:
    """What a decoded value may refer to: the dates and sources decoded before it,
    the dataset's file and the files the copy's key tracks; in a topic's part, the
    topic, its scale and its quotes."""

    def __init__(self, file: Path, tracked: AbstractSet[str], size: int) -> None:
        self.file, self.tracked, self.size = file, tracked, size
        self.dates: list[Date] = []
        self.sources: dict[str, Source] = {}
        self.topic = ""
        self.levels: frozenset[int | None] = frozenset()
        self.quotes: list[Quote] = []


# -- how a field is stored, and checked ---------------------------------------------

Encoder = Callable[[list[Any], _Encoding], list[Any]]
Decoder = Callable[[list[Any], _Scope], Iterable[Any]]


class Field(NamedTuple):
    """How one model field is kept: the exact types its stored values may have
    (checked over the whole column at once), how a column of the model's values is
    stored (None: as it is), and how a checked column becomes the model's values
    (None: as stored; raising Undecodable for one the loader could not have made).
    A field not stored is made by `decode` from a column of Nones."""

    types: frozenset[type]
    encode: Encoder | None = None
    decode: Decoder | None = None
    stored: bool = True


class Spec(NamedTuple):
    """A model's fields in its own order, each with how it is stored."""

    model: type[tuple[Any, ...]]
    names: tuple[str, ...]
    fields: tuple[Field, ...]
    # a check across fields, given the decoded columns by name (each it reads must be
    # decoded to a list, not an iterator it would use up)
    rule: Callable[[dict[str, Sequence[Any]]], None] | None


def spec(
    model: Any,
    fields: dict[str, Field],
    rule: Callable[[dict[str, Sequence[Any]]], None] | None = None,
) -> Spec:
    """The spec of a NamedTuple model; TypeError unless every field has an entry and
    every entry names a field, so that a new field cannot be stored by mistake."""
    names: tuple[str, ...] = model._fields
    missing = [name for name in names if name not in fields]
    unknown = [name for name in fields if name not in names]
    if missing or unknown:
        raise TypeError(
            f"the stored {model.__name__}: no spec for its field(s) {missing}, "
            f"a spec for no field of it {unknown}: say in codec.py how each is stored"
        )
    made = [name for name, field in fields.items() if not field.stored and field.decode is None]
    if made:
        raise TypeError(f"the stored {model.__name__}: nothing makes {made}, which are not stored")
    return Spec(model, names, tuple(fields[name] for name in names), rule)


_STR: frozenset[type] = frozenset({str})
_INT: frozenset[type] = frozenset({int})
_OPTIONAL_STR: frozenset[type] = frozenset({str, type(None)})
_OPTIONAL_INT: frozenset[type] = frozenset({int, type(None)})
_LIST: frozenset[type] = frozenset({list})
_DICT: frozenset[type] = frozenset({dict})
_LAST_DAY = date.max.toordinal()
# a path the loader would have resolved has no empty, `.` or `..` part
_SEP = re.escape(os.sep)
_UNRESOLVED = re.compile(rf"{_SEP}(?:\.\.?)?(?:{_SEP}|$)")


def _within(low: int, high: Callable[[_Scope], int]) -> Decoder:
    def decode(column: list[int], scope: _Scope) -> list[int]:
        top = high(scope)
        _expect(not column or (low <= min(column) and max(column) <= top), "out of bounds")
        return column

    return decode


def _one_of(allowed: Iterable[Any]) -> Field:
    values = frozenset(allowed)
    types = frozenset(map(type, values))

    def decode(column: list[Any], _: _Scope) -> list[Any]:
        _expect(set(column) <= values, f"not one of {sorted(map(str, values))}")
        return column

    return Field(types, decode=decode)


def _unique(column: list[str], _: _Scope) -> list[str]:
    _expect(len(set(column)) == len(column), "an id twice")
    return column


def _date_ids(column: list[Date], encoding: _Encoding) -> list[int]:
    return list(map(encoding.date_id, column))


def _dates(column: list[int], scope: _Scope) -> Iterable[Date]:
    _within(0, lambda s: len(s.dates) - 1)(column, scope)
    return map(scope.dates.__getitem__, column)


def _ordinals(column: list[date], _: _Encoding) -> list[int]:
    return list(map(date.toordinal, column))


def _days(column: list[int], scope: _Scope) -> list[date]:
    _within(1, lambda _: _LAST_DAY)(column, scope)
    return list(map(date.fromordinal, column))


def _texts(column: list[Any], _: _Scope) -> Iterable[tuple[str, ...]]:
    _expect(set(map(type, chain.from_iterable(column))) <= _STR, "a list of texts")
    return map(tuple, column)


def _paths(column: list[Path], _: _Encoding) -> list[str]:
    return list(map(str, column))


def _dataset_files(column: list[str], scope: _Scope) -> Iterable[Path]:
    """Each file where the loader would have found it: inside the dataset directory,
    without a symbolic link on the way, and tracked by the copy's key."""
    if not column:
        return []
    root = str(scope.file.parent.resolve())
    inside = root if root.endswith(os.sep) else root + os.sep
    _expect(all(map(str.startswith, column, repeat(inside))), "a source outside the dataset")
    _expect(not any(map(_UNRESOLVED.search, column)), "a source's path is not resolved")
    _expect(set(column) <= scope.tracked, "a source's file is not in the key")
    # the files themselves are no links (the cache's signatures say so); nor are
    # their directories
    directories = {head for head, _, _ in map(str.rpartition, column, repeat(os.sep))}
    _expect(all(os.path.realpath(d) == d for d in directories), "a source's directory")
    return map(Path, column)


def _table_of(nested: Spec) -> Field:
    """A field holding a tuple of records, each stored as a table of its own."""

    def encode(column: list[Sequence[Any]], encoding: _Encoding) -> list[Any]:
        return [_encode_table(records, nested, encoding) for records in column]

    def decode(column: list[Any], scope: _Scope) -> list[tuple[Any, ...]]:
        return [tuple(_decode_table(table, nested, scope)) for table in column]

    return Field(_DICT, encode, decode)


def _source_ids(column: list[str], scope: _Scope) -> list[str]:
    _expect(set(column) <= scope.sources.keys(), "a position's source is unknown")
    return column


def _on_the_scale(column: list[int | None], scope: _Scope) -> list[int | None]:
    _expect(set(column) <= scope.levels, "a level off the scale")
    return column


def _counts(column: list[tuple[Quote, ...]], _: _Encoding) -> list[int]:
    return list(map(len, column))


def _grouped(column: list[int], scope: _Scope) -> list[tuple[Quote, ...]]:
    """The topic's quotes, so many to each position (at least one each)."""
    _within(1, lambda s: s.size)(column, scope)
    _expect(sum(column) == len(scope.quotes), "the quotes' count")
    remaining = iter(scope.quotes)
    return [tuple(islice(remaining, count)) for count in column]


def _the_topic(column: list[None], scope: _Scope) -> Iterable[str]:
    return repeat(scope.topic, len(column))


def _ends_after_starts(columns: dict[str, Sequence[Any]]) -> None:
    _expect(all(map(operator.le, columns["start"], columns["end"])), "a date ends before it starts")


def _not_negative(column: list[int], _: _Scope) -> list[int]:
    _expect(not column or min(column) >= 0, "a negative number")
    return column


def _locations(column: list[str], _: _Scope) -> list[str]:
    if column:  # a dataset that marks no passage never compiles the location syntax
        from posttrack.quotes.passages import location_problem

        _expect(not any(map(location_problem, column)), "a passage's location")
    return column


_CHANGE_TYPES = (str, str, str, bool)
_CLOSEST_KEYS = {"path", "line", "column", "score", "text", "differences"}


def _closest_values(column: list[Closest | None], _: _Encoding) -> list[dict[str, Any] | None]:
    return [None if c is None else {**c._asdict(), "differences": c.differences} for c in column]


def _closest(stored: Any) -> Closest | None:
    if stored is None:
        return None
    _expect(type(stored) is dict and stored.keys() == _CLOSEST_KEYS, "a closest passage")
    path, line, column, score, text = (
        stored[k] for k in ("path", "line", "column", "score", "text")
    )
    _expect(type(path) is str and type(text) is str, "a closest passage's text")
    _expect(type(line) is int and type(column) is int and min(line, column) >= 0, "a place")
    _expect(type(score) in (int, float) and 0 <= score <= 100, "a closest passage's score")
    changes = stored["differences"]
    _expect(type(changes) is list, "a closest passage's differences")
    for change in changes:
        _expect(type(change) is list and len(change) == len(_CHANGE_TYPES), "a difference")
        _expect(tuple(map(type, change)) == _CHANGE_TYPES, "a difference")
        _expect(change[0] in ("insert", "delete", "replace"), "a difference's op")
    return Closest(path, line, column, float(score), text, tuple(Change(*c) for c in changes))


def _closests(column: list[dict[str, Any] | None], _: _Scope) -> list[Closest | None]:
    return list(map(_closest, column))


_ASSESSMENT_TYPES = (str, str, str, int, int)


def _assessment_values(column: list[Assessment | None], _: _Encoding) -> list[list[Any] | None]:
    return [None if a is None else list(a) for a in column]


def _assessments(column: list[list[Any] | None], scope: _Scope) -> list[Assessment | None]:
    """Each position's assessment, checked field by field over the whole column at
    once (a loop per assessment took 28 ms of a 10,000-position diff)."""
    present = [stored for stored in column if stored is not None]
    if present:
        _expect(set(map(type, present)) <= _LIST, "an assessment")
        _expect(set(map(len, present)) == {len(_ASSESSMENT_TYPES)}, "an assessment")
        kinds, afters, notes, lines, columns = zip(*present, strict=True)
        for values, kind in zip(
            (kinds, afters, notes, lines, columns), _ASSESSMENT_TYPES, strict=True
        ):
            _expect(set(map(type, values)) == {kind}, "an assessment's fields")
        _expect(set(kinds) <= STEP_KINDS.keys(), "an assessment's kind")
        _expect(set(afters) <= scope.sources.keys(), "an assessment's source")
        _expect(all(map(str.strip, notes)), "an assessment's note")
        _expect(min(chain(lines, columns)) >= 0, "an assessment's place")
    new = tuple.__new__
    return [None if stored is None else new(Assessment, stored) for stored in column]


TEXT = Field(_STR)
OPTIONAL_TEXT = Field(_OPTIONAL_STR)
NUMBER = Field(_INT)
LINE = Field(_INT, decode=_not_negative)  # a line or a column in a file

_DATE_FIELDS = {
    "text": TEXT,
    "start": Field(_INT, _ordinals, _days),
    "end": Field(_INT, _ordinals, _days),
    "precision": _one_of({"year", "month", "day"}),
    "qualifier": _one_of({"", "uncertain", "approximate"}),
}
_PASSAGE_FIELDS = {
    "where": Field(_STR, decode=_locations),
    "said_by": TEXT,
    "note": OPTIONAL_TEXT,
    "line": LINE,
    "column": LINE,
}
_PASSAGE = spec(Passage, _PASSAGE_FIELDS)  # before the sources' spec, which holds it
_SOURCE_FIELDS = {
    "id": Field(_STR, decode=_unique),
    "title": TEXT,
    "short": TEXT,
    "issued": Field(_INT, _date_ids, _dates),
    "kind": _one_of(KINDS),
    "voice": _one_of(VOICES),
    "author": TEXT,
    "speaker": OPTIONAL_TEXT,
    "venue": TEXT,
    "url": OPTIONAL_TEXT,
    "path": TEXT,
    "file": Field(_STR, _paths, _dataset_files),
    "note": OPTIONAL_TEXT,
    "line": LINE,
    "passages": _table_of(_PASSAGE),
    "symbol": OPTIONAL_TEXT,
    "sha256": OPTIONAL_TEXT,
}
_LEVEL_FIELDS = {"level": NUMBER, "label": TEXT}
_LEVEL = spec(Level, _LEVEL_FIELDS)  # before the topics' spec, which holds it
_TOPIC_FIELDS = {
    "id": Field(_STR, decode=_unique),
    "title": TEXT,
    "description": TEXT,
    "aliases": Field(_LIST, decode=_texts),
    "scale": _table_of(_LEVEL),
    "line": LINE,
}
_QUOTE_FIELDS = {"text": TEXT, "where": TEXT, "line": LINE, "column": LINE}
_POSITION_FIELDS = {
    "topic": Field(frozenset(), decode=_the_topic, stored=False),  # the part's own topic
    "source": Field(_STR, decode=_source_ids),
    "date": Field(_INT, _date_ids, _dates),
    "stance": TEXT,
    "summary": TEXT,
    "quotes": Field(_INT, _counts, _grouped),  # how many: the quotes are a table of their own
    "level": Field(_OPTIONAL_INT, decode=_on_the_scale),
    "original": OPTIONAL_TEXT,
    "note": OPTIONAL_TEXT,
    "line": LINE,
    "assessment": Field(frozenset({list, type(None)}), _assessment_values, _assessments),
}
_PROBLEM_FIELDS = {
    "path": TEXT,
    "line": LINE,
    "column": LINE,
    "message": TEXT,
    "severity": _one_of({"error", "warning"}),
    "closest": Field(frozenset({dict, type(None)}), _closest_values, _closests),
}

_DATE = spec(Date, _DATE_FIELDS, _ends_after_starts)
_SOURCE = spec(Source, _SOURCE_FIELDS)
_TOPIC = spec(Topic, _TOPIC_FIELDS)
_QUOTE = spec(Quote, _QUOTE_FIELDS)
_POSITION = spec(Position, _POSITION_FIELDS)
_PROBLEM = spec(Problem, _PROBLEM_FIELDS)

# The dataset's own fields: its texts in the header, the rest made of the tables
_HEAD_TEXTS = ("title", "state", "edition", "digest", "description")
if set(Dataset._fields) != {"root", "file", "sources", "topics", "positions", *_HEAD_TEXTS}:
    raise TypeError("the stored Dataset: say in codec.py how each of its fields is stored")


def _encode_table(records: Sequence[Any], shape: Spec, encoding: _Encoding) -> dict[str, Any]:
    """Records as a table: for each stored field, the list of its values."""
    table: dict[str, Any] = {}
    for at, (name, field) in enumerate(zip(shape.names, shape.fields, strict=True)):
        if field.stored:
            column = list(map(operator.itemgetter(at), records))
            table[name] = column if field.encode is None else field.encode(column, encoding)
    return table


def _decode_table(table: Any, shape: Spec, scope: _Scope, count: int | None = None) -> list[Any]:
    """The records of a stored table of `count` rows (any number when None)."""
    what = shape.model.__name__
    _expect(type(table) is dict, f"{what}: not a table")
    columns: list[Iterable[Any]] = []
    unstored: list[int] = []
    for name, field in zip(shape.names, shape.fields, strict=True):
        if not field.stored:
            unstored.append(len(columns))
            columns.append(())
            continue
        column = table.get(name)
        _expect(type(column) is list, f"{what}.{name}: not a column")
        _expect(count in (None, len(column)), f"{what}.{name}: not {count} values")
        count = len(column)
        _expect(set(map(type, column)) <= field.types, f"{what}.{name}: a value of the wrong type")
        columns.append(column if field.decode is None else field.decode(column, scope))
    for at in unstored:
        made = shape.fields[at].decode
        if made is not None:
            columns[at] = made([None] * (count or 0), scope)
    if shape.rule is not None:
        shape.rule(dict(zip(shape.names, columns, strict=True)))  # type: ignore[arg-type]
    # tuple.__new__ makes each NamedTuple from a zipped row without a Python-level
    # __new__ call: at 10,000 positions, half the time
    return list(map(tuple.__new__, repeat(shape.model), zip(*columns, strict=True)))


# -- encoding ----------------------------------------------------------------------


def encode(
    dataset: Dataset,
    places: dict[Quote, list[Occurrence]],
    problems: list[Problem] | None = None,
) -> tuple[dict[str, Any], list[bytes]]:
    """The header (without the key: the cache's to add) and each topic's part: its
    positions and their quotes by column, with each position's place in the file."""
    encoding = _Encoding()
    sources = _encode_table(list(dataset.sources.values()), _SOURCE, encoding)
    by_topic: dict[str, list[tuple[int, Position]]] = {t: [] for t in dataset.topics}
    for order, position in enumerate(dataset.positions):
        by_topic[position.topic].append((order, position))
    parts, starts, offset = [], {}, 0
    for topic_id, numbered in by_topic.items():
        positions = [p for _, p in numbered]
        quotes = [q for p in positions for q in p.quotes]
        table = {
            "order": [order for order, _ in numbered],
            **_encode_table(positions, _POSITION, encoding),
            "quote": {
                **_encode_table(quotes, _QUOTE, encoding),
                "found": [places.get(q, []) for q in quotes],
            },
        }
        part = json.dumps(table, ensure_ascii=False).encode()
        parts.append(part)
        starts[topic_id] = [offset, len(part)]
        offset += len(part)
    head = {
        **{name: getattr(dataset, name) for name in _HEAD_TEXTS},
        "count": len(dataset.positions),
        "dates": _encode_table(encoding.dates, _DATE, encoding),
        "sources": sources,
        "topics": _encode_table(list(dataset.topics.values()), _TOPIC, encoding),
        "parts": starts,
        "problems": None
        if problems is None
        else {"cwd": os.getcwd(), "items": _encode_table(problems, _PROBLEM, encoding)},
    }
    return head, parts


# -- decoding ----------------------------------------------------------------------


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a bulk of acyclic values is made: every
    700 allocations it would scan them all again (6 ms of 45 at 10,000 positions).
    In the console script (config.FREEZE_DECODED), they are then frozen out of the collector's
    sight, so that the rest of the command's allocations (a table's, a JSON
    document's) do not scan them again either: 15-20 ms of a 10,000-position diff.
    The process ends soon after; a program using posttrack as a library keeps its
    collector as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if config.FREEZE_DECODED:
                gc.freeze()
            gc.enable()


def check_places(found: list[list[Any]]) -> None:
    """Each quote's places are [line, start, end] lists of numbers."""
    _expect(set(map(type, chain.from_iterable(found))) <= _LIST, "a place")
    _expect(set(map(len, chain.from_iterable(found))) <= {3}, "a place: not 3 numbers")
    numbers = chain.from_iterable(chain.from_iterable(found))
    _expect(set(map(type, numbers)) <= _INT, "a place: not numbers")


class Stored:
    """A copy as read from the cache: its header decoded, each topic when asked for.
    Every value is checked as it is decoded; Undecodable when one breaks a rule
    that the loader enforces. `head` is the header, `raw` the whole copy and
    `start` where the topics' parts begin in it; the header's key has been found
    fresh by the cache, and its files are the only ones a source may be."""

    def __init__(self, head: dict[str, Any], raw: bytes, start: int, file: Path) -> None:
        self.raw, self.start, self.file = raw, start, file
        self.key: dict[str, Any] = head["key"]
        count: Any = head.get("count")
        _expect(type(count) is int and 0 <= count <= len(raw), "the position count")
        self.count: int = count
        scope = self._scope = _Scope(file, self.key["files"].keys(), len(raw))
        self.dates = scope.dates = _decode_table(head.get("dates"), _DATE, scope)
        sources = _decode_table(head.get("sources"), _SOURCE, scope)
        self.sources = scope.sources = {source.id: source for source in sources}
        topics = {topic.id: topic for topic in _decode_table(head.get("topics"), _TOPIC, scope)}
        parts: Any = head.get("parts")
        _expect(type(parts) is dict and parts.keys() == topics.keys(), "the topics' parts")
        for part in parts.values():
            _expect(type(part) is list and set(map(type, part)) <= _INT, "a part")
            _expect(len(part) == 2 and min(part) >= 0, "a part")
            _expect(start + part[0] + part[1] <= len(raw), "a part beyond the copy")
        self.parts: dict[str, list[int]] = parts
        texts: list[Any] = [head.get(name) for name in _HEAD_TEXTS]
        _expect(set(map(type, texts)) <= _STR, "the dataset's title")
        self.problems = self._problems(head.get("problems"))
        self.base = Dataset(
            file.parent,
            file,
            sources=self.sources,
            topics=topics,
            positions=(),
            **dict(zip(_HEAD_TEXTS, texts, strict=True)),
        )

    def _problems(self, stored: Any) -> list[Problem] | None:
        """What `check` found, when it was asked from this working directory (its
        paths are relative to it)."""
        if stored is None:
            return None
        _expect(type(stored) is dict and type(stored.get("cwd")) is str, "problems")
        problems = _decode_table(stored.get("items"), _PROBLEM, self._scope)
        return problems if stored["cwd"] == os.getcwd() else None

    def topic(
        self, topic_id: str, *, places: bool = True
    ) -> tuple[list[int], list[Position], list[Quote], list[list[list[int]]]]:
        """The topic's positions (with their places in the file), their quotes, and
        where each quote is (left to check_places when not `places`)."""
        offset, size = self.parts[topic_id]
        at = self.start + offset
        part = json_value(self.raw[at : at + size])
        _expect(type(part) is dict and type(part.get("quote")) is dict, "a topic's part")
        order = part.get("order")
        _expect(type(order) is list and set(map(type, order)) <= _INT, "order")
        _expect(not order or (min(order) >= 0 and max(order) < self.count), "order")
        found = part["quote"].get("found")
        _expect(type(found) is list and set(map(type, found)) <= _LIST, "found")
        if places:
            check_places(found)
        scope = _Scope(self.file, frozenset(), len(self.raw))
        scope.dates, scope.sources, scope.topic = self.dates, self.sources, topic_id
        scale = self.base.topics[topic_id].scale
        scope.levels = frozenset({s.level for s in scale} if scale else {None})
        scope.quotes = _decode_table(part["quote"], _QUOTE, scope, len(found))
        positions = _decode_table(part, _POSITION, scope, len(order))
        return order, positions, scope.quotes, found

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
