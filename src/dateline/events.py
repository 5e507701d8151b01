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
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from dateline.datafiles import read_data_json
from dateline.errors import ConfigurationError
from dateline.pubdate import time_stamp_span
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

#: spaCy components the extraction runs itself: none beyond the tokenizer (NER must have run on
#: the candidate sentences; see :func:`is_candidate_sentence`).
REQUIRED_COMPONENTS: tuple[str, ...] = ()
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
    #: Types whose trigger alone justifies running NER on a sentence.
    ner_on_demand: frozenset[str]
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
    data, where = read_data_json(LEXICON_FILE, what="trigger lexicon", text=text)
    try:
        triggers: dict[str, tuple[str, str]] = {}
        needs_head: dict[str, frozenset[str]] = {}
        default_modes: dict[str, str | None] = {}
        on_demand = frozenset(
            name for name, spec in data["types"].items() if spec.get("ner_on_demand", True)
        )
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
            ner_on_demand=on_demand,
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
    except (KeyError, TypeError, AttributeError) as exc:
        raise ConfigurationError(
            f"{where}: malformed trigger lexicon ({type(exc).__name__}: {exc}); compare it with "
            "the layout described in its 'description' field"
        ) from exc


#: Read once at import; immutable (mapping proxies and frozensets).
LEXICON = load_trigger_lexicon()
_WORD = re.compile(r"[A-Za-z][\w'-]*")
_OPENERS = frozenset(
    {
        "the",
        "a",
        "an",
        "in",
        "on",
        "at",
        "during",
        "after",
        "before",
        "it",
        "this",
        "that",
        "he",
        "she",
        "they",
        "we",
        "but",
        "and",
        "as",
        "for",
        "while",
        "when",
        "if",
        "both",
        "later",
    }
)
_VISIT_WORDS = frozenset({"visit", "visits", "trip", "tour", "travel", "journey"})


def is_candidate_sentence(text: str, lexicon: TriggerLexicon = LEXICON) -> bool:
    """Cheap text-only test, run before NER, of whether a sentence deserves NER for the events
    stage: a usable trigger of a type marked ``ner_on_demand`` and two capitalised words other
    than a sentence opener such as "The" or "During" (names, probably). A noun trigger that needs a governing verb ("agreement" needs
    "signed", "aid" needs "provided") counts only when one of those verbs is in the sentence."""
    if not _has_trigger(text, lexicon, lexicon.ner_on_demand):
        return False
    words = _WORD.findall(text)
    if words and words[0].lower() in _OPENERS:
        words = words[1:]
    # Two capitalised words: an actor and a counterpart or place, most of the time.
    return sum(1 for w in words if w[:1].isupper()) >= 2


def _has_trigger(text: str, lexicon: TriggerLexicon, types: frozenset[str] | None = None) -> bool:
    words = _WORD.findall(text)
    lowered: set[str] | None = None
    found = False
    for word in words:
        entry = lexicon.triggers.get(word.lower())
        if entry is None or (types is not None and entry[0] not in types):
            continue
        heads = lexicon.needs_head.get(word.lower())
        if heads is not None:
            lowered = lowered if lowered is not None else {w.lower() for w in words}
            if not heads & lowered:
                continue
        found = True
        break
    return found and any(w[:1].isupper() for w in words[1:])


def _has_actor(sentence: Sentence) -> bool:
    return any(e.label in ACTOR_LABELS for e in sentence.entities)


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


@dataclass(frozen=True, slots=True)
class _Tok:
    """A token of a sentence: its text and its offset in the article."""

    text: str
    lower: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


