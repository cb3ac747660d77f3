"""Every command has help and is documented, with a real example, in the README."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable

import pytest

from conftest import REPO, SHIPPED, Result
from posttrack.cli import app

README = (REPO / "README.md").read_text(encoding="utf-8")
COMMANDS = [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]


def test_commands_are_known() -> None:
    assert {"topics", "sources", "check"} <= set(COMMANDS)


# commands that read no dataset and print one thing
NO_DATA = {"completion", "schema", "init"}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(cli: Callable[..., Result], command: str) -> None:
    result = cli(command, "--help")
    assert result.code == 0
    assert "Examples:" in result.out
    if command not in NO_DATA:
        assert "--data" in result.out
    if command not in (*NO_DATA, "add-source", "brief"):
        assert "--format" in result.out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme_with_an_example(command: str) -> None:
    assert f"### `posttrack {command}" in README
    assert re.search(rf"^\$ posttrack {command}\b", README, re.MULTILINE)


def test_readme_has_the_two_commands() -> None:
    assert "make run" in README
    assert "make test" in README


def test_readme_check_example_is_real(cli: Callable[..., Result]) -> None:
    result = cli("check", "--data", str(SHIPPED))
    assert f"$ posttrack check\n{result.err}" in README


def test_readme_topics_example_is_real(cli: Callable[..., Result]) -> None:
    out = cli("topics", "--data", str(SHIPPED)).out
    cut = "".join("\t".join(line.split("\t")[:5]) + "\n" for line in out.splitlines())
    assert f"$ posttrack topics | cut -f1-5\n{cut}```" in README


def _console_block(command: str) -> str:
    """The output the README shows under `$ posttrack COMMAND`."""
    start = README.index(f"$ posttrack {command}\n") + len(f"$ posttrack {command}\n")
    return README[start : README.index("```", start)]


def _stripped(text: str) -> str:
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


@pytest.mark.parametrize(
    ("command", "code"),
    [
        ("show binding-instrument --no-quotes", 0),
        ("diff 2020 2024 -t binding -t ihl -t cbms", 0),
        ("sources", 0),
        ('cite "common heritage"', 0),
        ('cite "it is esential to develop a legaly binding internatinal instrument"', 0),
        (
            'cite "these voluntary norms, rules, and principles should be used as a '
            'substitute for a legally binding instrument"',
            1,
        ),
        (
            'cite "International law, and in particular the Charter of the United Nations, '
            'is applicable and is essential to maintaining peace and stability"',
            0,
        ),
    ],
)
def test_readme_terminal_examples_are_real(
    cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, command: str, code: int
) -> None:
    monkeypatch.setenv("POSTTRACK_DATA", str(SHIPPED))
    monkeypatch.chdir(REPO)  # paths in the examples are relative to the repository
    result = cli(*shlex.split(command), "-f", "table")  # what a terminal shows (auto)
    assert result.code == code
    assert _stripped(result.out).rstrip("\n") == _console_block(command).rstrip("\n")


def test_readme_show_plain_example_is_real(
    cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTTRACK_DATA", str(SHIPPED))
    out = cli("show", "militarization").out
    cut = "".join("\t".join(line.split("\t")[:4]) + "\n" for line in out.splitlines())
    assert _console_block("show militarization | cut -f1-4") == cut


def test_readme_cite_plain_example_is_real(
    cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTTRACK_DATA", str(SHIPPED))
    monkeypatch.chdir(REPO)
    quote = "These peaceful means include but are not limited to inquiry, mediation"
    assert cli("cite", quote).out == _console_block(f'cite "{quote}"')


def test_readme_export_example_is_real(cli: Callable[..., Result]) -> None:
    out = cli("export", "--by", "quote", "--data", str(SHIPPED), "-f", "tsv").out
    fields = [0, 2, 3, 7, 20]
    rows = [line.split("\t") for line in out.splitlines()[:5]]
    cut = "".join("\t".join(row[i] for i in fields) + "\n" for row in rows)
    assert _console_block("export --by quote -f tsv | cut -f1,3,4,8,21 | head -5") == cut


def test_readme_library_examples_are_real(monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's library examples run, against the shipped dataset, and print
    what the README says they print."""
    import doctest

    monkeypatch.delenv("POSTTRACK_DATA", raising=False)
    start = README.index("## Using it as a library")
    section = README[start : README.index("\n## ", start + 1)]
    parser = doctest.DocTestParser()
    test = parser.get_doctest(section, {}, "README library examples", "README.md", 0)
    assert len(test.examples) >= 10
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    failures: list[str] = []
    runner.run(test, out=failures.append)
    assert runner.failures == 0, "".join(failures)


def test_readme_code_layout_matches_the_tree() -> None:
    """'How the code is laid out' names every package and module there is, each in
    its package's row, and no module that is gone."""
    start = README.index("## How the code is laid out")
    section = README[start : README.index("\n## ", start + 1)]
    rows = {
        match[1]: match[2]
        for match in re.finditer(r"^\| `([a-z_]+)/` \| (.+) \|$", section, re.MULTILINE)
    }
    package = REPO / "src" / "posttrack"
    subpackages = sorted(p.name for p in package.iterdir() if (p / "__init__.py").is_file())
    assert sorted(rows) == subpackages
    for name in subpackages:
        modules = {p.stem for p in (package / name).glob("*.py")} - {"__init__"}
        named = set(re.findall(r"`([a-z_]+)`", rows[name]))
        assert modules <= named, f"{name}/: {sorted(modules - named)} not in the README"
    top = {p.name for p in package.glob("*.py")} - {"__init__.py", "__main__.py"}
    mentioned = set(re.findall(r"`([a-z_]+\.py)`", section))
    assert top == mentioned


def test_readme_cite_batch_example_is_real(
    cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setenv("POSTTRACK_DATA", str(SHIPPED))
    monkeypatch.chdir(REPO)
    lines = "common heritage\n\nPakistan does not support a legally binding instrument\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    result = cli("cite", "-", "-f", "plain")
    marker = "posttrack cite - -f plain\n"
    start = README.index(marker) + len(marker)
    shown = README[start : README.index("```", start)]
    assert result.code == 1
    assert result.out == "".join(line.strip() + "\n" for line in shown.splitlines() if line.strip())
