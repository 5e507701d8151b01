"""Merging event mentions across articles into events (rules in docs/events.md)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dateline.records import (
    AnalysedArticle,
    DateEvidence,
    DuplicateGroup,
    Event,
    EventSource,
    EventStatus,
    Evidence,
    Granularity,
)

if TYPE_CHECKING:
    pass


#: Confidence: 1 - 0.5**units, where a unit is an article or a whole duplicate group.
CONFIDENCE_BASE = 0.5
#: Multiplier when the sources disagree (date, status or place) or a date contradicts itself.
CONFLICT_PENALTY = 0.8
#: An event sentence found verbatim in at least max(4, 3% of the articles) independent sources
#: is boilerplate, not news.
BOILERPLATE_MIN_SOURCES = 4
BOILERPLATE_FRACTION = 0.03
#: Two days this close (inclusive) may be one event when both claims come from one group/article.
SAME_SOURCE_DAY_SLACK = 3
#: Types where actor and recipient are interchangeable ("A met B" is "B met A").
_SYMMETRIC_TYPES = frozenset({"CONSULT", "AGREE", "COOPERATE"})
_SPECIFIC_MODES = ("phone", "visit", "multilateral")
_STATUS_ORDER: tuple[EventStatus, ...] = ("reported", "planned", "hypothetical", "negated")
#: Entity types that are countries or places (sharing only these does not make one event).
_PLACE_TYPES = frozenset({"GPE", "LOC", "NORP", "FAC"})


@dataclass(slots=True)
class _Claim:
    """What merging and the event record read of an event mention, with its participants
    resolved to entity ids. A store holds one per event mention of every stored article while
    it merges, so the mention's own record (its actor and recipient spans, its trigger word) is
    not kept, and sets that recur are shared (:class:`EventClaims`)."""

    article_id: str
    trigger_start: int
    type: str
    status: EventStatus
    mode: str | None
    date: str | None
    granularity: Granularity
    date_evidence: DateEvidence | None
    location: str | None
    evidence: Evidence
    conflicts: tuple[str, ...]
    #: A day that contradicts its weekday, or one taken from the publication date (the event
    #: may be a few days older than the article).
    uncertain_day: bool
    #: The word-for-word sentence, as a digest (boilerplate is found by it).
    sentence: bytes
    #: Its duplicate group's id, else its article id (set when the groups are known).
    unit: str = ""
    actors: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    people: frozenset[str] = frozenset()
    #: Countries and places among the participants (they alone do not identify an event).
    places: frozenset[str] = frozenset()
    #: Actors and recipients (kept once: the merge reads it for every candidate cluster).
    participants: frozenset[str] = frozenset()


@dataclass(slots=True)
class _Cluster:
    type: str
    claims: list[_Claim]
    date: str | None
    participants: set[str]
    people: set[str]
    places: set[str]
    uncertain_day: bool
    units: set[str]
    articles: set[str]
    negated: bool
    statuses: set[str]
    #: The specific modes (phone / visit / multilateral) its claims name.
    modes: set[str]
    #: Every actor and every recipient of its claims.
    actors: set[str] = field(default_factory=set)
    recipients: set[str] = field(default_factory=set)
    #: The actors of its claims, by the article that names them.
    actors_by_article: dict[str, set[str]] = field(default_factory=dict)

    def take(self, claim: _Claim) -> None:
        """Add a claim to the event."""
        self.claims.append(claim)
        self.actors.update(claim.actors)
        self.recipients.update(claim.recipients)
        self.actors_by_article.setdefault(claim.article_id, set()).update(claim.actors)
        self.participants |= claim.participants
        self.people |= claim.people
        self.places |= claim.places
        self.uncertain_day = self.uncertain_day or claim.uncertain_day
        self.units.add(claim.unit)
        self.articles.add(claim.article_id)
        if claim.mode in _SPECIFIC_MODES:
            self.modes.add(claim.mode)
        self.statuses.add(claim.status)
        if _specificity(claim.date) > _specificity(self.date):
            self.date = claim.date


def _resolve_ids(entities: Any, article_id: str, spans: Sequence[int]) -> list[str]:
    """The entities of mentions given as flat (start, end) offsets, in order, once each."""
    ids: list[str] = []
    for i in range(0, len(spans), 2):
        entity_id = entities.entity_id(article_id, spans[i], spans[i + 1])
        if entity_id is not None and entity_id not in ids:
            ids.append(entity_id)
    return ids


def dates_compatible(a: str | None, b: str | None) -> bool:
    """ISO values at any precision agree when one is a prefix of the other ("2022-09" ⊇ day)."""
    if a is None or b is None:
        return True
    week_a, week_b = _WEEK.match(a), _WEEK.match(b)
    if week_a or week_b:
        # "2024-W11" and "2024-03-12": the day lies in the week (a month: they overlap).
        if week_a and week_b:
            return a == b
        week, other = (a, b) if week_a else (b, a)
        days = _week_days(week)
        if days is None:
            return False
        return any(day.isoformat()[: len(other)] == other for day in days)
    width = min(len(a), len(b))
    return a[:width] == b[:width]


_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def _week_days(week: str) -> list[dt.date] | None:
    match = _WEEK.match(week)
    if match is None:
        return None
    try:
        return [dt.date.fromisocalendar(int(match[1]), int(match[2]), d) for d in range(1, 8)]
    except ValueError:
        return None


def _days_apart(a: str, b: str) -> int | None:
    try:
        return abs((dt.date.fromisoformat(a[:10]) - dt.date.fromisoformat(b[:10])).days)
    except ValueError:
        return None


def _specificity(date: str | None) -> int:
    return len(date) if date else 0


def _fits(claim: _Claim, cluster: _Cluster) -> bool:
    if cluster.type != claim.type or cluster.negated != (claim.status == "negated"):
        return False
    shared = claim.participants & cluster.participants
    # "Britain urged the AU ..." and "an AU representative called for ...": for a directed
    # event the shared participant must act in both (or be on the receiving end in both).
    if (
        shared
        and claim.type not in _SYMMETRIC_TYPES
        and claim.actors
        and cluster.actors
        and cluster.actors.isdisjoint(claim.actors)
        and cluster.recipients.isdisjoint(claim.recipients)
    ):
        return False
    same_source = claim.unit in cluster.units or claim.article_id in cluster.articles
    if (
        not shared
        and claim.article_id in cluster.articles
        and claim.date is not None
        and claim.date == cluster.date
        and len(claim.date) == 10
    ):
        # One article, one type, one day: the same event told twice, unless each names its
        # own actors ("the AU urged ..." and "Britain urged ...").
        return not (claim.actors and cluster.actors_by_article.get(claim.article_id))
    if not shared:
        return False
    undated_here = same_source and (claim.date is None or cluster.date is None)
    if not shared - cluster.places and not undated_here:
        # Sharing only a country ("India") is not enough when people or organisations are
        # named, and otherwise it takes two shared countries or the very same ones.
        if (claim.participants | cluster.participants) - (claim.places | cluster.places):
            return False
        if len(shared) < 2 and claim.participants != cluster.participants:
            return False
    if claim.mode in _SPECIFIC_MODES and cluster.modes and claim.mode not in cluster.modes:
        return False  # a phone call is not the visit, nor the multilateral meeting
    if claim.date is None or cluster.date is None:
        # An undated claim joins only an event its own article or duplicate group reports, with
        # a status it has: "will meet on Monday" is not the meeting reported last November.
        return same_source and claim.status in cluster.statuses
    if dates_compatible(claim.date, cluster.date):
        return True
    apart = _days_apart(claim.date, cluster.date)
    if apart is None or apart > SAME_SOURCE_DAY_SLACK:
        return False
    # A day that contradicts its own weekday ("Thursday, 8 March" when 8 March is a Friday) may
    # be the cluster's day; so may a near day from the same article or duplicate group.
    return same_source or claim.uncertain_day or cluster.uncertain_day


def _sentence_key(text: str) -> bytes:
    """A sentence word for word (case and spacing aside), as a 16-byte digest: a store keeps
    one per event mention of every stored article."""
    normalised = " ".join(text.lower().split())
    return hashlib.blake2b(normalised.encode(), digest_size=16).digest()


class EventClaims:
    """Event mentions gathered article by article, then merged into events
    (:meth:`events`), so that a store can stream its records once, into entity resolution
    and here at the same time, and hold only what merging reads of each mention.

    The corpus's duplicate groups are given to :meth:`events`, not here, so that a store can
    gather the claims while its near-duplicate refresh runs in another process: a word-for-word
    story syndicated in one group counts once, both as a source of an event and when boilerplate
    sentences are counted.
    """

    def __init__(self) -> None:
        self._pending: list[tuple[_Claim, tuple[int, ...], tuple[int, ...]]] = []
        #: Per sentence digest, the articles it appears in: one article id, or a set.
        self._articles_by_sentence: dict[bytes, str | set[str]] = {}
        self._sources: dict[str, EventSource] = {}
        self._articles = 0
        self._shared: dict[Any, Any] = {}

    def add(self, analysed: AnalysedArticle) -> None:
        """Take one article's event mentions (an article is added once)."""
        self._articles += 1
        if not analysed.event_mentions:
            return
        article = analysed.article
        self._sources[article.id] = EventSource(
            article_id=article.id,
            url=article.url,
            outlet=article.source,
            title=article.title,
            published=article.published.value if article.published else None,
            duplicate_group=None,
        )
        share = self._share
        for m in analysed.event_mentions:
            key = share(_sentence_key(m.evidence.text))
            seen = self._articles_by_sentence.get(key)
            if seen is None:
                self._articles_by_sentence[key] = article.id
            elif isinstance(seen, set):
                seen.add(article.id)
            elif seen != article.id:
                self._articles_by_sentence[key] = {seen, article.id}
            # Shared like the other values: equal statuses, modes and date evidence decode as
            # objects of their own, one per mention (5% of what the claims held on T17).
            date_evidence = share(m.date_evidence)
            claim = _Claim(
                article_id=article.id,
                trigger_start=share(m.trigger_start),
                type=share(m.type),
                status=share(m.status),
                mode=share(m.mode),
                date=share(m.date),
                granularity=share(m.granularity),
                date_evidence=date_evidence,
                location=share(m.location.text) if m.location else None,
                evidence=share(m.evidence),
                conflicts=m.conflicts,
                uncertain_day=(date_evidence is not None and not date_evidence.expression)
                or any("weekday" in c for c in m.conflicts),
                sentence=key,
            )
            actors = tuple(share(x) for item in m.actors for x in (item.start, item.end))
            recipients = tuple(share(x) for item in m.recipients for x in (item.start, item.end))
            self._pending.append((claim, actors, recipients))

    def _share(self, value: Any) -> Any:
        return self._shared.setdefault(value, value)

    def events(self, entities: Any, groups: Iterable[DuplicateGroup] = ()) -> tuple[Event, ...]:
        """One :class:`Event` per real-world event (rules in docs/events.md); ``entities`` is
        an :class:`dateline.entities.EntityIndex` (anything with ``entity_id(article_id, start,
        end)`` and ``names()``), ``groups`` the corpus's duplicate groups. Takes the gathered
        claims: call it once."""
        group_of = {a: g.id for g in groups for a in g.article_ids}
        entity_types = {e.id: e.type for e in getattr(entities, "entities", ())}
        # Event sentences repeated word for word across many unrelated articles are page
        # furniture ("You agree that anything you post may be used ...", "CNN welcomes a lively
        # discussion"), not news; a story syndicated in one duplicate group counts once.
        limit = max(BOILERPLATE_MIN_SOURCES, BOILERPLATE_FRACTION * self._articles)
        boilerplate = {
            key
            for key, seen in self._articles_by_sentence.items()
            if isinstance(seen, set)
            and len(seen) >= limit
            and len({group_of.get(a, a) for a in seen}) >= limit
        }
        self._articles_by_sentence = {}
        for article_id, group in group_of.items():
            source = self._sources.get(article_id)
            if source is not None:
                self._sources[article_id] = dataclasses.replace(source, duplicate_group=group)
        share = self._share
        # A claim only ever joins a cluster of its own type and negation: each kind is merged
        # on its own, and its clusters become event records before the next kind's are built
        # (the clusters' sets were the peak of a store's recompute).
        by_kind: dict[tuple[str, bool], list[_Claim]] = defaultdict(list)
        # Popped, not iterated: each claim's offsets are let go once it is resolved.
        pending, self._pending = self._pending, []
        pending.reverse()
        while pending:
            claim, actor_spans, recipient_spans = pending.pop()
            if claim.sentence in boilerplate:
                continue
            claim.unit = group_of.get(claim.article_id, claim.article_id)
            actors = _resolve_ids(entities, claim.article_id, actor_spans)
            recipients = [
                r
                for r in _resolve_ids(entities, claim.article_id, recipient_spans)
                if r not in actors
            ]
            if not actors and not recipients:
                continue
            claim.actors = share(tuple(actors))
            claim.recipients = share(tuple(recipients))
            both = (*actors, *recipients)
            claim.people = share(frozenset(x for x in both if entity_types.get(x) == "PERSON"))
            claim.places = share(frozenset(x for x in both if entity_types.get(x) in _PLACE_TYPES))
            claim.participants = share(frozenset(actors) | frozenset(recipients))
            by_kind[(claim.type, claim.status == "negated")].append(claim)
        names = entities.names() if hasattr(entities, "names") else {}
        events: list[Event] = []
        for kind in sorted(by_kind):
            clusters = _merge_claims(by_kind.pop(kind))
            events += (_event_record(c, self._sources, names) for c in clusters)
        events.sort(key=lambda e: (e.date or "9999", e.type, e.id))
        self._sources, self._shared = {}, {}
        return tuple(events)


