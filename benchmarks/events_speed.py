"""What the events stage costs per article: the pipeline's analysis with and without it.

The whole pipeline (``Corpus.from_articles`` in one process, then a timeline) runs with and
without the events stage. "Without" swaps in a stand-in for ``dateline.events`` inside
``dateline.analysis`` that selects no candidate sentences and extracts nothing, and a
``build_events`` that merges nothing, so the difference is everything the events stage adds: NER on
event-candidate sentences that would otherwise not get it, the parse of those sentences, the rules,
and the merge. Times are CPU seconds of this process (``workers=1``), so other jobs on the machine
do not skew them. Runs alternate (off, on) ``--repeat`` times; medians are printed. The last line
is one JSON object.

    python benchmarks/events_speed.py --articles 150 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_T17 = ROOT.parent / "shared" / "benchmarks" / "t17"


def sample_articles(t17: Path, n: int) -> list:
    """``n`` articles spread over the topics (the same number from each, in file order)."""
    from dateline.ingest import CorpusReader

    files = sorted(t17.glob("*/articles.jsonl*"))
    per_topic = max(1, n // max(1, len(files)))
    chosen: list = []
    for path in files:
        for i, article in enumerate(CorpusReader([path])):
            if i >= per_topic:
                break
            # T17 ids repeat across topics; the topic folder makes them unique.
            chosen.append(replace(article, id=f"{path.parent.name}/{article.id}"))
    return chosen[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--t17", type=Path, default=DEFAULT_T17)
    parser.add_argument("--articles", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from dateline import analysis, events, pipeline

    articles = sample_articles(args.t17, args.articles)
    words = sum(a.word_count for a in articles)
    analyser = analysis.ArticleAnalyser.load()
    off = SimpleNamespace(
        is_candidate_sentence=lambda text: False, extract_event_mentions=lambda *a, **k: ()
    )
    real_build = pipeline.build_events
    for article in articles[:5]:  # warm-up
        analyser.analyse(article)
    runs: dict[str, list[float]] = {"off": [], "on": []}
    corpus = None
    for _ in range(args.repeat):
        for mode in ("off", "on"):
            analysis.events = off if mode == "off" else events  # type: ignore[assignment]
            pipeline.build_events = (  # type: ignore[assignment]
                (lambda *a, **k: ()) if mode == "off" else real_build
            )
            t0 = time.process_time()
            result = pipeline.Corpus.from_articles(articles, workers=1, analyser=analyser)
            result.timeline(dates=20, sentences=2)
            runs[mode].append((time.process_time() - t0) / len(articles) * 1000)
            if mode == "on":
                corpus = result
    analysis.events = events  # type: ignore[assignment]
    pipeline.build_events = real_build  # type: ignore[assignment]
    assert corpus is not None
    build_ms: list[float] = []
    for _ in range(args.repeat):
        t0 = time.process_time()
        found = events.build_events(corpus.articles, corpus.entity_index, corpus.duplicate_groups)
        build_ms.append((time.process_time() - t0) / len(articles) * 1000)
    off_ms = statistics.median(runs["off"])
    on_ms = statistics.median(runs["on"])
    mentions = sum(len(a.event_mentions) for a in corpus.articles)
    overhead = 100 * (on_ms - off_ms) / off_ms
    print(f"{len(articles)} T17 articles, {words / len(articles):.0f} words each on average")
    print(f"pipeline without events : {off_ms:7.1f} ms/article (runs: {_fmt(runs['off'])})")
    print(f"pipeline with events    : {on_ms:7.1f} ms/article (runs: {_fmt(runs['on'])})")
    print(f"events stage adds       : {on_ms - off_ms:7.1f} ms/article = {overhead:.1f}%")
    print(f"build_events (merge)    : {statistics.median(build_ms):7.2f} ms/article")
    print(f"event mentions: {mentions}; events: {len(found)}")
    print(
        json.dumps(
            {
                "articles": len(articles),
                "ms_per_article_without_events": round(off_ms, 2),
                "ms_per_article_with_events": round(on_ms, 2),
                "events_overhead_pct": round(overhead, 1),
                "event_mentions": mentions,
                "events": len(found),
            }
        )
    )


def _fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.1f}" for v in values)


if __name__ == "__main__":
    main()
