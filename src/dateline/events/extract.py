"""Event mentions of one article: triggers, participants, status, date and place."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from dateline.events.words import EVENT_WORDS
from dateline.pubdate import time_stamp_span
from dateline.records import (
    Article,
    DateEvidence,
    EventMention,
    EventStatus,
    Evidence,
    Granularity,
    MentionText,
    Sentence,
    TimeMention,
)

if TYPE_CHECKING:
    from spacy.language import Language

from dateline.events.lexicon import (
    _VISIT_WORDS,
    LEXICON,
    PLACE_LABELS,
    TriggerLexicon,
    _has_actor,
    _has_trigger,
)
from dateline.events.participants import (
    _CLAUSE_BREAKS,
    _CLAUSE_WORDS,
    _NEGATIONS,
    _ArticleContext,
    _clause_start,
    _entity_spans,
    _participants,
    _Span,
    _Tok,
)


def extract_event_mentions(
    article: Article,
    sentences: Sequence[Sentence],
    nlp: Language,
    lexicon: TriggerLexicon = LEXICON,
) -> tuple[EventMention, ...]:
    """Event mentions of one article, from the candidate sentences that have an actor entity.

    Only spaCy's tokenizer runs here (no tagger or parser: see the module docstring for why).
    """
    chosen = [
        s for s in sentences if s.entities and _has_actor(s) and _has_trigger(s.text, lexicon)
    ]
    if not chosen:
        return ()
    context = _ArticleContext(article, sentences)
    found: list[EventMention] = []
    next_seen = 0
    for sentence, doc in zip(chosen, (nlp.make_doc(s.text) for s in chosen), strict=True):
        while next_seen < len(sentences) and sentences[next_seen].start < sentence.start:
            context.see_states(sentences[next_seen])  # countries named before this sentence
            next_seen += 1
        tokens = [_Tok(t.text, t.lower_, sentence.start + t.idx) for t in doc]
        mentions = _sentence_mentions(article, sentence, tokens, context, lexicon)
        found.extend(mentions)
        context.remember(mentions)
    return tuple(found)


def _sentence_mentions(
    article: Article,
    sentence: Sentence,
    tokens: Sequence[_Tok],
    context: _ArticleContext,
    lexicon: TriggerLexicon,
) -> list[EventMention]:
    entities = [e for e in sentence.entities if sentence.start <= e.start < sentence.end]
    spans = _entity_spans(tokens, entities)
    in_entity = {i for s in spans for i in range(s.first, s.last + 1)}
    lowered = {t.lower for t in tokens}
    # Per PLOVER type, one mention per sentence ("met ... at the meeting" is one claim): the
    # first trigger whose participants are next to it with a named actor among them, else the
    # first whose participants are next to it, else the first with any participants.
    chosen: dict[str, tuple[int, tuple[MentionText, ...], tuple[MentionText, ...]]] = {}
    ranks: dict[str, tuple[bool, bool]] = {}
    direct_types: set[str] = set()
    #: Further mentions of a type already found, each in a clause of its own with other actors
    #: ("Zuma, who has visited Libya twice, ... said": two CONSULT claims in one sentence).
    extra: list[tuple[str, tuple[int, tuple[MentionText, ...], tuple[MentionText, ...]]]] = []
    for index, token in enumerate(tokens):
        entry = lexicon.triggers.get(token.lower)
        if entry is None or index in in_entity:
            continue
        if entry[0] in direct_types and not _own_clause(tokens, chosen[entry[0]][0], index):
            continue
        required_heads = lexicon.needs_head.get(token.lower)
        if required_heads is not None and not _has_head(tokens, index, required_heads):
            continue
        if _topic_of_earlier_trigger(tokens, index, lexicon):
            continue
        if entry[0] == "CONSULT" and token.lower == "call" and _next_word(tokens, index) in _ON_FOR:
            continue  # "a call for calm", "we call on": a request, not a phone call
        if entry[0] == "PROTEST" and "V" not in entry[1] and _object_of_preposition(tokens, index):
            continue  # "a crackdown on anti-government protesters": they are not acting here
        actors, recipients, direct = _participants(tokens, index, spans, context, lexicon)
        if not actors and not recipients:
            continue
        rank = (direct, bool(actors))
        if entry[0] in direct_types:
            taken = {(a.start, a.end) for a in chosen[entry[0]][1]}
            taken |= {(a.start, a.end) for _, (_, acts, _) in extra for a in acts}
            if rank == (True, True) and not taken & {(a.start, a.end) for a in actors}:
                extra.append((entry[0], (index, actors, recipients)))
            continue
        if entry[0] not in chosen or rank > ranks[entry[0]]:
            chosen[entry[0]] = (index, actors, recipients)
            ranks[entry[0]] = rank
        if rank == (True, True):
            direct_types.add(entry[0])
    out: list[EventMention] = []
    for event_type, (index, actors, recipients) in sorted(
        [*chosen.items(), *extra], key=lambda kv: kv[1][0]
    ):
        token = tokens[index]
        status = _status(tokens, index, lexicon)
        date, granularity, date_evidence, conflicts = _date(article, sentence, tokens, index)
        if (
            status == "planned"
            and date is not None
            and date_evidence is not None
            and _BARE_WEEKDAY.match(date_evidence.expression)
            and _before_publication(article, date)
        ):
            # "will hold talks on Thursday" read as the past Thursday: the future one is meant.
            date = (dt.date.fromisoformat(date[:10]) + dt.timedelta(days=7)).isoformat()
            conflicts += (
                f"{date_evidence.expression!r} read forward to {date}: the event is planned",
            )
        if status == "reported" and date and _after_publication(article, date):
            status = "planned"
        inherited = context.inherited_date(actors + recipients)
        if (
            inherited is not None
            and status == "reported"
            and (date_evidence is None or not date_evidence.expression)
        ):
            # "the two ministers welcomed ..." with no date of its own: the date of the event
            # those participants were named in, earlier in the article.
            date, granularity, date_evidence, inherited_conflicts = inherited
            conflicts += inherited_conflicts
        if status != "reported" and date_evidence is not None and not date_evidence.expression:
            # The publication date is not evidence for a planned or hypothetical event's date.
            date, granularity, date_evidence = None, "none", None
        out.append(
            EventMention(
                article_id=article.id,
                sentence_index=sentence.index,
                type=event_type,
                mode=_mode(event_type, lowered, lexicon),
                trigger=token.text,
                trigger_start=token.start,
                trigger_end=token.end,
                actors=actors,
                recipients=recipients,
                date=date,
                granularity=granularity,
                date_evidence=date_evidence,
                location=_location(tokens, index, spans, actors + recipients),
                status=status,
                evidence=Evidence(sentence.text, article.id, sentence.start, sentence.end),
                conflicts=conflicts,
            )
        )
    return out


_OBJECT_PREPOSITIONS = EVENT_WORDS["object_prepositions"]


def _object_of_preposition(tokens: Sequence[_Tok], index: int) -> bool:
    """ "on protesters", "against anti-government demonstrators" (modifiers may stand between)."""
    for i in range(index - 1, max(-1, index - 5), -1):
        low = tokens[i].lower
        if low in _OBJECT_PREPOSITIONS:
            return True
        if not (low.isalpha() or low == "-") or low in _DETERMINERS:
            return False
    return False


_ON_FOR = EVENT_WORDS["on_for"]


def _own_clause(tokens: Sequence[_Tok], first: int, second: int) -> bool:
    """A relative or subordinate clause word ("who", "which", "while") stands between the two
    triggers, so the second one belongs to a clause of its own."""
    return any(t.lower in _CLAUSE_WORDS for t in tokens[first + 1 : second])


def _next_word(tokens: Sequence[_Tok], index: int) -> str:
    return tokens[index + 1].lower if index + 1 < len(tokens) else ""


_DETERMINERS = EVENT_WORDS["determiners"]


def _topic_of_earlier_trigger(tokens: Sequence[_Tok], index: int, lexicon: TriggerLexicon) -> bool:
    """ "Obama condemned the attacks on journalists", "accused X of the shelling": a noun
    trigger that is the object of an earlier trigger verb in its clause is what that event is
    about; the verb's subject did not do it."""
    if index == 0 or tokens[index - 1].lower not in _DETERMINERS:
        return False
    for i in range(index - 2, max(-1, index - 6), -1):
        low = tokens[i].lower
        if low in _CLAUSE_BREAKS or low == ".":
            return False
        entry = lexicon.triggers.get(low)
        if entry is not None and "V" in entry[1] and low not in lexicon.needs_head:
            return True
    return False


