"""The store's SQLite file: opening it safely, its schema, and the checks that protect it.

One file, stdlib ``sqlite3``, WAL journal (readers never block the one writer, a killed writer
leaves the last committed state). ``meta`` holds the format name and the schema version; a file
that is not a dateline store, is damaged, read-only or of another schema version is refused with
a message naming it, and nothing in it is changed.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from dateline.errors import StoreError

FORMAT = "dateline.store"
#: 2: text-free cross-article records (``ArticleNames``), no ``abbreviations`` table.
#: 3: ``articles.removed_lines``, ``time_conflicts`` and ``quotable`` (what the web app's pages
#: read without decoding whole analyses).
#: 4: ``sentences``, ``sentence_text`` and ``sentence_dates`` (a timeline view ranks dates from
#: them and reads only the sentences of the dates it uses: dateline.store.timeline_rows).
#: 5: ``lsh_bands`` and ``shingle_df`` log-structured (dateline.store.logtables); entities and
#: events keep the digest of their record and sparse positions (dateline.store.derived).
SCHEMA_VERSION = 5
#: How long a writer waits for another writer's transaction before giving up (milliseconds).
BUSY_TIMEOUT_MS = 600_000
_SQLITE_MAGIC = b"SQLite format 3\x00"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- One row per stored article; ``seq`` orders rows for the full-text index.
CREATE TABLE articles (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    path TEXT NOT NULL,
    line INTEGER,
    title TEXT,
    url TEXT,
    source TEXT,
    published TEXT,
    granularity TEXT,
    published_day TEXT,
    words INTEGER NOT NULL,
    removed_lines INTEGER NOT NULL DEFAULT 0,
    run_id INTEGER NOT NULL
);
CREATE INDEX articles_published_day ON articles(published_day);
-- The full analysis (AnalysedArticle), and the slice of it the cross-article stages read, with
-- no text: (ArticleNames, the AnalysedArticle with only its metadata and event mentions).
CREATE TABLE analyses (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    record BLOB NOT NULL,
    cross_record BLOB NOT NULL
);
-- Which sentences of an article the timeline may quote (``flags``: one byte a sentence, 1 or 0),
-- under the quoting rules fingerprinted in ``rules``: a view reads them instead of testing every
-- candidate sentence again; rows under other rules are ignored (the stage tests those itself).
CREATE TABLE quotable (article_id TEXT PRIMARY KEY, rules TEXT NOT NULL, flags BLOB NOT NULL);
-- Conflicts of an article's time expressions (a date that contradicts its weekday ...), in
-- sentence and mention order: the disagreements page reads them without decoding analyses.
CREATE TABLE time_conflicts (
    article_id TEXT NOT NULL, sentence TEXT NOT NULL, mention TEXT NOT NULL, value TEXT NOT NULL,
    conflict TEXT NOT NULL
);
CREATE INDEX time_conflicts_article ON time_conflicts(article_id);
CREATE VIRTUAL TABLE article_text USING fts5(title, body, content='', tokenize='unicode61');
-- The timeline's rows (dateline.store.timeline_rows): every sentence (``dated``: it has time
-- expressions; ``quotable``: under the rules of the article's ``quotable`` row; for a quotable one
-- its quote when not the text, the quote's TF-IDF terms and word count; ``plain``: ASCII without
-- "_", where the index's words are the query regex's), a full-text index of them, and every date
-- a sentence names (a day, or a month/year with its first and last day).
CREATE TABLE sentences (
    id INTEGER PRIMARY KEY, article_id TEXT NOT NULL, idx INTEGER NOT NULL, start INTEGER NOT NULL,
    stop INTEGER NOT NULL, dated INTEGER NOT NULL, quotable INTEGER NOT NULL, plain INTEGER NOT NULL,
    text TEXT NOT NULL, quote TEXT, terms TEXT NOT NULL, words INTEGER NOT NULL
);
-- (covering: a date's candidates are chosen from the index alone)
CREATE INDEX sentences_article ON sentences(article_id, idx, dated, quotable);
CREATE VIRTUAL TABLE sentence_text USING fts5(
    text, content='sentences', content_rowid='id', tokenize='unicode61'
);
CREATE TABLE sentence_dates (
    sentence_id INTEGER NOT NULL, article_id TEXT NOT NULL, slot TEXT NOT NULL,
    first_day TEXT NOT NULL, last_day TEXT NOT NULL, evidence TEXT NOT NULL, opens INTEGER NOT NULL
);
CREATE INDEX sentence_dates_slot ON sentence_dates(slot);
CREATE INDEX sentence_dates_article ON sentence_dates(article_id);
-- Near-duplicates (see dateline.store.duplicates).
CREATE TABLE shingles (
    doc INTEGER PRIMARY KEY, article_id TEXT NOT NULL UNIQUE, hashes BLOB NOT NULL,
    copy_keys BLOB, rewrite_keys BLOB
);
-- Main tables and what changed since they were merged (dateline.store.logtables).
CREATE TABLE shingle_df (hash INTEGER PRIMARY KEY, df INTEGER NOT NULL);
CREATE INDEX shingle_df_common ON shingle_df(df) WHERE df > 9;
CREATE TABLE shingle_df_recent (hash INTEGER PRIMARY KEY, df INTEGER NOT NULL);
CREATE INDEX shingle_df_recent_repeated ON shingle_df_recent(df) WHERE df > 1;
CREATE TABLE common_shingles (hash INTEGER PRIMARY KEY);
CREATE TABLE lsh_bands (key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc))
    WITHOUT ROWID;
CREATE TABLE lsh_bands_recent (key INTEGER NOT NULL, doc INTEGER NOT NULL,
                               PRIMARY KEY (key, doc)) WITHOUT ROWID;
CREATE TABLE lsh_bands_dropped (key INTEGER NOT NULL, doc INTEGER NOT NULL,
                                PRIMARY KEY (key, doc)) WITHOUT ROWID;
CREATE TABLE duplicate_pairs (
    a TEXT NOT NULL, b TEXT NOT NULL, signal TEXT NOT NULL, PRIMARY KEY (a, b, signal)
);
CREATE INDEX duplicate_pairs_b ON duplicate_pairs(b);
CREATE TABLE pending_duplicates (doc INTEGER PRIMARY KEY);
CREATE TABLE duplicate_groups (group_id TEXT NOT NULL, article_id TEXT PRIMARY KEY);
-- Entities and events, recomputed from the stored records after every add. ``position`` orders
-- them (with gaps: a new row takes one); ``digest`` is that of the record's pickle.
CREATE TABLE entities (id TEXT PRIMARY KEY, position INTEGER NOT NULL, name TEXT NOT NULL,
                       type TEXT NOT NULL, record BLOB NOT NULL, digest BLOB NOT NULL);
CREATE INDEX entities_position ON entities(position);
CREATE TABLE events (id TEXT PRIMARY KEY, position INTEGER NOT NULL, date TEXT,
                     type TEXT NOT NULL, record BLOB NOT NULL, digest BLOB NOT NULL);
CREATE TABLE event_articles (event_id TEXT NOT NULL, article_id TEXT NOT NULL,
                             PRIMARY KEY (event_id, article_id)) WITHOUT ROWID;
CREATE INDEX event_articles_article ON event_articles(article_id);
-- Runs of ``add`` and what each could not read.
CREATE TABLE runs (
    id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, paths TEXT NOT NULL,
    files_seen INTEGER, files_read INTEGER, articles_read INTEGER,
    new INTEGER, replaced INTEGER, unchanged INTEGER
);
CREATE TABLE problems (
    run_id INTEGER NOT NULL, path TEXT NOT NULL, line INTEGER, reason TEXT NOT NULL,
    severity TEXT NOT NULL
);
-- Every timeline view reads every event's id and date, in order: from this index alone.
CREATE INDEX events_dates ON events(position, id, date);
"""


