"""Each source's normalised form and its quotes' places, kept between runs.

After an edit of positions.yaml the dataset's parsed copy (cache.py) no longer
holds, so the YAML is parsed and validated again; but a source that did not
change need not be normalised again (the bulk of a check), nor an unchanged
quote looked for in it again. For each source file this keeps, in posttrack's
cache directory under `sources/`, its normalised text with the map back to the
original, and the places of every quote last looked for in it.

An entry holds while the source file's signature (size, mtime, ctime, inode and
device), its path, posttrack's code and the Python version are those it was made
with. A source whose timestamps were, when the entry was made, too recent to
tell a later edit apart is also compared by content (its SHA-256) until it is
old enough, as the dataset's copy does (git's "racily clean" files). A file is
looked at before and after it is read: one that changed meanwhile is matched
with no entry. The paragraph labels and line starts are not kept: they cost
less to work out from the text, which is read anyway, than to read back.

An entry is a checksum line over the rest, a JSON header line, then the
normalised form, compressed: its text, then for each of its characters the step
from the previous one's original offset and its original length. An entry that
is damaged (the checksum), or whose values do not fit its text, is ignored and
replaced: a cache only costs time. Entries are written atomically (cache.store).
"""

from __future__ import annotations

import json
import sys
import time
import zlib
from array import array
from itertools import accumulate
from operator import add, sub
from pathlib import Path
from typing import Any, NamedTuple

from posttrack.config import cache_dir
from posttrack.dataset import cache
from posttrack.dataset.codec import Undecodable, json_value
from posttrack.model import Source
from posttrack.quotes import locate
from posttrack.quotes.locate import Occurrence, SourceText
from posttrack.quotes.normalize import Normalized
from posttrack.quotes.verify import KnownText
from posttrack.textfile import read_text

FORMAT = 1  # bump when an entry's layout or meaning changes
_CRC = 9  # the first line: a checksum of the rest, 8 hex digits
_INT = "i"  # the array type of the offsets: 4 bytes, in this machine's byte order


def _text_digest(raw: str) -> str:
    import hashlib  # here: only a source too recent to trust its timestamps is hashed

    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class _Entry(NamedTuple):
    """What an entry read back holds for the text it was matched with."""

    places: dict[str, list[Occurrence]]
    packed: bytes  # the normalised form, compressed
    chars: int  # its length in characters
    size: int  # and in UTF-8 bytes
    resealable: bool  # compared by content, and now old enough not to be


class _Opened(NamedTuple):
    """A source read in this run, to store what was worked out for it."""

    text: KnownText
    where: Path
    signature: list[int]
    entry: _Entry | None