def build_events(
    articles: Iterable[AnalysedArticle],
    entities: Any,
    groups: Sequence[DuplicateGroup],
) -> tuple[Event, ...]:
    """One :class:`Event` per real-world event; merge rules in docs/events.md.

    ``entities`` is an :class:`dateline.entities.EntityIndex` (anything with
    ``entity_id(article_id, start, end)`` and ``names()``).
    """
    claims = EventClaims()
    for analysed in articles:
        claims.add(analysed)
    return claims.events(entities, groups)


def _merge_claims(claims: list[_Claim]) -> list[_Cluster]:
    """The greedy merge of one kind's claims (one type, negated or not) into clusters."""
    # Most precise dates first, so undated and month-level claims join day-level events.
    claims.sort(
        key=lambda c: (-_specificity(c.date), c.status != "reported", c.article_id, c.trigger_start)
    )
    clusters: list[_Cluster] = []
    # A claim fits only a cluster that shares a participant or its article (see ``_fits``), so
    # look only there: linear in the claims, not claims x clusters.
    by_participant: dict[str, set[int]] = {}
    by_article: dict[str, set[int]] = {}
    for claim in claims:
        article_id = claim.article_id
        candidates = set(by_article.get(article_id, ()))
        for participant in claim.participants:
            candidates |= by_participant.get(participant, set())
        fitting = [i for i in sorted(candidates) if _fits(claim, clusters[i])]
        if fitting:
            chosen = max(
                fitting,
                key=lambda i: (
                    len(claim.participants & clusters[i].participants),
                    claim.unit in clusters[i].units,
                    -i,
                ),
            )
            clusters[chosen].take(claim)
        else:
            chosen = len(clusters)
            cluster = _Cluster(
                type=claim.type,
                claims=[],
                date=claim.date,
                participants=set(),
                people=set(),
                places=set(),
                uncertain_day=False,
                units=set(),
                articles=set(),
                negated=claim.status == "negated",
                statuses=set(),
                modes=set(),
            )
            cluster.take(claim)
            clusters.append(cluster)
        by_article.setdefault(article_id, set()).add(chosen)
        for participant in claim.participants:
            by_participant.setdefault(participant, set()).add(chosen)
    return clusters


