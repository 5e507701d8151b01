"""What a long-lived reader of a store (the web app) keeps between timeline views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dateline import timeline as timeline_stage
from dateline.records import AnalysedArticle
from dateline.store.quotable import KnownQuotable


class ViewCache:
    """What a long-lived reader (the web app) keeps between timeline views of a store.

    * The evidence of the last ``views`` (store generation, query terms, date range), with the
      quotable flags read for it: another ``dates`` or ``sentences`` of the same view skips
      ranking the dates and reading their candidates again.
    * What views share (:meth:`part`): the articles' support units, a query's matches.
    * Decoded analyses, keyed by article id and content hash (a replaced article is a new key, so
      they outlive ``add``s), for views that fall back to the analyses (timeline rows stored under
      other quoting rules): decoding them is the largest part of such a view. At most ``limit``
      articles (about 25 kB each on Timeline17: at most about 250 MB by default).
    """

    def __init__(self, limit: int = 10_000, views: int = 8) -> None:
        self.limit = limit
        self.views = views
        self._records: dict[tuple[str, str], AnalysedArticle] = {}
        self._evidence: dict[
            tuple[Any, ...], tuple[timeline_stage.TimelineEvidence, KnownQuotable]
        ] = {}
        self._parts: dict[tuple[Any, ...], Any] = {}

    def __len__(self) -> int:
        """How many decoded analyses are kept."""
        return len(self._records)

    def get(self, key: tuple[str, str]) -> AnalysedArticle | None:
        return self._records.get(key)

    def put(self, key: tuple[str, str], analysed: AnalysedArticle) -> None:
        if len(self._records) < self.limit:
            self._records[key] = analysed

    def evidence(
        self, key: tuple[Any, ...]
    ) -> tuple[timeline_stage.TimelineEvidence, KnownQuotable] | None:
        found = self._evidence.pop(key, None)
        if found is not None:
            self._evidence[key] = found  # most recently used last
        return found

    def keep_evidence(
        self,
        key: tuple[Any, ...],
        evidence: timeline_stage.TimelineEvidence,
        known: KnownQuotable,
    ) -> None:
        self._evidence[key] = (evidence, known)
        while len(self._evidence) > self.views:
            del self._evidence[next(iter(self._evidence))]

    def part(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """What several views share, made once (``key`` names it with the store generation):
        the articles' publication days and support units, or the sentences a query matches
        (narrowing a query view to a period reuses them). The last ``views`` are kept (a query's
        matches are the ones its kept evidence holds, not a copy)."""
        found = self._parts.pop(key, None)
        if found is None:
            found = make()
        self._parts[key] = found  # most recently used last
        while len(self._parts) > self.views:
            del self._parts[next(iter(self._parts))]
        return found
