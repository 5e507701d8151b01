"""Publication dates inferred from the text, scored on articles whose real date is known.

    python benchmarks/pubdate_eval.py [--gold eval/events_t17] [--t17-root ../shared/benchmarks/t17]

Every article of the Timeline17 events gold set (``eval/events_t17/ids.json``: detokenised
openings) is read with its date hidden; :func:`dateline.pubdate.infer_publication_date` runs on
the text and its time expressions as the pipeline runs it, and the result is compared with the
real publication date:

* ``inferred``: share of articles with any inference (the rest stay undated);
* ``day_exact``: share inferred as a single day, and ``day_correct`` of those, the right day;
* ``range_correct``: of the inferred, share whose range (``earliest``..``latest``, open ends
  allowed) contains the real date — the figure that says whether the evidence is honest;
* ``median_lag_days``: for lower bounds, the median days from the bound to the real date.

The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_T17 = ROOT / ".." / "shared" / "benchmarks" / "t17"


def score(gold: Path, t17_root: Path, *, verbose: bool = False) -> dict[str, float | int]:
    from dateline.events_eval import load_t17_set, t17_documents
    from dateline.pubdate import infer_publication_date, load_future_cues
    from dateline.timex import TimeTagger

    gold_set = load_t17_set(gold)
    visible = {a.id: a for a in gold_set.articles}
    # Read every article with its date, then hide it here: all of them have a known date.
    shown = type(gold_set)(
        gold_set.lines,
        gold_set.test_topics,
        tuple(
            type(a)(a.id, a.topic, a.t17_id, a.split, date_hidden=False) for a in gold_set.articles
        ),
        gold_set.gold,
    )
    docs = t17_documents(shown, t17_root)
    tagger, cues = TimeTagger(), load_future_cues()
    n = inferred = exact = exact_right = in_range = 0
    lags: list[int] = []
    for article_id in sorted(visible):
        doc = docs[article_id]
        text, truth = str(doc["text"]), dt.date.fromisoformat(str(doc["time"])[:10])
        n += 1
        result = infer_publication_date(text, tagger.tag(text, None), cues)
        if result is None:
            continue
        inferred += 1
        earliest = dt.date.fromisoformat(result.earliest) if result.earliest else None
        latest = dt.date.fromisoformat(result.latest) if result.latest else None
        ok = (earliest is None or earliest <= truth) and (latest is None or truth <= latest)
        in_range += ok
        if result.granularity == "day":
            exact += 1
            exact_right += result.value == truth.isoformat()
        elif earliest is not None:
            lags.append((truth - earliest).days)
        if verbose and not ok:
            print(f"  outside  {article_id:<28} real {truth}  {result.value}: {result.evidence}")
    figures: dict[str, float | int] = {
        "articles": n,
        "inferred": round(inferred / n, 4) if n else 0.0,
        "day_exact": round(exact / n, 4) if n else 0.0,
        "day_correct": round(exact_right / exact, 4) if exact else 0.0,
        "range_correct": round(in_range / inferred, 4) if inferred else 0.0,
        "median_lag_days": int(statistics.median(lags)) if lags else 0,
    }
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=ROOT / "eval" / "events_t17")
    parser.add_argument("--t17-root", type=Path, default=DEFAULT_T17)
    parser.add_argument("-v", "--verbose", action="store_true", help="list wrong ranges")
    args = parser.parse_args(argv)
    figures = score(args.gold, args.t17_root, verbose=args.verbose)
    print(
        f"{figures['articles']} articles, dates hidden: {figures['inferred']:.3f} inferred, "
        f"{figures['day_exact']:.3f} to a day ({figures['day_correct']:.3f} of those right), "
        f"range holds the real date for {figures['range_correct']:.3f} of the inferred; "
        f"lower bounds {figures['median_lag_days']} days before the real date (median)"
    )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
