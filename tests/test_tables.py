"""Tables for people (listings and diff's side-by-side table), drawn as rich's Table draws them:
they fit the terminal, split no word or id, stack their records when too narrow,
keep their look, and never read data as markup."""

from __future__ import annotations

import io
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from conftest import SHIPPED, Result, rewrite
from posttrack.output import columns, tables
from posttrack.output.escape import safe
from posttrack.output.formats import Column, Format, Listing, write_listing
from posttrack.output.views import write_diff_table

# words and runs of spaces, with wide (CJK, emoji) and combining characters
WORDS = st.lists(
    st.one_of(
        st.text(alphabet="abcdefghij-,.;", min_size=1, max_size=30),
        st.text(alphabet="漢字テキスト😀é\u0301", min_size=1, max_size=12),
        st.sampled_from([" ", "  ", "   "]),
    ),
    max_size=20,
).map("".join)
# ids: words that may break after a hyphen, never inside
IDS = st.text(alphabet="abcdefxyz-", min_size=1, max_size=40)
WIDTHS = st.integers(min_value=30, max_value=200)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@contextmanager
def _width(width: int) -> Iterator[None]:
    with mock.patch.dict(os.environ, {"COLUMNS": str(width)}):
        yield


_ANSI = re.compile(r"\x1b\[([0-9;]*)m")


def _listing_table(listing: Listing, width: int, *, no_color: bool = True) -> str:
    """The table as a terminal shows it; with `no_color`, without its (bold, dim) styles."""
    stream = _Terminal()
    with _width(width):
        write_listing(listing, Format.table, stream, no_color=no_color)
    return _ANSI.sub("", stream.getvalue()) if no_color else stream.getvalue()


def _diff_table(document: dict[str, Any], width: int, *, quotes: bool = False) -> str:
    stream = _Terminal()
    with _width(width):
        write_diff_table(document, stream, no_color=True, quotes=quotes)
    return _ANSI.sub("", stream.getvalue())


def _letters(*texts: str) -> Counter[str]:
    """Every character but spaces and the rule's, counted: what a crop or an ellipsis changes."""
    return Counter(c for text in texts for c in text if not c.isspace() and c != "─")


def _fits(out: str, width: int) -> None:
    assert all(cell_len(line) <= width for line in out.splitlines())


TITLE_COLUMNS = [c for c in columns.TOPIC_COLUMNS if c.table]


def _topics(rows: list[tuple[str, str, str]]) -> Listing:
    records = [
        {"id": i, "title": t, "positions": n, "first": "2020", "last": "2024-07-11", "aliases": a}
        for i, (t, a, n) in enumerate(rows)
        for i in [f"topic-{i}"]
    ]
    return Listing("topics", records, columns.TOPIC_COLUMNS, title="Topics", caption="a caption")


def _stacked(out: str) -> bool:
    """Whether the records are stacked (`header: value` lines), not in a table."""
    return "─" not in out


def _expected(out: str, headers: list[str], cells: list[list[str]], *around: str) -> Counter[str]:
    """The characters a table (or its stacked records) must show: a stacked record
    repeats the headers, each with a colon."""
    if not _stacked(out):
        return _letters(*around, *headers, *(c for row in cells for c in row))
    return _letters(
        *around, *(f"{h}:{c}" for row in cells for h, c in zip(headers, row, strict=True))
    )


