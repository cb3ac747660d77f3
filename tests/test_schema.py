"""The JSON Schema editors read: written from the loader's own declarations, shipped
in the package, and read here with a real JSON Schema validator as an editor would."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

import posttrack.dataset
from conftest import MINI, SHIPPED, rewrite
from posttrack import load_dataset
from posttrack.dataset.schema import SCHEMA_FILE, dataset_schema, schema_text
from posttrack.dataset.validate import DATE_PATTERN, SHAPES, Kind
from posttrack.dataset.yamlsafe import read_yaml
from posttrack.dates import DateFormatError, parse_date
from posttrack.errors import DataError

Copy = Callable[..., Path]


def schema_errors(document: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(dataset_schema())
    return [error.message for error in validator.iter_errors(document)]


def as_loaded(data: Path) -> Any:
    """The file as the loader parses it: every scalar the text written."""
    path = data / "positions.yaml"
    return read_yaml(path.read_text(encoding="utf-8"), str(path))


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = dataset_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_shipped_schema_file_is_the_one_the_declarations_write() -> None:
    assert SCHEMA_FILE.parent == Path(posttrack.dataset.__file__).parent  # in the package
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        f"{SCHEMA_FILE.name} is out of date with validate.py's declarations; "
        "regenerate it: .venv/bin/python -m posttrack.dataset.schema"
    )
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == dataset_schema()


@pytest.mark.parametrize("data", [SHIPPED, MINI], ids=["shipped", "mini"])
def test_the_datasets_validate(data: Path) -> None:
    load_dataset(data)  # the loader takes it
    assert schema_errors(as_loaded(data)) == []


def test_values_an_editor_reads_as_numbers_are_valid_too() -> None:
    """An editor's YAML reads `level: 1` as a number (and an unquoted year, an
    edition like 2026.2): the loader reads the text, so the schema takes either."""
    text = (MINI / "positions.yaml").read_text(encoding="utf-8")
    text = text.replace('edition: "test-1"', "edition: 2026.2")
    text = text.replace('issued: "2021-12-13"', "issued: 2021")
    document = yaml.safe_load(text)
    assert document["positions"][0]["level"] == 1
    assert document["dataset"]["edition"] == 2026.2
    assert document["sources"][1]["issued"] == 2021
    assert schema_errors(document) == []


def test_every_key_the_loader_knows_is_in_the_schema() -> None:
    schema = dataset_schema()
    defs = schema["$defs"]
    for shape in SHAPES:
        found = schema if shape.what == "the dataset" else defs[shape.what.split()[-1].strip("'")]
        assert list(found["properties"]) == list(shape.keys), shape.what
        assert found["required"] == list(shape.required), shape.what
        assert found["additionalProperties"] is False
    assert defs["source"]["not"] == {"required": ["url", "URL"]}


@pytest.mark.parametrize(
    "text",
    [
        "2020",
        "2020?",
        "2020~",
        "2020-02",
        "2020-02-29",
        "2021-12-13?",
        "0001",
        "0000",
        "2020-13",
        "2020-00",
        "2020-1",
        "2020-01-32",
        "2020-01-00",
        "20201",
        "2020?~",
        "2020-02?-01",
        "2020/02",
        "13/03/2020",
        "Dec 2021",
        " 2020",
        "\u0662\u0660\u0662\u0660",
    ],
)
def test_the_date_pattern_takes_the_forms_the_loader_reads(text: str) -> None:
    """The schema cannot call parse_date; its pattern takes the same forms (only
    a day past its month's end, like 2021-02-30, is left to the loader)."""
    import re

    try:
        parse_date(text)
        parsed = True
    except DateFormatError:
        parsed = False
    assert bool(re.fullmatch(DATE_PATTERN, text)) == parsed


def test_the_schema_pattern_is_anchored() -> None:
    date = dataset_schema()["$defs"]["source"]["properties"]["issued"]["anyOf"][0]
    validator = jsonschema.Draft202012Validator(date)
    assert validator.is_valid("2020-03")
    assert not validator.is_valid("x2020-03")
    assert not validator.is_valid("2020-03x")


_ALPHA = "  - id: alpha-paper\n"
_BETA_POSITION = "    source: beta-statement\n    level: 2\n"
_ASSESSED = "      kind: escalation\n      after: alpha-paper\n"

# (old, new) edits of the mini dataset the loader refuses for their shape alone
SHAPE_ERRORS = {
    # unknown keys, at every level
    "unknown-key-position": (
        "    stance: Supports voluntary",
        "    mood: x\n    stance: Supports voluntary",
    ),
    "unknown-key-source": (_ALPHA, _ALPHA + "    publisher: Alpha\n"),
    "unknown-key-topic": ("    title: Norms\n", "    title: Norms\n    colour: red\n"),
    "unknown-key-quote": ("        where: para 3\n", "        where: para 3\n        page: 4\n"),
    "unknown-key-assessment": (_ASSESSED, _ASSESSED + "      why: x\n"),
    "unknown-key-passage": (
        "    path: sources/alpha-paper.txt\n",
        "    path: sources/alpha-paper.txt\n    passages:\n"
        "      - where: para 2\n        said_by: x\n        who: y\n",
    ),
    "unknown-key-level": (
        "        label: binding rules\n",
        "        label: binding rules\n        x: y\n",
    ),
    "unknown-key-meta": ("  state: Alpha\n", "  state: Alpha\n  country: Alpha\n"),
    "unknown-key-top": ("positions:\n", "extra: 1\npositions:\n"),
    "url-and-URL": (_ALPHA, _ALPHA + "    url: https://a.example\n    URL: https://a.example\n"),
    # missing required keys
    "no-summary": ("    summary: Wants binding rules.\n", ""),
    "no-quotes": (
        "    quotes:\n      - text: Alpha supports voluntary norms of behaviour.\n"
        "        where: para 3\n",
        "",
    ),
    "no-where": ("        where: para 3\n", ""),
    "no-source-id": (_ALPHA, "  - short: x\n"),
    "no-topic-title": ("    title: Norms\n", ""),
    "no-assessment-note": ("      note: Keeps voluntary norms, now only for peacetime.\n", ""),
    "no-level-label": ("        label: binding rules\n", ""),
    "no-positions": ("positions:\n", "others:\n"),
    "no-meta-title": ("  title: Mini test dataset\n", ""),
    # wrong types
    "quotes-text": (
        "    quotes:\n      - text: Alpha supports voluntary norms of behaviour.\n"
        "        where: para 3\n",
        "    quotes: Alpha supports voluntary norms of behaviour.\n",
    ),
    "quotes-empty-list": (
        "    quotes:\n      - text: Alpha supports voluntary norms of behaviour.\n"
        "        where: para 3\n",
        "    quotes: []\n",
    ),
    "title-list": ("    title: Norms\n", "    title: [Norms]\n"),
    "aliases-mapping": ("    aliases: [voluntary norms]", "    aliases: {a: b}"),
    "alias-list": ("    aliases: [voluntary norms]", "    aliases: [[voluntary norms]]"),
    "assessment-text": (
        "    assessment:\n" + _ASSESSED + "      note: Essential to develop a legally binding "
        "instrument, not only rules.\n",
        "    assessment: escalation\n",
    ),
    "level-word": ("    level: 2\n", "    level: two\n"),
    "level-decimal": ("    level: 2\n", "    level: 2.5\n"),
    "meta-text": (
        'dataset:\n  title: Mini test dataset\n  state: Alpha\n  edition: "test-1"\n',
        "dataset: Mini\n",
    ),
    "scale-text": (
        "    scale:\n      - level: 1\n        label: binding rules\n"
        "      - level: 2\n        label: legally binding instrument\n",
        "    scale: 1-2\n",
    ),
    "position-text": ("positions:\n", "positions:\n  - just a line\n"),
    "empty-summary": ("    summary: Wants binding rules.\n", "    summary:\n"),
    "blank-title": ("    title: Norms\n", "    title: '  '\n"),
    "empty-date": ("    stance: Supports voluntary", "    date:\n    stance: Supports voluntary"),
    # ids
    "bad-source-id": (_ALPHA, "  - id: Alpha_Paper\n"),
    "bad-topic-id": ("  - id: norms\n", "  - id: Norms_Topic\n"),
    "bad-topic-ref": ("  - topic: norms\n", "  - topic: Norms\n"),
    "bad-source-ref": (_BETA_POSITION, "    source: beta statement\n    level: 2\n"),
    "bad-after": ("      after: alpha-paper\n", "      after: alpha--paper\n"),
    "id-trailing-hyphen": ("  - id: norms\n", "  - id: norms-\n"),
    # choices
    "bad-kind": ("kind: working-paper", "kind: memo"),
    "bad-voice": ("voice: primary", "voice: own"),
    "bad-step-kind": ("      kind: escalation\n", "      kind: jump\n"),
    "kind-case": ("kind: working-paper", "kind: Working-Paper"),
    # dates in the data's strict form
    "date-slashes": ('issued: "2020?"', "issued: 13/03/2020"),
    "date-month-13": ('issued: "2020?"', "issued: 2020-13"),
    "date-year-0": ('issued: "2020?"', 'issued: "0000"'),
    "date-words": ('issued: "2020?"', "issued: Dec 2020"),
    "date-short-month": ('issued: "2020?"', "issued: 2020-3"),
    "position-date": (
        "    stance: Supports voluntary",
        '    date: "2020/03"\n    stance: Supports voluntary',
    ),
    # sha256
    "sha256-short": (_ALPHA, _ALPHA + "    sha256: abc123\n"),
    "sha256-upper": (_ALPHA, _ALPHA + "    sha256: " + "A" * 64 + "\n"),
    "sha256-65": (_ALPHA, _ALPHA + "    sha256: " + "a" * 65 + "\n"),
}


@pytest.mark.parametrize(("old", "new"), list(SHAPE_ERRORS.values()), ids=list(SHAPE_ERRORS))
def test_what_the_loader_refuses_for_its_shape_the_schema_refuses(
    dataset_copy: Copy, old: str, new: str
) -> None:
    data = dataset_copy()
    rewrite(data, old, new)
    with pytest.raises(DataError):
        load_dataset(data)
    assert schema_errors(as_loaded(data)) != []


def test_every_kind_of_value_is_in_the_schema() -> None:
    kinds = {field.kind for shape in SHAPES for field in shape.fields}
    assert kinds == set(Kind)


def test_a_new_dataset_from_init_validates(tmp_path: Path) -> None:
    from posttrack.dataset.curate import init_dataset

    init_dataset(tmp_path / "new", "Chile", schema=schema_text())
    assert (tmp_path / "new" / "positions.schema.json").read_text(encoding="utf-8") == (
        schema_text()
    )
    assert schema_errors(as_loaded(tmp_path / "new")) == []
    load_dataset(tmp_path / "new")
