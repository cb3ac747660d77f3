"""`posttrack check`: the dataset validated and every quote proved in its source,
summed up in one outcome."""

from __future__ import annotations

import os
from typing import NamedTuple

from posttrack.errors import DataError, Problem
from posttrack.model import Dataset


class CheckOutcome(NamedTuple):
    """What `check` found."""

    problems: list[Problem]
    errors: int  # problems that are errors, not warnings
    summary: str  # one line for people
    loaded: bool  # False when the dataset does not even load: `problems` are the loader's

    @property
    def ok(self) -> bool:
        return self.errors == 0


def check_dataset(data: str | os.PathLike[str] | None = None) -> CheckOutcome:
    """Validate the dataset and verify every quote (from the cache when nothing changed)."""
    from posttrack.dataset.snapshot import load  # here: only `check` needs it

    try:
        loaded = load(data, check=True)
    except DataError as error:
        problems = error.problems
        return CheckOutcome(problems, count_errors(problems), "the dataset does not load", False)
    problems = loaded.problems or []
    errors = count_errors(problems)
    return CheckOutcome(problems, errors, check_summary(loaded.dataset, errors), True)


def count_errors(problems: list[Problem]) -> int:
    return sum(p.severity == "error" for p in problems)


def check_summary(dataset: Dataset, errors: int) -> str:
    """One line for people: what was checked and how it went."""
    quotes = sum(len(p.quotes) for p in dataset.positions)
    checked = (
        f"{len(dataset.positions)} positions, {quotes} quotes, "
        f"{len(dataset.sources)} sources, {len(dataset.topics)} topics"
    )
    return (
        f"{checked}: {errors} problem(s)"
        if errors
        else f"{checked}: every quote found in its source"
    )
