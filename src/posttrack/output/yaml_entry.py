"""`cite --yaml`: a quote entry for positions.yaml, ready to paste under a position's
`quotes:`, holding the words as the source writes them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from posttrack.dataset.curate import yaml_scalar

if TYPE_CHECKING:
    from posttrack.quotes.search import Cited

# a line break, with the spaces and tabs around it (a wrapped line's indentation)
_BREAK = re.compile(r"[ \t]*(?:\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029])[ \t]*")


def quote_entry(text: str, where: str | None, source_id: str | None) -> str:
    """A quote entry (`- text: ...` / `  where: ...`) as YAML lines, with a comment
    naming the source the words are from. `text` is the matched span of the source;
    its line breaks are folded to spaces, and it is quoted so that YAML reads back
    exactly that. With no `where`, the entry's `where` is left empty with a comment
    saying so (`check` refuses it until it is filled in)."""
    words = folded(text)
    lines = []
    if source_id is not None:
        lines.append(f"# from source {_comment(source_id)}: paste under a position of that source")
    else:
        lines.append("# from a file that is not one of the dataset's sources")
    lines.append(f"- text: {yaml_scalar(words)}")
    if where is not None and where.strip():
        lines.append(f"  where: {yaml_scalar(folded(where))}")
    else:
        lines.append(
            '  where: ""  # the place could not be labelled: write it as the document '
            "numbers it (para 2, unnumbered para 3)"
        )
    return "\n".join(lines) + "\n"


def citation_entry(cited: Cited) -> str | None:
    """The quote entry for a cited quote's best match whose verdict is verbatim or
    close (its text is then the source's own, which `check` finds); None when there
    is no such match."""
    from posttrack.quotes.search import FAITHFUL  # loaded already: cite found the matches

    for match in cited.matches:
        if match.place.verdict in FAITHFUL:
            source = match.source.id if match.source is not None else None
            return quote_entry(match.place.text, match.place.where, source)
    return None


def folded(text: str) -> str:
    """The text on one line: each line break, with the spaces around it, one space."""
    return _BREAK.sub(" ", text).strip()


def _comment(value: str) -> str:
    """A value in a YAML comment: on one line, nothing invisible."""
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in value)
