"""Which fields of a JSON(L) record are an article's text, title, url, date, source and id.

Feeds name them differently (news-please's ``maintext`` and ``date_publish``, NewsAPI's
``publishedAt``, schema.org's ``datePublished``): a record whose date sits under a name dateline
did not look for would be read as undated without a word. The names per role are a table,
``data/record_fields.json``, tried in order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dateline.datafiles import read_data_json
from dateline.errors import ConfigurationError
from dateline.pubdate import date_from_field
from dateline.records import PublicationDate

RECORD_FIELDS_FILE = "record_fields.json"
_ROLES = ("text", "title", "url", "date", "source", "id")


@dataclass(frozen=True, slots=True)
class RecordValues:
    """What one record says, by role; ``unreadable_dates`` are date fields whose value is not a
    date (the reader warns about each); ``extra`` holds every field no role used."""

    text: str | None
    title: str | None
    url: str | None
    source: str | None
    id: str | None
    published: PublicationDate | None
    #: The field the publication date was read from.
    date_field: str | None = None
    unreadable_dates: tuple[tuple[str, Any], ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RecordFields:
    """For each role, the field names tried in order (see the module docstring)."""

    text: tuple[str, ...]
    title: tuple[str, ...]
    url: tuple[str, ...]
    date: tuple[str, ...]
    source: tuple[str, ...]
    id: tuple[str, ...]
    #: Fields of a JSON file's top object that hold its articles when the object is not one
    #: itself (NewsAPI's ``articles``).
    lists: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: str | Path | None = None, *, text: str | None = None) -> RecordFields:
        """The packaged table, or one at ``path`` / in ``text``; errors name the problem."""
        data, where = read_data_json(RECORD_FIELDS_FILE, what="record fields", path=path, text=text)
        if not isinstance(data, dict):
            raise ConfigurationError(f"{where}: expected an object with the roles {_ROLES}")
        names: dict[str, tuple[str, ...]] = {}
        for role in _ROLES:
            value = data.get(role)
            if (
                not isinstance(value, list)
                or not value
                or not all(isinstance(n, str) and n for n in value)
            ):
                raise ConfigurationError(
                    f"{where}: {role!r} must be a non-empty list of field names, got {value!r}"
                )
            names[role] = tuple(value)
        lists = data.get("lists", [])
        if not isinstance(lists, list) or not all(isinstance(n, str) and n for n in lists):
            raise ConfigurationError(
                f"{where}: 'lists' must be a list of field names, got {lists!r}"
            )
        seen: dict[str, str] = {}
        for role, fields in names.items():
            for name in fields:
                if name in seen:
                    raise ConfigurationError(
                        f"{where}: field {name!r} is listed under both {seen[name]!r} and "
                        f"{role!r}; keep it under one role"
                    )
                seen[name] = role
        return cls(**names, lists=tuple(lists))

    def wrapped_list(self, value: Mapping[str, Any]) -> tuple[str, list[Any]] | None:
        """The name and items of the list of articles a top-level object wraps, when it has no
        text of its own and one of the ``lists`` fields is a list; else None."""
        if any(isinstance(value.get(name), str) for name in self.text):
            return None
        for name in self.lists:
            if isinstance(items := value.get(name), list):
                return name, items
        return None

    def read(self, record: Mapping[str, Any]) -> RecordValues:
        """The record's parts: for each role the first listed field with a usable value."""
        used: set[str] = set()

        def first(role: tuple[str, ...], usable: Callable[[Any], str | None]) -> str | None:
            for name in role:
                if (value := usable(record.get(name))) is not None:
                    used.add(name)
                    return value
            return None

        text = first(self.text, _as_body)
        own_id = first(self.id, _as_id)
        title, url = first(self.title, as_text), first(self.url, as_text)
        source = first(self.source, _as_name)
        published: PublicationDate | None = None
        date_field: str | None = None
        unreadable: list[tuple[str, Any]] = []
        for name in self.date:
            raw = record.get(name)
            if raw in (None, ""):
                continue
            published = date_from_field(raw, name)
            if published is not None:
                used.add(name)
                date_field = name
                break
            unreadable.append((name, raw))
        return RecordValues(
            text=text,
            title=title,
            url=url,
            source=source,
            id=own_id,
            published=published,
            date_field=date_field,
            unreadable_dates=tuple(unreadable),
            extra={k: v for k, v in record.items() if k not in used},
        )


def as_text(value: Any) -> str | None:
    """A usable value as stripped text; None for a missing, blank or structured one."""
    if value is None or isinstance(value, Mapping | list):
        return None
    stripped = str(value).strip()
    return stripped or None


def _as_body(value: Any) -> str | None:
    """An article's text, kept as written (offsets point into it); None unless non-blank text."""
    return value if isinstance(value, str) and value.strip() else None


def _as_id(value: Any) -> str | None:
    """An id as given, not stripped (it names the article in a store); None when missing."""
    return None if value in (None, "") else str(value)


def _as_name(value: Any) -> str | None:
    """A source: text, or the ``name`` of an object (NewsAPI: ``{"id": ..., "name": "BBC"}``)."""
    return as_text(value.get("name") if isinstance(value, Mapping) else value)
