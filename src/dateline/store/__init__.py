"""A living corpus: articles, their analyses and everything derived from them in one SQLite file.

    store = dateline.Store("story.db")
    store.add(["articles/"])            # reads, analyses and stores only what is new or changed
    store.timeline(query="cable", dates=10)
    store.events, store.entities, store.status()

What is incremental and what is recomputed (figures in docs/store.md):

* per-article analysis (sentences, time expressions, NER, event mentions) runs once per article
  version; an article already stored with the same text is not read twice;
* near-duplicates are incremental (:mod:`dateline.store.duplicates`), refreshed after the add in
  a process of its own (:mod:`dateline.store.refresher`) while this one resolves entities;
* entities and events are recomputed after each add from the stored per-article records (no
  NLP), because entity clustering and event merging are global: one new article can join two
  clusters;
* the timeline reads the articles that match the query (full-text index) and the date window, as a
  stream from the store.

Every batch of analysed articles is one transaction, so a killed ``add`` leaves whole articles
only; the cross-article tables are marked stale in the same transaction and brought up to date by
the next ``add``. One writer at a time: a second ``add`` on the same store waits for the first.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from dateline import timeline as timeline_stage
from dateline.analysis import analyse_articles, workers_for_files
from dateline.errors import ConfigurationError, StoreError
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
    TimelineEntry,
)
from dateline.store.codec import decode_record, encode_record
from dateline.store.collector import cyclic_gc_paused
from dateline.store.derived import (
    READ_BATCH,
    cross_record,
    resolve_entities_and_claims,
    write_derived,
)
from dateline.store.duplicates import StoreDuplicates
from dateline.store.quotable import KnownQuotable, quotable_flags, quoting_rules
from dateline.store.refresher import DuplicateRefresh
from dateline.store.reports import AddReport, ArticleMeta, StoreStatus, TimeConflict
from dateline.store.schema import SCHEMA_VERSION, connect, transaction
from dateline.store.timeline_rows import forget_sentence_rows, stored_evidence, write_sentence_rows
from dateline.store.view_cache import ViewCache

__all__ = ["AddReport", "ArticleMeta", "Store", "StoreStatus", "TimeConflict", "ViewCache"]

#: Analysed articles written per transaction.
COMMIT_BATCH = 32
ENGINES = ("local", "ray")


def content_hash(article: Article) -> str:
    """Same id and same hash = the same article version (the text, title and date say it)."""
    published = article.published.value if article.published else ""
    digest = hashlib.sha256()
    for part in (article.text, article.title or "", published):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


class Store:
    """One store file: ``Store(path).add(paths)``, then views (``timeline``, ``events`` ...).

    ``read_only=True`` opens an existing store without ever writing to it (the web app does).
    """

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._conn = connect(self.path, read_only=read_only)

    # ------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r}, read_only={self.read_only})"

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: the store cannot be read ({exc})") from exc

    def _meta(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    @property
    def generation(self) -> int:
        """Changes whenever an ``add`` commits new results: a reader caches per generation."""
        return int(self._meta("generation") or 0)

    # ------------------------------------------------------------------ adding
    def add(
        self,
        paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
        *,
        workers: int | None = None,
        model: str | None = None,
        max_file_bytes: int | None = None,
        record_fields: RecordFields | None = None,
        engine: str = "local",
        ray_address: str | None = None,
        on_problem: Callable[[Problem], None] | None = None,
        on_article: Callable[[int], None] | None = None,
        on_message: Callable[[str], None] | None = None,
    ) -> AddReport:
        """Read ``paths``; analyse and store the articles that are new or changed; bring
        duplicate groups, entities and events up to date."""
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only; open it with read_only=False to add")
        if engine not in ENGINES:
            raise ConfigurationError(f"engine={engine!r}: choose one of {', '.join(ENGINES)}")
        if isinstance(paths, str | os.PathLike):
            paths = [paths]
        say = on_message or (lambda _message: None)
        reader = CorpusReader(
            list(paths),
            max_file_bytes=max_file_bytes,
            record_fields=record_fields,
            on_problem=on_problem,
        )
        with self._writer_lock(say) as lock_fd:
            refresh = DuplicateRefresh(self.path, lock_fd)
            try:
                return self._add_locked(
                    reader, paths, workers, model, engine, ray_address, on_article, say, refresh
                )
            finally:
                refresh.cancel()  # a failed add's child exits before the lock is let go

    @contextlib.contextmanager
    def _writer_lock(self, say: Callable[[str], None]) -> Iterator[int]:
        """One ``add`` at a time on a store: the second waits, and says so. Yields the lock's
        file descriptor (the near-duplicate process holds the lock too)."""
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            handle: TextIO = lock_path.open("a")
        except OSError as exc:
            raise StoreError(
                f"{lock_path}: cannot create the writer lock ({exc.strerror})"
            ) from exc
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                say(f"another dateline add is writing to {self.path}; waiting for it to finish")
                fcntl.flock(handle, fcntl.LOCK_EX)
                say(f"the other add finished; going on with {self.path}")
            try:
                yield handle.fileno()
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _add_locked(
        self,
        reader: CorpusReader,
        paths: Sequence[str | os.PathLike[str]],
        workers: int | None,
        model: str | None,
        engine: str,
        ray_address: str | None,
        on_article: Callable[[int], None] | None,
        say: Callable[[str], None],
        refresh: DuplicateRefresh,
    ) -> AddReport:
        conn = self._conn
        started = time.perf_counter()
        seconds: dict[str, float] = {}
        with transaction(self._conn):
            run_id = conn.execute(
                "INSERT INTO runs(started, paths) VALUES (?, ?)",
                (
                    dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    json.dumps([str(p) for p in paths]),
                ),
            ).lastrowid
        assert run_id is not None
        unchanged = 0
        replaced: list[str] = []
        stored_hash: dict[str, str] = {}

        def pending() -> Iterator[Article]:
            nonlocal unchanged
            for article in reader:
                row = conn.execute(
                    "SELECT content_hash FROM articles WHERE id = ?", (article.id,)
                ).fetchone()
                digest = content_hash(article)
                if row is not None and row[0] == digest:
                    unchanged += 1
                    continue
                stored_hash[article.id] = digest
                if row is not None:
                    replaced.append(article.id)
                    say(
                        f"{article.path}: article {article.id!r} changed since it was stored; "
                        "the new version replaces the old one"
                    )
                yield article

        duplicates = StoreDuplicates(conn)
        new = 0
        todo = pending()
        first = next(todo, None)
        if first is not None:
            refresh.start()  # its imports overlap the analysis
            if workers is None:
                workers = workers_for_files(reader.files())
            stream = _analyse(_chain(first, todo), engine, workers, model, ray_address)
            batch: list[AnalysedArticle] = []
            for analysed in stream:
                batch.append(analysed)
                if len(batch) >= COMMIT_BATCH:
                    new += self._write_batch(batch, stored_hash, run_id, duplicates)
                    batch = []
                if on_article is not None:
                    on_article(new + len(batch))
            if batch:
                new += self._write_batch(batch, stored_hash, run_id, duplicates)
        seconds["read and analyse"] = time.perf_counter() - started
        report = reader.report
        seen_paths = [str(p) for p in reader.files()] + [p.path for p in report.problems]
        with transaction(self._conn):
            # A file read again replaces what was said about it before.
            conn.executemany("DELETE FROM problems WHERE path = ?", ((p,) for p in seen_paths))
            conn.executemany(
                "INSERT INTO problems(run_id, path, line, reason, severity) VALUES (?, ?, ?, ?, ?)",
                ((run_id, p.path, p.line, p.reason, p.severity) for p in report.problems),
            )
            conn.execute(
                "UPDATE runs SET finished = ?, files_seen = ?, files_read = ?, articles_read = ?, "
                "new = ?, replaced = ?, unchanged = ? WHERE id = ?",
                (
                    dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    report.files_seen,
                    report.files_read,
                    report.articles_read,
                    new - len(replaced),
                    len(replaced),
                    unchanged,
                    run_id,
                ),
            )
        if self._meta("derived_stale") == "1":
            seconds.update(self._update_cross_article(refresh))
        seconds["total"] = time.perf_counter() - started
        return AddReport(run_id, new - len(replaced), tuple(replaced), unchanged, report, seconds)

    def _write_batch(
        self,
        batch: Sequence[AnalysedArticle],
        stored_hash: dict[str, str],
        run_id: int,
        duplicates: StoreDuplicates,
    ) -> int:
        conn = self._conn
        filters = timeline_stage.load_sentence_filters()
        rules = quoting_rules(filters)
        analyse = timeline_stage.text_terms_analyser()
        with transaction(self._conn):
            for analysed in batch:
                article = analysed.article
                version = self._forget(article.id, duplicates) + 1
                pub = article.published
                day = timeline_stage.published_day(article)
                seq = conn.execute(
                    "INSERT INTO articles(id, content_hash, version, path, line, title, url, "
                    "source, published, granularity, published_day, words, removed_lines, run_id) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        article.id,
                        stored_hash.get(article.id) or content_hash(article),
                        version,
                        article.path,
                        article.line,
                        article.title,
                        article.url,
                        article.source,
                        pub.value if pub else None,
                        pub.granularity if pub else None,
                        day.isoformat() if day else None,
                        article.word_count,
                        article.removed_lines,
                        run_id,
                    ),
                ).lastrowid
                conn.execute(
                    "INSERT INTO analyses(article_id, record, cross_record) VALUES (?, ?, ?)",
                    (article.id, encode_record(analysed), encode_record(cross_record(analysed))),
                )
                conn.execute(
                    "INSERT INTO article_text(rowid, title, body) VALUES (?, ?, ?)",
                    (seq, article.title or "", article.text),
                )
                duplicates.add_article(article.id, article.text)
                self._write_view_rows(analysed, filters, rules, analyse)
            conn.execute("UPDATE meta SET value = '1' WHERE key = 'derived_stale'")
        return len(batch)

    def _write_view_rows(
        self,
        analysed: AnalysedArticle,
        filters: timeline_stage.SentenceFilters,
        rules: str,
        analyse: Callable[[str], list[str]],
    ) -> None:
        """What views read of one article without decoding its analysis: which sentences the
        timeline may quote, and its time expressions' conflicts."""
        article_id = analysed.article.id
        flags = quotable_flags(analysed, filters)
        self._conn.execute(
            "INSERT INTO quotable(article_id, rules, flags) VALUES (?, ?, ?)",
            (article_id, rules, flags),
        )
        write_sentence_rows(self._conn, analysed, flags, filters, analyse)
        self._conn.executemany(
            "INSERT INTO time_conflicts(article_id, sentence, mention, value, conflict) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                (article_id, sentence.text, mention.text, mention.value, conflict)
                for sentence in analysed.sentences
                for mention in sentence.time_mentions
                for conflict in mention.conflicts
            ),
        )

    def _forget(self, article_id: str, duplicates: StoreDuplicates) -> int:
        """Remove the stored version of an article (it is being replaced); returns its version
        number (0 when there was none)."""
        row = self._conn.execute(
            "SELECT a.seq, an.record, a.version FROM articles a "
            "JOIN analyses an ON an.article_id = a.id WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return 0
        old: AnalysedArticle = decode_record(row[1], f"{self.path}: article {article_id!r}")
        self._conn.execute(
            "INSERT INTO article_text(article_text, rowid, title, body) VALUES ('delete', ?, ?, ?)",
            (row[0], old.article.title or "", old.article.text),
        )
        self._conn.execute("DELETE FROM analyses WHERE article_id = ?", (article_id,))
        self._conn.execute("DELETE FROM quotable WHERE article_id = ?", (article_id,))
        self._conn.execute("DELETE FROM time_conflicts WHERE article_id = ?", (article_id,))
        forget_sentence_rows(self._conn, article_id)
        self._conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        duplicates.remove_article(article_id)
        return int(row[2])

    def _update_cross_article(self, refresh: DuplicateRefresh) -> dict[str, float]:
        """Duplicate groups (in the refresh process, its own transaction), entities and events
        (here, meanwhile; written in one transaction) brought up to date; a kill leaves them
        stale, and the next add redoes them. Returns the seconds of each step."""
        refresh.go()
        entity_index, claims, seconds = resolve_entities_and_claims(self._conn, str(self.path))
        started = time.perf_counter()
        groups, seconds["near-duplicates"] = refresh.groups()
        seconds["waiting for near-duplicates"] = time.perf_counter() - started
        with transaction(self._conn):
            seconds.update(write_derived(self._conn, entity_index, claims, groups))
            self._conn.execute("UPDATE meta SET value = '0' WHERE key = 'derived_stale'")
            self._conn.execute(
                "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'"
            )
        return seconds

    # ------------------------------------------------------------------ views
    def timeline(
        self,
        *,
        query: str | None = None,
        dates: int = 20,
        sentences: int = 2,
        start: dt.date | None = None,
        end: dt.date | None = None,
        cache: ViewCache | None = None,
    ) -> Timeline:
        """The timeline of what is stored, without NLP: the same stage ``build`` uses, fed the
        articles that match ``query`` and the date window, streamed from the store (decoded
        analyses and recent views' evidence are kept in and taken from ``cache`` when given)."""
        with cyclic_gc_paused():
            return self._timeline(query, dates, sentences, start, end, cache)

    def _timeline(
        self,
        query: str | None,
        dates: int,
        sentences: int,
        start: dt.date | None,
        end: dt.date | None,
        cache: ViewCache | None,
    ) -> Timeline:
        if dates < 1 or sentences < 1:
            raise ConfigurationError(
                f"dates and sentences must be at least 1 (got dates={dates}, sentences={sentences})"
            )
        if start and end and start > end:
            raise ConfigurationError(f"start {start} is after end {end}")
        filters = timeline_stage.load_sentence_filters()
        matcher = timeline_stage.QueryMatcher.from_query(query, filters.query_stopwords)
        rules = quoting_rules(filters)
        # A view's evidence depends on the stored articles, groups and quoting rules.
        key = (self.generation, rules, matcher.terms, start, end)
        kept = cache.evidence(key) if cache is not None else None
        if kept is None:
            known = KnownQuotable()
            evidence = stored_evidence(
                self._conn,
                memo=(lambda k, make: cache.part((self.generation, *k), make))
                if cache is not None
                else None,
                terms=matcher.terms,
                pattern=matcher.pattern(),
                match=fts_query(matcher.terms),
                start=start,
                end=end,
                rules=rules,
                filters=filters,
            ) or timeline_stage.collect_timeline_evidence(
                self._timeline_articles(matcher.terms, start, end, known, rules, cache),
                query=query,
                start=start,
                end=end,
                duplicate_groups=self.duplicate_groups,
            )
            if cache is not None:
                cache.keep_evidence(key, evidence, known)
        else:
            evidence, known = kept
        entries = timeline_stage.build_timeline_entries(
            (),
            query=query,
            dates=dates,
            sentences=sentences,
            start=start,
            end=end,
            known_quotable=known,
            evidence=evidence,
        )
        entries = self._with_event_ids(entries)
        status = self.status()
        params = {
            "dates": dates,
            "sentences": sentences,
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
            "articles": status.articles,
            "duplicate_groups": status.duplicate_groups,
            "events": status.events,
        }
        return Timeline(entries=entries, query=query, report=self.report(), params=params)

    def _with_event_ids(self, entries: tuple[TimelineEntry, ...]) -> tuple[TimelineEntry, ...]:
        """The entries with the ids of the events of their dates, in the events' order: what the
        stage attaches when given every event, from the events of these dates only (reading
        every event's id and date took 5-10 ms of a view on Timeline17)."""
        by_date: dict[str, list[str]] = {}
        for event_id, date in self._query(
            "SELECT id, date FROM events WHERE date IN (SELECT value FROM json_each(?)) "
            "ORDER BY position",
            (json.dumps(sorted({entry.date for entry in entries})),),
        ):
            by_date.setdefault(date, []).append(event_id)
        return tuple(
            dataclasses.replace(entry, event_ids=tuple(by_date[entry.date]))
            if entry.date in by_date
            else entry
            for entry in entries
        )

    def _timeline_articles(
        self,
        terms: Iterable[str],
        start: dt.date | None,
        end: dt.date | None,
        known: KnownQuotable,
        rules: str,
        cache: ViewCache | None,
    ) -> Iterator[AnalysedArticle]:
        """Stored analyses in id order, narrowed by the full-text index and publication day;
        article texts and event mentions are dropped (the timeline reads sentences), so memory
        holds sentences.
        Each article's quotable flags stored under ``rules`` go into ``known`` as it is read."""
        where, params = ["1"], [rules]
        match = fts_query(terms)
        if match:
            where.append("a.seq IN (SELECT rowid FROM article_text WHERE article_text MATCH ?)")
            params.append(match)
        if start is not None:
            where.append("(a.published_day IS NULL OR a.published_day >= ?)")
            params.append(start.isoformat())
        if end is not None:
            where.append("(a.published_day IS NULL OR a.published_day <= ?)")
            params.append(end.isoformat())
        cursor = self._conn.execute(
            "SELECT a.id, a.content_hash, an.record, q.flags FROM articles a "
            "JOIN analyses an ON an.article_id = a.id "
            "LEFT JOIN quotable q ON q.article_id = a.id AND q.rules = ? "
            f"WHERE {' AND '.join(where)} ORDER BY a.id",
            params,
        )
        while rows := cursor.fetchmany(READ_BATCH):
            for article_id, digest, blob, flags in rows:
                if flags is not None:
                    known.add(article_id, flags)
                cached = cache.get((article_id, digest)) if cache is not None else None
                if cached is not None:
                    yield cached
                    continue
                analysed: AnalysedArticle = decode_record(
                    blob, f"{self.path}: article {article_id!r}"
                )
                analysed = dataclasses.replace(
                    analysed,
                    article=dataclasses.replace(analysed.article, text=""),
                    event_mentions=(),
                )
                if cache is not None:
                    cache.put((article_id, digest), analysed)
                yield analysed

    def status(self) -> StoreStatus:
        one = lambda sql: self._query(sql)[0][0]  # noqa: E731
        first, last = self._query(
            "SELECT MIN(substr(published, 1, 10)), MAX(substr(published, 1, 10)) FROM articles"
        )[0]
        return StoreStatus(
            path=str(self.path),
            schema_version=SCHEMA_VERSION,
            articles=one("SELECT COUNT(*) FROM articles"),
            sources=one("SELECT COUNT(DISTINCT source) FROM articles WHERE source IS NOT NULL"),
            first_date=first,
            last_date=last,
            duplicate_groups=one("SELECT COUNT(DISTINCT group_id) FROM duplicate_groups"),
            events=one("SELECT COUNT(*) FROM events"),
            entities=one("SELECT COUNT(*) FROM entities"),
            problems=one("SELECT COUNT(*) FROM problems"),
            runs=one("SELECT COUNT(*) FROM runs"),
            generation=self.generation,
        )

    def report(self) -> IngestReport:
        """What the store was built from: files with stored articles, files that gave none,
        and the problems of the latest reading of each file."""
        read, articles = self._query("SELECT COUNT(DISTINCT path), COUNT(*) FROM articles")[0]
        unread = self._query(
            "SELECT COUNT(DISTINCT path) FROM problems WHERE severity = 'skipped' "
            "AND path NOT IN (SELECT path FROM articles)"
        )[0][0]
        seen = read + unread
        return IngestReport(
            files_seen=seen, files_read=read, articles_read=articles, problems=self.problems()
        )

    def problems(self) -> tuple[Problem, ...]:
        return tuple(
            Problem(path, reason, line, severity)
            for path, line, reason, severity in self._query(
                "SELECT path, line, reason, severity FROM problems ORDER BY run_id, rowid"
            )
        )

    @property
    def duplicate_groups(self) -> tuple[DuplicateGroup, ...]:
        members: dict[str, list[str]] = {}
        for group_id, article_id in self._query(
            "SELECT group_id, article_id FROM duplicate_groups ORDER BY article_id"
        ):
            members.setdefault(group_id, []).append(article_id)
        found = [DuplicateGroup(g, tuple(ids)) for g, ids in members.items()]
        return tuple(sorted(found, key=lambda g: (-len(g.article_ids), g.article_ids)))

    @property
    def events(self) -> tuple[Event, ...]:
        return tuple(
            decode_record(blob, f"{self.path}: event {event_id!r}")
            for event_id, blob in self._query("SELECT id, record FROM events ORDER BY position")
        )

    def event(self, event_id: str) -> Event | None:
        rows = self._query("SELECT record FROM events WHERE id = ?", (event_id,))
        return decode_record(rows[0][0], f"{self.path}: event {event_id!r}") if rows else None

    @property
    def entities(self) -> tuple[Entity, ...]:
        return tuple(
            decode_record(blob, f"{self.path}: entity {entity_id!r}")
            for entity_id, blob in self._query("SELECT id, record FROM entities ORDER BY position")
        )

    def entity(self, entity_id: str) -> Entity | None:
        rows = self._query("SELECT record FROM entities WHERE id = ?", (entity_id,))
        return decode_record(rows[0][0], f"{self.path}: entity {entity_id!r}") if rows else None

    def article(self, article_id: str) -> AnalysedArticle | None:
        rows = self._query("SELECT record FROM analyses WHERE article_id = ?", (article_id,))
        return decode_record(rows[0][0], f"{self.path}: article {article_id!r}") if rows else None

    def articles(self) -> Iterator[Article]:
        """Every stored article (metadata and cleaned text), in id order, streamed."""
        cursor = self._conn.execute("SELECT article_id, record FROM analyses ORDER BY article_id")
        while rows := cursor.fetchmany(READ_BATCH):
            for article_id, blob in rows:
                yield decode_record(blob, f"{self.path}: article {article_id!r}").article

    def article_index(self) -> Iterator[ArticleMeta]:
        """Every stored article's metadata, in id order, from the article rows alone."""
        cursor = self._conn.execute(
            "SELECT id, title, url, source, published, granularity, words, removed_lines, path "
            "FROM articles ORDER BY id"
        )
        while rows := cursor.fetchmany(READ_BATCH):
            for row in rows:
                yield ArticleMeta(*row)

    def time_conflicts(self) -> tuple[TimeConflict, ...]:
        """Every conflict of a stored time expression: by article id, then in text order."""
        return tuple(
            TimeConflict(*row)
            for row in self._query(
                "SELECT article_id, sentence, mention, value, conflict FROM time_conflicts "
                "ORDER BY article_id, rowid"
            )
        )

    def article_ids(self) -> list[str]:
        return [r[0] for r in self._query("SELECT id FROM articles ORDER BY id")]


def fts_query(terms: Iterable[str]) -> str | None:
    """An FTS5 query that matches every article the timeline's :class:`QueryMatcher` can match
    (a superset: the stage itself decides): whole words, or prefixes for terms of 4+ letters."""
    parts = []
    for term in sorted(terms):
        tokens = [t for t in "".join(c if c.isalnum() else " " for c in term).split() if t]
        if not tokens:
            # Only underscores and the like: the index has no words for it, so no prefilter.
            return None
        phrase = " ".join(tokens)
        parts.append(f'"{phrase}"' + ("*" if len(term) >= 4 else ""))
    return " OR ".join(parts) or None


def _chain(first: Article, rest: Iterator[Article]) -> Iterator[Article]:
    yield first
    yield from rest


def _analyse(
    articles: Iterator[Article], engine: str, workers: int, model: str | None, address: str | None
) -> Iterator[AnalysedArticle]:
    if engine == "ray":
        from dateline.ray_engine import analyse_articles_ray

        return analyse_articles_ray(articles, model=model, address=address)
    return analyse_articles(articles, workers=workers, model=model)
