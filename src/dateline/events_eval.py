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

import gzip
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


# --- Timeline17 as a user's text ----------------------------------------------------------------

_BRACKETS = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}
_NO_SPACE_BEFORE = {".", ",", ":", ";", "?", "!", ")", "]", "}", "%", "...", "'s", "'S"}
_CLITICS = ("n't", "'s", "'re", "'ve", "'m", "'ll", "'d", "'S", "N'T")
_NO_SPACE_AFTER = {"(", "[", "{", "$", "#"}


def detokenise(text: str) -> str:
    """Turn Timeline17's tokenised text (one sentence a line) into text as a person writes it.

    "Obama 's plan -LRB- the `` new '' one -RRB- costs $ 5 ." → "Obama's plan (the "new" one)
    costs $5." Sentences are joined with one space; a line that ends without a full stop (a
    headline or a dateline) is kept as its own paragraph.
    """
    out_lines: list[str] = []
    for line in text.splitlines():
        line = re.sub(r"` `|' '", lambda m: "``" if m[0][0] == "`" else "''", line)
        line = re.sub(r"(?<=\w) - (?=[a-z0-9])", "-", line)  # "out - of - state", "BP - owned"
        line = line.replace("Fla. .", "Fla.").replace(". .", ".")
        tokens = [_BRACKETS.get(tok, tok) for tok in line.split()]
        if not tokens:
            continue
        words: list[str] = []
        quote_open = False
        glue_next = False
        for tok in tokens:
            if tok in ("``", "''", '"'):
                if tok == "``" or (tok == '"' and not quote_open):
                    quote_open = True
                    if words:
                        words.append(" ")
                    words.append('"')
                    glue_next = True
                    continue
                quote_open = False
                words.append('"')
                continue
            if tok == "`":
                tok = "'"
            attach = glue_next or not words or tok in _NO_SPACE_BEFORE or tok in _CLITICS
            if not attach:
                words.append(" ")
            words.append(tok)
            glue_next = tok in _NO_SPACE_AFTER
        out_lines.append("".join(words))
    paragraphs: list[str] = []
    current: list[str] = []
    for line in out_lines:
        current.append(line)
        if re.search(r"\w$", line) and len(line.split()) <= 15:  # a headline or a dateline
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


# --- the Timeline17 gold set (eval/events_t17) ---------------------------------------------------

#: Types a gold event may be matched by besides its own (the brief's "compatible type"): each pair
#: is one PLOVER family where news wording decides which word applies — a diplomatic complaint is
#: an accusation or a protest, an arrest and a raid are coercion or assault, a joint effort is
#: cooperation or agreement, backing is support or cooperation or aid.
COMPATIBLE_TYPES: frozenset[frozenset[str]] = frozenset(
    frozenset(pair)
    for pair in (
        ("ACCUSE", "PROTEST"),
        ("COERCE", "SANCTION"),
        ("COERCE", "ASSAULT"),
        ("AGREE", "COOPERATE"),
        ("SUPPORT", "COOPERATE"),
        ("SUPPORT", "AID"),
    )
)


def types_compatible(gold: str, system: str) -> bool:
    return gold == system or frozenset((gold, system)) in COMPATIBLE_TYPES


def date_at_granularity(gold: str | None, system: str | None) -> bool:
    """The system date gives the gold date at the gold's granularity (or both are unknown).

    "2011-02-03" gives "2011-02" and "2011-02-03"; "2011-02" does not give "2011-02-03"; an
    undated gold event (the text does not say when) is matched only by an undated system event.
    """
    if gold is None or system is None:
        return gold is None and system is None
    return len(system) >= len(gold) and system[: len(gold)] == gold


@dataclass(frozen=True, slots=True)
class T17Article:
    """One article of the gold set: its id (``topic/id``), split, and whether its date is hidden."""

    id: str
    topic: str
    t17_id: str
    split: str
    date_hidden: bool


@dataclass(frozen=True, slots=True)
class T17Gold:
    id: str
    article: str
    type: str
    date: str | None
    granularity: str
    actors: tuple[str, ...]
    recipients: tuple[str, ...]
    location: str | None
    status: str
    #: Words of the sentence that reports the event, as in the detokenised text.
    quote: str

    @property
    def participants(self) -> tuple[str, ...]:
        return self.actors + self.recipients


