"""Where the dataset's parsed copy lives, and whether it still holds.

The copy holds while positions.yaml, every source file it names and the code that
made it are unchanged: every module of posttrack, PyYAML's, and the Python
version (its Unicode tables drive NFKC). A file is unchanged when its size,
mtime, ctime, inode and device are; one whose timestamps were, when the copy
was made, too recent to tell a later edit apart (file systems keep them to 1 or
2 seconds) is also compared by content, until it is old enough (git's "racily
clean" files). Anything else rebuilds the copy from the files. A cache that
cannot be read or written only costs time: the files are the truth.

The file is a checksum line, then what the codec stores: a JSON header line
(with the key added here) and the topics' parts. The checksum catches a damaged
copy; the codec checks every value it decodes against a crafted one. A copy is
written atomically, and the temporary files of killed writers are removed.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import stat
import sys
import time
import zlib
from pathlib import Path
from typing import Any

from posttrack.config import RACY_NS, cache_dir
from posttrack.dataset.codec import FORMAT, Stored, Undecodable, json_value

# The code whose behaviour the copy records is every module of posttrack: an
# upgrade, or an edit in a checkout, rebuilds the copy.
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# directories of the package that hold no code: compiled files, the shipped dataset
_NOT_CODE = frozenset({"__pycache__", "data"})
# A temporary copy untouched this long, or whose writer is gone, is abandoned.
_ABANDONED_NS = 60_000_000_000
_CRC = 9  # the first line: a checksum of the rest, 8 hex digits
# (`.source`: a source's normalised form, see sourcecache.py)
_TEMPORARY = re.compile(r"[0-9a-f]{8}\.(?:snapshot|json|source)\.([0-9]{1,10})\.tmp")


def cache_file(file: Path) -> Path | None:
    """Where the copy of the dataset at `file` is kept; None when there is no cache
    of posttrack's own to keep it in (the dataset is then parsed on every run)."""
    # a checksum names the file; the key inside says which dataset it is (no hashlib:
    # it costs more to import than this whole lookup)
    path = str(file.resolve())
    name = f"{zlib.crc32(path.encode('utf-8', 'surrogateescape')):08x}"
    try:
        return cache_dir(file.parent) / "datasets" / f"{name}.snapshot"
    except OSError:
        return None


# -- the key: what the copy depends on ------------------------------------------


def _stat_signature(info: os.stat_result) -> list[int]:
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def file_signature(path: str) -> list[int] | None:
    """A data file's signature; None when it is gone or is no regular file (the loader
    resolved every path it stored, so a symbolic link there was not put by it)."""
    try:
        info = os.lstat(path)
    except (OSError, ValueError):  # ValueError: a NUL in a stored path
        return None
    return _stat_signature(info) if stat.S_ISREG(info.st_mode) else None


def _modules(directory: str) -> dict[str, list[int]]:
    """The signature of every module in the package directory and its subpackages
    (every directory below it that can be one)."""
    code: dict[str, list[int]] = {}
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.name.endswith(".py"):
                code[entry.path] = _stat_signature(entry.stat())
            elif (
                entry.name.isidentifier()
                and entry.name not in _NOT_CODE
                and entry.is_dir(follow_symlinks=False)
            ):
                code.update(_modules(entry.path))
    return code


def code_signatures() -> dict[str, list[int]] | None:
    """The signatures of every module of posttrack and of PyYAML's; None when they are
    not files to stat, and the dataset is then parsed on every run."""
    try:
        code = _modules(_PACKAGE)
    except OSError:
        # imported from a zip archive (a zipapp): the archive is the code
        archive = getattr(getattr(sys.modules[__name__], "__loader__", None), "archive", None)
        try:
            code = {archive: _stat_signature(os.stat(archive))} if archive else {}
        except OSError:
            code = {}
    if not code:
        return None
    try:
        spec = importlib.util.find_spec("yaml")  # where it would import from; not imported
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    try:
        code[spec.origin] = _stat_signature(os.stat(spec.origin))
    except OSError:
        return None
    return code


def _digest(path: str) -> str | None:
    """The content's SHA-256; only for files too recent for their timestamps to tell."""
    import hashlib  # here: an unchanged old file is never read

    digest = hashlib.sha256()
    try:
        with open(path, "rb") as file:
            while chunk := file.read(1 << 20):
                digest.update(chunk)
    except (OSError, ValueError):
        return None
    return digest.hexdigest()


def settled(signature: list[int], moment: int) -> bool:
    """True when any later edit must change the file's timestamps: its last change
    is more than a timestamp's granularity before `moment`."""
    return max(signature[1], signature[2]) < moment - RACY_NS


