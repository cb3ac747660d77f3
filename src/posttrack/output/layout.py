"""Where the lines break in what a person sees: wrapping, a table, a page.

rich styles and writes everything posttrack shows on a terminal; this module
only decides what goes on each line. rich's own layout (Table, Padding, Group)
measures each renderable in several passes: at 200 timeline entries that took
175 ms, more than the rest of the command, against 40 ms here in colour. So
each paragraph is rendered and wrapped once, breaking where rich's `Text.wrap`
breaks, and the lines go to the console in large batches of segments.

Imported only by render's functions for a terminal, never at start-up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from rich.cells import cell_len, chop_cells
from rich.segment import Segment, Segments
from rich.style import Style
from rich.text import Text

_WORD = re.compile(r"\s*\S+\s*")


# characters one cell wide, as rich measures them: most Latin, Greek and Cyrillic,
# general punctuation (quotes, dashes, ellipsis) and box drawing and shapes
_ONE_CELL = re.compile(
    "[\x20-\x7e\xa0-\xac\xae-\u02ff\u0370-\u0482\u2010-\u2027\u2030-\u205e\u2500-\u25fc]*"
)


def _measure(text: str) -> Callable[[str], int]:
    """How to count cells in the text and its parts: len where each character is one."""
    return len if _ONE_CELL.fullmatch(text) else cell_len


def _breaks(plain: str, width: int) -> list[int]:
    """Offsets at which to break one line of text to fit `width` cells: between
    words, and inside a word longer than a whole line (as rich folds it)."""
    cells = _measure(plain)
    breaks: list[int] = []
    used = 0
    for word in _WORD.finditer(plain):
        start, chunk = word.start(), word.group()
        size = cells(chunk.rstrip())
        if width - used >= size:
            used += cells(chunk)
        elif size > width:
            pieces = chop_cells(chunk, width)
            for piece in pieces[:-1]:
                if start:
                    breaks.append(start)
                start += len(piece)
            if start:
                breaks.append(start)
            used = cells(pieces[-1])
        elif used and start:
            breaks.append(start)
            used = cells(chunk)
    return breaks


def width_of(text: Text) -> int:
    """The widest line of the text, in cells."""
    return max(cell_len(line) for line in text.plain.split("\n"))


def _narrowest(text: Text) -> int:
    """The width below which a word would have to be folded."""
    return max((cell_len(word) for word in text.plain.split()), default=0)


class Line(NamedTuple):
    """One line of a wrapped text: its styled segments and its width in cells."""

    segments: list[Segment]
    cells: int


def _cut(segments: list[Segment], breaks: list[int]) -> list[list[Segment]]:
    """The segments of one text cut into lines at character offsets.

    Each line is sliced out of its segment once: slicing off the rest of the
    segment at every break instead copies a long text once per line.
    """
    lines: list[list[Segment]] = []
    current: list[Segment] = []
    position = 0  # where the segment starts in the text
    cuts = iter(breaks)
    cut = next(cuts, None)
    for segment in segments:
        text, style = segment.text, segment.style
        start, end = 0, position + len(text)  # start: where the rest of the segment is
        while cut is not None and end > cut:
            head = cut - position
            if head > start:
                current.append(Segment(text[start:head], style))
            lines.append(current)
            current, start = [], head
            cut = next(cuts, None)
        if start < len(text):
            current.append(Segment(text[start:], style) if start else segment)
        position = end
    lines.append(current)
    return lines


def _rstripped(segments: list[Segment]) -> Line:
    """A line without the spaces it ends with (where it was broken)."""
    while segments and not segments[-1].text.rstrip():
        segments.pop()
    if segments:
        last = segments[-1]
        segments[-1] = Segment(last.text.rstrip(), last.style)
    return Line(segments, sum(_measure(s.text)(s.text) for s in segments))


class Page:
    """Lines of styled text for one console, written in batches."""

    def __init__(self, console: Any) -> None:
        self.console = console
        self.width: int = console.width
        self.crop = False  # set when a line may be wider than the console
        self._segments: list[Segment] = []
        self._styles: dict[tuple[str | Style, str | Style], Style] = {}

    def style(self, name: str | Style) -> Style:
        return self.console.get_style(name, default=Style.null())  # type: ignore[no-any-return]

    def _render(self, text: Text) -> list[Segment]:
        """The text's segments, as `Text.render` gives them. Text built by appending
        has spans in order, none overlapping: each run's style is then the text's
        own style plus its span's, without `Text.render`'s stack of styles."""
        plain, base = text.plain, self.style(text.style) if text.style else None
        segments: list[Segment] = []
        position = 0
        for start, end, style in text.spans:
            if start < position:
                return list(text.render(self.console))  # overlapping spans: rich's way
            if start > position:
                segments.append(Segment(plain[position:start], base))
            if end > start:
                key = (text.style, style)
                combined = self._styles.get(key)
                if combined is None:
                    combined = self._styles[key] = (base or Style.null()) + self.style(style)
                segments.append(Segment(plain[start:end], combined))
            position = max(position, end)
        if position < len(plain) or not segments:
            segments.append(Segment(plain[position:], base))
        return segments

    def wrap(self, text: Text, width: int) -> list[Line]:
        """The text as lines of at most `width` cells, without trailing spaces.

        Breaks where rich's `Text.wrap` breaks: at spaces, folding a word longer
        than a line; each "\\n" starts a line. The text is rendered once and its
        segments cut, rather than each line divided and rendered on its own.
        """
        width = max(width, 1)
        lines: list[Line] = []
        for part in text.split("\n", allow_blank=True) if "\n" in text.plain else [text]:
            plain = part.plain
            fits = len(plain) <= width and _measure(plain)(plain) <= width  # else _breaks tells
            breaks = [] if fits else _breaks(plain, width)
            segments = self._render(part)
            lines.extend(_rstripped(line) for line in _cut(segments, breaks))
        return lines

    def line(self, *pieces: Line | Segment | str) -> None:
        """One line made of pieces side by side (a str is unstyled)."""
        add = self._segments.append
        for piece in pieces:
            if isinstance(piece, str):
                add(Segment(piece))
            elif isinstance(piece, Line):
                self._segments.extend(piece.segments)
            else:
                add(piece)
        add(Segment.line())
        if len(self._segments) > 20_000:  # a long page goes out as it is made
            self.write()

    def paragraph(self, text: Text, *, indent: int = 0, width: int | None = None) -> None:
        """The text wrapped to the page (or `width`), each line indented."""
        room = (self.width if width is None else width) - indent
        self.crop = self.crop or room < 1
        for line in self.wrap(text, room):
            self.line(" " * indent, line) if indent else self.line(line)

    def blank(self) -> None:
        self._segments.append(Segment.line())

    def write(self) -> None:
        # cropped to the console as rich crops what it prints, should a line not fit
        self.console.print(Segments(self._segments), crop=self.crop)
        self._segments = []


class Column(NamedTuple):
    """A table's column: its header, and how its cells are styled, wrapped and sized."""

    header: str
    style: str = ""
    no_wrap: bool = False
    min_width: int | None = None
    right: bool = False  # right-justified (numbers)
    ratio: int | None = None  # shares the room left over with the other ratio columns


