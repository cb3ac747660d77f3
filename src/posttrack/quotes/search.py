"""Find a quote in a set of text files: where exactly it is, and how sure we are.

Candidates come from the on-disk index (an exact phrase query, then 3-word
shingles ranked by bm25, or only the quote's first and last three words once it
is found word for word); each candidate chunk is widened with its neighbours,
as far as the quote could reach (a sentence split by a page break or a footnote
block is whole again, and a quote of several paragraphs fits), and scored with
rapidfuzz on the normalised text; the best places are mapped back to the
original file through the normaliser's offset map, so every match names true
lines and shows the exact original span. A file whose bytes no longer hold
what was indexed (it changed while cite ran) is indexed again, or left out
with a warning: a place is only claimed for text that earns its score.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from posttrack.config import shown_path
from posttrack.errors import UsageError
from posttrack.model import Position, Source
from posttrack.quotes.index import Chunk, Index, phrase, words
from posttrack.quotes.labels import Lines, location_labels
from posttrack.quotes.locate import CitedBy, exact_spans, quote_parts, whole_words
from posttrack.quotes.normalize import BREAK, normalize, normalize_fast, readable

if TYPE_CHECKING:
    from posttrack.quotes.differences import Difference

CANDIDATES = 100  # chunks reranked per query, from the shingle query
SHINGLES = 32  # 3-word runs asked of the index at most, spread over the quote
SHORT_WORDS = 4  # a quote of fewer words is only ever claimed verbatim
LONG = 500  # characters: a longer quote part is placed word by word (see _align_long)
CLOSE = 90.0  # score from which a match is `close` (or `altered`); below it, `partial`
MIN_SCORE = 80.0  # default threshold: below it nothing is claimed
# a passage that shares less than half its characters with the quote is not near it:
# below this, no `nearest` passage is offered for a quote that was not found
NEAREST_FLOOR = 50.0
NEAREST = 3  # passages offered as nearest when none is a match
RELATED = 3  # passages offered as related in meaning to a partial or absent quote
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
    # the quote's word-level differences from `text` (offsets into the quote and into
    # `text`), and the place's own verdict: verbatim, close, altered or partial
    differences: tuple[Difference, ...] = ()
    verdict: str = ""
    explanation: str | None = None  # the first meaning-bearing difference, in words


class Citation(NamedTuple):
    query: str
    verdict: str  # verbatim, close, altered, partial or none
    places: list[Place]
    # files left out because their bytes no longer hold what was indexed: (path, why)
    changed: tuple[tuple[Path, str], ...] = ()
    # when nothing is a match: the passages nearest to it, below the threshold
    nearest: list[Place] = []  # noqa: RUF012 - a NamedTuple default, never mutated
    # when the verdict is partial or none: passages closest in meaning (word stems)
    related: list[Place] = []  # noqa: RUF012 - a NamedTuple default, never mutated


class Attributed(NamedTuple):
    """A place, with the dataset source its file is (None for a file given by path)
    and the curated positions whose quotes overlap it."""

    place: Place
    source: Source | None
    cited_by: list[Position]
    said_by: str | None = None  # who holds these words or this view (None: unknown)
    own_words: bool = False  # in the state's own words: a primary or reported source,
    # outside every passage it marks as others' words


class Cited(NamedTuple):
    """One quote's answer, as `cite` gives it: its verdict and best places first;
    `reason` says why a quote could not be looked for at all; `nearest`, when
    nothing is a match, the passages closest to it (never claimed as the quote)."""

    query: str
    verdict: str  # verbatim, close, altered, partial or none
    matches: list[Attributed]
    reason: str | None = None
    nearest: list[Attributed] = []  # noqa: RUF012 - a NamedTuple default, never mutated
    related: list[Attributed] = []  # noqa: RUF012 - a NamedTuple default, never mutated


class FileChanged(Exception):
    """A matched file no longer holds the text the index has for it."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"{path}: {why}")
        self.path = path
        self.why = why


VERDICTS = ("verbatim", "close", "altered", "partial", "none")  # best first
# the verdicts whose quote can be printed as a quote (cite exits 0)
FAITHFUL = frozenset({"verbatim", "close"})


def verdict_of(places: Sequence[Place]) -> str:
    """The quote's verdict: its best place's, or `none`."""
    return places[0].verdict if places else "none"


