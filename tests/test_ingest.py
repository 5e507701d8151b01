"""Reading articles: every format, every encoding, and every kind of bad input."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dateline.errors import ConfigurationError, InputError
from dateline.ingest import (
    CorpusReader,
    decode_text,
    headline_of,
    nothing_read_error,
    read_articles,
)
from dateline.record_fields import RecordFields
from dateline.records import Article, IngestReport, Problem

DEBRIS_MARKERS = ("Advertisement", "featured-img", "fb", "twitter", "whatsapp", "tlbr_img")


def by_id(articles: list[Article]) -> dict[str, Article]:
    return {a.id: a for a in articles}


def problems_for(report: IngestReport, path: Path) -> list[Problem]:
    return [p for p in report.problems if p.path == str(path)]


def assert_every_file_accounted(report: IngestReport) -> None:
    """Each file seen was read or skipped with a reason (path-level problems aside)."""
    file_skips = [p for p in report.skipped if Path(p.path).is_file() or not Path(p.path).exists()]
    assert report.files_read <= report.files_seen
    assert report.files_seen - report.files_read <= len(file_skips)


# --------------------------------------------------------------------------- the example corpus


@pytest.fixture(scope="module")
def example(examples_dir: Path) -> tuple[dict[str, Article], IngestReport]:
    articles, report = read_articles([examples_dir])
    return by_id(articles), report


def test_example_corpus_reads_every_file_without_problems(example, examples_dir: Path) -> None:
    articles, report = example
    assert report.problems == ()
    assert report.files_seen == report.files_read == 9
    assert report.articles_read == len(articles) == 11
    assert {Path(a.path).suffix for a in articles.values()} == {
        ".txt",
        ".html",
        ".htm",
        ".json",
        ".jsonl",
    }


def test_example_publication_dates_come_from_where_they_are_stated(example) -> None:
    articles, _ = example
    expected = {
        "lisbon-daily_2024-03-04_talks-announced": ("2024-03-04", "header"),
        "aw-0305-cable-talks": ("2024-03-05", "field"),
        # the page also says it was modified on 2024-03-09: the original date wins
        "tagus-courier_2024-03-07_talks-held": ("2024-03-07", "html-meta"),
        "maghreb-observer_2024-03-08_committee-cp1252": ("2024-03-08", "header"),
        "porto-herald_2024-03-09_phone-call-bom": ("2024-03-09", "header"),
        "coastal-news-20240312-atlantic-shield": ("2024-03-12", "field"),
        "lisbon-daily_2024-03-22_contract-signed": ("2024-03-22", "html-meta"),
    }
    for article_id, (value, source) in expected.items():
        published = articles[article_id].published
        assert published is not None, article_id
        assert (published.value, published.granularity, published.source) == (value, "day", source)
    assert articles["energy-review_atlantic-link-explainer"].published is None


def test_header_line_is_metadata_not_text(example) -> None:
    articles, _ = example
    for article in articles.values():
        assert not article.text.lstrip().lower().startswith("date 20"), article.id
    # header on the same line as the first sentence: the sentence stays
    assert articles["porto-herald_2024-03-09_phone-call-bom"].text.startswith(
        "Portuguese Foreign Minister Rui Caldeira"
    )


def test_cp1252_and_bom_files_decode_to_the_right_characters(example) -> None:
    articles, _ = example
    cp1252 = articles["maghreb-observer_2024-03-08_committee-cp1252"].text
    assert "\u201cAtlantic Link\u201d" in cp1252
    assert "Soci\u00e9t\u00e9 Marocaine de Transport d\u2019\u00c9lectricit\u00e9" in cp1252
    bom = articles["porto-herald_2024-03-09_phone-call-bom"].text
    assert "\ufeff" not in bom


def test_text_files_take_their_headline_as_title(example) -> None:
    articles, _ = example
    assert (
        articles["lisbon-daily_2024-03-04_talks-announced"].title
        == "Portugal and Morocco to hold ministerial talks on Atlantic Link power cable"
    )
    assert (
        articles["tangier-times_2024-03-20_committee-meets"].title
        == "Joint committee holds first meeting on Atlantic Link cable"
    )
    # opens with a sentence, not a headline
    assert articles["porto-herald_2024-03-09_phone-call-bom"].title is None


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Bridge reopens after repairs\n\nThe bridge reopened.", "Bridge reopens after repairs"),
        ("The bridge reopened on Monday.\n\nMore.", None),
        ("Bridge reopens after repairs\nThe bridge reopened.", None),
        ("Bridge\n\nThe bridge reopened.", None),
        ("Only one line of text without a full stop", None),
    ],
)
def test_headline_of(text: str, title: str | None) -> None:
    assert headline_of(text) == title


def test_json_fields_and_unknown_fields(example) -> None:
    articles, _ = example
    wire = articles["aw-0315-exercise-ends"]
    assert wire.title == "Atlantic Shield naval exercise ends off Sines"
    assert wire.source == "Atlantic Wire"
    assert wire.url == "https://atlantic-wire.example/defence/0315-atlantic-shield-ends"
    assert wire.line == 2
    assert dict(wire.extra) == {"section": "Defence"}
    single = articles["coastal-news-20240312-atlantic-shield"]
    assert dict(single.extra) == {"author": "Tiago Vaz"}
    assert single.line is None


def test_html_page_gives_main_text_and_metadata(example) -> None:
    articles, _ = example
    page = articles["tagus-courier_2024-03-07_talks-held"]
    assert page.title == "Portugal and Morocco agree joint committee for Atlantic Link cable"
    assert page.source == "The Tagus Courier"
    assert page.url is not None and page.url.startswith("https://tagus-courier.example/")
    assert "agreed today to set up a joint technical committee" in page.text
    for debris in ("Most read", "Subscribe", "Log in", "E-Paper", "querySelectorAll", "whatsapp"):
        assert debris not in page.text


def test_scraped_text_file_is_cleaned_and_says_so(example) -> None:
    articles, _ = example
    scraped = articles["tangier-times_2024-03-20_committee-meets"]
    lines = scraped.text.splitlines()
    assert "Advertisement" not in lines
    assert not any(line.endswith("officials...") for line in lines)
    assert "met for the first time in Tangier on Tuesday" in scraped.text
    assert scraped.removed_lines >= 15
    assert scraped.removed_examples and len(scraped.removed_examples) <= 3


def test_files_lists_candidates_without_reading(examples_dir: Path) -> None:
    reader = CorpusReader([examples_dir])
    files = reader.files()
    assert len(files) == 9
    assert reader.report.files_seen == 0


def test_reader_streams_one_article_at_a_time(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("First article about a bridge.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Second article about a tunnel.", encoding="utf-8")
    reader = CorpusReader([tmp_path])
    iterator = iter(reader)
    first = next(iterator)
    assert first.id == "a"
    assert reader.report.files_seen == 1  # b.txt not opened yet
    rest = list(iterator)
    assert [a.id for a in rest] == ["b"]
    assert reader.report.files_seen == 2 and reader.report.articles_read == 2


# --------------------------------------------------------------------------- bad input


def test_empty_binary_and_unsupported_files_are_skipped_by_name(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("The harbour reopened on Tuesday after repairs.", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG\r\n")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01")

    articles, report = read_articles([tmp_path])

    assert [a.id for a in articles] == ["good"]
    assert [p.reason for p in problems_for(report, empty)] == ["empty file"]
    assert problems_for(report, binary)[0].reason.startswith("binary file")
    assert problems_for(report, picture)[0].reason.startswith("unsupported file type: .png")
    hidden = problems_for(report, tmp_path)
    assert hidden and hidden[0].severity == "warning" and "1 hidden" in hidden[0].reason
    assert report.files_seen == 4 and report.files_read == 1
    assert len(report.skipped) == 3
    assert "skipped 3" in report.summary()
    assert_every_file_accounted(report)


def test_encodings_utf8_bom_cp1252_latin1_utf16(tmp_path: Path) -> None:
    text = "The caf\u00e9 on the \u201cnew\u201d quay re\u00f6pened."
    (tmp_path / "bom.txt").write_bytes(text.encode("utf-8-sig"))
    (tmp_path / "cp1252.txt").write_bytes(text.encode("cp1252"))
    (tmp_path / "latin1.txt").write_bytes(
        "Caf\u00e9 d\u00e9j\u00e0 ouvert \u00e0 midi.".encode("latin-1")
    )
    (tmp_path / "utf16.txt").write_bytes(text.encode("utf-16"))
    articles, report = read_articles([tmp_path])
    texts = {a.id: a.text for a in articles}
    assert report.problems == ()
    assert texts["bom"] == texts["cp1252"] == texts["utf16"] == text
    assert texts["latin1"] == "Caf\u00e9 d\u00e9j\u00e0 ouvert \u00e0 midi."


def test_old_mac_line_endings_and_header(tmp_path: Path) -> None:
    (tmp_path / "mac.txt").write_bytes(b"date 2019-04-02\rQuay reopens\r\rThe quay reopened.\r")
    (article,), _ = read_articles([tmp_path])
    assert article.published is not None and article.published.value == "2019-04-02"
    assert article.text == "Quay reopens\n\nThe quay reopened."


def test_decode_text_reports_why_it_refuses() -> None:
    assert decode_text(b"plain words") == ("plain words", "utf-8")
    refused, why = decode_text(b"abc\x00def")
    assert refused is None and "NUL" in why
    refused, why = decode_text(bytes([1, 2, 3, 4, 5, 6, 7, 8]) * 20 + b"text")
    assert refused is None and "control characters" in why


def test_malformed_jsonl_line_is_named_and_the_rest_is_read(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "text": "Ferry service resumed.", "date": "2021-05-04"}),
                '{"id": "b", "text": "broken',
                "",
                json.dumps(["not", "an", "object"]),
                json.dumps({"id": "d", "title": "no text here"}),
                json.dumps({"id": "e", "text": "Bridge opened.", "date": "sometime soon"}),
                json.dumps({"text": "No id given.", "time": "2021-05-06"}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    articles, report = read_articles([feed])
    assert [a.id for a in articles] == ["a", "e", "feed:7"]
    found = {(p.line, p.reason.split(":")[0]) for p in report.problems}
    assert (2, "malformed JSON line") in found
    assert (4, "expected a JSON object, got list") in found
    assert any(
        p.line == 5 and "no text field (looked for 'text'" in p.reason for p in report.problems
    )
    assert any(p.line == 6 and "unrecognised date" in p.reason for p in report.problems)
    assert all(p.severity == "warning" and p.path == str(feed) for p in report.problems)
    assert str(report.problems[0]).startswith(f"{feed}:2: ")
    assert by_id(articles)["e"].published is None
    published = by_id(articles)["feed:7"].published
    assert published is not None and published.value == "2021-05-06"
    assert report.files_read == 1 and report.files_seen == 1


def test_jsonl_gz_reads_and_truncated_gz_is_reported(tmp_path: Path) -> None:
    lines = [json.dumps({"id": str(i), "text": f"Story number {i}."}) for i in range(50)]
    payload = ("\n".join(lines) + "\n").encode("utf-8")
    good = tmp_path / "good.jsonl.gz"
    good.write_bytes(gzip.compress(payload))
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(gzip.compress(payload)[:60])
    articles, report = read_articles([good, broken])
    assert len([a for a in articles if a.path == str(good)]) == 50
    broken_problems = problems_for(report, broken)
    assert broken_problems and "cannot read file" in broken_problems[0].reason


def test_json_shapes(tmp_path: Path) -> None:
    listed = tmp_path / "list.json"
    listed.write_text(
        json.dumps([{"text": "One."}, "stray string", {"text": "Two.", "id": "x2"}]),
        encoding="utf-8",
    )
    scalar = tmp_path / "scalar.json"
    scalar.write_text("42", encoding="utf-8")
    keywords = tmp_path / "keywords.json"
    keywords.write_text('["haiti", "earthquake"]', encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text('{"text": "unterminated', encoding="utf-8")
    articles, report = read_articles([tmp_path])
    assert [a.id for a in articles] == ["list:1", "x2"]
    assert any("item 2: expected a JSON object" in p.reason for p in problems_for(report, listed))
    assert problems_for(report, scalar)[0].reason.startswith("not an article file")
    assert problems_for(report, keywords)[0].reason.startswith("not an article file")
    assert problems_for(report, broken)[0].reason.startswith("malformed JSON")
    assert problems_for(report, broken)[0].line == 1
    assert_every_file_accounted(report)


def test_a_50_mb_text_file_is_skipped_with_a_clear_message(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        block = b"The same long sentence repeated to fill fifty megabytes of text. " * 1000
        for _ in range(50 * 1_000_000 // len(block) + 1):
            handle.write(block)
    (tmp_path / "small.txt").write_text("A normal article.", encoding="utf-8")

    articles, report = read_articles([tmp_path])
    assert [a.id for a in articles] == ["small"]
    (problem,) = problems_for(report, huge)
    assert problem.severity == "skipped"
    assert problem.reason.startswith("article too long") and "max_article_chars" in problem.reason

    _, report = read_articles([huge], max_file_bytes=10_000_000)
    (problem,) = report.problems
    assert problem.reason.startswith("file too large: 50.0 MB, over the 10.0 MB limit")
    assert "max_file_bytes" in problem.reason


def test_jsonl_is_streamed_whatever_its_size(tmp_path: Path) -> None:
    feed = tmp_path / "big.jsonl"
    record = {"text": "Harbour works continue. " * 200}
    with feed.open("w", encoding="utf-8") as handle:
        for i in range(400):
            handle.write(json.dumps({**record, "id": f"r{i}"}) + "\n")
    assert feed.stat().st_size > 1_000_000
    articles, report = read_articles([feed], max_file_bytes=100_000)
    assert len(articles) == 400 and report.problems == ()


def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("Secret article.", encoding="utf-8")
    (tmp_path / "open.txt").write_text("Public article.", encoding="utf-8")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as a user who can read a chmod 000 file (root)")
        articles, report = read_articles([tmp_path])
    finally:
        locked.chmod(0o644)
    assert [a.id for a in articles] == ["open"]
    assert [p.reason for p in problems_for(report, locked)] == [
        "cannot read file: permission denied"
    ]


def test_permission_error_while_reading_is_a_problem(tmp_path: Path, monkeypatch) -> None:
    """The same path as chmod 000, reachable when the tests run as root."""
    locked = tmp_path / "locked.html"
    locked.write_text("<html><body><p>Secret.</p></body></html>", encoding="utf-8")
    (tmp_path / "open.txt").write_text("Public article.", encoding="utf-8")
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    articles, report = read_articles([tmp_path])
    assert [a.id for a in articles] == ["open"]
    assert [p.reason for p in problems_for(report, locked)] == [
        "cannot read file: permission denied"
    ]


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    empty = tmp_path / "empty"
    empty.mkdir()
    articles, report = read_articles([missing, empty])
    assert articles == []
    assert [p.reason for p in problems_for(report, missing)] == ["path does not exist"]
    assert problems_for(report, empty)[0].reason.startswith("folder has no article files")
    error = nothing_read_error(report, [missing, empty])
    assert isinstance(error, InputError)
    assert "no articles could be read" in str(error)
    assert str(missing) in str(error) and "path does not exist" in str(error)


def test_text_that_is_all_boilerplate_is_skipped(tmp_path: Path) -> None:
    page = tmp_path / "menu.txt"
    page.write_text("Advertisement\nShare on Facebook\nRead more\n", encoding="utf-8")
    articles, report = read_articles([page])
    assert articles == []
    assert report.problems[0].reason.startswith("no text left after cleaning")


def test_ids_are_unique_across_files(tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / f"{name}.jsonl").write_text(
            json.dumps({"id": "17", "text": f"Article from {name}."}) + "\n", encoding="utf-8"
        )
    (tmp_path / "sub").mkdir()
    (tmp_path / "one.txt").write_text("Text file named like the feed.", encoding="utf-8")
    (tmp_path / "sub" / "one.txt").write_text("Same stem in a sub-folder.", encoding="utf-8")
    articles, report = read_articles([tmp_path])
    ids = [a.id for a in articles]
    assert len(ids) == len(set(ids)) == 4
    assert "17" in ids and "two:17" in ids
    assert "one" in ids and "sub/one" in ids
    assert sum("already used" in p.reason for p in report.warnings) == 2


def test_a_file_reached_twice_is_read_once(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("The tunnel opened.", encoding="utf-8")
    articles, report = read_articles([tmp_path, story, tmp_path / "." / "story.txt"])
    assert [a.id for a in articles] == ["story"]
    assert report.files_seen == 1
    assert [p.reason for p in report.warnings] == ["listed twice (read once)"] * 2


def test_binary_and_textless_inputs_in_every_format(tmp_path: Path) -> None:
    noise = bytes(range(256)) * 8
    (tmp_path / "noise.jsonl").write_bytes(noise)
    (tmp_path / "noise.json").write_bytes(noise)
    (tmp_path / "noise.html").write_bytes(noise)
    (tmp_path / "empty.html").write_text("<html><head><title>x</title></head><body></body></html>")
    (tmp_path / "story.txt").write_text("The tunnel opened.", encoding="utf-8")
    articles, report = read_articles([tmp_path])
    assert [a.id for a in articles] == ["story"]
    assert report.files_seen == 5 and report.files_read == 1
    skipped = {Path(p.path).name: p.reason for p in report.skipped}
    assert set(skipped) == {"noise.jsonl", "noise.json", "noise.html", "empty.html"}
    assert skipped["noise.json"].startswith("binary file")
    assert skipped["noise.html"].startswith("binary file")
    assert "no article text" in skipped["empty.html"]


def test_pathological_json_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (tmp_path / "digits.jsonl").write_text('{"text": "x", "n": ' + "1" * 5000 + "}\n")
    articles, report = read_articles([tmp_path])
    assert articles == []
    assert {Path(p.path).name for p in report.skipped} == {"deep.json", "digits.jsonl"}
    assert any(p.line == 1 and "malformed JSON line" in p.reason for p in report.warnings)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    contents=st.lists(
        st.one_of(
            st.binary(max_size=300),
            st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
            st.sampled_from(
                [b"{}", b"[]", b'{"text": ""}', b'{"text": 5}', b"<html>", b"\xef\xbb\xbf"]
            ),
        ),
        min_size=1,
        max_size=6,
    ),
    suffixes=st.lists(
        st.sampled_from([".txt", ".html", ".htm", ".json", ".jsonl", ".jsonl.gz", ".md"]),
        min_size=6,
        max_size=6,
    ),
)
def test_arbitrary_bytes_never_raise_and_every_file_is_accounted_for(
    tmp_path_factory: pytest.TempPathFactory, contents: list[bytes], suffixes: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    for i, (data, suffix) in enumerate(zip(contents, suffixes, strict=False)):
        (folder / f"f{i}{suffix}").write_bytes(data)
    articles, report = read_articles([folder])
    file_skips = {p.path for p in report.skipped if p.path != str(folder)}
    assert report.files_seen == len(contents)
    assert report.files_read + len(file_skips) == report.files_seen
    assert report.articles_read == len(articles)
    assert all(a.text.strip() for a in articles)


def test_on_problem_is_called_as_problems_are_found(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    seen: list[Problem] = []
    reader = CorpusReader([tmp_path], on_problem=seen.append)
    assert list(reader) == []
    assert seen == list(reader.report.problems)
    assert len(seen) == 1


def test_many_bad_lines_are_counted_not_all_listed(tmp_path: Path) -> None:
    feed = tmp_path / "noise.jsonl"
    feed.write_text("not json\n" * 100 + json.dumps({"text": "Real."}) + "\n", encoding="utf-8")
    articles, report = read_articles([feed])
    assert len(articles) == 1
    assert len(report.warnings) == 21
    assert report.warnings[-1].reason == "80 more warnings in this file not listed"


# --------------------------------------------------------------------------- real data


def test_seed_headers_give_publication_dates(seeds_dir: Path) -> None:
    articles, report = read_articles([seeds_dir])
    assert report.articles_read == 5 and report.problems == ()
    dates = {Path(a.path).name[:3]: (a.published.value if a.published else None) for a in articles}
    assert dates["000"] == "2022-09-08"
    assert dates["004"] == "2020-12-22"
    # no header: no day-level date is invented at ingest
    assert dates["001"] is None
    assert dates["003"] is None
    for article in articles:
        assert not article.text.lstrip().startswith("date ")


def test_seed_003_has_no_boilerplate_left_and_keeps_its_paragraphs(seeds_dir: Path) -> None:
    (path,) = seeds_dir.glob("003_*.txt")
    articles, _ = read_articles([path])
    (article,) = articles
    lines = [line.strip() for line in article.text.splitlines() if line.strip()]
    for line in lines:
        for marker in DEBRIS_MARKERS:
            assert marker.lower() not in line.lower().split(), (marker, line)
        assert not line.startswith("Subscribe")
    # every real paragraph of the original (a full sentence, not a cut-off teaser) survives
    original = path.read_text(encoding="utf-8").splitlines()
    paragraphs = [
        p.strip()
        for p in original
        if len(p.split()) >= 12 and p.strip().endswith(".") and not p.strip().endswith("...")
    ]
    assert len(paragraphs) >= 8
    for paragraph in paragraphs:
        assert paragraph in lines
    assert article.removed_lines >= 15


def test_t17_haiti_reads_as_it_is(t17_dir: Path) -> None:
    articles, report = read_articles([t17_dir / "haiti" / "articles.jsonl.gz"])
    assert len(articles) == 278
    assert report.problems == ()
    assert all(a.published is not None and a.published.source == "field" for a in articles)
    assert all(a.published.value.startswith("2010-") for a in articles if a.published)
    assert len({a.id for a in articles}) == 278


def test_feeds_that_name_their_fields_otherwise_are_read_with_their_dates(tmp_path: Path) -> None:
    """news-please, NewsAPI and schema.org name the text and the date differently; a date under
    a name dateline did not look for would make the article undated without a word."""
    feed = tmp_path / "feeds.jsonl"
    records = [
        {  # news-please
            "maintext": "The port reopened on Monday.",
            "date_publish": "2024-01-09 10:00:00",
            "date_download": "2024-01-10 08:00:00",
            "source_domain": "example.org",
            "title": "Port reopens",
        },
        {  # NewsAPI
            "content": "ignored: not a text field",
            "description": "The ferry resumed.",
            "body": "The ferry resumed on Tuesday.",
            "publishedAt": "2024-02-06T07:30:00Z",
            "source": {"id": None, "name": "Harbour News"},
            "link": "https://example.org/ferry",
        },
        {  # schema.org, an unreadable first date and a readable later one
            "text": "The bridge opened.",
            "published": "last week",
            "datePublished": "2024-03-01",
            "headline": "Bridge opens",
            "id": 7,
        },
    ]
    feed.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    articles, report = read_articles([feed])
    port, ferry, bridge = articles
    assert port.text.startswith("The port reopened") and port.title == "Port reopens"
    assert port.published is not None and port.published.value == "2024-01-09"
    assert port.published.evidence.startswith("date_publish:")
    assert port.source == "example.org"
    assert port.extra == {"date_download": "2024-01-10 08:00:00"}  # unused fields are kept
    assert ferry.text == "The ferry resumed on Tuesday." and ferry.source == "Harbour News"
    assert ferry.url == "https://example.org/ferry"
    assert ferry.published is not None and ferry.published.value == "2024-02-06"
    assert set(ferry.extra) == {"content", "description"}
    assert bridge.id == "7" and bridge.title == "Bridge opens"
    assert bridge.published is not None and bridge.published.value == "2024-03-01"
    assert bridge.extra == {"published": "last week"}
    [problem] = report.problems
    assert problem.line == 3 and problem.severity == "warning"
    assert "unrecognised published 'last week'; publication date from 'datePublished'" in (
        problem.reason
    )


def test_the_first_listed_field_wins_and_a_custom_table_is_used(tmp_path: Path) -> None:
    record = {"text": "Talks began.", "date": "2024-05-01", "published": "2024-04-30"}
    values = RecordFields.load().read(record)
    assert values.published is not None and values.published.value == "2024-05-01"
    assert values.date_field == "date" and values.extra == {"published": "2024-04-30"}
    table = json.dumps(
        {
            "text": ["story"],
            "title": ["title"],
            "url": ["url"],
            "date": ["when"],
            "source": ["outlet"],
            "id": ["id"],
        }
    )
    custom = RecordFields.load(text=table)
    values = custom.read({"story": "Talks ended.", "when": "2024-05-03", "text": "not this"})
    assert values.text == "Talks ended." and values.extra == {"text": "not this"}
    feed = tmp_path / "custom.jsonl"
    feed.write_text(json.dumps({"story": "Talks ended.", "when": "2024-05-03"}) + "\n", "utf-8")
    [article], _ = read_articles([feed], record_fields=custom)
    assert article.published is not None and article.published.value == "2024-05-03"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("[]", "expected an object"),
        ('{"text": []}', "'text' must be a non-empty list"),
        (
            json.dumps(
                {
                    "text": ["text"],
                    "title": ["title"],
                    "url": ["url"],
                    "date": ["date", "title"],
                    "source": ["source"],
                    "id": ["id"],
                }
            ),
            "'title' is listed under both 'title' and 'date'",
        ),
    ],
)
def test_a_broken_record_fields_table_says_what_is_wrong(table: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        RecordFields.load(text=table)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
_FIELD_NAMES = st.sampled_from(
    ["text", "maintext", "date", "published", "publishedAt", "source", "id", "title", "other"]
)


@given(st.dictionaries(_FIELD_NAMES | st.text(max_size=10), _JSON_VALUES, max_size=8))
def test_reading_a_record_never_crashes_and_keeps_every_unused_field(record: dict) -> None:
    fields = RecordFields.load()
    values = fields.read(record)
    used = set(record) - set(values.extra)
    roles = {*fields.text, *fields.title, *fields.url, *fields.date, *fields.source, *fields.id}
    assert used <= roles
    assert all(record[k] == v for k, v in values.extra.items())
    assert values.text is None or (isinstance(values.text, str) and values.text.strip())
    assert (values.published is None) == (values.date_field is None)


def test_a_json_file_that_wraps_its_articles_in_a_response_object_is_read(tmp_path: Path) -> None:
    response = tmp_path / "newsapi.json"
    response.write_text(
        json.dumps(
            {
                "status": "ok",
                "totalResults": 2,
                "articles": [
                    {
                        "source": {"id": None, "name": "Harbour News"},
                        "title": "Ferry resumes",
                        "body": "The ferry resumed on Tuesday.",
                        "publishedAt": "2024-02-06T07:30:00Z",
                    },
                    {"title": "no text"},
                ],
            }
        ),
        encoding="utf-8",
    )
    empty = tmp_path / "empty-response.json"
    empty.write_text(json.dumps({"status": "ok", "articles": []}), encoding="utf-8")
    own = tmp_path / "own.json"  # an article object that happens to have a "data" list
    own.write_text(json.dumps({"text": "Talks began.", "data": [{"x": 1}]}), encoding="utf-8")
    articles, report = read_articles([response, empty, own])
    assert [a.id for a in articles] == ["newsapi:1", "own"]
    assert articles[0].source == "Harbour News" and articles[0].published is not None
    assert articles[1].extra == {"data": [{"x": 1}]}
    reasons = {(Path(p.path).name, p.reason) for p in report.problems}
    assert any(
        n == "newsapi.json" and r.startswith("articles[2]: no text field") for n, r in reasons
    )
    assert any(n == "empty-response.json" and "its 'articles' list of 0" in r for n, r in reasons)
