"""Near-duplicate groups kept up to date as articles arrive, with the result of a batch run.

:class:`dateline.dedup.NearDuplicateIndex` finds the pairs that share a MinHash LSH band and then
checks their exact Jaccard similarity, over all shingles (copies) and over *distinctive* shingles
(rewrites: shingles in more than ``max(10, 5% of N)`` articles dropped). That definition depends
only on the set of articles, so it can be kept incrementally:

* each article's shingle hashes and its copy-signal bands are written once, with the article,
  and its copy pairs found then (SQL look-ups of its band keys); the new articles'
  document-frequency counts are added after the add, in one pass;
* the common-shingle set is re-derived after each add from the partial ``df > 9`` index; only
  articles that are new or contain a shingle whose common/distinctive status changed get new
  rewrite bands and pairs; every other pair still holds;
* groups are the connected components of the stored pairs.

Same parameters, same permutations, same band split as the batch index: the same groups
(``tests/test_store.py`` checks it against :class:`NearDuplicateIndex`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable

import numpy as np
from datasketch import MinHash

from dateline.dedup import NearDuplicateIndex, _crc32, _sorted_jaccard, group_id, word_shingles
from dateline.records import DuplicateGroup
from dateline.store.logtables import BandRows, ShingleCounts, merge_after_add
from dateline.unionfind import UnionFind

COPY, REWRITE = "copy", "rewrite"
_KEY_COLUMN = {COPY: "copy_keys", REWRITE: "rewrite_keys"}
_SCAN_BATCH = 2000


_MIX = np.uint64(0x9E3779B97F4A7C15)
_SHIFT = np.uint64(31)


def _band_keys(minhash: MinHash, signal: str, bands: int, rows: int) -> list[int]:
    """One 63-bit key per LSH band, mixing the signal, the band number and the band's hash
    values (numpy, all bands at once). datasketch keys a band by the same values, so two
    signatures that share a band share a key; a collision could only add a candidate, and every
    candidate's Jaccard similarity is checked exactly."""
    values = minhash.hashvalues[: bands * rows].astype(np.uint64).reshape(bands, rows)
    offset = np.uint64(1 if signal == COPY else 1 << 20)
    with np.errstate(over="ignore"):
        key = np.arange(bands, dtype=np.uint64) + offset
        for column in range(rows):
            key = (key * _MIX) ^ values[:, column]
            key ^= key >> _SHIFT
        key = key * _MIX
        key ^= key >> _SHIFT
    return [int(k) for k in (key >> np.uint64(1))]


