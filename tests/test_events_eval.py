"""Event scoring rules, gold loading errors, and the gate on the example corpus."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from dateline.errors import EvaluationError
from dateline.events_eval import (
    GoldEntity,
    GoldEvent,
    load_gold_entities,
    load_gold_events,
    normalise_name,
    score_entities,
    score_events,
)
from dateline.records import Entity, Event

ROOT = Path(__file__).resolve().parents[1]


def _event(event_id: str, kind: str, date: str | None, *actors: str) -> Event:
    return Event(
        id=event_id,
        type=kind,
        mode=None,
        actors=tuple(f"ent-{a.lower().replace(' ', '-')}" for a in actors),
        recipients=(),
        date=date,
        granularity="day" if date and len(date) == 10 else "month",
        date_evidence=None,
        location=None,
        status="reported",
        evidence=(),
        sources=(),
        confidence=0.5,
        actor_names=actors,
    )


def _entity(name: str, *aliases: str) -> Entity:
    return Entity(
        id=f"ent-{name.lower().replace(' ', '-')}", name=name, type="PERSON", aliases=aliases
    )


GOLD = [
    GoldEvent("g-talks", "CONSULT", "2024-03-07", "day", ("Helena Teixeira", "Karim Benjelloun")),
    GoldEvent("g-mou", "AGREE", "2023-11", "month", ("Portugal", "Morocco")),
]
GOLD_ENTITIES = [GoldEntity("Helena Teixeira", "PERSON", ("Teixeira",))]


def test_a_match_needs_type_date_and_an_actor() -> None:
    system = [
        _event("s1", "CONSULT", "2024-03-07", "Teixeira"),  # matches through the gold alias
        _event("s2", "AGREE", "2023-11", "Spain"),  # wrong actor
        _event("s3", "SUPPORT", "2024-03-07", "Helena Teixeira"),  # wrong type
    ]
    scores = score_events(GOLD, GOLD_ENTITIES, system, [_entity("Teixeira")])
    assert [(g, s) for g, s, _ in scores.matches] == [("g-talks", "s1")]
    assert scores.precision == pytest.approx(1 / 3)
    assert scores.recall == pytest.approx(1 / 2)
    assert scores.f1 == pytest.approx(0.4)
    assert scores.missed == ("g-mou",) and set(scores.spurious) == {"s2", "s3"}


def test_coarser_date_matches_but_is_not_date_accurate() -> None:
    system = [_event("s1", "CONSULT", "2024-03", "Karim Benjelloun")]
    scores = score_events(GOLD, GOLD_ENTITIES, system, [])
    assert len(scores.matches) == 1 and scores.date_accuracy == 0.0


def test_wrong_day_does_not_match() -> None:
    system = [_event("s1", "CONSULT", "2024-03-08", "Karim Benjelloun")]
    assert score_events(GOLD, GOLD_ENTITIES, system, []).matches == ()


def test_matching_is_one_to_one_and_prefers_the_exact_date() -> None:
    system = [
        _event("coarse", "CONSULT", "2024-03", "Helena Teixeira"),
        _event("exact", "CONSULT", "2024-03-07", "Helena Teixeira"),
    ]
    scores = score_events(GOLD, GOLD_ENTITIES, system, [])
    assert scores.matches == (("g-talks", "exact", True),)
    assert scores.date_accuracy == 1.0 and scores.precision == 0.5


def test_names_compare_without_accents_case_or_article() -> None:
    assert normalise_name("The Lusitânia Grid") == normalise_name("lusitania grid")


def test_entity_scores_count_split_entities() -> None:
    gold = [GoldEntity("Nadia El Fassi", "PERSON", ("El Fassi",)), GoldEntity("Rabat", "GPE")]
    system = [_entity("Nadia El Fassi"), _entity("El Fassi")]
    scores = score_entities(gold, system)
    assert scores.found == 0.5 and scores.cohesive == 0.0


def test_gold_loading_errors_name_the_file_and_line(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text('{"id": "a", "type": "AGREE", "actors": ["X"]}\n{"id": "b"\n', "utf-8")
    with pytest.raises(EvaluationError, match=r"events\.jsonl:2"):
        load_gold_events(events)
    events.write_text('{"id": "a", "type": "AGREE", "actors": "X"}\n', "utf-8")
    with pytest.raises(EvaluationError, match="list of names"):
        load_gold_events(events)
    with pytest.raises(EvaluationError, match="not found"):
        load_gold_entities(tmp_path / "missing.json")


def test_example_gold_loads() -> None:
    events = load_gold_events(ROOT / "examples" / "gold" / "events.jsonl")
    entities = load_gold_entities(ROOT / "examples" / "gold" / "entities.json")
    assert len(events) >= 5 and len({e.id for e in events}) == len(events)
    known = {normalise_name(n) for e in entities for n in (e.name, *e.aliases)}
    assert all(normalise_name(a) in known for e in events for a in e.actors)


def test_events_eval_meets_its_floors(examples_dir: Path) -> None:
    """The benchmark script end to end: its last line is JSON and no figure is below its floor."""
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "events_eval.py"),
            str(ROOT / "examples" / "gold"),
            str(examples_dir),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(figures) == {"precision", "recall", "f1", "date_accuracy"}
    floors = json.loads((ROOT / "eval" / "events_floors.json").read_text("utf-8"))
    for name, value in figures.items():
        assert value >= floors[name], f"{name} {value} fell below its floor {floors[name]}"


# --------------------------------------------------------------------------- Timeline17 gold set


def test_t17_gold_set_loads_and_every_quote_is_in_its_article(t17_dir: Path) -> None:
    from dateline.events_eval import load_t17_set, t17_documents

    gold_set = load_t17_set(ROOT / "eval" / "events_t17")
    topics = {a.topic for a in gold_set.articles}
    assert len(topics) == 9 and len(gold_set.articles) >= 100
    assert {a.topic for a in gold_set.articles if a.split == "test"} == set(gold_set.test_topics)
    assert len(gold_set.test_topics) == 3
    hidden = sum(a.date_hidden for a in gold_set.articles)
    assert abs(hidden - len(gold_set.articles) / 3) <= 9
    docs = t17_documents(gold_set, t17_dir)
    for g in gold_set.gold:
        assert g.quote in str(docs[g.article]["text"]), g.id
    for a in gold_set.articles:
        assert ("time" in docs[a.id]) is (not a.date_hidden)


def test_detokenise_reads_like_written_text() -> None:
    from dateline.events_eval import detokenise

    text = "Obama 's plan -LRB- the `` new '' one -RRB- costs $ 5 and they do n't care .\nOK ."
    assert detokenise(text) == "Obama's plan (the \"new\" one) costs $5 and they don't care. OK."
    assert detokenise("an out - of - state fisherman , BP - owned .") == (
        "an out-of-state fisherman, BP-owned."
    )


def test_t17_scoring_counts_a_merged_event_as_wrong() -> None:
    from dateline.events_eval import T17Gold, score_t17
    from dateline.records import Evidence

    text = "Britain urged the AU on Monday. The AU called for a pause on Monday."
    gold = [
        T17Gold("g1", "a", "REQUEST", "2024-03-04", "day", ("Britain",), ("AU",), None,
                "reported", "Britain urged"),
        T17Gold("g2", "a", "REQUEST", "2024-03-04", "day", ("AU",), (), None, "reported",
                "The AU called"),
    ]  # fmt: skip
    first, second = Evidence(text[:31], "a", 0, 31), Evidence(text[32:], "a", 32, len(text))

    def event(event_id: str, *evidence: Evidence, names: tuple[str, ...]) -> Event:
        return replace(_event(event_id, "REQUEST", "2024-03-04", *names), evidence=evidence)

    apart = [event("e1", first, names=("Britain",)), event("e2", second, names=("AU",))]
    scores = score_t17(gold, apart, [], {"a": text})
    assert (scores.matched, scores.merged, scores.recall, scores.precision) == (2, 0, 1.0, 1.0)
    lumped = [event("e1", first, second, names=("Britain", "AU"))]
    scores = score_t17(gold, lumped, [], {"a": text})
    assert (scores.matched, scores.merged, scores.precision) == (0, 1, 0.0)
    coarse = [replace(apart[0], date="2024-03")]
    assert score_t17(gold[:1], coarse, [], {"a": text}).matched == 0  # coarser than the gold


def test_t17_gate_on_a_slice_meets_its_floors(t17_dir: Path) -> None:
    """Two development topics end to end (about 10 s); floors in eval/events_floors.json."""
    floors = json.loads((ROOT / "eval" / "events_floors.json").read_text("utf-8"))["t17_slice"]
    command = [sys.executable, str(ROOT / "benchmarks" / "events_eval.py"), "--t17"]
    command += [str(ROOT / "eval" / "events_t17"), "--t17-root", str(t17_dir), "--split", "dev"]
    for topic in floors["topics"]:
        command += ["--topic", topic]
    result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=600)
    figures = json.loads(result.stdout.strip().splitlines()[-1])["dev"]
    for name in ("recall", "precision"):
        assert figures[name] >= floors[name], f"{name} {figures[name]} below {floors[name]}"
