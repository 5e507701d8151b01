"""Exports: timeline JSON round-trips exactly, Markdown and HTML show every line with its sources
and never let article text turn into markup, events/entities files round-trip."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from dateline import records
from dateline.errors import ConfigurationError
from dateline.export import (
    read_entities_json,
    read_events_jsonl,
    read_timeline_json,
    timeline_from_dict,
    timeline_to_dict,
    write_entities_json,
    write_events_csv,
    write_events_jsonl,
    write_outputs,
    write_timeline_json,
)
from dateline.records import (
    GRANULARITY_ORDER,
    IngestReport,
    Problem,
    SourceRef,
    Timeline,
    TimelineEntry,
    TimelineSentence,
)
from dateline.render import (
    render_html,
    render_markdown,
    render_timelinejs_html,
    safe_http_url,
    timelinejs_data,
)

TEMPLATES = Path(__file__).parents[1] / "src" / "dateline" / "templates"
OUR_SCRIPT = (TEMPLATES / "timeline.js").read_text(encoding="utf-8")

INJECTIONS = (
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '</p><a href="javascript:alert(1)">x</a>',
    "\"quoted\" and 'single' & <b>bold</b>",
    "*not emphasis* _nor this_ [a link](http://x.example) `code` # heading",
    "line one\nline two\r\nline three",
    "Ünïcödé — 東京 — 🚀 — עברית",
    "{{ template }} {% tag %} ${js}",
    "\\ backslash \\* escaped",
    "1. not a list",
    "- not a bullet",
    "&amp; &lt; &#60; entity",
)

texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(INJECTIONS),
    st.tuples(st.text(max_size=8), st.sampled_from(INJECTIONS), st.text(max_size=8)).map("".join),
)
optional_texts = st.none() | texts
urls = st.one_of(
    st.none(),
    texts,
    st.sampled_from(
        (
            "https://example.org/a?x=1&y=2",
            "http://news.example.com/2022/09/08/talks.html",
            "javascript:alert(1)",
            " JavaScript:alert(document.domain)",
            "java\tscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            'https://example.org/"onmouseover=alert(1)',
            "//example.org/protocol-relative",
            "https:no-host",
        )
    ),
)
source_refs = st.builds(
    SourceRef,
    article_id=texts,
    url=urls,
    source=optional_texts,
    title=optional_texts,
    published=optional_texts,
    path=optional_texts,
)
timeline_sentences = st.builds(
    TimelineSentence,
    text=texts,
    article_id=texts,
    start=st.integers(0, 10**7),
    end=st.integers(0, 10**7),
    date_evidence=texts,
    sources=st.lists(source_refs, max_size=3).map(tuple),
)
finite_floats = st.floats(allow_nan=False, allow_infinity=False)
timeline_entries = st.builds(
    TimelineEntry,
    date=texts,
    granularity=st.sampled_from(GRANULARITY_ORDER),
    sentences=st.lists(timeline_sentences, max_size=3).map(tuple),
    score=finite_floats,
    article_ids=st.lists(texts, max_size=3).map(tuple),
    event_ids=st.lists(texts, max_size=2).map(tuple),
)
problems = st.builds(
    Problem,
    path=texts,
    reason=texts,
    line=st.none() | st.integers(1, 10**6),
    severity=st.sampled_from(("skipped", "warning")),
)
reports = st.builds(
    IngestReport,
    files_seen=st.integers(0, 10**6),
    files_read=st.integers(0, 10**6),
    articles_read=st.integers(0, 10**6),
    problems=st.lists(problems, max_size=3).map(tuple),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | finite_floats | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
timelines = st.builds(
    Timeline,
    entries=st.lists(timeline_entries, max_size=4).map(tuple),
    query=optional_texts,
    report=reports,
    params=st.dictionaries(texts, json_values, max_size=3),
)


def flat(text: str) -> str:
    """Whitespace-normalised text without control characters (how a page shows it)."""
    cleaned = "".join(
        ch for ch in text if ch in "\t\n\r" or not (ord(ch) < 32 or 127 <= ord(ch) < 160)
    )
    return " ".join(cleaned.split())


def all_links(timeline: Timeline) -> set[str | None]:
    """What may be linked: the http(s) URL of every source of every line."""
    return {
        safe_http_url(ref.url)
        for entry in timeline.entries
        for sentence in entry.sentences
        for ref in sentence.sources
    }


def sample_timeline() -> Timeline:
    hindu = SourceRef(
        article_id="a-000",
        url="https://www.example-hindu.test/news/talks?id=1&lang=en",
        source="The Example Hindu",
        title="Ministers <hold> talks",
        published="2022-09-09",
        path="corpus/a.txt",
    )
    wire = SourceRef(article_id="a-001", url="javascript:alert(1)", source="Wire & Co")
    bare = SourceRef(article_id="a-002")
    return Timeline(
        entries=(
            TimelineEntry(
                date="2022-03",
                granularity="month",
                score=2.0,
                article_ids=("a-000", "a-001"),
                sentences=(
                    TimelineSentence(
                        text="The ministers agreed in March. <script>alert(1)</script>",
                        article_id="a-000",
                        start=10,
                        end=66,
                        date_evidence="in March this year",
                        sources=(hindu, wire),
                    ),
                ),
            ),
            TimelineEntry(
                date="2022-09-08",
                granularity="day",
                score=3.5,
                article_ids=("a-000", "a-002"),
                event_ids=("ev-0001",),
                sentences=(
                    TimelineSentence(
                        text="Talks were held in Tokyo on Thursday.",
                        article_id="a-002",
                        start=0,
                        end=37,
                        date_evidence="on Thursday",
                        sources=(bare, hindu),
                    ),
                    TimelineSentence(
                        text="A line whose article has no source record.",
                        article_id="a-003",
                        start=5,
                        end=47,
                    ),
                ),
            ),
        ),
        query="india japan defence",
        report=IngestReport(
            files_seen=6,
            files_read=4,
            articles_read=4,
            problems=(
                Problem(path="corpus/blob.bin", reason="binary file: not text"),
                Problem(path="corpus/x.jsonl", reason="malformed JSON", line=3, severity="warning"),
            ),
        ),
        params={"dates": 10, "sentences": 2},
    )


# --------------------------------------------------------------------------- timeline JSON


@settings(max_examples=150, deadline=None)
@given(timelines)
def test_timeline_json_round_trips_exactly(timeline: Timeline) -> None:
    data = timeline_to_dict(timeline)
    assert data["schema"] == "dateline.timeline/1"
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    assert timeline_from_dict(json.loads(text)) == timeline


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timelines)
def test_timeline_json_file_round_trips(timeline: Timeline) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "timeline.json"
        write_timeline_json(timeline, path)
        assert read_timeline_json(path) == timeline


def test_timeline_json_schema_is_the_documented_one() -> None:
    """Pins the field names of schema dateline.timeline/1: a new record field must bump it."""
    data = timeline_to_dict(sample_timeline())
    assert set(data) == {"schema", "query", "params", "report", "entries"}
    assert set(data["report"]) == {"files_seen", "files_read", "articles_read", "problems"}
    assert set(data["report"]["problems"][0]) == {"path", "reason", "line", "severity"}
    entry = data["entries"][0]
    assert set(entry) == {
        "date",
        "granularity",
        "score",
        "article_ids",
        "event_ids",
        "sentences",
    }
    sentence = entry["sentences"][0]
    assert set(sentence) == {"text", "article_id", "start", "end", "date_evidence", "sources"}
    assert set(sentence["sources"][0]) == {
        "article_id",
        "url",
        "source",
        "title",
        "published",
        "path",
    }
    assert entry["article_ids"] == ["a-000", "a-001"]


@pytest.mark.parametrize(
    ("mutate", "named"),
    [
        (lambda d: d.update(schema="something/else"), "schema"),
        (
            lambda d: d["entries"][0]["sentences"][0].update(start="10"),
            "entries[0].sentences[0].start",
        ),
        (lambda d: d["entries"][1].update(granularity="fortnight"), "entries[1].granularity"),
        (lambda d: d["entries"][0].pop("date"), "entries[0].date"),
        (lambda d: d["entries"][0].update(scroe=1.0), "scroe"),
        (lambda d: d["report"]["problems"][1].update(line=True), "report.problems[1].line"),
        (lambda d: d["entries"][1].update(event_ids="ev-0001"), "entries[1].event_ids"),
        (lambda d: d["entries"][0]["sentences"][0]["sources"][0].update(url=7), "sources[0].url"),
        (lambda d: d.update(entries={}), "entries"),
        (lambda d: d["entries"][0].update(score=None), "entries[0].score"),
    ],
)
def test_malformed_timeline_names_the_field(mutate: Any, named: str) -> None:
    data = timeline_to_dict(sample_timeline())
    mutate(data)
    with pytest.raises(ConfigurationError, match=re.escape(named)):
        timeline_from_dict(data)


def test_read_timeline_json_names_the_file_on_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "timeline.json"
    path.write_text('{"schema": "dateline.timeline/1",\n "entries": [,]}', encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"timeline\.json:2"):
        read_timeline_json(path)


def test_non_finite_score_is_refused_with_its_field() -> None:
    timeline = sample_timeline()
    bad = Timeline(
        entries=(TimelineEntry(date="2020", granularity="year", sentences=(), score=float("nan")),),
        query=None,
        report=timeline.report,
    )
    with pytest.raises(ConfigurationError, match=r"entries\[0\]\.score"):
        timeline_to_dict(bad)


# --------------------------------------------------------------------------- Markdown


def test_markdown_headings_sources_and_header() -> None:
    timeline = sample_timeline()
    md = render_markdown(timeline)
    assert md.startswith("# Timeline: india japan defence\n")
    assert timeline.report.summary() in md.replace("\\", "")
    assert "## 2022-03 (month)" in md
    assert "## 2022-09-08 (day)" in md
    assert md.index("## 2022-03 (month)") < md.index("## 2022-09-08 (day)")
    assert "[The Example Hindu](https://www.example-hindu.test/news/talks?id=1&lang=en)" in md
    assert "(dated by “in March this year”)" in md
    assert "javascript:" not in md.replace("url not linked: javascript:alert(1)", "")
    assert "](javascript" not in md
    for entry in timeline.entries:
        for sentence in entry.sentences:
            for ref in sentence.sources:
                assert f"`{ref.article_id}`" in md
    assert "`a-003`" in md  # a line with no source record still names its article
    assert "* event `ev-0001`" in md


@settings(max_examples=100, deadline=None)
@given(timelines)
def test_markdown_renders_article_text_as_text(timeline: Timeline) -> None:
    """Rendered by a CommonMark parser with raw HTML enabled, no article text becomes markup."""
    md = render_markdown(timeline)
    html = MarkdownIt("commonmark").render(md)
    tree = lxml.html.document_fromstring(f"<html><body>{html}</body></html>")
    assert not tree.xpath("//script | //img | //b | //em//script")
    hrefs = [a.get("href", "") for a in tree.xpath("//a")]
    allowed = all_links(timeline)
    for href in hrefs:
        assert href in allowed, href
    page_text = flat(tree.text_content())
    for entry in timeline.entries:
        for sentence in entry.sentences:
            assert flat(sentence.text) in page_text
    # every source is listed: one bullet per source (plus one for a line with none of its own)
    expected_bullets = sum(
        len(s.sources) + (s.article_id not in {r.article_id for r in s.sources})
        for e in timeline.entries
        for s in e.sentences
    )
    assert len(tree.xpath("//li/ul/li")) == expected_bullets


# --------------------------------------------------------------------------- HTML


def assert_page_is_safe(page: str, timeline: Timeline) -> lxml.html.HtmlElement:
    tree = lxml.html.document_fromstring(page)
    scripts = tree.xpath("//script")
    assert len(scripts) == 1 and scripts[0].text == OUR_SCRIPT
    assert not tree.xpath("//img | //iframe | //object | //embed | //link | //base | //form")
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            if name in ("href", "src"):
                assert not value.strip().lower().startswith(("javascript:", "data:", "vbscript:"))
    assert not tree.xpath("//*[@src]")
    # autoescape turns quotes in text into &#34;/&#39;, so this literal only matches real markup
    assert not re.search(r"""href=["']\s*javascript:""", page, re.IGNORECASE)
    allowed = all_links(timeline)
    for anchor in tree.xpath("//a[@href]"):
        href = anchor.get("href")
        if href.startswith("#"):
            continue
        assert href in allowed, href
        assert href.startswith(("http://", "https://"))
    return tree


