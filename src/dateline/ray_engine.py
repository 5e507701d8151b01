"""Per-article analysis on Ray Data: the same work as :func:`dateline.analysis.analyse_articles`,
spread over a Ray cluster (or a local Ray on this machine).

How it runs:

* articles are taken from the caller's iterable in bounded chunks (``chunk_articles``, default
  10,000: about 60 MB of news text), so memory never holds the corpus; each chunk becomes one
  ``ray.data.from_items`` dataset whose rows carry the pickled :class:`~dateline.records.Article`
  (records are frozen, slotted dataclasses that pickle) and the row's position in the chunk;
* ``map_batches`` runs a callable class (:func:`_batch_analyser`): each Ray actor loads the spaCy
  model once (:meth:`ArticleAnalyser.load`) and analyses every batch it is given, returning the
  pickled :class:`~dateline.records.AnalysedArticle`; the actor pool has one actor per CPU of the
  cluster (``ray.cluster_resources()``), and the batch size gives every actor several batches of
  the chunk (between ``MIN_BATCH`` and ``MAX_BATCH`` articles);
* results stream back as batches finish (``iter_batches``), in whatever order they finish.

Every input article comes out exactly once. Ray retries the batch of an actor that dies (Ray
Data restarts map actors and retries their tasks by default); a retried batch could in principle
deliver a row twice, so rows are de-duplicated by their position, and a chunk that comes back
with a row missing raises :class:`~dateline.errors.DatelineError` naming the article rather
than passing silently. The analysis is deterministic, so a retried row is the same row.

Ray is an optional extra (``pip install 'dateline[ray]'``), imported only when this engine is
used. A local Ray started here is local only: dashboard off, usage statistics off
(``RAY_USAGE_STATS_ENABLED=0``), bound to 127.0.0.1, its logs kept to errors; it is shut down
when the analysis ends. With ``address`` (``ray://...`` or ``host:port``) an existing cluster is
joined and left running; an already initialised Ray (``ray.is_initialized()``) is used as it is.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import socket
import sys
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

from dateline.analysis import _batches
from dateline.errors import ConfigurationError, DatelineError
from dateline.records import AnalysedArticle, Article

if TYPE_CHECKING:
    import pyarrow

#: Articles per Ray dataset; memory holds about one chunk of input at a time.
DEFAULT_CHUNK_ARTICLES = 10_000
#: Bounds of the batch size chosen from the cluster size.
MIN_BATCH = 4
MAX_BATCH = 64
#: Batches per actor in a chunk (more = better balance, fewer = less per-batch overhead).
BATCHES_PER_ACTOR = 4
INSTALL_HINT = "pip install 'dateline[ray]'"


def import_ray() -> Any:
    """Import Ray (and Ray Data), or raise ConfigurationError saying how to install it."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    # Ray's C++ core logs routine notices at ERROR level (e.g. that Ray Data's own actors keep
    # their constructor in the object store); real failures still raise in Python.
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise ConfigurationError(
            f"the Ray engine needs Ray Data, which is not installed ({exc}); install it with "
            f"{INSTALL_HINT}, or use the default local engine"
        ) from exc
    return ray


def start_ray(address: str | None = None, *, num_cpus: int | None = None) -> bool:
    """Connect to Ray: an existing cluster at ``address``, else a local Ray on this machine.

    Returns True when this call started (or joined) Ray and so should shut it down; False when
    Ray was already initialised by the caller. ``num_cpus`` caps a local Ray (default: all
    cores); it cannot be set for a cluster.
    """
    ray = import_ray()
    if ray.is_initialized():
        return False
    quiet: dict[str, Any] = {
        "include_dashboard": False,
        "logging_level": logging.ERROR,
        "log_to_driver": False,
    }
    if address is not None and num_cpus is not None:
        raise ConfigurationError(
            "num_cpus is for a local Ray; a cluster at an address has its own CPUs"
        )
    if address is not None:
        _check_reachable(address)
    with tempfile.TemporaryFile() as log:
        try:
            # Ray's C++ core prints start-up notices straight to file descriptor 2: kept aside,
            # and shown only if the start fails.
            with _stderr_to(log):
                if address is not None:
                    ray.init(address=address, **quiet)
                else:
                    with _loopback_only():
                        # "local": always a new Ray of our own, never one that `ray start` left
                        # running on this machine (which ray.init() would otherwise join).
                        ray.init(address="local", num_cpus=num_cpus, **quiet)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            where = f"the Ray cluster at {address!r}" if address else "a local Ray"
            log.seek(0)
            said = log.read().decode("utf-8", "replace").strip()
            last = "\n".join(said.splitlines()[-6:])  # Ray repeats itself while it retries
            detail = f"\nRay said (last lines):\n{last}" if said else ""
            raise ConfigurationError(f"could not start {where}: {exc}{detail}") from exc
    _quiet_ray_data()
    return True


def _check_reachable(address: str, timeout: float = 5.0) -> None:
    """Fail fast, with a clear message, when nothing listens at a cluster address (Ray itself
    retries a wrong address for minutes). ``auto`` (Ray's own discovery) is left to Ray."""
    if address == "auto":
        return
    where = address.removeprefix("ray://")
    host, _, port = where.rpartition(":")
    if not host or not port.isdigit():
        raise ConfigurationError(
            f"Ray address {address!r} is not HOST:PORT or ray://HOST:PORT (e.g. 10.0.0.5:6379)"
        )
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
            pass
    except OSError as exc:
        raise ConfigurationError(
            f"no Ray cluster answers at {address!r} ({exc.strerror or exc}); start one there "
            "with `ray start --head`, or leave the address out to run a local Ray"
        ) from exc


