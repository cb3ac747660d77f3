"""Each field of positions.yaml checked as it is built into the model, every
problem collected with its `path:line:col` instead of stopping at the first."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from posttrack.dataset.yamlsafe import Mark, YMap, YSeq
from posttrack.dates import Date, DateFormatError, parse_date
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

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_INT = re.compile(r"-?[0-9]+")  # not \d: it matches every script's digits, and int() reads them

UNSET = parse_date("0001")  # a position without its own date takes its source's


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

    def problem(self, mark: Mark, message: str) -> None:
        self.problems.append(Problem(self.path, mark[0], mark[1], message))

    # -- fields ---------------------------------------------------------------

    def keys(
        self, entry: YMap, what: str, required: tuple[str, ...], optional: tuple[str, ...]
    ) -> bool:
        ok = True
        for key in entry:
            if key not in required and key not in optional:
                allowed = ", ".join((*required, *optional))
                self.problem(
                    entry.key_marks[key], f"unknown key '{key}' in {what}; expected {allowed}"
                )
        for key in required:
            if key not in entry:
                self.problem(entry.mark, f"{what} has no '{key}'")
                ok = False
        return ok

    def text(self, entry: YMap, key: str, *, optional: bool = False) -> str | None:
        value = entry.get(key)
        if value is None:
            if not optional and key in entry:
                self.problem(entry.value_marks[key], f"'{key}' is empty; give it a value")
            return None
        if not isinstance(value, str):
            self.problem(entry.value_marks[key], f"'{key}' must be text, not a {_kind(value)}")
            return None
        if not value.strip():
            self.problem(entry.value_marks[key], f"'{key}' is blank; give it a value")
            return None
        return value

    def ident(self, entry: YMap, key: str) -> str | None:
        value = self.text(entry, key)
        if value is not None and not _ID.fullmatch(value):
            self.problem(
                entry.value_marks[key],
                f"'{value}' is not a valid id; use lower-case "
                "words joined by hyphens, like 'binding-instrument'",
            )
            return None
        return value

    def date(self, entry: YMap, key: str) -> Date | None:
        value = self.text(entry, key)
        if value is None:
            return None
        try:
            return parse_date(value)
        except DateFormatError as error:
            self.problem(entry.value_marks[key], str(error))
            return None

    def choice(self, entry: YMap, key: str, choices: tuple[str, ...]) -> str | None:
        value = self.text(entry, key)
        if value is not None and value not in choices:
            self.problem(
                entry.value_marks[key],
                f"'{key}' is '{value}'; expected one of " + ", ".join(choices),
            )
            return None
        return value

    def integer(self, entry: YMap, key: str) -> int | None:
        value = entry.get(key)
        if value is None:
            if key in entry:
                self.problem(entry.value_marks[key], f"'{key}' is empty; give it a whole number")
            return None
        if not isinstance(value, str) or not _INT.fullmatch(value):
            self.problem(entry.value_marks[key], f"'{key}' must be a whole number")
            return None
        return int(value)

    def seq(self, parent: YMap, key: str, *, optional: bool = False) -> YSeq | None:
        value = parent.get(key)
        if value is None:
            if not optional:
                mark = parent.value_marks.get(key, parent.mark)
                self.problem(mark, f"'{key}' must be a list with at least one entry")
            return None
        if not isinstance(value, YSeq):
            self.problem(parent.value_marks[key], f"'{key}' must be a list, not a {_kind(value)}")
            return None
        return value

    def entries(self, parent: YMap, key: str, what: str, build: Callable[[YMap], Any]) -> list[Any]:
        items = self.seq(parent, key)
        built = []
        for item, mark in zip(items or (), (items.item_marks if items else ()), strict=True):
            if not isinstance(item, YMap):
                self.problem(
                    mark, f"each entry of '{key}' must be a mapping ({what}), not a {_kind(item)}"
                )
                continue
            value = build(item)
            if value is not None:
                built.append(value)
            elif isinstance(item.get("id"), str):
                self.invalid.add(item["id"])
        return built

    def source_file(self, entry: YMap) -> Path | None:
        written = self.text(entry, "path")
        if written is None:
            return None
        mark = entry.value_marks["path"]
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

    def source(self, entry: YMap) -> Source | None:
        required = ("id", "title", "issued", "kind", "voice", "author", "path")
        optional = (
            "short",
            "speaker",
            "venue",
            "URL",
            "url",
            "symbol",
            "sha256",
            "note",
            "passages",
        )
        complete = self.keys(entry, "a source", required, optional)
        values = (
            self.ident(entry, "id"),
            self.text(entry, "title"),
            self.date(entry, "issued"),
            self.choice(entry, "kind", KINDS),
            self.choice(entry, "voice", VOICES),
            self.text(entry, "author"),
            self.source_file(entry),
        )
        short = self.text(entry, "short", optional=True)
        speaker = self.text(entry, "speaker", optional=True)
        venue = self.text(entry, "venue", optional=True)
        url = self.text(entry, "URL", optional=True)
        if "url" in entry:  # every other key is lower case, so this one is accepted so too
            if "URL" in entry:
                self.problem(entry.key_marks["url"], "'url' and 'URL' are the same key; keep one")
            url = self.text(entry, "url", optional=True)
        symbol = self.text(entry, "symbol", optional=True)
        digest = self.text(entry, "sha256", optional=True)
        if digest is not None and not _SHA256.fullmatch(digest):
            self.problem(
                entry.value_marks["sha256"],
                "'sha256' must be the 64 lower-case hex digits of the text's SHA-256 "
                "(sha256sum FILE prints them)",
            )
            digest = None
            complete = False
        note = self.text(entry, "note", optional=True)
        passages = self.passages(entry)
        ident, title, issued, kind, voice, author, file = values
        if (
            not complete
            or ident is None
            or title is None
            or issued is None
            or kind is None
            or voice is None
            or author is None
            or file is None
            or passages is None
        ):
            return None
        return Source(
            id=ident,
            title=title,
            short=short or title,
            issued=issued,
            kind=kind,
            voice=voice,
            author=author,
            speaker=speaker,
            venue=venue or "",
            url=url,
            path=entry["path"],
            file=file,
            note=note,
            line=entry.mark[0],
            passages=passages,
            symbol=symbol,
            sha256=digest,
        )

    def passages(self, entry: YMap) -> tuple[Passage, ...] | None:
        """The source's passages in others' words (none when it marks none); None
        when one is invalid, so that the source is not half-built."""
        if entry.get("passages") is None:
            if "passages" in entry:
                self.problem(
                    entry.value_marks["passages"],
                    "'passages' is empty; list the passages or remove the key",
                )
                return None
            return ()
        items = self.seq(entry, "passages")
        if items is None:
            return None
        built = self.entries(entry, "passages", "where and said_by", self.passage)
        if len(built) != len(items):
            return None
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
        complete = self.keys(entry, "a passage", ("where", "said_by"), ("note",))
        where, said_by = self.text(entry, "where"), self.text(entry, "said_by")
        note = self.text(entry, "note", optional=True)
        if where is not None and (why := location_problem(where)) is not None:
            self.problem(entry.value_marks["where"], why)
            where = None
        if not complete or where is None or said_by is None:
            return None
        line, column = entry.value_marks["where"]
        return Passage(where, said_by, note, line, column)

    def level(self, entry: YMap) -> Level | None:
        complete = self.keys(entry, "a scale level", ("level", "label"), ())
        number, label = self.integer(entry, "level"), self.text(entry, "label")
        if not complete or number is None or label is None:
            return None
        return Level(number, label)

    def topic(self, entry: YMap) -> Topic | None:
        complete = self.keys(entry, "a topic", ("id", "title", "description"), ("aliases", "scale"))
        ident, title = self.ident(entry, "id"), self.text(entry, "title")
        description = self.text(entry, "description")
        aliases: list[str] = []
        for alias, mark in self.strings(entry, "aliases"):
            if topic_key(alias):
                aliases.append(alias)
                self.name_marks[(entry.mark[0], alias)] = mark
            else:  # nothing a user could type: only spaces, dashes or invisible characters
                self.problem(mark, f"the alias '{visible(alias)}' is blank; write a name")
        scale: list[Level] = []
        if entry.get("scale") is not None:
            scale = self.entries(entry, "scale", "a level and its label", self.level)
            numbers = [step.level for step in scale]
            if numbers != sorted(set(numbers)):
                self.problem(
                    entry.value_marks["scale"],
                    "scale levels must be distinct and listed from weakest to strongest",
                )
        if not complete or ident is None or title is None or description is None:
            return None
        self.name_marks.setdefault((entry.mark[0], title), entry.value_marks["title"])
        self.name_marks.setdefault((entry.mark[0], ident), entry.value_marks["id"])
        return Topic(ident, title, description, tuple(aliases), tuple(scale), entry.mark[0])

    def strings(self, entry: YMap, key: str) -> list[tuple[str, Mark]]:
        items = self.seq(entry, key, optional=True)
        found = []
        for item, mark in zip(items or (), (items.item_marks if items else ()), strict=True):
            if isinstance(item, str):
                found.append((item, mark))
            else:
                self.problem(mark, f"each entry of '{key}' must be text, not a {_kind(item)}")
        return found

    def quote(self, entry: YMap) -> Quote | None:
        complete = self.keys(entry, "a quote", ("text", "where"), ())
        text, where = self.text(entry, "text"), self.text(entry, "where")
        if not complete or text is None or where is None:
            return None
        line, column = entry.value_marks["text"]
        return Quote(text.strip(), where, line, column)

    def position(self, entry: YMap) -> Position | None:
        required = ("topic", "source", "stance", "summary", "quotes")
        optional = ("date", "level", "original", "note", "assessment")
        complete = self.keys(entry, "a position", required, optional)
        topic, source = self.ident(entry, "topic"), self.ident(entry, "source")
        date = self.date(entry, "date") if "date" in entry else None
        stance, summary = self.text(entry, "stance"), self.text(entry, "summary")
        level = self.integer(entry, "level")
        original = self.text(entry, "original", optional=True)
        note = self.text(entry, "note", optional=True)
        quotes = self.entries(entry, "quotes", "text and where", self.quote)
        assessment, assessed = self.assessment(entry)
        if (
            not complete
            or not assessed
            or topic is None
            or source is None
            or stance is None
            or summary is None
            or not quotes
        ):
            return None
        # the date is checked against the source once sources are known
        return Position(
            topic,
            source,
            date or UNSET,
            stance,
            summary,
            tuple(quotes),
            level,
            original,
            note,
            entry.mark[0],
            assessment,
        )

    def assessment(self, entry: YMap) -> tuple[Assessment | None, bool]:
        """The position's assessment (None when it has none), and whether it is valid."""
        value = entry.get("assessment")
        if value is None:
            if "assessment" in entry:
                self.problem(
                    entry.value_marks["assessment"],
                    "'assessment' is empty; give its kind, after and note, or remove it",
                )
                return None, False
            return None, True
        if not isinstance(value, YMap):
            self.problem(
                entry.value_marks["assessment"],
                f"'assessment' must be a mapping (kind, after, note), not a {_kind(value)}",
            )
            return None, False
        complete = self.keys(value, "an assessment", ("kind", "after", "note"), ())
        kind = self.choice(value, "kind", tuple(STEP_KINDS))
        after, note = self.ident(value, "after"), self.text(value, "note")
        if not complete or kind is None or after is None or note is None:
            return None, False
        line, column = value.value_marks["kind"]
        return Assessment(kind, after, note.strip(), line, column), True


def _kind(value: Any) -> str:
    if isinstance(value, YMap):
        return "mapping"
    if isinstance(value, YSeq):
        return "list"
    return "empty value" if value is None else "text"


def visible(name: str) -> str:
    """A name in a message, its invisible characters made visible (U+200B as \\u200b)."""
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in name)
