"""The output contract, for every command: machine output that no terminal setting
changes, data that is never markup, quiet pipes, documented exit codes, and a
start-up that imports nothing heavy."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINI, SHIPPED, Result, rewrite
from posttrack.dataset.load import load_dataset
from posttrack.errors import DataError
from posttrack.model import Dataset, Quote
from posttrack.output import columns, formats, layout, tables
from posttrack.output.records import export_records

Cli = Callable[..., Result]
MACHINE = ["plain", "json", "jsonl", "csv", "tsv", "md"]
COMMANDS = [
    ("topics",),
    ("sources",),
    ("show", "binding-instrument"),
    ("diff", "2020", "2024"),
    ("cite", "binding rules for responsible State behaviour"),
    ("check",),
    ("export",),
    ("export", "--by", "quote"),
]
TERMINALS = [
    {"COLUMNS": "40"},
    {"COLUMNS": "300", "FORCE_COLOR": "1", "NO_COLOR": ""},
    {"TERM": "dumb", "COLUMNS": ""},
    {"NO_COLOR": "", "TERM": "xterm-256color", "COLORTERM": "truecolor"},
]
BOX_DRAWING = re.compile("[\u2500-\u257f]")


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_machine_output_is_the_same_on_any_terminal(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    outputs = set()
    for terminal in TERMINALS:
        with monkeypatch.context() as patch:
            for key, value in terminal.items():
                if value:
                    patch.setenv(key, value)
                else:
                    patch.delenv(key, raising=False)
            for flags in ((), ("--no-color",)):
                results = [cli(*command, "-f", fmt, *flags) for fmt in MACHINE]
                assert {r.code for r in results} == {0}
                outputs.add(tuple(r.out for r in results))
    (only,) = outputs
    for out in only:
        assert "\x1b" not in out
        assert not BOX_DRAWING.search(out)


def test_machine_output_is_the_same_in_any_locale() -> None:
    outputs = set()
    for locale in ("C", "C.UTF-8", "POSIX"):
        env = {**os.environ, "LC_ALL": locale, "LANG": locale, "PYTHONIOENCODING": ""}
        done = subprocess.run(
            [sys.executable, "-m", "posttrack", "export", "--by", "quote", "-f", "json"],
            capture_output=True,
            env=env,
            check=True,
        )
        outputs.add(done.stdout)
    (only,) = outputs
    assert json.loads(only)["schema_version"] == 1


HOSTILE = (
    "[red]x[/red] [/] :thumbs_up: [link=http://e.x]y[/link] "
    "\x1b[31mred\x1b[0m \x07bell \x9bcsi \u202eevil\u202c \u2028end\nnext"
)


@pytest.mark.parametrize(
    "command",
    [("show", "binding-instrument"), ("diff", "2020", "2024"), ("export",), ("topics",)],
    ids=" ".join,
)
def test_hostile_data_is_literal_for_people_and_exact_for_programs(
    cli: Cli,
    dataset_copy: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")  # rows on one line, so the text reads whole
    monkeypatch.setattr(layout, "READABLE_WIDTH", 1000)
    monkeypatch.setattr(tables, "PROSE_CAP", 1000)
    data = dataset_copy()
    rewrite(
        data, "stance: A legally binding instrument is essential", f"stance: {json.dumps(HOSTILE)}"
    )
    rewrite(data, "    title: Binding instrument\n", f"    title: {json.dumps(HOSTILE)}\n")
    for fmt in ["table", "plain", "md"]:
        out = cli(*command, "--data", str(data), "-f", fmt).out
        for raw in ("\x1b", "\x07", "\x9b", "\u202e", "\u2028", "👍"):
            assert raw not in out, (fmt, raw)
        if fmt == "md":  # Markdown shows punctuation escaped, as it renders: literally
            assert "\\[red\\]x\\[/red\\]" in out
            out = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", out)
        assert "[red]x[/red] [/] :thumbs_up: [link=http://e.x]y[/link]" in out
        assert "\\x1b[31mred" in out
    document = json.loads(cli(*command, "--data", str(data), "-f", "json").out)
    assert HOSTILE in _strings(document)
    for line in cli(*command, "--data", str(data), "-f", "jsonl").out.split("\n")[:-1]:
        json.loads(line)  # U+2028 and newlines inside a record do not split it
        assert "\u2028" not in line


def _strings(value: object) -> list[str]:
    """Every string anywhere in a JSON document."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_show_piped_into_head_exits_quietly_with_a_documented_code() -> None:
    posttrack = Path(sys.executable).with_name("posttrack")
    script = (
        f"set -o pipefail; POSTTRACK_DATA={SHIPPED} {posttrack} show binding-instrument | head -1; "
        f'echo "status=$?"; {posttrack} export --by quote -f json | head -1 >/dev/null; '
        'echo "status=$?"'
    )
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=False)
    assert done.stderr == ""
    first, status, big = done.stdout.splitlines()
    assert first.startswith("2020?\t")
    assert status in ("status=0", "status=141")  # 141: posttrack ended by SIGPIPE
    assert big in ("status=0", "status=141")


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (("export", "--by", "quote", "-f", "json"), 0),
        (("cite", "words that are in no source at all"), 1),
        (("show", "no-such-topic"), 2),
    ],
)
def test_the_console_script_writes_everything_and_exits_with_the_status(
    cli: Cli, args: tuple[str, ...], status: int
) -> None:
    posttrack = Path(sys.executable).with_name("posttrack")
    env = {**os.environ, "POSTTRACK_DATA": str(SHIPPED)}
    done = subprocess.run([posttrack, *args], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == status
    assert done.stdout == cli(*args, "--data", str(SHIPPED)).out  # all of it, flushed


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["json", "table"])
def test_a_full_disk_is_one_line_and_exit_two(fmt: str) -> None:
    posttrack = Path(sys.executable).with_name("posttrack")
    env = {**os.environ, "POSTTRACK_DATA": str(SHIPPED)}
    with Path("/dev/full").open("w") as full:
        done = subprocess.run(
            [posttrack, "export", "-f", fmt], stdout=full, stderr=subprocess.PIPE, text=True,
            env=env, check=False,
        )  # fmt: skip
    assert (done.returncode, done.stderr) == (
        2,
        f"posttrack: error: cannot write the output: {os.strerror(errno.ENOSPC)}\n",
    )


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_an_internal_error_is_one_line_in_every_command(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    secret = "a-local-value-never-shown"

    def broken(*_: object, **__: object) -> None:
        local = secret  # noqa: F841 - a local a traceback with locals would show
        raise KeyError("bug")

    monkeypatch.setattr("posttrack.dataset.snapshot.load", broken)
    result = cli(*command, "-f", "json")
    assert (result.code, result.out) == (3, "")
    assert result.err == (
        "posttrack: error: internal error: KeyError: 'bug'; "
        "run again with --debug for the traceback, and please report it\n"
    )


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("topics",), 0),
        (("show", "norms"), 0),
        (("diff", "2020", "2024"), 0),
        (("diff", "2020", "2024", "--exit-code"), 1),
        (("cite", "binding rules for responsible State behaviour"), 0),
        (("cite", "words that no source has ever said at all"), 1),
        (("check",), 0),
        (("export",), 0),
        (("show", "nothing-like-it"), 2),
        (("frobnicate",), 2),
    ],
)
def test_exit_codes_are_the_documented_ones(cli: Cli, args: tuple[str, ...], code: int) -> None:
    assert cli(*args).code == code


