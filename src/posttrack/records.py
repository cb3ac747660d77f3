"""The JSON contract: model values as plain records (schema_version 1).

Keys are API: tests pin them; add keys, never remove or rename one.
"""

from __future__ import annotations

from typing import Any

from posttrack.errors import Problem
from posttrack.model import Dataset, Source
from posttrack.timeline import TopicSummary

SCHEMA_VERSION = 1
Record = dict[str, Any]


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
        "scale": [{"level": s.level, "label": s.label} for s in topic.scale],
    }


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
    }


def dataset_record(dataset: Dataset) -> Record:
    return {
        "title": dataset.title,
        "state": dataset.state,
        "edition": dataset.edition,
        "digest": dataset.digest,
    }
