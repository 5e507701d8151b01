"""Event extraction and merging: the seeds' must-shows, status rules, merge rules, order."""

from __future__ import annotations

import gc
import json
import types
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.errors import ConfigurationError
from dateline.events import (
    EventClaims,
    build_events,
    candidate_ner_end,
    dates_compatible,
    is_candidate_sentence,
    load_trigger_lexicon,
)
from dateline.records import (
    AnalysedArticle,
    Article,
    DateEvidence,
    DuplicateGroup,
    EventMention,
    Evidence,
    MentionText,
    PublicationDate,
)

# --------------------------------------------------------------------------- the seeds


@pytest.fixture(scope="module")
def seeds_corpus(seeds_dir: Path):
    from dateline.pipeline import Corpus

    return Corpus.from_paths([seeds_dir], workers=1)


def _seed(corpus, prefix: str) -> str:
    return next(a.article.id for a in corpus.articles if a.article.id.startswith(prefix))


def _names(event) -> set[str]:
    return set(event.actor_names) | set(event.recipient_names)


def test_rewrites_report_one_tokyo_consult_event(seeds_corpus) -> None:
    a000, a001 = _seed(seeds_corpus, "000"), _seed(seeds_corpus, "001")
    talks = [
        e
        for e in seeds_corpus.events
        if e.type == "CONSULT" and {"Rajnath Singh", "Yasukazu Hamada"} <= _names(e)
    ]
    assert len(talks) == 1, [(e.date, e.actor_names, e.recipient_names) for e in talks]
    event = talks[0]
    assert event.date == "2022-09-08" and event.granularity == "day"
    assert {s.article_id for s in event.sources} >= {a000, a001}
    group = {s.duplicate_group for s in event.sources}
    assert len(group) == 1 and None not in group, "both sources are one duplicate group"
    assert event.location == "Tokyo"
    assert event.status == "reported"
    assert event.date_evidence is not None and event.date_evidence.expression
    for evidence in event.evidence:
        text = next(
            a.article.text for a in seeds_corpus.articles if a.article.id == evidence.article_id
        )
        assert text[evidence.start : evidence.end] == evidence.text


def test_phone_call_is_consult_phone(seeds_corpus) -> None:
    calls = [
        e
        for e in seeds_corpus.events
        if e.type == "CONSULT" and e.date == "2020-12-22" and {"Rajnath Singh"} <= _names(e)
    ]
    assert len(calls) == 1
    call = calls[0]
    assert call.mode == "phone"
    assert any("Kishi" in n for n in _names(call))
    assert call.date_evidence is not None and "December 22, 2020" in call.date_evidence.expression


def test_announced_meeting_is_planned_without_an_invented_day(seeds_corpus) -> None:
    a003 = _seed(seeds_corpus, "003")
    with_nakatani = [
        e
        for e in seeds_corpus.events
        if e.type == "CONSULT" and any("Nakatani" in n for n in _names(e))
    ]
    planned = [e for e in with_nakatani if e.status == "planned"]
    assert len(planned) == 1, [(e.status, e.date) for e in with_nakatani]
    event = planned[0]
    assert a003 in {s.article_id for s in event.sources}
    assert event.location == "New Delhi"
    # 003 has no publication date, so "on Monday" cannot be a day: nothing may invent one.
    assert all(e.granularity != "day" for e in with_nakatani)
    assert event.date is None or len(event.date) < 10


def test_dialogue_keeps_its_weekday_conflict(seeds_corpus) -> None:
    a002 = _seed(seeds_corpus, "002")
    dialogue = [
        e
        for e in seeds_corpus.events
        if e.date == "2023-03-05" and a002 in {s.article_id for s in e.sources}
    ]
    assert dialogue
    assert all(any("Wednesday" in c for c in e.conflicts) for e in dialogue)
    assert all(e.confidence < 0.5 for e in dialogue), "a conflict lowers confidence"


def test_no_event_lumps_unrelated_seeds(seeds_corpus) -> None:
    groups = {a: g.id for g in seeds_corpus.duplicate_groups for a in g.article_ids}
    for event in seeds_corpus.events:
        units = {groups.get(s.article_id, s.article_id) for s in event.sources}
        assert len(units) == 1, (event.type, event.date, [s.article_id for s in event.sources])


