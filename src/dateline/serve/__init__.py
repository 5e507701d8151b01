"""``dateline serve``: a local web app for exploring a store (timeline, events, entities, sources).

Starlette + uvicorn + Jinja2, fully offline: every asset is served by the app, no script runs
on any page (the Content-Security-Policy forbids it), and the store is opened read-only.
See :mod:`dateline.serve.app` for the security rules and README.md for the JSON API.
"""

from __future__ import annotations

from dateline.serve.app import create_app, open_read_only, serve

__all__ = ["create_app", "open_read_only", "serve"]
