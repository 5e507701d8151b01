"""The timeline's rows: what ``add`` keeps of each sentence so that a new view ranks dates with SQL
and reads sentences only for the dates it uses.

Collecting a view's evidence from decoded analyses walks every sentence of every selected article
(seconds on Timeline17). The stage's first step needs much less: for each sentence, the dates it
names (:func:`dateline.timeline_evidence.sentence_slots`), whether it is dated at all, whether it
may be quoted, and for a query whether it matches. So ``add`` writes:

* ``sentences``: one row per sentence (index, offsets, ``dated``, ``quotable`` under the rules of
  the article's ``quotable`` row, text; for a quotable one its quote when it is not the text, the
  quote's TF-IDF terms and word count, which the stage would otherwise work out for every
  candidate of every date it uses), with a full-text index (``sentence_text``) that finds the
  sentences a query may match (a superset, checked with the stage's own regex);
* ``sentence_dates``: one row per sentence and date it names (day, month or year), with the time
  expression and whether it opens the sentence.

A view (:func:`stored_evidence`) counts each date's supporting units with SQL, ranks them with the
stage's own code, and reads the sentences of a date only when the stage asks for its pool: about
``dates + 10`` dates. The result is the stage's, sentence for sentence; views under other quoting
rules than those stored fall back to the stage over decoded analyses.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from dateline.records import AnalysedArticle, Article, PublicationDate, Sentence
from dateline.store.quotable import QUOTABLE
from dateline.timeline import MAX_POOL, SentenceFilters, word_count
from dateline.timeline_evidence import (
    LEDE_SENTENCES,
    StoredSentence,
    TimelineEvidence,
    _Candidate,
    _DateEvidence,
    _opens_sentence,
    _period_bounds,
    sentence_slots,
)


def write_sentence_rows(
    conn: sqlite3.Connection,
    analysed: AnalysedArticle,
    flags: bytes,
    filters: SentenceFilters,
    analyse: Callable[[str], list[str]],
) -> None:
    """Store an article's sentences and the dates they name (``flags``: its quotable flags);
    for a quotable sentence also its quote, the quote's TF-IDF terms (``analyse``:
    :func:`dateline.timeline.text_terms_analyser`, made once per batch) and word count."""
    article_id = analysed.article.id
    for sentence in analysed.sentences:
        quotable = flags[sentence.index] == QUOTABLE
        quote = filters.quotable_text(sentence.text) if quotable else sentence.text
        sentence_id = conn.execute(
            "INSERT INTO sentences(article_id, idx, start, stop, dated, quotable, plain, text, "
            "quote, terms, words) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article_id,
                sentence.index,
                sentence.start,
                sentence.end,
                int(bool(sentence.time_mentions)),
                int(quotable),
                int(sentence.text.isascii() and "_" not in sentence.text),
                sentence.text,
                None if quote == sentence.text else quote,
                " ".join(analyse(quote)) if quotable else "",
                word_count(quote) if quotable else -1,
            ),
        ).lastrowid
        conn.execute(
            "INSERT INTO sentence_text(rowid, text) VALUES (?, ?)", (sentence_id, sentence.text)
        )
        conn.executemany(
            "INSERT INTO sentence_dates(sentence_id, article_id, slot, first_day, last_day, "
            "evidence, opens) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((sentence_id, article_id, *row) for row in sentence_date_rows(sentence)),
        )


def sentence_date_rows(sentence: Sentence) -> list[tuple[str, str, str, str, int]]:
    """``(slot, first day, last day, time expression, opens)`` of every date a sentence names."""
    days, periods = sentence_slots(sentence)
    rows = [
        (
            day.isoformat(),
            day.isoformat(),
            day.isoformat(),
            m.text,
            int(_opens_sentence(m, sentence)),
        )
        for day, m in days.items()
    ]
    for period, m in periods.items():
        first, last = _period_bounds(period)
        rows.append((period, first.isoformat(), last.isoformat(), m.text, 0))
    return rows


def forget_sentence_rows(conn: sqlite3.Connection, article_id: str) -> None:
    """Remove an article's rows (it is being replaced)."""
    conn.execute(
        "INSERT INTO sentence_text(sentence_text, rowid, text) "
        "SELECT 'delete', id, text FROM sentences WHERE article_id = ?",
        (article_id,),
    )
    conn.execute("DELETE FROM sentence_dates WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM sentences WHERE article_id = ?", (article_id,))


# --------------------------------------------------------------------------- views


#: Makes a part of a view once (``key``, ``make``): :meth:`dateline.store.ViewCache.part`.
Memo = Callable[[tuple[Any, ...], Callable[[], Any]], Any]


