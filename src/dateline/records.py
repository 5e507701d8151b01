"""Records passed between stages.

Every record is a frozen, slotted dataclass made of plain Python values: no spaCy ``Doc``/``Span``
and no lxml element ever crosses a stage boundary, so records pickle cheaply between worker
processes and serialise to JSON with :func:`dataclasses.asdict`.

Offsets (``start``/``end``) are character offsets into ``Article.text`` unless said otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

#: How precise a date is. ``none`` is for values that are not calendar positions (durations, sets,
#: ``PRESENT_REF``).
Granularity = Literal[
    "time", "day", "week", "month", "quarter", "season", "year", "decade", "century", "none"
]
TimexType = Literal["DATE", "TIME", "DURATION", "SET"]
GRANULARITY_ORDER: tuple[str, ...] = (
    "time",
    "day",
    "week",
    "month",
    "quarter",
    "season",
    "year",
    "decade",
    "century",
    "none",
)


# --------------------------------------------------------------------------- ingest


@dataclass(frozen=True, slots=True)
class PublicationDate:
    """When an article was published, and how we know.

    ``value`` is an ISO value at ``granularity`` ("2022-09-08", "2022-09", "2022").
    ``source`` is one of ``header`` (a ``date YYYY-MM-DD`` first line), ``field`` (JSON/JSONL),
    ``html-meta`` (page metadata via htmldate), ``warc-date`` (a WARC record's crawl date, used
    when the page states none: an upper bound, in UTC), ``inferred`` (from the text; see
    ``evidence``).
    """

    value: str
    granularity: Granularity
    source: str
    evidence: str = ""
    #: For an inferred date, the range the evidence allows (ISO days, inclusive); None when the
    #: evidence sets no bound on that side.
    earliest: str | None = None
    latest: str | None = None

    @property
    def inferred(self) -> bool:
        return self.source == "inferred"


@dataclass(frozen=True, slots=True)
class Article:
    """One cleaned article, as read from a file or a JSON(L) record."""

    id: str
    text: str
    path: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    line: int | None = None
    published: PublicationDate | None = None
    #: Number of boilerplate lines (menus, "Advertisement", share buttons, ...) removed from the text.
    removed_lines: int = 0
    #: A few of the removed lines, so a reader can check what cleaning took out.
    removed_examples: tuple[str, ...] = ()
    #: JSON(L) fields dateline does not use, kept as they were.
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def word_count(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in the input that could not be used, named precisely enough to go and fix it."""

    path: str
    reason: str
    line: int | None = None
    #: ``skipped`` (nothing read from it) or ``warning`` (read, with a caveat).
    severity: Literal["skipped", "warning"] = "skipped"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What was read and what was skipped, and why; printed at the end of every run."""

    files_seen: int
    files_read: int
    articles_read: int
    problems: tuple[Problem, ...] = ()

    @property
    def skipped(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "skipped")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    def summary(self) -> str:
        reasons: dict[str, int] = {}
        for p in self.skipped:
            key = p.reason.split(":")[0]
            reasons[key] = reasons.get(key, 0) + 1
        why = "; ".join(f"{n} {r}" for r, n in sorted(reasons.items())) or "none"
        return (
            f"read {self.articles_read} articles from {self.files_read} of {self.files_seen} files; "
            f"skipped {len(self.skipped)} ({why}); {len(self.warnings)} warnings"
        )


# --------------------------------------------------------------------------- time expressions


@dataclass(frozen=True, slots=True)
class TimeMention:
    """A time expression found in text and resolved to a TIMEX3-style value.

    ``anchor`` is the date the value was computed from (the publication date, or a date earlier in
    the narrative); ``rule`` names the pattern/normalisation rule that fired, so a wrong date can be
    traced to the data file that produced it. ``conflicts`` records inconsistencies seen while
    resolving, e.g. a weekday that contradicts the explicit date next to it.
    """

    text: str
    start: int
    end: int
    type: TimexType
    value: str
    granularity: Granularity
    anchor: str | None = None
    anchor_source: str | None = None
    rule: str = ""
    conflicts: tuple[str, ...] = ()
    #: ``past`` / ``future`` / ``present`` / None: the tense used to pick a direction, if any.
    tense: str | None = None

    @property
    def is_calendar_date(self) -> bool:
        """True when ``value`` names a position on the calendar (not a duration, set or REF)."""
        return self.type in ("DATE", "TIME") and self.value[:1].isdigit() and "X" not in self.value


# --------------------------------------------------------------------------- sentences and entities


@dataclass(frozen=True, slots=True)
class EntityMention:
    """A named-entity span (spaCy label, e.g. PERSON, ORG, GPE, LOC, NORP, FAC)."""

    text: str
    label: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class NameMention:
    """An entity mention as entity resolution reads it: its class (PERSON, ORG, GPE, NORP) and
    the title phrases written around it, read from the text once, when the article is stored,
    so resolving entities across a corpus never needs the texts again."""

    start: int
    end: int
    text: str
    label: str
    cls: str
    roles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ArticleNames:
    """What one article gives entity resolution: its plausible name mentions in text order and
    the abbreviations it defines ("Ministry of Defence (MoD)"), short form first."""

    article_id: str
    published: str | None
    mentions: tuple[NameMention, ...]
    abbreviations: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article with what the stages found in it."""

    article_id: str
    index: int
    start: int
    end: int
    text: str
    time_mentions: tuple[TimeMention, ...] = ()
    entities: tuple[EntityMention, ...] = ()