def test_html_escapes_injected_script_and_shows_it_as_text() -> None:
    timeline = sample_timeline()
    page = render_html(timeline)
    tree = assert_page_is_safe(page, timeline)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    first_line = tree.xpath("//li[@class='line']/p[@class='text']")[0]
    assert first_line.text_content() == "The ministers agreed in March. <script>alert(1)</script>"
    assert "javascript:alert(1)" in tree.text_content()  # shown, not linked
    assert tree.findtext(".//title") == "Timeline: india japan defence"
    csp = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp


def test_html_shows_dates_evidence_sources_and_event_ids() -> None:
    timeline = sample_timeline()
    tree = lxml.html.document_fromstring(render_html(timeline, title="My & title"))
    assert tree.findtext(".//title") == "My & title"
    sections = tree.xpath("//section[@class='entry']")
    assert len(sections) == 2
    assert sections[0].xpath(".//time/@datetime") == ["2022-03"]
    assert flat(sections[0].xpath(".//h2")[0].text_content()) == "March 2022 month"
    assert flat(sections[1].xpath(".//h2")[0].text_content()) == "8 September 2022 day"
    assert sections[1].xpath(".//code[@class='event-id']/text()") == ["ev-0001"]
    lines = sections[1].xpath(".//li[@class='line']")
    assert flat(lines[0].xpath(".//q[@class='evidence']")[0].text_content()) == "on Thursday"
    assert "dated by publication date" in lines[1].text_content()
    link = sections[0].xpath(".//a[@class='outlet']")[0]
    assert link.get("href") == "https://www.example-hindu.test/news/talks?id=1&lang=en"
    assert link.text_content() == "The Example Hindu"
    assert "Ministers <hold> talks" in sections[0].text_content()
    problems = tree.xpath("//details[@class='problems']//li")
    assert len(problems) == 2 and "corpus/x.jsonl:3" in problems[1].text_content()


