"""The index under attack: files it did not make, concurrent builders, a locked,
full or read-only cache, damage, hostile files and coarse clocks (the reliability
review's cases 1.1-1.7, 1.15, 3.6, 3.9, 3.13, 3.16, 3.20, 4.4, 4.8, 4.10, 4.16, 4.17)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Result
from posttrack.config import cache_dir
from posttrack.quotes.index import MAX_FILE_BYTES, Index, phrase

REPO = Path(__file__).parent.parent


def write(path: Path, text: str) -> str:
    """A file as if saved a minute ago (not racy)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    past = time.time_ns() - 60 * 10**9
    os.utime(path, ns=(past, past))
    return str(path.resolve())


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def found(index: Index, files: list[str], *tokens: str) -> list[str]:
    """The files in which the index finds the phrase."""
    ids = index.file_ids(files)
    hits = index.search(phrase(list(tokens)), list(ids), 10)
    return sorted({ids[chunk.file_id] for hit in hits for chunk in index.window(hit)})


def build(path: Path, files: list[str]) -> None:
    """An index of `files` at `path`, closed: its log is checkpointed into the file
    (an unclosed connection lives on until the garbage collector finds it)."""
    index = Index(path)
    index.refresh(files)
    index.close()


def integrity(path: Path) -> tuple[str, int]:
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0], db.execute(
            "PRAGMA application_id"
        ).fetchone()[0]
    finally:
        db.close()


# -- a file posttrack did not make is never touched (4.16, F1) ------------------


def _text_file(path: Path) -> None:
    path.write_text("my notes, not a database\n", encoding="utf-8")