@dataclass(frozen=True, slots=True)
class AnalysedArticle:
    """An article after sentence splitting, entity recognition and time tagging."""

    article: Article
    sentences: tuple[Sentence, ...]
    event_mentions: tuple[EventMention, ...] = ()

    @property
    def time_mentions(self) -> tuple[TimeMention, ...]:
        return tuple(m for s in self.sentences for m in s.time_mentions)


# --------------------------------------------------------------------------- near-duplicates


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Articles that are copies or rewrites of one text (syndication, one press release)."""

    id: str
    article_ids: tuple[str, ...]


# --------------------------------------------------------------------------- events and entities
# Field names follow the PLOVER event standard where it has one (see docs/events.md).

#: PLOVER-style status of an event claim.
EventStatus = Literal["reported", "planned", "hypothetical", "negated"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """A sentence that supports an event: its text and where it is (character offsets)."""

    text: str
    article_id: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class MentionText:
    """An actor, recipient or place as written in one sentence (offsets into the article)."""

    text: str
    start: int
    end: int
    label: str = ""


@dataclass(frozen=True, slots=True)
class DateEvidence:
    """What fixed an event's date: the expression (``""`` = publication date) and its anchor."""

    expression: str
    anchor: str | None
    article_id: str
    rule: str = ""
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class EventMention:
    """One sentence's claim that an event happened (or will, or might, or did not)."""

    article_id: str
    sentence_index: int
    type: str
    mode: str | None
    trigger: str
    trigger_start: int
    trigger_end: int
    actors: tuple[MentionText, ...]
    recipients: tuple[MentionText, ...]
    date: str | None
    granularity: Granularity
    date_evidence: DateEvidence | None
    location: MentionText | None
    status: EventStatus
    evidence: Evidence
    conflicts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EventSource:
    """An article that reports an event, and the duplicate group it belongs to (if any)."""

    article_id: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    duplicate_group: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """One real-world event, merged over every article that mentions it (PLOVER field names)."""

    id: str
    type: str
    mode: str | None
    actors: tuple[str, ...]
    recipients: tuple[str, ...]
    date: str | None
    granularity: Granularity
    date_evidence: DateEvidence | None
    location: str | None
    status: EventStatus
    evidence: tuple[Evidence, ...]
    sources: tuple[EventSource, ...]
    confidence: float
    conflicts: tuple[str, ...] = ()
    #: Canonical names of ``actors`` / ``recipients``, same order, for readers of events.jsonl.
    actor_names: tuple[str, ...] = ()
    recipient_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Role:
    """A title or office an entity held, with the date of the article that says so."""

    title: str
    date: str | None
    article_id: str


@dataclass(frozen=True, slots=True)
class EntityMentionRef:
    """Where an entity is mentioned: an :class:`EntityMention` by article and offsets."""

    article_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, organisation, country or place, with every name it goes by in the corpus."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    mentions: tuple[EntityMentionRef, ...] = ()
    event_ids: tuple[str, ...] = ()


# --------------------------------------------------------------------------- timeline


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a timeline line comes from: the article, and the outlet/url a reader can follow."""

    article_id: str
    url: str | None = None
    source: str | None = None
    title: str | None = None
    published: str | None = None
    path: str | None = None


@dataclass(frozen=True, slots=True)
class TimelineSentence:
    """One line of a timeline entry, with every article that supports it."""

    text: str
    article_id: str
    start: int
    end: int
    #: The time expression in the sentence that dated it ("" when dated by publication date).
    date_evidence: str = ""
    sources: tuple[SourceRef, ...] = ()


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """A date on the timeline, its summary and the evidence for it."""

    date: str
    granularity: Granularity
    sentences: tuple[TimelineSentence, ...]
    score: float
    #: Distinct articles that mention this date or were published on it.
    article_ids: tuple[str, ...] = ()
    event_ids: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[SourceRef, ...]:
        seen: dict[str, SourceRef] = {}
        for s in self.sentences:
            for ref in s.sources:
                seen.setdefault(ref.article_id, ref)
        return tuple(seen.values())


@dataclass(frozen=True, slots=True)
class Timeline:
    """The result of a run: entries in date order, and what went into them."""

    entries: tuple[TimelineEntry, ...]
    query: str | None
    report: IngestReport
    params: Mapping[str, Any] = field(default_factory=dict)
