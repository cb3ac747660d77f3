"""posttrack's tables for people (every listing, and `diff`'s side-by-side
table), drawn as rich's `Table` draws them: a rule under bold headers (box
SIMPLE_HEAD), a bold title and a dim italic caption.

Every table fits its console and splits no word. posttrack sizes the columns
itself, because rich's Table narrows the widest columns first whatever they
hold, down to a few cells, and folds the words that no longer fit: at 80
columns `diff 2020 2024 -f table` printed "comprehens/ive". Here a column is
never narrower than its longest word, and a table gives way in this order:

1. wrapping columns (prose) narrow, the widest first, to their longest word
   (or `FOLD_FLOOR` cells where that is more); ratio columns (diff's two
   sides) keep `PROSE_FLOOR` cells;
2. `no_wrap` columns (ids, dates) wrap at their spaces;
3. then break after their hyphens (`binding-` / `instrument`), never inside
   a word;
4. below that, the table is stacked: each record as `header: value` lines,
   as `show`'s timeline reads at 60 columns.

A word wider than a whole line is the one thing ever folded. Ratio columns
share what is left but stop at `PROSE_CAP` cells: prose on a 250-column
terminal stays readable.

posttrack sizes the columns (`table`), then draws them (`Drawn`) with
`layout.Page`, each cell wrapped once, the characters and styles rich's
`Table(box=SIMPLE_HEAD)` gives with the same widths (a property test holds
the two together). Drawn by rich's Table, `diff 2020 2024 -f table` on the
shipped data took 155 ms, 1.98x the typer baseline against a 2x budget: 8 ms
importing rich.table, and 12.5 ms drawing, each cell rendered through
Padding, cropped and shaped; drawn here, 5.6 ms and no import, 1.78x
(`make bench`, 2026-12-03, 2-core machine; at 10,000 positions 2.88x to 2.63x).

rich is imported inside the functions, as everywhere in posttrack: this
module is imported only when a table is drawn, never at start-up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from posttrack.output.columns import DATE_CAPTION

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions
    from rich.segment import Segment
    from rich.text import Text

# a wrapping column narrows to its longest word, but not below this while it has
# more to show: 8 cells still hold most words whole
FOLD_FLOOR = 8
# a ratio column (diff's sides, a sentence or two) is prose: below this many cells
# a line holds two or three words, and the stacked layout reads better
PROSE_FLOOR = 16
# and above this many cells a wrapping column's lines are no longer read at a glance
PROSE_CAP = 72
# what a table tries, in turn, before it is stacked: ratio columns as wide as
# this while the other columns, ids whole, narrow beside them; then ids wrapped
# at their spaces (stage 1) and broken after their hyphens (stage 2)
_ATTEMPTS = ((32, 0), (24, 0), (PROSE_FLOOR, 0), (PROSE_FLOOR, 1), (PROSE_FLOOR, 2))
# a stacked record's lines after the first are indented this much
STACK_INDENT = 2

# a word, with the spaces a line starts with: rich keeps those, in its first word
_WORD = re.compile(r"^[^\S\n]*\S+|\S+", re.MULTILINE)
# where an id may break: after a space, or after a hyphen with more to come
_ID_PIECE = re.compile(r"\s*[^\s-]*-+(?=[^\s-])|\s*\S+|\s+")
# a date that needs the legend: `2020?`, `2021-12~`
_QUALIFIED_DATE = re.compile(r"\b\d{4}(?:-\d\d){0,2}[?~]")


class Column(NamedTuple):
    """A table's column: its header, and how its cells are styled, wrapped and sized."""

    header: str
    style: str = ""
    no_wrap: bool = False  # an id or a date: kept whole while the table can afford it
    min_width: int | None = None  # while no column must narrow
    right: bool = False  # right-justified (numbers)
    ratio: int | None = None  # shares the room left over with the other ratio columns


def _measure() -> Callable[[str], int]:
    from rich.cells import cell_len

    def cells(text: str) -> int:
        return len(text) if text.isascii() else cell_len(text)

    return cells


class _Sizes(NamedTuple):
    """What a column's cells need: whole lines, whole words, whole hyphen pieces."""

    natural: int  # the widest line
    word: int  # the widest word (what no column goes below)
    piece: int  # the widest piece of a word broken after its hyphens


