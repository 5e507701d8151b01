"""WARC input (CC-NEWS layout): HTML responses become articles, the rest is counted, damage is
reported with its byte offset and the records after it are still read. Every WARC file here is
written by the test itself with warcio's writer."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from dateline.ingest import CorpusReader
from dateline.records import Article, Problem

STORIES = [
    (
        "https://harbour-news.example/2024/03/05/ferry-strike",
        "Ferry crews walk out over pay",
        "Ferry crews across the northern islands walked out on Tuesday after talks over pay "
        "broke down, leaving hundreds of passengers stranded at the harbour. The union said the "
        "strike would last until Friday unless the operator returned to the table.",
    ),
    (
        "https://valley-times.example/news/dam-inspection",
        "Engineers begin dam inspection",
        "Engineers began a week-long inspection of the old river dam on Monday, the regional "
        "water authority said. The authority closed the footpath over the crest while the work "
        "goes on and expects to publish the findings in April.",
    ),
    (
        "https://coast-daily.example/articles/library-reopens",
        "Town library reopens after flood repairs",
        "The town library reopened its doors on Saturday, eight months after floodwater filled "
        "the ground floor. Volunteers carried the last boxes of books back to the shelves on "
        "Friday evening, and the mayor thanked them at a short ceremony.",
    ),
]


def _page(title: str, body: str, published: str | None) -> bytes:
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    return (
        f"<html><head><title>{title}</title>{meta}</head><body>"
        f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{title}</h1><p>{body}</p><p>{body}</p></article>"
        f"<footer>Contact us</footer></body></html>"
    ).encode()


def _response(
    writer: WARCWriter,
    uri: str,
    payload: bytes,
    *,
    content_type: str = "text/html; charset=utf-8",
    status: str = "200 OK",
    date: str = "2024-03-06T08:15:00Z",
) -> object:
    http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    return writer.create_warc_record(
        uri,
        "response",
        payload=io.BytesIO(payload),
        length=len(payload),
        http_headers=http,
        warc_headers_dict={"WARC-Date": date},
    )


def write_warc(path: Path, *, gzip: bool, extras: bool = True) -> list[int]:
    """A CC-NEWS-like WARC: warcinfo, three HTML responses (the first dated in its metadata),
    and, with ``extras``, a JPEG response, a 301 and a request record. Returns record offsets."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip)
    writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
    for i, (uri, title, body) in enumerate(STORIES):
        published = "2024-03-05T09:00:00+00:00" if i == 0 else None
        writer.write_record(_response(writer, uri, _page(title, body, published)))
        if extras and i == 0:
            jpeg = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4
            writer.write_record(_response(writer, uri + ".jpg", jpeg, content_type="image/jpeg"))
            writer.write_record(
                _response(writer, uri + "/old", b"", status="301 Moved Permanently")
            )
            get = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
            request = writer.create_warc_record(
                uri, "request", payload=io.BytesIO(get), length=len(get)
            )
            writer.write_record(request)
    data = buffer.getvalue()
    path.write_bytes(data)
    records = ArchiveIterator(io.BytesIO(data))
    offsets = []
    for _ in records:
        offsets.append(records.get_record_offset())
    return offsets


def _offset(problem: Problem) -> int | None:
    """The byte offset a problem names ("WARC record at byte N: ..."), or None."""
    match = re.match(r"WARC record at byte (\d+): ", problem.reason)
    return int(match[1]) if match else None