#: A date, its granularity, what fixed it and what contradicts it.
_Dated = tuple[str, Granularity, DateEvidence, tuple[str, ...]]


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
        #: The two countries most recently named, for "the two governments" / "both countries".
        self.states: list[MentionText] = []
        self.state_counts: dict[str, tuple[int, EntityMention]] = {}
        #: Participant names of the last event with an explicit date, and that date.
        self.last_dated: tuple[list[set[str]], _Dated] | None = None

    def inherited_date(self, participants: Sequence[MentionText]) -> _Dated | None:
        """The date of the last dated event that had all these participants (by name: "the two
        ministers", or "Caldeira" for "Rui Caldeira"), if there is one."""
        if not participants or self.last_dated is None:
            return None
        names, dated = self.last_dated
        for p in participants:
            tokens = set(p.text.lower().split())
            if not any(tokens <= n for n in names):
                return None
        return dated

    def see_states(self, sentence: Sentence) -> None:
        """Count the places named so far; the two most named are "the two countries"."""
        for e in sentence.entities:
            if e.label == "GPE":
                count, _ = self.state_counts.get(e.text, (0, e))
                self.state_counts[e.text] = (count + 1, e)
        ranked = sorted(self.state_counts.values(), key=lambda ce: (-ce[0], ce[1].start))
        if len(ranked) >= 2 and (len(ranked) == 2 or ranked[1][0] > ranked[2][0]):
            self.states = [_mention_text(e) for _, e in ranked[:2]]
        else:
            self.states = []

    def remember(self, mentions: Sequence[EventMention]) -> None:
        for m in mentions:
            evidence = m.date_evidence
            if m.date and evidence is not None and evidence.expression and m.status == "reported":
                names = [set(p.text.lower().split()) for p in (*m.actors, *m.recipients)]
                self.last_dated = (names, (m.date, m.granularity, evidence, m.conflicts))
            people = [a for a in m.actors if a.label == "PERSON"]
            if people:
                self.last_actor = people[0]
            participants = m.actors + m.recipients
            if (
                m.type == "CONSULT"
                and len(participants) >= 2
                and any(p.label == "PERSON" for p in participants)
            ):
                self.last_participants = participants

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


#: Words that open another clause (relative pronouns, subordinators, contrast).
_CLAUSE_WORDS = frozenset(
    {
        "after",
        "although",
        "because",
        "before",
        "but",
        "since",
        "that",
        "though",
        "until",
        "when",
        "where",
        "whereas",
        "which",
        "while",
        "who",
        "whom",
        "whose",
    }
)
#: Tokens that end a clause for the purpose of finding a trigger's subject and modals.
_CLAUSE_BREAKS = _CLAUSE_WORDS | frozenset({",", ";", ":", "(", ")", "—", "–", "“", "”", '"'})
#: Prepositions that end an object phrase ("met X *in* Tokyo *on* Monday").
_PHRASE_ENDS = frozenset(
    {
        "in",
        "at",
        "on",
        "during",
        "after",
        "before",
        "since",
        "by",
        "from",
        "over",
        "amid",
        "about",
        "regarding",
        "under",
        "as",
        "into",
        "through",
        "and",
        "or",
    }
)
_NEGATIONS = frozenset({"not", "n't", "never", "no"})
_PRONOUNS = frozenset({"he", "she"})
#: "According to X, the two ministers ...": X is not the subject.
_PREPOSITIONAL_OPENERS = frozenset(
    {
        "according",
        "during",
        "in",
        "on",
        "at",
        "after",
        "before",
        "following",
        "despite",
        "amid",
        "with",
        "without",
        "for",
        "from",
        "under",
        "by",
        "as",
        "since",
        "while",
        "when",
    }
)
_AGENT_ENDS = frozenset(
    {
        "in",
        "at",
        "on",
        "during",
        "after",
        "before",
        "since",
        "from",
        "over",
        "amid",
        "as",
        ".",
        ";",
        "to",
        "with",
        "while",
        "when",
    }
)
_SPEECH_VERBS = frozenset(
    {"said", "says", "told", "announced", "added", "stated", "noted", "confirmed", "reported"}
)
_QUOTES_AND_ARTICLES = frozenset({"the", "a", "an", "“", "”", '"', "‘", "’", "'"})
_PLACE_PREPOSITIONS = frozenset({"in", "at", "off", "near", "outside", "inside"})
_STATE_PLURALS = frozenset({"governments", "countries", "nations", "states"})