def _sizes(texts: Sequence[str], cells: Callable[[str], int]) -> _Sizes:
    natural = word = piece = 0
    for text in texts:
        for line in text.split("\n"):
            natural = max(natural, cells(line))
        for found in _WORD.finditer(text):
            token = found.group()
            size = cells(token)
            word = max(word, size)
            if size > piece:
                piece = max(piece, *(cells(p.rstrip()) for p in _ID_PIECE.findall(token)))
    return _Sizes(natural, word, piece)


def _squeeze(wanted: list[int], floors: list[int], room: int) -> list[int] | None:
    """The widths, narrowed widest first (never below their floors) to fit `room`;
    None if the floors alone do not fit."""
    if sum(wanted) <= room:
        return wanted
    floors = [min(f, w) for f, w in zip(floors, wanted, strict=True)]
    if sum(floors) > room:
        return None

    def at(level: int) -> list[int]:
        return [max(f, min(w, level)) for f, w in zip(floors, wanted, strict=True)]

    low, high = 0, max(wanted)  # the highest level at which the columns fit
    while low < high:
        middle = (low + high + 1) // 2
        if sum(at(middle)) <= room:
            low = middle
        else:
            high = middle - 1
    widths = at(low)
    spare = room - sum(widths)
    for index, width in enumerate(widths):  # the cells a level cannot share evenly
        if spare and width == low < wanted[index]:
            widths[index] += 1
            spare -= 1
    return widths


def widths(
    columns: Sequence[Column], rows: Sequence[Sequence[Text]], room: int
) -> list[int] | None:
    """Each column's width in a table with `room` cells of content, or None where
    the table would split a word: it is then stacked (the module's docstring)."""
    planned = _plan(columns, rows, room)
    return None if planned is None else planned[0]


def _plan(
    columns: Sequence[Column], rows: Sequence[Sequence[Text]], room: int
) -> tuple[list[int], list[_Sizes]] | None:
    """The columns' widths, and what their cells need."""
    cells = _measure()
    sizes = [
        _sizes([column.header, *(row[index].plain for row in rows)], cells)
        for index, column in enumerate(columns)
    ]
    ratio = [index for index, column in enumerate(columns) if column.ratio]
    others = [index for index in range(len(columns)) if index not in ratio]
    # prose no wider than PROSE_CAP, ids and dates whole
    natural = [
        sizes[i].natural
        if columns[i].no_wrap
        else min(sizes[i].natural, max(PROSE_CAP, sizes[i].word))
        for i in others
    ]
    widened = [max(n, columns[i].min_width or 0) for n, i in zip(natural, others, strict=True)]
    shown: list[int] | None = None
    for prose_floor, stage in _ATTEMPTS:
        if not ratio and prose_floor != PROSE_FLOOR:
            continue  # no prose columns to make room for
        # the ratio columns claim their floor first; the others fit beside them
        prose = {i: min(sizes[i].natural, max(sizes[i].word, prose_floor)) for i in ratio}
        beside = room - sum(prose.values())
        # min_width holds while nothing narrows
        wanted = widened if sum(widened) <= beside else natural
        floors = []
        for i in others:
            size = sizes[i]
            if not columns[i].no_wrap:
                floors.append(min(size.natural, max(size.word, FOLD_FLOOR)))
            else:  # whole, then wrapped at spaces, then broken after hyphens
                floors.append((size.natural, size.word, size.piece)[stage])
        shown = _squeeze(wanted, [max(f, 1) for f in floors], beside)
        if shown is not None:
            break
    if shown is None:
        return None
    result = [0] * len(columns)
    for i, width in zip(others, shown, strict=True):
        result[i] = width
    if ratio:
        for i, width in _shares(ratio, columns, prose, room - sum(shown)).items():
            result[i] = width
    return result, sizes


