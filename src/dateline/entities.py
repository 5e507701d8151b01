"""Entity mentions (spaCy NER) resolved to entities with aliases and dated roles.

People:
* a name is compared as a *set* of lower-cased name tokens, so "Kishi Nobuo" (Japanese order) and
  "Nobuo Kishi" are one person; leading titles and honorifics ("Defence Minister", "Mr.") are
  stripped (nameparser's title list plus ``data/entity_titles.json``) and kept as roles;
* a single name token ("Singh", "Mr. Kishi", "Rajnath") is resolved *inside its article first*,
  to the full name in that article that contains it (the nearest earlier one if several do); only
  when the article names no such person is it matched across the corpus, and then only if exactly
  one person in the whole corpus carries that token — two unrelated Singhs are never merged;
* NER sometimes labels a lone surname as a place or an organisation ("conveyed by Singh" → GPE);
  such a one-token mention that is a token of a person named in the same article becomes that
  person;
* names within a small edit distance (rapidfuzz ratio >= 90, e.g. a misspelt "Kishhida") are one
  person when in the same article, or with the same number of tokens across articles.

Organisations and places:
* abbreviation definitions in the text ("Ministry of Defence (MoD)") are found with the
  Schwartz-Hearst algorithm (PyPI ``abbreviations``) and make the short form an alias;
* an acronym whose letters are the initials of a long name in the corpus ("JASDF" → "Japan Air
  Self-Defense Force") is an alias of it when exactly one long name matches;
* spelling variants ("Defence"/"Defense", "Japanese"/"Japan" inside organisation names) and near
  spellings (ratio >= 92) are one organisation.

Written here by hand: the union-find clustering, the title/role phrase rules and the acronym
initials test; the rest is the libraries named above.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np
from abbreviations import schwartz_hearst
from nameparser.config import CONSTANTS as NAME_CONSTANTS
from rapidfuzz import fuzz, process

from dateline.datafiles import read_data_json
from dateline.errors import ConfigurationError
from dateline.records import (
    AnalysedArticle,
    ArticleNames,
    Entity,
    EntityMentionRef,
    NameMention,
    Role,
)
from dateline.unionfind import IndexUnionFind

#: NER labels that become entities, and the class they are compared within.
ENTITY_CLASSES: Mapping[str, str] = MappingProxyType(
    {"PERSON": "PERSON", "ORG": "ORG", "FAC": "ORG", "GPE": "GPE", "LOC": "GPE", "NORP": "NORP"}
)
PERSON_FUZZY_RATIO = 90.0
ORG_FUZZY_RATIO = 92.0
TITLES_FILE = "entity_titles.json"
_TOKEN = re.compile(r"[\w][\w'’.-]*", re.UNICODE)
MentionKey = tuple[str, int, int]
#: Words a title phrase never runs back across ("the Vice Minister", "Aramane and Oka").
_PHRASE_STOPS = frozenset({"the", "a", "an", "and", "by", "with", "between", "from", "said"})
_FUNCTION_WORDS = frozenset({"of", "for", "the", "and", "to", "a", "an"})
_MONTH = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class TitleLexicon:
    """Title words, role words, honorifics and spelling variants (data/entity_titles.json)."""

    title_words: frozenset[str]
    role_words: frozenset[str]
    honorifics: frozenset[str]
    spelling_variants: Mapping[str, str]
    org_stopwords: frozenset[str]


def load_title_lexicon(text: str | None = None) -> TitleLexicon:
    data, where = read_data_json(TITLES_FILE, what="title lexicon", text=text)
    try:
        titles = {w.lower() for w in data["title_words"]}
        titles |= {str(t).lower() for t in NAME_CONSTANTS.titles}
        return TitleLexicon(
            title_words=frozenset(titles),
            role_words=frozenset(w.lower() for w in data["role_words"]),
            honorifics=frozenset(w.lower() for w in data["honorifics"]),
            spelling_variants=MappingProxyType(
                {k.lower(): v.lower() for k, v in data["spelling_variants"].items()}
            ),
            org_stopwords=frozenset(w.lower() for w in data["org_stopwords"]),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ConfigurationError(
            f"{where}: malformed title lexicon ({type(exc).__name__}: {exc}); it needs the keys "
            "title_words, role_words, honorifics, spelling_variants, org_stopwords"
        ) from exc


TITLES = load_title_lexicon()


@dataclass(frozen=True, slots=True)
class EntityIndex:
    """The corpus's entities and, for every entity mention, the entity it refers to."""

    entities: tuple[Entity, ...]
    #: Per article, its resolved mentions as flat (start, end, position in ``entities``)
    #: triples: a dict keyed by (article, start, end) took 2 kB per article of a store.
    mentions_by_article: Mapping[str, array[int]] = field(default_factory=dict)

    def entity_id(self, article_id: str, start: int, end: int) -> str | None:
        """The entity an :class:`EntityMention` (article id + offsets) was resolved to."""
        triples = self.mentions_by_article.get(article_id)
        if triples is not None:
            for i in range(0, len(triples), 3):
                if triples[i] == start and triples[i + 1] == end:
                    return self.entities[triples[i + 2]].id
        return None

    def get(self, entity_id: str) -> Entity | None:
        for entity in self.entities:
            if entity.id == entity_id:
                return entity
        return None

    def names(self) -> dict[str, str]:
        return {e.id: e.name for e in self.entities}

    def with_event_ids(self, events: Iterable[Any]) -> EntityIndex:
        """A copy whose entities list the ids of the events they take part in."""
        linked: dict[str, list[str]] = defaultdict(list)
        for event in events:
            for entity_id in (*event.actors, *event.recipients):
                if event.id not in linked[entity_id]:
                    linked[entity_id].append(event.id)
        entities = tuple(
            replace(e, event_ids=tuple(sorted(linked.get(e.id, ())))) for e in self.entities
        )
        return EntityIndex(entities, self.mentions_by_article)


