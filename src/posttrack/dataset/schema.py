"""The JSON Schema of positions.yaml (draft 2020-12), written from the loader's own
declarations in validate.py, for editors: completion, hover text and inline
errors as a curator types. What only the files can tell (a source text exists,
a level is on its topic's scale, a quote is in its source) stays `check`'s.

An editor reads YAML by its own rules, where `level: 2` is a number and
`issued: 2020` a year as a number; the loader reads every scalar as the text
written. So a value the loader would read as valid text is valid here in
either form.

The package ships the schema as SCHEMA_FILE; `python -m posttrack.dataset.schema`
writes it again after the declarations change (a test says when it must)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from posttrack.dataset.validate import (
    DATASET,
    DATE_PATTERN,
    ID_PATTERN,
    INT_PATTERN,
    SHA256_PATTERN,
    Field,
    Kind,
    Shape,
)

SCHEMA_FILE = Path(__file__).with_name("positions.schema.json")
DRAFT = "https://json-schema.org/draft/2020-12/schema"

# a scalar an editor may read as a number or a boolean is text to the loader
_SCALAR = ["string", "number", "boolean"]


def dataset_schema() -> dict[str, Any]:
    """The schema of a whole positions.yaml."""
    defs: dict[str, Any] = {}
    root = _shape(DATASET, defs)
    return {
        "$schema": DRAFT,
        "title": "posttrack dataset (positions.yaml)",
        **root,
        "$defs": defs,
    }


def schema_text() -> str:
    """The schema as the shipped file holds it."""
    return json.dumps(dataset_schema(), indent=2, ensure_ascii=False) + "\n"


def _name(shape: Shape) -> str:
    return shape.what.split()[-1].strip("'")


def _shape(shape: Shape, defs: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "description": shape.about,
        "properties": {field.key: _field(field, defs) for field in shape.fields},
        "required": list(shape.required),
        "additionalProperties": False,
    }
    if shape.same_key is not None:
        schema["not"] = {"required": list(shape.same_key)}
    return schema


def _ref(shape: Shape, defs: dict[str, Any]) -> dict[str, Any]:
    name = _name(shape)
    if name not in defs:
        defs[name] = {}  # taken before it is filled, so that a shape is written once
        defs[name] = _shape(shape, defs)
    return {"$ref": f"#/$defs/{name}"}


def _field(field: Field, defs: dict[str, Any]) -> dict[str, Any]:
    value = _value(field, defs)
    if field.absent_if_empty:  # `key:` with nothing after it reads as no key at all
        return {"description": field.about, "anyOf": [value, {"type": "null"}]}
    return {"description": field.about, **value}


def _value(field: Field, defs: dict[str, Any]) -> dict[str, Any]:
    kind = field.kind
    if kind is Kind.TEXT:
        return {"type": _SCALAR, "pattern": r"\S"}  # not blank
    if kind is Kind.ID:
        return {"type": ["string", "integer"], "pattern": _whole(ID_PATTERN), "minimum": 0}
    if kind is Kind.DATE:
        return {
            "anyOf": [
                {"type": "string", "pattern": _whole(DATE_PATTERN)},
                {"type": "integer", "minimum": 1, "maximum": 9999},  # a year, unquoted
            ]
        }
    if kind is Kind.CHOICE:
        return {"enum": list(field.choices)}
    if kind is Kind.WHOLE:
        return {"type": ["integer", "string"], "pattern": _whole(INT_PATTERN)}
    if kind is Kind.SHA256:
        return {"type": "string", "pattern": _whole(SHA256_PATTERN)}
    if kind is Kind.NAMES:
        return {"type": "array", "items": {"type": _SCALAR}}
    if field.shape is None:  # ENTRIES and MAPPING declare their shape
        raise ValueError(f"the field '{field.key}' declares no shape")
    if kind is Kind.MAPPING:
        return _ref(field.shape, defs)
    listed: dict[str, Any] = {"type": "array", "items": _ref(field.shape, defs)}
    if field.at_least_one:
        listed["minItems"] = 1
    return listed


def _whole(pattern: str) -> str:
    """A Python fullmatch pattern as JSON Schema's, which matches anywhere unless anchored."""
    return f"^(?:{pattern})$"


def write_schema(path: Path = SCHEMA_FILE) -> None:
    """Write the schema to `path` atomically."""
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(schema_text())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


if __name__ == "__main__":
    write_schema()
    print(f"wrote {SCHEMA_FILE}")
