"""Which tables the pages an ``add`` writes belong to, commit by commit.

    python benchmarks/store_pages.py STORE PATH...   # STORE is copied, never changed

Runs ``Store.add(PATH...)`` on a copy of STORE with SQLite's automatic checkpoints off, then
reads the write-ahead log frame by frame (each frame is one page written by one transaction) and
maps every page to its table or index with the ``dbstat`` virtual table. Pages written are what
an add costs beyond its CPU: every one is written to the log, then checkpointed into the file.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import sqlite3
import struct
import sys
import tempfile
from pathlib import Path

from dateline.store import Store

_WAL_HEADER = 32
_FRAME_HEADER = 24


def wal_commits(wal: bytes) -> list[list[int]]:
    """The page numbers of each committed transaction in a WAL file, in order."""
    page_size = struct.unpack(">I", wal[8:12])[0]
    commits: list[list[int]] = []
    current: list[int] = []
    offset = _WAL_HEADER
    while offset + _FRAME_HEADER + page_size <= len(wal):
        page, size_after_commit = struct.unpack(">II", wal[offset : offset + 8])
        current.append(page)
        if size_after_commit:  # a commit frame: the transaction ends here
            commits.append(current)
            current = []
        offset += _FRAME_HEADER + page_size
    return commits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "store.db"
        shutil.copy(args.store, copy)
        store = Store(copy)
        store._conn.execute("PRAGMA wal_autocheckpoint = 0")
        report = store.add(args.paths)
        wal = Path(str(copy) + "-wal").read_bytes()
        store.close()
        page_size = struct.unpack(">I", wal[8:12])[0]
        with sqlite3.connect(copy) as conn:
            owner = dict(conn.execute("SELECT pageno, name FROM dbstat"))
    print(
        f"added {report.new} new articles; stages: "
        + ", ".join(f"{k} {v:.2f} s" for k, v in report.seconds.items())
    )
    total = 0
    for number, pages in enumerate(wal_commits(wal), 1):
        if not pages:
            continue
        by_table = collections.Counter(owner.get(p, "(freed)") for p in pages)
        total += len(pages)
        top = ", ".join(f"{name} {n}" for name, n in by_table.most_common(6))
        print(f"commit {number}: {len(pages)} pages ({len(pages) * page_size / 1e6:.1f} MB): {top}")
    print(f"total: {total} pages ({total * page_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
