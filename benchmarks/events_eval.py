"""Event precision, recall, F1 and date accuracy against a hand-written gold set.

    python benchmarks/events_eval.py examples/gold examples/corpus

GOLD is a folder with ``events.jsonl`` and ``entities.json`` (or the ``events.jsonl`` file, with
``entities.json`` next to it); CORPUS is what ``dateline build`` reads. Matching rules are in
:mod:`dateline.events_eval`. The last line is one JSON object with ``precision``, ``recall``,
``f1`` and ``date_accuracy``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)

    from dateline.events_eval import (
        load_gold_entities,
        load_gold_events,
        score_entities,
        score_events,
    )
    from dateline.pipeline import Corpus

    folder = args.gold if args.gold.is_dir() else args.gold.parent
    events_path = args.gold if args.gold.is_file() else folder / "events.jsonl"
    gold_events = load_gold_events(events_path)
    gold_entities = load_gold_entities(folder / "entities.json")
    corpus = Corpus.from_paths([args.corpus], workers=args.workers)
    scores = score_events(gold_events, gold_entities, corpus.events, corpus.entities)
    by_id = {e.id: e for e in corpus.events}

    print(f"gold events: {len(gold_events)}; system events: {len(corpus.events)}")
    for gold_id, system_id, exact in scores.matches:
        event = by_id[system_id]
        flag = "date ok" if exact else "date coarser/finer"
        print(
            f"  matched  {gold_id:<24} {event.type:<9} {event.date or '-':<10} {flag:<18} "
            f"{', '.join(event.actor_names + event.recipient_names)} "
            f"[{len(event.sources)} sources]"
        )
    for gold_id in scores.missed:
        print(f"  missed   {gold_id}")
    for system_id in scores.spurious:
        event = by_id[system_id]
        print(
            f"  extra    {event.type:<9} {event.status:<9} {event.date or '-':<10} "
            f"{', '.join(event.actor_names + event.recipient_names)}"
        )
    entity_scores = score_entities(gold_entities, corpus.entities)
    split = [name for name, count in entity_scores.details if count > 1]
    print(
        f"entities: {entity_scores.found:.3f} of gold entities found, "
        f"{entity_scores.cohesive:.3f} found as one entity"
        + (f" (split: {', '.join(split)})" if split else "")
    )
    print(
        f"precision {scores.precision:.3f}  recall {scores.recall:.3f}  f1 {scores.f1:.3f}  "
        f"date accuracy {scores.date_accuracy:.3f}"
    )
    print(json.dumps(scores.as_json()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
