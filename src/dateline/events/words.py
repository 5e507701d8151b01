"""The English word tables the event rules read (``data/event_words.json``), as frozensets."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from dateline.datafiles import read_data_json
from dateline.errors import ConfigurationError

WORDS_FILE = "event_words.json"


def load_event_words(text: str | None = None) -> Mapping[str, frozenset[str]]:
    """Every table of the file (the packaged one unless ``text`` is given), by name; each
    table is ``{"_comment": ..., "words": [...]}``. Errors name the file and the table."""
    data, where = read_data_json(WORDS_FILE, what="event word tables", text=text)
    if not isinstance(data, dict):
        raise ConfigurationError(f"{where}: expected an object of named word tables")
    tables: dict[str, frozenset[str]] = {}
    for name, table in data.items():
        if name.startswith("_"):
            continue
        words = table.get("words") if isinstance(table, dict) else None
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise ConfigurationError(
                f"{where}: table {name!r} must be an object whose 'words' is a list of "
                "non-empty strings"
            )
        tables[name] = frozenset(words)
    return _Tables(tables, where)


class _Tables(Mapping[str, frozenset[str]]):
    """Read-only tables by name; a name the code asks for and the file lacks is a clear error."""

    def __init__(self, tables: dict[str, frozenset[str]], where: str) -> None:
        self._tables = tables
        self._where = where

    def __getitem__(self, name: str) -> frozenset[str]:
        try:
            return self._tables[name]
        except KeyError:
            raise ConfigurationError(
                f"{self._where} has no table {name!r} (the event rules need it)"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)


#: Read once at import; immutable.
EVENT_WORDS = load_event_words()
