"""Page latencies of `dateline serve` on a store of all of Timeline17 (4,000+ articles).

Builds the store once with ``Store.add`` (about 2–3 minutes of CPU; reused when the file
exists), serves it with uvicorn on 127.0.0.1 in a thread, and times each page over HTTP with
keep-alive: the first request of a view (``cold``: it computes the view and fills the
caches; the new views are new queries, date ranges, and dates/sentences of a view already seen) and the median of ``--repeat`` further requests (``warm``). The app starts
as ``dateline serve`` starts it (warm start: the default timeline is computed before listening,
so its first request is already warm); start-up time is printed. The last line
is one JSON object with every figure.

    python benchmarks/serve_speed.py                          # store in out/bench/t17.db
    python benchmarks/serve_speed.py --store /tmp/t17.db --repeat 9
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import socket
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_T17 = ROOT.parent / "shared" / "benchmarks" / "t17"
DEFAULT_STORE = ROOT / "out" / "bench" / "t17.db"
#: What an analyst is told pages must answer within (issue 11).
TARGET_MS = 200.0


def build(store_path: Path, t17: Path, workers: int | None) -> float:
    from dateline.store import Store

    files = sorted(t17.glob("*/articles.jsonl*"))
    if not files:
        sys.exit(f"no Timeline17 articles under {t17}")
    store_path.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with Store(store_path) as store:
        report = store.add(files, workers=workers)
    seconds = time.perf_counter() - t0
    print(f"built {store_path}: {report.summary()} in {seconds:.0f} s", flush=True)
    return seconds


def start_server(store_path: Path) -> tuple[Any, threading.Thread, int, float]:
    """The app as `dateline serve` runs it (warm start), and how long start-up took (ms)."""
    import uvicorn

    from dateline.serve import create_app, open_read_only
    from dateline.serve.app import server_config

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    t0 = time.perf_counter()
    app = create_app(open_read_only(store_path), label=str(store_path), warm=True)
    server = uvicorn.Server(server_config(app, "127.0.0.1", port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            sys.exit("the server did not start")
        time.sleep(0.01)
    return server, thread, port, (time.perf_counter() - t0) * 1000


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, int, float]:
    t0 = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    return response.status, len(body), (time.perf_counter() - t0) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE)
    parser.add_argument("--t17", type=Path, default=DEFAULT_T17)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    load_before = os.getloadavg()
    build_seconds = None
    if not args.store.exists():
        build_seconds = build(args.store, args.t17, args.workers)
    server, thread, port, startup_ms = start_server(args.store)
    print(
        f"start-up {startup_ms:.0f} ms (warm start: events, entities, article index and the "
        "default timeline are read before the first request)"
    )
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        t0 = time.perf_counter()
        status = json.loads(_body(conn, "/api/status"))["status"]
        first_ms = (time.perf_counter() - t0) * 1000
        events = _all(conn, "/api/events", "events")
        entities = _all(conn, "/api/entities", "entities")
        t0 = time.perf_counter()
        articles = _all(conn, "/api/articles", "articles")
        articles_ms = (time.perf_counter() - t0) * 1000
        print(
            f"first request {first_ms:.0f} ms; all {len(articles)} articles' metadata "
            f"{articles_ms:.0f} ms over {len(articles) // 200 + 1} pages"
        )
        busiest_event = max(events, key=lambda e: len(e["sources"]))["id"]
        busiest_entity = max(entities, key=lambda e: len(e["event_ids"]))["id"]
        article_id = articles[len(articles) // 2]["id"]
        pages = {
            "timeline": "/",
            "timeline query": "/?query=" + quote("oil spill"),
            "timeline range": "/?start=2010-05-01&end=2010-05-31",
            "timeline query 2": "/?query=" + quote("earthquake"),
            "timeline range 2": "/?start=2011-02-01&end=2011-03-15",
            "range 2, 15x3": "/?start=2011-02-01&end=2011-03-15&dates=15&sentences=3",
            "timeline 15x3": "/?dates=15&sentences=3",
            "volume api": "/api/volume",
            "timeline api": "/api/timeline?dates=10",
            "events list": "/events",
            "event": f"/events/{quote(busiest_event)}",
            "entities list": "/entities",
            "entity": f"/entities/{quote(busiest_entity)}",
            "articles list": "/articles",
            "article": f"/articles/{quote(article_id)}",
            "disagreements": "/disagreements",
            "events.csv": "/download/events.csv?query=" + quote("oil spill"),
        }
        figures: dict[str, dict[str, float]] = {}
        print(
            f"store: {status['articles']} articles, {status['events']} events, "
            f"{status['entities']} entities; {args.repeat} warm requests per page "
            "(the machine was shared with other jobs)"
        )
        print(f"{'page':<16} {'status':>6} {'kB':>8} {'cold ms':>9} {'warm ms (median)':>17}")
        for name, path in pages.items():
            code, size, cold = get(conn, path)
            warm = [get(conn, path)[2] for _ in range(args.repeat)]
            median = statistics.median(warm)
            figures[name] = {"status": code, "kb": round(size / 1024, 1), "cold_ms": round(cold, 1)}
            figures[name]["warm_ms"] = round(median, 1)
            print(f"{name:<16} {code:>6} {size / 1024:>8.1f} {cold:>9.1f} {median:>17.1f}")
        slow = [n for n, f in figures.items() if f["warm_ms"] > TARGET_MS]
        print(f"warm pages over {TARGET_MS:.0f} ms: {', '.join(slow) or 'none'}")
        slow = [n for n, f in figures.items() if f["cold_ms"] > TARGET_MS]
        print(f"cold pages (a new view) over {TARGET_MS:.0f} ms: {', '.join(slow) or 'none'}")
        load_after = os.getloadavg()
        print(f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f}")
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of this process (app and client) {rss_mb:.0f} MB")
    finally:
        conn.close()
        server.should_exit = True
        thread.join(timeout=30)
    print(
        json.dumps(
            {
                "benchmark": "serve_speed",
                "store": str(args.store),
                "articles": status["articles"],
                "events": status["events"],
                "entities": status["entities"],
                "repeat": args.repeat,
                "build_seconds": build_seconds,
                "startup_ms": round(startup_ms, 1),
                "first_request_ms": round(first_ms, 1),
                "article_list_all_pages_ms": round(articles_ms, 1),
                "target_ms": TARGET_MS,
                "load_before": round(load_before[0], 2),
                "load_after": round(load_after[0], 2),
                "peak_rss_mb": round(rss_mb),
                "pages": figures,
            }
        )
    )


def _all(conn: http.client.HTTPConnection, path: str, key: str) -> list[dict[str, Any]]:
    """Every item of a paged list route."""
    first = json.loads(_body(conn, path))
    items: list[dict[str, Any]] = first[key]
    for page in range(2, first["pages"] + 1):
        items += json.loads(_body(conn, f"{path}?page={page}"))[key]
    return items


def _body(conn: http.client.HTTPConnection, path: str) -> bytes:
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        sys.exit(f"{path}: HTTP {response.status}: {body[:200]!r}")
    return body


if __name__ == "__main__":
    main()
