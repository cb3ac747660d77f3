"""What a person sees: `show`'s timeline, `diff`'s side-by-side table and
`cite`'s answers, drawn with rich: the timeline and cite's view through layout's
Page, diff's table through tables."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from posttrack.output.columns import (
    CITE_COLUMNS,
    DATE_CAPTION,
    citation_rows,
    positions_field,
)
from posttrack.output.escape import safe
from posttrack.output.formats import Chunks, Format, Listing, dump_json, dump_jsonl, write_listing
from posttrack.output.records import Record
from posttrack.output.terminal import make_console

SHIFT_MARKS = {
    "first": ("○", "first", "bold blue"),
    "same": ("=", "same", "dim"),
    "stronger": ("▲", "stronger", "bold green"),
    "weaker": ("▼", "weaker", "bold red"),
    "changed": ("◆", "changed", "bold yellow"),
}


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
    heading: str | None = None,
) -> None:
    """`show` for people: a vertical timeline that shows strength at a glance.

    Each entry hangs off a rail: its date and a marker, then `│` down the lines below.
    """
    from rich.segment import Segment
    from rich.text import Text

    from posttrack.output.layout import Page

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
    if heading:
        page.paragraph(Text(safe(heading), "bold"))
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
        source.append(safe(entry.get("source_short") or entry["source_title"]), "cyan")
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
        assessment = entry.get("assessment")
        if assessment and entry["shift"] != "first":
            kind = assessment["kind"]
            line = Text("step: ", "dim")
            line.append(kind.replace("-", " "), CHANGE_STYLES[kind] or "bold")
            line.append(f" · {safe(assessment['note'])}")
            if not assessment["current"]:
                line.append(
                    f" (assessed as the step from {safe(assessment['after'])}, "
                    "which is no longer the position before)",
                    "dim",
                )
            lines.append((0, line))
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


def write_show_markdown(topic: Record, entries: list[Record], state: str, stream: IO[str]) -> None:
    """`show -f md` for people: a section per position, its quotes as block quotations,
    each with its location and full citation; every text from the data escaped."""
    from posttrack.output.escape import md_text

    out: list[str] = [f"# {md_text(topic['title'])} (`{topic['id']}`)", ""]
    out += [md_text(topic["description"]), ""]
    if topic["scale"]:
        steps = "; ".join(f"{s['level']} {md_text(s['label'])}" for s in topic["scale"])
        out += [f"Scale, weakest to strongest: {steps}", ""]
    if not entries:
        out += ["*No positions in this period.*", ""]
    for entry in entries:
        out += [f"## {md_text(entry['date'])}: {md_text(entry['stance'])}", ""]
        source = md_text(entry.get("source_short") or entry["source_title"])
        out.append(
            f"- **Source:** {source} (`{entry['source']}`), {md_text(voice_note(entry, state))}"
        )
        shift = entry["shift"]
        if _level_bar(entry):
            shift += f", level {entry['level']} of {entry['scale_max']}"
            if entry.get("level_label"):
                shift += f" ({md_text(entry['level_label'])})"
        out.append(f"- **Shift:** {shift}")
        assessment = entry.get("assessment")
        if assessment and entry["shift"] != "first":
            stale = "" if assessment["current"] else " (assessed against an earlier neighbour)"
            out.append(
                f"- **Step:** {assessment['kind'].replace('-', ' ')}{stale}: "
                f"{md_text(assessment['note'])}"
            )
        if entry.get("original"):
            out.append(f"- **Reporting:** {md_text(entry['original'])}")
        if entry["date_qualifier"]:
            why = f": {md_text(entry['date_note'])}" if entry.get("date_note") else ""
            out.append(f"- **Date:** {entry['date_qualifier']}{why}")
        if entry.get("citation"):
            out.append(f"- **Cite as:** {md_text(entry['citation'])}")
        out += ["", md_text(entry["summary"]), ""]
        for quote in entry["quotes"]:
            where = md_text(quote["where"]) + (f", line {quote['line']}" if quote["line"] else "")
            out += [f"> {md_text(quote['text'])}", ">"]
            said = quote.get("said_by")
            whose = (
                f"; the words of {md_text(said)}, not {md_text(state)}'s"
                if (said and state and said != state)
                else ""
            )
            out += [f"> — {where}{whose}", ""]
    if any(e["date_qualifier"] for e in entries):
        out += [f"*{md_text(DATE_CAPTION)}*", ""]
    stream.write("\n".join(out).rstrip("\n") + "\n")


CHANGE_STYLES = {
    "new": "bold blue",
    "unchanged": "dim",
    "changed": "bold yellow",
    "stronger": "bold green",
    "weaker": "bold red",
    "absent": "bold magenta",
    "reversal": "bold red",
    "escalation": "bold green",
    "softening": "bold red",
    "broadening": "bold green",
    "narrowing": "bold red",
    "new-emphasis": "bold yellow",
    "elaboration": "",
    "restatement": "dim",
    "not-comparable": "italic",
    "insufficient-evidence": "italic",
}


MOST_STEPS = 6  # listed one by one; more are counted by kind (JSON lists them all)


def steps_text(steps: list[Record]) -> str:
    """The curator's reading of each step between diff's two positions, in date order:
    `steps: escalation 2021-12-13 · broadening 2024-07-11`; past MOST_STEPS, counted
    by kind with their first and last dates, so a row stays readable."""
    if len(steps) <= MOST_STEPS:
        shown = (step_text(s["kind"], safe(s["date"]), s["current"]) for s in steps)
        return "steps: " + " · ".join(shown)
    counts: dict[str, int] = {}
    for step in steps:
        kind = (step["kind"] or "not assessed").replace("-", " ")
        counts[kind] = counts.get(kind, 0) + 1
    stale = sum(1 for s in steps if s["kind"] and not s["current"])
    tally = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items(), key=lambda i: -i[1]))
    first, last = safe(steps[0]["date"]), safe(steps[-1]["date"])
    return f"{len(steps)} steps, {first} to {last}: {tally}" + (
        f" ({stale} stale)" if stale else ""
    )


def step_text(kind: str | None, date: str, current: bool) -> str:
    """One step as a person reads it: `elaboration 2021-12-13`."""
    if kind is None:
        return f"not assessed {date}"
    return f"{kind.replace('-', ' ')} {date}" + ("" if current else " (stale)")


def write_diff_table(document: Record, stream: IO[str], *, no_color: bool, quotes: bool) -> None:
    """`diff` for people: a compact side-by-side table, changes highlighted."""
    from rich.text import Text

    from posttrack.output import tables

    start, end = document["from"], document["to"]
    console = make_console(stream, no_color)
    # without colour (NO_COLOR, --no-color, TERM=dumb, a file) red and strike-through
    # are gone: the words are marked as `git diff --word-diff` marks them
    marked = console.no_color or console.color_system is None
    marks = {"delete": ("[-", "-]"), "insert": ("{+", "+}")}

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
            words = safe(op["text"])
            if marked and op["op"] in marks and len(ops) > 1:
                words = marks[op["op"]][0] + words + marks[op["op"]][1]
            text.append(words, style if len(ops) > 1 else "")
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
        reading = change.get("reading") or change["change"]
        label = Text(reading.replace("-", " "), CHANGE_STYLES[reading])
        after = side(change["to"], ops, "delete")
        if change.get("steps"):
            after.append("\n" + steps_text(change["steps"]), "dim")
        if change["carried_forward"] and change["to"]:
            label.append(f"\nnot restated;\nstated {safe(change['to']['date'])}", "dim")
        rows.append(
            [
                Text(safe(change["topic"])),
                side(change["from"], ops, "insert"),
                after,
                label,
            ]
        )
    columns = [
        tables.Column("topic", style="cyan", no_wrap=True),
        tables.Column(f"as of {safe(start)}", ratio=1),
        tables.Column(f"as of {safe(end)}", ratio=1),
        tables.Column("change", min_width=9),
    ]
    title = Text(f"Positions as of {safe(start)} and as of {safe(end)}", "bold")
    caption = Text(safe(document["summary"]), "dim italic") if document.get("summary") else None
    drawn = tables.table(
        columns, rows, console.width, title=title, caption=caption, separate_rows=quotes
    )
    tables.write(console, drawn)


_KINDS = {
    "verbatim": "Verbatim",
    "close": "A close match",
    "altered": "Altered",
    "partial": "A partial match",
}


def verdict_sentence(result: Record, state: str, min_score: float) -> str:
    """Say plainly what was found, and whose words they are; for an altered quote,
    first what the source says instead."""
    matches = result["matches"]
    if not matches:
        nearest = " The nearest passages, below, are not a match." if result.get("nearest") else ""
        return f"Not found: nothing scores {min_score:g} or more.{nearest}"
    if result["verdict"] == "altered":
        best = matches[0]
        said = best.get("explanation") or "Not what the source says."
        whose = _whose(matches[:1], state).removeprefix("but ")
        return f"{said} Altered: not printable as a quote. The passage is {whose}."
    kind = _KINDS[result["verdict"]]
    places = f"{len(matches)} place{'s' if len(matches) > 1 else ''}"
    return f"{kind}, {_whose(matches, state)} ({places})."


def _whose(matches: list[Record], state: str) -> str:
    """Whose words the matched passages are, as a phrase: "own words" only for a
    primary source outside the passages it marks as others' words."""
    if all(m["source"] is None for m in matches):
        return "in the files given"
    whose = f"{state}'s" if state else "the state's"
    own = any(m["voice"] == "primary" and m.get("in_own_words", True) for m in matches)
    others: list[str] = []
    for m in matches:
        if m["source"] is None or (m["voice"] == "primary" and m.get("in_own_words", True)):
            continue
        if m["voice"] == "secondary":
            text = "an analyst's account"
        elif m["voice"] == "reported" and m.get("in_own_words", True):
            text = "a press release reporting the speaker"
        else:
            text = f"a passage giving the words or views of {m.get('said_by') or 'others'}"
        if text not in others:
            others.append(text)
    order = ("a press release reporting the speaker", "an analyst's account")
    others.sort(key=lambda t: order.index(t) if t in order else len(order))
    if own:
        also = f", and in {' and '.join(others)}" if others else ""
        return f"in {whose} own words{also}"
    return f"but not in {whose} own words: only in {' and '.join(others)}"