def test_events_serialise_as_plain_json(seeds_corpus) -> None:
    from dateline.export import to_jsonable

    for event in seeds_corpus.events:
        data = json.loads(json.dumps(to_jsonable(event)))
        for name in (
            "id",
            "type",
            "mode",
            "actors",
            "recipients",
            "date",
            "granularity",
            "date_evidence",
            "location",
            "status",
            "evidence",
            "sources",
            "confidence",
            "conflicts",
        ):
            assert name in data


# --------------------------------------------------------------------------- extraction rules


@pytest.fixture(scope="module")
def analyser():
    from dateline.analysis import ArticleAnalyser

    return ArticleAnalyser.load()


def _analyse(analyser, text: str, published: str = "2024-03-06") -> AnalysedArticle:
    article = Article(
        id="t", text=text, path="t.txt", published=PublicationDate(published, "day", "field")
    )
    return analyser.analyse(article)


def test_ner_reads_candidate_sentences_after_the_lede_up_to_their_window(analyser) -> None:
    lede = "Prices rose in Lisbon. Markets were calm in Rabat and Madrid."
    candidate = (
        "Foreign Minister Ana Lopes met Karim Bennani in Rabat on Monday to review the progress "
        "that the two ministries made last year in Casablanca and the plans Morocco made with Spain."
    )
    analysed = _analyse(analyser, f"{lede} {candidate} Nothing else happened in Porto.")
    by_index = {s.index: {e.text for e in s.entities} for s in analysed.sentences}
    assert {"Rabat", "Madrid"} <= by_index[1]  # the lede is read whole
    assert {"Ana Lopes", "Karim Bennani", "Rabat"} <= by_index[2]
    assert not {"Casablanca", "Morocco", "Spain"} & by_index[2]  # past the window
    assert by_index[3] == set()  # not a candidate: no NER


def test_loading_an_analyser_freezes_what_is_alive() -> None:
    import gc

    from dateline.analysis import ArticleAnalyser

    gc.unfreeze()  # whatever an earlier test froze (the web app freezes what it read)
    ArticleAnalyser.load()
    # The model's objects are out of the collector's sight (docs in analysis.py).
    assert gc.get_freeze_count() > 100_000


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Foreign Minister Ana Lopes will meet Prime Minister Karim Bennani in Rabat.", "planned"),
        ("Foreign Minister Ana Lopes is scheduled to meet Karim Bennani in Rabat.", "planned"),
        (
            "Foreign Minister Ana Lopes met Prime Minister Karim Bennani in Rabat on Monday.",
            "reported",
        ),
        (
            "Foreign Minister Ana Lopes did not meet Prime Minister Karim Bennani in Rabat.",
            "negated",
        ),
        ("If the talks go well, Ana Lopes could meet Karim Bennani in Rabat.", "hypothetical"),
    ],
)
def test_status_of_a_meeting(analyser, text: str, status: str) -> None:
    mentions = [m for m in _analyse(analyser, text).event_mentions if m.type == "CONSULT"]
    assert mentions, text
    assert mentions[0].status == status
    names = {p.text for p in (*mentions[0].actors, *mentions[0].recipients)}
    assert any("Lopes" in n for n in names)


def test_reported_meeting_is_dated_by_its_expression(analyser) -> None:
    text = "Foreign Minister Ana Lopes met Prime Minister Karim Bennani in Rabat on 4 March 2024."
    (mention,) = [m for m in _analyse(analyser, text).event_mentions if m.type == "CONSULT"]
    assert mention.date == "2024-03-04" and mention.granularity == "day"
    assert mention.date_evidence is not None and "4 March 2024" in mention.date_evidence.expression
    assert mention.location is not None and mention.location.text == "Rabat"
    assert text[mention.evidence.start : mention.evidence.end] == mention.evidence.text


