"""Timeline construction: pick the dates a story turns on, and say what happened on each.

Two steps, free of per-topic settings (method and figures: docs/tls.md):

1. **Date selection.** Every day-level date is scored by the distinct articles that support it: articles
   with an on-topic sentence that mentions the date, and articles published on it. Syndicated copies
   (one :class:`DuplicateGroup`) count once; equal scores go to the day named in more on-topic
   sentences. Month- and year-level mentions never count toward a day:
   "in March" says nothing about 1 March. They become month/year-level candidates of their own, which
   keep their granularity and only fill slots that day-level dates cannot.
2. **Per-date summaries.** The candidate sentences of a date are those that mention it (their time
   expression is the date evidence) and the undated sentences of articles published on it.
   Near-identical sentences from several articles are merged into one line citing all of them. Lines
   are picked greedily by maximal marginal relevance over TF-IDF vectors: close to the date's centroid
   plus half the story's, backed by many articles, naming the date (best at its start, as lines of a
   published timeline do), and not redundant with lines already picked. A small learned correction
   (:class:`LineScorer`, a ridge model over :data:`LINE_FEATURES` trained leave-one-topic-out by
   ``benchmarks/train_line_scorer.py``, weights in ``data/line_scorer.json``) is added to the
   relevance.

A ``query`` keeps the timeline on topic: only articles that match it are used, and sentences that
match it are preferred. Junk sentences (too short or long, shouting menus, "Advertisement", links,
bylines, questions) are never quoted; agency credits, an opening date phrase and a closing
attribution are left out of quotes; the rules are in
``data/timeline_filters.json``. ``start``/``end`` bound the dates and the articles used.
"""

from __future__ import annotations

import datetime
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from dateline.datafiles import read_data_json
from dateline.errors import ConfigurationError
from dateline.records import (
    AnalysedArticle,
    Article,
    DuplicateGroup,
    SourceRef,
    TimelineEntry,
    TimelineSentence,
)
from dateline.timeline_evidence import (  # noqa: F401 (re-exported: the stage's public names)
    _ALNUM,
    LEDE_SENTENCES,
    TimelineEvidence,
    _Candidate,
    _collect_evidence,
    _DateEvidence,
    _opens_sentence,
    _parse_day,
    coarse_period_of,
    day_of,
    published_day,
)

_WORD = re.compile(r"\w+", re.UNICODE)
_DIGIT = re.compile(r"\d")

#: Cosine similarity (TF-IDF) at or above which two sentences count as the same line (syndication).
SAME_LINE_SIMILARITY = 0.8
#: Cosine similarity above which a line is too redundant with one already picked for the date.
REDUNDANT_SIMILARITY = 0.5


# --------------------------------------------------------------------------- filters and query


@dataclass(frozen=True, slots=True)
class SentenceFilters:
    """Shape limits and junk patterns for quotable sentences (from ``data/timeline_filters.json``)."""

    #: Every junk pattern as one alternation, searched once in the lower-cased sentence.
    junk: re.Pattern[str]
    #: An agency credit at the start of a sentence ("(Reuters) -"), left out when quoting.
    wire_prefix: re.Pattern[str]
    min_words: int
    max_words: int
    max_uppercase_share: float
    query_stopwords: frozenset[str]
    #: A date or weekday opening a line ("On Tuesday ,"), left out of the quote.
    quote_lead: re.Pattern[str]
    #: A closing attribution (", officials said ."), left out of the quote.
    quote_tail: re.Pattern[str]
    #: Fewest words a quote keeps after ``quote_lead``/``quote_tail`` are left out.
    min_quote_words: int

    def is_quotable(self, text: str) -> bool:
        """True when ``text`` reads as a sentence of news prose rather than page debris."""
        words = len(_WORD.findall(text))
        if not self.min_words <= words <= self.max_words:
            return False
        letters = sum(map(str.isalpha, text))
        lower = sum(map(str.islower, text))
        if not lower or (letters - lower) / letters > self.max_uppercase_share:
            return False
        return self.junk.search(text.lower()) is None

    def quotable_text(self, text: str) -> str:
        """The sentence as quoted: stripped, without a leading agency credit."""
        return self.wire_prefix.sub("", text.strip(), count=1).strip() or text.strip()

    def quote_span(self, text: str) -> tuple[int, int]:
        """The part of a quotable ``text`` to show, as ``(start, end)`` offsets into it: without an
        opening date phrase or a closing attribution, when enough words remain."""
        start, end = 0, len(text)
        lead = self.quote_lead.match(text)
        if lead and len(_WORD.findall(text[lead.end() :])) >= self.min_quote_words:
            start = lead.end()
        tail = self.quote_tail.search(text, start)
        if tail and len(_WORD.findall(text[start : tail.start()])) >= self.min_quote_words:
            end = tail.start()
        return start, end