def _shares(
    ratio: list[int], columns: Sequence[Column], floors: dict[int, int], spare: int
) -> dict[int, int]:
    """The spare cells shared by the ratio columns in their ratios, none below its
    floor (which the spare cells hold) nor above `PROSE_CAP`."""
    shares: dict[int, int] = {}
    open_ = list(ratio)
    while open_:
        weights = sum(columns[i].ratio or 0 for i in open_)
        due = {i: spare * (columns[i].ratio or 0) // weights for i in open_}
        short = [i for i in open_ if due[i] < floors[i]]
        if not short:
            due[open_[0]] += spare - sum(due.values())  # what does not divide evenly
            shares.update(due)
            break
        for i in short:  # held at its floor; the others share the rest
            shares[i] = floors[i]
            spare -= floors[i]
            open_.remove(i)
    return {i: min(width, max(floors[i], PROSE_CAP)) for i, width in shares.items()}


def _break_at_hyphens(text: Text, width: int, cells: Callable[[str], int]) -> Text:
    """The text with a line break wherever a line would be wider than `width`:
    at a space or after a hyphen; inside a piece only if it alone is wider."""
    from rich.cells import chop_cells
    from rich.text import Text

    plain = text.plain
    cuts: list[tuple[int, int]] = []  # (where a line ends, where the next starts)
    base = 0
    for line in plain.split("\n"):
        used = 0
        for found in _ID_PIECE.finditer(line):
            piece = found.group()
            start = base + found.start()
            size = cells(piece)
            if used and used + size <= width:
                used += size
                continue
            if used:  # the piece starts a line, without the space before it
                lead = len(piece) - len(piece.lstrip())
                piece, start = piece[lead:], start + lead
                cuts.append((start - lead, start))
                size = cells(piece)
            used = size
            while used > width:  # a piece wider than a line is folded
                head = chop_cells(piece, width)[0]
                if not head or head == piece:
                    break
                start += len(head)
                cuts.append((start, start))
                piece = piece[len(head) :]
                used = cells(piece)
        base += len(line) + 1
    if not cuts:
        return text
    lines: list[Text] = []
    begin = 0
    for end, after in cuts:
        lines.append(text[begin:end])
        begin = after
    lines.append(text[begin:])
    return Text("\n").join(lines)


def _legend_needed(caption: Text | None, rows: Sequence[Sequence[Text]]) -> Text | None:
    """The caption, less the date legend where no cell shows a `?` or `~` date."""
    if caption is None or not caption.plain.endswith(DATE_CAPTION):
        return caption
    if any(_QUALIFIED_DATE.search(cell.plain) for row in rows for cell in row):
        return caption
    kept = caption.plain[: -len(DATE_CAPTION)].rstrip("\n")  # and the blank line before it
    return caption[: len(kept)] if kept else None


def table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Text]],
    width: int,
    *,
    title: Text | None = None,
    caption: Text | None = None,
    separate_rows: bool = False,
) -> Drawn | Stacked:
    """A rich renderable of the rows that fits `width` cells and splits no word:
    a table, or below a usable width the records stacked; cells are Text, never markup."""
    from rich.text import Text

    caption = _legend_needed(caption, rows)
    room = width - 3 * len(columns) - 1  # each column's padding and the box's edges
    planned = _plan(columns, rows, room)
    if planned is None:
        return Stacked(columns, rows, title=title, caption=caption)
    sized, needs = planned
    cells = _measure()
    headers = []
    broken = []
    for index, (column, size) in enumerate(zip(columns, sized, strict=True)):
        header = Text(column.header)
        if size < needs[index].word:  # an id narrower than itself: broken after hyphens
            header = _break_at_hyphens(header, size, cells)
            broken.append(index)
        headers.append(header)
    shown = []
    for row in rows:
        cells_shown = list(row)
        for index in broken:
            cells_shown[index] = _break_at_hyphens(row[index], sized[index], cells)
        shown.append(cells_shown)
    return Drawn(
        columns, headers, shown, sized, title=title, caption=caption, separate_rows=separate_rows
    )


def write(console: Console, drawn: Drawn | Stacked) -> None:
    """The table on the console. A drawn table is as wide as its plan, which fits
    the console, so rich is spared cropping each line to it; a stacked record is
    cropped should a line not fit (a console of a cell or two)."""
    console.print(drawn, crop=isinstance(drawn, Stacked))


