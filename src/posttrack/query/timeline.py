"""A topic's history, its position as of a date, and the listings of topics and
sources: pure questions over a Dataset."""

from __future__ import annotations

from typing import NamedTuple

from posttrack.dates import Date
from posttrack.model import DATE_ORDER, Dataset, Position, Source, Topic


class TopicSummary(NamedTuple):
    topic: Topic
    positions: int
    first: Date | None
    last: Date | None


def topic_summaries(dataset: Dataset) -> list[TopicSummary]:
    """Every topic in dataset order with its position count and first/last dates."""
    found = []
    for topic in dataset.topics.values():
        history = dataset.positions_for(topic.id)
        first = history[0].date if history else None
        # the latest in the topic's order: of two positions dated alike (2020? and 2020),
        # the later in the file, as `show` lists them
        last = history[-1].date if history else None
        found.append(TopicSummary(topic, len(history), first, last))
    return found


def source_positions(dataset: Dataset) -> list[tuple[Source, int]]:
    """Every source in dataset order with how many positions it feeds."""
    counts = dict.fromkeys(dataset.sources, 0)
    for position in dataset.positions:
        counts[position.source] += 1
    return [(source, counts[source.id]) for source in dataset.sources.values()]


# --- a topic's history, and its position as of a date ------------------------

SHIFTS = ("first", "same", "stronger", "weaker", "changed")


class Entry(NamedTuple):
    """One dated position in a topic's history, with its shift from the one before."""

    position: Position
    source: Source
    shift: str  # one of SHIFTS
    before: Position | None = None  # the topic's position before it, shown or not

    @property
    def assessment_current(self) -> bool:
        """The curator's assessment is of the step from the position now before this
        one (not from one since re-dated, or before a position since inserted)."""
        assessment = self.position.assessment
        return (
            assessment is not None
            and self.before is not None
            and assessment.after == self.before.source
        )


def compare(topic: Topic, before: Position, after: Position) -> str:
    """How `after` differs from `before`: same, stronger, weaker or changed.

    By the topic's scale where both have a level; otherwise by the stance's words.
    """
    if topic.scale and before.level is not None and after.level is not None:
        if after.level > before.level:
            return "stronger"
        if after.level < before.level:
            return "weaker"
        return "same"
    same_words = " ".join(before.stance.casefold().split()) == " ".join(
        after.stance.casefold().split()
    )
    return "same" if same_words else "changed"


def history(
    dataset: Dataset, topic_id: str, since: Date | None = None, until: Date | None = None
) -> list[Entry]:
    """The topic's positions in date order with shifts; `since`/`until` filter what is shown,
    but each shift is still measured against the position before it, shown or not.

    A position is shown up to `until` once it is known to have been stated by then,
    the rule `diff` and `as_of` use: its whole period has ended (a position of 2024
    is not shown up to 2024-06, as it may be from December). From `since` on, a
    position is shown when its period reaches that far (a position of 2020 is
    shown from 2020-06)."""
    entries = _entries(dataset, dataset.topics[topic_id], dataset.positions_for(topic_id))
    return [
        e
        for e in entries
        if (since is None or e.position.date.end >= since.start)
        and (until is None or e.position.date.end <= until.end)
    ]


def _entries(dataset: Dataset, topic: Topic, positions: list[Position]) -> list[Entry]:
    """A topic's positions, in date order, as entries with their shifts."""
    entries: list[Entry] = []
    previous: Position | None = None
    for position in positions:
        shift = "first" if previous is None else compare(topic, previous, position)
        entries.append(Entry(position, dataset.sources[position.source], shift, previous))
        previous = position
    return entries


def by_topic(dataset: Dataset) -> dict[str, list[Position]]:
    """Every topic's positions in date order (file order breaks ties): grouped in file
    order, then each group sorted (stable), which is cheaper than sorting them all."""
    grouped: dict[str, list[Position]] = {topic_id: [] for topic_id in dataset.topics}
    for position in dataset.positions:
        grouped[position.topic].append(position)
    for positions in grouped.values():
        positions.sort(key=DATE_ORDER)
    return grouped


def as_of(dataset: Dataset, topic_id: str, when: Date) -> Entry | None:
    """The latest position known to have been stated by the end of `when`'s period."""
    topic = dataset.topics[topic_id]
    return latest(dataset, topic, dataset.positions_for(topic_id), when)


def latest(dataset: Dataset, topic: Topic, positions: list[Position], when: Date) -> Entry | None:
    """The entry of the last of the topic's positions (in date order) stated by `when`'s end."""
    for index in range(len(positions) - 1, -1, -1):
        position = positions[index]
        if position.date.end <= when.end:
            before = positions[index - 1] if index else None
            shift = "first" if before is None else compare(topic, before, position)
            return Entry(position, dataset.sources[position.source], shift, before)
    return None


def within(date: Date, period: Date) -> bool:
    """The date lies wholly inside the period (stated in it, not carried into it)."""
    return period.start <= date.start and date.end <= period.end


def as_of_heading(when: Date, found: Entry | None, carried: bool) -> str:
    """One line for people: which position was in force as of `when`, and since when."""
    if found is None:
        return f"As of {when}: no position known to have been stated by then."
    stated = found.position.date
    if carried:
        return f"As of {when}: the position stated {stated}, carried forward (not restated since)."
    return f"As of {when}: the position stated {stated}, in that period."
