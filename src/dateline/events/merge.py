"""Merging event mentions across articles into events (rules in docs/events.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dateline.records import (
    AnalysedArticle,
    Article,
    DateEvidence,
    DuplicateGroup,
    Event,
    EventMention,
    EventSource,
    EventStatus,
    Evidence,
    Granularity,
    MentionText,
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


@dataclass(slots=True)
class _Claim:
    """An event mention with its participants resolved to entity ids."""

    mention: EventMention
    unit: str  # duplicate-group id, else article id
    actors: tuple[str, ...]
    recipients: tuple[str, ...]
    people: frozenset[str]
    #: Countries and places among the participants (they alone do not identify an event).
    places: frozenset[str] = frozenset()
    #: Actors and recipients (computed once: the merge reads it for every candidate cluster).
    participants: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self.participants = frozenset(self.actors) | frozenset(self.recipients)

    @property
    def uncertain_day(self) -> bool:
        """A day that contradicts its weekday, or one taken from the publication date (the event
        may be a few days older than the article)."""
        evidence = self.mention.date_evidence
        from_publication = evidence is not None and not evidence.expression
        return from_publication or any("weekday" in c for c in self.mention.conflicts)


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
        self.actors_by_article.setdefault(claim.mention.article_id, set()).update(claim.actors)
        self.participants |= claim.participants
        self.people |= claim.people
        self.places |= claim.places
        self.uncertain_day = self.uncertain_day or claim.uncertain_day
        self.units.add(claim.unit)
        self.articles.add(claim.mention.article_id)
        if claim.mention.mode in _SPECIFIC_MODES:
            self.modes.add(claim.mention.mode)
        self.statuses.add(claim.mention.status)
        if _specificity(claim.mention.date) > _specificity(self.date):
            self.date = claim.mention.date


def _resolve_ids(entities: Any, article_id: str, items: Sequence[MentionText]) -> list[str]:
    ids: list[str] = []
    for item in items:
        entity_id = entities.entity_id(article_id, item.start, item.end)
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
    m = claim.mention
    if cluster.type != m.type or cluster.negated != (m.status == "negated"):
        return False
    shared = claim.participants & cluster.participants
    # "Britain urged the AU ..." and "an AU representative called for ...": for a directed
    # event the shared participant must act in both (or be on the receiving end in both).
    if (
        shared
        and m.type not in _SYMMETRIC_TYPES
        and claim.actors
        and cluster.actors
        and cluster.actors.isdisjoint(claim.actors)
        and cluster.recipients.isdisjoint(claim.recipients)
    ):
        return False
    same_source = claim.unit in cluster.units or m.article_id in cluster.articles
    if (
        not shared
        and m.article_id in cluster.articles
        and m.date is not None
        and m.date == cluster.date
        and len(m.date) == 10
    ):
        # One article, one type, one day: the same event told twice, unless each names its
        # own actors ("the AU urged ..." and "Britain urged ...").
        return not (claim.actors and cluster.actors_by_article.get(m.article_id))
    if not shared:
        return False
    undated_here = same_source and (m.date is None or cluster.date is None)
    if not shared - cluster.places and not undated_here:
        # Sharing only a country ("India") is not enough when people or organisations are
        # named, and otherwise it takes two shared countries or the very same ones.
        if (claim.participants | cluster.participants) - (claim.places | cluster.places):
            return False
        if len(shared) < 2 and claim.participants != cluster.participants:
            return False
    if m.mode in _SPECIFIC_MODES and cluster.modes and m.mode not in cluster.modes:
        return False  # a phone call is not the visit, nor the multilateral meeting
    if m.date is None or cluster.date is None:
        # An undated claim joins only an event its own article or duplicate group reports, with
        # a status it has: "will meet on Monday" is not the meeting reported last November.
        return same_source and m.status in cluster.statuses
    if dates_compatible(m.date, cluster.date):
        return True
    apart = _days_apart(m.date, cluster.date)
    if apart is None or apart > SAME_SOURCE_DAY_SLACK:
        return False
    # A day that contradicts its own weekday ("Thursday, 8 March" when 8 March is a Friday) may
    # be the cluster's day; so may a near day from the same article or duplicate group.
    return same_source or claim.uncertain_day or cluster.uncertain_day


def _sentence_key(text: str) -> str:
    return " ".join(text.lower().split())


def _boilerplate_sentences(
    articles: Sequence[AnalysedArticle], group_of: Mapping[str, str]
) -> set[str]:
    """Event sentences repeated word for word across many unrelated articles: page furniture
    ("You agree that anything you post may be used ...", "CNN welcomes a lively discussion"),
    not news. A story syndicated word for word sits in one duplicate group and counts once."""
    units: dict[str, set[str]] = defaultdict(set)
    for analysed in articles:
        article_id = analysed.article.id
        for m in analysed.event_mentions:
            units[_sentence_key(m.evidence.text)].add(group_of.get(article_id, article_id))
    limit = max(BOILERPLATE_MIN_SOURCES, BOILERPLATE_FRACTION * len(articles))
    return {key for key, seen in units.items() if len(seen) >= limit}


def build_events(
    articles: Sequence[AnalysedArticle],
    entities: Any,
    groups: Sequence[DuplicateGroup],
) -> tuple[Event, ...]:
    """One :class:`Event` per real-world event; merge rules in docs/events.md.

    ``entities`` is an :class:`dateline.entities.EntityIndex` (anything with
    ``entity_id(article_id, start, end)`` and ``names()``).
    """
    group_of = {a: g.id for g in groups for a in g.article_ids}
    by_id = {a.article.id: a.article for a in articles}
    people_ids = {e.id for e in getattr(entities, "entities", ()) if e.type == "PERSON"}
    place_ids = {
        e.id for e in getattr(entities, "entities", ()) if e.type in ("GPE", "LOC", "NORP", "FAC")
    }
    boilerplate = _boilerplate_sentences(articles, group_of)
    claims: list[_Claim] = []
    for analysed in articles:
        article_id = analysed.article.id
        for m in analysed.event_mentions:
            if _sentence_key(m.evidence.text) in boilerplate:
                continue
            actors = _resolve_ids(entities, article_id, m.actors)
            recipients = [
                r for r in _resolve_ids(entities, article_id, m.recipients) if r not in actors
            ]
            if not actors and not recipients:
                continue
            unit = group_of.get(article_id, article_id)
            people = frozenset(x for x in (*actors, *recipients) if x in people_ids)
            places = frozenset(x for x in (*actors, *recipients) if x in place_ids)
            claims.append(_Claim(m, unit, tuple(actors), tuple(recipients), people, places))
    # A claim only ever joins a cluster of its own type and negation: each kind is merged on
    # its own, and its clusters become event records before the next kind's are built (the
    # clusters' sets were the peak of a store's recompute).
    by_kind: dict[tuple[str, bool], list[_Claim]] = defaultdict(list)
    for claim in claims:
        by_kind[(claim.mention.type, claim.mention.status == "negated")].append(claim)
    del claims
    names = entities.names() if hasattr(entities, "names") else {}
    events: list[Event] = []
    for kind in sorted(by_kind):
        clusters = _merge_claims(by_kind.pop(kind))
        events += (_event_record(c, by_id, group_of, names) for c in clusters)
    events.sort(key=lambda e: (e.date or "9999", e.type, e.id))
    return tuple(events)


def _merge_claims(claims: list[_Claim]) -> list[_Cluster]:
    """The greedy merge of one kind's claims (one type, negated or not) into clusters."""
    # Most precise dates first, so undated and month-level claims join day-level events.
    claims.sort(
        key=lambda c: (
            -_specificity(c.mention.date),
            c.mention.status != "reported",
            c.mention.article_id,
            c.mention.trigger_start,
        )
    )
    clusters: list[_Cluster] = []
    # A claim fits only a cluster that shares a participant or its article (see ``_fits``), so
    # look only there: linear in the claims, not claims x clusters.
    by_participant: dict[str, set[int]] = {}
    by_article: dict[str, set[int]] = {}
    for claim in claims:
        article_id = claim.mention.article_id
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
            m = claim.mention
            cluster = _Cluster(
                type=m.type,
                claims=[],
                date=m.date,
                participants=set(),
                people=set(),
                places=set(),
                uncertain_day=False,
                units=set(),
                articles=set(),
                negated=m.status == "negated",
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
    cluster: _Cluster,
    articles: Mapping[str, Article],
    group_of: Mapping[str, str],
    names: Mapping[str, str],
) -> Event:
    claims = sorted(cluster.claims, key=lambda c: (c.mention.article_id, c.mention.trigger_start))
    mentions = [c.mention for c in claims]
    conflicts: list[str] = []
    # Date: the most precise value, chosen by independent units; disagreements are kept.
    dated = [c for c in claims if c.mention.date]
    date: str | None = None
    granularity: Granularity = "none"
    date_evidence: DateEvidence | None = None
    if dated:
        top = max(_specificity(c.mention.date) for c in dated)
        precise = [c for c in dated if _specificity(c.mention.date) == top]
        units_by_date: dict[str, set[str]] = {}
        articles_by_date: dict[str, set[str]] = {}
        for c in precise:
            units_by_date.setdefault(c.mention.date or "", set()).add(c.unit)
            articles_by_date.setdefault(c.mention.date or "", set()).add(c.mention.article_id)
        explicit = {
            c.mention.date
            for c in precise
            if c.mention.date_evidence and c.mention.date_evidence.expression
        }
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
        chosen = [c for c in precise if c.mention.date == date]
        chosen.sort(
            key=lambda c: (
                not (c.mention.date_evidence and c.mention.date_evidence.expression),
                c.mention.article_id,
            )
        )
        granularity = chosen[0].mention.granularity
        date_evidence = chosen[0].mention.date_evidence
        for other, units in sorted(units_by_date.items()):
            if other != date:
                conflicts.append(
                    f"date: {other} according to {', '.join(sorted(units))} "
                    f"(kept {date}, {len(units_by_date[date])} source(s))"
                )
        for c in dated:
            value = c.mention.date or ""
            if not dates_compatible(value, date):
                text = f"date: {value} according to {c.mention.article_id}"
                if not any(text.split(" (")[0] in x for x in conflicts):
                    conflicts.append(text)
    elif any(m.date_evidence for m in mentions):
        date_evidence = next(m.date_evidence for m in mentions if m.date_evidence)
    for m in mentions:
        for conflict in m.conflicts:
            if conflict not in conflicts:
                conflicts.append(conflict)
    statuses = {m.status for m in mentions}
    status = next(s for s in _STATUS_ORDER if s in statuses)
    if status == "reported" and "hypothetical" in statuses:
        conflicts.append("status: some sources describe it only as a possibility")
    modes = [m.mode for m in mentions if m.mode in _SPECIFIC_MODES]
    mode = _ranked(modes)[0] if modes else next((m.mode for m in mentions if m.mode), None)
    locations = [m.location.text for m in mentions if m.location]
    location = _ranked(locations)[0] if locations else None
    if len(set(locations)) > 1:
        others = sorted(set(locations) - {location or ""})
        conflicts.append(f"location: also given as {', '.join(others)}")
    actor_ids = _ranked([a for c in claims for a in c.actors])
    recipient_ids = [
        r for r in _ranked([r for c in claims for r in c.recipients]) if r not in actor_ids
    ]
    evidence: dict[tuple[str, int], Evidence] = {}
    for m in mentions:
        evidence.setdefault((m.article_id, m.evidence.start), m.evidence)
    sources: dict[str, EventSource] = {}
    for m in mentions:
        article = articles.get(m.article_id)
        if article is None or m.article_id in sources:
            continue
        sources[m.article_id] = EventSource(
            article_id=m.article_id,
            url=article.url,
            outlet=article.source,
            title=article.title,
            published=article.published.value if article.published else None,
            duplicate_group=group_of.get(m.article_id),
        )
    units = {c.unit for c in claims}
    confidence = 1.0 - CONFIDENCE_BASE ** len(units)
    if conflicts:
        confidence *= CONFLICT_PENALTY
    key = "|".join(f"{m.article_id}:{m.trigger_start}" for m in mentions)
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
