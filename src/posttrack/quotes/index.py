"""An on-disk full-text index of text files, for finding quotes fast at any scale.

Each file is cut into chunks at blank lines (long ones at line ends), every
chunk is normalised (`normalize.normalize_fast`) and stored in an SQLite FTS5 word
index in the user's cache directory, and by word stem in a second FTS5 table, for
passages close in meaning (`Index.related`). A file is re-read only when its size,
modification time, change time or inode differ from what the index recorded,
or when it was modified so shortly before it was read that a coarse file-system
clock could hide a later edit (git's "racily clean" case): such a file is read
again, and its content hash compared, until its time stamp is safely older.

The file is posttrack's only when it says so (`PRAGMA application_id` and the
`meta` format row): someone else's file is never altered or deleted, and only a
damaged or outdated index of posttrack's own is rebuilt. Files are read outside
any lock; each batch of them is written in one short write transaction that
checks again what another process may have stored meanwhile, so concurrent
builds agree and an interrupted build leaves a consistent index. An index that
cannot be written (locked for long, read-only, a full disk) gives way to one in
memory, and `Index.notes` says so. Queries run on disk: nothing is loaded whole.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple, TypeVar

from posttrack.config import RACY_NS
from posttrack.errors import PosttrackError
from posttrack.quotes.locate import MAX_SOURCE_BYTES
from posttrack.quotes.normalize import BREAK, normalize_fast

FORMAT = 7  # bump when the schema, chunking or normalisation changes (7: hyphen cuts)
APPLICATION_ID = int.from_bytes(b"ptix", "big")  # marks an SQLite file as posttrack's index
CHUNK_BYTES = 2000
BATCH_BYTES = 4 * 1024 * 1024  # per write transaction: others wait at most this long
MAX_FILE_BYTES = MAX_SOURCE_BYTES  # a larger file is skipped: the dataset's own limit
LOCK_TIMEOUT = 15.0  # seconds to wait for another writer before indexing in memory
_BLANK = re.compile(rb"\n[ \t\r\f\v]*\n[ \t\r\n\f\v]*")
_WORD = re.compile(r"[^\W_]+")
_SQLITE_MAGIC = b"SQLite format 3\x00"
# non-blocking: a file swapped for a FIFO after listing must not hang the build
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_OPEN_FLAGS |= getattr(os, "O_BINARY", 0)

# chunk_stem: the same chunks by word stem, for `related`. Contentless (the text is
# chunk_text's), but with positions: FTS5 ranks a contentless table's rows only from
# what its index holds (+20% of the index at 100 MB)
_SCHEMA = f"""
PRAGMA application_id = {APPLICATION_ID};
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files(
    id INTEGER PRIMARY KEY, path UNIQUE NOT NULL,
    size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, inode INTEGER,
    racy INTEGER NOT NULL, hash BLOB, error TEXT);
CREATE INDEX files_failed ON files(path) WHERE error IS NOT NULL;
CREATE TABLE chunks(
    id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL, seq INTEGER NOT NULL,
    byte_start INTEGER NOT NULL, byte_end INTEGER NOT NULL, line INTEGER NOT NULL,
    norm_start INTEGER NOT NULL, aside INTEGER NOT NULL);
CREATE INDEX chunks_by_file ON chunks(file_id, seq);
CREATE VIRTUAL TABLE chunk_text USING fts5(text, tokenize='unicode61');
CREATE VIRTUAL TABLE chunk_stem USING fts5(text, tokenize='porter unicode61', content='');
INSERT INTO meta VALUES ('format', '{FORMAT}');
"""

# what posttrack 0.x (format 3, before the application id) left: still posttrack's own
_LEGACY_TABLES = {
    "meta",
    "files",
    "chunks",
    "chunks_by_file",
    "chunk_text",
    "chunk_text_data",
    "chunk_text_idx",
    "chunk_text_content",
    "chunk_text_docsize",
    "chunk_text_config",
}

# SQLite's primary result codes that say "cannot write (or read) it now", not "damaged"
_UNUSABLE = {3: "permission denied", 5: "another process holds its lock", 6: "it is locked"}
_UNUSABLE |= {8: "it is read-only", 10: "", 13: "the disk is full", 14: "", 15: "", 23: ""}
_CORRUPT = {11, 26}  # SQLITE_CORRUPT (also FTS5's CORRUPT_VTAB), SQLITE_NOTADB

_T = TypeVar("_T")


class ForeignIndex(OSError):
    """The file where the index belongs is not posttrack's: it is left as it is."""