# --------------------------------------------------------------------------- text helpers


_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s\b")
_TRAILING_POSSESSIVE = re.compile(r"(?:'s|’s)$")


def _tokens(text: str) -> list[str]:
    """Lower-cased name tokens; a possessive "'s" is not part of a name ("Lusitânia Grid's")."""
    text = _POSSESSIVE.sub("", text)
    return [t.strip(".'’").lower() for t in _TOKEN.findall(text) if t.strip(".'’")]


def _is_title_word(word: str, titles: TitleLexicon) -> bool:
    lowered = word.strip(".,").lower()
    return lowered == "the" or lowered in titles.title_words


def strip_titles(text: str, titles: TitleLexicon = TITLES) -> str:
    """Drop leading titles, honorifics and "the" from a name, and a trailing possessive."""
    text = _TRAILING_POSSESSIVE.sub("", text.strip())
    words = text.split()
    while len(words) > 1 and _is_title_word(words[0], titles):
        words = words[1:]
    return " ".join(words)


def person_key(text: str, titles: TitleLexicon = TITLES) -> frozenset[str]:
    return frozenset(_tokens(strip_titles(text, titles)))


def org_key(text: str, titles: TitleLexicon = TITLES) -> str:
    words = _tokens(re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE))
    words = ["-".join(titles.spelling_variants.get(p, p) for p in w.split("-")) for w in words]
    return " ".join(words)


def initials(text: str, titles: TitleLexicon = TITLES) -> str:
    """Initials of the words of a long name, hyphenated words split: "Self-Defense" → "SD"."""
    words = [w for w in re.split(r"[\s-]+", text) if w]
    return "".join(w[0] for w in words if w.lower() not in titles.org_stopwords).upper()


