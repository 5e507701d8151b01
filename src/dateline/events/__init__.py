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

from dateline.events.extract import extract_event_mentions
from dateline.events.lexicon import (
    ACTOR_LABELS,
    LEXICON,
    LEXICON_FILE,
    PLACE_LABELS,
    REQUIRED_COMPONENTS,
    TriggerLexicon,
    candidate_ner_end,
    is_candidate_sentence,
    load_trigger_lexicon,
)
from dateline.events.merge import (
    BOILERPLATE_FRACTION,
    BOILERPLATE_MIN_SOURCES,
    CONFIDENCE_BASE,
    CONFLICT_PENALTY,
    SAME_SOURCE_DAY_SLACK,
    EventClaims,
    build_events,
    dates_compatible,
)

__all__ = [
    "ACTOR_LABELS",
    "BOILERPLATE_FRACTION",
    "BOILERPLATE_MIN_SOURCES",
    "CONFIDENCE_BASE",
    "CONFLICT_PENALTY",
    "LEXICON",
    "LEXICON_FILE",
    "PLACE_LABELS",
    "REQUIRED_COMPONENTS",
    "SAME_SOURCE_DAY_SLACK",
    "EventClaims",
    "TriggerLexicon",
    "build_events",
    "candidate_ner_end",
    "dates_compatible",
    "extract_event_mentions",
    "is_candidate_sentence",
    "load_trigger_lexicon",
]
