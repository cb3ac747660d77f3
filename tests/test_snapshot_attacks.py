"""The dataset's copy under attack: full disks, killed writers, coarse timestamps,
edits saved mid-run, crafted copies, changed code. Each only costs time."""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from importlib.machinery import ModuleSpec
from pathlib import Path
from typing import Any

import pytest

from conftest import MINI, REPO, rewrite
from posttrack.dataset import cache as copy_cache  # `cache` is the fixture
from posttrack.dataset import codec, snapshot
from posttrack.dataset.load import load_dataset

Copy = Callable[..., Path]


@pytest.fixture
def cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("POSTTRACK_CACHE", str(where))
    return where


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every dataset parsed from its files (a copy taken from the cache is not)."""
    parsed: list[Path] = []

    def counting(data: Path) -> Any:
        parsed.append(data)
        return load_dataset(data)

    monkeypatch.setattr("posttrack.dataset.load.load_dataset", counting)
    return parsed


def _copy_in(cache: Path) -> Path:
    (copy,) = (cache / "datasets").glob("*.snapshot")
    return copy


def _leftovers(cache: Path) -> list[str]:
    return sorted(p.name for p in (cache / "datasets").glob("*.tmp"))


# -- temporary files (2.4, 4.7, F24) ----------------------------------------------

_LIMITED = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
from posttrack.dataset import snapshot
print(snapshot.load(sys.argv[1]).dataset.title)
"""


def test_a_write_that_fails_leaves_no_partial_file(cache: Path) -> None:
    # the shipped dataset's copy is far over 4 KiB: like a full disk, the write fails
    for _ in range(2):
        ran = subprocess.run(
            [sys.executable, "-c", _LIMITED, str(REPO / "data")],
            capture_output=True,
            text=True,
            env={**os.environ, "POSTTRACK_CACHE": str(cache)},
            check=False,
        )
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout.strip() == load_dataset(REPO / "data").title
    assert (cache / "datasets").is_dir()
    assert list((cache / "datasets").iterdir()) == []  # no copy, and nothing partial


