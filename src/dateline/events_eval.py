"""Scoring event records against a hand-written gold set.

An event *matches* a gold event when the PLOVER type is the same, the dates are compatible (equal,
or one is the other at a coarser granularity: "2024-03" and "2024-03-07") and at least one
participant (actor or recipient, on either side) is the same entity. Participants are compared by
name: a gold name, or one of its aliases in the gold ``entities.json``, equal to the system
entity's canonical name or one of its aliases, after lower-casing, stripping accents and a leading
"the". Matching is one-to-one, best pairs first (exact date, then most shared participants).

Precision = matched / system events, recall = matched / gold events, F1 their harmonic mean, and
date accuracy = matched pairs whose date value is exactly the gold value.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dateline.errors import EvaluationError
from dateline.records import Entity, Event


@dataclass(frozen=True, slots=True)
class GoldEvent:
    id: str
    type: str
    date: str | None
    granularity: str
    actors: tuple[str, ...]
    status: str = "reported"
    mode: str | None = None
    location: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GoldEntity:
    name: str
    type: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EventScores:
    precision: float
    recall: float
    f1: float
    date_accuracy: float
    #: (gold id, system event id, exact date?) for each match.
    matches: tuple[tuple[str, str, bool], ...] = ()
    missed: tuple[str, ...] = ()
    spurious: tuple[str, ...] = ()

    def as_json(self) -> dict[str, float]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "date_accuracy": round(self.date_accuracy, 4),
        }


@dataclass(frozen=True, slots=True)
class EntityScores:
    """How many gold entities were found, and found as *one* entity under all their names."""

    found: float
    cohesive: float
    details: tuple[tuple[str, int], ...] = field(default_factory=tuple)


def normalise_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[’'`]", "'", text.lower())
    text = re.sub(r"^the\s+", "", text.strip())
    return re.sub(r"\s+", " ", text)


def _required(record: dict[str, object], key: str, where: str) -> object:
    if key not in record:
        raise EvaluationError(f"{where}: missing field {key!r}")
    return record[key]


def load_gold_events(path: Path) -> list[GoldEvent]:
    """Read ``events.jsonl``: one gold event per line; errors name the file and line."""
    if not path.is_file():
        raise EvaluationError(f"gold events file not found: {path}")
    events: list[GoldEvent] = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvaluationError(f"{where}: not JSON ({exc})") from exc
        if not isinstance(record, dict):
            raise EvaluationError(f"{where}: expected an object")
        actors = _required(record, "actors", where)
        if not isinstance(actors, list) or not all(isinstance(a, str) for a in actors):
            raise EvaluationError(f"{where}: 'actors' must be a list of names")
        date = record.get("date")
        if date is not None and not isinstance(date, str):
            raise EvaluationError(f"{where}: 'date' must be an ISO string or null")
        events.append(
            GoldEvent(
                id=str(_required(record, "id", where)),
                type=str(_required(record, "type", where)),
                date=date,
                granularity=str(record.get("granularity", "day")),
                actors=tuple(actors),
                status=str(record.get("status", "reported")),
                mode=record.get("mode") if isinstance(record.get("mode"), str) else None,
                location=record.get("location")
                if isinstance(record.get("location"), str)
                else None,
                sources=tuple(str(s) for s in record.get("sources", []) or []),
            )
        )
    if not events:
        raise EvaluationError(f"{path}: no gold events")
    return events


def load_gold_entities(path: Path) -> list[GoldEntity]:
    """Read ``entities.json`` (``{"entities": [{"name", "type", "aliases"}, ...]}``)."""
    if not path.is_file():
        raise EvaluationError(f"gold entities file not found: {path}")
    try:
        data = json.loads(path.read_text("utf-8"))
        return [
            GoldEntity(str(e["name"]), str(e["type"]), tuple(str(a) for a in e.get("aliases", [])))
            for e in data["entities"]
        ]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise EvaluationError(
            f"{path}: malformed gold entities ({type(exc).__name__}: {exc})"
        ) from exc


def dates_compatible(gold: str | None, system: str | None) -> bool:
    if gold is None or system is None:
        return gold is None and system is None
    width = min(len(gold), len(system))
    return gold[:width] == system[:width]


def _gold_names(name: str, entities: dict[str, GoldEntity]) -> set[str]:
    entity = entities.get(normalise_name(name))
    names = {normalise_name(name)}
    if entity is not None:
        names |= {normalise_name(entity.name)} | {normalise_name(a) for a in entity.aliases}
    return names


def _system_names(event: Event, entities: dict[str, Entity]) -> set[str]:
    names: set[str] = set()
    for entity_id in (*event.actors, *event.recipients):
        entity = entities.get(entity_id)
        if entity is None:
            names.add(normalise_name(entity_id))
            continue
        names.add(normalise_name(entity.name))
        names |= {normalise_name(a) for a in entity.aliases}
    names |= {normalise_name(n) for n in (*event.actor_names, *event.recipient_names)}
    return names


def score_events(
    gold: Sequence[GoldEvent],
    gold_entities: Sequence[GoldEntity],
    system: Sequence[Event],
    system_entities: Iterable[Entity],
) -> EventScores:
    """Precision, recall, F1 and date accuracy (rules in the module docstring)."""
    by_gold_name: dict[str, GoldEntity] = {}
    for entity in gold_entities:
        for name in (entity.name, *entity.aliases):
            by_gold_name.setdefault(normalise_name(name), entity)
    entities = {e.id: e for e in system_entities}
    candidates: list[tuple[bool, int, str, str]] = []
    for g in gold:
        gold_names = [_gold_names(a, by_gold_name) for a in g.actors]
        for s in system:
            if s.type != g.type or not dates_compatible(g.date, s.date):
                continue
            names = _system_names(s, entities)
            shared = sum(1 for variants in gold_names if variants & names)
            if shared:
                candidates.append((g.date == s.date, shared, g.id, s.id))
    candidates.sort(key=lambda c: (not c[0], -c[1], c[2], c[3]))
    matched_gold: set[str] = set()
    matched_system: set[str] = set()
    matches: list[tuple[str, str, bool]] = []
    for exact, _shared, gold_id, system_id in candidates:
        if gold_id in matched_gold or system_id in matched_system:
            continue
        matched_gold.add(gold_id)
        matched_system.add(system_id)
        matches.append((gold_id, system_id, exact))
    precision = len(matches) / len(system) if system else 0.0
    recall = len(matches) / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    date_accuracy = sum(1 for m in matches if m[2]) / len(matches) if matches else 0.0
    return EventScores(
        precision=precision,
        recall=recall,
        f1=f1,
        date_accuracy=date_accuracy,
        matches=tuple(matches),
        missed=tuple(g.id for g in gold if g.id not in matched_gold),
        spurious=tuple(s.id for s in system if s.id not in matched_system),
    )


def score_entities(
    gold_entities: Sequence[GoldEntity], system_entities: Iterable[Entity]
) -> EntityScores:
    """Share of gold entities found under some name, and found as a single system entity."""
    owners: dict[str, set[str]] = {}
    for entity in system_entities:
        for name in (entity.name, *entity.aliases):
            owners.setdefault(normalise_name(name), set()).add(entity.id)
    found = cohesive = 0
    details: list[tuple[str, int]] = []
    for gold in gold_entities:
        ids: set[str] = set()
        for name in (gold.name, *gold.aliases):
            ids |= owners.get(normalise_name(name), set())
        details.append((gold.name, len(ids)))
        found += bool(ids)
        cohesive += len(ids) == 1
    total = len(gold_entities) or 1
    return EntityScores(found / total, cohesive / total, tuple(details))
