"""The terminal: a rich console that never reads the data as markup, and a
progress bar for a long job."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any


def make_console(stream: IO[str], no_color: bool) -> Any:
    """A rich console that never interprets markup or emoji codes in data."""
    from rich.console import Console

    return Console(
        file=stream,
        no_color=True if no_color else None,
        highlight=False,
        markup=False,
        emoji=False,
    )


class _NoProgress:
    def __enter__(self) -> Callable[[int], None]:
        return lambda _: None

    def __exit__(self, *_: object) -> None:
        return None


def progress(total: int, what: str, stream: IO[str]) -> Any:
    """A context giving an `advance(bytes)` callback: a bar on a terminal for a large job."""
    isatty = getattr(stream, "isatty", None)
    if total < 4 * 1024 * 1024 or isatty is None or not isatty():
        return _NoProgress()
    from contextlib import contextmanager

    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    @contextmanager
    def bar() -> Any:
        from rich.console import Console

        with Progress(
            f"{what}",
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=Console(file=stream),
            transient=True,
        ) as shown:
            task = shown.add_task(what, total=total)
            yield lambda size: shown.advance(task, size)

    return bar()