def place_verdict(score: float, verbatim: bool, diffs: Sequence[Difference]) -> str:
    """verbatim, close, altered or partial: `altered` when a close place differs from
    the quote in a word that changes what it says (see differences)."""
    if score >= CLOSE and any(d.meaning for d in diffs):
        return "altered"
    if verbatim and not any(d.meaning for d in diffs):
        return "verbatim"
    return "close" if score >= CLOSE else "partial"


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def judged(quote: str, place: Place, *, exact: bool) -> Place:
    """The place with the quote's differences from it and its verdict. `exact`: the
    quote is one piece found word for word, so it has no differences to look for."""
    if exact:
        return place._replace(verdict="verbatim")
    from posttrack.quotes.differences import differences, explain

    # the context lets the differences see a quote that starts or ends a word away
    # from the span; words outside the quote's own are never differences
    passage = place.before + place.text + place.after
    offset = len(place.before)
    found, marked = [], []
    for each in differences(quote, passage):
        start, end = each.source_span
        if each.op == "delete" and _BLANK_LINE.search(passage[start:end]):
            # words left out across a paragraph break join two passages into one quote
            why = "a splice: the quote joins two paragraphs"
            each = each._replace(meaning=True, why=why)  # noqa: PLW2901
        marked.append(each)
        found.append(each._replace(source_span=(start - offset, end - offset)))
    verdict = place_verdict(place.score, place.verbatim, found)
    explanation = explain(quote, passage, marked) if any(d.meaning for d in marked) else None
    return place._replace(differences=tuple(found), verdict=verdict, explanation=explanation)


def quote_problem(quote: str) -> str | None:
    """Why `quote` cannot be looked for (too long, or no words in it), or None."""
    if len(quote) > MAX_QUOTE:
        return f"the quote is {len(quote):,} characters, over the {MAX_QUOTE:,}-character limit"
    if not any(words(part) for part in quote_parts(quote)):
        return "the quote is empty: it has no words to look for"
    return None


def searchable_parts(quote: str) -> list[str]:
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
    shingles: str  # any 3-word run (at most SHINGLES of them)
    words: str  # any word


def _queries(parts: list[str]) -> _Queries:
    """The FTS5 queries that lead to the quote's candidate chunks."""
    short = sum(len(words(part)) for part in parts) < SHORT_WORDS
    tokens = [words(part.replace(BREAK, "")) for part in parts]
    exact = " AND ".join(
        "(" + " OR ".join(phrase(r) for r in readings) + ")"
        for readings in (_readings(part, short=short) for part in parts)
        if readings
    )
    every = [w for part in tokens for w in part]
    ends = " OR ".join(dict.fromkeys([phrase(every[:3]), phrase(every[-3:])]))
    shingles: list[str] = []
    for part in tokens:
        if len(part) < 3:
            if part:
                shingles.append(phrase(part))
            continue
        shingles.extend(phrase(part[i : i + 3]) for i in range(len(part) - 2))
    runs = list(dict.fromkeys(shingles))
    if len(runs) > SHINGLES:
        # the query's cost grows with its runs (300 runs of common words: 6 s at 30 MB);
        # runs spread evenly over the quote still lead to every chunk that holds a part
        step = (len(runs) - 1) / (SHINGLES - 1)
        runs = [runs[round(i * step)] for i in range(SHINGLES)]
    any_word = " OR ".join(dict.fromkeys(phrase([w]) for w in every))
    return _Queries(exact, ends, " OR ".join(runs), any_word)


def _readings(part: str, *, short: bool) -> list[list[str]]:
    """The ways the index may hold a part's words: a line-end hyphen's join (BREAK)
    read as nothing and as a space; for a short quote also each pair of neighbouring
    words written as one (`legally-binding` in the quote, `legally-\nbinding` in a
    source, indexed as one word)."""
    spaced = words(part.replace(BREAK, " "))
    readings = [words(part.replace(BREAK, "")), spaced]
    if short:
        readings += [
            [*spaced[:i], spaced[i] + spaced[i + 1], *spaced[i + 2 :]]
            for i in range(len(spaced) - 1)
        ]
    unique = {tuple(r): r for r in readings if r}
    return list(unique.values())


