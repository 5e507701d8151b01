"""Selection logic of dateline.timeline on small hand-built analysed articles."""

from __future__ import annotations

import datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.errors import ConfigurationError
from dateline.records import (
    AnalysedArticle,
    Article,
    DuplicateGroup,
    PublicationDate,
    Sentence,
    TimeMention,
)
from dateline.timeline import (
    LINE_FEATURES,
    NO_LINE_SCORER,
    LineScorer,
    QueryMatcher,
    build_timeline_entries,
    load_line_scorer,
    load_sentence_filters,
)


def mention(text: str, value: str, granularity: str = "day") -> TimeMention:
    return TimeMention(
        text=text, start=0, end=len(text), type="DATE", value=value, granularity=granularity
    )  # type: ignore[arg-type]


def analysed(
    article_id: str,
    published: str | None,
    sentences: list[tuple[str, list[TimeMention]]],
    *,
    source: str | None = None,
) -> AnalysedArticle:
    text = ""
    records = []
    for i, (body, mentions) in enumerate(sentences):
        start = len(text)
        text += body + " "
        records.append(Sentence(article_id, i, start, start + len(body), body, tuple(mentions)))
    article = Article(
        id=article_id,
        text=text,
        path=f"{article_id}.txt",
        title=f"Title {article_id}",
        url=f"https://news.example/{article_id}",
        source=source or f"outlet-{article_id}",
        published=PublicationDate(published, "day", "field") if published else None,
    )
    return AnalysedArticle(article, tuple(records))


BRIDGE = (
    "The river council voted on Tuesday to close the old bridge to all heavy traffic for repairs."
)
FERRY = "Ferry operators said on Tuesday they would add extra crossings while the bridge is shut."
FLOOD = (
    "Heavy rain flooded the lower town on Friday and forced dozens of families from their homes."
)


def corpus() -> list[AnalysedArticle]:
    tue = [mention("on Tuesday", "2024-03-05")]
    fri = [mention("on Friday", "2024-03-08")]
    return [
        analysed("a1", "2024-03-06", [(BRIDGE, tue), (FERRY, tue)]),
        analysed("a2", "2024-03-06", [(BRIDGE, tue)]),
        analysed(
            "a3",
            "2024-03-07",
            [
                ("Engineers had warned the council about the bridge cracks for years.", []),
                (BRIDGE, tue),
            ],
        ),
        analysed("a4", "2024-03-09", [(FLOOD, fri)]),
    ]


def test_dates_ranked_by_distinct_supporting_articles() -> None:
    entries = build_timeline_entries(corpus(), query=None, dates=1, sentences=1)
    assert [e.date for e in entries] == ["2024-03-05"]
    assert set(entries[0].article_ids) == {"a1", "a2", "a3"}


def test_entries_in_date_order_and_within_bounds() -> None:
    entries = build_timeline_entries(corpus(), query=None, dates=5, sentences=2)
    assert [e.date for e in entries] == sorted(e.date for e in entries)
    bounded = build_timeline_entries(
        corpus(),
        query=None,
        dates=5,
        sentences=2,
        start=datetime.date(2024, 3, 6),
        end=datetime.date(2024, 3, 8),
    )
    assert bounded
    assert all("2024-03-06" <= e.date <= "2024-03-08" for e in bounded)


def test_every_line_cites_its_articles_and_syndicated_copies_are_cited_together() -> None:
    entries = build_timeline_entries(corpus(), query=None, dates=1, sentences=2)
    first = entries[0].sentences[0]
    assert first.text == BRIDGE
    assert {s.article_id for s in first.sources} == {"a1", "a2", "a3"}
    assert all(s.url and s.url.startswith("https://news.example/") for s in first.sources)
    assert first.date_evidence == "on Tuesday"
    for entry in build_timeline_entries(corpus(), query=None, dates=5, sentences=3):
        for line in entry.sentences:
            assert line.sources, line.text
            assert line.article_id in {s.article_id for s in line.sources}


