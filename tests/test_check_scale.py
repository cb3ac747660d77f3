"""`check` after an edit of positions.yaml: each unchanged source's normalised form
and its quotes' places come from the cache (dataset/sourcecache.py), and never for a
source whose text changed, even within its timestamps' granularity. A damaged or
crafted entry only costs time. (How much time it saves is bench/dataset_scale.py's.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import rewrite
from posttrack.dataset import cache as copy_cache
from posttrack.dataset import snapshot, sourcecache
from posttrack.dataset.load import load_dataset
from posttrack.quotes import locate, verify

Copy = Callable[..., Path]
ALPHA = "alpha-paper"


class Work:
    """What the run worked out from scratch: each text normalised, each quote looked for."""

    def __init__(self) -> None:
        self.normalised: list[str] = []
        self.looked_for: list[str] = []

    def clear(self) -> None:
        self.normalised.clear()
        self.looked_for.clear()


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> Work:
    seen = Work()
    normalize, find_exact = verify.normalize, locate.find_exact

    def normalising(text: str, **options: Any) -> Any:
        if options.get("markup", True):  # a source's text (a quote's is read as plain text)
            seen.normalised.append(text)
        return normalize(text, **options)

    def looking(source: Any, quote: str) -> Any:
        seen.looked_for.append(quote)
        return find_exact(source, quote)

    monkeypatch.setattr(verify, "normalize", normalising)
    monkeypatch.setattr(locate, "normalize", normalising)  # a text read without the cache
    monkeypatch.setattr(locate, "find_exact", looking)  # every quote, through SourceText.places
    return seen


@pytest.fixture
def cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("POSTTRACK_CACHE", str(where))
    return where


def _checked(data: Path) -> snapshot.Snapshot:
    """check's load, compared with a verification from the files alone (which works
    everything out: look at `Work` before)."""
    loaded = snapshot.load(data, check=True)
    fresh = verify.verify(load_dataset(data))
    assert loaded.problems == fresh.problems
    assert loaded.places == fresh.places
    return loaded


def _entry(cache: Path, data: Path, source: str = ALPHA) -> Path:
    path = str((data / "sources" / f"{source}.txt").resolve())
    return cache / "sources" / f"{zlib.crc32(path.encode()):08x}.source"


def _split(entry: Path) -> tuple[dict[str, Any], bytes]:
    """An entry's header and its packed normalised form; its checksum must hold."""
    raw = entry.read_bytes()
    assert raw[:8] == b"%08x" % zlib.crc32(raw[9:])
    head, _, packed = raw[9:].partition(b"\n")
    return json.loads(head), packed


def _join(entry: Path, head: dict[str, Any], packed: bytes) -> None:
    """Write an entry with a valid checksum: a crafted one, not a damaged one."""
    rest = json.dumps(head).encode() + b"\n" + packed
    entry.write_bytes(b"%08x\n" % zlib.crc32(rest) + rest)


def _an_hour_ago(*paths: Path) -> None:
    then = time.time() - 3600
    for path in paths:
        os.utime(path, (then, then))


def _settled(data: Path) -> None:
    """Every file of the dataset old enough to be trusted by its timestamps."""
    _an_hour_ago(data / "positions.yaml", *(data / "sources").iterdir())


# -- what an edit of positions.yaml works out again ---------------------------------


def test_an_edit_of_positions_yaml_normalises_no_source_again(
    dataset_copy: Copy, work: Work
) -> None:
    data = dataset_copy()
    snapshot.load(data, check=True)
    assert len(work.normalised) == 2  # both sources, the first time
    assert len(work.looked_for) == 5  # and every quote
    work.clear()
    rewrite(data, "summary: Wants binding rules.", "summary: Wants binding rules, still.")
    loaded = snapshot.load(data, check=True)  # parsed and validated again
    assert (work.normalised, work.looked_for) == ([], [])
    assert next(p.summary for p in loaded.dataset.positions) == "Wants binding rules, still."
    _checked(data)


