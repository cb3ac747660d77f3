"""The stored shape of the dataset's copy: what is encoded decodes to the same
dataset, and every field of every model is stored by a spec of its own."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from conftest import MINI, SHIPPED
from posttrack.dataset import codec
from posttrack.dataset.load import load_dataset
from posttrack.dates import Date, parse_date
from posttrack.errors import Change, Closest, Problem
from posttrack.model import Dataset, Level, Passage, Position, Quote, Source, Topic
from posttrack.quotes.locate import Occurrence, quote_places


def _encoded(
    dataset: Dataset,
    places: dict[Quote, list[Occurrence]],
    problems: list[Problem] | None = None,
) -> tuple[dict[str, Any], bytes]:
    """The header as the cache would read it back (its key tracking every source),
    and the topics' parts."""
    head, parts = codec.encode(dataset, places, problems)
    head["key"] = {"files": {str(s.file): [] for s in dataset.sources.values()}}
    return json.loads(json.dumps(head)), b"".join(parts)


def _stored(
    dataset: Dataset,
    places: dict[Quote, list[Occurrence]],
    problems: list[Problem] | None = None,
) -> codec.Stored:
    head, parts = _encoded(dataset, places, problems)
    return codec.Stored(head, b"\n" + parts, 1, dataset.file)


def _assert_round_trip(
    dataset: Dataset,
    places: dict[Quote, list[Occurrence]],
    problems: list[Problem] | None = None,
) -> None:
    stored = _stored(dataset, places, problems)
    decoded, (quotes, found) = stored.everything()
    assert decoded == dataset
    assert stored.base == dataset._replace(positions=())
    assert stored.problems == problems
    assert Counter(quotes) == Counter(q for p in dataset.positions for q in p.quotes)
    assert dict(zip(quotes, found, strict=True)) == {
        q: [list(each) for each in places.get(q, [])] for q in quotes
    }
    for topic_id in dataset.topics:  # show's way: the header and one topic
        order, positions, some, where = _stored(dataset, places).topic(topic_id)
        assert positions == [p for p in dataset.positions if p.topic == topic_id]
        assert [dataset.positions[at] for at in order] == positions
        assert some == [q for p in positions for q in p.quotes]
        assert len(where) == len(some)


@pytest.mark.parametrize("data", [SHIPPED, MINI, MINI.parent / "timeline"], ids=lambda p: p.name)
def test_a_loaded_dataset_round_trips(data: Path) -> None:
    dataset = load_dataset(data)
    places = quote_places(dataset, list(dataset.positions))
    assert any(places.values())
    _assert_round_trip(dataset, places)


def _every_field(root: Path, *, set_: bool) -> tuple[Dataset, dict[Quote, list[Occurrence]]]:
    """A dataset whose optional fields are all set (or all left out)."""
    (root / "sources").mkdir(parents=True)
    file = (root / "sources" / "a.txt").resolve()
    file.write_text("Words.\n", encoding="utf-8")
    issued = parse_date("2021-03?" if set_ else "2021")
    said = parse_date("2022-05-07~" if set_ else "2022-05-07")
    source = Source(
        "a", "A paper", "A", issued, "working-paper", "reported", "Alpha",
        "A speaker" if set_ else None, "A venue", "https://example.org" if set_ else None,
        "sources/a.txt", file, "a note" if set_ else None, 4,
    )  # fmt: skip
    if set_:
        source = source._replace(
            passages=(
                Passage("para 18", "previous GGEs", "Their words.", 5, 16),
                Passage('section "A"', "the report"),
                Passage("unnumbered paras 2-3", "many delegations", None, 7, 16),
            )
        )
    scale = (Level(1, "weak"), Level(3, "strong")) if set_ else ()
    topic = Topic("t", "T", "About t.", ("tee", "the t") if set_ else (), scale, 9)
    quotes = (Quote("Words.", "para 1", 12, 9), Quote("Words", "p. 2"))
    position = Position(
        "t", "a", said, "Says so", "It says so.", quotes,
        3 if set_ else None, "an original" if set_ else None, "a note" if set_ else None, 11,
    )  # fmt: skip
    dataset = Dataset(
        root.resolve(), root.resolve() / "positions.yaml", "Title", "State" if set_ else "",
        "1" if set_ else "", {"a": source}, {"t": topic}, (position, position),
        "abc" if set_ else "",
    )  # fmt: skip
    return dataset, ({quotes[0]: [(1, 0, 6)], quotes[1]: [(1, 0, 5), (1, 0, 5)]} if set_ else {})


