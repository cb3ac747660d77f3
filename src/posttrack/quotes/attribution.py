"""Whose words a match holds (`said_by`), and whether they are the state's own.

A passage the source marks as someone else's words or views (a working paper
reporting what previous GGEs concluded) is theirs. Elsewhere a `primary` or
`reported` source speaks for the dataset's state; a `secondary` source speaks
for the state only where a curated position quotes the span (the analyst
reporting the state), and for its author everywhere else. A file given on the
command line is nobody's that posttrack knows.

Pure functions: no I/O."""

from __future__ import annotations

from posttrack.model import Passage, Source
from posttrack.quotes.passages import covered, label_within

OWN_VOICES = ("primary", "reported")  # the state's words, or its own office's report of them


def passage_of(
    source: Source,
    where: str | None,
    *,
    text: str | None = None,
    line: int = 0,
    end_line: int = 0,
) -> Passage | None:
    """The marked passage of `source` that a match is in, or None.

    Given the source's text and the match's lines, a passage is found by the lines
    it covers, whatever its location form, and a match that only touches one is
    in it (a span that runs into others' words is not the state's own). Otherwise
    it is found by the match's paragraph label `where` (`para 18(a)` is in
    `para 18`, `para 30` in `paras 29-30`)."""
    if not source.passages:
        return None
    if text is not None and line > 0:
        span = set(range(line, max(end_line, line) + 1))
        for passage in source.passages:
            if span.intersection(covered(passage.where, text)):
                return passage
        return None
    for passage in source.passages:
        if label_within(where, passage.where):
            return passage
    return None


def said_by(
    source: Source | None,
    where: str | None,
    cited_as_position: bool,
    state: str,
    *,
    text: str | None = None,
    line: int = 0,
    end_line: int = 0,
) -> str | None:
    """Who holds the words or view of a match: None for a file given on the command
    line, a marked passage's `said_by`, else the state or the source's author."""
    if source is None:
        return None
    passage = passage_of(source, where, text=text, line=line, end_line=end_line)
    if passage is not None:
        return passage.said_by
    if source.voice in OWN_VOICES or cited_as_position:
        return state
    return source.author


def in_own_words(
    source: Source | None,
    where: str | None,
    *,
    text: str | None = None,
    line: int = 0,
    end_line: int = 0,
) -> bool:
    """True when a match may be called "in the state's own words": a `primary` or
    `reported` source, outside every passage it marks as others' words. Never for a
    secondary source (an analyst's words, even where they report the state), nor
    for a file given on the command line."""
    if source is None or source.voice not in OWN_VOICES:
        return False
    return passage_of(source, where, text=text, line=line, end_line=end_line) is None
