"""The shipped dataset is itself a test subject: complete, dated honestly, the story right."""

from __future__ import annotations

import hashlib
import itertools
import re

import pytest

from conftest import SHIPPED
from posttrack import load_dataset
from posttrack.model import Dataset
from posttrack.quotes.attribution import in_own_words, said_by
from posttrack.quotes.locate import find_exact, read_source
from posttrack.quotes.passages import unnumbered_paragraphs
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
    """Every ISSI position says which document it reports, or that the brief names
    none; a position carries another date than the brief's only with a footnote."""
    for position in shipped.positions:
        if position.source != "2023-10-11-issi-brief":
            continue
        assert position.original, position.stance
        if position.date.text != "2023-10-11":
            assert "footnote" in (position.note or "") + position.original, position.stance


def test_every_step_is_assessed_and_current(shipped: Dataset) -> None:
    for topic in shipped.topics:
        history = shipped.positions_for(topic)
        assert history[0].assessment is None, topic
        for before, after in itertools.pairwise(history):
            assert after.assessment is not None, (topic, after.date)
            assert after.assessment.after == before.source, (topic, after.date)
            assert after.assessment.note.strip(), (topic, after.date)


def test_the_coverage_is_stated(shipped: Dataset) -> None:
    assert "2022" in shipped.description
    assert shipped.edition == "2026.2"


def test_the_binding_instrument_story(shipped: Dataset) -> None:
    """2020 already asked for legally binding instruments; the pre-draft inputs hedged;
    2021 returned to it; the analyst's account adds detail; 2024 broadened the ask."""
    history = shipped.positions_for("binding-instrument")
    story = [(p.source, p.date.text, p.level) for p in history]
    assert story == [
        ("2020-oewg-working-paper", "2020?", 3),
        ("2020-oewg-predraft-inputs", "2020", 1),
        ("2021-12-13-akram-oewg-statement", "2021-12-13", 3),
        ("2023-10-11-issi-brief", "2023-10-11", 3),
        ("2024-07-11-jadoon-unidir-press-release", "2024-07-11", 4),
    ]
    steps = [p.assessment.kind if p.assessment else None for p in history]
    assert steps == [None, "softening", "escalation", "elaboration", "broadening"]
    quotes = {p.source: " ".join(q.text for q in p.quotes) for p in history}
    assert "legally binding international instruments" in quotes["2020-oewg-working-paper"]
    assert "politically or legally binding" in quotes["2020-oewg-working-paper"]
    assert "legally and/or politically binding instrument(s)" in quotes["2020-oewg-predraft-inputs"]
    assert "continue to consider, as appropriate" in quotes["2020-oewg-predraft-inputs"]
    assert "legally binding international instrument" in quotes["2021-12-13-akram-oewg-statement"]
    assert "enforcement, verification, and accountability" in quotes["2023-10-11-issi-brief"]
    assert (
        "legally-binding comprehensive framework"
        in quotes["2024-07-11-jadoon-unidir-press-release"]
    )
    assert history[3].original
    assert history[3].original.startswith("Not named")


def test_the_national_interpretation_reversal_is_captured(shipped: Dataset) -> None:
    history = shipped.positions_for("national-position")
    first = " ".join(q.text for q in history[0].quotes)
    assert "States should refrain from interpreting the applicable international law" in first
    kinds = [p.assessment.kind if p.assessment else None for p in history]
    assert kinds[:2] == [None, "reversal"]


# -- whose words: the passages the sources mark as others' ------------------------------

GGES = "previous GGEs"
REPORT = "the OEWG's second annual progress report"