def test_signed_agreement_is_agree_but_discussed_agreement_is_not(analyser) -> None:
    signed = "Portugal and Morocco signed an agreement on fisheries in Lisbon on 2 March 2024."
    discussed = "Portugal and Morocco discussed an agreement on fisheries in Lisbon."
    assert "AGREE" in {m.type for m in _analyse(analyser, signed).event_mentions}
    assert "AGREE" not in {m.type for m in _analyse(analyser, discussed).event_mentions}


def test_candidate_sentences() -> None:
    assert is_candidate_sentence("Rajnath Singh met Yasukazu Hamada in Tokyo.")
    assert not is_candidate_sentence("the weather was fine and nobody met anyone.")
    assert is_candidate_sentence("Rajnath Singh praised the weather in Tokyo.")
    assert not is_candidate_sentence("Rajnath Singh arrived in Tokyo on Monday.")


def test_ner_reads_a_candidate_sentence_up_to_just_past_its_last_trigger() -> None:
    short = "Rajnath Singh met Yasukazu Hamada in Tokyo."
    assert candidate_ner_end(short) == len(short)
    long = (
        "Rajnath Singh met Yasukazu Hamada in Tokyo on Monday to review the progress that "
        "the two navies made last year near Okinawa and the plans Japan made with Australia."
    )
    end = candidate_ner_end(long, after=10)
    # Ten words after "met": Okinawa, Japan and Australia are not read.
    assert long[:end].endswith("to review the progress")
    # The last trigger counts: with "exercises" for "progress", reading goes on past it.
    later = long.replace("progress", "exercises")
    assert later[: candidate_ner_end(later, after=10)].endswith("near Okinawa and")
    passive = (
        "The contract was signed in Tangier on Thursday by the grid operators Lusitania Grid "
        "and the Moroccan Electricity Transmission Company (SMTE), a week after the vote."
    )
    end = candidate_ner_end(passive, after=10)
    assert passive[:end].endswith("Moroccan Electricity Transmission Company (SMTE")
    # An attribution after the window names who said it (often the actor): read to the end.
    attributed = (
        "Portugal supports Morocco's plan for a free, open and rules-based trade zone in the "
        "region, according to Infrastructure Minister Helena Teixeira."
    )
    assert candidate_ner_end(attributed, after=10) == len(attributed)


def test_malformed_lexicon_names_the_problem() -> None:
    with pytest.raises(ConfigurationError, match=r"plover_triggers\.json"):
        load_trigger_lexicon('{"types": {}}')
    duplicate = {
        "types": {
            "CONSULT": {"triggers": {"meet": "V"}},
            "AGREE": {"triggers": {"meet": "V"}},
        },
        "mode_cues": {},
        "status_cues": {},
        "plural_subjects": [],
        "pronoun_subjects": [],
    }
    with pytest.raises(ConfigurationError, match="both CONSULT and AGREE"):
        load_trigger_lexicon(json.dumps(duplicate))


def test_event_word_tables_are_data_with_clear_errors() -> None:
    from dateline.events.words import EVENT_WORDS, load_event_words

    # The packaged file holds every table the rules ask for (they are looked up at import).
    assert "not" in EVENT_WORDS["negations"] and "said" in EVENT_WORDS["speech_verbs"]
    assert isinstance(EVENT_WORDS["clause_words"], frozenset)
    with pytest.raises(ConfigurationError, match=r"event_words\.json has no table 'nope'"):
        EVENT_WORDS["nope"]
    assert load_event_words('{"_comment": "x", "t": {"words": ["a", "b"]}}') == {
        "t": frozenset({"a", "b"})
    }
    with pytest.raises(ConfigurationError, match=r"table 't' must be an object whose 'words'"):
        load_event_words('{"t": ["a", "b"]}')
    with pytest.raises(ConfigurationError, match=r"table 't' must be"):
        load_event_words('{"t": {"words": ["a", 3]}}')
    with pytest.raises(ConfigurationError, match="expected an object"):
        load_event_words("[]")
    with pytest.raises(ConfigurationError, match=r"event_words\.json"):
        load_event_words("{not json")


