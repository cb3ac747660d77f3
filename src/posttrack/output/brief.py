"""`posttrack brief`: a document for people, from the dataset only.

`build_brief` gathers what the brief holds (data, no text): per topic its
positions in date order with their shifts and the curator's assessments, each
quote with its footnote and the place it was found in its source's text, and
the sources cited, in bibliography order, with their texts split into lines and
the quoted spans marked. `render_markdown` (Markdown for pandoc: real footnotes)
and `render_html` (one self-contained file) write it through Jinja2 templates.

Text from the data is never markup: the HTML template escapes every value (Jinja2's
autoescape; nothing from the data is marked safe), the Markdown template
backslash-escapes every value (`md_text`), and both show control, bidi and
invisible characters as visible escapes (`escape.safe`). Citations are Chicago
notes (`citations`): a full note the first time a source is cited, a short note
after. Nothing depends on the clock, so the same data gives the same bytes.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from posttrack.dates import Date
from posttrack.errors import DataError
from posttrack.model import Dataset, Quote, Source, Topic
from posttrack.output import citations
from posttrack.output.escape import safe
from posttrack.query.timeline import Entry, history
from posttrack.quotes.attribution import said_by
from posttrack.quotes.locate import (
    SourceText,
    exact_spans,
    find_exact,
    quote_parts,
    read_source,
)

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = Path(__file__).parent / "templates"


class BriefQuote(NamedTuple):
    """A quote of a position, its footnote, and where it is in its source's text."""

    quote: Quote
    note: int  # its footnote's number
    target: str | None  # the id of its first marked piece in the source's text; None: not found
    line: int | None  # the source text's line it starts on
    said_by: str | None  # whose words, where the source marks the passage as others'


class BriefEntry(NamedTuple):
    """One position of a topic as the brief gives it."""

    entry: Entry  # the position, its source, its shift and the position before it
    date_note: str | None  # why an uncertain or approximate date is what it is
    quotes: tuple[BriefQuote, ...]


class BriefTopic(NamedTuple):
    topic: Topic
    entries: tuple[BriefEntry, ...]  # in date order; none: no positions in the period


class Note(NamedTuple):
    """A footnote: a quote's citation, full the first time its source is cited."""

    number: int
    source: Source
    where: str
    full: bool


class Segment(NamedTuple):
    """A run of one line of a source's text, marked when a quote covers it."""

    text: str
    marked: bool
    anchor: str | None  # a quoted piece starts here: the id links land on


class TextLine(NamedTuple):
    number: int
    anchor: str  # the line's id
    segments: tuple[Segment, ...]
    notes: tuple[int, ...] = ()  # the notes of the quotes that start on this line


class CitedSource(NamedTuple):
    """A source cited by the brief, with its text split into lines (None: unreadable)."""

    source: Source
    anchor: str
    lines: tuple[TextLine, ...] | None
    problem: str | None  # why its text is not shown


class Brief(NamedTuple):
    """Everything the brief says, in order; `render_*` only write it out."""

    dataset_title: str
    state: str
    description: str
    edition: str
    digest: str
    since: Date | None
    until: Date | None
    first: Date | None  # the earliest date among the positions shown
    last: Date | None  # the latest
    topics: tuple[BriefTopic, ...]
    notes: tuple[Note, ...]
    sources: tuple[CitedSource, ...]  # the sources cited, in bibliography order

    every: bool = False  # every topic of the dataset, none left out

    @property
    def title(self) -> str:
        """`Pakistan's positions: Binding instrument, International law`; a brief of
        every topic (more than a title can list) says how many."""
        if self.every and len(self.topics) > 3:
            return f"{self.state}'s positions: all {len(self.topics)} topics"
        titles = ", ".join(t.topic.title for t in self.topics)
        return f"{self.state}'s positions: {titles}" if titles else f"{self.state}'s positions"


# --- what the brief holds --------------------------------------------------------------