@dataclass(frozen=True, slots=True)
class T17Set:
    lines: int
    test_topics: tuple[str, ...]
    articles: tuple[T17Article, ...]
    gold: tuple[T17Gold, ...]


def load_t17_set(folder: Path) -> T17Set:
    """Read ``ids.json`` and ``gold.jsonl`` of a Timeline17 gold folder; errors name the line."""
    ids_path, gold_path = folder / "ids.json", folder / "gold.jsonl"
    for path in (ids_path, gold_path):
        if not path.is_file():
            raise EvaluationError(f"gold file not found: {path}")
    try:
        spec = json.loads(ids_path.read_text("utf-8"))
        test_topics = tuple(str(t) for t in spec["test_topics"])
        articles = tuple(
            T17Article(
                id=f"{a['topic']}/{a['id']}",
                topic=str(a["topic"]),
                t17_id=str(a["id"]),
                split=str(a["split"]),
                date_hidden=bool(a["date_hidden"]),
            )
            for a in spec["articles"]
        )
        lines = int(spec["lines"])
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise EvaluationError(f"{ids_path}: malformed ({type(exc).__name__}: {exc})") from exc
    known = {a.id for a in articles}
    gold: list[T17Gold] = []
    for number, line in enumerate(gold_path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{gold_path}:{number}"
        try:
            r = json.loads(line)
            item = T17Gold(
                id=str(r["id"]),
                article=str(r["article"]),
                type=str(r["type"]),
                date=r["date"] if isinstance(r["date"], str) else None,
                granularity=str(r["granularity"]),
                actors=tuple(str(a) for a in r["actors"]),
                recipients=tuple(str(a) for a in r.get("recipients", [])),
                location=r.get("location") if isinstance(r.get("location"), str) else None,
                status=str(r.get("status", "reported")),
                quote=str(r["quote"]),
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise EvaluationError(f"{where}: malformed ({type(exc).__name__}: {exc})") from exc
        if item.article not in known:
            raise EvaluationError(f"{where}: article {item.article!r} is not in {ids_path}")
        if not item.participants:
            raise EvaluationError(f"{where}: a gold event needs an actor or a recipient")
        if (item.date is None) != (item.granularity == "none"):
            raise EvaluationError(f"{where}: date {item.date!r} and granularity disagree")
        gold.append(item)
    return T17Set(lines, test_topics, articles, tuple(gold))


def t17_documents(gold_set: T17Set, t17_root: Path) -> dict[str, dict[str, object]]:
    """The gold set's articles as JSONL records a user would give dateline, by article id.

    Each is the article's first ``lines`` sentence lines, detokenised; an article whose date is
    hidden has no ``time`` field. The text is read from ``t17_root`` (never stored with the gold).
    """
    wanted: dict[str, dict[str, T17Article]] = {}
    for article in gold_set.articles:
        wanted.setdefault(article.topic, {})[article.t17_id] = article
    out: dict[str, dict[str, object]] = {}
    for topic, by_id in sorted(wanted.items()):
        path = t17_root / topic / "articles.jsonl.gz"
        if not path.is_file():
            raise EvaluationError(f"Timeline17 articles not found: {path}")
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                wanted_article = by_id.get(str(record.get("id")))
                if wanted_article is None:
                    continue
                lines = [x for x in str(record["text"]).splitlines() if x.strip()]
                doc: dict[str, object] = {
                    "id": wanted_article.id,
                    "text": detokenise("\n".join(lines[: gold_set.lines])),
                }
                if not wanted_article.date_hidden:
                    doc["time"] = record["time"]
                out[wanted_article.id] = doc
    missing = sorted(a.id for a in gold_set.articles if a.id not in out)
    if missing:
        raise EvaluationError(f"articles of the gold set not found in {t17_root}: {missing[:5]}")
    return out


@dataclass(frozen=True, slots=True)
class T17Scores:
    gold: int
    system: int
    matched: int
    merged: int
    status_right: int
    location_right: int
    matches: tuple[tuple[str, str], ...] = ()
    #: Matches whose date value is exactly the gold value (same granularity, same value).
    date_exact: int = 0
    missed: tuple[str, ...] = ()
    spurious: tuple[str, ...] = ()

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.matched / self.system if self.system else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_json(self) -> dict[str, float | int]:
        return {
            "recall": round(self.recall, 4),
            "precision": round(self.precision, 4),
            "f1": round(self.f1, 4),
            "gold": self.gold,
            "system": self.system,
            "matched": self.matched,
            "merged": self.merged,
            "date_accuracy": round(self.date_exact / self.matched, 4) if self.matched else 0.0,
            "status_accuracy": round(self.status_right / self.matched, 4) if self.matched else 0.0,
            "location_accuracy": round(self.location_right / self.matched, 4)
            if self.matched
            else 0.0,
        }


def _name_matches(gold_name: str, system_names: set[str]) -> bool:
    """A gold participant ("Egypt/Egyptians": alternatives) names one of the system's names.

    Equal after :func:`normalise_name`, or one name's words are all words of the other ("Obama"
    and "Barack Obama", "Security Council" and "UN Security Council").
    """
    for variant in gold_name.split("/"):
        words = set(normalise_name(variant).replace(".", "").split())
        for name in system_names:
            other = set(name.replace(".", "").split())
            if words and other and (words <= other or other <= words):
                return True
    return False


def _evidence_spans(event: Event) -> list[tuple[str, int, int]]:
    return [(e.article_id, e.start, e.end) for e in event.evidence]


def score_t17(
    gold: Sequence[T17Gold],
    system: Sequence[Event],
    system_entities: Iterable[Entity],
    texts: dict[str, str],
) -> T17Scores:
    """Recall and precision of ``system`` events against ``gold`` (module rules, T17 set).

    A gold event is matched by a system event with evidence in the gold event's article, a
    compatible type (:data:`COMPATIBLE_TYPES`), the date at the gold granularity
    (:func:`date_at_granularity`) and one participant (actor or recipient) in common. A system
    event whose evidence sentences hold the quotes of two different gold events of compatible
    types, in two different sentences, merged them: it counts as wrong and matches neither.
    Matching is one-to-one, in gold order. ``texts`` are the article texts the system read.
    """
    entities = {e.id: e for e in system_entities}
    quote_at: dict[str, tuple[str, int, int]] = {}
    for g in gold:
        at = texts.get(g.article, "").find(g.quote)
        if at < 0:
            raise EvaluationError(f"{g.id}: quote {g.quote!r} not in the article text")
        quote_at[g.id] = (g.article, at, at + len(g.quote))

    def holds(event: Event, g: T17Gold) -> tuple[str, int, int] | None:
        article, start, _end = quote_at[g.id]
        for spans in _evidence_spans(event):
            if spans[0] == article and spans[1] <= start < spans[2]:
                return spans
        return None

    merged: set[str] = set()
    for s in system:
        sentences = {holds(s, g) for g in gold if types_compatible(g.type, s.type) and holds(s, g)}
        if len(sentences) >= 2:
            merged.add(s.id)
    used: set[str] = set()
    matches: list[tuple[str, str]] = []
    status_right = location_right = date_exact = 0
    for g in gold:
        best: Event | None = None
        for s in system:
            if s.id in used or s.id in merged or not types_compatible(g.type, s.type):
                continue
            if g.article not in {e.article_id for e in s.evidence}:
                continue
            if not date_at_granularity(g.date, s.date):
                continue
            if not any(_name_matches(p, _system_names(s, entities)) for p in g.participants):
                continue
            if best is None or (holds(s, g) is not None and holds(best, g) is None):
                best = s
        if best is not None:
            used.add(best.id)
            matches.append((g.id, best.id))
            status_right += best.status == g.status
            date_exact += best.date == g.date
            location_right += normalise_name(best.location or "") == normalise_name(
                g.location or ""
            )
    matched_gold = {m[0] for m in matches}
    return T17Scores(
        gold=len(gold),
        system=len(system),
        matched=len(matches),
        merged=len(merged),
        status_right=status_right,
        location_right=location_right,
        matches=tuple(matches),
        missed=tuple(g.id for g in gold if g.id not in matched_gold),
        spurious=tuple(s.id for s in system if s.id not in used),
        date_exact=date_exact,
    )
