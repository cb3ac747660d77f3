"""The JSON contract: model values as plain records (schema_version 1).

Keys are API: tests pin them; add keys, never remove or rename one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from posttrack.config import shown_path
from posttrack.errors import Closest, Problem
from posttrack.model import Dataset, Position, Quote, Source, Topic
from posttrack.output.citations import note
from posttrack.query.diff import Change, Step, word_diff
from posttrack.query.timeline import Entry, TopicSummary

if TYPE_CHECKING:
    from posttrack.quotes.differences import Difference
    from posttrack.quotes.search import Attributed, Cited, Place

SCHEMA_VERSION = 1
Record = dict[str, Any]


def dataset_record(dataset: Dataset) -> Record:
    """What the dataset is: its title, edition and hash, and what it covers."""
    return {
        "title": dataset.title,
        "state": dataset.state,
        "edition": dataset.edition,
        "sha256": dataset.digest,
        "description": dataset.description or None,
    }


def topic_record(summary: TopicSummary) -> Record:
    topic = summary.topic
    return {
        "id": topic.id,
        "title": topic.title,
        "aliases": list(topic.aliases),
        "positions": summary.positions,
        "first": summary.first.text if summary.first else None,
        "last": summary.last.text if summary.last else None,
        "description": topic.description,
        "scale": scale_record(topic),
    }


def scale_record(topic: Topic) -> list[Record]:
    return [{"level": step.level, "label": step.label} for step in topic.scale]


def source_record(source: Source, positions: int) -> Record:
    return {
        "id": source.id,
        "title": source.title,
        "date": source.issued.text,
        "kind": source.kind,
        "voice": source.voice,
        "path": source.path,
        "short": source.short,
        "author": source.author,
        "speaker": source.speaker,
        "venue": source.venue,
        "url": source.url,
        "symbol": source.symbol,
        "positions": positions,
        "note": source.note,
    }


def problem_record(problem: Problem) -> Record:
    return {
        "path": problem.path,
        "line": problem.line,
        "column": problem.column,
        "severity": problem.severity,
        "message": problem.message,
        "closest": None if problem.closest is None else _closest_record(problem.closest),
    }


def _closest_record(closest: Closest) -> Record:
    """For a quote not found in its source: the passage nearest to it."""
    return {
        "path": closest.path,
        "line": closest.line,
        "column": closest.column,
        "score": closest.score,
        "text": closest.text,
        "differences": [
            {"op": d.op, "quote": d.quote, "source": d.source, "meaning": d.meaning}
            for d in closest.differences
        ],
    }


def quote_said_by(source: Source, quote: Quote, state: str) -> str:
    """Whose words a curated quote holds: a passage the source marks as others', else
    the state (a curated quote is the state's position, even as an analyst reports it)."""
    from posttrack.quotes.attribution import said_by

    return said_by(source, quote.where, True, state) or state


def entry_record(
    entry: Entry,
    topic: Topic,
    lines: dict[Quote, int | None],
    *,
    quotes: bool = True,
    state: str = "",
) -> Record:
    """A dated position as `show` and `diff` give it."""
    position, source = entry.position, entry.source
    return {
        "date": position.date.text,
        "date_precision": position.date.precision,
        "date_qualifier": position.date.qualifier,
        "source": source.id,
        "source_title": source.title,
        "voice": source.voice,
        "kind": source.kind,
        "stance": position.stance,
        "level": position.level,
        "level_label": topic.level_label(position.level),
        "scale_max": max((s.level for s in topic.scale), default=None),
        "shift": entry.shift,
        "summary": position.summary,
        "original": position.original,
        "note": position.note,
        # why the date is what it is: the position's own note, else its source's
        "date_note": position.note
        or (source.note if position.date.text == source.issued.text else None),
        "quotes": [
            {
                "text": q.text,
                "where": q.where,
                "line": lines.get(q),
                "said_by": quote_said_by(source, q, state),
                "citation": note(source, q.where),
            }
            for q in position.quotes
        ]
        if quotes
        else [],
        "source_short": source.short,
        "said_by": state or None,
        "citation": note(source),
        "assessment": None
        if position.assessment is None
        else {
            "kind": position.assessment.kind,
            "note": position.assessment.note,
            "after": position.assessment.after,
            "current": entry.assessment_current,
        },
    }


def topic_ref(topic: Topic) -> Record:
    return {
        "id": topic.id,
        "title": topic.title,
        "description": topic.description,
        "scale": scale_record(topic),
    }


def change_record(change: Change, lines: dict[Quote, int | None], state: str = "") -> Record:
    """One topic's difference between two dates as `diff` gives it."""
    topic = change.topic
    before = entry_record(change.before, topic, lines, state=state) if change.before else None
    after = entry_record(change.after, topic, lines, state=state) if change.after else None
    ops = word_diff(before["stance"] if before else "", after["stance"] if after else "")
    return {
        "topic": change.topic.id,
        "title": change.topic.title,
        "change": change.change,
        "from": before,
        "to": after,
        "carried_forward": change.carried_forward,
        "stated": after["date"] if after else None,
        "stance_diff": [{"op": op, "text": text} for op, text in ops],
        "reading": change.reading,
        "steps": [step_record(step) for step in change.steps],
    }


def step_record(step: Step) -> Record:
    """One step between diff's two positions, with the curator's assessment of it."""
    position = step.position
    return {
        "date": position.date.text,
        "source": position.source,
        "kind": step.kind,
        "note": step.note,
        "current": step.current,
    }


def difference_record(diff: Difference) -> Record:
    """One word-level difference of a quote from its source passage."""
    return {
        "op": diff.op,
        "quote": diff.quote,
        "source": diff.source,
        "meaning": diff.meaning,
        "why": diff.why,
        # where the source words are in the match's `text` (characters, end excluded)
        "source_start": diff.source_span[0],
        "source_end": diff.source_span[1],
    }


def match_record(place: Place, path: str, source: Source | None, positions: list[Record]) -> Record:
    """One place a quote was found (or a passage near it), as `cite` gives it."""
    return {
        "source": source.id if source else None,
        "path": path,
        "date": source.issued.text if source else None,
        "voice": source.voice if source else None,
        "score": place.score,
        "verbatim": place.verbatim,
        "line": place.line,
        "end_line": place.end_line,
        "column": place.column,
        "where": place.where,
        "text": place.text,
        "context_before": place.before,
        "context_after": place.after,
        "source_title": source.title if source else None,
        "kind": source.kind if source else None,
        "positions": positions,
        "verdict": place.verdict,
        "differences": [difference_record(d) for d in place.differences],
        "explanation": place.explanation,
        "cited_as_position": bool(positions),
        "source_short": source.short if source else None,
        "citation": note(source, place.where) if source else None,
    }


def position_ref(position: Position) -> Record:
    """A curated position that quotes a matched span."""
    return {"topic": position.topic, "date": position.date.text, "stance": position.stance}


def _attributed_record(match: Attributed) -> Record:
    positions = [position_ref(p) for p in match.cited_by]
    record = match_record(match.place, shown_path(match.place.file), match.source, positions)
    record["said_by"] = match.said_by
    record["in_own_words"] = match.own_words
    return record


def citation_record(cited: Cited) -> Record:
    """One quote's answer, as `cite` gives it."""
    record: Record = {
        "query": cited.query,
        "verdict": cited.verdict,
        "matches": [_attributed_record(m) for m in cited.matches],
        "nearest": [_attributed_record(m) for m in cited.nearest],
        "related": [_attributed_record(m) for m in cited.related],
    }
    if cited.reason is not None:
        record["reason"] = cited.reason
    return record


def export_records(
    dataset: Dataset, lines: dict[Quote, int | None], *, by: str = "position"
) -> list[Record]:
    """The whole dataset flattened, topic by topic in date order: one record per
    position (its quotes in a list) or, with by="quote", one per quote."""
    rows: list[Record] = []
    for topic in dataset.topics.values():
        for position in dataset.positions_for(topic.id):
            source = dataset.sources[position.source]
            row: Record = {
                "topic": topic.id,
                "topic_title": topic.title,
                "date": position.date.text,
                "date_precision": position.date.precision,
                "date_qualifier": position.date.qualifier,
                "date_start": position.date.start.isoformat(),
                "date_end": position.date.end.isoformat(),
                "source": source.id,
                "source_title": source.title,
                "source_date": source.issued.text,
                "voice": source.voice,
                "kind": source.kind,
                "stance": position.stance,
                "level": position.level,
                "level_label": topic.level_label(position.level),
                "summary": position.summary,
                "original": position.original,
                "note": position.note,
                "source_short": source.short,
                "said_by": dataset.state or None,
                "citation": note(source),
                "assessment": position.assessment.kind if position.assessment else None,
                "assessment_note": position.assessment.note if position.assessment else None,
            }
            quotes = [
                {
                    "quote": q.text,
                    "where": q.where,
                    "line": lines.get(q),
                    "quote_said_by": quote_said_by(source, q, dataset.state),
                    "quote_citation": note(source, q.where),
                }
                for q in position.quotes
            ]
            if by == "quote":
                rows.extend({**row, **quote} for quote in quotes)
            else:
                rows.append({**row, "quotes": quotes})
    return rows