def marked_text(match: Record) -> str:
    """The matched span with the quote's differences marked as `git diff --word-diff`
    writes them: `[-source words-]{+quote words+}` (readable without colour). A
    difference at the span's edge may reach into the context around it."""
    from posttrack.quotes.normalize import readable

    before, after = match["context_before"] or "", match["context_after"] or ""
    full = before + match["text"] + after
    offset = len(before)
    diffs = [
        d
        for d in match.get("differences") or []
        if isinstance(d.get("source_start"), int) and isinstance(d.get("source_end"), int)
    ]
    first = min([offset, *(d["source_start"] + offset for d in diffs)])
    last = max([offset + len(match["text"]), *(d["source_end"] + offset for d in diffs)])
    pieces: list[str] = []
    position = max(first, 0)
    for diff in diffs:
        start = min(max(diff["source_start"] + offset, position), len(full))
        end = min(max(diff["source_end"] + offset, start), len(full))
        pieces.append(readable(full[position:start]))
        if diff["op"] in ("delete", "replace") and diff["source"]:
            pieces.append(f"[-{readable(diff['source'])}-]")
        if diff["op"] in ("insert", "replace") and diff["quote"]:
            pieces.append(f"{{+{readable(diff['quote'])}+}}")
        position = end
    pieces.append(readable(full[position : min(last, len(full))]))
    return " ".join(" ".join(pieces).split())


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
    from posttrack.quotes.normalize import readable

    if fmt is Format.table:
        _write_citation_view(results, stream, state=state, no_color=no_color, min_score=min_score)
    elif fmt in (Format.jsonl, Format.plain):
        for result in results:
            out = Chunks(stream)
            if fmt is Format.jsonl:
                out.add(dump_jsonl(result) + "\n")
            else:
                # a batch's lines start with the quote's input line and its verdict, and
                # a quote without a match still has its line: `join` and `paste` work
                lead = f"{result.get('input_line')}: {result['verdict']}: " if batch else ""
                for m in result["matches"]:
                    span = readable(m["text"]).strip()
                    line = f"{lead}{m['path']}:{m['line']}:{m['column']}: {m['score']:g}: {span}"
                    out.add(safe(line) + "\n")
                if batch and not result["matches"]:
                    out.add(f"{result.get('input_line')}: {result['verdict']}\n")
            out.flush()
            if batch:
                stream.flush()
    elif fmt is Format.json:
        everything = list(results)
        document = {"results": everything} if batch else everything[0]
        stream.write(dump_json(document) + "\n")
    else:
        listing = Listing("matches", citation_rows(list(results)), CITE_COLUMNS)
        write_listing(listing, fmt, stream, exact_cells=exact_cells)


