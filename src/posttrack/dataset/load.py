"""positions.yaml on disk -> a validated Dataset: read safely, parse, check every
field and every cross-reference, and fail with all the problems at once so a
curator fixes a file in one pass."""

from __future__ import annotations

import os
from typing import NamedTuple

from posttrack.config import find_dataset, shown_path
from posttrack.dataset.crosscheck import cross_check, unique_ids
from posttrack.dataset.validate import DATASET, SOURCE, TOPIC, Validator
from posttrack.dataset.yamlsafe import YMap, read_yaml
from posttrack.errors import DataError, Problem
from posttrack.model import Dataset
from posttrack.textfile import MAX_DATA_BYTES, read_text


class Partial(NamedTuple):
    """What a dataset holds that is valid, and every problem with the rest: `check`
    still verifies the quotes of a dataset that does not load."""

    dataset: Dataset  # the valid sources, topics and positions only
    problems: list[Problem]  # sorted by line and column


def load_dataset(data: str | os.PathLike[str] | None = None) -> Dataset:
    """Load and validate a dataset; raise DataError listing every problem."""
    partial = read_dataset(data)
    if partial.problems:
        raise DataError(partial.problems)
    return partial.dataset


def read_dataset(data: str | os.PathLike[str] | None = None) -> Partial:
    """Read and validate a dataset, keeping whatever is valid in it; raise DataError
    only when nothing can be read (not YAML, not a mapping, not UTF-8)."""
    file = find_dataset(data)
    shown = shown_path(file)
    text = read_text(file, shown, MAX_DATA_BYTES)
    document = read_yaml(text, shown)
    v = Validator(shown, file.parent)
    if not isinstance(document, YMap):
        message = "the dataset must be a mapping with 'sources', 'topics' and 'positions'"
        raise DataError.at(shown, 1, 1, message)
    values, _ = v.read(document, DATASET)
    meta = values.get("dataset") or {}
    sources = unique_ids(v, SOURCE, values.get("sources") or [], "source")
    topics = unique_ids(v, TOPIC, values.get("topics") or [], "topic")
    positions = cross_check(v, sources, topics, values.get("positions") or [])
    import hashlib  # here: a cached dataset needs no digest computed

    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    dataset = Dataset(
        file.parent,
        file,
        meta.get("title") or "",
        meta.get("state") or "",
        meta.get("edition") or "",
        sources,
        topics,
        tuple(positions),
        digest,
        (meta.get("description") or "").strip(),
    )
    return Partial(dataset, sorted(v.problems, key=lambda p: (p.line, p.column)))
