"""The parsed copy in the cache: equal to a fresh load, and never stale."""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import MINI, SHIPPED, rewrite
from posttrack.dataset import snapshot
from posttrack.dataset.load import load_dataset
from posttrack.errors import DataError
from posttrack.quotes.verify import verify


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, loading the YAML or reading a source fails the test."""

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the dataset was read again, not taken from the cache")

    monkeypatch.setattr("posttrack.dataset.load.load_dataset", refuse)
    monkeypatch.setattr("posttrack.quotes.locate.read_source", refuse)
    monkeypatch.setattr("posttrack.quotes.verify.read_source", refuse)


@pytest.mark.parametrize("data", [MINI, SHIPPED, MINI.parent / "timeline"])
def test_the_cached_copy_is_the_dataset_a_fresh_load_gives(data: Path) -> None:
    first = snapshot.load(data, check=True)
    with pytest.MonkeyPatch.context() as patch:
        _no_parsing(patch)
        second = snapshot.load(data, check=True)
    fresh = load_dataset(data)
    verified = verify(fresh)
    assert second.dataset == fresh == first.dataset
    assert second.places == verified.places == first.places
    assert second.lines == first.lines
    assert second.problems == verified.problems
    assert any(line is not None for line in second.lines.values())


def test_a_load_without_check_leaves_the_problems_to_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert snapshot.load(MINI).problems is None
    with pytest.MonkeyPatch.context() as patch:
        _no_parsing(patch)
        assert snapshot.load(MINI).problems is None
    monkeypatch.setattr(
        "posttrack.dataset.load.load_dataset", lambda _: pytest.fail("parsed again")
    )
    assert snapshot.load(MINI, check=True).problems == []  # sources read, YAML not


def test_an_edit_to_the_dataset_is_seen(dataset_copy: Callable[..., Path]) -> None:
    data = dataset_copy()
    before = snapshot.load(data).dataset
    rewrite(data, "stance: Supports voluntary norms", "stance: Supports norms, now")
    after = snapshot.load(data).dataset
    assert next(p.stance for p in after.positions if p.topic == "norms") == "Supports norms, now"
    assert after.digest != before.digest


def test_an_edit_to_a_source_moves_its_quotes_lines(dataset_copy: Callable[..., Path]) -> None:
    data = dataset_copy()
    paper = data / "sources" / "alpha-paper.txt"
    loaded = snapshot.load(data)
    in_paper = {q for p in loaded.dataset.positions if p.source == "alpha-paper" for q in p.quotes}
    paper.write_text("\n\n" + paper.read_text(encoding="utf-8"), encoding="utf-8")
    after = snapshot.load(data).lines
    assert in_paper
    assert all(loaded.lines[q] is not None for q in in_paper)
    for quote, line in loaded.lines.items():
        assert after[quote] == (line + 2 if quote in in_paper and line else line)


def test_a_removed_source_fails_as_a_fresh_load_does(dataset_copy: Callable[..., Path]) -> None:
    data = dataset_copy()
    snapshot.load(data)
    (data / "sources" / "beta-statement.txt").unlink()
    with pytest.raises(DataError) as cached:
        snapshot.load(data)
    with pytest.raises(DataError) as fresh:
        load_dataset(data)
    assert cached.value.problems == fresh.value.problems


def test_an_invalid_dataset_is_never_cached(dataset_copy: Callable[..., Path]) -> None:
    data = dataset_copy()
    rewrite(data, "level: 2\n", "level: 9\n")
    for _ in range(2):
        with pytest.raises(DataError, match="not on the scale"):
            snapshot.load(data)


def test_a_corrupt_copy_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTTRACK_CACHE", str(tmp_path))
    snapshot.load(MINI)
    (copy,) = (tmp_path / "datasets").iterdir()
    copy.write_text('{"key": {"format": 1, "code": [', encoding="utf-8")
    assert snapshot.load(MINI).dataset == load_dataset(MINI)
    _no_parsing(monkeypatch)
    assert snapshot.load(MINI).dataset.title == "Mini test dataset"


def _rewrite_part(copy: Path, topic: str, change: Callable[[dict[str, Any]], None]) -> None:
    """Change one topic's stored part and write the copy back, its checksum made good."""
    raw = copy.read_bytes()
    start = raw.index(b"\n") + 1
    end = raw.index(b"\n", start)
    head = json.loads(raw[start:end])
    body = raw[end + 1 :]
    parts = {t: json.loads(body[at : at + size]) for t, (at, size) in head["parts"].items()}
    change(parts[topic])
    encoded, offset = [], 0
    for name, part in parts.items():
        encoded.append(json.dumps(part).encode())
        head["parts"][name] = [offset, len(encoded[-1])]
        offset += len(encoded[-1])
    rest = json.dumps(head).encode() + b"\n" + b"".join(encoded)
    copy.write_bytes(f"{zlib.crc32(rest):08x}\n".encode() + rest)


