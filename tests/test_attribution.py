"""Whose words a match holds: marked passages, the source's voice, curated positions;
and the locations a passage may name."""

from __future__ import annotations

from pathlib import Path

import pytest

from posttrack.dates import parse_date
from posttrack.model import Passage, Source
from posttrack.quotes.attribution import in_own_words, passage_of, said_by
from posttrack.quotes.passages import (
    covered,
    label_within,
    location_problem,
    unnumbered_paragraphs,
)

TEXT = """## A working paper

### Law

17. The State's own view.

18. Previous GGEs have concluded that international law applies.
  - a) They also said more.

19. Its own view again.

### Measures

29. Previous reports recognised CBMs.

30. Reports include recommendations.
"""


def _source(voice: str, *passages: Passage) -> Source:
    return Source(
        "a", "A paper", "A", parse_date("2020"), "working-paper", voice, "An Analyst",
        None, "", None, "a.txt", Path("a.txt"), passages=passages,
    )  # fmt: skip


GGE = Passage("para 18", "previous GGEs")
REPORTS = Passage("paras 29-30", "previous GGE reports")
SECTION = Passage('section "Law"', "the lawyers")
UNNUMBERED = Passage("unnumbered paras 2-3", "many delegations")


# -- said_by, every branch -----------------------------------------------------------


def test_a_file_given_on_the_command_line_is_nobodys() -> None:
    assert said_by(None, "para 18", True, "Pakistan") is None
    assert not in_own_words(None, "para 18")


@pytest.mark.parametrize("voice", ["primary", "reported"])
def test_the_states_own_sources_speak_for_the_state(voice: str) -> None:
    source = _source(voice, GGE)
    assert said_by(source, "para 17", False, "Pakistan") == "Pakistan"
    assert said_by(source, None, False, "Pakistan") == "Pakistan"
    assert in_own_words(source, "para 17")


def test_a_secondary_source_speaks_for_the_state_only_where_a_position_quotes_it() -> None:
    source = _source("secondary")
    assert said_by(source, 'section "Law"', True, "Pakistan") == "Pakistan"
    assert said_by(source, 'section "Law"', False, "Pakistan") == "An Analyst"
    # an analyst's words are never the state's own, even where they report it
    assert not in_own_words(source, 'section "Law"')


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("para 18", "previous GGEs"),
        ("para 18(a)", "previous GGEs"),  # a sub-paragraph is inside its paragraph
        ("para 29", "previous GGE reports"),  # a paragraph is inside a range
        ("para 30", "previous GGE reports"),
        ("para 17", "Pakistan"),
        ("para 19", "Pakistan"),
        ("para 1", "Pakistan"),
        ("para 180", "Pakistan"),  # not para 18
        (None, "Pakistan"),
    ],
)
def test_a_marked_passage_is_its_owners_by_label(where: str | None, expected: str) -> None:
    source = _source("primary", GGE, REPORTS)
    assert said_by(source, where, True, "Pakistan") == expected
    assert in_own_words(source, where) == (expected == "Pakistan")


def test_a_marked_passage_wins_over_a_curated_position_in_every_voice() -> None:
    for voice in ("primary", "reported", "secondary"):
        source = _source(voice, GGE)
        assert said_by(source, "para 18", True, "Pakistan") == "previous GGEs"
        assert not in_own_words(source, "para 18")


def test_sections_and_unnumbered_paragraphs_match_by_label() -> None:
    source = _source("secondary", SECTION, UNNUMBERED)
    assert said_by(source, 'section "Law"', True, "P") == "the lawyers"
    assert said_by(source, 'section "Lawn"', True, "P") == "P"
    assert said_by(source, "unnumbered para 2", False, "P") == "many delegations"
    assert said_by(source, "unnumbered para 4", False, "P") == "An Analyst"


