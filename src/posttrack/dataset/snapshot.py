"""A parsed copy of the dataset in the cache directory, behind one facade.

A command on an unchanged dataset reads one file instead of parsing and
validating YAML and normalising every source to find its quotes' lines. `load`
takes the copy when the cache finds it fresh (see cache.py: what it depends on,
and how it is stored) and builds it from the files otherwise; `Snapshot`
decodes what a command asks for (see codec.py): `show` only the header and its
one topic, whatever the size of the dataset. A copy that does not decode is
rebuilt from the files: it only costs time.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from posttrack.config import find_dataset
from posttrack.dataset import cache
from posttrack.dataset.codec import Stored, Undecodable, check_places, encode
from posttrack.errors import Problem
from posttrack.model import Dataset, Quote

if TYPE_CHECKING:
    from posttrack.quotes.locate import CitedBy, Occurrence


class Snapshot:
    """A loaded dataset with what is known about its quotes' places in the sources."""

    __slots__ = ("_dataset", "_found", "_places", "_stored", "_where", "problems")

    def __init__(
        self,
        dataset: Dataset | None,
        places: dict[Quote, list[Occurrence]] | None,
        problems: list[Problem] | None,  # what `check` finds; None when not asked for
        stored: Stored | None = None,
        where: Path | None = None,  # where the stored copy is, to replace it if need be
    ) -> None:
        if dataset is None and stored is None:
            raise ValueError("a snapshot needs a dataset or a stored copy of one")
        self._dataset, self._places, self.problems = dataset, places, problems
        self._stored = stored  # a copy from the cache, its topics decoded when asked for
        self._where = where
        self._found: tuple[list[Quote], list[list[list[int]]]] | None = None

    @property
    def dataset(self) -> Dataset:
        """The whole dataset."""
        if self._dataset is not None:
            return self._dataset
        stored = self._stored
        if stored is None:  # __init__ takes one or the other, and _rebuild sets the dataset
            raise RuntimeError("a snapshot lost both its dataset and its stored copy")
        try:
            dataset, self._found = stored.everything()
        except Undecodable:
            return self._rebuild(stored)
        self._dataset = dataset
        return dataset

    @property
    def header(self) -> Dataset:
        """The dataset's title, sources and topics; positions only if already at hand."""
        if self._dataset is None and self._stored is not None:
            return self._stored.base
        return self.dataset

    def topic(self, topic_id: str) -> tuple[Dataset, dict[Quote, int | None]]:
        """The dataset with only this topic's positions, and their quotes' lines."""
        stored = self._stored
        if self._dataset is None and stored is not None:
            try:
                _, positions, quotes, found = stored.topic(topic_id)
            except Undecodable:
                self._rebuild(stored)
            else:
                dataset = stored.base._replace(positions=tuple(positions))
                return dataset, _first_lines(quotes, found)
        dataset = self.dataset
        chosen = tuple(p for p in dataset.positions if p.topic == topic_id)
        return dataset._replace(positions=chosen), self.lines

    def _rebuild(self, stored: Stored) -> Dataset:
        """A stored copy that does not decode is replaced, from the files."""
        fresh = _build(stored.file, self._where, check=False)
        self._dataset, self._places, self._stored = fresh.dataset, fresh.places, None
        return fresh.dataset

    def _stored_places(self) -> tuple[list[Quote], list[list[list[int]]]] | None:
        """The stored quotes and where each is, checked when first asked for (`topics`
        never asks); None when the places are at hand, built or rebuilt."""
        if self._places is None:
            self.dataset  # noqa: B018 - decodes the stored quotes and their places
        if self._places is not None or self._found is None:
            return None
        stored = self._stored
        if stored is not None:
            try:
                check_places(self._found[1])
            except Undecodable:
                self._rebuild(stored)
                return None
            self._stored = None  # checked, and the dataset decoded: nothing more to read
        return self._found

    @property
    def places(self) -> dict[Quote, list[Occurrence]]:
        """Everywhere each quote is verbatim in its source."""
        found = self._stored_places()
        if found is not None:
            tuples = ([(line, start, end) for line, start, end in each] for each in found[1])
            self._places = dict(zip(found[0], tuples, strict=True))
        if self._places is None:  # _stored_places either found them or rebuilt them
            raise RuntimeError("a snapshot without its quotes' places")
        return self._places

    def cited_by(self) -> CitedBy:
        """Which of the dataset's positions quote each span of its sources."""
        from posttrack.quotes.locate import CitedBy

        return CitedBy(self.dataset.positions, self.places)

    @property
    def lines(self) -> dict[Quote, int | None]:
        """The line where each quote starts in its source; None where it is not found."""
        found = self._stored_places()
        if found is not None:
            return _first_lines(*found)
        return {quote: found[0][0] if found else None for quote, found in self.places.items()}


def _first_lines(quotes: list[Quote], found: list[list[list[int]]]) -> dict[Quote, int | None]:
    return dict(zip(quotes, (each[0][0] if each else None for each in found), strict=True))


def load(data: str | os.PathLike[str] | None = None, *, check: bool = False) -> Snapshot:
    """The dataset (see `load_dataset`), from the cache when nothing changed; with
    check=True, also every problem `check` reports."""
    file = find_dataset(data)
    where = cache.cache_file(file)
    stored = cache.read(where, file) if where else None
    if stored is not None and (stored.problems is not None or not check):
        return Snapshot(None, None, stored.problems, stored, where)
    return _build(file, where, check=check, stored=stored)


def _build(
    file: Path, where: Path | None, *, check: bool, stored: Stored | None = None
) -> Snapshot:
    """Load (or take the stored dataset), find the quotes, and store the copy."""
    dataset, key = None, None
    if stored is not None:
        with contextlib.suppress(Undecodable):
            dataset, _ = stored.everything()
            # the key cache.read checked, not one taken now: an edit saved since then is
            # not in this dataset, and must still be seen next time
            key = stored.key
    if dataset is None:
        # every file's signature is taken before it is read: an edit made meanwhile
        # is seen next time
        key = cache.start_key(file) if where is not None else None
        from posttrack.dataset.load import load_dataset  # here: a warm run never parses

        dataset = load_dataset(file)
        sources = dataset.sources.values()
        if key is not None and not all(cache.track(key, str(s.file)) for s in sources):
            key = None
    # each unchanged source's normalised form and quote places, from earlier runs
    from posttrack.dataset.sourcecache import SourceCache

    texts = SourceCache(dataset.root) if where is not None else None
    read = texts.read if texts is not None else None
    if check:
        from posttrack.quotes.verify import verify

        verified = verify(dataset, read)
        fresh = Snapshot(dataset, verified.places, verified.problems)
    else:
        from posttrack.quotes.locate import quote_places

        fresh = Snapshot(dataset, quote_places(dataset, list(dataset.positions), read), None)
    if key is not None and where is not None:
        cache.write(where, key, *encode(dataset, fresh.places, fresh.problems))
    if texts is not None:
        texts.save()
    return fresh