def is_acronym(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return 2 <= len(letters) <= 8 and sum(c.isupper() for c in letters) >= max(2, len(letters) - 1)


def role_before(text: str, start: int, titles: TitleLexicon = TITLES) -> str | None:
    """The title phrase written just before a name: "Minister of Defense of Japan Yasukazu",
    or before a comma in front of it: "Portugal's Minister of Infrastructure, Helena"."""
    before = text[max(0, start - 90) : start]
    appositive = re.search(r",\s*$", before)
    if appositive:
        before = before[: appositive.start()]
        before = re.sub(r"^.*\b[\w-]+['’]s\s+", "", before, flags=re.DOTALL)  # "Portugal's"
    before = re.split(r"[.;:!?\n]|,(?!\s*(?:Mr|Ms|Mrs|Dr)\b)", before)[-1]
    words = before.split()
    phrase: list[str] = []
    for word in reversed(words):
        bare = word.strip(",.").lower()
        if bare in _PHRASE_STOPS:
            break
        if word[:1].isupper() or bare in titles.role_words:
            phrase.append(word.strip(","))
            continue
        break
    phrase.reverse()
    while phrase and phrase[-1].strip(".").lower() in titles.honorifics:
        phrase.pop()
    while phrase and phrase[0].lower() in _FUNCTION_WORDS:
        phrase.pop(0)
    while phrase and phrase[-1].lower() in _FUNCTION_WORDS:
        phrase.pop()
    if not phrase or not any(w.strip(".").lower() in titles.title_words for w in phrase):
        return None
    if all(w.strip(".").lower() in titles.honorifics for w in phrase):
        return None
    return " ".join(phrase)


def role_after(text: str, end: int, titles: TitleLexicon = TITLES) -> str | None:
    """An appositive title after a name: "Oka Masami, the Vice Minister of ... of Japan"."""
    match = re.match(r",\s+the\s+([^,.;:()]{3,80})", text[end : end + 100])
    if not match:
        return None
    phrase = match.group(1).strip()
    first = phrase.split()[0].lower() if phrase.split() else ""
    if first not in titles.title_words:
        return None
    return phrase


def role_before_lowercase(text: str, start: int, titles: TitleLexicon = TITLES) -> str | None:
    """ "the defence minister of Japan, Mr. Kishi" → "defence minister of Japan"."""
    before = text[max(0, start - 90) : start]
    match = re.search(
        r"\bthe\s+([A-Za-z][\w\s-]{2,60}?),\s*(?:(?:Mr|Ms|Mrs|Dr|Shri)\.?\s*)?$", before
    )
    if not match:
        return None
    phrase = match.group(1).strip()
    if not any(w.lower() in titles.title_words for w in phrase.split()):
        return None
    return phrase


# --------------------------------------------------------------------------- clustering


class _NameKeys:
    """Person keys, organisation keys and title-stripped names of one resolution run, each
    computed once per distinct text (a name recurs in thousands of mentions)."""

    def __init__(self, titles: TitleLexicon) -> None:
        self.titles = titles
        self._person: dict[str, frozenset[str]] = {}
        self._org: dict[str, str] = {}
        self._stripped: dict[str, str] = {}
        self._bare: dict[str, str] = {}
        self._acronym: dict[str, bool] = {}

    def person(self, text: str) -> frozenset[str]:
        key = self._person.get(text)
        if key is None:
            key = self._person[text] = person_key(text, self.titles)
        return key

    def org(self, text: str) -> str:
        key = self._org.get(text)
        if key is None:
            key = self._org[text] = org_key(text, self.titles)
        return key

    def without_article(self, text: str) -> str:
        """An organisation's or place's name as written, without a leading "the"."""
        name = self._bare.get(text)
        if name is None:
            name = self._bare[text] = _LEADING_THE.sub("", text.strip())
        return name

    def acronym(self, text: str) -> bool:
        found = self._acronym.get(text)
        if found is None:
            found = self._acronym[text] = is_acronym(text)
        return found

    def stripped(self, text: str) -> str:
        name = self._stripped.get(text)
        if name is None:
            name = self._stripped[text] = strip_titles(text, self.titles)
        return name


@dataclass(slots=True)
class _Mention:
    """One name mention while a corpus is resolved: a store holds one per mention of every
    stored article, so it keeps no per-mention tuple (``key`` is built when asked for) and its
    strings are shared between mentions (one object per distinct value)."""

    #: Position in the run's mention list: its element in the union-find.
    index: int
    article_id: str
    start: int
    end: int
    text: str
    label: str
    cls: str
    published: str | None
    #: ``person_key(text)``, computed once per distinct text (it is read many times).
    pkey: frozenset[str]
    #: Title phrases written around the mention (:func:`role_candidates`).
    roles: tuple[str, ...]

    @property
    def key(self) -> MentionKey:
        return (self.article_id, self.start, self.end)


def abbreviation_pairs(text: str) -> dict[str, str]:
    """Abbreviations an article defines, short → long ("Ministry of Defence (MoD)"): per-article
    work, so a store computes it once per article (see ``resolve_entities(abbreviations=)``)."""
    pairs = schwartz_hearst.extract_abbreviation_definition_pairs(doc_text=text)
    return {str(short): str(long) for short, long in pairs.items()}


def role_candidates(
    text: str, start: int, end: int, name: str, titles: TitleLexicon
) -> tuple[str, ...]:
    """The title phrases around a name in its article, in the order roles prefer them: before it,
    after it (an appositive), lower-case before it, and titles inside the span ("Minister X")."""
    inner_title = []
    for word in name.split():
        if word.strip(".,").lower() in titles.title_words:
            inner_title.append(word)
        else:
            break
    found = (
        role_before(text, start, titles),
        role_after(text, end, titles),
        role_before_lowercase(text, start, titles),
        " ".join(inner_title) if inner_title else None,
    )
    return tuple(title for title in found if title)


def article_names(
    analysed: AnalysedArticle,
    titles: TitleLexicon = TITLES,
    *,
    abbreviations: Mapping[str, str] | None = None,
) -> ArticleNames:
    """The per-article part of entity resolution: plausible name mentions with the title
    phrases around them, and the abbreviations the text defines. A store computes it once per
    article, so resolving entities over the corpus reads no article text."""
    article = analysed.article
    mentions = []
    for sentence in analysed.sentences:
        for entity in sentence.entities:
            cls = ENTITY_CLASSES.get(entity.label)
            if cls is None or not _plausible_name(entity.text, cls, titles):
                continue
            roles = role_candidates(article.text, entity.start, entity.end, entity.text, titles)
            mentions.append(
                NameMention(entity.start, entity.end, entity.text, entity.label, cls, roles)
            )
    pairs = abbreviation_pairs(article.text) if abbreviations is None else abbreviations
    return ArticleNames(
        article_id=article.id,
        published=article.published.value if article.published else None,
        mentions=tuple(mentions),
        abbreviations=tuple(sorted(pairs.items())),
    )


def resolve_entities(
    articles: Iterable[AnalysedArticle],
    titles: TitleLexicon = TITLES,
    *,
    abbreviations: Mapping[str, Mapping[str, str]] | None = None,
) -> EntityIndex:
    """Cluster every entity mention of the corpus into entities (rules in the module docstring).

    ``abbreviations`` (article id → :func:`abbreviation_pairs` of its text) saves finding them
    again; articles missing from it get theirs found here.
    """
    known = abbreviations or {}
    return resolve_article_names(
        (article_names(a, titles, abbreviations=known.get(a.article.id)) for a in articles),
        titles,
    )


def resolve_article_names(
    articles: Iterable[ArticleNames], titles: TitleLexicon = TITLES
) -> EntityIndex:
    """:func:`resolve_entities` over the per-article parts (:func:`article_names`): what a
    store runs after an add, from stored records, without texts."""
    mentions: list[_Mention] = []
    keys = _NameKeys(titles)
    # One object per distinct string, offset and roles tuple: a name recurs in thousands of
    # mentions, each decoded from its own record as its own object (an int above 256 is an
    # object too, and the offsets outlive the mentions in the entity records).
    shared: dict[Any, Any] = {}
    share = shared.setdefault
    defined_by_article: dict[str, dict[str, str]] = {}
    for names in articles:
        if names.abbreviations:
            defined_by_article[names.article_id] = dict(names.abbreviations)
        published = share(names.published, names.published)
        for n in names.mentions:
            text = share(n.text, n.text)
            mentions.append(
                _Mention(
                    len(mentions),
                    names.article_id,
                    share(n.start, n.start),
                    share(n.end, n.end),
                    text,
                    share(n.label, n.label),
                    share(n.cls, n.cls),
                    published,
                    keys.person(text),
                    share(n.roles, n.roles),
                )
            )
    del shared
    _relabel_stray_surnames(mentions, titles)
    clusters = IndexUnionFind(len(mentions))
    _cluster_people(mentions, clusters, titles)
    extra_aliases: dict[int, set[str]] = defaultdict(set)
    _cluster_organisations(mentions, clusters, defined_by_article, keys, extra_aliases)
    return _build_index(mentions, clusters, keys, extra_aliases)


def _plausible_name(text: str, cls: str, titles: TitleLexicon) -> bool:
    """Drop NER spans that cannot be names: lower-case ("ministers"), a bare title ("Defence"),
    a person with digits ("November 2024")."""
    stripped = re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE)
    if not stripped or (not stripped[:1].isupper() and not stripped[:1].isdigit()):
        return False
    words = _tokens(stripped)
    if cls in ("ORG", "GPE", "NORP") and is_acronym(stripped):
        return True  # "BP", "UK": nameparser lists them as titles, but here they are names
    if not words or all(
        w in titles.title_words or w.removesuffix("s") in titles.title_words or w in _FUNCTION_WORDS
        for w in words
    ):
        return False  # "Defence", "Ministers": a title is not a name
    if cls in ("PERSON", "GPE") and any(c.isdigit() for c in stripped):
        return False
    # "November-2024", "March 2023": dates that NER took for a name.
    return not (_MONTH.search(stripped) and re.search(r"\d", stripped))


