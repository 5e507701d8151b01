"""The timeline's first step: which dates the articles support, and which sentences may be quoted
for each (see :mod:`dateline.timeline` for the method).

Kept apart from the ranking and the summaries so that a store can compute the same per-sentence
facts once, at ``add`` (:func:`sentence_slots`), and the in-memory build and the store agree by
construction.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from dateline.records import (
    AnalysedArticle,
    Article,
    DuplicateGroup,
    Granularity,
    Sentence,
    TimeMention,
)

if TYPE_CHECKING:
    from dateline.timeline import QueryMatcher

_DAY_VALUE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH_VALUE = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR_VALUE = re.compile(r"^(\d{4})$")
#: One alphanumeric character: ``[^\W_]`` is exactly ``str.isalnum`` (``\w`` is isalnum or "_").
_ALNUM = re.compile(r"[^\W_]")

#: published.
LEDE_SENTENCES = 3


# --------------------------------------------------------------------------- dates


def day_of(mention: TimeMention) -> datetime.date | None:
    """The calendar day a mention resolves to, when it is day-precise (or finer)."""
    if not mention.is_calendar_date or mention.granularity not in ("day", "time"):
        return None
    return _parse_day(mention.value)


def _parse_day(value: str) -> datetime.date | None:
    m = _DAY_VALUE.match(value)
    if not m:
        return None
    try:
        return datetime.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def coarse_period_of(mention: TimeMention) -> str | None:
    """``YYYY-MM`` or ``YYYY`` for a month- or year-level calendar mention, else None."""
    if not mention.is_calendar_date:
        return None
    if mention.granularity == "month" and _MONTH_VALUE.match(mention.value):
        return mention.value
    if mention.granularity == "year" and _YEAR_VALUE.match(mention.value):
        return mention.value
    return None


def _period_bounds(period: str) -> tuple[datetime.date, datetime.date]:
    if _YEAR_VALUE.match(period):
        year = int(period)
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    year, month = int(period[:4]), int(period[5:7])
    first = datetime.date(year, month, 1)
    nxt = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first, nxt - datetime.timedelta(days=1)


def published_day(article: Article) -> datetime.date | None:
    """The article's publication day when it is known to the day."""
    pub = article.published
    if pub is None or pub.granularity not in ("day", "time"):
        return None
    return _parse_day(pub.value)


# --------------------------------------------------------------------------- evidence


class _SentenceSpan(Protocol):
    """What a candidate needs of its sentence: a :class:`Sentence` or a :class:`StoredSentence`."""

    @property
    def index(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def text(self) -> str: ...


@dataclass(slots=True)
class StoredSentence:
    """A candidate's sentence as a store reads it (a view builds thousands: made in a third of
    the time of a frozen :class:`Sentence`, and nothing else is needed)."""

    index: int
    end: int
    text: str


@dataclass(slots=True)
class _Candidate:
    """A sentence that may be quoted for a date, with why it is dated there."""

    sentence: _SentenceSpan
    article: Article
    evidence: str
    #: True when the sentence names the date; False when dated only by the article's publication day.
    mentions_date: bool
    on_query: bool
    #: The text to quote: the sentence without a leading wire-service credit (set when pooled).
    text: str = ""
    #: The date expression opens the sentence ("June 1 - BP shares plunge ..."): a timeline line.
    opens_with_date: bool = False
    #: ``text``'s TF-IDF terms (:func:`dateline.timeline.text_terms`) and word count, when the
    #: caller knows them (a store keeps them per sentence); else the stage works them out.
    terms: list[str] | None = None
    words: int = -1


@dataclass(slots=True)
class _DateEvidence:
    """Everything known about one timeline slot (a day, a month or a year)."""

    key: str
    granularity: Granularity
    #: Support units (articles; syndicated copies share one) with an on-topic sentence naming it.
    mention_units: set[str] = field(default_factory=set)
    #: Support units published on it.
    published_units: set[str] = field(default_factory=set)
    article_ids: set[str] = field(default_factory=set)
    candidates: list[_Candidate] = field(default_factory=list)
    #: On-topic sentences naming it (every copy counts): breaks ties between equal supports.
    mention_sentences: int = 0

    @property
    def support(self) -> int:
        return len(self.mention_units | self.published_units)


def _unit_of_article(groups: Sequence[DuplicateGroup]) -> dict[str, str]:
    """Map article id -> support unit: syndicated copies share one unit so they count once."""
    unit: dict[str, str] = {}
    for group in groups:
        for article_id in group.article_ids:
            unit.setdefault(article_id, f"group:{group.id}")
    return unit


def _in_range(day: datetime.date, start: datetime.date | None, end: datetime.date | None) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)


def _opens_sentence(mention: TimeMention, sentence: Sentence) -> bool:
    """True when nothing but punctuation precedes the time expression in its sentence."""
    offset = mention.start - sentence.start
    if offset < 0 or offset > len(sentence.text):
        return False
    return _ALNUM.search(sentence.text, 0, offset) is None


