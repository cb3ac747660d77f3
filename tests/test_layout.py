"""The terminal layout of show's timeline and cite's view: lines break where rich
breaks them, a long page goes out as it is made, and a long text is cut in linear work."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from conftest import SHIPPED, Result
from posttrack.output import layout

# words and runs of spaces, with wide (CJK, emoji) and combining characters
WORDS = st.lists(
    st.one_of(
        st.text(alphabet="abcdefghij-,.;", min_size=1, max_size=30),
        st.text(alphabet="漢字テキスト😀é\u0301", min_size=1, max_size=12),
        st.sampled_from([" ", "  ", "   "]),
    ),
    max_size=40,
).map("".join)


def _console(width: int, stream: io.StringIO | None = None) -> Console:
    file = stream if stream is not None else io.StringIO()
    return Console(file=file, width=width, no_color=True, markup=False, emoji=False)


def _lines(text: Text, width: int) -> list[str]:
    page = layout.Page(_console(width))
    return ["".join(s.text for s in line.segments) for line in page.wrap(text, width)]


@settings(max_examples=300, deadline=None)
@given(WORDS, st.integers(min_value=2, max_value=60))  # at 1, rich drops a wide character
def test_wrap_breaks_where_rich_breaks(plain: str, width: int) -> None:
    text = Text(plain)
    ours = _lines(text, width)
    theirs = [line.plain.rstrip() for line in text.wrap(_console(width), width)]
    assert ours == theirs
    assert all(cell_len(line) <= width for line in ours)


def test_wrap_keeps_styles_and_starts_a_line_at_each_newline() -> None:
    text = Text("bold words here\nand a second line", "italic")
    text.stylize("bold", 0, 4)
    page = layout.Page(_console(10))
    lines = page.wrap(text, 10)
    assert [line.cells for line in lines] == [10, 4, 5, 6, 4]
    assert ["".join(s.text for s in line.segments) for line in lines] == [
        "bold words",
        "here",
        "and a",
        "second",
        "line",
    ]
    bold, rest = lines[0].segments
    assert (bold.text, rest.text) == ("bold", " words")
    assert bold.style == Style(italic=True, bold=True)
    assert rest.style == Style(italic=True)


RUNS = st.lists(
    st.tuples(st.text(alphabet="ab c😀", max_size=6), st.sampled_from(["", "bold", "dim red"])),
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(RUNS, st.sampled_from(["", "italic", "cyan"]), st.booleans())
def test_segments_are_what_text_render_gives(
    runs: list[tuple[str, str]], base: str, overlap: bool
) -> None:
    text = Text(style=base)
    for words, style in runs:
        text.append(words, style or None)
    if overlap:
        text.stylize_before("underline", 0, 3)  # overlapping spans go rich's own way
    console = _console(80)
    ours = layout.Page(console)._render(text)  # the fast path under test
    # what rich prints for the text (Text.render alone leaves out the text's own style)
    options = console.options.update(no_wrap=True, overflow="ignore")
    theirs = [s for s in console.render(text, options) if s.text != "\n"]
    assert _runs(ours) == _runs(theirs)


def _runs(segments: Iterable[Segment]) -> list[tuple[str, Style | None]]:
    """Text with its style, adjacent runs of one style joined; a null style is none."""
    kept = [Segment(s.text, s.style or None) for s in segments if s.text]
    return [(s.text, s.style) for s in Segment.simplify(kept)]


def test_the_one_cell_characters_are_one_cell_for_rich() -> None:
    pattern = layout._ONE_CELL.pattern
    ranges = re.findall(r"(.)-(.)", pattern.strip("[]*"))
    chars = [chr(c) for start, end in ranges for c in range(ord(start), ord(end) + 1)]
    assert len(chars) > 1000
    assert [c for c in chars if cell_len(c) != 1] == []


def test_a_long_page_goes_out_as_it_is_made() -> None:
    stream = io.StringIO()
    page = layout.Page(_console(40, stream))
    for number in range(20_000):
        page.line(f"line {number}")
    assert stream.getvalue().startswith("line 0\nline 1\n")  # before write(): bounded memory
    page.write()
    assert stream.getvalue().splitlines()[-1] == "line 19999"


class _Counted(str):
    """A str that counts the characters copied by slicing it (and its slices)."""

    copied = 0

    def __getitem__(self, key: Any) -> _Counted:
        part = str.__getitem__(self, key)
        _Counted.copied += len(part)
        return _Counted(part)


def _copied_to_cut(size: int) -> int:
    _Counted.copied = 0
    text = _Counted(("legally binding instrument norms " * (size // 33 + 1))[:size])
    breaks = list(range(40, size, 40))
    lines = layout._cut([Segment(text, None), Segment(_Counted("tail"), None)], breaks)
    assert "".join(s.text for line in lines for s in line) == text + "tail"
    assert len(lines) == len(breaks) + 1
    return _Counted.copied


def test_a_long_text_is_cut_into_lines_in_linear_work() -> None:
    """A 4 MB stance took 91 s in a table: each break copied the rest of the text."""
    small, large = _copied_to_cut(20_000), _copied_to_cut(40_000)
    assert small <= 20_000
    assert large <= 2 * small + 100


def _widest(out: str) -> int:
    return max(cell_len(line.rstrip()) for line in out.splitlines())


@pytest.mark.parametrize(
    "args",
    [
        ("show", "binding-instrument", "-f", "table"),
        ("cite", "common heritage of mankind", "-f", "table"),
    ],
)
def test_prose_stops_at_a_readable_width_on_a_wide_terminal(
    cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    """At 250 columns a timeline's summary ran on in one line of 230 characters."""
    monkeypatch.setenv("COLUMNS", "250")
    wide = cli(*args, "--data", str(SHIPPED))
    assert wide.code == 0
    assert layout.READABLE_WIDTH - 10 < _widest(wide.out) <= layout.READABLE_WIDTH
    monkeypatch.setenv("COLUMNS", "70")  # a narrower terminal: its own width
    narrow = cli(*args, "--data", str(SHIPPED))
    assert 60 < _widest(narrow.out) <= 70