def _reachable(root: object) -> list[object]:
    """Every object ``root`` holds, directly or not (not following classes and functions into
    the modules that hold everything)."""
    seen: dict[int, object] = {}
    todo = [root]
    while todo:
        obj = todo.pop()
        if id(obj) not in seen and not isinstance(
            obj, (type, types.ModuleType, types.FunctionType)
        ):
            seen[id(obj)] = obj
            todo.extend(gc.get_referents(obj))
    return list(seen.values())


def test_gathered_claims_keep_no_record_and_give_the_same_events(seeds_corpus) -> None:
    """A store streams its records once into entity resolution and :class:`EventClaims` at the
    same time: the claims must not keep the articles or their mention records (memory per
    stored article), and must give what the in-memory run gives."""
    claims = EventClaims()
    for analysed in seeds_corpus.articles:
        claims.add(analysed)
    held = _reachable(claims)
    assert not [
        x for x in held if isinstance(x, (AnalysedArticle, Article, EventMention, MentionText))
    ]
    assert len([x for x in held if type(x).__name__ == "_Claim"]) == sum(
        len(a.event_mentions) for a in seeds_corpus.articles
    )
    assert (
        claims.events(seeds_corpus.entity_index, seeds_corpus.duplicate_groups)
        == seeds_corpus.events
    )


# --------------------------------------------------------------------------- merge rules


class _Index:
    """A stand-in entity index: every mention text is its own entity id."""

    entities = ()

    def __init__(self, people: dict[tuple[str, int, int], str]) -> None:
        self.by_mention = people

    def entity_id(self, article_id: str, start: int, end: int) -> str | None:
        return self.by_mention.get((article_id, start, end))

    def names(self) -> dict[str, str]:
        return {}


def _claim(
    article_id: str,
    date: str | None,
    *,
    people: tuple[str, ...] = ("lopes", "bennani"),
    status: str = "reported",
    kind: str = "CONSULT",
    expression: str = "on Monday",
    conflicts: tuple[str, ...] = (),
    offset: int = 0,
) -> tuple[EventMention, dict[tuple[str, int, int], str]]:
    actors = tuple(
        MentionText(p, offset + 10 * i, offset + 10 * i + 5, "PERSON") for i, p in enumerate(people)
    )
    evidence = Evidence(f"sentence in {article_id}", article_id, offset, offset + 40)
    mention = EventMention(
        article_id=article_id,
        sentence_index=0,
        type=kind,
        mode="meeting",
        trigger="meet",
        trigger_start=offset + 3,
        trigger_end=offset + 7,
        actors=actors[:1],
        recipients=actors[1:],
        date=date,
        granularity="day" if date and len(date) == 10 else ("month" if date else "none"),
        date_evidence=DateEvidence(expression, "2024-03-06", article_id) if date else None,
        location=None,
        status=status,  # type: ignore[arg-type]
        evidence=evidence,
        conflicts=conflicts,
    )
    ids = {(article_id, a.start, a.end): a.text for a in actors}
    return mention, ids


def _corpus(*claims) -> tuple[list[AnalysedArticle], _Index]:
    by_article: dict[str, list[EventMention]] = {}
    ids: dict[tuple[str, int, int], str] = {}
    for mention, mention_ids in claims:
        by_article.setdefault(mention.article_id, []).append(mention)
        ids.update(mention_ids)
    articles = [
        AnalysedArticle(
            Article(id=a, text="x" * 100, path=f"{a}.txt", url=f"https://example.org/{a}"),
            (),
            tuple(ms),
        )
        for a, ms in sorted(by_article.items())
    ]
    return articles, _Index(ids)


def test_planned_and_held_meeting_on_the_same_monday_are_one_event() -> None:
    articles, index = _corpus(
        _claim("before", "2024-03-11", status="planned"),
        _claim("after", "2024-03-11", status="reported"),
    )
    (event,) = build_events(articles, index, ())
    assert event.status == "reported"
    assert {s.article_id for s in event.sources} == {"before", "after"}
    assert event.date == "2024-03-11"


def test_month_claim_joins_the_day_event() -> None:
    articles, index = _corpus(
        _claim("a", "2024-03-11"), _claim("b", "2024-03", expression="in March")
    )
    (event,) = build_events(articles, index, ())
    assert event.date == "2024-03-11" and event.granularity == "day"
    assert event.conflicts == ()


