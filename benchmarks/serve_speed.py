"""Page latencies of `dateline serve` on a store of all of Timeline17 (4,000+ articles).

Builds the store once with ``Store.add`` (about 2–3 minutes of CPU; reused when the file
exists), then ``--runs`` times starts ``dateline serve`` in a process of its own (as an analyst
runs it: the client here does not share its interpreter) and times each page over HTTP with
keep-alive: the first request of a view (``cold``: it computes the view and fills the caches; the
new views are new queries, date ranges, and dates/sentences of a view already seen) and
``--repeat`` further requests (``warm``). Each run is a fresh process, so every run measures the
cold views again: a page's cold figure is the median over the runs, its warm figure the median of
every warm request. The app starts as ``dateline serve`` starts it (warm start: the default
timeline is computed before it listens, so its first request is already warm); start-up time is
the median time until the port answers. The last line is one JSON object with every figure.

    python benchmarks/serve_speed.py                          # store in out/bench/t17.db
    python benchmarks/serve_speed.py --store /tmp/t17.db --runs 5 --repeat 9
"""

from __future__ import annotations

import argparse
import ctypes
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_T17 = ROOT.parent / "shared" / "benchmarks" / "t17"
DEFAULT_STORE = ROOT / "out" / "bench" / "t17.db"
#: What an analyst is told pages must answer within (issue 11).
TARGET_MS = 200.0
#: Linux prctl(2) option: the signal a process gets when its parent dies.
PR_SET_PDEATHSIG = 1


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


