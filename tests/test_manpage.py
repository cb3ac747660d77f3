"""Manual pages, written from the commands' own help, shipped and installed."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import typer

import posttrack
from conftest import REPO
from posttrack import cli
from posttrack.output.manpage import man_pages, roff

SHIPPED = REPO / "man" / "man1"


def pages() -> dict[str, str]:
    command = typer.main.get_command(cli.app)
    cli._metavars_as_written(command)
    return man_pages(command, posttrack.__version__)


def test_the_shipped_pages_are_the_help_as_it_is() -> None:
    written = pages()
    if os.environ.get("UPDATE_MAN"):
        SHIPPED.mkdir(parents=True, exist_ok=True)
        for old in SHIPPED.glob("*.1"):
            old.unlink()
        for name, text in written.items():
            (SHIPPED / name).write_text(text, encoding="utf-8")
    shipped = {p.name: p.read_text(encoding="utf-8") for p in SHIPPED.glob("*.1")}
    assert shipped == written, "the help changed: UPDATE_MAN=1 pytest tests/test_manpage.py"


def test_a_page_per_command() -> None:
    names = set(pages())
    commands = {c.name or c.callback.__name__ for c in cli.app.registered_commands if c.callback}
    assert names == {"posttrack.1", *(f"posttrack-{c}.1" for c in commands)}


@pytest.mark.skipif(shutil.which("man") is None, reason="man is not installed")
def test_man_renders_each_page_with_its_options_and_examples() -> None:
    env = {**os.environ, "MANWIDTH": "100", "MAN_KEEP_FORMATTING": ""}
    for name in ("posttrack.1", "posttrack-cite.1"):
        run = subprocess.run(
            ["man", "-l", str(SHIPPED / name)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
            timeout=60,
        )
        assert "NAME" in run.stdout
        assert "SYNOPSIS" in run.stdout
        assert run.stderr == ""
    cite = subprocess.run(
        ["man", "-l", str(SHIPPED / "posttrack-cite.1")],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    ).stdout
    assert "posttrack cite [OPTIONS] QUOTE [PATH]..." in cite
    assert "--min-score 0-100" in cite
    assert "$ posttrack cite 'common heritage'" in cite
    assert "-h, --help" in cite


def test_roff_reads_text_literally() -> None:
    assert roff(".TH evil") == "\\&.TH evil"
    assert roff("a\\b") == "a\\eb"
    assert roff("--data") == "\\-\\-data"


@pytest.mark.skipif(shutil.which("man") is None, reason="man is not installed")
def test_man_finds_the_installed_pages_beside_the_environments_bin() -> None:
    import sys
    from pathlib import Path

    installed = Path(sys.prefix) / "share" / "man" / "man1" / "posttrack-cite.1"
    if not installed.is_file():
        pytest.skip("posttrack is not installed with its data files (an editable install?)")
    env = {**os.environ, "MANWIDTH": "100", "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}
    env.pop("MANPATH", None)
    run = subprocess.run(
        ["man", "posttrack-cite"], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert run.returncode == 0, run.stderr
    assert "posttrack cite [OPTIONS] QUOTE [PATH]..." in run.stdout