@settings(max_examples=100, deadline=None)
@given(timelines)
def test_html_every_line_is_shown_escaped_with_its_sources(timeline: Timeline) -> None:
    page = render_html(timeline)
    tree = assert_page_is_safe(page, timeline)
    sections = tree.xpath("//section[@class='entry']")
    assert len(sections) == len(timeline.entries)
    for section, entry in zip(sections, timeline.entries, strict=True):
        lines = section.xpath(".//li[@class='line']")
        assert len(lines) == len(entry.sentences)
        for line, sentence in zip(lines, entry.sentences, strict=True):
            shown = line.xpath("./p[@class='text']")[0].text_content()
            assert flat(shown) == flat(sentence.text)
            ids = [flat(code.text_content()) for code in line.xpath(".//code[@class='article-id']")]
            assert ids, "every line names at least one article"
            assert [flat(r.article_id) for r in sentence.sources] == ids[: len(sentence.sources)]
            for ref in sentence.sources:
                href = safe_http_url(ref.url)
                if href:
                    assert href in line.xpath(".//a/@href")


def planned_meeting() -> records.Event:
    return records.Event(
        id="ev-0001",
        type="CONSULT",
        mode="visit",
        actors=("ent-1",),
        recipients=("ent-2",),
        date="2022-09-08",
        granularity="day",
        date_evidence=records.DateEvidence(
            expression="on Monday", anchor="2022-09-05", article_id="a-002"
        ),
        location="Tokyo <HQ>",
        status="planned",
        evidence=(records.Evidence("They will meet on Monday.", "a-002", 0, 25),),
        sources=(records.EventSource("a-002"), records.EventSource("a-000", outlet="X")),
        confidence=0.8,
        conflicts=("weekday Monday contradicts 2022-09-08 (Thursday)",),
        actor_names=("Rajnath <b>Singh</b>",),
        recipient_names=("Yasukazu Hamada",),
    )


