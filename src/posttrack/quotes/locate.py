"""Locate quotes in a source: everywhere a quote is verbatim in the normalised
text, the closest passage where it is not, and which curated positions quote a
given span (`CitedBy`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cached_property, lru_cache
from typing import NamedTuple

from posttrack.config import shown_path
from posttrack.errors import DataError
from posttrack.model import Dataset, Position, Quote, Source
from posttrack.quotes.labels import Lines, paragraph_labels
from posttrack.quotes.normalize import BREAK, Normalized, normalize
from posttrack.textfile import MAX_DATA_BYTES, read_text

MAX_SOURCE_BYTES = MAX_DATA_BYTES


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

    def places(self, quote: str) -> list[Occurrence]:
        """Everywhere the quote is verbatim in this text."""
        return [self.occurrence(span) for span in find_exact(self.normalized, quote)]


def read_source(source: Source) -> SourceText:
    """Read a source's text (UTF-8, size-capped); raises DataError naming the file."""
    return SourceText(source, read_text(source.file, shown_path(source.file), MAX_SOURCE_BYTES))


Occurrence = tuple[int, int, int]  # (line, start, end): start and end index the source's text


# how a source's text is read: `read_source`, or a reader that remembers (`verify.KnownText`)
Reader = Callable[[Source], SourceText]


def quote_places(
    dataset: Dataset, positions: list[Position], read: Reader | None = None
) -> dict[Quote, list[Occurrence]]:
    """Everywhere each quote of these positions is verbatim in its source (none: not
    found, or its source cannot be read), each source read once by `read`."""
    reader = read_source if read is None else read
    texts: dict[str, SourceText | None] = {}
    places: dict[Quote, list[Occurrence]] = {}
    for position in positions:
        if position.source not in texts:
            try:
                texts[position.source] = reader(dataset.sources[position.source])
            except DataError:
                texts[position.source] = None
        text = texts[position.source]
        for quote in position.quotes:
            places[quote] = text.places(quote.text) if text is not None else []
    return places


# two dots, maybe spaced: where an ellipsis may be (`...`, `. . .`)
_DOTS = re.compile(r"\.[ \t]?\.")


def quote_parts(quote: str) -> list[str]:
    """The normalised pieces of a quote to look for, in order.

    Citation practice is not words of the quote: an ellipsis in any form (`...`,
    `…`, `. . .`, `[…]`, `[...]`) and a bracket that stands for source words (`[the
    UN]`) separate the pieces around them; a note (`[emphasis added]`, `[sic]`) is
    dropped; a bracketed letter is part of its word (`[S]tates` is `states`). The
    same pieces `differences.search_parts` gives, so that search, check and the
    differences engine read a quote alike: a quote with no bracket and no run of
    dots, which is most, is one piece without importing that engine (1.5 ms of a
    `cite`)."""
    if "[" not in quote and "…" not in quote and not _DOTS.search(quote):
        whole = normalize(quote, markup=False).text
        return [whole] if whole else []
    from posttrack.quotes.differences import search_parts  # (difflib: only for a quote)

    return search_parts(quote)


def _in_word(char: str) -> bool:
    """A character of a word (a word broken at a line end, `BREAK`, is one word)."""
    return char.isalnum() or char == BREAK


def _inside(text: str, at: int) -> bool:
    """True when `at` is between two characters of one word."""
    return 0 < at < len(text) and _in_word(text[at - 1]) and _in_word(text[at])


def _bounded(text: str, start: int, end: int) -> bool:
    """True when [start, end) does not begin or end inside a word."""
    return not _inside(text, start) and not _inside(text, end)


@lru_cache(maxsize=256)
def _pattern(part: str) -> re.Pattern[str]:
    """`part` as a regular expression that also matches across line-end breaks: a
    `BREAK` in the text may stand between any two of its characters, or for a space;
    a `BREAK` in the part (a quote pasted with its line-end hyphen) is a space, a
    `BREAK` or nothing."""
    pieces: list[str] = []
    for at, char in enumerate(part):
        if char == BREAK:
            pieces.append(f"[ {BREAK}]?")
            continue
        pieces.append(f"[ {BREAK}]" if char == " " else re.escape(char))
        following = part[at + 1 : at + 2]
        if char != " " and following not in ("", " ", BREAK):
            pieces.append(f"{BREAK}?")
    return re.compile("".join(pieces))


