"""Find a quote in a set of text files: where exactly it is, and how sure we are.

Candidates come from the on-disk index (an exact phrase query, then 3-word
shingles ranked by bm25, or only the quote's first and last three words once it
is found word for word); each candidate chunk is widened with its neighbours
(a sentence split by a page break or a footnote block is whole again) and
scored with rapidfuzz on the normalised text; the best places are mapped back
to the original file through the normaliser's offset map, so every match
names true lines and shows the exact original span.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import NamedTuple

from posttrack.errors import UsageError
from posttrack.index import Chunk, Index, phrase, words
from posttrack.match import Occurrence, exact_spans, quote_parts, whole_words
from posttrack.model import Dataset, Position, Quote, Source
from posttrack.records import Record, citation_record, match_record
from posttrack.text import Lines, location_labels, normalize, readable

CANDIDATES = 100  # chunks reranked per query, from the shingle query
SHORT_WORDS = 4  # a quote of fewer words is only ever claimed verbatim
CLOSE = 90.0  # score from which a match is `close`; below it, `partial`
MIN_SCORE = 80.0  # default threshold: below it nothing is claimed
MAX_QUOTE = 5000  # characters; a quote is a sentence or a paragraph, not a document
CONTEXT = 60  # characters of context shown each side


class Hit(NamedTuple):
    """A scored place in a file's normalised text (before it is mapped back)."""

    file_id: int
    start: int  # offsets in the file's whole normalised text
    end: int
    score: float
    verbatim: bool
    chunks: tuple[Chunk, ...]  # the window it was found in


class Place(NamedTuple):
    """A match located in the original file."""

    file: Path
    score: float
    verbatim: bool
    line: int
    end_line: int
    column: int
    text: str  # the exact original span
    before: str  # a little context, whitespace collapsed
    after: str
    where: str | None  # the document's own paragraph number, if it has them
    start: int  # character offsets in the file's text
    end: int


class Citation(NamedTuple):
    query: str
    verdict: str  # verbatim, close, partial or none
    places: list[Place]


def verdict_of(places: Sequence[Place]) -> str:
    if not places:
        return "none"
    best = places[0]
    if best.verbatim:
        return "verbatim"
    return "close" if best.score >= CLOSE else "partial"


def check_quote(quote: str) -> list[str]:
    """The quote's normalised parts; UsageError for an empty or oversized one."""
    if len(quote) > MAX_QUOTE:
        raise UsageError(
            f"the quote is {len(quote):,} characters; cite takes at most {MAX_QUOTE:,} "
            "(a sentence or a paragraph)"
        )
    parts = quote_parts(quote)
    if not any(words(part) for part in parts):
        raise UsageError("the quote is empty: give some words to look for")
    return parts


class _Queries(NamedTuple):
    exact: str  # every part as a phrase
    ends: str  # the quote's first or last three words
    shingles: str  # any 3-word run
    words: str  # any word


def _queries(parts: list[str]) -> _Queries:
    """The FTS5 queries that lead to the quote's candidate chunks."""
    tokens = [words(part) for part in parts]
    exact = " AND ".join(phrase(t) for t in tokens if t)
    every = [w for part in tokens for w in part]
    ends = " OR ".join(dict.fromkeys([phrase(every[:3]), phrase(every[-3:])]))
    shingles: list[str] = []
    for part in tokens:
        if len(part) < 3:
            if part:
                shingles.append(phrase(part))
            continue
        shingles.extend(phrase(part[i : i + 3]) for i in range(len(part) - 2))
    any_word = " OR ".join(dict.fromkeys(phrase([w]) for w in every))
    return _Queries(exact, ends, " OR ".join(dict.fromkeys(shingles)), any_word)


def _align(parts: list[str], text: str, cutoff: float) -> tuple[float, int, int] | None:
    """The best approximate place of the parts, in order, in `text`: (score, start, end)."""
    from rapidfuzz import fuzz

    total = weight = 0.0
    first, position = -1, 0
    for part in parts:
        rest = text[position:]
        if len(rest) >= len(part):
            found = fuzz.partial_ratio_alignment(part, rest, score_cutoff=cutoff)
            if found is None:
                return None
            score, start, end = found.score, position + found.dest_start, position + found.dest_end
        else:
            # shorter than the quote: compare whole, so a short text inside a long quote
            # cannot score 100
            score, start, end = fuzz.ratio(part, rest), position, len(text)
            if score < cutoff:
                return None
        total += score * len(part)
        weight += len(part)
        first = start if first == -1 else first
        position = end
    return total / weight, *whole_words(text, first, position)