def test_near_identical_rewrite_is_one_line() -> None:
    tue = [mention("on Tuesday", "2024-03-05")]
    rewrite = BRIDGE.replace("The river council", "The River Council")[:-1] + " on the river."
    articles = [
        analysed("a1", "2024-03-06", [(BRIDGE, tue)]),
        analysed("b1", "2024-03-06", [(rewrite, tue)]),
    ]
    (entry,) = build_timeline_entries(articles, query=None, dates=1, sentences=3)
    assert len(entry.sentences) == 1
    assert {s.article_id for s in entry.sentences[0].sources} == {"a1", "b1"}


def test_redundant_sentence_not_repeated_for_a_date() -> None:
    tue = [mention("on Tuesday", "2024-03-05")]
    variant = "On Tuesday the river council voted to close the old bridge to heavy traffic."
    articles = [
        analysed("a1", "2024-03-06", [(BRIDGE, tue), (FERRY, tue)]),
        analysed("a2", "2024-03-06", [(variant, tue)]),
    ]
    (entry,) = build_timeline_entries(articles, query=None, dates=1, sentences=2)
    texts = [s.text for s in entry.sentences]
    assert len(texts) == 2
    assert not (BRIDGE in texts and variant in texts)
    assert FERRY in texts


def test_duplicate_group_counts_once() -> None:
    fri = [mention("on Friday", "2024-03-08")]
    tue = [mention("on Tuesday", "2024-03-05")]
    articles = [
        analysed("w1", "2024-03-09", [(FLOOD, fri)]),
        analysed("w2", "2024-03-09", [(FLOOD, fri)]),
        analysed("w3", "2024-03-09", [(FLOOD, fri)]),
        analysed("b1", "2024-03-06", [(BRIDGE, tue)]),
        analysed("b2", "2024-03-07", [(BRIDGE, tue)]),
    ]
    ungrouped = build_timeline_entries(articles, query=None, dates=1, sentences=1)
    assert [e.date for e in ungrouped] == ["2024-03-08"]
    groups = [DuplicateGroup("g1", ("w1", "w2", "w3"))]
    grouped = build_timeline_entries(
        articles, query=None, dates=1, sentences=1, duplicate_groups=groups
    )
    assert [e.date for e in grouped] == ["2024-03-05"]


def test_month_level_mention_keeps_its_granularity() -> None:
    march = [mention("in March", "2024-03", "month")]
    articles = [
        analysed(
            "m1",
            "2024-04-02",
            [("The council first discussed closing the bridge in March.", march)],
        ),
        analysed(
            "m2", "2024-04-03", [("Residents say the bridge closure was agreed in March.", march)]
        ),
    ]
    entries = build_timeline_entries(articles, query=None, dates=3, sentences=1)
    months = [e for e in entries if e.granularity == "month"]
    assert [e.date for e in months] == ["2024-03"]
    assert all(e.date != "2024-03-01" for e in entries)
    assert months[0].sentences[0].date_evidence == "in March"


def test_month_level_evidence_never_outranks_a_day() -> None:
    march = [mention("in March", "2024-03", "month")]
    articles = [
        *corpus(),
        *(
            analysed(
                f"m{i}", "2024-04-02", [("The council first discussed the bridge in March.", march)]
            )
            for i in range(6)
        ),
    ]
    entries = build_timeline_entries(articles, query=None, dates=2, sentences=1)
    assert all(e.granularity == "day" for e in entries)


def test_query_keeps_the_timeline_on_topic() -> None:
    entries = build_timeline_entries(corpus(), query="flood rain", dates=5, sentences=2)
    assert [e.date for e in entries] == ["2024-03-08"]
    assert entries[0].sentences[0].text == FLOOD


def test_query_prefers_matching_sentences() -> None:
    tue = [mention("on Tuesday", "2024-03-05")]
    articles = [
        analysed("a1", "2024-03-06", [(BRIDGE, tue), (FERRY, tue)]),
        analysed("a2", "2024-03-06", [(BRIDGE, tue), (FERRY, tue)]),
    ]
    (entry,) = build_timeline_entries(articles, query="ferry crossings", dates=1, sentences=2)
    assert [s.text for s in entry.sentences] == [FERRY]


