"""`check`'s verification of quotes: each one verbatim in its source, at the
paragraph its `where` names; and of each source's marked passages: each names a
place its document has."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cached_property
from typing import NamedTuple

from posttrack.config import shown_path
from posttrack.errors import Change, Closest, DataError, Problem
from posttrack.model import Dataset, Quote, Source
from posttrack.quotes.locate import (
    Occurrence,
    Reader,
    SourceText,
    closest,
    read_source,
)
from posttrack.quotes.normalize import Normalized, normalize
from posttrack.quotes.passages import covered, missing


class KnownText(SourceText):
    """A source's text that remembers where its quotes are: `known` holds the places
    found by an earlier run on this same text (the caller vouches for that), and
    `stored` gives the normalised form that run kept (None when it is not to be had).
    A quote it does not know is looked for as ever; `asked` is every quote looked up,
    and `normalised_now` says whether the text had to be normalised again."""

    def __init__(
        self,
        source: Source,
        raw: str,
        known: dict[str, list[Occurrence]] | None = None,
        stored: Callable[[], Normalized | None] | None = None,
    ) -> None:
        super().__init__(source, raw)
        self.known = known or {}
        self.asked: dict[str, list[Occurrence]] = {}
        self.normalised_now = False
        self._stored = stored

    @cached_property
    def normalized(self) -> Normalized:
        kept = self._stored() if self._stored is not None else None
        if kept is not None:
            return kept
        self.normalised_now = True
        return normalize(self.raw)

    def places(self, quote: str) -> list[Occurrence]:
        """Everywhere the quote is verbatim in this text."""
        found = self.asked.get(quote)
        if found is None:
            found = self.known.get(quote)
            if found is None:
                found = super().places(quote)
            self.asked[quote] = found
        return list(found)  # the caller's own: a quote written twice gets two lists


_PARA = re.compile(r"para \d+(?:\([a-z]+\))*")


def _where_agrees(where: str, label: str | None) -> bool:
    """A `para N(...)` location must be the paragraph (or an enclosing one) the quote is in."""
    if label is None or not _PARA.fullmatch(where):
        return True
    return label == where or label.startswith(where + "(")


def verify_quote(
    dataset: Dataset, text: SourceText, quote: Quote, path: str | None = None
) -> tuple[list[Occurrence], list[Problem]]:
    """Everywhere the quote is verbatim in its source, and what is wrong with it;
    `path` is the dataset's file as shown (worked out once for many quotes)."""
    if path is None:
        path = shown_path(dataset.file)
    places = text.places(quote.text)
    if not places:
        found, hint = _closest(text, quote.text)
        message = f"quote not found in '{text.source.id}'; {hint}"
        return [], [Problem(path, quote.line, quote.column, message, closest=found)]
    line = places[0][0]
    label = text.label_at(line)
    if any(_where_agrees(quote.where, text.label_at(at)) for at, _, _ in places):
        return places, []
    message = (
        f"the quote is in {label} of '{text.source.id}' (line {line}), "
        f"not {quote.where}; fix 'where'"
    )
    return places, [Problem(path, quote.line, quote.column, message)]


def _closest(text: SourceText, quote: str) -> tuple[Closest | None, str]:
    """The whole passage closest to a quote that is not in its source, with how the
    quote differs from it word by word; and the same for people, on the problem's
    one line: where, how close, the passage, what differs and, last, the first
    difference that changes the meaning, said plainly."""
    best = closest(text.normalized, quote)
    if best is None:
        return None, "nothing close"
    from posttrack.quotes.differences import differences, explain  # only when one is missing

    score, span = best
    first, last = sentences(text.raw, *text.normalized.span(span.start, span.end))
    line, column = text.lines.locate(first)
    passage = text.raw[first:last]
    found = differences(quote, passage)
    changes = tuple(Change(d.op, d.quote, d.source, d.meaning) for d in found)
    shown = " ".join(passage.split())
    place = Closest(shown_path(text.source.file), line, column, round(score, 1), shown, changes)
    hint = f'closest ({score:.0f}/100) at {place.path}:{line}:{column}: "{shown}"'
    if changes:
        hint += "; differences: " + "; ".join(map(_change, changes))
        if said := explain(quote, passage, found):
            hint += f" ({said})"
    return place, hint


_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]*]*(?=\s|$)|\n[ \t]*\n")
_WIDEST = 600  # characters each side: a passage, not a page
_STRAY = 2  # words