def schema_statements() -> list[str]:
    """SCHEMA as single statements (``executescript`` would commit our open transaction)."""
    statements, buffer = [], ""
    for line in SCHEMA.splitlines():
        if line.lstrip().startswith("--"):
            continue
        buffer += line + "\n"
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    return statements


#: SQLite's page cache of a store connection, in KiB (negative): index pages stay cached across
#: the many small writes of an add.
CACHE_SIZE = -32000
#: The cache while a table is scanned once, or by the near-duplicate process (sequential scans
#: and a few look-ups): SQLite's default. The store's cache filled with the pages of every
#: stored record otherwise, which made the peak RSS of an add grow with the store until the
#: cache was full.
SCAN_CACHE_SIZE = -2000


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT: all of it is stored, or none of it."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextlib.contextmanager
def scan_cache(conn: sqlite3.Connection) -> Iterator[None]:
    """A small page cache on ``conn`` for the duration of a scan, then the one it had."""
    (before,) = conn.execute("PRAGMA cache_size").fetchone()
    conn.execute(f"PRAGMA cache_size = {SCAN_CACHE_SIZE}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(before)}")


def connect(path: Path, *, read_only: bool, cache_size: int = CACHE_SIZE) -> sqlite3.Connection:
    """An open connection to the store at ``path`` (created when writable and absent), with a
    page cache of ``cache_size`` (SQLite's ``PRAGMA cache_size``)."""
    exists = path.exists()
    if read_only and not exists:
        raise StoreError(f"{path}: no such store; create it with `dateline add ... --store {path}`")
    if exists:
        if path.is_dir():
            raise StoreError(f"{path}: is a folder; give a file path for --store")
        _check_header(path)
        if not read_only and (not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222):
            raise StoreError(
                f"{path}: the store is read-only; copy it somewhere writable or fix its "
                "permissions to add articles (reading it works as it is)"
            )
    elif not path.parent.exists():
        raise StoreError(f"{path}: folder {path.parent} does not exist")
    try:
        if read_only:
            uri = path.resolve().as_uri() + "?mode=ro"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        else:
            conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a usable dateline store ({exc})") from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Checked before anything is set: a file that is not ours is left byte for byte as it was.
        _check_or_create(conn, path, read_only=read_only, new=not exists)
        if not read_only:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA cache_size = {int(cache_size)}")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"{path}: not a usable dateline store ({exc})") from exc
    except BaseException:
        conn.close()
        raise
    return conn


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            head = handle.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror})") from exc
    if head and head != _SQLITE_MAGIC:
        raise StoreError(
            f"{path}: not a dateline store (not an SQLite file); give another --store path, "
            "nothing was changed"
        )


