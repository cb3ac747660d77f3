r"""The dataset's sources as bibliographic data: CSL-JSON (what Zotero, pandoc and
citeproc read) and BibTeX (what LaTeX, biber and pandoc read).

Only what the dataset holds is written, never guessed; each choice below follows
the CSL 1.0.2 specification's item types and variables:

- Type: a statement is `speech` ("a speech or other presentation", given at the
  event that `event-title` names), whoever the dataset says gave it. Every other
  kind is `report` ("a technical report, government report, white paper, brief,
  or similar work distributed by an institution"): a working paper or a
  submission to a UN body, an institute's issue brief, and a mission's press
  release. `genre` says which (`Working paper`, `Press release`, ...), and for a
  report, styles print genre and `number` together (`Working paper A/AC.290/...`),
  which is how a UN document is cited. Rejected: `document` (the specification's
  catch-all, "use a more specific type when appropriate"), `article` (a work
  posted to a preprint or working-paper repository), `webpage` (for sources
  intrinsically online; a press release is also issued on paper).
- Author: a speaker is the source's author, a person, split into family and
  given names at the last space of the name (the speaker text up to its first
  comma: `Munir Akram, Permanent Representative ...` -> Akram, Munir). Any other
  author, and a press release's (its issuer reports the speaker's words), is
  written as the dataset has it up to the first `;`, as one literal name: a
  government or a mission is not a person, and a person's name is not split
  without knowing which part is the family name (as in citations.py).
- Date: `issued` as date-parts of the precision the dataset gives (year; year and
  month; or the day). CSL has no "uncertain": an uncertain (`?`) date and an
  approximate (`~`) one both carry `"circa": true`, so a style marks them (`ca.
  2020`); the difference between the two is kept in the dataset, not here.
- Place: the dataset has no place field, so `publisher-place` is never written:
  a place inside the venue text (`..., New York`) is not parsed out of free text.
- `event-title` is the venue, `number` the UN document symbol, `URL` the address
  where the dataset has one, `title-short` the short title, `note` the source's
  note.
- Text is written as the dataset has it (whitespace collapsed). CSL processors
  read a few HTML-like tags in it as formatting (`<i>`, `<b>`, `<sup>`, `<sub>`,
  `<span class="nocase">`) and CSL-JSON has no escape for them: such a tag in a
  title is shown as formatting, never run.

BibTeX gets one `@misc` entry per source, keyed by the source id (ids are
already safe keys): an institution braced as one name, a title braced to keep
its capitals, `year` and `month` for BibTeX and `date` (EDTF: the day, `?`, `~`)
for biblatex, `howpublished` the genre and venue. Every TeX special character
in the data (`\ { } # $ % & ~ _ ^`) is written as its escape, so no text from
the data can end a field or run a command (`\input`, `\write18`) when the
entry is read; an address is percent-encoded where it holds a character a URL
cannot hold raw instead, so it still works as a link.
"""

from __future__ import annotations

import json
import re
from typing import Any

from posttrack.model import Dataset, Source
from posttrack.output.citations import speaker_name
from posttrack.output.escape import JSON_UNSAFE, json_escaped, regex, safe

# posttrack's source kinds as CSL genres, the words a citation prints
GENRES = {
    "working-paper": "Working paper",
    "submission": "Submission",
    "statement": "Statement",
    "press-release": "Press release",
    "analysis": "Analysis",
}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _speaker(source: Source) -> str | None:
    """The speaker who is the source's author, as citations.py has it: a statement's
    prepared text is its speaker's, a press release is its issuer's report of it."""
    return speaker_name(source) if source.kind != "press-release" else None


def _author(source: Source) -> str:
    return " ".join(source.author.split(";")[0].split())


def _genre(source: Source) -> str:
    return GENRES.get(source.kind, source.kind.replace("-", " ").capitalize())


def _person(name: str) -> dict[str, str]:
    """A person's name as CSL names it: the last word is the family name."""
    given, _, family = " ".join(name.split()).rpartition(" ")
    return {"family": family, "given": given} if given else {"literal": family}


def _issued(source: Source) -> dict[str, Any]:
    date = source.issued
    parts = [date.start.year, date.start.month, date.start.day]
    length = {"year": 1, "month": 2, "day": 3}[date.precision]
    issued: dict[str, Any] = {"date-parts": [parts[:length]]}
    if date.qualifier:  # CSL's only mark of a doubtful date
        issued["circa"] = True
    return issued


