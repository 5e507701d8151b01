"""Timeline summarisation benchmark: the standard protocol on Timeline17 (or any folder like it).

    .venv/bin/python benchmarks/tls_eval.py [--dataset DIR] [--rouge reimpl|perl] [--topics a,b]

One task per gold timeline (input: the topic's articles published within the gold span; l dates and
k sentences per date from the gold timeline; the topic's keywords as the query), each topic read and
analysed once by the same pipeline ``dateline build`` uses. Prints AR-1 F, AR-2 F (tilse's
alignment+ m:1 ROUGE), Date F1 and the wall time from raw articles to timeline, per task and
averaged (precision and recall averaged over tasks, then F1). The last line is one JSON object:
``{"ar1_f", "ar2_f", "date_f1", "tasks", "seconds"}``. ``--rouge perl`` runs the ROUGE-1.5.5 script
bundled with tilse (needs ``apt-get install -y libxml-parser-perl``); see docs/tls.md.

``--cache DIR`` keeps each topic's analysed corpus there (a pickle named after the topic and its
articles file's size and modification time) and reuses it on the next run, for developing the
timeline step: the analysis is most of the run time. A cached run's seconds leave the analysis out;
delete the folder after changing anything before the timeline step (ingest, tagging, analysis).
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from pathlib import Path
from typing import Any

from dateline.errors import DatelineError
from dateline.evaluate import TaskScore, TlsTopic, analyse_topic, evaluate_dataset

DEFAULT_DATASET = Path(__file__).resolve().parents[1] / ".." / "shared" / "benchmarks" / "t17"
ROW = "{:<12} {:>7} {:>7} {:>8} {:>6} {:>6} {:>8} {:>8}"


def cached_analysis(topic: TlsTopic, cache: Path, workers: int | None) -> Any:
    """The topic's analysed corpus from ``cache`` when it is there for the same articles file,
    else analysed now and stored there."""
    stat = topic.articles_path.stat()
    path = cache / f"{topic.name}-{stat.st_size}-{stat.st_mtime_ns}.corpus.pkl"
    if path.is_file():
        with path.open("rb") as fh:
            return pickle.load(fh)
    corpus = analyse_topic(topic, workers=workers)
    cache.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    with partial.open("wb") as fh:
        pickle.dump(corpus, fh, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)
    return corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET, help="dataset folder")
    parser.add_argument("--rouge", choices=("reimpl", "perl"), default="reimpl")
    parser.add_argument("--topics", default="", help="comma-separated topic folder names")
    parser.add_argument("--workers", type=int, default=None, help="analysis processes")
    parser.add_argument(
        "--cache", type=Path, default=None, help="folder to keep and reuse topics' analyses in"
    )
    args = parser.parse_args(argv)
    topics = [t for t in args.topics.split(",") if t] or None

    print(ROW.format("task", "AR-1 F", "AR-2 F", "Date F1", "dates", "gold", "seconds", "build s"))

    def show(score: TaskScore) -> None:
        print(
            ROW.format(
                score.task,
                f"{score.ar1.f1:.4f}",
                f"{score.ar2.f1:.4f}",
                f"{score.date.f1:.4f}",
                score.predicted_dates,
                score.gold_dates,
                f"{score.seconds:.1f}",
                f"{score.build_seconds:.2f}",
            ),
            flush=True,
        )

    def analyse(topic: TlsTopic):  # type: ignore[no-untyped-def]
        if args.cache is None:
            return analyse_topic(topic, workers=args.workers)
        return cached_analysis(topic, args.cache, args.workers)

    began = time.perf_counter()
    try:
        result = evaluate_dataset(
            args.dataset, topics=topics, rouge=args.rouge, analyse=analyse, on_task=show
        )
    except DatelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        ROW.format(
            "average",
            f"{result.ar1.f1:.4f}",
            f"{result.ar2.f1:.4f}",
            f"{result.date.f1:.4f}",
            "",
            "",
            f"{result.seconds:.1f}",
            f"{sum(t.build_seconds for t in result.tasks):.2f}",
        )
    )
    for name, seconds in result.topic_seconds.items():
        print(f"topic {name}: {seconds:.1f} s from raw articles to its timelines")
    print(
        "seconds: raw articles to the task's timeline (its share of the topic's analysis plus its "
        "build); build s: the timeline step alone"
    )
    if args.cache is not None:
        print(f"analyses reused from or kept in {args.cache}: a reused one's seconds leave it out")
    print(
        f"ROUGE: {args.rouge}; pipeline {result.seconds:.1f} s; "
        f"with scoring {time.perf_counter() - began:.1f} s"
    )
    print(json.dumps(result.summary()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
