"""The cross-article results of a store: entities and events, recomputed from the compact
per-article records after every add that brought something new (docs/store.md says why they are
recomputed rather than patched), while the duplicate groups are refreshed incrementally in
another process (:mod:`dateline.store.refresher`)."""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from dateline.entities import EntityIndex, article_names, resolve_article_names
from dateline.events import EventClaims
from dateline.records import AnalysedArticle, ArticleNames, DuplicateGroup
from dateline.store.codec import decode_record, pack_record, pickle_record
from dateline.store.collector import cyclic_gc_paused
from dateline.store.schema import scan_cache

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
    depend on the order articles arrived in). The scan reads each page once, so it runs with
    a small page cache (:func:`scan_cache`)."""
    with scan_cache(conn):
        cursor = conn.execute("SELECT article_id, cross_record FROM analyses ORDER BY article_id")
        while rows := cursor.fetchmany(READ_BATCH):
            for article_id, blob in rows:
                yield decode_record(blob, f"{where}: article {article_id!r}")


def resolve_entities_and_claims(
    conn: sqlite3.Connection, where: str
) -> tuple[EntityIndex, EventClaims, dict[str, float]]:
    """Entities resolved and event claims gathered from the stored records, in one pass that
    holds no record (memory per stored article: docs/store.md); returns them with the seconds
    each took. Reads only: it runs while the near-duplicate refresh writes its tables."""
    seconds: dict[str, float] = {}
    with cyclic_gc_paused():
        t = time.perf_counter()
        claims = EventClaims()
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
    return entity_index, claims, seconds


def write_derived(
    conn: sqlite3.Connection,
    entity_index: EntityIndex,
    claims: EventClaims,
    groups: Sequence[DuplicateGroup],
) -> dict[str, float]:
    """Events merged from the claims, then the entity and event rows written in the caller's
    transaction; returns the seconds each step took."""
    seconds: dict[str, float] = {}
    with cyclic_gc_paused():
        t = time.perf_counter()
        events = claims.events(entity_index, groups)
        entity_index = entity_index.with_event_ids(events)
        seconds["events"] = time.perf_counter() - t
        t = time.perf_counter()
        replace_rows(
            conn,
            "entities",
            ((e.id, e.name, e.type, pickle_record(e)) for e in entity_index.entities),
            ("name", "type"),
        )
        changed_events = replace_rows(
            conn,
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
    table: str,
    rows: Iterable[tuple[str, Any, str, bytes]],
    columns: tuple[str, str],
) -> set[str]:
    """Make ``table`` hold exactly ``rows`` (id, two columns, the record's pickle) in that order,
    writing only what changed: most entities and events are the same after an add. A record is
    compared by the stored digest of its pickle (unchanged ones are neither read nor compressed
    again), and positions are sparse (:func:`sparse_positions`), so a new row takes a gap
    instead of moving every row after it. Returns the ids of the rows removed, added or
    changed."""
    old = {
        row_id: (position, digest)
        for row_id, position, digest in conn.execute(f"SELECT id, position, digest FROM {table}")
    }
    wanted: list[tuple[str, Any, str, bytes, bytes]] = []
    for row_id, a, b, pickled in rows:
        digest = _digest(pickled)
        before = old.get(row_id)
        # Only the changed rows keep their pickle until they are written.
        keep = pickled if before is None or before[1] != digest else b""
        wanted.append((row_id, a, b, keep, digest))
    positions = sparse_positions([old[r[0]][0] if r[0] in old else None for r in wanted])
    ids = {r[0] for r in wanted}
    moved: list[tuple[int, str]] = []
    changed: list[tuple[str, int, Any, str, bytes, bytes]] = []
    for (row_id, a, b, pickled, digest), position in zip(wanted, positions, strict=True):
        before = old.get(row_id)
        if before is not None and before[1] == digest:
            if before[0] != position:
                moved.append((position, row_id))
        else:
            changed.append((row_id, position, a, b, pack_record(pickled), digest))
    conn.executemany(f"DELETE FROM {table} WHERE id = ?", ((i,) for i in old if i not in ids))
    conn.executemany(f"UPDATE {table} SET position = ? WHERE id = ?", moved)
    first, second = columns
    conn.executemany(
        f"INSERT INTO {table}(id, position, {first}, {second}, record, digest) "
        "VALUES (?, ?, ?, ?, ?, ?) "
        f"ON CONFLICT(id) DO UPDATE SET position = excluded.position, {first} = excluded.{first}, "
        f"{second} = excluded.{second}, record = excluded.record, digest = excluded.digest",
        changed,
    )
    return {row[0] for row in changed} | (old.keys() - ids)


#: The distance between consecutive positions when rows are numbered afresh.
POSITION_GAP = 1 << 32


def sparse_positions(old: Sequence[int | None]) -> list[int]:
    """Increasing positions for rows in their new order, given each row's old position (``None``
    for a new row): the longest run of old positions that is still increasing is kept, and the
    other rows take positions in the gaps between them; when a gap is too small for the rows it
    must hold, every row is numbered afresh, ``POSITION_GAP`` apart."""
    kept = _longest_increasing(old)
    positions: list[int | None] = [old[i] if i in kept else None for i in range(len(old))]
    afresh = [(i + 1) * POSITION_GAP for i in range(len(old))]
    index = 0
    while index < len(positions):
        if positions[index] is not None:
            index += 1
            continue
        end = index
        while end < len(positions) and positions[end] is None:
            end += 1
        count = end - index
        low = positions[index - 1] if index else None
        high = positions[end] if end < len(positions) else None
        if high is None:
            if low is None:
                return afresh
            high = low + (count + 1) * POSITION_GAP
        elif low is None:
            low = high - (count + 1) * POSITION_GAP
        if high - low <= count:
            return afresh
        for step in range(count):
            positions[index + step] = low + (high - low) * (step + 1) // (count + 1)
        index = end
    return [p for p in positions if p is not None]


def _longest_increasing(values: Sequence[int | None]) -> set[int]:
    """The indexes of a longest strictly increasing subsequence of the non-None ``values``
    (patience sorting, n log n)."""
    tails: list[int] = []  # the index ending the best subsequence of each length
    tail_values: list[int] = []
    parent: dict[int, int | None] = {}
    for index, value in enumerate(values):
        if value is None:
            continue
        length = bisect.bisect_left(tail_values, value)
        parent[index] = tails[length - 1] if length else None
        if length == len(tails):
            tails.append(index)
            tail_values.append(value)
        else:
            tails[length] = index
            tail_values[length] = value
    chosen: set[int] = set()
    node = tails[-1] if tails else None
    while node is not None:
        chosen.add(node)
        node = parent[node]
    return chosen


def _digest(pickled: bytes) -> bytes:
    return hashlib.blake2b(pickled, digest_size=16).digest()
