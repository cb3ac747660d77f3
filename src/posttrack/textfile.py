"""Text files: reading one the user made (UTF-8, size-capped, errors located), and
writing one they asked for (all at once, never half, never over their own work
unless they say so)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from posttrack.errors import DataError, PosttrackError, UsageError

MAX_DATA_BYTES = 32 * 1024 * 1024  # real datasets are well under 10 MB


def read_text(path: Path, shown: str, limit: int) -> str:
    """A UTF-8 file's text (a BOM is dropped), refusing one over `limit` bytes."""
    try:
        size = path.stat().st_size
        if size > limit:
            message = (
                f"the file is {size:,} bytes, over the {limit:,}-byte limit; is it the right file?"
            )
            raise DataError.at(shown, 0, 0, message)
        raw = path.read_bytes()
    except OSError as error:
        raise DataError.at(shown, 0, 0, f"cannot read the file: {error.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        message = f"invalid UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8"
        raise DataError.at(shown, line, column, message) from None
    return text.removeprefix("\ufeff")


class WriteError(PosttrackError):
    """The file could not be written; the target is as it was."""


def refuse_to_overwrite(target: Path, *, force: bool) -> None:
    """A one-line usage error when `target` exists and `--force` was not given."""
    if not force and (target.exists() or target.is_symlink()):
        raise UsageError(f"'{target}' exists; give --force to replace it, or another name")


def write_atomically(text: str, target: Path) -> None:
    """Write `text` to `target` at once (see `replace_whole`); WriteError, one line,
    when it cannot be written, the target then as it was."""
    try:
        replace_whole(target, text.encode("utf-8"))
    except OSError as error:
        reason = error.strerror or str(error)
        raise WriteError(f"cannot write '{target}': {reason}") from None


def replace_whole(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write `path` at once: under a temporary name beside it (created by this process
    alone, O_EXCL), synced, given `mode` if one is named, then renamed over it; so a
    reader never sees half a file, and a failed or interrupted write (OSError, Ctrl-C)
    leaves the target as it was and no temporary file. A symbolic link at `path` is
    replaced, never followed."""
    import secrets  # here: its imports cost every command's start-up a few ms

    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    done = False
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with open(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())  # on disk before it takes the name
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
        done = True
    finally:
        if not done:
            with contextlib.suppress(OSError):
                temporary.unlink()


def sync_directory(directory: Path) -> None:
    """The renames themselves on disk, where the system allows a directory to be synced."""
    with contextlib.suppress(OSError):
        handle = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