def test_different_days_in_unrelated_articles_are_two_events() -> None:
    articles, index = _corpus(_claim("a", "2024-03-11"), _claim("b", "2024-04-20"))
    assert len(build_events(articles, index, ())) == 2


def test_different_type_or_people_are_different_events() -> None:
    articles, index = _corpus(
        _claim("a", "2024-03-11"),
        _claim("b", "2024-03-11", kind="AGREE"),
        _claim("c", "2024-03-11", people=("dupont", "martin")),
    )
    assert len(build_events(articles, index, ())) == 3


def test_undated_claim_joins_only_through_its_duplicate_group() -> None:
    claims = (_claim("a", "2024-03-11"), _claim("b", None), _claim("c", None, offset=50))
    articles, index = _corpus(*claims)
    groups = (DuplicateGroup("dup-ab", ("a", "b")),)
    events = build_events(articles, index, groups)
    merged = [e for e in events if len(e.sources) > 1]
    assert len(merged) == 1
    assert {s.article_id for s in merged[0].sources} == {"a", "b"}
    assert {s.duplicate_group for s in merged[0].sources} == {"dup-ab"}
    assert len(events) == 2, "c (undated, not in the group) stays its own event"


def test_duplicate_group_counts_once_as_evidence() -> None:
    one_article, one_index = _corpus(_claim("a", "2024-03-11"))
    pair, pair_index = _corpus(_claim("a", "2024-03-11"), _claim("b", "2024-03-11"))
    (one,) = build_events(one_article, one_index, ())
    (independent,) = build_events(pair, pair_index, ())
    (grouped,) = build_events(pair, pair_index, (DuplicateGroup("dup-ab", ("a", "b")),))
    assert grouped.confidence == one.confidence < independent.confidence
    assert {s.article_id for s in grouped.sources} == {"a", "b"}


def test_sources_disagreeing_on_the_day_inside_a_group_keep_the_conflict() -> None:
    articles, index = _corpus(
        _claim("a", "2024-03-11"), _claim("b", "2024-03-11"), _claim("c", "2024-03-12")
    )
    groups = (DuplicateGroup("dup-abc", ("a", "b", "c")),)
    (event,) = build_events(articles, index, groups)
    assert event.date == "2024-03-11"
    assert any("2024-03-12" in c for c in event.conflicts)


def test_mention_conflicts_are_carried() -> None:
    weekday = "weekday Wednesday contradicts 2023-03-05"
    articles, index = _corpus(_claim("a", "2023-03-05", conflicts=(weekday,)))
    (event,) = build_events(articles, index, ())
    assert weekday in event.conflicts


def test_dates_compatible() -> None:
    assert dates_compatible("2022-09", "2022-09-08")
    assert dates_compatible(None, "2022-09-08")
    assert not dates_compatible("2022-09-07", "2022-09-08")


@settings(max_examples=30, deadline=None)
@given(st.permutations(list(range(5))))
def test_merging_ignores_article_order(order: list[int]) -> None:
    claims = [
        _claim("a", "2024-03-11"),
        _claim("b", "2024-03", expression="in March"),
        _claim("c", None),
        _claim("d", "2024-03-12"),
        _claim("e", "2024-03-11", status="planned"),
    ]
    groups = (DuplicateGroup("dup-cd", ("c", "d")),)
    articles, index = _corpus(*claims)
    shuffled = [articles[i] for i in order]
    assert build_events(shuffled, index, groups) == build_events(articles, index, groups)


# --------------------------------------------------------------------------- robustness

_WORDS = st.sampled_from(
    [
        "Lopes",
        "met",
        "Bennani",
        "in",
        "Rabat",
        "on",
        "Monday",
        ",",
        "will",
        "the",
        "talks",
        "signed",
        "an",
        "agreement",
        "with",
        "they",
        "not",
        "if",
        "between",
        "and",
        "by",
        ".",
    ]
)


@pytest.fixture(scope="module")
def blank_nlp():
    import spacy

    return spacy.blank("en")  # extraction needs only the tokenizer


