"""The curator's assessment of each step: validated by the loader, kept current by
`check`, shown by `show` and chained by `diff`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import MINI, Result, rewrite
from posttrack.dataset.load import load_dataset
from posttrack.errors import DataError
from posttrack.model import STEP_KINDS
from posttrack.query.diff import READING_LABELS, READINGS

Cli = Callable[..., Result]
Copy = Callable[..., Path]


def assessed(kind: str = "escalation", after: str = "alpha-paper", note: str = "Firmer.") -> str:
    return f"    assessment:\n      kind: {kind}\n      after: {after}\n      note: {note}\n"


def problems(data: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_dataset(data)
    return [f"{p.line}: {p.message}" for p in caught.value.problems]


# --- the loader ---------------------------------------------------------------------


def test_the_mini_dataset_assesses_its_steps() -> None:
    dataset = load_dataset(MINI)
    steps = [(p.topic, p.assessment.kind if p.assessment else None) for p in dataset.positions]
    assert steps == [
        ("binding-instrument", None),
        ("binding-instrument", "escalation"),
        ("norms", None),
        ("norms", "narrowing"),
    ]


# the assessment of the mini dataset's second binding-instrument position
ESCALATION = assessed(note="Essential to develop a legally binding instrument, not only rules.")


@pytest.mark.parametrize(
    ("assessment", "expected"),
    [
        (assessed(kind="stronger"), "'kind' is 'stronger'; expected one of restatement"),
        (assessed(after="nobody"), "unknown source 'nobody' in the assessment's 'after'"),
        (assessed(after="Alpha Paper"), "'Alpha Paper' is not a valid id"),
        ("    assessment:\n", "'assessment' is empty"),
        ("    assessment: escalation\n", "'assessment' must be a mapping (kind, after, note)"),
        ("    assessment:\n      kind: escalation\n      after: alpha-paper\n", "has no 'note'"),
        (assessed() + "      why: x\n", "unknown key 'why' in an assessment"),
    ],
)
def test_a_bad_assessment_is_an_error_at_its_line(
    dataset_copy: Copy, assessment: str, expected: str
) -> None:
    data = dataset_copy()
    text = (data / "positions.yaml").read_text(encoding="utf-8")
    line = text[: text.index(ESCALATION)].count("\n") + 1
    rewrite(data, ESCALATION, assessment)
    found = problems(data)
    assert any(expected in p for p in found), found
    # pointed at the assessment, or at the position it belongs to
    assert all(line - 8 <= int(p.split(":")[0]) <= line + 4 for p in found), (line, found)


def test_every_kind_of_the_vocabulary_loads(dataset_copy: Copy) -> None:
    data = dataset_copy()
    previous = "escalation"
    for kind in STEP_KINDS:
        rewrite(data, f"kind: {previous}", f"kind: {kind}")
        assert load_dataset(data).positions[1].assessment.kind == kind  # type: ignore[union-attr]
        previous = kind


# --- check keeps every assessment current ----------------------------------------------


def test_check_passes_a_dataset_whose_steps_are_assessed(cli: Cli) -> None:
    result = cli("check")
    assert (result.code, result.out) == (0, "")


def test_a_step_not_assessed_is_a_warning(cli: Cli, dataset_copy: Copy) -> None:
    data = dataset_copy()
    text = (data / "positions.yaml").read_text(encoding="utf-8")
    start = text.index("    assessment:\n      kind: narrowing")
    end = text.index("\n", text.index("      note:", start)) + 1
    (data / "positions.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    result = cli("check", "--data", str(data))
    assert result.code == 0
    assert "warning: the step from alpha-paper (2020?) is not assessed" in result.out


def test_an_assessment_made_stale_by_an_inserted_position_is_an_error(
    cli: Cli, dataset_copy: Copy
) -> None:
    data = dataset_copy()
    path = data / "positions.yaml"
    inserted = (
        "  - topic: norms\n"
        "    source: beta-statement\n"
        '    date: "2021-06"\n'
        "    original: A Beta note of June 2021\n"
        "    stance: Supports voluntary norms\n"
        "    summary: Supports voluntary norms.\n"
        "    assessment:\n"
        "      kind: restatement\n"
        "      after: alpha-paper\n"
        "      note: The same words.\n"
        "    quotes:\n"
        "      - text: Alpha supports voluntary norms of behaviour.\n"
        "        where: para 3\n"
    )
    path.write_text(path.read_text(encoding="utf-8") + inserted, encoding="utf-8")
    result = cli("check", "--data", str(data), "-f", "json")
    assert result.code == 1
    found = json.loads(result.out)["problems"]
    stale = [p for p in found if "no longer" in p["message"] or "is now" in p["message"]]
    assert len(stale) == 1, found
    assert stale[0]["severity"] == "error"
    assert "the assessment is of the step after 'alpha-paper'" in stale[0]["message"]
    assert "now beta-statement (2021-06)" in stale[0]["message"]
    # show says so beside the step, and diff marks it stale
    shown = json.loads(cli("show", "norms", "--data", str(data), "-f", "json").out)
    assert [e["assessment"]["current"] for e in shown["entries"][1:]] == [True, False]
    timeline = cli("show", "norms", "--data", str(data), "-f", "table").out
    assert "which is no longer the position before" in " ".join(timeline.split())


def test_a_first_position_assessed_is_an_error(cli: Cli, dataset_copy: Copy) -> None:
    data = dataset_copy()
    rewrite(
        data,
        "    source: alpha-paper\n    stance: Supports voluntary norms\n",
        "    source: alpha-paper\n    stance: Supports voluntary norms\n"
        + assessed("restatement", "beta-statement", "Nothing before."),
    )
    result = cli("check", "--data", str(data))
    assert result.code == 1
    assert "the first position of 'norms' is assessed, but no position is before it" in result.out


def test_assessments_survive_the_cached_copy(cli: Cli) -> None:
    first = cli("show", "norms", "-f", "json").out
    second = cli("show", "norms", "-f", "json").out  # from the cached copy
    assert first == second
    entries = json.loads(second)["entries"]
    assert entries[0]["assessment"] is None
    assert entries[1]["assessment"] == {
        "kind": "narrowing",
        "note": "Keeps voluntary norms, now only for peacetime.",
        "after": "alpha-paper",
        "current": True,
    }


# --- show and diff ------------------------------------------------------------------


def test_show_prints_the_step_under_the_shift(cli: Cli) -> None:
    out = cli("show", "norms", "-f", "table").out
    assert "step: narrowing · Keeps voluntary norms, now only for peacetime." in out
    rows = list(csv.DictReader(io.StringIO(cli("show", "norms", "-f", "csv").out)))
    assert [(r["assessment"], r["assessment_note"]) for r in rows] == [
        ("", ""),
        ("narrowing", "Keeps voluntary norms, now only for peacetime."),
    ]


def test_diff_chains_the_steps_with_their_kinds(cli: Cli) -> None:
    document = json.loads(cli("diff", "2020", "2024", "-f", "json").out)
    by_topic = {c["topic"]: c for c in document["changes"]}
    assert by_topic["norms"]["reading"] == "narrowing"
    assert by_topic["norms"]["change"] == "changed"  # kept for readers of the old key
    assert by_topic["norms"]["steps"] == [
        {
            "date": "2021-12-13",
            "source": "beta-statement",
            "kind": "narrowing",
            "note": "Keeps voluntary norms, now only for peacetime.",
            "current": True,
        }
    ]
    # a measured move on the topic's scale is what the change reads as
    assert by_topic["binding-instrument"]["reading"] == "stronger"
    assert [s["kind"] for s in by_topic["binding-instrument"]["steps"]] == ["escalation"]
    assert document["summary"] == "2 topics: 1 stronger, 1 narrowed"


def test_diff_table_never_says_a_bare_changed_where_steps_are_assessed(cli: Cli) -> None:
    out = cli("diff", "2020", "2024", "-f", "table").out
    assert "narrowing" in out
    assert "steps: narrowing 2021-12-13" in " ".join(out.split())
    assert "2 topics: 1 stronger, 1 narrowed" in out
    assert " changed " not in out


def test_diff_in_flat_formats_carries_reading_and_steps(cli: Cli) -> None:
    rows = list(csv.DictReader(io.StringIO(cli("diff", "2020", "2024", "-f", "csv").out)))
    norms = next(r for r in rows if r["topic"] == "norms")
    assert norms["reading"] == "narrowing"
    assert norms["steps"] == "narrowing 2021-12-13 (beta-statement)"
    tsv = cli("diff", "2020", "2024", "-f", "tsv").out.splitlines()
    header = tsv[0].split("\t")
    norms_row = dict(zip(header, tsv[2].split("\t"), strict=True))
    assert (norms_row["reading"], norms_row["steps"]) == (
        "narrowing",
        "narrowing 2021-12-13 (beta-statement)",
    )
    # both sides' source and voice, so talking points never lose whose words they are
    assert (norms["from_source"], norms["from_voice"]) == ("alpha-paper", "primary")
    assert (norms["to_source"], norms["to_voice"]) == ("beta-statement", "secondary")


def test_changed_only_leaves_out_restatements(cli: Cli, dataset_copy: Copy) -> None:
    data = dataset_copy()
    rewrite(data, "kind: narrowing", "kind: restatement")
    args = ("diff", "2020", "2024", "--data", str(data), "-f", "json")
    every = json.loads(cli(*args).out)["changes"]
    assert {c["topic"] for c in every} == {"binding-instrument", "norms"}
    changed = json.loads(cli(*args, "--changed-only").out)["changes"]
    assert [c["topic"] for c in changed] == ["binding-instrument"]
    assert cli("diff", "2020", "2024", "--data", str(data), "-t", "norms", "--exit-code").code == 0
    rewrite(data, "kind: restatement", "kind: reversal")
    assert cli("diff", "2020", "2024", "--data", str(data), "-t", "norms", "--exit-code").code == 1


def test_a_step_not_assessed_reads_as_the_old_change(cli: Cli, dataset_copy: Copy) -> None:
    data = dataset_copy()
    text = (data / "positions.yaml").read_text(encoding="utf-8")
    start = text.index("    assessment:\n      kind: narrowing")
    end = text.index("\n", text.index("      note:", start)) + 1
    (data / "positions.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    document = json.loads(cli("diff", "2020", "2024", "--data", str(data), "-f", "json").out)
    norms = next(c for c in document["changes"] if c["topic"] == "norms")
    assert norms["reading"] == "changed"
    assert norms["steps"][0]["kind"] is None
    assert document["summary"] == "2 topics: 1 stronger, 1 changed, not assessed"


def test_the_readings_order_every_change_and_kind() -> None:
    assert set(READINGS) >= set(STEP_KINDS)
    assert set(READING_LABELS) <= set(READINGS)


# --- the dataset's own description, sources' symbols and urls -----------------------------


def test_the_description_is_shown_by_topics_sources_and_version(
    cli: Cli, dataset_copy: Copy
) -> None:
    data = dataset_copy()
    rewrite(
        data,
        '  edition: "test-1"\n',
        '  edition: "test-1"\n  description: Two documents of 2020 and 2021; nothing after.\n',
    )
    for command in ("topics", "sources"):
        document = json.loads(cli(command, "--data", str(data), "-f", "json").out)
        assert document["dataset"]["description"] == (
            "Two documents of 2020 and 2021; nothing after."
        )
        assert document["dataset"]["edition"] == "test-1"
        table = cli(command, "--data", str(data), "-f", "table").out
        assert "Two documents of 2020 and 2021; nothing after." in " ".join(table.split())
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POSTTRACK_DATA", str(data))
        version = cli("--version").out.splitlines()
    assert version[1] == "coverage: Two documents of 2020 and 2021; nothing after."


def test_url_is_accepted_in_lower_case_and_symbol_is_kept(cli: Cli, dataset_copy: Copy) -> None:
    data = dataset_copy()
    rewrite(
        data,
        "    path: sources/alpha-paper.txt\n",
        "    path: sources/alpha-paper.txt\n    url: https://example.org/alpha\n"
        "    symbol: A/AC.290/2020/1\n",
    )
    source = json.loads(cli("sources", "--data", str(data), "-f", "json").out)["sources"][0]
    assert (source["url"], source["symbol"]) == ("https://example.org/alpha", "A/AC.290/2020/1")
    rewrite(data, "    symbol:", "    URL: https://example.org/other\n    symbol:")
    assert any("'url' and 'URL' are the same key" in p for p in problems(data))


def test_a_long_chain_of_steps_is_counted_by_kind() -> None:
    from posttrack.output.views import MOST_STEPS, steps_text

    def step(kind: str | None, date: str, current: bool = True) -> dict[str, object]:
        return {"kind": kind, "date": date, "source": "s", "note": None, "current": current}

    few = [step("escalation", "2021"), step("broadening", "2024-07-11")]
    assert steps_text(few) == "steps: escalation 2021 · broadening 2024-07-11"
    many = [step("restatement", f"20{10 + i}") for i in range(MOST_STEPS)]
    many += [step("reversal", "2030", current=False), step(None, "2031")]
    assert steps_text(many) == (
        f"{MOST_STEPS + 2} steps, 2010 to 2031: {MOST_STEPS} restatement, 1 reversal, "
        "1 not assessed (1 stale)"
    )
