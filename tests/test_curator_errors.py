"""Errors that say how to fix: "did you mean" for a mistyped id, each problem at the
value it is about, a hint with every YAML syntax error, and `check` reporting the
entries' and the quotes' problems in one run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conftest import SHIPPED, Result, rewrite
from posttrack import load_dataset
from posttrack.dataset.suggest import name_keys, suggest
from posttrack.errors import DataError

Copy = Callable[..., Path]
Cli = Callable[..., Result]


def problems(data: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_dataset(data)
    return [str(p) for p in caught.value.problems]


def located(data: Path, new: str, needle: str) -> tuple[int, int]:
    """1-based line and column of `needle` within the text `new` written into
    positions.yaml (so that a word also written elsewhere is found where it was edited)."""
    text = (data / "positions.yaml").read_text(encoding="utf-8")
    offset = text.index(new) + new.index(needle)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def at(data: Path, new: str, needle: str) -> str:
    line, column = located(data, new, needle)
    return f"{data / 'positions.yaml'}:{line}:{column}: "


# -- did you mean --------------------------------------------------------------------


def test_suggest_folds_case_and_spelling() -> None:
    keys = name_keys([("cbms", "cbms"), ("CBMs", "cbms"), ("norms", "norms")])
    assert suggest("CBMs", keys) == "cbms"
    assert suggest("norm", keys) == "norms"
    assert suggest("stakeholders", keys) is None
    assert suggest("\u200b", keys) is None


def test_a_topic_id_written_as_its_alias_names_the_id(dataset_copy: Copy) -> None:
    data = dataset_copy(SHIPPED)
    rewrite(data, "  - topic: cbms\n", "  - topic: CBMs\n")
    assert problems(data) == [
        at(data, "  - topic: CBMs\n", "CBMs")
        + "'CBMs' is not a valid id; use lower-case words joined by "
        "hyphens, like 'binding-instrument'; did you mean 'cbms'?"
    ]


def test_a_misspelt_source_id_names_the_closest_id(dataset_copy: Copy) -> None:
    data = dataset_copy(SHIPPED)
    wrong = "2021-12-13-akram-oewg-statment"
    rewrite(
        data,
        "    source: 2021-12-13-akram-oewg-statement\n    level: 3",
        f"    source: {wrong}\n    level: 3",
    )
    assert problems(data) == [
        at(data, f"    source: {wrong}\n", wrong) + f"unknown source '{wrong}'; did you mean "
        "'2021-12-13-akram-oewg-statement'?"
    ]


@pytest.mark.parametrize(
    ("old", "new", "needle", "expected"),
    [
        (
            "  - topic: norms\n    source: alpha-paper",
            "  - topic: norm\n    source: alpha-paper",
            "norm\n",
            "unknown topic 'norm'; did you mean 'norms'?",
        ),
        (  # an alias is a name of its topic: the id is what a position needs
            "  - topic: norms\n    source: alpha-paper",
            "  - topic: treaty\n    source: alpha-paper",
            "treaty\n",
            "unknown topic 'treaty'; did you mean 'binding-instrument'?",
        ),
        (
            "  - topic: norms\n    source: alpha-paper",
            "  - topic: gamma\n    source: alpha-paper",
            "gamma\n",
            "unknown topic 'gamma'; add it under 'topics' or fix the id",
        ),
        (
            "    source: alpha-paper\n    level: 1",
            "    source: alpha-papr\n    level: 1",
            "alpha-papr",
            "unknown source 'alpha-papr'; did you mean 'alpha-paper'?",
        ),
        (
            "    source: alpha-paper\n    level: 1",
            "    source: Beta-Statement\n    level: 1",
            "Beta-Statement",
            "'Beta-Statement' is not a valid id; use lower-case words joined by hyphens, "
            "like 'binding-instrument'; did you mean 'beta-statement'?",
        ),
        (
            "      after: alpha-paper\n      note: Essential",
            "      after: alpha-papers\n      note: Essential",
            "alpha-papers",
            "unknown source 'alpha-papers' in the assessment's 'after'; "
            "did you mean 'alpha-paper'?",
        ),
        (
            "      after: alpha-paper\n      note: Essential",
            "      after: gamma\n      note: Essential",
            "gamma",
            "unknown source 'gamma' in the assessment's 'after'; "
            "name the source of the position before this one",
        ),
    ],
    ids=[
        "topic-typo",
        "topic-alias",
        "topic-nothing-close",
        "source-typo",
        "source-case",
        "after-typo",
        "after-nothing-close",
    ],
)
def test_an_unknown_id_says_which_it_most_likely_meant_at_its_value(
    dataset_copy: Copy, old: str, new: str, needle: str, expected: str
) -> None:
    data = dataset_copy()
    rewrite(data, old, new)
    assert problems(data) == [at(data, new, needle.strip()) + expected]


# -- each problem at its value ---------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "needle", "expected"),
    [
        (
            "    level: 2\n",
            "    level: 7\n",
            "7\n",
            "level 7 is not on the scale of 'binding-instrument' (levels: 1, 2)",
        ),
        (
            "    source: beta-statement\n    level: 2",
            '    source: beta-statement\n    date: "2022"\n    original: X\n    level: 2',
            '"2022"',
            "the position is dated 2022 but its source was issued 2021-12-13; a source "
            "cannot report what was not yet said",
        ),
        (
            "  - id: beta-statement\n    title: Statement",
            "  - id: alpha-paper\n    title: Statement",
            "alpha-paper",
            "duplicate source id 'alpha-paper' (first at line 7)",
        ),
        (
            "  - id: norms\n    title: Norms",
            "  - id: binding-instrument\n    title: Norms",
            "binding-instrument",
            "duplicate topic id 'binding-instrument' (first at line 24)",
        ),
    ],
    ids=["level", "date", "duplicate-source", "duplicate-topic"],
)
def test_a_cross_entry_problem_is_at_the_value_it_is_about(
    dataset_copy: Copy, old: str, new: str, needle: str, expected: str
) -> None:
    data = dataset_copy()
    rewrite(data, old, new)
    found = problems(data)
    assert at(data, new, needle.strip()) + expected in found, found


def test_a_dated_position_without_its_original_is_at_its_date(dataset_copy: Copy) -> None:
    data = dataset_copy()
    rewrite(
        data,
        "    source: beta-statement\n    level: 2",
        '    source: beta-statement\n    date: "2021-03"\n    level: 2',
    )
    assert problems(data) == [
        at(data, '    date: "2021-03"', '"2021-03"')
        + "the position is dated 2021-03, not 2021-12-13 like its source; "
        "name the 'original' document whose date it carries"
    ]


# -- YAML syntax errors with a hint ------------------------------------------------------


@pytest.fixture(params=["C", "Python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both of PyYAML's parsers: their wording differs, posttrack's hint must not."""
    if request.param == "Python":
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML without libyaml")
    return str(request.param)