def test_an_edited_quote_is_looked_for_in_the_stored_normalised_form(
    dataset_copy: Copy, work: Work
) -> None:
    data = dataset_copy()
    snapshot.load(data, check=True)
    work.clear()
    rewrite(data, "text: Alpha supports voluntary norms of behaviour.", "text: voluntary norms")
    loaded = snapshot.load(data, check=True)
    assert (work.normalised, work.looked_for) == ([], ["voluntary norms"])
    (quote,) = [q for q in loaded.places if q.text == "voluntary norms"]
    assert loaded.lines[quote] == 8
    work.clear()
    rewrite(data, "text: voluntary norms", "text: involuntary norms")
    loaded = snapshot.load(data, check=True)
    assert work.normalised == []  # the closest passage is found in the stored form too
    assert [p.message.split(";")[0] for p in loaded.problems or []] == [
        "quote not found in 'alpha-paper'"
    ]
    _checked(data)


def test_two_sources_on_one_file_share_its_entry(dataset_copy: Copy, work: Work) -> None:
    data = dataset_copy()
    again = (
        "  - id: alpha-again\n    title: Alpha Working Paper, again\n"
        '    issued: "2020?"\n    kind: working-paper\n    voice: primary\n'
        "    author: Alpha\n    path: sources/alpha-paper.txt\n"
    )
    rewrite(data, "  - id: beta-statement\n", again + "  - id: beta-statement\n")
    for summary in ("Wants them.", "Wants binding rules."):
        snapshot.load(data, check=True)
        rewrite(data, "summary: Wants", f"summary: {summary} Wants")
    work.clear()
    snapshot.load(data, check=True)
    assert (work.normalised, work.looked_for) == ([], [])
    _checked(data)


# -- a changed source is read again -----------------------------------------------


def test_a_changed_source_is_normalised_again(dataset_copy: Copy, work: Work) -> None:
    data = dataset_copy()
    paper = data / "sources" / "alpha-paper.txt"
    before = snapshot.load(data, check=True)
    in_alpha = {q for p in before.dataset.positions if p.source == ALPHA for q in p.quotes}
    work.clear()
    text = paper.read_text(encoding="utf-8")
    paper.write_text("\n\n" + text.replace("voluntary norms", "reluctant norms"), "utf-8")
    after = snapshot.load(data, check=True)
    assert work.normalised == [paper.read_text(encoding="utf-8")]  # alpha's alone
    missing = [q.text for q, line in after.lines.items() if line is None]
    assert missing == ["Alpha supports voluntary norms of behaviour."]
    for quote, line in before.lines.items():
        if quote.text not in missing:
            assert line is not None
            assert after.lines[quote] == (line + 2 if quote in in_alpha else line)
    _checked(data)


@pytest.mark.usefixtures("coarse")
def test_an_old_source_changed_is_known_by_its_signature(
    dataset_copy: Copy, work: Work, cache: Path
) -> None:
    data = dataset_copy()
    paper = data / "sources" / "alpha-paper.txt"
    _settled(data)
    snapshot.load(data, check=True)
    assert _split(_entry(cache, data))[0]["digest"] is None  # trusted by its timestamps
    text = paper.read_text(encoding="utf-8")
    paper.write_text("\n\n" + text.replace("voluntary norms", "reluctant norms"), "utf-8")
    work.clear()
    loaded = snapshot.load(data, check=True)
    assert work.normalised == [paper.read_text(encoding="utf-8")]
    assert any("quote not found in 'alpha-paper'" in p.message for p in loaded.problems or [])
    _checked(data)


