"""The web app (`dateline serve`) through Starlette's TestClient: routes, errors, CSP, escaping.

The stores are built by ``Store.add`` from ``../shared/seeds`` (read at test time) or from a
hostile corpus the tests write into a temporary folder.
"""

from __future__ import annotations

import asyncio
import csv
import gc
import hashlib
import http.client
import io
import json
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from serve_support import (
    HOSTILE_ID,
    INJECTIONS,
    JS_URL,
    build_store,
    live_server,
    write_hostile_corpus,
)

pytest.importorskip("starlette")
pytest.importorskip("httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note that it would prefer httpx2
    from starlette.testclient import TestClient

from dateline.export import timeline_from_dict
from dateline.serve import create_app, open_read_only
from dateline.serve.app import CSP
from dateline.serve.markup import Span, mark
from dateline.serve.params import MAX_QUERY_CHARS, ParamError, ViewParams
from dateline.store import Store

TOKYO_IDS = ("000_613e78535ea525a4", "001_7788abc44395178b")
BASE = "http://127.0.0.1"


@pytest.fixture(scope="module")
def seeds_db(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("serve-seeds") / "seeds.db", seeds_dir)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_hostile_corpus(tmp_path_factory.mktemp("hostile-corpus"))
    return build_store(tmp_path_factory.mktemp("serve-hostile") / "hostile.db", folder)


def client_for(db: Path) -> TestClient:
    return TestClient(create_app(open_read_only(db)), base_url=BASE, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def client(seeds_db: Path) -> Iterator[TestClient]:
    with client_for(seeds_db) as c:
        yield c


@pytest.fixture(scope="module")
def hostile(hostile_db: Path) -> Iterator[TestClient]:
    with client_for(hostile_db) as c:
        yield c


def tokyo_event(client: TestClient) -> dict[str, Any]:
    events = client.get("/api/events").json()["events"]
    for event in events:
        ids = {s["article_id"] for s in event["sources"]}
        if set(TOKYO_IDS) <= ids and event["location"] == "Tokyo":
            return event
    raise AssertionError("no Tokyo event with both seeds 000 and 001 as sources")


def raw_get(db: Path, path: bytes, query: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """One request straight into the ASGI app, with the path exactly as given (not normalised)."""
    app = create_app(open_read_only(db))
    out: dict[str, Any] = {"body": b""}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
            out["headers"] = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            out["body"] += message.get("body", b"")

    from urllib.parse import unquote_to_bytes

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote_to_bytes(path).decode("utf-8", "replace"),
        "raw_path": path,
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 1234),
        "server": ("127.0.0.1", 80),
    }
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    return out["status"], out["headers"], out["body"]


# --------------------------------------------------------------------------- pages


PAGES = ("/", "/events", "/entities", "/articles", "/disagreements", "/?query=Tokyo")


@pytest.mark.parametrize("path", PAGES)
def test_pages_answer_with_html_and_the_csp(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    doc = lxml.html.fromstring(response.text)
    assert doc.xpath("//script") == []
    assert doc.xpath("//link[@rel='stylesheet']/@href") == ["/static/serve.css"]


def test_csp_forbids_scripts_and_foreign_resources() -> None:
    directives = dict(d.strip().split(" ", 1) for d in CSP.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'none'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in CSP and "http" not in CSP


def test_timeline_page_cites_sources_and_links_events(client: TestClient) -> None:
    doc = lxml.html.fromstring(client.get("/").text)
    entries = doc.xpath("//section[@class='entry']")
    api = client.get("/api/timeline").json()
    assert len(entries) == len(api["entries"]) > 0
    assert doc.xpath("//span[@class='granularity']")
    article_links = set(doc.xpath("//ul[@class='sources']//a[@class='article-link']/@href"))
    cited = {r["article_id"] for e in api["entries"] for s in e["sentences"] for r in s["sources"]}
    assert {f"/articles/{a}" for a in cited} <= article_links
    event_links = doc.xpath("//a[@class='event-link']/@href")
    linked = {e for entry in api["entries"] for e in entry["event_ids"]}
    assert {f"/events/{e}" for e in linked} == set(event_links)


def test_timeline_lines_link_their_entities(client: TestClient) -> None:
    doc = lxml.html.fromstring(client.get("/").text)
    api = client.get("/api/timeline").json()
    lines = doc.xpath("//li[@class='line']/p[@class='text']")
    sentences = [s["text"] for e in api["entries"] for s in e["sentences"]]
    assert [p.text_content() for p in lines] == sentences  # every character, once
    links = doc.xpath("//li[@class='line']/p[@class='text']/a[@class='entity-link']")
    assert links
    for link in links:
        entity_id = link.get("href").split("/entities/", 1)[1].split("?")[0]
        entity = client.get(f"/api/entities/{entity_id}").json()["entity"]
        assert link.text_content() in (entity["name"], *entity["aliases"])


def test_query_narrows_the_timeline(client: TestClient) -> None:
    everything = client.get("/api/timeline").json()
    tokyo = client.get("/api/timeline", params={"query": "Tokyo"}).json()
    assert tokyo["query"] == "Tokyo"
    assert 0 < len(tokyo["entries"]) < len(everything["entries"])
    for entry in tokyo["entries"]:
        for sentence in entry["sentences"]:
            article = client.get(f"/api/articles/{sentence['article_id']}").json()["article"]
            assert "tokyo" in article["article"]["text"].lower()


def test_api_timeline_is_the_store_timeline(client: TestClient, seeds_db: Path) -> None:
    from dateline.export import timeline_to_dict
    from dateline.store import Store

    params = {"query": "defence", "dates": "3", "sentences": "1", "start": "2022-01-01"}
    served = client.get("/api/timeline", params=params).json()
    timeline_from_dict(served)  # a valid dateline.timeline/1 document
    import datetime as dt

    with Store(seeds_db, read_only=True) as store:
        direct = store.timeline(
            query="defence", dates=3, sentences=1, start=dt.date(2022, 1, 1), end=None
        )
    assert served == json.loads(json.dumps(timeline_to_dict(direct)))
    assert len(served["entries"]) <= 3
    assert all(len(e["sentences"]) <= 1 for e in served["entries"])


def test_event_page_shows_every_source_with_its_evidence(client: TestClient) -> None:
    event = tokyo_event(client)
    response = client.get(f"/events/{event['id']}")
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.text)
    claims = doc.xpath("//div[@id='sources']/article")
    text = " ".join(c.text_content() for c in claims)
    for article_id in TOKYO_IDS:
        assert article_id in text
    marked = [m.text_content() for m in doc.xpath("//mark[@class='evidence']")]
    assert any(e["text"].strip()[:40] in " ".join(marked) for e in event["evidence"])
    fields = doc.xpath("//dl[@id='fields']/dt/text()")
    for name in ("id", "type", "mode", "actors", "recipients", "date", "date_evidence"):
        assert name in fields
    assert doc.xpath("//table[@id='side-by-side']")


def test_entity_page_lists_aliases_roles_and_events(client: TestClient) -> None:
    event = tokyo_event(client)
    actor = event["actors"][0]
    doc = lxml.html.fromstring(client.get(f"/entities/{actor}").text)
    entity = client.get(f"/api/entities/{actor}").json()["entity"]
    assert doc.xpath("//h1[@id='entity-name']/text()") == [entity["name"]]
    links = doc.xpath("//ul[@id='events']//a[@class='event-link']/@href")
    assert f"/events/{event['id']}" in links
    assert doc.xpath("//svg[@class='strip']//circle")


def test_article_page_marks_time_expressions_and_entities(client: TestClient) -> None:
    article_id = TOKYO_IDS[0]
    data = client.get(f"/api/articles/{article_id}").json()["article"]
    doc = lxml.html.fromstring(client.get(f"/articles/{article_id}").text)
    timexes = doc.xpath("//div[@id='text']//mark[contains(@class, 'timex')]")
    expected = [m["text"] for s in data["sentences"] for m in s["time_mentions"]]
    assert len(timexes) >= len(expected) > 0
    assert doc.xpath("//div[@id='text']//mark[contains(@class, 'ent')]")
    shown = " ".join(p.text_content() for p in doc.xpath("//div[@id='text']/p"))
    assert " ".join(shown.split()) == " ".join(data["article"]["text"].split())
    assert (
        f"{data['article']['removed_lines']} line(s) removed"
        in doc.xpath("//p[@id='removed']")[0].text_content()
    )


def test_disagreements_page_lists_every_conflict(client: TestClient) -> None:
    conflicts = client.get("/api/disagreements").json()["conflicts"]
    events = client.get("/api/events").json()["events"]
    assert len([c for c in conflicts if c["event_id"]]) == sum(len(e["conflicts"]) for e in events)
    assert any(c["kind"] == "weekday" for c in conflicts), "seed 004's weekday contradiction"
    rows = lxml.html.fromstring(client.get("/disagreements").text).xpath(
        "//table[@id='conflicts']/tbody/tr"
    )
    assert len(rows) == len(conflicts)


def test_volume_bars_link_to_their_period(client: TestClient) -> None:
    volume = client.get("/api/volume").json()
    assert sum(b["articles"] for b in volume["buckets"]) + volume["undated_articles"] == 5
    doc = lxml.html.fromstring(client.get("/").text)
    hrefs = doc.xpath("//svg[@class='volume']//a/@href")
    assert len(hrefs) == len(volume["buckets"])
    busy = next(b for b in volume["buckets"] if b["articles"])
    href = next(h for h in hrefs if f"start={busy['start']}" in h)
    args = parse_qs(urlsplit(href).query)
    assert args["end"] == [busy["end"]]
    narrowed = client.get("/api/timeline", params={"start": busy["start"], "end": busy["end"]})
    assert narrowed.status_code == 200
    assert narrowed.json()["params"]["start"] == busy["start"]
    assert narrowed.json()["params"]["end"] == busy["end"]


# --------------------------------------------------------------------------- downloads


def test_downloads_are_the_export_formats(client: TestClient) -> None:
    csv_response = client.get("/download/events.csv", params={"query": "Tokyo"})
    assert csv_response.headers["content-disposition"] == 'attachment; filename="events.csv"'
    rows = list(csv.DictReader(io.StringIO(csv_response.text)))
    in_view = client.get("/api/events", params={"query": "Tokyo"}).json()
    assert len(rows) == in_view["total"] > 0
    assert {r["id"] for r in rows} == {e["id"] for e in in_view["events"]}
    assert len(rows) < client.get("/api/events").json()["total"]
    lines = client.get("/download/events.jsonl").text.splitlines()
    assert len(lines) == client.get("/api/events").json()["total"]
    assert all(json.loads(line)["id"] for line in lines)
    entities = client.get("/download/entities.json").json()
    assert entities["schema"] == "dateline.entities/1" and entities["entities"]
    timeline = client.get("/download/timeline.json", params={"dates": "4"}).json()
    assert len(timeline_from_dict(timeline).entries) <= 4
    assert client.get("/download/timeline.md").text.startswith("# Timeline")
    assert "events" in client.get("/download/timelinejs.json").json()


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "path",
    [
        "/events/evt-doesnotexist",
        "/entities/nobody",
        "/articles/no-such-article",
        "/api/events/evt-doesnotexist",
        "/api/entities/nobody",
        "/api/articles/no-such-article",
        "/download/secrets.txt",
        "/static/missing.css",
        "/no/such/page",
    ],
)
def test_unknown_ids_are_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-security-policy"] == CSP
    assert "Traceback" not in response.text
    if path.startswith(("/api/", "/download/")):
        assert response.json()["status"] == 404


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ({"dates": "-1"}, "dates"),
        ({"dates": "abc"}, "dates"),
        ({"sentences": "0"}, "sentences"),
        ({"dates": "99999999999999999999"}, "dates"),
        ({"start": "2022-13-01"}, "start"),
        ({"end": "yesterday"}, "end"),
        ({"start": "2023-01-02", "end": "2023-01-01"}, "after"),
        ({"period": "fortnight"}, "period"),
        ({"page": "0"}, "page"),
        ({"query": "x" * (MAX_QUERY_CHARS + 1)}, "query"),
    ],
)
@pytest.mark.parametrize("path", ["/", "/api/timeline", "/events", "/download/events.csv"])
def test_bad_parameters_are_400_with_a_message(
    client: TestClient, path: str, query: dict[str, str], needle: str
) -> None:
    response = client.get(path, params=query)
    assert response.status_code == 400, response.text[:200]
    assert response.headers["content-security-policy"] == CSP
    assert needle in response.text and "Traceback" not in response.text
    if path.startswith(("/api/", "/download/")):
        assert needle in response.json()["error"]
    else:
        assert lxml.html.fromstring(response.text).xpath("//p[@class='message']")


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "AND",
        "OR NOT",
        "NEAR(a b)",
        "*",
        "col:tokyo",
        "tokyo*",
        "^tokyo",
        "a AND (b",
        "\\",
        "東京",
    ],
)
def test_search_syntax_in_a_query_is_just_text(client: TestClient, query: str) -> None:
    for path in ("/", "/api/timeline", "/events", "/download/events.csv"):
        assert client.get(path, params={"query": query}).status_code == 200, (path, query)


