"""The shipped dataset is itself a test subject: complete, dated honestly, the story right."""

from __future__ import annotations

import hashlib
import re

import pytest

from conftest import SHIPPED
from posttrack import load_dataset
from posttrack.model import Dataset
from posttrack.quotes.verify import run_check

SOURCE_IDS = [
    "2020-oewg-working-paper",
    "2020-oewg-predraft-inputs",
    "2021-12-13-akram-oewg-statement",
    "2023-10-11-issi-brief",
    "2024-07-11-jadoon-unidir-press-release",
]
REQUIRED_TOPICS = [
    "binding-instrument",
    "international-law",
    "ihl",
    "norms",
    "cbms",
    "capacity-building",
    "institutional-dialogue",
    "militarization",
    "threats",
    "attribution",
    "disinformation",
    "digital-divide",
    "stakeholders",
]


@pytest.fixture(scope="module")
def shipped() -> Dataset:
    return load_dataset(SHIPPED)


def test_passes_check_with_no_warnings(shipped: Dataset) -> None:
    assert list(run_check(shipped)) == []


def test_sources_have_the_contract_ids_voices_and_dates(shipped: Dataset) -> None:
    assert list(shipped.sources) == SOURCE_IDS
    voices = {s.id: (s.voice, s.kind, s.issued.text) for s in shipped.sources.values()}
    assert voices == {
        "2020-oewg-working-paper": ("primary", "working-paper", "2020?"),
        "2020-oewg-predraft-inputs": ("primary", "submission", "2020"),
        "2021-12-13-akram-oewg-statement": ("primary", "statement", "2021-12-13"),
        "2023-10-11-issi-brief": ("secondary", "analysis", "2023-10-11"),
        "2024-07-11-jadoon-unidir-press-release": ("reported", "press-release", "2024-07-11"),
    }


def test_the_working_papers_date_is_uncertain_and_says_why(shipped: Dataset) -> None:
    paper = shipped.sources["2020-oewg-working-paper"]
    assert paper.issued.uncertain
    assert paper.note
    assert "no public record" in paper.note


def test_source_texts_are_byte_for_byte_as_recorded() -> None:
    recorded = dict(
        re.findall(
            r"\| `([\w.-]+\.txt)` \|.*\| `([0-9a-f]{64})` \|",
            (SHIPPED / "sources" / "README.md").read_text(encoding="utf-8"),
        )
    )
    assert sorted(recorded) == sorted(f"{i}.txt" for i in SOURCE_IDS)
    for name, digest in recorded.items():
        assert hashlib.sha256((SHIPPED / "sources" / name).read_bytes()).hexdigest() == digest, name


def test_every_source_feeds_positions(shipped: Dataset) -> None:
    used = {p.source for p in shipped.positions}
    assert used == set(SOURCE_IDS)


def test_required_topics_each_have_two_dated_positions(shipped: Dataset) -> None:
    for topic in REQUIRED_TOPICS:
        assert topic in shipped.topics
        topic_def = shipped.topics[topic]
        assert all((topic_def.title, topic_def.description, topic_def.aliases)), topic
        dates = {p.date.text for p in shipped.positions_for(topic)}
        assert len(dates) >= 2, topic


def test_well_over_forty_positions_each_with_a_located_quote(shipped: Dataset) -> None:
    assert len(shipped.positions) > 40
    for position in shipped.positions:
        assert position.quotes
        assert all(q.where for q in position.quotes)


def test_positions_from_the_analyst_name_what_they_report(shipped: Dataset) -> None:
    for position in shipped.positions:
        if position.source == "2023-10-11-issi-brief":
            assert position.original, position.stance


def test_the_binding_instrument_story(shipped: Dataset) -> None:
    history = shipped.positions_for("binding-instrument")
    story = [(p.source, p.date.text, p.level) for p in history]
    assert story == [
        ("2020-oewg-working-paper", "2020?", 1),
        ("2020-oewg-predraft-inputs", "2020", 1),
        ("2021-12-13-akram-oewg-statement", "2021-12-13", 2),
        ("2023-10-11-issi-brief", "2023-03-03?", 3),
        ("2024-07-11-jadoon-unidir-press-release", "2024-07-11", 4),
    ]
    quotes = {p.source: " ".join(q.text for q in p.quotes) for p in history}
    assert "binding rules" in quotes["2020-oewg-working-paper"]
    assert "politically or legally binding" in quotes["2020-oewg-working-paper"]
    assert "legally and/or politically binding instrument(s)" in quotes["2020-oewg-predraft-inputs"]
    assert "legally binding international instrument" in quotes["2021-12-13-akram-oewg-statement"]
    assert "enforcement, verification, and accountability" in quotes["2023-10-11-issi-brief"]
    assert (
        "legally-binding comprehensive framework"
        in quotes["2024-07-11-jadoon-unidir-press-release"]
    )
    assert history[3].original
    assert "3 March 2023" in history[3].original