@settings(max_examples=60, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=25), st.data())
def test_extraction_never_fails_and_offsets_point_into_the_text(blank_nlp, words, data) -> None:
    """Any token soup with any entity spans: no exception, and every offset is real."""
    from dateline.events import extract_event_mentions
    from dateline.records import EntityMention, Sentence

    nlp = blank_nlp
    text = " ".join(words)
    starts = [i for i in range(len(text)) if i == 0 or text[i - 1] == " "]
    entities = []
    for start in data.draw(st.lists(st.sampled_from(starts), max_size=4, unique=True)):
        end = text.find(" ", start)
        end = len(text) if end < 0 else end
        label = data.draw(st.sampled_from(["PERSON", "ORG", "GPE", "NORP", "DATE"]))
        entities.append(EntityMention(text[start:end], label, start, end))
    article = Article(
        id="x", text=text, path="x.txt", published=PublicationDate("2024-03-06", "day", "field")
    )
    sentence = Sentence(
        "x", 0, 0, len(text), text, (), tuple(sorted(entities, key=lambda e: e.start))
    )
    for mention in extract_event_mentions(article, [sentence], nlp):
        assert text[mention.trigger_start : mention.trigger_end] == mention.trigger
        for part in (*mention.actors, *mention.recipients):
            assert text[part.start : part.end] == part.text
        assert mention.status in ("reported", "planned", "hypothetical", "negated")


def test_sentence_repeated_across_many_unrelated_articles_is_boilerplate() -> None:
    furniture = "You agree that anything you post may be used."
    claims = []
    for n in range(5):
        mention, ids = _claim(f"page{n}", "2024-03-11")
        claims.append((replace(mention, evidence=replace(mention.evidence, text=furniture)), ids))
    claims.append(_claim("news", "2024-03-12"))
    articles, index = _corpus(*claims)
    events = build_events(articles, index, ())
    assert [s.article_id for e in events for s in e.sources] == ["news"]
    # The same sentence in one duplicate group (syndicated copies) counts once: kept.
    group = (DuplicateGroup("dup-pages", tuple(f"page{n}" for n in range(5))),)
    assert len(build_events(articles, index, group)) == 2


def test_passive_subject_receives_and_agent_acts(analyser) -> None:
    text = (
        "The engineering contract was signed by John Miller of General Electric and "
        "Maria Lopez in Tangier on 21 March 2024."
    )
    (mention,) = [m for m in _analyse(analyser, text, "2024-03-22").event_mentions]
    assert mention.type == "AGREE" and mention.date == "2024-03-21"
    assert {"John Miller", "Maria Lopez"} <= {a.text for a in mention.actors}
    urged = "Foreign Minister Ana Lopes was urged by Karim Bennani to leave Rabat."
    (request,) = [m for m in _analyse(analyser, urged).event_mentions if m.type == "REQUEST"]
    assert [r.text for r in request.recipients] == ["Ana Lopes"]
    assert [a.text for a in request.actors] == ["Karim Bennani"]


def test_an_infinitive_is_not_a_report(analyser) -> None:
    text = "Portugal and Morocco are unlikely to sign the accord with Spain in Lisbon."
    mentions = [m for m in _analyse(analyser, text).event_mentions if m.type == "AGREE"]
    assert mentions and mentions[0].status == "planned"


def test_news_agency_credit_is_not_an_actor(analyser) -> None:
    text = "LISBON (Reuters) - Ana Lopes met Karim Bennani in Rabat on 4 March 2024."
    (mention,) = [m for m in _analyse(analyser, text).event_mentions if m.type == "CONSULT"]
    names = {p.text for p in (*mention.actors, *mention.recipients)}
    assert names and "Reuters" not in names


# --------------------------------------------------------------------------- real-news wording


