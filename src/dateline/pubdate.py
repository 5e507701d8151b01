"""Publication dates: read them from where the input states them, or infer them honestly.

Sources, in order of trust:

* ``field`` - a JSON(L) ``date``/``time`` field ("2010-01-12", "2010-01-12T08:00:00Z",
  "Jan 12, 2010", "12 January 2010", "2010-01", "2010", a Unix epoch in seconds or milliseconds);
* ``header`` - a first line ``date YYYY-MM-DD`` (scraped text files carry one, sometimes with the
  first sentence of the article on the same line);
* ``html-meta`` - the page's metadata, read by htmldate with the *original* (first published) date
  preferred over the last-modified one and without guessing from the body text;
* ``inferred`` - :func:`infer_publication_date`, from the dates the text itself states.

A date written with a time zone ("2024-03-05T23:30:00-05:00") keeps the calendar day the writer
used; it is not converted to UTC, because the article's own relative dates ("today") are in the
writer's day.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dateline.datafiles import read_data_json
from dateline.errors import ConfigurationError
from dateline.records import Granularity, PublicationDate, TimeMention

#: Oldest and newest years accepted as a publication date; anything else is a parsing accident.
MIN_YEAR = 1800
MAX_YEAR = 2200

_HEADER = re.compile(
    r"\A[ \t\ufeff]*date[ \t]*:?[ \t]+(\d{4}-\d{2}-\d{2})(?:[ \t]*\r?\n|[ \t]*\Z|[ \t]+)", re.I
)
_ISO = re.compile(
    r"^(\d{4})-(\d{2})(?:-(\d{2}))?"  # date, month or day precision
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_SLASHED = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_EPOCH = re.compile(r"^\d{9,13}(?:\.\d+)?$")
#: Written-out dates, tried with ``datetime.strptime`` (English month names, C locale).
_WRITTEN_FORMATS = (
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%A, %B %d, %Y",
    "%a, %d %b %Y",
    "%A, %d %B %Y",
)
_WRITTEN_MONTH_FORMATS = ("%B %Y", "%b %Y")
# RFC 2822 (RSS pubDate): "Tue, 12 Jan 2010 08:00:00 +0000"
_RFC2822 = re.compile(r"^(?:[A-Za-z]{3},\s*)?(\d{1,2}\s+[A-Za-z]{3}\s+\d{4})\s+\d{2}:\d{2}")


def _valid_year(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


def _day(year: int, month: int, day: int) -> tuple[str, Granularity] | None:
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return None
    return (value.isoformat(), "day") if _valid_year(year) else None


def _from_epoch(seconds: float) -> tuple[str, Granularity] | None:
    if seconds >= 1e11:  # milliseconds: 1e11 s would be the year 5138
        seconds /= 1000.0
    try:
        value = dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date()
    except (OverflowError, OSError, ValueError):
        return None
    return (value.isoformat(), "day") if _valid_year(value.year) else None


def parse_date_value(raw: Any) -> tuple[str, Granularity] | None:
    """Normalise a stated date to ``(ISO value, granularity)``; None when it is not a date.

    Only unambiguous forms are accepted: "01/02/2010" (day or month first?) is refused rather than
    guessed.
    """
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int | float):
        return _from_epoch(float(raw)) if raw >= 1e8 else None
    if not isinstance(raw, str):
        return None
    text = " ".join(raw.split())
    if not text:
        return None
    if match := _ISO.match(text):
        year, month, day = int(match[1]), int(match[2]), match[3]
        if day is not None:
            return _day(year, month, int(day))
        return (
            (f"{year:04d}-{month:02d}", "month") if _valid_year(year) and 1 <= month <= 12 else None
        )
    if match := _SLASHED.match(text):
        return _day(int(match[1]), int(match[2]), int(match[3]))
    if match := _YEAR.match(text):
        return (text, "year") if _valid_year(int(text)) else None
    if _EPOCH.match(text):
        return _from_epoch(float(text))
    if match := _RFC2822.match(text):
        text = match[1]
    cleaned = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", text).replace(".", "")
    for fmt in _WRITTEN_FORMATS:
        try:
            value = dt.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
        return (value.isoformat(), "day") if _valid_year(value.year) else None
    for fmt in _WRITTEN_MONTH_FORMATS:
        try:
            value = dt.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
        return (f"{value.year:04d}-{value.month:02d}", "month") if _valid_year(value.year) else None
    return None


def date_from_field(raw: Any, field_name: str) -> PublicationDate | None:
    """A publication date from a JSON(L) field, or None when the value is not a date."""
    parsed = parse_date_value(raw)
    if parsed is None:
        return None
    value, granularity = parsed
    return PublicationDate(value, granularity, "field", evidence=f"{field_name}: {raw!r}")


def split_date_header(text: str) -> tuple[PublicationDate | None, str]:
    """Split a leading ``date YYYY-MM-DD`` line off ``text``.

    The rest of that line (scraped files often put the first sentence there) stays in the body.
    A header whose date is not a real calendar day is left in the text untouched.
    """
    match = _HEADER.match(text)
    if match is None:
        return None, text
    parsed = _day(*(int(part) for part in match[1].split("-")))
    if parsed is None:
        return None, text
    header = PublicationDate(parsed[0], "day", "header", evidence=match[0].strip())
    return header, text[match.end() :]


def date_from_html(tree: Any, url: str | None = None) -> PublicationDate | None:
    """The page's original publication date from its metadata (htmldate), or None.

    ``extensive_search=False`` keeps htmldate to metadata, structured data and the URL (the page's
    own canonical link, or ``url`` when given, e.g. a WARC record's target URI): a date merely
    mentioned in the body is not a publication date.
    """
    import htmldate  # imported here: only HTML input needs it

    found = htmldate.find_date(tree, url=url, original_date=True, extensive_search=False)
    if not found:
        return None
    parsed = parse_date_value(found)
    if parsed is None:
        return None
    return PublicationDate(parsed[0], parsed[1], "html-meta", evidence="htmldate, original date")


def load_future_cues(path: str | Path | None = None) -> re.Pattern[str]:
    """Compile the future-tense cue words of ``data/pubdate_cues.json`` into one pattern."""
    data, where = read_data_json("pubdate_cues.json", what="publication-date cues", path=path)
    try:
        cues = data["future_cues"]
        words = "|".join(re.escape(str(cue)).replace(r"\ ", r"\s+") for cue in cues)
        return re.compile(rf"\b(?:{words})\b", re.I)
    except (KeyError, TypeError, re.error) as exc:
        raise ConfigurationError(f"invalid publication-date cues in {where}: {exc}") from exc


def _announced_as_future(text: str, mention: TimeMention, future_cues: re.Pattern[str]) -> bool:
    """True when the mention's tense is future, or its sentence announces something to come."""
    if mention.tense == "future":
        return True
    if not 0 <= mention.start <= len(text):
        return False
    before = text[: mention.start]
    sentence_start = max(before.rfind(mark) for mark in (". ", "! ", "? ", "\n")) + 1
    return future_cues.search(before[sentence_start:]) is not None


#: A clock time right after a stated day: "Fri Apr 22, 2011 2:51 pm EDT", "Tuesday 20 July 2010
#: 12.07 BST", "March 3, 2009 5:27 AM". Only ", ; |" and spaces may stand between.
_STAMP_CLOCK = re.compile(
    r"\A[\s,;|]{0,4}\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?|GMT|BST|UTC|E[SD]T|ET|[CP][SD]T)?",
    re.I,
)
#: "Last updated at 17:57 GMT" after the day, or "updated at 10:39 GMT, " before it.
_STAMP_UPDATED_AFTER = re.compile(r"\A\s*(?:Last\s+updated|Updated)\b", re.I)
_STAMP_UPDATED_BEFORE = re.compile(
    r"updated\s+at\s+\d{1,2}[:.]\d{2}\s*\w*,?\s*(?:\w+day,?\s*)?\Z", re.I
)
#: "February 04, 2011 | By Michael Martinez": a stamp opening the text, then a byline bar.
_STAMP_BAR = re.compile(r"\A\s*\|")
#: How far into the text a time stamp may sit (after a headline and a photo caption).
STAMP_WINDOW = 600
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_WITHIN = re.compile(
    r"\bwithin\s+(?:the\s+(?:next\s+)?)?(\d+|an?|one|two|three|four|five|six|seven|eight|nine|"
    r"ten|eleven|twelve)\s+(day|week|month|year)s?\s+(?:of|from|after)\b",
    re.I,
)
_RELATIVE_YEAR = re.compile(r"\b(last|this|next)\s+year\b", re.I)


def _sentence_bounds(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    start = max(before.rfind(mark) for mark in (". ", "! ", "? ", "\n")) + 1
    ends = [i for i in (text.find(mark, offset) for mark in (". ", "! ", "? ", "\n")) if i >= 0]
    return start, min(ends) if ends else len(text)


def _quoted(text: str, mention: TimeMention) -> str:
    ok = 0 <= mention.start < mention.end <= len(text)
    return text[mention.start : mention.end] if ok else mention.text


def _stamp(text: str, days: Sequence[tuple[str, TimeMention]]) -> tuple[str, str] | None:
    """The article's own time stamp near its start: a stated day with a clock time or an
    "updated" note next to it, or a day opening the text before a byline bar."""
    for value, mention in sorted(days, key=lambda item: item[1].start):
        if mention.start > STAMP_WINDOW or len(value) != 10:
            continue
        if re.search(r"(?<!\d)\d{2}$", text[mention.start : mention.end]):
            continue  # "30 August 11": a two-digit year names no century
        after = text[mention.end : mention.end + 40]
        before = text[max(0, mention.start - 40) : mention.start]
        opening = not text[: mention.start].strip()
        if (
            _STAMP_CLOCK.match(after)
            or _STAMP_UPDATED_AFTER.match(after)
            or _STAMP_UPDATED_BEFORE.search(before)
            or (opening and _STAMP_BAR.match(after))
        ):
            stop = mention.end + (m.end() if (m := _STAMP_CLOCK.match(after)) else 0)
            return value, text[mention.start : stop].strip()
    return None


def time_stamp_span(text: str, mentions: Sequence[TimeMention]) -> tuple[int, int] | None:
    """Character range of the article's own time stamp ("Fri Apr 22, 2011 2:51 pm EDT",
    "7 March 2012 Last updated at 13:06 GMT"), or None: a date that says when the text was
    written, not when anything in it happened."""
    days = [(m.value[:10], m) for m in mentions if m.is_calendar_date and len(m.value) >= 10]
    found = _stamp(text, days)
    if found is None:
        return None
    value, quoted = found
    start = next(m.start for v, m in sorted(days, key=lambda d: d[1].start) if v == value)
    end = start + len(quoted)
    tail = re.match(r"[\s,;|]*(?:Last\s+updated|Updated)\s+at\s+\d{1,2}[:.]\d{2}\s*\w*", text[end:])
    return start, end + (tail.end() if tail else 0)


def _period_end(value: str, amount: int, unit: str) -> dt.date:
    """The day before ``amount`` ``unit``s after the start of the ISO ``value``'s period.

    "within six months of November 2024" → 2025-04-30 (the brief's "before May 2025").
    """
    base = dt.date(int(value[:4]), int(value[5:7]) if len(value) >= 7 else 1, 1)
    if len(value) >= 10:
        base = dt.date.fromisoformat(value[:10])
    if unit in ("day", "week"):
        later = base + dt.timedelta(days=amount * (7 if unit == "week" else 1))
    else:
        months = base.year * 12 + base.month - 1 + amount * (12 if unit == "year" else 1)
        year, month = divmod(months, 12)
        day = min(base.day, 28)  # month ends differ; the 28th exists everywhere
        later = dt.date(year, month + 1, day)
    return later - dt.timedelta(days=1)


def _year_constraints(text: str, mentions: Sequence[TimeMention]) -> list[tuple[int, str]]:
    """Publication years the text implies: "in November last year" beside "November 2024" says
    2025; "in March this year" beside "March 2024" says 2024; "next year" beside 2026, 2025."""
    stated: dict[str, list[TimeMention]] = {}
    for m in mentions:
        if m.is_calendar_date and m.granularity == "month" and len(m.value) == 7:
            stated.setdefault(m.value[5:7], []).append(m)
    out: list[tuple[int, str]] = []
    for m in mentions:
        if m.granularity != "month" or not m.value.startswith("XXXX-") or len(m.value) != 7:
            continue
        phrase = _quoted(text, m)
        relative = _RELATIVE_YEAR.search(phrase)
        if relative is None:
            continue
        same_month = stated.get(m.value[5:7], [])
        if not same_month:
            continue
        anchor = min(same_month, key=lambda other: abs(other.start - m.start))
        shift = {"last": 1, "this": 0, "next": -1}[relative[1].lower()]
        year = int(anchor.value[:4]) + shift
        out.append(
            (
                year,
                f"{phrase!r} (offset {m.start}) and {_quoted(text, anchor)!r} "
                f"(offset {anchor.start}) say it was written in {year}",
            )
        )
    return out


def _upper_bounds(
    text: str, mentions: Sequence[TimeMention], future_cues: re.Pattern[str]
) -> list[tuple[str, str]]:
    """ "This will be the second meeting within six months of ... November 2024": the article
    was written before the period ran out (the last day of April 2025)."""
    out: list[tuple[str, str]] = []
    for match in _WITHIN.finditer(text):
        start, end = _sentence_bounds(text, match.start())
        if future_cues.search(text[start : match.start()]) is None:
            continue  # "was completed within six months of ..." says nothing about today
        after = [
            m
            for m in mentions
            if m.is_calendar_date and match.end() <= m.start < end and m.value[:4].isdigit()
        ]
        if not after:
            continue
        anchor = min(after, key=lambda m: m.start)
        word = match[1].lower()
        amount = int(word) if word.isdigit() else _NUMBERS[word]
        limit_day = _period_end(anchor.value[:10], amount, match[2].lower()).isoformat()
        out.append(
            (
                limit_day,
                f"{text[match.start() : anchor.end]!r} (offset {match.start()}) in a sentence "
                f"about the future: written by {limit_day}",
            )
        )
    return out


def infer_publication_date(
    text: str,
    mentions: Sequence[TimeMention],
    future_cues: re.Pattern[str] | None = None,
) -> PublicationDate | None:
    """Infer when an undated article was published, as a range with its evidence, or None.

    Evidence, in order of strength:

    * the article's own **time stamp** near its start ("RABAT | Fri Apr 22, 2011 2:51 pm EDT",
      "29 September 2011 Last updated at 17:57 GMT", "February 04, 2011 | By ..."): that day,
      granularity ``day`` (the stamp is the text saying when it was written, not a guess);
    * a **lower bound**: an article is published on or after the events it reports, so the latest
      explicit day- or month-level date it states outside sentences that announce the future
      ("will meet on 12 May"; cue words in ``data/pubdate_cues.json``);
    * the **year** implied by a relative year beside a stated one: "in November last year" with
      "November 2024" elsewhere says 2025;
    * an **upper bound** from a deadline still ahead: "will ... within six months of ...
      November 2024" says written by the end of April 2025 (:func:`_upper_bounds`).

    Without a stamp the result is never a day: ``value`` is the lower bound's month (or the
    implied year when that is later), ``earliest``/``latest`` the range the evidence allows, and
    ``evidence`` lists what it rests on. Year-only mentions ("in 2014", "by 2029") are too weak
    (history, forecasts) and yield None on their own, as do relative dates alone.
    """
    future_cues = future_cues or load_future_cues()
    candidates: list[tuple[str, TimeMention]] = []
    for mention in mentions:
        if not mention.is_calendar_date or mention.granularity not in ("time", "day", "month"):
            continue
        parsed = parse_date_value(mention.value[:10])
        if parsed is None or _announced_as_future(text, mention, future_cues):
            continue
        candidates.append((parsed[0], mention))
    stamp = _stamp(text, candidates)
    if stamp is not None:
        day, quoted = stamp
        return PublicationDate(
            day,
            "day",
            "inferred",
            evidence=f"the article's time stamp {quoted!r} near its start",
            earliest=day,
            latest=day,
        )
    notes: list[str] = []
    earliest: str | None = None
    value: str | None = None
    granularity: Granularity = "month"
    if candidates:
        latest_value, latest = max(candidates, key=lambda item: (item[0], -item[1].start))
        others = len({v for v, _ in candidates}) - 1
        notes.append(
            f"lower bound: the latest date the text states is {_quoted(text, latest)!r} "
            f"({latest_value}, offset {latest.start}); published in {latest_value[:7]} or later"
            + (f"; {others} earlier date(s) also stated" if others else "")
        )
        value = latest_value[:7]
        earliest = f"{value}-01"
    latest_day: str | None = None
    years = _year_constraints(text, mentions)
    if years and len({y for y, _ in years}) == 1:
        year, note = years[0]
        if earliest is None or earliest[:4] <= str(year):
            notes.append(note)
            if earliest is None or earliest < f"{year}-01-01":
                earliest = f"{year}-01-01"
                value, granularity = str(year), "year"
            latest_day = f"{year}-12-31"
        else:
            notes.append(f"ignored: {note}, but a stated date is later")
    elif years:
        notes.append(
            "ignored: relative years that disagree (" + "; ".join(n for _, n in years) + ")"
        )
    for limit, note in _upper_bounds(text, mentions, future_cues):
        if earliest is not None and limit < earliest:
            notes.append(f"ignored: {note}, before the lower bound")
            continue
        notes.append(note)
        latest_day = limit if latest_day is None else min(latest_day, limit)
    if value is None:
        return None
    return PublicationDate(
        value,
        granularity,
        "inferred",
        evidence="; ".join(notes),
        earliest=earliest,
        latest=latest_day,
    )
