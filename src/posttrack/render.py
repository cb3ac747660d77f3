"""Every output format; the only module that imports rich.

Machine formats (json, jsonl, csv, tsv, plain, md) depend on nothing but the
data: not the terminal, its width, colour settings or the locale. Text from
the data is never read as rich markup or emoji codes, and control characters
and bidi overrides are made visible in human formats (exact in JSON).
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, Any

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


# C0 and C1 controls, DEL, and the bidi embedding / override / isolate marks
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _visible(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: str) -> str:
    """Text for a terminal: control characters and bidi marks shown as escapes."""
    return _UNSAFE.sub(lambda m: _visible(m.group()), text)


def cell(value: Any) -> str:
    """A value as one field of a row: lists joined with '; ', None empty."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(cell(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    style: str = ""
    justify: str = "left"
    display: Callable[[Record], str] | None = None  # what a person sees in a table
    no_wrap: bool = False
    min_width: int | None = None
    table: bool = True  # shown in the table for people
    machine: bool = True  # shown in plain, csv, tsv and md

    def human(self, record: Record) -> str:
        return self.display(record) if self.display else cell(record.get(self.key))


@dataclass(frozen=True)
class Listing:
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
    return json.dumps({"schema_version": SCHEMA_VERSION, **document}, ensure_ascii=False, indent=2)


def dump_jsonl(record: Record) -> str:
    # ensure_ascii: no raw U+2028 or newline can split a record across lines
    return json.dumps({"schema_version": SCHEMA_VERSION, **record}, ensure_ascii=True)


def _tsv_field(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _md_field(value: str) -> str:
    return safe(value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " "))


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
    listing: Listing, fmt: Format, stream: IO[str], *, no_color: bool = False
) -> None:
    """Write a listing in one format."""
    fmt = resolve(fmt, stream)
    columns = [c for c in listing.columns if c.machine]
    keys = [c.key for c in columns]
    if fmt is Format.json:
        stream.write(dump_json({listing.name: listing.records, **(listing.extra or {})}) + "\n")
    elif fmt is Format.jsonl:
        for record in listing.records:
            stream.write(dump_jsonl(record) + "\n")
    elif fmt is Format.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(keys)
        writer.writerows([cell(r.get(k)) for k in keys] for r in listing.records)
        stream.write(buffer.getvalue())
    elif fmt is Format.tsv:
        stream.write("\t".join(keys) + "\n")
        for record in listing.records:
            stream.write("\t".join(_tsv_field(cell(record.get(k))) for k in keys) + "\n")
    elif fmt is Format.plain:
        for record in listing.records:
            stream.write("\t".join(safe(_tsv_field(cell(record.get(k)))) for k in keys) + "\n")
    elif fmt is Format.md:
        stream.write("| " + " | ".join(c.header for c in columns) + " |\n")
        stream.write("|" + "|".join("---" for _ in columns) + "|\n")
        for record in listing.records:
            fields = (_md_field(c.human(record)) for c in columns)
            stream.write("| " + " | ".join(fields) + " |\n")
    else:
        _write_table(listing, stream, no_color)


def _write_table(listing: Listing, stream: IO[str], no_color: bool) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=Text(safe(listing.title)) if listing.title else None,
        box=box.SIMPLE_HEAD,
        header_style="bold",
        title_style="bold",
        title_justify="left",
        caption=Text(safe(listing.caption)) if listing.caption else None,
        caption_justify="left",
    )
    shown = [c for c in listing.columns if c.table]
    for column in shown:
        table.add_column(
            column.header,
            style=column.style or None,
            no_wrap=column.no_wrap,
            min_width=column.min_width,
            justify="right" if column.justify == "right" else "left",
        )
    for record in listing.records:
        table.add_row(*(Text(safe(c.human(record))) for c in shown))
    make_console(stream, no_color).print(table)


def write_lines(lines: Sequence[str], stream: IO[str]) -> None:
    for line in lines:
        stream.write(safe(line) + "\n")


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