@pytest.mark.parametrize(
    ("text", "kind", "actor"),
    [
        (
            "Britain urged the African Union on Wednesday to send a strong message.",
            "REQUEST",
            "Britain",
        ),
        ("Thousands of Egyptians took to the streets of Cairo on Tuesday.", "PROTEST", "Egyptians"),
        ("Iranian authorities detained 40 activists in Tehran on Monday.", "COERCE", "Iranian"),
        (
            "Food stocks are low in Libya, the World Food Programme said on Tuesday, calling for "
            "urgent aid.",
            "REQUEST",
            "the World Food Programme",
        ),
        ("Senator Ana Lopes sharply criticized Karim Bennani on Monday.", "ACCUSE", "Ana Lopes"),
    ],
)
def test_real_news_wording(analyser, text: str, kind: str, actor: str) -> None:
    mentions = [m for m in _analyse(analyser, text).event_mentions if m.type == kind]
    assert mentions, text
    assert actor in {a.text for a in mentions[0].actors}
    assert mentions[0].status == "reported" and mentions[0].date is not None


def test_an_event_noun_after_a_trigger_verb_is_its_topic(analyser) -> None:
    text = "President Ana Lopes condemned the attacks on journalists in Rabat on Friday."
    kinds = {m.type: m for m in _analyse(analyser, text).event_mentions}
    assert "ACCUSE" in kinds and "ASSAULT" not in kinds


def test_byline_names_are_not_actors(analyser) -> None:
    text = (
        "Ministers to meet again By Maria Costa and John Reed Monday, 4 March 2024; 5:11 PM "
        "Foreign Minister Ana Lopes met Karim Bennani in Rabat."
    )
    (mention,) = [m for m in _analyse(analyser, text).event_mentions if m.type == "CONSULT"]
    names = {p.text for p in (*mention.actors, *mention.recipients)}
    assert "Ana Lopes" in names and not names & {"Maria Costa", "John Reed"}


def test_an_infinitive_after_a_reported_action_is_reported(analyser) -> None:
    text = "UN envoy Ana Lopes arrived in Damascus on Monday to urge Syria to open the border."
    (mention,) = [m for m in _analyse(analyser, text).event_mentions if m.type == "REQUEST"]
    assert mention.status == "reported" and mention.date == "2024-03-04"


def test_the_time_stamp_is_not_an_event_date(analyser) -> None:
    text = (
        "RABAT | Wed Mar 6, 2024 2:51 pm EDT RABAT (Reuters) - Morocco will host Portuguese "
        "envoy Ana Lopes."
    )
    (mention,) = [m for m in _analyse(analyser, text).event_mentions if m.type == "CONSULT"]
    assert mention.status == "planned" and mention.date is None


def test_an_inferred_lower_bound_is_not_an_event_date(analyser) -> None:
    article = Article(
        id="u",
        text="Ana Lopes met Karim Bennani in Rabat.",
        path="u.txt",
        published=PublicationDate("2024-03", "month", "inferred", earliest="2024-03-01"),
    )
    (mention,) = [m for m in analyser.analyse(article).event_mentions if m.type == "CONSULT"]
    assert mention.date is None and mention.granularity == "none"


def test_a_directed_event_needs_the_same_role_to_merge() -> None:
    """ "Britain urged the AU ..." and "an AU envoy called for ...": two requests, one day."""
    articles, index = _corpus(
        _claim("a", "2024-03-06", people=("britain", "au"), kind="REQUEST"),
        _claim("a", "2024-03-06", people=("au", "libya"), kind="REQUEST", offset=50),
    )
    assert len(build_events(articles, index, ())) == 2
    met = _corpus(
        _claim("a", "2024-03-06", people=("lopes", "bennani")),
        _claim("b", "2024-03-06", people=("bennani", "lopes"), offset=50),
    )
    assert len(build_events(*met, ())) == 1  # "A met B" is "B met A"


def test_a_week_and_a_day_in_it_are_compatible() -> None:
    assert dates_compatible("2024-W11", "2024-03-12")
    assert dates_compatible("2024-03", "2024-W11")
    assert not dates_compatible("2024-W11", "2024-03-20")
    assert not dates_compatible("2024-W11", "2024-W12")


