"""The store: incremental adds, the same results as an in-memory run, and files it refuses."""

from __future__ import annotations

import datetime as dt
import gzip
import itertools
import json
import pickle
import shutil
import sqlite3
import sys
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dateline.cli import cli
from dateline.dedup import NearDuplicateIndex
from dateline.entities import resolve_article_names
from dateline.errors import ConfigurationError, StoreError
from dateline.pipeline import Corpus
from dateline.records import ArticleNames, Entity, EntityMentionRef
from dateline.store import Store, ViewCache, fts_query
from dateline.store.codec import decode_record, encode_record, pickle_record
from dateline.store.derived import POSITION_GAP, cross_records, replace_rows, sparse_positions
from dateline.store.duplicates import StoreDuplicates
from dateline.store.quotable import KnownQuotable, quoting_rules
from dateline.store.schema import transaction
from dateline.timeline import QueryMatcher, build_timeline_entries, load_sentence_filters

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "corpus"


@pytest.fixture(scope="module")
def example_store(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("store") / "story.db"
    with Store(path) as store:
        report = store.add([EXAMPLES, seeds_dir])
    assert report.new == 16 and report.unchanged == 0
    return path


def test_the_store_gives_what_an_in_memory_run_gives(example_store: Path, seeds_dir: Path) -> None:
    corpus = Corpus.from_paths([EXAMPLES, seeds_dir])
    with Store(example_store, read_only=True) as store:
        assert store.article_ids() == sorted(a.article.id for a in corpus.articles)
        assert store.duplicate_groups == corpus.duplicate_groups
        assert store.events == corpus.events
        assert store.entities == corpus.entities
        assert store.timeline(dates=8).entries == corpus.timeline(dates=8).entries
        assert (
            store.timeline(query="cable", dates=5).entries
            == corpus.timeline(query="cable", dates=5).entries
        )
        first = corpus.articles[0]
        assert store.article(first.article.id) == first
        assert store.article("no-such-id") is None
        event = corpus.events[0]
        assert store.event(event.id) == event
        entity = corpus.entities[0]
        assert store.entity(entity.id) == entity


def test_readding_changes_nothing(example_store: Path, seeds_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    shutil.copy(example_store, copy)
    with Store(copy) as store:
        before = store.status()
        report = store.add([EXAMPLES, seeds_dir])
        after = store.status()
    assert report.new == 0 and report.unchanged == 16 and not report.replaced
    assert report.summary().startswith("0 new articles")
    assert "near-duplicates" not in report.seconds  # nothing was recomputed
    assert (after.articles, after.events, after.generation) == (
        before.articles,
        before.events,
        before.generation,
    )


def test_a_changed_text_replaces_the_old_version(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    story = corpus / "story.txt"
    story.write_text("date 2024-03-07\nThe ministers met in Lisbon today to discuss the cable.\n")
    (corpus / "other.txt").write_text("date 2024-03-08\nThe committee met in Rabat on Friday.\n")
    messages: list[str] = []
    with Store(tmp_path / "s.db") as store:
        assert store.add([corpus]).new == 2
        story.write_text(
            "date 2024-03-07\nThe ministers met in Porto today and signed the cable deal.\n"
        )
        report = store.add([corpus], on_message=messages.append)
        assert report.new == 0 and report.replaced == ("story",) and report.unchanged == 1
        assert any("'story' changed" in m for m in messages)
        analysed = store.article("story")
        assert analysed is not None and "Porto" in analysed.article.text
        assert store.status().articles == 2
        version = store._query("SELECT version FROM articles WHERE id = 'story'")[0][0]
        assert version == 2
        # The full-text index forgot the old words and knows the new ones.
        assert store.timeline(query="Lisbon").entries == ()
        assert store.timeline(query="Porto").entries


def test_bad_input_is_counted_and_the_rest_stored(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "good.txt").write_text("date 2024-03-07\nThe ministers met in Lisbon today.\n")
    (corpus / "empty.txt").write_text("")
    (corpus / "feed.jsonl").write_text(
        json.dumps({"id": "a1", "text": "Talks began in Rabat on Monday.", "date": "2024-03-04"})
        + "\n{not json\n"
    )
    runner = CliRunner()
    db = tmp_path / "s.db"
    result = runner.invoke(cli, ["add", str(corpus), "--store", str(db)])
    assert result.exit_code == 0, result.output
    assert "feed.jsonl:2" in result.stderr and "empty.txt" in result.stderr
    assert "2 new articles" in result.stdout
    status = runner.invoke(cli, ["status", "--store", str(db), "--json"])
    info = json.loads(status.stdout)
    assert info["articles"] == 2 and info["problems"] == 2
    # Adding the same files again does not pile up the same problems.
    runner.invoke(cli, ["add", str(corpus), "--store", str(db)])
    again = json.loads(runner.invoke(cli, ["status", "--store", str(db), "--json"]).stdout)
    assert again["problems"] == 2


def test_cli_add_timeline_status(tmp_path: Path) -> None:
    runner = CliRunner()
    db, out = tmp_path / "s.db", tmp_path / "out"
    first = runner.invoke(cli, ["add", str(EXAMPLES), "--store", str(db)])
    assert first.exit_code == 0 and "11 new articles" in first.stdout
    again = runner.invoke(cli, ["add", str(EXAMPLES), "--store", str(db)])
    assert "0 new articles" in again.stdout
    result = runner.invoke(
        cli,
        [
            "timeline",
            "--store",
            str(db),
            "--out",
            str(out),
            "--dates",
            "4",
            "--from",
            "2024-03-01",
            "--to",
            "2024-03-31",
        ],
    )
    assert result.exit_code == 0, result.output
    entries = json.loads((out / "timeline.json").read_text())["entries"]
    assert 1 <= len(entries) <= 4
    assert all("2024-03-01" <= e["date"][:10] <= "2024-03-31" for e in entries)
    for name in ("timeline.md", "timeline.html", "events.jsonl", "events.csv", "entities.json"):
        assert (out / name).stat().st_size > 0
    status = runner.invoke(cli, ["status", "--store", str(db)])
    assert "articles          11" in status.stdout
    missing = runner.invoke(cli, ["status", "--store", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "none.db: no such store" in missing.stderr
    help_text = runner.invoke(cli, ["--help"]).output
    for command in ("add", "timeline", "status", "build"):
        assert command in help_text


def test_nothing_readable_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    result = CliRunner().invoke(
        cli, ["add", str(tmp_path / "empty.txt"), "--store", str(tmp_path / "s.db")]
    )
    assert result.exit_code == 1 and "no articles could be read" in result.stderr


# --------------------------------------------------------------------------- files it refuses


def _unchanged_after_refusal(path: Path) -> None:
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == before


def test_refuses_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database\n" * 10)
    _unchanged_after_refusal(path)


def test_refuses_an_sqlite_file_of_another_program(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (name TEXT)")
    conn.commit()
    conn.close()
    _unchanged_after_refusal(path)


def test_refuses_a_truncated_store(example_store: Path, tmp_path: Path) -> None:
    path = tmp_path / "cut.db"
    data = example_store.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught, Store(path) as store:
        store.status()
        list(store.articles())
    assert "cut.db" in str(caught.value)
    assert path.read_bytes() == before


def _copy_with_schema_version(example_store: Path, path: Path, version: str) -> Path:
    """A copy of the example store that says it was written with schema ``version``."""
    shutil.copy(example_store, path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (version,))
    conn.commit()
    conn.close()
    return path


def test_refuses_another_schema_version(example_store: Path, tmp_path: Path) -> None:
    path = _copy_with_schema_version(example_store, tmp_path / "future.db", "99")
    with pytest.raises(StoreError, match=r"newer dateline .*schema 99"):
        Store(path, read_only=True)


def test_a_read_only_store_is_read_but_not_written(example_store: Path, tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    shutil.copy(example_store, path)
    path.chmod(0o444)
    try:
        with pytest.raises(StoreError, match="read-only"):
            Store(path)
        with Store(path, read_only=True) as store:
            assert store.status().articles == 16
            with pytest.raises(StoreError, match="read-only"):
                store.add([EXAMPLES])
    finally:
        path.chmod(0o644)


def test_a_crafted_record_is_refused_not_run() -> None:
    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            import os

            return (os.system, ("echo pwned",))

    blob = zlib.compress(pickle.dumps(Evil()))
    with pytest.raises(StoreError, match="not a dateline record"):
        decode_record(blob, "test record")


def test_equal_records_pickle_to_equal_bytes_whatever_shares_their_strings() -> None:
    """A store rewrites only the entities and events whose pickle changed: a record rebuilt
    from names decoded in another order (so other strings are one object) must pickle alike."""
    name = "".join(["Ban ", "Ki-moon"])  # built at run time: not the interned constant
    twin = "".join(["Ban ", "Ki", "-moon"])
    assert name == twin and name is not twin
    shared = Entity(
        id="ent-ban",
        name=name,
        type="PERSON",
        aliases=(name,),
        mentions=(EntityMentionRef("a1", 0, 11, name), EntityMentionRef("a2", 5, 16, name)),
    )
    distinct = Entity(
        id="ent-ban",
        name=twin,
        type="PERSON",
        aliases=("".join(["Ban ", "Ki-moon"]),),
        mentions=(EntityMentionRef("a1", 0, 11, twin), EntityMentionRef("a2", 5, 16, name)),
    )
    assert shared == distinct
    assert pickle_record(shared) == pickle_record(distinct)
    assert decode_record(encode_record(distinct), "test record") == shared


# --------------------------------------------------------------------------- indexes


def test_incremental_near_duplicates_equal_the_batch_index(t17_dir: Path, tmp_path: Path) -> None:
    rows = []
    with gzip.open(t17_dir / "haiti" / "articles.jsonl.gz", "rt") as handle:
        for line in handle:
            item = json.loads(line)
            rows.append((str(item["id"]), item["text"]))
    batch = NearDuplicateIndex()
    for article_id, text in rows:
        batch.add(article_id, text)
    with Store(tmp_path / "d.db") as store:
        duplicates = StoreDuplicates(store._conn)
        for chunk in (rows[150:], rows[:20], rows[20:150]):
            with transaction(store._conn):
                for article_id, text in chunk:
                    duplicates.add_article(article_id, text)
            with transaction(store._conn):
                groups = duplicates.refresh()
    assert groups == batch.groups()
    assert len(groups) > 3


def test_log_structured_tables_give_the_batch_results_after_every_add(
    t17_dir: Path, tmp_path: Path
) -> None:
    """Band rows and shingle counts live in main tables plus recent rows merged a key range at a
    time (dateline.store.logtables): after each of many small adds, some merged and some not,
    with replaced articles (dropped band rows), the groups and counts are the batch run's."""
    rows = []
    with gzip.open(t17_dir / "haiti" / "articles.jsonl.gz", "rt") as handle:
        for line in itertools.islice(handle, 160):
            item = json.loads(line)
            rows.append((str(item["id"]), item["text"]))
    current: dict[str, str] = {}
    pending_sizes = []
    with Store(tmp_path / "d.db") as store:
        duplicates = StoreDuplicates(store._conn)
        for step, first in enumerate(range(0, len(rows), 10)):
            with transaction(store._conn):
                for article_id, text in rows[first : first + 10]:
                    duplicates.add_article(article_id, text)
                    current[article_id] = text
                if step % 2:  # a stored article changes: its old band rows must stop counting
                    old_id = rows[first - 7][0]
                    duplicates.remove_article(old_id)
                    current[old_id] = current[old_id].replace(" the ", " a ", 3) + " Updated."
                    duplicates.add_article(old_id, current[old_id])
            with transaction(store._conn):
                groups = duplicates.refresh()
            pending_sizes.append(
                sum(
                    store._conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                    for table in ("lsh_bands_recent", "lsh_bands_dropped", "shingle_df_recent")
                )
            )
            batch = NearDuplicateIndex()
            expected: Counter[int] = Counter()
            for article_id, text in current.items():
                batch.add(article_id, text)
                expected.update(duplicates.shingle_hashes(text).tolist())
            assert groups == batch.groups(), f"after add {step}"
            assert duplicates.counts.counts() == dict(expected), f"after add {step}"
        main = store._conn.execute("SELECT COUNT(*) FROM lsh_bands").fetchone()[0]
    assert main and groups
    # Some adds merged everything (the store grew by more than a quarter), the others one key
    # range, leaving rows to merge later.
    assert pending_sizes[0] == 0 and 0 in pending_sizes[1:] and any(pending_sizes)


def test_replaced_articles_leave_the_counts_and_groups_of_a_batch_run(
    t17_dir: Path, tmp_path: Path
) -> None:
    """Shingle counts are added at the refresh after an add: a replaced article must take back
    its counts if they were added (stored in an earlier add) and not if they were not yet."""
    rows = []
    with gzip.open(t17_dir / "haiti" / "articles.jsonl.gz", "rt") as handle:
        for line in itertools.islice(handle, 120):
            item = json.loads(line)
            rows.append((str(item["id"]), item["text"]))
    later = " A correction was appended to this article the next day."
    with Store(tmp_path / "d.db") as store:
        duplicates = StoreDuplicates(store._conn)
        with transaction(store._conn):
            for article_id, text in rows[:60]:
                duplicates.add_article(article_id, text)
        with transaction(store._conn):
            duplicates.refresh()
        with transaction(store._conn):
            for article_id, text in rows[60:]:
                duplicates.add_article(article_id, text)
            for article_id, text in (rows[0], rows[100]):  # counted, and still pending
                duplicates.remove_article(article_id)
                duplicates.add_article(article_id, text + later)
        with transaction(store._conn):
            groups = duplicates.refresh()
        counts = duplicates.counts.counts()
    final = [(i, t + later if n in (0, 100) else t) for n, (i, t) in enumerate(rows)]
    batch = NearDuplicateIndex()
    expected: Counter[int] = Counter()
    for article_id, text in final:
        batch.add(article_id, text)
        expected.update(duplicates.shingle_hashes(text).tolist())
    assert counts == dict(expected)
    assert groups == batch.groups() and groups


@settings(max_examples=200, deadline=None)
@example(words=["_"], query="_")
@example(words=["_"], query="R-_")
@given(
    words=st.lists(st.text(alphabet="abcSyriaé'-_ 1", min_size=1, max_size=9), max_size=8),
    query=st.text(alphabet="abcsyriaSYRé _-", min_size=1, max_size=12),
)
def test_full_text_prefilter_never_loses_a_match(words: list[str], query: str) -> None:
    text = " ".join(words)
    matcher = QueryMatcher.from_query(query, ())
    if not matcher.active or not matcher.matches(text):
        return
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(title, body, content='', tokenize='unicode61')")
    conn.execute("INSERT INTO t(rowid, title, body) VALUES (1, '', ?)", (text,))
    match = fts_query(matcher.terms)
    if match is None:  # no prefilter: the timeline reads every article, nothing is lost
        assert any(not any(c.isalnum() for c in t) for t in matcher.terms)
        return
    assert conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (match,)).fetchall() == [(1,)]


def test_build_timeline_goes_through_a_store(tmp_path: Path) -> None:
    import dateline

    timeline = dateline.build_timeline([EXAMPLES], dates=6)
    with Store(tmp_path / "only-examples.db") as store:
        store.add([EXAMPLES])
        assert timeline.entries == store.timeline(dates=6).entries
    assert timeline.report.articles_read == 11
    with pytest.raises(dateline.InputError, match="no articles could be read"):
        dateline.build_timeline([tmp_path / "missing-folder"])


def test_build_timeline_reads_a_feed_with_its_own_field_names(tmp_path: Path) -> None:
    import json

    import dateline
    from dateline.record_fields import RecordFields

    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"story": "The ferries resumed service in Lisbon today.", "when": "2024-03-07"})
    )
    table = {"title": ["title"], "url": ["url"], "source": ["source"], "id": ["id"]}
    fields = RecordFields.load(text=json.dumps({**table, "text": ["story"], "date": ["when"]}))
    timeline = dateline.build_timeline([feed], record_fields=fields)
    assert [e.date for e in timeline.entries] == ["2024-03-07"]
    with pytest.raises(dateline.InputError, match="no articles could be read"):
        dateline.build_timeline([feed])  # the packaged table has no "story"


def test_cross_article_records_carry_no_text(example_store: Path) -> None:
    """Entities and events are recomputed from compact records: the names and title phrases of
    each article, its event mentions and metadata; never its text (memory per stored article)."""
    with Store(example_store, read_only=True) as store:
        pairs = list(cross_records(store._conn, str(store.path)))
        assert len(pairs) == store.status().articles
        for names, slim in pairs:
            assert isinstance(names, ArticleNames) and names.article_id == slim.article.id
            assert slim.article.text == "" and slim.sentences == ()
        assert any(m.roles for names, _ in pairs for m in names.mentions)
        index = resolve_article_names(names for names, _ in pairs)
        assert [(e.id, e.name, e.mentions) for e in index.entities] == [
            (e.id, e.name, e.mentions) for e in store.entities
        ]


# --------------------------------------------------------------------------- what views read


def test_stored_quotable_flags_are_the_stages_own_test(example_store: Path) -> None:
    filters = load_sentence_filters()
    with Store(example_store, read_only=True) as store:
        rows = store._query("SELECT article_id, rules, flags FROM quotable ORDER BY article_id")
        assert [r[0] for r in rows] == store.article_ids()
        for article_id, rules, flags in rows:
            assert rules == quoting_rules(filters)
            analysed = store.article(article_id)
            assert analysed is not None
            assert list(flags) == [int(filters.is_quotable(s.text)) for s in analysed.sentences]


def test_the_timeline_uses_the_stored_flags_and_ignores_flags_of_other_rules(
    example_store: Path, tmp_path: Path
) -> None:
    path = tmp_path / "flags.db"
    shutil.copy(example_store, path)
    with Store(path, read_only=True) as store:
        expected = store.timeline(dates=8)
    assert expected.entries
    conn = sqlite3.connect(path)
    # Flags saying "nothing is quotable", under the current rules: the stage believes them (the
    # per-article bytes, and the per-sentence column the timeline's rows are read with) ...
    conn.execute("UPDATE quotable SET flags = zeroblob(length(flags))")
    conn.execute("UPDATE sentences SET quotable = 0")
    conn.commit()
    with Store(path, read_only=True) as store:
        assert store.timeline(dates=8).entries == ()
    # ... but flags stored under other rules (another dateline, edited rule files) are not read.
    conn.execute("UPDATE quotable SET rules = 'other rules'")
    conn.commit()
    conn.close()
    with Store(path, read_only=True) as store:
        assert store.timeline(dates=8).entries == expected.entries


def test_known_quotable_maps_sentence_indexes() -> None:
    known = KnownQuotable()
    known.add("a", bytes([1, 0, 2]))
    assert known[("a", 0)] is True and known[("a", 1)] is False
    assert known.get(("a", 2)) is None and known.get(("a", 3)) is None
    assert known.get(("b", 0)) is None
    assert dict(known) == {("a", 0): True, ("a", 1): False} and len(known) == 2


def test_the_article_index_is_the_stored_articles_metadata(example_store: Path) -> None:
    with Store(example_store, read_only=True) as store:
        index = list(store.article_index())
        articles = list(store.articles())
    assert [m.id for m in index] == [a.id for a in articles]
    for meta, article in zip(index, articles, strict=True):
        published = article.published
        assert (meta.title, meta.url, meta.source, meta.path) == (
            article.title,
            article.url,
            article.source,
            article.path,
        )
        assert meta.published == (published.value if published else None)
        assert meta.granularity == (published.granularity if published else None)
        assert (meta.words, meta.removed_lines) == (article.word_count, article.removed_lines)
    assert any(m.removed_lines for m in index), "the scraped seed had debris removed"


def test_time_conflicts_are_those_of_the_stored_analyses(example_store: Path) -> None:
    with Store(example_store, read_only=True) as store:
        expected = [
            (a, s.text, m.text, m.value, c)
            for a in store.article_ids()
            for s in (store.article(a) or _missing(a)).sentences
            for m in s.time_mentions
            for c in m.conflicts
        ]
        found = [
            (c.article_id, c.sentence, c.mention, c.value, c.conflict)
            for c in store.time_conflicts()
        ]
    assert found == expected
    assert any("weekday" in c[4] for c in found), "seed 004's date contradicts its weekday"


def _missing(article_id: str) -> Any:
    raise AssertionError(f"{article_id} has no stored analysis")


def test_a_replaced_article_replaces_its_view_rows(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    story = corpus / "story.txt"
    story.write_text("date 2024-03-07\nThe ministers met in Lisbon on Friday, March 7.\n")
    with Store(tmp_path / "s.db") as store:
        store.add([corpus])
        assert [c.mention for c in store.time_conflicts()] == ["Friday, March 7"]
        story.write_text("date 2024-03-07\nThe ministers met in Lisbon on Thursday, March 7.\n")
        store.add([corpus])
        assert store.time_conflicts() == ()
        assert store._query("SELECT COUNT(*) FROM quotable")[0][0] == 1


def test_a_store_of_an_older_schema_is_refused_with_how_to_rebuild(
    example_store: Path, tmp_path: Path
) -> None:
    path = _copy_with_schema_version(example_store, tmp_path / "old.db", "1")
    before = path.read_bytes()
    for read_only in (True, False):
        with pytest.raises(StoreError) as caught:
            Store(path, read_only=read_only)
        message = str(caught.value)
        assert "older dateline" in message and "schema 1" in message
        assert "dateline add" in message and str(path) in message
    assert path.read_bytes() == before


def test_a_view_cache_gives_the_same_timelines_and_never_a_replaced_version(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    story = corpus / "story.txt"
    story.write_text("date 2024-03-07\nThe ministers met in Lisbon today to discuss the cable.\n")
    (corpus / "other.txt").write_text("date 2024-03-08\nThe committee met in Rabat on Friday.\n")
    cache = ViewCache()
    with Store(tmp_path / "s.db") as store:
        store.add([corpus])
        plain = store.timeline()
        # Views read the timeline's rows: no analysis is decoded, so none is kept.
        assert store.timeline(cache=cache) == plain and len(cache) == 0
        assert store.timeline(cache=cache) == plain  # from the cache this time
        story.write_text(
            "date 2024-03-07\nThe ministers met in Porto today and signed the cable deal.\n"
        )
        store.add([corpus])
        changed = store.timeline(cache=cache)
        assert changed == store.timeline()
        assert "Porto" in changed.entries[0].sentences[0].text
    small = ViewCache(limit=1)
    with Store(tmp_path / "s.db", read_only=True) as store:
        assert store.timeline(cache=small) == changed and len(small) == 0
        assert store.timeline(cache=small) == changed


def test_the_stages_alphanumeric_pattern_is_str_isalnum() -> None:
    """``timeline._opens_sentence`` searches ``[^\\W_]`` instead of testing ``str.isalnum``
    character by character (a store view's largest per-sentence cost): the same on every code
    point."""
    from dateline.timeline import _ALNUM

    differ = [
        c for c in map(chr, range(sys.maxunicode + 1)) if bool(_ALNUM.match(c)) != c.isalnum()
    ]
    assert differ == []


def test_kept_evidence_gives_the_timeline_of_every_dates_and_sentences(
    example_store: Path,
) -> None:
    cache = ViewCache()
    views = [
        {"dates": 8},
        {"dates": 3, "sentences": 1},
        {"query": "cable", "dates": 5},
        {"query": "cable", "dates": 2, "sentences": 3},
        {"dates": 4, "start": dt.date(2024, 3, 1), "end": dt.date(2024, 3, 31)},
        {"dates": 6, "start": dt.date(2024, 3, 1), "end": dt.date(2024, 3, 31)},
    ]
    with Store(example_store, read_only=True) as store:
        for view in views:
            assert store.timeline(cache=cache, **view) == store.timeline(**view)
        assert len(cache._evidence) == 3  # one per query and range
        evidence, _known = next(iter(cache._evidence.values()))
    with pytest.raises(ConfigurationError, match="another view"):
        build_timeline_entries((), query="other", dates=3, sentences=1, evidence=evidence)


def test_views_share_a_querys_matches_and_the_units_until_the_store_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Narrowing a query view to a period reuses the sentences the query matched and the
    articles' support units (``ViewCache.part``): the same timelines, made once per store
    generation, and made again after an ``add``."""
    from dateline.store import timeline_rows

    made: Counter[str] = Counter()

    def counted(name: str, original: Any) -> Any:
        def count(*args: Any) -> Any:
            made[name] += 1
            return original(*args)

        return count

    monkeypatch.setattr(
        timeline_rows, "_query_matches", counted("_query_matches", timeline_rows._query_matches)
    )
    monkeypatch.setattr(timeline_rows._Units, "read", counted("_units", timeline_rows._Units.read))
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "date 2024-03-07\nThe ministers met in Lisbon today to discuss the cable.\n"
    )
    (corpus / "b.txt").write_text("date 2024-04-08\nThe cable was laid in Rabat on Friday.\n")
    views: list[dict[str, Any]] = [
        {"query": "cable"},
        {"query": "cable", "start": dt.date(2024, 3, 1), "end": dt.date(2024, 3, 31)},
        {"query": "cable", "start": dt.date(2024, 4, 1), "end": dt.date(2024, 4, 30)},
        {"start": dt.date(2024, 4, 1)},
    ]
    cache = ViewCache()
    with Store(tmp_path / "s.db") as store:
        store.add([corpus])
        for view in views:
            assert store.timeline(cache=cache, **view) == store.timeline(**view)
        # Uncached views made theirs each time (4 and 3); the cached ones once.
        assert made == {"_units": 4 + 1, "_query_matches": 3 + 1}
        (corpus / "c.txt").write_text("date 2024-04-09\nA second cable reached Porto on Tuesday.\n")
        store.add([corpus])
        made.clear()
        narrowed = store.timeline(cache=cache, **views[2])
        assert made == {"_units": 1, "_query_matches": 1}
        assert "Porto" in " ".join(s.text for e in narrowed.entries for s in e.sentences)


# --------------------------------------------------------------------------- positions


def _longest_increasing_length(values: list[int]) -> int:
    best = [1] * len(values)
    for i, v in enumerate(values):
        for j in range(i):
            if values[j] < v:
                best[i] = max(best[i], best[j] + 1)
    return max(best, default=0)


@settings(max_examples=300, deadline=None)
@example(old=[5, None, 6])  # no room between 5 and 6: numbered afresh
@example(old=[None, None])
@given(
    old=st.lists(st.one_of(st.none(), st.integers(-(10**6), 10**6)), max_size=40).filter(
        lambda xs: len({x for x in xs if x is not None}) == sum(x is not None for x in xs)
    )
)
def test_sparse_positions_increase_and_keep_the_longest_increasing_run(
    old: list[int | None],
) -> None:
    positions = sparse_positions(old)
    assert len(positions) == len(old)
    assert all(a < b for a, b in itertools.pairwise(positions))
    fresh = [(i + 1) * POSITION_GAP for i in range(len(old))]
    kept = sum(p == o for p, o in zip(positions, old, strict=True))
    assert positions == fresh or kept == _longest_increasing_length(
        [o for o in old if o is not None]
    )


def test_a_new_row_takes_a_gap_and_moves_no_other_row() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute(
        "CREATE TABLE events (id TEXT PRIMARY KEY, position INTEGER NOT NULL, date TEXT, "
        "type TEXT NOT NULL, record BLOB NOT NULL, digest BLOB NOT NULL)"
    )

    def rows(ids: str) -> list[tuple[str, str, str, bytes]]:
        return [(i, "2010-01-12", "ATTACK", pickle_record({"id": i})) for i in ids]

    def stored() -> str:
        return "".join(r[0] for r in conn.execute("SELECT id FROM events ORDER BY position"))

    assert replace_rows(conn, "events", rows("abcdef"), ("date", "type")) == set("abcdef")
    before = dict(conn.execute("SELECT id, position FROM events"))
    changes = conn.total_changes
    assert replace_rows(conn, "events", rows("abcxdef"), ("date", "type")) == {"x"}
    assert conn.total_changes - changes == 1 and stored() == "abcxdef"
    after = dict(conn.execute("SELECT id, position FROM events"))
    assert {k: after[k] for k in before} == before
    # A row that moves is rewritten; the rest stay; a removed one goes.
    assert replace_rows(conn, "events", rows("bcxdefa"), ("date", "type")) == set()
    assert stored() == "bcxdefa"
    assert replace_rows(conn, "events", rows("bcxefa"), ("date", "type")) == {"d"}
    assert stored() == "bcxefa"
