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


def date_from_html(tree: Any) -> PublicationDate | None:
    """The page's original publication date from its metadata (htmldate), or None.

    ``extensive_search=False`` keeps htmldate to metadata, structured data and the URL: a date
    merely mentioned in the body is not a publication date.
    """
    import htmldate  # imported here: only HTML input needs it

    found = htmldate.find_date(tree, original_date=True, extensive_search=False)
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


def infer_publication_date(
    text: str,
    mentions: Sequence[TimeMention],
    future_cues: re.Pattern[str] | None = None,
) -> PublicationDate | None:
    """Infer a lower bound for when an undated article was published, or return None.

    Rule: an article is published on or after the events it reports, so the latest *explicit*
    day- or month-level date it states, outside sentences that announce the future ("will meet
    on 12 May"; cue words in ``data/pubdate_cues.json``), is a lower bound. The result is that
    date's **month** (granularity ``month``), marked ``inferred``, and ``evidence`` says what it
    rests on and that it is a lower bound: the article may have been written weeks later. A day
    is never inferred. Year-only mentions ("in 2014", "by 2029") are too weak (history,
    forecasts) and yield None on their own, as do relative dates (no anchor to resolve them).
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
    if not candidates:
        return None
    latest_value, latest = max(candidates, key=lambda item: (item[0], -item[1].start))
    quoted = text[latest.start : latest.end] if 0 <= latest.start < latest.end <= len(text) else ""
    others = len({value for value, _ in candidates}) - 1
    evidence = (
        f"lower bound: the latest date the text states is {quoted or latest.text!r} "
        f"({latest_value}, offset {latest.start}); published in {latest_value[:7]} or later"
        + (f"; {others} earlier date(s) also stated" if others else "")
    )
    return PublicationDate(latest_value[:7], "month", "inferred", evidence=evidence)
