"""Where the lines break in `show`'s timeline, `cite`'s view and the tables: wrapping and a page.

rich styles and writes everything posttrack shows on a terminal; this module
only decides what goes on each line, because rich's own layout (Table, Padding,
Group) measures each renderable in several passes. `make bench`'s case shows
it: `show topic-07 -f table` at 10,000 positions (a 200-entry timeline) takes
164 ms, 2.3x the typer baseline, drawn by `Page`; drawn by rich's `Table.grid`
with a `Group` of paragraphs per entry it takes 286 ms, 4.0x, over the 3x
budget. So each paragraph is rendered and wrapped once, breaking where rich's
`Text.wrap` breaks, and the lines go to the console in large batches of
segments. Tables (`tables`) draw their cells with it too, for the same reason.

Imported only by the terminal views, never at start-up.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from rich.cells import cell_len, chop_cells
from rich.segment import Segment, Segments
from rich.style import Style
from rich.text import Text

_WORD = re.compile(r"\s*\S+\s*")

# prose is read in lines of at most this many cells, however wide the terminal:
# at 250 columns a timeline's summary ran to one line of 230 characters
READABLE_WIDTH = 100


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
    """Lines of styled text for one console, written in batches.

    Hand-written for `show`'s long timeline, which rich's layout draws over its
    budget (the module's docstring has the figures); `cite`'s view, a few short
    paragraphs a result, uses it too, for its indents and streaming write.
    """

    def __init__(self, console: Any) -> None:
        self.console = console
        self.width: int = min(console.width, READABLE_WIDTH)
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
