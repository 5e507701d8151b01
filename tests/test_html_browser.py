"""The page in a real browser: our inline script runs, script injected through article text does not.

Uses Debian's headless Chromium (``/usr/bin/chromium``); skipped with a reason when it is absent.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import lxml.html
import pytest

from dateline.records import (
    IngestReport,
    SourceRef,
    Timeline,
    TimelineEntry,
    TimelineSentence,
)
from dateline.render import render_html, render_timelinejs_html

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium is not installed (apt-get install -y chromium)",
    ),
]

PAGE_TITLE = "Browser check"
INJECTED = (
    "<script>document.title = 'pwned-script';</script>",
    "<img src=x onerror=\"document.title = 'pwned-img'\">",
    "<svg onload=\"document.title = 'pwned-svg'\"></svg>",
    "</p></li></ol><script>document.title = 'pwned-breakout';</script>",
    "<iframe srcdoc=\"<script>parent.document.title = 'pwned-iframe'</script>\"></iframe>",
)


def hostile_timeline() -> Timeline:
    sentences = tuple(
        TimelineSentence(
            text=f"Line {i} quotes {payload} in its text.",
            article_id=f"a-{i}",
            start=0,
            end=10,
            date_evidence=payload,
            sources=(
                SourceRef(
                    article_id=f"a-{i}",
                    url="javascript:document.title='pwned-href'",
                    source=payload,
                    title=payload,
                ),
            ),
        )
        for i, payload in enumerate(INJECTED)
    )
    return Timeline(
        entries=(
            TimelineEntry(date="2022-09-08", granularity="day", sentences=sentences, score=1.0),
        ),
        query="<script>document.title = 'pwned-query';</script>",
        report=IngestReport(files_seen=1, files_read=1, articles_read=len(INJECTED)),
    )


def dump_dom(page: Path) -> str:
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=3000",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "<html" in result.stdout, result.stderr[-2000:]
    return result.stdout


def test_injected_script_does_not_run_and_ours_does(tmp_path: Path) -> None:
    timeline = hostile_timeline()
    page = tmp_path / "timeline.html"
    page.write_text(render_html(timeline, title=PAGE_TITLE), encoding="utf-8")

    dom = lxml.html.document_fromstring(dump_dom(page))

    # Our own inline script ran (so scripts were enabled and the CSP hash is right) ...
    assert "js" in dom.get("class", "").split()
    assert dom.get_element_by_id("controls").get("hidden") is None
    # ... and nothing injected through article text did.
    assert dom.findtext(".//title") == PAGE_TITLE
    assert "pwned" not in (dom.findtext(".//title") or "")
    assert len(dom.xpath("//script")) == 1
    assert not dom.xpath("//img | //svg | //iframe")
    text = dom.text_content()
    for payload in INJECTED:
        assert payload in text  # shown to the reader as text
    assert not dom.xpath("//a[starts-with(@href, 'javascript:')]")


def test_timelinejs_view_renders_offline_without_running_article_text(tmp_path: Path) -> None:
    page = tmp_path / "timeline-js.html"
    page.write_text(render_timelinejs_html(hostile_timeline(), title=PAGE_TITLE), encoding="utf-8")

    dom = lxml.html.document_fromstring(dump_dom(page))

    assert dom.findtext(".//title") == PAGE_TITLE
    # TimelineJS built its widget (so its script ran offline) with a slide per line's date ...
    assert dom.xpath("//div[contains(@class, 'tl-timeline')]")
    slides = dom.xpath("//div[contains(@class, 'tl-slide-content')]")
    assert len(slides) >= 2  # the title slide and the one date
    # ... and showed the injected markup as text.
    assert not dom.xpath("//img | //svg | //iframe")
    assert "<script>document.title = 'pwned-script';</script>" in dom.text_content()
    assert not dom.xpath("//a[starts-with(@href, 'javascript:')]")