class NoFullTextSearch(PosttrackError):
    """This Python's SQLite has no FTS5, which cite needs."""


def _kind(error: sqlite3.Error) -> str:
    """'corrupt', 'unusable' (locked, read-only, full, I/O), 'nofts' or 'other'."""
    code = getattr(error, "sqlite_errorcode", None)
    primary = None if code is None else code & 0xFF
    message = str(error)
    if primary in _CORRUPT or (code is None and "decode" in message):
        return "corrupt"  # a text column that is not UTF-8 is damage, too
    if "no such module" in message and "fts5" in message:
        return "nofts"
    if primary in _UNUSABLE:
        return "unusable"
    return "other"


_BUSY_PAUSE = 0.02  # seconds between attempts to open an index another process holds


def _busy(error: sqlite3.Error) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED: another connection holds the lock for now."""
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (5, 6)


def _reason(error: BaseException) -> str:
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        said = _UNUSABLE.get(-1 if code is None else code & 0xFF)
        if said:
            return said
    return str(error) or type(error).__name__


def _no_fts(error: sqlite3.Error) -> NoFullTextSearch:
    return NoFullTextSearch(
        f"this Python's SQLite has no FTS5 full-text search, which cite needs ({error}); "
        "use a Python whose sqlite3 module is built with FTS5"
    )


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
        self.unchanged = unchanged  # files whose stat (or, when racy, content) matched
        self.bytes = 0  # bytes read
        self.failed: list[tuple[str, str]] = []  # (file, why it was skipped)


class _Read(NamedTuple):
    """A file read and chunked, ready to be stored."""

    file: str
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    racy: bool  # changed so recently that a same-size edit could keep its stat
    hash: bytes
    error: str | None  # why it is not searchable (not UTF-8, too large)
    rows: list[tuple[int, int, int, int, int, int]]  # seq, start, end, line, norm, aside
    texts: list[str]


def chunk_bounds(data: bytes) -> Iterator[tuple[int, int]]:
    """[start, end) byte ranges of the chunks: paragraphs, long ones cut at line ends."""
    start = 0
    for blank in _BLANK.finditer(data):
        yield from _cut(data, start, blank.start())
        start = blank.end()
    yield from _cut(data, start, len(data))


# a hyphen, U+2010, U+2011 or a soft hyphen: at a line end, normalize joins the halves
_LINE_END_HYPHENS = (b"-", "\u2010".encode(), "\u2011".encode(), "\u00ad".encode())


def _cut(data: bytes, start: int, end: int) -> Iterator[tuple[int, int]]:
    while end - start > CHUNK_BYTES:
        cut = data.rfind(b"\n", start + 1, start + CHUNK_BYTES)
        # not after a word hyphenated at the line end: its halves are one word
        while cut != -1 and data[start:cut].rstrip(b" \t\r").endswith(_LINE_END_HYPHENS):
            cut = data.rfind(b"\n", start + 1, cut)
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


def _stored(path: str) -> str | bytes:
    """A path as the index keeps it: text, or its bytes when the name is not valid
    UTF-8 (a str with surrogate escapes, which SQLite cannot take as text)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path)
    return path


def _path(stored: str | bytes) -> str:
    return stored if isinstance(stored, str) else os.fsdecode(stored)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino


