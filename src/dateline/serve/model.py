"""What the pages show, computed from a store's read calls and cached per store generation.

:class:`StoreView` wraps a read-only store. Every request asks it for the current
:class:`Snapshot`; when the store's ``generation`` changed (``dateline add`` committed new
articles) the old snapshot is dropped and a new one is built lazily, so a reload shows the new
data without a restart. A snapshot holds only derived indexes (ids → records, article metadata,
conflicts); its caches live on the instance and die with it, nothing is kept at module level.
The :class:`StoreView` also keeps the analyses that timeline views decoded
and the evidence of its last few views (:class:`dateline.store.ViewCache`, bounded), so that a
new view does not decode them again, and another ``dates``/``sentences`` of a view does not
collect its evidence again.

Computed here from the store's calls, because the store does not offer them: article volume per
period (from each article's ``published``), events per period (from each event's ``date``), the
events that cite an article, and the list of every conflict across the store.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from dateline.records import (
    AnalysedArticle,
    DuplicateGroup,
    Entity,
    Event,
    Problem,
    Sentence,
    Timeline,
)
from dateline.serve.params import ViewParams
from dateline.store import ArticleMeta, TimeConflict, ViewCache
from dateline.timeline import QueryMatcher, load_sentence_filters

#: Timelines kept per snapshot (one per distinct view asked for), oldest dropped first.
TIMELINE_CACHE_SIZE = 32
#: Bytes of download bodies kept per snapshot (one per download and view), oldest dropped first.
DOWNLOAD_CACHE_BYTES = 32 * 1024 * 1024
_DATE_PREFIX = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


class StoreReader(Protocol):
    """The read calls of :class:`dateline.store.Store` that the app uses."""

    @property
    def generation(self) -> int: ...
    def status(self) -> Any: ...
    def timeline(
        self,
        *,
        query: str | None = None,
        dates: int = 20,
        sentences: int = 2,
        start: dt.date | None = None,
        end: dt.date | None = None,
        cache: ViewCache | None = None,
    ) -> Timeline: ...
    @property
    def events(self) -> tuple[Event, ...]: ...
    def event(self, event_id: str) -> Event | None: ...
    @property
    def entities(self) -> tuple[Entity, ...]: ...
    def entity(self, entity_id: str) -> Entity | None: ...
    def article(self, article_id: str) -> AnalysedArticle | None: ...
    def article_index(self) -> Iterator[ArticleMeta]: ...
    def time_conflicts(self) -> tuple[TimeConflict, ...]: ...
    @property
    def duplicate_groups(self) -> tuple[DuplicateGroup, ...]: ...
    def problems(self) -> tuple[Problem, ...]: ...


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """An article's metadata (no text), for lists, labels and the volume chart."""

    id: str
    title: str | None
    source: str | None
    url: str | None
    published: str | None
    granularity: str | None
    words: int
    removed_lines: int


@dataclass(frozen=True, slots=True)
class Conflict:
    """One disagreement: an event's sources disagree, or a date contradicts its weekday."""

    kind: str  # "date", "place", "status", "weekday", "other"
    text: str
    event_id: str | None = None
    article_id: str | None = None
    sentence: str | None = None
    date: str | None = None


@dataclass(frozen=True, slots=True)
class SourceClaim:
    """What one source says about an event: its evidence sentence and the values it gives."""

    article_id: str
    info: ArticleInfo | None
    sentence: str
    before: str
    after: str
    highlight: tuple[int, int]
    date: str | None
    granularity: str | None
    date_expression: str | None
    location: str | None
    status: str | None
    actors: tuple[str, ...]
    conflicts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Bucket:
    """One period of the volume chart."""

    start: dt.date
    end: dt.date
    label: str
    articles: int
    events: int


@dataclass(frozen=True, slots=True)
class Volume:
    period: str
    buckets: tuple[Bucket, ...]
    undated_articles: int
    undated_events: int


#: (year, month, day) of a date value; month and day when known.
DateParts = tuple[int, int | None, int | None]


