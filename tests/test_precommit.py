"""The pre-commit hook, run by pre-commit itself in a scratch git repository holding a
dataset, as a curator's repository would run it on commit."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import MINI, REPO, rewrite

MANIFEST = REPO / ".pre-commit-hooks.yaml"
BIN = Path(sys.executable).parent
PRE_COMMIT = BIN / "pre-commit"
POSTTRACK = BIN / "posttrack"

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not PRE_COMMIT.exists() or not POSTTRACK.exists(),
    reason="needs git, and pre-commit and posttrack installed next to this Python",
)


def hook() -> dict[str, object]:
    (found,) = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return dict(found)


def test_the_manifest_is_one_pre_commit_accepts(tmp_path: Path) -> None:
    done = subprocess.run(
        [PRE_COMMIT, "validate-manifest", MANIFEST],
        capture_output=True,
        text=True,
        check=False,
        env=_environment(tmp_path),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    found = hook()
    assert found["id"] == "posttrack-check"
    assert found["entry"] == "posttrack check"
    assert found["language"] == "python"
    assert found["pass_filenames"] is False


@pytest.mark.parametrize(
    ("path", "runs"),
    [
        ("positions.yaml", True),
        ("data/positions.yaml", True),
        ("sources/alpha-paper.txt", True),
        ("data/sources/README.md", True),
        ("README.md", False),
        ("positions.yaml.bak", False),
        ("old-positions.yaml", False),
        ("resources/x.txt", False),
    ],
)
def test_the_hook_runs_when_the_dataset_changes(path: str, runs: bool) -> None:
    assert bool(re.search(str(hook()["files"]), path)) == runs  # pre-commit's re.search


def _environment(home: Path) -> dict[str, str]:
    """Nothing read from or left in the user's home, git config or pre-commit cache."""
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        PRE_COMMIT_HOME=str(home / ".pre-commit"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_CONFIG_HOME=str(home / ".config"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        NO_COLOR="1",
    )
    env.pop("POSTTRACK_DATA", None)  # the hook must find the repository's dataset itself
    env.pop("GIT_DIR", None)
    env.pop("GIT_INDEX_FILE", None)
    return env


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A git repository holding a copy of the mini dataset at its root, with a
    .pre-commit-config.yaml running the manifest's hook. pre-commit would install
    posttrack from its repository for `language: python`, which needs the network;
    so the hook here is the manifest's own, run as `language: system` by the
    installed console script."""
    repo = tmp_path / "curated"
    shutil.copytree(MINI, repo)
    (tmp_path / "home").mkdir()
    local = hook()
    local.update(language="system", entry=f"{POSTTRACK} check")
    config = {"repos": [{"repo": "local", "hooks": [local]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (repo / "README.md").write_text("A curated dataset.\n", encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    return repo


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, env=_environment(repo.parent / "home"))


def _pre_commit(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PRE_COMMIT, "run", "--color", "never", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        env=_environment(repo.parent / "home"),
    )


def test_the_hook_passes_on_a_good_dataset(repository: Path) -> None:
    done = _pre_commit(repository, "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"posttrack check\.+Passed", done.stdout), done.stdout


def test_the_hook_fails_on_a_broken_quote_saying_where(repository: Path) -> None:
    rewrite(repository, "Voluntary norms remain useful in peacetime.", "Norms are useful always.")
    _git(repository, "add", "positions.yaml")
    done = _pre_commit(repository, "--all-files")
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"posttrack check\.+Failed", done.stdout), done.stdout
    assert "- exit code: 1" in done.stdout
    line = (repository / "positions.yaml").read_text(encoding="utf-8").splitlines()
    number = next(n for n, text in enumerate(line, 1) if "Norms are useful always." in text)
    assert f"positions.yaml:{number}:15: quote not found in 'beta-statement'" in done.stdout


def test_the_hook_fails_on_an_invalid_entry(repository: Path) -> None:
    rewrite(repository, "kind: working-paper", "kind: memo")
    _git(repository, "add", "positions.yaml")
    done = _pre_commit(repository, "--all-files")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "- exit code: 2" in done.stdout
    assert "positions.yaml:10:11: 'kind' is 'memo'" in done.stdout


def test_the_hook_is_skipped_when_no_dataset_file_changed(repository: Path) -> None:
    rewrite(repository, "Voluntary norms remain useful in peacetime.", "Norms are useful always.")
    done = _pre_commit(repository, "--files", "README.md")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"posttrack check\.+\(no files to check\)Skipped", done.stdout), done.stdout