def _owner(path: Path, timeout: float) -> str:
    """Whose file is at `path`: 'new' (none, or empty), 'ours', 'legacy' (an older
    posttrack's index, without the mark), 'foreign' (another program's database) or
    'unreadable' (not an SQLite database at all). Reads, never writes."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except FileNotFoundError:
        return "new"
    if not header:
        return "new"
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        return "unreadable"  # no SQLite database: a damaged index, or not one at all
    mark = int.from_bytes(header[68:72], "big")
    if mark == APPLICATION_ID:
        return "ours"
    if mark != 0:
        return "foreign"
    # no mark: an empty database, an older posttrack's index or someone else's. Read
    # the file alone (immutable: no lock, no -wal or -shm made beside someone's file);
    # posttrack writes its mark before it turns the log on, so the file has it
    uri = Path(os.path.abspath(path)).as_uri() + "?immutable=1"
    db = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
    try:
        (mark,) = db.execute("PRAGMA application_id").fetchone()
        if mark == APPLICATION_ID:
            return "ours"
        names = {
            row[0]
            for row in db.execute("SELECT name FROM sqlite_master")
            if not row[0].startswith("sqlite_")  # SQLite's own indexes for UNIQUE keys
        }
        if not names:
            return "new"  # an empty database holds nothing to lose
        if mark == 0 and names == _LEGACY_TABLES:
            columns = {row[1] for row in db.execute("PRAGMA table_info(meta)")}
            if (
                columns == {"key", "value"}
                and db.execute("SELECT 1 FROM meta WHERE key='format'").fetchone()
            ):
                return "legacy"
        return "foreign"
    finally:
        db.close()


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """Only one posttrack at a time creates or discards the index file."""
    try:
        import fcntl
    except ImportError:  # not POSIX: the inode check in _discard still guards
        yield
        return
    with open(f"{os.fspath(path)}.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class Index:
    """The quote index: `refresh` files, then `search` them.

    `notes` collects what the user should be told (a fallback to memory, a rebuild)."""

    def __init__(
        self, path: Path | None = None, *, timeout: float = LOCK_TIMEOUT, owned: bool = False
    ) -> None:
        """Open (or create) the index at `path`; None keeps it in memory.

        Raises ForeignIndex (an OSError) when the file at `path` is not posttrack's,
        OSError or sqlite3.Error when it cannot be opened: the caller then indexes in
        memory. `timeout` is how long to wait for another process's write lock.
        `owned` says the directory is posttrack's own cache directory (see config.cache_dir):
        whatever lies there under the index's name is then a damaged index, rebuilt."""
        self.path = path
        self._owned = owned
        self.notes: list[str] = []
        self._timeout = timeout
        self._identity: tuple[int, int] | None = None  # the file this connection opened
        self._wanted: list[str] = []  # the files of the last refresh, to rebuild
        self._known: dict[str, tuple[int, ...]] = {}  # as stale() saw the index
        self._issued: dict[str, int] = {}  # file ids handed out by file_ids()
        # id -> path of the files without error, as the index held them when last read;
        # None once this process has written (or reopened) it, to be read again
        self._ids: dict[int, str] | None = None
        self._located: dict[int, tuple[int, int]] = {}  # chunk id -> (file id, byte start)
        self._floor = 0  # the highest chunk id handed out
        # the file ids searched last: as given, as a set, the index's count of files
        # then, and whether temp table `wanted` holds them
        self._searched: tuple[tuple[int, ...], frozenset[int], int, bool] | None = None
        self._rebuilt_above = 0  # chunk ids up to this one are from before a rebuild
        self.db = self._open(path)

    # -- opening --------------------------------------------------------------

    def _connect(self, path: Path | None) -> sqlite3.Connection:
        target = ":memory:" if path is None else os.fspath(path)
        # autocommit: every transaction is begun and ended here, explicitly
        return sqlite3.connect(target, timeout=self._timeout, isolation_level=None)

    def _memory(self) -> sqlite3.Connection:
        db = self._connect(None)
        try:
            db.execute("PRAGMA journal_mode=MEMORY")
            db.executescript(_SCHEMA)
        except sqlite3.OperationalError as error:
            db.close()
            raise (_no_fts(error) if _kind(error) == "nofts" else error) from None
        return db

    def _open(self, path: Path | None) -> sqlite3.Connection:
        if path is None:
            return self._memory()
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        deadline = time.monotonic() + self._timeout
        changes = 0
        while changes < 3:
            owner = _owner(path, self._timeout)
            if owner == "unreadable" and self._owned:
                # in posttrack's own directory, a file under the index's name that is no
                # database at all is an index of ours damaged past its header; another
                # program's database is still never touched
                self._note(f"the index at {path} was damaged beyond reading; it is rebuilt")
                changes += 1
                self._discard(path, _identity(path))
                continue
            if owner in ("foreign", "unreadable"):
                raise ForeignIndex(
                    "it is not an index posttrack made, so it is left as it is; "
                    "move it away, or set POSTTRACK_CACHE to another directory"
                )
            identity = _identity(path)
            if owner == "legacy":
                changes += 1
                self._discard(path, identity)
                continue
            db = self._connect(path)
            try:
                if owner == "new" and not self._initialise(db, path):
                    db.close()
                    changes += 1
                    continue
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                row = db.execute("SELECT value FROM meta WHERE key='format'").fetchone()
                (mark,) = db.execute("PRAGMA application_id").fetchone()
            except sqlite3.Error as error:
                db.close()
                kind = _kind(error)
                if kind == "nofts":
                    raise _no_fts(error) from None
                if _busy(error) and time.monotonic() < deadline:
                    # switching to WAL, or a WAL recovery, in another process: SQLite
                    # answers busy without waiting, so wait here, as long as for a write
                    time.sleep(_BUSY_PAUSE)
                    continue
                if kind != "corrupt":
                    raise  # locked, read-only, ...: not damage, so nothing is deleted
                changes += 1
                self._discard(path, identity)
                continue
            except BaseException:  # the lock file cannot be made, Ctrl-C, ...
                db.close()
                raise
            if mark == APPLICATION_ID and row is not None and row[0] == str(FORMAT):
                self._identity = _identity(path)
                return db
            db.close()
            changes += 1
            self._discard(path, identity)  # ours, but another format
        raise OSError(f"the index at {path} keeps changing under posttrack; try again")

    def _initialise(self, db: sqlite3.Connection, path: Path) -> bool:
        """Make a new, empty file posttrack's index; False if it turned out not to be
        empty (another process was first), so the caller looks at it again."""
        with _exclusive(path):
            # rollback journal while creating: the mark reaches the file itself at
            # commit, where another process reading its header can see it
            db.execute("BEGIN IMMEDIATE")
            try:
                (mark,) = db.execute("PRAGMA application_id").fetchone()
                empty = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
                if mark != 0 or not empty:
                    db.execute("ROLLBACK")
                    return bool(mark == APPLICATION_ID)
                # statement by statement: executescript would commit the transaction first
                for statement in _SCHEMA.split(";\n"):
                    if statement.strip():
                        db.execute(statement)
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        return True

    def _discard(self, path: Path, identity: tuple[int, int] | None) -> None:
        """Delete posttrack's damaged or outdated index so that it is made again,
        unless another process has already replaced it."""
        with _exclusive(path):
            if identity is None or _identity(path) != identity:
                return
            for leftover in ("-wal", "-shm", "-journal"):
                Path(f"{os.fspath(path)}{leftover}").unlink(missing_ok=True)
            path.unlink(missing_ok=True)

    def close(self) -> None:
        self.db.close()

    # -- recovery -------------------------------------------------------------

    def _note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)

    def _replace(self, error: sqlite3.Error) -> None:
        """After `error`, go on with a new, empty index: a rebuilt file when the old one
        was damaged, memory when it cannot be used (or rebuilt)."""
        kind = _kind(error)
        if kind == "nofts":
            raise _no_fts(error) from None
        if kind not in ("corrupt", "unusable"):
            raise error
        with contextlib.suppress(sqlite3.Error):
            self.db.close()
        self._ids = None
        in_memory = self.path is None or self._identity is None
        where = "the index" if self.path is None else f"the index at {self.path}"
        if kind == "corrupt" and not in_memory and self.path is not None:
            self._note(f"{where} was damaged ({error}); it is rebuilt")
            try:
                self._discard(self.path, self._identity)
                self._identity = None
                self.db = self._open(self.path)
                self._searched = None  # a new connection: its temp table is empty
                return
            except (OSError, sqlite3.Error) as again:
                self._note(f"cannot rebuild {where} ({_reason(again)}); indexing in memory")
        elif kind == "unusable":
            self._note(f"cannot use {where} ({_reason(error)}); indexing in memory")
        elif in_memory:
            raise error  # damage in memory is a bug, not something to retry
        self._identity = None
        self.db = self._memory()
        self._searched = None

    def _retrying(self, query: Callable[[], _T]) -> _T:
        """Run a query; if the index turns out damaged or unusable, rebuild what was
        handed out (same file ids) and run it again, so no answer is silently cut short."""
        try:
            return query()
        except sqlite3.Error as error:
            self._replace(error)
        self._rebuilt_above = self._floor
        # the files handed out first, so that they keep their ids
        self._fill(list(dict.fromkeys([*self._issued, *self._wanted])))
        return query()

    def _fill(self, files: Sequence[str]) -> Update:
        """Index `files` into a new, empty database, falling back to memory if need be."""
        update = Update(files=len(files))
        try:
            self._write(files, update, None)
        except sqlite3.Error as error:
            self._replace(error)
            update = Update(files=len(files))
            self._write(files, update, None)
        update.failed.extend(self._failed(files, update))
        return update

    # -- building -------------------------------------------------------------

    def stale(self, files: Sequence[str]) -> tuple[list[str], int]:
        """The files (absolute paths, as strings: at 10,000 files a Path each costs more
        than the stat) whose stat differs from the index's record, or whose record is
        racy, and their total size. A file that cannot be stat'ed is stale: refresh
        says why it is skipped."""
        try:
            known = self._read_known()
        except sqlite3.Error as error:
            self._replace(error)
            known = {}
        self._known = known
        stale, size = [], 0
        look, record = os.stat, known.get
        for file in files:
            try:
                info = look(file)
            except (OSError, ValueError):
                stale.append(file)
                continue
            if record(file) != (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino):
                stale.append(file)
                size += info.st_size
        return stale, size

    def _read_known(self) -> dict[str, tuple[int, ...]]:
        """Every file's record, by path; the ids of those without error are kept for
        file_ids(), which needs not ask again while nothing is written."""
        # a racy record never matches (size -1), so its file is checked again
        select = (
            "SELECT path, CASE WHEN racy THEN -1 ELSE size END, mtime_ns, ctime_ns, inode, "
            "CASE WHEN error IS NULL THEN id END FROM files WHERE typeof(path) = "
        )
        rows = self.db.execute(select + "'text'").fetchall()
        rows += [(os.fsdecode(r[0]), *r[1:]) for r in self.db.execute(select + "'blob'")]
        self._ids = {row[5]: row[0] for row in rows if row[5] is not None}
        return {row[0]: row[1:5] for row in rows}

    def refresh(
        self,
        files: Sequence[str],
        progress: Callable[[int], None] | None = None,
        *,
        stale: Sequence[str] | None = None,
    ) -> Update:
        """Bring the index up to date for `files` (absolute paths); read only what changed.

        `stale`, when the caller has just computed it with `stale()`, saves a second look.
        A file that cannot be indexed is in `Update.failed` with the reason, on every
        run; if the index cannot be written, the files are indexed in memory and
        `notes` says so."""
        if stale is None:
            stale = self.stale(files)[0]
        self._wanted = list(files)
        update = Update(files=len(files), unchanged=len(files) - len(stale))
        try:
            self._write(stale, update, progress)
            update.failed.extend(self._failed(files, update))
        except sqlite3.Error as error:
            self._replace(error)
            return self._fill(files)
        self._prune(files)
        return update

    def _failed(self, files: Sequence[str], update: Update) -> list[tuple[str, str]]:
        """Files skipped before, and unchanged since: still skipped, still said."""
        told = {file for file, _ in update.failed}
        rows = self.db.execute("SELECT path, error FROM files WHERE error IS NOT NULL")
        failed = {_path(path): error for path, error in rows}
        if not failed:
            return []
        return [(f, failed[f]) for f in files if f in failed and f not in told]

    def _write(
        self, files: Sequence[str], update: Update, progress: Callable[[int], None] | None
    ) -> None:
        batch: list[_Read] = []
        pending = 0
        for file in files:
            read = self._read(file, update)
            size = 0 if read is None else read.size
            update.bytes += size if read is not None and read.hash else 0
            if read is not None:
                batch.append(read)
                pending += size
            if progress is not None:
                progress(size)
            if pending >= BATCH_BYTES:
                self._store(batch, update)
                batch, pending = [], 0
        self._store(batch, update)

    def _read(self, file: str, update: Update) -> _Read | None:
        """The file read and chunked, outside any lock; None (and the reason in
        `update.failed`) when it cannot be read."""
        started = time.time_ns()
        try:
            fd = os.open(file, _OPEN_FLAGS)
        except (FileNotFoundError, NotADirectoryError):
            update.failed.append((file, "it no longer exists"))
            return None
        except OSError as error:
            update.failed.append((file, f"cannot read it ({error.strerror or error})"))
            return None
        except ValueError:  # a NUL in the name
            update.failed.append((file, "its name cannot be opened"))
            return None
        try:
            with open(fd, "rb") as handle:
                info = os.fstat(fd)
                if not stat.S_ISREG(info.st_mode):
                    update.failed.append((file, "not a regular file"))
                    return None
                # st_size can be 0 for a file that has content (/proc), so read one
                # byte past the limit to know
                data = b"" if info.st_size > MAX_FILE_BYTES else handle.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            update.failed.append((file, f"cannot read it ({error.strerror or error})"))
            return None
        # a same-size edit in the same clock tick as `started` would keep this mtime
        racy = info.st_mtime_ns + RACY_NS > started
        if info.st_size > MAX_FILE_BYTES or len(data) > MAX_FILE_BYTES:
            reason = f"larger than {MAX_FILE_BYTES // 2**20} MiB, the limit for a searched file"
            size = max(info.st_size, len(data))
            return _Read(
                file,
                size,
                info.st_mtime_ns,
                info.st_ctime_ns,
                info.st_ino,
                racy,
                b"",
                reason,
                [],
                [],
            )
        record = (file, len(data), info.st_mtime_ns, info.st_ctime_ns, info.st_ino, racy)
        import hashlib  # here: 3 ms of OpenSSL that a warm cite never needs

        digest = hashlib.blake2b(data, digest_size=16).digest()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            return _Read(*record, digest, f"not UTF-8 (byte {error.start})", [], [])
        rows, texts = [], []
        line, seen, seq, norm = 1, 0, 0, 0
        for start, end in chunk_bounds(data):
            line += data.count(b"\n", seen, start)
            seen = start
            chunk = data[start:end].decode("utf-8")
            text = normalize_fast(chunk)
            if text:
                rows.append((seq, start, end, line, norm, 0))
                seq += 1
                norm += len(text) + 1  # chunks join with one space
            elif text := normalize_fast(chunk, asides=True):
                # a block of footnotes: out of the running text, but searchable
                rows.append((-1, start, end, line, -1, 1))
            else:
                continue
            texts.append(text)
        return _Read(*record, digest, None, rows, texts)

    def _store(self, batch: list[_Read], update: Update) -> None:
        """Write a batch in one transaction, each file checked again inside it: another
        process may have stored the same version meanwhile."""
        if not batch:
            return
        db = self.db
        self._ids = None  # ids read before may be out of date from here on
        db.execute("BEGIN IMMEDIATE")
        try:
            next_id = max(self._next_id(), self._floor + 1)
            for read in batch:
                next_id = self._store_one(read, update, next_id)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
            raise

    def _store_one(self, read: _Read, update: Update, next_id: int) -> int:
        db = self.db
        key = _stored(read.file)
        stat_ = (read.size, read.mtime_ns, read.ctime_ns, read.inode)
        row = db.execute(
            "SELECT id, size, mtime_ns, ctime_ns, inode, racy, hash, error FROM files WHERE path=?",
            (key,),
        ).fetchone()
        if read.error is not None:
            update.failed.append((read.file, read.error))
        if row is not None and row[6] == read.hash and row[7] == read.error:
            # the same content: another process stored it, or a racy file unchanged
            db.execute(
                "UPDATE files SET size=?, mtime_ns=?, ctime_ns=?, inode=?, racy=? WHERE id=?",
                (*stat_, read.racy, row[0]),
            )
            if read.error is None:
                if tuple(row[1:5]) == stat_ and not row[5]:
                    update.indexed += 1
                else:
                    update.unchanged += 1
            return next_id
        if row is not None:
            file_id = row[0]
            _unstem(db, "SELECT id FROM chunks WHERE file_id=?", (file_id,))
            db.execute(
                "DELETE FROM chunk_text WHERE rowid IN (SELECT id FROM chunks WHERE file_id=?)",
                (file_id,),
            )
            db.execute("DELETE FROM chunks WHERE file_id=?", (file_id,))
            db.execute(
                "UPDATE files SET size=?, mtime_ns=?, ctime_ns=?, inode=?, racy=?, hash=?, "
                "error=? WHERE id=?",
                (*stat_, read.racy, read.hash, read.error, file_id),
            )
        else:
            cursor = db.execute(
                "INSERT INTO files(id, path, size, mtime_ns, ctime_ns, inode, racy, hash, "
                "error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (self._issued.get(read.file), key, *stat_, read.racy, read.hash, read.error),
            )
            file_id = cursor.lastrowid or 0
        if read.error is not None:
            return next_id
        update.indexed += 1
        db.executemany(
            "INSERT INTO chunks(id, file_id, seq, byte_start, byte_end, line, norm_start, aside) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(next_id + i, file_id, *row) for i, row in enumerate(read.rows)],
        )
        texts = [(next_id + i, text) for i, text in enumerate(read.texts)]
        db.executemany("INSERT INTO chunk_text(rowid, text) VALUES (?, ?)", texts)
        db.executemany("INSERT INTO chunk_stem(rowid, text) VALUES (?, ?)", texts)
        return next_id + len(read.rows)

    def _next_id(self) -> int:
        (last,) = self.db.execute("SELECT coalesce(max(id), 0) FROM chunks").fetchone()
        return int(last) + 1

    def _prune(self, files: Sequence[str]) -> None:
        """Forget files that no longer exist under the directories searched, so that the
        index does not grow for good; costs nothing while the index knows no other files."""
        extra = self._known.keys() - set(files)
        if not extra:
            return
        searched = {file.rpartition(os.sep)[0] for file in files}
        gone = []
        for path in extra:
            parent = path.rpartition(os.sep)[0]
            while parent and parent not in searched:
                parent = parent.rpartition(os.sep)[0]
            if parent and not os.path.exists(path):
                gone.append((_stored(path),))
        if not gone:
            return
        db = self.db
        self._ids = None
        try:
            db.execute("PRAGMA busy_timeout=0")  # another writer: prune another time
            db.execute("BEGIN IMMEDIATE")
            db.execute("CREATE TEMP TABLE IF NOT EXISTS gone(path PRIMARY KEY)")
            db.execute("DELETE FROM gone")
            db.executemany("INSERT OR IGNORE INTO gone VALUES (?)", gone)
            ids = "SELECT id FROM files WHERE path IN (SELECT path FROM gone)"
            chunks = f"SELECT id FROM chunks WHERE file_id IN ({ids})"
            _unstem(db, chunks, ())
            db.execute(f"DELETE FROM chunk_text WHERE rowid IN ({chunks})")
            db.execute(f"DELETE FROM chunks WHERE file_id IN ({ids})")
            db.execute("DELETE FROM files WHERE path IN (SELECT path FROM gone)")
            db.execute("COMMIT")
        except sqlite3.Error as error:
            if db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
            if _kind(error) == "corrupt":
                self._replace(error)
                self._fill(files)
        finally:
            with contextlib.suppress(sqlite3.Error):
                db.execute(f"PRAGMA busy_timeout={int(self._timeout * 1000)}")

    # -- querying -------------------------------------------------------------

    def file_ids(self, files: Sequence[str]) -> dict[int, str]:
        """The index's ids of these files (those that were indexed without error)."""
        wanted = set(files)

        def query() -> dict[int, str]:
            if self._ids is None:
                self._read_known()
            assert self._ids is not None
            return {i: path for i, path in self._ids.items() if path in wanted}

        ids = self._retrying(query)
        self._issued.update((path, file_id) for file_id, path in ids.items())
        return ids

    def search(self, query: str, file_ids: Sequence[int], limit: int) -> list[int]:
        """Chunk ids that may hold `query` (an FTS5 expression), best bm25 first."""
        return self._ranked("chunk_text", query, file_ids, limit)

    def related(self, text: str, file_ids: Sequence[int], limit: int) -> list[int]:
        """Chunk ids of the passages closest to `text` in meaning, best bm25 first: any
        of its content words (stop words left out), each matched by its stem (Porter's),
        so that a paraphrase finds the passage it rewords. Never a claim of a quote."""
        terms = content_words(text)
        if not terms:
            return []
        return self._ranked("chunk_stem", " OR ".join(phrase([t]) for t in terms), file_ids, limit)

    def _ranked(self, table: str, query: str, file_ids: Sequence[int], limit: int) -> list[int]:
        def run() -> list[int]:
            if self._searched is None or tuple(file_ids) != self._searched[0]:
                # the set, and how many files the index has: kept, since a `cite -`
                # batch asks for the same files quote after quote
                (known,) = self.db.execute("SELECT count(*) FROM files").fetchone()
                self._searched = (tuple(file_ids), frozenset(file_ids), int(known), False)
            wanted, allowed, known, filled = self._searched
            found: list[tuple[int, int, int]] | None = None
            if len(allowed) * 10 >= known * 9:
                # (nearly) every file of the index: rank them all and leave out the others
                # here, which is exact unless one left out may hide one beyond the limit
                rows = self.db.execute(
                    f"SELECT c.id, c.file_id, c.byte_start FROM {table} t "
                    f"JOIN chunks c ON c.id = t.rowid WHERE {table} MATCH ? "
                    f"ORDER BY bm25({table}) LIMIT ?",
                    (query, limit),
                ).fetchall()
                found = [row for row in rows if row[1] in allowed]
                if len(found) < len(rows) and len(rows) == limit:
                    found = None
            if found is None:
                if not filled:
                    self._fill_wanted(wanted)
                found = self.db.execute(
                    f"SELECT c.id, c.file_id, c.byte_start FROM {table} t "
                    f"JOIN chunks c ON c.id = t.rowid JOIN wanted w ON w.id = c.file_id "
                    f"WHERE {table} MATCH ? ORDER BY bm25({table}) LIMIT ?",
                    (query, limit),
                ).fetchall()
            for chunk_id, file_id, start in found:
                self._located[chunk_id] = (file_id, start)
            return [row[0] for row in found]

        found = self._retrying(run)
        self._floor = max([self._floor, *found])
        return found

    def _fill_wanted(self, wanted: tuple[int, ...]) -> None:
        """The files searched, in temp table `wanted`, for a query that must join them."""
        db = self.db
        # one transaction: in autocommit mode each row would be its own commit
        # (125 ms for 8,518 files)
        db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted(id INTEGER PRIMARY KEY)")
        db.execute("BEGIN")
        try:
            db.execute("DELETE FROM wanted")
            db.executemany("INSERT INTO wanted VALUES (?)", [(i,) for i in wanted])
            db.execute("COMMIT")
        except BaseException:
            self._searched = None
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        if self._searched is not None:
            self._searched = (*self._searched[:3], True)

    def window(self, chunk_id: int, reach: int = 1) -> list[Chunk]:
        """The chunk and up to `reach` neighbours in the running text on each side, in order
        (a footnote block stands alone)."""
        select = (
            "SELECT c.id, c.file_id, c.seq, c.byte_start, c.byte_end, c.line, c.norm_start, "
            "c.aside, t.text FROM chunks c JOIN chunk_text t ON t.rowid = c.id "
        )

        def run() -> list[Chunk]:
            wanted = chunk_id
            if chunk_id <= self._rebuilt_above:
                # an id from before a rebuild: the same place in the new index
                if chunk_id not in self._located:
                    return []
                found = self.db.execute(
                    "SELECT id FROM chunks WHERE file_id=? AND byte_start=?",
                    self._located[chunk_id],
                ).fetchone()
                if found is None:
                    return []
                wanted = found[0]
            row = self.db.execute(
                "SELECT file_id, seq, aside FROM chunks WHERE id=?", (wanted,)
            ).fetchone()
            if row is None:
                return []
            file_id, seq, aside = row
            if aside:
                rows = self.db.execute(select + "WHERE c.id=?", (wanted,))
            else:
                rows = self.db.execute(
                    select + "WHERE c.file_id=? AND c.seq BETWEEN ? AND ? ORDER BY c.seq",
                    (file_id, max(seq - reach, 0), seq + reach),
                )
            return [Chunk(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]), r[8]) for r in rows]

        chunks = self._retrying(run)
        self._floor = max([self._floor, *(c.id for c in chunks)])
        return chunks


