r"""Every output format; with layout.py, which lays out what a person sees, the only
module that imports rich.

Machine formats (json, jsonl, csv, tsv, plain, md) depend on nothing but the
data: not the terminal, its width, colour settings or the locale. Text from
the data is never read as rich markup or emoji codes, and no format lets the
data act on the program that reads it:

- Unsafe characters are C0 and C1 controls (but tab and newline where a format
  carries them), DEL, the bidi marks, embeddings, overrides and isolates,
  U+2028/U+2029, and invisible characters (U+200B, U+2060-U+206F, U+FEFF,
  U+180E, the tag characters U+E0000-U+E007F; U+200C/U+200D unless both
  neighbours are visible non-ASCII characters, as in Persian, Indic scripts and
  emoji sequences). Combining marks and ordinary scripts are left alone.
- table, plain, md and messages show unsafe characters as `\xNN`, `\uNNNN` or
  `\UNNNNNNNN` (`safe`).
- json writes them as `\uXXXX` escapes (a surrogate pair above U+FFFF), which
  decode to the exact text; jsonl is all ASCII.
- tsv writes `\`, tab, newline and carriage return as `\\`, `\t`, `\n`,
  `\r` and other unsafe characters as `safe` does; csv the same, except that
  tab and newline stay as they are (in a quoted field). Every literal
  backslash is doubled, so the escapes are undone without ambiguity.
- csv quotes a field holding `,` `"` `;` tab, newline or carriage return, so a
  spreadsheet splitting at `;` or tab cannot start a cell inside it.
- csv and tsv neutralise cells a spreadsheet would run as a formula (OWASP's
  "CSV Injection"), looking at each cell as written (so in tsv a tab or a
  newline is already `\t`, `\n`, and harmless): a cell whose first character
  is `=` `+` `-` `@` tab, carriage return or newline, or whose first
  character after leading whitespace is `=` `+` `-` `@`, is written with a
  single quote `'` in front. So is a cell that already begins with `'`: a
  reader removes one leading `'` from any cell that begins with one and has
  the exact text back. A cell that is a plain decimal number (an optional
  sign, ASCII digits, optionally a point and digits: `-1`, `+2.5`) cannot be
  a formula and stays a number.
- `exact_cells=True` writes csv and tsv cells exactly as the data has them
  (tsv still escapes `\`, tab, newline and carriage return): for a program
  that must have the raw text and never shows it on a terminal or in a
  spreadsheet.
- md escapes `\` and `|`, and writes `&`, `<` and `>` as `&amp;`, `&lt;`,
  `&gt;`, so no HTML from the data reaches a renderer.

Line formats go to the stream in pieces of about 64 KiB, not a line at a time:
`posttrack topics | head -1` then has its whole (small) output written before
`head` exits, rather than a second write meeting a closed pipe.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from typing import IO, Any, NamedTuple

from posttrack.records import SCHEMA_VERSION, Record


class Format(StrEnum):
    auto = "auto"
    table = "table"
    plain = "plain"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    md = "md"


# Characters that are invisible, or that move or recolour what a terminal shows:
# DEL, C1 controls, the Arabic letter mark, the Mongolian vowel separator, the
# zero-width space, bidi marks, embeddings and overrides, U+2028/U+2029, the word
# joiner, invisible operators, bidi isolates and deprecated format characters,
# the BOM, and the tag characters. C0 controls are added where a format needs.
_INVISIBLE = (
    "\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u206f\ufeff\U000e0000-\U000e007f"
)
# U+200C/U+200D join letters in Persian, Indic scripts and emoji sequences: they are
# shown only where a neighbour is not such a character (ASCII, a space, an edge)
_LETTER = "[^\x00-\x7f\\s\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]"
_JOINERS = f"(?<!{_LETTER})[\u200c\u200d]|[\u200c\u200d](?!{_LETTER})"
# compiled when first used, not at start-up (a millisecond for the three)
_UNSAFE = f"[\x00-\x1f{_INVISIBLE}]|{_JOINERS}"
# csv carries tab and newline in a quoted field, and writes a carriage return as \r
_CSV_UNSAFE = f"[\x00-\x08\x0b\x0c\x0e-\x1f{_INVISIBLE}]|{_JOINERS}"
# json.dumps has escaped the C0 controls; a raw newline here is the indentation's
_JSON_UNSAFE = f"[{_INVISIBLE}]|{_JOINERS}"


@functools.cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _visible(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def safe(text: str) -> str:
    """Text for a terminal: controls, bidi marks and invisible characters shown as escapes."""
    return _regex(_UNSAFE).sub(lambda m: _visible(m.group()), text)


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def cell(value: Any) -> str:
    """A value as one field of a row: lists joined with '; ', None empty."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(cell(v) for v in value)
    return str(value)


