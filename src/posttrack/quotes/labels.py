"""Lines and the document's own locations: line numbers from offsets, paragraph
numbers (`para 24`, `para 5(a)`) and markdown sections for each line."""

from __future__ import annotations

import re
from bisect import bisect_right


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


_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+(.+?)[ \t#]*$")


def section_labels(text: str) -> list[str | None]:
    """For each line, the markdown section it is in: `section "Heading"`, or None."""
    labels: list[str | None] = []
    current: str | None = None
    headings = 0
    for line in text.split("\n"):
        if match := _HEADING.match(line):
            headings += 1
            title = " ".join(match[1].replace("*", " ").replace("\\", "").split())
            if headings > 1 and title:  # the first heading is the document's title
                current = f'section "{title}"'
        labels.append(current)
    return labels


def location_labels(text: str) -> list[str | None]:
    """The document's own paragraph number for each line, else its section heading."""
    return [p or s for p, s in zip(paragraph_labels(text), section_labels(text), strict=True)]


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