def read(path: Path) -> tuple[list[Article], list[Problem]]:
    reader = CorpusReader([path])
    articles = list(reader)
    return articles, list(reader.report.problems)


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_html_responses_become_articles(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    write_warc(path, gzip=name.endswith(".gz"))
    articles, problems = read(path)
    assert [a.url for a in articles] == [uri for uri, _, _ in STORIES]
    assert [a.title for a in articles] == [title for _, title, _ in STORIES]
    for article, (_, _, body) in zip(articles, STORIES, strict=True):
        assert body[:60] in article.text
        assert "Contact us" not in article.text
        assert article.id.startswith("urn:uuid:")
        assert article.extra["warc_date"] == "2024-03-06T08:15:00Z"
        assert article.extra["warc_record_id"] == article.id
    # The first page states its date; the others fall back to the crawl date, named as such.
    assert articles[0].published is not None
    assert (articles[0].published.value, articles[0].published.source) == (
        "2024-03-05",
        "html-meta",
    )
    for article in articles[1:]:
        assert article.published is not None
        assert (article.published.value, article.published.source) == ("2024-03-06", "warc-date")
    assert articles[1].source == "valley-times.example"
    # Non-HTML records are counted in one warning, never silently dropped.
    (passed,) = problems
    assert passed.severity == "warning"
    assert "image/jpeg" in passed.reason
    assert "HTTP 301" in passed.reason
    assert "request records" in passed.reason
    report = CorpusReader([path])
    assert len(list(report)) == 3
    assert (report.report.files_read, report.report.articles_read) == (1, 3)


def test_ids_are_stable_across_reads(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path, gzip=True)
    first, _ = read(path)
    again, _ = read(path)
    assert [a.id for a in first] == [a.id for a in again]
    assert len({a.id for a in first}) == 3


def _corrupt(path: Path, start: int, length: int = 40) -> None:
    data = bytearray(path.read_bytes())
    data[start : start + length] = b"\x00" * length
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_a_damaged_record_is_a_warning_with_its_offset(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    offsets = write_warc(path, gzip=name.endswith(".gz"), extras=False)
    damaged = offsets[2]  # the second story (offsets[0] is the warcinfo record)
    _corrupt(path, damaged + 12 if name.endswith(".gz") else damaged)
    articles, problems = read(path)
    assert [a.url for a in articles] == [STORIES[0][0], STORIES[2][0]]
    (problem,) = problems
    assert problem.severity == "warning"
    assert problem.reason.startswith(f"WARC record at byte {damaged}: malformed WARC record")
    assert str(problem).startswith(f"{path}: WARC record at byte {damaged}: ")
    assert problem.reason.isascii() and problem.reason.isprintable()
    assert len(problem.reason) < 200


def test_damage_in_the_first_and_last_record(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    offsets = write_warc(path, gzip=True, extras=False)
    _corrupt(path, 0 + 12)  # the warcinfo record
    _corrupt(path, offsets[-1] + 12)  # the last story
    articles, problems = read(path)
    assert [a.url for a in articles] == [STORIES[0][0], STORIES[1][0]]
    assert [_offset(p) for p in problems] == [0, offsets[-1]]


def test_a_file_that_is_not_a_warc(tmp_path: Path) -> None:
    path = tmp_path / "junk.warc.gz"
    path.write_bytes(b"this is not a WARC file at all\n" * 20)
    articles, problems = read(path)
    assert articles == []
    assert [(p.severity, _offset(p)) for p in problems] == [("warning", 0), ("skipped", None)]
    assert "malformed WARC record" in problems[0].reason
    assert problems[1].reason == "no articles in file"


def test_an_oversized_payload_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    offsets = write_warc(path, gzip=True, extras=False)
    reader = CorpusReader([path], max_file_bytes=400)
    articles = list(reader)
    too_big = [p for p in reader.report.problems if "max_file_bytes" in p.reason]
    # Every page is over 400 bytes: each is named by its offset, nothing is read.
    assert articles == []
    assert [_offset(p) for p in too_big] == offsets[1:]


def test_warc_folders_are_walked(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    write_warc(tmp_path / "a" / "one.warc.gz", gzip=True, extras=False)
    write_warc(tmp_path / "two.warc", gzip=False, extras=False)
    reader = CorpusReader([tmp_path])
    articles = list(reader)
    assert len(articles) == 6
    assert reader.report.files_read == 2
    assert not reader.report.problems


def test_a_wrong_content_length_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    offsets = write_warc(path, gzip=False, extras=False)
    data = path.read_bytes()
    start, end = offsets[2], offsets[3]
    record = data[start:end]
    length = re.search(rb"Content-Length: (\d+)", record)
    assert length is not None
    shorter = (
        record[: length.start(1)] + str(int(length[1]) - 10).encode() + record[length.end(1) :]
    )
    path.write_bytes(data[:start] + shorter + data[end:])
    articles, problems = read(path)
    # The record is read (its last 10 bytes, the page's closing tags, are lost), and so is the next.
    assert [a.url for a in articles] == [uri for uri, _, _ in STORIES]
    (problem,) = problems
    assert _offset(problem) == start
    assert "Content-Length" in problem.reason


def test_a_record_without_a_type_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    offsets = write_warc(path, gzip=False, extras=False)
    data = path.read_bytes()
    cut = offsets[2]
    path.write_bytes(data[:cut] + data[cut:].replace(b"WARC-Type: response\r\n", b"", 1))
    articles, problems = read(path)
    assert [a.url for a in articles] == [STORIES[0][0], STORIES[2][0]]
    (problem,) = problems
    assert _offset(problem) == cut
    assert problem.reason.endswith("malformed WARC record: no WARC-Type header")
