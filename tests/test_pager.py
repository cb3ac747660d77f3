"""The pager: long output on a terminal goes through the user's pager, as git's
does; never in a pipe; a pager quit early costs no traceback and not posttrack's
own exit status. Run through a pseudo-terminal, the pager a script that records
what it was given."""

from __future__ import annotations

import io
import os
import select
import shlex
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

from conftest import MINI, SHIPPED
from posttrack.output import pager

# records its input (all of it, or the first RECORD_LINES lines before it quits,
# as q in less does) and its environment's LESS, then exits with RECORD_STATUS
RECORDER = textwrap.dedent(
    """
    import os, sys
    lines = int(os.environ.get("RECORD_LINES", "-1"))
    if lines < 0:
        data = sys.stdin.buffer.read()
    else:
        data = b"".join(sys.stdin.buffer.readline() for _ in range(lines))
    record = os.environ["RECORD"]
    with open(record, "wb") as out:
        out.write(data)
    with open(record + ".less", "w") as out:
        out.write(os.environ.get("LESS", "<unset>") + "\\n" + os.environ.get("LV", "<unset>"))
    sys.exit(int(os.environ.get("RECORD_STATUS", "0")))
    """
)

# posttrack's console script, whose main() runs each command through the pager
# (DRIVER_NO_PAGER gives it --no-pager)
DRIVER = textwrap.dedent(
    """
    import os, signal, sys
    from posttrack.cli import main
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # as posttrack.cli.run sets it
    args = sys.argv[1:]
    if os.environ.get("DRIVER_NO_PAGER") == "1":
        args = ["--no-pager", *args]
    status = main(args)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
    """
)


class Run(NamedTuple):
    code: int
    terminal: str  # what reached the terminal itself
    err: str
    paged: str | None  # what the pager was given; None if it never ran
    less: list[str] | None  # the pager's LESS and LV


@pytest.fixture
def run(tmp_path: Path) -> Callable[..., Run]:
    recorder = tmp_path / "recorder.py"
    recorder.write_text(RECORDER, encoding="utf-8")
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    record = tmp_path / "paged.txt"
    recorder_command = f"{shlex.quote(sys.executable)} {shlex.quote(str(recorder))}"

    def go(*args: str, terminal: bool = True, **environ: str) -> Run:
        env = {k: v for k, v in os.environ.items() if k not in ("PAGER", "LESS", "LV")}
        env.update(RECORD=str(record), PAGER=recorder_command, TERM="xterm-256color")
        env.update(environ)
        env = {k: v for k, v in env.items() if v != "<unset>"}
        for stale in (record, Path(f"{record}.less")):
            stale.unlink(missing_ok=True)
        command = [sys.executable, str(driver), *args]
        if terminal:
            code, out, err = _through_a_terminal(command, env)
        else:
            done = subprocess.run(command, env=env, capture_output=True, timeout=60, check=False)
            code, out, err = done.returncode, done.stdout, done.stderr
        paged = record.read_text(encoding="utf-8") if record.exists() else None
        less_file = Path(f"{record}.less")
        less = less_file.read_text().split("\n") if less_file.exists() else None
        return Run(code, out.decode().replace("\r\n", "\n"), err.decode(), paged, less)

    return go


def _through_a_terminal(command: list[str], env: dict[str, str]) -> tuple[int, bytes, bytes]:
    """Run with stdin and stdout a pseudo-terminal (the pager's too), stderr a pipe."""
    leader, follower = os.openpty()
    process = subprocess.Popen(
        command, stdin=follower, stdout=follower, stderr=subprocess.PIPE, env=env
    )
    os.close(follower)
    assert process.stderr is not None
    out, err = bytearray(), bytearray()
    streams = {leader: out, process.stderr.fileno(): err}
    while streams:
        ready, _, _ = select.select(list(streams), [], [], 60)
        assert ready, "posttrack or its pager hung"
        for fd in ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: every process holding the terminal has ended
                chunk = b""
            if chunk:
                streams[fd].extend(chunk)
            else:
                del streams[fd]
    os.close(leader)
    return process.wait(timeout=60), bytes(out), bytes(err)