def find_hits(
    index: Index, file_ids: Sequence[int], parts: list[str], *, min_score: float, limit: int
) -> list[Hit]:
    """Scored places for the quote in the indexed files, best first, overlaps removed."""
    queries = _queries(parts)
    short = sum(len(words(p)) for p in parts) < SHORT_WORDS
    hits: list[Hit] = []
    seen: set[int] = set()

    def score(ids: list[int]) -> None:
        for chunk_id in ids:
            if chunk_id in seen:
                continue
            seen.add(chunk_id)
            window = tuple(index.window(chunk_id))
            if not window:
                continue
            text = " ".join(c.text for c in window)
            base = window[0].base
            exact = exact_spans(parts, text)
            for start, end in exact:
                hits.append(Hit(window[0].file_id, base + start, base + end, 100.0, True, window))
            if not exact and not short:
                found = _align(parts, text, min_score)
                if found is not None:
                    value, start, end = found
                    hits.append(
                        Hit(window[0].file_id, base + start, base + end, value, False, window)
                    )

    score(index.search(queries.exact, file_ids, max(limit * 20, CANDIDATES)))
    if not short and any(h.verbatim for h in hits):
        # word for word already, so nothing merely close will be kept: only look for
        # places where it is word for word across two chunks (a paragraph or page
        # break), which hold its first or last three words. Every 3-word run, as
        # below, costs 3-6 times as much at 100 MB.
        score(index.search(queries.ends, file_ids, CANDIDATES))
    elif not short and queries.shingles:
        score(index.search(queries.shingles, file_ids, CANDIDATES))
    if not seen and not short:
        # a quote split across chunks (a page break, a footnote block) may share no
        # phrase with any one chunk: its rarest words still lead to it
        score(index.search(queries.words, file_ids, CANDIDATES))
    if any(h.verbatim for h in hits):
        # the quote is there word for word: other passages that merely resemble it are noise
        hits = [h for h in hits if h.verbatim]
    # best first; equals in document order
    hits.sort(key=lambda h: (not h.verbatim, -h.score, h.file_id, h.chunks[0].byte_start, h.start))
    kept: list[Hit] = []
    for hit in hits:
        if not any(
            k.file_id == hit.file_id and k.start < hit.end and hit.start < k.end for k in kept
        ):
            kept.append(hit)
    return kept


class SourceFile:
    """A matched file's text, read once, with its line and paragraph lookups."""

    def __init__(self, path: Path) -> None:
        self.raw = path.read_bytes()
        text = self.raw.decode("utf-8")
        # read as the dataset reads a source (load.read_text): without a byte-order mark,
        # so that offsets into the text are the dataset's
        self._bom = 1 if text.startswith("\ufeff") else 0
        self.text = text[self._bom :]
        self.lines = Lines(self.text)
        self._labels: list[str | None] | None = None

    def label(self, line: int) -> str | None:
        if self._labels is None:
            self._labels = location_labels(self.text)
        return self._labels[line - 1] if 0 < line <= len(self._labels) else None

    def char_offset(self, byte_offset: int) -> int:
        return max(len(self.raw[:byte_offset].decode("utf-8")) - self._bom, 0)


def resolve(hit: Hit, path: Path, parts: list[str], cache: dict[Path, SourceFile]) -> Place | None:
    """Map a hit back to the original file: exact span, lines, column, paragraph."""
    file = cache.get(path) or cache.setdefault(path, SourceFile(path))
    begin = file.char_offset(hit.chunks[0].byte_start)
    stop = file.char_offset(hit.chunks[-1].byte_end)
    aside = hit.chunks[0].aside
    mapped = normalize(file.text[begin:stop], asides=aside)
    base = hit.chunks[0].base
    start, end = hit.start - base, hit.end - base
    if mapped.text != " ".join(c.text for c in hit.chunks):
        # the window normalised alone differs from its chunks (a rule at a chunk edge):
        # find the place again in what we can map
        spans = exact_spans(parts, mapped.text) if hit.verbatim else []
        found = spans[0] if spans else _align(parts, mapped.text, 0.0)
        if found is None:
            return None
        start, end = found[-2], found[-1]
    if not 0 <= start < end <= len(mapped.text):
        return None
    first, last = mapped.span(start, end)
    first, last = begin + first, begin + last
    line, column = file.lines.locate(first)
    end_line, _ = file.lines.locate(last - 1)
    before = _context(file.text[max(first - CONTEXT, 0) : first], at_end=True)
    after = _context(file.text[last : last + CONTEXT], at_end=False)
    return Place(
        path,
        round(hit.score, 1),
        hit.verbatim,
        line,
        end_line,
        column,
        file.text[first:last],
        before,
        after,
        file.label(line),
        first,
        last,
    )


def _context(text: str, *, at_end: bool) -> str:
    """Context beside a span: readable, whitespace collapsed, no word cut in half,
    and a space kept next to the span only where the text has one."""
    words_ = readable(text).split(" ")
    if at_end:
        return " ".join(words_[1:]) if len(words_) > 1 else text.lstrip()
    return " ".join(words_[:-1]) if len(words_) > 1 else text.rstrip()