@dataclass(frozen=True, slots=True)
class _Span:
    """An entity over token positions [first, last]."""

    first: int
    last: int
    mention: MentionText


def _entity_spans(tokens: Sequence[_Tok], entities: Sequence[EntityMention]) -> list[_Span]:
    spans: list[_Span] = []
    for entity in entities:
        inside = [i for i, t in enumerate(tokens) if entity.start <= t.start < entity.end]
        if inside and not _is_dateline_credit(tokens, inside[0], inside[-1]):
            spans.append(_Span(inside[0], inside[-1], _mention_text(entity)))
    return spans


def _is_dateline_credit(tokens: Sequence[_Tok], first: int, last: int) -> bool:
    """ "TOKYO (Reuters) - ...", "(CNN) -- ...": the agency that filed the story, not an actor."""
    if first > 8:
        return False
    after = [t.lower for t in tokens[last + 1 : last + 3]]
    closes = bool(after) and after[0] in (")", "-rrb-")
    return closes and len(after) > 1 and after[1] in ("-", "--", "—", "–")


def _clause_start(tokens: Sequence[_Tok], index: int) -> int:
    for i in range(index - 1, -1, -1):
        if tokens[i].lower in _CLAUSE_BREAKS:
            return i + 1
    return 0


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
    # first trigger whose participants are next to it, else the first with any participants.
    chosen: dict[str, tuple[int, tuple[MentionText, ...], tuple[MentionText, ...]]] = {}
    direct_types: set[str] = set()
    for index, token in enumerate(tokens):
        entry = lexicon.triggers.get(token.lower)
        if entry is None or index in in_entity or entry[0] in direct_types:
            continue
        required_heads = lexicon.needs_head.get(token.lower)
        if required_heads is not None and not _has_head(tokens, index, required_heads):
            continue
        if _topic_of_earlier_trigger(tokens, index, lexicon):
            continue
        actors, recipients, direct = _participants(tokens, index, spans, context, lexicon)
        if not actors and not recipients:
            continue
        if direct or entry[0] not in chosen:
            chosen[entry[0]] = (index, actors, recipients)
        if direct:
            direct_types.add(entry[0])
    out: list[EventMention] = []
    for event_type, (index, actors, recipients) in sorted(chosen.items(), key=lambda kv: kv[1][0]):
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


_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "these", "those"})


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


def _keep_participants(spans: Sequence[_Span], tokens: Sequence[_Tok]) -> list[MentionText]:
    """Actor-ish entities of a phrase; when it names a person, only the people in it.

    "Japanese counterpart General Nakatani" is Nakatani, not Japan; "the defence minister of
    Japan, Mr. Kishi Nobuo" is Kishi. A nationality before a word ("Japanese industries") is a
    modifier; places after "in"/"at" are where, not who.
    """
    kept: list[MentionText] = []
    for span in spans:
        m = span.mention
        if m.label not in ACTOR_LABELS:
            continue
        before = tokens[span.first - 1].lower if span.first > 0 else ""
        after = tokens[span.last + 1] if span.last + 1 < len(tokens) else None
        if before in _PLACE_PREPOSITIONS:
            continue  # "in Tokyo", "off Sines" (even when NER calls it an organisation)
        if (
            m.label == "NORP"
            and after is not None
            and after.text[:1].isalpha()
            and not m.text.endswith("s")  # "Egyptians took to the streets": a noun
            and after.lower not in _AGENT_NOUNS  # "Iranian authorities warned": the state
        ):
            continue
        if _in_byline(tokens, span.first) or m.text.lower().startswith(("pro-", "anti-")):
            continue  # writers; "pro-Gadhafi music" is a modifier
        kept.append(m)
    if any(m.label == "PERSON" for m in kept):
        kept = [m for m in kept if m.label not in ("GPE", "NORP", "LOC")]
    return _unique(kept)