def test_junk_sentences_are_never_quoted() -> None:
    tue = [mention("Tuesday", "2024-03-05")]
    articles = [
        analysed(
            "j1",
            "2024-03-06",
            [
                ("Advertisement", tue),
                ("HOME NEWS SPORT WEATHER TUESDAY MARCH 5", tue),
                ("Bridge shut Tuesday.", tue),
                (
                    "Click here to read more about the bridge closure on Tuesday and subscribe now.",
                    tue,
                ),
                (BRIDGE, [mention("on Tuesday", "2024-03-05")]),
            ],
        )
    ]
    (entry,) = build_timeline_entries(articles, query=None, dates=1, sentences=5)
    assert [s.text for s in entry.sentences] == [BRIDGE]


def test_undated_sentences_of_an_article_count_for_its_publication_day() -> None:
    articles = [
        analysed(
            "p1",
            "2024-05-01",
            [("The harbour authority announced a new fee for cruise ships.", [])],
        ),
        analysed(
            "p2",
            "2024-05-01",
            [("Cruise lines criticised the harbour authority over the fee.", [])],
        ),
    ]
    (entry,) = build_timeline_entries(articles, query=None, dates=1, sentences=2)
    assert entry.date == "2024-05-01"
    assert entry.granularity == "day"
    assert all(s.date_evidence == "" for s in entry.sentences)


def test_non_positive_sizes_are_rejected() -> None:
    with pytest.raises(ConfigurationError):
        build_timeline_entries(corpus(), query=None, dates=0, sentences=1)


def test_empty_input_gives_empty_timeline() -> None:
    assert build_timeline_entries([], query="anything", dates=3, sentences=1) == ()


def test_query_matcher_prefixes_and_stopwords() -> None:
    matcher = QueryMatcher.from_query("the Syria war", load_sentence_filters().query_stopwords)
    assert matcher.terms == frozenset({"syria", "war"})
    assert matcher.matches("Syrian troops moved north.")
    assert matcher.matches("A war of words.")
    assert not matcher.matches("Warsaw talks resumed.")  # "war" is under four letters: exact only
    assert not matcher.matches("The Iraqi government met.")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 20), st.integers(0, 20), st.booleans()), min_size=1, max_size=12
    ),
    st.integers(1, 6),
    st.integers(1, 3),
)
def test_shape_invariants(spec: list[tuple[int, int, bool]], dates: int, sentences: int) -> None:
    base = datetime.date(2024, 1, 1)
    articles = []
    for i, (pub, mentioned, dated) in enumerate(spec):
        day = base + datetime.timedelta(days=mentioned)
        text = f"Officials in district {i} reported progress on the reservoir project {i} today."
        mentions = [mention("today", day.isoformat())] if dated else []
        articles.append(
            analysed(f"x{i}", (base + datetime.timedelta(days=pub)).isoformat(), [(text, mentions)])
        )
    entries = build_timeline_entries(articles, query=None, dates=dates, sentences=sentences)
    assert len(entries) <= dates
    assert [e.date for e in entries] == sorted(e.date for e in entries)
    assert len({e.date for e in entries}) == len(entries)
    for entry in entries:
        assert 1 <= len(entry.sentences) <= sentences
        for line in entry.sentences:
            assert line.sources


def test_wire_credit_is_left_out_of_the_quote_and_offsets_follow() -> None:
    body = "The port authority said on Tuesday it would close the northern dock for a month."
    sentence = "LISBON (Reuters) - " + body
    articles = [analysed("r1", "2024-03-06", [(sentence, [mention("on Tuesday", "2024-03-05")])])]
    (entry,) = build_timeline_entries(articles, query=None, dates=1, sentences=1)
    line = entry.sentences[0]
    assert line.text == body
    assert articles[0].article.text[line.start : line.end] == body


def test_questions_and_bylines_are_not_quoted() -> None:
    tue = [mention("Tuesday", "2024-03-05")]
    articles = [
        analysed(
            "q1",
            "2024-03-06",
            [
                ("Will the council really close the old bridge on Tuesday for good ?", tue),
                (
                    "Bridge to close, council says Tuesday 5 March 2024 17.37 GMT The council voted.",
                    tue,
                ),
                (BRIDGE, [mention("on Tuesday", "2024-03-05")]),
            ],
        )
    ]
    (entry,) = build_timeline_entries(articles, query=None, dates=1, sentences=3)
    assert [s.text for s in entry.sentences] == [BRIDGE]


