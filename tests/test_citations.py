"""Sources cited in Chicago notes-bibliography style, from what the dataset holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from posttrack.dates import parse_date
from posttrack.model import Source
from posttrack.output.citations import (
    bibliography,
    cited_date,
    cited_where,
    note,
    short_note,
)


def source(**fields: object) -> Source:
    values: dict[str, object] = {
        "id": "s",
        "title": "Statement by Ambassador Munir Akram at the OEWG",
        "short": "Akram statement",
        "issued": parse_date("2021-12-13"),
        "kind": "statement",
        "voice": "primary",
        "author": "Permanent Mission of Pakistan to the United Nations",
        "speaker": "Munir Akram, Permanent Representative of Pakistan to the UN",
        "venue": "Open-ended Working Group 2021-2025, New York",
        "url": None,
        "path": "sources/s.txt",
        "file": Path("sources/s.txt"),
    }
    values.update(fields)
    return Source(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-12-13", "December 13, 2021"),
        ("2023-03", "March 2023"),
        ("2020", "2020"),
        ("2020?", "[2020?]"),
        ("2023-03-03?", "[March 3, 2023?]"),
        ("2020~", "[ca. 2020]"),
    ],
)
def test_dates_as_chicago_writes_them(text: str, expected: str) -> None:
    assert cited_date(parse_date(text)) == expected


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("para 24", "para. 24"),
        ("paras 29-30", "paras. 29–30"),
        ("unnumbered para 14", "unnumbered para. 14"),
        ("para 5(a)", "para. 5(a)"),
        ('section "Conclusions"', 'section "Conclusions"'),
    ],
)
def test_locations_as_a_note_gives_them(where: str, expected: str) -> None:
    assert cited_where(where) == expected


def test_a_statement_is_its_speakers() -> None:
    cited = source()
    assert note(cited, "unnumbered para 14") == (
        "Munir Akram, Permanent Representative of Pakistan to the UN, “Statement by "
        "Ambassador Munir Akram at the OEWG,” Open-ended Working Group 2021-2025, New York, "
        "December 13, 2021, unnumbered para. 14."
    )
    assert short_note(cited, "unnumbered para 14") == (
        "Akram, “Akram statement,” unnumbered para. 14."
    )
    assert bibliography(cited) == (
        "Akram, Munir. “Statement by Ambassador Munir Akram at the OEWG.” Open-ended "
        "Working Group 2021-2025, New York, December 13, 2021."
    )


def test_a_press_release_is_its_issuers_with_its_genre_and_url() -> None:
    cited = source(
        kind="press-release",
        voice="reported",
        title="Pakistan Calls for a Framework",
        url="https://example.org/pr",
    )
    assert note(cited) == (
        "Permanent Mission of Pakistan to the United Nations, “Pakistan Calls for a "
        "Framework,” press release, Open-ended Working Group 2021-2025, New York, "
        "December 13, 2021, https://example.org/pr."
    )
    assert bibliography(cited) == (
        "Permanent Mission of Pakistan to the United Nations. “Pakistan Calls for a "
        "Framework.” Press release, Open-ended Working Group 2021-2025, New York, "
        "December 13, 2021. https://example.org/pr."
    )


def test_an_author_is_cited_as_written_and_a_title_keeps_its_own_mark() -> None:
    cited = source(
        speaker=None,
        author="Aamna Rafiq, ISSI; edited by Malik Qasim Mustafa",
        title="Is It Binding?",
        kind="analysis",
        issued=parse_date("2020?"),
        venue="",
    )
    assert note(cited, "para 3") == "Aamna Rafiq, ISSI, “Is It Binding?” [2020?], para. 3."
    assert short_note(cited) == "Aamna Rafiq, “Akram statement.”"
    assert bibliography(cited) == "Aamna Rafiq, ISSI. “Is It Binding?” [2020?]."