def build_brief(
    dataset: Dataset, topics: list[str] | None, since: Date | None, until: Date | None
) -> Brief:
    """The brief of these topics (None: every topic, in dataset order) in the period."""
    chosen = list(topics) if topics else list(dataset.topics)
    histories = [(dataset.topics[t], history(dataset, t, since, until)) for t in chosen]
    # the sources cited, in bibliography order: their anchors name them in links
    cited = {
        e.source.id: e.source for _, entries in histories for e in entries if e.position.quotes
    }
    order = sorted(cited.values(), key=citations.sort_key)
    anchors = {source.id: f"src-{at}" for at, source in enumerate(order, 1)}
    texts = {source.id: _SourceText.read(source) for source in order}

    notes: list[Note] = []
    seen: set[str] = set()
    brief_topics = []
    for topic, entries in histories:
        shown = []
        for entry in entries:
            quotes = []
            for quote in entry.position.quotes:
                number = len(notes) + 1
                notes.append(Note(number, entry.source, quote.where, entry.source.id not in seen))
                seen.add(entry.source.id)
                text = texts[entry.source.id]
                line, target = text.mark(quote, anchors[entry.source.id], number)
                quotes.append(
                    BriefQuote(
                        quote, number, target, line, _said_by(entry, quote, text, dataset.state)
                    )
                )
            shown.append(BriefEntry(entry, _date_note(entry), tuple(quotes)))
        brief_topics.append(BriefTopic(topic, tuple(shown)))

    dates = [e.entry.position.date for t in brief_topics for e in t.entries]
    return Brief(
        dataset_title=dataset.title,
        state=dataset.state,
        description=dataset.description,
        edition=dataset.edition,
        digest=dataset.digest,
        since=since,
        until=until,
        first=min(dates, key=lambda d: d.key) if dates else None,
        last=max(dates, key=lambda d: (d.end, d.start)) if dates else None,
        topics=tuple(brief_topics),
        notes=tuple(notes),
        sources=tuple(texts[s.id].cited(anchors[s.id]) for s in order),
        every=set(chosen) == set(dataset.topics),
    )


def _date_note(entry: Entry) -> str | None:
    """Why an uncertain or approximate date is what it is: the position's note, else
    its source's note where the position takes the source's date."""
    position, source = entry.position, entry.source
    if not position.date.qualifier:
        return None
    if position.note:
        return position.note
    return source.note if position.date.text == source.issued.text else None


def _said_by(entry: Entry, quote: Quote, text: _SourceText, state: str) -> str | None:
    """Whose words a quote is, where they are not the state's: a passage its source
    marks as someone else's (a curated position's quote is otherwise the state's, in
    the voice its source gives)."""
    line, end_line = text.lines_of(quote)
    whose = said_by(
        entry.source,
        quote.where,
        True,
        state,
        text=text.raw,
        line=line or 0,
        end_line=end_line or 0,
    )
    return whose if whose != state else None


class _SourceText:
    """A cited source's text and the quoted pieces found in it, as raw offsets."""

    def __init__(self, source: Source, raw: str | None, problem: str | None) -> None:
        self.source = source
        self.raw = raw
        self.problem = problem
        self.pieces: list[tuple[int, int]] = []
        self.notes: dict[int, list[int]] = {}  # a quote's first offset: its notes
        self._found: dict[str, list[tuple[int, int]]] = {}
        self._text = SourceText(source, raw) if raw is not None else None

    @classmethod
    def read(cls, source: Source) -> _SourceText:
        try:
            text = read_source(source)
        except DataError as error:
            return cls(source, None, str(error))
        return cls(source, text.raw, None)

    def find(self, quote: Quote) -> list[tuple[int, int]]:
        """The raw [start, end) of each piece of the quote's first verbatim place: the
        words between an ellipsis's two sides are not the quote's, so not marked."""
        if quote.text in self._found:
            return self._found[quote.text]
        found: list[tuple[int, int]] = []
        if self._text is not None:
            normalized = self._text.normalized
            spans = find_exact(normalized, quote.text)
            if spans:
                start, end = spans[0]
                at = start
                for part in quote_parts(quote.text):
                    places = exact_spans([part], normalized.text[at:end])
                    if not places:
                        break
                    a, b = places[0]
                    found.append(normalized.span(at + a, at + b))
                    at += b
                if not found:  # the parts are the whole span
                    found.append(normalized.span(start, end))
        self._found[quote.text] = found
        return found

    def lines_of(self, quote: Quote) -> tuple[int | None, int | None]:
        """The first and last lines the quote's place covers (None: not found)."""
        found = self.find(quote)
        if not found or self._text is None:
            return None, None
        lines = self._text.lines
        return lines.locate(found[0][0])[0], lines.locate(max(found[-1][1] - 1, 0))[0]

    def mark(self, quote: Quote, anchor: str, note: int) -> tuple[int | None, str | None]:
        """Mark the quote's pieces; its first line and the id its link lands on."""
        found = self.find(quote)
        if not found:
            return None, None
        self.pieces.extend(found)
        self.notes.setdefault(found[0][0], []).append(note)
        return self.lines_of(quote)[0], f"{anchor}-c{found[0][0]}"

    def cited(self, anchor: str) -> CitedSource:
        """The source with its text in lines, every quoted piece marked."""
        if self.raw is None:
            return CitedSource(self.source, anchor, None, self.problem)
        starts = {start for start, _ in self.pieces}
        bounds = {b for piece in self.pieces for b in piece}
        lines = []
        offset = 0
        for number, whole in enumerate(self.raw.split("\n"), 1):
            line = whole.removesuffix("\r")  # a CRLF file's lines end as any other's
            end = offset + len(line)
            cuts = sorted({offset, end} | {b for b in bounds if offset < b < end})
            segments = []
            for a, b in pairwise(cuts):
                marked = any(s <= a and b <= e for s, e in self.pieces)
                segments.append(
                    Segment(
                        # a tab is layout, not a control character to show escaped
                        line[a - offset : b - offset].replace("\t", "    "),
                        marked,
                        f"{anchor}-c{a}" if a in starts else None,
                    )
                )
            notes = tuple(
                n for at in sorted(self.notes) if offset <= at < end for n in self.notes[at]
            )
            lines.append(TextLine(number, f"{anchor}-L{number}", tuple(segments), notes))
            offset += len(whole) + 1
        return CitedSource(self.source, anchor, tuple(lines), None)


