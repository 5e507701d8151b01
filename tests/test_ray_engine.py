"""The Ray Data engine gives exactly the local engine's results, and loses nothing when a worker
dies. The slow tests start one local Ray with 2 CPUs for the module (dashboard off, usage
statistics off, bound to 127.0.0.1)."""

from __future__ import annotations

import gzip
import itertools
import os
import signal
import socket
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pytest

from dateline.errors import ConfigurationError, ModelNotFoundError
from dateline.ingest import CorpusReader
from dateline.ray_engine import (
    MAX_BATCH,
    MIN_BATCH,
    analyse_articles_ray,
    batch_plan,
    import_ray,
    start_ray,
)
from dateline.records import AnalysedArticle, Article
from dateline.store import Store

N_ARTICLES = 200

# --------------------------------------------------------------------------- without a Ray runtime


def test_batch_plan_uses_every_cpu_and_bounds_the_batch() -> None:
    assert batch_plan(2.0, 200) == (2, 25)  # 8 batches: 4 for each of the 2 actors
    assert batch_plan(16.0, 10_000) == (16, MAX_BATCH)  # 157 a batch would be too coarse
    assert batch_plan(2.0, 10) == (2, MIN_BATCH)
    assert batch_plan(0.5, 10) == (1, MIN_BATCH)  # a fraction of a CPU still runs one actor


def test_missing_ray_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # makes `import ray` fail
    with pytest.raises(ConfigurationError, match=r"pip install 'dateline\[ray\]'"):
        import_ray()
    with pytest.raises(ConfigurationError, match=r"pip install 'dateline\[ray\]'"):
        list(analyse_articles_ray([]))


def test_missing_ray_through_the_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    (tmp_path / "a.txt").write_text("The council met on Monday and approved the budget.\n")
    with Store(tmp_path / "s.db") as store, pytest.raises(ConfigurationError, match="dateline"):
        store.add([tmp_path / "a.txt"], engine="ray")


