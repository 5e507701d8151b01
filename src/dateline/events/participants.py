"""Tokens, entity spans, the article context (who "he", "the minister", "the two sides" are)
and the rules that find a trigger's actors and recipients."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dateline.events.lexicon import _VISIT_WORDS, ACTOR_LABELS, PLACE_LABELS, TriggerLexicon
from dateline.events.words import EVENT_WORDS
from dateline.records import (
    Article,
    DateEvidence,
    EntityMention,
    EventMention,
    Granularity,
    MentionText,
    Sentence,
)


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
        #: The last organisation or state that acted, for "it" / "its".
        self.last_body: MentionText | None = None
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
            bodies = [a for a in m.actors if a.label in ("ORG", "GPE")]
            if bodies:
                self.last_body = bodies[0]
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
_CLAUSE_WORDS = EVENT_WORDS["clause_words"]
#: Tokens that end a clause for the purpose of finding a trigger's subject and modals.
_CLAUSE_BREAKS = _CLAUSE_WORDS | frozenset({",", ";", ":", "(", ")", "—", "–", "“", "”", '"'})
#: Prepositions that end an object phrase ("met X *in* Tokyo *on* Monday").
_PHRASE_ENDS = EVENT_WORDS["phrase_ends"]
_NEGATIONS = EVENT_WORDS["negations"]
_PRONOUNS = EVENT_WORDS["pronouns"]
#: "According to X, the two ministers ...": X is not the subject.
_PREPOSITIONAL_OPENERS = EVENT_WORDS["prepositional_openers"]
_AGENT_ENDS = EVENT_WORDS["agent_ends"]
_SPEECH_VERBS = EVENT_WORDS["speech_verbs"]
_QUOTES_AND_ARTICLES = EVENT_WORDS["quotes_and_articles"]
_PLACE_PREPOSITIONS = EVENT_WORDS["place_prepositions"]
_STATE_PLURALS = EVENT_WORDS["state_plurals"]


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
_AGENT_NOUNS = EVENT_WORDS["agent_nouns"]


#: "thousands of Egyptians", "hundreds of Iraqis": the people after "of" are the subject.
_CROWDS = EVENT_WORDS["crowds"]


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
        if not (
            s.first > 0
            and tokens[s.first - 1].lower in ("in", "at", "with", "to", "of")
            # "thousands of Egyptians took to the streets": the crowd is Egyptians
            and not (
                s.first > 1
                and tokens[s.first - 1].lower == "of"
                and tokens[s.first - 2].lower in _CROWDS
            )
        )
        # "Tazi said the contract to be signed ...": the speaker is a source, not an actor.
        and not any(t.lower in _SPEECH_VERBS for t in tokens[s.last + 1 : index])
        # "Rebels trying to topple Libya's Muammar Gaddafi have fought": the infinitive's object
        and not _after_infinitive(tokens, clause, s.first)
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
        if not subject_spans:
            # "Hillary Clinton, speaking at the Munich Security Conference, urged ...": the
            # subject stands before a participle phrase set off by commas.
            comma = next(
                (i for i in range(clause - 2, wide - 1, -1) if tokens[i].lower == ","), None
            )
            if (
                comma is not None
                and comma + 1 < clause - 1
                and tokens[comma + 1].lower.endswith("ing")
                and tokens[comma + 1].text.islower()
            ):
                before = [s for s in _spans_between(spans, wide, comma - 1) if s.last == comma - 1]
                subject_spans = before[-1:]
    if not subject_spans:
        subject_spans = _of_subject(tokens, clause, index, spans)
    named_subject = _keep_participants(subject_spans, tokens)
    passive = verb_trigger and _is_passive(tokens, index)
    if passive:
        # "U.S. citizens were urged to ...": the subject is on the receiving end; the actor is
        # the agent ("by X"), if named.
        if not named_subject:
            # "she was deported Thursday": the person the article is about receives it
            named_subject = _resolve_subject(tokens, clause, index, context, lexicon)
        recipients = named_subject + recipients
        actors += _agent(tokens, index, spans)
    elif named_subject:
        actors = named_subject + actors
    elif not actors:
        actors += _resolve_subject(tokens, clause, index, context, lexicon)
    if (
        not actors
        and index > 0
        and tokens[index - 1].lower == ","
        and tokens[index].lower.endswith("ing")
    ):
        # "the WFP said on Wednesday, calling for urgent aid", "..., accusing ministers of ...":
        # a participle after a comma shares the subject of the sentence it hangs from.
        actors += _main_subject(tokens, index - 1, spans)
    if not actors and clause > 0 and tokens[clause - 1].lower == ",":
        opening = tokens[clause]
        if opening.text.islower() and (
            opening.lower.endswith("ed") or opening.lower in _PAST_VERBS
        ):
            # "Egyptians emerged from Friday prayers, took to the streets": a second predicate
            # of the sentence's subject.
            actors += _main_subject(tokens, clause - 1, spans)
    if not actors:
        # "calls from Louisiana lawmakers", "criticism from Beijing": who the noun comes from.
        for i in range(index + 1, min(len(tokens), index + 3)):
            if tokens[i].lower == "from" and (not verb_trigger or i == index + 1):
                end = _phrase_end(tokens, i + 1)
                actors += _keep_participants(_spans_between(spans, i + 1, end), tokens)
                break
    if not actors and lexicon.triggers.get(tokens[index].lower, ("",))[0] == "PROTEST":
        # "Hundreds of demonstrators were in the streets in locales around Iraq": a crowd with
        # no name is the people of the place it is in.
        actors += _crowd_place(tokens, index, spans)
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
            elif (
                tok.lower in ("to", "with")
                and i != index
                # "trying to topple Libya's Muammar Gaddafi": an infinitive, not a recipient
                and not (
                    tok.lower == "to"
                    and i + 1 < len(tokens)
                    and tokens[i + 1].text.isalpha()
                    and tokens[i + 1].text.islower()
                    and tokens[i + 1].lower not in _QUOTES_AND_ARTICLES
                )
            ):
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


_BE_FORMS = EVENT_WORDS["be_forms"]


def _is_passive(tokens: Sequence[_Tok], index: int) -> bool:
    """ "was signed", "were urged", "has been seized" (an adverb may sit in between)."""
    i = index - 1
    while i >= 0 and tokens[i].lower.endswith("ly") and tokens[i].lower not in _BE_FORMS:
        i -= 1
    word = tokens[index].lower
    participle = word.endswith(("ed", "en")) or word in _IRREGULAR_PARTICIPLES
    return i >= 0 and tokens[i].lower in _BE_FORMS and participle


#: Past participles that do not end in -ed/-en ("was shot", "were hit", "was sent").
_IRREGULAR_PARTICIPLES = EVENT_WORDS["irregular_participles"]


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


def _main_subject(tokens: Sequence[_Tok], comma: int, spans: Sequence[_Span]) -> list[MentionText]:
    """The names of the sentence's main subject before ``comma``: those right before its first
    verb-like word ("the WFP said", "Libyan rebels pushed"), speakers included."""
    start = 0
    for i in range(comma - 1, -1, -1):
        if tokens[i].lower in _CLAUSE_WORDS or tokens[i].lower in (";", ":", "--", "—"):
            start = i + 1
            break
    before = [s for s in _spans_between(spans, start, comma - 1)]
    for span in before:
        for i in range(span.last + 1, min(comma, span.last + 5)):
            word = tokens[i].lower
            if (
                word in _SPEECH_VERBS
                or word in ("says", "has")
                or word in _PAST_VERBS
                or (word.endswith("ed") and tokens[i].text.islower())
            ):
                return _keep_participants([span], tokens)
            if word == "," or (word[:1].isalpha() and tokens[i].text.islower()):
                break  # "(WFP) said": only a bracketed short name may stand between
    return []


#: Irregular past forms that can open a second predicate ("..., took to the streets").
_PAST_VERBS = EVENT_WORDS["past_verbs"]
#: Nouns that stand for the state or body named after "of" ("the president of Azerbaijan").
_OF_HEADS = EVENT_WORDS["of_heads"]


def _after_infinitive(tokens: Sequence[_Tok], clause: int, first: int) -> bool:
    """A name that follows "to <verb>" in the stretch before the trigger is that verb's object."""
    for i in range(max(clause, first - 4), first - 1):
        following = tokens[i + 1].text
        if tokens[i].lower == "to" and following.isalpha() and following.islower():
            return following not in ("the", "a", "an")
    return False


