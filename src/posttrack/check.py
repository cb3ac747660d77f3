"""`posttrack check`: everything the loader validates, plus every quote in its source."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from posttrack.errors import DataError, Problem
from posttrack.load import MAX_DATA_BYTES, read_text, shown_path
from posttrack.match import closest, find_exact
from posttrack.model import Dataset, Quote, Source
from posttrack.text import Lines, Normalized, normalize, paragraph_labels

MAX_SOURCE_BYTES = MAX_DATA_BYTES
_PARA = re.compile(r"para \d+(?:\([a-z]+\))*")


@dataclass
class SourceText:
    """A source's text, normalised once, with line and paragraph lookups."""

    source: Source
    raw: str

    @cached_property
    def normalized(self) -> Normalized:
        return normalize(self.raw)

    @cached_property
    def lines(self) -> Lines:
        return Lines(self.raw)

    @cached_property
    def labels(self) -> list[str | None]:
        return paragraph_labels(self.raw)

    def line_of(self, normalized_offset: int) -> tuple[int, int]:
        return self.lines.locate(self.normalized.starts[normalized_offset])

    def label_at(self, line: int) -> str | None:
        return self.labels[line - 1] if 0 < line <= len(self.labels) else None


def read_source(source: Source) -> SourceText:
    """Read a source's text (UTF-8, size-capped); raises DataError naming the file."""
    return SourceText(source, read_text(source.file, shown_path(source.file), MAX_SOURCE_BYTES))


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
