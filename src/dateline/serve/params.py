"""Query-string parameters of the web app, checked: a bad value is a 400 with a message.

Every page and API route that shows a view of the store reads the same :class:`ViewParams`
(``query``, ``dates``, ``sentences``, ``start``, ``end``, ``period``), so a link or a download
made from one page carries exactly the view the analyst was looking at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from dateline.errors import ConfigurationError

#: Longest query accepted (characters); a query is a few keywords, not a document.
MAX_QUERY_CHARS = 500
MAX_DATES = 500
MAX_SENTENCES = 20
MAX_PAGE = 1_000_000
DEFAULT_DATES = 20
DEFAULT_SENTENCES = 2
PERIODS = ("auto", "day", "week", "month", "year")
Period = Literal["auto", "day", "week", "month", "year"]


class ParamError(ConfigurationError):
    """A query-string parameter is invalid; the message names it and says what is expected."""


@dataclass(frozen=True, slots=True)
class ViewParams:
    """What part of the store a page shows (all optional; defaults as ``dateline build``)."""

    query: str | None = None
    dates: int = DEFAULT_DATES
    sentences: int = DEFAULT_SENTENCES
    start: dt.date | None = None
    end: dt.date | None = None
    period: Period = "auto"
    #: Which page of a long list (events, entities, articles), from 1.
    page: int = 1

    @classmethod
    def parse(cls, args: Mapping[str, str]) -> ViewParams:
        """Read and check the parameters; raises :class:`ParamError` naming the bad one."""
        query = args.get("query", "")
        if len(query) > MAX_QUERY_CHARS:
            raise ParamError(
                f"query: at most {MAX_QUERY_CHARS} characters (got {len(query)}); "
                "give a few keywords"
            )
        if any(ord(ch) < 32 and ch not in "\t" for ch in query):
            raise ParamError("query: control characters are not allowed")
        start = _date(args, "start")
        end = _date(args, "end")
        if start is not None and end is not None and start > end:
            raise ParamError(f"start ({start}) is after end ({end})")
        period = args.get("period", "auto") or "auto"
        if period not in PERIODS:
            raise ParamError(f"period: expected one of {', '.join(PERIODS)} (got {period!r})")
        return cls(
            query=" ".join(query.split()) or None,
            dates=_int(args, "dates", DEFAULT_DATES, MAX_DATES),
            sentences=_int(args, "sentences", DEFAULT_SENTENCES, MAX_SENTENCES),
            start=start,
            end=end,
            period=period,  # type: ignore[arg-type]
            page=_int(args, "page", 1, MAX_PAGE),
        )

    def items(self, **override: object) -> list[tuple[str, str]]:
        """The non-default parameters as query-string pairs (``override`` replaces values)."""
        values: dict[str, object] = {
            "query": self.query,
            "dates": self.dates,
            "sentences": self.sentences,
            "start": self.start,
            "end": self.end,
            "period": self.period,
        }
        values.update(override)
        defaults = {
            "dates": DEFAULT_DATES,
            "sentences": DEFAULT_SENTENCES,
            "period": "auto",
            "page": 1,
        }
        out = []
        for key, value in values.items():
            if value is None or value == "" or defaults.get(key) == value:
                continue
            out.append((key, value.isoformat() if isinstance(value, dt.date) else str(value)))
        return out

    def query_string(self, **override: object) -> str:
        """``?query=...&start=...`` for links that keep this view ("" when all defaults)."""
        pairs = self.items(**override)
        return "?" + urlencode(pairs) if pairs else ""

    @property
    def filtered(self) -> bool:
        """True when the view is narrowed by a query or a date range."""
        return bool(self.query or self.start or self.end)


def _int(args: Mapping[str, str], name: str, default: int, maximum: int) -> int:
    raw = args.get(name, "")
    if raw == "":
        return default
    if not raw.isascii() or not raw.isdigit():
        raise ParamError(f"{name}: expected a whole number from 1 to {maximum} (got {raw[:40]!r})")
    value = int(raw[:12]) if len(raw) <= 12 else maximum + 1
    if not 1 <= value <= maximum:
        raise ParamError(f"{name}: expected a whole number from 1 to {maximum} (got {raw[:40]})")
    return value


def _date(args: Mapping[str, str], name: str) -> dt.date | None:
    raw = args.get(name, "")
    if raw == "":
        return None
    try:
        if len(raw) != 10:
            raise ValueError
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ParamError(f"{name}: expected a date as YYYY-MM-DD (got {raw[:40]!r})") from None


def check_id(value: str, what: str) -> str:
    """A path id as given, or ParamError when it cannot be an id (too long, control characters)."""
    if len(value) > 300 or any(ord(ch) < 32 for ch in value):
        raise ParamError(f"{what}: not a valid id")
    return value