def _relabel_stray_surnames(mentions: list[_Mention], titles: TitleLexicon) -> None:
    """A one-token non-person mention that is a token of a person in its article is a person."""
    person_keys: dict[str, list[frozenset[str]]] = defaultdict(list)
    corpus_full: set[frozenset[str]] = set()
    for m in mentions:
        if m.cls == "PERSON":
            key = m.pkey
            if len(key) >= 2:
                person_keys[m.article_id].append(key)
                corpus_full.add(key)
    for m in mentions:
        if m.cls == "PERSON":
            continue
        key = m.pkey
        # "conveyed by Singh" (GPE), "Nadia El Fassi" (ORG): part of, or all of, a person's
        # name in the same article; or exactly a full name seen as a person elsewhere.
        in_article = any(key <= full for full in person_keys[m.article_id])
        if key and (in_article or (len(key) >= 2 and key in corpus_full)):
            m.cls = "PERSON"
            m.label = "PERSON"


def _cluster_people(
    mentions: list[_Mention], clusters: IndexUnionFind, titles: TitleLexicon
) -> None:
    people = [m for m in mentions if m.cls == "PERSON" and m.pkey]
    full_by_key: dict[frozenset[str], list[_Mention]] = defaultdict(list)
    by_article: dict[str, list[_Mention]] = defaultdict(list)
    for m in people:
        by_article[m.article_id].append(m)
        key = m.pkey
        if len(key) >= 2:
            full_by_key[key].append(m)
    # Same full name (any order, any article) → one person.
    for group in full_by_key.values():
        for m in group[1:]:
            clusters.union(group[0].index, m.index)
    # Near spellings of full names with the same number of tokens, across the corpus.
    keys = sorted(full_by_key, key=lambda k: sorted(k))
    for i, j in _similar_pairs([" ".join(sorted(k)) for k in keys], PERSON_FUZZY_RATIO):
        if len(keys[i]) == len(keys[j]):
            clusters.union(full_by_key[keys[i]][0].index, full_by_key[keys[j]][0].index)
    unresolved: list[_Mention] = []
    for article_id in sorted(by_article):
        in_article = sorted(by_article[article_id], key=lambda m: m.start)
        full = [m for m in in_article if len(m.pkey) >= 2]
        for m in in_article:
            key = m.pkey
            if len(key) >= 2:
                # "El Fassi" after "Nadia El Fassi": part of a longer name in the same article.
                longer = [f for f in full if key < f.pkey]
                if longer:
                    before = [f for f in longer if f.start < m.start]
                    clusters.union((before[-1] if before else longer[0]).index, m.index)
                continue
            if len(key) != 1:
                continue
            token = next(iter(key))
            match = _nearest_full_name(m, token, full, titles)
            if match is not None:
                clusters.union(match.index, m.index)
            else:
                unresolved.append(m)
    # A lone name no full name in its article explains: the one person in the corpus with it.
    corpus_full: dict[str, set[int]] = defaultdict(set)
    for key, group in full_by_key.items():
        root = clusters.find(group[0].index)
        for token in key:
            corpus_full[token].add(root)
    lone_groups: dict[tuple[str, str], _Mention] = {}
    for m in unresolved:
        token = next(iter(m.pkey))
        owners = corpus_full.get(token, set())
        if len(owners) == 1:
            clusters.union(next(iter(owners)), m.index)
            continue
        # Same lone name twice in one article: one (unknown) person, kept to that article.
        first = lone_groups.setdefault((m.article_id, token), m)
        if first is not m:
            clusters.union(first.index, m.index)