def _has_head(tokens: Sequence[_Tok], index: int, heads: frozenset[str]) -> bool:
    """ "signed an agreement" / "the agreement was signed": the verb a noun trigger needs."""
    before = [t.lower for t in tokens[max(0, index - 4) : index]]
    after = [t.lower for t in tokens[index + 1 : index + 4]]
    return bool(heads & set(before)) or bool(heads & set(after))


def _status(tokens: Sequence[_Tok], index: int, lexicon: TriggerLexicon) -> EventStatus:
    """From the words of the trigger's clause before it (and "to be held" after it)."""
    clause = _clause_start(tokens, index)
    before = [t.lower for t in tokens[clause:index]]
    near = before[-3:]
    if any(w in _NEGATIONS for w in near):
        return "negated"
    sentence_start = [t.lower for t in tokens[:index]]
    if any(w in lexicon.hypothetical_marks for w in before) or (
        sentence_start and sentence_start[0] in lexicon.hypothetical_marks
    ):
        return "hypothetical"
    if any(w in lexicon.hypothetical_aux for w in before):
        return "hypothetical"
    if any(w in lexicon.planned_aux for w in before):
        return "planned"
    if any(w in lexicon.planned_heads for w in before):
        return "planned"
    if any(w in lexicon.planned_nouns for w in before[-2:]):
        return "planned"
    for back in (1, 2, 3):
        # "Portugal and Morocco to hold ministerial talks", "invited X to visit Lisbon",
        # "unlikely to support": an infinitive is not an assertion that it happened
        if index - back >= clause and tokens[index - back].lower == "to":
            following = tokens[index - back + 1].text
            if (
                following[:1].islower()
                and following.isalpha()
                # "took to the streets": "to" before a determiner is a preposition
                and following.lower() not in _DETERMINERS
            ):
                if _purpose_of_past_action(tokens, clause, index - back, lexicon):
                    break  # "arrived in Syria to urge ...": it happened with the arrival
                return "planned"
    after = [t.lower for t in tokens[index + 1 : index + 4]]
    if after[:3] == ["to", "be", "held"] or after[:2] == ["is", "scheduled"]:
        return "planned"
    if after[:1] and after[0] in lexicon.planned_aux | {"would"}:
        return "planned"  # "the talks will / would cover ..."
    if after[:1] and after[0] in lexicon.hypothetical_aux - {"would"}:
        return "hypothetical"
    return "reported"


