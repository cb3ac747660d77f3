"""Normalise text for matching, keeping a map back to the original.

The normalised form is what a reader would call "the same words": Unicode
NFKC, case-folded, quote marks dropped, dashes and hyphens read as spaces,
markdown emphasis, escapes, headings, list bullets, rules and `<sup>` footnote
markers and footnote lines removed, whitespace collapsed. Every normalised
character remembers the original characters it came from, so a match names
true lines and shows the exact original span.

A word hyphenated at a line end (a converted PDF's `inter-\nnational`,
`appli\u00ad\ncation`, `legally-\n   binding`) cannot be told from a compound
broken at its own hyphen, so it is kept as both. The rule: a hyphen (`-`,
U+2010, U+2011 or a soft hyphen) right after a letter, followed by spaces or
tabs, one line end and more spaces or tabs, and then a letter, is one
normalised character, `BREAK` (U+032E), in place of all of it: `inter` BREAK
`national`. `BREAK` maps to the hyphen and the whitespace after it (the
offset map stays exact), occurs nowhere else in a normalised text (the
character is dropped where a text has it), and means "nothing or a space":
`locate.exact_spans` reads `international` and `inter national` (what
`legally-binding` normalises to) both as matching it, and counts it as inside
a word, so `national` alone does not match there. `BREAK` is a combining
diacritic that SQLite FTS5's `unicode61` tokenizer folds away, so the index
holds the joined word (`international`, `legallybinding`) as one token. A
hyphen that a markup rule removes or touches (a footnote line ending in one) is
not joined; a dash that is not a hyphen (en or em dash), a hyphen with a space
or a digit before it, or one before a blank line stays a space. A quote is
normalised by the same rule, so one pasted with its line-end hyphen matches
the word written whole or as the compound.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from typing import NamedTuple

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
# invisible: a BOM, zero-width spaces and joiners, the soft hyphen
_INVISIBLE = frozenset("\ufeff\u200b\u200c\u200d\u2060\u00ad")
# a word broken at a line end by a hyphen (see the module's docstring)
BREAK = "\u032e"
_LINE_END_HYPHEN = re.compile(
    r"(?:(?<=[^\W\d_])|(?<=[^\W\d_][\u0300-\u036f]))[-\u2010\u2011\u00ad]"
    r"[ \t\u00a0]*\r?\n[ \t\u00a0]*(?=[^\W\d_])"
)
_DROP = _QUOTES | _INVISIBLE | {BREAK}
_FOLD = str.maketrans({**dict.fromkeys(_DROP), **dict.fromkeys(_DASHES, " ")})


class Normalized(NamedTuple):
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


def _removed(text: str, asides: bool = False) -> list[tuple[int, int]]:
    """The [start, end) ranges the markup rules remove, merged and in order; with
    `asides`, footnote lines are read as text rather than removed."""
    spans = sorted(
        (m.start(), m.end())
        for pattern in (_REMOVALS[1:] if asides else _REMOVALS)
        for m in pattern.finditer(text)
        if m.end() > m.start()
    )
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _breaks(text: str, removed: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The [start, end) ranges of line-end hyphens (hyphen to the next word's first
    letter), where no markup rule touches them or the letters on either side."""
    found = []
    stops = [end for _, end in removed]  # merged and in order: ends ascend too
    for match in _LINE_END_HYPHEN.finditer(text):
        before, after = match.start() - 2, match.end() + 1
        near = bisect_right(stops, before)  # the first removed range ending after `before`
        if near == len(removed) or removed[near][0] >= after:
            found.append(match.span())
    return found


def _deleted(removed: list[tuple[int, int]], size: int) -> bytearray:
    mask = bytearray(size)
    for start, end in removed:
        mask[start:end] = b"\x01" * (end - start)
    return mask


def normalize(text: str, *, markup: bool = True, asides: bool = False) -> Normalized:
    """Normalise `text`; with markup=False only Unicode, case, quotes, dashes, line-end
    hyphens and spaces; with asides=True footnote lines are kept as text (to search the
    footnotes themselves)."""
    removed = _removed(text, asides) if markup else []
    mask = _deleted(removed, len(text))
    breaks = dict(_breaks(text, removed))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        if mask[i]:
            i += 1
            continue
        if breaks and i in breaks:
            # (after a letter: `out` ends in one, never in a space)
            out.append(BREAK)
            starts.append(i)
            ends.append(breaks[i])
            i = breaks[i]
            continue
        j = i + 1
        while j < n and not mask[j] and unicodedata.combining(text[j]):
            j += 1
        cluster = text[i:j]
        folded = cluster if cluster.isascii() else unicodedata.normalize("NFKC", cluster)
        for char in folded.casefold():
            if char in _DROP:
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


def normalize_fast(text: str, *, asides: bool = False) -> str:
    """`normalize(text).text` without the offset map, at C speed: what the index stores."""
    removed = _removed(text, asides)
    breaks = _breaks(text, removed) if "\n" in text else []
    if not removed and not breaks:
        return _fold(text)
    # removed ranges and line-end hyphens never overlap: each hyphen ends a word,
    # and the words on either side of it are folded apart
    edits = sorted([(start, end, False) for start, end in removed] + [(*b, True) for b in breaks])
    words: list[str] = []
    kept: list[str] = []
    position = 0
    for start, end, broken in edits:
        kept.append(text[position:start])
        position = end
        if broken:
            words.append(_fold("".join(kept)))
            kept = []
    kept.append(text[position:])
    words.append(_fold("".join(kept)))
    return BREAK.join(words)


def _fold(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.casefold().translate(_FOLD).split())


def readable(text: str) -> str:
    """Original text for reading on one line: footnote blocks and rules shown as `[…]`,
    whitespace collapsed (an edge space kept as one space)."""
    pieces: list[str] = []
    position = 0
    blocks = sorted(  # the first two rules: footnote lines and rule lines
        (m.start(), m.end())
        for pattern in _REMOVALS[:2]
        for m in pattern.finditer(text)
        if m.group().strip()
    )
    marked = False
    for start, end in blocks:
        if start < position:
            continue
        gap = text[position:start]
        if gap.strip() or not marked:  # one mark for a run of blocks
            pieces.extend((gap, " […] "))
        marked, position = True, end
    pieces.append(text[position:])
    return re.sub(r"\s+", " ", "".join(pieces))


def normalize_query(text: str) -> str:
    """Normalise a quote as a user or curator writes it (no document markup rules)."""
    return normalize(text, markup=False).text


def topic_key(name: str) -> str:
    """A topic name as `show` compares names: normalised, `_` read as a space."""
    return " ".join(normalize_query(name).replace("_", " ").split())
