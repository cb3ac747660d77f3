"""The command line: parse, call the core, render, map errors to exit codes."""

from __future__ import annotations

import copy
import errno
import itertools
import math
import os
import signal
import sys
from collections.abc import Generator, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from posttrack import textfile
from posttrack.dates import Date
from posttrack.errors import DataError, ExitStatus, PosttrackError, UsageError
from posttrack.model import KINDS, VOICES
from posttrack.output import columns, escape, formats, pager, records, views
from posttrack.output.formats import Format, Listing

app = typer.Typer(
    name="posttrack",
    help="What a state has said, topic by topic, over time, proved by verbatim quotes.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def examples(*lines: str) -> str:
    """A command's help epilog: real examples, kept as written (click's \\b)."""
    return "\b\nExamples:\n" + "\n".join(f"  $ {line}" for line in lines)


FormatOption = Annotated[
    Format,
    typer.Option(
        "-f",
        "--format",
        case_sensitive=False,
        metavar="FORMAT",
        help="auto (a table on a terminal, plain text in a pipe), table, plain, json, jsonl, "
        "csv, tsv or md.",
    ),
]


def _complete_paths(incomplete: str) -> list[str]:
    """Directories and files that start as typed (a dataset is a directory, or its
    positions.yaml; cite's paths are files and directories)."""
    import glob

    return sorted(glob.glob(glob.escape(os.path.expanduser(incomplete)) + "*"))


DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        metavar="PATH",
        autocompletion=_complete_paths,
        show_default=False,
        help="Dataset directory or its positions.yaml "
        "[default: $POSTTRACK_DATA, else the shipped dataset].",
    ),
]
NoColorOption = Annotated[bool, typer.Option("--no-color", help="No colour, even on a terminal.")]


def _no_pager(value: bool) -> bool:
    if value:
        pager.disable()
    return value


NoPagerOption = Annotated[
    bool,
    typer.Option(
        "--no-pager",
        callback=_no_pager,
        is_eager=True,
        help="Write straight to the terminal, without a pager [default: long output "
        "on a terminal goes through $POSTTRACK_PAGER, $PAGER or less -FRX].",
    ),
]
ExactCellsOption = Annotated[
    bool,
    typer.Option(
        "--exact-cells",
        help="csv/tsv cells exactly as in the data: no leading ' before a formula-like "
        "cell, no escapes (for programs, never for a spreadsheet or a terminal).",
    ),
]


def _version(value: bool) -> None:
    if not value:
        return
    from posttrack import __version__
    from posttrack.dataset.snapshot import load

    line = f"posttrack {__version__}"
    try:
        dataset = load().header
    except PosttrackError as error:
        line += f" (dataset unreadable: {error})"
    else:
        edition = f", edition {dataset.edition}" if dataset.edition else ""
        line += f" (dataset: {dataset.title}{edition}, sha256 {dataset.digest})"
        if dataset.description:
            line += f"\ncoverage: {dataset.description}"
    formats.write_lines(line.split("\n"), sys.stdout)
    raise typer.Exit(ExitStatus.OK)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Print the version and the dataset's edition and hash.",
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback for internal errors.")
    ] = False,
    no_pager: NoPagerOption = False,
) -> None:
    """What a state has said, topic by topic, over time, proved by verbatim quotes."""
    _options.debug = debug


class _Options:
    """What the root options asked for, as parsed (never read from raw argv, where
    `--debug` may be a quote's words)."""

    debug = False


_options = _Options()


@app.command(epilog=examples("posttrack topics", "posttrack topics | cut -f1-5"))
def topics(
    fmt: FormatOption = Format.auto,
    data: DataOption = None,
    no_color: NoColorOption = False,
    no_pager: NoPagerOption = False,
    exact_cells: ExactCellsOption = False,
) -> None:
    """List the topics with their position counts and first and last dates."""
    from posttrack.dataset.snapshot import load
    from posttrack.query.timeline import topic_summaries

    dataset = load(data).dataset
    rows = [records.topic_record(s) for s in topic_summaries(dataset)]
    listing = Listing(
        "topics",
        rows,
        columns.TOPIC_COLUMNS,
        title=f"Topics: {dataset.title}",
        extra={"dataset": records.dataset_record(dataset)},
        caption=columns.coverage_caption(dataset.description),
    )
    formats.write_listing(listing, fmt, sys.stdout, no_color=no_color, exact_cells=exact_cells)


class SourcesFormat(StrEnum):
    """`sources`' formats: every listing's, and two for reference managers."""

    auto = "auto"
    table = "table"
    plain = "plain"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    md = "md"
    csl_json = "csl-json"
    bibtex = "bibtex"


