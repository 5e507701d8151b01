"""Resolvers: turn a rule's captured parts into a TIMEX3 value against an anchor.

A rule names one resolver (``"resolve": "calendar"``) and may pass ``args``; the captured parts
arrive already normalised by their tables (``month`` -> 3, ``relation`` -> -1). The set of
resolvers is closed (this module); everything phrase-specific lives in the rule files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dateline.timex.calendar import (
    GRANULARITY_OF_UNIT,
    SEASON_START_MONTH,
    Anchor,
    Point,
    add_days,
    clamp_day,
    finer_or_equal,
    point_from_date,
    safe_date,
)


@dataclass(frozen=True, slots=True)
class Part:
    """A captured part of a match, normalised: ``value`` is a str, int or float."""

    text: str
    value: Any
    extra: tuple[str, ...] = ()


@dataclass(slots=True)
class Context:
    """What a resolver may consult: the document date, the narrative's last date, the tense."""

    anchor: Anchor
    reference: Point | None
    tense: Callable[[], str | None]
    used_tense: str | None = None
    anchor_source: str = "document"
    conflicts: list[str] = field(default_factory=list)

    def get_tense(self) -> str | None:
        self.used_tense = self.tense()
        return self.used_tense


@dataclass(frozen=True, slots=True)
class Resolution:
    value: str
    granularity: str
    point: Point | None = None


Parts = Mapping[str, Part]
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _int(parts: Parts, name: str) -> int | None:
    part = parts.get(name)
    if part is None or part.value is None:
        return None
    try:
        return int(part.value)
    except (TypeError, ValueError):
        return None


def _year_by_tense(
    anchor: Anchor, position: tuple[int, ...], anchor_position: tuple[int, ...], tense: str | None
) -> int:
    """The year of a half or season given without one, by the tense of its sentence.

    Past: the latest one not after the anchor; future: the first one not before it; no tense:
    the anchor's year.
    """
    assert anchor.year is not None
    year = anchor.year
    if tense == "past":
        return year - 1 if position > anchor_position else year
    if tense == "future":
        return year + 1 if position < anchor_position else year
    return year


def _nearest_year(anchor: Anchor, month: int, day: int | None) -> int:
    assert anchor.year is not None and anchor.month is not None
    diff = month - anchor.month
    if diff > 6:
        return anchor.year - 1
    if diff < -6:
        return anchor.year + 1
    return anchor.year


def resolve_calendar(args: Mapping[str, Any], parts: Parts, ctx: Context) -> Resolution | None:
    """Explicit or partly explicit dates: day, month, quarter, half, season, holiday, year."""
    year = _int(parts, "year")
    month = _int(parts, "month")
    day = _int(parts, "day")
    if (
        month is None and "month2" in parts and "day2" in parts
    ):  # the second spelling of a numeric date
        month, day = _int(parts, "month2"), _int(parts, "day2")
        year = _int(parts, "year2") if year is None else year
    quarter = _int(parts, "quarter")
    half = _int(parts, "half")
    season = parts["season"].value if "season" in parts else None
    holiday = str(parts["holiday"].value) if "holiday" in parts else None
    if holiday is not None and "#" not in holiday and not holiday.startswith("EASTER"):
        month_text, day_text = holiday.split("-")
        month, day = int(month_text), int(day_text)
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and month is None:
        return None
    anchor = ctx.anchor
    relation = _int(parts, "relation")
    applies_to = args.get("relation_applies_to", "year")
    if year is None and relation is not None and applies_to == "year" and anchor.year is not None:
        year = anchor.year + relation
    elif year is None and relation is not None and applies_to == "occurrence":
        year = _occurrence_year(anchor, relation, month, season)
    elif year is None and anchor.year is not None:
        year = _implicit_year(ctx, month or _holiday_month(holiday), day, quarter, half, season)
    if holiday is not None and ("#" in holiday or holiday.startswith("EASTER")):
        if year is None:
            point = Point("day", year=None, month=None, day=None)
            return Resolution(point.value(), "day", None)
        movable = movable_holiday(year, holiday)
        if movable is None:
            return None
        month, day = movable.month, movable.day
    reference = ctx.reference
    from_reference = args.get("part_from_reference", ())
    if year is not None and reference is not None and reference.granularity in from_reference:
        ctx.anchor_source = "narrative"
        month = month or (reference.month if reference.granularity == "month" else None)
        quarter = quarter or reference.quarter
        half = half or reference.half
    # Granularity: the finest part given.
    if day is not None and month is not None:
        if year is not None and safe_date(year, month, day) is None:
            return None
        if year is None and safe_date(2000, month, day) is None:
            return None
        point = Point("day", year=year, month=month, day=day)
        _check_weekday(parts, point, ctx)
        return Resolution(point.value(), "day", point)
    if month is not None:
        point = Point("month", year=year, month=month)
        return Resolution(point.value(), "month", point)
    if quarter is not None:
        point = Point("quarter", year=year, quarter=quarter)
        return Resolution(point.value(), "quarter", point)
    if half is not None:
        point = Point("half", year=year, half=half)
        return Resolution(point.value(), "half", point)
    if season is not None:
        point = Point("season", year=year, season=str(season))
        return Resolution(point.value(), "season", point)
    if year is not None:
        point = Point("year", year=year)
        return Resolution(point.value(), "year", point)
    return None


