"""The two large tables of the near-duplicate index, kept log-structured so an add writes few pages.

Band keys and shingle hashes are random numbers: the rows of an add land all over a large B-tree,
and an add of 100 articles to a 4,100-article store used to dirty every page of ``lsh_bands`` and
``shingle_df`` (27.7 and 24.8 MB of the 71.5 MB it wrote). Each is now a main table plus small
tables of what changed since it was last merged: band rows added (``lsh_bands_recent``) and main
rows no longer valid (``lsh_bands_dropped``); count deltas (``shingle_df_recent``). Look-ups read
both. After every add one key range of the small tables is merged into the main one, the
``SLICES`` ranges in turn, so an add rewrites about ``1/SLICES`` of the main pages and the small
tables hold about ``SLICES`` adds' rows. When the store has grown by more than ``1/SLICES``
since the last whole merge (a store being filled, or an add of many articles), everything is
merged at once: the small tables stay under about a quarter of the main ones, and a large add
pays for its own merge instead of leaving it to the next adds. The rows a look-up sees are the same
whatever has been merged: ``tests/test_store.py`` checks it against the batch index.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

#: Key ranges merged in turn, one after each add.
SLICES = 4
_BAND_KEYS = 1 << 63  # band keys are 63-bit (dateline.store.duplicates._band_keys)
_HASHES = 1 << 32  # shingle hashes are CRC32 values


def _key_range(part: int, parts: int, size: int) -> tuple[int, int]:
    """The ``part``-th of ``parts`` equal ranges of ``[0, size)``, both ends inclusive (SQLite
    integers stop at 2**63 - 1)."""
    return part * size // parts, (part + 1) * size // parts - 1


class BandRows:
    """The (band key, article) rows of both LSH signals: main, recent and dropped."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def add(self, rows: Sequence[tuple[int, int]]) -> None:
        """Make ``rows`` valid: revive a dropped main row, or add a recent one."""
        self.conn.executemany("DELETE FROM lsh_bands_dropped WHERE key = ? AND doc = ?", rows)
        self.conn.executemany(
            "INSERT OR IGNORE INTO lsh_bands_recent(key, doc) SELECT ?1, ?2 "
            "WHERE NOT EXISTS (SELECT 1 FROM lsh_bands WHERE key = ?1 AND doc = ?2)",
            rows,
        )

    def drop(self, rows: Sequence[tuple[int, int]]) -> None:
        """Make ``rows`` invalid: forget a recent row, or mark a main one dropped."""
        self.conn.executemany("DELETE FROM lsh_bands_recent WHERE key = ? AND doc = ?", rows)
        self.conn.executemany(
            "INSERT OR IGNORE INTO lsh_bands_dropped(key, doc) SELECT ?1, ?2 "
            "WHERE EXISTS (SELECT 1 FROM lsh_bands WHERE key = ?1 AND doc = ?2)",
            rows,
        )

    def docs_with(self, keys: Sequence[int]) -> set[int]:
        """The articles holding one of ``keys`` (valid rows only)."""
        marks = ",".join("?" * len(keys))
        return {
            r[0]
            for r in self.conn.execute(
                f"SELECT doc FROM lsh_bands b WHERE key IN ({marks}) AND NOT EXISTS "
                "(SELECT 1 FROM lsh_bands_dropped d WHERE d.key = b.key AND d.doc = b.doc) "
                f"UNION SELECT doc FROM lsh_bands_recent WHERE key IN ({marks})",
                [*keys, *keys],
            )
        }

    def merge(self, part: int, parts: int) -> None:
        low, high = _key_range(part, parts, _BAND_KEYS)
        dropped = self.conn.execute(
            "SELECT key, doc FROM lsh_bands_dropped WHERE key BETWEEN ? AND ? ORDER BY key, doc",
            (low, high),
        ).fetchall()
        self.conn.executemany("DELETE FROM lsh_bands WHERE key = ? AND doc = ?", dropped)
        self.conn.execute(
            "INSERT INTO lsh_bands(key, doc) SELECT key, doc FROM lsh_bands_recent "
            "WHERE key BETWEEN ? AND ? ORDER BY key, doc",
            (low, high),
        )
        self.conn.execute("DELETE FROM lsh_bands_dropped WHERE key BETWEEN ? AND ?", (low, high))
        self.conn.execute("DELETE FROM lsh_bands_recent WHERE key BETWEEN ? AND ?", (low, high))