def _unstem(db: sqlite3.Connection, chunk_ids: str, parameters: tuple[int, ...]) -> None:
    """Take the chunks `chunk_ids` (a SELECT) out of the stem index. It keeps no text
    of its own (content=''), so FTS5 is told each row's text, which chunk_text still
    holds: these must be deleted from chunk_stem before they are from chunk_text."""
    db.execute(
        "INSERT INTO chunk_stem(chunk_stem, rowid, text) SELECT 'delete', rowid, text "
        f"FROM chunk_text WHERE rowid IN ({chunk_ids})",
        parameters,
    )


def words(text: str) -> list[str]:
    """The index's words of a normalised text (what FTS5's unicode61 sees: it folds
    away `BREAK`, a combining mark, so a word broken at a line end is one word)."""
    return _WORD.findall(text.replace(BREAK, "") if BREAK in text else text)


# words that say nothing of what a passage is about: left out of `related` queries,
# where bm25 would otherwise reward the passages with the most of them
_STOP = """a about above after again against all also am an and any are as at be because
been before being below between both but by can could did do does doing down during each few
for from further had has have having he her here hers herself him himself his how i if in into
is it its itself just me more most my myself of off on once only or other ought our ours
ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself yourselves"""
STOP_WORDS = frozenset(_STOP.split())
RELATED_TERMS = 48  # content words asked for at most: the query's cost grows with them


def content_words(text: str) -> list[str]:
    """The words of `text` that a `related` query asks for: normalised, lower case,
    stop words and repeats left out, in order."""
    found = [w for w in words(normalize_fast(text)) if w not in STOP_WORDS]
    return list(dict.fromkeys(found))[:RELATED_TERMS]


def phrase(tokens: Sequence[str]) -> str:
    """An FTS5 phrase; tokens are letters and digits only, so quoting is safe."""
    return '"' + " ".join(tokens) + '"'