def test_entries_describe_their_events_when_events_are_given() -> None:
    timeline = sample_timeline()
    event = planned_meeting()
    tree = lxml.html.document_fromstring(render_html(timeline, events=[event]))
    items = tree.xpath("//section[@class='entry'][2]//li[@class='event']")
    assert len(items) == 1
    shown = flat(items[0].text_content())
    for part in (
        "ev-0001",
        "CONSULT/visit",
        "planned",
        "Rajnath <b>Singh</b> → Yasukazu Hamada",
        "in Tokyo <HQ>",
        "dated 2022-09-08 (day) from “on Monday”",
        "2 sources",
        "conflict: weekday Monday contradicts 2022-09-08 (Thursday)",
    ):
        assert part in shown, part
    assert not tree.xpath("//li[@class='event']//b")
    md = render_markdown(timeline, events=[event])
    assert "* event `ev-0001`: CONSULT/visit, planned; Rajnath \\<b\\>Singh\\</b\\>" in md
    assert "conflict: weekday Monday contradicts 2022-09-08 (Thursday)" in md
    # without the event records, the ids are still listed
    bare = lxml.html.document_fromstring(render_html(timeline))
    assert bare.xpath("//li[@class='event']/code/text()") == ["ev-0001"]
    assert "* event `ev-0001`\n" in render_markdown(timeline)


