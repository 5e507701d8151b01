"""`dateline serve` in real Chromium (Playwright driving Debian's /usr/bin/chromium).

The app runs under uvicorn on 127.0.0.1 and a free port, in a thread, over stores built with
``Store.add`` from ``../shared/seeds`` and from a hostile corpus written by the test. A screenshot
of each page goes to ``out/screens/`` for a person to look at. Never runs ``playwright install``:
without /usr/bin/chromium (``apt-get install -y chromium``) the tests are skipped, saying so.
"""

from __future__ import annotations

import csv
import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from serve_support import HOSTILE_ID, INJECTIONS, build_store, live_server, write_hostile_corpus

CHROMIUM = Path("/usr/bin/chromium")
SCREENS = Path(__file__).resolve().parents[1] / "out" / "screens"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TOKYO_IDS = ("000_613e78535ea525a4", "001_7788abc44395178b")
PWNED = {"pwned-script", "pwned-img", "pwned-svg", "pwned-href"}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium is not installed (apt-get install -y chromium)",
    ),
]
playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def seeds_url(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = build_store(tmp_path_factory.mktemp("browser-seeds") / "seeds.db", seeds_dir)
    with live_server(db) as url:
        yield url


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = write_hostile_corpus(tmp_path_factory.mktemp("browser-hostile-corpus"))
    db = build_store(tmp_path_factory.mktemp("browser-hostile") / "hostile.db", folder)
    with live_server(db) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, timeout=30_000
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.dialogs = []
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()


def api(base: str, path: str) -> Any:
    with urllib.request.urlopen(base + path, timeout=15) as response:
        return json.loads(response.read())


def screenshot(page: Any, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def tokyo_event_id(base: str) -> str:
    for event in api(base, "/api/events")["events"]:
        ids = {s["article_id"] for s in event["sources"]}
        if set(TOKYO_IDS) <= ids and event["location"] == "Tokyo":
            return str(event["id"])
    raise AssertionError("no Tokyo event with both seeds 000 and 001 as sources")


def test_typing_a_query_narrows_the_timeline(page: Any, seeds_url: str) -> None:
    page.goto(seeds_url + "/")
    everything = page.locator("section.entry").count()
    assert everything > 0
    screenshot(page, "timeline")
    page.fill("input[name=query]", "Tokyo")
    page.press("input[name=query]", "Enter")
    page.wait_for_url("**query=Tokyo**")
    narrowed = page.locator("section.entry").count()
    assert 0 < narrowed < everything
    assert "Tokyo" in page.locator("h1").inner_text()
    assert page.locator("input[name=query]").input_value() == "Tokyo"
    screenshot(page, "timeline-query")


def test_clicking_a_bar_of_the_chart_narrows_to_its_period(page: Any, seeds_url: str) -> None:
    page.goto(seeds_url + "/?period=year")
    bars = page.locator("svg.volume a.bar")
    assert bars.count() > 1
    busy = next(b for b in api(seeds_url, "/api/volume?period=year")["buckets"] if b["articles"])
    bar = page.locator(f"svg.volume a.bar[href*='start={busy['start']}']")
    bar.locator("rect").first.click()
    page.wait_for_url(f"**start={busy['start']}**")
    assert f"Narrowed to {busy['start']}" in page.locator("main").inner_text()
    screenshot(page, "timeline-narrowed")


def test_clicking_an_entity_reaches_its_page(page: Any, seeds_url: str) -> None:
    page.goto(seeds_url + "/")
    link = page.locator("p.featured a.entity-link").first
    name = link.inner_text()
    link.click()
    page.wait_for_url("**/entities/**")
    assert page.locator("h1#entity-name").inner_text() == name
    assert page.locator("ul#events li.event").count() >= 1
    screenshot(page, "entity")


def test_an_event_shows_both_sources_of_the_tokyo_talks(page: Any, seeds_url: str) -> None:
    event_id = tokyo_event_id(seeds_url)
    page.goto(seeds_url + "/?query=Tokyo")
    page.locator(f"a.event-link[href^='/events/{event_id}']").first.click()
    page.wait_for_url(f"**/events/{event_id}**")
    sources = page.locator("#sources article.claim")
    assert sources.count() >= 2
    text = page.locator("#sources").inner_text()
    for article_id in TOKYO_IDS:
        assert article_id in text
    assert page.locator("#sources mark.evidence").first.is_visible()
    assert page.locator("#side-by-side").is_visible()
    screenshot(page, "event")


def test_the_events_csv_downloads_and_reads_back(page: Any, seeds_url: str) -> None:
    page.goto(seeds_url + "/?query=Tokyo")
    with page.expect_download() as info:
        page.get_by_role("link", name="events CSV").click()
    download = info.value
    assert download.suggested_filename == "events.csv"
    with open(download.path(), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = api(seeds_url, "/api/events?query=Tokyo")
    assert len(rows) == expected["total"] > 0
    assert {r["id"] for r in rows} == {e["id"] for e in expected["events"]}
    assert all(r["type"] and r["sources"] for r in rows)


def test_article_disagreements_and_error_pages(page: Any, seeds_url: str) -> None:
    page.goto(f"{seeds_url}/articles/{TOKYO_IDS[0]}")
    assert page.locator("#text mark.timex").count() > 0
    assert page.locator("#text mark.ent").count() > 0
    screenshot(page, "article")
    scraped = max(api(seeds_url, "/api/articles")["articles"], key=lambda a: a["removed_lines"])
    page.goto(f"{seeds_url}/articles/{scraped['id']}")
    assert f"{scraped['removed_lines']} line(s) removed" in page.locator("#removed").inner_text()
    screenshot(page, "article-cleaned")
    page.goto(seeds_url + "/disagreements")
    assert page.locator("#conflicts tbody tr").count() > 0
    assert "weekday" in page.locator("#conflicts").inner_text()
    screenshot(page, "disagreements")
    for path, name in (("/events", "events"), ("/entities", "entities"), ("/articles", "articles")):
        page.goto(seeds_url + path)
        screenshot(page, name)
    response = page.goto(seeds_url + "/events/evt-nope")
    assert response is not None and response.status == 404
    assert page.locator("#error").is_visible()
    response = page.goto(seeds_url + "/?dates=-1")
    assert response is not None and response.status == 400
    assert "dates" in page.locator("p.message").inner_text()
    screenshot(page, "error-400")


def test_injected_markup_is_shown_as_text_and_nothing_runs(page: Any, hostile_url: str) -> None:
    events = api(hostile_url, "/api/events")["events"]
    paths = ["/", f"/articles/{HOSTILE_ID}", "/articles", "/entities"]
    paths += [f"/events/{e['id']}" for e in events[:3]]
    for path in paths:
        page.goto(hostile_url + path)
        page.wait_for_load_state("load")
        assert page.title() not in PWNED, path
        assert page.evaluate("document.querySelectorAll('script, img, iframe').length") == 0
        assert page.locator("a[href^='javascript' i]").count() == 0, path
    page.goto(f"{hostile_url}/articles/{HOSTILE_ID}")
    shown = page.locator("main").inner_text()
    for payload in INJECTIONS:
        assert payload in shown
    assert "javascript:document.title" in shown  # the url, as text, not a link
    screenshot(page, "injection-article")
    page.goto(hostile_url + "/")
    screenshot(page, "injection-timeline")
    assert page.dialogs == []
    assert page.title() not in PWNED


def test_the_csp_blocks_inline_script_and_allows_the_stylesheet(page: Any, seeds_url: str) -> None:
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    page.goto(seeds_url + "/")
    assert page.evaluate("getComputedStyle(document.body).maxWidth") == "1024px"  # serve.css
    page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = "document.title = 'pwned-script'";
            document.body.appendChild(script);
        }"""
    )
    page.wait_for_timeout(200)
    assert page.title() not in PWNED
    assert any("Content Security Policy" in v for v in violations)
