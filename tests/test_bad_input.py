"""Bad data and bad input, through the command line: each gets its exit code and a
message that says what to fix, never a traceback, and the curated files are left
exactly as they were."""

from __future__ import annotations

import json
import os
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import MINI, Result

Cli = Callable[..., Result]
ORIGINAL = (MINI / "positions.yaml").read_text(encoding="utf-8")


def _edited(copy: Path, old: str, new: str) -> bytes:
    assert old in ORIGINAL, f"fixture does not contain {old!r}"
    data = ORIGINAL.replace(old, new, 1).encode("utf-8")
    (copy / "positions.yaml").write_bytes(data)
    return data


def _run_untouched(cli: Cli, copy: Path, *args: str) -> Result:
    """Run every command that reads the dataset; all fail alike and change no file."""
    before = {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    results = [
        cli(*command, "--data", str(copy))
        for command in (("topics",), ("show", "binding"), ("diff", "2020", "2024"), ("export",))
    ]
    assert {r.out for r in results} == {""}
    assert len({(r.code, r.err) for r in results}) == 1, results
    assert {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()} == before
    assert "Traceback" not in results[0].err
    return results[0]


BILLION_LAUGHS = "\n".join(
    ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]" for i in range(8)]
)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param(
            "  title: Mini test dataset",
            '  title: !!python/object/apply:os.system ["echo hacked"]',
            "positions.yaml:2:10: the YAML tag '",
            id="python-object-tag",
        ),
        pytest.param("dataset:\n", "loop: &l [*l]\ndataset:\n", "alias", id="recursive-alias"),
        pytest.param(
            "  state: Alpha\n",
            "  state: Alpha\n  state: Beta\n",
            "positions.yaml:4:3: duplicate key 'state' (first at line 3)",
            id="duplicate-keys",
        ),
        pytest.param(
            'issued: "2020?"', "issued: 2020-02-30", "'2020-02-30' does not exist", id="bare-date"
        ),
        pytest.param(
            'issued: "2020?"',
            'issued: "2021-02-29"',
            "'2021-02-29' does not exist: 02/2021 has 28 days",
            id="impossible-date",
        ),
        pytest.param(
            "    voice: primary",
            "    voice: no",
            "'voice' is 'no'; expected one of",
            id="yaml11-no",
        ),
        pytest.param(
            "    level: 2\n",
            "    level: 012\n",
            "level 12 is not on the scale of 'binding-instrument'",
            id="yaml11-octal",
        ),
        pytest.param(
            "    path: sources/alpha-paper.txt",
            "    path: ../../outside.txt",
            "leads outside the dataset directory",
            id="path-escapes",
        ),
        pytest.param(
            "    path: sources/alpha-paper.txt",
            "    path: /etc/hostname",
            "source path '/etc/hostname' is absolute",
            id="path-absolute",
        ),
        pytest.param(
            "    path: sources/alpha-paper.txt",
            "    path: sources/gone.txt",
            "source file 'sources/gone.txt' not found",
            id="missing-source",
        ),
        pytest.param(
            "      - text: Alpha supports voluntary norms of behaviour.",
            "      - text: ''",
            "'text' is blank",
            id="empty-quote",
        ),
    ],
)
def test_bad_data_exits_2_with_what_to_fix(
    cli: Cli, dataset_copy: Callable[..., Path], old: str, new: str, message: str
) -> None:
    copy = dataset_copy()
    _edited(copy, old, new)
    result = _run_untouched(cli, copy)
    assert result.code == 2
    assert result.err.startswith("posttrack: error: ")
    assert message in result.err
    assert all(line.startswith("posttrack: error: ") for line in result.err.splitlines())


def test_an_alias_bomb_is_refused_with_little_memory(
    cli: Cli, dataset_copy: Callable[..., Path]
) -> None:
    copy = dataset_copy()
    _edited(copy, "dataset:\n", BILLION_LAUGHS + "\ndataset:\n")
    tracemalloc.start()
    result = _run_untouched(cli, copy)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.code == 2
    assert "alias" in result.err
    assert peak < 50 * 1024 * 1024  # a billion expanded items would take gigabytes


def test_nesting_thousands_deep_is_refused_without_recursion(
    cli: Cli, dataset_copy: Callable[..., Path]
) -> None:
    copy = dataset_copy()
    _edited(copy, "dataset:\n", "deep: " + "[" * 5000 + "]" * 5000 + "\ndataset:\n")
    result = _run_untouched(cli, copy)
    assert result.code == 2
    assert "positions.yaml:1:" in result.err
    assert result.err.count("\n") == 1
    assert "Traceback" not in result.err


