"""The cross-article results of a store: duplicate groups (kept incrementally by
:mod:`dateline.store.duplicates`), then entities and events, recomputed from the compact
per-article records after every add that brought something new (docs/store.md says why they are
recomputed rather than patched)."""

from __future__ import annotations

import dataclasses
import hashlib
import sqlite3
import time
from collections.abc import Iterable, Iterator
from typing import Any

from dateline.entities import article_names, resolve_article_names
from dateline.events import EventClaims
from dateline.records import AnalysedArticle, ArticleNames
from dateline.store.codec import decode_record, pack_record, pickle_record, unpack_record
from dateline.store.collector import cyclic_gc_paused
from dateline.store.duplicates import StoreDuplicates

#: Rows fetched at a time when records are streamed from the store.
READ_BATCH = 256


def cross_record(analysed: AnalysedArticle) -> tuple[ArticleNames, AnalysedArticle]:
    """The part of an analysis the cross-article stages read, without the text: what entity
    resolution reads of the article (its names, the titles around them, its abbreviations),
    and for events its event mentions and the article's metadata."""
    article = dataclasses.replace(analysed.article, text="", removed_examples=(), extra={})
    slim = AnalysedArticle(article=article, sentences=(), event_mentions=analysed.event_mentions)
    return article_names(analysed), slim


def cross_records(
    conn: sqlite3.Connection, where: str
) -> Iterator[tuple[ArticleNames, AnalysedArticle]]:
    """Every stored article's :func:`cross_record`, in article id order (so results do not
    depend on the order articles arrived in)."""
    cursor = conn.execute("SELECT article_id, cross_record FROM analyses ORDER BY article_id")
    while rows := cursor.fetchmany(READ_BATCH):
        for article_id, blob in rows:
            yield decode_record(blob, f"{where}: article {article_id!r}")


def update_derived(
    conn: sqlite3.Connection, where: str, duplicates: StoreDuplicates
) -> dict[str, float]:
    """Duplicate groups (incremental), then entities and events (from stored records), written
    in the caller's transaction; returns the seconds each step took."""
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    groups = duplicates.refresh()
    seconds["near-duplicates"] = time.perf_counter() - t
    with cyclic_gc_paused():
        t = time.perf_counter()
        # One pass over the stored records feeds both stages: entity resolution reads the
        # names, the event claims keep what merging reads of each event mention; no record
        # is held (memory per stored article: docs/store.md).
        claims = EventClaims(groups)
        loading = 0.0

        def names() -> Iterator[ArticleNames]:
            nonlocal loading
            for article_names_, record in cross_records(conn, where):
                started = time.perf_counter()
                claims.add(record)
                loading += time.perf_counter() - started
                yield article_names_

        entity_index = resolve_article_names(names())
        seconds["entities"] = time.perf_counter() - t - loading
        seconds["event claims"] = loading
        t = time.perf_counter()
        events = claims.events(entity_index)
        entity_index = entity_index.with_event_ids(events)
        seconds["events"] = time.perf_counter() - t
        t = time.perf_counter()
        replace_rows(
            conn,
            where,
            "entities",
            ((e.id, e.name, e.type, pickle_record(e)) for e in entity_index.entities),
            ("name", "type"),
        )
        changed_events = replace_rows(
            conn,
            where,
            "events",
            ((e.id, e.date, e.type, pickle_record(e)) for e in events),
            ("date", "type"),
        )
    # An event's sources are part of its record: only changed or removed events change links.
    conn.executemany(
        "DELETE FROM event_articles WHERE event_id = ?", ((i,) for i in sorted(changed_events))
    )
    conn.executemany(
        "INSERT INTO event_articles(event_id, article_id) VALUES (?, ?)",
        ((e.id, s.article_id) for e in events if e.id in changed_events for s in e.sources),
    )
    seconds["write results"] = time.perf_counter() - t
    return seconds


def replace_rows(
    conn: sqlite3.Connection,
    where: str,
    table: str,
    rows: Iterable[tuple[str, Any, str, bytes]],
    columns: tuple[str, str],
) -> set[str]:
    """Make ``table`` hold exactly ``rows`` (id, two columns, the record's pickle) in that order,
    writing only what changed: most entities and events are the same after an add, and often
    only their position moved (a new entity sorts before them). The stored blobs are compared by
    a digest of their pickle, so unchanged records are not compressed again (zlib was half the
    cost of writing them), and only the changed ones are held. Returns the ids of the rows
    removed, added or changed."""
    old = {
        row_id: (position, _digest(unpack_record(blob, f"{where}: {table} {row_id!r}")))
        for row_id, position, blob in conn.execute(f"SELECT id, position, record FROM {table}")
    }
    wanted: set[str] = set()
    moved: list[tuple[int, str]] = []
    changed: list[tuple[str, int, Any, str, bytes]] = []
    for position, (row_id, a, b, pickled) in enumerate(rows):
        wanted.add(row_id)
        before = old.get(row_id)
        if before is not None and before[1] == _digest(pickled):
            if before[0] != position:
                moved.append((position, row_id))
        else:
            changed.append((row_id, position, a, b, pack_record(pickled)))
    conn.executemany(f"DELETE FROM {table} WHERE id = ?", ((i,) for i in old if i not in wanted))
    conn.executemany(f"UPDATE {table} SET position = ? WHERE id = ?", moved)
    first, second = columns
    conn.executemany(
        f"INSERT INTO {table}(id, position, {first}, {second}, record) VALUES (?, ?, ?, ?, ?) "
        f"ON CONFLICT(id) DO UPDATE SET position = excluded.position, {first} = excluded.{first}, "
        f"{second} = excluded.{second}, record = excluded.record",
        changed,
    )
    return {row[0] for row in changed} | (old.keys() - wanted)


def _digest(pickled: bytes) -> bytes:
    return hashlib.blake2b(pickled, digest_size=16).digest()
