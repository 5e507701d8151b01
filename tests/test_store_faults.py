"""The store under faults: ``kill -9`` mid-add, two writers at once, input in another order.

Each test compares with a store built in one clean run: same article ids, same duplicate groups,
same events and the same timeline.
"""

from __future__ import annotations

import gzip
import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dateline.records import TimelineEntry
from dateline.store import Store
from dateline.store.duplicates import StoreDuplicates

pytestmark = pytest.mark.slow

DATELINE = [str(Path(sys.executable).parent / "dateline")]


def _t17_lines(t17_dir: Path, topic: str, n: int) -> list[str]:
    with gzip.open(t17_dir / topic / "articles.jsonl.gz", "rt", encoding="utf-8") as handle:
        return [line for line in itertools.islice(handle, n)]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _lines(entries: tuple[TimelineEntry, ...]) -> list[object]:
    """A timeline as dates, lines and cited article ids (not the file each came from)."""
    return [
        (e.date, e.granularity, [(s.text, [r.article_id for r in s.sources]) for s in e.sentences])
        for e in entries
    ]


def _fingerprint(path: Path) -> tuple[object, ...]:
    with Store(path, read_only=True) as store:
        return (
            store.article_ids(),
            store.duplicate_groups,
            store.events,
            store.entities,
            _lines(store.timeline(dates=10).entries),
            _lines(store.timeline(query="earthquake", dates=5).entries),
            # Kept incrementally: which articles report each event, shingle document counts.
            sorted(store._conn.execute("SELECT event_id, article_id FROM event_articles")),
            sorted(StoreDuplicates(store._conn).counts.counts().items()),
        )


def _add(paths: list[Path], store: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*DATELINE, "add", *map(str, paths), "--store", str(store), "--workers", "1", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _stored(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        with Store(path, read_only=True) as store:
            return store.status().articles
    except Exception:
        return 0


@pytest.fixture(scope="module")
def feed(t17_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("feed")
    return _write(folder / "haiti.jsonl", _t17_lines(t17_dir, "haiti", 80))


@pytest.fixture(scope="module")
def clean_store(feed: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clean") / "clean.db"
    with Store(path) as store:
        store.add([feed], workers=1)
    return path


def _kill_when(process: subprocess.Popen[str], ready: object, limit: float = 120.0) -> bool:
    """SIGKILL ``process`` as soon as ``ready()`` is true; False if it finished first."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if ready():  # type: ignore[operator]
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.02)
    process.kill()
    raise AssertionError("add neither finished nor reached the point to kill it")


def _derived_stale(path: Path) -> bool:
    try:
        with Store(path, read_only=True) as store:
            return store._meta("derived_stale") == "1" and store.status().articles >= 80
    except Exception:
        return False


@pytest.mark.parametrize(
    "stage",
    ["while loading", "after the first batch", "after two batches", "in the cross-article stage"],
)
def test_kill_9_then_add_again_equals_a_clean_run(
    stage: str, feed: Path, clean_store: Path, tmp_path: Path
) -> None:
    path = tmp_path / "killed.db"
    started = time.monotonic()
    conditions = {
        "while loading": lambda: time.monotonic() - started > 0.8,
        "after the first batch": lambda: _stored(path) >= 1,
        "after two batches": lambda: _stored(path) >= 64,
        "in the cross-article stage": lambda: _derived_stale(path),
    }
    process = _add([feed], path)
    killed = _kill_when(process, conditions[stage])
    # The cross-article stage of 80 articles is short: the poll may miss it (then the run is
    # whole and the rest of the test still holds); the other stages are always hit.
    assert killed or stage == "in the cross-article stage"
    if killed and path.exists():
        # Whatever is visible is whole: every stored article has its analysis.
        with Store(path, read_only=True) as store:
            for article_id in store.article_ids():
                analysed = store.article(article_id)
                assert analysed is not None and analysed.sentences
    again = _add([feed], path)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert _fingerprint(path) == _fingerprint(clean_store)
    rerun = _add([feed], path)
    out, _ = rerun.communicate(timeout=300)
    assert "0 new articles" in out


def test_two_writers_at_once_store_every_article_once(
    t17_dir: Path, feed: Path, clean_store: Path, tmp_path: Path
) -> None:
    lines = _t17_lines(t17_dir, "haiti", 80)
    first = _write(tmp_path / "a.jsonl", lines[:50])
    second = _write(tmp_path / "b.jsonl", lines[30:])
    path = tmp_path / "shared.db"
    a = _add([first], path)
    time.sleep(0.3)
    b = _add([second], path)
    _out_a, err_a = a.communicate(timeout=300)
    _out_b, err_b = b.communicate(timeout=300)
    assert a.returncode == 0, err_a
    assert b.returncode == 0, err_b
    assert "waiting for it to finish" in err_a + err_b
    # The ids are the T17 ones, whichever file they came from: the store equals the clean one.
    assert _fingerprint(path) == _fingerprint(clean_store)


def test_the_same_articles_in_another_order_give_the_same_results(
    t17_dir: Path, tmp_path: Path
) -> None:
    lines = _t17_lines(t17_dir, "h1n1", 100)
    forward = _write(tmp_path / "forward.jsonl", lines)
    backward = _write(tmp_path / "backward.jsonl", lines[::-1])
    with Store(tmp_path / "f.db") as store:
        store.add([forward], workers=1)
    with Store(tmp_path / "b.db") as store:
        store.add([backward], workers=1)
    f, b = _fingerprint(tmp_path / "f.db"), _fingerprint(tmp_path / "b.db")
    assert f == b
    assert f[2] and f[4], "no events or no timeline: the comparison would prove nothing"
