"""One environment for every test: no colour, a fixed width, the mini dataset."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from posttrack.cli import main

# CI draws the same examples every run, so a red run is reproducible; locally,
# `HYPOTHESIS_PROFILE=thorough` searches longer with fresh examples.
settings.register_profile("ci", derandomize=True, print_blob=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
REPO = Path(__file__).parent.parent
SHIPPED = REPO / "data"


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.setenv("POSTTRACK_CACHE", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("POSTTRACK_DATA", str(MINI))


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run posttrack in-process: cli("topics", "-f", "json") -> Result."""

    def run(*args: str) -> Result:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(int(code), captured.out, captured.err)

    return run


@pytest.fixture
def dataset_copy(tmp_path: Path) -> Callable[..., Path]:
    """A writable copy of a dataset; edit(old, new) rewrites its positions.yaml."""

    def make(source: Path = MINI) -> Path:
        target = tmp_path / "data"
        shutil.copytree(source, target)
        return target

    return make


def rewrite(dataset: Path, old: str, new: str) -> None:
    path = dataset / "positions.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture does not contain {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def coarse(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A file system whose timestamps only move when set: a file's ctime is its mtime,
    as when an edit falls in the same 1-2 s tick (FAT, HFS+, ext4 with 128-byte inodes)."""
    real_stat, real_lstat = os.stat, os.lstat

    def coarsened(real: Callable[..., os.stat_result]) -> Callable[..., os.stat_result]:
        def stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
            info = real(path, *args, **kwargs)
            if not os.fsdecode(path).startswith(str(tmp_path)):
                return info
            extra = {"st_atime_ns": info.st_atime_ns, "st_mtime_ns": info.st_mtime_ns}
            extra["st_ctime_ns"] = info.st_mtime_ns
            fields = (*tuple(info)[:9], info.st_mtime)
            return os.stat_result(fields, extra)

        return stat

    monkeypatch.setattr(os, "stat", coarsened(real_stat))
    monkeypatch.setattr(os, "lstat", coarsened(real_lstat))