def test_the_passages_in_others_words_are_marked(shipped: Dataset) -> None:
    marked = {(s.id, p.where): p.said_by for s in shipped.sources.values() for p in s.passages}
    assert marked == {
        ("2020-oewg-working-paper", "para 18"): GGES,
        ("2020-oewg-working-paper", "para 29"): "previous GGE reports",
        ("2020-oewg-working-paper", "para 35"): "previous GGE reports",
        ("2020-oewg-working-paper", "para 36"): "the 2015 GGE report",
        ("2020-oewg-predraft-inputs", "para 7"): "many delegations, including Pakistan",
        ("2021-12-13-akram-oewg-statement", "unnumbered para 10"): (
            "a broad consensus among Member States"
        ),
        ("2023-10-11-issi-brief", "unnumbered para 3"): REPORT,
        ("2023-10-11-issi-brief", "unnumbered para 7"): REPORT,
        ("2023-10-11-issi-brief", "unnumbered paras 9-10"): REPORT,
    }


def _said_by(shipped: Dataset, source_id: str, quote: str, *, cited: bool) -> tuple[str, bool]:
    source = shipped.sources[source_id]
    text = read_source(source)
    (span,) = find_exact(text.normalized, quote)
    line, _, end = text.occurrence(span)
    end_line = text.raw.count("\n", 0, end) + 1
    found = said_by(source, None, cited, shipped.state, text=text.raw, line=line, end_line=end_line)
    own = in_own_words(source, None, text=text.raw, line=line, end_line=end_line)
    assert found is not None
    return found, own


@pytest.mark.parametrize(
    ("source", "quote", "cited", "expected"),
    [
        # the issue's example: the GGEs' words, which the working paper reports
        (
            "2020-oewg-working-paper",
            "International law, and in particular the Charter of the United Nations, is "
            "applicable and is essential to maintaining peace and stability",
            False,
            (GGES, False),
        ),
        # Pakistan's own view, though it names the GGE recommendations it builds on
        (
            "2020-oewg-working-paper",
            "The 2015 GGE recommendations could provide a useful basis",
            True,
            ("Pakistan", True),
        ),
        (
            "2020-oewg-working-paper",
            "Reports of previous GGEs include valuable recommendations",
            True,
            ("Pakistan", True),
        ),
        (
            "2020-oewg-predraft-inputs",
            "highlighted the need for recommending the consideration of a binding instrument",
            True,
            ("many delegations, including Pakistan", False),
        ),
        (
            "2021-12-13-akram-oewg-statement",
            "it is essential to develop a legally binding international instrument",
            True,
            ("Pakistan", True),
        ),
        (
            "2021-12-13-akram-oewg-statement",
            "are applicable and essential to maintain peace and stability in the ICT environment",
            False,
            ("a broad consensus among Member States", False),
        ),
        # the analyst reporting Pakistan, where a position quotes it; never Pakistan's words
        (
            "2023-10-11-issi-brief",
            "these voluntary norms, rules, and principles should not be used as a substitute",
            True,
            ("Pakistan", False),
        ),
        (
            "2023-10-11-issi-brief",
            "states agreed to the development of additional norms",
            False,
            (REPORT, False),
        ),
        (
            "2023-10-11-issi-brief",
            "any of these proposed institutional dialogues or mechanisms would be established",
            False,
            (REPORT, False),
        ),
        # the analyst's own account of the report, and her conclusion
        (
            "2023-10-11-issi-brief",
            "The most contentious aspect of this report",
            False,
            (
                "Aamna Rafiq, Institute of Strategic Studies Islamabad (ISSI); edited by Malik "
                "Qasim Mustafa",
                False,
            ),
        ),
        (
            "2024-07-11-jadoon-unidir-press-release",
            "it is time to create a legally-binding comprehensive framework",
            True,
            ("Pakistan", True),
        ),
    ],
)
def test_whose_words_each_shipped_passage_holds(
    shipped: Dataset, source: str, quote: str, cited: bool, expected: tuple[str, bool]
) -> None:
    assert _said_by(shipped, source, quote, cited=cited) == expected