def test_missing_ray_through_the_command_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from dateline.cli import cli

    monkeypatch.setitem(sys.modules, "ray", None)
    (tmp_path / "a.txt").write_text("The council met on Monday and approved the budget.\n")
    args = ["add", str(tmp_path / "a.txt"), "--store", str(tmp_path / "s.db"), "--engine", "ray"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code != 0
    assert "pip install 'dateline[ray]'" in result.output
    assert "Traceback" not in result.output


def test_a_cluster_address_where_nothing_listens_fails_fast() -> None:
    with socket.socket() as probe:  # a loopback port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConfigurationError, match=rf"no Ray cluster answers at '127.0.0.1:{port}'"):
        start_ray(f"127.0.0.1:{port}")
    with pytest.raises(ConfigurationError, match="not HOST:PORT"):
        start_ray("headnode")


def test_a_missing_model_is_said_before_ray_starts() -> None:
    ray = import_ray()
    article = Article(id="a", text="The council met on Monday.", path="a.txt")
    with pytest.raises(ModelNotFoundError, match="no_such_model"):
        list(analyse_articles_ray([article], model="no_such_model"))
    assert not ray.is_initialized()


def test_chunk_size_must_be_positive() -> None:
    with pytest.raises(ConfigurationError, match="chunk_articles"):
        list(analyse_articles_ray([], chunk_articles=0))


# --------------------------------------------------------------------------- with a local Ray


@pytest.fixture(scope="module")
def local_ray() -> Iterator[object]:
    ray = import_ray()
    assert start_ray(num_cpus=2)
    assert ray.cluster_resources().get("CPU") == 2
    assert ray.util.get_node_ip_address() == "127.0.0.1"
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def t17_slice(t17_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 200 T17 articles as CorpusReader reads them (topics in name order), written as
    one JSONL file in a temporary folder so that both stores read the same input."""
    files = sorted(t17_dir.glob("*/articles.jsonl*"))
    lines: list[bytes] = []
    for path in files:
        with gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb") as handle:
            lines.extend(itertools.islice(handle, N_ARTICLES - len(lines)))
        if len(lines) >= N_ARTICLES:
            break
    out = tmp_path_factory.mktemp("t17") / "first200.jsonl"
    out.write_bytes(b"".join(lines))
    # The same articles as the first 200 that CorpusReader yields from T17 itself.
    direct = [a.id for a in itertools.islice(CorpusReader(files), N_ARTICLES)]
    assert [a.id for a in CorpusReader([out])] == direct
    return out


@pytest.fixture(scope="module")
def local_records(t17_slice: Path) -> dict[str, AnalysedArticle]:
    """The local engine's analyses of the slice (two worker processes), by article id."""
    from dateline.analysis import analyse_articles

    articles = list(CorpusReader([t17_slice]))
    assert len(articles) == N_ARTICLES
    return {a.article.id: a for a in analyse_articles(articles, workers=2)}


@pytest.mark.slow
def test_ray_engine_gives_the_local_engines_records(
    local_ray: object, t17_slice: Path, local_records: dict[str, AnalysedArticle]
) -> None:
    articles = list(CorpusReader([t17_slice]))
    local = local_records
    by_ray = list(analyse_articles_ray(articles, chunk_articles=120))  # two chunks
    assert len(by_ray) == N_ARTICLES
    assert {a.article.id for a in by_ray} == set(local)
    for analysed in by_ray:
        assert analysed == local[analysed.article.id]


@pytest.mark.slow
def test_two_stores_local_and_ray_are_identical(
    local_ray: object, t17_slice: Path, tmp_path: Path
) -> None:
    stores = {}
    for engine in ("local", "ray"):
        store = Store(tmp_path / f"{engine}.db")
        report = store.add([t17_slice], engine=engine, workers=2)
        assert (report.new, report.unchanged, report.replaced) == (N_ARTICLES, 0, ())
        stores[engine] = store
    local, ray = stores["local"], stores["ray"]
    ids = local.article_ids()
    assert len(ids) == N_ARTICLES
    assert ray.article_ids() == ids
    for article_id in ids:
        assert ray.article(article_id) == local.article(article_id)
    assert ray.duplicate_groups == local.duplicate_groups
    assert len(local.duplicate_groups) > 0
    assert ray.events == local.events
    assert len(local.events) > 0
    assert ray.entities == local.entities
    for query in (None, "oil spill"):
        one = local.timeline(query=query, dates=10, sentences=2)
        other = ray.timeline(query=query, dates=10, sentences=2)
        assert [asdict(e) for e in other.entries] == [asdict(e) for e in one.entries]
        assert len(one.entries) == 10
    for store in stores.values():
        store.close()


def _descendants() -> set[int]:
    """PIDs of every process below this one (Ray's GCS, raylet, agents, workers)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_bytes()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(b")", 1)[1].split()[1])
    me, found = os.getpid(), set()
    for pid in parents:
        ancestor = parents.get(pid)
        while ancestor not in (None, 0, 1):
            if ancestor == me:
                found.add(pid)
                break
            ancestor = parents.get(ancestor)
    return found


def _listening_addresses(pids: set[int]) -> set[str]:
    """Local addresses (hex, as /proc/net/tcp* writes them) of TCP sockets that ``pids`` listen on."""
    inodes = set()
    for pid in pids:
        try:
            links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:
            continue
        inodes |= {link[8:-1] for link in links if link.startswith("socket:[")}
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                found.add(fields[1].rsplit(":", 1)[0])
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads sockets from /proc")
def test_a_local_ray_listens_on_loopback_only(local_ray: object) -> None:
    ray_processes = _descendants()
    assert len(ray_processes) >= 3  # GCS, raylet, workers and agents
    addresses = _listening_addresses(ray_processes)
    assert addresses  # Ray's servers were found
    # 127.0.0.1, ::1 and ::ffff:127.0.0.1 (not 0.0.0.0 or ::, which are every interface)
    loopback = {"0100007F", "00000000000000000000000001000000", "0000000000000000FFFF00000100007F"}
    assert addresses <= loopback, addresses


def _map_workers() -> set[int]:
    """PIDs of the Ray actors running dateline's batch analyser (Ray sets their process title)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if title.startswith(b"ray::MapWorker(MapBatches(AnalyseBatch))"):
            found.add(int(entry.name))
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds Ray's workers through /proc")
def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(
    local_ray: object, t17_slice: Path, tmp_path: Path, local_records: dict[str, AnalysedArticle]
) -> None:
    killed: list[tuple[int, int]] = []  # (pid, articles stored when it was killed)

    def kill_one_worker(done: int) -> None:
        if killed or done < 1:
            return
        workers = _map_workers()
        assert workers, "no Ray map worker found"  # usually two; the second may still be starting
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        killed.append((victim, done))

    with Store(tmp_path / "killed.db") as store:
        report = store.add([t17_slice], engine="ray", on_article=kill_one_worker)
        assert killed, "no worker was killed"
        victim, done_then = killed[0]
        assert done_then < N_ARTICLES  # it died mid-run, with work left to do
        deadline = time.monotonic() + 10
        while Path(f"/proc/{victim}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert victim not in _map_workers()
        assert (report.new, report.unchanged, report.replaced) == (N_ARTICLES, 0, ())
        ids = store.article_ids()
        expected = [a.id for a in CorpusReader([t17_slice])]
        assert sorted(ids) == sorted(expected)  # none lost
        assert len(ids) == len(set(ids)) == N_ARTICLES  # none twice
        assert store.status().articles == N_ARTICLES
        # The records of the run that lost a worker are those of a run that did not.
        for article_id in ids:
            assert store.article(article_id) == local_records[article_id]
