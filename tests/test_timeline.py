"""The pure timeline core: history and shifts, as-of at period boundaries, diff."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from posttrack import load_dataset
from posttrack.dates import parse_date
from posttrack.model import Dataset
from posttrack.query.diff import diff, word_diff
from posttrack.query.timeline import as_of, history


@pytest.fixture(scope="module")
def data() -> Dataset:
    return load_dataset(FIXTURES / "timeline")


def shifts(data: Dataset, topic: str, **bounds: str) -> list[tuple[str, str]]:
    dates = {k: parse_date(v) for k, v in bounds.items()}
    return [(e.position.source, e.shift) for e in history(data, topic, **dates)]


def test_shift_by_scale(data: Dataset) -> None:
    assert shifts(data, "alpha") == [("s2020", "first"), ("s2021", "stronger"), ("s2023", "weaker")]


def test_shift_by_words_ignores_case_and_spacing(data: Dataset) -> None:
    assert shifts(data, "beta") == [("s2021", "first"), ("s2022", "same"), ("s2023", "changed")]


def test_filters_keep_the_shift_against_the_hidden_position(data: Dataset) -> None:
    assert shifts(data, "alpha", since="2021") == [("s2021", "stronger"), ("s2023", "weaker")]
    assert shifts(data, "alpha", until="2021-05") == [("s2020", "first")]
    assert shifts(data, "alpha", since="2022", until="2022") == []


@pytest.mark.parametrize(
    ("when", "source"),
    [
        ("2019", None),
        ("2020-06", None),  # "2020?" is not known to be stated before the year is out
        ("2020", "s2020"),
        ("2021-06-15", "s2020"),  # "2021-06" has not ended by the 15th
        ("2021-06", "s2021"),
        ("2021-06-30", "s2021"),
        ("2022", "s2021"),
        ("2023-12", "s2023"),
        ("2030", "s2023"),
    ],
)
def test_as_of_counts_a_position_once_its_period_has_ended(
    data: Dataset, when: str, source: str | None
) -> None:
    found = as_of(data, "alpha", parse_date(when))
    assert (found.position.source if found else None) == source


def summary(data: Dataset, a: str, b: str, topics: list[str] | None = None) -> list[tuple]:
    return [
        (
            c.topic.id,
            c.change,
            c.before.position.source if c.before else None,
            c.after.position.source if c.after else None,
            c.carried_forward,
        )
        for c in diff(data, parse_date(a), parse_date(b), topics)
    ]


def test_diff_forward(data: Dataset) -> None:
    assert summary(data, "2020", "2022") == [
        ("alpha", "stronger", "s2020", "s2021", True),  # not restated in 2022
        ("beta", "new", None, "s2022", False),
        ("gamma", "new", None, "s2022", False),
    ]


def test_diff_reverse_shows_the_way_back(data: Dataset) -> None:
    assert summary(data, "2022", "2020") == [
        ("alpha", "weaker", "s2021", "s2020", False),
        ("beta", "absent", "s2022", None, False),
        ("gamma", "absent", "s2022", None, False),
    ]


def test_diff_of_a_date_with_itself_is_unchanged(data: Dataset) -> None:
    assert summary(data, "2023", "2023") == [
        ("alpha", "unchanged", "s2023", "s2023", False),
        ("beta", "unchanged", "s2023", "s2023", False),
        ("gamma", "unchanged", "s2022", "s2022", True),
    ]


def test_diff_same_words_is_unchanged_and_topics_can_be_chosen(data: Dataset) -> None:
    # B is December 2022; the position is from March: carried forward
    assert summary(data, "2021", "2022-12", ["beta"]) == [
        ("beta", "unchanged", "s2021", "s2022", True)
    ]
    assert summary(data, "2021", "2022", ["beta"]) == [
        ("beta", "unchanged", "s2021", "s2022", False)
    ]


def test_diff_leaves_out_topics_without_any_position(data: Dataset) -> None:
    assert summary(data, "2010", "2019") == []


def test_word_diff() -> None:
    assert word_diff("binding rules, politically or legally", "legally binding rules") == [
        ("insert", "legally"),
        ("equal", "binding"),
        ("delete", "rules, politically or legally"),
        ("insert", "rules"),
    ]
    assert word_diff("", "new words") == [("insert", "new words")]
    assert word_diff("same", "same") == [("equal", "same")]
