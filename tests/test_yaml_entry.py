"""`cite --yaml`'s quote entry: YAML that reads back as exactly the source's words
(line breaks folded), whatever they hold, and that `check` proves once pasted."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from conftest import MINI, Result
from posttrack.dataset.curate import yaml_scalar
from posttrack.dataset.load import load_dataset
from posttrack.dataset.yamlsafe import read_yaml
from posttrack.output.yaml_entry import citation_entry, folded, quote_entry
from posttrack.quotes.corpus import files_to_search
from posttrack.quotes.search import cite_all

Cli = Callable[..., Result]
BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def ruamel_load(text: str) -> Any:
    from ruamel.yaml import YAML  # YAML 1.2, as editors read it

    return YAML(typ="safe", pure=True).load(io.StringIO(text))


READERS = {
    "pyyaml": yaml.safe_load,
    "posttrack": lambda text: read_yaml(text, "entry.yaml"),
    "ruamel": ruamel_load,
}


def read_back(entry: str) -> list[dict[str, Any]]:
    """The entry as every reader reads it; they must agree."""
    found = [reader(entry) for reader in READERS.values()]
    assert found[0] == found[1] == found[2], entry
    assert isinstance(found[0], list)
    assert len(found[0]) == 1
    return found[0]


HOSTILE = [
    "Plain words, nothing more.",
    "a: b",
    "ends with a colon:",
    "text # not a comment",
    "#hash first",
    "- leading dash",
    "-leading dash",
    "? question first",
    ": colon first",
    "'single' quotes",
    '"double" quotes',
    'it\'s "both"',
    "back\\slash \\n \\u0041",
    "yes",
    "No",
    "null",
    "~",
    "true",
    "2021-12-13",
    "12:30",
    "1e3",
    "0x1F",
    ".inf",
    "0o17",
    "1_000",
    "@at",
    "`tick`",
    "%percent",
    "!tag",
    "&anchor",
    "*alias",
    "| pipe",
    "> fold",
    "[a, b]",
    "{a: b}",
    "<<",
    "=",
    "tab\there",
    "no\u00a0break space",
    "zero\u200bwidth",
    "bidi \u202eevil\u202c",
    "\ufeffbom first",
    "control \x07 bell \x1b escape \x7f delete \x80 c1",
    "Unicode: “curly” — dash, é, 中文, 🙂, \U0001f600",
    "private \ue000 use",
    "long " * 4000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_reads_back_exactly(text: str) -> None:
    entry = quote_entry(text, "para 2", "alpha-paper")
    assert read_back(entry) == [{"text": text.strip(), "where": "para 2"}]
    assert entry.count("\n") == 3  # the comment, text and where: each on one line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "specifically\ntailored to “new” technologies",
            "specifically tailored to “new” technologies",
        ),
        ("wrapped  \r\n     and indented", "wrapped and indented"),
        ("two  spaces\nkept", "two  spaces kept"),
        ("inter-\nnational", "inter- national"),
        ("line\u2028separator and\x85next line", "line separator and next line"),
        ("\n  around  \n", "around"),
    ],
)
def test_line_breaks_fold_to_one_space(text: str, expected: str) -> None:
    assert folded(text) == expected
    assert read_back(quote_entry(text, "para 2", None))[0]["text"] == expected


@given(st.text(st.characters(exclude_categories=("Cs",), exclude_characters=BREAKS)))
def test_any_text_on_one_line_reads_back_as_itself(text: str) -> None:
    assert read_back(quote_entry(text, "para 2", "s"))[0]["text"] == text.strip()


@given(st.text(st.characters(exclude_categories=("Cs",))))
def test_any_text_reads_back_on_one_line_with_its_words(text: str) -> None:
    read = read_back(quote_entry(text, None, None))[0]["text"]
    assert not any(char in BREAKS for char in read)
    assert read.split() == text.split()


@given(st.text(st.characters(exclude_categories=("Cs",))))
def test_any_scalar_reads_back_as_itself(value: str) -> None:
    line = f"key: {yaml_scalar(value)}\n"
    for reader in READERS.values():
        assert reader(line) == {"key": value}


def test_the_comment_names_the_source() -> None:
    entry = quote_entry("Words.", "para 2", "alpha-paper")
    assert entry.splitlines()[0].startswith("# from source alpha-paper:")
    other = quote_entry("Words.", "para 2", None)
    assert other.splitlines()[0] == "# from a file that is not one of the dataset's sources"
    hostile = quote_entry("Words.", "para 2", "evil\n- text: injected")
    assert read_back(hostile) == [{"text": "Words.", "where": "para 2"}]


def test_a_place_that_could_not_be_labelled_is_left_to_fill(cli: Cli, tmp_path: Path) -> None:
    entry = quote_entry("Alpha supports voluntary norms of behaviour.", None, "alpha-paper")
    assert read_back(entry) == [
        {"text": "Alpha supports voluntary norms of behaviour.", "where": ""}
    ]
    assert entry.splitlines()[2].startswith('  where: ""  # the place could not be labelled')
    dataset = tmp_path / "data"
    shutil.copytree(MINI, dataset)
    old = "      - text: Alpha supports voluntary norms of behaviour.\n        where: para 3\n"
    paste(dataset, old, entry, "      ")
    result = cli("check", "--data", str(dataset))  # until the curator fills it in
    assert result.code == 2
    assert "'where' is blank" in result.out


def paste(dataset: Path, old: str, entry: str, indent: str) -> None:
    """Put the entry in positions.yaml in place of `old`, as a curator pastes it."""
    path = dataset / "positions.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    lines = "".join(indent + line + "\n" for line in entry.splitlines())
    path.write_text(text.replace(old, lines, 1), encoding="utf-8")


def test_a_cited_quote_pasted_as_its_entry_passes_check(cli: Cli, tmp_path: Path) -> None:
    """The source wraps the quote over two lines and curls its quote marks; the
    entry holds them as the source writes them, and check finds it."""
    dataset = tmp_path / "data"
    shutil.copytree(MINI, dataset)
    found = cite_all(
        [
            "It is essential to develop a legally binding instrument, specifically tailored "
            'to "new" technologies'
        ],
        files_to_search(None, None, load_dataset(dataset), warn=lambda _: None),
        warn=lambda _: None,
    )
    entry = citation_entry(found[0])
    assert entry is not None
    read = read_back(entry)[0]
    assert read["text"] == (
        "It is essential to develop a legally binding instrument, specifically tailored to "
        "“new” technologies"
    )
    assert entry.splitlines()[0].startswith("# from source beta-statement:")
    old = (
        "      - text: It is essential to develop a legally binding instrument, specifically "
        'tailored to "new" technologies.\n        where: unnumbered para 1\n'
    )
    paste(dataset, old, entry.replace('where: ""', "where: unnumbered para 1"), "      ")
    result = cli("check", "--data", str(dataset))
    assert (result.code, result.out) == (0, "")


def test_no_entry_for_a_quote_the_sources_do_not_hold() -> None:
    found = cite_all(
        ["Alpha rejects every binding rule whatsoever."],
        files_to_search(None, None, load_dataset(MINI), warn=lambda _: None),
        warn=lambda _: None,
    )
    assert found[0].verdict not in ("verbatim", "close")
    assert citation_entry(found[0]) is None