def test_a_huge_dataset_file_is_refused_before_parsing(
    cli: Cli, dataset_copy: Callable[..., Path]
) -> None:
    copy = dataset_copy()
    with (copy / "positions.yaml").open("ab") as grown:
        grown.truncate(40 * 1024 * 1024)  # sparse: 40 MiB on paper, nothing on disk
    result = _run_untouched(cli, copy)
    assert result.code == 2
    assert "over the 33,554,432-byte limit" in result.err


def test_invalid_utf8_is_located(cli: Cli, dataset_copy: Callable[..., Path]) -> None:
    copy = dataset_copy()
    (copy / "positions.yaml").write_bytes(ORIGINAL.encode().replace(b"Mini", b"Mi\xffni", 1))
    result = _run_untouched(cli, copy)
    assert result.code == 2
    assert "positions.yaml:2:12: invalid UTF-8 (byte 0xff); save the file as UTF-8" in result.err


def test_a_symlink_out_of_the_dataset_is_refused(
    cli: Cli, dataset_copy: Callable[..., Path], tmp_path: Path
) -> None:
    copy = dataset_copy()
    outside = tmp_path / "outside.txt"
    outside.write_text("There is a need for binding rules for responsible State behaviour.\n")
    (copy / "sources" / "link.txt").symlink_to(outside)
    _edited(copy, "    path: sources/alpha-paper.txt", "    path: sources/link.txt")
    result = _run_untouched(cli, copy)
    assert (result.code, "leads outside the dataset directory" in result.err) == (2, True)


def test_bom_and_crlf_in_yaml_and_sources_are_read_as_text(
    cli: Cli, dataset_copy: Callable[..., Path]
) -> None:
    copy = dataset_copy()
    for path in [copy / "positions.yaml", *(copy / "sources").iterdir()]:
        raw = path.read_bytes().replace(b"\n", b"\r\n")
        path.write_bytes(b"\xef\xbb\xbf" + raw)
    checked = cli("check", "--data", str(copy), "-f", "json")
    assert checked.code == 0, checked.err
    assert '"ok": true' in checked.out
    cited = cli("cite", "binding rules for responsible State", "--data", str(copy), "-f", "json")
    assert cited.code == 0
    (match, *_) = json.loads(cited.out)["matches"]
    assert match["line"] == 5
    assert match["positions"]  # the curated position that quotes it, found past the BOM
    first = cli("cite", "Alpha Working Paper", "--data", str(copy), "-f", "json")
    assert [(m["line"], m["column"]) for m in json.loads(first.out)["matches"]][:1] == [(1, 4)]


def test_invalid_utf8_in_a_source_is_a_located_check_problem(
    cli: Cli, dataset_copy: Callable[..., Path]
) -> None:
    copy = dataset_copy()
    paper = copy / "sources" / "alpha-paper.txt"
    paper.write_bytes(paper.read_bytes().replace(b"open process", b"open \xfe process", 1))
    result = cli("check", "--data", str(copy), "-f", "plain")
    assert result.code == 1
    assert f"{os.path.join('sources', 'alpha-paper.txt')}:3:" in result.out
    assert "invalid UTF-8 (byte 0xfe)" in result.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "nothing-like-it"), "unknown topic 'nothing-like-it'"),
        (("show", ""), "a topic name is empty"),
        (("show", "binding", "--since", "20x"), "--since: '20x' is not a date"),
        (("show", "binding", "--until", "2024-02-30"), "'2024-02-30' does not exist"),
        (("diff", "2020-13", "2024"), "A: '2020-13' has no month 13"),
        (("diff", "2020", "soon"), "B: 'soon' is not a date"),
        (("diff", "2020", "2024", "--topic", "nope"), "unknown topic 'nope'"),
        (("cite", ""), "the quote is empty"),
        (("cite", "x", "--source", "nope"), "unknown source 'nope'"),
        (("export", "--by", "paragraph"), "'paragraph'"),
        (("topics", "-f", "yaml"), "'yaml'"),
        (("cite", "x", "--limit", "9223372036854775807"), "9223372036854775807"),
        (("cite", "x", "--limit", "0"), "--limit"),
        (("cite", "x", "--min-score", "nan"), "'nan' is not a number"),
        (("cite", "x", "--min-score", "101"), "--min-score"),
        (("topics", "--data", "/nonexistent"), "no dataset at '/nonexistent' (--data)"),
    ],
)
def test_bad_command_lines_exit_2_in_one_line(
    cli: Cli, args: tuple[str, ...], message: str
) -> None:
    result = cli(*args)
    assert (result.code, result.out) == (2, "")
    assert len(result.err.splitlines()) == 1
    assert message in result.err