def test_no_curated_issi_quote_is_in_the_reports_words(shipped: Dataset) -> None:
    """The analyst's paragraphs that report Pakistan are not marked as the report's."""
    for position in shipped.positions:
        if position.source != "2023-10-11-issi-brief":
            continue
        for quote in position.quotes:
            assert _said_by(shipped, position.source, quote.text, cited=True) == (
                "Pakistan",
                False,
            ), quote.text


def test_every_unnumbered_para_is_counted_as_the_readme_says(shipped: Dataset) -> None:
    """The counter that locates `unnumbered para N` passages agrees with every quote
    the curators located that way by hand."""
    counted = 0
    for position in shipped.positions:
        source = shipped.sources[position.source]
        text = read_source(source)
        numbers = unnumbered_paragraphs(text.raw)
        for quote in position.quotes:
            if not quote.where.startswith("unnumbered para "):
                continue
            line = text.occurrence(find_exact(text.normalized, quote.text)[0])[0]
            assert f"unnumbered para {numbers[line - 1]}" == quote.where, quote.text
            counted += 1
    assert counted >= 30


# -- a stance says only what its quotes show ---------------------------------------------

# a number or year, or a capitalised word that does not start a sentence
_CLAIM = re.compile(r"(?<![\w’'-])(\d[\d,.]*\d|\d|[A-Z][\w’'-]*)")
_SENTENCE_START = re.compile(r"(?:^|[.;:!?]\s+|[(\"“‘]|—\s*)$")


def claims(text: str) -> set[str]:
    """The numbers, years and proper nouns of a curator's sentence."""
    found = set()
    for match in _CLAIM.finditer(text):
        word = match.group().rstrip(".,")
        if word[0].isupper() and _SENTENCE_START.search(text[: match.start()]):
            continue
        found.add(word)
    return found


_LINKS = {"of", "and", "the", "for", "in", "on"}


def _attested(word: str, evidence: str) -> bool:
    """The word stands in the evidence, in any case, singular or plural, possessive or
    not (a number may be written with its thousands separator); an acronym may stand
    spelt out (UN: United Nations; CERTs: Computer Emergency Response Teams)."""
    base = word.rstrip("'").removesuffix("'s")
    forms = {base, base.removesuffix("s"), base + "s"}
    for form in forms:
        if re.search(rf"(?<![\w-]){re.escape(form)}(?![\w])", evidence, re.IGNORECASE):
            return True
    letters = base.removesuffix("s")
    if len(letters) < 2 or sum(c.isupper() for c in letters) < 2:
        return False
    words = [w for w in re.findall(r"[\w-]+", evidence) if w.casefold() not in _LINKS]
    return letters.upper() in "".join(w[0] for w in words).upper()


def test_a_stance_claims_no_number_or_name_its_evidence_lacks(shipped: Dataset) -> None:
    """Every number, year and proper noun in a stance or summary appears in the
    position's quotes, or in its source's metadata (or the document it reports)."""
    unsupported = []
    for position in shipped.positions:
        source = shipped.sources[position.source]
        evidence = " ".join(
            [
                *(q.text for q in position.quotes),
                source.title,
                source.short,
                source.author,
                source.speaker or "",
                source.venue,
                source.note or "",
                position.original or "",
                shipped.state,
            ]
        )
        evidence = evidence.replace("’", "'")
        for text in (position.stance, position.summary):
            for word in claims(" ".join(text.split()).replace("’", "'")):
                if not _attested(word, evidence):
                    unsupported.append(f"{position.topic} {position.date}: {word!r} in {text!r}")
    assert unsupported == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Supports the 11 voluntary norms. Applies in peacetime.", {"11"}),
        ("As the ISSI brief reports it, Pakistan asks for a UN debate", {"ISSI", "Pakistan", "UN"}),
        ("Binding rules (politically or legally)", set()),
        ("Calls the 2015 GGE report a basis; the Charter applies", {"2015", "GGE", "Charter"}),
    ],
)
def test_claims_are_numbers_and_names_not_sentence_starts(text: str, expected: set[str]) -> None:
    assert claims(text) == expected
