"""Timeline-summarisation evaluation under the standard protocol (Ghalandari & Ifrim, ACL 2020).

A dataset folder holds one sub-folder per topic with ``articles.jsonl[.gz]``, ``timelines.jsonl``
(one gold timeline per line: ``[["YYYY-MM-DDT00:00:00", ["sentence", ...]], ...]``) and
``keywords.json``. There is one task per gold timeline: the input is the topic's articles published
within the gold timeline's first..last date, the system is asked for ``l`` = the number of gold
dates and ``k`` = the average number of gold sentences per date (rounded), with the keywords as the
query. Scores come from the ``tilse`` package (never re-implemented here): ROUGE-1/ROUGE-2 under
"alignment+ m:1" (``align_date_content_costs_many_to_one``) and date precision/recall/F1. Averages
follow news-tls: precision and recall are averaged over tasks, then F1 is taken of the averages.

Every topic's articles are read through :mod:`dateline.ingest` and analysed once through
:class:`dateline.pipeline.Corpus`, exactly as ``dateline build`` does; each of the topic's tasks is
then one ``Corpus.timeline(...)`` call.
"""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from dateline.errors import EvaluationError
from dateline.records import TimelineEntry
from dateline.timeline import LineScorer, load_line_scorer

RougeKind = Literal["reimpl", "perl"]
ARTICLE_FILES = ("articles.jsonl.gz", "articles.jsonl")


# --------------------------------------------------------------------------- tasks


@dataclass(frozen=True, slots=True)
class TlsTask:
    """One gold timeline of a topic, with what the protocol tells the system."""

    topic: str
    index: int
    keywords: tuple[str, ...]
    gold: Mapping[datetime.date, tuple[str, ...]]

    @property
    def name(self) -> str:
        return f"{self.topic}/{self.index}"

    @property
    def start(self) -> datetime.date:
        return min(self.gold)

    @property
    def end(self) -> datetime.date:
        return max(self.gold)

    @property
    def dates(self) -> int:
        """l: the number of dates in the gold timeline."""
        return len(self.gold)

    @property
    def sentences(self) -> int:
        """k: the average number of sentences per gold date, rounded (at least 1)."""
        total = sum(len(s) for s in self.gold.values())
        return max(1, round(total / len(self.gold)))

    @property
    def query(self) -> str:
        return " ".join(self.keywords)


@dataclass(frozen=True, slots=True)
class TlsTopic:
    """A topic folder: where its articles are, and its tasks."""

    name: str
    articles_path: Path
    tasks: tuple[TlsTask, ...]


def _parse_gold_date(value: Any, where: str) -> datetime.date:
    if not isinstance(value, str):
        raise EvaluationError(f"{where}: gold date {value!r} is not a string")
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError as exc:
        raise EvaluationError(f"{where}: gold date {value!r} is not ISO YYYY-MM-DD") from exc


