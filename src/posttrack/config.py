"""Where things are: the dataset to use, the cache directory, the environment
variables that choose them, and paths as a user would type them.

posttrack writes and deletes files in its cache directory (the quote index, the
dataset's parsed copies), so it must never take a directory that holds someone
else's files. A directory is posttrack's own when it holds a `CACHEDIR.TAG`
(the Cache Directory Tagging Specification, which backup tools also honour)
that names posttrack. posttrack creates the directory itself (mode 0700, since
the index holds the text of every file searched) and tags it; an existing
directory is adopted only when it is empty, or when it is the default
location under the user's cache home, which is posttrack's by name.
A cache directory inside the dataset is refused: nothing cached is ever
written next to the curated files.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from posttrack.errors import UsageError

DATA_FILE = "positions.yaml"
ENV_VAR = "POSTTRACK_DATA"


def bundled_data() -> Path:
    """The dataset shipped with posttrack: inside the package once installed,
    at the repository root in a source checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "data"
    if (installed / DATA_FILE).is_file():
        return installed
    return here.parent.parent / "data"


def find_dataset(data: str | os.PathLike[str] | None = None) -> Path:
    """The positions.yaml to use: `data`, else $POSTTRACK_DATA, else the bundled one."""
    chosen = data if data is not None else os.environ.get(ENV_VAR) or None
    origin = "--data" if data is not None else ENV_VAR
    if chosen is None:
        return bundled_data() / DATA_FILE
    path = Path(chosen).expanduser()
    if path.is_dir():
        path = path / DATA_FILE
    if not path.is_file():
        raise UsageError(
            f"no dataset at '{chosen}' ({origin}); give a directory holding "
            f"{DATA_FILE}, or the file itself"
        )
    return path


def shown_path(path: Path) -> str:
    """The path as a user would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# --- the cache directory ----------------------------------------------------

CACHE_ENV = "POSTTRACK_CACHE"
# Both caches (the index and the dataset's copy) trust a file's stat only once the
# file is older than this when it was read: a file changed closer to that moment may
# change again with the same timestamps (FAT keeps 2 s; ext4 with small inodes,
# HFS+ and many network mounts keep 1 s), so until then its content is compared.
RACY_NS = 2_000_000_000
# True in the console script, whose process ends with its command: the dataset's
# decoded copy is then frozen out of the garbage collector's sight (dataset/codec.py)
FREEZE_DECODED = False
TAG = "CACHEDIR.TAG"
_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"
_TAG_TEXT = (
    f"{_SIGNATURE}\n"
    "# This file is a cache directory tag created by posttrack.\n"
    "# posttrack may delete or rebuild anything in this directory.\n"
)


class CacheUnavailable(OSError):
    """The cache directory cannot be used; callers work without it (and say so)."""


def default_location() -> Path:
    """$XDG_CACHE_HOME/posttrack, else ~/.cache/posttrack; a relative
    $XDG_CACHE_HOME is ignored, as the XDG specification requires."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    home = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return home / "posttrack"


def location() -> tuple[Path, bool]:
    """The configured cache directory, and whether it is the default location."""
    if chosen := os.environ.get(CACHE_ENV):
        return Path(os.path.abspath(os.path.expanduser(chosen))), False
    return default_location(), True


def is_tagged(directory: Path) -> bool:
    """True when `directory` holds posttrack's CACHEDIR.TAG."""
    try:
        with open(directory / TAG, encoding="utf-8", errors="replace") as tag:
            text = tag.read(1024)
    except OSError:
        return False
    return text.startswith(_SIGNATURE) and "posttrack" in text


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def cache_dir(dataset_root: Path | None = None) -> Path:
    """posttrack's own cache directory, created (0700) and tagged if need be.

    Raises CacheUnavailable when the configured directory cannot be posttrack's:
    it holds files posttrack did not make, it lies inside the dataset at
    `dataset_root`, or it cannot be created."""
    directory, is_default = location()
    shown = os.fsdecode(directory)
    if dataset_root is not None and _inside(directory, dataset_root):
        raise CacheUnavailable(
            f"the cache directory {shown} is inside the dataset; "
            f"set {CACHE_ENV} to a directory outside it"
        )
    if is_tagged(directory):
        return directory
    try:
        directory.mkdir(mode=0o700, parents=True)
    except FileExistsError:
        if not directory.is_dir():
            raise CacheUnavailable(f"the cache directory {shown} is not a directory") from None
        try:
            with os.scandir(directory) as entries:
                # another first run may be writing its tag there right now
                empty = all(e.name.startswith(f".{TAG}.") for e in entries)
        except OSError as error:
            raise CacheUnavailable(f"cannot read the cache directory {shown}: {error}") from None
        if not (empty or is_default or is_tagged(directory)):
            raise CacheUnavailable(
                f"{shown} holds files posttrack did not make (no posttrack {TAG}); "
                f"set {CACHE_ENV} to an empty or new directory"
            ) from None
    except OSError as error:
        raise CacheUnavailable(f"cannot create the cache directory {shown}: {error}") from None
    _write_tag(directory)
    return directory


def _write_tag(directory: Path) -> None:
    temporary = directory / f".{TAG}.{os.getpid()}.tmp"
    try:
        with open(temporary, "w", encoding="utf-8") as tag:
            tag.write(_TAG_TEXT)
        os.replace(temporary, directory / TAG)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise CacheUnavailable(
            f"cannot write to the cache directory {directory}: {error}"
        ) from None
