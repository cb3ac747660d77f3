"""`cite` under attack: files that change while it runs, long quotes, hostile trees,
paths that are not text files, batches that stream. Each test is a case of the
reliability review (RELIABILITY-REVIEW.md) that once failed."""

from __future__ import annotations

import os
import random
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Result
from posttrack.errors import UsageError
from posttrack.output.records import citation_record
from posttrack.quotes import corpus
from posttrack.quotes.corpus import collect, files_to_search
from posttrack.quotes.index import Index
from posttrack.quotes.locate import quote_parts
from posttrack.quotes.normalize import normalize
from posttrack.quotes.search import (
    LONG,
    MAX_QUOTE,
    MIN_SCORE,
    SHINGLES,
    SourceFile,
    cite,
    cite_all,
    iter_citations,
)

Cli = Callable[..., Result]
QUOTE = "Ghana and formulate rules of the UN Charter of conflict"


def search(
    quotes: list[str],
    paths: list[Path],
    *,
    after_indexing: Callable[[], None] | None = None,
    report_invalid: bool = False,
) -> tuple[list[dict], list[str]]:
    """cite_all over PATHs; `after_indexing` runs once the index is up to date (the
    moment a file changed by someone else hurts most)."""
    warnings: list[str] = []

    @contextmanager
    def progress(_: int) -> Iterator[Callable[[int], None]]:
        yield lambda _: None
        if after_indexing is not None:
            after_indexing()

    found = cite_all(
        quotes,
        files_to_search(paths, None, None, warn=warnings.append),
        None,
        limit=5,
        min_score=MIN_SCORE,
        progress=progress,
        warn=warnings.append,
        report_invalid=report_invalid,
    )
    return [citation_record(cited) for cited in found], warnings


def claims_hold(record: dict, quote: str) -> None:
    """The oracle of review case 1.8: every verbatim claim's text is the quote."""
    for match in record["matches"]:
        if match["verbatim"]:
            assert normalize(match["text"]).text == " ".join(quote_parts(quote))


# --- 1.8, 1.9, F4: a file that changes while cite runs ------------------------