def test_importing_the_cli_imports_nothing_heavy() -> None:
    heavy = ("rich", "rapidfuzz", "yaml", "sqlite3", "pydantic")
    probe = (
        "import sys\n"
        "import posttrack.cli\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_warm_machine_format_run_needs_no_yaml_rich_or_rapidfuzz(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from posttrack.cli import main\n"
        "main(['show', 'binding-instrument', '-f', 'json'])\n"
        "heavy = ('rich', 'rapidfuzz', 'yaml')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy), file=sys.stderr)\n"
    )
    env = {**os.environ, "POSTTRACK_CACHE": str(tmp_path), "POSTTRACK_DATA": str(SHIPPED)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
        )
        for _ in range(2)
    ]
    assert "yaml" in runs[0].stderr  # the first run parses the dataset
    assert runs[1].stderr.strip() == "[]"  # the second reads the cached copy


# --- any text at all ----------------------------------------------------------

TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=60)


def _dataset_saying(stance: str, quote: str) -> Dataset:
    base = load_dataset(MINI)
    first = base.positions[0]
    changed = first._replace(stance=stance, quotes=(Quote(quote, "para 2"),))
    return base._replace(positions=(changed, *base.positions[1:]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stance=TEXT, quote=TEXT)
def test_any_stance_and_quote_renders_in_every_format_and_round_trips(
    stance: str, quote: str
) -> None:
    dataset = _dataset_saying(stance, quote)
    rows = export_records(dataset, {}, by="quote")
    listing = formats.Listing("quotes", rows, columns.EXPORT_QUOTE_COLUMNS, title=stance)
    outputs = {}
    for fmt in formats.Format:
        if fmt is formats.Format.auto:
            continue
        stream = io.StringIO()
        formats.write_listing(listing, fmt, stream, no_color=True)
        outputs[fmt] = stream.getvalue()
    exact = io.StringIO()
    formats.write_listing(listing, formats.Format.csv, exact, no_color=True, exact_cells=True)
    document = json.loads(outputs[formats.Format.json])
    assert document["quotes"][0]["stance"] == stance
    assert document["quotes"][0]["quote"] == quote
    lines = outputs[formats.Format.jsonl].split("\n")
    assert len(lines) == len(rows) + 1
    assert json.loads(lines[0])["quote"] == quote
    read = next(csv.DictReader(io.StringIO(exact.getvalue(), newline="")))
    assert (read["stance"], read["quote"]) == (stance, quote)  # --exact-cells: the data itself
    for fmt in (formats.Format.csv, formats.Format.tsv):  # by default, nothing a terminal runs
        assert not re.search(
            "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", outputs[fmt]
        )
    for fmt in (formats.Format.tsv, formats.Format.plain, formats.Format.md):
        assert len(outputs[fmt].split("\n")) == len(rows) + 1 + (
            fmt is not formats.Format.plain
        ) + (fmt is formats.Format.md)
    for fmt in (formats.Format.plain, formats.Format.table, formats.Format.md, formats.Format.json):
        assert not re.search(
            "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", outputs[fmt]
        )


_MUTATION = st.text(alphabet=st.sampled_from(list("-:[]{}&*!|>'\"#?,%@`\t\n ab01\\\ufeff\x00é")))


@pytest.fixture(scope="module")
def fuzz_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    target = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(MINI, target)
    return target


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(at=st.integers(min_value=0), cut=st.integers(min_value=0, max_value=8), new=_MUTATION)
def test_the_loader_never_fails_except_with_a_located_data_error(
    fuzz_copy: Path, at: int, cut: int, new: str
) -> None:
    """A brief fuzz: the mini dataset with a piece cut out and YAML-ish text put in."""
    original = (MINI / "positions.yaml").read_text(encoding="utf-8")
    at %= len(original)
    (fuzz_copy / "positions.yaml").write_text(
        original[:at] + new + original[at + cut :], encoding="utf-8", errors="surrogatepass"
    )
    try:
        load_dataset(fuzz_copy)
    except DataError as error:
        problems = error.problems
    else:
        return
    assert problems
    for problem in problems:
        assert problem.path.endswith("positions.yaml")
        assert "\n" not in str(problem)