def test_a_line_opening_with_its_date_reads_as_a_timeline_line() -> None:
    from dateline.timeline import _opens_sentence

    text = "June 1 - Shares in the ferry operator fell sharply after the bridge closure."
    opening = Sentence("t", 0, 100, 100 + len(text), text)
    assert _opens_sentence(TimeMention("June 1", 100, 106, "DATE", "2024-06-01", "day"), opening)
    later = Sentence("t", 1, 0, len(BRIDGE), BRIDGE)
    start = BRIDGE.index("on Tuesday")
    assert not _opens_sentence(
        TimeMention("on Tuesday", start, start + 10, "DATE", "2024-03-05", "day"), later
    )


def test_articles_published_outside_the_span_are_not_used() -> None:
    tue = [mention("on Tuesday", "2024-03-05")]
    late = "A week later the council said its vote on Tuesday 5 March had been unanimous."
    articles = [
        analysed("in", "2024-03-06", [(BRIDGE, tue)]),
        analysed("after", "2024-03-12", [(late, [mention("Tuesday 5 March", "2024-03-05")])]),
    ]
    (entry,) = build_timeline_entries(
        articles,
        query=None,
        dates=1,
        sentences=3,
        start=datetime.date(2024, 3, 1),
        end=datetime.date(2024, 3, 8),
    )
    assert entry.article_ids == ("in",)
    assert [s.text for s in entry.sentences] == [BRIDGE]


def test_a_sentence_with_a_day_is_not_quoted_for_the_year_around_it() -> None:
    # "Harbour Drill 2024 ended today": the sentence belongs to its day, not to "2024".
    drill = "The Harbour Drill 2024 exercise ended off the coast today after four days at sea."
    other = "The harbour authority said in 2024 it would publish a full review of the drill."
    articles = [
        analysed(
            "y1",
            "2024-03-15",
            [(drill, [mention("2024", "2024", "year"), mention("today", "2024-03-15")])],
        ),
        analysed("y2", "2024-03-16", [(other, [mention("2024", "2024", "year")])]),
    ]
    entries = build_timeline_entries(articles, query=None, dates=5, sentences=2)
    by_date = {e.date: e for e in entries}
    assert [s.text for s in by_date["2024-03-15"].sentences] == [drill]
    assert [s.text for s in by_date["2024"].sentences] == [other]


def test_shipped_line_scorer_loads_with_one_model_per_held_out_topic() -> None:
    n = len(LINE_FEATURES)
    shipped = load_line_scorer()
    assert len(shipped.coef) == n and shipped.scale > 0
    held_out = load_line_scorer(dataset="t17", held_out="syria")
    assert held_out != shipped, "the held-out model is trained without the topic"
    assert load_line_scorer(dataset="elsewhere", held_out="syria") == shipped
    assert NO_LINE_SCORER.relevance(np.ones((3, n))).tolist() == [0.0, 0.0, 0.0]


def test_learned_line_scorer_changes_which_line_is_quoted() -> None:
    """A scorer that rewards lines from the start of an article picks the lede over a better
    supported line; with no scorer the supported line wins."""
    tue = [mention("on Tuesday", "2024-03-05")]
    articles = [
        analysed("b1", "2024-03-06", [(FERRY, tue), (BRIDGE, tue)]),
        analysed("b2", "2024-03-06", [("A headline we do not want .", []), (BRIDGE, tue)]),
        analysed("b3", "2024-03-07", [("Another opening line here .", []), (BRIDGE, tue)]),
    ]
    plain = build_timeline_entries(
        articles, query=None, dates=1, sentences=1, line_scorer=NO_LINE_SCORER
    )
    assert plain[0].sentences[0].text == BRIDGE
    n = len(LINE_FEATURES)
    lede = LineScorer(
        mean=(0.0,) * n,
        spread=(1.0,) * n,
        coef=tuple(-1.0 if f == "log_position" else 0.0 for f in LINE_FEATURES),
        scale=5.0,
    )
    learned = build_timeline_entries(articles, query=None, dates=1, sentences=1, line_scorer=lede)
    assert learned[0].sentences[0].text == FERRY