def _align(parts: list[str], text: str, cutoff: float) -> tuple[float, int, int] | None:
    """The best approximate place of the parts, in order, in `text`: (score, start, end)."""
    from rapidfuzz import fuzz

    total = weight = 0.0
    first, position = -1, 0
    for part in parts:
        rest = text[position:]
        if len(rest) < len(part):
            # shorter than the quote: compare whole, so a short text inside a long quote
            # cannot score 100
            score, start, end = fuzz.ratio(part, rest), position, len(text)
            if score < cutoff:
                return None
        else:
            if len(part) > LONG:
                found = _align_long(part, rest, cutoff)
            else:
                found = _align_short(part, rest, cutoff)
            if found is None:
                return None
            score, start, end = found[0], position + found[1], position + found[2]
        total += score * len(part)
        weight += len(part)
        first = start if first == -1 else first
        position = end
    return total / weight, *whole_words(text, first, position)


def _align_short(part: str, text: str, cutoff: float) -> tuple[float, int, int] | None:
    from rapidfuzz import fuzz

    from posttrack.quotes.locate import fitted

    found = fuzz.partial_ratio_alignment(part, text, score_cutoff=cutoff)
    if found is None:
        return None
    # rapidfuzz's window is as long as the part: a slip near an edge shifts it, so
    # each edge moves a word at a time while the wording gets closer
    return found.score, *fitted(part, text, found.dest_start, found.dest_end)


def _align_long(part: str, text: str, cutoff: float) -> tuple[float, int, int] | None:
    """A long part's place, found word by word, scored on the characters of that span.

    rapidfuzz's character alignment costs about the cube of the part's length (a
    3,000-character part: 0.4 s per candidate window); over words it costs a few
    milliseconds. The span is then widened or narrowed a word at a time while that
    raises its character score, and that score (what the span earns) is the one given.
    """
    from rapidfuzz import fuzz

    needle = part.split(" ")
    starts: list[int] = []
    position = 0
    for word in text.split(" "):
        starts.append(position)
        position += len(word) + 1
    ends = [start - 1 for start in starts[1:]] + [len(text)]
    if len(starts) <= len(needle):
        first, last = 0, len(starts)
    else:
        tokens = [text[a:b] for a, b in zip(starts, ends, strict=True)]
        found = fuzz.partial_ratio_alignment(needle, tokens)
        if found is None:
            return None
        first, last = found.dest_start, max(found.dest_end, found.dest_start + 1)

    def score(span: tuple[int, int]) -> float:
        return float(fuzz.ratio(part, text[starts[span[0]] : ends[span[1] - 1]]))

    best = (first, last)
    value = score(best)
    if value < cutoff - 5:  # a word more or less at an edge moves a long part's score little
        return None
    for _ in range(len(needle)):
        a, b = best
        moves = [(a - 1, b), (a + 1, b), (a, b - 1), (a, b + 1)]
        tried = [(score(m), m) for m in moves if 0 <= m[0] < m[1] <= len(starts)]
        top = max(tried, default=(value, best))
        if top[0] <= value:
            break
        value, best = top
    if value < cutoff:
        return None
    return value, starts[best[0]], ends[best[1] - 1]


def _window(index: Index, chunk_id: int, needed: int) -> tuple[Chunk, ...]:
    """The chunk with enough neighbours on each side to hold `needed` characters of
    normalised text beyond it (at least one neighbour each side), as far as the file goes."""
    reach = 1
    while True:
        window = index.window(chunk_id, reach)
        ids = [c.id for c in window]
        if not window or window[0].aside or chunk_id not in ids:
            return tuple(window)  # (an id from before the index was rebuilt: as it is)
        centre = ids.index(chunk_id)
        before = sum(len(c.text) + 1 for c in window[:centre])
        after = sum(len(c.text) + 1 for c in window[centre + 1 :])
        more_before = centre == reach and before < needed
        more_after = len(window) - centre - 1 == reach and after < needed
        if not (more_before or more_after):
            return tuple(window)
        reach *= 2


def _around(window: tuple[Chunk, ...], chunk_id: int) -> tuple[Chunk, ...]:
    """The chunk and its nearest neighbour on each side, from a wider window."""
    ids = [c.id for c in window]
    if chunk_id not in ids:
        return window
    centre = ids.index(chunk_id)
    return window[max(centre - 1, 0) : centre + 2]