#: Nouns after a nationality that make it the acting state ("Iranian authorities", "Syrian
#: forces", "Libyan officials") rather than a modifier ("Japanese industries").
_AGENT_NOUNS = frozenset(
    {
        "authorities", "officials", "government", "forces", "troops", "police", "army",
        "military", "leaders", "lawmakers", "ministry", "diplomats", "regime", "navy",
        "security", "soldiers", "state", "delegation", "envoy", "president", "minister",
    }
)  # fmt: skip


def _in_byline(tokens: Sequence[_Tok], first: int) -> bool:
    """ "By Aaron Blake and Paul Kane", "By Sarah Hoye, CNN": the writers, not actors. A byline
    "By" is capitalised and is followed only by names, "and" and commas up to this name."""
    for i in range(first - 1, max(-1, first - 12), -1):
        text = tokens[i].text
        if text == "By" or (text == "From" and i > 0 and tokens[i - 1].text == "|"):
            return True
        if not (text[:1].isupper() or text in (",", "and", ".")):
            return False
    return False


def _spans_between(spans: Sequence[_Span], first: int, last: int) -> list[_Span]:
    return [s for s in spans if first <= s.first and s.last <= last]


def _phrase_end(
    tokens: Sequence[_Tok],
    start: int,
    *,
    coordinated: bool = False,
    appositive: bool = False,
    stop_at_to: bool = False,
) -> int:
    """Last token of the noun phrase that starts at ``start``: it ends before a preposition or a
    clause break; with ``coordinated`` it runs on over "and" ("A and B"); with ``appositive``
    over a comma followed by a name or title ("the minister of Japan, Mr. Kishi Nobuo")."""
    end = start
    for i in range(start, len(tokens)):
        low = tokens[i].lower
        if i > start and low == "," and appositive and i + 1 < len(tokens):
            following = tokens[i + 1].text
            if following[:1].isupper():
                continue
        if i > start and coordinated and low == "and":
            end = i
            continue
        if i > start and (low in _PHRASE_ENDS or low in _CLAUSE_BREAKS or low == "."):
            break
        if i > start and low in ("to", "with", "for") and (coordinated or stop_at_to):
            break
        end = i
    return end


def _segments_after(tokens: Sequence[_Tok], index: int) -> list[tuple[int, int]]:
    """The comma-separated stretches of the sentence after the trigger's own stretch."""
    out: list[tuple[int, int]] = []
    start: int | None = None
    for i in range(index + 1, len(tokens)):
        if tokens[i].lower in (",", ";", ".", ":"):
            if start is not None and i - 1 >= start:
                out.append((start, i - 1))
            start = i + 1
    if start is not None and start < len(tokens):
        out.append((start, len(tokens) - 1))
    return out