@app.command(
    epilog=examples(
        "posttrack sources",
        "posttrack sources -f csl-json > sources.json",
        "posttrack sources -f bibtex > sources.bib",
    )
)
def sources(
    fmt: Annotated[
        SourcesFormat,
        typer.Option(
            "-f",
            "--format",
            case_sensitive=False,
            metavar="FORMAT",
            help="Any listing's format (auto, table, plain, json, jsonl, csv, tsv, md), or "
            "csl-json (Zotero, pandoc --citeproc) or bibtex (LaTeX).",
        ),
    ] = SourcesFormat.auto,
    data: DataOption = None,
    no_color: NoColorOption = False,
    no_pager: NoPagerOption = False,
    exact_cells: ExactCellsOption = False,
) -> None:
    """List the source documents with their date, kind and voice."""
    from posttrack.dataset.snapshot import load
    from posttrack.query.timeline import source_positions

    dataset = load(data).dataset
    if fmt in (SourcesFormat.csl_json, SourcesFormat.bibtex):
        from posttrack.output import csl

        text = (
            csl.dump_csl_json(dataset)
            if fmt is SourcesFormat.csl_json
            else csl.dump_bibtex(dataset)
        )
        sys.stdout.write(text)
        return
    rows = [records.source_record(s, n) for s, n in source_positions(dataset)]
    listing = Listing(
        "sources",
        rows,
        columns.SOURCE_COLUMNS,
        title=f"Sources: {dataset.title}",
        extra={"dataset": records.dataset_record(dataset)},
        caption=columns.coverage_caption(dataset.description),
    )
    formats.write_listing(
        listing, Format(fmt.value), sys.stdout, no_color=no_color, exact_cells=exact_cells
    )


def warn_unproved(positions: Any, lines: dict[Any, int | None]) -> None:
    """Once, on stderr: quotes about to be printed as evidence that are not in their
    sources (the dataset has not passed `check`)."""
    missing = sum(lines.get(q) is None for p in positions for q in p.quotes)
    if missing:
        what = (
            "quote is not found in its source"
            if missing == 1
            else ("quotes are not found in their sources")
        )
        sys.stderr.write(
            f"posttrack: warning: {missing} {what} (the dataset "
            "has not passed check); run 'posttrack check' before relying on them\n"
        )


def _date(text: str, what: str) -> Date:
    from posttrack.dates import DateFormatError, parse_user_date

    try:
        return parse_user_date(text)
    except DateFormatError as error:
        raise UsageError(f"{what}: {error}") from None


DATE_HELP = " (2021, Dec 2021, 2021-12-13, 13 Dec 2021)"
COMPLETE_VAR = "_POSTTRACK_COMPLETE"  # set only by the shell's completion script


def _header_for(ctx: typer.Context) -> Any:
    """The dataset a command line names (--data, else the default), for completion."""
    from posttrack.dataset.snapshot import load

    try:
        return load(ctx.params.get("data")).header
    except PosttrackError:
        return None


