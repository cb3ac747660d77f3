"""A source cited as a researcher cites it: Chicago notes-bibliography (17th ed.),
the norm for policy and international-relations writing.

A full note the first time a source is cited, a short note after, and one entry
per source in the bibliography. Only what the dataset holds is cited, never
guessed: a speaker is a person (named first, inverted in the bibliography); an
author is cited as the dataset writes it, up to the first `;` (a government, a
mission or an institute is its own author, and a person's name is not inverted
without knowing which part is the family name); an uncertain date is bracketed
with its `?`, an approximate one with `ca.`; the URL closes the citation where
one is known.

    Munir Akram, Permanent Representative of Pakistan to the UN, "Statement by
    Ambassador Munir Akram, …," Open-ended Working Group 2021-2025 (GA
    resolution 75/240), first substantive session, New York, December 13, 2021,
    unnumbered para. 14.
"""

from __future__ import annotations

import re

from posttrack.dates import Date
from posttrack.model import Source

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def cited_date(date: Date) -> str:
    """A date as Chicago writes it: `December 13, 2021`, `March 2023`, `[2020?]`."""
    if date.precision == "day":
        text = f"{_MONTHS[date.start.month - 1]} {date.start.day}, {date.start.year}"
    elif date.precision == "month":
        text = f"{_MONTHS[date.start.month - 1]} {date.start.year}"
    else:
        text = str(date.start.year)
    if date.uncertain:
        return f"[{text}?]"
    if date.approximate:
        return f"[ca. {text}]"
    return text


def cited_where(where: str) -> str:
    """A location as a note gives it: `para 24` -> `para. 24`, `paras 29-30` -> `paras. 29–30`."""
    where = re.sub(r"\bparas\b(?!\.)", "paras.", where)
    where = re.sub(r"\bpara\b(?!\.)", "para.", where)
    return re.sub(r"(?<=\d)-(?=\d)", "–", where)


def speaker_name(source: Source) -> str | None:
    """The speaker's name, without the office that follows it."""
    if not source.speaker:
        return None
    return source.speaker.split(",")[0].strip()


def _inverted(name: str) -> str:
    """`Munir Akram` -> `Akram, Munir`: a speaker's name is a person's."""
    parts = name.split()
    return name if len(parts) < 2 else f"{parts[-1]}, {' '.join(parts[:-1])}"


def _author(source: Source) -> str:
    return source.author.split(";")[0].strip()


def _speaks(source: Source) -> bool:
    """The speaker is the text's author: a statement's prepared text is theirs, but a
    press release is its issuer's report of what they said."""
    return bool(source.speaker) and source.kind != "press-release"


def _who(source: Source) -> str:
    """Whose text it is: the speaker with their office, else the author."""
    return source.speaker.strip() if _speaks(source) and source.speaker else _author(source)


def _title(title: str, closing: str) -> str:
    """A title in quotation marks, the note's punctuation inside them (Chicago's
    American style); a title that ends in its own mark keeps it."""
    title = " ".join(title.split())
    if title[-1:] in "?!.":
        return f"“{title}”"
    return f"“{title}{closing}”"


def _place(source: Source) -> str:
    """The genre where the title does not say it, then the venue."""
    venue = " ".join(source.venue.split()) if source.venue else ""
    if source.kind == "press-release":
        return f"press release, {venue}" if venue else "press release"
    return venue


def note(source: Source, where: str | None = None) -> str:
    """The full note for a source's first citation, at a location when given."""
    parts = [_who(source), _title(source.title, ",")]
    tail = [p for p in (_place(source), cited_date(source.issued)) if p]
    if where:
        tail.append(cited_where(where))
    text = f"{parts[0]}, {parts[1]} " + ", ".join(tail)
    if source.url:
        text += f", {source.url}"
    return text + "."


def short_note(source: Source, where: str | None = None) -> str:
    """The short note for a source cited again: who (a speaker by family name), a
    short title, where."""
    name = speaker_name(source) if _speaks(source) else None
    who = name.split()[-1] if name else _author(source).split(",")[0]
    if where:
        return f"{who}, {_title(source.short, ',')} {cited_where(where)}."
    return f"{who}, {_title(source.short, '.')}"


def bibliography(source: Source) -> str:
    """The source's entry in the list of sources."""
    name = speaker_name(source) if _speaks(source) else None
    who = _inverted(name) if name else _author(source)
    text = f"{who}. {_title(source.title, '.')}"
    tail = ", ".join(p for p in (_place(source), cited_date(source.issued)) if p)
    text += " " + tail[:1].upper() + tail[1:] + "."
    if source.url:
        text += f" {source.url}."
    return text


def sort_key(source: Source) -> tuple[str, str]:
    """A bibliography's order: by the name it starts with, then by date."""
    return (bibliography(source).casefold(), source.issued.start.isoformat())
