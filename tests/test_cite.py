"""`posttrack cite`: every kind of query a user pastes, found at the right line."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SHIPPED, Result
from posttrack.output import layout
from posttrack.quotes.index import Index
from posttrack.quotes.locate import quote_parts
from posttrack.quotes.normalize import normalize
from posttrack.quotes.search import MIN_SCORE, cite

Cli = Callable[..., Result]
WP = "2020-oewg-working-paper"
PREDRAFT = "2020-oewg-predraft-inputs"
AKRAM = "2021-12-13-akram-oewg-statement"
ISSI = "2023-10-11-issi-brief"
JADOON = "2024-07-11-jadoon-unidir-press-release"


@pytest.fixture(autouse=True)
def _shipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTTRACK_DATA", str(SHIPPED))


def found(cli: Cli, quote: str, *args: str) -> dict:
    result = cli("cite", quote, "-f", "json", *args)
    assert result.err == ""
    document = json.loads(result.out)
    assert result.code == (0 if document["verdict"] in ("verbatim", "close") else 1)
    return document


def places(document: dict) -> list[tuple[str, int]]:
    return [(m["source"], m["line"]) for m in document["matches"]]


@pytest.mark.parametrize(
    ("name", "quote", "verdict", "where"),
    [
        ("two words", "common heritage", "verbatim", [(ISSI, 26), (JADOON, 16)]),
        (
            "other quote marks",
            "Pakistan considers cyberspace a ‘common heritage of mankind’",
            "verbatim",
            [(ISSI, 26), (JADOON, 16)],
        ),
        (
            "case",
            "THE OEWG REPRESENTS THE FIRST INCLUSIVE INSTITUTIONAL PROCESS",
            "verbatim",
            [(WP, 9)],
        ),
        (
            "hard line wraps",
            "the possible adoption of a legally and/or politically binding instrument(s)",
            "verbatim",
            [(PREDRAFT, 61)],
        ),
        (
            "a page break",
            "significant increase in recent years in the frequency of cyber attacks on "
            "critical infrastructure",
            "verbatim",
            [(AKRAM, 35)],
        ),
        (
            "a footnote block",
            "These peaceful means include but are not limited to inquiry, mediation, negotiation",
            "verbatim",
            [(ISSI, 36)],
        ),
        (
            "markdown emphasis",
            "adopt binding rules for responsible State behaviour in relation to the "
            "use of ICTs. The 2015 GGE",
            "verbatim",
            [(WP, 14)],
        ),
        (
            "a footnote marker",
            "to achieve synergy. With respect to the militarization of ICTs",
            "verbatim",
            [(ISSI, 26)],
        ),
        (
            "inside a footnote",
            "Pakistan's Views on the Establishment of a Global Directory of Points of Contact",
            "verbatim",
            [(ISSI, 67)],
        ),
        (
            "the original's typo",
            "should however not prevent the OEWSG from focusing its attention",
            "verbatim",
            [(WP, 46)],
        ),
        (
            "typos",
            "it is esential to develop a legaly binding internatinal instrument",
            "close",
            [(AKRAM, 59)],
        ),
        (
            "a dropped word",
            "Pakistan therefore shares the view that it is essential to develop a "
            "legally binding instrument, specifically tailored to the attributes of ICTs",
            "partial",
            [(AKRAM, 59)],
        ),
        (
            "changed words",
            "Ambassador Jadoon said that it is time to build a legally-binding "
            "comprehensive framework under the UN's auspices",
            "partial",
            [(JADOON, 22)],
        ),
        (
            "an ellipsis",
            "Pakistan considers cyberspace a common heritage of mankind … a complete ban",
            "verbatim",
            [(ISSI, 26)],
        ),
        (
            # every word is there, but the dots hide "can focus on": the source says the
            # Conference could do it, the quote that it does (a modal elided: altered)
            "three dots",
            "The Conference on Disarmament ... elaborating elements of an international instrument",
            "altered",
            [(WP, 100)],
        ),
        (
            "longer than the sentence",
            "Bridging the digital divide between developed and developing "
            "countries is essential for the global transition, as every delegation agreed",
            "partial",
            [(AKRAM, 77)],
        ),
        (
            "truncated",
            "Threats to security and stability in cyberspace due to the malicious",
            "verbatim",
            [(WP, 11)],
        ),
        (
            "absent",
            "Pakistan proposes a cyber non-aggression pact with all nuclear powers",
            "none",
            [],
        ),
        (
            "absent, near the topic",
            "Pakistan rejects any legally binding instrument on cyberspace",
            "none",
            [],
        ),
    ],
)
def test_every_kind_of_query(cli: Cli, name: str, quote: str, verdict: str, where: list) -> None:
    document = found(cli, quote)
    assert document["verdict"] == verdict, name
    assert places(document)[: len(where)] == where, name


def test_a_match_carries_everything_a_citation_needs(cli: Cli) -> None:
    document = found(cli, "legally binding international instrument")
    assert document["schema_version"] == 1
    assert document["query"] == "legally binding international instrument"
    match = document["matches"][0]
    required = {
        "source",
        "path",
        "date",
        "voice",
        "score",
        "line",
        "end_line",
        "column",
        "where",
        "text",
        "positions",
    }
    assert required <= set(match)
    assert match == match | {
        "source": AKRAM,
        "date": "2021-12-13",
        "voice": "primary",
        "score": 100.0,
        "verbatim": True,
        "line": 59,
        "end_line": 59,
        "column": 70,
        "text": "legally binding international instrument",
    }
    assert match["path"].endswith("data/sources/2021-12-13-akram-oewg-statement.txt")
    assert match["positions"] == [
        {
            "topic": "binding-instrument",
            "date": "2021-12-13",
            "stance": "Shares the view that a legally binding international instrument tailored "
            "to ICTs is essential, promoted within the UN by consensus",
        }
    ]


def test_the_documents_own_paragraph_number(cli: Cli) -> None:
    assert (
        found(cli, "legally and/or politically binding")["matches"][0]["where"] == "para 11(i)(a)"
    )
    issi = found(cli, "a complete ban on the development of all kinds")["matches"][0]
    assert issi["where"] == 'section "Militarization of ICTs: Existing and Potential Threats"'


def test_a_span_across_a_page_break_has_true_lines(cli: Cli) -> None:
    match = found(cli, "in the frequency of cyber attacks")["matches"][0]
    assert (match["line"], match["end_line"]) == (35, 37)
    assert match["text"] == "in the\n\nfrequency of cyber attacks"


def test_plain_is_grep_style(cli: Cli) -> None:
    result = cli("cite", "common heritage", "-f", "plain")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].endswith("data/sources/2023-10-11-issi-brief.txt:26:223: 100: common heritage")
    assert lines[1].endswith(
        "2024-07-11-jadoon-unidir-press-release.txt:16:65: 100: common heritage"
    )


def test_plain_shows_skipped_footnotes(cli: Cli) -> None:
    out = cli("cite", "not limited to inquiry, mediation", "-f", "plain").out
    line = (SHIPPED / "sources" / f"{ISSI}.txt").read_text(encoding="utf-8").split("\n")[35]
    column = line.index("not limited to") + 1
    assert out.endswith(f":36:{column}: 100: not limited to […] inquiry, mediation\n")


def test_human_output_says_whose_words_these_are(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")
    monkeypatch.setattr(layout, "READABLE_WIDTH", 300)  # one line each, not capped
    out = cli("cite", "common heritage", "-f", "table").out
    assert (
        "Verbatim, but not in Pakistan's own words: only in a press release reporting the "
        "speaker and an analyst's account (2 places)."
    ) in out
    assert "cited by militarization (2023-03-03)" in out
    out = cli("cite", "politically or legally binding rules", "-f", "table").out
    assert "Verbatim, in Pakistan's own words (1 place)." in out
    out = cli("cite", "These peaceful means include", "-f", "table").out
    assert "only in an analyst's account" in out


def test_absent_quote_exits_1_and_claims_nothing(cli: Cli) -> None:
    result = cli("cite", "a cyber non-aggression pact with all nuclear powers")
    assert (result.code, result.out, result.err) == (1, "", "")
    table = cli("cite", "a cyber non-aggression pact with all nuclear powers", "-f", "table")
    assert "Not found: nothing scores 80 or more." in table.out


def test_a_short_phrase_is_only_ever_claimed_verbatim(cli: Cli) -> None:
    assert found(cli, "common heritages")["verdict"] == "none"
    assert found(cli, "comon heritage")["verdict"] == "none"
    assert found(cli, "heritage of")["verdict"] == "verbatim"


def test_a_word_is_never_matched_inside_another(cli: Cli) -> None:
    assert found(cli, "heritag of mankind")["verdict"] == "none"


def test_source_limit_and_min_score(cli: Cli) -> None:
    assert places(found(cli, "common heritage", "--source", JADOON)) == [(JADOON, 16)]
    assert len(found(cli, "common heritage", "--limit", "1")["matches"]) == 1
    assert (
        found(
            cli,
            "it is esential to develop a legaly binding internatinal instrument",
            "--min-score",
            "99",
        )["verdict"]
        == "none"
    )
    bad = cli("cite", "x", "--source", "nope")
    assert (bad.code, bad.err) == (
        2,
        "posttrack: error: unknown source 'nope'; 'posttrack sources' lists them\n",
    )


def test_every_shipped_quote_is_found_verbatim_where_curated(cli: Cli) -> None:
    import yaml

    document = yaml.safe_load((SHIPPED / "positions.yaml").read_text(encoding="utf-8"))
    quotes = [(p["source"], q["text"]) for p in document["positions"] for q in p["quotes"]]
    stdin = "\n".join(text for _, text in quotes) + "\n"
    result = run_with_stdin(cli, stdin, "cite", "-", "-f", "jsonl", "--limit", "20")
    assert result.code == 0
    lines = [json.loads(line) for line in result.out.splitlines()]
    assert len(lines) == len(quotes)
    for (source, text), each in zip(quotes, lines, strict=True):
        assert each["query"] == text
        assert each["verdict"] == "verbatim", text
        assert source in [m["source"] for m in each["matches"]], text


def run_with_stdin(cli: Cli, stdin: str, *args: str) -> Result:
    import sys

    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        return cli(*args)
    finally:
        sys.stdin = saved


def test_stdin_batch_answers_every_line_in_order(cli: Cli) -> None:
    """One result per input line, blank lines too, so a batch's output lines up with
    its input (`paste`, `join`)."""
    stdin = "common heritage\n\nnot in any source at all, surely\nOEWSG\n"
    result = run_with_stdin(cli, stdin, "cite", "-", "-f", "jsonl")
    assert result.code == 1  # a quote was not found, and a line was blank
    lines = [json.loads(line) for line in result.out.splitlines()]
    assert [(r["input_line"], r["verdict"]) for r in lines] == [
        (1, "verbatim"),
        (2, "none"),
        (3, "none"),
        (4, "verbatim"),
    ]
    assert lines[1]["reason"] == "the quote is empty: it has no words to look for"
    warning = "line 2 of the input: the quote is empty: it has no words to look for"
    assert result.err == f"posttrack: warning: {warning}\n"
    whole = json.loads(run_with_stdin(cli, stdin, "cite", "-", "-f", "json").out)
    assert [r["query"] for r in whole["results"]] == [
        "common heritage",
        "",
        "not in any source at all, surely",
        "OEWSG",
    ]
    plain = run_with_stdin(cli, stdin, "cite", "-", "-f", "plain").out.splitlines()
    assert [line.split(": ")[0] for line in plain] == ["1", "1", "2", "3", "4"]
    assert plain[2:4] == ["2: none", "3: none"]
    assert plain[0].startswith("1: verbatim: data/sources/")
    blank = run_with_stdin(cli, "\n  \n", "cite", "-", "-f", "jsonl")
    assert blank.code == 1
    assert [json.loads(line)["verdict"] for line in blank.out.splitlines()] == ["none", "none"]
    empty = run_with_stdin(cli, "", "cite", "-")
    assert (empty.code, empty.err) == (
        2,
        "posttrack: error: no quotes on stdin: give one quote per line\n",
    )


def test_a_quote_argument_that_is_empty_or_huge_is_a_usage_error(cli: Cli) -> None:
    # (in a `cite -` batch such a line is one result saying why: test_cite_attacks.py)
    assert (
        cli("cite", " “…” ").err
        == "posttrack: error: the quote is empty: give some words to look for\n"
    )
    huge = cli("cite", "word " * 2_000_000)
    assert (huge.code, huge.out) == (2, "")
    assert huge.err == (
        "posttrack: error: the quote is 10,000,000 characters; cite takes at most 5,000 "
        "(a sentence or a paragraph)\n"
    )


def test_file_mode_searches_files_and_directories(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.md").write_text(
        "# Title\n## Notes\nThe **common heritage** of mankind.\n"
    )
    (tmp_path / "notes" / "b.txt").write_text("Nothing here.\n\nOr here.\n")
    (tmp_path / "notes" / "skip.pdf").write_text("common heritage\n")
    single = tmp_path / "one.txt"
    single.write_text("line one\ncommon heritage again\n")
    result = cli("cite", "common heritage", str(tmp_path / "notes"), str(single), "-f", "json")
    document = json.loads(result.out)
    assert result.code == 0
    assert [
        (Path(m["path"]).name, m["line"], m["column"], m["source"]) for m in document["matches"]
    ] == [
        ("a.md", 3, 7, None),
        ("one.txt", 2, 1, None),
    ]
    assert document["matches"][0]["where"] == 'section "Notes"'  # the first heading is a title
    missing = cli("cite", "x", str(tmp_path / "nowhere"))
    assert (missing.code, missing.err) == (
        2,
        f"posttrack: error: no file or directory '{tmp_path / 'nowhere'}'\n",
    )


def test_file_mode_sees_a_changed_file(cli: Cli, tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("alpha beta gamma delta epsilon\n")
    assert cli("cite", "alpha beta gamma delta epsilon", str(doc)).code == 0
    doc.write_text("zeta eta theta iota kappa\n")
    assert cli("cite", "alpha beta gamma delta epsilon", str(doc)).code == 1
    assert cli("cite", "zeta eta theta iota kappa", str(doc)).code == 0


@pytest.mark.parametrize("fmt", ["auto", "table", "plain", "json", "jsonl", "csv", "tsv", "md"])
def test_every_format(cli: Cli, fmt: str) -> None:
    result = cli("cite", "common heritage", "-f", fmt)
    assert (result.code, result.err) == (0, "")
    assert "\x1b[" not in result.out
    assert result.out.count("common heritage") >= 2


def test_min_score_default_is_the_documented_one() -> None:
    import inspect

    from posttrack.cli import cite as command

    assert inspect.signature(command).parameters["min_score"].default == MIN_SCORE == 80.0


_SENTENCES = [
    "Pakistan considers cyberspace a “common heritage of mankind” and calls for a complete ban",
    "significant increase in recent years in the\n\n"
    "frequency of cyber attacks on critical infrastructure",
    "These peaceful means include but are not limited to\n\n- \n- <sup>1</sup> A note.\n\n"
    "inquiry, mediation",
    "adopt **binding rules for responsible State behaviour** in relation to the use of ICTs",
]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from(_SENTENCES), st.data())
def test_every_reported_span_normalises_to_what_matched(
    tmp_path: Path, sentence: str, data: st.DataObject
) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("Some opening words here.\n\n" + sentence + "\n\nClosing words.\n")
    words_ = normalize(sentence).text.split(" ")
    start = data.draw(st.integers(0, len(words_) - 4))
    end = data.draw(st.integers(start + 4, len(words_)))
    quote = " ".join(words_[start:end])
    index = Index(None)
    index.refresh([str(doc.resolve())])
    result = cite(index, index.file_ids([str(doc.resolve())]), quote)
    assert result.verdict == "verbatim"
    place = result.places[0]
    assert normalize(place.text).text == " ".join(quote_parts(quote))
    text = doc.read_text()
    assert text[place.start : place.end] == place.text
    assert text.split("\n")[place.line - 1][place.column - 1 :].startswith(
        place.text.split("\n")[0]
    )


def test_an_unusable_cache_falls_back_to_memory(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory should be\n")
    monkeypatch.setenv("POSTTRACK_CACHE", str(blocker))
    result = cli("cite", "common heritage", "-f", "plain")
    assert result.code == 0
    assert result.out.count("common heritage") == 2
    assert result.err.startswith(
        f"posttrack: warning: cannot use the cache (the cache directory {blocker} "
        "is not a directory)"
    )
    assert result.err.endswith("; indexing in memory\n")


def test_a_file_that_is_not_utf8_is_skipped_with_a_warning(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("the common heritage of mankind\n")
    (tmp_path / "bad.txt").write_bytes(b"common heritage \xff\n")
    result = cli("cite", "common heritage", str(tmp_path), "-f", "plain")
    assert result.code == 0
    assert result.out.endswith("good.txt:1:5: 100: common heritage\n")
    assert result.err.endswith("bad.txt: skipped, not UTF-8 (byte 16)\n")


def test_a_progress_bar_only_for_a_large_job_on_a_terminal() -> None:
    from posttrack.output import terminal

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    quiet = io.StringIO()
    with terminal.progress(100 * 1024 * 1024, "indexing", quiet) as advance:
        advance(1024)
    assert quiet.getvalue() == ""
    small = Terminal()
    with terminal.progress(1024, "indexing", small) as advance:
        advance(1024)
    assert small.getvalue() == ""
    shown = Terminal()
    with terminal.progress(8 * 1024 * 1024, "indexing", shown) as advance:
        advance(4 * 1024 * 1024)
        advance(4 * 1024 * 1024)
    assert "indexing" in shown.getvalue()


def test_every_word_for_word_place_even_across_a_paragraph_break(cli: Cli, tmp_path: Path) -> None:
    quote = "states should refrain from conducting hostile operations in cyberspace"
    doc = tmp_path / "doc.txt"
    filler = "\n\n".join(f"Paragraph {n} is about something else entirely." for n in range(30))
    doc.write_text(
        f"It said that {quote} at all times.\n\n{filler}\n\n"
        "Later it said again that states should refrain from conducting\n\n"
        "hostile operations in cyberspace, and more.\n\n"
        f"{filler}\n\nA last time: states should refrain from conducting hostile\n"
        "operations in cyberspace.\n",
        encoding="utf-8",
    )
    document = json.loads(cli("cite", quote, str(doc), "-f", "json").out)
    assert document["verdict"] == "verbatim"
    assert [(m["line"], m["end_line"], m["verbatim"]) for m in document["matches"]] == [
        (1, 1, True),
        (63, 65, True),  # across the blank line
        (127, 128, True),
    ]