def _database_with_a_meta_table(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE meta(id INTEGER PRIMARY KEY, note TEXT)")
    db.execute("INSERT INTO meta(note) VALUES ('research notes')")
    db.commit()
    db.close()


def _other_database(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE papers(title TEXT)")
    db.execute("INSERT INTO papers VALUES ('On norms')")
    db.commit()
    db.close()


def _database_with_a_log(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE files(path TEXT)")
    db.commit()
    db.close()


def _garbage(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 20)


@pytest.mark.parametrize(
    "make",
    [_text_file, _database_with_a_meta_table, _other_database, _database_with_a_log, _garbage],
)
def test_a_file_posttrack_did_not_make_is_left_as_it_is(tmp_path: Path, make: object) -> None:
    path = tmp_path / "index.sqlite"
    make(path)  # type: ignore[operator]
    before = digest(path)
    with pytest.raises(OSError, match="not an index posttrack made"):
        Index(path)
    assert digest(path) == before
    assert [p.name for p in tmp_path.iterdir()] == ["index.sqlite"]  # no -wal, -shm


def test_cite_indexes_in_memory_beside_a_foreign_index(
    tmp_path: Path, cli: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("POSTTRACK_CACHE", str(cache))
    cache_dir()  # posttrack's own, tagged directory
    _database_with_a_meta_table(cache / "index.sqlite")
    before = digest(cache / "index.sqlite")
    write(tmp_path / "d" / "a.txt", "a legally binding instrument on cyberspace\n")
    result = cli("cite", "legally binding instrument", str(tmp_path / "d"), "-f", "jsonl")  # type: ignore[operator]
    assert result.code == 0
    assert json.loads(result.out)["verdict"] == "verbatim"
    assert "not an index posttrack made" in result.err
    assert "indexing in memory" in result.err
    assert digest(cache / "index.sqlite") == before


def test_a_locked_index_is_not_taken_for_a_damaged_one(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    a = write(tmp_path / "a.txt", "words to keep\n")
    build(path, [a])
    inode = path.stat().st_ino
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE meta SET value=value")
    holder.execute("COMMIT")  # the exclusive lock stays with `holder`
    try:
        with pytest.raises((OSError, sqlite3.Error)):
            Index(path, timeout=0.1).stale([a])
    finally:
        holder.close()
    assert path.stat().st_ino == inode
    again = Index(path)
    assert again.refresh([a]).unchanged == 1
    assert found(again, [a], "words", "to", "keep") == [a]


def test_an_index_of_an_older_posttrack_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    db = sqlite3.connect(path)  # format 3, as posttrack wrote it before the mark
    db.executescript(
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "CREATE TABLE files(id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, size INTEGER,"
        " mtime_ns INTEGER, ctime_ns INTEGER, inode INTEGER, error TEXT);"
        "CREATE TABLE chunks(id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL, seq INTEGER"
        " NOT NULL, byte_start INTEGER NOT NULL, byte_end INTEGER NOT NULL, line INTEGER NOT"
        " NULL, norm_start INTEGER NOT NULL, aside INTEGER NOT NULL);"
        "CREATE INDEX chunks_by_file ON chunks(file_id, seq);"
        "CREATE VIRTUAL TABLE chunk_text USING fts5(text, tokenize='unicode61');"
        "INSERT INTO meta VALUES ('format', '3');"
    )
    db.close()
    a = write(tmp_path / "a.txt", "words to find\n")
    index = Index(path)
    assert index.refresh([a]).indexed == 1
    assert found(index, [a], "words", "to", "find") == [a]
    assert integrity(path)[1] != 0


def test_an_index_of_another_format_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    a = write(tmp_path / "a.txt", "words to find\n")
    build(path, [a])
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value='2' WHERE key='format'")
    db.commit()
    db.close()
    index = Index(path)
    assert index.refresh([a]).indexed == 1


# -- concurrent builders (1.1-1.4, F11) -------------------------------------------


_AT_ONCE = """
import os, sys, time
from posttrack.cli import run
while not os.path.exists(sys.argv[1]):  # start together, imports done
    time.sleep(0.005)
sys.argv = ["posttrack", *sys.argv[2:]]
run()
"""


def test_eight_first_builds_at_once_all_succeed_alike(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    words = ["state", "cyber", "norms", "law", "binding", "treaty", "capacity", "security"]
    for n in range(150):
        paragraphs = (
            " ".join(words[(n * 7 + i * 3 + j * j) % 8] for j in range(80)) for i in range(10)
        )
        write(corpus / f"d{n:03}.txt", "\n\n".join(paragraphs) + "\n")
    write(corpus / "z.txt", "The quick treaty on capacity builds peace.\n")
    cache_dir()  # the directory tagged beforehand: the index alone is cold
    go = tmp_path / "go"
    command = [sys.executable, "-c", _AT_ONCE, str(go), "cite"]
    command += ["treaty on capacity builds peace", str(corpus), "-f", "jsonl", "--limit", "3"]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(8)
    ]
    time.sleep(0.5)  # not a timed assertion: only a head start for the imports
    go.touch()
    results = [(run.wait(), *run.communicate()) for run in runs]
    assert [code for code, _, _ in results] == [0] * 8, [err for _, _, err in results]
    assert len({out for _, out, _ in results}) == 1
    assert json.loads(results[0][1])["matches"][0]["path"].endswith("z.txt")
    assert [err for _, _, err in results] == [""] * 8
    index = Path(os.environ["POSTTRACK_CACHE"]) / "index.sqlite"
    assert integrity(index)[0] == "ok"


def test_a_build_that_another_process_finishes_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    files = [write(tmp_path / f"{n}.txt", f"document {n} words\n") for n in range(5)]
    first, second = Index(path), Index(path, timeout=1)
    done = []

    def meanwhile(_: int) -> None:  # the first has read a file, not yet stored it
        if not done:
            done.append(second.refresh(files))

    first.refresh(files, meanwhile)
    assert done[0].indexed == 5
    for index in (first, second):
        assert found(index, files, "document", "3") == [files[3]]
    first.close()
    second.close()
    db = sqlite3.connect(path)
    counts = [db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("files", "chunks")]
    db.close()
    assert counts == [5, 5]


# -- a cache that cannot be written (1.5 F12, 4.4 and 4.8 F16) ---------------------


def test_a_writer_holding_the_lock_gives_an_index_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    a = write(tmp_path / "a.txt", "words already indexed\n")
    build(path, [a])
    b = write(tmp_path / "b.txt", "new words to index\n")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        index = Index(path, timeout=0.1)
        update = index.refresh([a, b])
        assert update.failed == []
        assert found(index, [a, b], "new", "words") == [b]
        assert found(index, [a, b], "already", "indexed") == [a]
        assert len(index.notes) == 1
        assert "indexing in memory" in index.notes[0]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert integrity(path)[0] == "ok"


_FULL_DISK = """
import json, resource, signal, sys
from pathlib import Path
from posttrack.quotes.index import Index, phrase
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
files = sys.argv[2:]
index = Index(Path(sys.argv[1]))
resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
update = index.refresh(files)
ids = index.file_ids(files)
hits = index.search(phrase(["paragraph", "39", "of", "file", "29"]), list(ids), 5)
paths = sorted({ids[c.file_id] for h in hits for c in index.window(h)})
print(json.dumps({"notes": index.notes, "failed": update.failed, "found": paths}))
"""


def test_a_full_disk_gives_an_index_in_memory(tmp_path: Path) -> None:
    files = [
        write(
            tmp_path / "d" / f"{n}.txt",
            "\n\n".join(f"paragraph {p} of file {n} on norms" for p in range(40)),
        )
        for n in range(30)
    ]
    path = tmp_path / "cache" / "index.sqlite"
    run = subprocess.run(
        [sys.executable, "-c", _FULL_DISK, str(path), *files],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["found"] == [files[29]]
    assert result["failed"] == []
    assert len(result["notes"]) == 1
    assert "indexing in memory" in result["notes"][0]
    assert path.exists()
    assert integrity(path)[0] == "ok"


def _python_for_nobody() -> str | None:
    """An interpreter the user nobody can run, with posttrack's source importable."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return None
    for python in (sys.executable, shutil.which("python3"), "/usr/bin/python3"):
        if python is None:
            continue
        probe = subprocess.run(
            [*_AS_NOBODY, python, "-c", "import posttrack.quotes.index"],
            capture_output=True,
            check=False,
            env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"},
        )
        if probe.returncode == 0:
            return python
    return None


_AS_NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]

_READ_ONLY = """
import json, sys
from pathlib import Path
from posttrack.quotes.index import Index, phrase
files = sys.argv[2:]
index = Index(Path(sys.argv[1]))
update = index.refresh(files)
ids = index.file_ids(files)
hits = index.search(phrase(["capacity", "building"]), list(ids), 5)
paths = sorted({ids[c.file_id] for h in hits for c in index.window(h)})
print(json.dumps({"notes": index.notes, "found": paths}))
"""


def test_an_index_the_user_cannot_write_gives_an_index_in_memory(
    request: pytest.FixtureRequest,
) -> None:
    python = _python_for_nobody()
    if python is None:
        pytest.skip("needs root, setpriv and a Python the user nobody can run")
    work = Path(tempfile.mkdtemp())  # pytest's own directories are root's alone
    request.addfinalizer(lambda: shutil.rmtree(work))
    work.chmod(0o755)
    cache = work / "cache"
    a = write(work / "d1" / "a.txt", "a legally binding instrument\n")
    b = write(work / "d2" / "b.txt", "capacity building for all\n")
    build(cache / "index.sqlite", [a])  # root's index (left by `sudo posttrack`)
    os.chown(cache, 65534, 65534)  # in the user's own directory
    before = digest(cache / "index.sqlite")
    run = subprocess.run(
        [*_AS_NOBODY, python, "-c", _READ_ONLY, str(cache / "index.sqlite"), b],
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["found"] == [b]
    assert len(result["notes"]) == 1
    assert "indexing in memory" in result["notes"][0]
    assert digest(cache / "index.sqlite") == before


# -- damage (4.10, F15) ------------------------------------------------------------


def _corpus(tmp_path: Path) -> list[str]:
    return [
        write(
            tmp_path / "d" / f"f{n:03}.txt",
            "\n\n".join(f"paragraph {p} of file {n} on binding norms" for p in range(30)),
        )
        for n in range(40)
    ]


def _page_of(path: Path, table: str) -> int:
    db = sqlite3.connect(path)
    try:
        (page,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name=?", (table,)).fetchone()
        (size,) = db.execute("PRAGMA page_size").fetchone()
    finally:
        db.close()
    return int((page - 1) * size), int(size)


@pytest.mark.parametrize("table", ["chunks", "chunk_text_content"])
def test_damage_seen_only_at_query_time_is_rebuilt(tmp_path: Path, table: str) -> None:
    files = _corpus(tmp_path)
    path = tmp_path / "index.sqlite"
    build(path, files)
    offset, size = _page_of(path, table)
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(b"\xff" * size)
    index = Index(path)
    assert index.refresh(files).unchanged == len(files)  # the damage is not seen yet
    assert found(index, files, "paragraph", "7", "of", "file", "33") == [files[33]]
    assert len(index.notes) == 1
    assert "damaged" in index.notes[0]
    index.close()
    assert integrity(path)[0] == "ok"  # rebuilt on disk, for the next run
    again = Index(path)
    assert again.refresh(files).unchanged == len(files)
    assert found(again, files, "paragraph", "7", "of", "file", "33") == [files[33]]


def test_text_that_is_not_utf8_in_the_index_is_damage(tmp_path: Path) -> None:
    files = _corpus(tmp_path)
    path = tmp_path / "index.sqlite"
    build(path, files)
    db = sqlite3.connect(path)
    db.execute("UPDATE chunk_text_content SET c0 = CAST(x'ff' || CAST(c0 AS BLOB) AS TEXT)")
    db.commit()
    db.close()
    index = Index(path)
    index.refresh(files)
    ids = index.file_ids(files)
    hits = index.search(phrase(["file", "12", "on", "binding"]), list(ids), 100)
    windows = [index.window(hit) for hit in hits]
    assert {ids[w[0].file_id] for w in windows if w} == {files[12]}
    assert all(w and not w[0].text.startswith("\ufffd") for w in windows)
    assert "damaged" in index.notes[0]


# -- hostile files (1.6, 1.7, 3.6, 3.9, 3.13, 3.16, 3.20) ---------------------------


def test_a_file_deleted_after_listing_is_skipped(tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", "still here\n")
    gone = str(tmp_path / "gone.txt")
    index = Index(tmp_path / "index.sqlite")
    stale, _ = index.stale([a, gone])
    assert gone in stale
    update = index.refresh([a, gone], stale=stale)
    assert [file for file, _ in update.failed] == [gone]
    assert "no longer exists" in update.failed[0][1]
    assert found(index, [a, gone], "still", "here") == [a]


def test_a_file_deleted_between_stat_and_read_is_skipped(tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", "words here\n")
    b = write(tmp_path / "b.txt", "doomed words\n")
    index = Index(tmp_path / "index.sqlite")
    stale, _ = index.stale([a, b])
    os.unlink(b)
    update = index.refresh([a, b], stale=stale)
    assert [file for file, _ in update.failed] == [b]
    assert list(index.file_ids([a, b]).values()) == [a]


def test_an_unreadable_file_is_skipped_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = write(tmp_path / "a.txt", "readable words\n")
    secret = write(tmp_path / "secret.txt", "secret words\n")
    real_open = os.open

    def denying(path: str, flags: int, *args: int) -> int:  # root ignores chmod 000
        if path == secret:
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", denying)
    update = Index(tmp_path / "index.sqlite").refresh([a, secret])
    assert update.failed == [(secret, "cannot read it (Permission denied)")]


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux's /proc")
def test_a_read_error_is_skipped_with_the_reason(tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", "readable words\n")
    (tmp_path / "mem.txt").symlink_to("/proc/self/mem")  # reading it fails with EIO
    mem = str(tmp_path / "mem.txt")
    index = Index(tmp_path / "index.sqlite")
    update = index.refresh([a, mem])
    assert [file for file, _ in update.failed] == [mem]
    assert update.failed[0][1].startswith("cannot read it (")
    assert found(index, [a, mem], "readable", "words") == [a]


def test_a_file_name_that_is_not_utf8_is_indexed_and_named_back(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/caf\xe9 \xff.txt"
    with open(raw, "wb") as handle:
        handle.write(b"words under an odd name\n")
    os.utime(raw, ns=(time.time_ns() - 60 * 10**9,) * 2)
    odd = os.fsdecode(raw)
    a = write(tmp_path / "a.txt", "words under a plain name\n")
    index = Index(tmp_path / "index.sqlite")
    assert index.refresh([odd, a]).indexed == 2
    assert found(index, [odd, a], "odd", "name") == [odd]
    reopened = Index(tmp_path / "index.sqlite")
    assert reopened.stale([odd, a]) == ([], 0)
    assert found(reopened, [odd, a], "odd", "name") == [odd]


def test_a_file_over_the_size_cap_is_skipped_every_time(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with open(big, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is really written
    a = write(tmp_path / "a.txt", "small words\n")
    index = Index(tmp_path / "index.sqlite")
    for _ in range(2):
        update = index.refresh([str(big), a])
        assert [file for file, _ in update.failed] == [str(big)]
        assert "larger than 32 MiB" in update.failed[0][1]
        assert update.bytes < 100
    assert list(index.file_ids([str(big), a]).values()) == [a]


# -- a coarse clock (1.15, F5) -----------------------------------------------------


class _Coarse:
    """os.stat and os.fstat as a file system with 1-second time stamps gives them."""

    def __init__(self, real: object) -> None:
        self.real = real

    def __call__(self, *args: object, **kwargs: object) -> object:
        info = self.real(*args, **kwargs)  # type: ignore[operator]
        second = 10**9
        fields = {
            name: getattr(info, name) for name in ("st_atime_ns", "st_mtime_ns", "st_ctime_ns")
        }
        fields = {name: value - value % second for name, value in fields.items()}
        return os.stat_result(tuple(info)[:10], fields)


@pytest.fixture
def coarse_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "stat", _Coarse(os.stat))
    monkeypatch.setattr(os, "fstat", _Coarse(os.fstat))


def test_a_same_size_edit_in_the_same_second_is_noticed(tmp_path: Path, coarse_clock: None) -> None:
    doc = tmp_path / "doc.txt"
    now = time.time_ns()
    doc.write_text("The delegation supports a binding instrument.\n", encoding="utf-8")
    os.utime(doc, ns=(now, now))
    index = Index(tmp_path / "index.sqlite")
    index.refresh([str(doc)])
    doc.write_text("The delegation opposes a binding instrument!!\n", encoding="utf-8")
    os.utime(doc, ns=(now, now))  # the same second, the same size: the same stat
    assert os.stat(doc).st_ctime_ns - os.stat(doc).st_ctime_ns % 10**9 == os.stat(doc).st_ctime_ns
    update = index.refresh([str(doc)])
    assert update.indexed == 1
    assert found(index, [str(doc)], "opposes", "a", "binding") == [str(doc)]
    assert found(index, [str(doc)], "supports", "a", "binding") == []


def test_a_racy_file_is_checked_again_until_it_is_safely_old(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("Words just saved.\n", encoding="utf-8")
    index = Index(tmp_path / "index.sqlite")
    assert index.refresh([str(doc)]).indexed == 1
    second = index.refresh([str(doc)])  # saved within 2 s of being read: read again
    assert (second.indexed, second.unchanged, second.bytes) == (0, 1, len("Words just saved.\n"))
    old = time.time_ns() - 60 * 10**9
    os.utime(doc, ns=(old, old))
    index.refresh([str(doc)])  # the new stat, recorded as safely old
    assert index.stale([str(doc)]) == ([], 0)


# -- the index forgets what is gone (4.17) -------------------------------------------


def test_files_that_no_longer_exist_are_forgotten(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    a = write(tmp_path / "d" / "a.txt", "kept words\n")
    b = write(tmp_path / "d" / "sub" / "b.txt", "deleted words\n")
    c = write(tmp_path / "d" / "c.txt", "not searched this time\n")
    other = write(tmp_path / "elsewhere" / "e.txt", "another directory\n")
    index = Index(path)
    index.refresh([a, b, c, other])
    shutil.rmtree(tmp_path / "d" / "sub")
    Path(other).unlink()
    index.refresh([a])
    db = sqlite3.connect(path)
    known = sorted(row[0] for row in db.execute("SELECT path FROM files"))
    chunks = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
    texts = db.execute("SELECT count(*) FROM chunk_text").fetchone()[0]
    db.close()
    # b is gone under the searched directory; `other`, outside it, waits for its own
    assert known == sorted([a, c, other])
    assert chunks == texts == 3


def test_garbage_in_posttracks_own_cache_directory_is_a_damaged_index_rebuilt(
    cli: Callable[..., Result],
) -> None:
    # (someone else's file in someone else's directory is never touched: cachedir
    # refuses the directory; here the directory carries posttrack's CACHEDIR.TAG)
    index = cache_dir() / "index.sqlite"
    index.write_bytes(b"\x00garbage" * 1000)
    first = cli("cite", "liberal democracy", "-f", "plain")
    assert first.code in (0, 1)
    assert "it is rebuilt" in first.err
    assert "in memory" not in first.err
    header = index.read_bytes()[:100]
    assert header.startswith(b"SQLite format 3\x00")
    again = cli("cite", "liberal democracy", "-f", "plain")
    assert (again.code, again.out, again.err) == (first.code, first.out, "")