def _participants(
    tokens: Sequence[_Tok],
    index: int,
    spans: Sequence[_Span],
    context: _ArticleContext,
    lexicon: TriggerLexicon,
) -> tuple[tuple[MentionText, ...], tuple[MentionText, ...], bool]:
    """Actors and recipients of the trigger at ``index``, and whether they were found next to
    it (subject, object, "with"/"between" phrase) rather than elsewhere in the sentence."""
    actors: list[MentionText] = []
    recipients: list[MentionText] = []
    clause = _clause_start(tokens, index)
    # Only a verb takes a direct object ("met Hamada"); "the talks would cover ..." does not.
    verb_trigger = "V" in lexicon.triggers.get(tokens[index].lower, ("", "V"))[1]
    # "talks between A and B": both sides are actors.
    for i in range(index + 1, min(len(tokens), index + 7)):
        if tokens[i].lower == "between":
            end = _between_end(tokens, i + 1)
            actors += _keep_participants(_spans_between(spans, i + 1, end), tokens)
            break
        # Only a name or quotes may stand between ("exercise “Veer Guardian” between A and B");
        # "the talks would cover cooperation between A and B" is about something else.
        if not (tokens[i].text[:1].isupper() or tokens[i].lower in _QUOTES_AND_ARTICLES):
            break
    # "with X" / "to X" / "for X" after the trigger, and a direct object right after a verb.
    for i in range(index + 1, len(tokens)):
        low = tokens[i].lower
        if low == "." or (low in _CLAUSE_BREAKS and low not in (",", "“", "”", '"')):
            break
        direct_object = (
            verb_trigger and i == index + 1 and low not in _PHRASE_ENDS and low[:1].isalpha()
        )
        infinitive = low == "to" and i + 1 < len(tokens) and tokens[i + 1].text[:1].islower()
        if infinitive:
            break  # "invited El Fassi to visit Lisbon": what follows is another event
        if low in ("with", "to", "for") or direct_object:
            start = i + 1 if low in ("with", "to", "for") else i
            end = _phrase_end(tokens, start, appositive=True, stop_at_to=direct_object)
            named = _keep_participants(_spans_between(spans, start, end), tokens)
            if low == "to" and tokens[index].lower in _VISIT_WORDS:
                named = [m for m in named if m.label not in PLACE_LABELS]
            recipients += named
    # The subject: names in the clause before the trigger, not inside a "with/in/at" phrase.
    subject_spans = [
        s
        for s in _spans_between(spans, clause, index - 1)
        if not (s.first > 0 and tokens[s.first - 1].lower in ("in", "at", "with", "to", "of"))
        # "Tazi said the contract to be signed ...": the speaker is a source, not an actor.
        and not any(t.lower in _SPEECH_VERBS for t in tokens[s.last + 1 : index])
    ]
    if not subject_spans and clause >= 2 and tokens[clause - 1].lower == ",":
        # "Foreign Minister Rui Caldeira and his counterpart, Nadia El Fassi, held a call": the
        # subject runs back over appositive commas to the previous real clause break.
        wide = clause - 1
        while wide > 0 and tokens[wide - 1].lower not in _CLAUSE_BREAKS - {","}:
            wide -= 1
        opener = tokens[wide].lower
        subject_spans = (
            []
            if opener in _PREPOSITIONAL_OPENERS
            else [
                s
                for s in _spans_between(spans, wide, clause - 2)
                if not (
                    s.first > 0 and tokens[s.first - 1].lower in ("in", "at", "with", "to", "of")
                )
            ]
        )
        if subject_spans and subject_spans[-1].last != clause - 2:
            subject_spans = []  # the comma does not close a name: not an appositive subject
    named_subject = _keep_participants(subject_spans, tokens)
    passive = verb_trigger and _is_passive(tokens, index)
    if passive:
        # "U.S. citizens were urged to ...": the subject is on the receiving end; the actor is
        # the agent ("by X"), if named.
        recipients = named_subject + recipients
        actors += _agent(tokens, index, spans)
    elif named_subject:
        actors = named_subject + actors
    elif not actors:
        actors += _resolve_subject(tokens, clause, index, context, lexicon)
    direct = bool(actors or recipients)
    if not actors and not recipients:
        # "It was conveyed by Singh to Oka, during a meeting": who is in the main clause.
        for i, tok in enumerate(tokens):
            if tok.lower == "by":
                # "signed by Marta Quintela, chief executive of Lusitânia Grid, and Youssef
                # Amrani, ...": the agent phrase runs to the next place or time preposition.
                end = next(
                    (j - 1 for j in range(i + 1, len(tokens)) if tokens[j].lower in _AGENT_ENDS),
                    len(tokens) - 1,
                )
                actors += _keep_participants(_spans_between(spans, i + 1, end), tokens)
            elif tok.lower in ("to", "with") and i != index:
                end = _phrase_end(tokens, i + 1, appositive=True)
                recipients += _keep_participants(_spans_between(spans, i + 1, end), tokens)
    if not actors and not recipients and tokens[clause].lower in _PREPOSITIONAL_OPENERS:
        # "In the 7th Dialogue held on Wednesday, both India and Japan agreed ...": the subject
        # of the clause that follows the trigger's opening phrase.
        for first, last in _segments_after(tokens, index):
            stop = next(
                (i for i in range(first, last + 1) if tokens[i].lower in _PHRASE_ENDS - {"and"}),
                last + 1,
            )
            named = _keep_participants(_spans_between(spans, first, stop - 1), tokens)
            if named:
                actors += named
                break
    actors = _unique(actors)
    recipients = [r for r in _unique(recipients) if r not in actors]
    return tuple(actors), tuple(recipients), direct