def _period_in_range(period: str, start: datetime.date | None, end: datetime.date | None) -> bool:
    first, last = _period_bounds(period)
    return not ((start is not None and last < start) or (end is not None and first > end))


def sentence_slots(
    sentence: Sentence,
) -> tuple[dict[datetime.date, TimeMention], dict[str, TimeMention]]:
    """The days and the months/years a dated sentence names, each with the first of its time
    expressions naming it (a range-free fact of the sentence: a store keeps it per sentence)."""
    days: dict[datetime.date, TimeMention] = {}
    periods: dict[str, TimeMention] = {}
    for mention in sentence.time_mentions:
        day = day_of(mention)
        if day is not None:
            days.setdefault(day, mention)
            continue
        period = coarse_period_of(mention)
        if period is not None:
            periods.setdefault(period, mention)
    # A sentence that names a day inside a month/year ("Atlantic Shield 2024 ended today") is
    # dated to that day, not to the coarser period.
    named = [day.isoformat() for day in days]
    return days, {p: m for p, m in periods.items() if not any(iso.startswith(p) for iso in named)}


def _collect_evidence(
    articles: Iterable[AnalysedArticle],
    query: QueryMatcher,
    groups: Sequence[DuplicateGroup],
    start: datetime.date | None,
    end: datetime.date | None,
) -> tuple[dict[datetime.date, _DateEvidence], dict[str, _DateEvidence]]:
    """Support and candidate sentences for every day, month and year in range.

    Articles published outside ``start``..``end`` are not used at all (the standard TLS protocol);
    articles whose publication day is unknown are used for what they mention.
    """
    unit_of = _unit_of_article(groups)
    pattern = query.pattern()
    days: dict[datetime.date, _DateEvidence] = {}
    periods: dict[str, _DateEvidence] = {}

    def day_slot(day: datetime.date) -> _DateEvidence:
        if day not in days:
            days[day] = _DateEvidence(day.isoformat(), "day")
        return days[day]

    for analysed in articles:
        article = analysed.article
        pub_day = published_day(article)
        if pub_day is not None and not _in_range(pub_day, start, end):
            continue
        on_query = [
            pattern is None or pattern.search(s.text) is not None for s in analysed.sentences
        ]
        if not (any(on_query) or (pattern is not None and pattern.search(article.title or ""))):
            continue
        unit = unit_of.get(article.id, f"article:{article.id}")
        if pub_day is not None:
            slot = day_slot(pub_day)
            slot.published_units.add(unit)
            slot.article_ids.add(article.id)
        for sentence, relevant in zip(analysed.sentences, on_query, strict=True):
            if not sentence.time_mentions:  # most sentences: no date of their own
                if pub_day is not None:
                    day_slot(pub_day).candidates.append(
                        _Candidate(sentence, article, "", False, relevant)
                    )
                    # News is mostly reported the day after: an undated sentence of an article's
                    # lede may tell what happened the day before it was published.
                    before = pub_day - datetime.timedelta(days=1)
                    if sentence.index < LEDE_SENTENCES and _in_range(before, start, end):
                        day_slot(before).candidates.append(
                            _Candidate(sentence, article, "", False, relevant)
                        )
                continue
            mentioned_days, mentioned_periods = sentence_slots(sentence)
            for day, day_mention in mentioned_days.items():
                if not _in_range(day, start, end):
                    continue
                slot = day_slot(day)
                opens = _opens_sentence(day_mention, sentence)
                if relevant:
                    slot.mention_units.add(unit)
                    slot.article_ids.add(article.id)
                    slot.mention_sentences += 1
                slot.candidates.append(
                    _Candidate(
                        sentence, article, day_mention.text, True, relevant, opens_with_date=opens
                    )
                )
            for period, mention in mentioned_periods.items():
                if not _period_in_range(period, start, end):
                    continue
                if period not in periods:
                    periods[period] = _DateEvidence(period, mention.granularity)
                pslot = periods[period]
                if relevant:
                    pslot.mention_units.add(unit)
                    pslot.article_ids.add(article.id)
                pslot.candidates.append(_Candidate(sentence, article, mention.text, True, relevant))
    return days, periods


@dataclass(frozen=True, slots=True)
class TimelineEvidence:
    """What the timeline collects from the articles for one query, date range and set of
    duplicate groups: every date's support and candidate sentences. It does not depend on
    ``dates`` or ``sentences``, so a caller showing many views of one corpus may keep it."""

    terms: frozenset[str]
    start: datetime.date | None
    end: datetime.date | None
    days: dict[datetime.date, _DateEvidence]
    periods: dict[str, _DateEvidence]
    #: When set, gives a date's pool of quotable candidates (as the stage would pick it from the
    #: date's ``candidates``, which are then left empty) and completes its ``article_ids``: a
    #: store ranks dates from its rows and reads sentences only for the dates a view uses.
    pool: Callable[[_DateEvidence], list[_Candidate]] | None = None