#: Rows of the similarity matrix computed at a time (bounded memory: 512 x N bytes).
_SIMILARITY_ROWS = 512


def _similar_pairs(names: Sequence[str], cutoff: float) -> list[tuple[int, int]]:
    """Index pairs (i < j) of names with rapidfuzz ratio >= cutoff, computed by rapidfuzz's
    C++ ``cdist`` (a Python double loop took seconds on a thousand-article topic) on both cores,
    a block of rows at a time against the names after them: half the comparisons of the full
    matrix, and memory that does not grow with the square of the corpus's names."""
    pairs: list[tuple[int, int]] = []
    for start in range(0, len(names), _SIMILARITY_ROWS):
        stop = min(start + _SIMILARITY_ROWS, len(names))
        scores = process.cdist(
            names[start:stop],
            names[start:],
            scorer=fuzz.ratio,
            score_cutoff=cutoff,
            dtype=np.uint8,
            workers=-1,
        )
        rows, cols = np.nonzero(scores)
        pairs += [
            (start + int(i), start + int(j)) for i, j in zip(rows, cols, strict=True) if j > i
        ]
    return pairs  # row-major in each block, blocks in row order: sorted by (i, j) already


def _nearest_full_name(
    mention: _Mention, token: str, full: Sequence[_Mention], titles: TitleLexicon
) -> _Mention | None:
    exact = [f for f in full if token in f.pkey]
    candidates = exact or [
        f
        for f in full
        if any(fuzz.ratio(token, t) >= PERSON_FUZZY_RATIO for t in f.pkey) and len(token) >= 5
    ]
    if not candidates:
        return None
    earlier = [f for f in candidates if f.start < mention.start]
    pool = earlier or candidates
    distinct = {f.pkey for f in pool}
    if len(distinct) > 1 and not earlier:
        return None
    return max(pool, key=lambda f: f.start) if earlier else pool[0]


