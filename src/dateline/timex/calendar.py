"""Calendar positions at a granularity, their arithmetic and their TIMEX3 values.

A :class:`Point` is "2022-09-07" (day), "2022-W36" (week), "2022-Q3" (quarter), "199" (decade)...
Shifting a point moves it by whole units ("last week" = the anchor day's week shifted by -1).
Unknown parts stay unknown (``None``) and are written as ``X`` so no day is ever invented.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from dateline.errors import ConfigurationError

#: A well-formed TIMEX3 value as the tagger emits them (dates, weeks, quarters, halves, seasons,
#: decades, centuries, times, durations, sets and the three REFs), with X for unknown digits.
_MONTH = r"(?:0[1-9]|1[0-2]|XX)"
_DAY = r"(?:0[1-9]|[12]\d|3[01]|XX)"
_WEEK = r"(?:0[1-9]|[1-4]\d|5[0-3]|XX)"
_CLOCK = r"(?:[01]\d|2[0-4]):[0-5]\d(?::[0-5]\d)?"
_TIME_OF_DAY = rf"T(?:MO|AF|EV|NI|MI|DT|{_CLOCK})"
_YEAR = r"[\dX]{4}"
_DURATION = (
    r"P(?:(?:(?:[\dX]+(?:\.\d+)?[YMWDQ])|(?:[\dX]+(?:DE|CE|ML|WE|FN)))+"
    r"(?:T(?:[\dX]+(?:\.\d+)?[HMS])+)?|T(?:[\dX]+(?:\.\d+)?[HMS])+)"
)
#: A well-formed TIMEX3 value as the tagger emits them (dates, weeks, quarters, halves, seasons,
#: decades, centuries, times, durations, sets and the three REFs), with X for unknown digits.
TIMEX3_VALUE = re.compile(
    "^(?:"
    + "|".join(
        [
            r"(?:PRESENT|PAST|FUTURE)_REF",
            _DURATION,
            rf"{_YEAR}-{_MONTH}-{_DAY}(?:{_TIME_OF_DAY})?",
            rf"{_YEAR}-W{_WEEK}(?:-(?:[1-7]|WE)(?:{_TIME_OF_DAY})?)?",
            rf"XXXX-WXX-[1-7](?:{_TIME_OF_DAY})?",
            rf"{_YEAR}-(?:{_MONTH}|Q[1-4X]|H[12X]|SP|SU|FA|WI)",
            _YEAR,
            r"[\dX]{3}",
            r"[\dX]{2}",
        ]
    )
    + ")$"
)

GRANULARITY_OF_UNIT = {
    "D": "day",
    "W": "week",
    "WE": "week",
    "M": "month",
    "Q": "quarter",
    "H2": "half",
    "Y": "year",
    "DE": "decade",
    "CE": "century",
}
_FINENESS = {
    "time": 0,
    "day": 1,
    "week": 2,
    "month": 3,
    "quarter": 4,
    "half": 5,
    "season": 5,
    "year": 6,
    "decade": 7,
    "century": 8,
}
SEASON_START_MONTH = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def is_timex_value(value: str) -> bool:
    """True when ``value`` is a TIMEX3 value of a form this tagger produces."""
    return bool(TIMEX3_VALUE.match(value))


def finer_or_equal(a: str, b: str) -> bool:
    """True when granularity ``a`` is at least as fine as ``b`` (day is finer than month)."""
    return _FINENESS.get(a, 99) <= _FINENESS.get(b, 99)


def add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def clamp_day(year: int, month: int, day: int) -> int:
    last = 31 if month == 12 else (dt.date(year, month + 1, 1) - dt.timedelta(days=1)).day
    return min(day, last)


def add_days(day: dt.date, days: int) -> dt.date | None:
    """``day`` moved by ``days``, or None past the calendar's ends (years 1 and 9999)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return None


