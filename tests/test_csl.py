"""Sources as CSL-JSON and BibTeX: valid for their readers, mapped from what the
dataset holds, and no text from the data acting on the program that reads it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import SHIPPED
from posttrack.dataset.load import load_dataset
from posttrack.dates import parse_date
from posttrack.model import Dataset, Source
from posttrack.output.csl import bib_entry, csl_item, csl_items, dump_bibtex, dump_csl_json

PANDOC = shutil.which("pandoc")
needs_pandoc = pytest.mark.skipif(PANDOC is None, reason="pandoc is not installed")

# The part of the CSL-JSON schema (citationstyles.org csl-data.json, v1.0.2) that
# posttrack writes, with the schema's own rules: these variables and types only, no
# other key (additionalProperties), names and dates in the schema's shapes.
_NAME = {
    "type": "object",
    "properties": {
        "family": {"type": "string"},
        "given": {"type": "string"},
        "literal": {"type": "string"},
    },
    "additionalProperties": False,
}
_DATE = {
    "type": "object",
    "properties": {
        "date-parts": {
            "type": "array",
            "items": {
                "type": "array",
                "items": {"type": ["string", "number"]},
                "minItems": 1,
                "maxItems": 3,
            },
            "minItems": 1,
            "maxItems": 2,
        },
        "circa": {"type": ["string", "number", "boolean"]},
    },
    "additionalProperties": False,
}
_TYPES = [
    "article",
    "article-journal",
    "article-magazine",
    "article-newspaper",
    "bill",
    "book",
    "broadcast",
    "chapter",
    "classic",
    "collection",
    "dataset",
    "document",
    "entry",
    "entry-dictionary",
    "entry-encyclopedia",
    "event",
    "figure",
    "graphic",
    "hearing",
    "interview",
    "legal_case",
    "legislation",
    "manuscript",
    "map",
    "motion_picture",
    "musical_score",
    "pamphlet",
    "paper-conference",
    "patent",
    "performance",
    "periodical",
    "personal_communication",
    "post",
    "post-weblog",
    "regulation",
    "report",
    "review",
    "review-book",
    "software",
    "song",
    "speech",
    "standard",
    "thesis",
    "treaty",
    "webpage",
]
CSL_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "id": {"type": ["string", "number"]},
            "type": {"type": "string", "enum": _TYPES},
            "title": {"type": "string"},
            "title-short": {"type": "string"},
            "author": {"type": "array", "items": _NAME},
            "issued": _DATE,
            "genre": {"type": "string"},
            "event-title": {"type": "string"},
            "publisher-place": {"type": "string"},
            "number": {"type": ["string", "number"]},
            "URL": {"type": "string"},
            "note": {"type": "string"},
        },
        "required": ["type", "id"],
        "additionalProperties": False,
    },
}


def source(**fields: object) -> Source:
    values: dict[str, object] = {
        "id": "akram",
        "title": "Statement by Ambassador Munir Akram at the OEWG",
        "short": "Akram statement",
        "issued": parse_date("2021-12-13"),
        "kind": "statement",
        "voice": "primary",
        "author": "Permanent Mission of Pakistan to the United Nations",
        "speaker": "Munir Akram, Permanent Representative of Pakistan to the UN",
        "venue": "Open-ended Working Group 2021-2025, first substantive session, New York",
        "url": None,
        "path": "sources/s.txt",
        "file": Path("sources/s.txt"),
    }
    values.update(fields)
    return Source(**values)  # type: ignore[arg-type]


def dataset(*sources: Source) -> Dataset:
    return Dataset(
        Path("."), Path("positions.yaml"), "T", "S", "1", {s.id: s for s in sources}, {}, ()
    )


# every kind, precision and qualifier, a symbol, an address and one-word speaker
VARIED = dataset(
    source(),
    source(
        id="paper",
        kind="working-paper",
        speaker=None,
        author="Pakistan",
        issued=parse_date("2020?"),
        symbol="A/AC.290/2021/INF/2",
        url="https://example.org/paper.pdf",
        note="Undated;\n submitted  to the OEWG.",
    ),
    source(
        id="inputs",
        kind="submission",
        speaker=None,
        author="Pakistan",
        issued=parse_date("2020-03~"),
    ),
    source(
        id="brief",
        kind="analysis",
        voice="secondary",
        speaker=None,
        author="A. Analyst, ISSI; edited by B",
    ),
    source(
        id="release",
        kind="press-release",
        voice="reported",
        speaker="Usman Jadoon, Acting Permanent Representative",
        venue="",
    ),
    source(id="mononym", speaker="Sukarno, President"),
)


def test_csl_json_is_valid_for_the_csl_schema() -> None:
    for data in (load_dataset(SHIPPED), load_dataset(), VARIED):
        jsonschema.validate(json.loads(dump_csl_json(data)), CSL_SCHEMA)


def test_dump_is_the_items_as_indented_json_ending_in_a_newline() -> None:
    data = dataset(source(title="Bidi \u202e override"))
    text = dump_csl_json(data)
    assert text.endswith("]\n")
    assert text.startswith("[\n  {")
    assert json.loads(text) == csl_items(data)
    assert "\u202e" not in text
    assert "\\u202e" in text


def test_one_item_per_source_in_dataset_order() -> None:
    data = load_dataset(SHIPPED)
    assert [item["id"] for item in csl_items(data)] == list(data.sources)


@pytest.mark.parametrize(
    ("ident", "kind", "genre"),
    [
        ("akram", "speech", "Statement"),
        ("paper", "report", "Working paper"),
        ("inputs", "report", "Submission"),
        ("brief", "report", "Analysis"),
        ("release", "report", "Press release"),
    ],
)
def test_type_and_genre_by_kind(ident: str, kind: str, genre: str) -> None:
    item = csl_item(VARIED.sources[ident])
    assert (item["type"], item["genre"]) == (kind, genre)


def test_a_speaker_is_a_person_and_an_institution_is_literal() -> None:
    items = {item["id"]: item for item in csl_items(VARIED)}
    assert items["akram"]["author"] == [{"family": "Akram", "given": "Munir"}]
    assert items["mononym"]["author"] == [{"literal": "Sukarno"}]
    # a press release is its issuer's report of the speaker's words
    assert items["release"]["author"] == [
        {"literal": "Permanent Mission of Pakistan to the United Nations"}
    ]
    assert items["paper"]["author"] == [{"literal": "Pakistan"}]
    # up to the first `;`, as the Chicago citation has it; not split into names
    assert items["brief"]["author"] == [{"literal": "A. Analyst, ISSI"}]


def test_dates_keep_their_precision_and_a_doubtful_one_is_circa() -> None:
    items = {item["id"]: item for item in csl_items(VARIED)}
    assert items["akram"]["issued"] == {"date-parts": [[2021, 12, 13]]}
    assert items["paper"]["issued"] == {"date-parts": [[2020]], "circa": True}
    assert items["inputs"]["issued"] == {"date-parts": [[2020, 3]], "circa": True}


def test_optional_fields_only_where_the_dataset_has_them() -> None:
    items = {item["id"]: item for item in csl_items(VARIED)}
    paper = items["paper"]
    assert paper["number"] == "A/AC.290/2021/INF/2"
    assert paper["URL"] == "https://example.org/paper.pdf"
    assert paper["note"] == "Undated; submitted to the OEWG."
    assert items["akram"]["event-title"].endswith("first substantive session, New York")
    assert items["akram"]["title-short"] == "Akram statement"
    assert not {"number", "URL", "note"} & set(items["akram"])
    assert "event-title" not in items["release"]
    # no place is parsed out of the venue's free text
    assert all("publisher-place" not in item for item in items.values())


def _pandoc(*args: str, stdin: str | None = None, cwd: Path | None = None) -> str:
    assert PANDOC is not None
    done = subprocess.run(
        [PANDOC, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _words(text: str) -> str:
    """Text as compared across a citation processor: its quotes, case and line breaks aside."""
    return " ".join(text.replace("\u2019", "'").casefold().split())


@needs_pandoc
def test_pandoc_cites_from_the_csl_json(tmp_path: Path) -> None:
    data = load_dataset(SHIPPED)
    (tmp_path / "sources.json").write_text(dump_csl_json(data), encoding="utf-8")
    cites = " ".join(f"[@{ident}]" for ident in data.sources)
    out = _pandoc(
        "--citeproc",
        "--bibliography=sources.json",
        "-t",
        "plain",
        stdin=f"Text {cites}.\n",
        cwd=tmp_path,
    )
    for item in data.sources.values():
        assert _words(item.title) in _words(out)
    assert "???" not in out  # no citation left unresolved


# --- BibTeX ----------------------------------------------------------------------

HOSTILE = (
    r"Evil } \input{/etc/passwd} \write18{rm -rf /} 100% #1 $x$ a_b ~ ^ & {open \ end @misc{x,"
)
_ESCAPES = re.compile(r"\\(?:textbackslash\{\}|textasciitilde\{\}|textasciicircum\{\}|[{}#$%&_])")


def _outside_escapes(text: str) -> str:
    return _ESCAPES.sub("", text)


def test_bibtex_escapes_every_special_character() -> None:
    entry = bib_entry(
        source(
            title=HOSTILE,
            short=HOSTILE,
            note=HOSTILE,
            venue=HOSTILE,
            author=HOSTILE,
            speaker=None,
            symbol=HOSTILE,
            url="https://example.org/a}\\input{x}^",
        )
    )
    rest = _outside_escapes(entry)
    # no backslash but the escapes: no command from the data
    assert "\\" not in rest
    for special in "#$%&_^~":
        assert special not in rest.replace("%7D", "").replace("%5C", "").replace("%7B", "").replace(
            "%5E", ""
        )
    # braces balance, and the entry's only ends at its last line
    depth, closed = 0, []
    for index, char in enumerate(rest):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "}" and depth == 0:
            closed.append(index)
    assert closed == [len(rest) - 2]
    assert entry.endswith("}\n")
    assert entry.count("\n@") == 0


def test_bibtex_entry_fields() -> None:
    text = dump_bibtex(VARIED)
    entries = {e.split(",", 1)[0]: e for e in text.split("@misc{")[1:]}
    assert list(entries) == list(VARIED.sources)
    akram, paper, release = entries["akram"], entries["paper"], entries["release"]
    assert "author       = {{Akram}, {Munir}}," in akram
    assert "month        = dec," in akram
    assert "year         = {2021}," in akram
    assert "title        = {{Statement by Ambassador Munir Akram at the OEWG}}," in akram
    assert "author       = {{Permanent Mission of Pakistan to the United Nations}}," in release
    assert "howpublished = {Press release}\n" in release
    assert "date         = {2020?}," in paper
    assert "month" not in paper
    assert "date         = {2021-12-13}," in akram
    assert "number       = {A/AC.290/2021/INF/2}," in paper
    assert "url          = {https://example.org/paper.pdf}," in paper
    assert "howpublished = {Working paper, Open-ended Working Group" in paper


def _read_bib(tmp_path: Path, text: str) -> list[dict[str, Any]]:
    (tmp_path / "sources.bib").write_text(text, encoding="utf-8")
    items: list[dict[str, Any]] = json.loads(
        _pandoc("-f", "bibtex", "-t", "csljson", "sources.bib", cwd=tmp_path)
    )
    return items


@needs_pandoc
def test_pandoc_reads_hostile_text_back_exactly(tmp_path: Path) -> None:
    hostile = source(
        title=HOSTILE,
        author=HOSTILE,
        speaker=None,
        note=HOSTILE,
        url="https://example.org/a_b?q=1&r=%20#x}\\input{/etc/passwd}",
    )
    items = _read_bib(tmp_path, dump_bibtex(dataset(hostile, source(id="after"))))
    assert [item["id"] for item in items] == ["akram", "after"]  # nothing escaped the entry
    item = items[0]
    assert (item["title"], item["note"]) == (HOSTILE, HOSTILE)
    assert item["author"] == [{"literal": HOSTILE}]
    # the address, with what a URL cannot hold percent-encoded
    assert item["URL"] == "https://example.org/a_b?q=1&r=%20#x%7D%5Cinput%7B/etc/passwd%7D"


@needs_pandoc
def test_pandoc_reads_the_shipped_sources_from_bibtex(tmp_path: Path) -> None:
    data = load_dataset(SHIPPED)
    items = _read_bib(tmp_path, dump_bibtex(data))
    assert [item["id"] for item in items] == list(data.sources)
    for item, csl in zip(items, csl_items(data), strict=True):
        assert _words(item["title"]) == _words(csl["title"])
        assert item["author"][0].get("literal") == csl["author"][0].get("literal")
        assert item["issued"]["date-parts"][0] == csl["issued"]["date-parts"][0]
