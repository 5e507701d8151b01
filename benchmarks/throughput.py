"""Throughput and memory of the whole pipeline on real news (Timeline17 articles).

Runs ``Corpus.from_articles`` → ``timeline`` on the first N articles of ``../shared/benchmarks/t17``
(topics in name order) for each N, each run in a fresh process so that peak RSS is that run's own
(parent + worker processes), repeated ``--repeat`` times; prints medians. Then times each stage on
a sample in one process to show where the time goes. The last line is one JSON object with the
figures for the largest N.

    python benchmarks/throughput.py                     # N = 250, 1000, 4000; 3 runs each
    python benchmarks/throughput.py --sizes 250 --repeat 1
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_T17 = ROOT.parent / "shared" / "benchmarks" / "t17"


def first_articles(t17: Path, n: int) -> Iterator[object]:
    from dateline.ingest import CorpusReader

    files = sorted(t17.glob("*/articles.jsonl*"))
    for count, article in enumerate(CorpusReader(files)):
        if count >= n:
            return
        yield article


def run_once(t17: Path, n: int, workers: int | None) -> dict[str, float]:
    """One end-to-end run in this process; called in a child process by ``main``."""
    from dateline.pipeline import Corpus

    articles = list(first_articles(t17, n))
    words = sum(a.word_count for a in articles)  # type: ignore[attr-defined]
    t0 = time.perf_counter()
    corpus = Corpus.from_articles(articles, workers=workers)
    corpus.timeline(dates=20, sentences=2)
    seconds = time.perf_counter() - t0
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "articles": len(articles),
        "words": words,
        "seconds": seconds,
        "articles_per_s": len(articles) / seconds,
        "words_per_s": words / seconds,
        "peak_rss_mb": rss_self + rss_children,
        "peak_rss_parent_mb": rss_self,
        "peak_rss_worker_mb": rss_children,
        "events": len(corpus.events),
    }


def stage_shares(t17: Path, n: int) -> dict[str, float]:
    """Seconds per stage on ``n`` articles in one process (no pool), to show where time goes."""
    from dateline import events as events_stage
    from dateline.analysis import ArticleAnalyser
    from dateline.dedup import NearDuplicateIndex
    from dateline.entities import resolve_entities
    from dateline.timeline import build_timeline_entries

    timings: dict[str, float] = {}

    def timed(stage: str, start: float) -> float:
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - start
        return now

    t = time.perf_counter()
    articles = list(first_articles(t17, n))
    t = timed("ingest", t)
    analyser = ArticleAnalyser.load()
    analysed = [analyser.analyse(article) for article in articles]
    timings.update(analyser.stage_seconds)
    t = time.perf_counter()
    dedup = NearDuplicateIndex()
    for a in analysed:
        dedup.add(a.article.id, a.article.text)
    groups = dedup.groups()
    t = timed("near-duplicates", t)
    index = resolve_entities(analysed)
    t = timed("entities", t)
    events_stage.build_events(analysed, index, groups)
    t = timed("events (merge)", t)
    build_timeline_entries(analysed, query=None, dates=20, sentences=2, duplicate_groups=groups)
    timed("timeline", t)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--t17", type=Path, default=DEFAULT_T17)
    parser.add_argument("--sizes", default="250,1000,4000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None, help="default: one per core")
    parser.add_argument("--stage-sample", type=int, default=150)
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child is not None:
        print(json.dumps(run_once(args.t17, args.child, args.workers)))
        return
    if not args.t17.is_dir():
        sys.exit(f"T17 not found at {args.t17}; pass --t17 DIR")

    sizes = [int(s) for s in args.sizes.split(",")]
    medians: dict[int, dict[str, float]] = {}
    print(f"{'N':>6} {'articles/s':>11} {'words/s':>9} {'peak RSS MB':>12} {'seconds':>8}  runs")
    for n in sizes:
        runs = []
        for _ in range(args.repeat):
            cmd = [sys.executable, __file__, "--t17", str(args.t17), "--child", str(n)]
            if args.workers:
                cmd += ["--workers", str(args.workers)]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        medians[n] = med
        print(
            f"{n:>6} {med['articles_per_s']:>11.1f} {med['words_per_s']:>9.0f} "
            f"{med['peak_rss_mb']:>12.0f} {med['seconds']:>8.1f}  {len(runs)}"
        )

    timings = stage_shares(args.t17, args.stage_sample)
    total = sum(timings.values())
    print(f"\nshare of time per stage ({args.stage_sample} articles, one process):")
    for stage, seconds in sorted(timings.items(), key=lambda kv: -kv[1]):
        print(f"  {stage:<28} {100 * seconds / total:5.1f}%  {seconds:7.2f} s")

    largest = medians[max(sizes)]
    print(
        json.dumps(
            {
                "articles_per_s": round(largest["articles_per_s"], 2),
                "words_per_s": round(largest["words_per_s"], 1),
                "peak_rss_mb": round(largest["peak_rss_mb"], 1),
                "n": int(largest["articles"]),
            }
        )
    )


if __name__ == "__main__":
    main()