@pytest.mark.parametrize(
    ("old", "new", "needle", "hint"),
    [
        (
            "    summary: Wants binding rules.\n",
            "    summary: Wants rules: binding ones.\n",
            ": binding",
            "quote a value that contains ': ' (or write it as a > block)",
        ),
        (
            "    summary: Supports voluntary norms.\n",
            "      summary: Supports voluntary norms.\n",
            ": Supports voluntary norms.",
            "this line is indented more than the line above, which has a value already; "
            "line it up with that line, or remove that value",
        ),
        (
            "    summary: Supports voluntary norms.\n",
            "\tsummary: Supports voluntary norms.\n",
            "\tsummary",
            "a tab is used for indentation; indent with spaces",
        ),
        (
            "    title: Alpha Working Paper\n",
            '    title: "Alpha Working Paper\n',
            '"Alpha',
            'the " opened here is not closed on its line; close it',
        ),
        (
            "    aliases: [binding, treaty]\n",
            "    aliases: [binding, treaty\n",
            "[binding",
            "the '[' opened here is never closed; close it with ']'",
        ),
        (
            "    summary: Supports voluntary norms.\n",
            "   summary: Supports voluntary norms.\n",
            "summary: Supports voluntary norms.",
            "this line is indented less than the line above, and unlike any key before it; "
            "line it up with its entry's other keys",
        ),
        (
            "    summary: Supports voluntary norms.\n",
            "    summary: Supports voluntary norms.\n    - another\n",
            "- another",
            "a list entry ('- ') among a mapping's keys; make it a key, or put the list under "
            "a key of its own",
        ),
        (
            "    summary: Supports voluntary norms.\n",
            '    summary: "Supports" voluntary norms.\n',
            "voluntary norms.",
            "text follows a quoted value; put all of the value inside the quotes",
        ),
        (
            "    summary: Supports voluntary norms.\n",
            '    summary: "Supports C:\\quotes"\n',
            "\\q",
            "a backslash in double quotes starts an escape; use single quotes, "
            "or write \\\\ for a backslash",
        ),
    ],
    ids=[
        "colon",
        "indented-more",
        "tab",
        "unclosed-quote",
        "unclosed-bracket",
        "indented-less",
        "list-among-keys",
        "after-quotes",
        "escape",
    ],
)
@pytest.mark.usefixtures("parser")
def test_a_yaml_error_says_what_to_do_on_one_line(
    dataset_copy: Copy, old: str, new: str, needle: str, hint: str
) -> None:
    data = dataset_copy()
    rewrite(data, old, new)
    (problem,) = problems(data)
    assert "\n" not in problem
    assert problem.startswith(at(data, new, needle)), problem
    assert problem.endswith(f"; {hint}")