_CROWD_PLACE_WORDS = EVENT_WORDS["crowd_place_words"]


def _crowd_place(tokens: Sequence[_Tok], index: int, spans: Sequence[_Span]) -> list[MentionText]:
    """The country named right after a protest with no named actor ("in locales around Iraq")."""
    for span in spans:
        m = span.mention
        if m.label != "GPE" or not index < span.first <= index + 10:
            continue
        if any(t.lower in _CLAUSE_BREAKS for t in tokens[index + 1 : span.first]):
            return []
        before = {t.lower for t in tokens[max(0, span.first - 3) : span.first]}
        if before & _CROWD_PLACE_WORDS:
            return [m]
    return []


def _of_subject(
    tokens: Sequence[_Tok], clause: int, index: int, spans: Sequence[_Span]
) -> list[_Span]:
    """The names after "<title> of" at the start of the trigger's clause: "the president of
    Azerbaijan accused ...", "Representatives of Iran and Zimbabwe have been invited"."""
    for i in range(clause, index - 1):
        if tokens[i].lower == "of" and i > 0 and tokens[i - 1].lower in _OF_HEADS:
            end = _phrase_end(tokens, i + 1, coordinated=True)
            return [s for s in _spans_between(spans, i + 1, min(end, index - 1))]
        if tokens[i].lower in _SPEECH_VERBS:
            return []
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
    if words[:1] == ["it"] and context.last_body is not None:
        return [context.last_body]  # "it urged them to ...": the body that last acted
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