def _ranked(values: Sequence[str]) -> list[str]:
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    first = {v: i for i, v in reversed(list(enumerate(values)))}
    return sorted(counts, key=lambda v: (-counts[v], first[v]))


def _event_record(
    cluster: _Cluster, sources_by_article: Mapping[str, EventSource], names: Mapping[str, str]
) -> Event:
    claims = sorted(cluster.claims, key=lambda c: (c.article_id, c.trigger_start))
    conflicts: list[str] = []
    # Date: the most precise value, chosen by independent units; disagreements are kept.
    dated = [c for c in claims if c.date]
    date: str | None = None
    granularity: Granularity = "none"
    date_evidence: DateEvidence | None = None
    if dated:
        top = max(_specificity(c.date) for c in dated)
        precise = [c for c in dated if _specificity(c.date) == top]
        units_by_date: dict[str, set[str]] = {}
        articles_by_date: dict[str, set[str]] = {}
        for c in precise:
            units_by_date.setdefault(c.date or "", set()).add(c.unit)
            articles_by_date.setdefault(c.date or "", set()).add(c.article_id)
        explicit = {c.date for c in precise if c.date_evidence and c.date_evidence.expression}
        # Explicit expressions beat publication dates; then independent sources, then articles;
        # a tie goes to the earlier date.
        date = min(
            units_by_date,
            key=lambda d: (
                d not in explicit,
                -len(units_by_date[d]),
                -len(articles_by_date[d]),
                d,
            ),
        )
        chosen = [c for c in precise if c.date == date]
        chosen.sort(
            key=lambda c: (
                not (c.date_evidence and c.date_evidence.expression),
                c.article_id,
            )
        )
        granularity = chosen[0].granularity
        date_evidence = chosen[0].date_evidence
        for other, units in sorted(units_by_date.items()):
            if other != date:
                conflicts.append(
                    f"date: {other} according to {', '.join(sorted(units))} "
                    f"(kept {date}, {len(units_by_date[date])} source(s))"
                )
        for c in dated:
            value = c.date or ""
            if not dates_compatible(value, date):
                text = f"date: {value} according to {c.article_id}"
                if not any(text.split(" (")[0] in x for x in conflicts):
                    conflicts.append(text)
    elif any(m.date_evidence for m in claims):
        date_evidence = next(m.date_evidence for m in claims if m.date_evidence)
    for m in claims:
        for conflict in m.conflicts:
            if conflict not in conflicts:
                conflicts.append(conflict)
    statuses = {m.status for m in claims}
    status = next(s for s in _STATUS_ORDER if s in statuses)
    if status == "reported" and "hypothetical" in statuses:
        conflicts.append("status: some sources describe it only as a possibility")
    modes = [m.mode for m in claims if m.mode in _SPECIFIC_MODES]
    mode = _ranked(modes)[0] if modes else next((m.mode for m in claims if m.mode), None)
    locations = [m.location for m in claims if m.location]
    location = _ranked(locations)[0] if locations else None
    if len(set(locations)) > 1:
        others = sorted(set(locations) - {location or ""})
        conflicts.append(f"location: also given as {', '.join(others)}")
    actor_ids = _ranked([a for c in claims for a in c.actors])
    recipient_ids = [
        r for r in _ranked([r for c in claims for r in c.recipients]) if r not in actor_ids
    ]
    evidence: dict[tuple[str, int], Evidence] = {}
    for m in claims:
        evidence.setdefault((m.article_id, m.evidence.start), m.evidence)
    sources: dict[str, EventSource] = {}
    for m in claims:
        source = sources_by_article.get(m.article_id)
        if source is not None:
            sources.setdefault(m.article_id, source)
    units = {c.unit for c in claims}
    confidence = 1.0 - CONFIDENCE_BASE ** len(units)
    if conflicts:
        confidence *= CONFLICT_PENALTY
    key = "|".join(f"{m.article_id}:{m.trigger_start}" for m in claims)
    event_id = "evt-" + hashlib.sha1(f"{cluster.type}|{key}".encode()).hexdigest()[:12]
    return Event(
        id=event_id,
        type=cluster.type,
        mode=mode,
        actors=tuple(actor_ids),
        recipients=tuple(recipient_ids),
        date=date,
        granularity=granularity,
        date_evidence=date_evidence,
        location=location,
        status=status,
        evidence=tuple(sorted(evidence.values(), key=lambda e: (e.article_id, e.start))),
        sources=tuple(sorted(sources.values(), key=lambda s: s.article_id)),
        confidence=round(confidence, 4),
        conflicts=tuple(conflicts),
        actor_names=tuple(names.get(a, a) for a in actor_ids),
        recipient_names=tuple(names.get(r, r) for r in recipient_ids),
    )
