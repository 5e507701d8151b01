"""Command line: a thin layer over :mod:`dateline.pipeline` and :mod:`dateline.export`."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TextIO

import click

from dateline import __version__
from dateline.errors import DatelineError
from dateline.records import Problem

#: Show a progress bar from this many input files (or when a file holds many articles).
PROGRESS_MIN_FILES = 36


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dateline")
def cli() -> None:
    """dateline turns a pile of news articles about one story into a dated, deduplicated,
    sourced timeline of what happened, with event records and entity profiles.

    \b
    Start with:
      dateline build examples/corpus --out out/example
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write timeline.json/.md/.html, events.jsonl/.csv and entities.json into.",
)
@click.option("--query", default=None, help="Keywords that keep the timeline on topic.")
@click.option(
    "--dates",
    default=20,
    show_default=True,
    type=click.IntRange(min=1),
    help="How many dates the timeline has at most.",
)
@click.option(
    "--sentences",
    default=2,
    show_default=True,
    type=click.IntRange(min=1),
    help="How many summary sentences each date gets at most.",
)
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(min=1),
    help="Worker processes for analysis [default: 1 for small inputs, else one per core].",
)
@click.option(
    "--max-file-mb",
    default=64,
    show_default=True,
    type=click.IntRange(min=1),
    help="Skip (with a warning) single .txt/.html/.json files larger than this.",
)
@click.option(
    "--timelinejs",
    is_flag=True,
    help="Also write timeline-js.html, an offline TimelineJS view (about 350 kB).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only warnings and errors.")
def build(
    paths: tuple[Path, ...],
    out_dir: Path,
    query: str | None,
    dates: int,
    sentences: int,
    workers: int | None,
    max_file_mb: int,
    timelinejs: bool,
    quiet: bool,
) -> None:
    """Build a timeline from articles in PATHS (files, folders, .jsonl/.jsonl.gz, .json, .html).

    \b
    Examples:
      dateline build examples/corpus --out out/example
      dateline build articles.jsonl.gz --query "haiti earthquake" --dates 15 --out out/haiti
    """
    from dateline.export import write_outputs
    from dateline.ingest import CorpusReader
    from dateline.pipeline import Corpus

    def warn(problem: Problem) -> None:
        click.secho(f"warning: {problem}", fg="yellow", err=True)

    n_files = len(CorpusReader(list(paths)).files())
    show_progress = not quiet and n_files >= PROGRESS_MIN_FILES
    try:
        with _progress(show_progress) as advance:
            corpus = Corpus.from_paths(
                list(paths),
                workers=workers,
                max_file_bytes=max_file_mb * 1024 * 1024,
                on_problem=warn,
                on_article=advance,
            )
        timeline = corpus.timeline(query=query, dates=dates, sentences=sentences)
        written = write_outputs(
            timeline,
            out_dir,
            events=corpus.events,
            entities=corpus.entities,
            timelinejs=timelinejs,
        )
    except DatelineError as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(1)
    if not quiet:
        click.echo(
            f"{len(timeline.entries)} dates, "
            f"{sum(len(e.sentences) for e in timeline.entries)} lines, "
            f"{len(corpus.events)} events, {len(corpus.entities)} entities, "
            f"{len(corpus.duplicate_groups)} near-duplicate groups"
        )
        for entry in timeline.entries[:5]:
            first = entry.sentences[0].text if entry.sentences else ""
            click.echo(f"  {entry.date:<10}  {_shorten(first, 90)}")
        if len(timeline.entries) > 5:
            click.echo(f"  ... {len(timeline.entries) - 5} more dates")
        for kind, path in written.items():
            click.echo(f"wrote {kind}: {path}")
    click.echo(corpus.report.summary(), err=True)


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