@contextlib.contextmanager
def _loopback_only() -> Iterator[None]:
    """Start a local Ray on 127.0.0.1 only.

    Ray takes the machine's network address as a node's address (it maps "127.0.0.1" given as
    ``_node_ip_address`` back to it), and its servers then listen on every interface. Its own
    switch for single-machine use, ``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0`` (read into
    ``ray_constants.ENABLE_RAY_CLUSTER``), makes the node address the loopback one, and every Ray
    server then listens on 127.0.0.1 (tests/test_ray_engine.py checks the sockets). Both are set
    only while ``ray.init`` starts the node, then put back, so that joining a cluster later in the
    same process is unaffected.
    """
    variable = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"
    saved = os.environ.get(variable)
    os.environ[variable] = "0"
    from ray._private import ray_constants

    saved_flag = ray_constants.ENABLE_RAY_CLUSTER
    ray_constants.ENABLE_RAY_CLUSTER = False
    try:
        yield
    finally:
        ray_constants.ENABLE_RAY_CLUSTER = saved_flag
        if saved is None:
            del os.environ[variable]
        else:
            os.environ[variable] = saved


@contextlib.contextmanager
def _stderr_to(target: IO[bytes]) -> Iterator[None]:
    """Send this process's file descriptor 2 (where C++ libraries write) to ``target``."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        os.dup2(target.fileno(), 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def _quiet_ray_data() -> None:
    import ray.data

    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    for name in ("ray", "ray.data"):
        logging.getLogger(name).setLevel(logging.ERROR)


def batch_plan(cluster_cpus: float, chunk_len: int) -> tuple[int, int]:
    """``(actors, batch_size)`` for a chunk: one actor per whole CPU, each given about
    ``BATCHES_PER_ACTOR`` batches, the batch size within ``MIN_BATCH``..``MAX_BATCH``."""
    actors = max(1, int(cluster_cpus))
    per_batch = -(-chunk_len // (actors * BATCHES_PER_ACTOR))  # ceiling division
    return actors, max(MIN_BATCH, min(MAX_BATCH, per_batch))


def _batch_analyser(model: str | None) -> type:
    """The Ray Data map class for ``model``: a callable class whose instances (one per actor)
    load the model once and analyse every batch they are sent. The model name is bound in the
    class, not passed as a constructor argument, so a restarted actor needs nothing from the
    object store to come back."""

    class AnalyseBatch:
        def __init__(self) -> None:
            from dateline.analysis import ArticleAnalyser

            self.analyser = ArticleAnalyser.load(model)

        def __call__(self, batch: pyarrow.Table) -> pyarrow.Table:
            import pyarrow

            analysed = [
                pickle.dumps(self.analyser.analyse(pickle.loads(blob)), pickle.HIGHEST_PROTOCOL)
                for blob in batch.column("article").to_pylist()
            ]
            return pyarrow.table(
                {
                    "position": batch.column("position"),
                    "analysed": pyarrow.array(analysed, pyarrow.large_binary()),
                }
            )

    return AnalyseBatch


def analyse_articles_ray(
    articles: Iterable[Article],
    *,
    model: str | None = None,
    address: str | None = None,
    num_cpus: int | None = None,
    chunk_articles: int = DEFAULT_CHUNK_ARTICLES,
) -> Iterator[AnalysedArticle]:
    """Analyse articles on Ray Data; each input article comes out exactly once, in any order.

    ``address`` joins a running cluster (``ray.init(address=...)``); without it a local Ray is
    started (``num_cpus`` caps it) and shut down at the end. The results are the local engine's
    (:func:`dateline.analysis.analyse_articles`) record for record.
    """
    if chunk_articles < 1:
        raise ConfigurationError(f"chunk_articles must be at least 1 (got {chunk_articles})")
    ray = import_ray()
    if address is None and not ray.is_initialized():
        # A local Ray's actors share this environment: a missing model is said here, at once,
        # not as an actor failure after Ray has started.
        from dateline.nlp import find_english_model

        find_english_model(model)
    started = start_ray(address, num_cpus=num_cpus)
    try:
        for chunk in _batches(articles, chunk_articles):
            yield from _analyse_chunk(ray, chunk, model)
    finally:
        if started:
            ray.shutdown()


def _analyse_chunk(ray: Any, chunk: list[Article], model: str | None) -> Iterator[AnalysedArticle]:
    actors, batch_size = batch_plan(ray.cluster_resources().get("CPU", 1), len(chunk))
    rows = [
        {"position": i, "article": pickle.dumps(article, pickle.HIGHEST_PROTOCOL)}
        for i, article in enumerate(chunk)
    ]
    dataset = ray.data.from_items(rows, override_num_blocks=-(-len(rows) // batch_size))
    analysed = dataset.map_batches(
        _batch_analyser(model),
        batch_size=batch_size,
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=actors),
        num_cpus=1,
        zero_copy_batch=True,
    )
    done = [False] * len(chunk)
    for batch in analysed.iter_batches(batch_format="pyarrow", batch_size=None):
        for position, blob in zip(
            batch.column("position").to_pylist(), batch.column("analysed").to_pylist(), strict=True
        ):
            if done[position]:
                continue  # a retried batch delivered this row again
            done[position] = True
            yield pickle.loads(blob)
    missing = [chunk[i].id for i, ok in enumerate(done) if not ok]
    if missing:
        raise DatelineError(
            f"the Ray engine returned no result for {len(missing)} of {len(chunk)} articles "
            f"(first: {missing[0]!r}); the cluster lost work it did not retry"
        )