#: Progressive forms that announce what is to come ("is preparing to host").
_PLANNING_FORMS = EVENT_WORDS["planning_forms"]
#: Irregular past forms that report an action an infinitive can be the purpose of.
_PAST_FORMS = EVENT_WORDS["past_forms"]


def _purpose_of_past_action(
    tokens: Sequence[_Tok], clause: int, to_index: int, lexicon: TriggerLexicon
) -> bool:
    """ "has arrived in Syria to urge", "prompted the council to demand": the infinitive says
    why a reported action was taken, so it is reported too. Not "is expected to", "plans to"."""
    for i in range(to_index - 1, max(clause, to_index - 8) - 1, -1):
        low = tokens[i].lower
        if low in lexicon.planned_heads or low in lexicon.planned_aux:
            return False
        if low in _PAST_FORMS or (low.endswith("ed") and len(low) > 4 and tokens[i].text.islower()):
            return True
        if low.endswith("ing") and len(low) > 5 and tokens[i].text.islower():
            # "is launching an operation to provide", "are scrambling to get aid" (not "is
            # preparing to host", "plans to"): under way, not planned
            return low not in _PLANNING_FORMS
    return False


def _mode(event_type: str, words: set[str], lexicon: TriggerLexicon) -> str | None:
    for mode, cues in lexicon.mode_cues.get(event_type, ()):
        if words & cues:
            return mode
    return lexicon.default_modes.get(event_type)


#: Clause boundaries for choosing a trigger's time expression (commas do not end a clause here).
_DATE_CLAUSE_BREAKS = _CLAUSE_WORDS | frozenset({";", ":"})
_BARE_WEEKDAY = re.compile(
    r"^(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)$", re.IGNORECASE
)
_NAME_YEAR = re.compile(r"[A-Z][\w-]*\s$")


_TERMS = EVENT_WORDS["terms"]


def _date_clause(tokens: Sequence[_Tok], index: int) -> tuple[int, int]:
    """Character range of the trigger's clause; an infinitive after it ("invited X *to visit*
    Lisbon in May") starts another event, so its dates are not the trigger's."""
    start = 0
    for i in range(index - 1, -1, -1):
        if tokens[i].lower in _DATE_CLAUSE_BREAKS:
            start = i + 1
            break
    end = len(tokens) - 1
    for i in range(index + 1, len(tokens)):
        low = tokens[i].lower
        infinitive = (
            low == "to"
            and i + 1 < len(tokens)
            and tokens[i + 1].text[:1].islower()
            and tokens[i + 1].lower not in ("the", "a", "an", "his", "her", "their", "its")
            # "sentenced to four years / to life / to death": a term, not an infinitive
            and tokens[i + 1].lower not in _TERMS
        )
        if low in _DATE_CLAUSE_BREAKS or infinitive:
            end = i - 1
            break
    if start > end:
        return tokens[index].start, tokens[index].end
    return tokens[start].start, tokens[end].end