# --- text for people -------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s<>\"'`\\{}|^\[\]]+")


def link(url: str | None) -> str | None:
    """A URL a reader may follow: http(s) only, nothing a renderer could read otherwise."""
    if url and _URL.fullmatch(url) and not re.search(r"[\x00-\x20\x7f-\x9f]", url):
        return url
    return None


def note_text(note: Note) -> tuple[str, str | None]:
    """The note's citation and its URL: the text is citations' note up to where the
    URL goes (`, URL.` closes a full note), so a template writes the URL as a link."""
    bare = note.source._replace(url=None)
    if not note.full:
        return citations.short_note(bare, note.where), None
    text = citations.note(bare, note.where)
    return (text[:-1], note.source.url) if note.source.url else (text, None)


def bibliography_text(source: Source) -> tuple[str, str | None]:
    """The source's bibliography entry and its URL (` URL.` closes the entry)."""
    return citations.bibliography(source._replace(url=None)), source.url


def voice_text(source: Source, state: str) -> str:
    """Whose words, said plainly (as `show` says it)."""
    from posttrack.output.views import voice_note

    return voice_note({"voice": source.voice}, state)


def shift_text(entry: Entry, topic: Topic) -> str:
    """The shift from the position before, as a sentence's fragment."""
    shift = entry.shift
    if shift == "first":
        return "the topic's first position in the dataset"
    if shift == "same":
        return "the same as the position before"
    measure = (
        "on the topic's scale"
        if topic.scale and entry.position.level is not None
        else "in its stance"
    )
    if shift == "changed":
        return f"changed {measure} from the position before"
    return f"{shift} {measure} than the position before"


def level_text(entry: Entry, topic: Topic) -> str | None:
    level = entry.position.level
    if level is None or not topic.scale:
        return None
    top = max(step.level for step in topic.scale)
    label = topic.level_label(level)
    return f"level {level} of {top}" + (f": {label}" if label else "")


def period_text(brief: Brief) -> str:
    """The date range the brief covers, as asked and as found."""
    asked = ""
    if brief.since and brief.until:
        asked = f"from {brief.since.display()} to {brief.until.display()}"
    elif brief.since:
        asked = f"from {brief.since.display()}"
    elif brief.until:
        asked = f"until {brief.until.display()}"
    if brief.first is None or brief.last is None:
        found = "no positions in this period"
    elif brief.first == brief.last:
        found = f"the positions shown are dated {brief.first.display()}"
    else:
        found = f"the positions shown are dated {brief.first.display()} to {brief.last.display()}"
    return f"Period: {asked}; {found}." if asked else f"Period: every position; {found}."


