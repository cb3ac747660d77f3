"""`sources -f csl-json|bibtex` and `export -f sqlite -o FILE` on the command line."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from conftest import SHIPPED, Result

Cli = Callable[..., Result]


def test_sources_as_csl_json_and_bibtex(cli: Cli) -> None:
    result = cli("sources", "--data", str(SHIPPED), "-f", "csl-json")
    assert (result.code, result.err) == (0, "")
    items = json.loads(result.out)
    assert [item["id"] for item in items][:2] == [
        "2020-oewg-working-paper",
        "2020-oewg-predraft-inputs",
    ]
    bib = cli("sources", "--data", str(SHIPPED), "-f", "bibtex")
    assert (bib.code, bib.err) == (0, "")
    assert bib.out.count("@misc{") == len(items)
    assert "-f csl-json" not in cli("topics", "-f", "csl-json").out  # only sources has it
    assert cli("topics", "-f", "csl-json").code == 2


def test_export_sqlite_writes_the_database_and_its_metadata(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "positions.db"
    result = cli("export", "--data", str(SHIPPED), "-f", "sqlite", "-o", str(target))
    assert (result.code, result.out) == (0, "")
    assert "datasette" in result.err
    metadata = json.loads((tmp_path / "positions.metadata.json").read_text(encoding="utf-8"))
    assert "positions" in metadata["databases"]
    with sqlite3.connect(target) as db:
        (count,) = db.execute("SELECT count(*) FROM positions").fetchone()
    assert count == 61


def test_export_never_replaces_a_file_unless_told(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "positions.db"
    target.write_bytes(b"my own work")
    result = cli("export", "-f", "sqlite", "-o", str(target))
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"posttrack: error: '{target}' exists; give --force to replace it, or another name\n"
    )
    assert target.read_bytes() == b"my own work"
    assert not (tmp_path / "positions.metadata.json").exists()
    assert cli("export", "-f", "sqlite", "-o", str(target), "--force").code == 0
    assert target.read_bytes().startswith(b"SQLite format 3")


def test_export_output_options_say_what_to_do(cli: Cli, tmp_path: Path) -> None:
    no_file = cli("export", "-f", "sqlite")
    assert (no_file.code, no_file.err) == (
        2,
        "posttrack: error: -f sqlite writes a database file; name it with -o FILE\n",
    )
    csv = cli("export", "-f", "csv", "-o", str(tmp_path / "x.csv"))
    assert (csv.code, csv.err) == (
        2,
        "posttrack: error: -o is for -f sqlite; write csv with > FILE\n",
    )
    assert not (tmp_path / "x.csv").exists()


def test_commands_that_print_evidence_warn_once_of_quotes_not_in_their_sources(
    cli: Cli, dataset_copy: Callable[..., Path]
) -> None:
    from conftest import rewrite

    data = dataset_copy()
    rewrite(data, "Alpha supports voluntary norms of behaviour.", "Alpha opposes all norms.")
    warning = (
        "posttrack: warning: 1 quote is not found in its source (the dataset has not "
        "passed check); run 'posttrack check' before relying on them\n"
    )
    for args in (("show", "norms"), ("diff", "2020", "2024"), ("export",)):
        result = cli(*args, "--data", str(data), "-f", "json")
        assert (result.code, result.err) == (0, warning), args
    clean = cli("show", "binding", "--data", str(data), "-f", "json")  # its quotes are there
    assert clean.err == ""


def test_brief_from_the_command_line(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "brief.html"
    made = cli(
        "brief", "binding", "intl law", "--data", str(SHIPPED), "-f", "html", "-o", str(target)
    )
    assert (made.code, made.out) == (0, "")
    html = target.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html
    assert "Binding instrument" in html
    assert "International law" in html
    again = cli("brief", "binding", "--data", str(SHIPPED), "-f", "html", "-o", str(target))
    assert again.code == 2
    assert "exists; give --force" in again.err
    assert target.read_text(encoding="utf-8") == html
    md = cli("brief", "binding", "--data", str(SHIPPED), "--since", "Dec 2021")
    assert md.code == 0
    assert md.out.startswith("# Pakistan")
    assert "[^1]" in md.out
    unknown = cli("brief", "nothing-like-this", "--data", str(SHIPPED))
    assert unknown.code == 2
