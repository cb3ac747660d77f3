"""Each field of positions.yaml checked as it is built into the model, every
problem collected with its `path:line:col` instead of stopping at the first.

Each kind of entry declares its keys once, below (SOURCE, TOPIC, POSITION, ...):
which are required, and what each holds. The Validator reads entries by those
declarations, and schema.py writes the JSON Schema editors use from the same
ones, so the two cannot disagree on what a key is called or may hold. What only
the files can tell (a source's text exists, a date is on a topic's scale, a
passage names a place its document has) is checked by the builders and
crosscheck.py, and is not in the schema."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from posttrack.dataset.suggest import did_you_mean
from posttrack.dataset.yamlsafe import Mark, YMap, YSeq
from posttrack.dates import DateFormatError, parse_date
from posttrack.errors import Problem
from posttrack.model import (
    KINDS,
    STEP_KINDS,
    VOICES,
    Assessment,
    Level,
    Passage,
    Position,
    Quote,
    Source,
    Topic,
)
from posttrack.quotes.normalize import topic_key
from posttrack.quotes.passages import location_problem

ID_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
SHA256_PATTERN = r"[0-9a-f]{64}"
INT_PATTERN = r"-?[0-9]+"  # not \d: it matches every script's digits, and int() reads them
# The form of a date the data may hold, as parse_date reads it (which also checks that
# the month and the day exist): for the schema, which cannot call parse_date
DATE_PATTERN = r"(?!0000)[0-9]{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12][0-9]|3[01]))?)?[?~]?"
_ID = re.compile(ID_PATTERN)
_SHA256 = re.compile(SHA256_PATTERN)
_INT = re.compile(INT_PATTERN)

UNSET = parse_date("0001")  # a position without its own date takes its source's


# -- what each entry holds ------------------------------------------------------------


class Kind(Enum):
    """What a key's value is."""

    TEXT = "text"  # any text that is not blank
    ID = "id"  # lower-case words joined by hyphens
    DATE = "date"  # YYYY, YYYY-MM or YYYY-MM-DD, then ? or ~
    CHOICE = "choice"  # one of the field's `choices`
    WHOLE = "whole number"
    SHA256 = "sha256"  # 64 lower-case hex digits
    NAMES = "names"  # a list of texts
    ENTRIES = "entries"  # a list of mappings, each of the field's `shape`
    MAPPING = "mapping"  # one mapping of the field's `shape`


@dataclass(frozen=True, eq=False)
class Field:
    """One key of an entry: what it holds, and for people what it means."""

    key: str
    kind: Kind
    about: str
    required: bool = False
    choices: tuple[str, ...] = ()
    shape: Shape | None = None  # for ENTRIES and MAPPING
    absent_if_empty: bool = False  # `key:` with no value reads as if the key were not there
    at_least_one: bool = False  # for ENTRIES: `[]` is not enough
    refers: str | None = None  # an ID naming a "topic" or a "source"


@dataclass(frozen=True, eq=False)
class Shape:
    """One kind of entry: its keys, in the order a curator writes them."""

    what: str  # as messages name it: "a source"
    listing: str  # what each entry of a list of these holds, as messages say it
    about: str
    fields: tuple[Field, ...]
    same_key: tuple[str, str] | None = None  # one key spelled two ways: either, not both

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields if f.required)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)


def _text(key: str, about: str, *, required: bool = False) -> Field:
    return Field(key, Kind.TEXT, about, required, absent_if_empty=not required)