def test_a_100_kb_query_is_400(seeds_db: Path) -> None:
    status, headers, body = raw_get(seeds_db, b"/", b"query=" + b"a" * 100_000)
    assert status == 400
    assert headers["content-security-policy"] == CSP
    assert b"at most 500 characters" in body


def test_a_100_kb_query_is_400_from_the_live_server(seeds_db: Path) -> None:
    with live_server(seeds_db) as base:
        host, port = urlsplit(base).hostname, urlsplit(base).port
        connection = http.client.HTTPConnection(host or "", port, timeout=20)
        connection.request("GET", "/api/timeline?query=" + "a" * 100_000)
        response = connection.getresponse()
        body = response.read().decode()
        connection.close()
    assert response.status == 400
    assert response.getheader("content-security-policy") == CSP
    assert "at most 500 characters" in json.loads(body)["error"]


TRAVERSALS = [
    b"/static/../../etc/passwd",
    b"/static/..%2f..%2fetc%2fpasswd",
    b"/static/%2e%2e/%2e%2e/etc/passwd",
    b"/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    b"/static/%252e%252e%252fetc%252fpasswd",
    b"/static/..%5c..%5cetc%5cpasswd",
    b"/static/%c0%ae%c0%ae/etc/passwd",
    b"/static//etc/passwd",
    b"/static/serve.css/../../../etc/passwd",
    b"/static/%00../etc/passwd",
]


