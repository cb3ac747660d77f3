"""The date subset: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, then `?` or `~` (EDTF level 1)."""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import NamedTuple

# [0-9], not \d: \d also matches other scripts' digits, which int() reads as numbers
_DATE = re.compile(r"(?P<y>[0-9]{4})(?:-(?P<m>[0-9]{2})(?:-(?P<d>[0-9]{2}))?)?(?P<q>[?~])?")


class DateFormatError(ValueError):
    """A string that is not a date of the subset; the message says why."""


class Date(NamedTuple):
    """A date as the dataset writes it, with the period it covers."""

    text: str
    start: date
    end: date
    precision: str  # "year", "month" or "day"
    qualifier: str  # "" (certain), "uncertain" (?) or "approximate" (~)

    @property
    def uncertain(self) -> bool:
        return self.qualifier == "uncertain"

    @property
    def approximate(self) -> bool:
        return self.qualifier == "approximate"

    @property
    def key(self) -> tuple[date, date]:
        """Sort key: earlier start first, then the narrower period."""
        return (self.start, self.end)

    def display(self) -> str:
        """For people: `2020 (uncertain)`, `2021-12-13`, `2023 (approx.)`."""
        bare = self.text.rstrip("?~")
        if self.uncertain:
            return f"{bare} (uncertain)"
        if self.approximate:
            return f"{bare} (approx.)"
        return bare

    def __str__(self) -> str:
        return self.text


def parse_date(text: str) -> Date:
    """Parse a date of the subset; raise DateFormatError saying what is wrong."""
    match = _DATE.fullmatch(text)
    if match is None:
        raise DateFormatError(
            f"'{text}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD, "
            "optionally followed by ? (uncertain) or ~ (approximate)"
        )
    year = int(match["y"])
    if year < 1:
        raise DateFormatError(f"'{text}' has no year 0000")
    qualifier = {"?": "uncertain", "~": "approximate", None: ""}[match["q"]]
    if match["m"] is None:
        return Date(text, date(year, 1, 1), date(year, 12, 31), "year", qualifier)
    month = int(match["m"])
    if not 1 <= month <= 12:
        raise DateFormatError(f"'{text}' has no month {match['m']}")
    last = calendar.monthrange(year, month)[1]
    if match["d"] is None:
        return Date(text, date(year, month, 1), date(year, month, last), "month", qualifier)
    day = int(match["d"])
    if not 1 <= day <= last:
        raise DateFormatError(f"'{text}' does not exist: {match['m']}/{year} has {last} days")
    exact = date(year, month, day)
    return Date(text, exact, exact, "day", qualifier)


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<mon>[A-Za-z]+)\.?"
_DAY = r"(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<y>[0-9]{4})"
# the forms people write a date in, besides the data's own: `Dec 2021`, `13 Dec 2021`,
# `December 13, 2021`, `2021/12/13`
_WRITTEN = [
    re.compile(rf"{_MONTH}\s+{_YEAR}"),
    re.compile(rf"{_DAY}\s+{_MONTH},?\s+{_YEAR}"),
    re.compile(rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}"),
    re.compile(rf"{_YEAR}/(?P<m>[0-9]{{1,2}})(?:/(?P<d>[0-9]{{1,2}}))?"),
]
_SLASHED = re.compile(r"([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})")


def parse_user_date(text: str) -> Date:
    """A date as a person types it on the command line: the data's own forms
    (`2021`, `2021-12`, `2021-12-13`) or `Dec 2021`, `December 2021`, `13 Dec 2021`,
    `13 December 2021`, `December 13, 2021`, `2021/12/13`, spaces around it
    tolerated. A day and month whose order cannot be told (`12/11/2021`) are
    refused, saying why; the dataset itself keeps to the strict forms."""
    stripped = " ".join(text.split())
    if _DATE.fullmatch(stripped):  # the data's own form: its own message if it is wrong
        return parse_date(stripped)
    slashed = _SLASHED.fullmatch(stripped)
    if slashed:
        first, second, year = int(slashed[1]), int(slashed[2]), slashed[3]
        if first != second and first <= 12 and second <= 12:
            raise DateFormatError(
                f"'{stripped}' could be day/month or month/day; write it as "
                f"{year}-MM-DD or with the month's name, like 13 Dec 2021"
            )
        day, month = (first, second) if first > 12 or first == second else (second, first)
        try:
            found = parse_date(f"{year}-{month:02d}-{day:02d}")
        except DateFormatError as error:
            raise DateFormatError(f"'{stripped}' is not a date: {error}") from None
        return found
    for form in _WRITTEN:
        match = form.fullmatch(stripped)
        if match is None:
            continue
        groups = match.groupdict()
        if groups.get("mon") is not None:
            named = _MONTHS.get(groups["mon"].casefold())
            if named is None:
                raise DateFormatError(f"'{stripped}': '{groups['mon']}' is not a month's name")
            month = named
        else:
            month = int(groups["m"])
        strict = f"{groups['y']}-{month:02d}"
        if groups.get("d") is not None:
            strict += f"-{int(groups['d']):02d}"
        try:
            found = parse_date(strict)
        except DateFormatError as error:
            raise DateFormatError(f"'{stripped}' is not a date: {error}") from None
        return found._replace(text=strict)
    raise DateFormatError(
        f"'{stripped}' is not a date; write 2021, 2021-12 or 2021-12-13, "
        "or as people do: Dec 2021, 13 Dec 2021, December 13, 2021, 2021/12/13"
    )
