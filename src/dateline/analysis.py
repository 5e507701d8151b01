"""Per-article analysis: sentences, time expressions, entities, event mentions.

This is the expensive stage, so it runs in worker processes and does as little as it can:
sentence splitting (spaCy ``senter``) and the time tagger run on every article; spaCy's NER, by
far the slowest component (about 5k words/s a process), runs only on the sentences whose entities
a later stage reads: the lede, which names the main actors, and the event-candidate sentences
up to just past their last trigger (``events.candidate_ner_end``). The timeline stage reads dates
and text, not entities, so dated sentences do not need NER on their own (on T17 that would be 40%
of all words instead of about 10%). The parser never runs. Only plain records leave this module.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from dateline import events, pubdate
from dateline.nlp import EnglishPipeline
from dateline.records import AnalysedArticle, Article, EntityMention, Sentence, TimeMention
from dateline.timex import TimeTagger

if TYPE_CHECKING:
    from typing import Any

#: Sentences at the start of an article that always get NER (the lede names the main actors).
LEDE_SENTENCES = 2
#: Articles sent to a worker at a time, and batches in flight per worker (bounds memory).
BATCH_SIZE = 16
BATCHES_IN_FLIGHT_PER_WORKER = 3


class ArticleAnalyser:
    """Holds the loaded models of one process and analyses articles one at a time."""

    def __init__(self, pipeline: EnglishPipeline, tagger: TimeTagger) -> None:
        self.pipeline = pipeline
        self.tagger = tagger
        self.future_cues = pubdate.load_future_cues()
        #: Seconds spent in each step, summed over the articles this analyser has seen: wall
        #: time, and this process's CPU time (the cost on a busy machine, where wall time grows).
        self.stage_seconds: dict[str, float] = {}
        self.stage_cpu_seconds: dict[str, float] = {}
        self._cpu_since = 0.0

    def _lap(self, stage: str, since: float) -> float:
        now, cpu = time.perf_counter(), time.process_time()
        self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + now - since
        spent = cpu - self._cpu_since
        self.stage_cpu_seconds[stage] = self.stage_cpu_seconds.get(stage, 0.0) + spent
        self._cpu_since = cpu
        return now

    @classmethod
    def load(cls, model: str | None = None) -> ArticleAnalyser:
        """Load the models, then take them out of the garbage collector's sight (below)."""
        analyser = cls(EnglishPipeline.load(model), TimeTagger())
        _freeze_loaded_objects()
        return analyser

    def analyse(self, article: Article) -> AnalysedArticle:
        text = article.text
        t = time.perf_counter()
        self._cpu_since = time.process_time()
        article, mentions = self._date_and_tag(article)
        t = self._lap("time expressions", t)
        spans = self.pipeline.split_sentences(text)
        t = self._lap("sentences", t)
        per_sentence = _assign_mentions(spans, mentions)

        ner_ends = [_ner_end(i, text[s:e], s) for i, (s, e) in enumerate(spans)]
        needs_ner = [end is not None for end in ner_ends]
        ner_spans = [
            (s, end) for (s, _), end in zip(spans, ner_ends, strict=True) if end is not None
        ]
        found = iter(self.pipeline.recognise_entities(text[s:e] for s, e in ner_spans))

        sentences: list[Sentence] = []
        for i, ((s, e), ms, need) in enumerate(zip(spans, per_sentence, needs_ner, strict=True)):
            ents: tuple[EntityMention, ...] = ()
            if need:
                ents = tuple(
                    dataclasses.replace(m, start=m.start + s, end=m.end + s) for m in next(found)
                )
            sentences.append(Sentence(article.id, i, s, e, text[s:e], tuple(ms), ents))
        t = self._lap("entities (NER)", t)
        event_mentions = events.extract_event_mentions(article, sentences, self.pipeline.nlp)
        self._lap("event mentions", t)
        return AnalysedArticle(article, tuple(sentences), event_mentions)

    def _date_and_tag(self, article: Article) -> tuple[Article, list[TimeMention]]:
        """Tag time expressions against the publication date, inferring one if it is unknown."""
        if article.published is not None:
            return article, self.tagger.tag(article.text, article.published.value)
        absolute = self.tagger.tag(article.text, None)
        inferred = pubdate.infer_publication_date(article.text, absolute, self.future_cues)
        if inferred is None:
            return article, absolute
        article = dataclasses.replace(article, published=inferred)
        return article, self.tagger.tag(article.text, inferred.value)


