"""A pager for long output on a terminal, as git pages `git log`.

While `paged()` runs, `sys.stdout` is a stream that starts the user's pager
at its first write, so a command that prints nothing, or only an error on
stderr, starts none. The pager is `POSTTRACK_PAGER`, else `PAGER`, else
`less`, run by the shell as git runs it; an empty value or `cat` means none.
`less` gets git's `LESS=FRX` unless the user set `LESS`: output that fits the
screen is printed and less quits (F), colours pass (R), the screen is not
cleared (X). Never when stdout is not a terminal; not `less` on a dumb one.

The pager is the user's to quit: when it quits early (q), what posttrack
still writes goes nowhere, without a traceback or a broken-pipe message, and
posttrack finishes and exits with its own status, not the pager's. posttrack
waits for the pager before it exits, so the shell's prompt comes back after it.

Imported at start-up by the CLI: nothing here but the standard library, and
subprocess only when a pager starts.
"""

from __future__ import annotations

import io
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

DEFAULT_PAGER = "less"
# git's defaults for less and for lv, where the user has set none
PAGER_ENVIRONMENT = {"LESS": "FRX", "LV": "-c"}


def pager_command(environ: dict[str, str] | os._Environ[str] | None = None) -> str | None:
    """The pager the user asked for, as a shell command; None for none."""
    environ = os.environ if environ is None else environ
    for name in ("POSTTRACK_PAGER", "PAGER"):
        value = environ.get(name)
        if value is not None:
            break
    else:
        if environ.get("TERM") == "dumb":  # less cannot draw there
            return None
        value = DEFAULT_PAGER
    value = value.strip()
    return None if value in ("", "cat") else value


def _runnable(command: str) -> bool:
    """Whether the command's program exists (a typo in PAGER should not swallow
    the output): an unparsable or assignment-led command is left to the shell."""
    import shlex
    import shutil

    try:
        words = shlex.split(command)
    except ValueError:
        return True
    return not words or "=" in words[0] or shutil.which(words[0]) is not None


class PagedStream(io.TextIOBase):
    """Text for the terminal through a pager, started at the first write.

    It says it is a terminal, as git's `pager_in_use` does, because what is
    written reaches one: `auto` is then a table, in colour where wanted.
    """

    def __init__(self, terminal: IO[str], command: str) -> None:
        super().__init__()
        self.terminal = terminal
        self.command: str | None = command  # None: write to the terminal itself
        self.process: Any = None
        self.pipe: io.TextIOWrapper | None = None
        self.quit = False  # the pager has gone: the rest of the output goes nowhere

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.terminal, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.terminal, "errors", None)

    def isatty(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def _start(self) -> IO[str]:
        import subprocess

        command, self.command = self.command, None
        if command is None or not _runnable(command):
            return self.terminal
        self.terminal.flush()
        environment = {**PAGER_ENVIRONMENT, **os.environ}
        try:  # through the shell, as git runs it: PAGER may hold options or a pipeline
            self.process = subprocess.Popen(
                command, shell=True, stdin=subprocess.PIPE, env=environment
            )
        except OSError:
            return self.terminal
        self.pipe = io.TextIOWrapper(
            self.process.stdin, encoding=self.encoding, errors=self.errors or "strict"
        )
        return self.pipe

    def write(self, text: str) -> int:
        if self.quit:
            return len(text)
        target = self.pipe or (self.terminal if self.command is None else self._start())
        try:
            target.write(text)
        except BrokenPipeError:
            self.quit = True
        return len(text)

    def flush(self) -> None:
        target = self.pipe or self.terminal
        if self.quit:
            return
        try:
            target.flush()
        except BrokenPipeError:
            self.quit = True

    def disable(self) -> None:
        """Write to the terminal itself from now on, if the pager has not started."""
        self.command = None

    def finish(self) -> None:
        """The pager has all the output: wait until the user quits it."""
        if self.process is None:
            self.terminal.flush()
            return
        try:
            if self.pipe is not None:
                self.pipe.close()
        except BrokenPipeError:
            pass
        while True:
            try:
                self.process.wait()
                break
            except KeyboardInterrupt:  # Ctrl-C reaches the pager too, which stays
                continue


_active: list[PagedStream] = []


@contextmanager
def paged(*, enabled: bool = True) -> Iterator[None]:
    """Send what the block writes to `sys.stdout` through the user's pager, when
    stdout is a terminal and a pager is wanted; the pager starts at the first write."""
    terminal = sys.stdout
    command = pager_command()
    isatty = getattr(terminal, "isatty", None)
    if not enabled or command is None or isatty is None or not isatty():
        yield
        return
    stream = PagedStream(terminal, command)
    # a pager that quits makes the next write fail: EPIPE, not death by SIGPIPE
    # (the console script's default), so that posttrack ends as it would have
    piping = signal.getsignal(signal.SIGPIPE) if hasattr(signal, "SIGPIPE") else None
    if piping is not None:
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    sys.stdout = stream
    _active.append(stream)
    try:
        yield
    finally:
        _active.remove(stream)
        sys.stdout = terminal
        try:
            stream.finish()
        finally:
            if piping is not None:
                signal.signal(signal.SIGPIPE, piping)


def disable() -> None:
    """No pager for the output still to come (`--no-pager`, parsed inside `paged`)."""
    for stream in _active:
        stream.disable()