@pytest.mark.parametrize(
    ("sentence", "quoted"),
    [
        (
            "On Tuesday , the port authority closed the northern dock for a month .",
            "the port authority closed the northern dock for a month .",
        ),
        (
            "June 4 - The port authority closed the northern dock for a month .",
            "The port authority closed the northern dock for a month .",
        ),
        (
            "The port authority closed the northern dock for a month , officials said on Tuesday .",
            "The port authority closed the northern dock for a month",
        ),
        (  # what follows "said" is content, not an attribution: kept
            "The port authority closed the dock , the mayor said it would reopen in May .",
            "The port authority closed the dock , the mayor said it would reopen in May .",
        ),
        ("On Tuesday , the old dock closed .", "On Tuesday , the old dock closed ."),  # too short
    ],
)
def test_opening_date_and_closing_attribution_are_left_out_and_offsets_follow(
    sentence: str, quoted: str
) -> None:
    articles = [analysed("t1", "2024-03-05", [(sentence, [])])]
    (entry,) = build_timeline_entries(articles, query=None, dates=1, sentences=1)
    line = entry.sentences[0]
    assert line.text == quoted
    assert articles[0].article.text[line.start : line.end] == quoted


def test_equal_support_is_broken_by_the_day_named_in_more_sentences() -> None:
    """Two days with one supporting article each: the one its article names twice comes first
    (the earlier day would win a plain tie)."""
    mon = [mention("on Monday", "2024-03-04")]
    wed = [mention("on Wednesday", "2024-03-06")]
    articles = [
        analysed("m1", None, [(FLOOD.replace("on Friday", "on Monday"), mon)]),
        analysed(
            "w1",
            None,
            [
                (BRIDGE.replace("on Tuesday", "on Wednesday"), wed),
                (FERRY.replace("on Tuesday", "on Wednesday"), wed),
            ],
        ),
    ]
    (entry,) = build_timeline_entries(articles, query=None, dates=1, sentences=1)
    assert entry.date == "2024-03-06"


def test_an_undated_lede_sentence_is_a_candidate_for_the_day_before_publication() -> None:
    """A day named only by a later article gets the lede of an article published the day after
    it (news is mostly reported the next day), not just the sentence that names it."""
    fri = [mention("on Friday", "2024-03-08")]
    lede = "Rescue crews pulled dozens of families from flooded homes in the lower town overnight."
    articles = [
        analysed("n1", "2024-03-09", [(lede, [])]),
        analysed("n2", "2024-03-12", [(FLOOD, fri)]),
    ]
    entries = build_timeline_entries(
        articles, query=None, dates=1, sentences=2, line_scorer=NO_LINE_SCORER
    )
    assert entries[0].date == "2024-03-08"
    assert {line.text for line in entries[0].sentences} == {FLOOD, lede}


def test_merged_lines_carry_the_similarities_of_their_openers() -> None:
    """``_pick_lines`` takes the lines' similarities from ``_merge_lines``: they must be exactly
    the cosines of the lines' own vectors (what it computed itself before), and a syndicated copy
    must join its line rather than open one."""
    from dateline.tfidf import GivenTermsTfidf, given_terms
    from dateline.timeline import _merge_lines, text_terms_analyser
    from dateline.timeline_evidence import StoredSentence, _Candidate

    texts = [
        "The ministers signed the cable deal in Lisbon.",
        "Rain closed the port of Rabat for two days.",
        "The ministers signed the cable deal in Lisbon.",  # a copy in another outlet
        "Engineers laid the first section of the cable near Porto.",
        "The ministers signed the cable deal in Lisbon on Monday.",
    ]
    analyse = text_terms_analyser()
    candidates = [
        _Candidate(
            StoredSentence(0, len(text), text),
            Article(id=f"a{i}", text="", path=f"a{i}.txt"),
            "",
            False,
            True,
            text=text,
            terms=analyse(text),
        )
        for i, text in enumerate(texts)
    ]
    terms = [c.terms or [] for c in candidates]
    vectors = GivenTermsTfidf(analyzer=given_terms, sublinear_tf=True).fit_transform(terms)
    lines, similarity = _merge_lines(candidates, vectors, range(len(texts)), terms)
    # The copy and the near-identical rewrite join the first line; openers at 0, 1 and 3.
    assert [line.article_ids() for line in lines] == [["a0", "a2", "a4"], ["a1"], ["a3"]]
    own = vectors[[line.vector_row for line in lines]]
    assert np.array_equal(similarity, (own @ own.T).toarray())