def load_sentence_filters() -> SentenceFilters:
    """Read the junk rules shipped with dateline."""
    data, where = read_data_json("timeline_filters.json", what="timeline junk rules")
    try:
        return SentenceFilters(
            junk=re.compile("|".join(f"(?:{p})" for p in data["junk_patterns"])),
            wire_prefix=re.compile(data["wire_prefix"]),
            min_words=int(data["min_words"]),
            max_words=int(data["max_words"]),
            max_uppercase_share=float(data["max_uppercase_share"]),
            query_stopwords=frozenset(data["query_stopwords"]),
            quote_lead=re.compile(data["quote_lead"], re.IGNORECASE),
            quote_tail=re.compile(data["quote_tail"], re.IGNORECASE),
            min_quote_words=int(data["min_quote_words"]),
        )
    except (KeyError, ValueError, TypeError, re.error) as exc:
        raise ConfigurationError(f"{where} is invalid: {exc}") from exc


@dataclass(frozen=True, slots=True)
class QueryMatcher:
    """Keyword matching for ``--query``: a sentence matches when one of its words is a query term,
    or starts with one of four letters or more ("syria" matches "Syrian", "Syria's")."""

    terms: frozenset[str]

    @classmethod
    def from_query(cls, query: str | None, stopwords: Iterable[str]) -> QueryMatcher:
        stop = set(stopwords)
        words = _WORD.findall(query.lower()) if query else []
        return cls(frozenset(w for w in words if w not in stop))

    @property
    def active(self) -> bool:
        return bool(self.terms)

    def pattern(self) -> re.Pattern[str] | None:
        """One regex for all terms: whole words, or word starts for terms of four letters or more."""
        if not self.terms:
            return None
        parts = sorted(re.escape(t) + (r"\w*" if len(t) >= 4 else "") for t in self.terms)
        return re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.IGNORECASE)

    def matches(self, text: str) -> bool:
        pattern = self.pattern()
        return pattern is None or pattern.search(text) is not None


# --------------------------------------------------------------------------- date ranking


@dataclass(frozen=True, slots=True)
class SelectionWeights:
    """The few numbers of the method, the same for every corpus (no per-topic settings).

    Chosen on Timeline17 from small grids and checked leave-one-topic-out (docs/tls.md).
    """

    #: Weight of an article naming the day in an on-topic sentence.
    mention: float = 1.0
    #: Weight of an article published on the day (and not already counted for naming it).
    published: float = 1.0
    #: Line relevance: bonus per log(1 + supporting articles) of a line.
    line_support: float = 0.1
    #: Line relevance: bonus when the line names the date (rather than being dated by publication).
    line_names_date: float = 0.1
    #: Line relevance: bonus when the line matches the query.
    line_on_query: float = 0.2
    #: MMR: penalty per unit of similarity to a line already picked for the date.
    redundancy: float = 0.5
    #: Line relevance: bonus when the line opens with the date (as lines of a published timeline do).
    line_opens_with_date: float = 0.1
    #: Lines are compared with the date's centroid plus this share of the story's centroid (the
    #: mean of every candidate date's lines), so they are about the date *and* about the story.
    story_centroid: float = 0.5


DEFAULT_WEIGHTS = SelectionWeights()