def _no_memo(key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    return make()


def stored_evidence(
    conn: sqlite3.Connection,
    *,
    memo: Memo | None = None,
    terms: frozenset[str],
    pattern: re.Pattern[str] | None,
    match: str | None,
    start: dt.date | None,
    end: dt.date | None,
    rules: str,
    filters: SentenceFilters,
) -> TimelineEvidence | None:
    """The evidence of a view from the rows, for ``timeline.build_timeline_entries``: the dates'
    support counted with SQL, their candidate pools read when the stage asks for them. None when
    some article's quotable flags were stored under other rules than ``rules`` (the caller then
    collects the evidence from the analyses). ``pattern`` is ``QueryMatcher.pattern()`` and
    ``match`` the full-text query that finds a superset of what it matches (None: no prefilter).
    ``memo`` keeps what views share (a long-lived reader's cache; the result is the same).
    """
    memo = memo or _no_memo
    if conn.execute("SELECT 1 FROM quotable WHERE rules != ? LIMIT 1", (rules,)).fetchone():
        return None
    lo = start.isoformat() if start else "0000"
    hi = end.isoformat() if end else "9999"
    relevant: set[int] | None = None
    selected: set[str] | None = None
    undated: dict[str, list[tuple[int, int]]] = {}
    rejected: list[int] = []
    if pattern is not None:
        relevant, selected, undated, rejected = memo(
            ("query", terms, pattern.pattern, match),
            lambda: _query_matches(conn, terms, pattern, match),
        )

    days: dict[dt.date, _DateEvidence] = {}
    periods: dict[str, _DateEvidence] = {}
    # A query view's undated on-topic quotable sentences by their article's publication day
    # (the pools' undated candidates when a date has on-topic ones, as it mostly has).
    undated_by_day: dict[str, list[_Row]] = {}
    units = memo(("units",), lambda: _Units.read(conn))
    for article_id, day, unit_id, has_sentences in units.dated:
        if not lo <= day <= hi:
            continue
        if (article_id not in selected) if selected is not None else not has_sentences:
            continue
        for index, sentence_id in undated.get(article_id, ()):
            undated_by_day.setdefault(day, []).append((article_id, index, sentence_id, 0, "", 0, 1))
        ev = days.get(key := dt.date.fromisoformat(day))
        if ev is None:
            ev = days[key] = _DateEvidence(day, "day")
        ev.published_units.add(unit_id)
        ev.article_ids.add(article_id)

    where = f"d.last_day >= ? AND d.first_day <= ? AND {_IN_RANGE}"
    params: list[object] = [lo, hi, lo, hi]
    if relevant is not None and match is not None:
        # The full-text index finds the sentences again, less those the regex rejected: 15,000
        # relevant ids given through json_each took twice as long (26 vs 14 ms, "oil spill").
        where += (
            " AND d.sentence_id IN (SELECT rowid FROM sentence_text WHERE sentence_text MATCH ?)"
            " AND d.sentence_id NOT IN (SELECT value FROM json_each(?))"
        )
        params += [match, json.dumps(rejected)]
    elif relevant is not None:
        where += " AND d.sentence_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(sorted(relevant)))
    # Counted per article by SQL, then per unit here: joining the groups and naming the unit in
    # SQL for every row took twice as long (26 vs 13 ms for a query matching half of T17).
    counts: dict[tuple[str, str], int] = {}
    for slot, article_id, count in conn.execute(
        "SELECT d.slot, d.article_id, COUNT(*) FROM sentence_dates d "
        f"JOIN articles a ON a.id = d.article_id WHERE {where} GROUP BY 1, 2",
        params,
    ):
        slot_unit = (slot, units.unit_of[article_id])
        counts[slot_unit] = counts.get(slot_unit, 0) + count
    for (slot, unit_id), count in sorted(counts.items()):
        if len(slot) == 10:
            ev = days.get(key := dt.date.fromisoformat(slot))
            if ev is None:
                ev = days[key] = _DateEvidence(slot, "day")
            ev.mention_sentences += count
        else:
            ev = periods.get(slot)
            if ev is None:
                ev = periods[slot] = _DateEvidence(slot, "month" if len(slot) == 7 else "year")
        ev.mention_units.add(unit_id)
    pools = _Pools(conn, filters, relevant, selected, lo, hi, end, undated_by_day)
    return TimelineEvidence(terms, start, end, days, periods, pool=pools)


@dataclass(frozen=True, slots=True)
class _Units:
    """Every article's support unit (its duplicate group, or itself), and for the dated ones,
    in publication-day order, ``(id, publication day, unit, has sentences)``."""

    unit_of: dict[str, str]
    dated: list[tuple[str, str, str, int]]

    @classmethod
    def read(cls, conn: sqlite3.Connection) -> _Units:
        unit = "COALESCE('group:' || g.group_id, 'article:' || a.id)"
        rows = conn.execute(
            f"SELECT a.id, a.published_day, {unit}, "
            "EXISTS (SELECT 1 FROM sentences s WHERE s.article_id = a.id) FROM articles a "
            "LEFT JOIN duplicate_groups g ON g.article_id = a.id ORDER BY a.published_day"
        ).fetchall()
        return cls({r[0]: r[2] for r in rows}, [r for r in rows if r[1] is not None])


def _query_matches(
    conn: sqlite3.Connection, terms: frozenset[str], pattern: re.Pattern[str], match: str | None
) -> tuple[set[int], set[str], dict[str, list[tuple[int, int]]], list[int]]:
    """The ids of the sentences that match the query; the articles a query view uses (those
    with such a sentence or a matching title); by article, the ``(index, id)`` of its
    matching sentences that are quotable and name no date; and the ids of the sentences the
    full-text index found that the regex rejects (none without an index query). The full-text
    indexes narrow, the regex decides.

    When every term is ASCII letters and digits, a ``plain`` sentence (ASCII, no "_") found by
    the index matches: its index words are then exactly the regex's words (runs of letters and
    digits, compared without case), so only the other sentences are searched again."""
    search = pattern.search
    undated_quotable = "s.dated = 0 AND s.quotable = 1"
    if match is None:
        sentences = conn.execute(
            f"SELECT s.id, s.article_id, s.text, s.idx, {undated_quotable} FROM sentences s"
        )
        titles = conn.execute("SELECT id, title FROM articles")
    else:
        plain = all(t.isascii() and t.isalnum() for t in terms)
        text = "CASE WHEN s.plain THEN NULL ELSE s.text END" if plain else "s.text"
        sentences = conn.execute(
            f"SELECT s.id, s.article_id, {text}, s.idx, {undated_quotable} FROM sentences s "
            "WHERE s.id IN (SELECT rowid FROM sentence_text WHERE sentence_text MATCH ?)",
            (match,),
        )
        titles = conn.execute(
            "SELECT id, title FROM articles WHERE seq IN "
            "(SELECT rowid FROM article_text WHERE article_text MATCH ?)",
            (match,),
        )
    relevant: set[int] = set()
    selected: set[str] = set()
    undated: dict[str, list[tuple[int, int]]] = {}
    rejected: list[int] = []
    for sentence_id, article_id, found, index, undated_quotable_one in sentences:
        if found is None or search(found) is not None:
            relevant.add(sentence_id)
            selected.add(article_id)
            if undated_quotable_one:
                undated.setdefault(article_id, []).append((index, sentence_id))
        elif match is not None:
            rejected.append(sentence_id)
    selected.update(article_id for article_id, title in titles if search(title or ""))
    return relevant, selected, undated, rejected


#: What a date's candidate rows carry of each sentence, after why it is a candidate: read only
#: for the rows the pool keeps (a busy date has thousands of rows, of which a few hundred stay).
_TEXT = "s.stop, s.text, s.quote, s.terms, s.words"
#: A candidate's row: article id, sentence index, sentence id, names the date (1/0), the time
#: expression, the expression opens the sentence (1/0), quotable (1/0).
_Row = tuple[str, int, int, int, str, int, int]
#: The rows of the sentences naming a date (``d.slot``), of articles published in the view's
#: range or undated.
_NAMING = (
    "SELECT s.article_id, s.idx, s.id, 1, d.evidence, d.opens, s.quotable "
    "FROM sentence_dates d JOIN sentences s ON s.id = d.sentence_id "
    "JOIN articles a ON a.id = d.article_id"
)
_IN_RANGE = "(a.published_day IS NULL OR a.published_day BETWEEN ? AND ?)"
#: :data:`_NAMING` for one date (slot, then the range's first and last day).
_NAMING_SLOT = _NAMING + " WHERE d.slot = ? AND " + _IN_RANGE


class _Pools:
    """A view's candidate pools, read from the rows date by date (and kept: another ``dates`` or
    ``sentences`` of the view asks again)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        filters: SentenceFilters,
        relevant: set[int] | None,
        selected: set[str] | None,
        lo: str,
        hi: str,
        end: dt.date | None,
        undated_by_day: dict[str, list[_Row]],
    ) -> None:
        self.conn = conn
        self.filters = filters
        self.relevant = relevant
        self.selected = selected
        self.lo, self.hi, self.end = lo, hi, end
        self.undated_by_day = undated_by_day
        self._pools: dict[str, list[_Candidate]] = {}
        self._articles: dict[str, Article] = {}

    def __call__(self, ev: _DateEvidence) -> list[_Candidate]:
        pool = self._pools.get(ev.key)
        if pool is None:
            pool = self._pools[ev.key] = self._read(ev)
        return pool

    def _read(self, ev: _DateEvidence) -> list[_Candidate]:
        """The stage's ``_candidate_pool`` of the date, from its rows: its quotable candidates
        (on-topic ones when there are any), the first ``MAX_POOL`` by (names the date, sentence
        index) when there are more; candidates in article id, then sentence order."""
        if self.relevant is not None:
            on_topic = self._on_topic(ev)
            if on_topic:
                return self._pool(on_topic)
        # The sentences naming the date (quotable or not: all of them support it), then the
        # undated quotable ones of the articles published on it.
        sql = _NAMING_SLOT
        params: list[object] = [ev.key, self.lo, self.hi]
        if ev.granularity == "day":
            day = dt.date.fromisoformat(ev.key)
            undated = (
                " UNION ALL SELECT s.article_id, s.idx, s.id, 0, '', 0, 1 FROM articles a "
                "JOIN sentences s ON s.article_id = a.id "
                "WHERE a.published_day = ? AND s.dated = 0 AND s.quotable = 1"
            )
            sql += undated
            params.append(ev.key)
            after = day + dt.timedelta(days=1)
            if self.end is None or after <= self.end:
                # News is mostly reported the day after: the lede of an article published the
                # next day may tell what happened on this one.
                sql += undated + " AND s.idx < ?"
                params += [after.isoformat(), LEDE_SENTENCES]
        rows = self.conn.execute(sql, params).fetchall()
        selected, relevant = self.selected, self.relevant
        if selected is not None:
            rows = [r for r in rows if r[0] in selected]
        # The articles that name the date in an on-topic sentence support it.
        ev.article_ids.update(r[0] for r in rows if r[3] and (relevant is None or r[2] in relevant))
        rows = [r for r in rows if r[6]]
        if relevant is not None:
            rows = [r for r in rows if r[2] in relevant] or rows
        return self._pool(rows)

    def _on_topic(self, ev: _DateEvidence) -> list[_Row]:
        """A query view's on-topic quotable candidates of the date (the pool when there are
        any), from the sentences naming it and the undated on-topic sentences found with the
        query; the articles that name the date in an on-topic sentence support it."""
        relevant = self.relevant
        assert relevant is not None and self.selected is not None
        named = [
            r
            for r in self.conn.execute(_NAMING_SLOT, (ev.key, self.lo, self.hi))
            if r[2] in relevant
        ]
        ev.article_ids.update(r[0] for r in named)
        rows = [r for r in named if r[6]]
        if ev.granularity == "day":
            rows += self.undated_by_day.get(ev.key, ())
            after = dt.date.fromisoformat(ev.key) + dt.timedelta(days=1)
            if self.end is None or after <= self.end:
                ledes = self.undated_by_day.get(after.isoformat(), ())
                rows += [r for r in ledes if r[1] < LEDE_SENTENCES]
        return rows

    def _pool(self, rows: list[_Row]) -> list[_Candidate]:
        """The candidates of ``rows``: in (article id, sentence) order, the first ``MAX_POOL``
        by (names the date, sentence index) when there are more."""
        rows.sort(key=lambda r: (r[0], r[1]))
        if len(rows) > MAX_POOL:
            rows = sorted(rows, key=lambda r: (not r[3], r[1]))[:MAX_POOL]
        # In the pool's order (json_each numbers the ids it is given).
        texts = self.conn.execute(
            f"SELECT {_TEXT} FROM json_each(?) j JOIN sentences s ON s.id = j.value ORDER BY j.key",
            (json.dumps([r[2] for r in rows]),),
        ).fetchall()
        return self._candidates([(*r, *t) for r, t in zip(rows, texts, strict=True)])

    def _candidates(self, rows: list[Any]) -> list[_Candidate]:
        self._read_articles({r[0] for r in rows})
        out = []
        for row in rows:
            article_id, index, sentence_id, named, evidence, opens = row[:6]
            stop, text, quote, terms, words = row[7:]
            out.append(
                _Candidate(
                    StoredSentence(index, stop, text),
                    self._articles[article_id],
                    evidence,
                    bool(named),
                    self.relevant is None or sentence_id in self.relevant,
                    text=text if quote is None else quote,
                    opens_with_date=bool(opens),
                    terms=terms.split(),
                    words=words,
                )
            )
        return out

    def _read_articles(self, ids: Iterable[str]) -> None:
        """Article metadata for the candidates' sources (no text: the stage quotes sentences)."""
        missing = [i for i in ids if i not in self._articles]
        if not missing:
            return
        for article_id, path, title, url, source, published, granularity in self.conn.execute(
            "SELECT id, path, title, url, source, published, granularity FROM articles "
            "WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(missing),),
        ):
            pub = PublicationDate(published, granularity, "store") if published else None
            self._articles[article_id] = Article(
                id=article_id,
                text="",
                path=path,
                title=title,
                url=url,
                source=source,
                published=pub,
            )
