"""Entity resolution: aliases within and across articles, abbreviations, roles; and the seeds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dateline.entities import (
    EntityIndex,
    initials,
    person_key,
    resolve_entities,
    role_before,
    strip_titles,
)
from dateline.records import (
    AnalysedArticle,
    Article,
    EntityMention,
    PublicationDate,
    Sentence,
)


def _article(
    article_id: str, text: str, names: list[tuple[str, str]], published: str | None = None
) -> AnalysedArticle:
    """One-sentence analysed article whose entities are every occurrence of the given names."""
    entities = []
    for surface, label in names:
        for match in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text):
            entities.append(EntityMention(surface, label, match.start(), match.end()))
    # Longer names win over the names inside them ("Rajnath Singh" over "Singh").
    entities.sort(key=lambda e: (e.start, -(e.end - e.start)))
    kept: list[EntityMention] = []
    for e in entities:
        if kept and e.start < kept[-1].end:
            continue
        kept.append(e)
    date = PublicationDate(published, "day", "field") if published else None
    article = Article(id=article_id, text=text, path=f"{article_id}.txt", published=date)
    sentence = Sentence(article_id, 0, 0, len(text), text, (), tuple(kept))
    return AnalysedArticle(article, (sentence,))


def _entity_of(index: EntityIndex, article_id: str, text: str, surface: str, nth: int = 0):
    starts = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text)]
    start = starts[nth]
    entity_id = index.entity_id(article_id, start, start + len(surface))
    assert entity_id is not None, f"{surface!r} in {article_id} was not resolved"
    entity = index.get(entity_id)
    assert entity is not None
    return entity


def test_surname_resolves_inside_its_article_first() -> None:
    a = "Defence Minister Rajnath Singh arrived. Singh then spoke to reporters."
    b = "Former prime minister Manmohan Singh wrote a letter. Singh said it was overdue."
    c = "Singh declined to comment on the talks."
    index = resolve_entities(
        [
            _article("a", a, [("Rajnath Singh", "PERSON"), ("Singh", "PERSON")]),
            _article("b", b, [("Manmohan Singh", "PERSON"), ("Singh", "PERSON")]),
            _article("c", c, [("Singh", "PERSON")]),
        ]
    )
    assert _entity_of(index, "a", a, "Singh", 1).name == "Rajnath Singh"
    assert _entity_of(index, "b", b, "Singh", 1).name == "Manmohan Singh"
    lone = _entity_of(index, "c", c, "Singh")
    assert lone.name == "Singh", "an ambiguous surname must not be merged into either person"
    assert (
        _entity_of(index, "a", a, "Rajnath Singh").id
        != _entity_of(index, "b", b, "Manmohan Singh").id
    )


def test_lone_surname_joins_the_only_person_in_the_corpus_who_has_it() -> None:
    a = "Defence Minister Rajnath Singh arrived in Tokyo."
    c = "Singh declined to comment. Rajnath was tired."
    index = resolve_entities(
        [
            _article("a", a, [("Rajnath Singh", "PERSON")]),
            _article("c", c, [("Singh", "PERSON"), ("Rajnath", "ORG")]),
        ]
    )
    rajnath = _entity_of(index, "a", a, "Rajnath Singh")
    assert _entity_of(index, "c", c, "Singh").id == rajnath.id


def test_japanese_name_order_and_honorific() -> None:
    a = "Rajnath Singh spoke with the defence minister of Japan, Mr. Kishi Nobuo. Mr. Kishi agreed."
    b = "Nobuo Kishi met reporters in Tokyo."
    index = resolve_entities(
        [
            _article("a", a, [("Kishi Nobuo", "PERSON"), ("Kishi", "PERSON")], "2020-12-22"),
            _article("b", b, [("Nobuo Kishi", "PERSON")], "2021-01-05"),
        ]
    )
    kishi = _entity_of(index, "a", a, "Kishi Nobuo")
    assert _entity_of(index, "a", a, "Kishi", 1).id == kishi.id
    assert _entity_of(index, "b", b, "Nobuo Kishi").id == kishi.id
    assert {"Nobuo Kishi", "Kishi"} <= set(kishi.aliases)
    assert ("defence minister of Japan", "2020-12-22") in {(r.title, r.date) for r in kishi.roles}


def test_roles_carry_the_date_of_the_article() -> None:
    text = "He held talks with Minister of Defense of Japan Kishi Nobuo in Tokyo."
    index = resolve_entities([_article("a", text, [("Kishi Nobuo", "PERSON")], "2020-12-22")])
    kishi = _entity_of(index, "a", text, "Kishi Nobuo")
    assert [(r.title, r.date) for r in kishi.roles] == [
        ("Minister of Defense of Japan", "2020-12-22")
    ]


def test_stray_ner_label_on_a_surname_is_corrected() -> None:
    text = "Defence Minister Rajnath Singh arrived. It was conveyed by Singh to the envoy."
    index = resolve_entities([_article("a", text, [("Rajnath Singh", "PERSON"), ("Singh", "GPE")])])
    assert _entity_of(index, "a", text, "Singh", 1).name == "Rajnath Singh"


def test_abbreviation_defined_in_text_is_an_alias() -> None:
    text = "The Ministry of Defence (MoD) said so. Later the MoD added details."
    index = resolve_entities(
        [_article("a", text, [("Ministry of Defence", "ORG"), ("MoD", "ORG")])]
    )
    ministry = _entity_of(index, "a", text, "Ministry of Defence")
    assert _entity_of(index, "a", text, "MoD", 1).id == ministry.id
    assert ministry.name == "Ministry of Defence"
    assert "MoD" in ministry.aliases


def test_abbreviation_alias_kept_even_when_ner_misses_the_short_form() -> None:
    text = "The Ministry of Defence (MoD) said so."
    index = resolve_entities([_article("a", text, [("Ministry of Defence", "ORG")])])
    assert "MoD" in _entity_of(index, "a", text, "Ministry of Defence").aliases


def test_acronym_and_spelling_variants_of_one_force() -> None:
    a = "The chief of staff of the JASDF visited India."
    b = "Pilots of the Japan Air Self-Defense Force trained."
    c = "An exercise with the Japanese Air Self-Defence Force ended."
    index = resolve_entities(
        [
            _article("a", a, [("JASDF", "ORG")]),
            _article("b", b, [("Japan Air Self-Defense Force", "ORG")]),
            _article("c", c, [("Japanese Air Self-Defence Force", "ORG")]),
        ]
    )
    jasdf = _entity_of(index, "a", a, "JASDF")
    assert _entity_of(index, "b", b, "Japan Air Self-Defense Force").id == jasdf.id
    assert _entity_of(index, "c", c, "Japanese Air Self-Defence Force").id == jasdf.id
    assert not jasdf.name.isupper(), "the long form is the canonical name"


def test_acronym_matching_two_long_names_is_left_alone() -> None:
    a = "The IAF flew."
    b = "The Indian Air Force flew. The Israeli Air Force too."
    index = resolve_entities(
        [
            _article("a", a, [("IAF", "ORG")]),
            _article("b", b, [("Indian Air Force", "ORG"), ("Israeli Air Force", "ORG")]),
        ]
    )
    assert _entity_of(index, "a", a, "IAF").name == "IAF"


def test_non_names_from_ner_are_dropped() -> None:
    text = "The ministers met in November 2024 at the Defence office."
    index = resolve_entities(
        [_article("a", text, [("ministers", "PERSON"), ("November 2024", "PERSON")])]
    )
    assert index.entities == ()


def test_helpers() -> None:
    assert strip_titles("Defence Minister Rajnath Singh") == "Rajnath Singh"
    assert strip_titles("Mr. Kishi") == "Kishi"
    assert person_key("Kishi Nobuo") == person_key("Nobuo Kishi")
    assert initials("Japan Air Self-Defense Force") == "JASDF"
    text = "talks with Minister of Defense of Japan Yasukazu Hamada"
    assert role_before(text, text.index("Yasukazu")) == "Minister of Defense of Japan"


def test_event_ids_are_linked() -> None:
    text = "Rajnath Singh arrived."
    index = resolve_entities([_article("a", text, [("Rajnath Singh", "PERSON")])])
    entity_id = index.entities[0].id

    class _Event:
        id = "evt-1"
        actors = (entity_id,)
        recipients = ()

    linked = index.with_event_ids([_Event()])
    assert linked.entities[0].event_ids == ("evt-1",)
    assert linked.entity_id("a", 0, len("Rajnath Singh")) == entity_id


# --------------------------------------------------------------------------- the seeds


@pytest.fixture(scope="module")
def seeds_corpus(seeds_dir: Path):
    from dateline.pipeline import Corpus

    return Corpus.from_paths([seeds_dir], workers=1)


def test_every_singh_in_every_seed_is_rajnath_singh(seeds_corpus) -> None:
    index = seeds_corpus.entity_index
    rajnath = [e for e in index.entities if e.name == "Rajnath Singh"]
    assert len(rajnath) == 1
    checked: dict[str, int] = {}
    for analysed in seeds_corpus.articles:
        for sentence in analysed.sentences:
            for mention in sentence.entities:
                if re.search(r"\bSingh\b", mention.text):
                    entity_id = index.entity_id(analysed.article.id, mention.start, mention.end)
                    assert entity_id == rajnath[0].id, (analysed.article.id, mention)
                    checked[analysed.article.id] = checked.get(analysed.article.id, 0) + 1
    assert len(checked) == 5, f"Singh mentions found only in {sorted(checked)}"
    assert "Singh" in rajnath[0].aliases
    assert any(r.title.endswith("Defence Minister") for r in rajnath[0].roles)


def test_seed_ministry_abbreviation_and_japanese_minister(seeds_corpus) -> None:
    entities = seeds_corpus.entities
    ministry = [e for e in entities if "MoD" in e.aliases]
    assert ministry and ministry[0].name.lower().startswith(("ministry of defence", "the ministry"))
    kishi = [e for e in entities if e.name in ("Kishi Nobuo", "Nobuo Kishi")]
    assert len(kishi) == 1 and "Kishi" in kishi[0].aliases
    assert kishi[0].event_ids, "Kishi takes part in the phone call"


def test_every_mention_finds_its_entity_and_the_index_keeps_no_mention_objects(
    seeds_corpus,
) -> None:
    """The index answers ``entity_id`` from flat per-article offsets (a store holds it for every
    stored article while events are merged): each entity's mentions lead back to it, and
    offsets nobody mentioned lead nowhere."""
    index = seeds_corpus.entity_index
    refs = [(e.id, m) for e in index.entities for m in e.mentions]
    assert refs
    for entity_id, m in refs:
        assert index.entity_id(m.article_id, m.start, m.end) == entity_id
    some = refs[0][1]
    assert index.entity_id(some.article_id, some.start, some.end + 1) is None
    assert index.entity_id("no-such-article", some.start, some.end) is None
    assert sum(len(t) for t in index.mentions_by_article.values()) == 3 * len(refs)