def _complete_topics(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Topic ids and aliases (a space as a hyphen: `show` reads `legally-binding` as
    `legally binding`), each with its topic's title."""
    header = _header_for(ctx)
    if header is None:
        return []
    found: dict[str, str] = {}
    for topic in header.topics.values():
        for name in (topic.id, *topic.aliases):
            word = "-".join(name.split())
            if word.casefold().startswith(incomplete.casefold()):
                found.setdefault(word, topic.title)
    return list(found.items())


def _complete_sources(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    header = _header_for(ctx)
    if header is None:
        return []
    return [(s.id, s.short) for s in header.sources.values() if s.id.startswith(incomplete)]


@app.command(
    epilog=examples(
        "posttrack show international-law",
        "posttrack show binding --as-of 'Dec 2022'",
        "posttrack show ihl -f md > ihl.md",
    )
)
def show(
    topic: Annotated[
        str,
        typer.Argument(
            metavar="TOPIC",
            help="Topic id, title or alias; forgiving of case and typos.",
            autocompletion=_complete_topics,
        ),
    ],
    since: Annotated[
        str | None, typer.Option(metavar="DATE", help="Only positions from this date on.")
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Only positions known to be stated by this date's end."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="Only the position in force as of this date (stated by its end, as diff "
            "counts)" + DATE_HELP + ".",
        ),
    ] = None,
    quotes: Annotated[bool, typer.Option("--quotes/--no-quotes", help="Show the evidence.")] = True,
    fmt: FormatOption = Format.auto,
    data: DataOption = None,
    no_color: NoColorOption = False,
    no_pager: NoPagerOption = False,
    exact_cells: ExactCellsOption = False,
) -> None:
    """Show how a topic's position evolved: each dated position, its shift, summary and quotes."""
    from posttrack.dataset.snapshot import load
    from posttrack.query import timeline
    from posttrack.query.topics import resolve_topic

    if as_of and (since or until):
        raise UsageError("--as-of gives one position; use it without --since and --until")
    start = _date(since, "--since") if since else None
    end = _date(until, "--until") if until else None
    when = _date(as_of, "--as-of") if as_of else None
    loaded = load(data)
    chosen = resolve_topic(loaded.header, topic)
    dataset, lines = loaded.topic(chosen.id)  # the other topics are not even decoded
    extra: dict[str, Any] = {}
    heading = None
    if when is not None:
        found = timeline.as_of(dataset, chosen.id, when)
        entries = [found] if found else []
        carried = found is not None and not timeline.within(found.position.date, when)
        extra = {"as_of": when.text, "carried_forward": carried if found else None}
        heading = timeline.as_of_heading(when, found, carried)
    else:
        entries = timeline.history(dataset, chosen.id, start, end)
    warn_unproved((e.position for e in entries), lines)
    rows = [
        records.entry_record(e, chosen, lines, quotes=quotes, state=dataset.state) for e in entries
    ]
    ref = records.topic_ref(chosen)
    resolved = formats.resolve_format(fmt, sys.stdout)
    if resolved is Format.table:
        views.write_timeline(
            ref,
            rows,
            dataset.state,
            sys.stdout,
            no_color=no_color,
            quotes=quotes,
            heading=heading,
        )
        return
    if resolved is Format.md:
        views.write_show_markdown(ref, rows, dataset.state, sys.stdout)
        return
    listing = Listing("entries", rows, columns.SHOW_COLUMNS, extra={"topic": ref, **extra})
    formats.write_listing(listing, resolved, sys.stdout, no_color=no_color, exact_cells=exact_cells)


@app.command(
    epilog=examples(
        "posttrack diff 2020 2024",
        "posttrack diff 2021 'Jul 2024' -t binding -t ihl --changed-only",
    )
)
def diff(
    start: Annotated[
        str, typer.Argument(metavar="DATE_A", help="The first date" + DATE_HELP + ".")
    ],
    end: Annotated[
        str, typer.Argument(metavar="DATE_B", help="The second date; may be earlier than A.")
    ],
    topic: Annotated[
        list[str] | None,
        typer.Option(
            "--topic",
            "-t",
            metavar="TOPIC",
            help="Only this topic (repeatable).",
            autocompletion=_complete_topics,
            show_default=False,
        ),
    ] = None,
    changed_only: Annotated[
        bool, typer.Option(help="Leave out topics whose every step is a restatement.")
    ] = False,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when anything changed, like git diff.")
    ] = False,
    quotes: Annotated[
        bool, typer.Option("--quotes/--no-quotes", help="One quote each side, in the table.")
    ] = False,
    fmt: FormatOption = Format.auto,
    data: DataOption = None,
    no_color: NoColorOption = False,
    no_pager: NoPagerOption = False,
    exact_cells: ExactCellsOption = False,
) -> None:
    """Compare every topic's position as of two dates (a year means its end)."""
    from posttrack.dataset.snapshot import load
    from posttrack.query.diff import diff as diff_dates
    from posttrack.query.diff import summary
    from posttrack.query.topics import resolve_topic

    first, second = _date(start, "DATE_A"), _date(end, "DATE_B")
    loaded = load(data)
    dataset, lines = loaded.dataset, loaded.lines
    topics = list(dict.fromkeys(resolve_topic(dataset, t).id for t in topic or []))
    changes = diff_dates(dataset, first, second, topics or None)
    if changed_only:
        changes = [c for c in changes if c.changed]
    shown = [e.position for c in changes for e in (c.before, c.after) if e is not None]
    warn_unproved(shown, lines)
    rows = [records.change_record(c, lines, dataset.state) for c in changes]
    resolved = formats.resolve_format(fmt, sys.stdout)
    told = summary(changes)
    document = {"from": first.text, "to": second.text, "changes": rows, "summary": told}
    if resolved is Format.table:
        views.write_diff_table(document, sys.stdout, no_color=no_color, quotes=quotes)
    else:
        extra = {"from": first.text, "to": second.text, "summary": told}
        listing = Listing("changes", rows, columns.DIFF_COLUMNS, extra=extra)
        formats.write_listing(
            listing, resolved, sys.stdout, no_color=no_color, exact_cells=exact_cells
        )
    if exit_code and any(c.changed for c in changes):
        raise typer.Exit(ExitStatus.NOT_FOUND)