def assessment_text(entry: Entry) -> tuple[str, str, str | None] | None:
    """The curator's reading of the step to this position: (kind, note, staleness)."""
    assessment = entry.position.assessment
    if assessment is None or entry.before is None:
        return None
    stale = None
    if not entry.assessment_current:
        stale = (
            f"assessed as the step from {assessment.after}, which is no longer the position before"
        )
    return assessment.kind.replace("-", " "), assessment.note, stale


def _context(brief: Brief) -> dict[str, Any]:
    return {
        "brief": brief,
        "period": period_text(brief),
        "voice": lambda source: voice_text(source, brief.state),
        "shift": shift_text,
        "level": level_text,
        "assessment": assessment_text,
        "note_text": note_text,
        "bibliography": bibliography_text,
        "link": link,
        "kind": lambda source: source.kind.replace("-", " "),
        "anchors": {cited.source.id: cited.anchor for cited in brief.sources},
    }


# --- Markdown --------------------------------------------------------------------------

# What Markdown (CommonMark and pandoc's, with its extensions: smart quotes and dashes,
# citations, math, sub/superscript, spans) could read as markup: escaped everywhere
_MD_ANYWHERE = re.compile(r"[\\`*_\[\]{}<>#|~^$@&\"']|-(?=-)|\.(?=\.)")
# what starts a list item, a definition or a setext underline at a line's start
_MD_START = re.compile(r"^(\s*)([-+(:=]|[0-9]+(?=[.)]))")


class MdRaw(str):
    """Markdown the template made (a footnote reference), not text from the data."""

    __slots__ = ()


def md_text(value: object) -> str:
    """Text from the data as Markdown that reads as the same text, on one line."""
    if isinstance(value, MdRaw):
        return str(value)
    if value is None:
        return ""
    text = " ".join(safe(str(value)).split())
    text = _MD_ANYWHERE.sub(lambda m: "\\" + m.group(), text)
    match = _MD_START.match(text)
    if match and match.group(2)[0] in "-+(:=":
        text = match.group(1) + "\\" + text[match.end(1) :]
    elif match:
        text = text[: match.end()] + "\\" + text[match.end() :]
    return text


def fenced(block: str) -> str:
    """A fenced code block longer than any backtick run inside it, so the data cannot
    close it."""
    runs = [len(r) for r in re.findall(r"`+", block)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return MdRaw(f"{fence}text\n{block}\n{fence}")


def _environment(*, html: bool) -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined
    from markupsafe import Markup

    def finalize(value: object) -> object:
        if html:
            # the template's own markup passes; any string from the data is shown as text
            return value if isinstance(value, Markup) else safe(str(value))
        return md_text(value)

    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=html,
        undefined=StrictUndefined,
        finalize=finalize,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_markdown(brief: Brief) -> str:
    """The brief as Markdown for pandoc: real footnotes, block quotations, text charts."""
    from posttrack.output import charts

    env = _environment(html=False)
    context = _context(brief)
    context["raw"] = MdRaw
    # a URL a reader may follow is an autolink; any other is text
    context["url"] = lambda url: MdRaw(f"<{url}>") if link(url) else url
    context["fenced"] = fenced
    context["text_chart"] = lambda t: fenced(charts.level_text(t))
    context["coverage"] = fenced(charts.coverage_text(brief))
    text = env.get_template("brief.md.j2").render(context)
    # one blank line between blocks, whatever the template's branches left
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"


def render_html(brief: Brief) -> str:
    """The brief as one self-contained HTML file: no script, no network request."""
    from markupsafe import Markup

    from posttrack.output import charts

    env = _environment(html=True)
    context = _context(brief)
    # the charts are SVG built by charts.py, every string from the data escaped there
    context["svg_chart"] = lambda t, n: Markup(charts.level_svg(t, brief.state, n))
    context["url"] = lambda url: (
        Markup('<a href="{0}">{0}</a>').format(safe(url)) if link(url) else url
    )
    context["coverage"] = Markup(charts.coverage_svg(brief))
    context["columns"] = charts.coverage_columns(brief)
    context["style"] = Markup((TEMPLATES / "brief.css").read_text(encoding="utf-8"))
    return env.get_template("brief.html.j2").render(context)