QUOTE = Shape(
    "a quote",
    "text and where",
    "Words of the position's source, verbatim, and where the document has them.",
    (
        _text("text", "The source's words, verbatim ('posttrack check' proves it).", required=True),
        _text(
            "where",
            "Where the document has them, as it numbers them: 'para 18', 'para 5(a)', "
            "'unnumbered para 3', 'section \"Heading\"'.",
            required=True,
        ),
    ),
)
PASSAGE = Shape(
    "a passage",
    "where and said_by",
    "A passage of the source that holds someone else's words or views.",
    (
        _text(
            "where",
            "The passage: 'para 18', 'paras 29-30', 'unnumbered para 3', "
            "'unnumbered paras 9-10' or 'section \"Heading\"'.",
            required=True,
        ),
        _text("said_by", "Whose words or view it holds: 'previous GGEs'.", required=True),
        _text("note", "The curator's note."),
    ),
)
LEVEL = Shape(
    "a scale level",
    "a level and its label",
    "One step of the topic's stance scale; a higher level is stronger.",
    (
        Field("level", Kind.WHOLE, "The step's number.", required=True),
        _text("label", "What the step means.", required=True),
    ),
)
ASSESSMENT = Shape(
    "an assessment",
    "kind, after and note",
    "The curator's reading of the step from the topic's position before this one.",
    (
        Field(
            "kind",
            Kind.CHOICE,
            "The kind of step.",
            required=True,
            choices=tuple(STEP_KINDS),
        ),
        Field(
            "after",
            Kind.ID,
            "The source of the position before this one, when the step was assessed.",
            required=True,
            refers="source",
        ),
        _text("note", "One line, grounded in both positions' quotes.", required=True),
    ),
)
SOURCE = Shape(
    "a source",
    "a source",
    "A document the dataset quotes.",
    (
        Field("id", Kind.ID, "Its id: lower-case words joined by hyphens.", required=True),
        _text("title", "The document's own title.", required=True),
        _text("short", "A short title for tables and citations."),
        Field("issued", Kind.DATE, "When it was issued.", required=True),
        Field("kind", Kind.CHOICE, "What kind of document it is.", required=True, choices=KINDS),
        Field(
            "voice",
            Kind.CHOICE,
            "Whose words it holds: the state's own (primary), reported, or an analyst's.",
            required=True,
            choices=VOICES,
        ),
        _text("author", "Who issued it.", required=True),
        _text("speaker", "Who spoke, for a statement."),
        _text("venue", "Where it was said or submitted."),
        _text("url", "Where it is published."),
        _text("URL", "Where it is published (the same as 'url')."),
        _text("symbol", "Its UN document symbol, like A/AC.290/2021/INF/2."),
        _text(
            "path",
            "Its text, relative to the dataset directory: 'sources/<id>.txt'.",
            required=True,
        ),
        Field(
            "sha256",
            Kind.SHA256,
            "The text's SHA-256 as 'sha256sum' prints it; 'posttrack check' verifies it.",
            absent_if_empty=True,
        ),
        _text("note", "The curator's note: how it is dated, what is uncertain."),
        Field(
            "passages",
            Kind.ENTRIES,
            "Its passages in others' words.",
            shape=PASSAGE,
        ),
    ),
    same_key=("url", "URL"),
)
TOPIC = Shape(
    "a topic",
    "a topic",
    "A subject the positions are grouped by.",
    (
        Field("id", Kind.ID, "Its id: lower-case words joined by hyphens.", required=True),
        _text("title", "Its title.", required=True),
        _text("description", "What it covers.", required=True),
        Field(
            "aliases",
            Kind.NAMES,
            "Other names 'show' opens it by.",
            absent_if_empty=True,
        ),
        Field(
            "scale",
            Kind.ENTRIES,
            "Its stance scale, from weakest to strongest.",
            shape=LEVEL,
            absent_if_empty=True,
        ),
    ),
)
POSITION = Shape(
    "a position",
    "a position",
    "What the state said on a topic, as of a date, with its evidence.",
    (
        Field("topic", Kind.ID, "The topic's id.", required=True, refers="topic"),
        Field("source", Kind.ID, "The source's id.", required=True, refers="source"),
        Field(
            "date",
            Kind.DATE,
            "When it was said, if not when its source was issued (then name the 'original').",
        ),
        Field("level", Kind.WHOLE, "Its level on the topic's scale."),
        _text("stance", "The stance, in the curator's words.", required=True),
        _text("summary", "A summary, saying only what the quotes show.", required=True),
        _text("original", "The earlier document whose date the position carries."),
        _text("note", "The curator's note."),
        Field(
            "quotes",
            Kind.ENTRIES,
            "Its evidence: one quote or more.",
            required=True,
            shape=QUOTE,
            at_least_one=True,
        ),
        Field("assessment", Kind.MAPPING, ASSESSMENT.about, shape=ASSESSMENT),
    ),
)
META = Shape(
    "'dataset'",
    "title, state, edition",
    "What the dataset is.",
    (
        _text("title", "The dataset's title.", required=True),
        _text("state", "The state whose positions it tracks."),
        _text("edition", 'Its edition, quoted: "2026.2".'),
        _text("description", "What it covers, and what it does not."),
        _text("note", "The curator's note."),
    ),
)
DATASET = Shape(
    "the dataset",
    "the dataset",
    "A posttrack dataset: a state's stated positions, topic by topic, with verbatim quotes.",
    (
        Field("dataset", Kind.MAPPING, META.about, shape=META, absent_if_empty=True),
        Field("sources", Kind.ENTRIES, "The documents quoted.", required=True, shape=SOURCE),
        Field("topics", Kind.ENTRIES, "The topics.", required=True, shape=TOPIC),
        Field(
            "positions",
            Kind.ENTRIES,
            "The positions, each proved by quotes.",
            required=True,
            shape=POSITION,
        ),
    ),
)
SHAPES = (DATASET, META, SOURCE, PASSAGE, TOPIC, LEVEL, POSITION, QUOTE, ASSESSMENT)