MAX_LIMIT = 1000  # places per quote: more is no longer a citation, and SQLite takes 64 bits


def _a_number(value: float) -> float:
    if math.isnan(value):
        raise typer.BadParameter("'nan' is not a number; give a score from 0 to 100")
    return value


@app.command(
    epilog=examples(
        "posttrack cite 'common heritage'",
        "posttrack cite 'binding rules' -f json | jq .verdict",
        "posttrack cite - < quotes.txt",
    )
)
def cite(
    quote: Annotated[
        str,
        typer.Argument(metavar="QUOTE", help="The quote; - reads one quote per line from stdin."),
    ],
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[PATH]...",
            autocompletion=_complete_paths,
            help="Search these files and directories (.txt, .md) instead of the dataset's sources.",
            show_default=False,
        ),
    ] = None,
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source",
            "-s",
            metavar="SOURCE",
            help="Only this source id (repeatable).",
            autocompletion=_complete_sources,
            show_default=False,
        ),
    ] = None,
    limit: Annotated[
        int,
        typer.Option(min=1, max=MAX_LIMIT, metavar="N", help="At most this many places per quote."),
    ] = 5,
    min_score: Annotated[
        float,
        typer.Option(
            min=0,
            max=100,
            metavar="0-100",
            callback=_a_number,
            help="Claim nothing that scores below this.",
        ),
    ] = 80.0,
    as_yaml: Annotated[
        bool,
        typer.Option(
            "--yaml",
            help="Print a quote entry for positions.yaml from the best verbatim or close "
            "match: the source's own words and its location, ready to paste.",
        ),
    ] = False,
    fmt: FormatOption = Format.auto,
    data: DataOption = None,
    no_color: NoColorOption = False,
    no_pager: NoPagerOption = False,
    exact_cells: ExactCellsOption = False,
) -> None:
    """Find where a quote is in the sources: source, date, voice, line, paragraph, exact span."""
    from posttrack.dataset.snapshot import load
    from posttrack.output import terminal
    from posttrack.quotes import search
    from posttrack.quotes.corpus import files_to_search

    batch = quote == "-"
    quotes = _stdin_quotes() if batch else iter([(0, quote)])
    loaded = None if paths and data is None else load(data)
    dataset = loaded.dataset if loaded else None
    numbers: list[int] = []

    def texts() -> Iterator[str]:
        for number, text in quotes:
            numbers.append(number)
            yield text

    verdicts: set[str] = set()

    def citations() -> Iterator[Any]:
        return search.iter_citations(
            texts(),
            files_to_search(paths, source, dataset, warn=formats.warn),
            loaded.cited_by() if loaded else None,
            limit=limit,
            min_score=min_score,
            progress=lambda size: terminal.progress(size, "indexing", sys.stderr),
            warn=formats.warn,
            report_invalid=batch,
            state=dataset.state if dataset else "",
        )

    if as_yaml:
        _write_quote_entries(citations())
        return

    def results() -> Iterator[dict[str, object]]:
        found = citations()
        try:
            for cited in found:
                verdicts.add(cited.verdict)
                result = records.citation_record(cited)
                if not batch:
                    yield result
                    continue
                if cited.reason is not None:
                    formats.warn(f"line {numbers[-1]} of the input: {cited.reason}")
                yield {**result, "input_line": numbers[-1]}
        finally:
            if isinstance(found, Generator):
                found.close()  # closes the index at once, also on Ctrl-C

    views.write_citations(
        results(),
        formats.resolve_format(fmt, sys.stdout),
        sys.stdout,
        state=dataset.state if dataset else "",
        no_color=no_color,
        batch=batch,
        min_score=min_score,
        exact_cells=exact_cells,
    )
    if verdicts - search.FAITHFUL:  # altered, partial or none: not printable as a quote
        raise typer.Exit(ExitStatus.NOT_FOUND)


def _write_quote_entries(found: Iterator[Any]) -> None:
    """`cite --yaml`: each quote's entry for positions.yaml, or a warning saying why
    there is none (exit 1 when any has none)."""
    from posttrack.output.yaml_entry import citation_entry

    missing = False
    try:
        for cited in found:
            entry = citation_entry(cited)
            if entry is None:
                missing = True
                formats.warn(
                    f"no verbatim or close match for '{cited.query}' (verdict: {cited.verdict}); "
                    "run cite without --yaml to see the nearest passages"
                )
            else:
                sys.stdout.write(entry)
    finally:
        if isinstance(found, Generator):
            found.close()  # closes the index at once, also on Ctrl-C
    if missing:
        raise typer.Exit(ExitStatus.NOT_FOUND)


