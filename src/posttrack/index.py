"""An on-disk full-text index of text files, for finding quotes fast at any scale.

Each file is cut into chunks at blank lines (long ones at line ends), every
chunk is normalised (`text.normalize_fast`) and stored in an SQLite FTS5 word
index in the user's cache directory. A file is re-read only when its size,
modification time, change time or inode differ from what the index recorded;
each batch of files is one transaction, so an interrupted build leaves a
consistent index, never a corrupt one. Queries run on disk: nothing is loaded
whole.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from posttrack.text import normalize_fast

FORMAT = 3  # bump when the schema, chunking or normalisation changes
CHUNK_BYTES = 2000
BATCH_BYTES = 8 * 1024 * 1024
_BLANK = re.compile(rb"\n[ \t\r\f\v]*\n[ \t\r\n\f\v]*")
_WORD = re.compile(r"[^\W_]+")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files(
    id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL,
    size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, inode INTEGER, error TEXT);
CREATE TABLE IF NOT EXISTS chunks(
    id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL, seq INTEGER NOT NULL,
    byte_start INTEGER NOT NULL, byte_end INTEGER NOT NULL, line INTEGER NOT NULL,
    norm_start INTEGER NOT NULL, aside INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_by_file ON chunks(file_id, seq);
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_text USING fts5(text, tokenize='unicode61');
"""


class Chunk(NamedTuple):
    """A stored chunk: where it is in its file, and its normalised text."""

    id: int
    file_id: int
    seq: int
    byte_start: int
    byte_end: int
    line: int
    norm_start: int  # offset of its text in the file's whole normalised text
    aside: bool  # a footnote block: searchable alone, outside the running text
    text: str

    @property
    def base(self) -> int:
        """Where a window starting at this chunk begins in the file's normalised text;
        a footnote block, outside the running text, gets a range of its own."""
        return -self.id * 1_000_000 if self.aside else self.norm_start


class Update:
    """What one refresh of the index did."""

    def __init__(self, files: int = 0, unchanged: int = 0) -> None:
        self.files = files
        self.indexed = 0  # files read and (re)indexed
        self.unchanged = unchanged  # files whose stat matched: not read at all
        self.bytes = 0  # bytes read
        self.failed: list[tuple[str, str]] = []


def chunk_bounds(data: bytes) -> Iterator[tuple[int, int]]:
    """[start, end) byte ranges of the chunks: paragraphs, long ones cut at line ends."""
    start = 0
    for blank in _BLANK.finditer(data):
        yield from _cut(data, start, blank.start())
        start = blank.end()
    yield from _cut(data, start, len(data))


def _cut(data: bytes, start: int, end: int) -> Iterator[tuple[int, int]]:
    while end - start > CHUNK_BYTES:
        cut = data.rfind(b"\n", start + 1, start + CHUNK_BYTES)
        if cut == -1:
            cut = data.rfind(b" ", start + 1, start + CHUNK_BYTES)
        if cut == -1:
            cut = start + CHUNK_BYTES
            while cut < end and data[cut] & 0xC0 == 0x80:  # not inside a UTF-8 sequence
                cut += 1
        yield start, cut
        start = cut
    if end > start:
        yield start, end