@pytest.mark.parametrize("path", TRAVERSALS, ids=lambda p: p.decode())
def test_no_path_outside_the_assets(seeds_db: Path, path: bytes) -> None:
    status, headers, body = raw_get(seeds_db, path)
    assert status == 404
    assert b"root:" not in body
    assert headers["content-security-policy"] == CSP


def test_only_the_apps_assets_are_served(client: TestClient) -> None:
    css = client.get("/static/serve.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert client.get("/static/__init__.py").status_code == 404
    assert client.get("/static/app.py").status_code == 404


def test_a_foreign_host_header_is_refused(client: TestClient) -> None:
    response = client.get("/", headers={"host": "attacker.example"})
    assert response.status_code == 400
    assert response.headers["content-security-policy"] == CSP
    assert client.get("/", headers={"host": "localhost:8765"}).status_code == 200


def test_allowed_hosts_follow_the_listening_address() -> None:
    from dateline.serve.app import allowed_hosts_for

    assert "attacker.example" not in allowed_hosts_for("127.0.0.1")
    assert "192.168.1.5" in allowed_hosts_for("192.168.1.5")
    assert "localhost" in allowed_hosts_for("192.168.1.5")
    assert allowed_hosts_for("0.0.0.0") == ("*",)


class FailingStore:
    """A store whose every read fails unexpectedly: the app must answer 500 without a traceback."""

    @property
    def generation(self) -> int:
        raise RuntimeError("secret internal detail /etc/shadow")


def test_an_unexpected_failure_is_a_plain_500() -> None:
    with TestClient(
        create_app(lambda: FailingStore()),  # type: ignore[arg-type, return-value]
        base_url=BASE,
        raise_server_exceptions=False,
    ) as failing:
        response = failing.get("/")
    assert response.status_code == 500
    assert response.headers["content-security-policy"] == CSP
    assert "secret" not in response.text and "Traceback" not in response.text


def test_a_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dateline.cli import cli
    from dateline.errors import DatelineError

    with pytest.raises(DatelineError, match=r"nothing\.db"):
        open_read_only(tmp_path / "nothing.db")
    result = CliRunner().invoke(cli, ["serve", "--store", str(tmp_path / "nothing.db")])
    assert result.exit_code == 1
    assert "nothing.db" in result.output and "Traceback" not in result.output


# --------------------------------------------------------------------------- escaping


HOSTILE_PAGES = ("/", f"/articles/{HOSTILE_ID}", "/articles", "/events", "/entities")


@pytest.mark.parametrize("path", HOSTILE_PAGES)
def test_hostile_text_is_escaped(hostile: TestClient, path: str) -> None:
    response = hostile.get(path)
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.text)
    assert doc.xpath("//script") == [] and doc.xpath("//img") == []
    assert doc.xpath("//svg[@onload]") == []
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        assert not [a for a in element.attrib if a.lower().startswith("on")], element.tag
        for name in ("href", "src", "action"):
            assert not element.get(name, "").strip().lower().startswith("javascript:")
    if path == f"/articles/{HOSTILE_ID}":
        text = doc.text_content()
        for payload in INJECTIONS:
            assert payload in text  # shown, as text
        assert JS_URL in text


