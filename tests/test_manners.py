"""The command line's manners: -h, help that says what to type with real examples,
errors that point at the right help, dates as people write them."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import SHIPPED, Result

Cli = Callable[..., Result]
COMMANDS = ["topics", "sources", "show", "diff", "cite", "check", "export"]


@pytest.mark.parametrize("command", COMMANDS)
def test_dash_h_is_help_with_examples_and_no_trailing_spaces(cli: Cli, command: str) -> None:
    short, long = cli(command, "-h"), cli(command, "--help")
    assert (short.code, short.err) == (0, "")
    assert short.out == long.out
    assert f"Usage: posttrack {command} " in short.out
    assert "Examples:\n" in short.out
    assert not [line for line in short.out.splitlines() if line != line.rstrip()]
    # metavars say what to type
    assert not re.search(r"<str>|<int>|<float>|<path>|\{[a-z]+\}", short.out)


@pytest.mark.parametrize(
    ("command", "metavars"),
    [
        ("show", ["TOPIC", "--since DATE", "--until DATE", "--as-of DATE", "-f, --format FORMAT"]),
        ("diff", ["DATE_A DATE_B", "-t, --topic TOPIC"]),
        ("cite", ["QUOTE [PATH]...", "-s, --source SOURCE", "--limit N", "--min-score 0-100"]),
    ],
)
def test_metavars_say_what_to_type(cli: Cli, command: str, metavars: list[str]) -> None:
    out = cli(command, "-h").out
    for metavar in metavars:
        assert metavar in out, metavar


def _examples(cli: Cli, command: str) -> list[list[str]]:
    out = cli(command, "-h").out
    block = out[out.index("Examples:\n") :]
    found = []
    for line in block.splitlines()[1:]:
        if not line.strip().startswith("$ "):
            break
        words = shlex.split(line.strip()[2:])
        # the posttrack part only: before a pipe or a redirection
        for stop in ("|", ">", "<"):
            if stop in words:
                words = words[: words.index(stop)]
        found.append(words)
    return found


@pytest.mark.parametrize("command", COMMANDS)
def test_every_help_example_runs_on_the_shipped_data(
    cli: Cli, command: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("POSTTRACK_DATA", str(SHIPPED))
    monkeypatch.chdir(tmp_path)  # an example that writes a file writes it here
    examples = _examples(cli, command)
    assert 1 <= len(examples) <= 3
    for words in examples:
        assert words[0] == "posttrack"
        if "-" in words[1:] or "--data" in words:
            continue  # reads stdin, or names a dataset of the reader's own
        result = cli(*words[1:])
        assert result.code == 0, (words, result.err)
        assert result.out or result.err


def test_an_option_error_points_at_its_commands_help(cli: Cli) -> None:
    result = cli("show", "binding", "--bogus")
    assert result.code == 2
    assert result.err == (
        "posttrack: error: No such option: --bogus (see 'posttrack show --help')\n"
    )
    assert "(see 'posttrack --help')" in cli("bogus").err


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("Dec 2021", "2021-12"), ("13 December 2021", "2021-12-13"), ("2021/12/13", "2021-12-13")],
)
def test_dates_are_read_as_people_write_them(cli: Cli, typed: str, shown: str) -> None:
    import json

    document = json.loads(cli("diff", "2020", typed, "-f", "json").out)
    assert document["to"] == shown
    entries = json.loads(cli("show", "binding", "--as-of", typed, "-f", "json").out)
    assert entries["as_of"] == shown


def test_an_ambiguous_date_is_refused_saying_why(cli: Cli) -> None:
    result = cli("diff", "2020", "12/11/2021")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "posttrack: error: DATE_B: '12/11/2021' could be day/month or month/day; write it "
        "as 2021-MM-DD or with the month's name, like 13 Dec 2021\n"
    )