def test_an_interrupted_write_leaves_no_partial_file(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    snapshot.load(MINI)
    _copy_in(cache).unlink()  # the cache directory is made; the next run writes a copy
    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        snapshot.load(MINI)
    assert list((cache / "datasets").iterdir()) == []


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    return child.pid


def test_partial_files_of_killed_writers_are_removed_by_a_later_run(cache: Path) -> None:
    snapshot.load(MINI)
    copy = _copy_in(cache)
    copy.unlink()  # the next run writes again
    killed = copy.with_name(f"{copy.name}.{_dead_pid()}.tmp")
    stalled = copy.with_name(f"0badc0de.snapshot.{os.getppid()}.tmp")
    writing = copy.with_name(f"12345678.snapshot.{os.getppid()}.tmp")
    foreign = copy.with_name("notes.tmp")
    for each in (killed, stalled, writing, foreign):
        each.write_bytes(b"partial")
    an_hour_ago = time.time() - 3600
    os.utime(stalled, (an_hour_ago, an_hour_ago))
    snapshot.load(MINI)
    assert _leftovers(cache) == sorted([writing.name, foreign.name])
    assert copy.is_file()


# -- racily clean files (1.15, F5) ------------------------------------------------


def _same_tick(path: Path, edit: Callable[[], None]) -> None:
    """Make `edit`, keeping the file's size and mtime."""
    before = os.stat(path)
    edit()
    assert os.stat(path).st_size == before.st_size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def _touch_now(*paths: Path) -> None:
    now = time.time_ns()
    for path in paths:
        os.utime(path, ns=(now, now))


@pytest.mark.usefixtures("coarse")
def test_a_same_size_edit_in_the_same_tick_is_seen(dataset_copy: Copy) -> None:
    data = dataset_copy()
    yaml = data / "positions.yaml"
    _touch_now(yaml)
    assert snapshot.load(data).topic("norms")[0].positions[0].stance == "Supports voluntary norms"
    _same_tick(yaml, lambda: rewrite(data, "Supports voluntary norms", "Supports VOLUNTARY norms"))
    stances = [p.stance for p in snapshot.load(data).topic("norms")[0].positions]
    assert stances[0] == "Supports VOLUNTARY norms"


@pytest.mark.usefixtures("coarse")
def test_a_same_size_edit_of_a_source_in_the_same_tick_is_seen(dataset_copy: Copy) -> None:
    data = dataset_copy()
    paper = data / "sources" / "alpha-paper.txt"
    _touch_now(paper)
    loaded = snapshot.load(data)
    (quote,) = [q for q in loaded.lines if q.text.startswith("Alpha supports voluntary")]
    assert loaded.lines[quote] == 8
    text = paper.read_text(encoding="utf-8")
    _same_tick(paper, lambda: paper.write_text(text.replace("voluntary", "reluctant")))
    assert snapshot.load(data).lines[quote] is None


@pytest.fixture
def no_hashing(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    def refuse() -> None:
        def fail(*_: object) -> None:
            raise AssertionError("a file was read to compare its content")

        monkeypatch.setattr(hashlib, "sha256", fail)

    return refuse


@pytest.mark.usefixtures("coarse")
def test_old_files_are_trusted_by_their_timestamps(
    dataset_copy: Copy, no_hashing: Callable[[], None], parses: list[Path]
) -> None:
    data = dataset_copy()
    a_minute_ago = time.time() - 60
    for path in (data / "positions.yaml", *(data / "sources").iterdir()):
        os.utime(path, (a_minute_ago, a_minute_ago))
    whole = snapshot.load(data).dataset
    no_hashing()  # parsing hashes the file for the dataset's digest; a warm run reads nothing
    assert snapshot.load(data).dataset == whole
    assert len(parses) == 1


@pytest.mark.usefixtures("coarse")
def test_a_recent_file_is_compared_until_it_is_old_enough(
    dataset_copy: Copy,
    monkeypatch: pytest.MonkeyPatch,
    no_hashing: Callable[[], None],
    parses: list[Path],
) -> None:
    data = dataset_copy()
    _touch_now(data / "positions.yaml")
    whole = snapshot.load(data).dataset
    assert snapshot.load(data).dataset == whole  # compared by content, and unchanged
    real = time.time_ns
    monkeypatch.setattr(time, "time_ns", lambda: real() + 10_000_000_000)  # 10 s later
    assert snapshot.load(data).dataset == whole  # compared a last time
    no_hashing()
    assert snapshot.load(data).dataset == whole  # old enough: its timestamps say it all
    assert len(parses) == 1


# -- an edit saved between reading the copy and writing it (CODE-REVIEW 6.5) -----


def test_an_edit_saved_while_a_stored_copy_is_checked_is_seen(
    dataset_copy: Copy, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = dataset_copy()
    snapshot.load(data)  # a copy without check's problems: check=True must work them out
    real_crc32, edited = zlib.crc32, []

    def edit_meanwhile(data_: Any, *args: Any) -> int:
        if isinstance(data_, memoryview) and not edited:  # the copy's checksum, once its
            # key was found fresh: the edit lands between reading the copy and writing it
            rewrite(data, "stance: Supports voluntary norms", "stance: Supports norms, now")
            edited.append(True)
        return real_crc32(data_, *args)

    with monkeypatch.context() as patch:
        patch.setattr(zlib, "crc32", edit_meanwhile)
        snapshot.load(data, check=True)
    assert edited
    stances = [p.stance for p in snapshot.load(data).dataset.positions if p.topic == "norms"]
    assert stances[0] == "Supports norms, now"


# -- crafted or corrupt copies (4.13, 4.14, F10, F20; CODE-REVIEW 6.6) ------------


def _split(copy: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    raw = copy.read_bytes()
    end = raw.index(b"\n", 9)
    head = json.loads(raw[9:end])
    body = raw[end + 1 :]
    parts = {t: json.loads(body[at : at + size]) for t, (at, size) in head["parts"].items()}
    return head, parts


def _join(copy: Path, head: dict[str, Any], parts: dict[str, Any], raw: dict[str, bytes]) -> None:
    """Write the copy back, its checksum made good (as anyone who can write it can)."""
    encoded, offset = [], 0
    for name, part in parts.items():
        encoded.append(raw.get(name) or json.dumps(part).encode())
        head["parts"][name] = [offset, len(encoded[-1])]
        offset += len(encoded[-1])
    rest = json.dumps(head).encode() + b"\n" + b"".join(encoded)
    copy.write_bytes(f"{zlib.crc32(rest):08x}\n".encode() + rest)


def _sources_to(path: str) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    def change(head: dict[str, Any], _: dict[str, Any]) -> None:
        head["sources"]["file"] = [path] * len(head["sources"]["file"])
        head["key"].get("files", {})[path] = [0, 0, 0, 0, 0]

    return change


def _set(*where: Any) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    """Set head[a][b]... (or parts[...] when the path starts with 'parts') to a value."""
    *path, value = where

    def change(head: dict[str, Any], parts: dict[str, Any]) -> None:
        target: Any = parts if path[0] == "parts" else head
        for step in path[1 if path[0] == "parts" else 0 : -1]:
            target = target[step]
        target[path[-1]] = value

    return change


_CRAFTED = {  # what is changed, and the topic whose decoding meets it (None: only the whole)
    "a source file outside the dataset": (_sources_to("/etc/passwd"), "norms"),
    "a source file through ..": (
        _sources_to(str(MINI.resolve() / ".." / "mini" / "positions.yaml")),
        "norms",
    ),
    "a date's day 10^20": (_set("dates", "start", 0, 10**20), "norms"),
    "a date ending before it starts": (_set("dates", "end", 0, 1), "norms"),
    "a date's precision": (_set("dates", "precision", 0, "week"), "norms"),
    "a position count of 10^12": (_set("count", 10**12), "norms"),
    "a title that is a number": (_set("title", 7), "norms"),
    "a source without its kind": (_set("sources", "kind", 0, None), "norms"),
    "a source's date out of range": (_set("sources", "issued", 0, 99), "norms"),
    "a topic's part out of the file": (_set("parts", "norms", [0, 10**9]), "norms"),
    "a key whose files are a list": (_set("key", "files", []), "norms"),
    "a key naming a file with a NUL": (_set("key", "files", "a\u0000b", [1, 2, 3, 4, 5]), "norms"),
    "injected problems of the wrong shape": (
        _set("problems", {"cwd": "/", "items": [[1]]}),
        "norms",
    ),
    "stances that are numbers": (_set("parts", "norms", "stance", [1, 2]), "norms"),
    "a position's unknown source": (_set("parts", "norms", "source", ["x", "x"]), "norms"),
    "a level off the topic's scale": (
        _set("parts", "binding-instrument", "level", [1, 9]),
        "binding-instrument",
    ),
    "a level on a topic without a scale": (_set("parts", "norms", "level", [1, None]), "norms"),
    "a position with no quote": (_set("parts", "norms", "quotes", [0, 2]), "norms"),
    "an order out of bounds": (_set("parts", "norms", "order", [2, -1]), "norms"),
    "two positions in one place": (_set("parts", "norms", "order", [0, 0]), None),
    "a date index out of range": (_set("parts", "norms", "date", [0, 10**6]), "norms"),
    "places that are not numbers": (
        _set("parts", "norms", "quote", "found", [[["a", 1, 2]], []]),
        "norms",
    ),
}
_NEEDS_PLACES = {"places that are not numbers"}  # the dataset alone does not decode them
_CASES = [
    pytest.param(craft, asked, topic, id=f"{name}-{asked}")
    for name, (craft, topic) in _CRAFTED.items()
    for asked in ("dataset", "topic", "lines")
    if not (asked == "topic" and topic is None)
    and not (asked == "dataset" and name in _NEEDS_PLACES)
]


@pytest.mark.parametrize(("craft", "asked", "topic"), _CASES)
def test_a_crafted_copy_is_rebuilt_from_the_files(
    cache: Path,
    parses: list[Path],
    craft: Callable[[dict[str, Any], dict[str, Any]], None],
    asked: str,
    topic: str,
) -> None:
    expected = snapshot.load(MINI)
    whole, lines = expected.dataset, expected.lines
    copy = _copy_in(cache)
    head, parts = _split(copy)
    craft(head, parts)
    _join(copy, head, parts, {})
    loaded = snapshot.load(MINI)
    if asked == "dataset":
        assert loaded.dataset == whole
    elif asked == "lines":
        assert loaded.lines == lines
    else:
        dataset, some = loaded.topic(topic)
        assert dataset.positions == tuple(p for p in whole.positions if p.topic == topic)
        assert all(some[q] == lines[q] for p in dataset.positions for q in p.quotes)
        assert dataset.sources == whole.sources
    assert len(parses) == 2  # rebuilt
    assert snapshot.load(MINI).dataset == whole
    assert len(parses) == 2  # and the rebuilt copy is taken


def _wrong(types: frozenset[type]) -> Any:
    """A value of none of these types (True is no int: a bool is stored as `true`)."""
    return next(v for v in (True, "7", 7, None, [], {}) if type(v) not in types)


def _stored_fields(shape: codec.Spec) -> list[tuple[str, codec.Field]]:
    return [(n, f) for n, f in zip(shape.names, shape.fields, strict=True) if f.stored]


# every stored field of every model, where it is in the copy of the mini dataset
_TABLES = {
    "dates": (codec._DATE, lambda head, _: head["dates"]),
    "sources": (codec._SOURCE, lambda head, _: head["sources"]),
    "topics": (codec._TOPIC, lambda head, _: head["topics"]),
    "a topic's scale": (codec._LEVEL, lambda head, _: head["topics"]["scale"][0]),
    "positions": (codec._POSITION, lambda _, parts: parts["binding-instrument"]),
    "quotes": (codec._QUOTE, lambda _, parts: parts["binding-instrument"]["quote"]),
}


@pytest.mark.parametrize(
    ("table", "name"),
    [(t, n) for t, (shape, _) in _TABLES.items() for n, _ in _stored_fields(shape)],
)
def test_a_stored_value_of_the_wrong_type_is_rebuilt(
    cache: Path, parses: list[Path], table: str, name: str
) -> None:
    expected = snapshot.load(MINI)
    whole, lines = expected.dataset, expected.lines
    copy = _copy_in(cache)
    head, parts = _split(copy)
    shape, where = _TABLES[table]
    values = where(head, parts)
    assert values[name], "a column with a value to change"
    values[name][0] = _wrong(dict(_stored_fields(shape))[name].types)
    _join(copy, head, parts, {})
    loaded = snapshot.load(MINI)
    assert (loaded.dataset, loaded.lines) == (whole, lines)
    assert len(parses) == 2  # rebuilt
    assert snapshot.load(MINI).dataset == whole
    assert len(parses) == 2  # and the rebuilt copy is taken


@pytest.mark.parametrize("name", [n for n, _ in _stored_fields(codec._PROBLEM)])
def test_a_stored_problem_of_the_wrong_type_is_rebuilt(
    cache: Path, dataset_copy: Copy, parses: list[Path], name: str
) -> None:
    data = dataset_copy()
    rewrite(data, "where: para 2(a)", "where: para 3")
    problems = snapshot.load(data, check=True).problems
    assert problems
    copy = _copy_in(cache)
    head, parts = _split(copy)
    head["problems"]["items"][name][0] = _wrong(dict(_stored_fields(codec._PROBLEM))[name].types)
    _join(copy, head, parts, {})
    assert snapshot.load(data, check=True).problems == problems
    assert len(parses) == 2


def test_a_part_nested_deeper_than_the_parser_goes_is_rebuilt(
    cache: Path, parses: list[Path]
) -> None:
    whole = snapshot.load(MINI).dataset
    copy = _copy_in(cache)
    head, parts = _split(copy)
    _join(copy, head, parts, {"norms": b"[" * 200_000 + b"]" * 200_000})
    assert snapshot.load(MINI).topic("norms")[0].positions[0].topic == "norms"
    assert snapshot.load(MINI).dataset == whole
    assert len(parses) == 2


def test_a_source_through_a_link_out_of_the_dataset_is_never_read(
    cache: Path, dataset_copy: Copy, tmp_path: Path, parses: list[Path]
) -> None:
    data = dataset_copy()
    secret = tmp_path / "secret.txt"
    secret.write_text("There is a need for binding rules for responsible State behaviour.\n")
    whole = snapshot.load(data).dataset
    link = data.resolve() / "sources" / "link.txt"
    link.symlink_to(secret)
    copy = _copy_in(cache)
    head, parts = _split(copy)
    head["sources"]["file"] = [str(link)] * len(head["sources"]["file"])
    info = os.lstat(link)  # as a forger would write it
    head["key"]["files"][str(link)] = [
        info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev
    ]  # fmt: skip
    _join(copy, head, parts, {})
    loaded = snapshot.load(data)
    assert {s.file for s in loaded.header.sources.values()} == {
        s.file for s in whole.sources.values()
    }
    assert len(parses) == 2


def test_the_repro_s1_cites_no_file_outside_the_dataset(
    cache: Path, cli: Callable[..., Any]
) -> None:
    assert cli("topics", "-f", "json").code == 0
    copy = _copy_in(cache)
    head, parts = _split(copy)
    _sources_to("/etc/passwd")(head, parts)
    _join(copy, head, parts, {})
    result = cli("cite", "root:x:0:0", "-f", "plain")
    assert "/etc/passwd" not in result.out
    _set("dates", "start", 0, 10**20)(head, parts)
    _join(copy, head, parts, {})
    assert cli("show", "binding").code == 0


def test_a_bug_in_the_codec_is_not_taken_for_a_bad_copy(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot.load(MINI)
    loaded = snapshot.load(MINI)  # the header decoded

    def buggy(*_: object) -> None:
        raise TypeError("a bug")

    monkeypatch.setattr(json, "loads", buggy)
    with pytest.raises(TypeError, match="a bug"):
        loaded.topic("norms")


# -- the code the copy depends on (CODE-REVIEW 6.13) ------------------------------


@pytest.fixture
def package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A copy of posttrack's modules, taken as the code the copy records."""
    here = tmp_path / "posttrack"
    here.mkdir()
    for module in Path(snapshot.__file__).parent.glob("*.py"):
        (here / module.name).write_bytes(module.read_bytes())
    monkeypatch.setattr(copy_cache, "_PACKAGE", str(here))
    return here


def test_any_module_of_the_package_changed_or_added_rebuilds_the_copy(
    package: Path, parses: list[Path]
) -> None:
    snapshot.load(MINI)
    snapshot.load(MINI)
    assert len(parses) == 1
    (package / "render.py").write_text("# a change to a module no list named\n")
    snapshot.load(MINI)
    snapshot.load(MINI)
    assert len(parses) == 2
    (package / "newmodule.py").write_text("")
    snapshot.load(MINI)
    assert len(parses) == 3
    (package / "output").mkdir()
    snapshot.load(MINI)
    assert len(parses) == 3  # a directory without modules is no change of code
    (package / "output" / "views.py").write_text("# a subpackage's module\n")
    snapshot.load(MINI)
    assert len(parses) == 4
    (package / "output" / "views.py").write_text("# edited, same size\n")
    snapshot.load(MINI)
    assert len(parses) == 5


def test_another_python_rebuilds_the_copy(
    monkeypatch: pytest.MonkeyPatch, parses: list[Path]
) -> None:
    snapshot.load(MINI)
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    snapshot.load(MINI)
    assert len(parses) == 2


def test_another_pyyaml_rebuilds_the_copy(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, parses: list[Path]
) -> None:
    fake = tmp_path / "yaml" / "__init__.py"
    fake.parent.mkdir()
    fake.write_text("__version__ = '1'\n")
    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> ModuleSpec | None:
        return ModuleSpec("yaml", None, origin=str(fake)) if name == "yaml" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    snapshot.load(MINI)
    snapshot.load(MINI)
    assert len(parses) == 1
    fake.unlink()
    fake.write_text("__version__ = '2'\n")  # an upgrade: a new file
    snapshot.load(MINI)
    assert len(parses) == 2


def test_code_that_is_not_files_goes_without_the_cache(
    cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, parses: list[Path]
) -> None:
    monkeypatch.setattr(copy_cache, "_PACKAGE", str(tmp_path / "app.pyz" / "posttrack"))
    for _ in range(2):
        assert snapshot.load(MINI, check=True).dataset == load_dataset(MINI)
        assert snapshot.load(MINI).topic("norms")[0].positions
    assert len(parses) == 4
    assert not list(cache.glob("datasets/*"))


def test_no_assert_stands_for_a_check() -> None:
    # python -O strips them (CODE-REVIEW 6.14)
    for module in (snapshot, copy_cache, codec):
        tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
        assert not [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assert)]