class Column(NamedTuple):
    key: str
    header: str
    style: str = ""
    justify: str = "left"
    display: Callable[[Record], str] | None = None  # what a person sees in a table
    value: Callable[[Record], Any] | None = None  # the field in machine formats, if not record[key]
    no_wrap: bool = False
    min_width: int | None = None
    table: bool = True  # shown in the table for people
    machine: bool = True  # shown in plain, csv, tsv and md

    def human(self, record: Record) -> str:
        return self.display(record) if self.display else self.text(record)

    def text(self, record: Record) -> str:
        return cell(self.value(record) if self.value else record.get(self.key))


class Listing(NamedTuple):
    """A list of records with the columns that show them."""

    name: str  # the JSON key holding the records
    records: list[Record]
    columns: Sequence[Column]
    title: str | None = None
    extra: dict[str, Any] | None = None  # more top-level JSON keys
    caption: str | None = None  # a note under the table for people


def resolve(fmt: Format, stream: IO[str]) -> Format:
    """`auto` is a table on a terminal and plain text anywhere else."""
    if fmt is not Format.auto:
        return fmt
    isatty = getattr(stream, "isatty", None)
    return Format.table if isatty is not None and isatty() else Format.plain


def dump_json(document: Record) -> str:
    text = json.dumps({"schema_version": SCHEMA_VERSION, **document}, ensure_ascii=False, indent=2)
    # outside strings the JSON is ASCII, so every match is inside a string, where
    # \uXXXX decodes to the same character: the text stays exact, and no C1 control,
    # bidi override or line separator reaches a terminal or a JavaScript reader raw
    return _regex(_JSON_UNSAFE).sub(lambda m: _json_escape(m.group()), text)


def dump_jsonl(record: Record) -> str:
    # ensure_ascii: no raw U+2028 or newline can split a record across lines
    return json.dumps({"schema_version": SCHEMA_VERSION, **record}, ensure_ascii=True)