def _holiday_month(holiday: str | None) -> int | None:
    if holiday is None:
        return None
    return 4 if holiday.startswith("EASTER") else int(holiday.split("-")[0])


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter (the anonymous algorithm, as in Meeus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def movable_holiday(year: int, rule: str) -> dt.date | None:
    """ "11-4#4" = the 4th Thursday of November; "05-1#-1" = the last Monday of May;
    "EASTER-2" = two days before Easter Sunday."""
    if not 1583 <= year <= 9999:
        return None
    if rule.startswith("EASTER"):
        return add_days(easter_sunday(year), int(rule[6:] or 0))
    month_text, spec = rule.split("-", 1)
    weekday_text, nth_text = spec.split("#")
    month, weekday, nth = int(month_text), int(weekday_text), int(nth_text)
    if nth > 0:
        first = dt.date(year, month, 1)
        found = add_days(first, (weekday - first.isoweekday()) % 7 + 7 * (nth - 1))
        return found if found is not None and found.month == month else None
    last = dt.date(year, month, clamp_day(year, month, 31))
    return add_days(last, -((last.isoweekday() - weekday) % 7))


def _implicit_year(
    ctx: Context,
    month: int | None,
    day: int | None,
    quarter: int | None,
    half: int | None,
    season: Any,
) -> int | None:
    anchor = ctx.anchor
    if anchor.year is None:
        return None
    if anchor.month is None:
        return anchor.year
    tense = ctx.get_tense()
    if month is not None:
        # News means the nearest one ("Jan. 14" in a paper of Jan. 6 is next week); the tense
        # only overrides that when it is clearly on the other side of the document date.
        year = _nearest_year(anchor, month, day)
        months_ahead = (year - anchor.year) * 12 + month - anchor.month
        if tense == "future" and months_ahead < -2:
            year += 1
        elif tense == "past" and months_ahead > 3:
            year -= 1
        return year
    if quarter is not None:
        # "fourth-quarter results" in January are last year's, whatever the tense.
        return anchor.year - 1 if quarter > (anchor.month - 1) // 3 + 1 else anchor.year
    if half is not None:
        return _year_by_tense(anchor, (half,), ((anchor.month - 1) // 6 + 1,), tense or "past")
    if season is not None:
        start = SEASON_START_MONTH.get(str(season), 1)
        if tense is None:
            return anchor.year
        return _year_by_tense(anchor, (start,), (anchor.month,), tense)
    return anchor.year


def _occurrence_year(anchor: Anchor, relation: int, month: int | None, season: Any) -> int | None:
    """ "last March" = the latest March before the anchor's month; "next March" the first after."""
    if anchor.year is None:
        return None
    if anchor.month is None or relation == 0:
        return anchor.year
    start = month if month is not None else SEASON_START_MONTH.get(str(season), 1)
    if relation < 0:
        return anchor.year if start < anchor.month else anchor.year - 1
    return anchor.year if start > anchor.month else anchor.year + 1


def _check_weekday(parts: Parts, point: Point, ctx: Context) -> None:
    weekday = _int(parts, "weekday")
    day = point.date
    if weekday is None or day is None:
        return
    if day.isoweekday() != weekday:
        ctx.conflicts.append(
            f"weekday {WEEKDAY_NAMES[weekday - 1]} contradicts {day.isoformat()}, "
            f"a {WEEKDAY_NAMES[day.isoweekday() - 1]}; the explicit date is kept"
        )


def weekday_date(
    anchor_day: dt.date, weekday: int, relation: int | None, tense: str | None
) -> dt.date | None:
    """The date of a weekday near the anchor: by "last"/"next"/"this", else by tense.

    Past (and no tense, the usual case in news reports): the latest such day on or before the
    anchor ("said Friday" in a Friday paper is that day). Future: the first one on or after it
    ("will meet Monday" in a Monday paper is that day, as news is dated by publication).
    None past the calendar's ends.
    """
    today = anchor_day.isoweekday()
    if relation is not None and relation < 0:
        days = -((today - weekday) % 7 or 7)
    elif relation is not None and relation > 0:
        days = (weekday - today) % 7 or 7
    elif relation == 0:
        days = weekday - today
    elif tense == "future":
        days = (weekday - today) % 7
    else:
        days = -((today - weekday) % 7)
    return add_days(anchor_day, days)


def resolve_weekday(args: Mapping[str, Any], parts: Parts, ctx: Context) -> Resolution | None:
    weekday = _int(parts, "weekday")
    if weekday is None:
        return None
    day = _weekday_day(args, parts, ctx, weekday)
    if day is None:
        point = Point("day", weekday=weekday)
        return Resolution(point.value(), "day", None)
    point = point_from_date(day, "day")
    return Resolution(point.value(), "day", point)


def _weekday_day(
    args: Mapping[str, Any], parts: Parts, ctx: Context, weekday: int
) -> dt.date | None:
    anchor_day = ctx.anchor.date
    if anchor_day is None:
        return None
    relation = _int(parts, "relation")
    tense = None if relation is not None else ctx.get_tense()
    day = weekday_date(anchor_day, weekday, relation, tense)
    extra_weeks = int(args.get("extra_weeks", 0))
    return add_days(day, 7 * extra_weeks) if day is not None else None


def _offset_count(args: Mapping[str, Any], parts: Parts) -> float | None:
    if "n" in args:
        return float(args["n"])
    for name in ("relation", "deictic_day", "narrative_day"):
        if name in parts:
            return float(parts[name].value)
    if "count" in parts:
        count = parts["count"].value
        if not isinstance(count, int | float):
            return None
        sign = float(parts["direction"].value) if "direction" in parts else 1.0
        return float(count) * sign
    return None


def resolve_offset(args: Mapping[str, Any], parts: Parts, ctx: Context) -> Resolution | None:
    """A unit away from the document date or from the narrative's last date ("two days later")."""
    unit = args.get("unit") or (str(parts["unit"].value) if "unit" in parts else None)
    if unit is None:
        return None
    n = _offset_count(args, parts)
    if n is None and unit == "WE" and ctx.anchor.date is not None:
        # "the weekend": the one before the document date, or after it in a future sentence.
        saturday = weekday_date(ctx.anchor.date, 6, None, ctx.get_tense())
        if ctx.used_tense != "future" and ctx.anchor.date.isoweekday() == 6:
            saturday = ctx.anchor.date
        if saturday is None:
            return None
        point = point_from_date(saturday, "week", "WE")
        return Resolution(point.value(), "week", point)
    if n is None or n != int(n):
        return None
    steps = int(n)
    anchor_kind = args.get("anchor", "document")
    if "direction" in parts and len(parts["direction"].extra) > 0:
        anchor_kind = parts["direction"].extra[0]
    granularity = GRANULARITY_OF_UNIT.get(unit)
    if granularity is None:  # hours, minutes: resolve to the day
        granularity, unit, steps = "day", "D", 0
    inherit = args.get("inherit", ())
    reference = ctx.reference
    if (
        reference is not None
        and reference.granularity in inherit
        and finer_or_equal(reference.granularity, granularity)
    ):
        shifted = reference.shift(unit, int(args.get("reference_n", steps)))
        if shifted is not None:
            ctx.anchor_source = "narrative"
            return Resolution(shifted.value(), shifted.granularity, shifted)
    base: Point | None = None
    if (
        anchor_kind == "narrative"
        and reference is not None
        and finer_or_equal(reference.granularity, granularity)
    ):
        base = _coarsen(reference, granularity, unit)
        if base is not None:
            ctx.anchor_source = "narrative"
    if base is None:
        base = ctx.anchor.point(granularity)
        if base is not None and unit == "WE":
            base = Point("week", year=base.year, week=base.week, weekend=True)
    if base is None:
        return _unknown(granularity, unit)
    shifted = base.shift(unit, steps)
    if shifted is None:
        return None
    return Resolution(shifted.value(), shifted.granularity, shifted)


def _coarsen(point: Point, granularity: str, unit: str) -> Point | None:
    if point.granularity == granularity and unit != "WE":
        return point
    if point.granularity in ("day", "time") and point.date is not None:
        coarse = point_from_date(point.date, granularity, unit)
        return coarse
    if granularity in ("year", "decade", "century") and point.year is not None:
        return Point(granularity, year=point.year)
    if granularity == "quarter" and point.granularity == "month" and point.month is not None:
        return Point("quarter", year=point.year, quarter=(point.month - 1) // 3 + 1)
    return None


def _unknown(granularity: str, unit: str) -> Resolution:
    """Relative to an anchor too coarse to resolve: keep what is known, X for the rest."""
    point = Point(granularity, year=None, weekend=unit == "WE")
    return Resolution(point.value(), granularity, None)


_DURATION_TIME_UNITS = {"H": "H", "MIN": "M", "S": "S"}
_FRACTION_DOWN = {"Y": ("M", 12), "M": ("D", 30), "W": ("D", 7), "D": ("H", 24), "H": ("MIN", 60)}


def duration_value(count: float | None, unit: str) -> str:
    """P3Y, PT2H30M, PXM; decades and centuries in years (P10Y), as TimeBank writes them."""
    factor = {"DE": ("Y", 10), "CE": ("Y", 100), "MIL": ("Y", 1000), "FN": ("W", 2), "WE": ("D", 2)}
    if unit in factor:
        unit, times = factor[unit]
        count = None if count is None else count * times
    if count is None:
        if unit in _DURATION_TIME_UNITS:
            return f"PTX{_DURATION_TIME_UNITS[unit]}"
        return f"PX{unit}"
    whole = int(count)
    rest = count - whole
    pieces: list[tuple[int, str]] = [(whole, unit)] if whole or rest < 1e-9 else []
    if rest > 1e-9:
        if unit in _FRACTION_DOWN:
            lower, per = _FRACTION_DOWN[unit]
            pieces.append((round(rest * per), lower))
        elif not pieces:
            pieces.append((1, unit))
    date_part = "".join(f"{n}{u}" for n, u in pieces if u not in _DURATION_TIME_UNITS)
    time_part = "".join(
        f"{n}{_DURATION_TIME_UNITS[u]}" for n, u in pieces if u in _DURATION_TIME_UNITS
    )
    return "P" + date_part + ("T" + time_part if time_part else "")


def _looks_like_a_year(text: str) -> bool:
    digits = text.strip()
    return len(digits) == 4 and digits.isdigit() and 1600 <= int(digits) <= 2099


def resolve_duration(args: Mapping[str, Any], parts: Parts, ctx: Context) -> Resolution | None:
    unit = args.get("unit") or (str(parts["unit"].value) if "unit" in parts else None)
    if unit is None:
        return None
    count: float | None
    if args.get("count") == "X" or "vague" in parts:
        count = None
    elif isinstance(args.get("count"), int | float):
        count = float(args["count"])
    elif "count" in parts:
        value = parts["count"].value
        if not isinstance(value, int | float) or value <= 0 or value > 100000:
            return None
        if _looks_like_a_year(parts["count"].text):  # "the 1988 quarter"
            return None
        count = float(value)
    else:
        count = None
    return Resolution(duration_value(count, unit), "none", None)


def resolve_set(args: Mapping[str, Any], parts: Parts, ctx: Context) -> Resolution | None:
    if "value" in args:
        return Resolution(str(args["value"]), "none", None)
    if "frequency" in parts:
        return Resolution(str(parts["frequency"].value), "none", None)
    if "weekday" in parts:
        part_of_day = f"T{parts['part_of_day'].value}" if "part_of_day" in parts else ""
        return Resolution(f"XXXX-WXX-{_int(parts, 'weekday')}{part_of_day}", "none", None)
    if "month" in parts:
        month = _int(parts, "month")
        return Resolution(f"XXXX-{month:02d}", "none", None) if month else None
    if "season" in parts:
        return Resolution(f"XXXX-{parts['season'].value}", "none", None)
    if "part_of_day" in parts:
        return Resolution(f"XXXX-XX-XXT{parts['part_of_day'].value}", "none", None)
    if "unit" in parts:
        count = parts["count"].value if "count" in parts else 1
        if not isinstance(count, int | float) or count <= 0:
            return None
        return Resolution(duration_value(float(count), str(parts["unit"].value)), "none", None)
    return None


def resolve_constant(args: Mapping[str, Any], parts: Parts, ctx: Context) -> Resolution | None:
    if "value" in args:
        return Resolution(str(args["value"]), "none", None)
    for part in parts.values():
        return Resolution(str(part.value), "none", None)
    return None


def resolve_clock(args: Mapping[str, Any], parts: Parts, ctx: Context) -> Resolution | None:
    """Times of day on a day given next to them (weekday, "yesterday") or the document date."""
    day: dt.date | None = None
    anchor_day = ctx.anchor.date
    if "weekday" in parts:
        weekday = _int(parts, "weekday")
        if weekday is None:
            return None
        day = _weekday_day(args, parts, ctx, weekday)
        if day is None:
            return _unknown_day_time(parts, args, weekday)
    elif "month" in parts and "day" in parts:
        calendar = resolve_calendar(
            {}, {k: parts[k] for k in ("year", "month", "day") if k in parts}, ctx
        )
        if calendar is None:
            return None
        day = calendar.point.date if calendar.point is not None else None
    elif anchor_day is not None:
        offset = int(args.get("day_offset", 0))
        if "deictic_day" in parts:
            offset = int(parts["deictic_day"].value)
        day = add_days(anchor_day, offset)
    time = _clock_text(args, parts)
    if time is None:
        return None
    if day is None:
        return Resolution(f"XXXX-XX-XXT{time}", "time", None)
    point = Point("time", year=day.year, month=day.month, day=day.day, time=time)
    return Resolution(point.value(), "time", point)


def _unknown_day_time(parts: Parts, args: Mapping[str, Any], weekday: int) -> Resolution | None:
    time = _clock_text(args, parts)
    if time is None:
        return None
    return Resolution(f"XXXX-WXX-{weekday}T{time}", "time", None)


def _clock_text(args: Mapping[str, Any], parts: Parts) -> str | None:
    if "clock_word" in parts:
        return str(parts["clock_word"].value)
    hour = _int(parts, "hour")
    if hour is not None:
        minute = _int(parts, "minute") or 0
        ampm = parts["ampm"].value if "ampm" in parts else None
        if ampm == "p" and hour < 12:
            hour += 12
        elif ampm == "a" and hour == 12:
            hour = 0
        elif (
            ampm is None
            and "part_of_day" in parts
            and parts["part_of_day"].value in ("AF", "EV", "NI")
            and hour < 12
        ):
            hour += 12
        if hour > 24 or minute > 59:
            return None
        return f"{hour:02d}:{minute:02d}"
    if "part_of_day" in parts:
        return str(parts["part_of_day"].value)
    if "part_of_day" in args:
        return str(args["part_of_day"])
    return None


def resolve_decade(args: Mapping[str, Any], parts: Parts, ctx: Context) -> Resolution | None:
    decade = _int(parts, "decade")
    if decade is None:
        return None
    point = Point("decade", year=decade * 10)
    return Resolution(point.value(), "decade", point)


def resolve_century(args: Mapping[str, Any], parts: Parts, ctx: Context) -> Resolution | None:
    number = _int(parts, "century")
    if number is None or number < 1:
        return None
    point = Point("century", year=(number - 1) * 100)
    return Resolution(point.value(), "century", point)


RESOLVER_FUNCTIONS: Mapping[
    str, Callable[[Mapping[str, Any], Parts, Context], Resolution | None]
] = {
    "calendar": resolve_calendar,
    "weekday": resolve_weekday,
    "offset": resolve_offset,
    "duration": resolve_duration,
    "set": resolve_set,
    "constant": resolve_constant,
    "clock": resolve_clock,
    "decade": resolve_decade,
    "century": resolve_century,
}