def load_topic(topic_dir: Path) -> TlsTopic:
    """Read one topic folder's keywords and gold timelines."""
    articles = next((topic_dir / n for n in ARTICLE_FILES if (topic_dir / n).is_file()), None)
    if articles is None:
        raise EvaluationError(f"{topic_dir}: no articles.jsonl.gz or articles.jsonl")
    keywords_path = topic_dir / "keywords.json"
    timelines_path = topic_dir / "timelines.jsonl"
    for required in (keywords_path, timelines_path):
        if not required.is_file():
            raise EvaluationError(f"{topic_dir}: missing {required.name}")
    try:
        keywords = json.loads(keywords_path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise EvaluationError(f"{keywords_path}: not JSON ({exc})") from exc
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        raise EvaluationError(f"{keywords_path}: expected a JSON list of strings")
    tasks: list[TlsTask] = []
    for line_no, line in enumerate(timelines_path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{timelines_path}:{line_no}"
        try:
            rows = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvaluationError(f"{where}: not JSON ({exc})") from exc
        gold: dict[datetime.date, tuple[str, ...]] = {}
        for row in rows:
            if not (isinstance(row, list) and len(row) == 2 and isinstance(row[1], list)):
                raise EvaluationError(f"{where}: expected [date, [sentences...]] rows")
            day = _parse_gold_date(row[0], where)
            gold[day] = gold.get(day, ()) + tuple(str(s) for s in row[1])
        if gold:
            tasks.append(TlsTask(topic_dir.name, len(tasks), tuple(keywords), gold))
    if not tasks:
        raise EvaluationError(f"{timelines_path}: no gold timelines")
    return TlsTopic(topic_dir.name, articles, tuple(tasks))


def load_dataset(dataset: Path, topics: Iterable[str] | None = None) -> list[TlsTopic]:
    """Every topic folder of ``dataset`` (or just ``topics``), in name order."""
    if not dataset.is_dir():
        raise EvaluationError(f"{dataset}: not a folder")
    wanted = set(topics) if topics else None
    dirs = sorted(p for p in dataset.iterdir() if p.is_dir() and (p / "timelines.jsonl").exists())
    if wanted is not None:
        missing = wanted - {p.name for p in dirs}
        if missing:
            raise EvaluationError(f"{dataset}: no topic folder for {', '.join(sorted(missing))}")
        dirs = [p for p in dirs if p.name in wanted]
    if not dirs:
        raise EvaluationError(f"{dataset}: no topic folders with timelines.jsonl")
    return [load_topic(p) for p in dirs]


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class TaskScore:
    """The metrics of one task, and how long it took."""

    task: str
    ar1: PRF
    ar2: PRF
    date: PRF
    seconds: float
    predicted_dates: int
    gold_dates: int
    #: The timeline step alone (``Corpus.timeline``), without the topic's analysis.
    build_seconds: float = 0.0


def entries_to_dates(entries: Sequence[TimelineEntry]) -> dict[datetime.date, list[str]]:
    """Day-level entries as {date: [sentence, ...]}, the shape tilse scores.

    Month/year-level entries are left out: the benchmark's dates are days, and turning "March" into
    1 March would invent a day.
    """
    out: dict[datetime.date, list[str]] = {}
    for entry in entries:
        if entry.granularity != "day":
            continue
        day = datetime.date.fromisoformat(entry.date[:10])
        out.setdefault(day, []).extend(s.text for s in entry.sentences)
    return out


class TimelineScorer:
    """tilse's metrics for one predicted timeline against one gold timeline."""

    def __init__(self, rouge: RougeKind = "reimpl") -> None:
        from tilse.data import timelines as tilse_timelines
        from tilse.evaluation import dates as tilse_dates
        from tilse.evaluation import rouge as tilse_rouge

        computation = {"reimpl": "reimpl", "perl": "original"}.get(rouge)
        if computation is None:
            raise EvaluationError(f"unknown ROUGE implementation {rouge!r} (use reimpl or perl)")
        self._timelines = tilse_timelines
        self._evaluate_dates = tilse_dates.evaluate_dates
        self._evaluator = tilse_rouge.TimelineRougeEvaluator(
            measures={"rouge_1", "rouge_2"}, rouge_computation=computation
        )

    def score(
        self,
        predicted: Mapping[datetime.date, Sequence[str]],
        gold: Mapping[datetime.date, Sequence[str]],
    ) -> tuple[PRF, PRF, PRF]:
        """(ROUGE-1, ROUGE-2, date) precision/recall under alignment+ m:1."""
        gold_tl = self._timelines.GroundTruth(
            [self._timelines.Timeline({d: list(s) for d, s in gold.items()})]
        )
        if not predicted:
            return PRF(0.0, 0.0), PRF(0.0, 0.0), PRF(0.0, 0.0)
        pred_tl = self._timelines.Timeline({d: list(s) for d, s in predicted.items()})
        rouge = self._evaluator.evaluate_align_date_content_costs_many_to_one(pred_tl, gold_tl)
        dates = self._evaluate_dates(pred_tl, gold_tl)

        def prf(scores: Mapping[str, float]) -> PRF:
            return PRF(float(scores["precision"]), float(scores["recall"]))

        return prf(rouge["rouge_1"]), prf(rouge["rouge_2"]), prf(dates)


@dataclass(frozen=True, slots=True)
class EvaluationResult:
    """Per-task scores and the news-tls averages."""

    tasks: tuple[TaskScore, ...]
    #: Pipeline wall time over all topics: raw articles to timelines (scoring excluded).
    seconds: float
    topic_seconds: Mapping[str, float] = field(default_factory=dict)

    def _mean(self, pick: Callable[[TaskScore], PRF]) -> PRF:
        n = len(self.tasks)
        if not n:
            return PRF(0.0, 0.0)
        return PRF(
            sum(pick(t).precision for t in self.tasks) / n,
            sum(pick(t).recall for t in self.tasks) / n,
        )

    @property
    def ar1(self) -> PRF:
        return self._mean(lambda t: t.ar1)

    @property
    def ar2(self) -> PRF:
        return self._mean(lambda t: t.ar2)

    @property
    def date(self) -> PRF:
        return self._mean(lambda t: t.date)

    def summary(self) -> dict[str, float | int]:
        """The averaged figures, as printed on the last line of ``benchmarks/tls_eval.py``."""
        return {
            "ar1_f": round(self.ar1.f1, 4),
            "ar2_f": round(self.ar2.f1, 4),
            "date_f1": round(self.date.f1, 4),
            "tasks": len(self.tasks),
            "seconds": round(self.seconds, 1),
        }


# --------------------------------------------------------------------------- running


class TimelineSource(Protocol):
    """What the evaluation needs from an analysed corpus (``dateline.pipeline.Corpus``)."""

    def timeline(
        self,
        *,
        query: str | None,
        dates: int,
        sentences: int,
        start: datetime.date | None,
        end: datetime.date | None,
        line_scorer: LineScorer | None = None,
    ) -> Any: ...


def analyse_topic(topic: TlsTopic, workers: int | None = None) -> TimelineSource:
    """Read a topic's articles through dateline's ingest and analyse them once.

    ``workers`` analysis processes (None: dateline's default for the machine).
    """
    from dateline.ingest import CorpusReader
    from dateline.pipeline import Corpus

    reader = CorpusReader([topic.articles_path])
    articles = list(reader)
    if not articles:
        raise EvaluationError(f"{topic.articles_path}: no articles could be read")
    return Corpus.from_articles(articles, workers=workers, report=reader.report)


def run_topic(
    topic: TlsTopic,
    scorer: TimelineScorer,
    analyse: Callable[[TlsTopic], TimelineSource] = analyse_topic,
    on_task: Callable[[TaskScore], None] | None = None,
    line_scorer: LineScorer | None = None,
) -> tuple[list[TaskScore], float]:
    """Analyse the topic once, build and score each of its tasks.

    ``line_scorer`` is passed to every ``timeline`` call (None: the shipped one).
    Returns the scores and the pipeline's seconds (analysis plus timeline building; scoring excluded).
    """
    began = time.perf_counter()
    corpus = analyse(topic)
    analysis_seconds = time.perf_counter() - began
    pipeline_seconds = analysis_seconds
    scores: list[TaskScore] = []
    for task in topic.tasks:
        t0 = time.perf_counter()
        timeline = corpus.timeline(
            query=task.query,
            dates=task.dates,
            sentences=task.sentences,
            start=task.start,
            end=task.end,
            line_scorer=line_scorer,
        )
        entries = getattr(timeline, "entries", timeline)
        build_seconds = time.perf_counter() - t0
        pipeline_seconds += build_seconds
        predicted = entries_to_dates(entries)
        ar1, ar2, date = scorer.score(predicted, task.gold)
        score = TaskScore(
            task=task.name,
            ar1=ar1,
            ar2=ar2,
            date=date,
            # Raw articles -> timeline: this task's share of the topic's analysis, plus its build.
            seconds=analysis_seconds / len(topic.tasks) + build_seconds,
            predicted_dates=len(predicted),
            gold_dates=task.dates,
            build_seconds=build_seconds,
        )
        scores.append(score)
        if on_task is not None:
            on_task(score)
    return scores, pipeline_seconds


def evaluate_dataset(
    dataset: Path,
    *,
    topics: Iterable[str] | None = None,
    rouge: RougeKind = "reimpl",
    analyse: Callable[[TlsTopic], TimelineSource] = analyse_topic,
    on_task: Callable[[TaskScore], None] | None = None,
) -> EvaluationResult:
    """Run the standard protocol over a dataset folder (all topics, or ``topics``).

    Leave-one-topic-out: when the dataset is the one dateline's learned line scorer was trained on,
    each topic is summarised by the model trained without that topic (``load_line_scorer``).
    """
    loaded = load_dataset(dataset, topics)
    scorer = TimelineScorer(rouge)
    all_scores: list[TaskScore] = []
    topic_seconds: dict[str, float] = {}
    for topic in loaded:
        held_out = load_line_scorer(dataset=dataset.resolve().name, held_out=topic.name)
        scores, seconds = run_topic(topic, scorer, analyse, on_task, held_out)
        all_scores.extend(scores)
        topic_seconds[topic.name] = seconds
    return EvaluationResult(tuple(all_scores), sum(topic_seconds.values()), topic_seconds)