@pytest.mark.parametrize("set_", [True, False], ids=["set", "unset"])
def test_every_optional_field_round_trips_set_and_unset(tmp_path: Path, set_: bool) -> None:
    dataset, places = _every_field(tmp_path, set_=set_)
    closest = Closest(
        "sources/a.txt", 2, 4, 96.5, "it should not be", (Change("delete", "", "not", True),)
    )
    problems = [
        Problem("positions.yaml", 3, 5, "a problem"),
        Problem("x", 0, 0, "w", "warning"),
        Problem("positions.yaml", 4, 1, "not found", closest=closest),
        Problem("positions.yaml", 5, 1, "not found", closest=closest._replace(differences=())),
    ]
    _assert_round_trip(dataset, places, problems if set_ else None)
    _assert_round_trip(dataset, places, [])


def test_an_empty_dataset_round_trips(tmp_path: Path) -> None:
    dataset = Dataset(tmp_path, tmp_path / "positions.yaml", "", "", "", {}, {}, ())
    _assert_round_trip(dataset, {})


# -- the specs: one named entry per model field ------------------------------------

_SPECS = [
    codec._DATE,
    codec._PASSAGE,
    codec._SOURCE,
    codec._LEVEL,
    codec._TOPIC,
    codec._QUOTE,
    codec._POSITION,
    codec._PROBLEM,
]


@pytest.mark.parametrize("shape", _SPECS, ids=lambda s: s.model.__name__)
def test_each_spec_names_its_models_fields_in_their_order(shape: codec.Spec) -> None:
    assert shape.names == shape.model._fields
    assert len(shape.fields) == len(shape.names)


class _LongerQuote(NamedTuple):
    text: str
    where: str
    line: int = 0
    column: int = 0
    weight: int = 0  # a field added to the model


def test_a_model_field_without_a_spec_fails_loudly() -> None:
    with pytest.raises(TypeError, match=r"no spec for its field\(s\) \['weight'\]"):
        codec.spec(_LongerQuote, codec._QUOTE_FIELDS)


def test_a_spec_naming_no_field_fails_loudly() -> None:
    with pytest.raises(TypeError, match=r"a spec for no field of it \['weight'\]"):
        codec.spec(Quote, {**codec._QUOTE_FIELDS, "weight": codec.NUMBER})


def test_a_field_neither_stored_nor_made_fails_loudly() -> None:
    with pytest.raises(TypeError, match=r"nothing makes \['weight'\]"):
        codec.spec(
            _LongerQuote, {**codec._QUOTE_FIELDS, "weight": codec.Field(codec._INT, stored=False)}
        )


def test_a_new_field_is_stored_by_its_one_spec_entry() -> None:
    shape = codec.spec(_LongerQuote, {**codec._QUOTE_FIELDS, "weight": codec.LINE})
    records = [_LongerQuote("a", "b", 1, 2, 3), _LongerQuote("c", "d")]
    table = codec._encode_table(records, shape, codec._Encoding())
    assert table["weight"] == [3, 0]
    scope = codec._Scope(Path("positions.yaml"), frozenset(), 100)
    assert codec._decode_table(json.loads(json.dumps(table)), shape, scope) == records
    table["weight"] = [3, -1]
    with pytest.raises(codec.Undecodable):
        codec._decode_table(table, shape, scope)


def test_a_date_decodes_to_its_period() -> None:
    encoding = codec._Encoding()
    dates = [parse_date("2020?"), parse_date("2021-02"), Date("x", date.min, date.max, "day", "")]
    table = json.loads(json.dumps(codec._encode_table(dates, codec._DATE, encoding)))
    scope = codec._Scope(Path("positions.yaml"), frozenset(), 100)
    assert codec._decode_table(table, codec._DATE, scope) == dates
    table["end"][1] = table["start"][1] - 1
    with pytest.raises(codec.Undecodable, match="ends before it starts"):
        codec._decode_table(table, codec._DATE, scope)


