"""The public API is pinned: removing or renaming a name is a deliberate, visible change."""

from __future__ import annotations

import inspect

import dateline
from dateline import errors

PUBLIC_NAMES = {
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
}


def test_public_names_are_exactly_the_pinned_ones() -> None:
    assert set(dateline.__all__) == PUBLIC_NAMES
    for name in PUBLIC_NAMES:
        assert getattr(dateline, name) is not None


def test_build_timeline_signature() -> None:
    params = inspect.signature(dateline.build_timeline).parameters
    assert list(params)[:1] == ["paths"]
    for keyword in ("query", "dates", "sentences", "workers", "record_fields", "on_problem"):
        assert params[keyword].kind is inspect.Parameter.KEYWORD_ONLY


def test_corpus_offers_views_and_constructors() -> None:
    for name in ("from_paths", "from_articles", "timeline", "events", "entities"):
        assert hasattr(dateline.Corpus, name)


def test_every_error_is_a_dateline_error() -> None:
    for name, obj in vars(errors).items():
        if (
            inspect.isclass(obj)
            and issubclass(obj, Exception)
            and obj.__module__ == errors.__name__
        ):
            assert issubclass(obj, dateline.DatelineError), name


def test_unknown_names_raise_attribute_error() -> None:
    try:
        dateline.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_every_public_name_has_a_home_module() -> None:
    from dateline import _EXPORTS

    assert set(_EXPORTS) | {"__version__"} == set(dateline.__all__)
