"""The ASGI app: routes, security headers on every response, errors as pages, the app's assets.

* Every response (pages, API, downloads, errors, even an unexpected failure) carries a strict
  Content-Security-Policy: no script at all, styles only from this app's ``/static/``, images
  only inline SVG or ``data:``, forms only to this app, and no framing.
* Errors: an unknown id or path is a 404, a bad parameter a 400 with a message saying what is
  expected (HTML for pages, ``{"error": ...}`` for ``/api/`` and downloads); an unexpected
  failure is a 500 with a plain message, never a traceback.
* Assets: a fixed set of files read from the package at start-up and served by name, so no
  path (``/static/../../etc/passwd``, encoded or not) can reach anything else.
* Python's cycle collector is paused while a request is answered and runs again after its
  response is sent (:class:`CollectAfterResponse`): a new timeline view makes about 100,000
  objects, and the young collections they triggered took 15-25 ms of the answer on T17.
* The Host header must name this machine (``127.0.0.1``, ``localhost`` or the ``--host``
  given), so a web page elsewhere cannot reach the app through DNS rebinding.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dateline.errors import DatelineError
from dateline.render import html_environment
from dateline.serve.model import StoreReader, StoreView
from dateline.serve.params import ParamError, ViewParams
from dateline.store.collector import cyclic_gc_paused

log = logging.getLogger("dateline.serve")

CSP = (
    "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
    "font-src 'none'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


class _HttpMiddleware:
    """A pure ASGI middleware that acts on HTTP requests (:meth:`handle`) and passes every other
    scope (lifespan) through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class SecurityHeaders(_HttpMiddleware):
    """Adds :data:`SECURITY_HEADERS` to every HTTP response it passes on.

    It wraps the whole Starlette app (outside its error middleware), so a 500 gets them too.
    """

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in SECURITY_HEADERS}
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": [*headers, *SECURITY_HEADERS]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class CollectAfterResponse(_HttpMiddleware):
    """The cycle collector is paused while a request is answered, so the collections the
    answer's new objects trigger run after the response is sent (on the next allocation), not
    while the analyst waits. Nothing is left uncollected: the collector is enabled again as soon
    as the response is out (or the request failed)."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        with cyclic_gc_paused():
            await self.app(scope, receive, send)


def _static_files() -> dict[str, tuple[bytes, str]]:
    folder = resources.files("dateline.serve").joinpath("static")
    files = {}
    for item in folder.iterdir():
        suffix = Path(item.name).suffix
        if item.is_file() and suffix in STATIC_TYPES:
            files[item.name] = (item.read_bytes(), STATIC_TYPES[suffix])
    return files


def templates() -> jinja2.Environment:
    """The Jinja2 environment of the app: the report's, over the app's own templates."""
    return html_environment("dateline.serve")


class AppState:
    """What every handler needs: the store (opened on first use), templates and assets."""

    def __init__(self, open_store: Callable[[], StoreReader], label: str) -> None:
        self._open_store = open_store
        self._view: StoreView | None = None
        self.label = label
        self.env = templates()
        self.static = _static_files()

    @property
    def view(self) -> StoreView:
        # Opened in the event loop's thread on the first request (all handlers are async, so
        # every store call happens on that one thread, as sqlite connections prefer).
        if self._view is None:
            self._view = StoreView(self._open_store())
        return self._view

    def close(self) -> None:
        if self._view is not None:
            close = getattr(self._view.store, "close", None)
            if callable(close):
                close()
            self._view = None

    def render(
        self, request: Request, name: str, http_status: int = 200, **context: Any
    ) -> Response:
        page = self.env.get_template(name).render(
            request=request, store_label=self.label, path=request.url.path, **context
        )
        return Response(page, status_code=http_status, media_type="text/html; charset=utf-8")


def state_of(request: Request) -> AppState:
    state: AppState = request.app.state.dateline
    return state


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path.startswith("/download/")


def error_response(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": message, "status": status}, status_code=status)
    try:
        return state_of(request).render(
            request, "error.html", http_status=status, status_code=status, message=message
        )
    except Exception:  # the error page itself failed: still answer, in plain text
        log.exception("error page could not be rendered")
        return PlainTextResponse(message, status_code=status)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        message = str(exc.detail) if exc.detail and exc.detail != "Not Found" else "not found"
    else:
        message = str(exc.detail)
    return error_response(request, exc.status_code, message)


async def _param_error(request: Request, exc: Exception) -> Response:
    return error_response(request, 400, str(exc))


async def _dateline_error(request: Request, exc: Exception) -> Response:
    log.error("dateline error on %s: %s", request.url.path, exc)
    return error_response(request, 500, f"the store could not answer: {exc}")


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s", request.url.path)
    return PlainTextResponse("internal error (details in the server log)", status_code=500)


async def static_file(request: Request) -> Response:
    name = request.path_params["name"]
    found = state_of(request).static.get(name)
    if found is None:
        raise HTTPException(404, f"no asset named {name[:80]!r}")
    body, media_type = found
    return Response(body, media_type=media_type, headers={"cache-control": "no-cache"})


Handler = Callable[[Request], Awaitable[Response]]


def create_app(
    open_store: Callable[[], StoreReader],
    *,
    label: str = "store",
    allowed_hosts: Sequence[str] = LOCAL_HOSTS,
    warm: bool = False,
) -> ASGIApp:
    """The web app over the store ``open_store()`` returns (called once, on the first request).

    With ``warm``, start-up (before the first request is accepted) already reads the events,
    entities, article index and entity mentions, computes the default timeline and its volume
    chart and compiles the page templates, so the first page is fast.
    """
    from dateline.serve import api, pages

    state = AppState(open_store, label)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        if warm:
            snapshot = state.view.snapshot()
            snapshot.timeline(ViewParams())
            snapshot.volume(ViewParams())  # parses every article's and event's date once
            for name in state.env.list_templates(extensions=["html"]):
                state.env.get_template(name)  # compiled once, not on a page's first request
            snapshot.articles  # noqa: B018 - builds the article index
            snapshot.entity_mentions("")  # builds the index of entity mentions
            # What start-up read lives as long as the app: out of the cyclic collector's scans,
            # which otherwise walked it on every full collection (a third of a new timeline view
            # on Timeline17). It is still freed by reference counting when replaced.
            gc.freeze()
        yield
        state.close()

    routes = [
        *pages.routes(),
        *api.routes(),
        Route("/static/{name}", static_file),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(CollectAfterResponse),
            Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)),
        ],
        exception_handlers={
            HTTPException: _http_error,
            ParamError: _param_error,
            DatelineError: _dateline_error,
            Exception: _unexpected,
        },
        lifespan=lifespan,
    )
    app.state.dateline = state
    return SecurityHeaders(app)


def open_read_only(path: Path) -> Callable[[], StoreReader]:
    """A function opening the store at ``path`` read-only (checked once now, for a clear error)."""
    from dateline.store import Store

    Store(path, read_only=True).close()

    def opener() -> StoreReader:
        store: StoreReader = Store(path, read_only=True)
        return store

    return opener


def allowed_hosts_for(host: str) -> tuple[str, ...]:
    """Host headers accepted when listening on ``host``: this machine's names and ``host``;
    any name when ``host`` is a wildcard address (the user chose to serve the whole network)."""
    if host in WILDCARD_HOSTS:
        return ("*",)
    return tuple(dict.fromkeys([*LOCAL_HOSTS, host]))


def server_config(app: ASGIApp, host: str, port: int, log_level: str = "info") -> Any:
    """The uvicorn configuration ``dateline serve`` runs the app with."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http="h11",
        # Long query strings reach the app (which answers 400 with a message) instead of h11.
        h11_max_incomplete_event_size=1024 * 1024,
        log_level=log_level,
        server_header=False,
        lifespan="on",
    )


def serve(
    path: Path,
    host: str = "127.0.0.1",
    port: int = 8765,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Run the app with uvicorn until interrupted (the ``dateline serve`` command).

    Raises :class:`~dateline.errors.StoreError` before listening when ``path`` is not a store.
    """
    import uvicorn

    hosts = allowed_hosts_for(host)
    app = create_app(open_read_only(path), label=str(path), allowed_hosts=hosts, warm=True)
    if on_ready is not None:
        shown = f"[{host}]" if ":" in host else host
        on_ready(f"serving {path} read-only at http://{shown}:{port}/ (Ctrl+C stops)")
    uvicorn.Server(server_config(app, host, port)).run()
