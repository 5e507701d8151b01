"""WARC records, read with warcio, surviving damaged records.

CC-NEWS (and every Common Crawl WARC) is a ``.warc.gz`` of gzip members, one record each: a
``warcinfo`` record, then ``response`` records whose payload is the HTTP response (status line,
headers, the page bytes). :func:`iter_warc_records` streams the records of one file and, when a
record cannot be parsed (a damaged gzip member, a garbled header block), reports it once with the
byte offset where it starts and carries on from the next record it can find: the next gzip member
(``.warc.gz``) or the next line opening with ``WARC/1.`` (plain ``.warc``). Offsets are those of
the file on disk (compressed offsets for ``.warc.gz``, as Common Crawl's indexes give them).

Only records are parsed here; turning an HTML payload into an article is
:class:`dateline.ingest.CorpusReader`'s job.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

#: The start of a gzip member (magic bytes + deflate), and of an uncompressed WARC record.
_GZIP_MEMBER = b"\x1f\x8b\x08"
_WARC_START = b"WARC/1."
_SCAN_CHUNK = 1 << 20
#: What warcio (and zlib under it) raise on a damaged record.
_DAMAGE = (
    ArchiveLoadFailed,
    StatusAndHeadersParserException,
    zlib.error,
    EOFError,
    ValueError,
    OSError,
)


class _ArchiveIterator(ArchiveIterator):
    """warcio's iterator, without its own stderr note on a record not followed by a blank line:
    :func:`iter_warc_records` reports that as a Problem naming the file and offset."""

    INC_RECORD = ""


@dataclass(frozen=True, slots=True)
class WarcHeaders:
    """What a record's WARC and HTTP headers say (HTTP fields are None for non-HTTP records)."""

    type: str | None
    record_id: str | None
    target_uri: str | None
    date: str | None
    http_status: int | None
    content_type: str | None


@dataclass(frozen=True, slots=True)
class WarcRecord:
    """One record: where it starts, its headers and, when the caller asked, its HTTP payload.

    ``payload`` is None when it was not wanted, or when it was over the size limit (then
    ``too_large`` is True).
    """

    offset: int
    headers: WarcHeaders
    payload: bytes | None = None
    too_large: bool = False


def iter_warc_records(
    path: Path,
    *,
    wanted: Callable[[WarcHeaders], bool],
    max_payload_bytes: int,
    on_damage: Callable[[int, str], None],
) -> Iterator[WarcRecord]:
    """Yield the records of one WARC file; ``on_damage(offset, reason)`` for each damaged stretch.

    ``wanted`` sees a record's headers and says whether its payload is read; at most ``max_payload_bytes`` of it are kept (a longer one comes back with
    ``too_large``). A damaged stretch is reported once, however many false starts the search for
    the next readable record makes inside it. ``OSError`` from opening the file is the caller's.
    """
    gzipped = path.name.lower().endswith(".gz")
    marker = _GZIP_MEMBER if gzipped else _WARC_START
    with path.open("rb") as handle:
        position = 0
        damaged_since: int | None = None  # a damaged stretch already reported, not yet left
        while True:
            handle.seek(position)
            records = _ArchiveIterator(handle)
            expected = position  # where the next record should start
            try:
                for raw in records:
                    if raw.format != "warc":  # warcio also parses ARC: not what we read
                        raise ArchiveLoadFailed(f"not a WARC record ({raw.format} format)")
                    headers = _headers(raw)
                    errors_before = records.err_count
                    payload, too_large = (
                        _payload(raw, max_payload_bytes) if wanted(headers) else (None, False)
                    )
                    # Offset and length are known once the record is read to its end (warcio).
                    offset = records.get_record_offset()
                    length = records.get_record_length()
                    damaged_since = None
                    yield WarcRecord(offset, headers, payload, too_large)
                    if records.err_count > errors_before:
                        on_damage(
                            offset,
                            "WARC record not followed by a blank line (its Content-Length is "
                            "probably wrong; the next record may be lost)",
                        )
                    expected = offset + length
                return
            except _DAMAGE as exc:
                if not gzipped:
                    expected = _skip_blank(handle, expected)
                if damaged_since is None:
                    damaged_since = expected
                    on_damage(expected, f"malformed WARC record: {_reason(exc)}")
                found = _find(handle, marker, expected + 1, at_line_start=not gzipped)
                if found is None:
                    return
                position = found


def _headers(raw: Any) -> WarcHeaders:
    http = raw.http_headers
    status: int | None = None
    content_type: str | None = None
    if http is not None:
        try:
            status = int(http.get_statuscode())
        except (TypeError, ValueError):
            status = None
        content_type = http.get_header("Content-Type")
    record_id = raw.rec_headers.get_header("WARC-Record-ID")
    return WarcHeaders(
        type=raw.rec_type,
        record_id=record_id.strip("<>") if record_id else None,
        target_uri=raw.rec_headers.get_header("WARC-Target-URI"),
        date=raw.rec_headers.get_header("WARC-Date"),
        http_status=status,
        content_type=content_type,
    )


def _payload(raw: Any, limit: int) -> tuple[bytes | None, bool]:
    """The HTTP body (de-chunked and decoded) when at most ``limit`` bytes: ``(bytes, False)``;
    else ``(None, True)``."""
    data = raw.content_stream().read(limit + 1)
    return (None, True) if len(data) > limit else (data, False)


def _reason(exc: BaseException) -> str:
    """The exception as one short printable line (warcio quotes the bytes it could not parse)."""
    message = str(exc)
    head, quoted, tail = message.partition("first line:")
    if quoted and sum(not 32 <= ord(c) < 127 for c in tail) > len(tail) / 10:
        message = f"{head}first line: binary data, not a WARC header"
    printable = "".join(c if c.isprintable() else " " for c in message)
    text = " ".join(printable.split())
    if len(text) > 100:
        text = text[:97] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _skip_blank(handle: BinaryIO, offset: int) -> int:
    """The first offset at or after ``offset`` that is not a line break (records are separated
    by blank lines in a plain WARC)."""
    handle.seek(offset)
    head = handle.read(64)
    return offset + len(head) - len(head.lstrip(b"\r\n"))


def _find(handle: BinaryIO, marker: bytes, start: int, *, at_line_start: bool) -> int | None:
    """Offset of the next ``marker`` at or after ``start`` (optionally only at a line start)."""
    base = max(start - 1, 0)  # one byte before, to see whether ``start`` opens a line
    handle.seek(base)
    data = handle.read(_SCAN_CHUNK)
    at = start - base
    while data:
        hit = data.find(marker, at)
        if hit == -1:
            keep = len(marker)  # a marker split across two chunks, plus the byte before it
            more = handle.read(_SCAN_CHUNK)
            if not more:
                return None
            base += len(data) - keep
            data = data[-keep:] + more
            at = 1
            continue
        if not at_line_start or (hit == 0 and base == 0) or data[hit - 1 : hit] == b"\n":
            return base + hit
        at = hit + 1
    return None