def _stdin_quotes() -> Iterator[tuple[int, str]]:
    """Every line of stdin with its line number, read as they come (so results
    stream): a blank line too, which is a `none` result saying why; a UsageError at
    once when stdin holds nothing at all."""
    if sys.stdin.isatty():
        pager.disable()  # the user types the quotes: a pager would take the terminal
        sys.stderr.write("posttrack: reading one quote per line until Ctrl-D\n")
    lines = ((n, line.rstrip("\r\n").strip()) for n, line in enumerate(sys.stdin, 1))
    first = next(lines, None)
    if first is None:
        raise UsageError("no quotes on stdin: give one quote per line")
    return itertools.chain([first], lines)


@app.command(epilog=examples("posttrack check", "posttrack check --data my-dataset -f json"))
def check(
    fmt: FormatOption = Format.auto,
    data: DataOption = None,
    no_color: NoColorOption = False,
    no_pager: NoPagerOption = False,
    exact_cells: ExactCellsOption = False,
) -> None:
    """Validate the dataset and prove every quote is in its source (exit 1 on problems)."""
    from posttrack.dataset.check import check_dataset

    outcome = check_dataset(data)
    problems, summary = outcome.problems, outcome.summary
    if not outcome.loaded:
        status = ExitStatus.ERROR
    else:
        status = ExitStatus.NOT_FOUND if outcome.errors else ExitStatus.OK
    resolved = formats.resolve_format(fmt, sys.stdout)
    if resolved in (Format.plain, Format.table):
        formats.write_lines([str(p) for p in problems], sys.stdout)
    else:
        rows = [records.problem_record(p) for p in problems]
        listing = Listing(
            "problems",
            rows,
            columns.PROBLEM_COLUMNS,
            extra={"ok": outcome.ok, "summary": summary},
        )
        formats.write_listing(
            listing, resolved, sys.stdout, no_color=no_color, exact_cells=exact_cells
        )
    sys.stderr.write(f"check: {escape.safe(summary)}\n")
    raise typer.Exit(status)


class By(StrEnum):
    position = "position"
    quote = "quote"


class ExportFormat(StrEnum):
    """`export`'s formats: every listing's, and a SQLite database for Datasette."""

    auto = "auto"
    table = "table"
    plain = "plain"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    md = "md"
    sqlite = "sqlite"


OutputOption = Annotated[
    Path | None,
    typer.Option(
        "-o", "--output", metavar="FILE", show_default=False, help="Write to FILE (atomically)."
    ),
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Replace FILE (and what is written beside it) if it exists.")
]


@app.command(
    epilog=examples(
        "posttrack export -f csv > positions.csv",
        "posttrack export --by quote -f jsonl",
        "posttrack export -f sqlite -o positions.db",
    )
)
def export(
    by: Annotated[
        By, typer.Option(case_sensitive=False, help="One row per position, or per quote.")
    ] = By.position,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "-f",
            "--format",
            case_sensitive=False,
            metavar="FORMAT",
            help="Any listing's format (auto, table, plain, json, jsonl, csv, tsv, md), or "
            "sqlite (with -o FILE: tables, foreign keys and full-text search, for Datasette).",
        ),
    ] = ExportFormat.auto,
    output: OutputOption = None,
    force: ForceOption = False,
    data: DataOption = None,
    no_color: NoColorOption = False,
    no_pager: NoPagerOption = False,
    exact_cells: ExactCellsOption = False,
) -> None:
    """The whole dataset flattened for spreadsheets, pandas and jq (csv, tsv, json, jsonl,
    md), or as a SQLite database (-f sqlite -o FILE) that Datasette serves as it is."""
    from posttrack.dataset.snapshot import load

    if fmt is ExportFormat.sqlite:
        if output is None:
            raise UsageError("-f sqlite writes a database file; name it with -o FILE")
        metadata = output.with_name(f"{output.stem}.metadata.json")
        textfile.refuse_to_overwrite(output, force=force)
        textfile.refuse_to_overwrite(metadata, force=force)
        loaded = load(data)
        warn_unproved(loaded.dataset.positions, loaded.lines)
        _write_database(loaded.dataset, loaded.lines, output, metadata)
        return
    if output is not None:
        raise UsageError(f"-o is for -f sqlite; write {fmt.value} with > FILE")
    loaded = load(data)
    warn_unproved(loaded.dataset.positions, loaded.lines)
    rows = records.export_records(loaded.dataset, loaded.lines, by=by.value)
    per_quote = by is By.quote
    listing = Listing(
        "quotes" if per_quote else "positions",
        rows,
        columns.EXPORT_QUOTE_COLUMNS if per_quote else columns.EXPORT_POSITION_COLUMNS,
        title=f"{loaded.dataset.title}: every {by.value}",
    )
    formats.write_listing(
        listing, Format(fmt.value), sys.stdout, no_color=no_color, exact_cells=exact_cells
    )


