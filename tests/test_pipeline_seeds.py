"""The whole pipeline on the five real seed articles in ../shared/seeds (read at test time)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dateline.pipeline import Corpus
from dateline.records import AnalysedArticle, TimeMention

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
BOILERPLATE_MARKERS = (
    "Advertisement",
    "featured-img",
    "whatsapp",
    "Subscribe",
    "tlbr_img",
    "search-icon",
)

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"{SEEDS} is not there")


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus.from_paths([SEEDS], workers=1)


def seed(corpus: Corpus, number: str) -> AnalysedArticle:
    (found,) = [a for a in corpus.articles if Path(a.article.path).name.startswith(number + "_")]
    return found


def mentions_in(article: AnalysedArticle, phrase: str) -> list[TimeMention]:
    return [m for s in article.sentences if phrase in s.text for m in s.time_mentions]


def test_all_five_seeds_are_read(corpus: Corpus) -> None:
    assert corpus.report.articles_read == 5
    assert not corpus.report.skipped


def test_000_talks_today_are_the_publication_day(corpus: Corpus) -> None:
    article = seed(corpus, "000")
    assert article.article.published is not None
    assert article.article.published.value == "2022-09-08"
    today = [m for m in mentions_in(article, "in Tokyo today") if m.text.lower() == "today"]
    assert [m.value for m in today] == ["2022-09-08"]
    assert today[0].granularity == "day"


def test_000_march_this_year_is_a_month(corpus: Corpus) -> None:
    article = seed(corpus, "000")
    march = [m for m in mentions_in(article, "March this year") if "March" in m.text]
    assert march, "the 'in March this year' mention was not found"
    assert march[0].value == "2022-03"
    assert march[0].granularity == "month"


def test_000_wednesday_arrival_is_the_day_before(corpus: Corpus) -> None:
    article = seed(corpus, "000")
    wednesday = [m for m in mentions_in(article, "on Wednesday") if "Wednesday" in m.text]
    assert [m.value for m in wednesday] == ["2022-09-07"]


def test_004_phone_call_is_dated_2020_12_22(corpus: Corpus) -> None:
    article = seed(corpus, "004")
    values = {m.value for m in mentions_in(article, "telephonic conversation on December")}
    assert "2020-12-22" in values


def test_002_dialogue_date_wins_and_the_weekday_conflict_is_recorded(corpus: Corpus) -> None:
    article = seed(corpus, "002")
    found = [m for m in mentions_in(article, "5th of March 2023") if m.value == "2023-03-05"]
    assert found, "5th of March 2023 was not resolved"
    assert any(m.conflicts for m in found), "the Wednesday/Sunday conflict is not recorded"


def test_003_has_no_boilerplate_and_no_invented_day(corpus: Corpus) -> None:
    article = seed(corpus, "003")
    for marker in BOILERPLATE_MARKERS:
        assert marker not in article.article.text
    assert article.article.removed_lines > 0
    published = article.article.published
    assert published is None or published.granularity != "day"


def test_no_timeline_line_quotes_boilerplate(corpus: Corpus) -> None:
    timeline = corpus.timeline(dates=20, sentences=3)
    assert timeline.entries
    for entry in timeline.entries:
        for line in entry.sentences:
            assert line.sources, f"a line without sources: {line.text!r}"
            for marker in BOILERPLATE_MARKERS:
                assert marker not in line.text


def test_every_timeline_line_cites_an_article_that_contains_it(corpus: Corpus) -> None:
    texts = {a.article.id: a.article.text for a in corpus.articles}
    for entry in corpus.timeline(dates=20, sentences=3).entries:
        for line in entry.sentences:
            assert texts[line.article_id][line.start : line.end] == line.text