def _shrink(widths: list[int], floors: list[int], excess: int) -> int:
    """Take up to `excess` cells from the widest columns first, none below its
    floor; return what could not be taken."""
    while excess > 0:
        able = [i for i, w in enumerate(widths) if w > floors[i]]
        if not able:
            break
        top = max(widths[i] for i in able)
        widest = [i for i in able if widths[i] == top]
        below = max([widths[i] for i in able if widths[i] < top] + [max(floors[i] for i in widest)])
        step = min(top - below, -(-excess // len(widest)))
        for i in widest:
            if excess > 0:
                taken = min(step, excess)
                widths[i] -= taken
                excess -= taken
    return excess


def column_widths(
    columns: Sequence[Column], rows: Sequence[Sequence[Text]], room: int
) -> list[int]:
    """Each column's width so that the table fits `room` cells of content.

    A column is as wide as its widest cell; with ratio columns the table fills
    the room, which they share. Too wide a table narrows its widest wrapping
    columns first, to their longest word, then to 8 cells, folding words; then
    any column.
    """
    natural, floors = [], []
    for index, column in enumerate(columns):
        cells = [Text(column.header), *(row[index] for row in rows)]
        widest = max(width_of(cell) for cell in cells)
        natural.append(widest)
        if column.no_wrap:
            floors.append(widest)
        else:
            floors.append(max([column.min_width or 0, *(_narrowest(cell) for cell in cells)]))
    widths = [max(n, c.min_width or 0) for n, c in zip(natural, columns, strict=True)]
    shared = [i for i, c in enumerate(columns) if c.ratio]
    if shared:
        rest = room - sum(w for i, w in enumerate(widths) if i not in shared)
        ratios = [columns[i].ratio or 0 for i in shared]
        parts = [max(rest, 0) * r // sum(ratios) for r in ratios]
        for k in range(max(rest, 0) - sum(parts)):
            parts[k % len(parts)] += 1
        for i, part in zip(shared, parts, strict=True):
            widths[i] = max(part, floors[i])
    excess = _shrink(widths, floors, sum(widths) - room)
    if excess > 0:  # fold long words in the wrapping columns, to a point
        narrow = [w if c.no_wrap else min(w, 8) for w, c in zip(widths, columns, strict=True)]
        excess = _shrink(widths, narrow, excess)
    if excess > 0:  # then fold anything
        _shrink(widths, [1] * len(widths), excess)
    return widths


def table(
    page: Page,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Text]],
    *,
    title: Text | None = None,
    caption: Text | None = None,
    separate_rows: bool = False,
) -> None:
    """A table drawn as rich's SIMPLE_HEAD box draws one: a rule under the bold
    headers, a blank line above and below, columns three spaces apart."""
    count = len(columns)
    room = page.width - 3 * count - 1
    widths = column_widths(columns, rows, room)
    page.crop = page.crop or sum(widths) > room
    inner = sum(widths) + 3 * count - 1  # from the first column's padding to the last's
    if title is not None:
        page.paragraph(title, width=inner + 2)
    page.blank()
    _row(page, columns, widths, [Text(c.header, "bold") for c in columns])
    page.line(" " + "─" * inner)
    for index, row in enumerate(rows):
        if separate_rows and index:
            page.blank()
        styled = []
        for column, cell in zip(columns, row, strict=True):
            if column.style:
                styled.append(cell.copy())
                styled[-1].stylize_before(column.style)
            else:
                styled.append(cell)
        _row(page, columns, widths, styled)
    page.blank()
    if caption is not None:
        page.paragraph(caption, width=inner + 2)


def _row(page: Page, columns: Sequence[Column], widths: list[int], cells: list[Text]) -> None:
    """One row: each cell wrapped to its column's width, their lines side by side."""
    wrapped = [page.wrap(cell, width) for cell, width in zip(cells, widths, strict=True)]
    empty = Line([], 0)
    for number in range(max(len(lines) for lines in wrapped)):
        here = [lines[number] if number < len(lines) else empty for lines in wrapped]
        # up to the last cell with text on this line: no trailing spaces
        last = max((i for i, line in enumerate(here) if line.cells), default=0)
        pieces: list[Line | str] = [" "]
        for index in range(last + 1):
            line, width = here[index], widths[index]
            gap = " " * (width - line.cells)
            pieces.append("   " if index else " ")
            if columns[index].right:
                pieces += [gap, line]
            else:
                pieces += [line] if index == last else [line, gap]
        page.line(*pieces)
