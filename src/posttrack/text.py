"""Normalise text for matching, keeping a map back to the original.

The normalised form is what a reader would call "the same words": Unicode
NFKC, case-folded, quote marks dropped, dashes and hyphens read as spaces,
markdown emphasis, escapes, headings, list bullets, rules and `<sup>` footnote
markers and footnote lines removed, whitespace collapsed. Every normalised
character remembers the original characters it came from, so a match names
true lines and shows the exact original span.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

# Removed before matching: (pattern, group to delete or 0 for the whole match).
_REMOVALS: tuple[re.Pattern[str], ...] = (
    # a footnote's own line: "<sup>4</sup> Ibid." or "- <sup>1</sup> Chair ..."
    re.compile(r"(?m)^[ \t]*(?:[-*+][ \t]+)?<sup>\d+</sup>[^\n]*"),
    # a line of nothing but rules and markup: ---, _____, \*\*\*, a lone bullet
    re.compile(r"(?m)^[ \t]*(?:[-_*=#~\u2013\u2014\\][ \t]*)+$"),
    # footnote markers in the running text
    re.compile(r"<sup>\d+</sup>"),
    re.compile(r"</?sup>"),
    # markdown headings and list bullets at the start of a line
    re.compile(r"(?m)^[ \t]*#{1,6}[ \t]+"),
    re.compile(r"(?m)^[ \t]*[-*+][ \t]+"),
    # the backslash of a markdown escape (\_ \( \*)
    re.compile(r"\\(?=[!-/:-@\[-`{-~])"),
    # emphasis markers
    re.compile(r"[*_]+"),
)

_QUOTES = frozenset(
    "'\"`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033\u2039\u203a\u00ab\u00bb"
)
_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised text and, for each of its characters, the original span."""

    original: str
    text: str
    starts: tuple[int, ...]  # original offset where normalised char i came from
    ends: tuple[int, ...]  # original offset just after it

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original [begin, end) offsets of normalised text[start:end] (end > start)."""
        return self.starts[start], self.ends[end - 1]

    def original_span(self, start: int, end: int) -> str:
        begin, stop = self.span(start, end)
        return self.original[begin:stop]


def _deleted(text: str) -> bytearray:
    mask = bytearray(len(text))
    for pattern in _REMOVALS:
        for match in pattern.finditer(text):
            mask[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
    return mask


def normalize(text: str, *, markup: bool = True) -> Normalized:
    """Normalise `text`; with markup=False only Unicode, case, quotes, dashes and spaces."""
    mask = _deleted(text) if markup else bytearray(len(text))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        if mask[i]:
            i += 1
            continue
        j = i + 1
        while j < n and not mask[j] and unicodedata.combining(text[j]):
            j += 1
        cluster = text[i:j]
        folded = cluster if cluster.isascii() else unicodedata.normalize("NFKC", cluster)
        for char in folded.casefold():
            if char in _QUOTES:
                continue
            kept = char
            if char in _DASHES or char.isspace():
                if not out or out[-1] == " ":
                    continue
                kept = " "
            out.append(kept)
            starts.append(i)
            ends.append(j)
        i = j
    if out and out[-1] == " ":
        out.pop()
        starts.pop()
        ends.pop()
    return Normalized(text, "".join(out), tuple(starts), tuple(ends))


def normalize_query(text: str) -> str:
    """Normalise a quote as a user or curator writes it (no document markup rules)."""
    return normalize(text, markup=False).text


class Lines:
    """Offsets to 1-based (line, column) in one text."""

    def __init__(self, text: str) -> None:
        self._starts = [0]
        self._starts.extend(m.end() for m in re.finditer("\n", text))

    def locate(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self._starts, offset) - 1
        return index + 1, offset - self._starts[index] + 1


# --- the document's own paragraph numbers -----------------------------------

_NUMBERED = re.compile(r"^[ \t]*(?:[-*+][ \t]+)?(\d{1,3})\.[ \t]")
_SUBITEM = re.compile(r"^[ \t]*(?:[-*+][ \t]+)?\(?([a-z]{1,4})[.)][ \t]")
_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii")


def paragraph_labels(text: str) -> list[str | None]:
    """For each line, the document's own paragraph number in force there.

    `para 24`, `para 5(a)`, `para 11(i)(a)`; None before the first number, and
    None throughout a document that numbers fewer than three paragraphs.
    """
    labels: list[str | None] = []
    number: str | None = None
    roman: str | None = None
    letter: str | None = None
    numbered = 0
    for line in text.split("\n"):
        if match := _NUMBERED.match(line):
            number, roman, letter = match[1], None, None
            numbered += 1
        elif number is not None and (match := _SUBITEM.match(line)):
            token = match[1]
            # "i" is roman unless it follows "h" in a lettered list
            if token in _ROMAN and not (token == "i" and letter == "h"):
                roman, letter = token, None
            elif len(token) == 1:
                letter = token
        if number is None:
            labels.append(None)
            continue
        label = f"para {number}"
        if roman:
            label += f"({roman})"
        if letter:
            label += f"({letter})"
        labels.append(label)
    if numbered < 3:
        return [None] * len(labels)
    return labels
