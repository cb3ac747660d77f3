"""The on-disk index: chunks, incremental refresh, atomicity, recovery."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from posttrack.quotes.index import CHUNK_BYTES, Index, Update, chunk_bounds, phrase, words


def test_chunks_are_paragraphs_and_long_ones_are_cut_at_line_ends() -> None:
    data = b"one\ntwo\n\n\nthree\n  \nfour"
    assert [data[s:e] for s, e in chunk_bounds(data)] == [b"one\ntwo", b"three", b"four"]
    long = b"\n".join([b"x" * 50] * 100)
    pieces = [long[s:e] for s, e in chunk_bounds(long)]
    assert all(len(p) <= CHUNK_BYTES for p in pieces)
    assert b"".join(pieces) == long


def test_a_long_line_is_never_cut_inside_a_character() -> None:
    data = "é" * 3000
    for start, end in chunk_bounds(data.encode()):
        data.encode()[start:end].decode("utf-8")  # raises if a character was split


def write(path: Path, text: str) -> str:
    """A file as if saved a minute ago: not racy, so it is read only when it changes."""
    path.write_text(text, encoding="utf-8")
    past = time.time_ns() - 60 * 10**9
    os.utime(path, ns=(past, past))
    return str(path.resolve())


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    reads: list[str] = []
    original = Index._read

    def counting(self: Index, file: str, update: Update) -> object:
        reads.append(file)
        return original(self, file, update)

    monkeypatch.setattr(Index, "_read", counting)
    return reads


def test_only_what_changed_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = write(tmp_path / "a.txt", "Alpha words here.\n")
    b = write(tmp_path / "b.txt", "Beta words here.\n")
    reads = count_reads(monkeypatch)
    index = Index(tmp_path / "index.sqlite")
    first = index.refresh([a, b])
    assert (first.indexed, first.unchanged) == (2, 0)
    again = index.refresh([a, b])
    assert (again.indexed, again.unchanged, again.bytes) == (0, 2, 0)
    assert reads == [a, b]
    write(Path(b), "Beta words changed.\n")
    third = index.refresh([a, b])
    assert (third.indexed, third.unchanged) == (1, 1)
    assert reads == [a, b, b]
    ids = index.file_ids([a, b])
    assert index.search(phrase(["beta", "words", "changed"]), list(ids), 10)
    assert not index.search(phrase(["beta", "words", "here"]), list(ids), 10)


def test_a_change_that_keeps_size_and_mtime_is_still_noticed(tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", "first version\n")
    index = Index(tmp_path / "index.sqlite")
    index.refresh([a])
    stat = os.stat(a)
    write(Path(a), "other version\n")  # same size
    os.utime(a, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same mtime: only ctime tells
    assert index.refresh([a]).indexed == 1
    assert index.search(phrase(["other", "version"]), list(index.file_ids([a])), 10)


def test_the_index_persists_across_processes(tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", "persistent words\n")
    Index(tmp_path / "index.sqlite").refresh([a])
    reopened = Index(tmp_path / "index.sqlite")
    assert reopened.refresh([a]).unchanged == 1


def test_an_interrupted_build_leaves_a_consistent_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [write(tmp_path / f"{n}.txt", f"document {n} words\n") for n in range(3)]
    index = Index(tmp_path / "index.sqlite")

    def interrupted(text: str, **_: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr("posttrack.quotes.index.normalize_fast", interrupted)
    with pytest.raises(KeyboardInterrupt):
        index.refresh(files)
    index.close()
    monkeypatch.undo()
    db = sqlite3.connect(tmp_path / "index.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()
    again = Index(tmp_path / "index.sqlite")
    assert again.refresh(files).indexed == 3


def test_a_corrupt_index_of_posttracks_own_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    a = write(tmp_path / "a.txt", "words to find\n")
    Index(path).close()
    with open(path, "r+b") as handle:  # the header (and its mark) intact, the rest garbage
        handle.seek(100)
        handle.write(b"this is not a database" * 100)
    index = Index(path)
    assert index.refresh([a]).indexed == 1
    assert index.search(phrase(["words", "to", "find"]), list(index.file_ids([a])), 10)


def test_a_file_that_is_not_utf8_is_reported_and_skipped(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9\n")
    good = write(tmp_path / "good.txt", "fine words\n")
    index = Index(None)
    update = index.refresh([str(bad.resolve()), good])
    assert update.failed == [(str(bad.resolve()), "not UTF-8 (byte 3)")]
    assert list(index.file_ids([str(bad.resolve()), good]).values()) == [good]


def test_words_are_what_fts_sees() -> None:
    assert words("the un’s role, 2021-2025 a_b") == [
        "the",
        "un",
        "s",
        "role",
        "2021",
        "2025",
        "a",
        "b",
    ]


def test_file_ids_know_the_files_just_indexed_and_forget_the_pruned(tmp_path: Path) -> None:
    """file_ids() answers from what stale() read while nothing is written; a refresh that
    writes (a new file, a changed one, a prune) makes it read the index again."""
    (tmp_path / "d").mkdir()
    a = write(tmp_path / "d" / "a.txt", "alpha words\n")
    index = Index(tmp_path / "index.sqlite")
    index.refresh([a])
    b = write(tmp_path / "d" / "b.txt", "beta words\n")
    stale, _ = index.stale([a, b])
    assert stale == [b]
    index.refresh([a, b], stale=stale)
    ids = index.file_ids([a, b])
    assert sorted(ids.values()) == [a, b]
    assert index.search(phrase(["beta", "words"]), list(ids), 10)
    Path(a).unlink()
    index.refresh([b], stale=index.stale([b])[0])  # a, gone, is pruned
    assert list(index.file_ids([a, b]).values()) == [b]
    other = Index(tmp_path / "index.sqlite")  # what another process sees is the same
    assert other.file_ids([a, b]) == index.file_ids([a, b])


def test_a_word_broken_at_a_line_end_is_one_word_as_fts_sees_it(tmp_path: Path) -> None:
    """normalize joins `inter-\\nnational` with BREAK, which FTS5 folds away: words()
    must give the one word the index holds, or a phrase built from it finds nothing."""
    from posttrack.quotes.normalize import normalize_fast

    a = write(tmp_path / "a.txt", "the applicable inter-\nnational law\n")
    index = Index(None)
    index.refresh([a])
    pasted = words(normalize_fast("applicable inter-\nnational law"))
    assert pasted == ["applicable", "international", "law"]
    assert index.search(phrase(pasted), list(index.file_ids([a])), 10)
