"""The timeline-quality gate: the standard TLS protocol on a small Timeline17 slice, against floors.

The floors (and the full-run figures, for reference) are in ``eval/tls_floors.json``. The fast tests
check the protocol's wiring on a tiny dataset written here; the slow test runs the real pipeline.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from dateline.errors import EvaluationError
from dateline.evaluate import (
    PRF,
    EvaluationResult,
    TaskScore,
    TlsTopic,
    entries_to_dates,
    evaluate_dataset,
    load_dataset,
)
from dateline.records import SourceRef, TimelineEntry, TimelineSentence
from dateline.timeline import load_line_scorer

ROOT = Path(__file__).resolve().parents[1]
T17 = ROOT / ".." / "shared" / "benchmarks" / "t17"
FLOORS = ROOT / "eval" / "tls_floors.json"

GOLD = [
    ["2021-05-03T00:00:00", ["The harbour wall collapses after a storm .", "Two boats sink ."]],
    ["2021-05-05T00:00:00", ["Engineers inspect the damaged harbour wall ."]],
    ["2021-05-10T00:00:00", ["The council approves money to rebuild the wall .", "Work starts ."]],
]


def write_dataset(root: Path) -> Path:
    topic = root / "harbour"
    topic.mkdir(parents=True)
    (topic / "keywords.json").write_text(json.dumps(["harbour", "wall"]))
    (topic / "timelines.jsonl").write_text(json.dumps(GOLD) + "\n" + json.dumps(GOLD[:2]) + "\n")
    (topic / "articles.jsonl").write_text(
        json.dumps({"id": "1", "time": "2021-05-04", "text": "The harbour wall fell ."}) + "\n"
    )
    return root


def entry(day: str, lines: list[str], granularity: str = "day") -> TimelineEntry:
    return TimelineEntry(
        date=day,
        granularity=granularity,  # type: ignore[arg-type]
        sentences=tuple(TimelineSentence(t, "1", 0, len(t), "", (SourceRef("1"),)) for t in lines),
        score=1.0,
    )


class EchoCorpus:
    """Returns the gold timeline (or a damaged one) and records what it was asked for."""

    def __init__(self, damaged: bool) -> None:
        self.calls: list[dict[str, object]] = []
        self.damaged = damaged

    def timeline(self, **kwargs: object) -> tuple[TimelineEntry, ...]:
        self.calls.append(kwargs)
        rows = GOLD[: kwargs["dates"]]  # type: ignore[misc]
        if self.damaged:
            rows = [[r[0], ["Nothing relevant here at all ."]] for r in rows[:1]]
        return tuple(entry(r[0][:10], r[1]) for r in rows)


@pytest.mark.parametrize("damaged", [False, True])
def test_protocol_wiring_on_a_tiny_dataset(tmp_path: Path, damaged: bool) -> None:
    dataset = write_dataset(tmp_path)
    corpora: list[EchoCorpus] = []

    def analyse(topic: TlsTopic) -> EchoCorpus:
        corpora.append(EchoCorpus(damaged))
        return corpora[-1]

    result = evaluate_dataset(dataset, analyse=analyse)
    assert len(corpora) == 1, "a topic is analysed once for all of its tasks"
    first, second = corpora[0].calls
    assert first == {
        "query": "harbour wall",
        "dates": 3,
        "sentences": 2,  # 5 sentences over 3 dates, rounded
        "start": datetime.date(2021, 5, 3),
        "end": datetime.date(2021, 5, 10),
        # Not the dataset the line scorer was trained on: the all-topics model.
        "line_scorer": load_line_scorer(),
    }
    assert second["dates"] == 2 and second["end"] == datetime.date(2021, 5, 5)
    summary = result.summary()
    assert summary["tasks"] == 2
    if damaged:
        assert summary["ar1_f"] < 0.2 and summary["date_f1"] < 0.7
    else:
        assert summary == {**summary, "ar1_f": 1.0, "ar2_f": 1.0, "date_f1": 1.0}


def test_averages_precision_and_recall_before_f1() -> None:
    def score(p: float, r: float) -> TaskScore:
        return TaskScore("t", PRF(p, r), PRF(p, r), PRF(p, r), 1.0, 1, 1)

    result = EvaluationResult((score(1.0, 0.0), score(0.0, 1.0)), 2.0)
    assert result.ar1.precision == 0.5 and result.ar1.recall == 0.5
    assert result.summary()["ar1_f"] == 0.5  # the F1 of averages, not the average of F1s (0)


def test_month_level_entries_are_not_scored_as_days() -> None:
    dates = entries_to_dates([entry("2021-05", ["In May the wall fell ."], "month")])
    assert dates == {}


def test_malformed_dataset_is_an_evaluation_error(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError):
        load_dataset(tmp_path / "missing")
    bad = write_dataset(tmp_path)
    (bad / "harbour" / "timelines.jsonl").write_text('[["not a date", ["x"]]]\n')
    with pytest.raises(EvaluationError, match=r"timelines\.jsonl:1"):
        load_dataset(bad)


@pytest.mark.slow
def test_t17_slice_is_not_below_the_floors() -> None:
    assert T17.is_dir(), f"Timeline17 is expected at {T17} (see ../shared/benchmarks/README.md)"
    gate = json.loads(FLOORS.read_text("utf-8"))["slice"]
    result = evaluate_dataset(T17, topics=gate["topics"], rouge="reimpl")
    summary = result.summary()
    for metric, floor in gate["floors"].items():
        assert summary[metric] >= floor, f"{metric} {summary[metric]} fell below its floor {floor}"


def test_timeline17_topics_are_summarised_by_the_model_that_never_saw_them(tmp_path: Path) -> None:
    """Leave-one-topic-out: on the dataset the line scorer was trained on, each topic gets the
    model trained without it."""
    dataset = tmp_path / "t17"
    write_dataset(dataset)
    (dataset / "harbour").rename(dataset / "mj")
    corpora: list[EchoCorpus] = []

    def analyse(topic: TlsTopic) -> EchoCorpus:
        corpora.append(EchoCorpus(False))
        return corpora[-1]

    evaluate_dataset(dataset, analyse=analyse)
    used = corpora[0].calls[0]["line_scorer"]
    assert used == load_line_scorer(dataset="t17", held_out="mj")
    assert used != load_line_scorer()


def test_tls_eval_cache_reuses_an_analysis_until_the_articles_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("tls_eval", ROOT / "benchmarks" / "tls_eval.py")
    assert spec is not None and spec.loader is not None
    tls_eval = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tls_eval)
    analysed: list[str] = []

    def fake_analyse(topic: TlsTopic, workers: int | None = None) -> dict[str, object]:
        analysed.append(topic.name)
        return {"topic": topic.name, "run": len(analysed)}

    monkeypatch.setattr(tls_eval, "analyse_topic", fake_analyse)
    topic = load_dataset(write_dataset(tmp_path / "data"))[0]
    cache = tmp_path / "cache"
    first = tls_eval.cached_analysis(topic, cache, None)
    again = tls_eval.cached_analysis(topic, cache, None)
    assert first == again == {"topic": "harbour", "run": 1}
    assert analysed == ["harbour"]
    with topic.articles_path.open("a") as fh:  # new articles: the cached analysis is stale
        fh.write(json.dumps({"id": "2", "time": "2021-05-06", "text": "Repairs began ."}) + "\n")
    assert tls_eval.cached_analysis(topic, cache, None) == {"topic": "harbour", "run": 2}
    assert analysed == ["harbour", "harbour"]
