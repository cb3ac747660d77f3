"""The corpus a cite searches: the dataset's sources, or the files and
directories given (their .txt and .md files, each file once however it is
reached, loops and unreadable entries skipped with a warning)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from posttrack.config import shown_path
from posttrack.errors import UsageError
from posttrack.model import Dataset, Source

TEXT_SUFFIXES = (".txt", ".md")
FileId = tuple[int, int]  # (device, inode): one file, however it is reached


def _ignore(_: str) -> None:
    pass


def collect(paths: Sequence[Path], warn: Callable[[str], None] = _ignore) -> list[str]:
    """Absolute paths of the files to search: files as given, directories' .txt and .md
    files recursively, each file once (however many links lead to it), in a stable order.

    What cannot be searched inside a directory (a symlink loop, an unreadable
    directory, a file gone while listing) is skipped and told to `warn`."""
    found: dict[str, None] = {}
    taken: set[FileId] = set()
    for path in paths:
        info = _given(path)
        if stat.S_ISDIR(info.st_mode):
            # resolve the directory once and keep its files as strings: 9,000 files
            # resolved, or even made into Paths, one by one cost most of a second
            listed = sorted(_walk(str(path.resolve()), info, warn))
        else:
            listed = [(str(path.resolve()), (info.st_dev, info.st_ino))]
        for file, identity in listed:
            if identity not in taken:
                taken.add(identity)
                found[file] = None
    if not found:
        raise UsageError("no .txt or .md files in " + ", ".join(f"'{p}'" for p in paths))
    return list(found)


_KINDS = {  # what a path given by name is, when it is neither a file nor a directory
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def _given(path: Path) -> os.stat_result:
    """The stat of a PATH given by name; UsageError saying what it is if it is not a
    regular file or a directory."""
    import errno

    try:
        info = os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UsageError(f"'{path}' is a symlink loop, not a text file") from None
        if error.errno in (errno.ENOENT, errno.ENOTDIR):
            if os.path.islink(path):
                raise UsageError(f"'{path}' is a broken symlink") from None
            raise UsageError(f"no file or directory '{path}'") from None
        raise UsageError(f"cannot read '{path}': {error.strerror or error}") from None
    if stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode):
        return info
    kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
    raise UsageError(f"'{path}' is {kind}, not a text file")


def _walk(
    root: str, info: os.stat_result, warn: Callable[[str], None]
) -> Iterator[tuple[str, FileId]]:
    """The .txt and .md files under `root` with their (device, inode).

    No recursion (a tree may be thousands of levels deep): directories wait in a heap
    and are listed in path order, each real directory once, so a directory reached
    through a symlink is listed under the first path that reaches it. A symlink back to
    a directory being searched (a loop) and anything that cannot be listed or looked at
    are skipped with a warning."""
    import heapq

    seen: set[FileId] = {(info.st_dev, info.st_ino)}
    pending: list[tuple[str, int]] = [(root, info.st_dev)]
    while pending:
        directory, device = heapq.heappop(pending)
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError as error:
            warn(f"{_shown(directory)}: skipped, {_why(error)}")
            continue
        entries.sort(key=lambda e: e.name)  # the first path to a directory is the one kept
        for entry in entries:
            text = entry.name.lower().endswith(TEXT_SUFFIXES)
            try:
                if entry.is_symlink():
                    target = os.stat(entry.path)
                elif entry.is_dir(follow_symlinks=False):
                    target = entry.stat(follow_symlinks=False)
                elif text and entry.is_file(follow_symlinks=False):
                    yield entry.path, (device, entry.inode())
                    continue
                else:
                    continue  # not a text file, or a FIFO, a device or a socket
            except OSError as error:
                if text or not isinstance(error, FileNotFoundError):
                    warn(f"{_shown(directory, entry.name)}: skipped, {_why(error, entry)}")
                continue
            identity = (target.st_dev, target.st_ino)
            if stat.S_ISDIR(target.st_mode):
                if entry.is_symlink() and _contains(entry.path, directory):
                    warn(f"{_shown(directory, entry.name)}: skipped, a symlink loop")
                elif identity not in seen:
                    seen.add(identity)
                    heapq.heappush(pending, (entry.path, target.st_dev))
            elif text and stat.S_ISREG(target.st_mode):
                yield entry.path, identity


def _contains(link: str, directory: str) -> bool:
    """True when the directory `link` leads to is `directory` or one above it."""
    target = os.path.realpath(link)
    here = os.path.realpath(directory)
    return here == target or here.startswith(target.rstrip(os.sep) + os.sep)


def _why(error: OSError, entry: os.DirEntry[str] | None = None) -> str:
    import errno

    if error.errno == errno.ELOOP:
        return "a symlink loop"
    if isinstance(error, FileNotFoundError):
        return "a broken symlink" if entry is not None and entry.is_symlink() else "deleted"
    if isinstance(error, PermissionError):
        return "permission denied"
    return error.strerror or str(error)


def _shown(directory: str, name: str | None = None) -> str:
    """A path in a warning, as the user would type it (never resolving `name`, which
    may be a loop)."""
    base = shown_path(Path(directory))
    if name is None:
        return base
    return name if base == "." else os.path.join(base, name)


def files_to_search(
    paths: Sequence[Path] | None = None,
    sources: Sequence[str] | None = None,
    dataset: Dataset | None = None,
    *,
    warn: Callable[[str], None] = _ignore,
) -> dict[str, Source | None]:
    """The files a cite searches (absolute paths), each with its dataset source if it is
    one: the PATHs given, else the dataset's sources (or only those named). What is
    skipped inside a PATH directory is told to `warn`."""
    if paths:
        if sources:
            raise UsageError("--source picks dataset sources; it does not go with PATHs")
        return dict.fromkeys(collect(paths, warn))
    if dataset is None:
        raise ValueError("files_to_search needs PATHs or a dataset")
    wanted = set(sources or dataset.sources)
    if unknown := sorted(wanted - set(dataset.sources)):
        raise UsageError(f"unknown source '{unknown[0]}'; 'posttrack sources' lists them")
    return {str(s.file.resolve()): s for s in dataset.sources.values() if s.id in wanted}