def test_sources_are_labelled_by_outlet_host_or_file() -> None:
    tree = lxml.html.document_fromstring(
        render_html(
            Timeline(
                entries=(
                    TimelineEntry(
                        date="2021",
                        granularity="year",
                        score=1.0,
                        sentences=(
                            TimelineSentence(
                                text="x",
                                article_id="a",
                                start=0,
                                end=1,
                                sources=(
                                    SourceRef("a", url="https://news.example.net/p", source=None),
                                    SourceRef("b", path="corpus/sub/b-article.txt"),
                                    SourceRef("c"),
                                ),
                            ),
                        ),
                    ),
                ),
                query=None,
                report=IngestReport(1, 1, 1),
            )
        )
    )
    labels = [flat(e.text_content()) for e in tree.xpath("//*[contains(@class, 'outlet')]")]
    assert labels == ["news.example.net", "b-article.txt", "article"]


def test_markdown_keeps_underscores_inside_words_readable() -> None:
    timeline = sample_timeline()
    entry = timeline.entries[0]
    sentence = TimelineSentence(
        text="snake_case stays, _this_ does not emphasise", article_id="x_1", start=0, end=1
    )
    md = render_markdown(
        Timeline(
            entries=(TimelineEntry(entry.date, entry.granularity, (sentence,), 1.0),),
            query=None,
            report=timeline.report,
        )
    )
    assert "snake_case stays, \\_this\\_ does not" in md
    rendered = MarkdownIt("commonmark").render(md)
    assert "<em>" not in rendered.replace("<em>(dated by publication date)</em>", "")


def test_cited_articles_are_indexed_once_with_their_line_counts() -> None:
    timeline = sample_timeline()
    tree = lxml.html.document_fromstring(render_html(timeline))
    rows = tree.xpath("//details[@class='articles']//tbody/tr")
    table = [[flat(td.text_content()) for td in row.xpath("./td")] for row in rows]
    assert table == [
        ["a-000", "The Example Hindu", "Ministers <hold> talks", "2022-09-09", "2"],
        ["a-001", "Wire & Co", "", "", "1"],
        ["a-002", "article", "", "", "1"],
        ["a-003", "article", "", "", "1"],
    ]
    assert rows[0].xpath(".//a/@href") == ["https://www.example-hindu.test/news/talks?id=1&lang=en"]
    md = render_markdown(timeline)
    index = md[md.index("## Articles cited (4)") :]
    assert index.count("\n- ") == 4
    assert "`a-000` — cited by 2 line(s)" in index


def test_html_is_self_contained() -> None:
    page = render_html(sample_timeline())
    for pattern in (r"@import", r"url\(", r"<link\b", r"\bsrc=", r"fonts\.googleapis", r"fetch\("):
        assert not re.search(pattern, page), pattern


def test_empty_timeline_renders() -> None:
    timeline = Timeline(
        entries=(), query=None, report=IngestReport(files_seen=0, files_read=0, articles_read=0)
    )
    tree = lxml.html.document_fromstring(render_html(timeline))
    assert "No dated lines were found" in tree.text_content()
    assert "# Timeline" in render_markdown(timeline)


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://example.org/x?a=1&b=2", "https://example.org/x?a=1&b=2"),
        ("HTTP://EXAMPLE.ORG/", "HTTP://EXAMPLE.ORG/"),
        ("  https://example.org/a b  ", "https://example.org/a%20b"),
        ("https://example.org/(x)", "https://example.org/%28x%29"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("java\nscript:alert(1)", None),
        ("\x01javascript:alert(1)", None),
        ("data:text/html,hi", None),
        ("//example.org/x", None),
        ("https:no-host", None),
        ("/relative/path", None),
        ("", None),
        (None, None),
    ],
)
def test_only_http_urls_become_links(url: str | None, linked: str | None) -> None:
    assert safe_http_url(url) == linked


