"""`check`: every quote in its source, with the closest match when it is not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import MINI, SHIPPED, Result, rewrite
from posttrack import load_dataset
from posttrack.quotes.verify import run_check

Cli = Callable[..., Result]


def test_shipped_dataset_passes_check(cli: Cli) -> None:
    result = cli("check", "--data", str(SHIPPED))
    assert (result.code, result.out) == (0, "")
    assert result.err.startswith("check: 52 positions, ")
    assert result.err.endswith("every quote found in its source\n")


def test_run_check_finds_nothing_in_the_mini_dataset() -> None:
    assert list(run_check(load_dataset(MINI))) == []


def test_missing_quote_reports_its_closest_match(
    cli: Cli, dataset_copy: Callable[..., Path]
) -> None:
    data = dataset_copy()
    rewrite(
        data,
        "binding rules for responsible State behaviour.",
        "binding rulez for responsible States.",
    )
    result = cli("check", "--data", str(data))
    path = data / "positions.yaml"
    assert result.code == 1
    assert result.out.splitlines() == [
        f"{path}:45:15: quote not found in 'alpha-paper'; closest (9"
        + result.out.split("closest (9", 1)[1].rstrip("\n")
    ]
    assert f"at {data / 'sources' / 'alpha-paper.txt'}:5: " in result.out
    assert (
        'alpha-paper.txt:5: "There is a need for binding rules for responsible State"' in result.out
    )
    assert result.err == "check: 4 positions, 5 quotes, 2 sources, 2 topics: 1 problem(s)\n"


def test_wrong_paragraph_is_reported(cli: Cli, dataset_copy: Callable[..., Path]) -> None:
    data = dataset_copy()
    rewrite(data, "        where: para 3", "        where: para 1")
    result = cli("check", "--data", str(data))
    assert result.code == 1
    assert result.out == (
        f"{data / 'positions.yaml'}:62:15: the quote is in para 3 of 'alpha-paper' (line 8), "
        "not para 1; fix 'where'\n"
    )


def test_unused_topic_and_source_are_warnings(cli: Cli, dataset_copy: Callable[..., Path]) -> None:
    data = dataset_copy()
    rewrite(
        data, "topics:\n", "topics:\n  - id: spare\n    title: Spare\n    description: Unused.\n"
    )
    rewrite(
        data,
        "sources:\n",
        'sources:\n  - id: spare-doc\n    title: Spare\n    issued: "2020"\n'
        "    kind: analysis\n    voice: secondary\n    author: X\n"
        "    path: sources/beta-statement.txt\n",
    )
    result = cli("check", "--data", str(data))
    assert result.code == 0
    assert "warning: topic 'spare' has no positions" in result.out
    assert "warning: source 'spare-doc' feeds no position" in result.out


def test_unloadable_dataset_exits_2_with_its_problems(
    cli: Cli, dataset_copy: Callable[..., Path]
) -> None:
    data = dataset_copy()
    rewrite(data, "kind: working-paper", "kind: memo")
    result = cli("check", "--data", str(data))
    assert result.code == 2
    assert result.out.startswith(f"{data / 'positions.yaml'}:10:11: 'kind' is 'memo'")
    assert result.err == "check: the dataset does not load\n"


def test_check_json(cli: Cli, dataset_copy: Callable[..., Path]) -> None:
    import json

    data = dataset_copy()
    rewrite(data, "        where: para 3", "        where: para 1")
    document = json.loads(cli("check", "--data", str(data), "-f", "json").out)
    assert document["schema_version"] == 1
    assert document["ok"] is False
    assert [set(p) for p in document["problems"]] == [
        {"path", "line", "column", "severity", "message"}
    ]
    assert document["problems"][0]["line"] == 62


def test_unreadable_source_is_a_problem_not_a_crash(
    cli: Cli, dataset_copy: Callable[..., Path]
) -> None:
    data = dataset_copy()
    (data / "sources" / "beta-statement.txt").write_bytes(b"bad \xfe byte\n")
    result = cli("check", "--data", str(data))
    assert result.code == 1
    assert "beta-statement.txt:1:5: invalid UTF-8 (byte 0xfe)" in result.out
