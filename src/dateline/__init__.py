"""dateline: turn a pile of news articles about one story into a dated, sourced timeline.

The public API (pinned by ``tests/test_public_api.py``)::

    import dateline
    timeline = dateline.build_timeline(["articles/"], query="haiti earthquake", dates=15)
    corpus = dateline.Corpus.from_paths(["articles/"])      # analyse once ...
    corpus.timeline(dates=10, sentences=2)                   # ... view many times
    corpus.events, corpus.entities, corpus.duplicate_groups, corpus.report
    dateline.resolve_time_expressions("on Monday", "2022-09-08")
"""

from __future__ import annotations

from dateline.errors import (
    ConfigurationError,
    DatelineError,
    EvaluationError,
    InputError,
    ModelNotFoundError,
)
from dateline.pipeline import Corpus, build_timeline
from dateline.records import (
    AnalysedArticle,
    Article,
    DuplicateGroup,
    Entity,
    EntityMention,
    Event,
    IngestReport,
    Problem,
    PublicationDate,
    Sentence,
    SourceRef,
    TimeMention,
    Timeline,
    TimelineEntry,
    TimelineSentence,
)
from dateline.timex import TimeTagger, resolve_time_expressions

__version__ = "0.1.0"

__all__ = [
    "AnalysedArticle",
    "Article",
    "ConfigurationError",
    "Corpus",
    "DatelineError",
    "DuplicateGroup",
    "Entity",
    "EntityMention",
    "EvaluationError",
    "Event",
    "IngestReport",
    "InputError",
    "ModelNotFoundError",
    "Problem",
    "PublicationDate",
    "Sentence",
    "SourceRef",
    "TimeMention",
    "TimeTagger",
    "Timeline",
    "TimelineEntry",
    "TimelineSentence",
    "__version__",
    "build_timeline",
    "resolve_time_expressions",
]