class SourceCache:
    """Reads sources (a `locate.Reader`), handing back each one's normalised form and
    quote places from its entry when the file is unchanged; `save` stores what the
    run worked out."""

    def __init__(self, root: Path) -> None:
        self._moment = time.time_ns()  # before any source is looked at
        self._directory: Path | None = None
        self._version = ""
        self._opened: list[_Opened] = []
        self._cwd: Path | None = None
        code = cache.code_signatures()
        if code is None:  # not files to stat (a zipapp): nothing can say it is unchanged
            return
        try:
            self._directory = cache_dir(root) / "sources"
        except OSError:
            return
        version = [FORMAT, sys.version, sys.byteorder, array(_INT).itemsize, code]
        self._version = f"{zlib.crc32(json.dumps(version, sort_keys=True).encode()):08x}"

    def read(self, source: Source) -> SourceText:
        """The source's text (`locate.read_source`: DataError when it cannot be read)."""
        directory = self._directory
        if directory is None:
            return locate.read_source(source)
        path = str(source.file)
        before = cache.file_signature(path)
        text = self._read_source(source)
        if before is None or cache.file_signature(path) != before:
            return text  # changed while it was read: no entry can be trusted with it
        where = directory / f"{zlib.crc32(path.encode('utf-8', 'surrogateescape')):08x}.source"
        entry = self._entry(where, path, before, text.raw)
        if entry is None:
            known = KnownText(source, text.raw)
        else:
            known = KnownText(source, text.raw, entry.places, lambda: _unpack(entry, text.raw))
        self._opened.append(_Opened(known, where, before, entry))
        return known

    def _read_source(self, source: Source) -> SourceText:
        """`locate.read_source`, without resolving each path again to show it: the
        loader resolved them all, and the working directory is resolved once."""
        shown = str(source.file)
        try:
            if self._cwd is None:
                self._cwd = Path.cwd().resolve()
            shown = str(source.file.relative_to(self._cwd))
        except (OSError, ValueError):  # no working directory, or the file is not inside it
            pass
        return SourceText(source, read_text(source.file, shown, locate.MAX_SOURCE_BYTES))

    def _entry(self, where: Path, path: str, signature: list[int], raw: str) -> _Entry | None:
        """The entry for this text, when there is one and it holds."""
        try:
            data = where.read_bytes()
        except OSError:
            return None
        end = data.find(b"\n", _CRC)
        if end < 0 or data[: _CRC - 1] != b"%08x" % zlib.crc32(memoryview(data)[_CRC:]):
            return None
        try:
            head = json_value(data[_CRC:end])
        except Undecodable:
            return None
        if (
            type(head) is not dict
            or head.get("version") != self._version
            or head.get("path") != path
            or head.get("signature") != signature
        ):
            return None
        digest = head.get("digest")
        if digest is not None and digest != _text_digest(raw):
            return None  # a same-size edit within the timestamps' granularity
        places = _places(head.get("places"), raw)
        form = head.get("normalized")
        if places is None or type(form) is not list or len(form) != 2:
            return None
        chars, size = form
        if type(chars) is not int or type(size) is not int or not 0 <= chars <= size:
            return None
        resealable = digest is not None and cache.settled(signature, self._moment)
        return _Entry(places, data[end + 1 :], chars, size, resealable)

    def save(self) -> None:
        """Store each source's normalised form and the places of the quotes looked for
        in it, where they are not stored already; a cache that cannot be written is
        skipped."""
        directory = self._directory
        if directory is None or not self._opened:
            return
        cache.remove_abandoned(directory)
        # two sources may name one file: its entry holds the quotes of both
        files: dict[tuple[Path, str], list[_Opened]] = {}
        for opened in self._opened:
            files.setdefault((opened.where, str(opened.text.source.file)), []).append(opened)
        for (where, path), texts in files.items():
            if not self._store(where, path, texts):
                return  # a full disk or a read-only cache: the next run works it out again

    def _store(self, where: Path, path: str, texts: list[_Opened]) -> bool:
        """Store one file's entry unless it is stored already; False when it cannot be."""
        signature, entry = texts[0].signature, texts[0].entry
        if any(each.signature != signature for each in texts):
            return True  # it changed between two readings: neither is sure to be the file
        asked: dict[str, list[Occurrence]] = {}
        for each in texts:
            asked.update(each.text.asked)
        fresh = next((each.text for each in texts if each.text.normalised_now), None)
        if fresh is not None:
            packed, chars, size = _pack(fresh.normalized)
        elif entry is None:
            return True  # no quote looked for: nothing was worked out
        elif not entry.resealable and asked.keys() == entry.places.keys():
            return True  # stored as it is
        else:
            packed, chars, size = entry.packed, entry.chars, entry.size
        raw = texts[0].text.raw
        head = {
            "version": self._version,
            "path": path,
            "signature": signature,
            "digest": None if cache.settled(signature, self._moment) else _text_digest(raw),
            "places": asked,
            "normalized": [chars, size],
        }
        rest = json.dumps(head, ensure_ascii=True).encode() + b"\n" + packed
        return cache.store(where, b"%08x\n" % zlib.crc32(rest) + rest, tidy=False)


def _places(value: Any, raw: str) -> dict[str, list[Occurrence]] | None:
    """Stored quote places, each on a line of `raw` and inside it; None when they are
    not that."""
    if type(value) is not dict:
        return None
    length, lines = len(raw), raw.count("\n") + 1
    places: dict[str, list[Occurrence]] = {}
    for quote, found in value.items():
        if type(found) is not list:
            return None
        each: list[Occurrence] = []
        for place in found:
            if type(place) is not list or len(place) != 3:
                return None
            line, start, end = place
            if type(line) is not int or type(start) is not int or type(end) is not int:
                return None
            if not (1 <= line <= lines and 0 <= start < end <= length):
                return None
            each.append((line, start, end))
        places[quote] = each
    return places


def _pack(normalized: Normalized) -> tuple[bytes, int, int]:
    """The normalised form, compressed, with its length in characters and in bytes."""
    text = normalized.text.encode("utf-8")
    starts, ends = normalized.starts, normalized.ends
    steps = array(_INT, map(sub, starts, (0, *starts[:-1])))
    lengths = array(_INT, map(sub, ends, starts))
    packed = zlib.compress(text + steps.tobytes() + lengths.tobytes(), 1)
    return packed, len(normalized.text), len(text)


def _unpack(entry: _Entry, raw: str) -> Normalized | None:
    """The stored normalised form of `raw`; None when it does not decode to one."""
    try:
        data = zlib.decompress(entry.packed)
    except zlib.error:
        return None
    chars, size = entry.chars, entry.size
    width = array(_INT).itemsize * chars
    if len(data) != size + 2 * width:
        return None
    try:
        text = data[:size].decode("utf-8")
    except UnicodeDecodeError:
        return None
    steps, lengths = array(_INT), array(_INT)
    steps.frombytes(data[size : size + width])
    lengths.frombytes(data[size + width :])
    if len(text) != chars:
        return None
    if not chars:
        return Normalized(raw, text, (), ())
    if min(steps) < 0 or min(lengths) < 1:
        return None
    starts = tuple(accumulate(steps))
    ends = tuple(map(add, starts, lengths))
    if max(ends) > len(raw):
        return None
    return Normalized(raw, text, starts, ends)
