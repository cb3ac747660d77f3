"""The console script's entry point: Ctrl-C is quiet from the first instant.

It lives apart from cli.py because importing cli.py imports typer (about 70 ms):
a Ctrl-C in that time would otherwise print Python's KeyboardInterrupt traceback.
"""

from __future__ import annotations

# _signal, not signal: signal imports enum (3 ms more in which a Ctrl-C is unhandled)
import _signal  # type: ignore[import-not-found]  # the C module has no stub
import os

_INTERRUPTED = 130


def _interrupted_while_starting(signum: int, frame: object) -> None:
    # nothing is written yet, so nothing is lost by leaving at once
    os._exit(_INTERRUPTED)


def run() -> None:
    """Install the start-up SIGINT handler, import the CLI, then run it."""
    _signal.signal(_signal.SIGINT, _interrupted_while_starting)
    try:
        from posttrack.cli import run as run_cli
    finally:
        # from here on Ctrl-C is a KeyboardInterrupt, which the CLI turns into 130
        # after writing what it has
        _signal.signal(_signal.SIGINT, _signal.default_int_handler)
    run_cli()  # exits with posttrack's status