@pytest.mark.usefixtures("coarse")
def test_a_source_saved_while_it_is_looked_at_is_normalised_again(
    dataset_copy: Copy, work: Work, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = dataset_copy()
    paper = data / "sources" / "alpha-paper.txt"
    _settled(data)
    snapshot.load(data, check=True)
    text = paper.read_text(encoding="utf-8")
    read_text = sourcecache.read_text

    def saved_meanwhile(path: Path, *args: Any) -> str:
        if path == paper.resolve():  # saved after its signature was taken, before it is read
            paper.write_text("\n\n" + text.replace("voluntary", "reluctant"), "utf-8")
        return read_text(path, *args)

    monkeypatch.setattr(sourcecache, "read_text", saved_meanwhile)
    rewrite(data, "summary: Wants binding rules.", "summary: Wants them.")
    work.clear()
    loaded = snapshot.load(data, check=True)
    assert paper.read_text(encoding="utf-8") in work.normalised
    assert any("quote not found in 'alpha-paper'" in p.message for p in loaded.problems or [])
    monkeypatch.undo()
    _checked(data)


@pytest.mark.usefixtures("coarse")
def test_a_same_size_edit_of_a_source_in_the_same_tick_is_normalised_again(
    dataset_copy: Copy, work: Work, cache: Path
) -> None:
    data = dataset_copy()
    paper = data / "sources" / "alpha-paper.txt"
    now = time.time_ns()
    os.utime(paper, ns=(now, now))  # just saved: too recent to trust its timestamps
    _checked(data)
    rewrite(data, "summary: Wants binding rules.", "summary: Wants them.")
    work.clear()
    snapshot.load(data, check=True)
    assert work.normalised == []  # compared by content, unchanged: the stored form serves
    head, _ = _split(_entry(cache, data))
    assert head["digest"] is not None
    text = paper.read_text(encoding="utf-8")
    same = os.stat(paper)
    paper.write_text(text.replace("voluntary", "reluctant"), encoding="utf-8")
    os.utime(paper, ns=(same.st_atime_ns, same.st_mtime_ns))
    assert os.stat(paper)[6:] == same[6:]  # the same size and timestamps
    assert os.stat(paper).st_ino == same.st_ino
    rewrite(data, "summary: Wants them.", "summary: Wants binding rules.")
    work.clear()
    loaded = snapshot.load(data, check=True)
    assert paper.read_text(encoding="utf-8") in work.normalised
    assert any("quote not found in 'alpha-paper'" in p.message for p in loaded.problems or [])
    _checked(data)


@pytest.mark.usefixtures("coarse")
def test_an_entry_compared_by_content_is_trusted_once_old_enough(
    dataset_copy: Copy, work: Work, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = dataset_copy()
    paper = data / "sources" / "alpha-paper.txt"
    now = time.time_ns()
    os.utime(paper, ns=(now, now))
    snapshot.load(data, check=True)
    assert _split(_entry(cache, data))[0]["digest"] is not None
    real = time.time_ns
    monkeypatch.setattr(time, "time_ns", lambda: real() + 10_000_000_000)  # 10 s later
    rewrite(data, "summary: Wants binding rules.", "summary: Wants them.")
    work.clear()
    snapshot.load(data, check=True)
    assert work.normalised == []
    assert _split(_entry(cache, data))[0]["digest"] is None  # its timestamps say it all


# -- a damaged or crafted entry only costs time -----------------------------------


def _truncated(entry: Path) -> None:
    entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])


def _flipped(entry: Path) -> None:
    raw = bytearray(entry.read_bytes())
    raw[-3] ^= 0xFF
    entry.write_bytes(bytes(raw))


def _garbage(entry: Path) -> None:
    entry.write_bytes(b"\x00\xffnot an entry\n{")


def _places_outside_the_text(entry: Path) -> None:
    head, packed = _split(entry)
    head["places"] = {quote: [[1, 10**6, 10**6 + 5]] for quote in head["places"]}
    _join(entry, head, packed)


def _places_past_the_last_line(entry: Path) -> None:
    head, packed = _split(entry)
    head["places"] = {quote: [[10**6, 0, 5]] for quote in head["places"]}
    _join(entry, head, packed)


def _places_of_another_shape(entry: Path) -> None:
    head, packed = _split(entry)
    head["places"] = {quote: [[True, "1", None]] for quote in head["places"]}
    _join(entry, head, packed)


def _a_form_that_does_not_decode(entry: Path) -> None:
    head, _ = _split(entry)
    head["places"] = {}  # every quote is looked for, in the stored form
    _join(entry, head, zlib.compress(b"\x00" * 40))


def _a_form_of_another_length(entry: Path) -> None:
    head, packed = _split(entry)
    head["places"] = {}
    head["normalized"] = [head["normalized"][0] + 1, head["normalized"][1] + 1]
    _join(entry, head, packed)


def _a_form_past_the_text(entry: Path) -> None:
    head, packed = _split(entry)
    head["places"] = {}
    data = bytearray(zlib.decompress(packed))
    data[-4:] = (10**6).to_bytes(4, sys.byteorder)  # the last character a million long
    _join(entry, head, zlib.compress(bytes(data)))


def _a_form_with_an_empty_character(entry: Path) -> None:
    head, packed = _split(entry)
    head["places"] = {}
    data = bytearray(zlib.decompress(packed))
    data[-4:] = bytes(4)  # the last character stands for no original one
    _join(entry, head, zlib.compress(bytes(data)))


