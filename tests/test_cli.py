"""The command line: every format, the JSON contract, exit codes, hostile data."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import SHIPPED, Result, rewrite

Cli = Callable[..., Result]
GOLDEN = Path(__file__).parent / "golden"
FORMATS = ["auto", "table", "plain", "json", "jsonl", "csv", "tsv", "md"]


def golden(name: str, actual: str) -> None:
    """Compare with tests/golden/NAME; UPDATE_GOLDEN=1 rewrites it (review the diff)."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["topics", "sources"])
@pytest.mark.parametrize("fmt", ["plain", "json"])
def test_golden_output(cli: Cli, command: str, fmt: str) -> None:
    result = cli(command, "-f", fmt)
    assert (result.code, result.err) == (0, "")
    golden(f"{command}.{fmt}", result.out)


@pytest.mark.parametrize("command", ["topics", "sources"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format(cli: Cli, command: str, fmt: str) -> None:
    result = cli(command, "-f", fmt)
    assert (result.code, result.err) == (0, "")
    out = result.out
    assert "\x1b[" not in out
    ids = (
        ["binding-instrument", "norms"]
        if command == "topics"
        else ["alpha-paper", "beta-statement"]
    )
    if fmt == "json":
        assert [r["id"] for r in json.loads(out)[command]] == ids
    elif fmt == "jsonl":
        assert [json.loads(line)["id"] for line in out.splitlines()] == ids
    elif fmt == "csv":
        assert [r["id"] for r in csv.DictReader(io.StringIO(out))] == ids
    elif fmt == "tsv":
        header, *rows = out.splitlines()
        assert header.split("\t")[0] == "id"
        assert [r.split("\t")[0] for r in rows] == ids
    elif fmt in ("plain", "auto"):  # auto is plain when stdout is not a terminal
        assert [line.split("\t")[0] for line in out.splitlines()] == ids
    elif fmt == "md":
        assert out.splitlines()[1].startswith("|---|")
        assert [line.split(" | ")[0].lstrip("| ") for line in out.splitlines()[2:]] == ids
    else:
        assert all(i in out for i in ids)
        assert "─" in out  # a table for people


def test_json_contract_keys(cli: Cli) -> None:
    topics = json.loads(cli("topics", "-f", "json").out)
    assert topics["schema_version"] == 1
    assert {"id", "title", "aliases", "positions", "first", "last"} <= set(topics["topics"][0])
    sources = json.loads(cli("sources", "-f", "json").out)
    assert sources["schema_version"] == 1
    assert {"id", "title", "date", "kind", "voice", "path"} <= set(sources["sources"][0])
    first = sources["sources"][0]
    assert (first["date"], first["path"]) == ("2020?", "sources/alpha-paper.txt")


def test_machine_output_ignores_terminal_settings(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = set()
    for env in ({"COLUMNS": "40"}, {"COLUMNS": "300", "FORCE_COLOR": "1"}, {"TERM": "dumb"}):
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        outputs.add(
            tuple(cli("topics", "-f", fmt).out for fmt in FORMATS if fmt not in ("auto", "table"))
        )
    assert len(outputs) == 1


HOSTILE = (
    "[red]x[/red] [/] :thumbs_up: [link=http://e.x]y[/link] \x1b[31mred\x1b[0m \u202eevil \u2028end"
)


def test_data_is_never_markup_and_escapes_are_neutralised(
    cli: Cli, dataset_copy: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # one line per row, so the cell reads whole
    data = dataset_copy()
    rewrite(data, "    title: Norms\n", f"    title: {json.dumps(HOSTILE)}\n")
    table = cli("topics", "--data", str(data), "-f", "table")
    assert table.code == 0
    flat = table.out
    assert "[red]x[/red] [/] :thumbs_up: [link=http://e.x]y[/link]" in flat
    assert "\\x1b[31mred\\x1b[0m" in flat
    assert "\\u202eevil" in flat
    assert "\\u2028end" in flat
    assert "\x1b" not in table.out
    assert "\u202e" not in table.out
    assert "👍" not in table.out
    plain = cli("topics", "--data", str(data), "-f", "plain").out
    assert "\x1b" not in plain
    assert "\\x1b[31mred" in plain
    exact = json.loads(cli("topics", "--data", str(data), "-f", "json").out)
    assert exact["topics"][1]["title"] == HOSTILE
    lines = cli("topics", "--data", str(data), "-f", "jsonl").out.splitlines()
    assert len(lines) == 2
    assert json.loads(lines[1])["title"] == HOSTILE


def test_tsv_escapes_tabs_and_newlines(cli: Cli, dataset_copy: Callable[..., Path]) -> None:
    data = dataset_copy()
    rewrite(data, "    title: Norms\n", '    title: "a\\tb\\nc"\n')
    rows = cli("topics", "--data", str(data), "-f", "tsv").out.splitlines()
    assert len(rows) == 3
    assert rows[2].split("\t")[1] == "a\\tb\\nc"


def test_version_names_the_dataset(cli: Cli) -> None:
    result = cli("--version")
    assert result.code == 0
    assert result.out.startswith(
        "posttrack 0.1.0 (dataset: Mini test dataset, edition test-1, sha256 "
    )


def test_unknown_format_is_a_one_line_usage_error(cli: Cli) -> None:
    result = cli("topics", "-f", "yaml")
    assert (result.code, result.out) == (2, "")
    assert len(result.err.splitlines()) == 1
    assert result.err.startswith("posttrack: error: ")
    assert "'yaml'" in result.err


def test_unknown_command_is_a_usage_error(cli: Cli) -> None:
    result = cli("shwo")
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("posttrack: error: ")
    assert "'shwo'" in result.err
    assert len(result.err.splitlines()) == 1


def test_no_command_shows_the_help_and_no_empty_error(cli: Cli) -> None:
    result = cli()
    assert (result.code, result.err) == (2, "")
    assert all(command in result.out for command in ("topics", "show", "diff", "cite", "check"))


def test_missing_dataset_is_one_line(cli: Cli, tmp_path: Path) -> None:
    result = cli("topics", "--data", str(tmp_path / "nowhere"))
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"posttrack: error: no dataset at '{tmp_path / 'nowhere'}' (--data); "
        "give a directory holding positions.yaml, or the file itself\n"
    )


def test_invalid_dataset_exits_2_with_located_lines(
    cli: Cli, dataset_copy: Callable[..., Path]
) -> None:
    data = dataset_copy()
    rewrite(data, "kind: working-paper", "kind: memo")
    result = cli("topics", "--data", str(data))
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(
        f"posttrack: error: {data / 'positions.yaml'}:10:11: 'kind' is 'memo'"
    )


def test_environment_selects_the_dataset(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("POSTTRACK_DATA", str(tmp_path))
    result = cli("topics")
    assert result.code == 2
    assert "(POSTTRACK_DATA)" in result.err


def test_internal_error_is_one_line_without_debug(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_: object) -> None:
        raise RuntimeError("secret local value")

    monkeypatch.setattr("posttrack.query.timeline.topic_summaries", boom)
    result = cli("topics")
    assert (result.code, result.out) == (3, "")
    assert result.err == (
        "posttrack: error: internal error: RuntimeError: secret local value; "
        "run again with --debug for the traceback, and please report it\n"
    )
    debugged = cli("--debug", "topics")
    assert (debugged.code, debugged.out) == (3, "")  # still "internal", never "not found"
    assert "Traceback (most recent call last)" in debugged.err
    assert debugged.err.endswith("please report it with the traceback above\n")


def test_debug_is_an_option_not_a_word_anywhere(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr("posttrack.dataset.snapshot.load", boom)
    result = cli("cite", "--", "--debug")  # a quote that happens to read --debug
    assert result.code == 3
    assert "Traceback" not in result.err


def _process(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "posttrack", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )


def test_a_closed_pipe_ends_quietly() -> None:
    shell = f"set -o pipefail; {sys.executable} -m posttrack topics -f json | head -c 10"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, check=False)
    assert done.stdout == '{\n  "schem'
    assert "Traceback" not in done.stderr
    assert done.stderr == ""
    assert done.returncode in (0, 141)


def test_the_module_runs_as_a_program() -> None:
    done = _process("sources", "-f", "jsonl")
    assert done.returncode == 0
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == [
        "alpha-paper",
        "beta-statement",
    ]


def test_a_read_error_is_not_called_a_write_error(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreadable(*_: object, **__: object) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO), "/data/sources/a.txt")

    monkeypatch.setattr("posttrack.dataset.snapshot.load", unreadable)
    result = cli("topics")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"posttrack: error: cannot read '/data/sources/a.txt': {os.strerror(errno.EIO)}\n"
    )


def test_a_closed_stdout_is_one_line_and_exit_two() -> None:
    shell = f"{sys.executable} -m posttrack topics -f plain >&-"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "posttrack: error: standard output is closed; nothing can be written\n"


def test_machine_output_is_utf8_whatever_the_locale() -> None:
    plain = _process("export", "-f", "csv", POSTTRACK_DATA=str(SHIPPED))
    ascii_locale = _process(
        "export", "-f", "csv", POSTTRACK_DATA=str(SHIPPED), PYTHONIOENCODING="ascii"
    )
    assert (ascii_locale.returncode, ascii_locale.stderr) == (0, "")
    assert ascii_locale.stdout == plain.stdout
    assert any(ord(c) > 127 for c in plain.stdout)  # the data has curly quotes and dashes


def test_ctrl_c_while_starting_is_quiet() -> None:
    # A Ctrl-C that lands while typer is being imported, made deterministic: an
    # import hook sends SIGINT to the process when typer is first asked for.
    hook = (
        "import os, signal, sys\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'typer':\n"
        "            os.kill(os.getpid(), signal.SIGINT)\n"
        "        return None\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "sys.argv = ['posttrack', 'topics']\n"
        "from posttrack.console import run\n"
        "run()\n"
    )
    done = subprocess.run([sys.executable, "-c", hook], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "")


def test_cite_batch_streams_each_result_as_it_comes() -> None:
    # The second quote is sent only once the first result has been read back: a
    # batch that held its results until the end would wait here for ever.
    env = {**os.environ, "POSTTRACK_DATA": str(SHIPPED)}
    with subprocess.Popen(
        [sys.executable, "-m", "posttrack", "cite", "-", "-f", "jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as process:
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.write("common heritage\n")
        process.stdin.flush()
        first = json.loads(process.stdout.readline())
        process.stdin.write("x " * 3000 + "\nlegally binding\n")
        process.stdin.close()
        rest = [json.loads(line) for line in process.stdout]
        process.wait(timeout=60)
        assert process.stderr is not None
        err = process.stderr.read()
    assert (first["verdict"], first["input_line"]) == ("verbatim", 1)
    assert [(r["verdict"], r["input_line"]) for r in rest] == [("none", 2), ("verbatim", 3)]
    assert "5,000" in rest[0]["reason"]
    assert "line 2 of the input" in err
    assert process.returncode == 1  # one line found nothing


def test_exact_cells_writes_the_data_as_it_is(cli: Cli, dataset_copy: Callable[..., Path]) -> None:
    copy = dataset_copy()
    rewrite(copy, "stance: Supports voluntary norms", 'stance: "=1+2 supports voluntary norms"')
    guarded = cli("export", "--data", str(copy), "-f", "csv").out
    exact = cli("export", "--data", str(copy), "-f", "csv", "--exact-cells").out
    assert ",'=1+2" in guarded
    assert ",=1+2" not in guarded
    assert ",=1+2" in exact


def test_what_a_searched_tree_skips_is_said(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("a legally binding instrument\n", encoding="utf-8")
    (tmp_path / "self").symlink_to(".")
    result = cli("cite", "legally binding instrument", str(tmp_path), "-f", "plain")
    assert result.code == 0
    assert result.out.startswith(f"{tmp_path / 'ok.txt'}:1:")
    assert "self" in result.err
    assert result.err.startswith("posttrack: warning: ")