def parse_value(value: str | None) -> DateParts | None:
    """(year, month, day) of an ISO-like value's calendar prefix, or None when it has none."""
    if not value:
        return None
    match = _DATE_PREFIX.match(value)
    if match is None:
        return None
    year, month, day = match.groups()
    m = int(month) if month and 1 <= int(month) <= 12 else None
    d = int(day) if m and day and 1 <= int(day) <= 31 else None
    return int(year), m, d


def conflict_kind(text: str) -> str:
    """The kind of an event or time-expression conflict, from how dateline words it."""
    head = text.split(":", 1)[0].strip().lower()
    if "weekday" in text.lower():
        return "weekday"
    if head == "date":
        return "date"
    if head == "location":
        return "place"
    if head == "status":
        return "status"
    return "other"


class Snapshot:
    """Indexes over one generation of the store, built on first use."""

    def __init__(self, store: StoreReader, generation: int, cache: ViewCache | None = None) -> None:
        self.store = store
        self.generation = generation
        self.cache = cache
        self.events: tuple[Event, ...] = store.events
        self.events_by_id = {e.id: e for e in self.events}
        self.entities: tuple[Entity, ...] = store.entities
        self.entities_by_id = {e.id: e for e in self.entities}
        self._articles: dict[str, ArticleInfo] | None = None
        self._timelines: OrderedDict[tuple[Any, ...], Timeline] = OrderedDict()
        self._downloads: OrderedDict[tuple[Any, ...], tuple[str, bytes]] = OrderedDict()
        self._volumes: OrderedDict[tuple[Any, ...], Volume] = OrderedDict()
        self._dated_values: tuple[list[DateParts], int, list[DateParts], int] | None = None
        self._conflicts: tuple[Conflict, ...] | None = None
        self._events_by_article: dict[str, list[str]] | None = None
        self._group_of: dict[str, DuplicateGroup] | None = None
        self._mentions: dict[str, list[tuple[int, int, str, str]]] | None = None
        self._status: Any = None
        self._stopwords = load_sentence_filters().query_stopwords

    # ------------------------------------------------------------------ articles
    @property
    def articles(self) -> dict[str, ArticleInfo]:
        if self._articles is None:
            self._articles = {m.id: _info(m) for m in self.store.article_index()}
        return self._articles

    def status(self) -> Any:
        if self._status is None:
            self._status = self.store.status()
        return self._status

    def duplicate_group(self, article_id: str) -> DuplicateGroup | None:
        if self._group_of is None:
            self._group_of = {
                aid: group for group in self.store.duplicate_groups for aid in group.article_ids
            }
        return self._group_of.get(article_id)

    def entity_mentions(self, article_id: str) -> list[tuple[int, int, str, str]]:
        """``(start, end, text, entity_id)`` of every resolved entity mention in an article."""
        if self._mentions is None:
            index: dict[str, list[tuple[int, int, str, str]]] = {}
            for entity in self.entities:
                for m in entity.mentions:
                    index.setdefault(m.article_id, []).append((m.start, m.end, m.text, entity.id))
            for found in index.values():
                found.sort()
            self._mentions = index
        return self._mentions.get(article_id, [])

    def events_citing(self, article_id: str) -> list[Event]:
        if self._events_by_article is None:
            index: dict[str, list[str]] = {}
            for event in self.events:
                for aid in dict.fromkeys(s.article_id for s in event.sources):
                    index.setdefault(aid, []).append(event.id)
            self._events_by_article = index
        return [self.events_by_id[i] for i in self._events_by_article.get(article_id, ())]

    # ------------------------------------------------------------------ views
    def timeline(self, params: ViewParams) -> Timeline:
        key = (params.query, params.dates, params.sentences, params.start, params.end)
        cached = self._timelines.get(key)
        if cached is not None:
            self._timelines.move_to_end(key)
            return cached
        timeline = self.store.timeline(
            query=params.query,
            dates=params.dates,
            sentences=params.sentences,
            start=params.start,
            end=params.end,
            cache=self.cache,
        )
        self._timelines[key] = timeline
        while len(self._timelines) > TIMELINE_CACHE_SIZE:
            self._timelines.popitem(last=False)
        return timeline

    def download(
        self, key: tuple[Any, ...], make: Callable[[], tuple[str, str]]
    ) -> tuple[str, bytes]:
        """A download's media type and encoded body, made once per download and view: the events
        CSV of a broad view is hundreds of kB, and filtering and writing it again took 100-400 ms
        a request on Timeline17."""
        found = self._downloads.get(key)
        if found is not None:
            self._downloads.move_to_end(key)
            return found
        media_type, text = make()
        found = self._downloads[key] = (media_type, text.encode("utf-8"))
        while sum(len(body) for _, body in self._downloads.values()) > DOWNLOAD_CACHE_BYTES:
            if len(self._downloads) == 1:
                break  # one body larger than the budget is kept until the next one
            self._downloads.popitem(last=False)
        return found

    def events_in_view(self, params: ViewParams) -> list[Event]:
        """Events dated inside the view's range whose evidence or names match its query.

        With no query and no range: every event. An undated event is kept only without a range.
        """
        matcher = QueryMatcher.from_query(params.query, self._stopwords)
        pattern = matcher.pattern()
        out = []
        for event in self.events:
            if (params.start or params.end) and not _in_range(event.date, params.start, params.end):
                continue
            if pattern is not None:
                haystack = " ".join(
                    [
                        *(e.text for e in event.evidence),
                        *event.actor_names,
                        *event.recipient_names,
                        *event.actors,
                        *event.recipients,
                        event.location or "",
                    ]
                )
                if pattern.search(haystack) is None:
                    continue
            out.append(event)
        return sorted(out, key=lambda e: (e.date is None, e.date or "", e.id))

    def entities_in_view(self, params: ViewParams) -> list[Entity]:
        """Every entity without a query or range; else those taking part in the view's events."""
        if not params.filtered:
            return list(self.entities)
        wanted = {e.id for e in self.events_in_view(params)}
        return [e for e in self.entities if wanted.intersection(e.event_ids)]

    def volume(self, params: ViewParams) -> Volume:
        """Articles (by publication date) and events (by date) per period, inside the range (kept
        per range and period: every timeline page draws it)."""
        key = (params.start, params.end, params.period)
        found = self._volumes.get(key)
        if found is None:
            found = self._volumes[key] = self._volume(params)
            while len(self._volumes) > TIMELINE_CACHE_SIZE:
                self._volumes.popitem(last=False)
        return found

    def _dated(self) -> tuple[list[DateParts], int, list[DateParts], int]:
        """The parsed dates of the articles and of the events, and how many have none."""
        if self._dated_values is None:
            article_days = []
            undated_articles = 0
            for info in self.articles.values():
                parsed = parse_value(info.published)
                if parsed is None:
                    undated_articles += 1
                    continue
                article_days.append(parsed)
            event_days = []
            undated_events = 0
            for event in self.events:
                parsed = parse_value(event.date)
                if parsed is None:
                    undated_events += 1
                    continue
                event_days.append(parsed)
            self._dated_values = (article_days, undated_articles, event_days, undated_events)
        return self._dated_values

    def _volume(self, params: ViewParams) -> Volume:
        article_days, undated_articles, event_days, undated_events = self._dated()
        period: str = params.period
        if period == "auto":
            period = _auto_period(article_days + event_days, params.start, params.end)
        counts: dict[dt.date, list[int]] = {}
        for which, values in ((0, article_days), (1, event_days)):
            for value in values:
                start = _bucket_start(value, period)
                if start is None:
                    if which == 0:
                        undated_articles += 1
                    else:
                        undated_events += 1
                    continue
                if (params.start and _bucket_end(start, period) < params.start) or (
                    params.end and start > params.end
                ):
                    continue
                counts.setdefault(start, [0, 0])[which] += 1
        buckets = _fill(counts, period)
        return Volume(period, tuple(buckets), undated_articles, undated_events)

    # ------------------------------------------------------------------ one record
    def claims(self, event: Event) -> list[SourceClaim]:
        """Every source of an event with its evidence sentence, in context, and what it says."""
        out = []
        seen: set[tuple[str, int]] = set()
        for evidence in event.evidence:
            key = (evidence.article_id, evidence.start)
            if key in seen:
                continue
            seen.add(key)
            analysed = self.store.article(evidence.article_id)
            info = self.articles.get(evidence.article_id)
            if analysed is None:
                out.append(_bare_claim(evidence.article_id, info, evidence.text))
                continue
            out.append(_claim(analysed, info, event, evidence.start, evidence.end, evidence.text))
        cited = {c.article_id for c in out}
        for source in event.sources:
            if source.article_id not in cited:
                cited.add(source.article_id)
                out.append(_bare_claim(source.article_id, self.articles.get(source.article_id), ""))
        return out

    def conflicts(self) -> tuple[Conflict, ...]:
        """Every disagreement in the store: events' conflicts, then time expressions' conflicts."""
        if self._conflicts is None:
            found: list[Conflict] = []
            for event in sorted(self.events, key=lambda e: (e.date or "", e.id)):
                for text in event.conflicts:
                    found.append(
                        Conflict(conflict_kind(text), text, event_id=event.id, date=event.date)
                    )
            for c in self.store.time_conflicts():
                found.append(
                    Conflict(
                        conflict_kind(c.conflict),
                        f"“{c.mention}”: {c.conflict}",
                        article_id=c.article_id,
                        sentence=c.sentence,
                        date=c.value,
                    )
                )
            self._conflicts = tuple(found)
        return self._conflicts