class Drawn:
    """A table drawn as rich's `Table(box=SIMPLE_HEAD)` draws it with these column
    widths: a bold header row (bottom-aligned) and a rule under it, each cell
    padded by a space on either side, a blank line at the top and the bottom (and
    between rows with `separate_rows`), the title above and the caption below,
    wrapped to the table's width. A test holds the two to the same characters
    in the same styles; why posttrack draws it is in the module's docstring.
    """

    def __init__(
        self,
        columns: Sequence[Column],
        headers: Sequence[Text],
        rows: Sequence[Sequence[Text]],
        widths: Sequence[int],
        *,
        title: Text | None,
        caption: Text | None,
        separate_rows: bool,
    ) -> None:
        self.columns, self.headers, self.rows, self.widths = columns, headers, rows, widths
        self.title, self.caption, self.separate_rows = title, caption, separate_rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        from rich.segment import Segment

        from posttrack.output.layout import Page

        page = Page(console)
        widths = self.widths
        total = sum(widths) + 3 * len(widths) + 1
        new_line = Segment.line()
        blank = [Segment(" " * total), new_line]
        bold = page.style("bold")
        styles = [page.style(c.style) if c.style else None for c in self.columns]

        def annotation(text: Text) -> Iterator[Segment]:
            for line in page.wrap(text, total):
                yield from line.segments
                if line.cells < total:
                    yield Segment(" " * (total - line.cells))
                yield new_line

        def row(texts: Sequence[Text], header: bool) -> Iterator[Segment]:
            drawn = [
                self._cell(page, text, width, bold if header else style, column.right)
                for text, width, style, column in zip(
                    texts, widths, styles, self.columns, strict=True
                )
            ]
            height = max(len(lines) for lines in drawn)
            for index, lines in enumerate(drawn):
                filler = [Segment(" " * (widths[index] + 2), bold if header else styles[index])]
                missing = [filler] * (height - len(lines))
                drawn[index] = missing + lines if header else lines + missing
            for number in range(height):
                yield Segment(" ")
                for index, lines in enumerate(drawn):
                    if index:
                        yield Segment(" ")
                    yield from lines[number]
                yield Segment(" ")
                yield new_line

        if self.title:  # an empty one, as rich has it, is no line at all
            yield from annotation(self.title)
        yield from blank
        yield from row(self.headers, True)
        yield Segment(" " + "─" * (total - 2) + " ")
        yield new_line
        for number, texts in enumerate(self.rows):
            if number and self.separate_rows:
                yield from blank
            yield from row(texts, False)
        yield from blank
        if self.caption:
            yield from annotation(self.caption)

    @staticmethod
    def _cell(page: Any, text: Text, width: int, base: Any, right: bool) -> list[list[Segment]]:
        """The cell's lines, each padded to the column's width and by a space on
        either side, in the column's style beneath the text's own."""
        from rich.segment import Segment

        edge = Segment(" ", base)
        drawn = []
        for line in page.wrap(text, width):
            segments = line.segments
            if base is not None:
                segments = [Segment(s.text, base + s.style if s.style else base) for s in segments]
            if line.cells < width:
                pad = Segment(" " * (width - line.cells), base)
                segments = [pad, *segments] if right else [*segments, pad]
            drawn.append([edge, *segments, edge])
        return drawn


class Stacked:
    """Records too wide for a table at this width, one `header: value` line per
    column, a blank line between records; an id breaks after its hyphens."""

    def __init__(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[Text]],
        *,
        title: Text | None = None,
        caption: Text | None = None,
    ) -> None:
        self.columns, self.rows, self.title, self.caption = columns, rows, title, caption

    def _texts(self) -> Iterator[tuple[Text | None, bool, int]]:
        """Each paragraph (None: a blank line), whether it breaks after hyphens,
        and how far its lines after the first are indented."""
        from rich.text import Text

        if self.title is not None:
            yield self.title, False, 0
            yield None, False, 0
        for number, row in enumerate(self.rows):
            if number:
                yield None, False, 0
            for column, value in zip(self.columns, row, strict=True):
                line = Text(f"{column.header}: ", "bold")
                styled = value.copy()
                if column.style:
                    styled.stylize_before(column.style)
                line.append_text(styled)
                yield line, column.no_wrap, STACK_INDENT
        if self.caption is not None:
            yield None, False, 0
            yield self.caption, False, 0

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        from rich.segment import Segment

        from posttrack.output.layout import Page

        page = Page(console)
        cells = _measure()
        for paragraph, hyphens, indent in self._texts():
            if paragraph is None:
                yield Segment.line()
                continue
            # every line of a record as wide as its continuation lines: the first
            # holds the header, the others the indent
            room = max(options.max_width - indent, 1)
            text = _break_at_hyphens(paragraph, room, cells) if hyphens else paragraph
            for number, line in enumerate(page.wrap(text, room)):
                if number and indent:
                    yield Segment(" " * indent)
                yield from line.segments
                yield Segment.line()