class Index:
    """The quote index: `refresh` files, then `search` them."""

    def __init__(self, path: Path | None = None) -> None:
        """Open (or create) the index at `path`; None keeps it in memory."""
        self.path = path
        self.db = self._open(path)

    @staticmethod
    def _connect(path: Path | None) -> sqlite3.Connection:
        db = sqlite3.connect(":memory:" if path is None else str(path), timeout=30)
        db.execute("PRAGMA journal_mode=WAL" if path else "PRAGMA journal_mode=MEMORY")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        return db

    def _open(self, path: Path | None) -> sqlite3.Connection:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = self._connect(path)
            found = db.execute("SELECT value FROM meta WHERE key='format'").fetchone()
        except sqlite3.DatabaseError:
            found, db = ("corrupt",), None
        if found is None and db is not None:
            db.execute("INSERT INTO meta VALUES ('format', ?)", (str(FORMAT),))
            db.commit()
        elif found[0] != str(FORMAT):
            # another format, or unreadable: start again from nothing
            if db is not None:
                db.close()
            if path is not None:
                for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                    leftover.unlink(missing_ok=True)
            db = self._connect(path)
            db.execute("INSERT INTO meta VALUES ('format', ?)", (str(FORMAT),))
            db.commit()
        assert db is not None
        return db

    def close(self) -> None:
        self.db.close()

    # -- building -------------------------------------------------------------

    def stale(self, files: Sequence[str]) -> tuple[list[str], int]:
        """The files (absolute paths, as strings: at 10,000 files a Path each costs more
        than the stat) whose stat differs from the index's record, and their total size."""
        known = {
            row[0]: row[1:]
            for row in self.db.execute("SELECT path, size, mtime_ns, ctime_ns, inode FROM files")
        }
        stale, size = [], 0
        for file in files:
            info = os.stat(file)
            if known.get(file) != (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino):
                stale.append(file)
                size += info.st_size
        return stale, size

    def refresh(
        self,
        files: Sequence[str],
        progress: Callable[[int], None] | None = None,
        *,
        stale: Sequence[str] | None = None,
    ) -> Update:
        """Bring the index up to date for `files` (absolute paths); read only what changed.

        `stale`, when the caller has just computed it with `stale()`, saves a second look."""
        if stale is None:
            stale = self.stale(files)[0]
        update = Update(files=len(files), unchanged=len(files) - len(stale))
        pending = 0
        for file in stale:
            size = self._index_file(file, update)
            update.bytes += size
            pending += size
            if progress is not None:
                progress(size)
            if pending >= BATCH_BYTES:
                self.db.commit()
                pending = 0
        self.db.commit()
        return update

    def _index_file(self, file: str, update: Update) -> int:
        info = os.stat(file)
        with open(file, "rb") as handle:
            data = handle.read()
        record = (file, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
        row = self.db.execute("SELECT id FROM files WHERE path=?", (file,)).fetchone()
        if row is not None:
            file_id = row[0]
            self.db.execute(
                "DELETE FROM chunk_text WHERE rowid IN (SELECT id FROM chunks WHERE file_id=?)",
                (file_id,),
            )
            self.db.execute("DELETE FROM chunks WHERE file_id=?", (file_id,))
            self.db.execute(
                "UPDATE files SET size=?, mtime_ns=?, ctime_ns=?, inode=?, error=NULL WHERE id=?",
                (*record[1:], file_id),
            )
        else:
            cursor = self.db.execute(
                "INSERT INTO files(path, size, mtime_ns, ctime_ns, inode) VALUES (?, ?, ?, ?, ?)",
                record,
            )
            file_id = cursor.lastrowid or 0
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            reason = f"not UTF-8 (byte {error.start})"
            self.db.execute("UPDATE files SET error=? WHERE id=?", (reason, file_id))
            update.failed.append((file, reason))
            return len(data)
        update.indexed += 1
        rows, texts = [], []
        line, seen, seq, norm = 1, 0, 0, 0
        for start, end in chunk_bounds(data):
            line += data.count(b"\n", seen, start)
            seen = start
            chunk = data[start:end].decode("utf-8")
            text = normalize_fast(chunk)
            if text:
                rows.append((file_id, seq, start, end, line, norm, 0))
                seq += 1
                norm += len(text) + 1  # chunks join with one space
            elif text := normalize_fast(chunk, asides=True):
                # a block of footnotes: out of the running text, but searchable
                rows.append((file_id, -1, start, end, line, -1, 1))
            else:
                continue
            texts.append(text)
        first = self._next_id()
        self.db.executemany(
            "INSERT INTO chunks(id, file_id, seq, byte_start, byte_end, line, norm_start, aside) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(first + i, *row) for i, row in enumerate(rows)],
        )
        self.db.executemany(
            "INSERT INTO chunk_text(rowid, text) VALUES (?, ?)",
            [(first + i, text) for i, text in enumerate(texts)],
        )
        return len(data)

    def _next_id(self) -> int:
        (last,) = self.db.execute("SELECT coalesce(max(id), 0) FROM chunks").fetchone()
        return int(last) + 1

    # -- querying -------------------------------------------------------------

    def file_ids(self, files: Sequence[str]) -> dict[int, str]:
        """The index's ids of these files (those that were indexed without error)."""
        wanted = set(files)
        rows = self.db.execute("SELECT id, path FROM files WHERE error IS NULL")
        return {file_id: path for file_id, path in rows if path in wanted}

    def search(self, query: str, file_ids: Sequence[int], limit: int) -> list[int]:
        """Chunk ids that may hold `query` (an FTS5 expression), best bm25 first."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted(id INTEGER PRIMARY KEY)")
        self.db.execute("DELETE FROM wanted")
        self.db.executemany("INSERT INTO wanted VALUES (?)", [(i,) for i in file_ids])
        rows = self.db.execute(
            "SELECT c.id FROM chunk_text t JOIN chunks c ON c.id = t.rowid "
            "JOIN wanted w ON w.id = c.file_id "
            "WHERE chunk_text MATCH ? ORDER BY bm25(chunk_text) LIMIT ?",
            (query, limit),
        )
        return [row[0] for row in rows]

    def window(self, chunk_id: int, reach: int = 1) -> list[Chunk]:
        """The chunk and up to `reach` neighbours in the running text on each side, in order
        (a footnote block stands alone)."""
        select = (
            "SELECT c.id, c.file_id, c.seq, c.byte_start, c.byte_end, c.line, c.norm_start, "
            "c.aside, t.text FROM chunks c JOIN chunk_text t ON t.rowid = c.id "
        )
        row = self.db.execute(
            "SELECT file_id, seq, aside FROM chunks WHERE id=?", (chunk_id,)
        ).fetchone()
        if row is None:
            return []
        file_id, seq, aside = row
        if aside:
            rows = self.db.execute(select + "WHERE c.id=?", (chunk_id,))
        else:
            rows = self.db.execute(
                select + "WHERE c.file_id=? AND c.seq BETWEEN ? AND ? ORDER BY c.seq",
                (file_id, max(seq - reach, 0), seq + reach),
            )
        return [Chunk(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]), r[8]) for r in rows]


def words(text: str) -> list[str]:
    """The index's words of a normalised text (what FTS5's unicode61 sees)."""
    return _WORD.findall(text)


def phrase(tokens: Sequence[str]) -> str:
    """An FTS5 phrase; tokens are letters and digits only, so quoting is safe."""
    return '"' + " ".join(tokens) + '"'
