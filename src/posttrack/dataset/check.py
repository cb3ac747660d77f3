"""`posttrack check`: the dataset validated and every quote proved in its source,
summed up in one outcome."""

from __future__ import annotations

import os
from typing import NamedTuple

from posttrack.config import shown_path
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
    problems = sorted(
        [*(loaded.problems or []), *step_problems(loaded.dataset)],
        key=lambda p: (p.path, p.line, p.column),
    )
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


def step_problems(dataset: Dataset) -> list[Problem]:
    """Assessments that no longer assess the step they were written for: a topic's
    first position assessed (nothing is before it), or one whose `after` is not the
    source of the position now before it (re-dated, or another inserted between).
    A step not assessed at all is a warning: the data says nothing untrue, only less."""
    path = shown_path(dataset.file)
    problems: list[Problem] = []
    for topic_id in dataset.topics:
        before = None
        for position in dataset.positions_for(topic_id):
            assessment = position.assessment
            at = (assessment.line, assessment.column) if assessment else (position.line, 0)
            if before is None and assessment is not None:
                problems.append(
                    Problem(
                        path,
                        *at,
                        f"the first position of '{topic_id}' is assessed, but no position "
                        "is before it; remove its 'assessment'",
                    )
                )
            elif before is not None and assessment is None:
                problems.append(
                    Problem(
                        path,
                        *at,
                        f"the step from {before.source} ({before.date}) is not assessed; "
                        "add an 'assessment' (kind, after, note)",
                        "warning",
                    )
                )
            elif (
                before is not None and assessment is not None and assessment.after != before.source
            ):
                problems.append(
                    Problem(
                        path,
                        *at,
                        f"the assessment is of the step after '{assessment.after}', but the "
                        f"position before this one is now {before.source} ({before.date}); "
                        "assess the step again and set 'after'",
                    )
                )
            before = position
    return problems