_BE_FORMS = frozenset({"was", "were", "is", "are", "been", "being", "be"})


def _is_passive(tokens: Sequence[_Tok], index: int) -> bool:
    """ "was signed", "were urged", "has been seized" (an adverb may sit in between)."""
    i = index - 1
    while i >= 0 and tokens[i].lower.endswith("ly") and tokens[i].lower not in _BE_FORMS:
        i -= 1
    return i >= 0 and tokens[i].lower in _BE_FORMS and tokens[index].lower.endswith("ed")


def _agent(tokens: Sequence[_Tok], index: int, spans: Sequence[_Span]) -> list[MentionText]:
    """The names of the "by ..." phrase after a passive trigger."""
    for i in range(index + 1, len(tokens)):
        low = tokens[i].lower
        if low in (".", ";") or low in _CLAUSE_BREAKS - {","}:
            return []
        if low == "by":
            end = next(
                (j - 1 for j in range(i + 1, len(tokens)) if tokens[j].lower in _AGENT_ENDS),
                len(tokens) - 1,
            )
            return _keep_participants(_spans_between(spans, i + 1, end), tokens)
    return []


def _between_end(tokens: Sequence[_Tok], start: int) -> int:
    """ "between A and B in Tokyo": the coordinated phrase ends at a preposition or break."""
    end = start
    for i in range(start, len(tokens)):
        low = tokens[i].lower
        if low != "and" and (low in _PHRASE_ENDS or low in _CLAUSE_BREAKS or low == "."):
            break
        end = i
    return end


def _resolve_subject(
    tokens: Sequence[_Tok],
    clause: int,
    index: int,
    context: _ArticleContext,
    lexicon: TriggerLexicon,
) -> list[MentionText]:
    """ "He", "the Defence Minister", "they", "the two ministers" before the trigger."""
    words = [t.lower for t in tokens[clause:index]]
    if any(w in _STATE_PLURALS for w in words) and len(context.states) == 2:
        return list(context.states)  # "the two governments", "both countries"
    if any(w in lexicon.plural_subjects for w in words):
        return list(context.last_participants)
    offset = tokens[index].start
    if any(w in _PRONOUNS for w in words) or any(w in ("his", "her") for w in words):
        if context.last_actor is not None:
            return [context.last_actor]
        person = context.person_before(offset, ())
        return [person] if person else []
    titles = [w for w in words if w in lexicon.title_subjects]
    if titles:
        qualifiers = [w for w in words if w[:1].isalpha() and w not in ("the", "a", "an")]
        person = context.person_before(offset, _title_phrase(qualifiers, lexicon))
        return [person] if person else []
    return []


def _title_phrase(words: Sequence[str], lexicon: TriggerLexicon) -> list[str]:
    """The title words before the verb: "the defence minister held" → ["defence", "minister"]."""
    phrase: list[str] = []
    for word in words:
        if word in lexicon.title_subjects or (phrase and word not in lexicon.title_subjects):
            phrase.append(word)
        elif not phrase:
            phrase = [word]
    last_title = max(i for i, w in enumerate(phrase) if w in lexicon.title_subjects)
    return phrase[: last_title + 1][-3:]


def _unique(items: Sequence[MentionText]) -> list[MentionText]:
    seen: dict[tuple[int, int], MentionText] = {}
    for item in items:
        seen.setdefault((item.start, item.end), item)
    return list(seen.values())


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
            if following[:1].islower() and following.isalpha():
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


#: Irregular past forms that report an action an infinitive can be the purpose of.
_PAST_FORMS = frozenset({"came", "went", "sent", "took", "made", "began", "left", "flew", "met"})