def start_server(store_path: Path) -> tuple[subprocess.Popen[bytes], int, float]:
    """``dateline serve`` in its own process, and how long until it answered (ms)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    t0 = time.perf_counter()
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from dateline.cli import main; main()",
            "serve",
            "--store",
            str(store_path),
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=_die_with_parent,
    )
    deadline = time.monotonic() + 120
    while True:
        if server.poll() is not None:
            sys.exit(
                f"dateline serve exited: {server.stderr.read().decode() if server.stderr else ''}"
            )
        if time.monotonic() > deadline:
            server.kill()
            sys.exit("dateline serve did not answer within 120 s")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.005)
    return server, port, (time.perf_counter() - t0) * 1000


def _die_with_parent() -> None:
    """In the server's process before it runs: it is stopped when this benchmark dies, however
    it dies (an interrupted run must not leave a server using a core)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


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
    parser.add_argument("--runs", type=int, default=3, help="fresh server processes")
    parser.add_argument("--repeat", type=int, default=7, help="warm requests per page and run")
    args = parser.parse_args()

    load_before = os.getloadavg()
    build_seconds = None
    if not args.store.exists():
        build_seconds = build(args.store, args.t17, args.workers)
    runs = [measure_run(args.store, args.repeat) for _ in range(args.runs)]
    load_after = os.getloadavg()

    first = runs[0]
    status = first["status"]
    print(
        f"store: {status['articles']} articles, {status['events']} events, "
        f"{status['entities']} entities; {args.runs} server processes, {args.repeat} warm "
        "requests per page in each"
    )
    startup = statistics.median(r["startup_ms"] for r in runs)
    first_ms = statistics.median(r["first_request_ms"] for r in runs)
    articles_ms = statistics.median(r["articles_ms"] for r in runs)
    print(
        f"start-up {startup:.0f} ms until the port answers (warm start: events, entities, article "
        f"index and the default timeline are read before it listens); first request "
        f"{first_ms:.0f} ms; all {status['articles']} articles' metadata {articles_ms:.0f} ms"
    )
    print(
        f"{'page':<16} {'status':>6} {'kB':>8} {'cold ms (median)':>17} {'cold ms (runs)':>22} "
        f"{'warm ms (median)':>17}"
    )
    figures: dict[str, dict[str, Any]] = {}
    for name, page in first["pages"].items():
        colds = [r["pages"][name]["cold_ms"] for r in runs]
        warms = [w for r in runs for w in r["pages"][name]["warm_ms"]]
        figures[name] = {
            "status": page["status"],
            "kb": page["kb"],
            "cold_ms": round(statistics.median(colds), 1),
            "cold_ms_runs": [round(c, 1) for c in colds],
            "warm_ms": round(statistics.median(warms), 1),
        }
        f = figures[name]
        runs_text = " ".join(f"{c:.0f}" for c in colds)
        print(
            f"{name:<16} {f['status']:>6} {f['kb']:>8.1f} {f['cold_ms']:>17.1f} "
            f"{runs_text:>22} {f['warm_ms']:>17.1f}"
        )
    slow = [n for n, f in figures.items() if f["warm_ms"] > TARGET_MS]
    print(f"warm pages over {TARGET_MS:.0f} ms (median): {', '.join(slow) or 'none'}")
    slow = [n for n, f in figures.items() if f["cold_ms"] > TARGET_MS]
    print(f"cold pages (a new view) over {TARGET_MS:.0f} ms (median): {', '.join(slow) or 'none'}")
    slow = [n for n, f in figures.items() if max(f["cold_ms_runs"]) > TARGET_MS]
    print(f"cold pages over {TARGET_MS:.0f} ms in any run: {', '.join(slow) or 'none'}")
    print(f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    rss_mb = max(r["server_peak_rss_mb"] for r in runs)
    print(f"peak RSS of the server process {rss_mb:.0f} MB")
    print(
        json.dumps(
            {
                "benchmark": "serve_speed",
                "store": str(args.store),
                "articles": status["articles"],
                "events": status["events"],
                "entities": status["entities"],
                "runs": args.runs,
                "repeat": args.repeat,
                "build_seconds": build_seconds,
                "startup_ms": round(startup, 1),
                "first_request_ms": round(first_ms, 1),
                "article_list_all_pages_ms": round(articles_ms, 1),
                "target_ms": TARGET_MS,
                "load_before": round(load_before[0], 2),
                "load_after": round(load_after[0], 2),
                "server_peak_rss_mb": round(rss_mb),
                "pages": figures,
            }
        )
    )


def measure_run(store: Path, repeat: int) -> dict[str, Any]:
    """One fresh server process: every page's first (cold) and ``repeat`` further requests."""
    server, port, startup_ms = start_server(store)
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
        busiest_event = max(events, key=lambda e: len(e["sources"]))["id"]
        busiest_entity = max(entities, key=lambda e: len(e["event_ids"]))["id"]
        article_id = articles[len(articles) // 2]["id"]
        pages: dict[str, dict[str, Any]] = {}
        for name, path in page_paths(busiest_event, busiest_entity, article_id).items():
            code, size, cold = get(conn, path)
            warm = [get(conn, path)[2] for _ in range(repeat)]
            pages[name] = {"status": code, "kb": round(size / 1024, 1), "cold_ms": cold}
            pages[name]["warm_ms"] = warm
        rss_mb = peak_rss_mb(server.pid)
    finally:
        conn.close()
        server.terminate()
        server.wait(timeout=30)
    return {
        "status": status,
        "startup_ms": startup_ms,
        "first_request_ms": first_ms,
        "articles_ms": articles_ms,
        "pages": pages,
        "server_peak_rss_mb": rss_mb,
    }


def page_paths(event_id: str, entity_id: str, article_id: str) -> dict[str, str]:
    """The pages timed, in order: a view's variants come after the view (a new view is cold)."""
    return {
        "timeline": "/",
        "timeline query": "/?query=" + quote("oil spill"),
        "query, a month": "/?query=" + quote("oil spill") + "&start=2010-06-01&end=2010-06-30",
        "timeline range": "/?start=2010-05-01&end=2010-05-31",
        "timeline query 2": "/?query=" + quote("earthquake"),
        "timeline range 2": "/?start=2011-02-01&end=2011-03-15",
        "range 2, 15x3": "/?start=2011-02-01&end=2011-03-15&dates=15&sentences=3",
        "timeline 15x3": "/?dates=15&sentences=3",
        "volume api": "/api/volume",
        "timeline api": "/api/timeline?dates=10",
        "events list": "/events",
        "event": f"/events/{quote(event_id)}",
        "entities list": "/entities",
        "entity": f"/entities/{quote(entity_id)}",
        "articles list": "/articles",
        "article": f"/articles/{quote(article_id)}",
        "disagreements": "/disagreements",
        "events.csv": "/download/events.csv?query=" + quote("oil spill"),
    }


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
