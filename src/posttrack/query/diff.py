"""Two dates compared: each topic's position as of both, and what changed."""

from __future__ import annotations

from typing import NamedTuple

from posttrack.dates import Date
from posttrack.model import STEP_KINDS, Dataset, Position, Topic
from posttrack.query.timeline import Entry, by_topic, compare, latest, within

CHANGES = ("new", "unchanged", "changed", "stronger", "weaker", "absent")

# What a whole change reads as, most telling first: a measured move on the topic's
# scale, else the most telling of the curator's steps between the two positions
# ("changed" when a step between them is not assessed). A step that cannot be read
# (not comparable, insufficient evidence) outranks restatement and elaboration: the
# whole is "restated" only when every step is, and no unreadable step is papered over.
READINGS = (
    "new",
    "absent",
    "stronger",
    "weaker",
    "reversal",
    "escalation",
    "softening",
    "broadening",
    "narrowing",
    "new-emphasis",
    "not-comparable",
    "insufficient-evidence",
    "elaboration",
    "restatement",
    "changed",
    "unchanged",
)
if set(READINGS) != {*CHANGES, *STEP_KINDS}:
    raise TypeError("READINGS must order every change and every kind of step")
# How diff's one-line summary counts each reading
READING_LABELS = {
    "restatement": "restated or elaborated",
    "elaboration": "restated or elaborated",
    "new-emphasis": "new emphasis",
    "broadening": "broadened",
    "narrowing": "narrowed",
    "escalation": "escalated",
    "softening": "softened",
    "not-comparable": "not comparable",
    "insufficient-evidence": "insufficient evidence",
    "changed": "changed, not assessed",
}


class Step(NamedTuple):
    """One position between A's and B's, with the curator's assessment of the step
    to it (kind and note None when the dataset has none)."""

    position: Position
    before: Position  # the topic's position before it
    kind: str | None
    note: str | None
    current: bool  # the assessment is of the step from the position now before it


_new = tuple.__new__  # a NamedTuple's own __new__ is Python code: ten times slower


def step(position: Position, before: Position) -> Step:
    assessment = position.assessment
    if assessment is None:
        return _new(Step, (position, before, None, None, False))
    current = assessment.after == before.source
    return _new(Step, (position, before, assessment.kind, assessment.note, current))


class Change(NamedTuple):
    """One topic's position as of A and as of B, and what changed."""

    topic: Topic
    change: str  # one of CHANGES
    before: Entry | None
    after: Entry | None
    carried_forward: bool  # B's position was stated before B's period
    steps: tuple[Step, ...] = ()  # every step from the earlier position to the later

    @property
    def reading(self) -> str:
        """What the change reads as, one of READINGS."""
        if self.change in ("new", "absent", "stronger", "weaker") or not self.steps:
            return self.change
        kinds = [step.kind for step in self.steps]
        if None in kinds:
            return self.change
        return min((k for k in kinds if k is not None), key=READINGS.index)

    @property
    def changed(self) -> bool:
        """Anything but a restatement: a step of another kind, or one not assessed
        between positions whose stances differ."""
        if self.change in ("new", "absent"):
            return True
        if not self.steps:
            return False
        if all(step.kind for step in self.steps):
            return any(step.kind != "restatement" for step in self.steps)
        return self.change != "unchanged"


def summary(changes: list[Change]) -> str:
    """One line for the whole diff: `13 topics: 1 stronger, 5 restated or elaborated, ...`."""
    counts: dict[str, int] = {}
    for reading in sorted((c.reading for c in changes), key=READINGS.index):
        label = READING_LABELS.get(reading, reading)
        counts[label] = counts.get(label, 0) + 1
    noun = "topic" if len(changes) == 1 else "topics"
    parts = ", ".join(f"{n} {label}" for label, n in counts.items())
    return f"{len(changes)} {noun}: {parts}" if parts else f"0 {noun}"


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
        carried = after is not None and not within(after.position.date, end)
        steps = _steps(positions, before, after) if before and after else ()
        changes.append(Change(topic, change, before, after, carried, steps))
    return changes


def _steps(positions: list[Position], before: Entry, after: Entry) -> tuple[Step, ...]:
    """The steps from the earlier of the two positions to the later, in date order."""
    index = {id(position): at for at, position in enumerate(positions)}
    low, high = sorted((index[id(before.position)], index[id(after.position)]))
    return tuple(step(positions[at], positions[at - 1]) for at in range(low + 1, high + 1))


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