def start_key(file: Path) -> dict[str, Any] | None:
    """The key of a copy about to be made from the files, its dataset file tracked;
    None when there can be no copy."""
    code = code_signatures()
    if code is None:
        return None
    key: dict[str, Any] = {
        "format": FORMAT,
        "python": sys.version,
        "file": str(file.resolve()),
        "written": time.time_ns(),  # before any file is looked at
        "code": code,
        "files": {},
        "hashes": {},
    }
    return key if track(key, key["file"]) else None


def track(key: dict[str, Any], path: str) -> bool:
    """Add a file the copy depends on, before it is read; False when it cannot be."""
    signature = file_signature(path)
    if signature is None:
        return False
    key["files"][path] = signature
    if not settled(signature, key["written"]):
        digest = _digest(path)
        if digest is None:
            return False
        key["hashes"][path] = digest
    return True


def _fresh(key: Any, file: Path) -> tuple[bool, dict[str, Any] | None]:
    """Whether the copy with this key is the dataset as it is now; and, when it is
    and some files it had to compare by content are now old enough to be trusted
    by their timestamps, the key to store instead."""
    now = time.time_ns()  # before any file is looked at: as when a copy is made
    if type(key) is not dict or key.get("format") != FORMAT or key.get("python") != sys.version:
        return False, None
    files, hashes = key.get("files"), key.get("hashes")
    if type(files) is not dict or type(hashes) is not dict or type(key.get("written")) is not int:
        return False, None
    if key.get("file") != str(file.resolve()) or key["file"] not in files:
        return False, None
    code = code_signatures()
    if code is None or key.get("code") != code:
        return False, None
    if not all(file_signature(path) == signature for path, signature in files.items()):
        return False, None
    if not hashes:
        return True, None
    if not all(path in files and _digest(path) == digest for path, digest in hashes.items()):
        return False, None
    recent = {path: h for path, h in hashes.items() if not settled(files[path], now)}
    if len(recent) == len(hashes):
        return True, None
    return True, {**key, "written": now, "hashes": recent}


# -- reading and writing the copy -------------------------------------------------


def read(where: Path, file: Path) -> Stored | None:
    """The stored copy when every file it depends on is unchanged, else None."""
    try:
        raw = where.read_bytes()
    except OSError:
        return None  # no copy yet, or none that can be read: rebuild it
    try:
        end = raw.find(b"\n", _CRC)
        if end < 0:
            return None
        head = json_value(raw[_CRC:end])
        if type(head) is not dict:
            return None
        fresh, resealed = _fresh(head.get("key"), file)
        if not fresh or raw[: _CRC - 1] != b"%08x" % zlib.crc32(memoryview(raw)[_CRC:]):
            return None
        stored = Stored(head, raw, end + 1, file)
    except Undecodable:
        return None  # a damaged or crafted copy, or one from another version
    if resealed is not None:
        head["key"] = stored.key = resealed
        rest = json.dumps(head, ensure_ascii=True).encode() + b"\n" + raw[end + 1 :]
        store(where, f"{zlib.crc32(rest):08x}\n".encode() + rest)
    return stored


def write(where: Path, key: dict[str, Any], head: dict[str, Any], parts: list[bytes]) -> None:
    """Store the copy the codec encoded, with its key; a cache that cannot be
    written is skipped."""
    head["key"] = key
    # ensure_ascii: the header holds no raw newline, whatever the data
    rest = json.dumps(head, ensure_ascii=True).encode() + b"\n" + b"".join(parts)
    if store(where, f"{zlib.crc32(rest):08x}\n".encode() + rest):
        with contextlib.suppress(OSError):
            where.with_suffix(".json").unlink(missing_ok=True)  # the copy's earlier form


def store(where: Path, data: bytes, *, tidy: bool = True) -> bool:
    """Write `where` atomically; False when it cannot be written. A failed or
    interrupted write leaves no partial file, and ones left by killed processes
    are removed here (with tidy=False the caller removes them, once for many)."""
    try:
        where.parent.mkdir(exist_ok=True)
    except OSError:
        return False
    if tidy:
        remove_abandoned(where.parent)
    partial = where.with_name(f"{where.name}.{os.getpid()}.tmp")
    done = False
    try:
        partial.write_bytes(data)
        os.replace(partial, where)
        done = True
    except OSError:
        pass  # a full disk, a file size limit, a read-only cache: it only costs time
    finally:
        if not done:  # also on Ctrl-C
            with contextlib.suppress(OSError):
                partial.unlink()
    return done


def remove_abandoned(directory: Path) -> None:
    """Remove the temporary copies of writers that were killed, or stopped writing
    a minute ago (another machine's process, sharing the cache, cannot be asked)."""
    now = time.time_ns()
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            match = _TEMPORARY.fullmatch(entry.name)
            if match is None:
                continue
            with contextlib.suppress(OSError):
                if not _alive(int(match[1])) or now - entry.stat().st_mtime_ns > _ABANDONED_NS:
                    os.unlink(entry.path)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except OSError:  # PermissionError: another user's process
        return True
    return True
