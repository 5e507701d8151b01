"""What a store hands out besides the pipeline's records: its status, what an ``add`` did, an
article's row metadata and a time expression that conflicts with its text."""

from __future__ import annotations

from dataclasses import dataclass, field

from dateline.records import IngestReport


@dataclass(frozen=True, slots=True)
class StoreStatus:
    """What a store holds (``dateline status``)."""

    path: str
    schema_version: int
    articles: int
    sources: int
    first_date: str | None
    last_date: str | None
    duplicate_groups: int
    events: int
    entities: int
    problems: int
    runs: int
    generation: int


@dataclass(frozen=True, slots=True)
class AddReport:
    """What one ``add`` did: how many articles were new, replaced or already there."""

    run_id: int
    new: int
    replaced: tuple[str, ...]
    unchanged: int
    ingest: IngestReport
    seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        parts = [f"{self.new} new articles"]
        if self.replaced:
            parts.append(f"{len(self.replaced)} replaced by a changed version")
        parts.append(f"{self.unchanged} already in the store")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """An article's metadata, read from its row (no text, no analysis decoded)."""

    id: str
    title: str | None
    url: str | None
    source: str | None
    #: The publication date's value and granularity, as ``Article.published`` has them.
    published: str | None
    granularity: str | None
    words: int
    removed_lines: int
    path: str


@dataclass(frozen=True, slots=True)
class TimeConflict:
    """A time expression of an article whose reading conflicts with the text (wrong weekday ...)."""

    article_id: str
    #: The sentence it is in, the expression, its resolved value, what conflicts.
    sentence: str
    mention: str
    value: str
    conflict: str