def sentences(raw: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) widened to the whole sentences it is in, within its paragraph; a
    word or two that an approximate alignment took from the next or the previous
    sentence is left to it."""
    ends = [m.end() for m in _SENTENCE_END.finditer(raw, start, end)]
    if ends and len(raw[ends[-1] : end].split()) <= _STRAY:
        end = ends[-1]
    if ends and ends[0] < end and len(raw[start : ends[0]].split()) <= _STRAY:
        start = ends[0]
    head = max(start - _WIDEST, 0)
    before = [m.end() for m in _SENTENCE_END.finditer(raw, head, start)]
    first = before[-1] if before else head
    while first < start and raw[first].isspace():
        first += 1
    after = _SENTENCE_END.search(raw, max(end - 1, first), min(end + _WIDEST, len(raw)))
    last = end if after is None else max(end, after.end())
    while last > first and raw[last - 1].isspace():
        last -= 1
    return first, last


def _change(change: Change) -> str:
    if change.op == "insert":
        return f"the quote adds '{change.quote}'"
    if change.op == "delete":
        if change.quote:  # an ellipsis standing for the words
            return f"the quote's '{change.quote}' leaves out '{change.source}'"
        return f"the quote leaves out '{change.source}'"
    return f"the source says '{change.source}', the quote '{change.quote}'"


def verify_passages(dataset: Dataset, text: SourceText, path: str | None = None) -> list[Problem]:
    """A problem for each marked passage of the source that names no place in its
    text, or a place another passage already marks (whose words would it be?)."""
    if path is None:
        path = shown_path(dataset.file)
    problems = []
    owners: dict[int, str] = {}  # line: the passage that marks it
    for passage in text.source.passages:
        lines = covered(passage.where, text.raw)
        if not lines:
            message = (
                f"the passage '{passage.where}' of '{text.source.id}' names no place in "
                f"{shown_path(text.source.file)} ({missing(passage.where, text.raw)}); "
                "fix its 'where'"
            )
            problems.append(Problem(path, passage.line, passage.column, message))
            continue
        shared = [line for line in lines if line in owners]
        if shared:
            message = (
                f"the passages '{owners[shared[0]]}' and '{passage.where}' of "
                f"'{text.source.id}' both mark line {shared[0]}; mark each place once"
            )
            problems.append(Problem(path, passage.line, passage.column, message))
            continue
        owners.update(dict.fromkeys(lines, passage.where))
    return problems


class Verified(NamedTuple):
    """What `check` found, and where each quote is, from one pass over the sources."""

    problems: list[Problem]
    places: dict[Quote, list[Occurrence]]  # everywhere each quote is in its source


def verify(dataset: Dataset, read: Reader | None = None) -> Verified:
    """Every problem in a dataset that loaded (the loader already checked its shape),
    and everywhere each quote is in its source; `read` reads a source's text
    (`read_source` by default; one that remembers spares the work of earlier runs)."""
    path = shown_path(dataset.file)
    reader = read_source if read is None else read
    problems: list[Problem] = []
    places: dict[Quote, list[Occurrence]] = {}
    texts: dict[str, SourceText] = {}
    for source in dataset.sources.values():
        try:
            texts[source.id] = reader(source)
        except DataError as error:
            problems.extend(error.problems)
            continue
        problems.extend(verify_passages(dataset, texts[source.id], path))
        if source.sha256 is not None:
            problems.extend(_digest_problems(path, source))
    for position in dataset.positions:
        for quote in position.quotes:
            if position.source not in texts:
                places[quote] = []  # its unreadable source is reported above
                continue
            places[quote], found = verify_quote(dataset, texts[position.source], quote, path)
            problems.extend(found)
    used_topics = {p.topic for p in dataset.positions}
    used_sources = {p.source for p in dataset.positions}
    for topic in dataset.topics.values():
        if topic.id not in used_topics:
            message = f"topic '{topic.id}' has no positions"
            problems.append(Problem(path, topic.line, 0, message, "warning"))
    for source in dataset.sources.values():
        if source.id not in used_sources:
            message = f"source '{source.id}' feeds no position"
            problems.append(Problem(path, source.line, 0, message, "warning"))
    return Verified(problems, places)


def _digest_problems(path: str, source: Source) -> list[Problem]:
    """The source text is the one recorded: its SHA-256 is the `sha256` written for it."""
    import hashlib

    try:
        actual = hashlib.sha256(source.file.read_bytes()).hexdigest()
    except OSError:
        return []  # reading it failed above, and is reported there
    if actual == source.sha256:
        return []
    return [
        Problem(
            path,
            source.line,
            0,
            f"the text of '{source.id}' ({source.path}) is not the one recorded: its SHA-256 "
            f"is {actual}, not {source.sha256}; restore the text, or record the new digest "
            "if the change is meant",
        )
    ]


def run_check(dataset: Dataset) -> list[Problem]:
    """Every problem in a dataset that loaded."""
    return verify(dataset).problems