def test_analyser_times_each_stage_in_wall_and_cpu_seconds() -> None:
    from dateline.analysis import ArticleAnalyser

    analyser = ArticleAnalyser.load()  # a fresh one: the module's has seen other articles
    text = "The ministers met in Rabat on Monday and signed the agreement. " * 20
    _analyse(analyser, text)
    stages = {"time expressions", "sentences", "entities (NER)", "event mentions"}
    assert set(analyser.stage_seconds) == set(analyser.stage_cpu_seconds) == stages
    assert all(v >= 0 for v in analyser.stage_cpu_seconds.values())
    # NER on 20 sentences takes measurable CPU.
    assert analyser.stage_cpu_seconds["entities (NER)"] > 0
    first = dict(analyser.stage_cpu_seconds)
    _analyse(analyser, text)
    assert all(analyser.stage_cpu_seconds[k] >= first[k] for k in stages)  # summed, not reset
    assert sum(analyser.stage_cpu_seconds.values()) > sum(first.values())


# ----------------------------------------------------- legal and protest wording (issue 9, 2)


@pytest.mark.parametrize(
    ("text", "kind", "actor"),
    [
        ("Judge Maria Santos sentenced Daniel Okafor to four years in prison on Monday.", "COERCE",
         "Maria Santos"),
        ("The president of Portugal accused Lusitania Grid of fraud on Monday.", "ACCUSE",
         "Portugal"),
        ("Lusitania Grid faced calls from Portuguese lawmakers on Monday to pay damages.",
         "REQUEST", "Portuguese"),
        ("Moroccans left the mosques on Friday, took to the streets and chanted slogans.",
         "PROTEST", "Moroccans"),
        ("Lusitania Grid sued Atlas Cable in a Lisbon court on Tuesday.", "ACCUSE", "Lusitania Grid"),
        ("The Moroccan government banned Atlas Cable from bidding on Tuesday.", "COERCE",
         "Moroccan"),
    ],
)  # fmt: skip
def test_legal_and_protest_wording(analyser, text: str, kind: str, actor: str) -> None:
    mentions = [m for m in _analyse(analyser, text).event_mentions if m.type == kind]
    assert mentions, text
    assert actor in {a.text for a in mentions[0].actors}, mentions[0]
    assert mentions[0].status == "reported" and mentions[0].date is not None


def test_taking_to_the_streets_is_not_planned(analyser) -> None:
    text = "Moroccans take to the streets of Rabat to protest the new tax."
    (mention,) = [m for m in _analyse(analyser, text).event_mentions if m.type == "PROTEST"]
    assert mention.status == "reported"


def test_it_is_the_body_that_last_acted(analyser) -> None:
    text = (
        "The World Health Organization urged Portugal on Monday to test travellers. "
        "It also urged Spain and Morocco to report new cases."
    )
    mentions = [m for m in _analyse(analyser, text).event_mentions if m.type == "REQUEST"]
    assert len(mentions) == 2
    assert {a.text for a in mentions[1].actors} == {"The World Health Organization"}


def test_two_events_of_one_type_in_separate_clauses(analyser) -> None:
    text = (
        "Karim Bennani met Ana Lopes in Lisbon on Monday, while Rui Costa met Nadia Tazi in Rabat."
    )
    mentions = [m for m in _analyse(analyser, text).event_mentions if m.type == "CONSULT"]
    actors = [{a.text for a in m.actors} for m in mentions]
    assert len(mentions) == 2 and "Karim Bennani" in actors[0] and "Rui Costa" in actors[1]


def test_objects_are_not_actors(analyser) -> None:
    toppled = "Rebels trying to topple Karim Bennani have so far fought alone in Rabat on Monday."
    for m in _analyse(analyser, toppled).event_mentions:
        assert "Karim Bennani" not in {p.text for p in (*m.actors, *m.recipients)}, m
    crackdown = "Portugal condemned the crackdown on anti-government protesters in Rabat on Monday."
    kinds = {m.type for m in _analyse(analyser, crackdown).event_mentions}
    assert "ACCUSE" in kinds and "PROTEST" not in kinds


def test_a_call_for_calm_is_no_phone_call(analyser) -> None:
    text = "Nadia Tazi issued a call for calm in Rabat on Monday."
    assert "CONSULT" not in {m.type for m in _analyse(analyser, text).event_mentions}
    assert not is_candidate_sentence("Nadia Tazi issued a call for calm in Rabat.")