def _score_days(
    days: Mapping[datetime.date, _DateEvidence], weights: SelectionWeights
) -> dict[datetime.date, float]:
    """How strongly the corpus points at each day (weighted distinct supporting articles)."""
    scores: dict[datetime.date, float] = {}
    for day, ev in days.items():
        score = weights.mention * len(ev.mention_units) + weights.published * len(
            ev.published_units - ev.mention_units
        )
        if score > 0:
            scores[day] = score
    return scores


def _rank_days(
    scores: Mapping[datetime.date, float], days: Mapping[datetime.date, _DateEvidence]
) -> list[datetime.date]:
    """Days by score, highest first; on ties, the day named in more on-topic sentences, then the
    earlier day."""
    return sorted(scores, key=lambda d: (-scores[d], -days[d].mention_sentences, d))


# --------------------------------------------------------------------------- summaries


@dataclass(slots=True)
class _Line:
    """One quotable line: a sentence and every article in which (nearly) the same sentence appears."""

    members: list[_Candidate]
    vector_row: int

    @property
    def first(self) -> _Candidate:
        return self.members[0]

    def article_ids(self) -> list[str]:
        seen: dict[str, None] = {}
        for c in self.members:
            seen.setdefault(c.article.id, None)
        return list(seen)


def _normalised(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _source_ref(article: Article) -> SourceRef:
    return SourceRef(
        article_id=article.id,
        url=article.url,
        source=article.source,
        title=article.title,
        published=article.published.value if article.published else None,
        path=article.path,
    )


def _merge_lines(
    candidates: Sequence[_Candidate],
    vectors: Any,
    rows: Sequence[int],
    terms: Sequence[Sequence[str]],
) -> tuple[list[_Line], np.ndarray]:
    """Group identical or near-identical candidate sentences (syndication) into single lines;
    with the lines' cosine similarities (of their openers' vectors, which :func:`_pick_lines`
    needs: taken from the candidates', the same numbers as computing them again).

    ``terms`` are the candidates' TF-IDF terms: two texts with the same words (lower-cased) have
    the same terms, so a candidate's words are compared only with those of the lines opened by
    a candidate with its very terms (the same lines as comparing with every line's words)."""
    block = vectors[list(rows)]
    similarity = (block @ block.T).toarray()
    # Only a candidate with an earlier near-identical one can join a line by similarity: the
    # others (most) skip the search among the lines' openers, with the same result.
    near_earlier = np.tril(similarity >= SAME_LINE_SIMILARITY, -1).any(axis=1)
    lines: list[_Line] = []
    opener: list[int] = []  # line index -> candidate position that opened it
    by_terms: dict[tuple[str, ...], list[int]] = {}  # terms -> lines opened with them
    words: dict[int, str] = {}  # line index -> its opener's words, when worked out
    for pos, (candidate, row) in enumerate(zip(candidates, rows, strict=True)):
        key = tuple(terms[pos])
        index = -1
        same_terms = by_terms.get(key, ())
        mine = _normalised(candidate.text) if same_terms else ""
        for line_index in same_terms:
            if line_index not in words:
                words[line_index] = _normalised(lines[line_index].first.text)
            if words[line_index] == mine:
                index = line_index
                break
        if index < 0 and opener and near_earlier[pos]:
            sims = similarity[pos, opener]
            best = int(np.argmax(sims))
            if sims[best] >= SAME_LINE_SIMILARITY:
                index = best
        if index < 0:
            index = len(lines)
            lines.append(_Line([candidate], row))
            opener.append(pos)
            by_terms.setdefault(key, []).append(index)
        elif all(m.article.id != candidate.article.id for m in lines[index].members):
            lines[index].members.append(candidate)
    return lines, similarity[np.ix_(opener, opener)]


def _norm(vector: np.ndarray) -> float:
    """Euclidean norm of a dense vector (``np.linalg.norm`` goes through BLAS, which costs
    milliseconds per call on a loaded machine; this does not)."""
    return math.sqrt(float(np.einsum("i,i->", vector, vector)))


#: The features of a candidate line, in the order of :func:`line_features` columns.
LINE_FEATURES = (
    "centrality",
    "date_centrality",
    "story_centrality",
    "log_support",
    "names_date",
    "on_query",
    "opens_with_date",
    "log_words",
    "log_position",
    "lede",
    "log_days_after",
    "before_date",
    "opens_with_quote",
    "has_digit",
    "query_terms",
)

_QUOTE_OPENERS = ("`", "'", '"', "\u201c", "\u2018")


def line_features(
    lines: Sequence[_Line],
    vectors: Any,
    query: QueryMatcher,
    weights: SelectionWeights,
    background: Any,
    day: datetime.date | None,
) -> np.ndarray:
    """One row of :data:`LINE_FEATURES` per line of one date."""
    rows = [line.vector_row for line in lines]
    matrix = vectors[rows]
    pattern = query.pattern()
    no_gap = math.log1p(30)
    cols: list[list[float]] = []
    counts: list[int] = []
    flags: list[tuple[bool, bool, bool]] = []
    published: dict[str, datetime.date | None] = {}
    for line in lines:
        members = line.members
        first = members[0]
        text = first.text
        gaps = []
        if day is not None:
            for m in members:
                if m.article.id not in published:
                    published[m.article.id] = published_day(m.article)
                if (p := published[m.article.id]) is not None:
                    gaps.append((p - day).days)
        gap = min((g for g in gaps if g >= 0), default=None)
        if len(members) == 1:  # most lines: one sentence of one article
            index = first.sentence.index
            counts.append(1)
            flags.append((first.mentions_date, first.on_query, first.opens_with_date))
        else:
            index = min(m.sentence.index for m in members)
            counts.append(len(line.article_ids()))
            flags.append(
                (
                    any(m.mentions_date for m in members),
                    any(m.on_query for m in members),
                    any(m.opens_with_date for m in members),
                )
            )
        cols.append(
            [
                math.log1p(first.words if first.words >= 0 else word_count(text)),
                math.log1p(index),
                float(index < 3),  # the earliest member is in a lede when any is
                math.log1p(gap) if gap is not None else no_gap,
                float(bool(gaps) and max(gaps) < 0),
                float(text.startswith(_QUOTE_OPENERS)),
                float(_DIGIT.search(text) is not None),
                math.log1p(len(pattern.findall(text))) if pattern is not None else 0.0,
            ]
        )
    support = np.array(counts, dtype=float)
    date_centroid = np.asarray(matrix.T @ support).ravel() / max(float(support.sum()), 1.0)

    def cosine(centroid: np.ndarray) -> np.ndarray:
        norm = _norm(centroid)
        return np.asarray(matrix @ centroid).ravel() / norm if norm else np.zeros(len(lines))

    extra = np.array(cols, dtype=float).reshape(len(lines), 8)
    return np.column_stack(
        [
            cosine(date_centroid + weights.story_centroid * background),
            cosine(date_centroid),
            cosine(np.asarray(background).ravel()),
            np.log1p(support),
            np.array(flags, dtype=bool).reshape(len(lines), 3),
            extra,
        ]
    ).astype(float)


@dataclass(frozen=True, slots=True)
class LineScorer:
    """A learned correction to a line's relevance: a linear model over :data:`LINE_FEATURES`.

    ``relevance += scale * ((features - mean) / spread) @ coef``. The model predicts how much of a
    published timeline's entry for the date a line restates (ROUGE-1 + ROUGE-2 F against it); it is
    trained leave-one-topic-out by ``benchmarks/train_line_scorer.py`` and shipped in
    ``data/line_scorer.json`` (docs/tls.md). ``coef`` is scaled so that predictions have unit spread
    on the training lines: ``scale`` is the correction's weight against the hand-set relevance.
    """

    mean: tuple[float, ...] = ()
    spread: tuple[float, ...] = ()
    coef: tuple[float, ...] = ()
    scale: float = 0.0

    def relevance(self, features: np.ndarray) -> np.ndarray:
        if not self.coef or not self.scale:
            return np.zeros(len(features))
        z = (features - np.array(self.mean)) / np.array(self.spread)
        return np.asarray(self.scale * (z @ np.array(self.coef)), dtype=float)


#: No learned correction: the hand-set relevance alone.
NO_LINE_SCORER = LineScorer()


def load_line_scorer(dataset: str | None = None, held_out: str | None = None) -> LineScorer:
    """The shipped line scorer, trained on every topic of its training dataset; or, when a topic
    ``held_out`` of that very ``dataset`` (folder name) is being evaluated, the model trained
    without it (leave-one-topic-out)."""
    data, where = read_data_json("line_scorer.json", what="learned line scorer")
    try:
        if list(data["features"]) != list(LINE_FEATURES):
            raise ValueError(f"features {data['features']} differ from {list(LINE_FEATURES)}")
        models = data["models"]
        same = dataset is not None and dataset == data["trained_on"]
        model = models["held_out"].get(held_out) if same and held_out else None
        model = model if model is not None else models["all"]
        scorer = LineScorer(
            mean=tuple(float(x) for x in model["mean"]),
            spread=tuple(float(x) for x in model["spread"]),
            coef=tuple(float(x) for x in model["coef"]),
            scale=float(data["scale"]),
        )
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise ConfigurationError(f"{where} is invalid: {exc}") from exc
    n = len(LINE_FEATURES)
    if not (len(scorer.mean) == len(scorer.spread) == len(scorer.coef) == n):
        raise ConfigurationError(f"{where} is invalid: every vector needs {n} values")
    if any(x <= 0 for x in scorer.spread):
        raise ConfigurationError(f"{where} is invalid: spreads must be positive")
    return scorer


def _pick_lines(
    lines: Sequence[_Line],
    similarity: np.ndarray,
    vectors: Any,
    count: int,
    query: QueryMatcher,
    weights: SelectionWeights,
    background: Any,
    day: datetime.date | None = None,
    scorer: LineScorer | None = None,
    observe: Callable[[datetime.date | None, Sequence[_Line], np.ndarray], None] | None = None,
) -> list[_Line]:
    """Maximal marginal relevance: central, well-supported, on-topic lines that say new things
    (``similarity``: the lines' cosine similarities, from :func:`_merge_lines`)."""
    if not lines or count <= 0:
        return []
    feats = line_features(lines, vectors, query, weights, background, day)
    if observe is not None:
        observe(day, lines, feats)
    relevance = (
        feats[:, 0]
        + weights.line_support * feats[:, 3]
        + weights.line_names_date * feats[:, 4]
        + (weights.line_on_query * feats[:, 5] if query.active else 0.0)
        + weights.line_opens_with_date * feats[:, 6]
    )
    if scorer is not None:
        relevance = relevance + scorer.relevance(feats)
    chosen: list[int] = []
    # Each line's largest similarity to the lines picked so far (0 before the first pick), and
    # whether it may still be picked (not picked, never too redundant: redundancy only grows).
    redundancy = np.zeros(len(lines))
    eligible = np.ones(len(lines), dtype=bool)
    while len(chosen) < count:
        eligible &= redundancy <= REDUNDANT_SIMILARITY
        if not eligible.any():
            break
        values = np.where(eligible, relevance - weights.redundancy * redundancy, -np.inf)
        best = int(np.argmax(values))  # the first of equal values, as a scan in line order
        chosen.append(best)
        eligible[best] = False
        redundancy = np.maximum(redundancy, similarity[:, best])
    return [lines[i] for i in chosen]


def _timeline_sentence(line: _Line, filters: SentenceFilters) -> TimelineSentence:
    first = line.first
    sources: dict[str, SourceRef] = {}
    evidence = first.evidence
    for member in line.members:
        sources.setdefault(member.article.id, _source_ref(member.article))
        if not evidence and member.evidence:
            evidence = member.evidence
    # ``first.text`` is a suffix of the sentence (a wire credit may be left out at its start).
    begin = first.sentence.end - len(first.text)
    lead, tail = filters.quote_span(first.text)
    return TimelineSentence(
        text=first.text[lead:tail],
        article_id=first.article.id,
        start=begin + lead,
        end=begin + tail,
        date_evidence=evidence,
        sources=tuple(sources.values()),
    )


# --------------------------------------------------------------------------- the public entry point


def build_timeline_entries(
    articles: Iterable[AnalysedArticle],
    *,
    query: str | None,
    dates: int,
    sentences: int,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    duplicate_groups: Sequence[DuplicateGroup] = (),
    events: Sequence[object] = (),
    weights: SelectionWeights = DEFAULT_WEIGHTS,
    line_scorer: LineScorer | None = None,
    line_observer: Callable[[datetime.date | None, Sequence[_Line], np.ndarray], None]
    | None = None,
    known_quotable: Mapping[tuple[str, int], bool] | None = None,
    evidence: TimelineEvidence | None = None,
) -> tuple[TimelineEntry, ...]:
    """Pick up to ``dates`` dates and up to ``sentences`` lines for each, in date order.

    ``start``/``end`` bound the dates (inclusive); articles published outside them are not used
    (the standard TLS protocol), articles of unknown publication day are. ``duplicate_groups`` make
    syndicated copies count once and be cited together. ``events`` with ``id`` and ``date`` attributes attach their ids to the
    entry of their date. ``known_quotable`` gives ``SentenceFilters.is_quotable`` of sentences,
    by (article id, sentence index), when already known (the store keeps it): the result is the
    same, only sentences missing from it are tested. ``evidence`` is what
    :func:`collect_timeline_evidence` collected from ``articles`` for the same query, range and
    groups, when the caller kept it (then ``articles`` is not read): the result is the same.
    """
    if dates <= 0 or sentences <= 0:
        raise ConfigurationError(
            f"dates and sentences must be positive (got dates={dates}, sentences={sentences})"
        )
    filters = load_sentence_filters()
    matcher = QueryMatcher.from_query(query, filters.query_stopwords)
    if line_scorer is None:
        line_scorer = load_line_scorer()
    if evidence is None:
        evidence = collect_timeline_evidence(
            articles, query=query, start=start, end=end, duplicate_groups=duplicate_groups
        )
    elif (evidence.terms, evidence.start, evidence.end) != (matcher.terms, start, end):
        raise ConfigurationError("the timeline evidence given was collected for another view")
    days, periods = evidence.days, evidence.periods
    day_scores = _score_days(days, weights)
    score_of: dict[str, float] = {days[d].key: s for d, s in day_scores.items()}
    ranked = [days[d] for d in _rank_days(day_scores, days)]
    coarse = sorted(
        (p for p in periods.values() if p.mention_units), key=lambda p: (-p.support, p.key)
    )
    score_of.update((p.key, float(p.support)) for p in coarse)
    # Month/year-level slots come after every day-level candidate: they only fill what days cannot.
    ordered = ranked + coarse

    # The dates that may be used (a margin over ``dates`` for those left without a quotable line),
    # each with its pool of quotable candidates.
    quotable: dict[tuple[str, int], bool] = {}
    known = known_quotable if known_quotable is not None else {}
    heads: list[tuple[_DateEvidence, list[_Candidate]]] = []
    for ev in ordered:
        if evidence.pool is not None:
            pool = evidence.pool(ev)
        else:
            pool = _candidate_pool(ev.candidates, filters, matcher, quotable, known)
        if pool:
            heads.append((ev, pool))
        if len(heads) >= dates + MARGIN_DATES:
            break
    if not heads:
        return ()
    analyse = text_terms_analyser()
    docs = [c.terms if c.terms is not None else analyse(c.text) for _, pool in heads for c in pool]
    # The terms are those TfidfVectorizer(lowercase=True, stop_words="english") finds in the texts:
    # the same matrix, from terms a store may have worked out when it stored the sentences.
    from dateline.tfidf import GivenTermsTfidf, given_terms  # slow import: views only

    vectorizer = GivenTermsTfidf(analyzer=given_terms, sublinear_tf=True)
    try:
        vectors = vectorizer.fit_transform(docs)
    except ValueError:  # every candidate is stop words only: nothing informative to quote
        return ()
    background = np.asarray(vectors.mean(axis=0)).ravel()
    event_ids = _events_by_date(events)
    entries: list[TimelineEntry] = []
    offset = 0
    for ev, pool in heads:
        rows = list(range(offset, offset + len(pool)))
        offset += len(pool)
        if len(entries) >= dates:
            break
        day = _parse_day(ev.key) if ev.granularity == "day" else None
        lines, similarity = _merge_lines(pool, vectors, rows, docs[rows[0] : rows[-1] + 1])
        picked = _pick_lines(
            lines,
            similarity,
            vectors,
            sentences,
            matcher,
            weights,
            background,
            day,
            line_scorer,
            line_observer,
        )
        if not picked:
            continue
        entries.append(
            TimelineEntry(
                date=ev.key,
                granularity=ev.granularity,
                sentences=tuple(_timeline_sentence(line, filters) for line in picked),
                score=score_of[ev.key],
                article_ids=tuple(sorted(ev.article_ids)),
                event_ids=tuple(event_ids.get(ev.key, ())),
            )
        )
    return tuple(sorted(entries, key=lambda e: (e.date, e.granularity)))


def collect_timeline_evidence(
    articles: Iterable[AnalysedArticle],
    *,
    query: str | None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    duplicate_groups: Sequence[DuplicateGroup] = (),
) -> TimelineEvidence:
    """The first step of :func:`build_timeline_entries` on its own (reads ``articles`` once)."""
    matcher = QueryMatcher.from_query(query, load_sentence_filters().query_stopwords)
    days, periods = _collect_evidence(articles, matcher, duplicate_groups, start, end)
    return TimelineEvidence(matcher.terms, start, end, days, periods)


#: Sentences of an article's lede: undated ones are also candidates for the day before it was
#: Dates ranked beyond those asked for, in case some have no quotable line.
MARGIN_DATES = 10
#: Most candidate sentences considered for one date (those naming the date come first).
MAX_POOL = 400


def _candidate_pool(
    candidates: Sequence[_Candidate],
    filters: SentenceFilters,
    matcher: QueryMatcher,
    quotable: dict[tuple[str, int], bool],
    known: Mapping[tuple[str, int], bool],
) -> list[_Candidate]:
    """The quotable candidates of a date, on-topic ones only when there are any."""

    def ok(c: _Candidate) -> bool:
        key = (c.article.id, c.sentence.index)
        if key not in quotable:
            flag = known.get(key)
            quotable[key] = filters.is_quotable(c.sentence.text) if flag is None else flag
        if quotable[key] and not c.text:
            c.text = filters.quotable_text(c.sentence.text)
        return quotable[key]

    pool = [c for c in candidates if c.on_query and ok(c)] if matcher.active else []
    if not pool:  # nothing names the query: the article matched, so its sentences may still do
        pool = [c for c in candidates if ok(c)]
    if len(pool) > MAX_POOL:
        pool = sorted(pool, key=lambda c: (not c.mentions_date, c.sentence.index))[:MAX_POOL]
    return pool


def text_terms_analyser() -> Callable[[str], list[str]]:
    """What the stage's TF-IDF counts in a quoted text: lower-cased words of two characters or
    more, without English stop words (scikit-learn's word analyser)."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # slow import: views only

    analyser: Callable[[str], list[str]] = TfidfVectorizer(
        lowercase=True, stop_words="english"
    ).build_analyzer()
    return analyser


def word_count(text: str) -> int:
    """Words of a quoted text, as the line features count them."""
    return len(_WORD.findall(text))


def _events_by_date(events: Sequence[object]) -> dict[str, list[str]]:
    """Event ids by ISO date, for events that carry ``id`` and ``date``."""
    out: dict[str, list[str]] = defaultdict(list)
    for event in events:
        event_id = getattr(event, "id", None)
        date = getattr(event, "date", None)
        if isinstance(event_id, str) and isinstance(date, str):
            out[date].append(event_id)
    return out
