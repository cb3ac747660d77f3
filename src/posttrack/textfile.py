"""Reading a text file the user made: UTF-8, size-capped, errors located."""

from __future__ import annotations

from pathlib import Path

from posttrack.errors import DataError

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
