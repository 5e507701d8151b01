"""Rendering a timeline for people: Markdown, a self-contained HTML page, the optional
TimelineJS page, and the helpers the web app's templates share (dates in words, safe links,
source labels, event summaries).

The HTML page is one self-contained file: inline CSS and a small inline script (filter box,
sources toggle) allowed by a Content-Security-Policy that names their hashes, so nothing else on
the page can run or load; all article text is escaped by jinja2's autoescape and only ``http(s)``
URLs become links. ``timeline-js.html`` (optional, ``write_outputs(..., timelinejs=True)``) is
the same timeline in TimelineJS, vendored under ``templates/vendor/timelinejs`` (MPL-2.0) and
inlined so that it too works offline.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import types
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import PurePath
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from markupsafe import Markup

from dateline import __version__
from dateline.errors import ConfigurationError
from dateline.records import Event, SourceRef, Timeline, TimelineEntry

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
