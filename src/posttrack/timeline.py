"""Pure queries over a dataset."""

from __future__ import annotations

from dataclasses import dataclass

from posttrack.dates import Date
from posttrack.model import Dataset, Source, Topic


@dataclass(frozen=True, slots=True)
class TopicSummary:
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
        last = max((p.date for p in history), key=lambda d: d.key) if history else None
        found.append(TopicSummary(topic, len(history), first, last))
    return found


def source_positions(dataset: Dataset) -> list[tuple[Source, int]]:
    """Every source in dataset order with how many positions it feeds."""
    counts = dict.fromkeys(dataset.sources, 0)
    for position in dataset.positions:
        counts[position.source] += 1
    return [(source, counts[source.id]) for source in dataset.sources.values()]