# -- reading entries by their declarations -----------------------------------------------


class Validator:
    """Checks one parsed dataset, collecting problems instead of stopping."""

    def __init__(self, path: str, root: Path) -> None:
        self.path = path
        self.root = root
        self.problems: list[Problem] = []
        # ids of entries that exist but are invalid: already reported, so a
        # reference to one is not reported again as unknown
        self.invalid: set[str] = set()
        # where each topic's title and aliases are written, by (topic line, name)
        self.name_marks: dict[tuple[int, str], Mark] = {}
        # the names a reference may mean, by what it refers to: key -> id (see suggest.py)
        self.names: dict[str, dict[str, str]] = {"topic": {}, "source": {}}
        # each top-level entry as written, by (what, line): where its keys and values are
        self.written: dict[tuple[str, int], YMap] = {}
        self._builders: dict[Shape, Callable[[YMap], Any]] = {
            META: self.meta,
            SOURCE: self.source,
            PASSAGE: self.passage,
            TOPIC: self.topic,
            LEVEL: self.level,
            POSITION: self.position,
            QUOTE: self.quote,
            ASSESSMENT: self.assessment,
        }

    def problem(self, mark: Mark, message: str) -> None:
        self.problems.append(Problem(self.path, mark[0], mark[1], message))

    def mark(self, what: Shape, line: int, *keys: str) -> Mark:
        """Where a key's value is written in the entry of `what` at `line` (keys
        name a path into nested mappings), else where the entry starts."""
        entry = self.written.get((what.what, line))
        if entry is None:
            return (line, 0)
        for key in keys[:-1]:
            inner = entry.get(key)
            if not isinstance(inner, YMap):
                return entry.mark
            entry = inner
        return entry.value_marks.get(keys[-1], entry.mark) if keys else entry.mark

    def keys(self, entry: YMap, shape: Shape) -> bool:
        """Report unknown and missing keys; False when a required one is missing (an
        unknown key is reported, but the entry is still built from the keys it knows)."""
        ok = True
        spelt_twice = shape.same_key[1:] if shape.same_key else ()  # named once is enough
        for key in entry:
            if key not in shape.keys:
                allowed = ", ".join(k for k in shape.keys if k not in spelt_twice)
                self.problem(
                    entry.key_marks[key], f"unknown key '{key}' in {shape.what}; expected {allowed}"
                )
        for key in shape.required:
            if key not in entry:
                self.problem(entry.mark, f"{shape.what} has no '{key}'")
                ok = False
        return ok

    def read(self, entry: YMap, shape: Shape) -> tuple[dict[str, Any], bool]:
        """Each declared key's value (None where absent or invalid, every problem
        reported), and whether all of them are valid."""
        ok = self.keys(entry, shape)
        values: dict[str, Any] = {}
        for field in shape.fields:
            if field.key in entry:
                values[field.key], valid = self.value(entry, field)
                ok = ok and valid
        if shape.same_key is not None and all(k in entry for k in shape.same_key):
            first, second = shape.same_key
            later = max(entry.key_marks[first], entry.key_marks[second])
            self.problem(later, f"'{first}' and '{second}' are the same key; keep one")
        return values, ok

    def value(self, entry: YMap, field: Field) -> tuple[Any, bool]:
        """One key's value as its declaration says, and whether it is valid."""
        key, value, mark = field.key, entry[field.key], entry.value_marks[field.key]
        kind = field.kind
        if value is None:
            if field.absent_if_empty:
                return None, True
            self.problem(mark, _empty(field))
            return None, False
        if kind is Kind.WHOLE:
            if not isinstance(value, str) or not _INT.fullmatch(value):
                self.problem(mark, f"'{key}' must be a whole number")
                return None, False
            return int(value), True
        if kind is Kind.NAMES:
            return self.strings(value, key, mark)
        if kind is Kind.ENTRIES:
            return self.entries(value, field, mark)
        if kind is Kind.MAPPING:
            return self.mapping(value, field, mark)
        if not isinstance(value, str):
            self.problem(mark, f"'{key}' must be text, not a {_kind(value)}")
            return None, False
        if not value.strip():
            self.problem(mark, f"'{key}' is blank; give it a value")
            return None, False
        why = _wrong_text(value, field)
        if kind is Kind.ID and why is not None and field.refers is not None:
            why += did_you_mean(value, self.names[field.refers])
        if kind is Kind.DATE and why is None:
            try:
                return parse_date(value), True
            except DateFormatError as error:
                why = str(error)
        if why is not None:
            self.problem(mark, why)
            return None, False
        return value, True

    def strings(self, value: Any, key: str, mark: Mark) -> tuple[list[tuple[str, Mark]], bool]:
        if not isinstance(value, YSeq):
            self.problem(mark, f"'{key}' must be a list, not a {_kind(value)}")
            return [], False
        found, ok = [], True
        for item, at in zip(value, value.item_marks, strict=True):
            if isinstance(item, str):
                found.append((item, at))
            else:
                self.problem(at, f"each entry of '{key}' must be text, not a {_kind(item)}")
                ok = False
        return found, ok

    def entries(self, value: Any, field: Field, mark: Mark) -> tuple[list[Any], bool]:
        """Each entry of a list built by its shape's builder; valid when every one is."""
        key, shape = field.key, field.shape
        assert shape is not None  # every ENTRIES field declares its shape
        if not isinstance(value, YSeq):
            self.problem(mark, f"'{key}' must be a list, not a {_kind(value)}")
            return [], False
        if field.at_least_one and not value:
            self.problem(mark, f"'{key}' must be a list with at least one entry")
            return [], False
        build = self._builders[shape]
        built, ok = [], True
        for item, at in zip(value, value.item_marks, strict=True):
            if not isinstance(item, YMap):
                self.problem(
                    at,
                    f"each entry of '{key}' must be a mapping ({shape.listing}), not a "
                    f"{_kind(item)}",
                )
                ok = False
                continue
            made = build(item)
            if made is not None:
                built.append(made)
                continue
            ok = False
            if isinstance(item.get("id"), str):
                self.invalid.add(item["id"])
        return built, ok

    def mapping(self, value: Any, field: Field, mark: Mark) -> tuple[Any, bool]:
        shape = field.shape
        assert shape is not None  # every MAPPING field declares its shape
        if not isinstance(value, YMap):
            self.problem(
                mark,
                f"'{field.key}' must be a mapping ({', '.join(shape.keys)}), not a {_kind(value)}",
            )
            return None, False
        made = self._builders[shape](value)
        return made, made is not None

    def source_file(self, written: str, mark: Mark) -> Path | None:
        candidate = Path(written)
        if candidate.is_absolute():
            self.problem(
                mark,
                f"source path '{written}' is absolute; write it relative to the "
                "dataset directory, like 'sources/<id>.txt'",
            )
            return None
        root = self.root.resolve()
        try:
            resolved = (root / candidate).resolve()
        except (OSError, RuntimeError):
            self.problem(mark, f"source path '{written}' cannot be resolved (a symlink loop?)")
            return None
        if not resolved.is_relative_to(root):
            self.problem(
                mark,
                f"source path '{written}' leads outside the dataset directory; "
                "keep source texts inside it",
            )
            return None
        if not resolved.is_file():
            self.problem(mark, f"source file '{written}' not found in {self.root}")
            return None
        return resolved

    # -- entries --------------------------------------------------------------

    def meta(self, entry: YMap) -> dict[str, Any] | None:
        values, ok = self.read(entry, META)
        return values if ok else None

    def source(self, entry: YMap) -> Source | None:
        self.written[(SOURCE.what, entry.mark[0])] = entry
        values, ok = self.read(entry, SOURCE)
        if isinstance(values.get("id"), str):
            self.names["source"].setdefault(topic_key(values["id"]), values["id"])
        file = None
        if values.get("path") is not None:
            file = self.source_file(values["path"], entry.value_marks["path"])
        passages = self.passages(values.get("passages") or [])
        if not ok or file is None or passages is None:
            return None
        title = values["title"]
        return Source(
            id=values["id"],
            title=title,
            short=values.get("short") or title,
            issued=values["issued"],
            kind=values["kind"],
            voice=values["voice"],
            author=values["author"],
            speaker=values.get("speaker"),
            venue=values.get("venue") or "",
            url=values.get("url") or values.get("URL"),
            path=values["path"],
            file=file,
            note=values.get("note"),
            line=entry.mark[0],
            passages=passages,
            symbol=values.get("symbol"),
            sha256=values.get("sha256"),
        )

    def passages(self, built: list[Passage]) -> tuple[Passage, ...] | None:
        """The source's passages (none when it marks none); None when one is marked
        twice, so that the source is not half-built."""
        first: dict[str, Passage] = {}
        for passage in built:
            seen = first.setdefault(passage.where, passage)
            if seen is not passage:
                self.problem(
                    (passage.line, passage.column),
                    f"the passage '{passage.where}' is marked twice (first at line {seen.line}); "
                    "keep one",
                )
                return None
        return tuple(built)

    def passage(self, entry: YMap) -> Passage | None:
        values, ok = self.read(entry, PASSAGE)
        where = values.get("where")
        if where is not None and (why := location_problem(where)) is not None:
            self.problem(entry.value_marks["where"], why)
            ok = False
        if not ok:
            return None
        line, column = entry.value_marks["where"]
        return Passage(values["where"], values["said_by"], values.get("note"), line, column)

    def level(self, entry: YMap) -> Level | None:
        values, ok = self.read(entry, LEVEL)
        return Level(values["level"], values["label"]) if ok else None

    def topic(self, entry: YMap) -> Topic | None:
        self.written[(TOPIC.what, entry.mark[0])] = entry
        values, ok = self.read(entry, TOPIC)
        aliases: list[str] = []
        for alias, mark in values.get("aliases") or ():
            if topic_key(alias):
                aliases.append(alias)
                self.name_marks[(entry.mark[0], alias)] = mark
            else:  # nothing a user could type: only spaces, dashes or invisible characters
                self.problem(mark, f"the alias '{visible(alias)}' is blank; write a name")
                ok = False
        scale: list[Level] = values.get("scale") or []
        numbers = [step.level for step in scale]
        if numbers != sorted(set(numbers)):
            self.problem(
                entry.value_marks["scale"],
                "scale levels must be distinct and listed from weakest to strongest",
            )
            ok = False
        ident = values.get("id")
        if ident is not None:
            names = self.names["topic"]
            for name in (ident, values.get("title") or "", *aliases):
                if key := topic_key(name):
                    names.setdefault(key, ident)
        if not ok or ident is None:
            return None
        self.name_marks.setdefault((entry.mark[0], values["title"]), entry.value_marks["title"])
        self.name_marks.setdefault((entry.mark[0], ident), entry.value_marks["id"])
        return Topic(
            ident,
            values["title"],
            values["description"],
            tuple(aliases),
            tuple(scale),
            entry.mark[0],
        )

    def quote(self, entry: YMap) -> Quote | None:
        values, ok = self.read(entry, QUOTE)
        if not ok:
            return None
        line, column = entry.value_marks["text"]
        return Quote(values["text"].strip(), values["where"], line, column)

    def position(self, entry: YMap) -> Position | None:
        self.written[(POSITION.what, entry.mark[0])] = entry
        values, ok = self.read(entry, POSITION)
        if not ok:
            return None
        # the date is checked against the source once sources are known
        return Position(
            values["topic"],
            values["source"],
            values.get("date") or UNSET,
            values["stance"],
            values["summary"],
            tuple(values["quotes"]),
            values.get("level"),
            values.get("original"),
            values.get("note"),
            entry.mark[0],
            values.get("assessment"),
        )

    def assessment(self, entry: YMap) -> Assessment | None:
        values, ok = self.read(entry, ASSESSMENT)
        if not ok:
            return None
        line, column = entry.value_marks["kind"]
        return Assessment(values["kind"], values["after"], values["note"].strip(), line, column)


