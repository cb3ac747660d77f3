"""Checks across entries: unique ids and topic names, references that resolve,
levels on their topic's scale, and each position's date against its source's.
Each problem is placed at the value it is about, and an unknown id names the
one it most likely meant."""

from __future__ import annotations

from typing import Any

from posttrack.dataset.suggest import did_you_mean
from posttrack.dataset.validate import POSITION, UNSET, Shape, Validator, visible
from posttrack.dates import Date
from posttrack.model import Position, Source, Topic
from posttrack.quotes.normalize import topic_key


def unique_ids(v: Validator, shape: Shape, items: list[Any], what: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for item in items:
        if item.id in seen:
            v.problem(
                v.mark(shape, item.line, "id"),
                f"duplicate {what} id '{item.id}' (first at line {seen[item.id].line})",
            )
        else:
            seen[item.id] = item
    return seen


def _unique_names(v: Validator, topics: dict[str, Topic]) -> None:
    """Every id, title and alias names one topic, compared as `show` resolves
    them: a name that folds to another topic's name would silently open that one."""
    names: dict[str, tuple[str, str, str, int]] = {}  # key: topic, kind, name, line
    for each in topics.values():
        named = [("id", each.id), ("title", each.title)]
        for kind, name in [*named, *(("alias", alias) for alias in each.aliases)]:
            mark = v.name_marks.get((each.line, name), (each.line, 0))
            key = topic_key(name)
            owner, their_kind, theirs, line = names.setdefault(key, (each.id, kind, name, mark[0]))
            if owner != each.id:
                v.problem(
                    mark,
                    f"topic name '{visible(name)}' ({kind} of '{each.id}') is also a name of "
                    f"'{owner}' (its {their_kind} '{visible(theirs)}', line {line}), ignoring "
                    "case, width, dashes and invisible characters; give each name to one topic",
                )


def cross_check(
    v: Validator, sources: dict[str, Source], topics: dict[str, Topic], positions: list[Position]
) -> list[Position]:
    """The positions whose topic and source exist, each dated (a position without
    its own date takes its source's); every problem across entries reported."""
    _unique_names(v, topics)
    resolved = []
    for position in positions:

        def at(*keys: str, line: int = position.line) -> tuple[int, int]:
            return v.mark(POSITION, line, *keys)

        topic = topics.get(position.topic)
        source = sources.get(position.source)
        if topic is None and position.topic not in v.invalid:
            hint = did_you_mean(position.topic, v.names["topic"])
            v.problem(
                at("topic"),
                f"unknown topic '{position.topic}'{hint}"
                if hint
                else f"unknown topic '{position.topic}'; add it under 'topics' or fix the id",
            )
        if source is None and position.source not in v.invalid:
            hint = did_you_mean(position.source, v.names["source"])
            v.problem(
                at("source"),
                f"unknown source '{position.source}'{hint}"
                if hint
                else f"unknown source '{position.source}'; add it under 'sources' or fix the id",
            )
        if topic is not None:
            if topic.scale and position.level is None:
                v.problem(
                    at(),
                    f"topic '{topic.id}' has a scale; give the position a 'level' "
                    f"({', '.join(str(s.level) for s in topic.scale)})",
                )
            elif position.level is not None and topic.level_label(position.level) is None:
                levels = ", ".join(str(s.level) for s in topic.scale) or "none: it has no scale"
                v.problem(
                    at("level"),
                    f"level {position.level} is not on the scale of '{topic.id}' "
                    f"(levels: {levels})",
                )
        after = position.assessment.after if position.assessment else None
        if after is not None and after not in sources and after not in v.invalid:
            hint = did_you_mean(after, v.names["source"])
            v.problem(
                at("assessment", "after"),
                f"unknown source '{after}' in the assessment's 'after'"
                + (hint or "; name the source of the position before this one"),
            )
        if source is None:
            continue
        date = source.issued if position.date is UNSET else position.date
        dated = at("date") if position.date is not UNSET else at("source")
        if date.start > source.issued.end:
            v.problem(
                dated,
                f"the position is dated {date} but its source was issued {source.issued}; "
                "a source cannot report what was not yet said",
            )
        if date.text != source.issued.text and not position.original:
            v.problem(
                dated,
                f"the position is dated {date}, not {source.issued} like its source; "
                "name the 'original' document whose date it carries",
            )
        resolved.append(_with_date(position, date))
    return resolved


def _with_date(position: Position, date: Date) -> Position:
    return position._replace(date=date)
