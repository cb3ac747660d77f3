"""Two dates compared: each topic's position as of both, and what changed."""

from __future__ import annotations

from typing import NamedTuple

from posttrack.dates import Date
from posttrack.model import Dataset, Topic
from posttrack.query.timeline import Entry, by_topic, compare, latest

CHANGES = ("new", "unchanged", "changed", "stronger", "weaker", "absent")


class Change(NamedTuple):
    """One topic's position as of A and as of B, and what changed."""

    topic: Topic
    change: str  # one of CHANGES
    before: Entry | None
    after: Entry | None
    carried_forward: bool  # B's position was stated before B's period

    @property
    def changed(self) -> bool:
        return self.change != "unchanged"


def _within(date: Date, period: Date) -> bool:
    return period.start <= date.start and date.end <= period.end


def diff(dataset: Dataset, start: Date, end: Date, topics: list[str] | None = None) -> list[Change]:
    """For each topic (in dataset order) with a position as of either date: the change."""
    changes = []
    grouped = by_topic(dataset)
    for topic_id in topics or list(dataset.topics):
        topic = dataset.topics[topic_id]
        positions = grouped[topic_id]
        before = latest(dataset, topic, positions, start)
        after = latest(dataset, topic, positions, end)
        if before is None and after is None:
            continue
        if before is None:
            change = "new"
        elif after is None:
            change = "absent"
        elif before.position is after.position:
            change = "unchanged"
        else:
            shift = compare(topic, before.position, after.position)
            change = "unchanged" if shift == "same" else shift
        carried = after is not None and not _within(after.position.date, end)
        changes.append(Change(topic, change, before, after, carried))
    return changes


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The word-level difference of two texts: (op, words) with op equal, delete or insert."""
    from difflib import SequenceMatcher

    old, new = before.split(), after.split()
    ops: list[tuple[str, str]] = []
    matcher = SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("equal", "delete", "replace") and i2 > i1:
            ops.append(("equal" if tag == "equal" else "delete", " ".join(old[i1:i2])))
        if tag in ("insert", "replace") and j2 > j1:
            ops.append(("insert", " ".join(new[j1:j2])))
    return ops
