"""Command line: a thin layer over :mod:`dateline.pipeline` and :mod:`dateline.export`."""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

import click

from dateline import __version__
from dateline.errors import DatelineError
from dateline.records import Problem

if TYPE_CHECKING:
    from dateline.store import AddReport, Store

#: Show a progress bar from this many input files (or when a file holds many articles).
PROGRESS_MIN_FILES = 36


def _store_option(func: Callable[..., None]) -> Callable[..., None]:
    return click.option(
        "--store",
        "store_path",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="The store file (SQLite), created by the first `dateline add`.",
    )(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dateline")
def cli() -> None:
    """dateline turns a pile of news articles about one story into a dated, deduplicated,
    sourced timeline of what happened, with event records and entity profiles.

    \b
    Start with:
      dateline build examples/corpus --out out/example
    or keep a store that grows as articles arrive:
      dateline add examples/corpus --store story.db
      dateline timeline --store story.db --out out/story
      dateline status --store story.db
    """


def _timeline_options(func: Callable[..., None]) -> Callable[..., None]:
    """The options every command that writes a timeline shares."""
    options = [
        click.option(
            "--out",
            "out_dir",
            required=True,
            type=click.Path(file_okay=False, path_type=Path),
            help="Folder to write timeline.json/.md/.html, events.jsonl/.csv and entities.json into.",
        ),
        click.option("--query", default=None, help="Keywords that keep the timeline on topic."),
        click.option(
            "--dates",
            default=20,
            show_default=True,
            type=click.IntRange(min=1),
            help="How many dates the timeline has at most.",
        ),
        click.option(
            "--sentences",
            default=2,
            show_default=True,
            type=click.IntRange(min=1),
            help="How many summary sentences each date gets at most.",
        ),
        click.option(
            "--from",
            "start",
            default=None,
            type=click.DateTime(formats=["%Y-%m-%d"]),
            help="First date of the timeline (YYYY-MM-DD); articles published before it are not used.",
        ),
        click.option(
            "--to",
            "end",
            default=None,
            type=click.DateTime(formats=["%Y-%m-%d"]),
            help="Last date of the timeline (YYYY-MM-DD); articles published after it are not used.",
        ),
        click.option(
            "--timelinejs",
            is_flag=True,
            help="Also write timeline-js.html, an offline TimelineJS view (about 350 kB).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _add_options(func: Callable[..., None]) -> Callable[..., None]:
    """The options of every command that reads and analyses articles."""
    options = [
        click.option(
            "--workers",
            default=None,
            type=click.IntRange(min=1),
            help="Worker processes for analysis [default: 1 for small inputs, else one per core].",
        ),
        click.option(
            "--max-file-mb",
            default=64,
            show_default=True,
            type=click.IntRange(min=1),
            help="Skip (with a warning) single .txt/.html/.json files larger than this.",
        ),
        click.option(
            "--record-fields",
            default=None,
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="A JSON table of the field names JSON(L) records use for text, title, url, "
            "date, source and id [default: the packaged data/record_fields.json].",
        ),
        click.option("--quiet", "-q", is_flag=True, help="Print only warnings and errors."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _add_to_store(
    store: Store,
    paths: tuple[Path, ...],
    workers: int | None,
    max_file_mb: int,
    quiet: bool,
    record_fields: Path | None = None,
    engine: str = "local",
    ray_address: str | None = None,
) -> AddReport:
    """Read, analyse and store PATHS, printing warnings, notices and a progress bar."""
    from dateline.ingest import CorpusReader
    from dateline.record_fields import RecordFields

    fields = RecordFields.load(record_fields) if record_fields is not None else None

    def warn(problem: Problem) -> None:
        click.secho(f"warning: {problem}", fg="yellow", err=True)

    def notice(message: str) -> None:
        if not quiet:
            click.echo(message, err=True)

    n_files = len(CorpusReader(list(paths)).files())
    show_progress = not quiet and n_files >= PROGRESS_MIN_FILES
    with _progress(show_progress) as advance:
        return store.add(
            list(paths),
            workers=workers,
            max_file_bytes=max_file_mb * 1024 * 1024,
            record_fields=fields,
            engine=engine,
            ray_address=ray_address,
            on_problem=warn,
            on_article=advance,
            on_message=notice,
        )


def _write_timeline(
    store: Store,
    out_dir: Path,
    query: str | None,
    dates: int,
    sentences: int,
    start: dt.datetime | None,
    end: dt.datetime | None,
    timelinejs: bool,
    quiet: bool,
) -> None:
    """The timeline of what the store holds, written with events and entities into OUT."""
    from dateline.export import write_outputs

    timeline = store.timeline(
        query=query,
        dates=dates,
        sentences=sentences,
        start=start.date() if start else None,
        end=end.date() if end else None,
    )
    events, entities = store.events, store.entities
    written = write_outputs(
        timeline, out_dir, events=events, entities=entities, timelinejs=timelinejs
    )
    if quiet:
        return
    click.echo(
        f"{len(timeline.entries)} dates, "
        f"{sum(len(e.sentences) for e in timeline.entries)} lines, "
        f"{len(events)} events, {len(entities)} entities, "
        f"{len(store.duplicate_groups)} near-duplicate groups"
    )
    for entry in timeline.entries[:5]:
        first = entry.sentences[0].text if entry.sentences else ""
        click.echo(f"  {entry.date:<10}  {_shorten(first, 90)}")
    if len(timeline.entries) > 5:
        click.echo(f"  ... {len(timeline.entries) - 5} more dates")
    for kind, path in written.items():
        click.echo(f"wrote {kind}: {path}")


def _fail(exc: DatelineError) -> NoReturn:
    click.secho(f"error: {exc}", fg="red", err=True)
    sys.exit(1)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_timeline_options
@_add_options
def build(
    paths: tuple[Path, ...],
    out_dir: Path,
    query: str | None,
    dates: int,
    sentences: int,
    start: dt.datetime | None,
    end: dt.datetime | None,
    timelinejs: bool,
    workers: int | None,
    max_file_mb: int,
    record_fields: Path | None,
    quiet: bool,
) -> None:
    """Build a timeline from articles in PATHS (files, folders, .jsonl/.jsonl.gz, .json, .html).

    The same as `dateline add` into a temporary store, then `dateline timeline` from it.

    \b
    Examples:
      dateline build examples/corpus --out out/example
      dateline build articles.jsonl.gz --query "haiti earthquake" --dates 15 --out out/haiti
    """
    from dateline.ingest import nothing_read_error
    from dateline.store import Store

    try:
        with (
            tempfile.TemporaryDirectory(prefix="dateline-build-") as tmp,
            Store(Path(tmp) / "build.db") as store,
        ):
            report = _add_to_store(store, paths, workers, max_file_mb, quiet, record_fields)
            if report.ingest.articles_read == 0:
                raise nothing_read_error(report.ingest, list(paths))
            _write_timeline(store, out_dir, query, dates, sentences, start, end, timelinejs, quiet)
    except DatelineError as exc:
        _fail(exc)
    click.echo(report.ingest.summary(), err=True)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_store_option
@_add_options
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Where per-article analysis runs: local worker processes, or Ray Data "
    "(pip install 'dateline[ray]').",
)
@click.option("--ray-address", default=None, help="Ray cluster address [default: a local Ray].")
def add(
    paths: tuple[Path, ...],
    store_path: Path,
    workers: int | None,
    max_file_mb: int,
    record_fields: Path | None,
    quiet: bool,
    engine: str,
    ray_address: str | None,
) -> None:
    """Add the articles in PATHS to the store FILE: only new or changed articles are analysed.

    \b
    Examples:
      dateline add examples/corpus --store story.db
      dateline add todays-feed.jsonl.gz --store story.db     # later: only the new ones
    """
    from dateline.ingest import nothing_read_error
    from dateline.store import Store

    try:
        with Store(store_path) as store:
            report = _add_to_store(
                store, paths, workers, max_file_mb, quiet, record_fields, engine, ray_address
            )
            status = store.status()
    except DatelineError as exc:
        _fail(exc)
    click.echo(
        f"{report.summary()}; the store holds {status.articles} articles, "
        f"{status.events} events, {status.entities} entities"
    )
    click.echo(report.ingest.summary(), err=True)
    if report.ingest.articles_read == 0:
        _fail(nothing_read_error(report.ingest, list(paths)))


@cli.command("timeline")
@_store_option
@_timeline_options
@click.option("--quiet", "-q", is_flag=True, help="Print only warnings and errors.")
def timeline_command(
    store_path: Path,
    out_dir: Path,
    query: str | None,
    dates: int,
    sentences: int,
    start: dt.datetime | None,
    end: dt.datetime | None,
    timelinejs: bool,
    quiet: bool,
) -> None:
    """Write the timeline, events and entities of the store FILE into OUT (no NLP is run).

    \b
    Example:
      dateline timeline --store story.db --query "cable" --dates 10 --out out/cable
    """
    from dateline.store import Store

    try:
        with Store(store_path, read_only=True) as store:
            _write_timeline(store, out_dir, query, dates, sentences, start, end, timelinejs, quiet)
    except DatelineError as exc:
        _fail(exc)


@cli.command()
@_store_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of lines.")
def status(store_path: Path, as_json: bool) -> None:
    """Print what the store FILE holds: articles, sources, dates, groups, events, entities.

    \b
    Example:
      dateline status --store story.db
    """
    from dateline.store import Store

    try:
        with Store(store_path, read_only=True) as store:
            info = store.status()
    except DatelineError as exc:
        _fail(exc)
    if as_json:
        click.echo(json.dumps(asdict(info)))
        return
    click.echo(f"store             {info.path} (schema {info.schema_version})")
    click.echo(f"articles          {info.articles}")
    click.echo(f"sources           {info.sources}")
    click.echo(f"dates             {info.first_date or '-'} .. {info.last_date or '-'}")
    click.echo(f"duplicate groups  {info.duplicate_groups}")
    click.echo(f"events            {info.events}")
    click.echo(f"entities          {info.entities}")
    click.echo(f"problems          {info.problems}")
    click.echo(f"runs of add       {info.runs}")


@cli.command()
@click.argument("text", required=False)
@click.option(
    "--date",
    "anchor",
    default=None,
    help="Publication date (YYYY-MM-DD) that relative expressions resolve against.",
)
@click.option(
    "--file",
    "file",
    type=click.File("r", encoding="utf-8"),
    default=None,
    help="Read the text from a file ('-' for standard input) instead of the argument.",
)
def tag(text: str | None, anchor: str | None, file: TextIO | None) -> None:
    """Print the time expressions in TEXT, resolved against --date, one JSON object a line.

    \b
    Example:
      dateline tag "The ministers met on Wednesday and will meet again next month." --date 2022-09-08
    """
    from dateline.timex import TimeTagger

    if file is not None:
        text = file.read()
    if not text:
        raise click.UsageError("give TEXT or --file")
    if anchor is not None:
        try:
            dt.date.fromisoformat(anchor)
        except ValueError as exc:
            raise click.BadParameter(f"{anchor!r} is not YYYY-MM-DD", param_hint="--date") from exc
    for mention in TimeTagger().tag(text, anchor):
        click.echo(json.dumps(asdict(mention), ensure_ascii=False))


@cli.command()
@click.option(
    "--store",
    "store_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The store file to explore (built by `dateline add`); opened read-only.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; the default answers this machine only.",
)
@click.option("--port", default=8765, show_default=True, type=click.IntRange(min=1, max=65535))
def serve(store_path: Path, host: str, port: int) -> None:
    """Explore a store in the browser: timeline, events, entities, sources, disagreements.

    \b
    Example:
      dateline serve --store story.db      # then open http://127.0.0.1:8765/
    """
    try:
        from dateline.serve import serve as run
    except ImportError as exc:
        click.secho(
            f"error: the web app needs its extra ({exc.name} is missing): "
            'pip install -e ".[serve]"',
            fg="red",
            err=True,
        )
        sys.exit(1)
    try:
        run(store_path, host=host, port=port, on_ready=lambda url: click.echo(url, err=True))
    except DatelineError as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(1)


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int], None] | None]:
    """A rich progress display on stderr counting analysed articles, or a no-op."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(
        SpinnerColumn(),
        TextColumn("analysing articles"),
        BarColumn(),
        TextColumn("{task.completed} done"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with progress:
        task = progress.add_task("analyse", total=None)

        def advance(done: int) -> None:
            progress.update(task, completed=done)

        yield advance


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def main() -> None:
    cli()