def test_hostile_event_pages_are_escaped(hostile: TestClient) -> None:
    events = hostile.get("/api/events").json()["events"]
    assert events, "the hostile corpus should give at least one event"
    for event in events:
        doc = lxml.html.fromstring(hostile.get(f"/events/{event['id']}").text)
        assert doc.xpath("//script") == [] and doc.xpath("//img") == []
        assert not doc.xpath("//a[starts-with(normalize-space(@href), 'javascript')]")


def test_hostile_downloads_defuse_formulas_and_stay_text(hostile: TestClient) -> None:
    md = hostile.get("/download/timeline.md").text
    assert "<script>" not in md
    rows = list(csv.DictReader(io.StringIO(hostile.get("/download/events.csv").text)))
    assert all(not v.startswith(("=", "+", "@")) for r in rows for v in r.values())


# --------------------------------------------------------------------------- reload and read-only


def test_a_reload_shows_articles_added_meanwhile(seeds_dir: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    seeds = sorted(seeds_dir.glob("*.txt"))
    for seed in seeds[:3]:
        shutil.copy(seed, first / seed.name)  # copied into a temporary folder, not the repo
    for seed in seeds[3:]:
        shutil.copy(seed, second / seed.name)
    db = build_store(tmp_path / "growing.db", first)
    with client_for(db) as app:
        before = app.get("/api/status").json()
        assert before["status"]["articles"] == 3
        assert app.get(f"/articles/{seeds[4].stem}").status_code == 404
        # Downloads and the volume chart are kept per view: a reload must not serve old ones.
        events_before = app.get("/download/events.jsonl").text.splitlines()
        assert app.get("/download/events.jsonl").text.splitlines() == events_before
        assert _charted_articles(app) == 3
        build_store(db, second)  # `dateline add` on the same store while the app runs
        after = app.get("/api/status").json()
        assert after["status"]["articles"] == 5
        assert after["generation"] != before["generation"]
        events_after = app.get("/download/events.jsonl").text.splitlines()
        assert len(events_after) == after["status"]["events"] != len(events_before)
        assert _charted_articles(app) == 5
        assert app.get(f"/articles/{seeds[4].stem}").status_code == 200
        listed = lxml.html.fromstring(app.get("/articles").text).xpath("//ul[@id='articles']/li")
        assert len(listed) == 5


def _charted_articles(app: TestClient) -> int:
    volume = app.get("/api/volume").json()
    return sum(b["articles"] for b in volume["buckets"]) + volume["undated_articles"]


def test_the_app_leaves_the_store_file_unchanged(seeds_db: Path) -> None:
    digest = hashlib.sha256(seeds_db.read_bytes()).hexdigest()
    with client_for(seeds_db) as app:
        for path in PAGES:
            assert app.get(path).status_code == 200
        store = app.app.app.state.dateline.view.store  # type: ignore[attr-defined]
        assert store.read_only is True
    assert hashlib.sha256(seeds_db.read_bytes()).hexdigest() == digest


# --------------------------------------------------------------------------- units


def test_view_params_round_trip_through_the_query_string() -> None:
    args = {"query": " cable  talks ", "dates": "5", "start": "2023-01-01", "period": "week"}
    params = ViewParams.parse(args)
    assert params.query == "cable talks" and params.dates == 5 and params.sentences == 2
    again = ViewParams.parse({k: v[0] for k, v in parse_qs(params.query_string()[1:]).items()})
    assert again == params
    assert ViewParams.parse({}).query_string() == ""
    with pytest.raises(ParamError, match="control characters"):
        ViewParams.parse({"query": "a\x00b"})


def test_marks_nest_when_spans_overlap() -> None:
    html = mark("Tokyo on Wednesday <b>", [Span(0, 18, "ent", "GPE"), Span(9, 18, "timex", "x")])
    assert str(html) == (
        '<mark class="ent" title="GPE">Tokyo on </mark>'
        '<mark class="ent" title="GPE"><mark class="timex" title="x">Wednesday</mark></mark>'
        " &lt;b&gt;"
    )


@given(
    st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co")), max_size=60),
    st.lists(st.tuples(st.integers(-5, 70), st.integers(-5, 70)), max_size=6),
)
def test_marking_keeps_every_character_once(text: str, bounds: list[tuple[int, int]]) -> None:
    html = mark(text, [Span(a, b, "k", "<n>") for a, b in bounds])
    assert isinstance(html, Markup)
    root = lxml.html.fragment_fromstring(f"<div>{html}</div>")
    assert root.text_content() == text


def test_warm_start_reads_the_store_before_the_first_request(seeds_db: Path) -> None:
    app = create_app(open_read_only(seeds_db), warm=True)
    state = app.app.state.dateline  # type: ignore[attr-defined]
    assert state._view is None
    with TestClient(app, base_url=BASE) as warmed:
        snapshot = state._view._snapshot
        assert snapshot is not None and snapshot._articles is not None
        assert len(snapshot._timelines) == 1
        assert warmed.get("/").status_code == 200
        assert len(snapshot._timelines) == 1  # the default view was already computed
        # ... and its evidence is kept for the next views, which equal the store's (read from the
        # store's timeline rows: no analysis is decoded).
        cache = state._view.cache
        assert len(cache) == 0 and len(cache._evidence) == 1
        api = warmed.get("/api/timeline", params={"dates": 3, "sentences": 1}).json()
        assert len(cache._evidence) == 1  # another dates/sentences of the same view
        with Store(seeds_db, read_only=True) as store:
            expected = store.timeline(dates=3, sentences=1)
        assert timeline_from_dict(api).entries == expected.entries
    assert state._view is None  # closed on shutdown


def test_the_serve_command_serves_the_store(seeds_db: Path) -> None:
    import subprocess
    import sys
    import time

    from serve_support import free_port

    port = free_port()
    script = "import sys; from dateline.cli import main; sys.argv[0] = 'dateline'; main()"
    process = subprocess.Popen(
        [sys.executable, "-c", script, "serve", "--store", str(seeds_db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/api/status")
                response = connection.getresponse()
                status = (response.status, json.loads(response.read()))
                connection.close()
                break
            except OSError:
                time.sleep(0.2)
        assert status is not None, "dateline serve did not answer within 60 s"
        assert status[0] == 200 and status[1]["status"]["articles"] == 5
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in output


def test_the_cycle_collector_waits_for_the_response_and_runs_again_after(seeds_db: Path) -> None:
    """Paused while a request is answered (its new objects are collected after the response is
    sent), enabled again after every request, a failed one included."""
    from starlette.responses import PlainTextResponse

    from dateline.serve.app import CollectAfterResponse

    seen: list[bool] = []

    async def answer(scope: Any, receive: Any, send: Any) -> None:
        seen.append(gc.isenabled())
        if scope["path"] == "/fail":
            raise RuntimeError("boom")
        await PlainTextResponse("ok")(scope, receive, send)

    assert gc.isenabled()
    client = TestClient(CollectAfterResponse(answer), raise_server_exceptions=False)
    assert client.get("/").text == "ok"
    assert gc.isenabled()
    assert client.get("/fail").status_code == 500
    assert gc.isenabled()
    assert seen == [False, False]
    with client_for(seeds_db) as app:
        assert app.get("/").status_code == 200
    assert gc.isenabled()