def test_problems_found_from_another_directory_are_not_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = load_dataset(MINI)
    problems = [Problem("positions.yaml", 1, 1, "m")]
    monkeypatch.chdir(MINI)
    stored = _stored(dataset, {}, problems)
    assert stored.problems == problems  # their paths are relative to where check ran
    monkeypatch.chdir(tmp_path)
    assert _stored(dataset, {}, problems).problems == problems
    head, parts = _encoded(dataset, {}, problems)
    monkeypatch.chdir(MINI)
    assert codec.Stored(head, b"\n" + parts, 1, dataset.file).problems is None


def _wrong(types: frozenset[type]) -> Any:
    """A value of none of these types (True is no int: a bool is stored as `true`)."""
    return next(v for v in (True, "7", 7, None, [], {}) if type(v) not in types)


_TABLES = {"dates": codec._DATE, "sources": codec._SOURCE, "topics": codec._TOPIC}


@pytest.mark.parametrize(
    ("table", "name"),
    [
        (t, n)
        for t, s in _TABLES.items()
        for n, f in zip(s.names, s.fields, strict=True)
        if f.stored
    ],
)
def test_a_header_value_of_the_wrong_type_is_undecodable(table: str, name: str) -> None:
    dataset = load_dataset(MINI)
    head, parts = _encoded(dataset, {})
    codec.Stored(head, b"\n" + parts, 1, dataset.file)  # as encoded: it decodes
    field = dict(zip(_TABLES[table].names, _TABLES[table].fields, strict=True))[name]
    head[table][name][0] = _wrong(field.types)
    with pytest.raises(codec.Undecodable, match="wrong type"):
        codec.Stored(head, b"\n" + parts, 1, dataset.file)


def test_a_stored_passage_is_checked_as_the_loader_checks_it(tmp_path: Path) -> None:
    dataset, places = _every_field(tmp_path, set_=True)
    head, parts = _encoded(dataset, places)
    codec.Stored(head, b"\n" + parts, 1, dataset.file)  # as encoded: it decodes
    head["sources"]["passages"][0]["where"][0] = "paragraph 18"
    with pytest.raises(codec.Undecodable, match="a passage's location"):
        codec.Stored(head, b"\n" + parts, 1, dataset.file)


@pytest.mark.parametrize(
    "damage",
    [
        lambda c: c.pop("score"),
        lambda c: c.update(score=101),
        lambda c: c.update(line=-1),
        lambda c: c.update(text=None),
        lambda c: c.update(differences=[["delete", "", "not"]]),
        lambda c: c.update(differences=[["swap", "a", "b", False]]),
        lambda c: c.update(differences=[["delete", "", "not", 1]]),
    ],
)
def test_a_stored_closest_passage_is_checked(tmp_path: Path, damage: Any) -> None:
    dataset = load_dataset(MINI)
    closest = Closest("a.txt", 2, 4, 96.5, "it should not be", (Change("delete", "", "not", True),))
    problems = [Problem("positions.yaml", 4, 1, "not found", closest=closest)]
    head, parts = _encoded(dataset, {}, problems)
    assert codec.Stored(head, b"\n" + parts, 1, dataset.file).problems == problems
    damage(head["problems"]["items"]["closest"][0])
    with pytest.raises(codec.Undecodable):
        codec.Stored(head, b"\n" + parts, 1, dataset.file)


@pytest.mark.parametrize(
    "stored",
    [
        ["stronger", "a", "note", 1, 1],  # not a kind of step
        ["reversal", "nobody", "note", 1, 1],  # no such source
        ["reversal", "a", "   ", 1, 1],  # a blank note
        ["reversal", "a", "note", -1, 1],  # a negative line
        ["reversal", "a", "note", "1", 1],  # a line that is text
        ["reversal", "a", "note", 1],  # a field missing
        {"kind": "reversal"},  # not the stored shape
    ],
)
def test_a_stored_assessment_the_loader_could_not_have_made_is_refused(stored: object) -> None:
    from pathlib import Path

    from posttrack.dataset import codec

    scope = codec._Scope(Path("positions.yaml"), frozenset(), 0)
    scope.sources = {"a": None}  # type: ignore[dict-item]
    good = ["reversal", "a", "note", 1, 1]
    assert codec._assessments([good, None], scope)[0] == ("reversal", "a", "note", 1, 1)
    with pytest.raises(codec.Undecodable):
        codec._assessments([good, stored], scope)  # type: ignore[list-item]
