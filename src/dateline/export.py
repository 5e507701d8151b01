"""Writing a run's results: timeline JSON / Markdown / HTML, events JSONL / CSV, entities JSON.

Every record is encoded generically from its dataclass fields (``dataclasses.fields``), so the
files follow :mod:`dateline.records` field for field and a reader can rebuild the records exactly:

* tuples, lists and sets become JSON arrays (sets sorted), nested records become objects,
  mappings become objects with string keys, ``None`` is ``null``;
* decoding (:func:`record_from_jsonable`) is driven by the records' type hints, so every value is
  checked and a malformed file raises :class:`~dateline.errors.ConfigurationError` naming the
  offending field (``entries[3].sentences[0].start: expected an integer, got "x"``).

``timeline.json`` (schema ``dateline.timeline/1``)::

    {"schema": "dateline.timeline/1",
     "query": str | null,
     "params": {...},                       # run parameters, JSON values
     "report": {"files_seen", "files_read", "articles_read",
                "problems": [{"path", "reason", "line", "severity"}]},
     "entries": [{"date", "granularity", "score", "article_ids": [...], "event_ids": [...],
                  "sentences": [{"text", "article_id", "start", "end", "date_evidence",
                                 "sources": [{"article_id", "url", "source", "title",
                                              "published", "path"}]}]}]}

``events.jsonl``: one event per line, its fields as named on the record (PLOVER names); U+0085,
U+2028 and U+2029 are written as ``\\u`` escapes so no reader splits a line inside a string.
``entities.json``: ``{"schema": "dateline.entities/1", "entities": [...]}``.
``events.csv``: one row per event, one column per record field in field order; lists of plain
values are joined with ``"; "``, nested records and mappings (and lists of them) are compact JSON,
``None`` is an empty cell, booleans are ``true``/``false``. A text cell starting with ``= + - @``
gets a leading ``'`` so spreadsheets show it instead of evaluating it as a formula.

The HTML page is one self-contained file: inline CSS and a small inline script (filter box,
sources toggle) allowed by a Content-Security-Policy that names their hashes, so nothing else on
the page can run or load; all article text is escaped by jinja2's autoescape and only ``http(s)``
URLs become links. ``timeline-js.html`` (optional, ``write_outputs(..., timelinejs=True)``) is
the same timeline in TimelineJS, vendored under ``templates/vendor/timelinejs`` (MPL-2.0) and
inlined so that it too works offline.
"""

from __future__ import annotations

import base64
import csv
import dataclasses
import enum
import hashlib
import html
import io
import json
import math
import re
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path, PurePath
from typing import Any, TypeVar, Union
from urllib.parse import quote, urlsplit

import jinja2
from markupsafe import Markup

from dateline import __version__
from dateline.errors import ConfigurationError
from dateline.records import Event, SourceRef, Timeline, TimelineEntry

TIMELINE_SCHEMA = "dateline.timeline/1"
ENTITIES_SCHEMA = "dateline.entities/1"

T = TypeVar("T")

# --------------------------------------------------------------------------- encoding