def _whole(out: str, width: int, words: list[str], ids: list[str]) -> None:
    """No word split unless it alone is wider than a line, no id split but after a
    hyphen: each appears whole on one line (a stacked record's lines are the narrowest)."""
    lines = out.splitlines()
    room = width - tables.STACK_INDENT
    for word in (w for text in words for w in text.split()):
        if cell_len(word) <= room:
            assert any(word in line for line in lines), word
    for identifier in ids:
        for piece in re.findall(r"[^-]*-+(?=[^-])|[^-]+", identifier):
            if cell_len(piece) <= room:
                assert any(piece in line for line in lines), (identifier, piece)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(IDS, WORDS, WORDS, st.integers(0, 10**6)), min_size=1, max_size=4), WIDTHS
)
def test_a_listing_fits_its_terminal_and_splits_no_word_or_id(
    rows: list[tuple[str, str, str, int]], width: int
) -> None:
    listing = _topics([(t, a, str(n)) for _, t, a, n in rows])
    for record, (identifier, *_) in zip(listing.records, rows, strict=True):
        record["id"] = identifier
    out = _listing_table(listing, width)
    _fits(out, width)
    shown = [[safe(c.human(r)) for c in TITLE_COLUMNS] for r in listing.records]
    headers = [c.header for c in TITLE_COLUMNS]
    assert _letters(out) == _expected(out, headers, shown, "Topics", "a caption")
    _whole(
        out, width, [t for _, t, a, _ in rows] + [a for _, t, a, _ in rows], [r[0] for r in rows]
    )


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(WORDS, WORDS, WORDS), min_size=1, max_size=3), WIDTHS)
def test_export_with_its_many_columns_fits_and_splits_no_word(
    rows: list[tuple[str, str, str]], width: int
) -> None:
    records = [
        {"topic": f"topic-{n}", "date": "2021-12-13", "source": s, "level": 3, "stance": t}
        | {"quotes": [{"quote": "", "where": w, "line": None}]}
        for n, (s, t, w) in enumerate(rows)
    ]
    listing = Listing("positions", records, columns.EXPORT_POSITION_COLUMNS)
    out = _listing_table(listing, width)
    _fits(out, width)
    shown = [c for c in columns.EXPORT_POSITION_COLUMNS if c.table]
    cells = [[safe(c.human(r)) for c in shown] for r in records]
    assert _letters(out) == _expected(out, [c.header for c in shown], cells)
    _whole(out, width, [w for row in rows for w in row], [f"topic-{n}" for n in range(len(rows))])


def _side(date: str, stance: str, voice: str = "primary", quote: str = "") -> dict[str, Any]:
    quotes = [{"text": quote, "where": "para 2"}] if quote else []
    record = {"date": date, "level": 2, "scale_max": 4, "stance": stance, "voice": voice}
    return record | {"quotes": quotes}


def _document(rows: list[tuple[str, str, str]], carried: bool = False) -> dict[str, Any]:
    changes = []
    for number, (before, after, quote) in enumerate(rows):
        ops = [{"op": "delete", "text": before}, {"op": "insert", "text": after}]
        changes.append(
            {
                "topic": f"topic-{number}",
                "change": "changed",
                "from": _side("2020", before, quote=quote),
                "to": _side("2024-07-11", after, "secondary", quote),
                "carried_forward": carried,
                "stance_diff": ops,
            }
        )
    return {"from": "2020", "to": "2024", "changes": changes}


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(WORDS, WORDS, WORDS), min_size=1, max_size=3), WIDTHS, st.booleans())
def test_the_diff_table_fits_its_terminal_and_splits_no_word(
    rows: list[tuple[str, str, str]], width: int, quotes: bool
) -> None:
    out = _diff_table(_document(rows, carried=True), width, quotes=quotes)
    _fits(out, width)
    # as shown: without colour (NO_COLOR) removed and added words are marked
    words = [f"[-{before}-] {{+{after}+}}" for before, after, _ in rows]
    words += [f"“{quote}” para 2" for _, _, quote in rows if quotes and quote]
    words += ["changed", "not restated;", "stated 2024-07-11"] * len(rows)
    words += ["Positions as of 2020 and as of 2024", "topic", "as of 2020", "as of 2024"]
    words += ["change", "(secondary)"]
    missing = _letters(*words, *(f"topic-{n}" for n in range(len(rows)))) - _letters(out)
    assert not missing
    assert "…" not in out
    _whole(out, width, words, [f"topic-{n}" for n in range(len(rows))])


ROWS = [("Binding instrument", "treaty; convention", "5"), ("Norms", "rules", "12")]


def _lines(out: str) -> list[str]:
    return [line.rstrip() for line in out.splitlines()]


def test_a_listing_looks_like_a_simple_head_box() -> None:
    lines = _lines(_listing_table(_topics(ROWS), 100))
    assert lines[0] == "Topics"
    header = lines[2]
    assert header.split() == ["id", "title", "n", "dates", "aliases"]
    assert set(lines[3].strip()) == {"─"}  # a rule under the headers
    assert lines[-1] == "a caption"
    first, second = lines[4], lines[5]
    # numbers right-justified under their header
    assert first.index("5") == second.index("12") + 1 == header.index("n")
    assert header.index("aliases") - header.index("title") >= 18  # title's min_width
    assert "topic-0" in first  # a no_wrap column whole


def _styled(out: str) -> dict[str, set[str]]:
    """Each run of text drawn in colour, stripped, with the SGR codes it was drawn in."""
    runs: dict[str, set[str]] = {}
    codes: set[str] = set()
    for index, part in enumerate(_ANSI.split(out)):
        if index % 2:
            codes = set() if part in ("", "0") else codes | set(part.split(";"))
        elif part.strip():
            runs.setdefault(part.strip(), set()).update(codes)
    return runs


