"""The README's walk-through, run as a curator would: a new dataset, a source, a
quote entry pasted under a position, and check passing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Result
from posttrack.dataset.schema import SCHEMA_FILE

Cli = Callable[..., Result]
TEXT = (
    "Statement by India at the First Committee\n\n"
    "1. India supports an open, secure, stable and peaceful ICT environment.\n\n"
    "2. India calls for capacity-building for developing countries.\n\n"
    "3. India will work with all States in the Open-ended Working Group.\n"
)


def test_a_new_dataset_from_init_to_check(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "statement.txt").write_text(TEXT, encoding="utf-8")
    made = cli("init", "india", "--state", "India")
    assert made.code == 0, made.err
    assert made.out.splitlines()[0] == "created india/positions.yaml"
    assert cli("check", "--data", "india").code == 0
    added = cli(
        "add-source", "statement.txt", "--data", "india",
        "--id", "2024-10-08-unga-statement", "--issued", "8 Oct 2024",
        "--kind", "statement", "--voice", "primary",
        "--title", "Statement at the First Committee", "--author", "India",
    )  # fmt: skip
    assert added.code == 0, added.err
    assert added.out.startswith("added india/sources/2024-10-08-unga-statement.txt (sha256 ")
    entry = cli(
        "cite", "an open, secure, stable and peaceful ICT environment", "--yaml", "--data", "india"
    )
    assert entry.code == 0, entry.err
    assert "- text: an open, secure, stable and peaceful ICT environment" in entry.out
    assert "where: para 1" in entry.out
    # the curator writes a topic and a position around the pasted entry
    yaml_file = tmp_path / "india" / "positions.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    quotes = "".join(f"      {line}\n" for line in entry.out.splitlines())
    text = text.replace(
        "topics: []",
        "topics:\n  - id: ict-environment\n    title: ICT environment\n"
        "    description: What kind of ICT environment it asks for.",
    ).replace(
        "positions: []",
        "positions:\n  - topic: ict-environment\n    source: 2024-10-08-unga-statement\n"
        "    stance: An open, secure, stable and peaceful ICT environment\n"
        "    summary: Supports an open, secure, stable and peaceful ICT environment.\n"
        f"    quotes:\n{quotes}",
    )
    yaml_file.write_text(text, encoding="utf-8")
    checked = cli("check", "--data", "india")
    assert (checked.code, checked.out) == (0, ""), checked.out
    shown = json.loads(cli("show", "ict", "--data", "india", "-f", "json").out)
    assert shown["entries"][0]["quotes"][0]["where"] == "para 1"


def test_cite_yaml_with_no_match_says_so_and_exits_1(cli: Cli) -> None:
    result = cli("cite", "words nobody ever wrote in any of these sources", "--yaml")
    assert (result.code, result.out) == (1, "")
    assert "no verbatim or close match for 'words nobody ever wrote" in result.err


def test_add_source_names_the_dataset_it_changes(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("POSTTRACK_DATA")
    (tmp_path / "t.txt").write_text(TEXT, encoding="utf-8")
    result = cli(
        "add-source", str(tmp_path / "t.txt"), "--id", "x", "--issued", "2024",
        "--kind", "statement", "--voice", "primary", "--title", "T", "--author", "A",
    )  # fmt: skip
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "posttrack: error: add-source changes a dataset: name it with --data DIR "
        "(or set POSTTRACK_DATA)\n"
    )


def test_schema_prints_the_shipped_schema(cli: Cli) -> None:
    result = cli("schema")
    assert (result.code, result.err) == (0, "")
    assert result.out == SCHEMA_FILE.read_text(encoding="utf-8")
    assert json.loads(result.out)["$schema"].startswith("https://json-schema.org/")
