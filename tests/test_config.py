"""The cache directory is posttrack's own: created 0700 and tagged, never someone else's."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from posttrack.config import TAG, CacheUnavailable, cache_dir, default_location, is_tagged


def test_a_new_cache_directory_is_private_and_tagged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTTRACK_CACHE", str(tmp_path / "a" / "cache"))
    made = cache_dir()
    assert made == tmp_path / "a" / "cache"
    assert stat.S_IMODE(made.stat().st_mode) == 0o700
    assert is_tagged(made)
    assert cache_dir() == made  # tagged: taken as it is


def test_an_empty_directory_is_adopted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTTRACK_CACHE", str(tmp_path))
    assert cache_dir() == tmp_path
    assert (tmp_path / TAG).is_file()


def test_a_directory_with_foreign_files_is_refused_and_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "index.sqlite").write_text("my notes, not a database")
    monkeypatch.setenv("POSTTRACK_CACHE", str(tmp_path))
    with pytest.raises(CacheUnavailable, match="did not make"):
        cache_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.sqlite"]
    assert (tmp_path / "index.sqlite").read_text() == "my notes, not a database"


def test_a_tag_that_is_not_posttracks_does_not_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / TAG).write_text("Signature: 8a477f597d28d172789f06886806bc55\n# another tool\n")
    monkeypatch.setenv("POSTTRACK_CACHE", str(tmp_path))
    with pytest.raises(CacheUnavailable):
        cache_dir()


@pytest.mark.parametrize("inner", ["", "sources", "sources/cache"])
def test_a_cache_inside_the_dataset_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inner: str
) -> None:
    dataset = tmp_path / "ds"
    (dataset / "sources").mkdir(parents=True)
    monkeypatch.setenv("POSTTRACK_CACHE", str(dataset / inner))
    with pytest.raises(CacheUnavailable, match="inside the dataset"):
        cache_dir(dataset)
    assert not (dataset / "sources" / "cache").exists()
    assert not (dataset / TAG).exists()


def test_a_relative_xdg_cache_home_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", ".")
    assert default_location() == Path.home() / ".cache" / "posttrack"
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere")
    assert default_location() == Path("/somewhere/posttrack")


def test_a_file_in_the_way_is_unavailable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("POSTTRACK_CACHE", str(tmp_path / "file"))
    with pytest.raises(CacheUnavailable):
        cache_dir()
    monkeypatch.setenv("POSTTRACK_CACHE", str(tmp_path / "file" / "below"))
    with pytest.raises(CacheUnavailable):
        cache_dir()


def test_first_runs_at_once_all_take_an_empty_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # another process's tag, half written, is not a foreign file
    (tmp_path / f".{TAG}.12345.tmp").write_text("Signature: 8a47")
    monkeypatch.setenv("POSTTRACK_CACHE", str(tmp_path))
    assert cache_dir() == tmp_path
    assert is_tagged(tmp_path)