def find_hits(
    index: Index,
    file_ids: Sequence[int],
    parts: list[str],
    *,
    min_score: float,
    limit: int,
    floor: float | None = None,
) -> list[Hit]:
    """Scored places for the quote in the indexed files, best first, overlaps removed.
    With a `floor`, places scoring from it up to `min_score` are kept as well, for
    when nothing reaches `min_score` (the nearest passages)."""
    cutoff = min_score if floor is None else min(floor, min_score)
    queries = _queries(parts)
    short = sum(len(words(p)) for p in parts) < SHORT_WORDS
    needed = len(" ".join(parts))
    hits: list[Hit] = []
    seen: set[int] = set()
    # a long quote's neighbouring candidates share their windows: each is scored once
    exact_done: dict[tuple[int, int], bool] = {}
    close_done: set[tuple[int, int]] = set()

    def score(ids: list[int], *, exact_only: bool = False) -> None:
        for chunk_id in ids:
            if chunk_id in seen:
                continue
            seen.add(chunk_id)
            window = _window(index, chunk_id, needed)
            if not window:
                continue
            key = (window[0].id, window[-1].id)
            if key not in exact_done:
                text = " ".join(c.text for c in window)
                base = window[0].base
                exact = exact_spans(parts, text)
                for start, end in exact:
                    hits.append(
                        Hit(window[0].file_id, base + start, base + end, 100.0, True, window)
                    )
                exact_done[key] = bool(exact)
            if exact_done[key] or short or exact_only:
                continue
            # a quote of a paragraph or less is scored in the chunk and one neighbour each
            # side, as it always was; a longer one in all the window it may need
            if needed <= LONG:
                window = _around(window, chunk_id)
                key = (window[0].id, window[-1].id)
            if key in close_done:
                continue
            close_done.add(key)
            text = " ".join(c.text for c in window)
            base = window[0].base
            found = _align(parts, text, cutoff)
            if found is not None:
                value, start, end = found
                hits.append(Hit(window[0].file_id, base + start, base + end, value, False, window))

    score(index.search(queries.exact, file_ids, max(limit * 20, CANDIDATES)))
    if not short and any(h.verbatim for h in hits):
        # word for word already, so nothing merely close will be kept: only look for
        # places where it is word for word across two chunks (a paragraph or page
        # break), which hold its first or last three words. Every 3-word run, as
        # below, costs 3-6 times as much at 100 MB.
        # (a merely close place would be dropped below: none is scored)
        score(index.search(queries.ends, file_ids, CANDIDATES), exact_only=True)
    elif not short and queries.shingles:
        score(index.search(queries.shingles, file_ids, CANDIDATES))
    if not seen and not short:
        # a quote split across chunks (a page break, a footnote block) may share no
        # phrase with any one chunk: its rarest words still lead to it
        score(index.search(queries.words, file_ids, CANDIDATES))
    if any(h.verbatim for h in hits):
        # the quote is there word for word: other passages that merely resemble it are noise
        hits = [h for h in hits if h.verbatim]
    elif any(h.score >= min_score for h in hits):
        hits = [h for h in hits if h.score >= min_score]  # only a match's places are shown
    # best first; equals in document order
    hits.sort(key=lambda h: (not h.verbatim, -h.score, h.file_id, h.chunks[0].byte_start, h.start))
    kept: list[Hit] = []
    for hit in hits:
        if not any(
            k.file_id == hit.file_id and k.start < hit.end and hit.start < k.end for k in kept
        ):
            kept.append(hit)
    return kept


_BLOCK = 1 << 16  # bytes per entry of a file's byte-to-character table
_NOT_CONTINUATION = bytes(b for b in range(256) if b & 0xC0 != 0x80)