def cite(
    index: Index,
    files: dict[int, str],
    quote: str,
    *,
    limit: int = 5,
    min_score: float = MIN_SCORE,
    cache: dict[Path, SourceFile] | None = None,
) -> Citation:
    """Where `quote` is in the indexed `files` (index id -> path): best places first.

    `cache` keeps the matched files' texts for the caller (and across quotes)."""
    parts = check_quote(quote)
    hits = find_hits(index, list(files), parts, min_score=min_score, limit=limit)
    cache = {} if cache is None else cache
    places: list[Place] = []
    for hit in hits:
        if len(places) >= limit:
            break
        place = resolve(hit, Path(files[hit.file_id]), parts, cache)
        if place is not None:
            places.append(place)
    return Citation(quote, verdict_of(places), places)


# --- the corpus: the dataset's sources, or files and directories given -------

TEXT_SUFFIXES = (".txt", ".md")


def collect(paths: Sequence[Path]) -> list[str]:
    """Absolute paths of the files to search: files as given, directories' .txt and .md
    files recursively, each once, in a stable order."""
    found: dict[str, None] = {}
    for path in paths:
        if path.is_dir():
            # resolve the directory once and keep its files as strings: 9,000 files
            # resolved, or even made into Paths, one by one cost most of a second
            found.update(dict.fromkeys(sorted(_walk(str(path.resolve())))))
        elif path.is_file():
            found[str(path.resolve())] = None
        else:
            raise UsageError(f"no file or directory '{path}'")
    if not found:
        raise UsageError("no .txt or .md files in " + ", ".join(f"'{p}'" for p in paths))
    return list(found)


def _walk(directory: str) -> Iterator[str]:
    import os

    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.is_dir():
                yield from _walk(entry.path)
            elif entry.name.lower().endswith(TEXT_SUFFIXES) and entry.is_file():
                yield entry.path


def open_index() -> tuple[Index, str | None]:
    """The index in the user's cache; in memory (with a warning) if the cache is unusable."""
    import sqlite3

    from posttrack.cachedir import cache_dir

    try:
        path = cache_dir() / "index.sqlite"
    except OSError as error:
        return Index(None), f"cannot use the cache ({error}); indexing in memory"
    try:
        return Index(path), None
    except (OSError, sqlite3.Error) as error:
        return Index(None), f"cannot use the index at {path} ({error}); indexing in memory"


class CitedBy:
    """Which curated positions quote a given span of a dataset source."""

    def __init__(
        self, positions: Sequence[Position], places: dict[Quote, list[Occurrence]]
    ) -> None:
        self._spans: dict[str, list[tuple[int, int, Position]]] = {}
        for position in positions:
            spans = self._spans.setdefault(position.source, [])
            for quote in position.quotes:
                spans.extend((start, end, position) for _, start, end in places.get(quote, []))

    def at(self, source: str, start: int, end: int) -> list[Position]:
        """The positions whose quotes overlap [start, end) of the source's text."""
        spans = self._spans.get(source, [])
        return list(dict.fromkeys(p for first, last, p in spans if first < end and start < last))


def files_to_search(
    paths: Sequence[Path] | None, sources: Sequence[str] | None, dataset: Dataset | None
) -> dict[str, Source | None]:
    """The files a cite searches (absolute paths), each with its dataset source if it is
    one: the PATHs given, else the dataset's sources (or only those named)."""
    if paths:
        if sources:
            raise UsageError("--source picks dataset sources; it does not go with PATHs")
        return dict.fromkeys(collect(paths))
    assert dataset is not None
    wanted = set(sources or dataset.sources)
    if unknown := sorted(wanted - set(dataset.sources)):
        raise UsageError(f"unknown source '{unknown[0]}'; 'posttrack sources' lists them")
    return {str(s.file.resolve()): s for s in dataset.sources.values() if s.id in wanted}


def cite_all(
    quotes: Sequence[str],
    by_file: dict[str, Source | None],
    cited_by: CitedBy | None,
    *,
    limit: int,
    min_score: float,
    progress: Callable[[int], AbstractContextManager[Callable[[int], None]]],
    warn: Callable[[str], None],
) -> list[Record]:
    """Each quote's citation record, once the index is up to date for `by_file`.

    `progress(total_bytes)` gives the callback that is told of each file indexed;
    `warn` is told what was skipped and why."""
    from posttrack.load import shown_path

    index, warning = open_index()
    if warning:
        warn(warning)
    try:
        stale, size = index.stale(list(by_file))
        with progress(size) as advance:
            update = index.refresh(list(by_file), advance, stale=stale)
        for path, reason in update.failed:
            warn(f"{shown_path(Path(path))}: skipped, {reason}")
        files = index.file_ids(list(by_file))
        texts: dict[Path, SourceFile] = {}
        results = []
        for quote in quotes:
            found = cite(index, files, quote, limit=limit, min_score=min_score, cache=texts)
            matches = []
            for place in found.places:
                source = by_file.get(str(place.file))
                positions = []
                if source is not None and cited_by is not None:
                    positions = [
                        {"topic": p.topic, "date": p.date.text, "stance": p.stance}
                        for p in cited_by.at(source.id, place.start, place.end)
                    ]
                matches.append(match_record(place, shown_path(place.file), source, positions))
            results.append(citation_record(found, matches))
        return results
    finally:
        index.close()