def _a_form_going_backwards(entry: Path) -> None:
    head, packed = _split(entry)
    head["places"] = {}
    size = head["normalized"][1]
    data = bytearray(zlib.decompress(packed))
    data[size : size + 4] = (-1).to_bytes(4, sys.byteorder, signed=True)
    _join(entry, head, zlib.compress(bytes(data)))


def _another_file(entry: Path) -> None:
    head, packed = _split(entry)
    head["path"] += ".other"
    _join(entry, head, packed)


@pytest.mark.parametrize(
    "damage",
    [
        _truncated,
        _flipped,
        _garbage,
        _places_outside_the_text,
        _places_past_the_last_line,
        _places_of_another_shape,
        _a_form_that_does_not_decode,
        _a_form_of_another_length,
        _a_form_past_the_text,
        _a_form_with_an_empty_character,
        _a_form_going_backwards,
        _another_file,
    ],
)
def test_a_bad_entry_is_ignored_and_rebuilt(
    dataset_copy: Copy, work: Work, cache: Path, damage: Callable[[Path], None]
) -> None:
    data = dataset_copy()
    _settled(data)
    snapshot.load(data, check=True)
    entry = _entry(cache, data)
    damage(entry)
    rewrite(data, "summary: Wants binding rules.", "summary: Wants them.")
    work.clear()
    snapshot.load(data, check=True)
    alpha = (data / "sources" / "alpha-paper.txt").read_text(encoding="utf-8")
    assert alpha in work.normalised  # worked out from the file
    _checked(data)
    head, _ = _split(entry)  # and stored again, whole
    assert sorted(head["places"]) == sorted(
        q.text for p in load_dataset(data).positions if p.source == ALPHA for q in p.quotes
    )
    rewrite(data, "summary: Wants them.", "summary: Wants binding rules.")
    work.clear()
    snapshot.load(data, check=True)
    assert (work.normalised, work.looked_for) == ([], [])  # the rebuilt entry serves


def test_an_entry_that_cannot_be_written_only_costs_time(
    dataset_copy: Copy, work: Work, cache: Path
) -> None:
    data = dataset_copy()
    snapshot.load(data, check=True)
    shutil.rmtree(cache / "sources")
    (cache / "sources").write_bytes(b"")  # where the entries go is no directory
    for summary in ("Wants them.", "Wants binding rules."):
        rewrite(data, "summary: Wants", f"summary: {summary} Wants")
        work.clear()
        snapshot.load(data, check=True)
        assert len(work.normalised) == 2  # both sources, every time
        _checked(data)


def test_partial_entries_of_killed_writers_are_removed(dataset_copy: Copy, cache: Path) -> None:
    data = dataset_copy()
    snapshot.load(data, check=True)
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    entry = _entry(cache, data)
    killed = entry.with_name(f"{entry.name}.{child.pid}.tmp")
    writing = entry.with_name(f"12345678.source.{os.getpid()}.tmp")
    for each in (killed, writing):
        each.write_bytes(b"partial")
    entry.unlink()  # the next run writes again
    rewrite(data, "summary: Wants binding rules.", "summary: Wants them.")
    snapshot.load(data, check=True)
    assert sorted(p.name for p in (cache / "sources").glob("*.tmp")) == [writing.name]
    assert entry.is_file()


def test_code_that_is_not_files_goes_without_entries(
    dataset_copy: Copy, cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(copy_cache, "_PACKAGE", str(tmp_path / "app.pyz" / "posttrack"))
    data = dataset_copy()
    for _ in range(2):
        _checked(data)
    assert not list(cache.glob("sources/*"))


def test_check_reports_a_quote_edited_away_from_its_source(
    dataset_copy: Copy, cli: Callable[..., Any]
) -> None:
    data = dataset_copy()
    assert cli("check", "--data", str(data)).code == 0
    rewrite(data, "Voluntary norms remain useful", "Voluntary norms stay useful")
    result = cli("check", "--data", str(data))
    assert result.code == 1
    assert "quote not found in 'beta-statement'" in result.out
    rewrite(data, "Voluntary norms stay useful", "Voluntary norms remain useful")
    assert cli("check", "--data", str(data)).code == 0
