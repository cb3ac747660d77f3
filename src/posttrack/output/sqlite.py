"""The dataset as one SQLite file, in the shape Datasette serves as a website and
JSON API as it is: a table per kind of thing, with primary and foreign keys,
full-text indexes Datasette finds by name (`quotes_fts`, `positions_fts`), and
a metadata document (titles, descriptions, licence, source links) for
`datasette positions.db --metadata metadata.json`.

The file is written whole or not at all: built under a temporary name beside
the target, then renamed over it, so a reader never sees half a database and
an interrupted or failed write leaves the target as it was. A symbolic link at
the target is replaced, its target left alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from posttrack.errors import PosttrackError
from posttrack.model import STEP_KINDS, Dataset, Quote, Source, Topic
from posttrack.output.citations import bibliography, note, short_note
from posttrack.output.records import quote_said_by
from posttrack.textfile import sync_directory

if TYPE_CHECKING:
    import sqlite3

    from posttrack.query.timeline import Entry

# one statement each; a table's column order is the order Datasette shows
SCHEMA = (
    """CREATE TABLE dataset (
        title TEXT NOT NULL,
        state TEXT NOT NULL,
        edition TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        description TEXT
    )""",
    """CREATE TABLE topics (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        aliases TEXT NOT NULL,
        positions INTEGER NOT NULL,
        first TEXT,
        last TEXT,
        ordinal INTEGER NOT NULL
    )""",
    """CREATE TABLE scale_levels (
        topic TEXT NOT NULL REFERENCES topics(id),
        level INTEGER NOT NULL,
        label TEXT NOT NULL,
        PRIMARY KEY (topic, level)
    )""",
    """CREATE TABLE sources (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        short TEXT NOT NULL,
        date TEXT NOT NULL,
        date_start TEXT NOT NULL,
        date_end TEXT NOT NULL,
        date_precision TEXT NOT NULL,
        date_qualifier TEXT NOT NULL,
        kind TEXT NOT NULL,
        voice TEXT NOT NULL,
        author TEXT NOT NULL,
        speaker TEXT,
        venue TEXT,
        url TEXT,
        symbol TEXT,
        citation TEXT NOT NULL,
        short_citation TEXT NOT NULL,
        bibliography TEXT NOT NULL,
        note TEXT,
        path TEXT NOT NULL,
        positions INTEGER NOT NULL
    )""",
    """CREATE TABLE step_kinds (
        kind TEXT PRIMARY KEY,
        meaning TEXT NOT NULL
    )""",
    """CREATE TABLE positions (
        id INTEGER PRIMARY KEY,
        topic TEXT NOT NULL REFERENCES topics(id),
        date TEXT NOT NULL,
        date_start TEXT NOT NULL,
        date_end TEXT NOT NULL,
        date_precision TEXT NOT NULL,
        date_qualifier TEXT NOT NULL,
        source TEXT NOT NULL REFERENCES sources(id),
        voice TEXT NOT NULL,
        kind TEXT NOT NULL,
        stance TEXT NOT NULL,
        level INTEGER,
        level_label TEXT,
        shift TEXT NOT NULL,
        summary TEXT NOT NULL,
        original TEXT,
        note TEXT,
        said_by TEXT,
        citation TEXT NOT NULL,
        source_url TEXT,
        previous INTEGER REFERENCES positions(id),
        line INTEGER,
        FOREIGN KEY (topic, level) REFERENCES scale_levels(topic, level)
    )""",
    """CREATE TABLE assessments (
        position INTEGER PRIMARY KEY REFERENCES positions(id),
        kind TEXT NOT NULL REFERENCES step_kinds(kind),
        note TEXT NOT NULL,
        after TEXT NOT NULL REFERENCES sources(id),
        current INTEGER NOT NULL,
        line INTEGER
    )""",
    """CREATE TABLE quotes (
        id INTEGER PRIMARY KEY,
        position INTEGER NOT NULL REFERENCES positions(id),
        topic TEXT NOT NULL REFERENCES topics(id),
        source TEXT NOT NULL REFERENCES sources(id),
        ordinal INTEGER NOT NULL,
        text TEXT NOT NULL,
        location TEXT NOT NULL,
        source_line INTEGER,
        said_by TEXT NOT NULL,
        citation TEXT NOT NULL,
        source_url TEXT
    )""",
    "CREATE INDEX positions_topic ON positions(topic)",
    "CREATE INDEX positions_source ON positions(source)",
    "CREATE INDEX quotes_position ON quotes(position)",
    "CREATE INDEX quotes_source ON quotes(source)",
    # external-content full-text indexes: Datasette finds one by `content=[table]`
    # in its SQL and offers a search box and `?_search=` on that table
    "CREATE VIRTUAL TABLE quotes_fts USING fts5(text, content=[quotes], content_rowid=[id])",
    "CREATE VIRTUAL TABLE positions_fts USING fts5("
    "stance, summary, content=[positions], content_rowid=[id])",
)


class WriteError(PosttrackError):
    """The database could not be written; the target is as it was."""


def write_sqlite(dataset: Dataset, lines: dict[Quote, int | None], target: Path) -> None:
    """Write the dataset to `target` as SQLite, replacing what is there at once."""
    import sqlite3

    temporary = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    done = False
    try:
        # created by this process alone (O_EXCL), with the mode any new file gets
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        connection = sqlite3.connect(temporary, isolation_level=None)
        try:
            # no journal: a failed build is thrown away whole, never rolled back
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute("BEGIN")
            _fill(connection, dataset, lines)
            connection.execute("COMMIT")
        finally:
            connection.close()
        with open(temporary, "rb+") as written:  # on disk before it takes the name
            os.fsync(written.fileno())
        # rename replaces the directory entry: a symbolic link, not what it points to
        os.replace(temporary, target)
        done = True
        sync_directory(target.parent)
    except OSError as error:
        reason = error.strerror or str(error)
        raise WriteError(f"cannot write '{target}': {reason}") from None
    except sqlite3.Error as error:
        raise WriteError(f"cannot write '{target}': {error}") from None
    finally:
        if not done:  # also on Ctrl-C
            with contextlib.suppress(OSError):
                temporary.unlink()


def _fill(db: sqlite3.Connection, dataset: Dataset, lines: dict[Quote, int | None]) -> None:
    from posttrack.query.timeline import history, source_positions

    for statement in SCHEMA:
        db.execute(statement)
    db.execute(
        "INSERT INTO dataset VALUES (?, ?, ?, ?, ?)",
        (
            dataset.title,
            dataset.state,
            dataset.edition,
            dataset.digest,
            dataset.description or None,
        ),
    )
    db.executemany("INSERT INTO step_kinds VALUES (?, ?)", STEP_KINDS.items())
    db.executemany(
        "INSERT INTO sources VALUES (" + ", ".join("?" * 21) + ")",
        [_source_row(source, count) for source, count in source_positions(dataset)],
    )
    position_id: dict[int, int] = {}  # id(Position) -> its row
    quote_id = 0
    for ordinal, topic in enumerate(dataset.topics.values(), 1):
        entries = history(dataset, topic.id)
        first = entries[0].position.date.text if entries else None
        last = max((e.position.date for e in entries), key=lambda d: d.key) if entries else None
        db.execute(
            "INSERT INTO topics VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                topic.id,
                topic.title,
                topic.description,
                json.dumps(list(topic.aliases), ensure_ascii=False),
                len(entries),
                first,
                last.text if last else None,
                ordinal,
            ),
        )
        db.executemany(
            "INSERT INTO scale_levels VALUES (?, ?, ?)",
            [(topic.id, step.level, step.label) for step in topic.scale],
        )
        for entry in entries:
            position, source = entry.position, entry.source
            row = len(position_id) + 1
            position_id[id(position)] = row
            previous = position_id[id(entry.before)] if entry.before is not None else None
            db.execute(
                "INSERT INTO positions VALUES (" + ", ".join("?" * 22) + ")",
                _position_row(row, entry, topic, dataset.state, previous),
            )
            if position.assessment is not None:
                step = position.assessment
                db.execute(
                    "INSERT INTO assessments VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        row,
                        step.kind,
                        step.note,
                        step.after,
                        int(entry.assessment_current),
                        step.line or None,
                    ),
                )
            for number, quote in enumerate(position.quotes, 1):
                quote_id += 1
                db.execute(
                    "INSERT INTO quotes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        quote_id,
                        row,
                        topic.id,
                        source.id,
                        number,
                        quote.text,
                        quote.where,
                        lines.get(quote),
                        quote_said_by(source, quote, dataset.state),
                        note(source, quote.where),
                        source.url,
                    ),
                )
    db.execute("INSERT INTO quotes_fts(quotes_fts) VALUES ('rebuild')")
    db.execute("INSERT INTO positions_fts(positions_fts) VALUES ('rebuild')")


def _source_row(source: Source, positions: int) -> tuple[Any, ...]:
    date = source.issued
    return (
        source.id,
        source.title,
        source.short,
        date.text,
        date.start.isoformat(),
        date.end.isoformat(),
        date.precision,
        date.qualifier,
        source.kind,
        source.voice,
        source.author,
        source.speaker,
        source.venue or None,
        source.url,
        source.symbol,
        note(source),
        short_note(source),
        bibliography(source),
        source.note,
        source.path,
        positions,
    )


def _position_row(
    row: int, entry: Entry, topic: Topic, state: str, previous: int | None
) -> tuple[Any, ...]:
    position, source, date = entry.position, entry.source, entry.position.date
    return (
        row,
        position.topic,
        date.text,
        date.start.isoformat(),
        date.end.isoformat(),
        date.precision,
        date.qualifier,
        source.id,
        source.voice,
        source.kind,
        position.stance,
        position.level,
        topic.level_label(position.level),
        entry.shift,
        position.summary,
        position.original,
        position.note,
        state or None,
        note(source),
        source.url,
        previous,
        position.line or None,
    )


# --- Datasette's metadata -------------------------------------------------------------

_DATE_COLUMNS = {
    "date": "The date as the dataset writes it: YYYY, YYYY-MM or YYYY-MM-DD, "
    "then ? (uncertain) or ~ (approximate)",
    "date_start": "First day of the period the date covers (ISO 8601)",
    "date_end": "Last day of the period the date covers (ISO 8601)",
    "date_precision": "year, month or day",
    "date_qualifier": "empty (certain), uncertain (?) or approximate (~)",
}
_TABLES: dict[str, dict[str, Any]] = {
    "dataset": {
        "description": "What this dataset is: its title, edition and the SHA-256 of "
        "the positions.yaml it was made from (first 12 hex digits).",
        "columns": {
            "state": "The state whose positions these are",
            "edition": "The dataset's edition",
            "sha256": "SHA-256 of positions.yaml, first 12 hex digits",
            "description": "What the dataset covers, and what it does not",
        },
    },
    "topics": {
        "description": "The subjects positions are tracked on.",
        "label_column": "title",
        "sort": "ordinal",
        "columns": {
            "id": "The topic's id, as posttrack's commands take it",
            "aliases": "Other names for the topic (a JSON array)",
            "positions": "How many positions the dataset has on it",
            "first": "Date of its first position",
            "last": "Date of its latest position",
            "ordinal": "The topic's place in the dataset",
        },
    },
    "scale_levels": {
        "description": "A topic's ordered stance scale, where it has one: "
        "a higher level is a stronger position.",
        "columns": {"level": "Higher is stronger", "label": "What the level means"},
    },
    "sources": {
        "description": "The documents the dataset quotes. Voice says whose words a "
        "source holds: primary (the state's own), reported (its office reporting "
        "them) or secondary (someone else's account).",
        "label_column": "short",
        "sort": "date_start",
        "facets": ["kind", "voice"],
        "columns": {
            "id": "The source's id",
            "title": "Full title",
            "short": "Short title",
            **{
                key: f"Date issued: {text[0].lower()}{text[1:]}"
                for key, text in _DATE_COLUMNS.items()
            },
            "kind": "working-paper, submission, statement, press-release or analysis",
            "voice": "primary (the state's own words), reported (its office "
            "reporting them) or secondary (someone else's account)",
            "author": "Who issued or wrote it, as the dataset writes it",
            "speaker": "Who spoke, with their office, for a statement or a press release",
            "venue": "Where it was given or published",
            "url": "Where the document is published, where known",
            "symbol": "UN document symbol, where it has one",
            "citation": "Full note, Chicago notes-bibliography style",
            "short_citation": "Short note, for a source cited again",
            "bibliography": "Bibliography entry, Chicago style",
            "note": "The curator's note on the source (its date, its nature)",
            "path": "Its text file, relative to the dataset",
            "positions": "How many positions quote it",
        },
    },
    "positions": {
        "description": "What the state said on a topic, as of a date, with the "
        "source that proves it. Stance and summary are the curator's words; the "
        "quotes are the source's.",
        "label_column": "stance",
        "sort": "date_start",
        "facets": ["topic", "voice", "shift"],
        "columns": {
            "id": "The position's row; topic by topic, in date order",
            "topic": "The topic",
            **_DATE_COLUMNS,
            "source": "The source that states it",
            "voice": "Whose words the source holds: primary, reported or secondary",
            "kind": "The source's kind",
            "stance": "The position in a few words (the curator's)",
            "level": "Its level on the topic's scale, where the topic has one",
            "level_label": "What that level means",
            "shift": "How it differs from the topic's position before it: first, "
            "same, stronger, weaker or changed",
            "summary": "One or two sentences (the curator's)",
            "original": "The earlier document a secondary source reports",
            "note": "The curator's note, such as why the date is what it is",
            "said_by": "Whose position it is",
            "citation": "Full note for its source, Chicago style",
            "source_url": "Where the source is published, where known",
            "previous": "The topic's position before this one",
            "line": "Where it is written in positions.yaml",
        },
    },
    "assessments": {
        "description": "The curator's reading of each step from a topic's position to the next.",
        "facets": ["kind", "current"],
        "columns": {
            "position": "The position the step leads to",
            "kind": "The kind of step (see step_kinds)",
            "note": "Why, in one line grounded in both positions' quotes",
            "after": "The source of the position before, when the step was assessed",
            "current": "1 if that is still the position before; 0 if a position "
            "was since re-dated or inserted",
            "line": "Where it is written in positions.yaml",
        },
    },
    "step_kinds": {
        "description": "The vocabulary of assessments: what each kind of step means.",
        "label_column": "kind",
    },
    "quotes": {
        "description": "Verbatim words from the sources, each at the place the "
        "document itself numbers. Search them with the search box.",
        "label_column": "text",
        "fts_table": "quotes_fts",
        "fts_pk": "id",
        "facets": ["topic", "source", "said_by"],
        "columns": {
            "position": "The position the quote supports",
            "topic": "The position's topic",
            "source": "The source it is from",
            "ordinal": "Its place among the position's quotes",
            "text": "The words, verbatim",
            "location": "Where in the document, as it numbers it: para 24, "
            "unnumbered para 3, a section (the JSON contract's `where`)",
            "source_line": "Line of the source's text file where it starts",
            "said_by": "Whose words they are: the state's, or others' the source reports",
            "citation": "Full note at this location, Chicago style",
            "source_url": "Where the source is published, where known",
        },
    },
    "positions_fts": {"hidden": True},
    "quotes_fts": {"hidden": True},
}


def datasette_metadata(dataset: Dataset, database: str = "positions") -> dict[str, Any]:
    """Datasette's metadata for the database: titles, descriptions of every table
    and column, the licence and where the data comes from. `database` is the name
    Datasette gives the file: its name without `.db`."""
    description = dataset.description or (
        f"{dataset.title}: every position with its verbatim quotes and sources."
    )
    return {
        "title": dataset.title,
        "description": description,
        # LICENSE and pyproject license the repository, dataset included, under
        # MIT; the source documents are third parties' (data/sources/README.md)
        "license": "Dataset: MIT; quoted texts: as published by their authors",
        "source": f"posttrack dataset, edition {dataset.edition}, "
        f"positions.yaml sha256 {dataset.digest}",
        "databases": {
            database: {
                "title": dataset.title,
                "description": description,
                "tables": json.loads(json.dumps(_TABLES)),  # a copy the caller may change
            }
        },
    }