class ShingleCounts:
    """How many stored articles hold each shingle: main counts plus recent deltas."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def add(self, deltas: Iterable[tuple[int, int]]) -> None:
        """Add ``(hash, delta)`` to the counts (in hash order, for fewer pages)."""
        self.conn.executemany(
            "INSERT INTO shingle_df_recent(hash, df) VALUES (?, ?) "
            "ON CONFLICT(hash) DO UPDATE SET df = df + excluded.df",
            deltas,
        )

    def above(self, limit: float) -> set[int]:
        """The shingles held by more than ``limit`` articles. From 10 on, such a count is over 9
        in the main table's partial index or has a recent delta of at least 2 (in the recent
        table's): both sides are read from their indexes; a lower limit reads every count."""
        if limit < 10:
            return {h for h, n in self.counts().items() if n > limit}
        return {
            r[0]
            for r in self.conn.execute(
                "SELECT m.hash FROM shingle_df m LEFT JOIN shingle_df_recent r ON r.hash = m.hash "
                "WHERE m.df > 9 AND m.df + COALESCE(r.df, 0) > ?1 "
                "UNION "
                "SELECT r.hash FROM shingle_df_recent r LEFT JOIN shingle_df m ON m.hash = r.hash "
                "WHERE r.df > 1 AND COALESCE(m.df, 0) <= 9 AND r.df + COALESCE(m.df, 0) > ?1",
                (limit,),
            )
        }

    def counts(self) -> dict[int, int]:
        """Every shingle's count (what a batch run would count)."""
        merged = dict(self.conn.execute("SELECT hash, df FROM shingle_df"))
        for shingle, delta in self.conn.execute("SELECT hash, df FROM shingle_df_recent"):
            merged[shingle] = merged.get(shingle, 0) + delta
        return {h: n for h, n in merged.items() if n > 0}

    def merge(self, part: int, parts: int) -> None:
        low, high = _key_range(part, parts, _HASHES)
        self.conn.execute(
            "INSERT INTO shingle_df(hash, df) SELECT hash, df FROM shingle_df_recent "
            "WHERE hash BETWEEN ? AND ? ORDER BY hash "
            "ON CONFLICT(hash) DO UPDATE SET df = df + excluded.df",
            (low, high),
        )
        self.conn.execute(
            "DELETE FROM shingle_df WHERE hash IN "
            "(SELECT hash FROM shingle_df_recent WHERE hash BETWEEN ? AND ?) AND df <= 0",
            (low, high),
        )
        self.conn.execute("DELETE FROM shingle_df_recent WHERE hash BETWEEN ? AND ?", (low, high))


def merge_after_add(
    conn: sqlite3.Connection, bands: BandRows, counts: ShingleCounts, docs: int
) -> None:
    """Merge the next key range of both tables (all of them once the store, now of ``docs``
    articles, has grown by more than ``1/SLICES`` since the last whole merge); the cursor and
    that size are kept in ``meta`` (created with the schema)."""
    meta = dict(
        conn.execute("SELECT key, value FROM meta WHERE key IN ('merge_slice', 'merged_docs')")
    )
    part, merged_docs = int(meta["merge_slice"]), int(meta["merged_docs"])
    if (docs - merged_docs) * SLICES > merged_docs:
        part, parts, merged_docs, after = 0, 1, docs, 0
    else:
        parts, after = SLICES, (part + 1) % SLICES
    for table in (bands, counts):
        table.merge(part, parts)
    conn.executemany(
        "UPDATE meta SET value = ? WHERE key = ?",
        [(str(after), "merge_slice"), (str(merged_docs), "merged_docs")],
    )