def _ner_end(index: int, sentence: str, start: int) -> int | None:
    """Where NER stops reading a sentence that starts at ``start`` (None: it does not read it):
    the lede whole, an event-candidate sentence up to just past its last trigger."""
    if index < LEDE_SENTENCES:
        return start + len(sentence)
    if events.is_candidate_sentence(sentence):
        return start + events.candidate_ner_end(sentence)
    return None


def _freeze_loaded_objects() -> None:
    """Move every object alive now (mostly the loaded spaCy model, hundreds of thousands of
    objects that live as long as the process) to the collector's permanent generation.

    Every full collection walks all tracked objects; with the model among them, collections
    triggered by the allocations of analysis cost about 1.4 ms per article on T17 (a quarter of
    the events stage's cost, measured by ``benchmarks/events_speed.py``). Garbage is collected
    first, so nothing unreachable is kept; objects frozen here are still freed by reference
    counting, only a cycle among them that becomes garbage later is not collected.
    """
    gc.collect()
    gc.freeze()


def _assign_mentions(
    spans: Sequence[tuple[int, int]], mentions: Sequence[TimeMention]
) -> list[list[TimeMention]]:
    """Put each mention in the sentence that contains its start (mentions are in text order)."""
    out: list[list[TimeMention]] = [[] for _ in spans]
    ordered = sorted(mentions, key=lambda m: m.start)
    i = 0
    for m in ordered:
        while i < len(spans) and spans[i][1] <= m.start:
            i += 1
        if i < len(spans) and spans[i][0] <= m.start:
            out[i].append(m)
        elif i < len(spans):
            # Between sentences (e.g. in stripped whitespace): the next sentence owns it.
            out[i].append(m)
    return out


# --------------------------------------------------------------------------- worker processes
# A process pool needs per-process state: each worker loads its models once in
# ``_start_worker`` and keeps them in ``_WORKER`` for its lifetime. The parent process never
# sets it.
_WORKER: dict[str, ArticleAnalyser] = {}


def _start_worker(model: str | None) -> None:
    _WORKER["analyser"] = ArticleAnalyser.load(model)


def _analyse_batch(batch: list[Article]) -> list[AnalysedArticle]:
    analyser = _WORKER["analyser"]
    return [analyser.analyse(a) for a in batch]


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


#: Below this many bytes of input, starting worker processes costs more than it saves.
PARALLEL_MIN_BYTES = 1_000_000


def workers_for_files(files: Iterable[Path]) -> int:
    """One process for small inputs, one per core (up to 8) from ``PARALLEL_MIN_BYTES`` on."""
    size = 0
    for path in files:
        try:
            size += path.stat().st_size
        except OSError:  # unreadable files are reported by the reader; they add nothing here
            continue
    return default_workers() if size >= PARALLEL_MIN_BYTES else 1


def analyse_articles(
    articles: Iterable[Article],
    *,
    workers: int = 1,
    model: str | None = None,
    analyser: ArticleAnalyser | None = None,
) -> Iterator[AnalysedArticle]:
    """Analyse articles in input order, streaming: memory holds a few batches, not the corpus.

    With ``workers > 1`` a pool of processes each loads the model once; otherwise the analysis
    runs here (pass ``analyser`` to reuse already loaded models).
    """
    if workers <= 1:
        local = analyser or ArticleAnalyser.load(model)
        for article in articles:
            yield local.analyse(article)
        return
    # fork on Linux: workers start fast and a caller's script needs no ``__main__`` guard (the
    # parent holds no model while a pool runs). Elsewhere fork is unsafe or missing: spawn.
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    context: Any = multiprocessing.get_context(method)
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(model,)
    ) as pool:
        pending: deque[Future[list[AnalysedArticle]]] = deque()
        limit = workers * BATCHES_IN_FLIGHT_PER_WORKER
        for batch in _batches(articles, BATCH_SIZE):
            pending.append(pool.submit(_analyse_batch, batch))
            if len(pending) >= limit:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
