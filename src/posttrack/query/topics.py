"""Topic names as users type them: an id, title or alias, in any case, by a
unique prefix or with a small typo."""

from __future__ import annotations

from posttrack.errors import UsageError
from posttrack.model import Dataset, Topic
from posttrack.quotes.normalize import topic_key

_TYPO_SCORE = 80.0  # a name this close (0-100) to exactly one topic is taken as meant
_SUGGEST_SCORE = 50.0  # below this a topic is no suggestion at all


def resolve_topic(dataset: Dataset, name: str) -> Topic:
    """A topic by id, title or alias, in any case, by a unique prefix or with a small typo.

    Raises UsageError with the nearest topics when the name is unknown or ambiguous.
    """
    names: dict[str, str] = {}
    for topic in dataset.topics.values():
        for each in (topic.id, topic.title, *topic.aliases):
            names.setdefault(topic_key(each), topic.id)
    wanted = topic_key(name)
    if not wanted:
        raise UsageError("a topic name is empty; see 'posttrack topics'")
    if wanted in names:
        return dataset.topics[names[wanted]]
    # a prefix of any word ("law" is in two topics' names; "disinfo" in one)
    prefixed = sorted({t for key, t in names.items() if f" {key}".find(f" {wanted}") != -1})
    if len(prefixed) == 1:
        return dataset.topics[prefixed[0]]
    if len(prefixed) > 1:
        raise UsageError(f"topic '{name}' is ambiguous; did you mean {_listing(prefixed)}?")
    from rapidfuzz import fuzz, process

    scored: dict[str, float] = {}
    for key, score, _ in process.extract(wanted, list(names), scorer=fuzz.ratio, limit=None):
        topic_id = names[key]
        scored[topic_id] = max(scored.get(topic_id, 0.0), float(score))
    ranked = sorted(scored, key=lambda t: -scored[t])
    close = [t for t in ranked if scored[t] >= _TYPO_SCORE]
    if len(close) == 1:
        return dataset.topics[close[0]]
    nearest = close or [t for t in ranked[:3] if scored[t] >= _SUGGEST_SCORE]
    suggestion = f"; did you mean {_listing(nearest)}?" if nearest else ""
    raise UsageError(f"unknown topic '{name}'{suggestion} ('posttrack topics' lists them)")


def _listing(ids: list[str], most: int = 5) -> str:
    quoted = [f"'{i}'" for i in ids[:most]]
    if len(ids) > most:
        return ", ".join(quoted) + f" or {len(ids) - most} more"
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
