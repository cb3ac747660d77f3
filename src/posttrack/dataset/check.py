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
        return _not_loaded(data, error.problems)
    problems = sorted(
        [*(loaded.problems or []), *step_problems(loaded.dataset)],
        key=lambda p: (p.path, p.line, p.column),
    )
    errors = count_errors(problems)
    return CheckOutcome(problems, errors, check_summary(loaded.dataset, errors), True)


def _not_loaded(data: str | os.PathLike[str] | None, problems: list[Problem]) -> CheckOutcome:
    """A dataset that does not load: the loader's problems, and with them those of
    the quotes of every valid position whose source is valid too, so that a curator
    fixes both in one round. (The exit code stays a data error's: the dataset
    cannot be used as it is.)"""
    from posttrack.dataset.load import read_dataset

    try:
        partial = read_dataset(data)
    except DataError:  # nothing could be read: not YAML, not a mapping, not UTF-8
        return CheckOutcome(problems, count_errors(problems), "the dataset does not load", False)
    quoted = quote_problems(partial.dataset)
    found = sorted([*partial.problems, *quoted], key=lambda p: (p.path, p.line, p.column))
    entries, in_quotes = count_errors(partial.problems), count_errors(quoted)
    valid = len(partial.dataset.positions)
    summary = (
        f"the dataset does not load: {entries} problem(s) in its entries, {in_quotes} in "
        f"the quotes of the {valid} valid position(s)"
    )
    return CheckOutcome(found, count_errors(found), summary, False)


def quote_problems(dataset: Dataset) -> list[Problem]:
    """What is wrong with the quotes of the dataset's positions, and with the marked
    passages of the sources they quote, without the rest of what `check` verifies:
    for a dataset that did not load, whose entries here are only its valid ones."""
    from posttrack.quotes.locate import SourceText, read_source
    from posttrack.quotes.verify import verify_passages, verify_quote

    path = shown_path(dataset.file)
    problems: list[Problem] = []
    texts: dict[str, SourceText | None] = {}
    for position in dataset.positions:
        if position.source not in texts:
            source = dataset.sources[position.source]
            try:
                texts[source.id] = text = read_source(source)
            except DataError as error:
                texts[source.id] = None
                problems.extend(error.problems)
            else:
                problems.extend(verify_passages(dataset, text, path))
        if (known := texts[position.source]) is not None:
            for quote in position.quotes:
                problems.extend(verify_quote(dataset, known, quote, path)[1])
    return problems


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
