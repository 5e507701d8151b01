"""The JSON API under ``/api/`` and the downloads under ``/download/`` (documented in README.md).

Records are encoded with :func:`dateline.export.to_jsonable`, so the API's objects have exactly
the fields of :mod:`dateline.records` (and of the files ``dateline build`` writes); downloads are
the export module's own file formats for the current view.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from dateline.export import (
    entities_json_text,
    events_csv_text,
    events_jsonl_lines,
    timeline_json_text,
    timeline_to_dict,
    to_jsonable,
)
from dateline.render import render_markdown, timelinejs_data
from dateline.serve.app import state_of
from dateline.serve.model import Snapshot
from dateline.serve.pages import PAGE_SIZE, entity_or_404, event_or_404, paged
from dateline.serve.params import ViewParams, check_id

API_SCHEMA = "dateline.api/1"


def routes() -> list[Route]:
    return [
        Route("/api/status", status),
        Route("/api/timeline", timeline),
        Route("/api/volume", volume),
        Route("/api/events", events),
        Route("/api/events/{event_id:path}", event),
        Route("/api/entities", entities),
        Route("/api/entities/{entity_id:path}", entity),
        Route("/api/articles", articles),
        Route("/api/articles/{article_id:path}", article),
        Route("/api/disagreements", disagreements),
        Route("/download/{name}", download),
    ]


class JSON(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        return text.encode("utf-8")


def _view(request: Request) -> tuple[Snapshot, ViewParams]:
    params = ViewParams.parse(request.query_params)
    return state_of(request).view.snapshot(), params


async def status(request: Request) -> Response:
    snap, _ = _view(request)
    body = to_jsonable(snap.status())
    return JSON({"schema": API_SCHEMA, "generation": snap.generation, "status": body})


async def timeline(request: Request) -> Response:
    snap, params = _view(request)
    return JSON(timeline_to_dict(snap.timeline(params)))


def _page_of(items: list[Any], params: ViewParams, key: str) -> Response:
    """One page of a listing, with the counts a client needs to fetch the others."""
    shown, pages = paged(items, params.page)
    return JSON(
        {
            "total": len(items),
            "page": params.page,
            "pages": pages,
            "page_size": PAGE_SIZE,
            key: to_jsonable(shown),
        }
    )


async def volume(request: Request) -> Response:
    snap, params = _view(request)
    return JSON(to_jsonable(snap.volume(params)))


async def events(request: Request) -> Response:
    snap, params = _view(request)
    found = snap.events_in_view(params)
    return _page_of(found, params, "events")


async def event(request: Request) -> Response:
    snap, _ = _view(request)
    found = event_or_404(snap, request.path_params["event_id"])
    claims = [
        {**to_jsonable(dataclasses.replace(c, info=None)), "info": to_jsonable(c.info)}
        for c in snap.claims(found)
    ]
    return JSON({"event": to_jsonable(found), "sources": claims})


async def entities(request: Request) -> Response:
    snap, params = _view(request)
    found = snap.entities_in_view(params)
    return _page_of(found, params, "entities")


async def entity(request: Request) -> Response:
    snap, _ = _view(request)
    found = entity_or_404(snap, request.path_params["entity_id"])
    return JSON({"entity": to_jsonable(found)})


async def articles(request: Request) -> Response:
    snap, params = _view(request)
    infos = sorted(snap.articles.values(), key=lambda i: i.id)
    return _page_of(infos, params, "articles")


async def article(request: Request) -> Response:
    snap, _ = _view(request)
    article_id = check_id(request.path_params["article_id"], "article id")
    analysed = snap.store.article(article_id)
    if analysed is None:
        raise HTTPException(404, f"no article with id {article_id[:80]!r}")
    return JSON(
        {
            "article": to_jsonable(analysed),
            "duplicate_group": to_jsonable(snap.duplicate_group(article_id)),
            "event_ids": [e.id for e in snap.events_citing(article_id)],
        }
    )


async def disagreements(request: Request) -> Response:
    snap, _ = _view(request)
    return JSON({"conflicts": to_jsonable(snap.conflicts())})


def _download_body(snap: Snapshot, params: ViewParams, name: str) -> tuple[str, str]:
    """The media type and text of the download ``name`` for the view (404 for other names)."""
    if name == "timeline.json":
        return "application/json", timeline_json_text(snap.timeline(params))
    if name == "timeline.md":
        tl = snap.timeline(params)
        cited = [
            snap.events_by_id[i] for e in tl.entries for i in e.event_ids if i in snap.events_by_id
        ]
        return "text/markdown; charset=utf-8", render_markdown(tl, events=cited)
    if name == "timelinejs.json":
        data = timelinejs_data(snap.timeline(params))
        return "application/json", json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if name == "events.csv":
        return "text/csv; charset=utf-8", events_csv_text(snap.events_in_view(params))
    if name == "events.jsonl":
        return "application/x-ndjson", "".join(events_jsonl_lines(snap.events_in_view(params)))
    if name == "entities.json":
        return "application/json", entities_json_text(snap.entities_in_view(params))[0]
    raise HTTPException(404, f"no download named {name[:80]!r}")


async def download(request: Request) -> Response:
    snap, params = _view(request)
    name = request.path_params["name"]
    media_type, body = snap.download((name, params), lambda: _download_body(snap, params, name))
    return Response(
        body,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )
