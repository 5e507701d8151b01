"""Helpers for the web app's tests: stores built with ``Store.add``, a live server, hostile input."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Strings an attacker could put in an article; each sets document.title if it ever runs.
INJECTIONS = (
    "<script>document.title='pwned-script'</script>",
    '"><img src=x onerror="document.title=\'pwned-img\'">',
    "'><svg onload=\"document.title='pwned-svg'\"></svg>",
)
JS_URL = "javascript:document.title='pwned-href'"
HOSTILE_ID = "evil-1"


def build_store(db: Path, *paths: Path) -> Path:
    """A store at ``db`` holding the articles under ``paths`` (built by the store's own add)."""
    from dateline.store import Store

    with Store(db) as store:
        store.add([*paths])
    return db


def write_hostile_corpus(folder: Path) -> Path:
    """Two articles whose text, title, outlet and url try to inject markup and script."""
    folder.mkdir(parents=True, exist_ok=True)
    payload = " ".join(INJECTIONS)
    records = [
        {
            "id": HOSTILE_ID,
            "title": f"Ministers meet in Lisbon {INJECTIONS[0]}",
            "source": f"Evil Wire {INJECTIONS[1]}",
            "url": JS_URL,
            "date": "2023-03-06",
            "text": (
                f"Portugal and Morocco signed a cable agreement in Lisbon on Monday. {payload} "
                "The foreign ministers of Portugal and Morocco met in Lisbon on Monday to sign "
                "the agreement. Officials said the talks would continue next month in Rabat."
            ),
        },
        {
            "id": "evil-2",
            "title": f"Cable deal {INJECTIONS[2]}",
            "source": "Second Wire",
            "url": "https://second-wire.example/cable",
            "date": "2023-03-07",
            "text": (
                "The foreign ministers of Portugal and Morocco met in Lisbon on Monday to sign "
                f"the cable agreement, officials said. {INJECTIONS[0]} The talks will continue "
                "next month in Rabat, the ministry said on Tuesday."
            ),
        },
    ]
    path = folder / "hostile.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return folder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def live_server(db: Path, timeout: float = 20.0) -> Iterator[str]:
    """``dateline serve``'s app on 127.0.0.1 and a free port, in a thread; yields its base URL."""
    import uvicorn

    from dateline.serve import create_app, open_read_only
    from dateline.serve.app import server_config

    port = free_port()
    app = create_app(open_read_only(db), label=str(db))
    config = server_config(app, "127.0.0.1", port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the test server did not start within {timeout} s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
