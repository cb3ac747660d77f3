"""The dataset as frozen values: no I/O here."""

from __future__ import annotations

from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from posttrack.dates import Date

KINDS = ("working-paper", "submission", "statement", "press-release", "analysis")
VOICES = ("primary", "reported", "secondary")
# The curator's kinds of step from one position of a topic to the next, each with what
# it means (README's vocabulary table is this one)
STEP_KINDS = {
    "restatement": "says the same again, in the same or other words",
    "elaboration": "the same direction, with more detail, reasons or specifics",
    "new-emphasis": "another aspect of the same subject comes to the fore",
    "broadening": "asks for more in scope: more subjects, a wider outcome",
    "narrowing": "asks for less in scope, or limits what it applies to",
    "escalation": "firmer or more demanding on the same point",
    "softening": "less firm on the same point: hedged, conditional",
    "reversal": "says the opposite of the position before",
    "not-comparable": "the two speak to different questions, or in different voices",
    "insufficient-evidence": "the quotes are too thin to say what changed",
}


class Passage(NamedTuple):
    """A passage of a source that holds someone else's words or views (a working
    paper reporting what the GGEs concluded), at the document's own location."""

    where: str  # `para 18`, `paras 29-30`, `unnumbered para 3`, `section "Heading"`
    said_by: str  # who holds those words or that view: "previous GGEs"
    note: str | None = None
    line: int = 0  # where its `where` is written in positions.yaml
    column: int = 0


class Source(NamedTuple):
    """A document the dataset quotes; its text is `file`."""

    id: str
    title: str
    short: str
    issued: Date
    kind: str
    voice: str
    author: str
    speaker: str | None
    venue: str
    url: str | None
    path: str  # as written in the dataset, relative to its directory
    file: Path  # resolved, inside the dataset directory
    note: str | None = None
    line: int = 0  # where the entry starts in positions.yaml
    passages: tuple[Passage, ...] = ()  # its passages in others' words, in file order
    symbol: str | None = None  # the UN document symbol, like A/AC.290/2021/INF/2
    sha256: str | None = None  # the text's recorded digest, which `check` verifies


class Level(NamedTuple):
    """One step on a topic's ordered stance scale; higher is stronger."""

    level: int
    label: str


class Topic(NamedTuple):
    id: str
    title: str
    description: str
    aliases: tuple[str, ...] = ()
    scale: tuple[Level, ...] = ()
    line: int = 0

    def level_label(self, level: int | None) -> str | None:
        for step in self.scale:
            if step.level == level:
                return step.label
        return None


class Quote(NamedTuple):
    """Verbatim words from the position's source, at the document's own location."""

    text: str
    where: str
    line: int = 0  # where the quote is written in positions.yaml
    column: int = 0


class Assessment(NamedTuple):
    """The curator's reading of the step to a position from the one before it."""

    kind: str  # one of STEP_KINDS
    after: str  # the source of the position before, when the curator assessed the step
    note: str  # one line, grounded in both positions' quotes
    line: int = 0  # where `kind` is written in positions.yaml
    column: int = 0


class Position(NamedTuple):
    """What the state said on a topic, as of a date, with its evidence."""

    topic: str
    source: str
    date: Date
    stance: str
    summary: str
    quotes: tuple[Quote, ...]
    level: int | None = None
    original: str | None = None  # the earlier document a secondary source reports
    note: str | None = None
    line: int = 0
    assessment: Assessment | None = None  # None for a topic's first position


# Position order: Date.key (earlier start, then the narrower period), read in C
DATE_ORDER = attrgetter("date.start", "date.end")


class Dataset(NamedTuple):
    root: Path  # the dataset directory
    file: Path  # its positions.yaml
    title: str
    state: str
    edition: str
    sources: dict[str, Source]
    topics: dict[str, Topic]
    positions: tuple[Position, ...]
    digest: str = ""  # sha256 of positions.yaml, first 12 hex digits
    description: str = ""  # what the dataset covers, and what it does not

    def positions_for(self, topic_id: str) -> list[Position]:
        """The topic's positions in date order (file order breaks ties)."""
        found = [p for p in self.positions if p.topic == topic_id]
        return sorted(found, key=DATE_ORDER)
