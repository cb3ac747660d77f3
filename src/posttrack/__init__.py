"""posttrack: what a state has said, topic by topic, over time, proved by verbatim quotes.

Library use needs no CLI: `from posttrack import load_dataset`.
"""

from __future__ import annotations

# Not `from typing import TYPE_CHECKING`: importing typing costs 8 ms, during
# which a Ctrl-C would print a traceback (see posttrack.console).
TYPE_CHECKING = False
__all__ = ["__version__", "load_dataset"]
__version__ = "0.1.0"

if TYPE_CHECKING:
    from posttrack.dataset.load import load_dataset


def __getattr__(name: str) -> object:
    # lazy, so `import posttrack` stays as cheap as the CLI needs it to be
    if name == "load_dataset":
        from posttrack.dataset.load import load_dataset

        return load_dataset
    raise AttributeError(name)