def test_headers_are_bold_the_title_bold_and_the_caption_dim_italic(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "xterm-256color")
    out = _listing_table(_topics(ROWS), 100, no_color=False)
    runs = _styled(out)
    for header in ("id", "title", "n", "dates", "aliases"):
        assert "1" in runs[header]
    assert "1" in runs["Topics"]
    assert {"2", "3"} <= runs["a caption"]
    assert "36" in runs["topic-0"]  # the id column's style: bold cyan
    assert "─" * 20 in out


def test_data_that_looks_like_markup_shows_as_it_is() -> None:
    hostile = "[bold]x[/] :smile: [link=http://e.x]y[/link]"
    listing = _topics([(hostile, hostile, "1")])._replace(title=hostile, caption=hostile)
    out = _listing_table(listing, 160)
    assert out.count(hostile) == 4  # title, caption and two cells
    assert "😄" not in out
    document = _document([(hostile, ":smile:", "")])
    document["to"] = "[bold]2024[/]"
    diffed = _diff_table(document, 160)
    assert hostile in diffed
    assert ":smile:" in diffed
    assert "as of [bold]2024[/]" in diffed  # a header from the data
    assert "😄" not in diffed


def test_the_diff_tables_two_sides_share_the_width() -> None:
    out = _diff_table(_document([("short", "a somewhat longer stance than the other", "")]), 100)
    header = next(line for line in out.splitlines() if "topic" in line)
    start, end, change = (header.index(h) for h in ("as of 2020", "as of 2024", "change"))
    assert abs((end - start) - (change - end)) <= 1
    rule = next(line for line in out.splitlines() if "─" in line)
    assert cell_len(rule.rstrip()) == 99  # the table fills the terminal


def test_diff_quotes_put_a_blank_line_between_rows() -> None:
    document = _document([("one", "two", "a quote"), ("three", "four", "another")])
    body = _lines(_diff_table(document, 100, quotes=True))
    second = next(i for i, line in enumerate(body) if "topic-1" in line)
    assert body[second - 1] == ""
    assert any("“a quote” para 2" in line for line in body)
    plain = _lines(_diff_table(document, 100))
    second = next(i for i, line in enumerate(plain) if "topic-1" in line)
    assert plain[second - 1].strip()  # without quotes, rows follow one another


NARROW = [
    tables.Column("id", no_wrap=True),
    tables.Column("stance", min_width=30),
    tables.Column("n", right=True),
]


def _rows() -> list[list[Any]]:
    from rich.text import Text

    return [[Text("binding-instrument"), Text("A legally binding instrument"), Text("5")]]


def test_min_width_holds_only_while_no_column_must_narrow() -> None:
    assert tables.widths(NARROW, _rows(), 60) == [18, 30, 1]
    assert tables.widths(NARROW, _rows(), 40) == [18, 21, 1]


def test_prose_narrows_to_its_longest_word_before_an_id_breaks() -> None:
    assert tables.widths(NARROW, _rows(), 30) == [18, 11, 1]
    assert tables.widths(NARROW, _rows(), 29) == [18, 10, 1]  # "instrument", whole
    # then the id breaks after its hyphen, never inside a word
    assert tables.widths(NARROW, _rows(), 25) == [12, 12, 1]
    # 10 + 10 + 1 cells do not fit 20: the records are stacked
    assert tables.widths(NARROW, _rows(), 20) is None


def test_an_id_breaks_after_its_hyphens_and_a_date_at_its_spaces() -> None:
    columns_ = [Column("id", "id", no_wrap=True), Column("dates", "dates", no_wrap=True)]
    record = {"id": "critical-infrastructure-protection", "dates": "2020? – 2024-07-11"}
    listing = Listing("rows", [record], columns_)
    assert _lines(_listing_table(listing, 60))[3].split() == [
        record["id"],
        *record["dates"].split(),
    ]
    lines = _lines(_listing_table(listing, 36))
    assert [line.split() for line in lines[3:6]] == [
        ["critical-", "2020?", "–"],
        ["infrastructure-", "2024-07-11"],
        ["protection"],
    ]
    lines = _lines(_listing_table(listing, 30))  # a date too breaks after a hyphen now
    assert [line.split() for line in lines[3:6]] == [
        ["critical-", "2020?", "–"],
        ["infrastructure-", "2024-07-"],
        ["protection", "11"],
    ]


def test_below_a_usable_width_each_record_is_stacked() -> None:
    listing = _topics([("Binding instrument and the norms", "treaty; convention", "5")])
    listing.records[0]["id"] = "binding-instrument"
    lines = _lines(_listing_table(listing, 30))
    assert lines == [
        "Topics",
        "",
        "id: binding-instrument",
        "title: Binding instrument",
        "  and the norms",
        "n: 5",
        "dates: 2020 – 2024-07-11",
        "aliases: treaty; convention",
        "",
        "a caption",
    ]


