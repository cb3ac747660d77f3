"""Locate quotes in a source: everywhere a quote is verbatim in the normalised
text, the closest passage where it is not, and which curated positions quote a
given span (`CitedBy`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property
from typing import NamedTuple

from posttrack.config import shown_path
from posttrack.errors import DataError
from posttrack.model import Dataset, Position, Quote, Source
from posttrack.quotes.labels import Lines, paragraph_labels
from posttrack.quotes.normalize import Normalized, normalize, normalize_query
from posttrack.textfile import MAX_DATA_BYTES, read_text

MAX_SOURCE_BYTES = MAX_DATA_BYTES

_ELLIPSIS = re.compile(r"\s*\.\.\.\s*")


class Span(NamedTuple):
    """A place in a normalised text: [start, end)."""

    start: int
    end: int


class SourceText:
    """A source's text, normalised once, with line and paragraph lookups."""

    def __init__(self, source: Source, raw: str) -> None:
        self.source = source
        self.raw = raw

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

    def occurrence(self, span: Span) -> Occurrence:
        start, end = self.normalized.span(span.start, span.end)
        return self.lines.locate(start)[0], start, end

    def label_at(self, line: int) -> str | None:
        return self.labels[line - 1] if 0 < line <= len(self.labels) else None


def read_source(source: Source) -> SourceText:
    """Read a source's text (UTF-8, size-capped); raises DataError naming the file."""
    return SourceText(source, read_text(source.file, shown_path(source.file), MAX_SOURCE_BYTES))


Occurrence = tuple[int, int, int]  # (line, start, end): start and end index the source's text


def quote_places(dataset: Dataset, positions: list[Position]) -> dict[Quote, list[Occurrence]]:
    """Everywhere each quote of these positions is verbatim in its source (none: not found)."""
    texts: dict[str, SourceText | None] = {}
    places: dict[Quote, list[Occurrence]] = {}
    for position in positions:
        if position.source not in texts:
            try:
                texts[position.source] = read_source(dataset.sources[position.source])
            except DataError:
                texts[position.source] = None
        text = texts[position.source]
        for quote in position.quotes:
            spans = find_exact(text.normalized, quote.text) if text else []
            places[quote] = [text.occurrence(span) for span in spans] if text else []
    return places


def quote_parts(quote: str) -> list[str]:
    """The normalised pieces of a quote; an ellipsis (... or …) separates elided words."""
    parts = _ELLIPSIS.split(normalize_query(quote))
    return [part for part in parts if part]


def _bounded(text: str, start: int, end: int) -> bool:
    """True when [start, end) does not begin or end inside a word."""
    inside_start = start > 0 and text[start - 1].isalnum() and text[start].isalnum()
    inside_end = end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    return not inside_start and not inside_end


def _find_word(text: str, part: str, start: int) -> int:
    at = text.find(part, start)
    while at != -1 and not _bounded(text, at, at + len(part)):
        at = text.find(part, at + 1)
    return at


def exact_spans(parts: list[str], text: str) -> list[tuple[int, int]]:
    """Every place the normalised parts occur verbatim, in order, on word boundaries."""
    spans: list[tuple[int, int]] = []
    if not parts:
        return spans
    at = _find_word(text, parts[0], 0)
    while at != -1:
        end = at + len(parts[0])
        for part in parts[1:]:
            found = _find_word(text, part, end)
            if found == -1:
                return spans
            end = found + len(part)
        spans.append((at, end))
        at = _find_word(text, parts[0], at + 1)
    return spans


def find_exact(source: Normalized, quote: str) -> list[Span]:
    """Every place the quote occurs verbatim (after normalisation), parts in order."""
    return [Span(start, end) for start, end in exact_spans(quote_parts(quote), source.text)]


def closest(source: Normalized, quote: str) -> tuple[float, Span] | None:
    """The best approximate place for a quote that is not verbatim: (score 0-100, span)."""
    from rapidfuzz import fuzz  # only when a quote is missing

    needle = " ".join(quote_parts(quote))
    if not needle or not source.text:
        return None
    result = fuzz.partial_ratio_alignment(needle, source.text)
    if result is None:
        return None
    return float(result.score), Span(*whole_words(source.text, result.dest_start, result.dest_end))


def whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span to whole words; drop punctuation hanging at its edges (keeping a
    closing stop, bracket or quote)."""
    while start < end and not text[start].isalnum():
        start += 1
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    while end > start and not text[end - 1].isalnum() and text[end - 1] not in ".)]?!'\"":
        end -= 1
    return start, max(end, start + 1)


class CitedBy:
    """Which curated positions quote a given span of a dataset source."""

    def __init__(
        self, positions: Sequence[Position], places: dict[Quote, list[Occurrence]]
    ) -> None:
        self._spans: dict[str, list[tuple[int, int, Position]]] = {}
        for position in positions:
            spans = self._spans.setdefault(position.source, [])
            for quote in position.quotes:
                spans.extend((start, end, position) for _, start, end in places.get(quote, []))

    def at(self, source: str, start: int, end: int) -> list[Position]:
        """The positions whose quotes overlap [start, end) of the source's text."""
        spans = self._spans.get(source, [])
        return list(dict.fromkeys(p for first, last, p in spans if first < end and start < last))
