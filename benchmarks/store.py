"""The store's incremental cost, timeline speed and memory as it grows (Timeline17 articles).

    python benchmarks/store.py                 # N = 1,000, 4,104 (+100), 16,816 (T17 x 4)
    python benchmarks/store.py --copies 0      # skip the 16k store (saves ~5 minutes)

Every measured operation (``Store.add``, ``Store.timeline``) runs in a fresh child process so
its peak RSS (parent + analysis workers) is its own. 100 T17 articles (a seeded draw over all
topics) are held out; the rest go into the store, 1,000 first.

* incremental cost: adding the 100 to the store holding the other 4,104 vs adding them to an
  empty store (``--repeat`` runs each, alternating; the ratio is the median of each incremental
  run over the empty-store run just before it; the big store is copied before each run);
* timeline: ``Store.timeline`` on all of T17 with one topic's keywords as the query;
* memory: peak RSS of adding 100 new articles and of that timeline at each N; the 16k store
  adds T17 three more times under new ids.

The last line is one JSON object with ``incremental_ratio``, ``timeline_s`` and ``rss_mb_by_n``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_T17 = ROOT.parent / "shared" / "benchmarks" / "t17"
HELD_OUT = 100
FIRST = 1000


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


def child(argv: list[str]) -> None:
    """One measured operation in this (fresh) process; prints one JSON line."""
    # Imports are not timed: scikit-learn (1.3 s), which a view and the timeline rows of an add
    # import when first used, is loaded here, as it was with ``dateline.store`` before.
    import dateline.tfidf  # noqa: F401
    from dateline.store import Store

    op, store_path, *rest = argv
    t0 = time.perf_counter()
    with Store(store_path, read_only=op == "timeline") as store:
        if op == "add":
            report = store.add(rest)
            info: dict[str, Any] = {"new": report.new, "stages": report.seconds}
        else:
            timeline = store.timeline(query=rest[0] or None, dates=20, sentences=2)
            info = {"entries": len(timeline.entries)}
    info.update(seconds=time.perf_counter() - t0, rss_mb=_peak_rss_mb())
    print(json.dumps(info))


def _stages(result: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in result["stages"].items())


def run_child(*args: str | Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *map(str, args)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def write_inputs(t17: Path, work: Path, copies: int) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    topics: dict[str, list[str]] = {}
    for path in sorted(t17.glob("*/articles.jsonl.gz")):
        topics[path.parent.name] = json.loads((path.parent / "keywords.json").read_text())
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            # T17 numbers articles per topic: the topic makes an id unique across topics, so
            # that the held-out 100 are new articles, not new versions of another topic's.
            rows += [
                {**row, "id": f"{path.parent.name}-{row['id']}"}
                for row in map(json.loads, filter(str.strip, handle))
            ]
    rng = random.Random(17)
    held = set(rng.sample(range(len(rows)), HELD_OUT))
    rest = [r for i, r in enumerate(rows) if i not in held]
    held_rows = [r for i, r in enumerate(rows) if i in held]

    def dump(name: str, items: list[dict[str, Any]], prefix: str = "") -> Path:
        path = work / name
        with path.open("w", encoding="utf-8") as handle:
            for item in items:
                handle.write(json.dumps({**item, "id": prefix + str(item["id"])}) + "\n")
        return path

    return {
        "held": dump("held.jsonl", held_rows),
        "first": dump("first.jsonl", rest[:FIRST]),
        "second": dump("second.jsonl", rest[FIRST:]),
        "copies": [dump(f"copy{k}.jsonl", rows, f"copy{k}-") for k in range(1, copies + 1)],
        "late": dump("late.jsonl", held_rows, "late-"),
        "n_rest": len(rest),
        "n_all": len(rows),
        "query": " ".join(topics.get("haiti", [])),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--t17", type=Path, default=DEFAULT_T17)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--copies", type=int, default=3, help="extra copies of T17 for the big N")
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child)
        return 0
    work = Path(tempfile.mkdtemp(prefix="dateline-store-bench-"))
    try:
        return _run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(args: argparse.Namespace, work: Path) -> int:
    inputs = write_inputs(args.t17, work, args.copies)
    query = inputs["query"]
    print(f"T17: {inputs['n_all']} articles; {HELD_OUT} held out; query {query!r}", flush=True)

    def median(values: list[float]) -> float:
        return float(statistics.median(values))

    store = work / "store.db"
    rss: dict[int, dict[str, float]] = {}
    size_per_article: dict[int, float] = {}

    def measure_at(n: int, late: Path, copy_first: bool) -> list[dict[str, Any]]:
        target = store
        if copy_first:
            target = work / "copy.db"
            shutil.copy(store, target)
        add_result = run_child("add", target, late)
        if copy_first:
            target.unlink()
        tl = run_child("timeline", store, query)
        rss[n] = {"add_100": round(add_result["rss_mb"], 1), "timeline": round(tl["rss_mb"], 1)}
        size_per_article[n] = store.stat().st_size / n
        print(
            f"N={n}: add 100 {add_result['seconds']:.2f} s ({_stages(add_result)}), "
            f"peak RSS {add_result['rss_mb']:.0f} MB;"
            f" timeline {tl['seconds']:.2f} s, peak RSS {tl['rss_mb']:.0f} MB; "
            f"store {store.stat().st_size / 1e6:.0f} MB ({size_per_article[n] / 1024:.1f} kB/article)",
            flush=True,
        )
        return [add_result]

    built = run_child("add", store, inputs["first"])
    print(f"built N={FIRST}: {built['seconds']:.1f} s", flush=True)
    measure_at(FIRST, inputs["held"], copy_first=True)
    built = run_child("add", store, inputs["second"])
    print(f"built N={inputs['n_rest']}: {built['seconds']:.1f} s", flush=True)

    # Empty-store and incremental runs alternate, so that both see the same machine load.
    empty_runs, inc_runs = [], []
    for i in range(args.repeat):
        result = run_child("add", work / f"empty{i}.db", inputs["held"])
        empty_runs.append(result)
        print(f"add {HELD_OUT} to an empty store: {result['seconds']:.2f} s", flush=True)
        copy = work / "inc.db"
        shutil.copy(store, copy)
        result = run_child("add", copy, inputs["held"])
        copy.unlink()
        inc_runs.append(result)
        print(
            f"add {HELD_OUT} to the store of {inputs['n_rest']}: {result['seconds']:.2f} s "
            f"({_stages(result)})",
            flush=True,
        )
    t_empty = median([r["seconds"] for r in empty_runs])
    t_inc = median([r["seconds"] for r in inc_runs])
    n = inputs["n_rest"]
    rss[n] = {"add_100": round(median([r["rss_mb"] for r in inc_runs]), 1)}

    run_child("add", store, inputs["held"])
    n = inputs["n_all"]
    timeline_runs = [run_child("timeline", store, query) for _ in range(args.repeat)]
    t_timeline = median([r["seconds"] for r in timeline_runs])
    no_query = run_child("timeline", store, "")
    rss[n] = {**rss.pop(inputs["n_rest"]), "timeline": round(timeline_runs[0]["rss_mb"], 1)}
    size_per_article[n] = store.stat().st_size / n
    print(
        f"N={n}: timeline (query) {t_timeline:.2f} s median, {timeline_runs[0]['entries']} dates; "
        f"without a query {no_query['seconds']:.2f} s, peak RSS {no_query['rss_mb']:.0f} MB",
        flush=True,
    )

    if inputs["copies"]:
        for path in inputs["copies"]:
            built = run_child("add", store, path)
            print(f"added a copy of T17 under new ids: {built['seconds']:.1f} s", flush=True)
        big = n * (1 + len(inputs["copies"]))
        measure_at(big, inputs["late"], copy_first=False)

    # Each incremental run is compared with the empty-store run beside it: the machine's speed
    # drifts over minutes, and a ratio of medians taken at different times moves with it.
    pairs = [i["seconds"] / e["seconds"] for e, i in zip(empty_runs, inc_runs, strict=True)]
    ratio = median(pairs)
    print(
        f"incremental: {t_inc:.2f} s vs {t_empty:.2f} s into an empty store (medians; "
        f"{t_inc / t_empty:.2f}x); run by run {', '.join(f'{p:.2f}' for p in pairs)}: "
        f"median {ratio:.2f}x"
    )
    ns = sorted(rss)
    if len(ns) >= 2:
        for key in ("add_100", "timeline"):
            lo, hi = ns[0], ns[-1]
            growth = (rss[hi][key] - rss[lo][key]) * 1024 / (hi - lo)
            print(f"peak RSS growth of {key}: {growth:.1f} kB per stored article ({lo}..{hi})")
    print(
        json.dumps(
            {
                "incremental_ratio": round(ratio, 3),
                "timeline_s": round(t_timeline, 3),
                "rss_mb_by_n": {str(k): v for k, v in sorted(rss.items())},
                "add_100_empty_s": round(t_empty, 3),
                "add_100_incremental_s": round(t_inc, 3),
                "ratio_of_medians": round(t_inc / t_empty, 3),
                "store_kb_per_article": {
                    str(k): round(v / 1024, 2) for k, v in sorted(size_per_article.items())
                },
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
