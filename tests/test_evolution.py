"""`show` and `diff` on the command line: formats, contract, the headline story."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest

from conftest import SHIPPED, Result
from posttrack.output import layout
from test_cli import FORMATS, golden

Cli = Callable[..., Result]
ENTRY_KEYS = {"date", "source", "voice", "stance", "level", "shift", "summary", "quotes"}
CHANGE_KEYS = {"topic", "change", "from", "to", "carried_forward"}


@pytest.fixture
def shipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTTRACK_DATA", str(SHIPPED))


@pytest.mark.usefixtures("shipped")
@pytest.mark.parametrize("fmt", ["plain", "json"])
def test_golden_show_and_diff(cli: Cli, fmt: str) -> None:
    show = cli("show", "binding-instrument", "-f", fmt)
    assert (show.code, show.err) == (0, "")
    golden(f"show-binding-instrument.{fmt}", show.out)
    changes = cli("diff", "2020", "2024", "-f", fmt)
    assert (changes.code, changes.err) == (0, "")
    golden(f"diff-2020-2024.{fmt}", changes.out)


@pytest.mark.usefixtures("shipped")
def test_show_tells_the_binding_instrument_story(cli: Cli) -> None:
    document = json.loads(cli("show", "binding", "-f", "json").out)
    assert document["schema_version"] == 1
    assert document["topic"]["id"] == "binding-instrument"
    entries = document["entries"]
    # 2020 already asked for legally binding instruments; the pre-draft inputs hedged;
    # 2021 came back to it; the analyst's 2023 account adds detail; 2024 broadened it
    assert [
        (e["date"], e["level"], e["shift"], (e["assessment"] or {}).get("kind")) for e in entries
    ] == [
        ("2020?", 3, "first", None),
        ("2020", 1, "weaker", "softening"),
        ("2021-12-13", 3, "stronger", "escalation"),
        ("2023-10-11", 3, "same", "elaboration"),
        ("2024-07-11", 4, "stronger", "broadening"),
    ]
    assert all(set(e) >= ENTRY_KEYS for e in entries)
    assert all(
        {"text", "where", "line", "said_by", "citation"} == set(q)
        for e in entries
        for q in e["quotes"]
    )
    assert [e["voice"] for e in entries] == [
        "primary",
        "primary",
        "primary",
        "secondary",
        "reported",
    ]
    first = " ".join(q["text"] for q in entries[0]["quotes"])
    assert "the need for legally binding international instruments" in first
    hedge = " ".join(q["text"] for q in entries[1]["quotes"])
    assert "continue to consider, as appropriate" in hedge
    last = " ".join(q["text"] for q in entries[4]["quotes"])
    assert "legally-binding comprehensive framework" in last
    assert "objective debate under the auspices of the UN" in entries[4]["assessment"]["note"]
    quote = next(q for q in entries[0]["quotes"] if q["where"] == "para 24")
    assert quote["line"] == 48
    assert quote["said_by"] == "Pakistan"
    assert quote["citation"].endswith("[2020?], para. 24.")


@pytest.mark.usefixtures("shipped")
def test_show_on_a_terminal_marks_strength_voice_and_uncertainty(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "240")  # so that no phrase below is wrapped
    monkeypatch.setattr(layout, "READABLE_WIDTH", 240)
    out = cli("show", "binding-instrument", "-f", "table").out
    assert out.index("○ first") < out.index("▼ weaker") < out.index("▲ stronger  ■■■□ 3/4")
    assert "■■■■ 4/4" in out
    assert "secondary: an analyst's account, not Pakistan's own words" in out
    assert "reported: Pakistan's own office reporting the speaker's words" in out
    assert "reporting: Not named: the brief gives this paragraph no footnote" in out
    assert "2023-10-11 ● = same" in out
    assert "step: softening · " in out
    assert "step: broadening · " in out
    assert "? uncertain date" in out
    assert "para 11(i)(a), line 61" in out
    assert "“" not in cli("show", "binding-instrument", "-f", "table", "--no-quotes").out


@pytest.mark.usefixtures("shipped")
def test_diff_2020_2024_shows_binding_instrument_stronger_with_its_evidence(cli: Cli) -> None:
    document = json.loads(cli("diff", "2020", "2024", "-f", "json").out)
    assert (document["from"], document["to"]) == ("2020", "2024")
    assert all(set(c) >= CHANGE_KEYS for c in document["changes"])
    binding = next(c for c in document["changes"] if c["topic"] == "binding-instrument")
    assert (binding["change"], binding["reading"]) == ("stronger", "stronger")
    assert [(s["date"], s["kind"]) for s in binding["steps"]] == [
        ("2021-12-13", "escalation"),
        ("2023-10-11", "elaboration"),
        ("2024-07-11", "broadening"),
    ]
    assert binding["carried_forward"] is False
    before = " ".join(q["text"] for q in binding["from"]["quotes"])
    after = " ".join(q["text"] for q in binding["to"]["quotes"])
    assert "legally and/or politically binding instrument(s)" in before
    assert "legally-binding comprehensive framework" in after
    inserted = " ".join(op["text"] for op in binding["stance_diff"] if op["op"] == "insert")
    assert "legally-binding comprehensive framework" in inserted


@pytest.mark.usefixtures("shipped")
def test_no_row_of_diff_2020_2024_says_a_bare_changed(cli: Cli) -> None:
    document = json.loads(cli("diff", "2020", "2024", "-f", "json").out)
    readings = [c["reading"] for c in document["changes"]]
    assert "changed" not in readings
    assert all(s["kind"] and s["current"] for c in document["changes"] for s in c["steps"])
    assert document["summary"].startswith(f"{len(readings)} topics: ")
    assert "national-position" in {c["topic"] for c in document["changes"]}
    reversal = next(c for c in document["changes"] if c["topic"] == "national-position")
    assert reversal["reading"] == "reversal"
    table = cli("diff", "2020", "2024", "-f", "table").out
    assert " changed " not in table
    assert document["summary"] in " ".join(table.split())


@pytest.mark.usefixtures("shipped")
def test_diff_says_when_a_position_was_carried_forward(cli: Cli) -> None:
    document = json.loads(cli("diff", "2020", "2024", "-t", "cbms", "-f", "json").out)
    (cbms,) = document["changes"]
    assert (cbms["carried_forward"], cbms["stated"]) == (True, "2023-10-11")
    table = cli("diff", "2020", "2024", "-t", "cbms", "-f", "table").out
    assert "not restated;" in table
    assert "stated 2023-10-11" in table


@pytest.mark.usefixtures("shipped")
def test_diff_reverse_and_equal_dates(cli: Cli) -> None:
    reverse = json.loads(cli("diff", "2024", "2020", "-t", "binding", "-f", "json").out)
    assert reverse["changes"][0]["change"] == "weaker"
    same = cli("diff", "2022", "2022", "--changed-only", "--exit-code", "-f", "json")
    assert (same.code, json.loads(same.out)["changes"]) == (0, [])


@pytest.mark.usefixtures("shipped")
def test_diff_exit_code_is_one_when_something_changed(cli: Cli) -> None:
    assert cli("diff", "2020", "2024", "--exit-code").code == 1
    assert cli("diff", "2020", "2024").code == 0


@pytest.mark.usefixtures("shipped")
def test_diff_changed_only_and_topics(cli: Cli) -> None:
    rows = cli("diff", "2021", "2021-12", "-f", "plain").out.splitlines()
    assert all(r.split("\t")[1] == "unchanged" for r in rows)
    assert cli("diff", "2021", "2021-12", "--changed-only", "-f", "plain").out == ""
    picked = cli("diff", "2020", "2024", "-t", "ihl", "-t", "intl law", "-t", "IHL", "-f", "plain")
    # in the order asked for, each once
    assert [r.split("\t")[0] for r in picked.out.splitlines()] == ["ihl", "international-law"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_show_every_format(cli: Cli, fmt: str) -> None:
    result = cli("show", "binding", "-f", fmt)
    assert (result.code, result.err) == (0, "")
    assert "\x1b[" not in result.out
    out = result.out
    if fmt == "json":
        assert [e["source"] for e in json.loads(out)["entries"]] == [
            "alpha-paper",
            "beta-statement",
        ]
    elif fmt == "jsonl":
        assert [json.loads(line)["shift"] for line in out.splitlines()] == ["first", "stronger"]
    elif fmt == "csv":
        assert [r["level"] for r in csv.DictReader(io.StringIO(out))] == ["1", "2"]
    elif fmt in ("plain", "auto"):
        assert [line.split("\t")[:5] for line in out.splitlines()] == [
            ["2020?", "alpha-paper", "primary", "first", "1"],
            ["2021-12-13", "beta-statement", "secondary", "stronger", "2"],
        ]
    elif fmt == "tsv":
        assert out.splitlines()[0].split("\t")[:4] == ["date", "source", "voice", "shift"]
    elif fmt == "md":  # for people: a section per position, quotes as block quotations
        lines = out.splitlines()
        assert lines[0] == "# Binding instrument (`binding-instrument`)"
        assert [line for line in lines if line.startswith("## ")] == [
            "## 2020?: Binding rules, politically or legally",
            "## 2021-12-13: A legally binding instrument is essential",
        ]
        assert "> There is a need for binding rules for responsible State behaviour." in lines
        assert "> — para 2, line 5" in lines
        assert "- **Step:** escalation: Essential to develop a legally binding instrument, " in out
        assert "- **Source:** Beta statement (`beta-statement`), secondary: " in out
    else:
        assert "▲ stronger" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_diff_every_format(cli: Cli, fmt: str) -> None:
    result = cli("diff", "2020", "2021", "-f", fmt)
    assert (result.code, result.err) == (0, "")
    out = result.out
    if fmt == "json":
        assert [c["change"] for c in json.loads(out)["changes"]] == ["stronger", "changed"]
    elif fmt == "jsonl":
        assert [json.loads(line)["topic"] for line in out.splitlines()] == [
            "binding-instrument",
            "norms",
        ]
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert next((r["change"], r["stance_diff"]) for r in rows) == (
            "stronger",
            "[-Binding rules, politically or-] {+A+} legally {+binding instrument is essential+}",
        )
    elif fmt in ("plain", "auto"):
        assert [line.split("\t")[:2] for line in out.splitlines()] == [
            ["binding-instrument", "stronger"],
            ["norms", "changed"],
        ]
    elif fmt in ("tsv", "md"):
        assert "stance_diff" in out.splitlines()[0]
    else:
        assert "as of 2020" in out
        assert "stronger" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "xyz"), "unknown topic 'xyz'"),
        (("show", "bindng"), None),  # a typo resolves
        (("show", "n", "--since", "2020-13"), "--since: '2020-13' has no month 13"),
        (("show", "binding", "--until", "soon"), "--until: 'soon' is not a date"),
        (("diff", "2020-02-30", "2021"), "DATE_A: '2020-02-30' does not exist"),
        (("diff", "2020", "last year"), "DATE_B: 'last year' is not a date"),
        (("diff", "2020", "2021", "-t", "law-ish-thing"), "unknown topic 'law-ish-thing'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    cli: Cli, args: tuple[str, ...], message: str | None
) -> None:
    result = cli(*args)
    if message is None:
        assert result.code == 0
        return
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(f"posttrack: error: {message}")
    assert len(result.err.splitlines()) == 1


@pytest.mark.usefixtures("shipped")
def test_ambiguous_topic_lists_the_candidates(cli: Cli) -> None:
    result = cli("show", "law")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "posttrack: error: topic 'law' is ambiguous; "
        "did you mean 'ihl', 'international-law' or 'national-position'?\n"
    )


@pytest.mark.usefixtures("shipped")
def test_shift_and_change_values_are_the_documented_ones(cli: Cli) -> None:
    from posttrack.query.diff import CHANGES
    from posttrack.query.timeline import SHIFTS

    assert SHIFTS == ("first", "same", "stronger", "weaker", "changed")
    assert CHANGES == ("new", "unchanged", "changed", "stronger", "weaker", "absent")
    shifts = {
        e["shift"]
        for topic in ("binding-instrument", "ihl", "norms", "cbms")
        for e in json.loads(cli("show", topic, "-f", "json").out)["entries"]
    }
    assert shifts <= set(SHIFTS)
    changes = {
        c["change"] for c in json.loads(cli("diff", "2024", "2020", "-f", "json").out)["changes"]
    }
    assert changes <= set(CHANGES)