def safe_date(year: int, month: int, day: int) -> dt.date | None:
    """The date, or None when it does not exist (31 February) or is out of range."""
    if not (1 <= year <= 9999):
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Point:
    """A calendar position at a granularity; ``None`` parts are unknown."""

    granularity: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    week: int | None = None
    quarter: int | None = None
    half: int | None = None
    season: str | None = None
    #: "14:00" or a part of day code ("MO").
    time: str | None = None
    weekend: bool = False
    #: weekday (1-7) when the year/week is unknown: XXXX-WXX-3
    weekday: int | None = None

    @property
    def date(self) -> dt.date | None:
        if self.year is None or self.month is None or self.day is None:
            return None
        return safe_date(self.year, self.month, self.day)

    def value(self) -> str:
        g = self.granularity
        known = self.year is not None and 0 <= self.year <= 9999
        y = f"{self.year:04d}" if known else "XXXX"
        if g == "century":
            return y[:2]
        if g == "decade":
            return y[:3]
        if g == "year":
            return y
        if g == "quarter":
            return f"{y}-Q{self.quarter}" if self.quarter else f"{y}-QX"
        if g == "half":
            return f"{y}-H{self.half}" if self.half else f"{y}-HX"
        if g == "season":
            return f"{y}-{self.season}"
        if g == "month":
            return f"{y}-{self.month:02d}" if self.month else f"{y}-XX"
        if g == "week":
            base = f"{y}-WXX" if self.week is None else f"{y}-W{self.week:02d}"
            return base + "-WE" if self.weekend else base
        if self.weekday is not None and self.day is None:
            base = f"XXXX-WXX-{self.weekday}"
        else:
            month = f"{self.month:02d}" if self.month else "XX"
            day = f"{self.day:02d}" if self.day else "XX"
            base = f"{y}-{month}-{day}"
        if g == "time" and self.time:
            return f"{base}T{self.time}"
        return base

    def shift(self, unit: str, n: int) -> Point | None:
        """This point moved by ``n`` units, or None when the unit is finer than what is known."""
        if n == 0:
            return self
        if self.year is None:
            return None
        g = self.granularity
        months = {"M": 1, "Q": 3, "Y": 12, "DE": 120, "CE": 1200}.get(unit)
        if g in ("day", "time"):
            d = self.date
            if d is None:
                return None
            if unit in ("D", "W", "WE"):
                moved = add_days(d, n * (1 if unit == "D" else 7))
                if moved is None:
                    return None
                new = moved
            elif months is not None:
                yy, mm = add_months(d.year, d.month, n * months)
                if not 1 <= yy <= 9999:
                    return None
                new = dt.date(yy, mm, clamp_day(yy, mm, d.day))
            else:
                return None
            if not 1 <= new.year <= 9999:
                return None
            return replace(self, year=new.year, month=new.month, day=new.day)
        if g == "week" and self.week is not None:
            monday = dt.date.fromisocalendar(self.year, self.week, 1)
            if unit in ("W", "WE", "D"):
                moved = add_days(monday, n * (7 if unit != "D" else 1))
                if moved is None:
                    return None
                new = moved
            elif months is not None:
                yy, mm = add_months(monday.year, monday.month, n * months)
                new = dt.date(yy, mm, clamp_day(yy, mm, monday.day))
            else:
                return None
            iso = new.isocalendar()
            return replace(self, year=iso.year, week=iso.week)
        if months is None:
            return None
        if g == "month" and self.month is not None:
            yy, mm = add_months(self.year, self.month, n * months)
            return replace(self, year=yy, month=mm)
        if g == "quarter" and self.quarter is not None:
            if months % 3:
                return None
            index = self.year * 4 + self.quarter - 1 + n * months // 3
            return replace(self, year=index // 4, quarter=index % 4 + 1)
        if g == "half" and self.half is not None:
            if months % 6:
                return None
            index = self.year * 2 + self.half - 1 + n * months // 6
            return replace(self, year=index // 2, half=index % 2 + 1)
        if months % 12:
            return None
        return replace(self, year=self.year + n * months // 12)


def point_from_date(day: dt.date, granularity: str, unit: str | None = None) -> Point:
    """The point of granularity ``granularity`` that contains ``day``."""
    if granularity == "week":
        iso = day.isocalendar()
        return Point("week", year=iso.year, week=iso.week, weekend=unit == "WE")
    if granularity == "month":
        return Point("month", year=day.year, month=day.month)
    if granularity == "quarter":
        return Point("quarter", year=day.year, quarter=(day.month - 1) // 3 + 1)
    if granularity == "half":
        return Point("half", year=day.year, half=(day.month - 1) // 6 + 1)
    if granularity in ("year", "decade", "century"):
        return Point(granularity, year=day.year)
    return Point("day", year=day.year, month=day.month, day=day.day)


@dataclass(frozen=True, slots=True)
class Anchor:
    """The document date, possibly partial (year only, year-month) or unknown."""

    year: int | None = None
    month: int | None = None
    day: int | None = None

    @property
    def date(self) -> dt.date | None:
        if self.year is None or self.month is None or self.day is None:
            return None
        return safe_date(self.year, self.month, self.day)

    @property
    def granularity(self) -> str:
        if self.date is not None:
            return "day"
        if self.year is not None and self.month is not None:
            return "month"
        return "year" if self.year is not None else "none"

    def iso(self) -> str | None:
        if self.year is None:
            return None
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def point(self, granularity: str) -> Point | None:
        """The anchor seen at a granularity, or None when the anchor is too coarse for it."""
        if self.year is None:
            return None
        if self.date is not None:
            return point_from_date(self.date, granularity)
        if granularity in ("year", "decade", "century"):
            return Point(granularity, year=self.year)
        if self.month is not None and granularity in ("month", "quarter", "half"):
            return point_from_date(dt.date(self.year, self.month, 1), granularity)
        return None


_ANCHOR = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?\s*$")


def parse_anchor(anchor: str | dt.date | None) -> Anchor:
    """Accept a date, an ISO string ("2022-09-08", "2022-09", "2022") or None."""
    if anchor is None:
        return Anchor()
    if isinstance(anchor, dt.datetime):
        return Anchor(anchor.year, anchor.month, anchor.day)
    if isinstance(anchor, dt.date):
        return Anchor(anchor.year, anchor.month, anchor.day)
    if not isinstance(anchor, str):
        raise ConfigurationError(f"anchor must be a date, an ISO string or None, not {anchor!r}")
    if not anchor.strip():
        return Anchor()
    match = _ANCHOR.match(anchor)
    if match is None:
        raise ConfigurationError(
            f"anchor {anchor!r} is not an ISO date ('2022-09-08', '2022-09' or '2022')"
        )
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if month is not None and not 1 <= month <= 12:
        raise ConfigurationError(f"anchor {anchor!r} has no month {month}")
    if day is not None and month is not None and safe_date(year, month, day) is None:
        raise ConfigurationError(f"anchor {anchor!r} is not a real day")
    if year == 0:
        return Anchor()
    return Anchor(year, month, day)