def test_timelinejs_data_places_dates_and_escapes_text() -> None:
    timeline = sample_timeline()
    data = timelinejs_data(timeline)
    assert data["title"]["text"]["headline"] == "Timeline: india japan defence"
    first, second = data["events"]
    assert first["start_date"] == {"year": 2022, "month": 3, "display_date": "March 2022 (month)"}
    assert second["start_date"]["day"] == 8
    body = lxml.html.fragment_fromstring(first["text"]["text"], create_parent="div")
    assert not body.xpath("//script")
    assert "<script>alert(1)</script>" in body.text_content()
    assert body.xpath("//a/@href") == ["https://www.example-hindu.test/news/talks?id=1&lang=en"]
    assert "&lt;script&gt;" in first["text"]["headline"]


def test_timelinejs_page_is_one_offline_file() -> None:
    timeline = sample_timeline()
    page = render_timelinejs_html(timeline)
    tree = lxml.html.document_fromstring(page)
    scripts = tree.xpath("//script")
    assert [s.get("type") for s in scripts] == ["application/json", None, None]
    data = json.loads(scripts[0].text)
    assert data == timelinejs_data(timeline)
    assert "</" not in scripts[0].text and "<" not in scripts[0].text
    assert "font: null" in scripts[2].text and "script_path" in scripts[2].text
    assert not tree.xpath("//*[@src] | //link")
    csp = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert "default-src 'none'" in csp and "unsafe" not in csp
    style = tree.xpath("//style")[0].text
    assert "tl-icons" in style and "url(../" not in style and "sourceMappingURL" not in page
    written = write_outputs(timeline, Path(tempfile.mkdtemp()), timelinejs=True)
    assert written["timeline-js.html"].read_text(encoding="utf-8") == page


def test_timelinejs_skips_dates_it_cannot_place() -> None:
    timeline = sample_timeline()
    decade = TimelineEntry(date="201", granularity="decade", sentences=(), score=1.0)
    week = TimelineEntry(date="2022-W10", granularity="week", sentences=(), score=1.0)
    data = timelinejs_data(
        Timeline(entries=(decade, week), query=None, report=timeline.report, params={})
    )
    assert [e["start_date"]["year"] for e in data["events"]] == [2022]
    assert "month" not in data["events"][0]["start_date"]
    assert "1 date(s) too coarse to place" in data["title"]["text"]["text"]


# --------------------------------------------------------------------------- events and entities


@dataclass(frozen=True, slots=True)
class ToyEvidence:
    text: str
    article_id: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ToyEvent:
    id: str
    type: str
    mode: str | None
    actors: tuple[str, ...]
    date: str | None
    granularity: Literal["day", "month", "year", "none"]
    evidence: tuple[ToyEvidence, ...]
    confidence: float
    conflicts: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ToyRole:
    title: str
    start: str | None = None


@dataclass(frozen=True, slots=True)
class ToyEntity:
    id: str
    name: str
    aliases: tuple[str, ...]
    roles: tuple[ToyRole, ...] = ()
    event_ids: tuple[str, ...] = ()


toy_evidence = st.builds(
    ToyEvidence, text=texts, article_id=texts, start=st.integers(0), end=st.integers(0)
)
toy_events = st.builds(
    ToyEvent,
    id=texts,
    type=texts,
    mode=optional_texts,
    actors=st.lists(texts, max_size=3).map(tuple),
    date=optional_texts,
    granularity=st.sampled_from(("day", "month", "year", "none")),
    evidence=st.lists(toy_evidence, max_size=2).map(tuple),
    confidence=finite_floats,
    conflicts=st.lists(texts, max_size=2).map(tuple),
    extra=st.dictionaries(texts, json_values, max_size=2),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(toy_events, max_size=5))
