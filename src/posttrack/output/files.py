"""Writing a file the user asked for (`-o FILE`): all at once, never half, and
never over something the user made unless they say so."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from posttrack.errors import PosttrackError, UsageError


class WriteError(PosttrackError):
    """The file could not be written; the target is as it was."""


def refuse_to_overwrite(target: Path, *, force: bool) -> None:
    """A one-line usage error when `target` exists and `--force` was not given."""
    if not force and (target.exists() or target.is_symlink()):
        raise UsageError(f"'{target}' exists; give --force to replace it, or another name")


def write_atomically(text: str, target: Path) -> None:
    """Write `text` to `target` at once: under a temporary name beside it, synced,
    then renamed over it, so a reader never sees half a file and a failed or
    interrupted write leaves the target as it was and no temporary file. A
    symbolic link at `target` is replaced, never followed."""
    import secrets  # here: its imports cost every command's start-up a few ms

    temporary = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    done = False
    try:
        # created by this process alone (O_EXCL), with the mode any new file gets
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with open(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
        done = True
    except OSError as error:
        reason = error.strerror or str(error)
        raise WriteError(f"cannot write '{target}': {reason}") from None
    finally:
        if not done:  # also on Ctrl-C
            with contextlib.suppress(OSError):
                temporary.unlink()
