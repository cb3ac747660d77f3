"""Exit codes and the errors that carry them; the CLI catches them once."""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple


class ExitStatus(IntEnum):
    """Every exit code posttrack can return (documented in the README)."""

    OK = 0
    NOT_FOUND = 1  # nothing found, or `check` found problems
    ERROR = 2  # usage error or an invalid dataset
    INTERNAL = 3  # a bug in posttrack: please report it
    INTERRUPTED = 130  # Ctrl-C


class Change(NamedTuple):
    """One word-level difference between a quote and a source passage."""

    op: str  # insert, delete or replace
    quote: str  # the quote's words ("" for a deletion; the ellipsis under one)
    source: str  # the source's words ("" for an insertion)
    meaning: bool  # True when it changes what the source says


class Closest(NamedTuple):
    """The passage of a source closest to a quote that is not in it: where it is
    (its file as shown, 1-based line and column), how close (0-100), its whole
    text (whitespace collapsed) and how the quote differs from it."""

    path: str
    line: int
    column: int
    score: float
    text: str
    differences: tuple[Change, ...] = ()


class Problem(NamedTuple):
    """One finding about the dataset, located as `path:line:col`."""

    path: str
    line: int  # 1-based; 0 when the problem is about the whole file
    column: int  # 1-based; 0 when unknown
    message: str
    severity: str = "error"  # "error" or "warning"
    closest: Closest | None = None  # for a quote not found: the passage nearest to it

    def __str__(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"


class PosttrackError(Exception):
    """Base of every error a user can cause; carries its exit status."""

    exit_status: ExitStatus = ExitStatus.ERROR


class UsageError(PosttrackError):
    """A bad argument or option on the command line."""


class DataError(PosttrackError):
    """The dataset cannot be loaded; `problems` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(str(problems[0]) if problems else "invalid dataset")

    @classmethod
    def at(cls, path: str, line: int, column: int, message: str) -> DataError:
        """One problem at one place."""
        return cls([Problem(path, line, column, message)])
