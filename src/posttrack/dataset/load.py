"""positions.yaml on disk -> a validated Dataset: read safely, parse, check every
field and every cross-reference, and fail with all the problems at once so a
curator fixes a file in one pass."""

from __future__ import annotations

import os

from posttrack.config import find_dataset, shown_path
from posttrack.dataset.crosscheck import cross_check, unique_ids
from posttrack.dataset.validate import Validator
from posttrack.dataset.yamlsafe import YMap, read_yaml
from posttrack.errors import DataError
from posttrack.model import Dataset
from posttrack.textfile import MAX_DATA_BYTES, read_text


def load_dataset(data: str | os.PathLike[str] | None = None) -> Dataset:
    """Load and validate a dataset; raise DataError listing every problem."""
    file = find_dataset(data)
    shown = shown_path(file)
    text = read_text(file, shown, MAX_DATA_BYTES)
    document = read_yaml(text, shown)
    v = Validator(shown, file.parent)
    if not isinstance(document, YMap):
        message = "the dataset must be a mapping with 'sources', 'topics' and 'positions'"
        raise DataError.at(shown, 1, 1, message)
    v.keys(document, "the dataset", ("sources", "topics", "positions"), ("dataset",))
    meta = document.get("dataset")
    title, state, edition, description = "", "", "", ""
    if isinstance(meta, YMap):
        v.keys(meta, "'dataset'", ("title",), ("state", "edition", "description", "note"))
        title = v.text(meta, "title") or ""
        state = v.text(meta, "state", optional=True) or ""
        edition = v.text(meta, "edition", optional=True) or ""
        description = (v.text(meta, "description", optional=True) or "").strip()
        v.text(meta, "note", optional=True)
    elif meta is not None:
        v.problem(
            document.value_marks["dataset"], "'dataset' must be a mapping (title, state, edition)"
        )
    sources = unique_ids(v, v.entries(document, "sources", "a source", v.source), "source")
    topics = unique_ids(v, v.entries(document, "topics", "a topic", v.topic), "topic")
    positions = v.entries(document, "positions", "a position", v.position)
    positions = cross_check(v, sources, topics, positions)
    if v.problems:
        raise DataError(sorted(v.problems, key=lambda p: (p.line, p.column)))
    import hashlib  # here: a cached dataset needs no digest computed

    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return Dataset(
        file.parent,
        file,
        title,
        state,
        edition,
        sources,
        topics,
        tuple(positions),
        digest,
        description,
    )
