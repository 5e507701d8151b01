"""Evaluation gate: the tagger's TempEval-3 figures may not fall below the committed floors.

Floors live in ``eval/timex_floors.json`` (measured figures rounded down a little). Raising a
floor is a deliberate commit; lowering one needs a reason in the commit message.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dateline.timex import TimeTagger
from dateline.timex.evaluation import evaluate, find_timeml_files, read_timeml

ROOT = Path(__file__).resolve().parents[1]
FLOORS = json.loads((ROOT / "eval" / "timex_floors.json").read_text(encoding="utf-8"))
CORPORA = ROOT / ".." / "shared" / "benchmarks" / "timex"
METRICS = ("strict_f1", "relaxed_f1", "type_accuracy", "value_f1")


@pytest.fixture(scope="module")
def tagger() -> TimeTagger:
    return TimeTagger()


@pytest.mark.parametrize("corpus", sorted(FLOORS["corpora"]))
def test_figures_stay_above_floors(tagger: TimeTagger, corpus: str) -> None:
    folder = CORPORA / corpus
    if not folder.is_dir():
        pytest.skip(f"{folder} is not available")
    documents = [read_timeml(path) for path in find_timeml_files([folder])]
    figures = evaluate(documents, tagger.tag).scores.summary()
    floors = FLOORS["corpora"][corpus]
    below = {
        metric: (figures[metric], floors[metric])
        for metric in METRICS
        if figures[metric] < floors[metric]
    }
    assert not below, f"{corpus}: below the floor (measured, floor): {below}"


def test_floors_cover_every_metric() -> None:
    for corpus, floors in FLOORS["corpora"].items():
        assert set(METRICS) <= set(floors), corpus
        assert all(0 < floors[m] <= 100 for m in METRICS), corpus