class StoreDuplicates:
    """The near-duplicate tables of one store connection (the caller owns transactions)."""

    def __init__(self, conn: sqlite3.Connection, params: NearDuplicateIndex | None = None) -> None:
        self.conn = conn
        self.params = params or NearDuplicateIndex()
        template = MinHash(num_perm=self.params.num_perm, seed=self.params.seed)
        self._permutations = template.permutations
        self._scheme = template.scheme
        self.bands = BandRows(conn)
        self.counts = ShingleCounts(conn)
        self._signals = {
            COPY: (self.params.copy_threshold, self.params._bands[self.params.copy_threshold]),
            REWRITE: (self.params.threshold, self.params._bands[self.params.threshold]),
        }

    def _minhash(self, hashes: np.ndarray) -> MinHash:
        minhash = MinHash(
            num_perm=self.params.num_perm,
            seed=self.params.seed,
            hashfunc=int,
            permutations=self._permutations,
            scheme=self._scheme,
        )
        minhash.update_batch(hashes.tolist())
        return minhash

    def shingle_hashes(self, text: str) -> np.ndarray:
        hashes = [_crc32(s.encode("utf-8")) for s in word_shingles(text, self.params.shingle_size)]
        return np.unique(np.array(hashes, dtype=np.uint32))

    def _hashes_of(self, doc: int) -> np.ndarray:
        row = self.conn.execute("SELECT hashes FROM shingles WHERE doc = ?", (doc,)).fetchone()
        return np.frombuffer(row[0], dtype=np.uint32) if row else np.zeros(0, dtype=np.uint32)

    def _doc(self, article_id: str) -> int | None:
        row = self.conn.execute(
            "SELECT doc FROM shingles WHERE article_id = ?", (article_id,)
        ).fetchone()
        return int(row[0]) if row else None

    # ------------------------------------------------------------------ per article
    def add_article(self, article_id: str, text: str) -> None:
        """Store the article's shingles, copy bands and copy pairs; queue it for rewrites."""
        hashes = self.shingle_hashes(text)
        doc = self.conn.execute(
            "INSERT INTO shingles(article_id, hashes) VALUES (?, ?)", (article_id, hashes.tobytes())
        ).lastrowid
        assert doc is not None
        # Its document-frequency counts are added by ``refresh``, for all new articles at once.
        self.conn.execute("INSERT INTO pending_duplicates(doc) VALUES (?)", (doc,))
        if len(hashes):
            self._index_copies(doc, article_id, hashes)

    def remove_article(self, article_id: str) -> None:
        """Forget an article (a replaced version): its counts, bands and pairs."""
        doc = self._doc(article_id)
        if doc is None:
            return
        counted = not self.conn.execute(
            "SELECT 1 FROM pending_duplicates WHERE doc = ?", (doc,)
        ).fetchone()
        if counted:
            self.counts.add((h, -1) for h in self._hashes_of(doc).tolist())
        for signal in (COPY, REWRITE):
            self._drop_bands(doc, signal)
        self.conn.execute("DELETE FROM shingles WHERE doc = ?", (doc,))
        self.conn.execute(
            "DELETE FROM duplicate_pairs WHERE a = ? OR b = ?", (article_id, article_id)
        )
        self.conn.execute("DELETE FROM pending_duplicates WHERE doc = ?", (doc,))

    def _drop_bands(self, doc: int, signal: str) -> None:
        column = _KEY_COLUMN[signal]
        row = self.conn.execute(f"SELECT {column} FROM shingles WHERE doc = ?", (doc,)).fetchone()
        if row and row[0]:
            keys = np.frombuffer(row[0], dtype=np.int64)
            self.bands.drop(sorted((k, doc) for k in keys.tolist()))
            self.conn.execute(f"UPDATE shingles SET {column} = NULL WHERE doc = ?", (doc,))

    def _index_copies(self, doc: int, article_id: str, hashes: np.ndarray) -> None:
        """Index the article's copy-signal bands and pair it with the stored articles that share
        a band and pass the exact Jaccard check (articles are read once, each later one finds the
        earlier ones: every pair is found once, in any order of arrival)."""
        threshold, (bands, rows) = self._signals[COPY]
        keys = _band_keys(self._minhash(hashes), COPY, bands, rows)
        pairs = []
        for other in self._passing(doc, keys, hashes, threshold, self._hashes_of):
            (other_id,) = self.conn.execute(
                "SELECT article_id FROM shingles WHERE doc = ?", (other,)
            ).fetchone()
            a, b = sorted((article_id, other_id))
            pairs.append((a, b, COPY))
        self.conn.executemany(
            "INSERT OR IGNORE INTO duplicate_pairs(a, b, signal) VALUES (?, ?, ?)", pairs
        )
        self.bands.add(sorted((k, doc) for k in set(keys)))
        self.conn.execute(
            f"UPDATE shingles SET {_KEY_COLUMN[COPY]} = ? WHERE doc = ?",
            (np.array(keys, dtype=np.int64).tobytes(), doc),
        )

    def _passing(
        self,
        doc: int,
        keys: list[int],
        hashes: np.ndarray,
        threshold: float,
        hashes_of: Callable[[int], np.ndarray],
    ) -> list[int]:
        """The other stored articles that share one of ``keys`` with ``doc`` and whose exact
        Jaccard similarity with ``hashes`` (theirs read by ``hashes_of``) passes ``threshold``."""
        candidates = self.bands.docs_with(keys) - {doc}
        return [
            other
            for other in sorted(candidates)
            if _sorted_jaccard(hashes, hashes_of(other)) >= threshold
        ]

    # ------------------------------------------------------------------ after an add
    def refresh(self) -> tuple[DuplicateGroup, ...]:
        """Bring rewrite pairs up to date and rewrite the groups table; returns the groups."""
        affected = {r[0] for r in self.conn.execute("SELECT doc FROM pending_duplicates")}
        self._count_shingles(sorted(affected))
        n = self.conn.execute("SELECT COUNT(*) FROM shingles").fetchone()[0]
        limit = max(float(self.params.common_min_articles), self.params.common_fraction * n)
        new_common = self.counts.above(limit)
        old_common = {r[0] for r in self.conn.execute("SELECT hash FROM common_shingles")}
        changed = np.array(sorted(new_common ^ old_common), dtype=np.uint32)
        if len(changed):
            affected |= set(self._docs_with_any(changed))
        common = np.array(sorted(new_common), dtype=np.uint32)

        def distinctive(doc: int) -> np.ndarray:
            hashes = self._hashes_of(doc)
            if not len(common):
                return hashes
            return hashes[~np.isin(hashes, common, assume_unique=True)]

        ids = dict(self.conn.execute("SELECT doc, article_id FROM shingles"))
        self._reband_rewrites(sorted(affected, key=lambda d: ids[d]), ids, distinctive)
        self.conn.execute("DELETE FROM common_shingles")
        self.conn.executemany(
            "INSERT INTO common_shingles(hash) VALUES (?)", ((h,) for h in sorted(new_common))
        )
        self.conn.execute("DELETE FROM pending_duplicates")
        merge_after_add(self.conn, self.bands, self.counts, n)
        groups = self._groups()
        self.conn.execute("DELETE FROM duplicate_groups")
        self.conn.executemany(
            "INSERT INTO duplicate_groups(group_id, article_id) VALUES (?, ?)",
            ((g.id, a) for g in groups for a in g.article_ids),
        )
        return groups

    def _reband_rewrites(
        self, docs: list[int], ids: dict[int, str], distinctive: Callable[[int], np.ndarray]
    ) -> None:
        """New rewrite bands and rewrite pairs for ``docs``, whose distinctive shingles changed.
        Only band rows whose key changed are written, all at once in key order (a changed
        shingle seldom moves every band of an article); every pair of these articles is checked
        again, since its Jaccard similarity changed. Pairs among ``docs`` are found from both
        sides and kept once."""
        threshold, (bands, rows) = self._signals[REWRITE]
        self.conn.executemany(
            "DELETE FROM duplicate_pairs WHERE signal = ? AND (a = ? OR b = ?)",
            ((REWRITE, ids[doc], ids[doc]) for doc in docs),
        )
        keys_of: dict[int, list[int]] = {}
        dropped: list[tuple[int, int]] = []
        added: list[tuple[int, int]] = []
        columns: list[tuple[bytes | None, int]] = []
        for doc in docs:
            hashes = distinctive(doc)
            keys = _band_keys(self._minhash(hashes), REWRITE, bands, rows) if len(hashes) else []
            (blob,) = self.conn.execute(
                "SELECT rewrite_keys FROM shingles WHERE doc = ?", (doc,)
            ).fetchone()
            old = set(np.frombuffer(blob, dtype=np.int64).tolist()) if blob else set()
            dropped += [(k, doc) for k in old.difference(keys)]
            added += [(k, doc) for k in set(keys) - old]
            columns.append((np.array(keys, dtype=np.int64).tobytes() if keys else None, doc))
            keys_of[doc] = keys
        self.bands.drop(sorted(dropped))
        self.bands.add(sorted(added))
        self.conn.executemany(
            f"UPDATE shingles SET {_KEY_COLUMN[REWRITE]} = ? WHERE doc = ?", columns
        )
        pairs: set[tuple[str, str, str]] = set()
        for doc in docs:
            if not keys_of[doc]:
                continue
            for other in self._passing(doc, keys_of[doc], distinctive(doc), threshold, distinctive):
                a, b = sorted((ids[doc], ids[other]))
                pairs.add((a, b, REWRITE))
        self.conn.executemany(
            "INSERT OR IGNORE INTO duplicate_pairs(a, b, signal) VALUES (?, ?, ?)", sorted(pairs)
        )

    def _count_shingles(self, docs: list[int]) -> None:
        """Add the new articles' shingles to the document frequencies: one upsert per distinct
        shingle, in key order. Done per article, inside each write transaction, the random
        upserts dirtied most of the table's pages at every commit (0.5 s of an add of 100
        articles to a 4,100-article store)."""
        for first in range(0, len(docs), _SCAN_BATCH):
            chunk = [self._hashes_of(doc) for doc in docs[first : first + _SCAN_BATCH]]
            hashes, counts = np.unique(np.concatenate(chunk), return_counts=True)
            self.counts.add(zip(hashes.tolist(), counts.tolist(), strict=True))

    def _docs_with_any(self, changed: np.ndarray) -> Iterable[int]:
        """Articles containing one of ``changed``: a streamed scan of the stored shingle sets,
        tested a batch of articles at a time (one ``np.isin`` per batch, not per article)."""
        cursor = self.conn.execute("SELECT doc, hashes FROM shingles")
        while rows := cursor.fetchmany(_SCAN_BATCH):
            arrays = [np.frombuffer(blob, dtype=np.uint32) for _, blob in rows]
            owner = np.repeat(np.array([doc for doc, _ in rows]), [len(a) for a in arrays])
            hits = np.isin(np.concatenate(arrays), changed)
            yield from np.unique(owner[hits]).tolist()

    def _groups(self) -> tuple[DuplicateGroup, ...]:
        components = UnionFind[str]()
        for a, b in self.conn.execute("SELECT DISTINCT a, b FROM duplicate_pairs ORDER BY a, b"):
            components.add(a)
            components.add(b)
            components.union(a, b)
        found = [
            DuplicateGroup(id=group_id(ids), article_ids=tuple(ids))
            for ids in components.groups()
            if len(ids) > 1
        ]
        return tuple(sorted(found, key=lambda g: (-len(g.article_ids), g.article_ids)))
