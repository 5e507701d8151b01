"""Event precision and recall against a hand-written gold set.

    python benchmarks/events_eval.py examples/gold examples/corpus
    python benchmarks/events_eval.py --t17 eval/events_t17 [--t17-root ../shared/benchmarks/t17]

The first form: GOLD is a folder with ``events.jsonl`` and ``entities.json`` (or the
``events.jsonl`` file, with ``entities.json`` next to it); CORPUS is what ``dateline build``
reads; matching rules in :mod:`dateline.events_eval`; the last line is one JSON object with
``precision``, ``recall``, ``f1`` and ``date_accuracy``.

The second form scores the Timeline17 gold set (``ids.json`` + ``gold.jsonl``, see
``docs/events.md``): each topic's articles are written as a JSONL file (detokenised openings,
dates hidden where the set says so) and read by dateline as a user's pile about one story; the
development and test halves and the date-hidden articles are scored separately (rules in
:func:`dateline.events_eval.score_t17`). ``--split dev`` prints only the development half, so the
test half can be kept unseen while rules are changed. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

DEFAULT_T17 = Path(__file__).resolve().parents[1] / ".." / "shared" / "benchmarks" / "t17"


def _example(args: argparse.Namespace) -> int:
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


def run_t17(
    folder: Path, t17_root: Path, splits: tuple[str, ...], *, verbose: bool, topics: set[str] | None
) -> dict[str, dict[str, float | int]]:
    """Build each topic's corpus and score the requested halves; returns the figures by part."""
    from dateline.events_eval import load_t17_set, score_t17, t17_documents
    from dateline.pipeline import Corpus

    gold_set = load_t17_set(folder)
    articles = [
        a for a in gold_set.articles if a.split in splits and (topics is None or a.topic in topics)
    ]
    docs = t17_documents(gold_set, t17_root)
    events, entities, texts = [], [], {}
    analysed: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for topic in sorted({a.topic for a in articles}):
            path = Path(tmp) / f"{topic}.jsonl"
            with path.open("w", encoding="utf-8") as handle:
                for a in articles:
                    if a.topic == topic:
                        handle.write(json.dumps(docs[a.id], ensure_ascii=False) + "\n")
            corpus = Corpus.from_paths([path], workers=1)
            events.extend(corpus.events)
            entities.extend(corpus.entities)
            texts.update({item.article.id: item.article.text for item in corpus.articles})
            analysed.update({item.article.id: item for item in corpus.articles})
    by_article = {a.id: a for a in articles}
    parts = {
        "dev": lambda a: a.split == "dev",
        "test": lambda a: a.split == "test",
        "dev_date_hidden": lambda a: a.split == "dev" and a.date_hidden,
        "test_date_hidden": lambda a: a.split == "test" and a.date_hidden,
    }
    results: dict[str, dict[str, float | int]] = {}
    for name, keep in parts.items():
        if name.split("_")[0] not in splits:
            continue
        ids = {a.id for a in articles if keep(a)}
        gold = [g for g in gold_set.gold if g.article in ids]
        system = [e for e in events if {ev.article_id for ev in e.evidence} & ids]
        scores = score_t17(gold, system, entities, texts)
        results[name] = scores.as_json()
        print(
            f"{name:<17} recall {scores.recall:.3f} ({scores.matched}/{scores.gold})  "
            f"precision {scores.precision:.3f} ({scores.matched}/{scores.system})  "
            f"merged {scores.merged}"
        )
        if verbose and "hidden" not in name:
            gold_by_id = {g.id: g for g in gold}
            sys_by_id = {e.id: e for e in system}
            for gid, sid in scores.matches:
                e = sys_by_id[sid]
                print(f"   ok    {gid:<32} {e.type:<9} {e.date or '-':<10} {e.status}")
            why: dict[str, int] = {}
            for gid in scores.missed:
                g = gold_by_id[gid]
                reason = why_missed(g, analysed[g.article], system, entities, texts)
                why[reason] = why.get(reason, 0) + 1
                print(
                    f"   miss  {gid:<32} {g.type:<9} {g.date or '-':<10} [{reason}] "
                    f"{'; '.join(g.participants)} | {g.quote}"
                )
            print(f"   misses by cause: {json.dumps(dict(sorted(why.items())))}")
            for sid in scores.spurious:
                e = sys_by_id[sid]
                quote = e.evidence[0].text[:90] if e.evidence else ""
                print(
                    f"   extra {e.evidence[0].article_id if e.evidence else '':<32} {e.type:<9} "
                    f"{e.date or '-':<10} {e.status:<8} "
                    f"{', '.join(e.actor_names)} -> {', '.join(e.recipient_names)} | {quote}"
                )
    del by_article
    return results


def why_missed(gold, item, system, entities, texts) -> str:
    """The first thing that went wrong for a missed gold event, checked in pipeline order.

    ``no trigger``: the sentence holding the quote has no trigger of a compatible type;
    ``no NER``: it has one but NER did not run on it (or found no actor-ish name); ``no mention``:
    NER ran but the rules made no mention of a compatible type; ``wrong date`` / ``wrong actor``:
    a mention of a compatible type was made but its date or participants do not match; ``merge``:
    a matching mention exists but its event does not match (merged away, used by another gold
    event, or a merge of two gold events).
    """
    from dateline.events.lexicon import ACTOR_LABELS, LEXICON
    from dateline.events_eval import date_at_granularity, types_compatible

    at = texts[gold.article].find(gold.quote)
    sentence = next((s for s in item.sentences if s.start <= at < s.end), None)
    if sentence is None:
        return "no sentence"
    words = {w.lower() for w in sentence.text.replace('"', " ").split()}
    words |= {w.strip(".,;:()'") for w in words}
    if not any(
        w in LEXICON.triggers and types_compatible(gold.type, LEXICON.triggers[w][0]) for w in words
    ):
        return "no trigger"
    if not any(e.label in ACTOR_LABELS for e in sentence.entities):
        return "no NER"
    mentions = [
        m
        for m in item.event_mentions
        if m.sentence_index == sentence.index and types_compatible(gold.type, m.type)
    ]
    if not mentions:
        return "no mention"
    dated = [m for m in mentions if date_at_granularity(gold.date, m.date)]
    if not dated:
        return "wrong date"
    from dateline.events_eval import _name_matches, normalise_name

    def names(m) -> set[str]:
        return {normalise_name(p.text) for p in (*m.actors, *m.recipients)}

    if not any(any(_name_matches(p, names(m)) for p in gold.participants) for m in dated):
        return "wrong actor"
    return "merge"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path, nargs="?")
    parser.add_argument("corpus", type=Path, nargs="?")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--t17", type=Path, help="a Timeline17 gold folder (eval/events_t17)")
    parser.add_argument("--t17-root", type=Path, default=DEFAULT_T17)
    parser.add_argument("--split", choices=("dev", "test", "both"), default="both")
    parser.add_argument("--topic", action="append", help="only these topics (repeatable)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list matches and errors")
    args = parser.parse_args(argv)
    if args.t17 is not None:
        splits = ("dev", "test") if args.split == "both" else (args.split,)
        topics = set(args.topic) if args.topic else None
        results = run_t17(args.t17, args.t17_root, splits, verbose=args.verbose, topics=topics)
        print(json.dumps(results))
        return 0
    if args.gold is None or args.corpus is None:
        parser.error("give GOLD and CORPUS, or --t17 FOLDER")
    return _example(args)


if __name__ == "__main__":
    sys.exit(main())