def _write_database(dataset: Any, lines: Any, output: Path, metadata: Path) -> None:
    """The database, then Datasette's metadata beside it; on stderr, how to serve them."""
    import json

    from posttrack.output.sqlite import datasette_metadata, write_sqlite

    write_sqlite(dataset, lines, output)
    described = datasette_metadata(dataset, output.stem)
    textfile.write_atomically(json.dumps(described, indent=2, ensure_ascii=False) + "\n", metadata)
    sys.stderr.write(
        f"export: wrote {escape.safe(str(output))} and {escape.safe(str(metadata))}; "
        f"serve them with: datasette {escape.safe(str(output))} "
        f"--metadata {escape.safe(str(metadata))}\n"
    )


class BriefFormat(StrEnum):
    md = "md"
    html = "html"


@app.command(
    epilog=examples(
        "posttrack brief binding-instrument international-law -f html -o brief.html",
        "posttrack brief ihl -o ihl.md",
        "posttrack brief --since 2021 -f md",
    )
)
def brief(
    topic: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[TOPIC]...",
            help="Topic ids, titles or aliases [default: every topic].",
            autocompletion=_complete_topics,
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option(metavar="DATE", help="Only positions from this date on.")
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Only positions known to be stated by this date's end."),
    ] = None,
    fmt: Annotated[
        BriefFormat,
        typer.Option(
            "-f",
            "--format",
            case_sensitive=False,
            metavar="FORMAT",
            help="md (Markdown with footnotes, for pandoc) or html (one self-contained page).",
        ),
    ] = BriefFormat.md,
    output: OutputOption = None,
    force: ForceOption = False,
    data: DataOption = None,
) -> None:
    """Write a brief for people: each topic's positions in date order, whose words they
    are, the curator's assessment of each step, every quote footnoted with a full
    citation, the sources, and charts; from the dataset only."""
    from posttrack.dataset.snapshot import load
    from posttrack.output import brief as briefs
    from posttrack.query.topics import resolve_topic

    start = _date(since, "--since") if since else None
    end = _date(until, "--until") if until else None
    if output is not None:
        textfile.refuse_to_overwrite(output, force=force)
    loaded = load(data)
    dataset = loaded.dataset
    chosen = list(dict.fromkeys(resolve_topic(dataset, t).id for t in topic or []))
    warn_unproved((p for p in dataset.positions if not chosen or p.topic in chosen), loaded.lines)
    made = briefs.build_brief(dataset, chosen or None, start, end)
    text = briefs.render_html(made) if fmt is BriefFormat.html else briefs.render_markdown(made)
    if output is None:
        sys.stdout.write(text)
        return
    textfile.write_atomically(text, output)
    sys.stderr.write(f"brief: wrote {escape.safe(str(output))}\n")


@app.command(
    epilog=examples(
        "posttrack schema > positions.schema.json",
        "posttrack schema | jq '.properties | keys'",
    )
)
def schema() -> None:
    """Print the JSON Schema of positions.yaml, for editors: with the line
    `# yaml-language-server: $schema=positions.schema.json` at the top of the file,
    VS Code and other editors complete keys and show errors as you type."""
    from posttrack.dataset.schema import schema_text

    sys.stdout.write(schema_text())