def test_events_jsonl_round_trips(events: list[ToyEvent]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.jsonl"
        assert write_events_jsonl(events, path) == len(events)
        lines = path.read_text(encoding="utf-8").splitlines()
        assert len(lines) == len(events)  # one event per line, whatever line breaks the text has
        assert read_events_jsonl(path, ToyEvent) == events
        as_dicts = read_events_jsonl(path)
        assert [d["id"] for d in as_dicts] == [e.id for e in events]


def test_events_jsonl_bad_line_names_file_line_and_field(tmp_path: Path) -> None:
    good = ToyEvent("ev-1", "CONSULT", "visit", ("e1",), "2022-09-08", "day", (), 0.9)
    path = tmp_path / "events.jsonl"
    write_events_jsonl([good, good], path)
    lines = path.read_text(encoding="utf-8").splitlines()
    broken = json.loads(lines[1])
    broken["actors"] = "e1"
    path.write_text(lines[0] + "\n" + json.dumps(broken) + "\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"events\.jsonl:2: actors"):
        read_events_jsonl(path, ToyEvent)
    path.write_text(lines[0] + "\n{oops\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"events\.jsonl:2: not valid JSON"):
        read_events_jsonl(path)


def test_events_csv_flattens_lists_and_records(tmp_path: Path) -> None:
    events = [
        ToyEvent(
            id="ev-1",
            type="CONSULT",
            mode="visit",
            actors=("ent-1", "ent-2"),
            date="2022-09-08",
            granularity="day",
            evidence=(ToyEvidence('Talks; held, "in" Tokyo\non Thursday', "a-000", 3, 40),),
            confidence=0.75,
            conflicts=('=HYPERLINK("http://x")',),
            extra={"note": "-2 cells"},
        ),
        ToyEvent("ev-2", "AGREE", None, (), None, "none", (), 1.0),
    ]
    path = tmp_path / "events.csv"
    assert write_events_csv(events, path) == 2
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        assert reader.fieldnames == [
            "id",
            "type",
            "mode",
            "actors",
            "date",
            "granularity",
            "evidence",
            "confidence",
            "conflicts",
            "extra",
        ]
    first, second = rows
    assert first["actors"] == "ent-1; ent-2"
    assert json.loads(first["evidence"]) == [
        {
            "text": 'Talks; held, "in" Tokyo\non Thursday',
            "article_id": "a-000",
            "start": 3,
            "end": 40,
        }
    ]
    assert first["confidence"] == "0.75"
    assert first["conflicts"] == '\'=HYPERLINK("http://x")'  # not evaluated as a formula
    assert json.loads(first["extra"]) == {"note": "-2 cells"}
    assert second["mode"] == "" and second["actors"] == "" and second["evidence"] == ""


def test_entities_json_round_trips(tmp_path: Path) -> None:
    entities = [
        ToyEntity(
            "ent-1",
            "Rajnath Singh",
            ("Singh", "Defence Minister Rajnath Singh"),
            (ToyRole("Defence Minister of India", "2020"),),
            ("ev-1",),
        ),
        ToyEntity("ent-2", "Ministry of Defence", ("MoD",)),
    ]
    path = tmp_path / "entities.json"
    assert write_entities_json(entities, path) == 2
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema"] == "dateline.entities/1"
    assert data["entities"][0]["roles"] == [{"title": "Defence Minister of India", "start": "2020"}]
    assert read_entities_json(path, ToyEntity) == entities
    assert read_entities_json(path)[1]["aliases"] == ["MoD"]


def test_write_outputs_writes_every_file(tmp_path: Path) -> None:
    timeline = sample_timeline()
    event = ToyEvent("ev-0001", "CONSULT", "visit", ("ent-1",), "2022-09-08", "day", (), 0.9)
    out = tmp_path / "out" / "nested"
    written = write_outputs(timeline, out, events=[event], entities=[])
    assert sorted(written) == [
        "entities.json",
        "events.csv",
        "events.jsonl",
        "timeline.html",
        "timeline.json",
        "timeline.md",
    ]
    assert all(path.parent == out and path.stat().st_size > 0 for path in written.values())
    assert read_timeline_json(written["timeline.json"]) == timeline
    assert read_events_jsonl(written["events.jsonl"], ToyEvent) == [event]
    assert read_entities_json(written["entities.json"]) == []
    only_timeline = write_outputs(timeline, tmp_path / "plain")
    assert sorted(only_timeline) == ["timeline.html", "timeline.json", "timeline.md"]


real_events = st.builds(
    records.Event,
    confidence=finite_floats,
    evidence=st.lists(st.from_type(records.Evidence), max_size=2).map(tuple),
    sources=st.lists(st.from_type(records.EventSource), max_size=2).map(tuple),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(real_events, max_size=3), st.lists(st.from_type(records.Entity), max_size=3))
def test_real_event_and_entity_records_round_trip(
    events: list[records.Event], entities: list[records.Entity]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = write_outputs(sample_timeline(), Path(tmp), events=events, entities=entities)
        assert read_events_jsonl(out["events.jsonl"], records.Event) == events
        assert read_entities_json(out["entities.json"], records.Entity) == entities
        with out["events.csv"].open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            assert reader.fieldnames == [f.name for f in dataclasses.fields(records.Event)]
            assert len(list(reader)) == len(events)
