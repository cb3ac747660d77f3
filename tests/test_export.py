"""`posttrack export`: the dataset flattened, readable by other tools without cleanup."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest

from conftest import SHIPPED, Result
from posttrack.dataset.load import load_dataset
from posttrack.output import columns, formats
from posttrack.output.records import export_records

Cli = Callable[..., Result]
FIELDS = [
    "topic",
    "topic_title",
    "date",
    "date_precision",
    "date_qualifier",
    "date_start",
    "date_end",
    "source",
    "source_title",
    "source_date",
    "voice",
    "kind",
    "stance",
    "level",
    "level_label",
    "summary",
    "original",
    "note",
]
# added since the first release: whose words, a ready citation, the curator's step
ADDED = ["source_short", "said_by", "citation", "assessment", "assessment_note"]


def test_by_position_json_has_every_position_with_its_quotes(cli: Cli) -> None:
    result = cli("export", "--data", str(SHIPPED), "-f", "json")
    assert (result.code, result.err) == (0, "")
    document = json.loads(result.out)
    assert document["schema_version"] == 1
    rows = document["positions"]
    dataset = load_dataset(SHIPPED)
    assert len(rows) == len(dataset.positions) == 61
    assert list(rows[0]) == [*FIELDS, *ADDED, "quotes"]
    assert sum(len(r["quotes"]) for r in rows) == 159
    quote_keys = {"quote", "where", "line", "quote_said_by", "quote_citation"}
    assert all(set(q) == quote_keys for r in rows for q in r["quotes"])
    assert all(isinstance(q["line"], int) for r in rows for q in r["quotes"])
    # topic by topic, in the dataset's order, each in date order
    assert list(dict.fromkeys(r["topic"] for r in rows)) == list(dataset.topics)
    for topic in dataset.topics:
        starts = [r["date_start"] for r in rows if r["topic"] == topic]
        assert starts == sorted(starts)


def test_by_quote_csv_reads_back_as_the_json_says(cli: Cli) -> None:
    as_csv = cli("export", "--by", "quote", "--data", str(SHIPPED), "-f", "csv").out
    as_json = json.loads(cli("export", "--by", "quote", "--data", str(SHIPPED), "-f", "json").out)
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    assert len(rows) == len(as_json["quotes"]) == 159
    assert list(rows[0]) == [
        *FIELDS,
        "quote",
        "where",
        "line",
        *ADDED,
        "quote_said_by",
        "quote_citation",
    ]
    for row, record in zip(rows, as_json["quotes"], strict=True):
        assert row == {k: "" if v is None else str(v) for k, v in record.items()}
    first = rows[0]
    assert (first["date"], first["date_precision"], first["date_qualifier"]) == (
        "2020?",
        "year",
        "uncertain",
    )
    assert (first["date_start"], first["date_end"]) == ("2020-01-01", "2020-12-31")


def test_by_quote_lines_are_where_the_quote_is(cli: Cli) -> None:
    rows = json.loads(cli("export", "--by", "quote", "-f", "json").out)["quotes"]
    dataset = load_dataset()
    for row in rows:
        text = dataset.sources[row["source"]].file.read_text(encoding="utf-8").splitlines()
        first_words = " ".join(row["quote"].split()[:3])
        assert first_words in " ".join(text[row["line"] - 1 : row["line"] + 2])


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv", "md", "plain"])
@pytest.mark.parametrize("by", ["position", "quote"])
def test_every_format_has_one_row_per_item(cli: Cli, fmt: str, by: str) -> None:
    result = cli("export", "--by", by, "-f", fmt)
    assert (result.code, result.err) == (0, "")
    expected = 4 if by == "position" else 5  # the mini dataset
    lines = result.out.splitlines()
    if fmt == "json":
        assert len(json.loads(result.out)[f"{by}s"]) == expected
    elif fmt == "jsonl":
        assert [json.loads(line)["schema_version"] for line in lines] == [1] * expected
    elif fmt == "csv":
        assert len(list(csv.DictReader(io.StringIO(result.out)))) == expected
    elif fmt == "tsv":
        assert len(lines) == expected + 1
        assert {len(line.split("\t")) for line in lines} == {len(lines[0].split("\t"))}
    elif fmt == "md":
        assert len(lines) == expected + 2
    else:
        assert len(lines) == expected


def test_a_position_with_several_quotes_lists_them_in_flat_formats(cli: Cli) -> None:
    rows = list(csv.DictReader(io.StringIO(cli("export", "-f", "csv").out)))
    first = rows[0]
    assert first["quote"] == (
        "There is a need for binding rules for responsible State behaviour.; "
        "Such rules could be politically or legally binding."
    )
    assert first["where"] == "para 2; para 2(a)"


@pytest.mark.parametrize(
    ("by", "shown"),
    [
        ("position", ["topic", "date", "source", "stance", "level", "where"]),
        ("quote", ["topic", "date", "source", "quote", "where", "line"]),
    ],
)
def test_a_table_for_a_person_shows_a_few_columns_whole(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, by: str, shown: list[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    lines = cli("export", "--by", by, "-f", "table").out.splitlines()
    header = next(line for line in lines if line.lstrip().startswith("topic"))
    assert header.split() == shown
    assert any("binding-instrument" in line and "2020" in line for line in lines)


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
@pytest.mark.parametrize("by", ["position", "quote"])
def test_the_shipped_data_is_written_as_it_is(fmt: str, by: str) -> None:
    """Neutralising formulas and escaping controls leave the curated data untouched:
    its csv and tsv are the cells exactly, as pandas and a spreadsheet should read them."""
    rows = export_records(load_dataset(SHIPPED), {}, by=by)
    shown = columns.EXPORT_POSITION_COLUMNS if by == "position" else columns.EXPORT_QUOTE_COLUMNS
    listing = formats.Listing(f"{by}s", rows, shown)
    outputs = []
    for exact in (False, True):
        stream = io.StringIO()
        formats.write_listing(listing, formats.Format(fmt), stream, exact_cells=exact)
        outputs.append(stream.getvalue())
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) > 50
