"""`Index.related`: passages close in meaning, by word stems, kept in step with the index."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from posttrack.quotes.index import Index, content_words

SOURCES = Path(__file__).resolve().parent.parent / "data" / "sources"
WP = "2020-oewg-working-paper.txt"
AKRAM = "2021-12-13-akram-oewg-statement.txt"
ISSI = "2023-10-11-issi-brief.txt"
JADOON = "2024-07-11-jadoon-unidir-press-release.txt"
PREDRAFT = "2020-oewg-predraft-inputs.txt"

# paraphrases written for this test, each of one passage of a shipped source (file, line)
PARAPHRASES = [
    (
        "until there is an agreed understanding, countries ought not to put their own "
        "reading on how international law applies",
        WP,
        44,
    ),
    (
        "Digital technologies have remade every part of national and world economies; they "
        "drive growth, but their advantages come with dangers",
        WP,
        10,
    ),
    (
        "Because they are dual-use, several countries build ICT capabilities for military "
        "ends, which makes future wars between states more probable",
        WP,
        21,
    ),
    (
        "Cyber attacks on a country's vital infrastructure do the most harm, threatening "
        "national security and people's livelihoods",
        WP,
        22,
    ),
    (
        "Hoarding software vulnerabilities, and autonomous cyber operations that can "
        "impersonate networks, further weaken security",
        WP,
        26,
    ),
    (
        "Cyber warfare is now a new field of war, from information warfare to real attacks "
        "by states and non-state groups",
        AKRAM,
        35,
    ),
    (
        "Disinformation spreading on social media makes hate speech, racism and Islamophobia worse",
        AKRAM,
        41,
    ),
    (
        "The Charter plainly upholds sovereignty, territorial integrity and non-interference "
        "in other states' internal affairs, which should guide how cyberspace is governed",
        AKRAM,
        53,
    ),
    (
        "Pakistan thinks a legally binding treaty designed for ICTs is needed, a regulatory "
        "framework bringing stability and safety to cyberspace",
        AKRAM,
        59,
    ),
    (
        "Pakistan backs the eleven voluntary norms and new ones too, but holds that they help "
        "only in peacetime and lose their force in an armed conflict",
        ISSI,
        32,
    ),
    (
        "Pakistan has consistently favoured confidence-building measures and supports a "
        "worldwide directory of points of contact to build trust and manage crises",
        ISSI,
        57,
    ),
    (
        "The report wants capacity building that is affordable and sustainable, with "
        "short-term initiatives for urgent threats and long-term ones like triangular "
        "cooperation",
        ISSI,
        61,
    ),
    (
        "The ambassador said Pakistan regards cyberspace as humanity's common heritage and "
        "stressed what ICTs do for socio-economic development",
        JADOON,
        16,
    ),
    (
        "Jadoon recognised that humanitarian law is hard to apply in cyberspace and said its "
        "framework has to change to keep distinction, proportionality and precaution",
        JADOON,
        28,
    ),
    (
        "Attributing cyber attacks is especially hard given the internet's anonymity, and "
        "states' lack of capacity building holds back applying international law",
        JADOON,
        30,
    ),
    (
        "He asked for fair, non-discriminatory access to cyber technologies so that "
        "cyberspace is safe and stable",
        JADOON,
        32,
    ),
    (
        "Numerous delegations, Pakistan among them, stressed putting into operation the "
        "rules and norms the General Assembly had already endorsed",
        PREDRAFT,
        28,
    ),
]


@pytest.fixture(scope="module")
def shipped() -> tuple[Index, dict[int, str]]:
    files = sorted(str(p.resolve()) for p in SOURCES.glob("*.txt"))
    index = Index(None)
    index.refresh(files)
    return index, index.file_ids(files)


def _top(index: Index, ids: dict[int, str], text: str, n: int = 3) -> list[tuple[str, int, int]]:
    """(file name, first byte, end byte) of the `related` top n."""
    found = []
    for chunk_id in index.related(text, list(ids), n):
        (chunk,) = index.window(chunk_id, 0)
        found.append((Path(ids[chunk.file_id]).name, chunk.byte_start, chunk.byte_end))
    return found


def _holds(place: tuple[str, int, int], name: str, line: int) -> bool:
    data = (SOURCES / name).read_bytes()
    at = sum(len(row) for row in data.splitlines(keepends=True)[: line - 1])
    return place[0] == name and place[1] <= at < place[2]


def test_a_paraphrase_brings_back_the_passage_it_paraphrases(
    shipped: tuple[Index, dict[int, str]],
) -> None:
    index, ids = shipped
    text, name, line = PARAPHRASES[0]
    assert any(_holds(place, name, line) for place in _top(index, ids, text))


def test_most_paraphrases_find_their_passage_in_the_top_three(
    shipped: tuple[Index, dict[int, str]],
) -> None:
    index, ids = shipped
    found = [
        any(_holds(place, name, line) for place in _top(index, ids, text))
        for text, name, line in PARAPHRASES
    ]
    # a floor, not a target: the share found is reported in the bench note
    assert sum(found) >= 0.8 * len(PARAPHRASES), found


def test_words_count_by_their_stem(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.txt", "The delegations were negotiating binding instruments.\n")
    b = _write(tmp_path / "b.txt", "Weather and tides, nothing else here.\n")
    index = Index(tmp_path / "index.sqlite")
    index.refresh([a, b])
    ids = index.file_ids([a, b])
    (hit,) = index.related("a delegation negotiated a binding instrument", list(ids), 5)
    assert ids[index.window(hit, 0)[0].file_id] == a


def test_stop_words_alone_ask_for_nothing(shipped: tuple[Index, dict[int, str]]) -> None:
    index, ids = shipped
    assert content_words("it is not what they should have been") == ["not"]
    assert index.related("it is what they should have been", list(ids), 3) == []


@pytest.mark.parametrize(
    "text",
    ['law" OR "x', "NEAR(law applies)", "law* AND -applies", "col:law ^law", "'; DROP TABLE law"],
)
def test_query_syntax_in_the_text_is_only_words(
    shipped: tuple[Index, dict[int, str]], text: str
) -> None:
    index, ids = shipped
    assert index.related(text, list(ids), 3)  # no FTS5 syntax error: words are found


def _write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    past = time.time_ns() - 60 * 10**9
    os.utime(path, ns=(past, past))
    return str(path.resolve())


def _stems(index: Index, word: str) -> list[int]:
    rows = index.db.execute("SELECT rowid FROM chunk_stem WHERE chunk_stem MATCH ?", (word,))
    return sorted(row[0] for row in rows)


def test_the_stem_index_follows_every_change(tmp_path: Path) -> None:
    """A changed file's old words and a deleted file's words leave the stem index; what
    it holds is what a fresh index of the same files holds."""
    (tmp_path / "d").mkdir()
    a = _write(tmp_path / "d" / "a.txt", "Sovereignty matters.\n\nDisarmament talks.\n")
    b = _write(tmp_path / "d" / "b.txt", "Sovereignty again.\n")
    index = Index(tmp_path / "index.sqlite")
    index.refresh([a, b])
    _write(Path(a), "Oceans and rivers.\n")
    Path(b).unlink()
    index.refresh([a])  # a is read again; b, gone, is pruned
    assert _stems(index, "sovereignty") == []
    assert _stems(index, "disarmament") == []
    assert _stems(index, "ocean") == [c for (c,) in index.db.execute("SELECT id FROM chunks")]
    index.db.execute("INSERT INTO chunk_stem(chunk_stem, rank) VALUES ('integrity-check', 1)")
    ids = index.file_ids([a])
    assert index.related("rivers", list(ids), 3) != []
    assert index.related("sovereign disarmament", list(ids), 3) == []


def test_an_index_of_the_last_format_is_rebuilt_with_stems(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    a = _write(tmp_path / "a.txt", "Confidence-building measures.\n")
    Index(path).refresh([a])
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value='4' WHERE key='format'")
    db.execute("DROP TABLE chunk_stem")
    db.commit()
    db.close()
    index = Index(path)
    index.refresh([a])
    assert index.related("confidence building measure", list(index.file_ids([a])), 3)


def test_only_the_files_asked_for_are_ranked(tmp_path: Path) -> None:
    """With (nearly) all the index's files asked for, results outside them are left out,
    and when that could hide a better one beyond the limit, the files are joined."""
    files = [
        _write(tmp_path / f"f{i:02d}.txt", "cyber norms " * (20 if i == 0 else 1) + f"n{i}\n")
        for i in range(20)
    ]
    index = Index(tmp_path / "index.sqlite")
    index.refresh(files)
    ids = index.file_ids(files)
    best = next(i for i, path in ids.items() if path == files[0])
    others = [i for i in ids if i != best]
    for ask in (index.search, index.related):
        found = ask("cyber norms", others, 1)
        assert len(found) == 1
        assert index.window(found[0], 0)[0].file_id in others
        assert ask("cyber norms", list(ids), 1) != found
        few = ask("cyber norms", others[:2], 5)
        assert {index.window(c, 0)[0].file_id for c in few} == set(others[:2])