def _check_or_create(conn: sqlite3.Connection, path: Path, *, read_only: bool, new: bool) -> None:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables and not read_only:
        if not new and path.stat().st_size > 0:
            raise StoreError(f"{path}: an SQLite file with no tables is not a dateline store")
        with transaction(conn):
            # Another process may have created it between our look and our lock.
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
                for statement in schema_statements():
                    conn.execute(statement)
                conn.executemany(
                    "INSERT INTO meta(key, value) VALUES (?, ?)",
                    [
                        ("format", FORMAT),
                        ("schema_version", str(SCHEMA_VERSION)),
                        ("generation", "0"),
                        ("derived_stale", "0"),
                        ("merge_slice", "0"),
                        ("merged_docs", "0"),
                    ],
                )
        return
    if "meta" not in tables:
        raise StoreError(
            f"{path}: an SQLite database but not a dateline store (no meta table); give another "
            "--store path, nothing was changed"
        )
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    if meta.get("format") != FORMAT:
        raise StoreError(f"{path}: not a dateline store (format {meta.get('format')!r})")
    version = int(meta.get("schema_version", "0"))
    if version != SCHEMA_VERSION:
        rebuild = (
            "build a new store from the original articles with "
            "`dateline add PATH... --store NEWFILE`"
        )
        if version > SCHEMA_VERSION:
            advice = f"Use the dateline version that wrote it, or {rebuild}"
        else:
            advice = f"To use it with this dateline, {rebuild} (nothing was changed in this one)"
        raise StoreError(
            f"{path}: written by {'a newer' if version > SCHEMA_VERSION else 'an older'} dateline "
            f"(store schema {version}; this dateline reads schema {SCHEMA_VERSION}). {advice}"
        )
