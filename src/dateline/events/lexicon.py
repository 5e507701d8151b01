"""The trigger lexicon (``data/plover_triggers.json``) and the cheap pre-NER sentence test."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from dateline.datafiles import read_data_json
from dateline.errors import ConfigurationError
from dateline.events.words import EVENT_WORDS
from dateline.records import (
    Sentence,
)

#: spaCy components the extraction runs itself: none beyond the tokenizer (NER must have run on
#: the candidate sentences; see :func:`is_candidate_sentence`).
REQUIRED_COMPONENTS: tuple[str, ...] = ()
#: Entity labels that can be an actor or recipient.
ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
#: Entity labels that can be where an event took place.
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
LEXICON_FILE = "plover_triggers.json"
#: Words after a candidate sentence's last trigger that NER still reads for the events stage
#: (:func:`candidate_ner_end`; chosen on the development half of the T17 gold set, docs/events.md).
NER_WORDS_AFTER_TRIGGER = 10


@dataclass(frozen=True, slots=True)
class TriggerLexicon:
    """The trigger → PLOVER type table and the cue words, read from the data file."""

    #: trigger word → (PLOVER type, allowed coarse POS letters "V"/"N")
    triggers: Mapping[str, tuple[str, str]]
    #: Types whose trigger alone justifies running NER on a sentence.
    ner_on_demand: frozenset[str]
    #: Triggers too frequent to justify NER on their own ("asked", "called", "host").
    weak_triggers: frozenset[str]
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
            weak_triggers=frozenset(w.lower() for w in data.get("weak_triggers", [])),
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
_OPENERS = EVENT_WORDS["openers"]
_VISIT_WORDS = EVENT_WORDS["visit_words"]


def is_candidate_sentence(text: str, lexicon: TriggerLexicon = LEXICON) -> bool:
    """Cheap text-only test, run before NER, of whether a sentence deserves NER for the events
    stage: a usable trigger of a type marked ``ner_on_demand`` and two capitalised words other
    than a sentence opener such as "The" or "During" (names, probably). A noun trigger that needs a
    governing verb ("agreement" needs "signed", "aid" needs "provided") counts only when one of
    those verbs is in the sentence; a weak trigger ("asked", "called") does not count."""
    if not _has_trigger(text, lexicon, lexicon.ner_on_demand):
        return False
    words = _WORD.findall(text)
    if words and words[0].lower() in _OPENERS:
        words = words[1:]
    # Two capitalised words: an actor and a counterpart or place, most of the time.
    return sum(1 for w in words if w[:1].isupper()) >= 2


def candidate_ner_end(
    text: str, lexicon: TriggerLexicon = LEXICON, after: int = NER_WORDS_AFTER_TRIGGER
) -> int:
    """How much of a candidate sentence NER reads for the events stage, as an offset into
    ``text``: up to the ``after``-th word after its last trigger (actors stand before a trigger,
    recipients and places right after it), or further while a capitalised name goes on, so that
    no name is cut; the whole sentence when it is shorter. NER is most of the stage's cost."""
    words = list(_WORD.finditer(text))
    last = max((i for i, m in enumerate(words) if m[0].lower() in lexicon.triggers), default=None)
    if last is None:
        return len(text)
    stop = last + after
    while stop + 1 < len(words) and _name_goes_on([m[0] for m in words[stop : stop + 4]]):
        stop += 1
    if stop + 1 >= len(words) or any(m[0].lower() in _ATTRIBUTION for m in words[stop + 1 :]):
        return len(text)  # "..., according to Defence Minister Rajnath Singh": who said it
    return words[stop].end()


#: Words of an attribution, which names the speaker (often the actor) after the trigger.
_ATTRIBUTION = EVENT_WORDS["attribution"]
#: Words that join the parts of a name or a list of names ("Bank of England", "A and the B").
_NAME_GLUE = EVENT_WORDS["name_glue"]


def _name_goes_on(ahead: list[str]) -> bool:
    """Whether the word after ``ahead[0]`` continues a run of names: a capitalised word after a
    capitalised or joining word, or a joining word followed by a capitalised word or by "the" and
    a capitalised word ("Lusitania Grid and the Moroccan ...", not "Okinawa and the plans")."""
    word, following = ahead[0], ahead[1]
    if not (word[:1].isupper() or word.lower() in _NAME_GLUE):
        return False
    if following[:1].isupper():
        return True
    if following.lower() not in _NAME_GLUE or len(ahead) < 3:
        return False
    return ahead[2][:1].isupper() or (
        ahead[2].lower() == "the" and len(ahead) > 3 and ahead[3][:1].isupper()
    )


def _has_trigger(text: str, lexicon: TriggerLexicon, types: frozenset[str] | None = None) -> bool:
    words = _WORD.findall(text)
    lowered: set[str] | None = None
    found = False
    for position, word in enumerate(words):
        entry = lexicon.triggers.get(word.lower())
        if (
            entry is not None
            and word.lower() == "call"
            and words[position + 1 : position + 2] in (["for"], ["on"])
        ):
            continue  # "a call for calm": a request (a weak trigger), not a phone call
        if entry is None or (
            types is not None and (entry[0] not in types or word.lower() in lexicon.weak_triggers)
        ):
            continue  # (the weak ones do not earn NER alone: see is_candidate_sentence)
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