def test_a_file_rewritten_after_indexing_is_read_again_not_misquoted(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    original = f"Opening line.\n\n{QUOTE}.\n"
    doc.write_text(original)

    def prepend() -> None:
        doc.write_text("".join(f"Inserted preface line {n}.\n" for n in range(1, 401)) + original)

    (record,), warnings = search([QUOTE], [tmp_path], after_indexing=prepend)
    claims_hold(record, QUOTE)
    assert record["verdict"] == "verbatim"
    assert [(m["line"], m["text"]) for m in record["matches"]] == [(403, QUOTE)]
    assert warnings == []


def test_a_file_deleted_after_indexing_is_left_out_with_a_warning(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text(f"Opening line.\n\n{QUOTE}.\n")
    (tmp_path / "b.txt").write_text(f"Elsewhere: {QUOTE}.\n")
    (record,), warnings = search([QUOTE], [tmp_path], after_indexing=doc.unlink)
    assert [Path(m["path"]).name for m in record["matches"]] == ["b.txt"]
    (warning,) = warnings  # the index's words or cite's: "it no longer exists", "deleted"
    assert warning.startswith(f"{doc}: ")


def test_a_file_no_longer_utf8_after_indexing_is_left_out(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text(f"Opening line.\n\n{QUOTE}.\n")
    (record,), warnings = search(
        [QUOTE], [tmp_path], after_indexing=lambda: doc.write_bytes(b"\xff\xfe" + b"x" * 80)
    )
    assert record["verdict"] == "none"
    assert any("a.txt: skipped, not UTF-8" in w for w in warnings)


def test_the_engine_never_maps_a_hit_onto_text_it_was_not_found_in(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text(f"Opening line.\n\n{QUOTE}.\n")
    index = Index(None)
    index.refresh([str(doc)])
    files = index.file_ids([str(doc)])
    doc.write_text("Another text now, with no such sentence.\n\nNot one.\n")
    found = cite(index, files, QUOTE)
    assert (found.verdict, found.places) == ("none", [])
    assert found.changed == ((doc, "changed"),)


def test_a_byte_offset_inside_a_character_is_not_an_error(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("\ufeffé – “ü” 漢字 x\n", encoding="utf-8")
    file = SourceFile(doc)
    raw = doc.read_bytes()
    for offset in range(len(raw) + 3):
        file.char_offset(offset)  # never raises, even inside a character or past the end
    assert file.char_offset(len(raw)) == len(file.text)


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=300), st.data())
def test_char_offsets_are_those_of_the_decoded_text(text: str, data: st.DataObject) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "t.txt"
        path.write_bytes(text.encode("utf-8"))
        file = SourceFile(path)
        bom = 1 if text.startswith("\ufeff") else 0
        cut = data.draw(st.integers(0, len(text)))
        offset = len(text[:cut].encode("utf-8"))
        assert file.char_offset(offset) == max(cut - bom, 0)


def test_a_rule_at_a_chunk_edge_is_never_claimed_verbatim(tmp_path: Path) -> None:
    """A 2,000-byte run without spaces is cut mid-run: `\\` ends one chunk and `_` starts
    the next. Alone, the `\\` is kept; in the whole text it escapes the `_` and goes, so
    the words after it are glued to the run: not the quote word for word."""
    doc = tmp_path / "a.txt"
    doc.write_text("Q" * 1999 + "\\_tail words here and more\n")
    index = Index(None)
    index.refresh([str(doc)])
    found = cite(index, index.file_ids([str(doc)]), "tail words here and more")
    assert not any(p.verbatim for p in found.places)


# --- 7.6, F6: a verbatim quote of several paragraphs --------------------------


def paragraphs(count: int, seed: int = 4) -> list[str]:
    rng = random.Random(seed)
    words = [
        "states",
        "norms",
        "cyberspace",
        "binding",
        "capacity",
        "dialogue",
        "security",
        "peace",
        "law",
        "treaty",
    ]
    return [" ".join(rng.choice(words) for _ in range(100)) + "." for _ in range(count)]


@pytest.mark.parametrize("count", [4, 5])
def test_a_quote_of_several_paragraphs_is_found_verbatim(tmp_path: Path, count: int) -> None:
    paras = paragraphs(10)
    (tmp_path / "doc.txt").write_text("\n\n".join(paras) + "\n")
    quote = " ".join(paras[1 : 1 + count])
    assert len(quote) < MAX_QUOTE
    (record,), _ = search([quote], [tmp_path])
    assert record["verdict"] == "verbatim"
    assert [(m["line"], m["end_line"]) for m in record["matches"]] == [(3, 3 + 2 * (count - 1))]


def test_a_long_quote_with_typos_is_close_where_it_is(tmp_path: Path) -> None:
    paras = paragraphs(10)
    (tmp_path / "doc.txt").write_text("\n\n".join(paras) + "\n")
    text = " ".join(paras[1:6])
    letters = list(text)
    # typos as differences reads them: one slip in a word of four letters or more, never
    # its first letter (a changed first letter makes another word)
    inside = [m.start() + 1 + random.Random(m.start()).randrange(len(m[0]) - 1)
              for m in re.finditer(r"[a-z]{4,}", text)]  # fmt: skip
    for at in random.Random(2).sample(inside, 60):
        letters[at] = "x" if letters[at] != "x" else "z"
    (record,), _ = search(["".join(letters)], [tmp_path])
    assert record["verdict"] == "close"
    assert not any(d["meaning"] for d in record["matches"][0]["differences"])
    assert len(record["matches"][0]["differences"]) >= 50  # every slip is still listed
    assert [(m["line"], m["end_line"]) for m in record["matches"]] == [(3, 11)]
    assert record["matches"][0]["score"] >= 95


# --- 7.4, F23: long quotes cost seconds, not minutes ---------------------------


def test_a_long_quote_asks_bounded_questions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the time went: a query of every 3-word run, and rapidfuzz's character
    alignment of the whole quote (its cost grows with the cube of the length) in each of
    100 windows. Neither may happen for a long quote; it is still found."""
    from rapidfuzz import fuzz

    paras = paragraphs(40, seed=9)
    for n in range(4):
        (tmp_path / f"f{n}.txt").write_text("\n\n".join(paras[n * 10 : n * 10 + 10]) + "\n")
    absent = " ".join(paragraphs(3, seed=10))[:2500]
    typos = " ".join(paras[12:15]).replace("law", "lwa")
    needles: list[int] = []
    runs: list[int] = []
    align, query = fuzz.partial_ratio_alignment, Index.search

    def counted_align(needle: object, *args: object, **kwargs: object) -> object:
        if isinstance(needle, str):
            needles.append(len(needle))
        return align(needle, *args, **kwargs)  # type: ignore[arg-type]

    def counted_search(self: Index, expression: str, *args: object) -> list[int]:
        runs.append(sum(len(p.split()) == 3 for p in expression.split(" OR ")))
        return query(self, expression, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(fuzz, "partial_ratio_alignment", counted_align)
    monkeypatch.setattr(Index, "search", counted_search)
    (missing, close), _ = search([absent, typos], [tmp_path])
    assert missing["verdict"] == "none"
    assert close["verdict"] == "close"
    assert [(Path(m["path"]).name, m["line"]) for m in close["matches"]][:1] == [("f1.txt", 5)]
    assert max(needles, default=0) <= LONG
    assert max(runs) <= SHINGLES


# --- 3.1-3.3, 3.14, 3.17, 3.20, 3.21: hostile trees and paths -----------------


def test_symlink_loops_in_a_tree_are_skipped_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("a legally binding instrument\n")
    (tmp_path / "self").symlink_to(".")
    (tmp_path / "up").symlink_to("..")
    (tmp_path / "a.txt").symlink_to("b")
    (tmp_path / "b").symlink_to("a.txt")
    warnings: list[str] = []
    assert collect([tmp_path], warnings.append) == [str(tmp_path / "ok.txt")]
    shown = sorted(w.rsplit("/", 1)[-1] for w in warnings)
    assert shown == [
        "a.txt: skipped, a symlink loop",
        "b: skipped, a symlink loop",
        "self: skipped, a symlink loop",
        "up: skipped, a symlink loop",
    ]


def test_a_tree_thousands_of_levels_deep_is_searched(tmp_path: Path) -> None:
    deepest = tmp_path.joinpath(*["d"] * 1200)
    try:
        for depth in range(1, 1201):  # (Path.mkdir(parents=True) recurses)
            tmp_path.joinpath(*["d"] * depth).mkdir()
        (deepest / "x.txt").write_text("a legally binding instrument\n")
        assert collect([tmp_path]) == [str(deepest / "x.txt")]
    finally:  # pytest's own clean-up recurses too: lift the tree up a level at a time
        top = tmp_path / "d"
        while (top / "d").exists():
            (top / "d").rename(tmp_path / "next")
            top.rmdir()
            (tmp_path / "next").rename(top)


def test_an_unreadable_directory_is_skipped_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.txt").write_text("hidden\n")
    (tmp_path / "ok.txt").write_text("a legally binding instrument\n")
    scandir = os.scandir

    def denied(path: str) -> object:  # what a non-root user meets in a chmod 000 directory
        if path.endswith("locked"):
            raise PermissionError(13, "Permission denied", path)
        return scandir(path)

    monkeypatch.setattr(os, "scandir", denied)
    warnings: list[str] = []
    assert collect([tmp_path], warnings.append) == [str(tmp_path / "ok.txt")]
    assert warnings == [f"{tmp_path / 'locked'}: skipped, permission denied"]


def test_a_broken_symlink_to_a_text_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("text\n")
    (tmp_path / "gone.txt").symlink_to("nowhere.txt")
    (tmp_path / "gone.pdf").symlink_to("nowhere.pdf")
    warnings: list[str] = []
    assert collect([tmp_path], warnings.append) == [str(tmp_path / "ok.txt")]
    assert warnings == [f"{tmp_path / 'gone.txt'}: skipped, a broken symlink"]


def test_a_file_name_that_is_not_utf8_is_listed(tmp_path: Path) -> None:
    bad = os.fsdecode(b"bad\xff\xfename.txt")
    (tmp_path / bad).write_text("other text\n")
    (tmp_path / "ok.txt").write_text("a legally binding instrument\n")
    assert collect([tmp_path]) == [str(tmp_path / bad), str(tmp_path / "ok.txt")]


def test_one_file_reached_through_symlinks_is_one_place(tmp_path: Path) -> None:
    quote = "a legally binding instrument is needed now"
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.txt").write_text(quote + "\n")
    (tmp_path / "alias").symlink_to("sub")
    (tmp_path / "y.txt").symlink_to("sub/x.txt")
    (tmp_path / "hard.txt").hardlink_to(tmp_path / "sub" / "x.txt")
    assert collect([tmp_path]) == [str(tmp_path / "alias" / "x.txt")]
    assert collect([tmp_path / "y.txt", tmp_path]) == [str(tmp_path / "sub" / "x.txt")]
    (record,), _ = search([quote], [tmp_path, tmp_path / "sub"])
    assert len(record["matches"]) == 1


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (os.mkfifo, "is a FIFO, not a text file"),
        (lambda p: p.symlink_to(p), "is a symlink loop, not a text file"),
        (lambda p: p.symlink_to("/dev/zero"), "is a character device, not a text file"),
        (lambda p: p.symlink_to(p.parent / "nowhere"), "is a broken symlink"),
    ],
    ids=["fifo", "loop", "device", "broken"],
)
def test_a_path_given_that_is_no_text_file_says_what_it_is(
    cli: Cli, tmp_path: Path, make: Callable[[Path], None], message: str
) -> None:
    path = tmp_path / "p.txt"
    make(path)
    result = cli("cite", "anything at all", str(path))
    assert (result.code, result.out, result.err) == (
        2,
        "",
        f"posttrack: error: '{path}' {message}\n",
    )


# --- 7.7: a batch streams, and a bad line is one result ----------------------


def test_results_come_one_quote_at_a_time(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"{QUOTE}.\n")
    asked: list[str] = []

    def quotes() -> Iterator[str]:
        for quote in (QUOTE, "rules of the UN Charter", "nothing like this anywhere"):
            asked.append(quote)
            yield quote

    @contextmanager
    def progress(_: int) -> Iterator[Callable[[int], None]]:
        yield lambda _: None

    results = iter_citations(
        quotes(),
        files_to_search([tmp_path], None, None),
        None,
        limit=5,
        min_score=MIN_SCORE,
        progress=progress,
        warn=lambda _: None,
    )
    assert next(results).verdict == "verbatim"
    assert asked == [QUOTE]  # written before the next quote is even read
    assert [r.verdict for r in results] == ["verbatim", "none"]


def test_an_invalid_quote_in_a_batch_is_one_result_saying_why(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"{QUOTE}.\n")
    huge = "word " * 1200
    records, _ = search([QUOTE, huge, " “…” ", QUOTE], [tmp_path], report_invalid=True)
    assert [r["verdict"] for r in records] == ["verbatim", "none", "none", "verbatim"]
    assert records[1] == {
        "query": huge,
        "verdict": "none",
        "matches": [],
        "nearest": [],
        "related": [],
        "reason": "the quote is 6,000 characters, over the 5,000-character limit",
    }
    assert records[2]["reason"] == "the quote is empty: it has no words to look for"
    assert "reason" not in records[0]
    with pytest.raises(UsageError, match="the quote is 6,000 characters; cite takes at most"):
        search([QUOTE, huge], [tmp_path])


# --- 7: the index's notes; 8: no assert for control flow ----------------------


def test_the_index_notes_reach_the_user_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_text(f"{QUOTE}.\n")
    refresh = Index.refresh

    def noting(self: Index, *args: object, **kwargs: object) -> object:
        self.notes.append("the index was rebuilt")
        return refresh(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Index, "refresh", noting)
    _, warnings = search([QUOTE, QUOTE], [tmp_path])
    assert warnings == ["the index was rebuilt"]


def test_files_to_search_without_paths_or_dataset_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="needs PATHs or a dataset"):
        corpus.files_to_search(None, None, None)