def test_a_stacked_id_wider_than_a_line_breaks_after_its_hyphens() -> None:
    listing = _topics([("Title", "alias", "1")])
    listing.records[0]["id"] = "confidence-building-measures-and-points-of-contact"
    lines = _lines(_listing_table(listing, 32))
    assert lines[2:4] == ["id: confidence-building-", "  measures-and-points-of-contact"]
    assert max(map(len, lines)) <= 32


def test_a_topic_too_long_for_a_line_is_folded_not_cropped() -> None:
    listing = _topics([("Title", "alias", "1")])
    listing.records[0]["id"] = "x" * 150  # a no_wrap column wider than the terminal
    out = _listing_table(listing, 60)
    _fits(out, 60)
    assert out.count("x") == 150


def test_the_table_columns_are_the_listings_table_columns() -> None:
    """Columns left out of the table (`table=False`) stay out of it."""
    hidden = [Column("secret", "secret", table=False)]
    listing = Listing("rows", [{"id": "a", "secret": "hidden"}], [Column("id", "id"), *hidden])
    out = _listing_table(listing, 80)
    assert "hidden" not in out
    assert "a" in out


def test_the_shipped_diff_at_80_columns_splits_no_word(
    cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`diff 2020 2024 -f table` at 80 columns printed "comprehens/ive"."""
    document = json.loads(cli("diff", "2020", "2024", "-f", "json", "--data", str(SHIPPED)).out)
    monkeypatch.setenv("COLUMNS", "80")
    result = cli("diff", "2020", "2024", "-f", "table", "--data", str(SHIPPED))
    assert result.code == 0
    _fits(result.out, 80)
    lines = result.out.splitlines()
    stances = [c[side]["stance"] for c in document["changes"] for side in ("from", "to") if c[side]]
    words = {word.strip("[]{}+-") for stance in stances for word in stance.split()}
    assert {"comprehensive", "international"} <= words
    for word in words:
        assert any(word in line for line in lines), word
    for change in document["changes"]:  # an id whole, or broken after a hyphen
        pieces = re.findall(r"[^-]+-?", change["topic"])
        assert all(any(piece in line for line in lines) for piece in pieces), change["topic"]


def _word_diff(width: int = 100, *, no_color: bool = False) -> str:
    document = _document([("binding rules", "a comprehensive framework", "")])
    document["changes"][0]["stance_diff"] = [
        {"op": "equal", "text": "a"},
        {"op": "delete", "text": "binding rules"},
        {"op": "insert", "text": "comprehensive framework"},
    ]
    stream = _Terminal()
    with _width(width):
        write_diff_table(document, stream, no_color=no_color, quotes=False)
    return stream.getvalue()


def test_without_colour_removed_and_added_words_are_marked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for marked in (
        _ANSI.sub("", _word_diff()),  # NO_COLOR, the tests' default: bold still
        _ANSI.sub("", _word_diff(no_color=True)),  # --no-color
    ):
        assert "[-binding rules-]" in marked
        assert "{+comprehensive framework+}" in marked
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "xterm-256color")
    coloured = _word_diff()
    assert "[-" not in coloured
    assert "{+" not in coloured
    runs = _styled(coloured)
    assert {"9", "31"} <= runs["binding rules"]  # struck through, red
    assert "32" in runs["comprehensive framework"]  # green
    monkeypatch.setenv("TERM", "dumb")
    dumb = _word_diff()  # rich draws a dumb terminal 80 columns wide
    assert "[-binding rules-]" in dumb
    assert "{+comprehensive" in dumb
    assert "framework+}" in dumb


def test_the_date_legend_only_under_a_date_that_needs_it(
    cli: Callable[..., Result], dataset_copy: Callable[..., Path]
) -> None:
    for command in ("topics", "sources"):
        out = cli(command, "-f", "table").out
        assert "2020?" in out
        assert columns.DATE_CAPTION in out
    data = dataset_copy()
    rewrite(data, '"2020?"', '"2020"')
    for command in ("topics", "sources"):
        result = cli(command, "-f", "table", "--data", str(data))
        assert result.code == 0
        assert "?" not in result.out
        assert "uncertain" not in result.out
        assert result.out.rstrip().splitlines()[-1].strip()  # no blank caption left


def test_the_legend_goes_but_the_coverage_note_stays() -> None:
    from rich.text import Text

    rows = [[Text("2021-12-13")]]
    note = "Covers 2020 to 2024."
    caption = Text(note + "\n\n" + columns.DATE_CAPTION)
    assert tables._legend_needed(caption, rows).plain == note  # type: ignore[union-attr]
    assert tables._legend_needed(caption, [[Text("2020~")]]) is caption
    assert tables._legend_needed(Text(columns.DATE_CAPTION), rows) is None


def test_prose_columns_stop_at_a_readable_width() -> None:
    from rich.text import Text

    prose = "a sentence that runs on " * 20
    rows = [[Text("binding-instrument"), Text(prose), Text("5")]]
    assert tables.widths(NARROW, rows, 240) == [18, tables.PROSE_CAP, 1]
    diff = [tables.Column("topic", no_wrap=True), tables.Column("a", ratio=1)]
    diff.append(tables.Column("b", ratio=1))
    rows = [[Text("binding-instrument"), Text(prose), Text(prose)]]
    assert tables.widths(diff, rows, 240) == [18, tables.PROSE_CAP, tables.PROSE_CAP]
    assert tables.widths(diff, rows, 100) == [18, 41, 41]  # below the cap, the room shared


# styles as the tables use them, and some that show on spaces
STYLES = st.sampled_from(
    ["", "bold", "dim italic", "cyan", "red strike", "bold green", "underline"]
)
STYLED = st.lists(st.tuples(WORDS, STYLES), min_size=1, max_size=4)


def _text(pieces: list[tuple[str, str]], base: str = "") -> Any:
    from rich.text import Text

    text = Text(style=base)
    for words, style in pieces:
        text.append(words, style)
    return text


def _rich_table(drawn: tables.Drawn) -> Any:
    """The same table as rich's Table draws it, with the same widths."""
    from rich import box
    from rich.table import Table

    reference = Table(
        title=drawn.title,
        title_justify="left",
        caption=drawn.caption,
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        header_style="bold",
        show_lines=drawn.separate_rows,
    )
    for column, header, width in zip(drawn.columns, drawn.headers, drawn.widths, strict=True):
        reference.add_column(
            header,
            style=column.style or None,
            width=width,
            justify="right" if column.right else "left",
            overflow="fold",
        )
    for row in drawn.rows:
        reference.add_row(*row)
    return reference


def _screen(renderable: Any, width: int) -> list[list[tuple[str, Any]]]:
    """Each line as a terminal shows it: every character with its style; a space's
    style is left out (strike or underline on the spaces a line ends with is where
    rich and posttrack differ: rich keeps a styled space before a break, posttrack
    drops it), and so are the spaces a line ends with."""
    from rich.console import Console
    from rich.segment import Segment

    console = Console(width=width, color_system="truecolor", force_terminal=True)
    shown = []
    for line in Segment.split_lines(console.render(renderable, console.options)):
        cells = [
            (char, None if char == " " else segment.style or None)
            for segment in line
            for char in segment.text
        ]
        while cells and cells[-1] == (" ", None):
            cells.pop()
        shown.append(cells)
    while shown and not shown[-1]:
        shown.pop()
    return shown


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(IDS, STYLED, STYLED, st.integers(0, 10**6)), max_size=4),
    st.integers(min_value=30, max_value=160),
    st.booleans(),
    STYLED,
)
def test_a_table_is_drawn_as_richs_table_draws_it(
    rows: list[tuple[str, list[tuple[str, str]], list[tuple[str, str]], int]],
    width: int,
    separate: bool,
    title: list[tuple[str, str]],
) -> None:
    """posttrack draws its tables itself (tables.Drawn) for speed; they are the
    characters, in the styles, that rich's Table(box=SIMPLE_HEAD) draws with the
    same column widths: the same wrapping, padding, alignment, rule and captions."""
    from rich.text import Text

    columns = [
        tables.Column("topic id", style="cyan", no_wrap=True),
        tables.Column("as of 2020", ratio=1),
        tables.Column("as of the end", ratio=1),
        tables.Column("quotes in all", right=True, style="bold red strike"),
    ]
    texts = [
        [Text(identifier), _text(before), _text(after, "dim italic"), Text(str(n))]
        for identifier, before, after, n in rows
    ]
    drawn = tables.table(
        columns,
        texts,
        width,
        title=_text(title, "bold"),
        caption=Text("a caption\n\nand a note", "dim italic"),
        separate_rows=separate,
    )
    if not isinstance(drawn, tables.Drawn):
        return  # stacked: drawn by posttrack alone, and tested above
    assert _screen(drawn, width) == _screen(_rich_table(drawn), width)
