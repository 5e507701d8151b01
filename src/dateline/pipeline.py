"""The pipeline, stage by stage, in the order the data flows.

    ingest      files → cleaned Articles with publication dates         (dateline.ingest)
    analysis    sentences, time expressions, entities, event mentions    (dateline.analysis)
    dedup       near-duplicate groups across outlets                     (dateline.dedup)
    entities    mentions → entities with aliases and roles               (dateline.entities)
    events      event mentions → one record per real-world event         (dateline.events)
    timeline    dates, a short summary per date, every line sourced      (dateline.timeline)

A :class:`Corpus` is the analysed collection; timelines are views of it, so one corpus serves
many queries (the evaluation builds several gold-length timelines from one analysed topic).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dateline import timeline as timeline_stage
from dateline.analysis import ArticleAnalyser, analyse_articles, default_workers, workers_for_files
from dateline.dedup import NearDuplicateIndex
from dateline.entities import EntityIndex, resolve_entities
from dateline.errors import ConfigurationError, InputError
from dateline.events import build_events
from dateline.ingest import CorpusReader
from dateline.record_fields import RecordFields
from dateline.records import (
    AnalysedArticle,
    Article,
    DuplicateGroup,
    Entity,
    Event,
    IngestReport,
    Problem,
    Timeline,
)

DEFAULT_DATES = 20
DEFAULT_SENTENCES = 2

ProgressCallback = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class Corpus:
    """Analysed articles and everything derived from them across articles."""

    articles: tuple[AnalysedArticle, ...]
    report: IngestReport
    duplicate_groups: tuple[DuplicateGroup, ...] = ()
    entity_index: EntityIndex | None = None
    events: tuple[Event, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def entities(self) -> tuple[Entity, ...]:
        return self.entity_index.entities if self.entity_index is not None else ()

    # ----------------------------------------------------------------- construction
    @classmethod
    def from_paths(
        cls,
        paths: Sequence[str | os.PathLike[str]],
        *,
        workers: int | None = None,
        model: str | None = None,
        max_file_bytes: int | None = None,
        record_fields: RecordFields | None = None,
        on_problem: Callable[[Problem], None] | None = None,
        on_article: ProgressCallback | None = None,
    ) -> Corpus:
        """Read, clean and analyse every article under ``paths`` (files, folders, JSON/JSONL)."""
        if isinstance(paths, str | os.PathLike):
            paths = [paths]
        reader = CorpusReader(
            list(paths),
            max_file_bytes=max_file_bytes,
            record_fields=record_fields,
            on_problem=on_problem,
        )
        if workers is None:
            workers = workers_for_files(reader.files())
        corpus = cls._analyse(reader, lambda: reader.report, workers, model, on_article)
        if not corpus.articles:
            raise InputError(_nothing_read_message(corpus.report))
        return corpus

    @classmethod
    def from_articles(
        cls,
        articles: Iterable[Article],
        *,
        workers: int | None = 1,
        model: str | None = None,
        analyser: ArticleAnalyser | None = None,
        report: IngestReport | None = None,
        on_article: ProgressCallback | None = None,
    ) -> Corpus:
        """Analyse articles that are already in memory (e.g. filtered by the evaluation)."""
        items = list(articles)
        given = report or IngestReport(
            files_seen=0, files_read=0, articles_read=len(items), problems=()
        )
        return cls._analyse(
            items, lambda: given, workers or default_workers(), model, on_article, analyser
        )

    @classmethod
    def _analyse(
        cls,
        articles: Iterable[Article],
        final_report: Callable[[], IngestReport],
        workers: int,
        model: str | None,
        on_article: ProgressCallback | None,
        analyser: ArticleAnalyser | None = None,
    ) -> Corpus:
        dedup = NearDuplicateIndex()
        analysed: list[AnalysedArticle] = []
        seen_ids: set[str] = set()
        for item in analyse_articles(articles, workers=workers, model=model, analyser=analyser):
            if item.article.id in seen_ids:
                raise ConfigurationError(
                    f"two articles share the id {item.article.id!r}; ids must be unique"
                )
            seen_ids.add(item.article.id)
            analysed.append(item)
            dedup.add(item.article.id, item.article.text)
            if on_article is not None:
                on_article(len(analysed))
        groups = dedup.groups()
        entity_index = resolve_entities(analysed)
        events = build_events(analysed, entity_index, groups)
        entity_index = entity_index.with_event_ids(events)
        return cls(
            articles=tuple(analysed),
            report=final_report(),
            duplicate_groups=groups,
            entity_index=entity_index,
            events=events,
            settings={"workers": workers, "model": model},
        )

    # ----------------------------------------------------------------- views
    def timeline(
        self,
        *,
        query: str | None = None,
        dates: int = DEFAULT_DATES,
        sentences: int = DEFAULT_SENTENCES,
        start: dt.date | None = None,
        end: dt.date | None = None,
        line_scorer: timeline_stage.LineScorer | None = None,
    ) -> Timeline:
        """The ``dates`` best-supported dates, each summarised in at most ``sentences`` lines.

        ``line_scorer``: the learned line scorer (None: the one shipped with dateline).
        """
        if dates < 1 or sentences < 1:
            raise ConfigurationError(
                f"dates and sentences must be at least 1 (got dates={dates}, sentences={sentences})"
            )
        entries = timeline_stage.build_timeline_entries(
            self.articles,
            query=query,
            dates=dates,
            sentences=sentences,
            start=start,
            end=end,
            duplicate_groups=self.duplicate_groups,
            events=self.events,
            line_scorer=line_scorer,
        )
        params = {
            "dates": dates,
            "sentences": sentences,
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
            "articles": len(self.articles),
            "duplicate_groups": len(self.duplicate_groups),
            "events": len(self.events),
        }
        return Timeline(entries=entries, query=query, report=self.report, params=params)


def build_timeline(
    paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    query: str | None = None,
    dates: int = DEFAULT_DATES,
    sentences: int = DEFAULT_SENTENCES,
    workers: int | None = None,
    record_fields: RecordFields | None = None,
    on_problem: Callable[[Problem], None] | None = None,
) -> Timeline:
    """Read the articles under ``paths`` and return their timeline: the one-call API, and the
    same path as ``dateline build`` (a temporary store, then its timeline). ``record_fields``:
    the field names of JSON(L) records, when not those of ``data/record_fields.json``."""
    import tempfile

    from dateline.ingest import nothing_read_error
    from dateline.store import Store

    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    with (
        tempfile.TemporaryDirectory(prefix="dateline-build-") as tmp,
        Store(Path(tmp) / "build.db") as store,
    ):
        report = store.add(
            paths, workers=workers, record_fields=record_fields, on_problem=on_problem
        )
        if report.ingest.articles_read == 0:
            raise nothing_read_error(report.ingest, paths)
        timeline = store.timeline(query=query, dates=dates, sentences=sentences)
    return dataclasses.replace(timeline, report=report.ingest)


def _nothing_read_message(report: IngestReport) -> str:
    lines = [f"no articles could be read ({report.summary()})"]
    lines += [f"  {p}" for p in report.problems[:20]]
    if len(report.problems) > 20:
        lines.append(f"  ... and {len(report.problems) - 20} more")
    return "\n".join(lines)