@pytest.mark.parametrize("column", ["stance", "order", "quote.text", "quote.found"])
@pytest.mark.parametrize("asked", ["dataset", "topic"])
def test_a_copy_with_a_column_cut_short_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, column: str, asked: str
) -> None:
    monkeypatch.setenv("POSTTRACK_CACHE", str(tmp_path))
    expected = snapshot.load(MINI)
    whole, lines = expected.dataset, expected.lines
    (copy,) = (tmp_path / "datasets").iterdir()

    def cut(part: dict[str, Any]) -> None:
        table = part["quote"] if column.startswith("quote.") else part
        table[column.removeprefix("quote.")].pop()

    _rewrite_part(copy, "norms", cut)  # the key still matches: only decoding can tell
    loaded = snapshot.load(MINI)
    if asked == "dataset":
        assert (loaded.dataset, loaded.lines) == (whole, lines)
    else:
        dataset, some = loaded.topic("norms")
        assert dataset.positions == tuple(p for p in whole.positions if p.topic == "norms")
        assert all(some[q] == lines[q] for p in dataset.positions for q in p.quotes)
    _no_parsing(monkeypatch)  # and the copy was rebuilt
    assert snapshot.load(MINI).dataset == whole


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"supports voluntary norms", b"supports binding norms"),
        (b"Mini test dataset", b"Mini tost dataset"),
    ],
    ids=["in a topic", "in the header"],
)
def test_a_copy_changed_on_disk_fails_its_checksum_and_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: bytes, new: bytes
) -> None:
    monkeypatch.setenv("POSTTRACK_CACHE", str(tmp_path))
    whole = snapshot.load(MINI).dataset
    (copy,) = (tmp_path / "datasets").iterdir()
    raw = copy.read_bytes()
    assert raw.count(old) == 1
    copy.write_bytes(raw.replace(old, new))
    assert snapshot.load(MINI).dataset == whole
    assert raw.replace(old, new) != copy.read_bytes()  # rebuilt
    _no_parsing(monkeypatch)
    assert snapshot.load(MINI).dataset == whole


def test_show_decodes_only_its_topic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTTRACK_CACHE", str(tmp_path))
    snapshot.load(SHIPPED)
    (copy,) = (tmp_path / "datasets").iterdir()
    _rewrite_part(copy, "ihl", lambda part: part["stance"].pop())  # broken, but not read
    loaded = snapshot.load(SHIPPED)
    dataset, _ = loaded.topic("norms")
    assert {p.topic for p in dataset.positions} == {"norms"}
    assert loaded._dataset is None  # the rest was never decoded


def test_an_unwritable_cache_costs_only_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("POSTTRACK_CACHE", str(blocker))
    assert snapshot.load(MINI, check=True).dataset == load_dataset(MINI)
    assert snapshot.load(MINI).dataset == load_dataset(MINI)


def test_check_problems_name_paths_from_where_check_runs(
    dataset_copy: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = dataset_copy()
    rewrite(data, "where: para 2(a)", "where: para 3")
    monkeypatch.chdir(data)
    (inside,) = snapshot.load(data, check=True).problems or []
    assert inside.path == "positions.yaml"
    monkeypatch.chdir(tmp_path)
    (outside,) = snapshot.load(data, check=True).problems or []
    assert outside.path == os.path.join("data", "positions.yaml")
    assert outside.message == inside.message


def test_only_the_console_script_freezes_what_it_decoded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc

    from posttrack import config
    from posttrack.dataset import snapshot

    snapshot.load().dataset  # noqa: B018 - the copy is made
    before = gc.get_freeze_count()
    snapshot.load().dataset  # noqa: B018 - decoded from the copy, as a library does
    assert gc.get_freeze_count() == before
    monkeypatch.setattr(config, "FREEZE_DECODED", True)
    snapshot.load().dataset  # noqa: B018 - as the console script does
    assert gc.get_freeze_count() > before
    gc.unfreeze()
