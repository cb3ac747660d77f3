"""`check`'s verification of quotes: each one verbatim in its source, at the
paragraph its `where` names."""

from __future__ import annotations

import re
from typing import NamedTuple

from posttrack.config import shown_path
from posttrack.errors import DataError, Problem
from posttrack.model import Dataset, Quote
from posttrack.quotes.locate import Occurrence, SourceText, closest, find_exact, read_source

_PARA = re.compile(r"para \d+(?:\([a-z]+\))*")


def _where_agrees(where: str, label: str | None) -> bool:
    """A `para N(...)` location must be the paragraph (or an enclosing one) the quote is in."""
    if label is None or not _PARA.fullmatch(where):
        return True
    return label == where or label.startswith(where + "(")


def verify_quote(
    dataset: Dataset, text: SourceText, quote: Quote
) -> tuple[list[Occurrence], list[Problem]]:
    """Everywhere the quote is verbatim in its source, and what is wrong with it."""
    path = shown_path(dataset.file)
    spans = find_exact(text.normalized, quote.text)
    if not spans:
        best = closest(text.normalized, quote.text)
        hint = "nothing close"
        if best is not None:
            score, span = best
            line, _ = text.line_of(span.start)
            excerpt = " ".join(text.normalized.original_span(span.start, span.end).split())
            if len(excerpt) > 80:
                excerpt = excerpt[:77] + "..."
            hint = (
                f'closest ({score:.0f}/100) at {shown_path(text.source.file)}:{line}: "{excerpt}"'
            )
        message = f"quote not found in '{text.source.id}'; {hint}"
        return [], [Problem(path, quote.line, quote.column, message)]
    places = [text.occurrence(span) for span in spans]
    line = places[0][0]
    label = text.label_at(line)
    if any(_where_agrees(quote.where, text.label_at(at)) for at, _, _ in places):
        return places, []
    message = (
        f"the quote is in {label} of '{text.source.id}' (line {line}), "
        f"not {quote.where}; fix 'where'"
    )
    return places, [Problem(path, quote.line, quote.column, message)]


class Verified(NamedTuple):
    """What `check` found, and where each quote is, from one pass over the sources."""

    problems: list[Problem]
    places: dict[Quote, list[Occurrence]]  # everywhere each quote is in its source


def verify(dataset: Dataset) -> Verified:
    """Every problem in a dataset that loaded (the loader already checked its shape),
    and everywhere each quote is in its source."""
    path = shown_path(dataset.file)
    problems: list[Problem] = []
    places: dict[Quote, list[Occurrence]] = {}
    texts: dict[str, SourceText] = {}
    for source in dataset.sources.values():
        try:
            texts[source.id] = read_source(source)
        except DataError as error:
            problems.extend(error.problems)
    for position in dataset.positions:
        for quote in position.quotes:
            if position.source not in texts:
                places[quote] = []  # its unreadable source is reported above
                continue
            places[quote], found = verify_quote(dataset, texts[position.source], quote)
            problems.extend(found)
    used_topics = {p.topic for p in dataset.positions}
    used_sources = {p.source for p in dataset.positions}
    for topic in dataset.topics.values():
        if topic.id not in used_topics:
            message = f"topic '{topic.id}' has no positions"
            problems.append(Problem(path, topic.line, 0, message, "warning"))
    for source in dataset.sources.values():
        if source.id not in used_sources:
            message = f"source '{source.id}' feeds no position"
            problems.append(Problem(path, source.line, 0, message, "warning"))
    return Verified(problems, places)


def run_check(dataset: Dataset) -> list[Problem]:
    """Every problem in a dataset that loaded."""
    return verify(dataset).problems
