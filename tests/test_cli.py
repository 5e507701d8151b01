"""`dateline` on the command line: every command documented and exercised."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dateline.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "corpus"
HAITI = ROOT.parent / "shared" / "benchmarks" / "t17" / "haiti" / "articles.jsonl.gz"


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_help_lists_every_command(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("build", "tag"):
        assert command in result.output
    build_help = runner.invoke(cli, ["build", "--help"]).output
    for option in ("--out", "--query", "--dates", "--sentences", "--workers", "--max-file-mb"):
        assert option in build_help


def test_build_writes_every_output_for_the_example_corpus(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(cli, ["build", str(EXAMPLES), "--out", str(tmp_path), "--dates", "8"])
    assert result.exit_code == 0, result.output + result.stderr
    for name in (
        "timeline.json",
        "timeline.md",
        "timeline.html",
        "events.jsonl",
        "events.csv",
        "entities.json",
    ):
        assert (tmp_path / name).stat().st_size > 0, name
    data = json.loads((tmp_path / "timeline.json").read_text())
    entries = data["entries"]
    assert 1 <= len(entries) <= 8
    assert "read 11 articles" in result.stderr


def test_build_reports_bad_files_and_keeps_going(runner: CliRunner, tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "good.txt").write_text(
        "date 2024-03-07\nThe ministers met in Lisbon today and signed a cable agreement.\n"
    )
    (corpus / "empty.txt").write_text("")
    (corpus / "feed.jsonl").write_text(
        '{"text": "On Monday the talks began.", "date": "2024-03-05"}\n{oops\n'
    )
    result = runner.invoke(cli, ["build", str(corpus), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output + result.stderr
    assert "empty.txt" in result.stderr
    assert "feed.jsonl:2" in result.stderr
    assert "skipped" in result.stderr


def test_build_fails_clearly_when_nothing_can_be_read(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    result = runner.invoke(cli, ["build", str(missing), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "no articles could be read" in result.stderr
    assert str(missing) in result.stderr


def test_tag_prints_resolved_mentions(runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["tag", "The ministers met on Wednesday in Tokyo.", "--date", "2022-09-08"]
    )
    assert result.exit_code == 0, result.output
    mentions = [json.loads(line) for line in result.output.splitlines()]
    assert [(m["text"], m["value"]) for m in mentions] == [("Wednesday", "2022-09-07")]
    assert mentions[0]["rule"]


def test_tag_rejects_a_malformed_date(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["tag", "today", "--date", "8 Sept"])
    assert result.exit_code != 0
    assert "YYYY-MM-DD" in result.output


@pytest.mark.slow
@pytest.mark.skipif(not HAITI.exists(), reason="T17 is not in ../shared/benchmarks")
def test_build_on_t17_haiti_gives_january_2010(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        cli, ["build", str(HAITI), "--query", "haiti earthquake", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output + result.stderr
    entries = json.loads((tmp_path / "timeline.json").read_text())["entries"]
    assert len(entries) >= 10
    assert all(e["date"].startswith("2010-01") for e in entries), [e["date"] for e in entries]


def test_add_reads_a_feed_with_its_own_field_names(runner: CliRunner, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"story": "The ministers met in Lisbon today.", "when": "2024-03-07"}) + "\n"
    )
    table = tmp_path / "fields.json"
    table.write_text(
        json.dumps(
            {
                "text": ["story"],
                "title": ["title"],
                "url": ["url"],
                "date": ["when"],
                "source": ["source"],
                "id": ["id"],
            }
        )
    )
    store = tmp_path / "story.db"
    plain = runner.invoke(cli, ["add", str(feed), "--store", str(tmp_path / "plain.db")])
    assert plain.exit_code == 1 and "no text field (looked for 'text'" in plain.stderr
    result = runner.invoke(
        cli, ["add", str(feed), "--store", str(store), "--record-fields", str(table)]
    )
    assert result.exit_code == 0, result.output + result.stderr
    out = tmp_path / "out"
    runner.invoke(cli, ["timeline", "--store", str(store), "--out", str(out)])
    entries = json.loads((out / "timeline.json").read_text())["entries"]
    assert [e["date"] for e in entries] == ["2024-03-07"]
    table.write_text(json.dumps({"text": "story"}))
    broken = runner.invoke(
        cli, ["build", str(feed), "--out", str(out), "--record-fields", str(table)]
    )
    assert broken.exit_code == 1
    assert f"error: {table}: 'text' must be a non-empty list" in broken.stderr