@app.command(epilog=examples("posttrack init india --state India"))
def init(
    directory: Annotated[
        Path,
        typer.Argument(
            metavar="DIR",
            help="The new dataset's directory (made if need be).",
            show_default=False,
        ),
    ],
    state: Annotated[
        str, typer.Option("--state", metavar="NAME", help="The state whose positions it holds.")
    ],
    title: Annotated[
        str | None,
        typer.Option(
            "--title",
            metavar="TITLE",
            help="The dataset's title [default: Stated positions of NAME].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Make a new dataset for a state, ready for its sources (it passes check)."""
    from posttrack.config import shown_path
    from posttrack.dataset.curate import init_dataset
    from posttrack.dataset.schema import schema_text

    written = init_dataset(directory, state, title=title, schema=schema_text())
    formats.write_lines([f"created {shown_path(path)}" for path in written], sys.stdout)
    sys.stderr.write(
        "init: next, add a source text: posttrack add-source FILE "
        f"--data {escape.safe(shown_path(directory))} "
        "--id ID --issued DATE --kind KIND --voice VOICE --title TITLE --author AUTHOR\n"
    )


def _text_option(name: str, metavar: str, help_text: str) -> Any:
    return typer.Option(name, metavar=metavar, help=help_text, show_default=False)


@app.command(
    "add-source",
    epilog=examples(
        "posttrack add-source statement.txt --data india --id 2024-10-08-unga-statement "
        "--issued '8 Oct 2024' --kind statement --voice primary "
        "--title 'Statement at the First Committee' --author India"
    ),
)
def add_source(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="The source's text (UTF-8), copied unchanged.",
            show_default=False,
        ),
    ],
    ident: Annotated[
        str,
        _text_option(
            "--id", "ID", "Its id, like 2024-10-08-unga-statement; the text becomes sources/ID.txt."
        ),
    ],
    issued: Annotated[
        str,
        _text_option(
            "--issued", "DATE", "When it was issued: 2024-10-08, 2024-10, 2024?, 8 Oct 2024."
        ),
    ],
    kind: Annotated[str, _text_option("--kind", "KIND", "One of " + ", ".join(KINDS) + ".")],
    voice: Annotated[str, _text_option("--voice", "VOICE", "One of " + ", ".join(VOICES) + ".")],
    title: Annotated[str, _text_option("--title", "TITLE", "The document's own title.")],
    author: Annotated[
        str,
        _text_option("--author", "AUTHOR", "Who issued it: the state, its mission, an analyst."),
    ],
    short: Annotated[
        str | None, _text_option("--short", "TEXT", "A short title for tables.")
    ] = None,
    speaker: Annotated[
        str | None, _text_option("--speaker", "NAME", "Who spoke it, for a statement.")
    ] = None,
    venue: Annotated[
        str | None, _text_option("--venue", "TEXT", "Where it was given or published.")
    ] = None,
    url: Annotated[str | None, _text_option("--url", "URL", "Where it can be read.")] = None,
    data: DataOption = None,
) -> None:
    """Copy a source's text into the dataset unchanged, record its SHA-256, and append its
    entry to positions.yaml, every other line of the file as it was."""
    from posttrack.config import ENV_VAR, find_dataset, shown_path
    from posttrack.dataset.curate import add_source as add

    if data is None and not os.environ.get(ENV_VAR):
        raise UsageError(
            "add-source changes a dataset: name it with --data DIR (or set POSTTRACK_DATA)"
        )
    dataset = find_dataset(data)
    added = add(
        dataset,
        file,
        id=ident,
        issued=issued,
        kind=kind,
        voice=voice,
        title=title,
        author=author,
        short=short,
        speaker=speaker,
        venue=venue,
        url=url,
    )
    formats.write_lines(
        [
            f"added {shown_path(added.path)} (sha256 {added.sha256})",
            f"entry at {shown_path(dataset)}:{added.line}",
        ],
        sys.stdout,
    )


class Shell(StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


@app.command(
    epilog=examples(
        "posttrack completion bash > ~/.local/share/bash-completion/completions/posttrack",
        "posttrack completion zsh > ~/.zfunc/_posttrack",
        "posttrack completion fish > ~/.config/fish/completions/posttrack.fish",
    )
)
def completion(
    shell: Annotated[Shell, typer.Argument(metavar="SHELL", help="bash, zsh or fish.")],
) -> None:
    """Print the shell's completion script: commands, options, formats, topic ids and
    aliases, source ids and --data paths complete with Tab."""
    from typer._completion_shared import get_completion_script

    script = get_completion_script(prog_name="posttrack", complete_var=COMPLETE_VAR, shell=shell)
    formats.write_lines(script.split("\n"), sys.stdout)


def _click_exceptions() -> tuple[type[Exception], type[BaseException]]:
    """Click's usage-error base and Abort, through typer's public names only
    (typer vendors click from 0.25 on; BadParameter is a ClickException)."""
    usage = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
    return usage, typer.Abort


def main(argv: list[str] | None = None) -> int:
    """Run posttrack; return its exit status (the console script exits with it)."""
    if sys.stderr is None:  # started with stderr closed: messages go nowhere
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stdout is None:  # started with stdout closed (`posttrack topics >&-`)
        formats.error_line("standard output is closed; nothing can be written")
        return ExitStatus.ERROR
    _never_unencodable()
    click_error, click_abort = _click_exceptions()
    args = sys.argv[1:] if argv is None else argv
    _options.debug = False
    if os.environ.get(COMPLETE_VAR):  # a shell asking what may follow: typer answers
        # (its completion classes, registered only now: no cost to an ordinary run)
        from typer._completion_classes import completion_init

        completion_init()
    # help drawn in boxes on a terminal; plain, with no padding, for a pager or a pipe
    app.rich_markup_mode = "rich" if _is_terminal(sys.stdout) else None
    try:
        command = typer.main.get_command(_app_for(args))
        _metavars_as_written(command)
        # long output through the user's pager on a terminal, as git's; not for a
        # shell asking for completions
        with pager.paged(enabled=not os.environ.get(COMPLETE_VAR)):
            result = command.main(args=args, prog_name="posttrack", standalone_mode=False)
    except DataError as error:
        for problem in error.problems:
            formats.error_line(str(problem))
        return error.exit_status
    except PosttrackError as error:
        formats.error_line(str(error))
        return error.exit_status
    except click_error as error:
        message = getattr(error, "format_message", error.__str__)()
        if type(error).__name__ == "NoArgsIsHelpError":  # a bare `posttrack`: its help
            formats.write_lines(message.rstrip("\n").split("\n"), sys.stdout)
            return ExitStatus.ERROR
        if message.strip():  # empty for a bare `posttrack`: the help is already shown
            # the help of the command whose option or argument was wrong
            where = getattr(getattr(error, "ctx", None), "command_path", None) or "posttrack"
            formats.error_line(f"{message} (see '{where} --help')")
        return ExitStatus.ERROR
    except (click_abort, KeyboardInterrupt):
        return ExitStatus.INTERRUPTED
    except OSError as error:
        if error.filename is not None:  # an error with a file: reading, not our output
            name = os.fsdecode(error.filename)
            formats.error_line(f"cannot read '{name}': {error.strerror or error}")
            return ExitStatus.ERROR
        if error.errno not in _WRITE_ERRORS:
            return _internal(error)
        formats.error_line(f"cannot write the output: {error.strerror}")
        return ExitStatus.ERROR
    except Exception as error:
        return _internal(error)
    return result if isinstance(result, int) else ExitStatus.OK


def _app_for(args: list[str]) -> typer.Typer:
    """The app with only the command the arguments name, when they name one: typer
    builds every command's options on every run (9 ms for twelve commands, 1 ms for
    one). Help, an unknown command and a shell's completion get the whole app."""
    if os.environ.get(COMPLETE_VAR):
        return app
    # the root options are flags, so the first word that is not one names the command
    first = next((arg for arg in args if not arg.startswith("-")), None)
    for info in app.registered_commands:
        name = info.name or (info.callback.__name__.replace("_", "-") if info.callback else "")
        if name == first:
            lean = copy.copy(app)
            lean.registered_commands = [info]
            return lean
    return app


def _metavars_as_written(command: Any) -> None:
    """Usage lines name arguments as their metavars say (`TOPIC`, `[PATH]...`), not as
    typer dresses a required one (`{TOPIC}`)."""
    for sub in getattr(command, "commands", {}).values():
        for param in sub.params:
            if param.param_type_name == "argument" and param.metavar:
                param.make_metavar = lambda *args, _m=param.metavar, **kwargs: _m


def _is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def _never_unencodable() -> None:
    """Machine output is UTF-8 whatever the locale (a pipe or a file is read by a
    program); on a terminal that cannot show a character, it is shown escaped."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        reconfigure = getattr(stream, "reconfigure", None)
        if encoding == "utf8" or reconfigure is None:
            continue
        if stream is sys.stdout and not stream.isatty():
            reconfigure(encoding="utf-8")
        else:
            reconfigure(errors="backslashreplace")


# the output could not be written: a full disk or quota, a device error
_WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


def _internal(error: Exception) -> int:
    if _options.debug:
        import traceback

        traceback.print_exception(error, file=sys.stderr)
    formats.error_line(
        f"internal error: {type(error).__name__}: {error}; "
        + (
            "please report it with the traceback above"
            if _options.debug
            else "run again with --debug for the traceback, and please report it"
        )
    )
    return ExitStatus.INTERNAL


def run() -> None:
    """Console-script entry point (through posttrack.console, which makes start-up
    Ctrl-C quiet)."""
    if hasattr(signal, "SIGPIPE"):
        # `posttrack ... | head`: end quietly like other Unix tools (status 141)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    from posttrack import config

    config.FREEZE_DECODED = True  # the process ends with the command: see dataset/codec.py
    status = main()
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except OSError as error:  # a full disk, say: the output is not all there
        formats.error_line(f"cannot write the output: {error.strerror}")
        status = ExitStatus.ERROR
    except KeyboardInterrupt:
        status = ExitStatus.INTERRUPTED
    sys.stderr.flush()
    # Everything is written and closed (the cite index commits and closes itself):
    # skip the interpreter's teardown, which frees every object one at a time, to
    # no purpose (22 ms with 10,000 positions loaded).
    os._exit(status)
