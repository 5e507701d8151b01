"""Scale figures for docs/scale.md: the local engine against Ray on the same cores, Ray's start-up
cost, per-article CPU by stage, and the store's size per article.

On all Timeline17 articles (4,204 in the public mirror; ``../shared/benchmarks/t17``), each
measurement in a fresh child process so that neither engine inherits the other's state:

* ``local``: :func:`dateline.analysis.analyse_articles` with ``--workers`` processes (default 2);
* ``ray``: :func:`dateline.ray_engine.analyse_articles_ray` on a local Ray capped at the same
  number of CPUs; start-up (``ray.init``) is timed on its own and not counted in articles/s;
* ``stages``: one process, no pool, on ``--stage-sample`` articles: seconds per article in each
  step of :class:`~dateline.analysis.ArticleAnalyser` (``stage_seconds``) and in ingest, with the
  process's CPU time beside the wall time;
* ``warc``: ``--warc-sample`` T17 articles written as HTML pages (the text in ``<p>``s inside a
  page of menus and an inline script, about 60 kB a page) into one ``.warc.gz``, read back by
  :class:`~dateline.ingest.CorpusReader`: the cost of WARC ingest (warcio + trafilatura + htmldate
  + cleaning) a page. Real CC-NEWS pages vary; these are a stated stand-in;
* ``store``: :meth:`dateline.store.Store.add` of every article (``--limit`` does not apply) into a
  new store with the local engine: bytes on disk per article, and the cross-article steps' seconds.

Both engines get the same articles, read beforehand (ingest is not in either figure), and are
timed from the call until the last analysed article is back (model loading in the workers or
actors included), and the CPU time of every process involved is summed: on a machine shared with
other jobs, wall time depends on their load, CPU time much less. The last line is one JSON object with ``local_articles_per_s``,
``ray_articles_per_s`` and ``ray_startup_s``, and the rest of the figures.

    python benchmarks/scale.py                 # everything (several minutes on 2 cores)
    python benchmarks/scale.py --limit 500     # a quick look
    python benchmarks/scale.py --parts stages,warc
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_T17 = ROOT.parent / "shared" / "benchmarks" / "t17"


def t17_files(t17: Path) -> list[Path]:
    files = sorted(t17.glob("*/articles.jsonl*"))
    if not files:
        sys.exit(f"no */articles.jsonl* under {t17}; pass --t17 DIR")
    return files


def read_articles(t17: Path, limit: int | None) -> tuple[list[Any], float]:
    from dateline.ingest import CorpusReader

    t0 = time.perf_counter()
    articles = []
    for article in CorpusReader(t17_files(t17)):
        if limit is not None and len(articles) >= limit:
            break
        articles.append(article)
    return articles, time.perf_counter() - t0


class ProcessTreeCPU:
    """CPU seconds used by this process and all its descendants while it runs (Linux /proc).

    A background thread reads the CPU time of every descendant twice a second and keeps the last
    value seen per process, so processes that exit in between (pool workers, Ray's actors, which
    are children of Ray's raylet and never waited for by this process) are still counted, less at
    most half a second each. The reading itself is counted too (it is small)."""

    def __init__(self, interval: float = 0.5) -> None:
        self.interval = interval
        self.seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._tick = os.sysconf("SC_CLK_TCK")

    def __enter__(self) -> ProcessTreeCPU:
        self._start_own = time.process_time()
        self._sample()
        self._start = dict(self.seen)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
        self.own = time.process_time() - self._start_own

    @property
    def seconds(self) -> float:
        children = sum(v - self._start.get(pid, 0.0) for pid, v in self.seen.items())
        return self.own + children

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        parents: dict[int, int] = {}
        cpu: dict[int, float] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            pid = int(entry.name)
            parents[pid] = int(fields[1])  # ppid (field 4)
            cpu[pid] = (int(fields[11]) + int(fields[12])) / self._tick  # utime + stime
        me = os.getpid()
        for pid in cpu:
            ancestor, hops = parents.get(pid), 0
            while ancestor not in (None, 0, 1, me) and hops < 32:
                ancestor, hops = parents.get(ancestor), hops + 1
            if ancestor == me and pid != me:
                self.seen[pid] = max(self.seen.get(pid, 0.0), cpu[pid])


def child_local(args: argparse.Namespace) -> dict[str, Any]:
    from dateline.analysis import analyse_articles

    articles, _ = read_articles(args.t17, args.limit)
    with ProcessTreeCPU() as cpu:
        t0 = time.perf_counter()
        count = sum(1 for _ in analyse_articles(articles, workers=args.workers))
        seconds = time.perf_counter() - t0
    assert count == len(articles)
    return {
        "articles": count,
        "seconds": seconds,
        "articles_per_s": count / seconds,
        "cpu_ms_per_article": 1000 * cpu.seconds / count,
    }


def child_ray(args: argparse.Namespace) -> dict[str, Any]:
    from dateline.ray_engine import analyse_articles_ray, import_ray, start_ray

    articles, _ = read_articles(args.t17, args.limit)
    ray = import_ray()
    with ProcessTreeCPU() as cpu:  # start-up, run and shut-down, all of Ray's processes
        t0 = time.perf_counter()
        start_ray(num_cpus=args.workers)
        startup = time.perf_counter() - t0
        t1 = time.perf_counter()
        count = sum(1 for _ in analyse_articles_ray(articles))
        seconds = time.perf_counter() - t1
        t2 = time.perf_counter()
        ray.shutdown()
        shutdown = time.perf_counter() - t2
    assert count == len(articles)
    return {
        "cpu_ms_per_article": 1000 * cpu.seconds / count,
        "articles": count,
        "seconds": seconds,
        "articles_per_s": count / seconds,
        "startup_s": startup,
        "shutdown_s": shutdown,
        "articles_per_s_with_startup": count / (seconds + startup),
    }


def child_stages(args: argparse.Namespace) -> dict[str, Any]:
    from dateline.analysis import ArticleAnalyser

    n = args.stage_sample
    cpu0 = time.process_time()
    articles, ingest_s = read_articles(args.t17, n)
    ingest_cpu = time.process_time() - cpu0
    analyser = ArticleAnalyser.load()
    cpu1 = time.process_time()
    t1 = time.perf_counter()
    words = 0
    for article in articles:
        analyser.analyse(article)
        words += article.word_count
    wall = time.perf_counter() - t1
    cpu = time.process_time() - cpu1
    per_article_ms = {k: 1000 * v / n for k, v in analyser.stage_seconds.items()}
    per_article_ms["ingest (read, clean, date)"] = 1000 * ingest_s / n
    cpu_ms = {k: 1000 * v / n for k, v in analyser.stage_cpu_seconds.items()}
    cpu_ms["ingest (read, clean, date)"] = 1000 * ingest_cpu / n
    return {
        "articles": n,
        "words_per_article": words / n,
        "stage_ms_per_article": per_article_ms,
        "stage_cpu_ms_per_article": cpu_ms,
        "analysis_wall_ms_per_article": 1000 * wall / n,
        "analysis_cpu_ms_per_article": 1000 * cpu / n,
        "ingest_cpu_ms_per_article": 1000 * ingest_cpu / n,
    }


def child_store(args: argparse.Namespace) -> dict[str, Any]:
    from dateline.store import Store

    files = t17_files(args.t17)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t17.db"
        with Store(path) as store:
            t0 = time.perf_counter()
            report = store.add(files, workers=args.workers, engine="local")
            seconds = time.perf_counter() - t0
            articles = store.status().articles
        size = sum(p.stat().st_size for p in Path(tmp).iterdir() if p.name.startswith("t17.db"))
    return {
        "articles": articles,
        "seconds": seconds,
        "store_bytes": size,
        "store_bytes_per_article": size / articles,
        "add_seconds": report.seconds,
    }


def child_warc(args: argparse.Namespace) -> dict[str, Any]:
    """WARC ingest cost: T17 articles written as HTML pages into a .warc.gz, read back (after
    a small untimed warm-up file)."""
    import html
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from dateline.ingest import CorpusReader

    warm_up = 20  # pages read untimed first: htmldate's date parser compiles its rules once
    articles, _ = read_articles(args.t17, args.warc_sample + warm_up)
    menu = "".join(f"<li><a href='/section/{i}'>Section {i}</a></li>" for i in range(120))
    script = "<script>var config = {" + ",".join(f"k{i}: {i}" for i in range(3000)) + "};</script>"
    with tempfile.TemporaryDirectory() as tmp:
        page_bytes = 0
        paths = [Path(tmp) / "warm-up.warc.gz", Path(tmp) / "sample.warc.gz"]
        handles = [p.open("wb") for p in paths]
        writers = [WARCWriter(h, gzip=True) for h in handles]
        for i, article in enumerate(articles):
            writer = writers[0] if i < warm_up else writers[1]
            paragraphs = "".join(
                f"<p>{html.escape(p)}</p>" for p in article.text.split("\n") if p.strip()
            )
            page = (
                f"<html><head><title>{html.escape(article.title or 'News')}</title>{script}"
                f"</head><body><nav><ul>{menu}</ul></nav><article>{paragraphs}</article>"
                f"<footer><ul>{menu}</ul></footer></body></html>"
            ).encode()
            page_bytes += len(page) if i >= warm_up else 0
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    f"https://news.example/{i}",
                    "response",
                    payload=io.BytesIO(page),
                    length=len(page),
                    http_headers=http,
                )
            )
        for handle in handles:
            handle.close()
        assert sum(1 for _ in CorpusReader([paths[0]])) == warm_up
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        count = sum(1 for _ in CorpusReader([paths[1]]))
        wall = time.perf_counter() - t0
        cpu = time.process_time() - cpu0
    return {
        "articles": count,
        "page_kb": page_bytes / count / 1000,
        "warc_ingest_wall_ms_per_article": 1000 * wall / count,
        "warc_ingest_cpu_ms_per_article": 1000 * cpu / count,
    }


CHILDREN = {
    "local": child_local,
    "ray": child_ray,
    "stages": child_stages,
    "warc": child_warc,
    "store": child_store,
}


def run_child(name: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", name, "--t17", str(args.t17)]
    cmd += ["--workers", str(args.workers), "--stage-sample", str(args.stage_sample)]
    cmd += ["--warc-sample", str(args.warc_sample)]
    if args.limit is not None:
        cmd += ["--limit", str(args.limit)]
    env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0")
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        sys.exit(f"{name} run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--t17", type=Path, default=DEFAULT_T17)
    parser.add_argument("--workers", type=int, default=2, help="processes / Ray CPUs [2]")
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument("--stage-sample", type=int, default=300)
    parser.add_argument("--warc-sample", type=int, default=500)
    parser.add_argument(
        "--parts",
        default=",".join(CHILDREN),
        help=f"which measurements, comma-separated [{','.join(CHILDREN)}]",
    )
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child](args)))
        return

    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = sorted(set(parts) - set(CHILDREN))
    if unknown:
        sys.exit(f"unknown --parts {', '.join(unknown)}; choose from {', '.join(CHILDREN)}")
    print(f"cores on this machine: {os.cpu_count()}; engines get {args.workers}")
    result: dict[str, Any] = {"workers": args.workers}
    if "local" in parts:
        local = run_child("local", args)
        print(
            f"local engine: {local['articles']} articles in {local['seconds']:.1f} s = "
            f"{local['articles_per_s']:.1f} articles/s"
        )
        print(f"  CPU, all processes: {local['cpu_ms_per_article']:.2f} ms an article")
        result["local_articles_per_s"] = round(local["articles_per_s"], 2)
        result["local_cpu_ms_per_article"] = round(local["cpu_ms_per_article"], 2)
        result["articles"] = local["articles"]
    if "ray" in parts:
        ray = run_child("ray", args)
        print(
            f"Ray engine:   {ray['articles']} articles in {ray['seconds']:.1f} s = "
            f"{ray['articles_per_s']:.1f} articles/s (start-up {ray['startup_s']:.1f} s not "
            f"counted; {ray['articles_per_s_with_startup']:.1f} articles/s with it)"
        )
        print(
            f"  CPU, all processes (Ray's start-up and shut-down included): "
            f"{ray['cpu_ms_per_article']:.2f} ms an article"
        )
        result["ray_articles_per_s"] = round(ray["articles_per_s"], 2)
        result["ray_cpu_ms_per_article"] = round(ray["cpu_ms_per_article"], 2)
        result["ray_startup_s"] = round(ray["startup_s"], 2)
        result["ray_articles_per_s_with_startup"] = round(ray["articles_per_s_with_startup"], 2)
        if "local" in parts:
            ratio = result["local_articles_per_s"] / result["ray_articles_per_s"]
            print(f"Ray time / local time: {ratio:.2f}")
    if "stages" in parts:
        stages = run_child("stages", args)
        print(
            f"\nper-article cost by stage ({stages['articles']} articles, one process, "
            f"{stages['words_per_article']:.0f} words each): CPU ms, wall ms"
        )
        cpu = stages["stage_cpu_ms_per_article"]
        for stage, ms in sorted(cpu.items(), key=lambda kv: -kv[1]):
            print(f"  {stage:<28} {ms:7.2f} {stages['stage_ms_per_article'][stage]:7.2f}")
        print(
            f"  analysis total: {stages['analysis_cpu_ms_per_article']:.2f} ms CPU, "
            f"{stages['analysis_wall_ms_per_article']:.2f} ms wall"
        )
        result["analysis_cpu_ms_per_article"] = round(stages["analysis_cpu_ms_per_article"], 2)
        result["stage_cpu_ms_per_article"] = {k: round(v, 2) for k, v in cpu.items()}
    if "warc" in parts:
        warc = run_child("warc", args)
        print(
            f"\nWARC ingest: {warc['articles']} pages of {warc['page_kb']:.0f} kB: "
            f"{warc['warc_ingest_cpu_ms_per_article']:.2f} ms CPU "
            f"({warc['warc_ingest_wall_ms_per_article']:.2f} ms wall) a page"
        )
        result["warc_ingest_cpu_ms_per_article"] = round(warc["warc_ingest_cpu_ms_per_article"], 2)
        result["warc_page_kb"] = round(warc["page_kb"], 1)
    if "store" in parts:
        store = run_child("store", args)
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in store["add_seconds"].items())
        print(
            f"\nstore: {store['articles']} articles, {store['store_bytes'] / 1e6:.1f} MB = "
            f"{store['store_bytes_per_article'] / 1e3:.1f} kB an article; add took "
            f"{store['seconds']:.1f} s ({steps})"
        )
        result["store_bytes_per_article"] = round(store["store_bytes_per_article"])
        result["store_add_seconds"] = {k: round(v, 2) for k, v in store["add_seconds"].items()}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
