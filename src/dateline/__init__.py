"""dateline: turn a pile of news articles about one story into a dated, sourced timeline.

The public API (pinned by ``tests/test_public_api.py``)::

    import dateline
    timeline = dateline.build_timeline(["articles/"], query="haiti earthquake", dates=15)
    store = dateline.Store("story.db")                       # a store that grows ...
    store.add(["articles/"]); store.timeline(query="haiti")  # ... only new articles analysed
    corpus = dateline.Corpus.from_paths(["articles/"])      # in memory: analyse once ...
    corpus.timeline(dates=10, sentences=2)                   # ... view many times
    corpus.events, corpus.entities, corpus.duplicate_groups, corpus.report
    dateline.resolve_time_expressions("on Monday", "2022-09-08")

Names are imported on first use, so ``import dateline.records`` stays cheap and does not load
spaCy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name → the module that defines it.
_EXPORTS: dict[str, str] = {
    "build_timeline": "dateline.pipeline",
    "Corpus": "dateline.pipeline",
    "Store": "dateline.store",
    "StoreError": "dateline.errors",
    "resolve_time_expressions": "dateline.timex",
    "TimeTagger": "dateline.timex",
    "DatelineError": "dateline.errors",
    "InputError": "dateline.errors",
    "ModelNotFoundError": "dateline.errors",
    "ConfigurationError": "dateline.errors",
    "EvaluationError": "dateline.errors",
    "AnalysedArticle": "dateline.records",
    "Article": "dateline.records",
    "DuplicateGroup": "dateline.records",
    "Entity": "dateline.records",
    "EntityMention": "dateline.records",
    "Event": "dateline.records",
    "IngestReport": "dateline.records",
    "Problem": "dateline.records",
    "PublicationDate": "dateline.records",
    "Sentence": "dateline.records",
    "SourceRef": "dateline.records",
    "TimeMention": "dateline.records",
    "Timeline": "dateline.records",
    "TimelineEntry": "dateline.records",
    "TimelineSentence": "dateline.records",
}

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
    "Store",
    "StoreError",
    "TimeMention",
    "TimeTagger",
    "Timeline",
    "TimelineEntry",
    "TimelineSentence",
    "__version__",
    "build_timeline",
    "resolve_time_expressions",
]

if TYPE_CHECKING:
    from dateline.errors import (
        ConfigurationError,
        DatelineError,
        EvaluationError,
        InputError,
        ModelNotFoundError,
        StoreError,
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
        Timeline,
        TimelineEntry,
        TimelineSentence,
        TimeMention,
    )
    from dateline.store import Store
    from dateline.timex import TimeTagger, resolve_time_expressions


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'dateline' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