@pytest.mark.parametrize(
    ("line", "end_line", "expected"),
    [
        (7, 7, "previous GGEs"),
        (8, 8, "previous GGEs"),  # its sub-paragraph (a)
        (5, 5, "Pakistan"),
        (10, 10, "Pakistan"),
        (5, 7, "previous GGEs"),  # a span that runs into others' words is not the state's
        (14, 14, "previous GGE reports"),
        (16, 16, "previous GGE reports"),
    ],
)
def test_a_marked_passage_is_found_by_its_lines_given_the_text(
    line: int, end_line: int, expected: str
) -> None:
    source = _source("primary", GGE, REPORTS)
    # the label says nothing useful here: the lines decide
    found = said_by(source, None, False, "Pakistan", text=TEXT, line=line, end_line=end_line)
    assert found == expected
    own = in_own_words(source, None, text=TEXT, line=line, end_line=end_line)
    assert own == (expected == "Pakistan")


def test_a_section_passage_covers_its_paragraphs_by_lines() -> None:
    source = _source("secondary", SECTION)
    assert said_by(source, "para 18", False, "P", text=TEXT, line=7) == "the lawyers"
    assert said_by(source, "para 29", True, "P", text=TEXT, line=14) == "P"


def test_the_passage_itself_is_given() -> None:
    source = _source("primary", GGE, REPORTS)
    assert passage_of(source, "para 30") == REPORTS
    assert passage_of(_source("primary"), "para 30") is None


# -- locations ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "where",
    [
        "para 18",
        "para 5(a)",
        "para 11(i)(a)",
        "paras 29-30",
        "unnumbered para 3",
        "unnumbered paras 9-10",
        'section "Applicability of International Law"',
    ],
)
def test_locations_a_passage_may_name(where: str) -> None:
    assert location_problem(where) is None


@pytest.mark.parametrize(
    "where",
    [
        "para",
        "para 0",
        "para 018",
        "para ١٨",  # not ASCII digits
        "paragraph 18",
        "para 18 ",
        "paras 30-29",
        "paras 3-3",
        "para 18-19",
        "unnumbered para",
        'section ""',
        "section Law",
        "lines 3-4",
    ],
)
def test_locations_a_passage_may_not_name(where: str) -> None:
    assert location_problem(where) is not None


def test_label_within() -> None:
    assert label_within("para 18(a)(i)", "para 18")
    assert not label_within("para 18", "para 18(a)")
    assert label_within("para 30", "paras 29-30")
    assert not label_within("para 31", "paras 29-30")
    assert label_within("unnumbered para 4", "unnumbered paras 3-5")
    assert not label_within("unnumbered para 6", "unnumbered paras 3-5")
    assert label_within('section "Law"', 'section "Law"')
    assert not label_within(None, "para 1")


def test_covered_lines_of_each_form() -> None:
    assert covered("para 18", TEXT) == [7, 8, 9]
    assert covered("para 18(a)", TEXT) == [8, 9]
    assert covered("paras 29-30", TEXT) == [14, 15, 16, 17]
    assert covered("paras 18-20", TEXT) == []  # para 20 is not there
    assert covered('section "Measures"', TEXT) == [12, 13, 14, 15, 16, 17]
    assert covered('section "Annex"', TEXT) == []
    assert covered("para 31", TEXT) == []


STATEMENT = """# PAKISTAN

**Statement by the Ambassador
2021-2025**

**New York, 13 December 2021**

**Mr. Chairman,**

The delegation congratulates you.

Cyber warfare has emerged. We must be concerned at the rise in the

frequency of attacks on critical infrastructure.

**Mr. Chairman,**

### A heading

Our third paragraph.<sup>1</sup>

---

<sup>1</sup> A footnote.

I thank you
"""


def test_unnumbered_paragraphs_are_counted_as_the_sources_readme_says() -> None:
    numbers = unnumbered_paragraphs(STATEMENT)
    body = {n: [at for at, k in enumerate(numbers, 1) if k == n] for n in (1, 2, 3, 4)}
    # the title block, the salutations, headings, rules and footnotes are not counted;
    # a paragraph a page break splits counts once
    assert body == {1: [10], 2: [12, 14], 3: [20], 4: [26]}
    assert covered("unnumbered paras 2-3", STATEMENT) == [12, 14, 20]
    assert covered("unnumbered para 5", STATEMENT) == []