def _write_citation_view(
    results: Iterable[Record], stream: IO[str], *, state: str, no_color: bool, min_score: float
) -> None:
    from rich.text import Text

    from posttrack.output.layout import Page

    page = Page(make_console(stream, no_color))
    for number, result in enumerate(results):
        if number:
            page.blank()
        head = Text("“", "dim")
        head.append(safe(result["query"]), "italic")
        head.append("”  ", "dim")
        head.append(result["verdict"], _STYLES[result["verdict"]])
        page.paragraph(head)
        page.paragraph(Text(safe(verdict_sentence(result, state, min_score))))
        for rank, match in enumerate(result["matches"], 1):
            _write_match(page, rank, match, state)
        if result.get("nearest"):
            page.paragraph(Text("nearest passages (not a match):", "bold"))
            for rank, match in enumerate(result["nearest"], 1):
                _write_match(page, rank, match, state)
        if result.get("related"):
            page.paragraph(Text("related statements (close in meaning, not a quote):", "bold"))
            for rank, match in enumerate(result["related"], 1):
                _write_match(page, rank, match, state)
        page.write()  # each result as it comes: a batch streams
    page.write()


_STYLES = {
    "verbatim": "bold green",
    "close": "bold yellow",
    "altered": "bold red",
    "partial": "yellow",
    "none": "bold red",
}