class StoreView:
    """The app's handle on the store: the current snapshot, rebuilt when the store changes."""

    def __init__(self, store: StoreReader) -> None:
        self.store = store
        self._snapshot: Snapshot | None = None
        #: Decoded analyses and recent views' evidence (keyed by content and generation).
        self.cache = ViewCache()

    def snapshot(self) -> Snapshot:
        generation = self.store.generation
        if self._snapshot is None or self._snapshot.generation != generation:
            self._snapshot = Snapshot(self.store, generation, self.cache)
        return self._snapshot


# --------------------------------------------------------------------------- helpers


def _info(meta: ArticleMeta) -> ArticleInfo:
    return ArticleInfo(
        id=meta.id,
        title=meta.title,
        source=meta.source,
        url=meta.url,
        published=meta.published,
        granularity=meta.granularity,
        words=meta.words,
        removed_lines=meta.removed_lines,
    )


def _in_range(value: str | None, start: dt.date | None, end: dt.date | None) -> bool:
    """True when the period ``value`` names overlaps [start, end]."""
    parsed = parse_value(value)
    if parsed is None:
        return False
    year, month, day = parsed
    if month is None:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    elif day is None:
        first = dt.date(year, month, 1)
        last = _month_end(first)
    else:
        try:
            first = last = dt.date(year, month, day)
        except ValueError:
            return False
    return (start is None or last >= start) and (end is None or first <= end)


