"""The HTML pages: timeline (with the volume chart), events, entities, articles, disagreements."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any, TypeVar
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from dateline.records import Entity, Event, TimelineEntry
from dateline.render import summarise_event
from dateline.serve.app import state_of
from dateline.serve.chart import event_strip_svg, volume_svg
from dateline.serve.markup import article_spans, find_mentions, highlight, mark, paragraphs
from dateline.serve.model import Snapshot, conflict_kind
from dateline.serve.params import ParamError, ViewParams, check_id

T = TypeVar("T")

#: Rows per page of the events, entities and articles lists.
PAGE_SIZE = 200
DOWNLOADS = (
    ("timeline.json", "timeline JSON"),
    ("timeline.md", "timeline Markdown"),
    ("timelinejs.json", "TimelineJS JSON"),
    ("events.csv", "events CSV"),
    ("events.jsonl", "events JSONL"),
    ("entities.json", "entities JSON"),
)


def routes() -> list[Route]:
    return [
        Route("/", timeline_page),
        Route("/events", events_page),
        Route("/events/{event_id:path}", event_page),
        Route("/entities", entities_page),
        Route("/entities/{entity_id:path}", entity_page),
        Route("/articles", articles_page),
        Route("/articles/{article_id:path}", article_page),
        Route("/disagreements", disagreements_page),
    ]


def paged(items: list[Any], page: int) -> tuple[list[Any], int]:
    pages = max(1, -(-len(items) // PAGE_SIZE))
    if page > pages:
        raise ParamError(f"page: there are only {pages} page(s)")
    return items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], pages


def _common(snap: Snapshot, params: ViewParams) -> dict[str, Any]:
    return {
        "params": params,
        "qs": params.query_string(),
        "status": snap.status(),
        "downloads": DOWNLOADS,
        "entity_name": lambda i: _entity_name(snap, i),
    }


def _entity_name(snap: Snapshot, entity_id: str) -> str:
    entity = snap.entities_by_id.get(entity_id)
    return entity.name if entity else entity_id


def _entry_view(snap: Snapshot, entry: TimelineEntry, qs: str) -> dict[str, Any]:
    events = []
    for event_id in entry.event_ids:
        event = snap.events_by_id.get(event_id)
        if event is not None:
            events.append({"event": event, "summary": summarise_event(event)})

    def link(entity_id: str) -> str:
        return f"/entities/{quote(entity_id, safe='')}{qs}"

    lines = []
    for s in entry.sentences:
        inside = [
            (start, end, text, entity_id)
            for start, end, text, entity_id in snap.entity_mentions(s.article_id)
            if s.start <= start and end <= s.end
        ]
        lines.append((s, mark(s.text, find_mentions(s.text, s.start, inside, link))))
    return {"entry": entry, "events": events, "lines": lines}


async def timeline_page(request: Request) -> Response:
    state = state_of(request)
    params = ViewParams.parse(request.query_params)
    snap = state.view.snapshot()
    timeline = snap.timeline(params)
    volume = snap.volume(params)

    def bar_link(start: dt.date, end: dt.date) -> str:
        return "/" + params.query_string(start=start, end=end)

    people: Counter[str] = Counter()
    for entry in timeline.entries:
        for event_id in entry.event_ids:
            event = snap.events_by_id.get(event_id)
            if event is not None:
                people.update(dict.fromkeys((*event.actors, *event.recipients), 1))
    featured = [
        (snap.entities_by_id[i], n) for i, n in people.most_common(24) if i in snap.entities_by_id
    ]
    return state.render(
        request,
        "timeline.html",
        timeline=timeline,
        entries=[_entry_view(snap, e, params.query_string()) for e in timeline.entries],
        chart=volume_svg(volume, bar_link),
        volume=volume,
        featured=featured,
        clear_range=params.query_string(start=None, end=None),
        **_common(snap, params),
    )


async def events_page(request: Request) -> Response:
    state = state_of(request)
    params = ViewParams.parse(request.query_params)
    snap = state.view.snapshot()
    events = snap.events_in_view(params)
    shown, pages = paged(events, params.page)
    return state.render(
        request,
        "events.html",
        events=[(e, summarise_event(e)) for e in shown],
        total=len(events),
        page=params.page,
        pages=pages,
        **_common(snap, params),
    )


def _found_or_404(table: Mapping[str, T], item_id: str, what: str) -> T:
    """The record ``item_id`` names, or a 404 that says which id was not found."""
    found = table.get(check_id(item_id, f"{what} id"))
    if found is None:
        raise HTTPException(404, f"no {what} with id {item_id[:80]!r}")
    return found


def event_or_404(snap: Snapshot, event_id: str) -> Event:
    return _found_or_404(snap.events_by_id, event_id, "event")


async def event_page(request: Request) -> Response:
    state = state_of(request)
    params = ViewParams.parse(request.query_params)
    snap = state.view.snapshot()
    event = event_or_404(snap, request.path_params["event_id"])
    claims = snap.claims(event)
    fields = ("date", "date_expression", "location", "status", "actors")
    differing = {
        f
        for f in fields
        if len({getattr(c, f) for c in claims if getattr(c, f) not in (None, ())}) > 1
    }
    return state.render(
        request,
        "event.html",
        event=event,
        summary=summarise_event(event),
        claims=[(c, highlight(c.sentence, *c.highlight)) for c in claims],
        differing=differing,
        conflicts=[(conflict_kind(c), c) for c in event.conflicts],
        **_common(snap, params),
    )


async def entities_page(request: Request) -> Response:
    state = state_of(request)
    params = ViewParams.parse(request.query_params)
    snap = state.view.snapshot()
    kind = request.query_params.get("type", "")
    if len(kind) > 40:
        raise ParamError("type: at most 40 characters")
    entities = [e for e in snap.entities_in_view(params) if not kind or e.type == kind]
    entities.sort(key=lambda e: (-len(e.event_ids), -len(e.mentions), e.name.lower()))
    shown, pages = paged(entities, params.page)
    return state.render(
        request,
        "entities.html",
        entities=shown,
        total=len(entities),
        types=sorted({e.type for e in snap.entities}),
        kind=kind,
        page=params.page,
        pages=pages,
        **_common(snap, params),
    )


def entity_or_404(snap: Snapshot, entity_id: str) -> Entity:
    return _found_or_404(snap.entities_by_id, entity_id, "entity")


async def entity_page(request: Request) -> Response:
    state = state_of(request)
    params = ViewParams.parse(request.query_params)
    snap = state.view.snapshot()
    entity = entity_or_404(snap, request.path_params["entity_id"])
    events = sorted(
        (snap.events_by_id[i] for i in entity.event_ids if i in snap.events_by_id),
        key=lambda e: (e.date is None, e.date or "", e.id),
    )
    roles = sorted(entity.roles, key=lambda r: (r.date is None, r.date or "", r.title))
    articles = Counter(m.article_id for m in entity.mentions)
    return state.render(
        request,
        "entity.html",
        entity=entity,
        roles=roles,
        events=[(e, summarise_event(e)) for e in events],
        strip=event_strip_svg(events, lambda i: f"/events/{i}"),
        articles=[(snap.articles.get(a), a, n) for a, n in articles.most_common(50)],
        article_count=len(articles),
        **_common(snap, params),
    )


async def articles_page(request: Request) -> Response:
    state = state_of(request)
    params = ViewParams.parse(request.query_params)
    snap = state.view.snapshot()
    infos = list(snap.articles.values())
    if params.start or params.end:
        low = params.start.isoformat() if params.start else ""
        high = params.end.isoformat() if params.end else "9999"
        infos = [i for i in infos if i.published and low <= i.published[:10] <= high]
    infos.sort(key=lambda i: (i.published is None, i.published or "", i.id))
    shown, pages = paged(infos, params.page)
    return state.render(
        request,
        "articles.html",
        articles=shown,
        total=len(infos),
        page=params.page,
        pages=pages,
        **_common(snap, params),
    )


async def article_page(request: Request) -> Response:
    state = state_of(request)
    params = ViewParams.parse(request.query_params)
    snap = state.view.snapshot()
    article_id = check_id(request.path_params["article_id"], "article id")
    analysed = snap.store.article(article_id)
    if analysed is None:
        raise HTTPException(404, f"no article with id {article_id[:80]!r}")
    text = analysed.article.text
    mentions = [m for s in analysed.sentences for m in s.time_mentions]
    return state.render(
        request,
        "article.html",
        article=analysed.article,
        paragraphs=paragraphs(text, article_spans(analysed)),
        mentions=mentions,
        entity_count=sum(len(s.entities) for s in analysed.sentences),
        events=[(e, summarise_event(e)) for e in snap.events_citing(article_id)],
        group=snap.duplicate_group(article_id),
        **_common(snap, params),
    )


async def disagreements_page(request: Request) -> Response:
    state = state_of(request)
    params = ViewParams.parse(request.query_params)
    snap = state.view.snapshot()
    kind = request.query_params.get("kind", "")
    conflicts = snap.conflicts()
    kinds = Counter(c.kind for c in conflicts)
    if kind and kind not in kinds and kind not in ("date", "place", "status", "weekday", "other"):
        raise ParamError("kind: expected one of date, place, status, weekday, other")
    shown = [c for c in conflicts if not kind or c.kind == kind]
    return state.render(
        request,
        "disagreements.html",
        conflicts=shown,
        kinds=sorted(kinds.items()),
        kind=kind,
        **_common(snap, params),
    )
