"""The formats, and a listing (records with the columns that show them) written
in any of them. Machine formats (json, jsonl, csv, tsv, plain, md) depend on
nothing but the data: not the terminal, its width, colour settings or the
locale. Line formats go to the stream in pieces of about 64 KiB, not a line at
a time: `posttrack topics | head -1` then has its whole (small) output written
before `head` exits, rather than a second write meeting a closed pipe."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import IO, Any, NamedTuple

from posttrack.output.escape import (
    JSON_UNSAFE,
    cell,
    csv_field,
    csv_text,
    json_escaped,
    md_field,
    neutral,
    regex,
    safe,
    tsv_field,
)
from posttrack.output.records import SCHEMA_VERSION, Record


class Format(StrEnum):
    auto = "auto"
    table = "table"
    plain = "plain"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    md = "md"


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


def resolve_format(fmt: Format, stream: IO[str]) -> Format:
    """`auto` is a table on a terminal and plain text anywhere else."""
    if fmt is not Format.auto:
        return fmt
    isatty = getattr(stream, "isatty", None)
    return Format.table if isatty is not None and isatty() else Format.plain


def pretty_json(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)`, byte for byte, twice as fast:
    the standard library's indented encoder is pure Python, a generator per level
    (40 ms of a 10,000-position diff, 18 ms here). Strings go through the same C
    escaper; a value of another type than JSON's falls back to json.dumps."""
    from json.encoder import encode_basestring

    out: list[str] = []
    add = out.append

    def walk(item: Any, pad: str) -> None:
        kind = type(item)
        if kind is str:
            add(encode_basestring(item))
        elif kind is dict:
            if not item:
                add("{}")
                return
            inner = pad + "  "
            add("{" + inner)
            for at, (key, nested) in enumerate(item.items()):
                if type(key) is not str:
                    raise TypeError(key)
                if at:
                    add("," + inner)
                # a string or null, most values, is written here, not by a call
                if type(nested) is str:
                    add(encode_basestring(key) + ": " + encode_basestring(nested))
                elif nested is None:
                    add(encode_basestring(key) + ": null")
                else:
                    add(encode_basestring(key) + ": ")
                    walk(nested, inner)
            add(pad + "}")
        elif kind is list or kind is tuple:
            if not item:
                add("[]")
                return
            inner = pad + "  "
            add("[" + inner)
            for at, nested in enumerate(item):
                if at:
                    add("," + inner)
                if type(nested) is str:
                    add(encode_basestring(nested))
                else:
                    walk(nested, inner)
            add(pad + "]")
        elif item is None:
            add("null")
        elif item is True:
            add("true")
        elif item is False:
            add("false")
        elif kind is int:
            add(int.__repr__(item))
        elif kind is float:
            add(json.dumps(item))
        else:
            raise TypeError(kind)

    try:
        walk(value, "\n")
    except TypeError:
        return json.dumps(value, ensure_ascii=False, indent=2)
    return "".join(out)


def dump_json(document: Record) -> str:
    text = pretty_json({"schema_version": SCHEMA_VERSION, **document})
    # outside strings the JSON is ASCII, so every match is inside a string, where
    # \uXXXX decodes to the same character: the text stays exact, and no C1 control,
    # bidi override or line separator reaches a terminal or a JavaScript reader raw
    return regex(JSON_UNSAFE).sub(json_escaped, text)


def dump_jsonl(record: Record) -> str:
    # ensure_ascii: no raw U+2028 or newline can split a record across lines
    return json.dumps({"schema_version": SCHEMA_VERSION, **record}, ensure_ascii=True)


class Chunks:
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


def write_listing(
    listing: Listing,
    fmt: Format,
    stream: IO[str],
    *,
    no_color: bool = False,
    exact_cells: bool = False,
) -> None:
    """Write a listing in one format; `exact_cells` writes csv and tsv cells as they are."""
    fmt = resolve_format(fmt, stream)
    columns = [c for c in listing.columns if c.machine]
    keys = [c.key for c in columns]
    if fmt is Format.json:
        stream.write(dump_json({**(listing.extra or {}), listing.name: listing.records}) + "\n")
        return
    if fmt is Format.table:
        _write_table(listing, stream, no_color)
        return
    out = Chunks(stream)
    if fmt is Format.jsonl:
        for record in listing.records:
            out.add(dump_jsonl(record) + "\n")
    elif fmt is Format.csv:
        if exact_cells:
            field: Callable[[str], str] = csv_field
        else:

            def field(value: str) -> str:
                return csv_field(neutral(csv_text(value)))

        out.add(",".join(csv_field(k) for k in keys) + "\n")
        for record in listing.records:
            out.add(",".join(field(c.text(record)) for c in columns) + "\n")
    elif fmt is Format.tsv:
        if exact_cells:
            field = tsv_field
        else:

            def field(value: str) -> str:
                return neutral(safe(tsv_field(value)))

        out.add("\t".join(keys) + "\n")
        for record in listing.records:
            out.add("\t".join(field(c.text(record)) for c in columns) + "\n")
    elif fmt is Format.plain:
        for record in listing.records:
            out.add("\t".join(safe(tsv_field(c.text(record))) for c in columns) + "\n")
    else:  # md
        out.add("| " + " | ".join(c.header for c in columns) + " |\n")
        out.add("|" + "|".join("---" for _ in columns) + "|\n")
        for record in listing.records:
            fields = (md_field(c.human(record)) for c in columns)
            out.add("| " + " | ".join(fields) + " |\n")
    out.flush()


def _write_table(listing: Listing, stream: IO[str], no_color: bool) -> None:
    from rich.text import Text

    from posttrack.output import tables
    from posttrack.output.terminal import make_console

    shown = [c for c in listing.columns if c.table]
    columns = [
        tables.Column(
            c.header,
            style=c.style,
            no_wrap=c.no_wrap,
            min_width=c.min_width,
            right=c.justify == "right",
        )
        for c in shown
    ]
    rows = [[Text(safe(c.human(record))) for c in shown] for record in listing.records]
    console = make_console(stream, no_color)
    drawn = tables.table(
        columns,
        rows,
        console.width,
        title=Text(safe(listing.title), "bold") if listing.title else None,
        # a caption's own line breaks stay; the data's characters in it are made safe
        caption=Text("\n".join(map(safe, listing.caption.split("\n"))), "dim italic")
        if listing.caption
        else None,
    )
    tables.write(console, drawn)


def write_lines(lines: Sequence[str], stream: IO[str]) -> None:
    out = Chunks(stream)
    for line in lines:
        out.add(safe(line) + "\n")
    out.flush()


def error_line(message: str) -> None:
    """One line on stderr, the data in it made safe for a terminal."""
    sys.stderr.write(f"posttrack: error: {safe(message)}\n")


def warn(message: str) -> None:
    sys.stderr.write(f"posttrack: warning: {safe(message)}\n")