def csl_item(source: Source) -> dict[str, Any]:
    """One source as a CSL-JSON item."""
    speaker = _speaker(source)
    item: dict[str, Any] = {
        "id": source.id,
        "type": "speech" if source.kind == "statement" else "report",
        "title": " ".join(source.title.split()),
        "title-short": " ".join(source.short.split()),
        "author": [_person(speaker) if speaker else {"literal": _author(source)}],
        "issued": _issued(source),
        "genre": _genre(source),
    }
    optional = {
        "event-title": " ".join(source.venue.split()) if source.venue else None,
        "number": source.symbol,
        "URL": source.url,
        "note": " ".join(source.note.split()) if source.note else None,
    }
    item.update({key: value for key, value in optional.items() if value})
    return item


def csl_items(dataset: Dataset) -> list[dict[str, Any]]:
    """One CSL-JSON item per source, in the dataset's order."""
    return [csl_item(source) for source in dataset.sources.values()]


def dump_csl_json(dataset: Dataset) -> str:
    """The sources as a CSL-JSON array, indented, ending in a newline."""
    text = json.dumps(csl_items(dataset), ensure_ascii=False, indent=2)
    # as formats.dump_json: no bidi override or line separator reaches a reader raw
    return regex(JSON_UNSAFE).sub(json_escaped, text) + "\n"


# --- BibTeX --------------------------------------------------------------------

_TEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "#": r"\#",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "~": r"\textasciitilde{}",
    "_": r"\_",
    "^": r"\textasciicircum{}",
}
_TEX_ACTIVE = re.compile(r"[\\{}#$%&~_^]")
# what an address may hold raw (RFC 3986's unreserved, reserved and `%`), less `\`,
# `{`, `}`, `^`, which it may not hold anyway; the rest is percent-encoded
_URL_RAW = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]")


def tex(text: str) -> str:
    """Text as a BibTeX field's content: one line, every TeX special escaped, and
    controls and invisible characters shown as `\\xNN` (then escaped themselves)."""
    text = safe(" ".join(text.split()))
    return _TEX_ACTIVE.sub(lambda m: _TEX_SPECIAL[m.group()], text)


def bib_url(url: str) -> str:
    """An address for a BibTeX `url` field (read verbatim by biblatex and pandoc):
    characters a URL cannot hold raw, braces and backslashes among them, are
    percent-encoded, so the field cannot be closed early or run a command."""
    return "".join(
        char if _URL_RAW.fullmatch(char) else "".join(f"%{b:02X}" for b in char.encode())
        for char in url.strip()
    )


def _bib_author(source: Source) -> str:
    speaker = _speaker(source)
    if speaker:
        name = _person(speaker)
        if "family" in name:
            # each part braced, so an `and` inside a name never splits it in two
            return f"{{{tex(name['family'])}}}, {{{tex(name['given'])}}}"
        return f"{{{tex(name['literal'])}}}"
    return f"{{{tex(_author(source))}}}"  # braced: an institution, not "family, given"


def bib_entry(source: Source) -> str:
    """One source as a BibTeX `@misc` entry."""
    date = source.issued
    fields: list[tuple[str, str]] = [
        ("author", f"{{{_bib_author(source)}}}"),
        # double braces keep the title's capitals as they are
        ("title", f"{{{{{tex(source.title)}}}}}"),
        ("shorttitle", f"{{{{{tex(source.short)}}}}}"),
        ("year", f"{{{date.start.year}}}"),
    ]
    if date.precision != "year":
        fields.append(("month", _MONTHS[date.start.month - 1]))  # BibTeX's month macros
    # biblatex reads the day and ISO 8601-2 (EDTF) `?` and `~` from `date`; BibTeX,
    # which has neither, ignores it and takes year and month
    fields.append(("date", f"{{{tex(date.text)}}}"))
    venue = " ".join(source.venue.split()) if source.venue else ""
    how = f"{_genre(source)}, {venue}" if venue else _genre(source)
    fields.append(("howpublished", f"{{{tex(how)}}}"))
    if source.symbol:
        fields.append(("number", f"{{{tex(source.symbol)}}}"))
    if source.url:
        fields.append(("url", f"{{{bib_url(source.url)}}}"))
    if source.note:
        fields.append(("note", f"{{{tex(source.note)}}}"))
    width = max(len(name) for name, _ in fields)
    body = ",\n".join(f"  {name.ljust(width)} = {value}" for name, value in fields)
    return f"@misc{{{source.id},\n{body}\n}}\n"


def dump_bibtex(dataset: Dataset) -> str:
    """The sources as BibTeX, one `@misc` entry each, in the dataset's order."""
    return "\n".join(bib_entry(source) for source in dataset.sources.values())
