""" "Did you mean": the one name a mistyped reference most likely meant, compared
as `show` compares topic names (case, width, dashes and invisible characters
ignored) and then by spelling."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from posttrack.quotes.normalize import topic_key

# difflib's ratio (0-1) a name must reach to be offered: a slip of a letter or two in
# an id of a few words is far above it, an unrelated word far below
CUTOFF = 0.75


def name_keys(names: Iterable[tuple[str, str]]) -> dict[str, str]:
    """(name, id) pairs as the table `suggest` reads: each name's key -> its id,
    the first id given a name keeping it."""
    keys: dict[str, str] = {}
    for name, ident in names:
        key = topic_key(name)
        if key:
            keys.setdefault(key, ident)
    return keys


def suggest(name: str, keys: Mapping[str, str]) -> str | None:
    """The id `name` most likely meant (see `name_keys`), or None when none is close."""
    wanted = topic_key(name)
    if not wanted:
        return None
    if wanted in keys:
        return keys[wanted]
    close = difflib.get_close_matches(wanted, list(keys), n=1, cutoff=CUTOFF)
    return keys[close[0]] if close else None


def did_you_mean(name: str, keys: Mapping[str, str]) -> str:
    """ "; did you mean 'x'?" for a message about `name`, or "" when nothing is close."""
    meant = suggest(name, keys)
    return f"; did you mean '{meant}'?" if meant is not None and meant != name else ""