def _cluster_organisations(
    mentions: list[_Mention],
    clusters: IndexUnionFind,
    abbreviations: Mapping[str, Mapping[str, str]],
    keys: _NameKeys,
    extra_aliases: dict[int, set[str]],
) -> None:
    titles = keys.titles
    others = [m for m in mentions if m.cls != "PERSON"]
    by_key: dict[tuple[str, str], list[_Mention]] = defaultdict(list)
    for m in others:
        by_key[(m.cls, keys.org(m.text))].append(m)
    for group in by_key.values():
        for m in group[1:]:
            clusters.union(group[0].index, m.index)
    # Abbreviations defined in the text: "Ministry of Defence (MoD)".
    defined: dict[str, set[str]] = defaultdict(set)
    for article_id in sorted(abbreviations):
        for short, long in abbreviations[article_id].items():
            defined[short.strip()].add(keys.org(long))
    long_forms = {k: g for (cls, k), g in by_key.items() if cls == "ORG" and " " in k}
    by_org_key: dict[str, list[_Mention]] = defaultdict(list)
    for (_cls, key), group in by_key.items():
        by_org_key[key].extend(group)
    for short, longs in defined.items():
        targets = [long_forms[k] for k in longs if k in long_forms]
        # NER labels a short form any way it likes ("MoD" as GPE): match it by its text.
        short_key = keys.org(short)
        shorts = by_org_key.get(short_key, [])
        if len(targets) == 1:
            for m in shorts:
                m.cls, m.label = "ORG", "ORG"
            extra_aliases[targets[0][0].index].add(short)
            for m in shorts:
                clusters.union(targets[0][0].index, m.index)
    # Near spellings of long names.
    long_keys = sorted(long_forms)
    for i, j in _similar_pairs(long_keys, ORG_FUZZY_RATIO):
        clusters.union(long_forms[long_keys[i]][0].index, long_forms[long_keys[j]][0].index)
    # Acronyms that are the initials of exactly one long name: "JASDF".
    by_initials: dict[str, list[str]] = defaultdict(list)
    first_text = {k: g[0].text for k, g in long_forms.items()}
    for k, text in first_text.items():
        by_initials[initials(re.sub(r"^the\s+", "", text, flags=re.I), titles)].append(k)
    for (cls, _key), group in by_key.items():
        text = group[0].text.strip()
        if cls != "ORG" or not is_acronym(text) or text in defined:
            continue
        matches = by_initials.get(text.upper().replace(".", ""), [])
        roots = {clusters.find(long_forms[x][0].index) for x in matches}
        if len(roots) == 1:
            clusters.union(next(iter(roots)), group[0].index)


