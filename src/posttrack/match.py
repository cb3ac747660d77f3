"""Locate quotes in normalised source texts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from posttrack.text import Normalized, normalize_query

_ELLIPSIS = re.compile(r"\s*\.\.\.\s*")


@dataclass(frozen=True, slots=True)
class Span:
    """A place in a normalised text: [start, end)."""

    start: int
    end: int


def quote_parts(quote: str) -> list[str]:
    """The normalised pieces of a quote; an ellipsis (... or …) separates elided words."""
    parts = _ELLIPSIS.split(normalize_query(quote))
    return [part for part in parts if part]


def find_exact(source: Normalized, quote: str) -> list[Span]:
    """Every place the quote occurs verbatim (after normalisation), parts in order."""
    parts = quote_parts(quote)
    if not parts:
        return []
    found: list[Span] = []
    haystack = source.text
    start = haystack.find(parts[0])
    while start != -1:
        end = start + len(parts[0])
        for part in parts[1:]:
            at = haystack.find(part, end)
            if at == -1:
                end = -1
                break
            end = at + len(part)
        if end == -1:
            break
        found.append(Span(start, end))
        start = haystack.find(parts[0], start + 1)
    return found


def closest(source: Normalized, quote: str) -> tuple[float, Span] | None:
    """The best approximate place for a quote that is not verbatim: (score 0-100, span)."""
    from rapidfuzz import fuzz  # only when a quote is missing

    needle = " ".join(quote_parts(quote))
    if not needle or not source.text:
        return None
    result = fuzz.partial_ratio_alignment(needle, source.text)
    if result is None:
        return None
    return float(result.score), _whole_words(source.text, result.dest_start, result.dest_end)


def _whole_words(text: str, start: int, end: int) -> Span:
    """Widen a span to whole words and drop punctuation hanging at its start."""
    while start < end and not text[start].isalnum():
        start += 1
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return Span(start, max(end, start + 1))