def _tsv_field(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


_FORMULA = frozenset("=+-@")
_FORMULA_START = frozenset("=+-@\t\r\n'")
_NUMBER = r"[+-]?[0-9]+(?:\.[0-9]+)?"


def neutral(text: str) -> str:
    """A cell no spreadsheet runs as a formula: `'` in front where it might (OWASP)."""
    if not text:
        return text
    if text[0] in _FORMULA_START or text.lstrip()[:1] in _FORMULA:
        if _regex(_NUMBER).fullmatch(text):
            return text
        return "'" + text
    return text


def _csv_text(value: str) -> str:
    text = value.replace("\\", "\\\\").replace("\r", "\\r")
    return _regex(_CSV_UNSAFE).sub(lambda m: _visible(m.group()), text)


# a field with any of these is quoted: RFC 4180's three, and the other separators a
# spreadsheet may split at, where a cell could start inside the field
_CSV_QUOTE = '[,";\t\n\r]'


def _csv_field(text: str) -> str:
    if _regex(_CSV_QUOTE).search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _md_field(value: str) -> str:
    value = value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    return safe(value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


class _Chunks:
    """Text for a stream, written a piece of about 64 KiB at a time: few writes
    (a small output in one), and a large one never held whole."""

    LIMIT = 64 * 1024

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.parts: list[str] = []
        self.size = 0

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size >= self.LIMIT:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.stream.write("".join(self.parts))
            self.parts, self.size = [], 0


def make_console(stream: IO[str], no_color: bool) -> Any:
    """A rich console that never interprets markup or emoji codes in data."""
    from rich.console import Console

    return Console(
        file=stream,
        no_color=True if no_color else None,
        highlight=False,
        markup=False,
        emoji=False,
    )


def write_listing(
    listing: Listing,
    fmt: Format,
    stream: IO[str],
    *,
    no_color: bool = False,
    exact_cells: bool = False,
) -> None:
    """Write a listing in one format; `exact_cells` writes csv and tsv cells as they are."""
    fmt = resolve(fmt, stream)
    columns = [c for c in listing.columns if c.machine]
    keys = [c.key for c in columns]
    if fmt is Format.json:
        stream.write(dump_json({**(listing.extra or {}), listing.name: listing.records}) + "\n")
        return
    if fmt is Format.table:
        _write_table(listing, stream, no_color)
        return
    out = _Chunks(stream)
    if fmt is Format.jsonl:
        for record in listing.records:
            out.add(dump_jsonl(record) + "\n")
    elif fmt is Format.csv:
        if exact_cells:
            field: Callable[[str], str] = _csv_field
        else:

            def field(value: str) -> str:
                return _csv_field(neutral(_csv_text(value)))

        out.add(",".join(_csv_field(k) for k in keys) + "\n")
        for record in listing.records:
            out.add(",".join(field(c.text(record)) for c in columns) + "\n")
    elif fmt is Format.tsv:
        if exact_cells:
            field = _tsv_field
        else:

            def field(value: str) -> str:
                return neutral(safe(_tsv_field(value)))

        out.add("\t".join(keys) + "\n")
        for record in listing.records:
            out.add("\t".join(field(c.text(record)) for c in columns) + "\n")
    elif fmt is Format.plain:
        for record in listing.records:
            out.add("\t".join(safe(_tsv_field(c.text(record))) for c in columns) + "\n")
    else:  # md
        out.add("| " + " | ".join(c.header for c in columns) + " |\n")
        out.add("|" + "|".join("---" for _ in columns) + "|\n")
        for record in listing.records:
            fields = (_md_field(c.human(record)) for c in columns)
            out.add("| " + " | ".join(fields) + " |\n")
    out.flush()


def _write_table(listing: Listing, stream: IO[str], no_color: bool) -> None:
    from rich.text import Text

    from posttrack import layout

    shown = [c for c in listing.columns if c.table]
    columns = [
        layout.Column(
            c.header,
            style=c.style,
            no_wrap=c.no_wrap,
            min_width=c.min_width,
            right=c.justify == "right",
        )
        for c in shown
    ]
    rows = [[Text(safe(c.human(record))) for c in shown] for record in listing.records]
    page = layout.Page(make_console(stream, no_color))
    layout.table(
        page,
        columns,
        rows,
        title=Text(safe(listing.title), "bold") if listing.title else None,
        caption=Text(safe(listing.caption), "dim italic") if listing.caption else None,
    )
    page.write()


def write_lines(lines: Sequence[str], stream: IO[str]) -> None:
    out = _Chunks(stream)
    for line in lines:
        out.add(safe(line) + "\n")
    out.flush()


def error_line(message: str) -> None:
    """One line on stderr, the data in it made safe for a terminal."""
    sys.stderr.write(f"posttrack: error: {safe(message)}\n")


DATE_CAPTION = "? uncertain date   ~ approximate date"


def _date_span(record: Record) -> str:
    first, last = record.get("first"), record.get("last")
    if not first:
        return "-"
    return first if first == last else f"{first} – {last}"


TOPIC_COLUMNS = (
    Column("id", "id", style="bold cyan", no_wrap=True),
    Column("title", "title", min_width=18),
    Column("positions", "n", justify="right"),
    Column("first", "first", table=False),
    Column("last", "last", table=False),
    Column("dates", "dates", display=_date_span, no_wrap=True, machine=False),
    Column("aliases", "aliases", style="dim"),
)

SOURCE_COLUMNS = (
    Column("id", "id", style="bold cyan", no_wrap=True),
    Column("date", "date", no_wrap=True),
    Column("kind", "kind", table=False),
    Column("voice", "voice", no_wrap=True),
    Column("positions", "n", justify="right"),
    Column("title", "title", display=lambda r: cell(r.get("short")), min_width=24),
    Column("path", "path", table=False),
)

PROBLEM_COLUMNS = (
    Column("path", "path"),
    Column("line", "line", justify="right"),
    Column("column", "column", justify="right"),
    Column("severity", "severity"),
    Column("message", "message"),
)


# --- show: a topic's timeline -------------------------------------------------

SHIFT_MARKS = {
    "first": ("○", "first", "bold blue"),
    "same": ("=", "same", "dim"),
    "stronger": ("▲", "stronger", "bold green"),
    "weaker": ("▼", "weaker", "bold red"),
    "changed": ("◆", "changed", "bold yellow"),
}


def _quotes_field(record: Record) -> str:
    return " | ".join(f"{q['text']} ({q['where']})" for q in record.get("quotes", []))


SHOW_COLUMNS = (
    Column("date", "date", no_wrap=True),
    Column("source", "source"),
    Column("voice", "voice"),
    Column("shift", "shift"),
    Column("level", "level"),
    Column("stance", "stance"),
    Column("summary", "summary"),
    Column("quotes", "quotes", value=_quotes_field),
)


_EXPORT_FIELDS = (
    "topic",
    "topic_title",
    "date",
    "date_precision",
    "date_qualifier",
    "date_start",
    "date_end",
    "source",
    "source_title",
    "source_date",
    "voice",
    "kind",
    "stance",
    "level",
    "level_label",
    "summary",
    "original",
    "note",
)


def _each_quote(key: str) -> Callable[[Record], list[Any]]:
    return lambda record: [q[key] for q in record["quotes"]]


# A table for a person shows a few of the columns: twenty-one would fold to a
# character or two each. Every other format carries them all.
_EXPORT_POSITION_TABLE = {"topic", "date", "source", "level", "stance", "where"}
_EXPORT_QUOTE_TABLE = {"topic", "date", "source", "quote", "where", "line"}

_EXPORT_NO_WRAP = {"topic", "date", "level", "line"}


def _export_column(key: str, shown: set[str]) -> Column:
    return Column(key, key, table=key in shown, no_wrap=key in _EXPORT_NO_WRAP)


# --by position: a position's quotes, locations and lines are lists ('; ' in flat formats)
EXPORT_POSITION_COLUMNS = (
    *(_export_column(key, _EXPORT_POSITION_TABLE) for key in _EXPORT_FIELDS),
    Column("quote", "quote", value=_each_quote("quote"), table=False),
    Column("where", "where", value=_each_quote("where")),
    Column("line", "line", value=_each_quote("line"), table=False),
)
EXPORT_QUOTE_COLUMNS = tuple(
    _export_column(key, _EXPORT_QUOTE_TABLE) for key in (*_EXPORT_FIELDS, "quote", "where", "line")
)


def voice_note(record: Record, state: str) -> str:
    """Say plainly whose words these are."""
    whose = f"{state}'s" if state else "the state's"
    if record["voice"] == "secondary":
        return f"secondary: an analyst's account, not {whose} own words"
    if record["voice"] == "reported":
        return f"reported: {whose} own office reporting the speaker's words"
    return f"primary: {whose} own words"


def _level_bar(record: Record) -> str:
    level, top = record.get("level"), record.get("scale_max")
    if not isinstance(level, int) or not isinstance(top, int):
        return ""
    return "■" * level + "□" * max(top - level, 0) + f" {level}/{top}"


def write_timeline(
    topic: Record,
    entries: list[Record],
    state: str,
    stream: IO[str],
    *,
    no_color: bool,
    quotes: bool,
) -> None:
    """`show` for people: a vertical timeline that shows strength at a glance.

    Each entry hangs off a rail: its date and a marker, then `│` down the lines below.
    """
    from rich.segment import Segment
    from rich.text import Text

    from posttrack.layout import Page

    page = Page(make_console(stream, no_color))
    head = Text()
    head.append(safe(topic["title"]), "bold")
    head.append(f"  {safe(topic['id'])}", "cyan")
    page.paragraph(head)
    page.paragraph(Text(safe(topic["description"]), "dim"))
    if topic["scale"]:
        scale = Text("scale: ", "dim")
        for index, step in enumerate(topic["scale"]):
            if index:
                scale.append("  <  ", "dim")
            scale.append(f"{step['level']} {safe(step['label'])}")
        page.paragraph(scale)
    if not entries:
        page.paragraph(Text("no positions in this period", "italic"))
        page.write()
        return
    page.blank()
    gutter = max(len(e["date"]) for e in entries)
    room = max(page.width - gutter - 3, 20)
    page.crop = page.crop or gutter + 3 + room > page.width
    # the rail below each entry's first line, the same segments every time
    rail = (Segment(" " * (gutter + 1)), Segment("│", page.style("dim")), Segment(" "))
    bold = page.style("bold")
    for index, entry in enumerate(entries):
        mark, word, style = SHIFT_MARKS[entry["shift"]]
        title = Text()
        title.append(f"{mark} {word}", style)
        if bar := _level_bar(entry):
            title.append(f"  {bar}", style)
        title.append("  ")
        title.append(safe(entry["stance"]), "bold")
        source = Text()
        source.append(safe(entry["source_title"]), "cyan")
        source.append(f" ({safe(entry['source'])})", "dim")
        voice_style = {"secondary": "magenta", "reported": "yellow"}.get(entry["voice"], "dim")
        source.append(" · ")
        source.append(voice_note(entry, state), voice_style)
        lines: list[tuple[int, Text]] = [(0, title), (0, source)]
        if entry["original"]:
            lines.append((0, Text(f"reporting: {safe(entry['original'])}", "magenta")))
        if entry["date_qualifier"]:
            why = f": {safe(entry['date_note'])}" if entry["date_note"] else ""
            lines.append((0, Text(f"date {entry['date_qualifier']}{why}", "dim")))
        lines.append((0, Text(safe(entry["summary"]))))
        if quotes:
            for quote in entry["quotes"]:
                where = quote["where"] + (f", line {quote['line']}" if quote["line"] else "")
                line = Text("“", "dim")
                line.append(safe(quote["text"]), "italic")
                line.append("”  ", "dim")
                line.append(safe(where), "dim")
                lines.append((2, line))
        first = True
        for indent, text in lines:
            for part in page.wrap(text, room - indent):
                if first:
                    label = Segment(safe(entry["date"]).ljust(gutter) + " ", bold)
                    page.line(label, Segment("●", page.style(style)), " ", part)
                    first = False
                else:
                    page.line(*rail, " " * indent, part)
        if index < len(entries) - 1:
            page.line(*rail[:2])
    if any(e["date_qualifier"] for e in entries):
        page.blank()
        page.paragraph(Text(DATE_CAPTION, "dim"))
    page.write()


# --- diff: two dates side by side ---------------------------------------------

CHANGE_STYLES = {
    "new": "bold blue",
    "unchanged": "dim",
    "changed": "bold yellow",
    "stronger": "bold green",
    "weaker": "bold red",
    "absent": "bold magenta",
}


def word_diff_text(ops: list[Record]) -> str:
    """`[-old words-]{+new words+}`, as git diff --word-diff writes it."""
    parts: list[str] = []
    for op in ops:
        text = str(op["text"])
        parts.append({"delete": f"[-{text}-]", "insert": f"{{+{text}+}}"}.get(op["op"], text))
    return " ".join(parts)


def _side(key: str, field: str) -> Callable[[Record], Any]:
    return lambda record: record[key][field] if record.get(key) else None


DIFF_COLUMNS = (
    Column("topic", "topic"),
    Column("change", "change"),
    Column("from_date", "from_date", value=_side("from", "date")),
    Column("from_level", "from_level", value=_side("from", "level")),
    Column("from_stance", "from_stance", value=_side("from", "stance")),
    Column("to_date", "to_date", value=_side("to", "date")),
    Column("to_level", "to_level", value=_side("to", "level")),
    Column("to_stance", "to_stance", value=_side("to", "stance")),
    Column(
        "carried_forward",
        "carried_forward",
        value=lambda r: "yes" if r["carried_forward"] else "no",
    ),
    Column("stance_diff", "stance_diff", value=lambda r: word_diff_text(r["stance_diff"])),
)


def write_diff_table(document: Record, stream: IO[str], *, no_color: bool, quotes: bool) -> None:
    """`diff` for people: a compact side-by-side table, changes highlighted."""
    from rich.text import Text

    from posttrack import layout

    start, end = document["from"], document["to"]

    def side(record: Record | None, ops: list[Record], drop: str) -> Text:
        if record is None:
            return Text("no position", "dim italic")
        text = Text()
        text.append(f"{safe(record['date'])}  ", "bold")
        if bar := _level_bar(record):
            text.append(f"{bar}  ", "dim")
        for index, op in enumerate(o for o in ops if o["op"] != drop):
            if index:
                text.append(" ")
            style = {"delete": "red strike", "insert": "green"}.get(op["op"], "")
            text.append(safe(op["text"]), style if len(ops) > 1 else "")
        if record["voice"] != "primary":
            text.append(
                f"  ({record['voice']})", "magenta" if record["voice"] == "secondary" else "yellow"
            )
        if quotes and record["quotes"]:
            first = record["quotes"][0]
            text.append(f"\n“{safe(first['text'])}” {safe(first['where'])}", "dim italic")
        return text

    rows = []
    for change in document["changes"]:
        ops = change["stance_diff"]
        label = Text(change["change"], CHANGE_STYLES[change["change"]])
        if change["carried_forward"] and change["to"]:
            label.append(f"\nnot restated;\nstated {safe(change['to']['date'])}", "dim")
        rows.append(
            [
                Text(safe(change["topic"])),
                side(change["from"], ops, "insert"),
                side(change["to"], ops, "delete"),
                label,
            ]
        )
    columns = [
        layout.Column("topic", style="cyan", no_wrap=True),
        layout.Column(f"as of {safe(start)}", ratio=1),
        layout.Column(f"as of {safe(end)}", ratio=1),
        layout.Column("change", no_wrap=True),
    ]
    page = layout.Page(make_console(stream, no_color))
    title = Text(f"Positions as of {safe(start)} and as of {safe(end)}", "bold")
    layout.table(page, columns, rows, title=title, separate_rows=quotes)
    page.write()


# --- cite: where a quote is -------------------------------------------------------


def warn(message: str) -> None:
    sys.stderr.write(f"posttrack: warning: {safe(message)}\n")


class _NoProgress:
    def __enter__(self) -> Callable[[int], None]:
        return lambda _: None

    def __exit__(self, *_: object) -> None:
        return None


def progress(total: int, what: str, stream: IO[str]) -> Any:
    """A context giving an `advance(bytes)` callback: a bar on a terminal for a large job."""
    isatty = getattr(stream, "isatty", None)
    if total < 4 * 1024 * 1024 or isatty is None or not isatty():
        return _NoProgress()
    from contextlib import contextmanager

    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    @contextmanager
    def bar() -> Any:
        from rich.console import Console

        with Progress(
            f"{what}",
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=Console(file=stream),
            transient=True,
        ) as shown:
            task = shown.add_task(what, total=total)
            yield lambda size: shown.advance(task, size)

    return bar()


def verdict_sentence(result: Record, state: str, min_score: float) -> str:
    """Say plainly what was found, and whose words they are."""
    matches = result["matches"]
    if not matches:
        return f"Not found: nothing scores {min_score:g} or more."
    kind = {"verbatim": "Verbatim", "close": "A close match", "partial": "A partial match"}[
        result["verdict"]
    ]
    places = f"{len(matches)} place{'s' if len(matches) > 1 else ''}"
    voices = {m["voice"] for m in matches}
    if voices == {None}:
        return f"{kind}, in {places}."
    whose = f"{state}'s" if state else "the state's"
    others = [
        text
        for voice, text in (
            ("reported", "a press release reporting the speaker"),
            ("secondary", "an analyst's account"),
        )
        if voice in voices
    ]
    if "primary" in voices:
        also = f", and in {' and '.join(others)}" if others else ""
        return f"{kind}, in {whose} own words{also} ({places})."
    return f"{kind}, but not in {whose} own words: only in {' and '.join(others)} ({places})."


def _citation_rows(results: list[Record]) -> list[Record]:
    rows = []
    for result in results:
        for match in result["matches"] or [None]:
            row = {"query": result["query"], "verdict": result["verdict"]}
            row.update(match or {})
            rows.append(row)
    return rows


def _positions_field(record: Record) -> str:
    return "; ".join(f"{p['topic']} ({p['date']})" for p in record.get("positions") or [])


CITE_COLUMNS = (
    Column("query", "query"),
    Column("verdict", "verdict"),
    Column("source", "source"),
    Column("path", "path"),
    Column("date", "date"),
    Column("voice", "voice"),
    Column("score", "score"),
    Column("line", "line"),
    Column("end_line", "end_line"),
    Column("column", "column"),
    Column("where", "where"),
    Column("text", "text"),
    Column("positions", "positions", value=_positions_field),
)


def write_citations(
    results: Iterable[Record],
    fmt: Format,
    stream: IO[str],
    *,
    state: str,
    no_color: bool,
    batch: bool,
    min_score: float,
    exact_cells: bool = False,
) -> None:
    """`cite` in any format; `plain` is grep-style `path:line:col: score: span`.

    plain, jsonl and table write each result as soon as it comes (a `cite -` batch
    streams, and Ctrl-C keeps what was written); json, csv, tsv and md are one
    document, written once every result is known."""
    from posttrack.text import readable

    if fmt is Format.table:
        _write_citation_view(results, stream, state=state, no_color=no_color, min_score=min_score)
    elif fmt in (Format.jsonl, Format.plain):
        for result in results:
            out = _Chunks(stream)
            if fmt is Format.jsonl:
                out.add(dump_jsonl(result) + "\n")
            for m in result["matches"] if fmt is Format.plain else ():
                span = readable(m["text"]).strip()
                out.add(
                    safe(f"{m['path']}:{m['line']}:{m['column']}: {m['score']:g}: {span}") + "\n"
                )
            out.flush()
            if batch:
                stream.flush()
    elif fmt is Format.json:
        everything = list(results)
        document = {"results": everything} if batch else everything[0]
        stream.write(dump_json(document) + "\n")
    else:
        listing = Listing("matches", _citation_rows(list(results)), CITE_COLUMNS)
        write_listing(listing, fmt, stream, exact_cells=exact_cells)


def _write_citation_view(
    results: Iterable[Record], stream: IO[str], *, state: str, no_color: bool, min_score: float
) -> None:
    from rich.text import Text

    from posttrack.layout import Page
    from posttrack.text import readable

    page = Page(make_console(stream, no_color))
    styles = {
        "verbatim": "bold green",
        "close": "bold yellow",
        "partial": "yellow",
        "none": "bold red",
    }
    for number, result in enumerate(results):
        if number:
            page.blank()
        head = Text("“", "dim")
        head.append(safe(result["query"]), "italic")
        head.append("”  ", "dim")
        head.append(result["verdict"], styles[result["verdict"]])
        page.paragraph(head)
        page.paragraph(Text(verdict_sentence(result, state, min_score)))
        for rank, match in enumerate(result["matches"], 1):
            top = Text(f"{rank:>2}  ", "dim")
            top.append(
                f"{match['score']:g}", styles["verbatim" if match["verbatim"] else "partial"]
            )
            if match["source"]:
                top.append("  ")
                top.append(safe(match["source_title"] or match["source"]), "cyan")
                top.append(f" · {safe(match['date'])} · ")
                top.append(
                    voice_note(match, state), "magenta" if match["voice"] == "secondary" else ""
                )
            lines = [top]
            place = Text(f"{safe(match['path'])}:{match['line']}:{match['column']}", "dim")
            if match["where"]:
                place.append(f" · {safe(match['where'])}", "dim")
            lines.append(place)
            quoted = Text("…" if match["context_before"] else "", "dim")
            quoted.append(safe(match["context_before"]), "dim")
            quoted.append(safe(readable(match["text"]).strip()), "bold")
            quoted.append(safe(match["context_after"]), "dim")
            quoted.append("…" if match["context_after"] else "", "dim")
            lines.append(quoted)
            if match["positions"]:
                lines.append(Text("cited by " + safe(_positions_field(match)), "green"))
            for line in lines:
                page.paragraph(line, indent=4 if line is not top else 0)
        page.write()  # each result as it comes: a batch streams
    page.write()