def test_long_output_on_a_terminal_goes_to_the_pager(run: Callable[..., Run]) -> None:
    result = run("show", "binding-instrument", "--data", str(SHIPPED))
    assert result.code == 0
    assert result.err == ""
    assert result.paged is not None
    # what a terminal gets: the timeline drawn for people, in its styles
    assert "\x1b[1mBinding instrument\x1b[0m  binding-instrument" in result.paged
    assert "│" in result.paged
    assert "binding-instrument" not in result.terminal  # it all went through the pager
    assert result.less == ["FRX", "-c"]  # git's `less -FRX` where LESS is unset


def test_the_users_less_settings_are_kept(run: Callable[..., Run]) -> None:
    result = run("topics", LESS="-S", LV="-x")
    assert result.less == ["-S", "-x"]


def test_never_when_stdout_is_not_a_terminal(run: Callable[..., Run]) -> None:
    result = run("topics", terminal=False)
    assert result.code == 0
    assert result.paged is None
    assert result.terminal.startswith("binding-instrument\t")  # plain, for a program


@pytest.mark.parametrize(
    "environ",
    [
        {"PAGER": ""},
        {"PAGER": "cat"},
        {"POSTTRACK_PAGER": ""},  # disables the pager PAGER names
        {"POSTTRACK_PAGER": "cat"},
        {"DRIVER_NO_PAGER": "1"},  # --no-pager
        {"PAGER": "/nonexistent/pager -R"},  # a typo: the output is not lost
    ],
)
def test_no_pager_where_the_user_says_so(run: Callable[..., Run], environ: dict[str, str]) -> None:
    result = run("topics", **environ)
    assert result.code == 0
    assert result.paged is None
    assert "binding-instrument" in result.terminal
    assert "─" in result.terminal  # still a table: the terminal is one


def test_posttrack_pager_wins_over_pager(run: Callable[..., Run], tmp_path: Path) -> None:
    recorder = f"{shlex.quote(sys.executable)} {shlex.quote(str(tmp_path / 'recorder.py'))}"
    result = run("topics", PAGER="/nonexistent/pager", POSTTRACK_PAGER=recorder)
    assert result.paged is not None
    assert "binding-instrument" in result.paged


def test_a_pager_quit_early_costs_no_traceback_nor_the_status(
    run: Callable[..., Run],
) -> None:
    # 400 kB of JSON: far more than a pipe holds, so posttrack writes on after q
    args = ("export", "--by", "quote", "-f", "json", "--data", str(SHIPPED))
    for status in ("0", "1"):  # the pager's own status is not posttrack's
        result = run(*args, RECORD_LINES="2", RECORD_STATUS=status)
        assert result.code == 0
        assert result.err == ""
        assert "Traceback" not in result.terminal
        assert result.paged is not None
        assert result.paged.startswith('{\n  "schema_version": 1,')


def test_posttrack_keeps_its_own_exit_status_under_a_pager(run: Callable[..., Run]) -> None:
    # a quote that is not there: exit 1, with its answer in the pager
    result = run("cite", "zebras of the western steppe", "--data", str(MINI), RECORD_LINES="0")
    assert result.code == 1
    assert "Traceback" not in result.err + result.terminal


def test_an_error_alone_starts_no_pager(run: Callable[..., Run]) -> None:
    result = run("show", "no-such-topic")
    assert result.code == 2
    assert result.paged is None
    assert result.err.startswith("posttrack: error: ")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_disable_before_the_first_write_starts_no_pager(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PAGER", f"touch {shlex.quote(str(tmp_path / 'started'))}; cat >/dev/null")
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    with pager.paged():
        pager.disable()  # --no-pager, parsed inside the block
        print("straight to the terminal")
    assert sys.stdout is terminal
    assert terminal.getvalue() == "straight to the terminal\n"
    assert not (tmp_path / "started").exists()
    with pager.paged():
        print("through the pager")
    assert (tmp_path / "started").exists()
    assert terminal.getvalue() == "straight to the terminal\n"


@pytest.mark.parametrize(
    ("environ", "command"),
    [
        ({}, "less"),
        ({"TERM": "dumb"}, None),  # less cannot draw on a dumb terminal
        ({"TERM": "dumb", "PAGER": "more"}, "more"),  # but the user's pager is theirs
        ({"PAGER": "  most -s "}, "most -s"),
        ({"PAGER": "more", "POSTTRACK_PAGER": "less -S"}, "less -S"),
        ({"PAGER": "more", "POSTTRACK_PAGER": " "}, None),
        ({"PAGER": "cat"}, None),
    ],
)
def test_the_pager_command(environ: dict[str, str], command: str | None) -> None:
    assert pager.pager_command(environ) == command