def to_jsonable(value: Any, where: str = "") -> Any:
    """A JSON-ready copy of ``value``: records → objects, tuples/lists/sets → arrays.

    Raises :class:`ConfigurationError` naming the field for values JSON cannot hold
    (non-finite floats, non-string mapping keys, arbitrary objects).
    """
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ConfigurationError(f"{where or 'value'}: {value!r} cannot be written as JSON")
        return value
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value, where)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_jsonable(getattr(value, f.name), _join(where, f.name))
            for f in dataclasses.fields(value)
        }
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ConfigurationError(f"{where or 'value'}: mapping key {key!r} is not a string")
            out[key] = to_jsonable(item, _join(where, key))
        return out
    if isinstance(value, list | tuple):
        return [to_jsonable(item, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, set | frozenset):
        return [to_jsonable(item, f"{where}[{i}]") for i, item in enumerate(sorted(value))]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    raise ConfigurationError(
        f"{where or 'value'}: {type(value).__name__} value {value!r} cannot be written as JSON"
    )


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


# --------------------------------------------------------------------------- decoding


def record_from_jsonable(
    record_type: type[T],
    data: Any,
    where: str = "",
    type_hints: dict[type, dict[str, Any]] | None = None,
) -> T:
    """Rebuild a record of ``record_type`` from :func:`to_jsonable` output, checking every field.

    Unknown keys and missing keys without a default are errors, so a typo in a hand-edited file
    is reported rather than silently dropped. ``type_hints`` is a cache of resolved field types
    that a caller decoding many records passes to every call (resolving them is the slow part).
    """
    value: T = _decode(record_type, data, where, {} if type_hints is None else type_hints)
    return value


def _decode(tp: Any, data: Any, where: str, hints: dict[type, dict[str, Any]]) -> Any:
    label = where or "value"
    if tp is Any or tp is object:
        return data
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        candidates = [a for a in args if a is not type(None)]
        errors = []
        for candidate in candidates:
            try:
                return _decode(candidate, data, where, hints)
            except ConfigurationError as exc:
                errors.append(str(exc))
        raise ConfigurationError(errors[0] if len(errors) == 1 else f"{label}: {data!r} fits none")
    if origin is typing.Literal:
        if data not in args:
            allowed = ", ".join(repr(a) for a in args)
            raise ConfigurationError(f"{label}: {data!r} is not one of {allowed}")
        return data
    if origin is tuple:
        if not isinstance(data, list):
            raise ConfigurationError(f"{label}: expected an array, got {_show(data)}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(
                _decode(args[0], item, f"{where}[{i}]", hints) for i, item in enumerate(data)
            )
        if args and len(args) != len(data):
            raise ConfigurationError(f"{label}: expected {len(args)} items, got {len(data)}")
        item_types = args or (Any,) * len(data)
        return tuple(
            _decode(t, item, f"{where}[{i}]", hints)
            for i, (t, item) in enumerate(zip(item_types, data, strict=True))
        )
    if origin in (list, set, frozenset):
        if not isinstance(data, list):
            raise ConfigurationError(f"{label}: expected an array, got {_show(data)}")
        item_type = args[0] if args else Any
        items = [_decode(item_type, item, f"{where}[{i}]", hints) for i, item in enumerate(data)]
        return origin(items)
    if origin in (dict, Mapping) or tp in (dict, Mapping) or origin is typing.Mapping:
        if not isinstance(data, dict):
            raise ConfigurationError(f"{label}: expected an object, got {_show(data)}")
        value_type = args[1] if len(args) == 2 else Any
        return {
            str(k): _decode(value_type, v, _join(where, str(k)), hints) for k, v in data.items()
        }
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _decode_record(tp, data, where, hints)
    if tp is bool:
        if not isinstance(data, bool):
            raise ConfigurationError(f"{label}: expected true or false, got {_show(data)}")
        return data
    if tp is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise ConfigurationError(f"{label}: expected an integer, got {_show(data)}")
        return data
    if tp is float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise ConfigurationError(f"{label}: expected a number, got {_show(data)}")
        if not math.isfinite(data):
            raise ConfigurationError(f"{label}: {data!r} is not a finite number")
        return float(data)
    if tp is str:
        if not isinstance(data, str):
            raise ConfigurationError(f"{label}: expected a string, got {_show(data)}")
        return data
    if tp is type(None):
        if data is not None:
            raise ConfigurationError(f"{label}: expected null, got {_show(data)}")
        return None
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(data)
        except ValueError as exc:
            raise ConfigurationError(f"{label}: {exc}") from exc
    raise ConfigurationError(f"{label}: cannot read a value of type {tp!r}")


def _decode_record(
    record_type: type, data: Any, where: str, hints: dict[type, dict[str, Any]]
) -> Any:
    label = where or record_type.__name__
    if not isinstance(data, dict):
        raise ConfigurationError(f"{label}: expected an object, got {_show(data)}")
    if record_type not in hints:
        hints[record_type] = typing.get_type_hints(record_type)
    field_types = hints[record_type]
    fields = {f.name: f for f in dataclasses.fields(record_type) if f.init}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ConfigurationError(
            f"{label}: unknown field(s) {', '.join(map(repr, unknown))} for {record_type.__name__}"
        )
    kwargs: dict[str, Any] = {}
    for name, f in fields.items():
        if name not in data:
            has_default = (
                f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
            )
            if has_default:
                continue
            raise ConfigurationError(f"{_join(where, name)}: missing (required)")
        kwargs[name] = _decode(field_types[name], data[name], _join(where, name), hints)
    return record_type(**kwargs)


def _show(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False) if _is_json_value(data) else repr(data)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_json_value(data: Any) -> bool:
    return data is None or isinstance(data, str | int | float | bool | list | dict)


# --------------------------------------------------------------------------- timeline JSON


def timeline_to_dict(timeline: Timeline) -> dict[str, Any]:
    """The timeline as JSON-ready data, schema ``dateline.timeline/1`` (see module docstring)."""
    body = to_jsonable(timeline)
    return {"schema": TIMELINE_SCHEMA, **body}


def timeline_from_dict(data: Mapping[str, Any]) -> Timeline:
    """Exact inverse of :func:`timeline_to_dict`; ConfigurationError names a malformed field."""
    if not isinstance(data, Mapping):
        raise ConfigurationError(f"timeline: expected an object, got {_show(data)}")
    schema = data.get("schema")
    if schema != TIMELINE_SCHEMA:
        raise ConfigurationError(
            f"schema: expected {TIMELINE_SCHEMA!r}, got {schema!r} (not a dateline timeline file?)"
        )
    body = {k: v for k, v in data.items() if k != "schema"}
    return record_from_jsonable(Timeline, body)


def timeline_json_text(timeline: Timeline) -> str:
    """The text of ``timeline.json`` (indented, non-ASCII kept as is, final newline)."""
    return (
        json.dumps(timeline_to_dict(timeline), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    )


def write_timeline_json(timeline: Timeline, path: Path) -> None:
    """Write ``timeline.json`` (UTF-8, indented, non-ASCII kept as is)."""
    Path(path).write_text(timeline_json_text(timeline), encoding="utf-8")


def read_timeline_json(path: Path) -> Timeline:
    """Read a ``timeline.json`` written by :func:`write_timeline_json`."""
    data = _load_json(Path(path))
    try:
        return timeline_from_dict(data)
    except ConfigurationError as exc:
        raise ConfigurationError(f"{path}: {exc}") from exc


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ConfigurationError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from exc


# --------------------------------------------------------------------------- events and entities


def events_jsonl_lines(events: Iterable[Any]) -> Iterator[str]:
    """The lines of ``events.jsonl``, one event record each, with their final newline."""
    for i, event in enumerate(events):
        line = json.dumps(to_jsonable(event, f"events[{i}]"), ensure_ascii=False)
        yield line.translate(_LINE_BREAKS_TO_ESCAPES) + "\n"


def write_events_jsonl(events: Iterable[Any], path: Path) -> int:
    """Write one event record per line (fields as named on the record); returns the count."""
    count = 0
    with Path(path).open("w", encoding="utf-8", newline="\n") as handle:
        for line in events_jsonl_lines(events):
            handle.write(line)
            count += 1
    return count


#: Characters ``str.splitlines`` (and some editors) treat as line ends that JSON leaves raw:
#: written as escapes so every reader sees exactly one event per line.
_LINE_BREAKS_TO_ESCAPES = types.MappingProxyType(
    {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}
)


@typing.overload
def read_events_jsonl(path: Path) -> list[dict[str, Any]]: ...
@typing.overload
def read_events_jsonl(path: Path, record_type: type[T]) -> list[T]: ...
def read_events_jsonl(path: Path, record_type: type[Any] | None = None) -> list[Any]:
    """Read ``events.jsonl``: dicts, or records of ``record_type`` rebuilt and checked field by field.

    A malformed line raises ConfigurationError naming ``path:line`` and the field.
    """
    out: list[Any] = []
    type_hints: dict[type, dict[str, Any]] = {}
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigurationError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
            if record_type is None:
                if not isinstance(data, dict):
                    raise ConfigurationError(f"{path}:{number}: expected an object per line")
                out.append(data)
                continue
            try:
                out.append(record_from_jsonable(record_type, data, type_hints=type_hints))
            except ConfigurationError as exc:
                raise ConfigurationError(f"{path}:{number}: {exc}") from exc
    return out


def events_csv_rows(
    events: Iterable[Any], record_type: type = Event
) -> tuple[list[str], list[dict[str, str]]]:
    """Columns and flattened rows.

    Columns follow the field order of the first record, then any new keys; with no records at
    all, the fields of ``record_type``, so an empty ``events.csv`` still has its header.
    """
    columns: list[str] = []
    rows: list[dict[str, str]] = []
    for i, event in enumerate(events):
        data = to_jsonable(event, f"events[{i}]")
        if not isinstance(data, dict):
            raise ConfigurationError(f"events[{i}]: expected a record, got {_show(data)}")
        for key in data:
            if key not in columns:
                columns.append(key)
        rows.append({key: _csv_cell(value) for key, value in data.items()})
    if not rows and dataclasses.is_dataclass(record_type):
        columns = [f.name for f in dataclasses.fields(record_type)]
    return columns, rows


def write_events_csv(events: Iterable[Any], path: Path, record_type: type = Event) -> int:
    """Write ``events.csv`` (columns documented in the module docstring); returns the row count."""
    columns, rows = events_csv_rows(events, record_type)
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        _write_csv(handle, columns, rows)
    return len(rows)


def events_csv_text(events: Iterable[Any], record_type: type = Event) -> str:
    """The text of ``events.csv`` (as :func:`write_events_csv` writes it)."""
    columns, rows = events_csv_rows(events, record_type)
    buffer = io.StringIO(newline="")
    _write_csv(buffer, columns, rows)
    return buffer.getvalue()


def _write_csv(handle: typing.TextIO, columns: list[str], rows: list[dict[str, str]]) -> None:
    writer = csv.DictWriter(handle, fieldnames=columns, restval="")
    writer.writeheader()
    writer.writerows(rows)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _defuse_formula(value)
    if isinstance(value, list) and all(_is_scalar(v) for v in value):
        return _defuse_formula("; ".join("" if v is None else _plain(v) for v in value))
    return _defuse_formula(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _defuse_formula(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_entities_json(entities: Iterable[Any], path: Path) -> int:
    """Write ``entities.json``: ``{"schema": "dateline.entities/1", "entities": [...]}``."""
    text, count = entities_json_text(entities)
    Path(path).write_text(text, encoding="utf-8")
    return count


def entities_json_text(entities: Iterable[Any]) -> tuple[str, int]:
    """The text of ``entities.json`` and how many entities it holds."""
    items = [to_jsonable(e, f"entities[{i}]") for i, e in enumerate(entities)]
    document = {"schema": ENTITIES_SCHEMA, "entities": items}
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n", len(items)


@typing.overload
def read_entities_json(path: Path) -> list[dict[str, Any]]: ...
@typing.overload
def read_entities_json(path: Path, record_type: type[T]) -> list[T]: ...
def read_entities_json(path: Path, record_type: type[Any] | None = None) -> list[Any]:
    """Read ``entities.json``: dicts, or records of ``record_type`` checked field by field."""
    data = _load_json(Path(path))
    if not isinstance(data, dict) or data.get("schema") != ENTITIES_SCHEMA:
        raise ConfigurationError(f"{path}: schema: expected {ENTITIES_SCHEMA!r}")
    items = data.get("entities")
    if not isinstance(items, list):
        raise ConfigurationError(f"{path}: entities: expected an array, got {_show(items)}")
    if record_type is None:
        return items
    try:
        type_hints: dict[type, dict[str, Any]] = {}
        return [
            record_from_jsonable(record_type, e, f"entities[{i}]", type_hints)
            for i, e in enumerate(items)
        ]
    except ConfigurationError as exc:
        raise ConfigurationError(f"{path}: {exc}") from exc


# --------------------------------------------------------------------------- shared rendering


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def human_date(value: str, granularity: str) -> str:
    """ "2022-09-08" → "8 September 2022", "2022-03" → "March 2022"; other values unchanged."""
    try:
        if granularity == "day" and len(value) == 10:
            parsed = date.fromisoformat(value)
            return f"{parsed.day} {MONTHS[parsed.month - 1]} {parsed.year}"
        if granularity == "month" and len(value) == 7 and value[4] == "-":
            return f"{MONTHS[int(value[5:7]) - 1]} {int(value[:4])}"
    except (ValueError, IndexError):
        return value
    return value


def strip_control_chars(text: str) -> str:
    """Text without C0/C1 control characters (tab, newline and carriage return kept).

    They are invisible, HTML parsers drop or replace them, and NUL ends strings in some tools.
    """
    return text.translate(_CONTROL_CHARS)


_CONTROL_CHARS = types.MappingProxyType(
    {code: None for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)] if chr(code) not in "\t\n\r"}
)


def safe_http_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL (what may become a link), else None."""
    if not url:
        return None
    cleaned = "".join(ch for ch in url.strip() if ch >= " " and ch != "\x7f")
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(cleaned, safe=":/?#[]@!$&'*+,;=%~-._")


def _params_line(params: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in params.items())


def source_label(ref: SourceRef) -> str:
    """What to call a source: its outlet, else the site's host, else the file name."""
    if ref.source:
        return ref.source
    url = safe_http_url(ref.url)
    if url:
        return urlsplit(url).netloc
    if ref.path:
        return PurePath(ref.path).name or ref.path
    return "article"


@dataclass(frozen=True, slots=True)
class EventSummary:
    """One event as a timeline page shows it next to the entry that cites it."""

    id: str
    kind: str
    status: str
    participants: str
    location: str | None
    dated_by: str
    source_count: int
    conflicts: tuple[str, ...]


def summarise_event(event: Event) -> EventSummary:
    """Type/mode, status, who (names when known) and how the event was dated, as short text."""
    actors = _names(event.actors, event.actor_names)
    recipients = _names(event.recipients, event.recipient_names)
    participants = ", ".join(actors)
    if recipients:
        participants = f"{participants or '?'} → {', '.join(recipients)}"
    evidence = event.date_evidence
    if event.date is None:
        dated_by = "no date"
    elif evidence is not None and evidence.expression:
        dated_by = f"{event.date} ({event.granularity}) from “{evidence.expression}”"
    else:
        dated_by = f"{event.date} ({event.granularity}) from the publication date"
    return EventSummary(
        id=event.id,
        kind=f"{event.type}/{event.mode}" if event.mode else event.type,
        status=event.status,
        participants=participants,
        location=event.location,
        dated_by=dated_by,
        source_count=len({s.article_id for s in event.sources}),
        conflicts=tuple(event.conflicts),
    )


def cited_articles(timeline: Timeline) -> list[tuple[SourceRef, int]]:
    """Every article the timeline cites, once (first reference seen), with how many lines cite it.

    In order of first citation, so the index reads in timeline order.
    """
    refs: dict[str, SourceRef] = {}
    counts: dict[str, int] = {}
    for entry in timeline.entries:
        for sentence in entry.sentences:
            cited = {ref.article_id: ref for ref in sentence.sources}
            cited.setdefault(sentence.article_id, SourceRef(article_id=sentence.article_id))
            for article_id, ref in cited.items():
                if article_id not in refs or _richer(ref, refs[article_id]):
                    refs[article_id] = ref
                counts[article_id] = counts.get(article_id, 0) + 1
    return [(ref, counts[article_id]) for article_id, ref in refs.items()]


def _richer(candidate: SourceRef, current: SourceRef) -> bool:
    """True when ``candidate`` says more about the article than ``current`` (e.g. has a URL)."""

    def known(ref: SourceRef) -> int:
        return sum(v is not None for v in (ref.url, ref.source, ref.title, ref.published, ref.path))

    return known(candidate) > known(current)


def _names(ids: tuple[str, ...], names: tuple[str, ...]) -> list[str]:
    return list(names) if len(names) == len(ids) else list(ids)


def _event_summaries(events: Iterable[Event] | None) -> dict[str, EventSummary]:
    return {e.id: summarise_event(e) for e in events or ()}


# --------------------------------------------------------------------------- Markdown

_MD_SPECIAL = frozenset("\\`*_[]<>|~&#")
_MD_LINE_START = frozenset("#+-=>!")


def markdown_escape(text: str) -> str:
    """Text shown literally by Markdown renderers (no emphasis, links or raw HTML); one line.

    Newlines collapse to spaces so a sentence stays one list item; characters that start
    Markdown syntax get a backslash (CommonMark escapes), as does a line-start marker.
    """
    flat = " ".join(strip_control_chars(text).split())
    escaped = "".join(
        "\\" + ch if ch in _MD_SPECIAL and not _intraword_underscore(flat, i) else ch
        for i, ch in enumerate(flat)
    )
    if escaped[:1] in _MD_LINE_START:
        return "\\" + escaped
    digits = len(escaped) - len(escaped.lstrip("0123456789"))
    if digits and escaped[digits : digits + 1] in (".", ")"):
        return escaped[:digits] + "\\" + escaped[digits:]
    return escaped


def _intraword_underscore(text: str, i: int) -> bool:
    """``_`` between two letters/digits never starts emphasis in CommonMark: leave it readable."""
    return (
        text[i] == "_" and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()
    )


def _markdown_code(text: str) -> str:
    """An id as inline code; backticks inside are swapped for quotes so the span stays closed."""
    return "`" + " ".join(strip_control_chars(text).split()).replace("`", "'") + "`"


def _markdown_source(ref: SourceRef) -> str:
    url = safe_http_url(ref.url)
    label = markdown_escape(source_label(ref))
    parts = [f"[{label}]({url})" if url else label]
    if ref.title:
        parts.append(f"“{markdown_escape(ref.title)}”")
    if ref.published:
        parts.append(f"published {markdown_escape(ref.published)}")
    if ref.url and not url:
        parts.append(f"url not linked: {markdown_escape(ref.url)}")
    parts.append(_markdown_code(ref.article_id))
    return " — ".join(parts)


def _markdown_event(event_id: str, summary: EventSummary | None) -> str:
    if summary is None:
        return f"* event {_markdown_code(event_id)}"
    parts = [f"{summary.kind}, {summary.status}"]
    if summary.participants:
        parts.append(summary.participants)
    if summary.location:
        parts.append(f"in {summary.location}")
    parts.append(f"dated {summary.dated_by}")
    parts.append(f"{summary.source_count} source(s)")
    parts.extend(f"conflict: {c}" for c in summary.conflicts)
    return f"* event {_markdown_code(event_id)}: " + markdown_escape("; ".join(parts))


def render_markdown(timeline: Timeline, *, events: Iterable[Event] | None = None) -> str:
    """The timeline as Markdown: a header (query, ingest summary), then one heading per date.

    With ``events``, each entry's event ids are followed by what the event is (type, status,
    participants, how it was dated).
    """
    summaries = _event_summaries(events)
    lines = [
        f"# Timeline: {markdown_escape(timeline.query)}" if timeline.query else "# Timeline",
        "",
        f"{markdown_escape(timeline.report.summary())}.",
    ]
    if timeline.params:
        lines += ["", f"Parameters: {markdown_escape(_params_line(timeline.params))}."]
    for problem in timeline.report.problems:
        lines.append(f"- {problem.severity}: {markdown_escape(str(problem))}")
    lines.append("")
    lines.append(f"{len(timeline.entries)} dates. Written by dateline {__version__}.")
    for entry in timeline.entries:
        lines += ["", f"## {markdown_escape(entry.date)} ({entry.granularity})", ""]
        lines.append(
            f"Supported by {len(entry.article_ids)} article(s); score {entry.score:.3g}."
            + (" Events:" if entry.event_ids else "")
        )
        if entry.event_ids:
            lines.append("")
            lines.extend(_markdown_event(i, summaries.get(i)) for i in entry.event_ids)
        lines.append("")
        for sentence in entry.sentences:
            dated = (
                f" _(dated by “{markdown_escape(sentence.date_evidence)}”)_"
                if sentence.date_evidence
                else " _(dated by publication date)_"
            )
            lines.append(f"- {markdown_escape(sentence.text)}{dated}".replace("-  ", "- ", 1))
            refs = sentence.sources or ()
            cited = {ref.article_id for ref in refs}
            for ref in refs:
                lines.append(f"  - {_markdown_source(ref)}")
            if sentence.article_id not in cited:
                lines.append(f"  - article {_markdown_code(sentence.article_id)}")
    articles = cited_articles(timeline)
    if articles:
        lines += ["", f"## Articles cited ({len(articles)})", ""]
        for ref, count in articles:
            lines.append(f"- {_markdown_source(ref)} — cited by {count} line(s)")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- HTML


def _template_text(name: str) -> str:
    return resources.files("dateline").joinpath("templates", name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def html_environment(package: str = "dateline") -> jinja2.Environment:
    """Jinja2 for dateline's pages (the report here, the app's in ``dateline.serve``):
    autoescaped, strict about undefined names, with the filters the templates use."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["human_date"] = human_date
    env.filters["safe_http_url"] = safe_http_url
    env.filters["source_label"] = source_label
    return env


def render_html(
    timeline: Timeline, *, title: str | None = None, events: Iterable[Event] | None = None
) -> str:
    """One self-contained HTML page (no network fetches); all article text escaped.

    With ``events``, each entry lists its events (type, status, participants, dating).
    """
    style = _template_text("timeline.css")
    script = _template_text("timeline.js")
    csp = (
        "default-src 'none'; "
        f"style-src {_csp_hash(style)}; script-src {_csp_hash(script)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    page_title = title or (f"Timeline: {timeline.query}" if timeline.query else "Timeline")
    summaries = _event_summaries(events)
    template = html_environment().get_template("timeline.html")
    page = template.render(
        timeline=timeline,
        entries=[_entry_view(e, summaries) for e in timeline.entries],
        articles=cited_articles(timeline),
        page_title=page_title,
        summary=timeline.report.summary(),
        params=_params_line(timeline.params),
        version=__version__,
        csp=csp,
        style=Markup(style),
        script=Markup(script),
    )
    return strip_control_chars(page)


def _entry_view(entry: TimelineEntry, summaries: Mapping[str, EventSummary]) -> dict[str, Any]:
    return {
        "entry": entry,
        "events": [(event_id, summaries.get(event_id)) for event_id in entry.event_ids],
        "anchor": "d-" + "".join(ch if ch.isalnum() or ch == "-" else "_" for ch in entry.date),
        "sentences": [
            {
                "sentence": s,
                "sources": list(s.sources),
                "uncited": s.article_id not in {ref.article_id for ref in s.sources},
            }
            for s in entry.sentences
        ],
    }


# --------------------------------------------------------------------------- TimelineJS view (optional)

_VENDOR_TIMELINEJS = ("vendor", "timelinejs")
_ICON_FONT_FACE = re.compile(r"@font-face\s*\{\s*font-family:\s*'tl-icons';[^}]*\}")
_SOURCE_MAP_COMMENT = re.compile(r"\n?/[/*]# sourceMappingURL=[^\n]*\n?\s*$")
_DATE_PREFIX = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def timelinejs_data(timeline: Timeline) -> dict[str, Any]:
    """The timeline in TimelineJS's JSON format (title slide + one slide per date).

    TimelineJS treats ``headline``/``text`` as HTML, so every piece of article text is escaped
    here and only http(s) URLs become links. Entries whose date has no four-digit year (decades,
    centuries) cannot be placed and are counted on the title slide instead.
    """
    slides: list[dict[str, Any]] = []
    unplaced = 0
    for number, entry in enumerate(timeline.entries):
        start_date = _timelinejs_date(entry.date, entry.granularity)
        if start_date is None:
            unplaced += 1
            continue
        first = entry.sentences[0].text if entry.sentences else entry.date
        slides.append(
            {
                "start_date": start_date,
                "unique_id": f"dl-{number}",
                "text": {
                    "headline": html.escape(_shorten(" ".join(first.split()), 90)),
                    "text": _timelinejs_entry_html(entry),
                },
            }
        )
    intro = [f"<p>{html.escape(timeline.report.summary())}.</p>"]
    if unplaced:
        intro.append(f"<p>{unplaced} date(s) too coarse to place (decades, centuries).</p>")
    headline = f"Timeline: {timeline.query}" if timeline.query else "Timeline"
    return {
        "title": {"text": {"headline": html.escape(headline), "text": "".join(intro)}},
        "events": slides,
    }


def _timelinejs_date(value: str, granularity: str) -> dict[str, Any] | None:
    match = _DATE_PREFIX.match(value)
    if match is None:
        return None
    year, month, day = match.groups()
    out: dict[str, Any] = {"year": int(year)}
    if month and 1 <= int(month) <= 12:
        out["month"] = int(month)
        if day and 1 <= int(day) <= 31:
            out["day"] = int(day)
    out["display_date"] = html.escape(f"{human_date(value, granularity)} ({granularity})")
    return out


def _timelinejs_entry_html(entry: TimelineEntry) -> str:
    parts = []
    for sentence in entry.sentences:
        parts.append(f'<p class="dl-line">{html.escape(strip_control_chars(sentence.text))}</p>')
        meta = [
            f"dated by “{html.escape(sentence.date_evidence)}”"
            if sentence.date_evidence
            else "dated by publication date"
        ]
        for ref in sentence.sources:
            label = html.escape(source_label(ref))
            href = safe_http_url(ref.url)
            cite = f'<a href="{html.escape(href)}">{label}</a>' if href else label
            if ref.title:
                cite += f" “{html.escape(ref.title)}”"
            meta.append(f"{cite} <code>{html.escape(ref.article_id)}</code>")
        if sentence.article_id not in {ref.article_id for ref in sentence.sources}:
            meta.append(f"article <code>{html.escape(sentence.article_id)}</code>")
        parts.append(f'<p class="dl-meta">{" · ".join(meta)}</p>')
    if 0 < len(entry.event_ids) <= 3:
        ids = ", ".join(f"<code>{html.escape(i)}</code>" for i in entry.event_ids)
        parts.append(f'<p class="dl-meta">events {ids}</p>')
    elif entry.event_ids:
        parts.append(f'<p class="dl-meta">{len(entry.event_ids)} events (see timeline.html)</p>')
    return strip_control_chars("".join(parts))


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def render_timelinejs_html(timeline: Timeline, *, title: str | None = None) -> str:
    """An optional interactive view: TimelineJS (vendored, MPL-2.0) inlined into one file.

    Works offline: the library, its stylesheet and icon font are inlined, ``font`` is null, the
    data is embedded, and a Content-Security-Policy allows only these scripts and no network
    requests. ``timeline.html`` remains the dependency-free default.
    """
    vendor = resources.files("dateline").joinpath("templates", *_VENDOR_TIMELINEJS)
    library = _SOURCE_MAP_COMMENT.sub("\n", vendor.joinpath("timeline.js").read_text("utf-8"))
    font = base64.b64encode(vendor.joinpath("tl-icons.woff2").read_bytes()).decode("ascii")
    library_css = _SOURCE_MAP_COMMENT.sub("\n", vendor.joinpath("timeline.css").read_text("utf-8"))
    library_css, replaced = _ICON_FONT_FACE.subn(
        "@font-face { font-family: 'tl-icons'; font-weight: normal; font-style: normal; "
        f"src: url(data:font/woff2;base64,{font}) format('woff2'); }}",
        library_css,
    )
    if replaced != 1:
        raise ConfigurationError("vendored TimelineJS stylesheet: icon @font-face not found")
    style = library_css + "\n" + _template_text("timeline-js.css")
    init = _template_text("timeline-js-init.js")
    data = json.dumps(timelinejs_data(timeline), ensure_ascii=False, allow_nan=False)
    # Inside <script type="application/json"> nothing may look like a tag or a comment.
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    csp = (
        "default-src 'none'; "
        f"script-src {_csp_hash(library)} {_csp_hash(init)}; "
        f"style-src {_csp_hash(style)}; "
        "font-src data:; img-src data:; base-uri 'none'; form-action 'none'"
    )
    page_title = title or (f"Timeline: {timeline.query}" if timeline.query else "Timeline")
    template = html_environment().get_template("timeline-js.html")
    return template.render(
        page_title=page_title,
        version=__version__,
        csp=csp,
        style=Markup(style),
        library=Markup(library),
        init=Markup(init),
        data=Markup(data),
    )


# --------------------------------------------------------------------------- all outputs


def write_outputs(
    timeline: Timeline,
    out_dir: Path,
    *,
    events: Iterable[Any] | None = None,
    entities: Iterable[Any] | None = None,
    title: str | None = None,
    timelinejs: bool = False,
) -> dict[str, Path]:
    """Write every output of a run into ``out_dir`` (created); returns file name → path.

    Always ``timeline.json``, ``timeline.md``, ``timeline.html``; ``events.jsonl`` and
    ``events.csv`` when ``events`` is given, ``entities.json`` when ``entities`` is given (empty
    iterables still write their files, so "no events found" is visible); ``timeline-js.html``
    (the optional TimelineJS view, about 350 kB) when ``timelinejs`` is true.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}

    def target(name: str) -> Path:
        written[name] = out / name
        return written[name]

    write_timeline_json(timeline, target("timeline.json"))
    event_list = list(events) if events is not None else None
    event_records = [e for e in event_list or () if isinstance(e, Event)]
    markdown = render_markdown(timeline, events=event_records)
    target("timeline.md").write_text(markdown, encoding="utf-8")
    page = render_html(timeline, title=title, events=event_records)
    target("timeline.html").write_text(page, encoding="utf-8")
    if timelinejs:
        interactive = render_timelinejs_html(timeline, title=title)
        target("timeline-js.html").write_text(interactive, encoding="utf-8")
    if event_list is not None:
        write_events_jsonl(event_list, target("events.jsonl"))
        write_events_csv(event_list, target("events.csv"))
    if entities is not None:
        write_entities_json(entities, target("entities.json"))
    return written