# -- check: both lists in one run ---------------------------------------------------------


def test_check_reports_the_entries_and_the_quotes_in_one_run(cli: Cli, dataset_copy: Copy) -> None:
    data = dataset_copy()
    rewrite(data, "voice: primary", "voice: own")  # alpha-paper: not a valid source
    rewrite(data, "Voluntary norms remain useful in peacetime.", "Norms remain useful in wartime.")
    rewrite(data, "Alpha supports voluntary norms of behaviour.", "Alpha supports norms.")
    rewrite(
        data,
        "    stance: Voluntary norms useful",
        "    mood: x\n    stance: Voluntary norms useful",
    )
    result = cli("check", "--data", str(data))
    assert result.code == 2  # a data error: the dataset cannot be used as it is
    shown = [line.split(": ", 1)[1] for line in result.out.splitlines()]
    path = str(data / "positions.yaml")
    assert result.out.splitlines()[0].startswith(f"{path}:11:12: ")
    assert shown[0] == "'voice' is 'own'; expected one of primary, reported, secondary"
    assert any(
        line.startswith(at(data, "Norms remain useful in wartime.", "Norms"))
        and "quote not found in 'beta-statement'" in line
        for line in result.out.splitlines()
    ), result.out
    assert any("unknown key 'mood' in a position" in line for line in shown)
    # the quote of a position whose source is not valid is left until the source is
    assert not any("Alpha supports norms" in line for line in result.out.splitlines())
    assert len(shown) == 3
    assert result.err == (
        "check: the dataset does not load: 2 problem(s) in its entries, "
        "1 in the quotes of the 2 valid position(s)\n"
    )


def test_check_on_a_file_that_is_not_yaml_reports_only_that(cli: Cli, dataset_copy: Copy) -> None:
    data = dataset_copy()
    rewrite(
        data, "    summary: Wants binding rules.\n", "    summary: Wants rules: binding ones.\n"
    )
    rewrite(data, "Voluntary norms remain useful in peacetime.", "Norms remain useful in wartime.")
    result = cli("check", "--data", str(data))
    assert result.code == 2
    assert len(result.out.splitlines()) == 1
    assert "quote a value that contains ': '" in result.out
    assert result.err == "check: the dataset does not load\n"
