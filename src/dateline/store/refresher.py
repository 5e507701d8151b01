"""The near-duplicate refresh of an ``add``, in a process of its own.

After an add, entity resolution and the event claims (pure Python, in the parent) and the
near-duplicate refresh (SQL look-ups, MinHash, in :mod:`dateline.store.duplicates`) do not read
each other's results until the events are merged, so they can run side by side on two cores. A
thread does not help: measured on a 4,203-article store, both in one process took 1.86-1.92 s
side by side against 1.82-2.19 s one after the other (the GIL). A second process does, and only
the groups come back to the parent (a few kB of JSON), where an entity index would not be cheap
to send back (on that store its default pickle took 0.48 s to write and 0.42 s to read; the
record pickler wrote it in 0.13 s, and its reading was not measured).

The child is started when the add finds its first new article, so that its imports (numpy,
datasketch: about 1 s) overlap the analysis; it waits for ``go`` on its standard input, refreshes
the near-duplicate tables in its own transaction, prints the groups as one JSON line and exits.
It holds the add's writer lock (the parent passes the lock's file descriptor), so a second add
waits for it too, even if the parent was killed. A child whose parent died before saying ``go``
reads end-of-file and exits without touching the store.

Run as ``python -m dateline.store.refresher STORE``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from dateline.errors import StoreError
from dateline.records import DuplicateGroup
from dateline.store.duplicates import StoreDuplicates
from dateline.store.schema import SCAN_CACHE_SIZE, connect, transaction

#: What the parent sends when the store's new articles are committed.
GO = "go"


def refresh_duplicates(path: Path) -> tuple[tuple[DuplicateGroup, ...], float]:
    """Refresh the near-duplicate tables of the store at ``path`` in one transaction; returns
    the groups and the seconds it took."""
    started = time.perf_counter()
    conn = connect(path, read_only=False, cache_size=SCAN_CACHE_SIZE)
    try:
        with transaction(conn):
            groups = StoreDuplicates(conn).refresh()
    finally:
        conn.close()
    return groups, time.perf_counter() - started


class DuplicateRefresh:
    """The parent's handle on one add's refresh child: :meth:`start` it early (it waits),
    :meth:`go` when the new articles are committed, then :meth:`groups`; or :meth:`cancel`."""

    #: The module the child runs.
    module = "dateline.store.refresher"

    def __init__(self, path: Path, lock_fd: int) -> None:
        self.path = path
        self._lock_fd = lock_fd
        self._process: subprocess.Popen[str] | None = None
        self._going = False

    def start(self) -> None:
        if self._process is not None:
            return
        # The child imports dateline from where this process did (a source checkout included).
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", self.module, str(self.path)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                pass_fds=(self._lock_fd,),
                env=env,
            )
        except OSError as exc:
            raise StoreError(
                f"{self.path}: cannot start the near-duplicate process ({sys.executable}: "
                f"{exc.strerror or exc})"
            ) from exc

    def go(self) -> None:
        """The new articles are committed: start the refresh (starting the child if needed)."""
        self.start()
        assert self._process is not None and self._process.stdin is not None
        self._going = True
        try:
            self._process.stdin.write(GO + "\n")
            self._process.stdin.flush()
        except BrokenPipeError:
            pass  # the child has died: :meth:`groups` reports why

    def groups(self) -> tuple[tuple[DuplicateGroup, ...], float]:
        """Wait for the refresh :meth:`go` started: the groups, and the seconds the child spent
        on it."""
        if self._process is None or not self._going:
            raise StoreError(f"{self.path}: the near-duplicate refresh was not started")
        process, self._process = self._process, None
        out, err = process.communicate()
        if process.returncode != 0:
            detail = err.strip().splitlines()[-1] if err.strip() else f"exit {process.returncode}"
            raise StoreError(
                f"{self.path}: the near-duplicate refresh failed ({detail}); the store keeps its "
                "articles and the next `dateline add` redoes the refresh"
            )
        answer = json.loads(out)
        groups = tuple(
            DuplicateGroup(id=group_id, article_ids=tuple(ids))
            for group_id, ids in answer["groups"]
        )
        return groups, float(answer["seconds"])

    def cancel(self) -> None:
        """Let the child go without a refresh (the add failed before its cross-article stage);
        waits for it, so the writer lock is free when this returns."""
        if self._process is None:
            return
        process, self._process = self._process, None
        process.communicate()  # end of file before go: the child exits untouched


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m dateline.store.refresher STORE", file=sys.stderr)
        return 2
    if sys.stdin.readline().strip() != GO:
        return 0  # the add stopped before its cross-article stage: nothing to do
    groups, seconds = refresh_duplicates(Path(argv[0]))
    answer = {"groups": [[g.id, list(g.article_ids)] for g in groups], "seconds": seconds}
    try:
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        pass  # the parent was killed after saying go; the refresh is committed all the same
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