def _date(
    article: Article, sentence: Sentence, tokens: Sequence[_Tok], index: int
) -> tuple[str | None, Granularity, DateEvidence | None, tuple[str, ...]]:
    """The time expression of the trigger's clause nearest to it; the publication date when the
    sentence has none. A bare year right after a capitalised word ("Atlantic Shield 2024",
    "MALABAR 2020") is part of a name, not a date."""
    position = tokens[index].start
    text = article.text
    stamp = time_stamp_span(text, sentence.time_mentions) if sentence.index < 3 else None
    dated = [
        m
        for m in sentence.time_mentions
        if m.type in ("DATE", "TIME")
        and not (m.text.isdigit() and _NAME_YEAR.search(text[max(0, m.start - 30) : m.start]))
        # "7 March 2012 Last updated at 13:06 GMT": when the text was written, not an event
        and not (stamp is not None and stamp[0] <= m.start < stamp[1])
    ]
    first, last = _date_clause(tokens, index)
    in_clause = [m for m in dated if first <= m.start < last]
    if not any(m.is_calendar_date for m in in_clause):
        present = [m for m in in_clause if m.value == "PRESENT_REF"]
        if present:
            # "Relief has now started trickling through": the time of writing.
            in_clause = []
            dated = []
        else:
            # No date in the trigger's own clause: the sentence's day, when it names exactly
            # one ("Barton made that apology ... Thursday morning ..., in which Barton decried").
            earlier = [m for m in dated if m.is_calendar_date and m.start < first]
            if len({_day_value(m) for m in earlier}) == 1 and not in_clause:
                in_clause = earlier
    if in_clause:
        # "sentenced X to four years in prison on Monday": a calendar date before a duration
        calendar = [m for m in in_clause if m.is_calendar_date]
        best = min(calendar or in_clause, key=lambda m: (abs(m.start - position), m.start))
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
    if dated:
        return None, "none", None, ()  # dated elsewhere in the sentence: not this event's date
    published = article.published
    if published is None or (published.inferred and published.granularity != "day"):
        # An inferred lower bound or range says when the article was written at the earliest,
        # not when this event happened.
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


def _before_publication(article: Article, date: str) -> bool:
    if article.published is None:
        return False
    published = article.published.value
    week = _week_range(date) if "W" in date else None
    if week is not None and len(published) >= 10:
        return week[1] < published[:10]
    width = min(len(date), len(published))
    return date[:width] < published[:width]


def _after_publication(article: Article, date: str) -> bool:
    """True when ``date`` (any ISO precision) lies wholly after the publication date."""
    if article.published is None:
        return False
    published = article.published.value
    week = _week_range(date) if "W" in date else None
    if week is not None and len(published) >= 10:
        # "2011-W17" and the day "2011-04-25" are not comparable as strings
        return week[0] > published[:10]
    width = min(len(date), len(published))
    return date[:width] > published[:width]


def _week_range(value: str) -> tuple[str, str] | None:
    """First and last day of an ISO week value ("2011-W17", "2012-W05-WE")."""
    match = re.match(r"(\d{4})-W(\d{2})", value)
    if match is None:
        return None
    try:
        monday = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None
    return monday.isoformat(), (monday + dt.timedelta(days=6)).isoformat()


def _location(
    tokens: Sequence[_Tok], index: int, spans: Sequence[_Span], participants: Sequence[MentionText]
) -> MentionText | None:
    """A place after "in"/"at" (or "visit to"), the nearest one after the trigger first."""
    taken = {(p.start, p.end) for p in participants}
    places: list[tuple[int, MentionText]] = []
    for span in spans:
        m = span.mention
        if m.label not in PLACE_LABELS or (m.start, m.end) in taken:
            continue
        first = span.first
        while first > 0 and tokens[first - 1].lower == "the":
            first -= 1
        before = tokens[first - 1].lower if first > 0 else ""
        visit = before == "to" and first >= 2 and tokens[first - 2].lower in _VISIT_WORDS
        if before in ("in", "at") or visit:
            distance = span.first - index if span.first > index else 1000 + index - span.first
            places.append((distance, m))
    return min(places, key=lambda p: p[0])[1] if places else None
