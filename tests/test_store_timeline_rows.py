"""The store's timeline rows (dateline.store.timeline_rows): what ``add`` keeps of each sentence is
what the timeline stage works out from the analyses, and views read from them give the in-memory
timelines."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from dateline.pipeline import Corpus
from dateline.store import Store, fts_query
from dateline.tfidf import GivenTermsTfidf, given_terms
from dateline.timeline import (
    QueryMatcher,
    _collect_evidence,
    load_sentence_filters,
    text_terms_analyser,
    word_count,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "corpus"

VIEWS = [
    {"dates": 8},
    {"dates": 3, "sentences": 3},
    {"dates": 30, "sentences": 1},
    {"query": "cable", "dates": 5},
    {"query": "cable talks", "dates": 4, "sentences": 2},
    {"query": "Tokyo"},
    {"query": "no-such-word-anywhere"},
    {"query": "the"},  # stop words only: no query
    {"query": "_ cable"},  # a term the full-text index has no words for: every sentence is read
    {"start": dt.date(2024, 3, 1), "end": dt.date(2024, 3, 31)},
    {"start": dt.date(2024, 3, 7), "end": dt.date(2024, 3, 7), "sentences": 4},
    {"start": dt.date(2024, 1, 1)},
    {"end": dt.date(2023, 12, 31)},
    {"query": "minister", "start": dt.date(2020, 1, 1), "end": dt.date(2024, 6, 30)},
]


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> tuple[Path, Corpus]:
    path = tmp_path_factory.mktemp("rows") / "story.db"
    with Store(path) as store:
        store.add([EXAMPLES, seeds_dir])
    return path, Corpus.from_paths([EXAMPLES, seeds_dir])


@pytest.mark.parametrize("view", VIEWS, ids=[str(v) for v in VIEWS])
def test_a_view_from_the_rows_is_the_in_memory_timeline(
    stored: tuple[Path, Corpus], view: dict[str, object]
) -> None:
    path, corpus = stored
    with Store(path, read_only=True) as store:
        assert store.timeline(**view).entries == corpus.timeline(**view).entries  # type: ignore[arg-type]


def test_the_rows_are_what_the_stage_collects(stored: tuple[Path, Corpus]) -> None:
    """Every sentence's row and every (sentence, date) row equal what the stage's own evidence
    collection finds in the analyses: the dates a sentence names, with their expression and
    whether it opens the sentence, and the undated sentences."""
    path, corpus = stored
    filters = load_sentence_filters()
    analyse = text_terms_analyser()
    no_query = QueryMatcher.from_query(None, ())
    days, periods = _collect_evidence(
        corpus.articles, no_query, corpus.duplicate_groups, None, None
    )
    named = {
        (c.article.id, c.sentence.index, ev.key, c.evidence, int(c.opens_with_date))
        for ev in [*days.values(), *periods.values()]
        for c in ev.candidates
        if c.mentions_date
    }
    undated = {
        (c.article.id, c.sentence.index)
        for ev in days.values()
        for c in ev.candidates
        if not c.mentions_date
    }
    with Store(path, read_only=True) as store:
        rows = store._query(
            "SELECT s.article_id, s.idx, d.slot, d.evidence, d.opens, d.first_day, d.last_day "
            "FROM sentence_dates d JOIN sentences s ON s.id = d.sentence_id"
        )
        assert {r[:5] for r in rows} == named and len(rows) == len(named)
        for *_, slot, _evidence, _opens, first, last in rows:
            assert first.startswith(slot) and last.startswith(slot) and first <= last
        sentences = {
            (r[0], r[1]): r[2:]
            for r in store._query(
                "SELECT article_id, idx, start, stop, dated, quotable, plain, text, quote, terms, "
                "words FROM sentences"
            )
        }
    expected = {}
    for analysed in corpus.articles:
        for s in analysed.sentences:
            quotable = filters.is_quotable(s.text)
            quote = filters.quotable_text(s.text) if quotable else s.text
            expected[(analysed.article.id, s.index)] = (
                s.start,
                s.end,
                int(bool(s.time_mentions)),
                int(quotable),
                int(s.text.isascii() and "_" not in s.text),
                s.text,
                None if quote == s.text else quote,
                " ".join(analyse(quote)) if quotable else "",
                word_count(quote) if quotable else -1,
            )
    assert sentences == expected
    # Undated sentences of articles with a publication day are candidates of that day.
    assert all(sentences[key][2] == 0 for key in undated)


def test_given_terms_make_the_tfidf_matrix_of_the_texts(stored: tuple[Path, Corpus]) -> None:
    """The stage's TF-IDF (terms given, no pruning step) is scikit-learn's on the texts, to the
    bit and in the same stored order."""
    texts = [
        "BP shares plunge 13 % on June 1 .",
        "The the and of",  # stop words only: an empty row
        "Ünïcode wörds, ÉLAN and élan; l'été 2010 — x y z",
        "BP shares plunge 13 % on June 1 .",
        "oil_spill and spill-over: 42,000 barrels a day",
    ]
    texts += [s.text for a in stored[1].articles for s in a.sentences]
    plain = TfidfVectorizer(lowercase=True, stop_words="english", sublinear_tf=True)
    expected = plain.fit_transform(texts)
    analyse = text_terms_analyser()
    given = GivenTermsTfidf(analyzer=given_terms, sublinear_tf=True)
    got = given.fit_transform([analyse(t) for t in texts])
    assert {t: int(i) for t, i in given.vocabulary_.items()} == plain.vocabulary_
    assert type(got) is type(expected) and got.shape == expected.shape
    assert np.array_equal(got.indptr, expected.indptr)
    assert np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(["oil", "spill", "bp", "gulf", "ünï", "a1", "zz", "well"])),
        min_size=1,
        max_size=12,
    )
)
def test_given_terms_count_like_scikit_learn(docs: list[list[str]]) -> None:
    """Counting with numpy gives scikit-learn's own counting of the same terms, to the bit and in
    the same stored order (repeated terms, empty documents, any first-appearance order)."""
    sklearn_counted = TfidfVectorizer(analyzer=given_terms, sublinear_tf=True)
    ours = GivenTermsTfidf(analyzer=given_terms, sublinear_tf=True)
    if not any(docs):
        with pytest.raises(ValueError, match="empty vocabulary"):
            ours.fit_transform(docs)
        return
    expected = sklearn_counted.fit_transform(docs)
    got = ours.fit_transform(docs)
    assert ours.vocabulary_ == sklearn_counted.vocabulary_
    assert type(got) is type(expected) and got.shape == expected.shape
    assert np.array_equal(got.indptr, expected.indptr)
    assert np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)


def test_a_replaced_article_replaces_its_timeline_rows(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    story = corpus / "story.txt"
    story.write_text("date 2024-03-07\nThe ministers met in Lisbon on March 5 to sign the deal.\n")
    with Store(tmp_path / "s.db") as store:
        store.add([corpus])
        story.write_text("date 2024-03-07\nThe ministers met in Porto on March 6 to sign it.\n")
        store.add([corpus])
        assert store._query("SELECT slot FROM sentence_dates") == [("2024-03-06",)]
        assert [r[0] for r in store._query("SELECT text FROM sentences")] == [
            "The ministers met in Porto on March 6 to sign it."
        ]
        match = "SELECT rowid FROM sentence_text WHERE sentence_text MATCH ?"
        assert store._query(match, ("Lisbon",)) == []
        assert len(store._query(match, ("Porto",))) == 1
        assert store.timeline(query="Lisbon").entries == ()
        assert store.timeline(query="Porto").entries[0].date == "2024-03-06"


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.text(alphabet="abcAB01 .,'-\n", max_size=24), min_size=1, max_size=6),
    st.lists(st.text(alphabet="abcB01", min_size=1, max_size=5), min_size=1, max_size=3),
)
@example(["Oil-spill: oil's spilled", "soil spill2 2oil"], ["oil", "spill"])
def test_on_plain_text_the_full_text_index_decides_as_the_query_regex(
    texts: list[str], words: list[str]
) -> None:
    """For ASCII texts without "_" and query terms of ASCII letters and digits, a sentence the
    sentence index finds is one the stage's regex matches, and no other (views then skip the
    regex on such sentences)."""
    matcher = QueryMatcher.from_query(" ".join(words), ())
    pattern, match = matcher.pattern(), fts_query(matcher.terms)
    assert pattern is not None and match is not None
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='unicode61')")
    conn.executemany("INSERT INTO t(rowid, text) VALUES (?, ?)", enumerate(texts))
    found = {r[0] for r in conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (match,))}
    assert found == {i for i, text in enumerate(texts) if pattern.search(text)}