class SourceFile:
    """A matched file's text, read once, with its line and paragraph lookups.

    Raises OSError when the file cannot be read and UnicodeDecodeError when it is no
    longer UTF-8 (the index holds only UTF-8 files, so it changed)."""

    def __init__(self, path: Path) -> None:
        self.raw = path.read_bytes()
        text = self.raw.decode("utf-8")
        # read as the dataset reads a source (load.read_text): without a byte-order mark,
        # so that offsets into the text are the dataset's
        self._bom = 1 if text.startswith("\ufeff") else 0
        self.text = text[self._bom :]
        self.lines = Lines(self.text)
        self._labels: list[str | None] | None = None
        self._ascii = self.raw.isascii()
        self._continuations: list[int] | None = None

    def label(self, line: int) -> str | None:
        if self._labels is None:
            self._labels = location_labels(self.text)
        return self._labels[line - 1] if 0 < line <= len(self._labels) else None

    def char_offset(self, byte_offset: int) -> int:
        """The character offset of a byte offset, from a table of UTF-8 continuation bytes
        built once per file (not by decoding the file's head for every hit); an offset
        inside a character is never an error."""
        if self._ascii:
            return byte_offset
        if self._continuations is None:
            counts, total = [0], 0
            for at in range(0, len(self.raw), _BLOCK):
                total += len(self.raw[at : at + _BLOCK].translate(None, _NOT_CONTINUATION))
                counts.append(total)
            self._continuations = counts
        byte_offset = min(max(byte_offset, 0), len(self.raw))
        block = byte_offset // _BLOCK
        head = self.raw[block * _BLOCK : byte_offset].translate(None, _NOT_CONTINUATION)
        return max(byte_offset - self._continuations[block] - len(head) - self._bom, 0)

    def holds(self, chunks: Sequence[Chunk]) -> bool:
        """True when the file's bytes still hold these indexed chunks, word for word."""
        for chunk in chunks:
            piece = self.raw[chunk.byte_start : chunk.byte_end]
            if len(piece) != chunk.byte_end - chunk.byte_start:
                return False
            try:
                text = piece.decode("utf-8")
            except UnicodeDecodeError:
                return False
            if normalize_fast(text, asides=chunk.aside) != chunk.text:
                return False
        return True


def _source_file(path: Path, cache: dict[Path, SourceFile]) -> SourceFile:
    file = cache.get(path)
    if file is None:
        try:
            file = SourceFile(path)
        except UnicodeDecodeError:
            raise FileChanged(path, "changed (it is no longer UTF-8)") from None
        except OSError as error:
            why = "was deleted" if isinstance(error, FileNotFoundError) else "cannot be read"
            raise FileChanged(path, f"{why} ({error.strerror or error})") from None
        cache[path] = file
    return file


