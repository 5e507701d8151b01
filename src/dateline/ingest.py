"""Read articles from files, folders and JSON(L) feeds, one at a time, recording every problem.

What is read:

* ``.txt`` - one article; a first line ``date YYYY-MM-DD`` is its publication date (the rest of
  that line, if any, is body text); an opening headline line (see :func:`headline_of`) is also
  used as the title;
* ``.html`` / ``.htm`` - one article: main text by trafilatura, title / url / site name from the
  page metadata, publication date by htmldate (original date preferred);
* ``.jsonl`` / ``.jsonl.gz`` - one article per line, streamed (no size limit);
* ``.json`` - one article object, or a list of them, or an object wrapping such a list under one
  of the ``lists`` names of ``data/record_fields.json`` (a NewsAPI response's ``articles``);
* ``.warc`` / ``.warc.gz`` - web archives (CC-NEWS layout), streamed record by record with
  warcio (see :mod:`dateline.warc`): each HTTP 2xx ``response`` record with an HTML content type
  is one article through the HTML path above, with the record's ``WARC-Target-URI`` as its url,
  its ``WARC-Record-ID`` (``urn:uuid:...``) as its id, and its ``WARC-Date`` (the crawl time) as
  the publication date when the page states none (source ``warc-date``); the raw WARC-Date,
  record id and byte offset are kept in ``Article.extra``. Other records are counted in one
  warning per file (``warcinfo`` is not counted); a damaged record is a warning naming its byte
  offset, and reading goes on at the next record found. ``max_file_bytes`` caps one payload.

JSON fields used: text (required), title, url, publication date, source and id, each under the
names ``data/record_fields.json`` lists for it, first found first (``text``, then news-please's
``maintext``, ...; ``date``, ``time``, ``published``, NewsAPI's ``publishedAt``, ...: see
:mod:`dateline.record_fields`); any other field is kept in :attr:`Article.extra`.

Article ids are unique within a run. A record's own ``id`` is used as is; if an earlier file
already produced that id, it is prefixed with the file's stem (``haiti-articles:1842``) and, if
still taken, suffixed ``#2``, ``#3``... (a warning says so). Without an ``id``: the file's stem for
text/HTML/single-object JSON, ``stem:LINE`` for JSONL and ``stem:ITEM`` (1-based) for JSON lists;
a name-derived id already taken is prefixed with the parent folder's name (``sub/story``).

All text goes through :func:`dateline.cleaning.strip_boilerplate`; each Article records how
many lines were removed and the first few of them. Encodings: UTF-8 (BOM or not), UTF-16 with a
BOM, cp1252/Latin-1, then charset-normalizer's guess; NUL bytes or many control characters mean
a binary file. A path reached twice (listed twice, or a file inside a listed folder) is read once.

Folders are walked recursively in sorted order. Hidden files and folders (names starting with
".") are not read; each walked folder reports how many it ignored in one warning. Files with
other extensions are skipped with a Problem each. Every file seen is either *read* (at least one
article) or *skipped* with exactly one ``skipped`` Problem saying why; problems with single records
inside a file that was read are ``warning``s naming the line. Nothing here raises for bad input;
the caller raises :class:`~dateline.errors.InputError` (see :func:`nothing_read_error`) when no
article at all was read.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import os
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from dateline.cleaning import BoilerplateRules, strip_boilerplate
from dateline.decoding import decode_text
from dateline.errors import InputError
from dateline.pubdate import date_from_html, parse_date_value, split_date_header
from dateline.record_fields import RecordFields, as_text
from dateline.records import Article, IngestReport, Problem, PublicationDate

if TYPE_CHECKING:
    from dateline.warc import WarcHeaders

#: Extensions read, longest first so ``.jsonl.gz`` wins over ``.gz``.
SUPPORTED_SUFFIXES = (
    ".jsonl.gz",
    ".warc.gz",
    ".jsonl",
    ".json",
    ".warc",
    ".html",
    ".htm",
    ".txt",
)
#: HTTP content types read from WARC response records.
HTML_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: Files read whole (text, HTML, JSON) larger than this are skipped (``max_file_bytes``).
DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024
#: spaCy's default ``max_length``: a longer "article" is a dump, not a news story.
DEFAULT_MAX_ARTICLE_CHARS = 1_000_000
#: Warnings listed per file (bad lines of a broken JSONL file); the rest are counted in one line.
MAX_WARNINGS_PER_FILE = 20
#: How many removed lines an Article keeps as examples.
REMOVED_EXAMPLES = 3


def _suffix(path: Path) -> str | None:
    name = path.name.lower()
    return next((s for s in SUPPORTED_SUFFIXES if name.endswith(s)), None)


def _megabytes(n_bytes: float) -> str:
    return f"{n_bytes / 1_000_000:.1f} MB"


class CorpusReader:
    """Streams Articles from files, folders (recursive), JSON/JSONL(.gz); records every Problem.

    ``max_file_bytes`` (None: 64 MiB) caps files read whole (text, HTML, JSON); JSONL is streamed line by line and
    only each line is capped. ``max_article_chars`` caps one article's text (longer ones are
    skipped, they would not fit spaCy). ``on_problem`` is called as each problem is found, so a
    command-line tool can print warnings while the run goes on.
    """

    def __init__(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        max_file_bytes: int | None = None,
        max_article_chars: int = DEFAULT_MAX_ARTICLE_CHARS,
        on_problem: Callable[[Problem], None] | None = None,
        rules: BoilerplateRules | None = None,
        record_fields: RecordFields | None = None,
    ) -> None:
        if isinstance(paths, str | os.PathLike):
            paths = [paths]
        self.paths = [Path(p) for p in paths]
        self.max_file_bytes = DEFAULT_MAX_FILE_BYTES if max_file_bytes is None else max_file_bytes
        self.max_article_chars = max_article_chars
        self.on_problem = on_problem
        self.rules = rules or BoilerplateRules.load()
        self.record_fields = record_fields or RecordFields.load()
        self._problems: list[Problem] = []
        self._skipped = 0
        self._current_file: str | None = None
        self._file_warnings = 0
        self._files_seen = 0
        self._files_read = 0
        self._articles_read = 0
        self._ids: set[str] = set()

    # ------------------------------------------------------------------ walking

    def _walk(self, record: bool) -> Iterator[Path]:
        """Yield each readable candidate file once; with ``record``, note problems with paths."""
        seen: set[Path] = set()
        for path in self._walk_paths(record):
            try:
                key = path.resolve()
            except OSError:
                key = path.absolute()
            if key in seen:
                if record:
                    self._problem(
                        Problem(str(path), "listed twice (read once)", severity="warning")
                    )
                continue
            seen.add(key)
            yield path

    def _walk_paths(self, record: bool) -> Iterator[Path]:
        for root in self.paths:
            if not root.exists():
                if record:
                    self._problem(Problem(str(root), "path does not exist"))
                continue
            if not root.is_dir():
                if record and _suffix(root) is None:
                    self._files_seen += 1
                    self._problem(Problem(str(root), _unsupported(root)))
                elif _suffix(root) is not None:
                    yield root
                continue
            yield from self._walk_folder(root, record)

    def _walk_folder(self, root: Path, record: bool) -> Iterator[Path]:
        found = 0
        hidden = 0

        def on_error(exc: OSError) -> None:
            if record:
                self._problem(
                    Problem(str(exc.filename or root), f"cannot list folder: {exc.strerror}")
                )

        for folder, dirs, names in os.walk(root, onerror=on_error):
            hidden += sum(1 for d in dirs if d.startswith("."))
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                if name.startswith("."):
                    hidden += 1
                    continue
                path = Path(folder) / name
                if _suffix(path) is None:
                    if record:
                        self._files_seen += 1
                        self._problem(Problem(str(path), _unsupported(path)))
                    continue
                found += 1
                yield path
        if record and hidden:
            self._problem(
                Problem(
                    str(root),
                    f"ignored {hidden} hidden files/folders (names starting with '.')",
                    severity="warning",
                )
            )
        if record and not found:
            kinds = ", ".join(SUPPORTED_SUFFIXES)
            self._problem(Problem(str(root), f"folder has no article files ({kinds})"))

    def files(self) -> list[Path]:
        """The candidate files in reading order (for a progress bar); lists folders, reads none."""
        return list(self._walk(record=False))

    # ------------------------------------------------------------------ reading

    def __iter__(self) -> Iterator[Article]:
        self._problems, self._ids, self._skipped = [], set(), 0
        self._files_seen = self._files_read = self._articles_read = 0
        for path in self._walk(record=True):
            self._files_seen += 1
            self._current_file, self._file_warnings = str(path), 0
            skips_before = self._skipped
            count = 0
            for article in self._read_file(path):
                count += 1
                yield article
            self._articles_read += count
            unlisted = self._file_warnings - MAX_WARNINGS_PER_FILE
            self._current_file = None
            if unlisted > 0:
                self._problem(
                    Problem(
                        str(path),
                        f"{unlisted} more warnings in this file not listed",
                        severity="warning",
                    )
                )
            if count:
                self._files_read += 1
            elif self._skipped == skips_before:
                self._problem(Problem(str(path), "no articles in file"))

    @property
    def report(self) -> IngestReport:
        """Counts and problems so far; complete once iteration has finished."""
        return IngestReport(
            files_seen=self._files_seen,
            files_read=self._files_read,
            articles_read=self._articles_read,
            problems=tuple(self._problems),
        )

    def _problem(self, problem: Problem) -> None:
        if problem.severity == "warning" and problem.path == self._current_file:
            self._file_warnings += 1
            if self._file_warnings > MAX_WARNINGS_PER_FILE:
                return  # counted; one summary warning is added when the file is done
        self._problems.append(problem)
        self._skipped += problem.severity == "skipped"
        if self.on_problem is not None:
            self.on_problem(problem)

    def _read_file(self, path: Path) -> Iterator[Article]:
        suffix = _suffix(path)
        try:
            size = path.stat().st_size
        except OSError as exc:
            self._problem(Problem(str(path), f"cannot read file: {exc.strerror or exc}"))
            return
        if size == 0:
            self._problem(Problem(str(path), "empty file"))
            return
        try:
            if suffix in (".jsonl", ".jsonl.gz"):
                yield from self._read_jsonl(path, gzipped=suffix == ".jsonl.gz")
                return
            if suffix in (".warc", ".warc.gz"):
                yield from self._read_warc(path)
                return
            if size > self.max_file_bytes:
                self._problem(Problem(str(path), self._too_big(size)))
                return
            data = path.read_bytes()
        except PermissionError:
            self._problem(Problem(str(path), "cannot read file: permission denied"))
            return
        except OSError as exc:
            self._problem(Problem(str(path), f"cannot read file: {exc.strerror or exc}"))
            return
        if suffix == ".json":
            yield from self._read_json(path, data)
        elif suffix in (".html", ".htm"):
            article = self._read_html(path, data)
            if article is not None:
                yield article
        else:
            article = self._read_txt(path, data)
            if article is not None:
                yield article

    def _too_big(self, size: int) -> str:
        return (
            f"file too large: {_megabytes(size)}, over the {_megabytes(self.max_file_bytes)} "
            "limit for one "
            "file (raise max_file_bytes to read it, or split it into JSONL, which is streamed)"
        )

    def _decode(self, path: Path, data: bytes, line: int | None = None) -> str | None:
        text, why = decode_text(data)
        if text is None:
            self._problem(
                Problem(str(path), why, line=line, severity="warning" if line else "skipped")
            )
        return text

    def _read_txt(self, path: Path, data: bytes) -> Article | None:
        if len(data) > 4 * self.max_article_chars:  # UTF-8 needs at most 4 bytes per character
            self._problem(Problem(str(path), self._too_long(len(data) // 4, at_least=True)))
            return None
        text = self._decode(path, data)
        if text is None:
            return None
        article = self._make_article(path, text, line=None, fallback_id=path.stem)
        if article is None:
            return None
        return dataclasses.replace(article, title=headline_of(article.text))

    def _read_html(
        self,
        path: Path,
        data: bytes,
        *,
        fallback_id: str | None = None,
        own_id: str | None = None,
        url: str | None = None,
        fallback_date: PublicationDate | None = None,
        offset: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Article | None:
        """One HTML page (a file, or a WARC record at ``offset``) as an Article, or None."""
        where = "" if offset is None else f"WARC record at byte {offset}: "
        severity: Literal["skipped", "warning"] = "skipped" if offset is None else "warning"

        def problem(reason: str) -> None:
            self._problem(Problem(str(path), where + reason, severity=severity))

        if b"\x00" in data[:65536]:
            problem("binary file: contains NUL bytes")
            return None
        import trafilatura

        try:
            tree = trafilatura.load_html(data)
            if tree is None:
                problem("not parseable as HTML")
                return None
            published = date_from_html(tree, url=url)
            document = trafilatura.bare_extraction(
                tree, url=url, with_metadata=True, include_comments=False
            )
        except Exception as exc:  # a third-party parser failing on one page must not stop a run
            problem(f"HTML extraction failed: {type(exc).__name__}: {exc}")
            return None
        fields = (
            document.as_dict()
            if document is not None and not isinstance(document, dict)
            else document
        )
        text = fields.get("text") if fields else None
        if not fields or not isinstance(text, str) or not text.strip():
            problem("no article text found in the HTML page (trafilatura)")
            return None
        return self._make_article(
            path,
            text,
            title=as_text(fields.get("title")),
            url=as_text(url or fields.get("url")),
            source=as_text(fields.get("sitename") or (urlsplit(url).hostname if url else None)),
            extra=extra,
            line=None,
            fallback_id=fallback_id or path.stem,
            published=published,
            own_id=own_id,
            where=where,
            fallback_published=fallback_date,
        )

    def _read_warc(self, path: Path) -> Iterator[Article]:
        """HTML responses of a WARC file (CC-NEWS layout) as Articles; see :mod:`dateline.warc`."""
        from dateline.warc import iter_warc_records

        passed: dict[str, int] = {}

        def wanted(headers: WarcHeaders) -> bool:
            kind = _warc_kind(headers)
            if kind is not None:
                passed[kind] = passed.get(kind, 0) + 1
            return kind is None and headers.type == "response"

        def on_damage(offset: int, reason: str) -> None:
            self._problem(
                Problem(str(path), f"WARC record at byte {offset}: {reason}", severity="warning")
            )

        for record in iter_warc_records(
            path, wanted=wanted, max_payload_bytes=self.max_file_bytes, on_damage=on_damage
        ):
            headers = record.headers
            if headers.type is None:
                on_damage(record.offset, "malformed WARC record: no WARC-Type header")
                continue
            if headers.type != "response" or _warc_kind(headers) is not None:
                continue  # counted by ``wanted``
            if record.too_large:
                on_damage(
                    record.offset,
                    f"HTTP payload over the {_megabytes(self.max_file_bytes)} "
                    "max_file_bytes limit; not read",
                )
                continue
            crawled = _warc_date(headers.date)
            extra: dict[str, Any] = {
                "warc_record_id": headers.record_id,
                "warc_date": headers.date,
                "warc_offset": record.offset,
            }
            article = self._read_html(
                path,
                record.payload or b"",
                fallback_id=f"{path.name}@{record.offset}",
                own_id=headers.record_id,
                url=headers.target_uri,
                fallback_date=crawled,
                offset=record.offset,
                extra=extra,
            )
            if article is not None:
                yield article
        if passed:
            listed = ", ".join(f"{n} {kind}" for kind, n in sorted(passed.items()))
            self._problem(
                Problem(
                    str(path),
                    f"WARC records not read as articles (only HTTP 2xx responses with an HTML "
                    f"content type are): {listed}",
                    severity="warning",
                )
            )

    def _read_json(self, path: Path, data: bytes) -> Iterator[Article]:
        text = self._decode(path, data)
        if text is None:
            return
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            self._problem(
                Problem(
                    str(path), f"malformed JSON: {exc.msg} (column {exc.colno})", line=exc.lineno
                )
            )
            return
        except (ValueError, RecursionError) as exc:  # 5,000-digit numbers, 10,000-deep nesting
            self._problem(Problem(str(path), f"malformed JSON: {type(exc).__name__}: {exc}"))
            return
        label, whose = "item {}: ", "a JSON list"
        if isinstance(value, dict):
            wrapped = self.record_fields.wrapped_list(value)
            if wrapped is None:
                article = self._record_article(
                    path, value, line=None, fallback_id=path.stem, where=""
                )
                if article is not None:
                    yield article
                return
            name, value = wrapped  # an API response: {"status": "ok", "articles": [...]}
            label, whose = name + "[{}]: ", f"its {name!r} list"
        if not isinstance(value, list):
            self._problem(
                Problem(
                    str(path),
                    f"not an article file: JSON {type(value).__name__}, "
                    "expected an object or a list of objects",
                )
            )
            return
        if not any(isinstance(item, dict) for item in value):
            kinds = sorted({type(item).__name__ for item in value}) or ["nothing"]
            self._problem(
                Problem(
                    str(path),
                    f"not an article file: {whose} of {len(value)} "
                    f"{'/'.join(kinds)} items, no objects",
                )
            )
            return
        for index, item in enumerate(value, start=1):
            where = label.format(index)
            if not isinstance(item, dict):
                self._problem(
                    Problem(
                        str(path),
                        f"{where}expected a JSON object, got {type(item).__name__}",
                        severity="warning",
                    )
                )
                continue
            article = self._record_article(
                path, item, line=None, fallback_id=f"{path.stem}:{index}", where=where
            )
            if article is not None:
                yield article

    def _read_jsonl(self, path: Path, gzipped: bool) -> Iterator[Article]:
        opener = gzip.open if gzipped else open
        line_no = 0
        try:
            with opener(path, "rb") as handle:
                for line_no, raw in enumerate(handle, start=1):
                    if len(raw) > self.max_file_bytes:
                        self._problem(
                            Problem(
                                str(path),
                                f"line is {_megabytes(len(raw))}, over the max_file_bytes limit",
                                line=line_no,
                                severity="warning",
                            )
                        )
                        continue
                    if line_no == 1 and raw.startswith(b"\xef\xbb\xbf"):
                        raw = raw[3:]
                    if not raw.strip():
                        continue
                    text = self._decode(path, raw, line=line_no)
                    if text is None:
                        continue
                    try:
                        value = json.loads(text)
                    except (ValueError, RecursionError) as exc:
                        detail = (
                            f"{exc.msg} (column {exc.colno})"
                            if isinstance(exc, json.JSONDecodeError)
                            else f"{type(exc).__name__}: {exc}"
                        )
                        self._problem(
                            Problem(
                                str(path),
                                f"malformed JSON line: {detail}",
                                line=line_no,
                                severity="warning",
                            )
                        )
                        continue
                    if not isinstance(value, dict):
                        self._problem(
                            Problem(
                                str(path),
                                f"expected a JSON object, got {type(value).__name__}",
                                line=line_no,
                                severity="warning",
                            )
                        )
                        continue
                    article = self._record_article(
                        path, value, line=line_no, fallback_id=f"{path.stem}:{line_no}", where=""
                    )
                    if article is not None:
                        yield article
        except (OSError, EOFError, zlib.error) as exc:
            # gzip.BadGzipFile is an OSError; a truncated .gz raises EOFError.
            reason = (
                "permission denied"
                if isinstance(exc, PermissionError)
                else str(exc) or type(exc).__name__
            )
            self._problem(
                Problem(
                    str(path),
                    f"cannot read file: {reason}" + (f" (after line {line_no})" if line_no else ""),
                    line=line_no or None,
                    severity="warning" if line_no else "skipped",
                )
            )

    # ------------------------------------------------------------------ records to articles

    def _record_article(
        self, path: Path, record: dict[str, Any], *, line: int | None, fallback_id: str, where: str
    ) -> Article | None:
        values = self.record_fields.read(record)
        if values.text is None:
            fields = ", ".join(sorted(map(str, record))[:12]) or "none"
            looked = ", ".join(repr(n) for n in self.record_fields.text)
            present = [n for n in self.record_fields.text if n in record]
            why = (
                f"no text field (looked for {looked}; fields: {fields})"
                if not present
                else f"{present[0]!r} is empty or not a string (fields: {fields})"
            )
            severity = _severity(line, where)
            self._problem(Problem(str(path), where + why, line=line, severity=severity))
            return None
        for name, raw in values.unreadable_dates:
            outcome = (
                f"publication date from {values.date_field!r}"
                if values.date_field
                else "publication date left unknown"
            )
            self._problem(
                Problem(
                    str(path),
                    f"{where}unrecognised {name} {raw!r}; {outcome}",
                    line=line,
                    severity="warning",
                )
            )
        return self._make_article(
            path,
            values.text,
            title=values.title,
            url=values.url,
            source=values.source,
            extra=values.extra,
            line=line,
            fallback_id=fallback_id,
            published=values.published,
            own_id=values.id,
            where=where,
        )

    def _too_long(self, n_chars: int, at_least: bool = False) -> str:
        return (
            f"article too long: {'at least ' if at_least else ''}{n_chars:,} characters, over the "
            f"{self.max_article_chars:,} character limit (raise max_article_chars to read it)"
        )

    def _make_article(
        self,
        path: Path,
        text: str,
        *,
        title: str | None = None,
        url: str | None = None,
        source: str | None = None,
        extra: dict[str, Any] | None = None,
        line: int | None,
        fallback_id: str,
        published: PublicationDate | None = None,
        own_id: str | None = None,
        where: str = "",
        fallback_published: PublicationDate | None = None,
    ) -> Article | None:
        """``published`` (stated in the record) wins over a ``date`` header line in the text,
        which wins over ``fallback_published`` (a WARC record's crawl date)."""
        severity = _severity(line, where)
        if len(text) > self.max_article_chars:
            self._problem(
                Problem(
                    str(path),
                    where + self._too_long(len(text)),
                    line=line,
                    severity=severity,
                )
            )
            return None
        text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        header, body = split_date_header(text)
        cleaned = strip_boilerplate(body, self.rules)
        if not cleaned.text.strip():
            why = (
                "no text"
                if not cleaned.removed
                else f"no text left after cleaning: all {len(cleaned.removed)} lines were "
                "boilerplate"
            )
            self._problem(Problem(str(path), where + why, line=line, severity=severity))
            return None
        article_id = self._unique_id(path, own_id, fallback_id, line, where)
        return Article(
            id=article_id,
            text=cleaned.text,
            path=str(path),
            title=title,
            url=url,
            source=source,
            line=line,
            published=published or header or fallback_published,
            removed_lines=len(cleaned.removed),
            removed_examples=tuple(dict.fromkeys(cleaned.removed))[:REMOVED_EXAMPLES],
            extra=extra or {},
        )

    def _unique_id(
        self,
        path: Path,
        own_id: str | None,
        fallback_id: str,
        line: int | None,
        where: str,
    ) -> str:
        wanted = own_id if own_id is not None else fallback_id
        candidate = wanted
        if candidate in self._ids:
            candidate = (
                f"{path.stem}:{wanted}" if own_id is not None else f"{path.parent.name}/{wanted}"
            )
        suffix = 2
        base = candidate
        while candidate in self._ids:
            candidate = f"{base}#{suffix}"
            suffix += 1
        if candidate != wanted:
            self._problem(
                Problem(
                    str(path),
                    f"{where}id {wanted!r} already used in this run; renamed {candidate!r}",
                    line=line,
                    severity="warning",
                )
            )
        self._ids.add(candidate)
        return candidate


def headline_of(text: str, max_words: int = 20) -> str | None:
    """The first line as a title when it looks like a headline, else None.

    Plain-text files carry no metadata, but scraped ones usually open with the headline: a short
    line (2 to ``max_words`` words) without closing punctuation, standing as its own paragraph.
    The line stays in the text; this only names the article in timelines.
    """
    first, _, rest = text.partition("\n")
    words = first.split()
    if not 2 <= len(words) <= max_words or first.rstrip().endswith(tuple('.!?:;,"\u201d')):
        return None
    return first.strip() if rest.startswith("\n") else None


def _severity(line: int | None, where: str) -> Literal["skipped", "warning"]:
    """A problem with one record of a file is a warning; with the file's only article, a skip."""
    return "warning" if line is not None or where else "skipped"


def _warc_kind(headers: WarcHeaders) -> str | None:
    """Why a WARC record is not read as an article (a short kind, counted per file), or None.

    ``warcinfo`` (the file's own description) and malformed records (reported on their own) are
    not counted."""
    if headers.type is None or headers.type == "warcinfo":
        return None
    if headers.type != "response":
        return f"{headers.type} records"
    if headers.http_status is None or not 200 <= headers.http_status < 300:
        return f"HTTP {headers.http_status or 'status unknown'} responses"
    media = (headers.content_type or "").split(";")[0].strip().lower()
    if media not in HTML_MEDIA_TYPES:
        return f"{media or 'untyped'} responses"
    return None


def _warc_date(raw: str | None) -> PublicationDate | None:
    """A WARC-Date (the crawl time, UTC) as a fallback publication date."""
    parsed = parse_date_value(raw) if raw else None
    if parsed is None:
        return None
    return PublicationDate(parsed[0], parsed[1], "warc-date", evidence=f"WARC-Date: {raw}")


def _unsupported(path: Path) -> str:
    kind = "".join(path.suffixes[-2:]) or "no extension"
    return f"unsupported file type: {kind} (dateline reads {', '.join(SUPPORTED_SUFFIXES)})"


def read_articles(
    paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str], **kwargs: Any
) -> tuple[list[Article], IngestReport]:
    """Read everything into a list (small corpora, tests); see :class:`CorpusReader`."""
    reader = CorpusReader(paths if not isinstance(paths, str | os.PathLike) else [paths], **kwargs)
    articles = list(reader)
    return articles, reader.report


def nothing_read_error(report: IngestReport, paths: Sequence[str | os.PathLike[str]]) -> InputError:
    """The error to raise when ``report`` shows that no article at all was read."""
    shown = ", ".join(str(p) for p in paths[:3]) + (
        f" and {len(paths) - 3} more" if len(paths) > 3 else ""
    )
    lines = [f"no articles could be read from {shown or 'no paths'}. {report.summary()}"]
    lines += [f"  {p}" for p in report.problems[:10]]
    if len(report.problems) > 10:
        lines.append(f"  ... and {len(report.problems) - 10} more problems")
    return InputError("\n".join(lines))