def _find_word(text: str, part: str, start: int) -> tuple[int, int]:
    """The first place of `part` at or after `start`, on word boundaries: (start, end),
    or (-1, -1)."""
    if BREAK not in text and BREAK not in part:
        at = text.find(part, start)
        while at != -1 and not _bounded(text, at, at + len(part)):
            at = text.find(part, at + 1)
        return (at, at + len(part)) if at != -1 else (-1, -1)
    pattern = _pattern(part)
    found = pattern.search(text, start)
    while found is not None and not _bounded(text, *found.span()):
        found = pattern.search(text, found.start() + 1)
    return found.span() if found is not None else (-1, -1)


def exact_spans(parts: list[str], text: str) -> list[tuple[int, int]]:
    """Every place the normalised parts occur verbatim, in order, on word boundaries
    (a word broken at a line end, `BREAK`, matches it written whole or as two words)."""
    spans: list[tuple[int, int]] = []
    if not parts:
        return spans
    at, end = _find_word(text, parts[0], 0)
    while at != -1:
        stop = end
        for part in parts[1:]:
            found, stop = _find_word(text, part, stop)
            if found == -1:
                return spans
        spans.append((at, stop))
        at, end = _find_word(text, parts[0], at + 1)
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
    span = fitted(needle, source.text, result.dest_start, result.dest_end)
    return float(result.score), Span(*span)


def fitted(part: str, text: str, start: int, end: int) -> tuple[int, int]:
    """The whole words of `text` that `part` stands for, from its approximate place
    [start, end): each edge moved a word at a time while that makes the span's
    wording closer to the part.

    rapidfuzz's partial alignment gives a window exactly as long as the part, so a
    quote with a letter dropped or added near an edge is placed a character off, and
    widening that to whole words could leave out a short first word (`W reiterate`,
    `A numer of` placed from `reiterate`, `number`): the span must start at the
    quote's first word."""
    from rapidfuzz import fuzz

    def closeness(span: tuple[int, int]) -> float:
        return float(fuzz.ratio(part, text[span[0] : span[1]]))

    best = whole_words(text, start, end)
    value = closeness(best)
    for _ in range(2 * part.count(" ") + 2):  # each move adds or drops a word
        a, b = best
        moves = [
            whole_words(text, _word_before(text, a), b),
            whole_words(text, _word_after(text, a, b), b),
            whole_words(text, a, _word_end_after(text, b)),
            whole_words(text, a, _word_end_before(text, a, b)),
        ]
        top = max(((closeness(m), m) for m in moves if m != best), default=(value, best))
        if top[0] <= value:
            break
        value, best = top
    return best


def _word_before(text: str, start: int) -> int:
    """Where the word before the one at `start` begins (or `start`)."""
    at = start
    while at > 0 and not _in_word(text[at - 1]):
        at -= 1
    while at > 0 and _in_word(text[at - 1]):
        at -= 1
    return at if at < start else start


def _word_after(text: str, start: int, end: int) -> int:
    """Where the span's second word begins (or `start`, for a span of one word)."""
    at = start
    while at < end and _in_word(text[at]):
        at += 1
    while at < end and not _in_word(text[at]):
        at += 1
    return at if at < end else start


def _word_end_after(text: str, end: int) -> int:
    """Where the word after `end` ends (or `end`)."""
    at = end
    while at < len(text) and not _in_word(text[at]):
        at += 1
    while at < len(text) and _in_word(text[at]):
        at += 1
    return at


def _word_end_before(text: str, start: int, end: int) -> int:
    """Where the span's last word but one ends (or `end`, for a span of one word)."""
    at = end
    while at > start and not _in_word(text[at - 1]):
        at -= 1
    while at > start and _in_word(text[at - 1]):
        at -= 1
    while at > start and not _in_word(text[at - 1]):
        at -= 1
    return at if at > start else end


def whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span to whole words; drop punctuation hanging at its edges (keeping a
    closing stop, bracket or quote)."""
    while start < end and not text[start].isalnum():
        start += 1
    while start > 0 and _in_word(text[start - 1]):
        start -= 1
    while end < len(text) and _in_word(text[end]):
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
