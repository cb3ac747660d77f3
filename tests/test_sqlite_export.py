"""The dataset as SQLite for Datasette: tables with keys that hold, full-text search
Datasette finds, metadata it serves, and a file written whole or not at all."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest

from conftest import MINI, SHIPPED
from posttrack.dataset.snapshot import load
from posttrack.errors import ExitStatus, PosttrackError
from posttrack.model import Dataset, Quote
from posttrack.output import sqlite as export
from posttrack.output.records import export_records
from posttrack.output.sqlite import datasette_metadata, write_sqlite

TABLES = {
    "dataset",
    "topics",
    "scale_levels",
    "sources",
    "step_kinds",
    "positions",
    "assessments",
    "quotes",
}


def _loaded(data: Path) -> tuple[Dataset, dict[Quote, int | None]]:
    snapshot = load(data)
    return snapshot.dataset, snapshot.lines


def _written(tmp_path: Path, data: Path = SHIPPED, name: str = "positions.db") -> Path:
    target = tmp_path / name
    write_sqlite(*_loaded(data), target)
    return target


def _rows(db: Path, sql: str, *params: object) -> list[dict[str, Any]]:
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute(sql, params)]


@pytest.fixture(scope="module")
def shipped_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # made before the autouse fixture runs: keep its cache out of the user's
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POSTTRACK_CACHE", str(tmp_path_factory.mktemp("cache")))
        return _written(tmp_path_factory.mktemp("db"))


def test_tables_keys_and_foreign_keys_hold(shipped_db: Path) -> None:
    names = {
        r["name"] for r in _rows(shipped_db, "SELECT name FROM sqlite_master WHERE type='table'")
    }
    assert names >= TABLES
    with sqlite3.connect(shipped_db) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        references = {
            (table, row[3], row[2])
            for table in TABLES
            for row in connection.execute(f"PRAGMA foreign_key_list({table})")
        }
    assert {
        ("positions", "topic", "topics"),
        ("positions", "source", "sources"),
        ("positions", "level", "scale_levels"),
        ("positions", "previous", "positions"),
        ("quotes", "position", "positions"),
        ("quotes", "source", "sources"),
        ("assessments", "position", "positions"),
        ("assessments", "after", "sources"),
        ("assessments", "kind", "step_kinds"),
        ("scale_levels", "topic", "topics"),
    } <= references
    types = {r["name"]: r["type"] for r in _rows(shipped_db, "PRAGMA table_info(positions)")}
    assert (types["id"], types["level"], types["date_start"], types["stance"]) == (
        "INTEGER",
        "INTEGER",
        "TEXT",
        "TEXT",
    )
    keys = {r["name"] for r in _rows(shipped_db, "PRAGMA table_info(quotes)") if r["pk"]}
    assert keys == {"id"}


def test_every_position_quote_and_assessment_is_there(shipped_db: Path) -> None:
    dataset, lines = _loaded(SHIPPED)
    expected = export_records(dataset, lines, by="position")
    positions = _rows(shipped_db, "SELECT * FROM positions ORDER BY id")
    assert len(positions) == len(dataset.positions)
    # the rows say what `export` says, in its order: topic by topic, in date order
    keys = ("topic", "date", "date_start", "date_end", "source", "stance", "level", "level_label")
    keys += ("summary", "citation", "said_by", "voice", "date_qualifier")
    assert [{k: r[k] for k in keys} for r in positions] == [
        {k: r[k] for k in keys} for r in expected
    ]
    quotes = _rows(shipped_db, "SELECT * FROM quotes ORDER BY id")
    assert [(q["text"], q["location"], q["source_line"], q["citation"]) for q in quotes] == [
        (q["quote"], q["where"], q["line"], q["quote_citation"])
        for r in expected
        for q in r["quotes"]
    ]
    assessed = [p for p in dataset.positions if p.assessment is not None]
    assert len(_rows(shipped_db, "SELECT * FROM assessments")) == len(assessed)
    assert len(_rows(shipped_db, "SELECT * FROM sources")) == len(dataset.sources)
    levels = sum(len(t.scale) for t in dataset.topics.values())
    assert len(_rows(shipped_db, "SELECT * FROM scale_levels")) == levels


def test_a_topics_history_links_each_position_to_the_one_before(shipped_db: Path) -> None:
    rows = _rows(
        shipped_db, "SELECT id, previous, shift FROM positions WHERE topic = ? ORDER BY id", "ihl"
    )
    assert rows[0]["previous"] is None
    assert rows[0]["shift"] == "first"
    assert [r["previous"] for r in rows[1:]] == [r["id"] for r in rows[:-1]]


def test_quotes_are_searchable_by_their_words(shipped_db: Path) -> None:
    found = _rows(
        shipped_db,
        "SELECT quotes.text FROM quotes JOIN quotes_fts ON quotes_fts.rowid = quotes.id "
        "WHERE quotes_fts MATCH ?",
        '"common heritage"',
    )
    every = _rows(shipped_db, "SELECT text FROM quotes")
    assert found
    assert sorted(r["text"] for r in found) == sorted(
        r["text"] for r in every if "common heritage" in r["text"].lower()
    )


def test_metadata_describes_every_table_and_only_real_columns(shipped_db: Path) -> None:
    dataset, _ = _loaded(SHIPPED)
    metadata = datasette_metadata(dataset, "shipped")
    assert metadata["title"] == dataset.title
    assert metadata["description"] == dataset.description
    assert "MIT" in metadata["license"]
    assert dataset.digest in metadata["source"]
    tables = metadata["databases"]["shipped"]["tables"]
    for table in TABLES:
        columns = {r["name"] for r in _rows(shipped_db, f"PRAGMA table_info({table})")}
        described = tables[table].get("columns", {})
        assert set(described) <= columns, table
        assert tables[table]["description"]
        label = tables[table].get("label_column")
        assert label is None or label in columns
    for table in ("sources", "positions", "assessments", "quotes"):
        columns = {r["name"] for r in _rows(shipped_db, f"PRAGMA table_info({table})")}
        assert columns - {"id", "title"} <= set(tables[table]["columns"]), table
    assert datasette_metadata(dataset)["databases"].keys() == {"positions"}


def _datasette(db: Path, metadata: dict[str, Any], *paths: str) -> list[Any]:
    """What Datasette answers for each path, served in-process as `datasette db`."""
    from datasette.app import Datasette

    async def ask() -> list[Any]:
        datasette = Datasette([str(db)], metadata=metadata)
        await datasette.invoke_startup()
        answers = []
        for path in paths:
            response = await datasette.client.get(path)
            assert response.status_code == 200, (path, response.text[:300])
            answers.append(response.json() if ".json" in path else response.text)
        return answers

    return asyncio.run(ask())


def test_datasette_serves_a_topic_and_searches_quotes(tmp_path: Path) -> None:
    db = _written(tmp_path, MINI, "mini.db")
    dataset, _ = _loaded(MINI)
    positions, found, page, about = _datasette(
        db,
        datasette_metadata(dataset, "mini"),
        "/mini/positions.json?topic=binding-instrument&_shape=array",
        f"/mini/quotes.json?_search={quote_plus('legally binding')}&_shape=array",
        "/mini/quotes",
        "/-/metadata.json",
    )
    history = dataset.positions_for("binding-instrument")
    assert [(p["source"], p["date"], p["stance"], p["level"]) for p in positions] == [
        (p.source, p.date.text, p.stance, p.level) for p in history
    ]
    assert [q["text"] for q in found] == [
        q.text for p in dataset.positions for q in p.quotes if "legally binding" in q.text
    ]
    assert "Verbatim words from the sources" in page  # the table's description
    assert about["databases"]["mini"]["tables"]["quotes"]["fts_table"] == "quotes_fts"


# --- written whole or not at all ------------------------------------------------------


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_an_existing_file_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.db"
    target.write_text("the user's old file", encoding="utf-8")
    dataset, lines = _loaded(MINI)
    write_sqlite(dataset, lines, target)
    assert _rows(target, "SELECT count(*) AS n FROM positions") == [{"n": len(dataset.positions)}]
    assert _leftovers(tmp_path) == []


def test_a_symbolic_link_is_replaced_and_its_target_left_alone(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not ours", encoding="utf-8")
    target = tmp_path / "out.db"
    target.symlink_to(elsewhere)
    write_sqlite(*_loaded(MINI), target)
    assert not target.is_symlink()
    assert elsewhere.read_text(encoding="utf-8") == "not ours"
    assert _rows(target, "SELECT count(*) AS n FROM topics") == [{"n": 2}]


@pytest.mark.parametrize("stop", [RuntimeError("a bug"), KeyboardInterrupt()])
def test_a_write_that_stops_leaves_the_target_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop: BaseException
) -> None:
    target = tmp_path / "out.db"
    target.write_text("the user's old file", encoding="utf-8")
    dataset, lines = _loaded(MINI)

    def fails(*_: object) -> str:
        raise stop

    # the citations are written after the tables are made and half filled
    monkeypatch.setattr(export, "quote_said_by", fails)
    with pytest.raises(type(stop)):
        write_sqlite(dataset, lines, target)
    assert target.read_text(encoding="utf-8") == "the user's old file"
    assert _leftovers(tmp_path) == []


_LIMITED = """
import resource, signal, sys
from pathlib import Path
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
from posttrack.dataset.snapshot import load
from posttrack.errors import PosttrackError
from posttrack.output.sqlite import write_sqlite
snapshot = load(sys.argv[1])
dataset, lines = snapshot.dataset, snapshot.lines
resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
try:
    write_sqlite(dataset, lines, Path(sys.argv[2]))
except PosttrackError as error:
    print(error.exit_status, error)
"""


def test_a_full_disk_is_an_error_and_leaves_the_target_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "out.db"
    target.write_text("the user's old file", encoding="utf-8")
    ran = subprocess.run(
        [sys.executable, "-c", _LIMITED, str(SHIPPED), str(target)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "POSTTRACK_CACHE": str(tmp_path / "cache")},
    )
    assert (ran.returncode, ran.stderr) == (0, "")
    assert ran.stdout.startswith(f"{int(ExitStatus.ERROR)} cannot write '{target}': ")
    assert target.read_text(encoding="utf-8") == "the user's old file"
    assert _leftovers(tmp_path) == []


def test_a_directory_that_is_not_there_is_one_error(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "out.db"
    with pytest.raises(PosttrackError, match=r"^cannot write '.*out\.db': ") as raised:
        write_sqlite(*_loaded(MINI), target)
    assert raised.value.exit_status == ExitStatus.ERROR
    assert "\n" not in str(raised.value)
    assert not target.parent.exists()
