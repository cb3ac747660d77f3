"""The locations a source's marked passages name, and the lines of the document
each one covers: `para 18` (with its sub-paragraphs), `paras 29-30`, `section
"Heading"`, and `unnumbered para 3` / `unnumbered paras 9-10` counting the body
paragraphs of a document that numbers none (see data/sources/README.md).

Pure functions of a text: no I/O."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from posttrack.quotes.labels import paragraph_labels, section_labels

# ASCII digits only, no leading zero: `para 018` would name a paragraph no document prints
_N = r"[1-9][0-9]{0,2}"
_PARA = re.compile(rf"para ({_N})((?:\([a-z]{{1,4}}\))*)")
_PARAS = re.compile(rf"paras ({_N})-({_N})")
_UNNUMBERED = re.compile(rf"unnumbered para ({_N})")
_UNNUMBERED_RANGE = re.compile(rf"unnumbered paras ({_N})-({_N})")
_SECTION = re.compile(r'section "([^"\n]*\S[^"\n]*)"')

LOCATION_FORMS = (
    "`para 18`, `para 5(a)`, `paras 29-30`, `unnumbered para 3`, "
    '`unnumbered paras 9-10` or `section "Heading"`'
)


def location_problem(where: str) -> str | None:
    """Why `where` is not a location a passage can name, or None when it is one."""
    for pattern in (_PARAS, _UNNUMBERED_RANGE):
        if match := pattern.fullmatch(where):
            first, last = int(match[1]), int(match[2])
            if first >= last:
                return f"the range '{where}' must run from a lower to a higher number"
            return None
    if any(p.fullmatch(where) for p in (_PARA, _UNNUMBERED, _SECTION)):
        return None
    return f"'{where}' is not a location; write it as {LOCATION_FORMS}"


# --- body paragraphs of a document that numbers none ---------------------------------

_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]")
_MARKER = re.compile(r"^[ \t]*(?:[-*+][ \t]*)?")
_NOTE = re.compile(r"^<sup>\d+</sup>|^\\?\[\^")
_MARKUP = re.compile(r"<sup>\d+</sup>|[*_\\]")
_TERMINAL = re.compile(r"[.!?:;][\"'\u201d\u2019)\]]*$")


def _blocks(lines: Sequence[str]) -> list[tuple[int, int]]:
    """[first, last) line indexes of each run of non-blank lines."""
    blocks: list[tuple[int, int]] = []
    start: int | None = None
    for at, line in enumerate(lines):
        if line.strip():
            if start is None:
                start = at
        elif start is not None:
            blocks.append((start, at))
            start = None
    if start is not None:
        blocks.append((start, len(lines)))
    return blocks


def _plain(lines: Sequence[str]) -> str:
    return " ".join(_MARKUP.sub("", " ".join(lines)).split())


def _aside(lines: Sequence[str]) -> bool:
    """A block that is no body paragraph: a rule, a footnote block, a salutation."""
    plain = _plain(lines)
    if not any(c.isalnum() for c in plain):
        return True  # a rule (---, ***, ___) or an empty list item
    bare = [_MARKER.sub("", line, count=1).strip() for line in lines]
    if all(_NOTE.match(line) or not line for line in bare):
        return True  # footnotes: each line opens with its marker (or is an empty item)
    words = plain.split()
    return len(words) <= 4 and plain.endswith(",")  # "Mr. Chairman,"


def unnumbered_paragraphs(text: str) -> list[int | None]:
    """For each line, the body paragraph it is in, counted from 1; None elsewhere.

    The title block (every block before the first that ends a sentence) is not
    counted, nor are headings, salutations, rules and footnote blocks; a paragraph
    that a page or footnote break splits (the next block opens in lower case after
    one that does not end a sentence) counts once."""
    lines = text.split("\n")
    numbers: list[int | None] = [None] * len(lines)
    count = 0
    open_sentence = False
    for first, last in _blocks(lines):
        block = lines[first:last]
        if _HEADING.match(block[0]):
            open_sentence = False
            continue
        if _aside(block):
            continue
        plain = _plain(block)
        ends = bool(_TERMINAL.search(plain))
        if count == 0 and not ends:
            continue  # still the title block
        if not (open_sentence and plain[:1].islower()):
            count += 1
        open_sentence = not ends
        numbers[first:last] = [count] * (last - first)
    return numbers


# --- the lines a location covers ------------------------------------------------------


class Layout(NamedTuple):
    """A text's locations, one entry per line: its numbered paragraph, its section,
    its unnumbered body paragraph."""

    paragraphs: list[str | None]
    sections: list[str | None]
    unnumbered: list[int | None]


@lru_cache(maxsize=16)
def layout(text: str) -> Layout:
    """The text's locations (cached: a source's text is laid out once per run)."""
    return Layout(paragraph_labels(text), section_labels(text), unnumbered_paragraphs(text))


def _top(label: str | None) -> int | None:
    match = _PARA.match(label or "")
    return int(match[1]) if match else None


def covered(where: str, text: str) -> list[int]:
    """The 1-based lines of `text` that the location `where` covers; [] when the
    document has no such location (or `where` is no location)."""
    found = layout(text)
    if match := _PARAS.fullmatch(where):
        wanted = set(range(int(match[1]), int(match[2]) + 1))
        tops = [_top(label) for label in found.paragraphs]
        if not wanted <= set(tops):
            return []  # every paragraph of the range must be there
        return [at for at, top in enumerate(tops, 1) if top in wanted]
    if _PARA.fullmatch(where):
        return [at for at, label in enumerate(found.paragraphs, 1) if _within(label, where)]
    if match := _UNNUMBERED_RANGE.fullmatch(where):
        numbers = set(range(int(match[1]), int(match[2]) + 1))
        if not numbers <= set(found.unnumbered):
            return []
        return [at for at, n in enumerate(found.unnumbered, 1) if n in numbers]
    if match := _UNNUMBERED.fullmatch(where):
        number = int(match[1])
        return [at for at, n in enumerate(found.unnumbered, 1) if n == number]
    if _SECTION.fullmatch(where):
        return [at for at, label in enumerate(found.sections, 1) if label == where]
    return []


def _within(label: str | None, where: str) -> bool:
    """True when paragraph `label` is `where` or one of its sub-paragraphs."""
    return label is not None and (label == where or label.startswith(where + "("))


def label_within(label: str | None, where: str) -> bool:
    """True when a match's location `label` (`para 18(a)`, `unnumbered para 4`,
    `section "X"`) lies inside the passage location `where` (`para 18`, `paras
    17-19`, `unnumbered paras 3-5`, `section "X"`), judged on the labels alone."""
    if label is None:
        return False
    if match := _PARAS.fullmatch(where):
        top = _top(label)
        return top is not None and int(match[1]) <= top <= int(match[2])
    if match := _UNNUMBERED_RANGE.fullmatch(where):
        one = _UNNUMBERED.fullmatch(label)
        return one is not None and int(match[1]) <= int(one[1]) <= int(match[2])
    if _PARA.fullmatch(where):
        return _within(label, where)
    return label == where


def missing(where: str, text: str) -> str:
    """Why a location names nothing in `text`, and what the document has instead."""
    found = layout(text)
    if where.startswith("para"):
        tops = sorted({t for t in map(_top, found.paragraphs) if t is not None})
        if not tops:
            return f"the document numbers no paragraphs; name the passage as {LOCATION_FORMS}"
        return f"the document's paragraphs are numbered {tops[0]}-{tops[-1]}"
    if where.startswith("unnumbered"):
        count = max((n for n in found.unnumbered if n is not None), default=0)
        return f"the document has {count} unnumbered paragraph(s)"
    sections = list(dict.fromkeys(s for s in found.sections if s is not None))
    if not sections:
        return "the document has no section headings"
    return "its sections are " + ", ".join(s.removeprefix("section ") for s in sections)