def _write_match(page: Any, rank: int, match: Record, state: str) -> None:
    """One place (or nearest passage): score, source and voice, where, the passage
    with its context, the quote's differences marked in it, who cites it."""
    from rich.text import Text

    from posttrack.quotes.normalize import readable

    top = Text(f"{rank:>2}  ", "dim")
    verdict = match.get("verdict") or ("verbatim" if match["verbatim"] else "partial")
    if verdict != "related":
        top.append(f"{match['score']:g}", _STYLES.get(verdict, ""))
    if verdict in ("altered",):
        top.append("  altered", _STYLES["altered"])
    if match["source"]:
        top.append("  ")
        top.append(safe(match.get("source_short") or match["source"]), "cyan")
        top.append(f" · {safe(match['date'])} · ")
        if match.get("in_own_words") is False and match["voice"] != "secondary":
            whose = f"{state}'s" if state else "the state's"
            said = safe(match.get("said_by") or "others")
            top.append(
                f"{match['voice']}: the words or views of {said}, not {whose} own", "magenta"
            )
        else:
            top.append(voice_note(match, state), "magenta" if match["voice"] == "secondary" else "")
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
    if match.get("differences"):
        lines.append(_differences_line(match))
    if match["positions"]:
        lines.append(Text("cited by " + safe(positions_field(match)), "green"))
    for line in lines:
        page.paragraph(line, indent=4 if line is not top else 0)


def _differences_line(match: Record) -> Any:
    """The span with the quote's differences marked: removed words red and struck,
    added ones green, and the `[-…-]{+…+}` marks that read without colour."""
    from rich.text import Text

    line = Text("differences: ", "dim")
    for piece in _word_diff_pieces(marked_text(match)):
        if piece.startswith("[-"):
            line.append(safe(piece), "red strike")
        elif piece.startswith("{+"):
            line.append(safe(piece), "green")
        else:
            line.append(safe(piece))
    return line


def _word_diff_pieces(text: str) -> list[str]:
    import re

    return [p for p in re.split(r"(\[-.*?-\]|\{\+.*?\+\})", text) if p]
