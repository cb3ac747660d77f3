import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posttrack.dates import DateFormatError, parse_date, parse_user_date


@pytest.mark.parametrize(
    ("text", "start", "end", "precision", "qualifier"),
    [
        ("2020", date(2020, 1, 1), date(2020, 12, 31), "year", ""),
        ("2020?", date(2020, 1, 1), date(2020, 12, 31), "year", "uncertain"),
        ("2021-12", date(2021, 12, 1), date(2021, 12, 31), "month", ""),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "month", ""),
        ("2023-03-03~", date(2023, 3, 3), date(2023, 3, 3), "day", "approximate"),
    ],
)
def test_parses_the_subset(
    text: str, start: date, end: date, precision: str, qualifier: str
) -> None:
    parsed = parse_date(text)
    assert (parsed.start, parsed.end, parsed.precision, parsed.qualifier) == (
        start,
        end,
        precision,
        qualifier,
    )
    assert parsed.text == text


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2020-02-30", "does not exist"),
        ("2021-02-29", "does not exist"),
        ("2020-13", "no month 13"),
        ("20", "not a date"),
        ("2020-1-1", "not a date"),
        ("2020/01/01", "not a date"),
        ("2020%", "not a date"),
        ("0000", "no year 0000"),
        ("", "not a date"),
        ("\u0662\u0660\u0662\u0660-\u0660\u0663", "not a date"),  # Arabic-Indic 2020-03
        ("２０２０", "not a date"),  # full-width digits
    ],
)
def test_rejects_with_a_reason(text: str, says: str) -> None:
    with pytest.raises(DateFormatError, match=says):
        parse_date(text)


def test_uncertain_is_shown_as_uncertain() -> None:
    assert parse_date("2020?").display() == "2020 (uncertain)"
    assert parse_date("2023-03~").display() == "2023-03 (approx.)"
    assert parse_date("2021-12-13").display() == "2021-12-13"


def test_order_is_by_start_then_narrower() -> None:
    texts = ["2021", "2020-06", "2020", "2020-01-15", "2024-07-11"]
    ordered = sorted((parse_date(t) for t in texts), key=lambda d: d.key)
    assert [d.text for d in ordered] == ["2020", "2020-01-15", "2020-06", "2021", "2024-07-11"]


@given(
    st.dates(min_value=date(1, 1, 1)),
    st.sampled_from(["year", "month", "day"]),
    st.sampled_from(["", "?", "~"]),
)
def test_any_real_date_round_trips(day: date, precision: str, mark: str) -> None:
    text = {
        "year": f"{day.year:04d}",
        "month": f"{day.year:04d}-{day.month:02d}",
        "day": day.isoformat(),
    }[precision] + mark
    parsed = parse_date(text)
    assert parsed.text == text
    assert parsed.start <= day <= parsed.end
    assert parsed.precision == precision


@given(st.text(max_size=12))
def test_never_crashes_on_any_text(text: str) -> None:
    try:
        parsed = parse_date(text)
    except DateFormatError as error:
        message = str(error)
    else:
        assert parsed.start <= parsed.end
        return
    assert text in message or "year 0000" in message


# --- dates as people type them ------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "strict"),
    [
        ("2021", "2021"),
        ("2021-12-13", "2021-12-13"),
        ("  2021-12 ", "2021-12"),
        ("Dec 2021", "2021-12"),
        ("December 2021", "2021-12"),
        ("dec. 2021", "2021-12"),
        ("Sept 2020", "2020-09"),
        ("13 Dec 2021", "2021-12-13"),
        ("13 December 2021", "2021-12-13"),
        ("13th December 2021", "2021-12-13"),
        ("December 13, 2021", "2021-12-13"),
        ("2021/12/13", "2021-12-13"),
        ("2021/2", "2021-02"),
        ("13/12/2021", "2021-12-13"),  # 13 is no month: not ambiguous
        ("12/13/2021", "2021-12-13"),
        ("5/5/2021", "2021-05-05"),
    ],
)
def test_dates_as_people_write_them(typed: str, strict: str) -> None:
    assert parse_user_date(typed) == parse_date(strict)


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("12/11/2021", "could be day/month or month/day"),
        ("13 Foo 2021", "'Foo' is not a month's name"),
        ("31 Feb 2021", "02/2021 has 28 days"),
        ("yesterday", "or as people do: Dec 2021, 13 Dec 2021"),
        ("2021-13", "no month 13"),
    ],
)
def test_a_date_that_cannot_be_read_says_why(typed: str, why: str) -> None:
    with pytest.raises(DateFormatError, match=re.escape(why)):
        parse_user_date(typed)