def _month_end(first: dt.date) -> dt.date:
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _auto_period(
    values: list[tuple[int, int | None, int | None]], start: dt.date | None, end: dt.date | None
) -> str:
    years = [v[0] for v in values]
    if start is not None and end is not None:
        span = (end - start).days
    elif years:
        span = (max(years) - min(years) + 1) * 365
        days = [dt.date(y, m, d) for y, m, d in values if m and d and _valid(y, m, d)]
        if days:
            first = max(min(days), start) if start else min(days)
            last = min(max(days), end) if end else max(days)
            span = max((last - first).days, 0)
    else:
        return "month"
    if span <= 92:
        return "day"
    if span <= 550:
        return "week"
    if span <= 365 * 15:
        return "month"
    return "year"


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _bucket_start(value: tuple[int, int | None, int | None], period: str) -> dt.date | None:
    year, month, day = value
    if period == "year":
        return dt.date(year, 1, 1)
    if month is None:
        return None
    if period == "month":
        return dt.date(year, month, 1)
    if day is None or not _valid(year, month, day):
        return None
    day_date = dt.date(year, month, day)
    if period == "week":
        return day_date - dt.timedelta(days=day_date.weekday())
    return day_date


def _bucket_end(start: dt.date, period: str) -> dt.date:
    if period == "year":
        return dt.date(start.year, 12, 31)
    if period == "month":
        return _month_end(start)
    if period == "week":
        return start + dt.timedelta(days=6)
    return start


