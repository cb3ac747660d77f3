"""Each command's columns: which record fields a table, csv, tsv, plain and md
show, under which headers, and how a person sees them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from posttrack.output.escape import cell
from posttrack.output.formats import Column
from posttrack.output.records import Record

DATE_CAPTION = "? uncertain date   ~ approximate date"


def coverage_caption(description: str) -> str:
    """Under a listing of the dataset: what it covers, then how dates are marked."""
    return f"{description}\n\n{DATE_CAPTION}" if description else DATE_CAPTION


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
    Column("assessment", "assessment", value=lambda r: (r["assessment"] or {}).get("kind")),
    Column(
        "assessment_note", "assessment_note", value=lambda r: (r["assessment"] or {}).get("note")
    ),
    Column("source_short", "source_short"),
    Column("said_by", "said_by"),
    Column("citation", "citation"),
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
# added after the first release's columns, so that a reader by position keeps working
_EXPORT_ADDED = ("source_short", "said_by", "citation", "assessment", "assessment_note")

EXPORT_POSITION_COLUMNS = (
    *(_export_column(key, _EXPORT_POSITION_TABLE) for key in _EXPORT_FIELDS),
    Column("quote", "quote", value=_each_quote("quote"), table=False),
    Column("where", "where", value=_each_quote("where")),
    Column("line", "line", value=_each_quote("line"), table=False),
    *(_export_column(key, _EXPORT_POSITION_TABLE) for key in _EXPORT_ADDED),
    Column("quote_said_by", "quote_said_by", value=_each_quote("quote_said_by"), table=False),
    Column("quote_citation", "quote_citation", value=_each_quote("quote_citation"), table=False),
)
EXPORT_QUOTE_COLUMNS = tuple(
    _export_column(key, _EXPORT_QUOTE_TABLE)
    for key in (
        *_EXPORT_FIELDS,
        "quote",
        "where",
        "line",
        *_EXPORT_ADDED,
        "quote_said_by",
        "quote_citation",
    )
)


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
    Column("reading", "reading"),
    Column("steps", "steps", value=lambda r: [_step_field(s) for s in r["steps"]]),
    Column("from_source", "from_source", value=_side("from", "source")),
    Column("from_voice", "from_voice", value=_side("from", "voice")),
    Column("to_source", "to_source", value=_side("to", "source")),
    Column("to_voice", "to_voice", value=_side("to", "voice")),
    Column("from_citation", "from_citation", value=_side("from", "citation")),
    Column("to_citation", "to_citation", value=_side("to", "citation")),
)


def _step_field(step: Record) -> str:
    """`elaboration 2021-12-13 (2021-12-13-akram-oewg-statement)`: a step in a flat format."""
    kind = step["kind"] or "not-assessed"
    stale = "" if step["current"] or step["kind"] is None else " stale"
    return f"{kind} {step['date']} ({step['source']}){stale}"


def citation_rows(results: list[Record]) -> list[Record]:
    rows = []
    for result in results:
        for match in result["matches"] or [None]:
            row = {"query": result["query"], "verdict": result["verdict"]}
            row.update(match or {})
            rows.append(row)
    return rows


def positions_field(record: Record) -> str:
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
    Column("positions", "positions", value=positions_field),
    Column("said_by", "said_by"),
    Column("citation", "citation"),
)
