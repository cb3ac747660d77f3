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
