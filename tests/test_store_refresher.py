"""The near-duplicate refresh of an add, in its own process: failures, cancelling, the lock."""

from __future__ import annotations

import fcntl
import sqlite3
from pathlib import Path

import pytest

from dateline.errors import StoreError
from dateline.store import Store
from dateline.store.refresher import DuplicateRefresh

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "corpus"


def _pending(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM pending_duplicates").fetchone()[0])


def _stale_store(path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example corpus stored, its cross-article stage not run (as after a kill)."""
    with monkeypatch.context() as patch:
        patch.setattr(Store, "_update_cross_article", lambda self, refresh: {})
        with Store(path) as store:
            store.add([EXAMPLES])
    assert _pending(path) > 0
    return path


def test_a_failed_refresh_says_so_keeps_the_articles_and_the_next_add_redoes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "story.db"
    with monkeypatch.context() as patch:
        patch.setattr(DuplicateRefresh, "module", "dateline.store.no_such_module")
        with Store(path) as store, pytest.raises(StoreError) as failed:
            store.add([EXAMPLES])
    assert str(path) in str(failed.value)
    assert "near-duplicate refresh failed" in str(failed.value)
    assert "no_such_module" in str(failed.value)
    with Store(path) as store:
        assert store._meta("derived_stale") == "1"
        report = store.add([EXAMPLES])
        assert report.new == 0 and report.unchanged > 0
        assert store._meta("derived_stale") == "0"
        redone = (store.duplicate_groups, store.events, store.entities)
    with Store(tmp_path / "clean.db") as clean:
        clean.add([EXAMPLES])
        assert redone == (clean.duplicate_groups, clean.events, clean.entities)


def test_a_child_never_told_to_go_leaves_the_store_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _stale_store(tmp_path / "stale.db", monkeypatch)
    pending = _pending(path)
    with (tmp_path / "lock").open("a") as lock:
        refresh = DuplicateRefresh(path, lock.fileno())
        refresh.start()
        refresh.cancel()
        assert _pending(path) == pending
        refresh = DuplicateRefresh(path, lock.fileno())
        refresh.go()
        groups, seconds = refresh.groups()
    assert _pending(path) == 0 and seconds > 0
    with Store(path, read_only=True) as store:
        assert store.duplicate_groups == groups
    assert groups, "the example corpus has duplicate groups"


def test_the_child_holds_the_writer_lock_after_its_parent_is_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A killed add's refresh child keeps the lock: the next add waits for it."""
    path = _stale_store(tmp_path / "stale.db", monkeypatch)
    lock_path = tmp_path / "lock"
    parent = lock_path.open("a")
    fcntl.flock(parent, fcntl.LOCK_EX)
    refresh = DuplicateRefresh(path, parent.fileno())
    refresh.start()
    parent.close()  # what a SIGKILL does to the parent's descriptor: no unlock
    with lock_path.open("a") as other:
        with pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        refresh.cancel()  # the child exits: its copy of the descriptor goes, and the lock
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_groups_before_go_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _stale_store(tmp_path / "stale.db", monkeypatch)
    with (tmp_path / "lock").open("a") as lock:
        refresh = DuplicateRefresh(path, lock.fileno())
        refresh.start()
        with pytest.raises(StoreError, match="was not started"):
            refresh.groups()
        refresh.cancel()
    assert _pending(path) > 0