def _purpose_of_past_action(
    tokens: Sequence[_Tok], clause: int, to_index: int, lexicon: TriggerLexicon
) -> bool:
    """ "has arrived in Syria to urge", "prompted the council to demand": the infinitive says
    why a reported action was taken, so it is reported too. Not "is expected to", "plans to"."""
    for i in range(to_index - 1, max(clause, to_index - 6) - 1, -1):
        low = tokens[i].lower
        if low in lexicon.planned_heads or low in lexicon.planned_aux:
            return False
        if low in _PAST_FORMS or (low.endswith("ed") and len(low) > 4 and tokens[i].text.islower()):
            return True
        if low in ("prompting", "forcing"):
            return True
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
        best = min(in_clause, key=lambda m: (abs(m.start - position), m.start))
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
    width = min(len(date), len(published))
    return date[:width] < published[:width]


def _after_publication(article: Article, date: str) -> bool:
    """True when ``date`` (any ISO precision) lies wholly after the publication date."""
    if article.published is None:
        return False
    published = article.published.value
    width = min(len(date), len(published))
    return date[:width] > published[:width]


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


# --------------------------------------------------------------------------- merging across articles

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

    @property
    def uncertain_day(self) -> bool:
        """A day that contradicts its weekday, or one taken from the publication date (the event
        may be a few days older than the article)."""
        evidence = self.mention.date_evidence
        from_publication = evidence is not None and not evidence.expression
        return from_publication or any("weekday" in c for c in self.mention.conflicts)

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
    places: set[str]
    uncertain_day: bool
    units: set[str]
    articles: set[str]
    negated: bool
    statuses: set[str]
    #: The specific modes (phone / visit / multilateral) its claims name.
    modes: set[str]


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
    if shared and m.type not in _SYMMETRIC_TYPES and claim.actors:
        # "Britain urged the AU ..." and "an AU representative called for ...": for a directed
        # event the shared participant must act in both (or be on the receiving end in both).
        cluster_actors = {a for c in cluster.claims for a in c.actors}
        cluster_recipients = {r for c in cluster.claims for r in c.recipients}
        if cluster_actors and not (
            set(claim.actors) & cluster_actors or set(claim.recipients) & cluster_recipients
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
        actors_here = {
            a for c in cluster.claims if c.mention.article_id == m.article_id for a in c.actors
        }
        return not (claim.actors and actors_here)
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
    # look only there: linear in the claims instead of claims x clusters.
    by_participant: dict[str, set[int]] = {}
    by_article: dict[str, set[int]] = {}
    for claim in claims:
        candidates = set(by_article.get(claim.mention.article_id, ()))
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
            best = clusters[chosen]
            by_article.setdefault(claim.mention.article_id, set()).add(chosen)
            for participant in claim.participants:
                by_participant.setdefault(participant, set()).add(chosen)
            best.claims.append(claim)
            best.participants |= claim.participants
            best.people |= claim.people
            best.places |= claim.places
            best.uncertain_day = best.uncertain_day or claim.uncertain_day
            best.units.add(claim.unit)
            best.articles.add(claim.mention.article_id)
            if claim.mention.mode in _SPECIFIC_MODES:
                best.modes.add(claim.mention.mode)
            best.statuses.add(claim.mention.status)
            if _specificity(claim.mention.date) > _specificity(best.date):
                best.date = claim.mention.date
            continue
        m = claim.mention
        by_article.setdefault(m.article_id, set()).add(len(clusters))
        for participant in claim.participants:
            by_participant.setdefault(participant, set()).add(len(clusters))
        clusters.append(
            _Cluster(
                type=m.type,
                claims=[claim],
                date=m.date,
                participants=set(claim.participants),
                people=set(claim.people),
                places=set(claim.places),
                uncertain_day=claim.uncertain_day,
                units={claim.unit},
                articles={m.article_id},
                negated=m.status == "negated",
                statuses={m.status},
                modes={m.mode} if m.mode in _SPECIFIC_MODES else set(),
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
