"""`check`: every quote in its source, with the closest match when it is not."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import MINI, SHIPPED, Result, rewrite
from posttrack import load_dataset
from posttrack.errors import Change, Closest
from posttrack.quotes.verify import run_check

Cli = Callable[..., Result]


def test_shipped_dataset_passes_check(cli: Cli) -> None:
    result = cli("check", "--data", str(SHIPPED))
    assert (result.code, result.out) == (0, "")
    assert result.err.startswith("check: 61 positions, 159 quotes, ")
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
    score = re.search(r"closest \((\d+)/100\)", result.out)
    assert score is not None
    assert 90 <= int(score[1]) < 100
    # the whole passage, where it starts (line and column), and what differs
    assert result.out == (
        f"{path}:45:15: quote not found in 'alpha-paper'; closest ({score[1]}/100) at "
        f"{data / 'sources' / 'alpha-paper.txt'}:5:4: "
        '"There is a need for binding rules for responsible State behaviour."; '
        "differences: the source says 'rules', the quote 'rulez'; "
        "the source says 'State', the quote 'States'\n"
    )
    assert result.err == "check: 4 positions, 5 quotes, 2 sources, 2 topics: 1 problem(s)\n"


def test_the_closest_passage_is_a_field_of_the_problem(dataset_copy: Callable[..., Path]) -> None:
    data = dataset_copy()
    rewrite(data, "There is a need for binding", "There is no need for binding")
    (problem,) = run_check(load_dataset(data))
    assert problem.closest is not None
    assert problem.closest._replace(score=0) == Closest(
        str(data / "sources" / "alpha-paper.txt"),
        5,
        4,
        0,
        "There is a need for binding rules for responsible State behaviour.",
        (Change("replace", "no", "a", True),),
    )
    assert 80 <= problem.closest.score < 100
    # a difference that changes the meaning is said plainly
    assert problem.message.endswith(
        "differences: the source says 'a', the quote 'no' (Not what the source says: it says "
        "'There is a need', the quote says 'There is no need'.)"
    )


def test_a_long_passage_is_shown_whole_with_a_reversal_explained(
    cli: Cli, dataset_copy: Callable[..., Path]
) -> None:
    data = dataset_copy(SHIPPED)
    rewrite(data, "principles should not be used as", "principles should be used as")
    result = cli("check", "--data", str(data))
    assert result.code == 1
    sentence = (
        "However, these voluntary norms, rules, and principles should not be used as a "
        "substitute for a legally binding instrument, supported by a robust enforcement, "
        "verification, and accountability mechanism."
    )
    assert f'2023-10-11-issi-brief.txt:32:252: "{sentence}"; ' in result.out
    assert result.out.rstrip("\n").endswith(
        "differences: the quote leaves out 'not' (Not what the source says: it says "
        "'should not be used', the quote says 'should be used'.)"
    )


def test_a_quote_with_nothing_close_says_so(dataset_copy: Callable[..., Path]) -> None:
    data = dataset_copy()
    rewrite(data, "Alpha supports voluntary norms of behaviour.", "Zq")
    (problem,) = run_check(load_dataset(data))
    assert problem.closest is None or problem.closest.score < 100
    assert problem.message.startswith("quote not found in 'alpha-paper'; ")


_ALPHA_PATH = "    path: sources/alpha-paper.txt\n"
_BETA_PATH = "    path: sources/beta-statement.txt\n"


@pytest.mark.parametrize(
    ("after", "where", "expected"),
    [
        (_ALPHA_PATH, "para 7", "(the document's paragraphs are numbered 1-3)"),
        (_ALPHA_PATH, "para 2(b)", "(the document's paragraphs are numbered 1-3)"),
        (_ALPHA_PATH, "paras 2-4", "(the document's paragraphs are numbered 1-3)"),
        (_ALPHA_PATH, 'section "Annex"', "(the document has no section headings)"),
        (_BETA_PATH, "unnumbered para 3", "(the document has 2 unnumbered paragraph(s))"),
        (_BETA_PATH, "unnumbered paras 2-3", "(the document has 2 unnumbered paragraph(s))"),
        (
            _BETA_PATH,
            "para 1",
            "(the document numbers no paragraphs; name the passage as `para 18`",
        ),
    ],
)
def test_a_passage_naming_no_place_in_its_document_is_an_error(
    cli: Cli, dataset_copy: Callable[..., Path], after: str, where: str, expected: str
) -> None:
    data = dataset_copy()
    rewrite(data, after, f"{after}    passages:\n      - where: {where}\n        said_by: them\n")
    source = "alpha-paper" if after == _ALPHA_PATH else "beta-statement"
    line = 15 if after == _ALPHA_PATH else 23
    result = cli("check", "--data", str(data))
    assert result.code == 1
    assert result.out.startswith(
        f"{data / 'positions.yaml'}:{line}:16: the passage '{where}' of '{source}' names no "
        f"place in {data / 'sources' / (source + '.txt')} {expected}"
    )
    assert result.out.rstrip("\n").endswith("; fix its 'where'")


@pytest.mark.parametrize(
    ("after", "where"),
    [
        (_ALPHA_PATH, "para 2"),
        (_ALPHA_PATH, "para 2(a)"),
        (_ALPHA_PATH, "paras 1-3"),
        (_BETA_PATH, "unnumbered para 2"),
        (_BETA_PATH, "unnumbered paras 1-2"),
    ],
)
def test_a_passage_naming_a_place_of_its_document_passes(
    cli: Cli, dataset_copy: Callable[..., Path], after: str, where: str
) -> None:
    data = dataset_copy()
    rewrite(data, after, f"{after}    passages:\n      - where: {where}\n        said_by: them\n")
    assert cli("check", "--data", str(data)).code == 0


def test_passages_that_mark_the_same_place_are_an_error(
    cli: Cli, dataset_copy: Callable[..., Path]
) -> None:
    data = dataset_copy()
    rewrite(
        data,
        _ALPHA_PATH,
        f"{_ALPHA_PATH}    passages:\n      - where: para 2(a)\n        said_by: them\n"
        "      - where: paras 1-2\n        said_by: others\n",
    )
    result = cli("check", "--data", str(data))
    assert result.code == 1
    assert result.out == (
        f"{data / 'positions.yaml'}:17:16: the passages 'para 2(a)' and 'paras 1-2' of "
        "'alpha-paper' both mark line 6; mark each place once\n"
    )


def test_a_section_passage_is_checked_against_the_headings(
    cli: Cli, dataset_copy: Callable[..., Path]
) -> None:
    data = dataset_copy(SHIPPED)
    marked = "passages:              # its accounts of the OEWG report"
    rewrite(
        data,
        marked,
        'passages:\n      - where: section "Conclusion"\n        said_by: x\n'
        '      - where: section "Conclusions"\n        said_by: y\n    #',
    )
    result = cli("check", "--data", str(data))
    assert result.code == 1
    assert result.out.count("\n") == 1
    assert "the passage 'section \"Conclusions\"' of '2023-10-11-issi-brief'" in result.out
    assert '(its sections are "Militarization of ICTs: Existing and Potential Threats", ' in (
        result.out
    )


def test_wrong_paragraph_is_reported(cli: Cli, dataset_copy: Callable[..., Path]) -> None:
    data = dataset_copy()
    rewrite(data, "        where: para 3", "        where: para 1")
    result = cli("check", "--data", str(data))
    assert result.code == 1
    assert result.out == (
        f"{data / 'positions.yaml'}:66:15: the quote is in para 3 of 'alpha-paper' (line 8), "
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
    assert result.err == (
        "check: the dataset does not load: 1 problem(s) in its entries, "
        "0 in the quotes of the 2 valid position(s)\n"
    )


def test_check_json(cli: Cli, dataset_copy: Callable[..., Path]) -> None:
    import json

    data = dataset_copy()
    rewrite(data, "        where: para 3", "        where: para 1")
    document = json.loads(cli("check", "--data", str(data), "-f", "json").out)
    assert document["schema_version"] == 1
    assert document["ok"] is False
    assert [set(p) for p in document["problems"]] == [
        {"path", "line", "column", "severity", "message", "closest"}
    ]
    assert document["problems"][0]["line"] == 66


def test_unreadable_source_is_a_problem_not_a_crash(
    cli: Cli, dataset_copy: Callable[..., Path]
) -> None:
    data = dataset_copy()
    (data / "sources" / "beta-statement.txt").write_bytes(b"bad \xfe byte\n")
    result = cli("check", "--data", str(data))
    assert result.code == 1
    assert "beta-statement.txt:1:5: invalid UTF-8 (byte 0xfe)" in result.out


def test_a_recorded_sha256_is_verified(cli: Cli, dataset_copy: Callable[..., Path]) -> None:
    import hashlib

    data = dataset_copy()
    digest = hashlib.sha256((data / "sources" / "alpha-paper.txt").read_bytes()).hexdigest()
    rewrite(
        data,
        "    path: sources/alpha-paper.txt\n",
        f"    path: sources/alpha-paper.txt\n    sha256: {digest}\n",
    )
    assert cli("check", "--data", str(data)).code == 0
    text = data / "sources" / "alpha-paper.txt"
    text.write_bytes(text.read_bytes() + b"\n")  # one byte more: a different text
    result = cli("check", "--data", str(data))
    assert result.code == 1
    assert "the text of 'alpha-paper' (sources/alpha-paper.txt) is not the one recorded" in (
        result.out
    )
    rewrite(data, f"sha256: {digest}", "sha256: ABC")
    result = cli("check", "--data", str(data))
    assert result.code == 2
    assert "'sha256' must be the 64 lower-case hex digits" in result.out
