"""Event mentions per sentence, and events merged across articles (PLOVER field names).

Extraction runs inside the per-article worker and parses only *candidate* sentences: a trigger
word from ``data/plover_triggers.json`` and an actor-ish named entity (PERSON, ORG, GPE, NORP)
found by NER. Rules over spaCy's dependency parse then decide

* the actors (entities in the subject, or both sides of "between A and B"; a pronoun or a bare
  title such as "the Defence Minister" is resolved to the person most recently named in the
  article with that title, "they"/"the two ministers" to the participants of the previous
  event),
* the recipients ("with X", "to X", a direct object),
* the place ("in"/"at" + a place entity), the date (the nearest resolved calendar time mention,
  else the publication date for a reported event), and the status: ``planned`` ("will hold",
  "is scheduled to", a date after publication), ``hypothetical`` ("if", "could"), ``negated``
  ("did not meet"), else ``reported``.

Merging across articles: :func:`build_events` (rules in docs/events.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from dateline.errors import ConfigurationError
from dateline.records import (
    AnalysedArticle,
    Article,
    DateEvidence,
    DuplicateGroup,
    EntityMention,
    Event,
    EventMention,
    EventSource,
    EventStatus,
    Evidence,
    Granularity,
    MentionText,
    Sentence,
    TimeMention,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from spacy.language import Language
    from spacy.tokens import Span, Token

#: spaCy components the extraction needs (the parser listens to the shared ``tok2vec``).
REQUIRED_COMPONENTS: tuple[str, ...] = ("tok2vec", "tagger", "parser")
#: Entity labels that can be an actor or recipient.
ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
#: Entity labels that can be where an event took place.
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
LEXICON_FILE = "plover_triggers.json"


@dataclass(frozen=True, slots=True)
class TriggerLexicon:
    """The trigger → PLOVER type table and the cue words, read from the data file."""

    #: trigger word → (PLOVER type, allowed coarse POS letters "V"/"N")
    triggers: Mapping[str, tuple[str, str]]
    default_modes: Mapping[str, str | None]
    needs_head: Mapping[str, frozenset[str]]
    mode_cues: Mapping[str, tuple[tuple[str, frozenset[str]], ...]]
    planned_aux: frozenset[str]
    hypothetical_aux: frozenset[str]
    hypothetical_marks: frozenset[str]
    planned_heads: frozenset[str]
    planned_nouns: frozenset[str]
    plural_subjects: frozenset[str]
    title_subjects: frozenset[str]


def load_trigger_lexicon(text: str | None = None) -> TriggerLexicon:
    """Read the lexicon (the packaged file unless ``text`` is given); errors name the problem."""
    where = f"dateline/data/{LEXICON_FILE}"
    if text is None:
        text = resources.files("dateline").joinpath("data", LEXICON_FILE).read_text("utf-8")
    try:
        data = json.loads(text)
        triggers: dict[str, tuple[str, str]] = {}
        needs_head: dict[str, frozenset[str]] = {}
        default_modes: dict[str, str | None] = {}
        for type_name, spec in data["types"].items():
            default_modes[type_name] = spec.get("mode")
            for word, pos in spec["triggers"].items():
                if word in triggers:
                    raise ConfigurationError(
                        f"{where}: trigger {word!r} is listed under both {triggers[word][0]} and "
                        f"{type_name}; keep it under one type"
                    )
                if not pos or set(pos) - {"V", "N"}:
                    raise ConfigurationError(
                        f"{where}: trigger {word!r} has pos {pos!r}; use 'V', 'N' or 'NV'"
                    )
                triggers[word.lower()] = (type_name, pos)
            for word, heads in spec.get("needs_head", {}).items():
                needs_head[word.lower()] = frozenset(h.lower() for h in heads)
        mode_cues = {
            type_name: tuple(
                (mode, frozenset(w.lower() for w in words)) for mode, words in modes.items()
            )
            for type_name, modes in data["mode_cues"].items()
        }
        cues = data["status_cues"]
        return TriggerLexicon(
            triggers=MappingProxyType(triggers),
            default_modes=MappingProxyType(default_modes),
            needs_head=MappingProxyType(needs_head),
            mode_cues=MappingProxyType(mode_cues),
            planned_aux=frozenset(cues["planned_aux"]),
            hypothetical_aux=frozenset(cues["hypothetical_aux"]),
            hypothetical_marks=frozenset(cues["hypothetical_marks"]),
            planned_heads=frozenset(cues["planned_heads"]),
            planned_nouns=frozenset(cues["planned_nouns"]),
            plural_subjects=frozenset(data["plural_subjects"]),
            title_subjects=frozenset(data["pronoun_subjects"]),
        )
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
        raise ConfigurationError(
            f"{where}: malformed trigger lexicon ({type(exc).__name__}: {exc}); compare it with "
            "the layout described in its 'description' field"
        ) from exc


#: Read once at import; immutable (mapping proxies and frozensets).
LEXICON = load_trigger_lexicon()
_WORD = re.compile(r"[A-Za-z][\w'-]*")
_VISIT_WORDS = frozenset({"visit", "visits", "trip", "tour", "travel", "journey"})


def is_candidate_sentence(text: str, lexicon: TriggerLexicon = LEXICON) -> bool:
    """Cheap text-only test run before NER: a trigger word and a capitalised non-initial word."""
    words = _WORD.findall(text)
    if not any(w.lower() in lexicon.triggers for w in words):
        return False
    return any(w[:1].isupper() for w in words[1:])


def _has_actor(sentence: Sentence) -> bool:
    return any(e.label in ACTOR_LABELS for e in sentence.entities)


def extract_event_mentions(
    article: Article,
    sentences: Sequence[Sentence],
    nlp: Language,
    lexicon: TriggerLexicon = LEXICON,
) -> tuple[EventMention, ...]:
    """Event mentions of one article; parses only the candidate sentences that have an actor."""
    chosen = [
        s
        for s in sentences
        if s.entities and _has_actor(s) and is_candidate_sentence(s.text, lexicon)
    ]
    if not chosen:
        return ()
    enabled = [c for c in REQUIRED_COMPONENTS if c in nlp.pipe_names]
    context = _ArticleContext(article, sentences)
    found: list[EventMention] = []
    with nlp.select_pipes(enable=enabled):
        docs = nlp.pipe([s.text for s in chosen], batch_size=32)
        for sentence, doc in zip(chosen, docs, strict=True):
            mentions = _sentence_mentions(article, sentence, doc[:], context, lexicon)
            found.extend(mentions)
            context.remember(mentions)
    return tuple(found)


class _ArticleContext:
    """What earlier sentences of the article said: for "he", "the minister", "they"."""

    def __init__(self, article: Article, sentences: Sequence[Sentence]) -> None:
        self.article = article
        self.text = article.text
        self.people: list[EntityMention] = [
            e for s in sentences for e in s.entities if e.label == "PERSON"
        ]
        self.last_participants: tuple[MentionText, ...] = ()
        self.last_actor: MentionText | None = None

    def remember(self, mentions: Sequence[EventMention]) -> None:
        for m in mentions:
            people = [a for a in m.actors if a.label == "PERSON"]
            if people:
                self.last_actor = people[0]
            if m.type == "CONSULT" and len(m.actors) + len(m.recipients) >= 2:
                self.last_participants = m.actors + m.recipients

    def person_before(self, offset: int, title_words: Sequence[str]) -> MentionText | None:
        """The last person named before ``offset``; with a title, one introduced with it."""
        earlier = [p for p in self.people if p.end <= offset]
        if title_words:
            for person in reversed(earlier):
                lead_in = self.text[max(0, person.start - 60) : person.start].lower()
                if all(w in lead_in for w in title_words):
                    return _mention_text(person)
        if earlier:
            return _mention_text(earlier[-1])
        return None


def _mention_text(entity: EntityMention) -> MentionText:
    return MentionText(entity.text, entity.start, entity.end, entity.label)


def _coarse_pos(token: Token) -> str:
    if token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB"):
        return "V"
    if token.pos_ in ("NOUN", "PROPN") or token.tag_.startswith("NN"):
        return "N"
    return ""


def _governor(token: Token) -> Token:
    """The verb a noun trigger hangs from ("held *talks*" → held), or the trigger itself."""
    if _coarse_pos(token) == "V":
        return token
    if token.dep_ in ("dobj", "nsubj", "nsubjpass", "attr", "appos") and token.head is not token:
        return token.head
    return token


def _sentence_mentions(
    article: Article,
    sentence: Sentence,
    span: Span,
    context: _ArticleContext,
    lexicon: TriggerLexicon,
) -> list[EventMention]:
    base = sentence.start
    entities = [e for e in sentence.entities if sentence.start <= e.start < sentence.end]
    by_token: dict[int, EntityMention] = {}
    for entity in entities:
        for token in span:
            if entity.start <= base + token.idx < entity.end:
                by_token[token.i] = entity
    lowered = {t.lower_ for t in span}
    out: list[EventMention] = []
    seen_types: set[str] = set()
    for token in span:
        entry = lexicon.triggers.get(token.lower_)
        if entry is None or token.i in by_token:
            continue
        event_type, pos = entry
        coarse = _coarse_pos(token)
        if coarse not in pos:
            continue
        governor = _governor(token)
        required_heads = lexicon.needs_head.get(token.lower_)
        if required_heads is not None and governor.lower_ not in required_heads:
            continue
        if event_type in seen_types:
            continue  # one mention per type per sentence: "met ... at the meeting" is one claim
        actors, recipients = _participants(token, governor, by_token, context, base, lexicon)
        if not actors and not recipients:
            continue
        seen_types.add(event_type)
        status = _status(token, governor, lexicon)
        date, granularity, date_evidence, conflicts = _date(article, sentence, token, base)
        if status == "reported" and date and _after_publication(article, date):
            status = "planned"
        if status != "reported" and date_evidence is not None and not date_evidence.expression:
            # The publication date is not evidence for a planned or hypothetical event's date.
            date, granularity, date_evidence = None, "none", None
        location = _location(span, by_token, actors + recipients)
        out.append(
            EventMention(
                article_id=article.id,
                sentence_index=sentence.index,
                type=event_type,
                mode=_mode(event_type, lowered, lexicon),
                trigger=token.text,
                trigger_start=base + token.idx,
                trigger_end=base + token.idx + len(token.text),
                actors=actors,
                recipients=recipients,
                date=date,
                granularity=granularity,
                date_evidence=date_evidence,
                location=location,
                status=status,
                evidence=Evidence(sentence.text, article.id, sentence.start, sentence.end),
                conflicts=conflicts,
            )
        )
    return out


def _entities_in(
    tokens: Sequence[Token] | Span, by_token: Mapping[int, EntityMention]
) -> list[MentionText]:
    """Actor-ish entities of a phrase; when it names a person, only the people in it.

    "Japanese counterpart General Nakatani" is Nakatani, not Japan; "the defence minister of
    Japan, Mr. Kishi Nobuo" is Kishi. Places after "in"/"at" are where, not who.
    """
    found: dict[tuple[int, int], MentionText] = {}
    for token in tokens:
        entity = by_token.get(token.i)
        if entity is None or entity.label not in ACTOR_LABELS:
            continue
        if entity.label == "GPE" and _is_place_phrase(token):
            continue
        if entity.label == "NORP" and token.dep_ in ("amod", "compound"):
            continue  # "Japanese counterpart", "the Japanese Defense Minister": a modifier
        found.setdefault((entity.start, entity.end), _mention_text(entity))
    people = [m for m in found.values() if m.label == "PERSON"]
    return people or list(found.values())


def _is_place_phrase(token: Token) -> bool:
    head = token
    while head.dep_ == "compound" and head.head is not head:
        head = head.head
    return head.dep_ == "pobj" and head.head.lower_ in ("in", "at")


def _participants(
    trigger: Token,
    governor: Token,
    by_token: Mapping[int, EntityMention],
    context: _ArticleContext,
    base: int,
    lexicon: TriggerLexicon,
) -> tuple[tuple[MentionText, ...], tuple[MentionText, ...]]:
    actors: list[MentionText] = []
    recipients: list[MentionText] = []
    for head in {trigger, governor}:
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ == "between":
                actors += _entities_in(list(child.subtree), by_token)
            elif child.dep_ == "prep" and child.lower_ in ("with", "to", "for") and head is trigger:
                named = _entities_in(list(child.subtree), by_token)
                # "his visit to Tokyo": a place after "to" is the destination, not a recipient.
                recipients += [m for m in named if not (child.lower_ == "to" and m.label == "GPE")]
            elif child.dep_ == "prep" and child.lower_ == "with":
                recipients += _entities_in(list(child.subtree), by_token)
            elif child.dep_ == "agent":
                actors += _entities_in(list(child.subtree), by_token)
            elif child.dep_ in ("dobj", "dative") and child is not trigger:
                recipients += _entities_in(list(child.subtree), by_token)
    if not actors and not recipients and trigger.dep_ == "pobj" and governor is trigger:
        # "during a meeting on Thursday" / "during his visit": the clause's verb says who.
        clause = trigger.head.head
        if clause is not trigger.head and _coarse_pos(clause) == "V":
            return _participants(clause, clause, by_token, context, base, lexicon)
    subjects = [c for c in governor.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
    if governor.dep_ in ("conj", "xcomp") and not subjects:
        subjects = [c for c in governor.head.children if c.dep_ in ("nsubj", "nsubjpass")]
    for subject in subjects:
        if subject.dep_ == "nsubjpass" and any(c.dep_ == "agent" for c in governor.children):
            continue
        named = _entities_in(list(subject.subtree), by_token)
        if named:
            actors += named
            continue
        actors += _resolve_subject(subject, context, base, lexicon)
    actors = _unique(actors)
    recipients = [r for r in _unique(recipients) if r not in actors]
    return tuple(actors), tuple(recipients)


def _resolve_subject(
    subject: Token, context: _ArticleContext, base: int, lexicon: TriggerLexicon
) -> list[MentionText]:
    words = [t.lower_ for t in subject.subtree]
    if any(w in lexicon.plural_subjects for w in words):
        return list(context.last_participants)
    if subject.lower_ in ("he", "she"):
        if context.last_actor is not None:
            return [context.last_actor]
        person = context.person_before(base + subject.idx, ())
        return [person] if person else []
    if subject.lower_ in lexicon.title_subjects:
        titles = [w for w in words if w not in ("the", "a", "an", "his", "her")]
        person = context.person_before(base + subject.idx, titles)
        return [person] if person else []
    return []


def _unique(items: Sequence[MentionText]) -> list[MentionText]:
    seen: dict[tuple[int, int], MentionText] = {}
    for item in items:
        seen.setdefault((item.start, item.end), item)
    return list(seen.values())


def _status(trigger: Token, governor: Token, lexicon: TriggerLexicon) -> EventStatus:
    chain = [trigger, *([] if governor is trigger else [governor])]
    head = governor
    while head.dep_ in ("xcomp", "ccomp", "conj", "advcl", "relcl") and head.head is not head:
        head = head.head
        chain.append(head)
    for word in chain:
        for child in word.children:
            if child.dep_ == "neg":
                return "negated"
    for word in chain:
        for child in word.children:
            if child.dep_ == "mark" and child.lower_ in lexicon.hypothetical_marks:
                return "hypothetical"
            if child.dep_ == "aux" and child.lower_ in lexicon.hypothetical_aux:
                return "hypothetical"
    for word in chain:
        if word is not trigger and word.lower_ in lexicon.planned_heads:
            return "planned"
        for child in word.children:
            if child.dep_ == "aux" and child.lower_ in lexicon.planned_aux:
                return "planned"
            if child.dep_ == "amod" and child.lower_ in lexicon.planned_nouns and word is trigger:
                return "planned"
    return "reported"


def _mode(event_type: str, words: set[str], lexicon: TriggerLexicon) -> str | None:
    for mode, cues in lexicon.mode_cues.get(event_type, ()):
        if words & cues:
            return mode
    return lexicon.default_modes.get(event_type)


def _date(
    article: Article, sentence: Sentence, trigger: Token, base: int
) -> tuple[str | None, Granularity, DateEvidence | None, tuple[str, ...]]:
    """The nearest time mention to the trigger; the publication date when the sentence has none."""
    position = base + trigger.idx
    dated = [m for m in sentence.time_mentions if m.type in ("DATE", "TIME")]
    if dated:
        best = min(dated, key=lambda m: (abs(m.start - position), m.start))
        evidence = DateEvidence(
            expression=best.text,
            anchor=best.anchor,
            article_id=article.id,
            rule=best.rule,
            start=best.start,
            end=best.end,
        )
        conflicts = tuple(f"{best.text!r}: {c}" for c in best.conflicts)
        if best.is_calendar_date:
            return _day_value(best), _granularity(best), evidence, conflicts
        return None, "none", evidence, conflicts
    published = article.published
    if published is None:
        return None, "none", None, ()
    evidence = DateEvidence(
        expression="",
        anchor=published.value,
        article_id=article.id,
        rule=f"publication-date:{published.source}",
    )
    return published.value, published.granularity, evidence, ()


def _day_value(mention: TimeMention) -> str:
    """A TIME value ("2022-09-08T10:00") is reported at day precision."""
    return mention.value[:10] if mention.granularity == "time" else mention.value


def _granularity(mention: TimeMention) -> Granularity:
    return "day" if mention.granularity == "time" else mention.granularity


def _after_publication(article: Article, date: str) -> bool:
    """True when ``date`` (any ISO precision) lies wholly after the publication date."""
    if article.published is None:
        return False
    published = article.published.value
    width = min(len(date), len(published))
    return date[:width] > published[:width]


def _location(
    span: Span, by_token: Mapping[int, EntityMention], participants: Sequence[MentionText]
) -> MentionText | None:
    taken = {(p.start, p.end) for p in participants}
    for token in span:
        entity = by_token.get(token.i)
        if entity is None or entity.label not in PLACE_LABELS:
            continue
        if (entity.start, entity.end) in taken:
            continue
        head = token
        while head.dep_ == "compound" and head.head is not head:
            head = head.head
        preposition = head.head
        if head.dep_ != "pobj":
            continue
        if preposition.lower_ in ("in", "at"):
            return _mention_text(entity)
        if preposition.lower_ == "to" and preposition.head.lower_ in _VISIT_WORDS:
            return _mention_text(entity)
    return None


# --------------------------------------------------------------------------- merging across articles

#: Confidence: 1 - 0.5**units, where a unit is an article or a whole duplicate group.
CONFIDENCE_BASE = 0.5
#: Multiplier when the sources disagree (date, status or place) or a date contradicts itself.
CONFLICT_PENALTY = 0.8
#: Two days this close (inclusive) may be one event when both claims come from one group/article.
SAME_SOURCE_DAY_SLACK = 3
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

    @property
    def participants(self) -> frozenset[str]:
        return frozenset(self.actors) | frozenset(self.recipients)


@dataclass(slots=True)
class _Cluster:
    type: str
    claims: list[_Claim]
    date: str | None
    participants: set[str]
    people: set[str]
    units: set[str]
    articles: set[str]
    negated: bool


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
    width = min(len(a), len(b))
    return a[:width] == b[:width]


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
    if not shared:
        return False
    if not shared & cluster.people:
        # Sharing only a country ("India") is not enough when people are named, and without
        # people it takes two shared participants or the very same ones.
        if claim.people or cluster.people:
            return False
        if len(shared) < 2 and claim.participants != cluster.participants:
            return False
    same_source = claim.unit in cluster.units or m.article_id in cluster.articles
    if m.date is None or cluster.date is None:
        # An undated claim joins only an event its own article or duplicate group reports.
        return same_source
    if dates_compatible(m.date, cluster.date):
        return True
    apart = _days_apart(m.date, cluster.date)
    return same_source and apart is not None and apart <= SAME_SOURCE_DAY_SLACK


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
    claims: list[_Claim] = []
    for analysed in articles:
        article_id = analysed.article.id
        for m in analysed.event_mentions:
            actors = _resolve_ids(entities, article_id, m.actors)
            recipients = [
                r for r in _resolve_ids(entities, article_id, m.recipients) if r not in actors
            ]
            if not actors and not recipients:
                continue
            unit = group_of.get(article_id, article_id)
            people = frozenset(x for x in (*actors, *recipients) if x in people_ids)
            claims.append(_Claim(m, unit, tuple(actors), tuple(recipients), people))
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
    for claim in claims:
        fitting = [c for c in clusters if _fits(claim, c)]
        if fitting:
            best = max(
                fitting,
                key=lambda c: (
                    len(claim.participants & c.participants),
                    claim.unit in c.units,
                    -clusters.index(c),
                ),
            )
            best.claims.append(claim)
            best.participants |= claim.participants
            best.people |= claim.people
            best.units.add(claim.unit)
            best.articles.add(claim.mention.article_id)
            if _specificity(claim.mention.date) > _specificity(best.date):
                best.date = claim.mention.date
            continue
        m = claim.mention
        clusters.append(
            _Cluster(
                type=m.type,
                claims=[claim],
                date=m.date,
                participants=set(claim.participants),
                people=set(claim.people),
                units={claim.unit},
                articles={m.article_id},
                negated=m.status == "negated",
            )
        )
    names = entities.names() if hasattr(entities, "names") else {}
    events = [_event_record(c, by_id, group_of, names) for c in clusters]
    events.sort(key=lambda e: (e.date or "9999", e.type, e.id))
    return tuple(events)


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
