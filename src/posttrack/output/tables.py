"""posttrack's tables for people (every listing, and `diff`'s side-by-side
table), drawn by rich's `Table`: a rule under bold headers (box SIMPLE_HEAD), a
bold title and a dim italic caption.

Every table fits its console and loses no word. rich keeps a `no_wrap` column
whole and a column at least its `min_width` even when the table is then wider
than the console, which crops the line; gives the columns beside ratio columns
their whole width; and its default overflow cuts a word too long for its
column with an ellipsis. So every column folds such a word, and `fitted` drops
a ratio, `min_width`, then `no_wrap` where the table would not fit with them:
rich then narrows the widest wrapping columns first, folding their words.

rich's Table costs more than the hand-written table it replaced, within the
budgets `make bench` sets (2026-12-02, 2-core machine): `topics`, `sources`
and `diff -f table` on the shipped data 1.94x, 1.86x and 1.93x the typer
baseline (were 1.74x, 1.71x, 1.72x; budget 2x), about 8 ms of it importing
rich.table; `diff 2020 2024 -f table` at 10,000 positions 2.57x (was 2.27x;
budget 3x). `export -f table` at 10,000 positions, in no budget, takes 2.9 s
(was 0.7 s): rich renders each of its 60,000 cells on its own.

rich is imported inside the functions, as everywhere in posttrack: this
module is imported only when a table is drawn, never at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from rich.text import Text

# how narrow a wrapping column may become before a `no_wrap` column gives way
# and folds too: 8 cells still hold most words whole
FOLD_FLOOR = 8


class Column(NamedTuple):
    """A table's column: its header, and how its cells are styled, wrapped and sized."""

    header: str
    style: str = ""
    no_wrap: bool = False
    min_width: int | None = None
    right: bool = False  # right-justified (numbers)
    ratio: int | None = None  # shares the room left over with the other ratio columns


def _widest(texts: Sequence[Text]) -> int:
    """The widest line of any of the texts, in cells."""
    from rich.cells import cell_len

    widest = 0
    for text in texts:
        plain = text.plain
        if plain.isascii() and "\n" not in plain:
            widest = max(widest, len(plain))
        else:
            widest = max(widest, *(cell_len(line) for line in plain.split("\n")))
    return widest


def fitted(columns: Sequence[Column], rows: Sequence[Sequence[Text]], room: int) -> list[Column]:
    """The columns, less what would make rich draw the table wider than `room`
    cells of content: rich gives the columns beside ratio columns their whole
    width, narrows only wrapping columns (the widest first), undoes that below
    a column's `min_width`, and narrows a `no_wrap` column only by cropping it.

    So ratio columns keep their ratio while the others fit whole beside them
    at `FOLD_FLOOR` cells each; `min_width` holds while no column must narrow;
    and the widest `no_wrap` columns wrap, one by one, until the wrapping ones
    have `FOLD_FLOOR` cells (or all they need).
    """
    from rich.text import Text

    natural = [
        _widest([Text(column.header), *(row[index] for row in rows)])
        for index, column in enumerate(columns)
    ]
    sized = list(zip(natural, columns, strict=True))
    if any(c.ratio for c in columns):
        beside = sum(max(w, c.min_width or 0) for w, c in sized if not c.ratio)
        if beside + sum(min(w, FOLD_FLOOR) for w, c in sized if c.ratio) <= room:
            return list(columns)
        sized = [(w, c._replace(ratio=None)) for w, c in sized]
    if sum(max(w, c.min_width or 0) for w, c in sized) <= room:
        return [c for _, c in sized]
    sized = [(w, c._replace(min_width=None)) for w, c in sized]
    while sum(w if c.no_wrap else min(w, FOLD_FLOOR) for w, c in sized) > room:
        kept = [i for i, (_, c) in enumerate(sized) if c.no_wrap]
        if not kept:
            break
        widest = max(kept, key=lambda i: sized[i][0])
        sized[widest] = (sized[widest][0], sized[widest][1]._replace(no_wrap=False))
    return [c for _, c in sized]


def table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Text]],
    width: int,
    *,
    title: Text | None = None,
    caption: Text | None = None,
    separate_rows: bool = False,
) -> Any:
    """A rich Table of the rows that fits `width` cells; cells are Text, never markup."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    room = width - 3 * len(columns) - 1  # each column's padding and the box's edges
    shown = fitted(columns, rows, room)
    drawn = Table(
        title=title,
        title_justify="left",
        caption=caption,
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        header_style="bold",
        show_lines=separate_rows,  # SIMPLE_HEAD draws a blank line between rows
        expand=any(c.ratio for c in shown),  # rich gives ratio columns room only so
    )
    for column in shown:
        drawn.add_column(
            Text(column.header),
            style=column.style or None,
            no_wrap=column.no_wrap,
            min_width=column.min_width,
            justify="right" if column.right else "left",
            overflow="fold",
            ratio=column.ratio,
        )
    for row in rows:
        drawn.add_row(*row)
    return drawn