def place_of(
    hit: Hit,
    path: Path,
    parts: list[str],
    cache: dict[Path, SourceFile],
    *,
    min_score: float = MIN_SCORE,
) -> Place | None:
    """Map a hit back to the original file: exact span, lines, column, paragraph.

    Raises FileChanged when the file no longer holds the chunks the hit was found in."""
    file = _source_file(path, cache)
    if not file.holds(hit.chunks):
        raise FileChanged(path, "changed")
    begin = file.char_offset(hit.chunks[0].byte_start)
    stop = file.char_offset(hit.chunks[-1].byte_end)
    aside = hit.chunks[0].aside
    mapped = normalize(file.text[begin:stop], asides=aside)
    base = hit.chunks[0].base
    start, end = hit.start - base, hit.end - base
    score, verbatim = hit.score, hit.verbatim
    if mapped.text != " ".join(c.text for c in hit.chunks):
        # the window normalised whole differs from its chunks normalised one by one (a
        # rule at a chunk edge): find the place again in what we can map, and give the
        # score that place earns
        spans = exact_spans(parts, mapped.text) if verbatim else []
        if spans:
            start, end = min(spans, key=lambda s: abs(s[0] - start))
        else:
            found = _align(parts, mapped.text, min_score)
            if found is None:
                return None
            (score, start, end), verbatim = found, False
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
        round(score, 1),
        verbatim,
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

    `cache` keeps the matched files' texts for the caller (and across quotes). A file
    that no longer holds what was indexed gives no place: it is named in `changed`."""
    parts = searchable_parts(quote)
    hits = find_hits(
        index, list(files), parts, min_score=min_score, limit=limit, floor=NEAREST_FLOOR
    )
    matched = [h for h in hits if h.score >= min_score]
    nearby = [] if matched else hits[:NEAREST]
    cache = {} if cache is None else cache
    changed: dict[Path, str] = {}
    exact = len(parts) == 1 and "[" not in quote
    places = _places(matched, files, parts, cache, changed, min_score=min_score, limit=limit)
    places = [judged(quote, p, exact=exact and p.verbatim) for p in places]
    # best verdict first; a place found again at a chunk edge may score less than its
    # hit did
    places.sort(key=lambda p: (VERDICTS.index(p.verdict), -p.score))
    nearest: list[Place] = []
    if not places:
        near = _places(nearby, files, parts, cache, changed, min_score=NEAREST_FLOOR, limit=limit)
        nearest = sorted((judged(quote, p, exact=False) for p in near), key=lambda p: -p.score)
    verdict = verdict_of(places)
    related: list[Place] = []
    if verdict in ("partial", "none"):
        shown = places or nearest
        related = _related(index, files, quote, cache, shown)
    return Citation(quote, verdict, places, tuple(changed.items()), nearest, related)


def _related(
    index: Index,
    files: dict[int, str],
    quote: str,
    cache: dict[Path, SourceFile],
    shown: list[Place],
) -> list[Place]:
    """Up to RELATED passages closest to the quote in meaning (its words' stems), other
    than those already shown; whole chunks, never claimed as the quote."""
    found: list[Place] = []
    for chunk_id in index.related(quote, list(files), 2 * RELATED):
        if len(found) >= RELATED:
            break
        window = index.window(chunk_id, 0)
        if not window or window[0].id != chunk_id:
            continue
        chunk = window[0]
        path = Path(files[chunk.file_id])
        try:
            file = _source_file(path, cache)
        except FileChanged:
            continue
        if not file.holds(window):
            continue
        begin, stop = file.char_offset(chunk.byte_start), file.char_offset(chunk.byte_end)
        if any(p.file == path and p.start < stop and begin < p.end for p in shown + found):
            continue
        line, column = file.lines.locate(begin)
        end_line, _ = file.lines.locate(max(stop - 1, begin))
        found.append(
            Place(
                path,
                0.0,
                False,
                line,
                end_line,
                column,
                file.text[begin:stop],
                "",
                "",
                file.label(line),
                begin,
                stop,
                (),
                "related",
            )
        )
    return found


def _places(
    hits: list[Hit],
    files: dict[int, str],
    parts: list[str],
    cache: dict[Path, SourceFile],
    changed: dict[Path, str],
    *,
    min_score: float,
    limit: int,
) -> list[Place]:
    """The hits mapped back to their files, at most `limit`; a file that no longer
    holds what was indexed gives no place and is named in `changed`."""
    places: list[Place] = []
    for hit in hits:
        if len(places) >= limit:
            break
        path = Path(files[hit.file_id])
        if path in changed:
            continue
        try:
            place = place_of(hit, path, parts, cache, min_score=min_score)
        except FileChanged as error:
            changed[path] = error.why
            continue
        if place is not None:
            places.append(place)
    return places


def open_index() -> tuple[Index, str | None]:
    """The index in the user's cache; in memory (with a warning) if the cache is unusable."""
    import sqlite3

    from posttrack.config import cache_dir

    try:
        path = cache_dir() / "index.sqlite"
    except OSError as error:
        return Index(None), f"cannot use the cache ({error}); indexing in memory"
    try:
        return Index(path, owned=True), None  # cache_dir() is posttrack's own
    except (OSError, sqlite3.Error) as error:
        return Index(None), f"cannot use the index at {path} ({error}); indexing in memory"


class _Notes:
    """The index's own messages for the user (`Index.notes`), each told to `warn` once."""

    def __init__(self, index: Index, warn: Callable[[str], None]) -> None:
        self._index, self._warn, self._told = index, warn, 0

    def tell(self) -> None:
        notes = self._index.notes
        for note in notes[self._told :]:
            self._warn(note)
        self._told = len(notes)


def iter_citations(
    quotes: Iterable[str],
    by_file: dict[str, Source | None],
    cited_by: CitedBy | None,
    *,
    limit: int,
    min_score: float,
    progress: Callable[[int], AbstractContextManager[Callable[[int], None]]],
    warn: Callable[[str], None],
    report_invalid: bool = False,
    state: str = "",
) -> Iterator[Cited]:
    """Each quote's answer, in order, as soon as it is known, once the index is
    up to date for `by_file` (on the first `next()`).

    `progress(total_bytes)` gives the callback that is told of each file indexed;
    `warn` is told what was skipped and why. With `report_invalid`, a quote that cannot
    be looked for (empty, or over MAX_QUOTE characters) is a `none` answer with a
    `reason`, rather than a UsageError that ends the batch. `state` is the dataset's
    state: whose words a primary or reported source holds (see attribution). Close the generator (or
    exhaust it) to close the index."""
    index, warning = open_index()
    if warning:
        warn(warning)
    notes = _Notes(index, warn)
    try:
        paths = list(by_file)
        stale, size = index.stale(paths)
        with progress(size) as advance:
            update = index.refresh(paths, advance, stale=stale)
        for skipped, reason in update.failed:
            warn(f"{shown_path(Path(skipped))}: skipped, {reason}")
        notes.tell()
        files = index.file_ids(paths)
        texts: dict[Path, SourceFile] = {}
        told: set[Path] = set()
        for quote in quotes:
            problem = quote_problem(quote) if report_invalid else None
            if problem is not None:
                yield Cited(quote, "none", [], problem)
                continue
            found = cite(index, files, quote, limit=limit, min_score=min_score, cache=texts)
            if found.changed:
                # files changed since they were indexed: index them again, look once more
                files, failed = _reindex(index, [p for p, _ in found.changed], paths, texts)
                for lost, reason in failed:
                    told.add(Path(lost))
                    warn(f"{shown_path(Path(lost))}: skipped, {reason}")
                notes.tell()
                found = cite(index, files, quote, limit=limit, min_score=min_score, cache=texts)
                for path, why in found.changed:
                    texts.pop(path, None)  # the next quote reads it again
                    if path not in told:
                        told.add(path)
                        warn(f"{shown_path(path)}: {why} while cite ran; left out, run cite again")
            yield _attributed(found, by_file, cited_by, texts, state)
    finally:
        index.close()
        notes.tell()


def _reindex(
    index: Index, changed: list[Path], paths: list[str], texts: dict[Path, SourceFile]
) -> tuple[dict[int, str], list[tuple[str, str]]]:
    """Index the changed files again: the index's ids of the files to search, and those
    of the changed files that could not be indexed, with why."""
    for path in changed:
        texts.pop(path, None)
    # all the files, not only the changed ones: only what changed is read again, and an
    # index rebuilt later in the run rebuilds the files of its last refresh
    update = index.refresh(paths)
    wanted = {str(p) for p in changed}
    return index.file_ids(paths), [(f, why) for f, why in update.failed if f in wanted]


def _attributed(
    found: Citation,
    by_file: dict[str, Source | None],
    cited_by: CitedBy | None,
    texts: dict[Path, SourceFile],
    state: str,
) -> Cited:
    from posttrack.quotes.attribution import in_own_words, said_by

    def attribute(place: Place) -> Attributed:
        source = by_file.get(str(place.file))
        positions = []
        if source is not None and cited_by is not None:
            positions = cited_by.at(source.id, place.start, place.end)
        file = texts.get(place.file)
        text, lines = (file.text if file else None), (place.line, place.end_line)
        whose = said_by(
            source, place.where, bool(positions), state, text=text, line=lines[0], end_line=lines[1]
        )
        own = in_own_words(source, place.where, text=text, line=lines[0], end_line=lines[1])
        return Attributed(place, source, positions, whose, own)

    return Cited(
        found.query,
        found.verdict,
        [attribute(p) for p in found.places],
        None,
        [attribute(p) for p in found.nearest],
        [attribute(p) for p in found.related],
    )


def _no_progress(_: int) -> AbstractContextManager[Callable[[int], None]]:
    return nullcontext(lambda _: None)


def _warning(message: str) -> None:
    import warnings

    warnings.warn(message, stacklevel=3)


def cite_all(
    quotes: Iterable[str],
    by_file: dict[str, Source | None],
    cited_by: CitedBy | None = None,
    *,
    limit: int = 5,
    min_score: float = MIN_SCORE,
    progress: Callable[[int], AbstractContextManager[Callable[[int], None]]] = _no_progress,
    warn: Callable[[str], None] = _warning,
    report_invalid: bool = False,
    state: str = "",
) -> list[Cited]:
    """Each quote's answer (all of `iter_citations`, for library users): what was
    skipped, and why, is a Python warning unless `warn` is given."""
    return list(
        iter_citations(
            quotes,
            by_file,
            cited_by,
            limit=limit,
            min_score=min_score,
            progress=progress,
            warn=warn,
            report_invalid=report_invalid,
            state=state,
        )
    )