def _empty(field: Field) -> str:
    """What to write when a key has no value."""
    key = field.key
    if field.kind is Kind.WHOLE:
        return f"'{key}' is empty; give it a whole number"
    if field.kind is Kind.MAPPING and field.shape is not None:
        return f"'{key}' is empty; give its {field.shape.listing}, or remove it"
    if field.kind is Kind.ENTRIES and field.at_least_one:
        return f"'{key}' must be a list with at least one entry"
    if field.kind in (Kind.ENTRIES, Kind.NAMES):
        if field.required:
            return f"'{key}' is empty; list the {key}, or write [] for none"
        return f"'{key}' is empty; list the {key} or remove the key"
    return f"'{key}' is empty; give it a value"


def _wrong_text(value: str, field: Field) -> str | None:
    """Why a text is not what its field holds, or None when it is (dates: by form)."""
    if field.kind is Kind.ID and not _ID.fullmatch(value):
        return (
            f"'{value}' is not a valid id; use lower-case "
            "words joined by hyphens, like 'binding-instrument'"
        )
    if field.kind is Kind.CHOICE and value not in field.choices:
        return f"'{field.key}' is '{value}'; expected one of " + ", ".join(field.choices)
    if field.kind is Kind.SHA256 and not _SHA256.fullmatch(value):
        return (
            f"'{field.key}' must be the 64 lower-case hex digits of the text's SHA-256 "
            "(sha256sum FILE prints them)"
        )
    return None


def _kind(value: Any) -> str:
    if isinstance(value, YMap):
        return "mapping"
    if isinstance(value, YSeq):
        return "list"
    return "empty value" if value is None else "text"


def visible(name: str) -> str:
    """A name in a message, its invisible characters made visible (U+200B as \\u200b)."""
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in name)
