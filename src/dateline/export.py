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

The Markdown, HTML and TimelineJS pages are rendered by :mod:`dateline.render`.
"""

from __future__ import annotations

import csv
import dataclasses
import enum
import io
import json
import math
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Any, TypeVar, Union

from dateline.errors import ConfigurationError
from dateline.records import Event, Timeline
from dateline.render import render_html, render_markdown, render_timelinejs_html

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
