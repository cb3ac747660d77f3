"""`posttrack check`: everything the loader validates, plus every quote in its source."""

from __future__ import annotations

import re
from collections.abc import Iterator

from posttrack.errors import DataError, Problem
from posttrack.load import shown_path
from posttrack.match import SourceText, closest, find_exact, read_source
from posttrack.model import Dataset, Quote

_PARA = re.compile(r"para \d+(?:\([a-z]+\))*")


def _where_agrees(where: str, label: str | None) -> bool:
    """A `para N(...)` location must be the paragraph (or an enclosing one) the quote is in."""
    if label is None or not _PARA.fullmatch(where):
        return True
    return label == where or label.startswith(where + "(")


def check_quote(dataset: Dataset, text: SourceText, quote: Quote) -> Iterator[Problem]:
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
        yield Problem(
            path, quote.line, quote.column, f"quote not found in '{text.source.id}'; {hint}"
        )
        return
    line, _ = text.line_of(spans[0].start)
    label = text.label_at(line)
    if not any(_where_agrees(quote.where, text.label_at(text.line_of(s.start)[0])) for s in spans):
        yield Problem(
            path,
            quote.line,
            quote.column,
            f"the quote is in {label} of '{text.source.id}' (line {line}), "
            f"not {quote.where}; fix 'where'",
        )


def run_check(dataset: Dataset) -> Iterator[Problem]:
    """Yield every problem in a dataset that loaded; the loader already checked its shape."""
    path = shown_path(dataset.file)
    texts: dict[str, SourceText] = {}
    for source in dataset.sources.values():
        try:
            texts[source.id] = read_source(source)
        except DataError as error:
            yield from error.problems
    for position in dataset.positions:
        if position.source not in texts:
            continue  # its unreadable source is reported above
        for quote in position.quotes:
            yield from check_quote(dataset, texts[position.source], quote)
    used_topics = {p.topic for p in dataset.positions}
    used_sources = {p.source for p in dataset.positions}
    for topic in dataset.topics.values():
        if topic.id not in used_topics:
            yield Problem(path, topic.line, 0, f"topic '{topic.id}' has no positions", "warning")
    for source in dataset.sources.values():
        if source.id not in used_sources:
            yield Problem(
                path, source.line, 0, f"source '{source.id}' feeds no position", "warning"
            )


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
