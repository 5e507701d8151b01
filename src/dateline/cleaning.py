"""Remove scraped-page debris (menus, ads, share buttons, captions, teasers) from plain text.

Text copied from news sites keeps the page around the story: navigation bars, "Advertisement",
share-button bullets, image placeholders, "File photo" captions, breadcrumbs, a truncated teaser
that the story then repeats in full. Left in, these lines end up quoted in timelines and confuse
sentence splitting and deduplication.

Cleaning works line by line and only ever *removes whole lines* (and surrounding whitespace), so it
never adds or rewrites text; every removed line is reported. The rules are data
(``data/boilerplate.json``) and are general shapes of debris (whole-line menu phrases, lines made of
navigation words or markup identifiers, captions ending in "File photo"), never strings of one site.
A line that reads as a sentence (enough words and closing punctuation) is only removed by the
whole-line rules, so real paragraphs and short section headings survive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dateline.datafiles import read_data_json
from dateline.errors import ConfigurationError

#: Characters stripped from both ends of a line before it is compared with the rules.
_EDGE_CHARS = " \t\u00a0\u2022\u00b7*-\u2013\u2014|\u00bb\u203a>:#=~"
_CLOSING = (".", "!", "?", '"', "\u201d", "\u2019", "'", ")")
_ELLIPSIS = ("...", "\u2026")
#: A markup identifier rather than a word: "featured-img", "search-icon-img", "tlbr_img1".
#: What separates menu and breadcrumb items: "Home | World", "Home › News", "News / Sport".
_ITEM_SEPARATORS = re.compile(r"\s*[|\u203a\u00bb\u2022\u00b7]\s*|\s+[>/]\s+")
_IDENTIFIER = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+|[a-z]+\d+|[a-z]+_[a-z0-9_]*")


@dataclass(frozen=True, slots=True)
class CleanedText:
    """Text with debris removed, and the removed lines (stripped, in order) for the record."""

    text: str
    removed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BoilerplateRules:
    """The cleaning rules, compiled from ``data/boilerplate.json`` (see ``_about`` there)."""

    exact_lines: frozenset[str]
    #: All ``line_patterns`` (and all ``short_line_patterns``) as one alternation each.
    line_pattern: re.Pattern[str]
    short_line_pattern: re.Pattern[str]
    caption_ending: re.Pattern[str]
    navigation_words: frozenset[str]
    stopwords: frozenset[str]
    breadcrumb_starts: tuple[str, ...]
    sentence_min_words: int
    max_debris_chars: int
    nav_min_tokens: int
    nav_min_share: float
    teaser_min_chars: int
    caption_max_words: int
    menu_item_max_words: int
    menu_min_items: int
    menu_run_min_lines: int

    @classmethod
    def load(cls, path: str | Path | None = None) -> BoilerplateRules:
        """Read and compile a rules file (the packaged one by default)."""
        data, where = read_data_json("boilerplate.json", what="boilerplate rules", path=path)
        try:
            return cls._compile(data)
        except (KeyError, TypeError, ValueError, re.error) as exc:
            raise ConfigurationError(
                f"invalid boilerplate rules in {where}: {type(exc).__name__}: {exc}"
            ) from exc

    @classmethod
    def _compile(cls, data: dict[str, Any]) -> BoilerplateRules:
        def patterns(key: str) -> re.Pattern[str]:
            for pattern in data[key]:
                re.compile(pattern)  # fails here, naming the one that is wrong
            return re.compile("|".join(f"(?:{p})" for p in data[key]), re.I)

        endings = "|".join(f"(?:{p})" for p in data["caption_endings"])
        caption = re.compile(rf"(?:^|[.|:;,)\u2013\u2014-]\s*)(?:{endings})\s*\.?$", re.I)
        return cls(
            exact_lines=frozenset(s.lower() for s in data["exact_lines"]),
            line_pattern=patterns("line_patterns"),
            short_line_pattern=patterns("short_line_patterns"),
            caption_ending=caption,
            navigation_words=frozenset(s.lower() for s in data["navigation_words"]),
            stopwords=frozenset(s.lower() for s in data["stopwords"]),
            breadcrumb_starts=tuple(s.lower() for s in data["breadcrumb_starts"]),
            sentence_min_words=int(data["sentence_min_words"]),
            max_debris_chars=int(data["max_debris_chars"]),
            nav_min_tokens=int(data["nav_min_tokens"]),
            nav_min_share=float(data["nav_min_share"]),
            teaser_min_chars=int(data["teaser_min_chars"]),
            caption_max_words=int(data["caption_max_words"]),
            menu_min_items=int(data["menu_min_items"]),
            menu_run_min_lines=int(data["menu_run_min_lines"]),
            menu_item_max_words=int(data["menu_item_max_words"]),
        )


def _collapse(line: str) -> str:
    return " ".join(line.split())


def _is_markup_token(token: str) -> bool:
    return _IDENTIFIER.fullmatch(token) is not None


def _is_menu(line: str, rules: BoilerplateRules) -> bool:
    """Short items between separators ("Home | Politics | Sport"), or a run of navigation words
    and markup identifiers ("Home News Business Opinion Videos")."""
    items = [item for item in _ITEM_SEPARATORS.split(line) if item.strip(_EDGE_CHARS)]
    if len(items) >= rules.menu_min_items and all(
        len(item.split()) <= rules.menu_item_max_words for item in items
    ):
        return True
    tokens = [t.strip(_EDGE_CHARS + ",") for t in line.split()]
    content = [t for t in tokens if t and t.lower() not in rules.stopwords]
    if not content:
        return False
    if all(_is_markup_token(t) for t in content):  # "hero-image hero-image"
        return True
    if len(tokens) < rules.nav_min_tokens:
        return False
    hits = sum(1 for t in content if t.lower() in rules.navigation_words or _is_markup_token(t))
    return hits / len(content) >= rules.nav_min_share


def _is_debris(line: str, rules: BoilerplateRules) -> bool:
    """True when ``line`` (stripped, non-empty) is debris on its own, whatever surrounds it."""
    key = _collapse(line.strip(_EDGE_CHARS)).lower()
    if not key:
        return True  # only bullets or separators
    if len(key) <= rules.max_debris_chars and not line.endswith(_CLOSING):
        return True  # "DT", "2", "|||": too short to be prose unless it closes like "No."
    if key in rules.exact_lines or rules.line_pattern.fullmatch(key):
        return True
    n_words = key.count(" ") + 1
    if n_words <= rules.caption_max_words and rules.caption_ending.search(line):
        return True
    if n_words >= rules.sentence_min_words and line.endswith(_CLOSING):
        return False  # reads as a sentence: only the whole-line rules above apply
    if rules.short_line_pattern.fullmatch(key):
        return True
    return _is_menu(line, rules)


def _breadcrumb_rest(line: str, rules: BoilerplateRules) -> str | None:
    """For "Home World <headline>", the headline; None when ``line`` is no breadcrumb trail."""
    lowered = line.lower()
    start = next((s for s in rules.breadcrumb_starts if lowered.startswith(s + " ")), None)
    if start is None:
        return None
    tokens = line[len(start) :].split()
    while tokens and (
        tokens[0].strip(_EDGE_CHARS).lower() in rules.navigation_words
        or not tokens[0].strip(_EDGE_CHARS)
    ):
        tokens.pop(0)
    return " ".join(tokens)


def _repeats_headline(rest: str, headlines: list[str], rules: BoilerplateRules) -> bool:
    """The trail ends in a line the article has on its own: "News Transport <that line>"."""
    for headline in headlines:
        if headline.startswith(rest):
            return True
        if len(headline.split()) >= 3 and rest.endswith(headline):
            prefix = rest[: len(rest) - len(headline)]
            if len(prefix.split()) <= rules.menu_item_max_words and prefix.endswith(" "):
                return True
    return False


def _menu_runs(
    lines: list[str], keep: list[bool], debris: set[int], rules: BoilerplateRules
) -> list[list[int]]:
    """Runs of adjacent lines (no blank line between) that are each menu-item short or debris.

    A kept line of prose or a blank line ends a run. Lines removed as repeats, breadcrumbs or
    teasers are passed over (they are gone on a second pass, so they must not change the runs).
    """
    runs: list[list[int]] = [[]]
    for i, line in enumerate(lines):
        if not line:
            runs.append([])
        elif i in debris:
            runs[-1].append(i)
        elif not keep[i]:
            continue
        elif len(line.split()) <= rules.menu_item_max_words and not line.endswith(_CLOSING):
            runs[-1].append(i)
        else:
            runs.append([])
    return [run for run in runs if run]


def strip_boilerplate(text: str, rules: BoilerplateRules | None = None) -> CleanedText:
    """Remove debris lines from ``text``; paragraphs stay separated by one blank line.

    Steps: (1) lines that are debris on their own; (2) later copies of a repeated line;
    (3) breadcrumb trails whose headline is repeated elsewhere; (4) teasers - a line cut off with
    "..." whose text the article repeats in full; (5) vertical menus - several short lines in a
    row, counting the debris lines of step 1 among them. Each step only looks at lines kept by
    the steps before, which makes cleaning idempotent. Pass ``rules``
    (:meth:`BoilerplateRules.load`) when cleaning many texts, so the rule file is read once.
    """
    rules = rules or BoilerplateRules.load()
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    keep = [bool(line) for line in lines]
    removed_at: dict[int, str] = {}

    def drop(index: int) -> None:
        keep[index] = False
        removed_at[index] = lines[index]

    for i, line in enumerate(lines):
        if line and _is_debris(line, rules):
            drop(i)
    debris = set(removed_at)

    collapsed = [_collapse(line) for line in lines]
    seen: set[str] = set()
    for i, key in enumerate(collapsed):
        if keep[i]:
            if key in seen:
                drop(i)
            seen.add(key)

    trails = {i: _breadcrumb_rest(collapsed[i], rules) for i in range(len(lines)) if keep[i]}
    if any(rest is not None for rest in trails.values()):
        headlines = [collapsed[i] for i, rest in trails.items() if rest is None]
        for i, rest in trails.items():
            if rest is not None and (not rest or _repeats_headline(rest, headlines, rules)):
                drop(i)

    teasers = [i for i, line in enumerate(lines) if keep[i] and line.endswith(_ELLIPSIS)]
    if teasers:
        evidence = " ".join(
            collapsed[i] for i in range(len(lines)) if keep[i] and not lines[i].endswith(_ELLIPSIS)
        )
        for i in teasers:
            stem = _collapse(lines[i].rstrip(".\u2026 "))
            if len(stem) >= rules.teaser_min_chars and stem in evidence:
                drop(i)

    for run in _menu_runs(lines, keep, debris, rules):
        short_lines = [i for i in run if keep[i]]
        # two short lines at least: one heading among ad slots is still a heading
        if len(run) >= rules.menu_run_min_lines and len(short_lines) >= 2:
            for i in short_lines:
                drop(i)

    paragraphs: list[str] = []
    pending_break = False
    for i, line in enumerate(lines):
        if keep[i]:
            if paragraphs and pending_break:
                paragraphs.append("")
            paragraphs.append(line)
            pending_break = False
        elif not line:
            pending_break = True
    removed = tuple(removed_at[i] for i in sorted(removed_at))
    return CleanedText("\n".join(paragraphs), removed)