# --------------------------------------------------------------------------- building records


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60] or "entity"


def _canonical_name(members: Sequence[_Mention], cls: str, keys: _NameKeys) -> str:
    if cls == "PERSON":
        names = [keys.stripped(m.text) for m in members]
        full = [n for n in names if len(keys.person(n)) >= 2] or names
        counts = Counter(full)
        return max(counts, key=lambda n: (counts[n], len(n.split()), -names.index(n)))
    names = [keys.without_article(m.text) for m in members]
    long = [n for n in names if not keys.acronym(n)] or names
    counts = Counter(long)
    return max(counts, key=lambda n: (counts[n], len(n), n))


def _roles(members: Sequence[_Mention], titles: TitleLexicon) -> tuple[Role, ...]:
    found: dict[tuple[str, str | None], Role] = {}
    for m in members:  # in mention key order
        for title in m.roles:
            words = [w for w in title.split() if w.strip(".").lower() not in titles.honorifics]
            if not words:
                continue
            title = " ".join(words)
            found.setdefault((title.lower(), m.published), Role(title, m.published, m.article_id))
    return tuple(sorted(found.values(), key=lambda r: (r.date or "", r.title)))


def _build_index(
    mentions: list[_Mention],
    clusters: IndexUnionFind,
    keys: _NameKeys,
    extra_aliases: Mapping[int, set[str]],
) -> EntityIndex:
    """Entities from the clusters. ``mentions`` is emptied and each entity's mentions are let go
    once its record is built: on a store they are the largest thing the resolution holds."""
    groups: dict[int, list[_Mention]] = defaultdict(list)
    for m in mentions:
        groups[clusters.find(m.index)].append(m)
    mentions.clear()
    drafts = []
    for members in groups.values():
        if len(members) == 1:  # most entities: no votes to count
            (only,) = members
            drafts.append((_canonical_name(members, only.cls, keys), only.label, members))
            continue
        members.sort(key=lambda m: m.key)
        classes = Counter(m.cls for m in members)
        cls = "PERSON" if classes["PERSON"] else classes.most_common(1)[0][0]
        labels = Counter(m.label for m in members if m.cls == cls)
        label = labels.most_common(1)[0][0]
        name = _canonical_name([m for m in members if m.cls == cls] or members, cls, keys)
        drafts.append((name, label, members))
    del groups
    drafts.sort(key=lambda d: (d[0].lower(), d[1], d[2][0].key), reverse=True)
    used: Counter[str] = Counter()
    entities: list[Entity] = []
    by_article: dict[str, array[int]] = {}
    while drafts:
        name, label, members = drafts.pop()
        base = f"ent-{_slug(name)}"
        used[base] += 1
        entity_id = base
        if used[base] > 1:
            digest = hashlib.sha1("|".join(map(str, members[0].key)).encode()).hexdigest()[:6]
            entity_id = f"{base}-{digest}"
        written = {m.text.strip() for m in members}
        written |= {a for m in members for a in extra_aliases.get(m.index, ())}
        aliases = sorted(written - {name})
        position = len(entities)
        entities.append(
            Entity(
                id=entity_id,
                name=name,
                type=label,
                aliases=tuple(aliases),
                roles=_roles(members, keys.titles) if label == "PERSON" else (),
                mentions=tuple(
                    EntityMentionRef(m.article_id, m.start, m.end, m.text) for m in members
                ),
            )
        )
        for m in members:
            triples = by_article.get(m.article_id)
            if triples is None:
                triples = by_article[m.article_id] = array("q")
            triples.extend((m.start, m.end, position))
    return EntityIndex(tuple(entities), by_article)
