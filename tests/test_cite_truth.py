"""`cite` tells the truth: a reversed, doctored or spliced quote is never confirmed,
a faithful one is, and whatever differs is said (issue 13's examples and more)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import SHIPPED, Result

Cli = Callable[..., Result]


@pytest.fixture(autouse=True)
def _shipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTTRACK_DATA", str(SHIPPED))


def answer(cli: Cli, quote: str) -> tuple[int, dict]:
    result = cli("cite", quote, "-f", "json")
    assert result.err == ""
    return result.code, json.loads(result.out)


def meaning(document: dict) -> list[tuple[str, str, str]]:
    """The best match's meaning-bearing differences: (op, quote words, source words)."""
    diffs = document["matches"][0]["differences"]
    return [(d["op"], d["quote"], d["source"]) for d in diffs if d["meaning"]]


# Doctored quotes of real passages: each changes what the source says.
ALTERED = [
    # a negation added (the source: "it is essential to develop ...")
    (
        "it is not essential to develop a legally binding international instrument",
        ("insert", "not", ""),
    ),
    # a negation removed (the source: "should not be used as a substitute")
    (
        "these voluntary norms, rules, and principles should be used as a substitute for a "
        "legally binding instrument",
        ("delete", "", "not"),
    ),
    # an ellipsis hiding "not"
    (
        "these voluntary norms, rules, and principles should … be used as a substitute for a "
        "legally binding instrument",
        ("delete", "…", "not"),
    ),
    # a modal swapped (the source: "should not be used")
    (
        "these voluntary norms, rules, and principles must not be used as a substitute for a "
        "legally binding instrument",
        ("replace", "must", "should"),
    ),
    # a content word swapped for its opposite (the source: "essential")
    (
        "it is unnecessary to develop a legally binding international instrument",
        ("replace", "unnecessary", "essential"),
    ),
]


@pytest.mark.parametrize(("quote", "changed"), ALTERED)
def test_a_doctored_quote_is_altered_and_says_what_changed(
    cli: Cli, quote: str, changed: tuple[str, str, str]
) -> None:
    code, document = answer(cli, quote)
    assert (code, document["verdict"]) == (1, "altered")
    assert changed in meaning(document)
    assert document["matches"][0]["explanation"].startswith("Not what the source says")


def test_people_are_told_first_what_the_source_says(cli: Cli) -> None:
    result = cli(
        "cite",
        "these voluntary norms, rules, and principles should be used as a substitute for a "
        "legally binding instrument",
        "-f",
        "table",
    )
    assert result.code == 1
    lines = result.out.splitlines()
    verdict_at = next(i for i, line in enumerate(lines) if line.rstrip().endswith("altered"))
    sentence = " ".join(lines[verdict_at + 1 : verdict_at + 4])
    assert sentence.startswith("Not what the source says: it says 'should not be used'")
    assert "[-not-]" in result.out  # the difference reads without colour too


def test_a_quote_nowhere_says_what_is_nearest_without_claiming_it(cli: Cli) -> None:
    code, document = answer(cli, "Pakistan does not support a legally binding instrument")
    assert (code, document["verdict"], document["matches"]) == (1, "none", [])
    assert 1 <= len(document["nearest"]) <= 3
    assert all(n["score"] < 80 for n in document["nearest"])
    assert all("differences" in n for n in document["nearest"])
    table = cli("cite", "Pakistan does not support a legally binding instrument", "-f", "table")
    assert "nearest passages (not a match)" in table.out


# Faithful quotes: how people really write a real quote.
FAITHFUL = [
    # another case, and curly quote marks
    "“IT IS ESSENTIAL TO DEVELOP A LEGALLY BINDING INTERNATIONAL INSTRUMENT”",
    # American spelling of a British text (the source: "behaviour")
    "responsible state behavior",
    # a line break where the source has none
    "it is essential to develop a legally\nbinding international instrument",
    # an ellipsis over neutral words (the source: "... instrument, specifically tailored
    # to the unique attributes of ICTs")
    "a legally binding international instrument … tailored to the unique attributes of ICTs",
    # an editorial capital
    "[I]t is essential to develop a legally binding international instrument",
    # a typo
    "it is esential to develop a legally binding international instrument",
]


@pytest.mark.parametrize("quote", FAITHFUL)
def test_a_faithful_quote_can_be_printed(cli: Cli, quote: str) -> None:
    code, document = answer(cli, quote)
    assert document["verdict"] in ("verbatim", "close"), document["matches"][:1]
    assert code == 0
    assert not any(d["meaning"] for m in document["matches"] for d in m["differences"])


def test_a_verbatim_quote_has_no_differences(cli: Cli) -> None:
    code, document = answer(cli, "common heritage")
    assert (code, document["verdict"]) == (0, "verbatim")
    assert all(m["differences"] == [] for m in document["matches"])
    assert all(m["verdict"] == "verbatim" for m in document["matches"])


def test_a_splice_of_two_paragraphs_is_not_a_quote(cli: Cli, tmp_path: Path) -> None:
    """An ellipsis that joins the end of one paragraph to the start of the next makes
    one sentence of two: never printable as a quote."""
    (tmp_path / "doc.txt").write_text(
        "1. The Committee welcomed the proposal of the delegation on capacity building.\n\n"
        "2. Several members rejected the proposal outright at the closing session.\n"
    )
    quote = "The Committee welcomed the proposal … outright at the closing session"
    result = cli("cite", quote, str(tmp_path), "-f", "json")
    document = json.loads(result.out)
    assert (result.code, document["verdict"]) == (1, "altered")
    (splice,) = [d for d in document["matches"][0]["differences"] if d["meaning"]]
    assert splice["why"].startswith("a splice")
    faithful = "The Committee welcomed the proposal … on capacity building"
    result = cli("cite", faithful, str(tmp_path), "-f", "json")
    assert (result.code, json.loads(result.out)["verdict"]) == (0, "verbatim")
