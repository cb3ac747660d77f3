"""The command line: parse, call the core, render, map errors to exit codes."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Annotated

import typer

from posttrack import records, render
from posttrack.errors import DataError, ExitStatus, PosttrackError
from posttrack.render import Format, Listing

app = typer.Typer(
    name="posttrack",
    help="What a state has said, topic by topic, over time, proved by verbatim quotes.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

FormatOption = Annotated[
    Format,
    typer.Option(
        "-f",
        "--format",
        case_sensitive=False,
        help="Output format; auto is a table on a terminal and plain text in a pipe.",
    ),
]
DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        metavar="PATH",
        show_default=False,
        help="Dataset directory or its positions.yaml "
        "[default: $POSTTRACK_DATA, else the shipped dataset].",
    ),
]
NoColorOption = Annotated[bool, typer.Option("--no-color", help="No colour, even on a terminal.")]


def _version(value: bool) -> None:
    if not value:
        return
    from importlib.metadata import version

    from posttrack.load import load_dataset

    line = f"posttrack {version('posttrack')}"
    try:
        dataset = load_dataset()
    except PosttrackError as error:
        line += f" (dataset unreadable: {error})"
    else:
        edition = f", edition {dataset.edition}" if dataset.edition else ""
        line += f" (dataset: {dataset.title}{edition}, sha256 {dataset.digest})"
    render.write_lines([line], sys.stdout)
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
) -> None:
    """What a state has said, topic by topic, over time, proved by verbatim quotes."""


@app.command()
def topics(
    fmt: FormatOption = Format.auto, data: DataOption = None, no_color: NoColorOption = False
) -> None:
    """List the topics with their position counts and first and last dates."""
    from posttrack.load import load_dataset
    from posttrack.timeline import topic_summaries

    dataset = load_dataset(data)
    rows = [records.topic_record(s) for s in topic_summaries(dataset)]
    listing = Listing(
        "topics",
        rows,
        render.TOPIC_COLUMNS,
        title=f"Topics: {dataset.title}",
        caption=render.DATE_CAPTION,
    )
    render.write_listing(listing, fmt, sys.stdout, no_color=no_color)


@app.command()
def sources(
    fmt: FormatOption = Format.auto, data: DataOption = None, no_color: NoColorOption = False
) -> None:
    """List the source documents with their date, kind and voice."""
    from posttrack.load import load_dataset
    from posttrack.timeline import source_positions

    dataset = load_dataset(data)
    rows = [records.source_record(s, n) for s, n in source_positions(dataset)]
    listing = Listing(
        "sources",
        rows,
        render.SOURCE_COLUMNS,
        title=f"Sources: {dataset.title}",
        caption=render.DATE_CAPTION,
    )
    render.write_listing(listing, fmt, sys.stdout, no_color=no_color)


@app.command()
def check(
    fmt: FormatOption = Format.auto, data: DataOption = None, no_color: NoColorOption = False
) -> None:
    """Validate the dataset and prove every quote is in its source (exit 1 on problems)."""
    from posttrack.check import run_check
    from posttrack.load import load_dataset

    try:
        dataset = load_dataset(data)
    except DataError as error:
        problems, status, summary = error.problems, ExitStatus.ERROR, "the dataset does not load"
    else:
        problems = list(run_check(dataset))
        errors = sum(p.severity == "error" for p in problems)
        quotes = sum(len(p.quotes) for p in dataset.positions)
        status = ExitStatus.NOT_FOUND if errors else ExitStatus.OK
        summary = (
            f"{len(dataset.positions)} positions, {quotes} quotes, "
            f"{len(dataset.sources)} sources, {len(dataset.topics)} topics: "
            + (f"{errors} problem(s)" if errors else "every quote found in its source")
        )
    errors = sum(p.severity == "error" for p in problems)
    resolved = render.resolve(fmt, sys.stdout)
    if resolved in (Format.plain, Format.table):
        render.write_lines([str(p) for p in problems], sys.stdout)
    else:
        rows = [records.problem_record(p) for p in problems]
        listing = Listing(
            "problems", rows, render.PROBLEM_COLUMNS, extra={"ok": errors == 0, "summary": summary}
        )
        render.write_listing(listing, resolved, sys.stdout, no_color=no_color)
    sys.stderr.write(f"check: {render.safe(summary)}\n")
    raise typer.Exit(status)


def _click_exceptions() -> tuple[type[Exception], type[BaseException]]:
    """Click's usage-error base and Abort, through typer's public names only
    (typer vendors click from 0.25 on; BadParameter is a ClickException)."""
    usage = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
    return usage, typer.Abort


def main(argv: list[str] | None = None) -> int:
    """Run posttrack; return its exit status (the console script exits with it)."""
    click_error, click_abort = _click_exceptions()
    args = sys.argv[1:] if argv is None else argv
    try:
        command = typer.main.get_command(app)
        result = command.main(args=args, prog_name="posttrack", standalone_mode=False)
    except DataError as error:
        for problem in error.problems:
            render.error_line(str(problem))
        return error.exit_status
    except PosttrackError as error:
        render.error_line(str(error))
        return error.exit_status
    except click_error as error:
        message = getattr(error, "format_message", error.__str__)()
        render.error_line(f"{message} (see 'posttrack --help')")
        return ExitStatus.ERROR
    except click_abort:
        return ExitStatus.INTERRUPTED
    except Exception as error:
        if "--debug" in args:
            raise
        render.error_line(
            f"internal error: {type(error).__name__}: {error}; "
            "run again with --debug for the traceback, and please report it"
        )
        return ExitStatus.INTERNAL
    return result if isinstance(result, int) else ExitStatus.OK


def run() -> None:
    """Console-script entry point."""
    if hasattr(signal, "SIGPIPE"):
        # `posttrack ... | head`: end quietly like other Unix tools (status 141)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
