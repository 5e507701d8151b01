"""Train the learned line scorer (``src/dateline/data/line_scorer.json``) leave-one-topic-out.

    .venv/bin/python benchmarks/train_line_scorer.py [--dataset DIR] [--cache DIR] [--out FILE]

For every task of the dataset (the news-tls protocol, as in ``benchmarks/tls_eval.py``) the
timeline is built with the hand-set relevance alone; for every date in play that the gold timeline
also has, each candidate line's :data:`dateline.timeline.LINE_FEATURES` are recorded with its
target: ROUGE-1 F + ROUGE-2 F of the line as quoted against the gold entry of that date (lower-cased,
stop words removed, Porter-stemmed). A ridge regression (alpha 1) on standardised features is fitted
once per held-out topic (trained on the other topics' lines) and once on all topics. Coefficients
are scaled so that predictions have unit spread on the training lines. ``tls_eval.py`` scores each
topic with the model that never saw it; ``dateline build`` uses the all-topics model.

``--cache DIR`` keeps each topic's analysis as a pickle there (analysis is most of the run time).
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from nltk.stem.porter import PorterStemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.linear_model import Ridge

from dateline import timeline
from dateline.evaluate import TlsTopic, analyse_topic, load_dataset

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATASET = ROOT / ".." / "shared" / "benchmarks" / "t17"
DEFAULT_OUT = ROOT / "src" / "dateline" / "data" / "line_scorer.json"
#: Weight of the learned correction against the hand-set relevance (chosen from 0.02 / 0.05 / 0.1
#: by the leave-one-topic-out benchmark average; docs/tls.md).
SCALE = 0.05
ALPHA = 1.0
_TOKEN = re.compile(r"[a-z0-9]+")


class Tokens:
    def __init__(self) -> None:
        self._stemmer = PorterStemmer()
        self._stems: dict[str, str] = {}

    def __call__(self, text: str) -> list[str]:
        out = []
        for word in _TOKEN.findall(text.lower()):
            if word in ENGLISH_STOP_WORDS:
                continue
            if word not in self._stems:
                self._stems[word] = self._stemmer.stem(word)
            out.append(self._stems[word])
        return out


def _ngrams(tokens: list[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _f1(a: Counter[tuple[str, ...]], b: Counter[tuple[str, ...]]) -> float:
    overlap = sum((a & b).values())
    if not overlap:
        return 0.0
    p, r = overlap / sum(a.values()), overlap / sum(b.values())
    return 2 * p * r / (p + r)


def _analysed(topic: TlsTopic, cache: Path | None) -> Any:
    if cache is None:
        corpus = analyse_topic(topic)
        return corpus.articles, corpus.duplicate_groups
    path = cache / f"{topic.name}.analysed.pkl"
    if path.exists():
        with path.open("rb") as fh:
            return pickle.load(fh)
    corpus = analyse_topic(topic)
    data = (corpus.articles, corpus.duplicate_groups)
    cache.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        pickle.dump(data, fh)
    return data


def collect(topic: TlsTopic, cache: Path | None, tokens: Tokens) -> tuple[np.ndarray, np.ndarray]:
    """Features and targets of every candidate line on the topic's gold dates."""
    articles, groups = _analysed(topic, cache)
    filters = timeline.load_sentence_filters()
    xs: list[np.ndarray] = []
    ys: list[float] = []
    for task in topic.tasks:
        gold = {d: tokens(" ".join(s)) for d, s in task.gold.items()}

        def observe(
            day: Any, lines: Any, feats: np.ndarray, gold: dict[Any, list[str]] = gold
        ) -> None:
            if day not in gold:
                return
            g1, g2 = _ngrams(gold[day], 1), _ngrams(gold[day], 2)
            for line, row in zip(lines, feats, strict=True):
                lead, tail = filters.quote_span(line.first.text)
                t = tokens(line.first.text[lead:tail])
                xs.append(row)
                ys.append(_f1(_ngrams(t, 1), g1) + _f1(_ngrams(t, 2), g2))

        timeline.build_timeline_entries(
            articles,
            query=task.query,
            dates=task.dates,
            sentences=task.sentences,
            start=task.start,
            end=task.end,
            duplicate_groups=groups,
            line_scorer=timeline.NO_LINE_SCORER,
            line_observer=observe,
        )
    width = len(timeline.LINE_FEATURES)
    return np.array(xs, dtype=float).reshape(-1, width), np.array(ys, dtype=float)


def fit(x: np.ndarray, y: np.ndarray) -> dict[str, list[float]]:
    mean, spread = x.mean(axis=0), x.std(axis=0)
    spread[spread <= 0] = 1.0
    z = (x - mean) / spread
    model = Ridge(alpha=ALPHA).fit(z, y)
    spread_of_predictions = float(np.std(model.predict(z))) or 1.0
    return {
        "mean": [round(float(v), 6) for v in mean],
        "spread": [round(float(v), 6) for v in spread],
        "coef": [round(float(v) / spread_of_predictions, 6) for v in model.coef_],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    tokens = Tokens()
    per_topic = {}
    for topic in load_dataset(args.dataset):
        per_topic[topic.name] = collect(topic, args.cache, tokens)
        print(f"{topic.name}: {len(per_topic[topic.name][1])} lines", flush=True)

    def stacked(names: list[str]) -> tuple[np.ndarray, np.ndarray]:
        return (
            np.vstack([per_topic[n][0] for n in names]),
            np.concatenate([per_topic[n][1] for n in names]),
        )

    names = sorted(per_topic)
    models = {
        "all": fit(*stacked(names)),
        "held_out": {held: fit(*stacked([n for n in names if n != held])) for held in names},
    }
    out = {
        "_comment": (
            "Learned correction to line relevance (dateline.timeline.LineScorer). Written by "
            "benchmarks/train_line_scorer.py; 'held_out' holds one model per training topic, "
            "trained without it, for leave-one-topic-out evaluation; 'all' is used otherwise."
        ),
        "trained_on": str(args.dataset.name),
        "target": "ROUGE-1 F + ROUGE-2 F of the line against the gold entry of its date",
        "features": list(timeline.LINE_FEATURES),
        "scale": SCALE,
        "ridge_alpha": ALPHA,
        "models": models,
    }
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