def _next_bucket(start: dt.date, period: str) -> dt.date:
    return _bucket_end(start, period) + dt.timedelta(days=1)


def _label(start: dt.date, period: str) -> str:
    if period == "year":
        return str(start.year)
    if period == "month":
        return start.strftime("%Y-%m")
    if period == "week":
        return f"week of {start.isoformat()}"
    return start.isoformat()


#: A chart never has more bars than this; a longer range falls back to sparse bars (no gap fill).
MAX_BUCKETS = 400


def _fill(counts: dict[dt.date, list[int]], period: str) -> list[Bucket]:
    """Buckets in order, empty periods between the first and last included (up to MAX_BUCKETS)."""
    if not counts:
        return []
    starts = sorted(counts)
    filled: list[dt.date] = []
    current = starts[0]
    while current <= starts[-1] and len(filled) <= MAX_BUCKETS:
        filled.append(current)
        current = _next_bucket(current, period)
    if len(filled) > MAX_BUCKETS:
        filled = starts
    return [
        Bucket(
            start=s,
            end=_bucket_end(s, period),
            label=_label(s, period),
            articles=counts.get(s, [0, 0])[0],
            events=counts.get(s, [0, 0])[1],
        )
        for s in filled
    ]


def _sentence_at(analysed: AnalysedArticle, start: int, end: int) -> int | None:
    for i, sentence in enumerate(analysed.sentences):
        if sentence.start <= start < sentence.end or (sentence.start == start == end):
            return i
    return None


def _claim(
    analysed: AnalysedArticle,
    info: ArticleInfo | None,
    event: Event,
    start: int,
    end: int,
    evidence_text: str,
) -> SourceClaim:
    sentences: tuple[Sentence, ...] = analysed.sentences
    index = _sentence_at(analysed, start, end)
    text = analysed.article.text
    if index is None:
        sentence, before, after = evidence_text, "", ""
        highlight = (0, len(evidence_text))
    else:
        current = sentences[index]
        sentence = current.text
        before = sentences[index - 1].text if index > 0 else ""
        after = sentences[index + 1].text if index + 1 < len(sentences) else ""
        lo = max(start, current.start) - current.start
        hi = min(end, current.end) - current.start
        highlight = (
            (lo, hi) if text[current.start : current.end] == sentence else (0, len(sentence))
        )
    mention = next(
        (m for m in analysed.event_mentions if m.evidence.start == start and m.type == event.type),
        None,
    ) or next((m for m in analysed.event_mentions if m.evidence.start == start), None)
    return SourceClaim(
        article_id=analysed.article.id,
        info=info,
        sentence=sentence,
        before=before,
        after=after,
        highlight=highlight,
        date=mention.date if mention else None,
        granularity=mention.granularity if mention else None,
        date_expression=(
            mention.date_evidence.expression if mention and mention.date_evidence else None
        ),
        location=mention.location.text if mention and mention.location else None,
        status=mention.status if mention else None,
        actors=tuple(a.text for a in mention.actors) if mention else (),
        conflicts=tuple(mention.conflicts) if mention else (),
    )


def _bare_claim(article_id: str, info: ArticleInfo | None, sentence: str) -> SourceClaim:
    return SourceClaim(
        article_id=article_id,
        info=info,
        sentence=sentence,
        before="",
        after="",
        highlight=(0, len(sentence)),
        date=None,
        granularity=None,
        date_expression=None,
        location=None,
        status=None,
        actors=(),
        conflicts=(),
    )
