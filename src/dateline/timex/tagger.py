"""The time-expression tagger: find, type and normalise TIMEX3 expressions in one pass.

A trigger regex finds the words every expression contains; at each trigger (and the few words
before it that can begin an expression) the rules that can start there are tried, highest
priority first (see ``dispatch.py``). Each match goes to its rule's resolver with the document
date, the last date the narrative mentioned and, only when needed, the tense of its sentence
(word cues from ``tense.tsv``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from dateline.records import Granularity, TimeMention, TimexType
from dateline.timex.calendar import Point, parse_anchor
from dateline.timex.normalise import normalise
from dateline.timex.resolvers import RESOLVER_FUNCTIONS, Context, Part, Resolution
from dateline.timex.rulebook import Rule, RuleBook, load_rulebook

_SENTENCE_END = re.compile(r"[.!?]['\"\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]*[A-Z0-9])|\n\s*\n")
#: Between a weekday and the date that follows it: "Wednesday, i.e 5th of March", "Monday, Oct. 27".
_WEEKDAY_DATE_GAP = re.compile(
    r"^\s*(?:,|\(|-|\u2013)?\s*(?:(?:i\.?\s?e\.?|that\s+is|viz\.?)\s*,?\s*)?(?:the\s+)?$",
    re.IGNORECASE,
)
_DATE_WEEKDAY_GAP = re.compile(r"^\s*(?:,|\()\s*$")
_GRANULARITY: dict[str, Granularity] = {
    "time": "time",
    "day": "day",
    "week": "week",
    "month": "month",
    "quarter": "quarter",
    "half": "season",
    "season": "season",
    "year": "year",
    "decade": "decade",
    "century": "century",
    "none": "none",
}
_TENSE_WINDOW = 160
#: Dates that later "the next day", "a year earlier" are counted from.
_REFERENCE_GRANULARITIES = frozenset(
    {"time", "day", "week", "month", "quarter", "half", "season", "year"}
)
_RIGHT_CUE_FACTOR = 0.7
_OTHER_CLAUSE_FACTOR = 0.5
_PREFIX_WINDOW = 60
_PREFIX_WORDS = 5
_CUE_WORD = re.compile(r"[\w]+|['\u2019]ll")
_WORD = re.compile(r"[\w'\u2019.]+")


class TimeTagger:
    """Compiles the rule files once; reuse one instance per process."""

    def __init__(self, rules_dir: Path | None = None) -> None:
        self.rulebook: RuleBook = load_rulebook(rules_dir)

    def tag(self, text: str, anchor: str | dt.date | None) -> list[TimeMention]:
        """Every time expression in ``text``, in order, resolved against ``anchor``.

        ``anchor`` is the document date: a date, an ISO string ("2022-09-08", "2022-09",
        "2022") or None. With a partial or missing anchor, what needs the missing part is
        left underspecified (``XXXX-WXX-1``) rather than guessed.
        """
        document = parse_anchor(anchor)
        book = self.rulebook
        mentions: list[TimeMention] = []
        points: list[Point | None] = []
        reference: Point | None = None
        anchor_text = document.iso()
        for match, rule in self._matches(text):
            parts: dict[str, Part] = {}
            outer = match.lastindex or 0
            for role in rule.roles:
                captured = match.group(outer + role.offset)
                if captured is not None:
                    parts[role.name] = normalise(role.normaliser, captured, book, document.year)
            start, end = _trim(text, match.start(), match.end())
            context = Context(
                anchor=document,
                reference=reference,
                tense=_TenseProbe(book, text, start, end),
            )
            resolution = RESOLVER_FUNCTIONS[rule.resolve](rule.args, parts, context)
            if resolution is None:
                continue
            mention_type = _type_of(rule.type, resolution)
            mentions.append(
                TimeMention(
                    text=text[start:end],
                    start=start,
                    end=end,
                    type=mention_type,
                    value=resolution.value,
                    granularity=_GRANULARITY[resolution.granularity],
                    anchor=(
                        reference.value()
                        if context.anchor_source == "narrative" and reference is not None
                        else anchor_text
                    ),
                    anchor_source=context.anchor_source if anchor_text or reference else None,
                    rule=rule.id,
                    conflicts=tuple(context.conflicts),
                    tense=context.used_tense,
                )
            )
            points.append(resolution.point)
            if (
                resolution.point is not None
                and resolution.granularity in _REFERENCE_GRANULARITIES
                and rule.args.get("sets_reference", True)
            ):
                reference = resolution.point
        return _merge_weekday_dates(text, mentions, points)

    def _matches(self, text: str) -> Iterator[tuple[re.Match[str], Rule]]:
        """Rule matches, left to right, tried only where an expression can start."""
        book = self.rulebook
        lowered = text.lower()
        if len(lowered) != len(text):  # a few Unicode letters change length when lower-cased
            lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        candidates: set[int] = set()
        for trigger in book.trigger_matcher.finditer(lowered):
            candidates.add(trigger.start())
            candidates.update(_prefix_starts(lowered, trigger.start(), book.prefix_words))
        done = 0
        for position in sorted(candidates):
            if position < done:
                continue
            matcher, rule_by_group = book.dispatch.get(
                lowered[position], (book.matcher, book.rule_by_group)
            )
            match = matcher.match(text, position)
            if match is None or match.lastindex is None or match.end() == position:
                continue
            done = match.end()
            yield match, rule_by_group[match.lastindex]


def _prefix_starts(lowered: str, trigger_start: int, prefix_words: frozenset[str]) -> list[int]:
    """Starts of the up to five words before a trigger that may belong to its expression."""
    window_start = max(0, trigger_start - _PREFIX_WINDOW)
    words = list(_WORD.finditer(lowered, window_start, trigger_start))
    starts: list[int] = []
    expected_end = trigger_start
    for word in reversed(words[-_PREFIX_WORDS:]):
        gap = lowered[word.end() : expected_end]
        if gap.strip(" ,-\t\n\u2013") or "\n\n" in gap:
            break
        token = word.group().strip(".")
        if not (token in prefix_words or token[:1].isdigit()):
            break
        starts.append(word.start())
        expected_end = word.start()
    return starts


class _TenseProbe:
    """Lazily finds the tense of the sentence around a mention (most mentions never ask)."""

    __slots__ = ("book", "end", "start", "text")

    def __init__(self, book: RuleBook, text: str, start: int, end: int) -> None:
        self.book, self.text, self.start, self.end = book, text, start, end

    def __call__(self) -> str | None:
        return sentence_tense(self.book, self.text, self.start, self.end)


def sentence_tense(book: RuleBook, text: str, start: int, end: int) -> str | None:
    """past / present / future from the strongest nearby cue word in the mention's sentence."""
    low = max(0, start - _TENSE_WINDOW)
    high = min(len(text), end + _TENSE_WINDOW)
    sentence_start = low
    for boundary in _SENTENCE_END.finditer(text, low, start):
        sentence_start = boundary.end()
    after = _SENTENCE_END.search(text, end, high)
    sentence_end = after.start() + 1 if after else high
    cues = book.tense_cues
    words = [
        w
        for w in _CUE_WORD.finditer(text, sentence_start, sentence_end)
        if w.end() <= start or w.start() >= end
    ]
    lowered = [w.group().lower().replace("\u2019", "'") for w in words]
    best: str | None = None
    best_score = 0.0
    # A cue after the mention and across a comma is usually an attribution ("..., the ministry
    # said today"): it speaks of the report, not of the event, so it counts only as a fallback.
    fallback: str | None = None
    fallback_score = 0.0
    for index, word in enumerate(words):
        token = lowered[index]
        cue = None
        if token in cues.first_words:
            for size in (3, 2):
                if index + size <= len(words):
                    cue = cues.phrases.get(" ".join(lowered[index : index + size]))
                    if cue is not None:
                        break
        if cue is None:
            cue = cues.phrases.get(token)
        if cue is None:
            for suffix, suffix_cue in cues.suffixes:
                if len(token) >= len(suffix) + 3 and token.endswith(suffix):
                    cue = suffix_cue
                    break
        if cue is None:
            continue
        if word.start() >= end:  # after the mention: often a reporting verb ("..., he said")
            score = _RIGHT_CUE_FACTOR * cue.weight / (1.0 + (word.start() - end) / 25.0)
            between = text[end : word.start()]
        else:
            score = cue.weight / (1.0 + (start - word.end()) / 25.0)
            between = text[word.end() : start]
        if "," in between or ";" in between:  # another clause
            score *= _OTHER_CLAUSE_FACTOR
            if word.start() >= end:
                if score > fallback_score:
                    fallback, fallback_score = cue.tense, score
                continue
        if score > best_score:
            best, best_score = cue.tense, score
    return best if best is not None else fallback


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in " \t\r\n,":
        end -= 1
    return start, end


def _type_of(rule_type: str, resolution: Resolution) -> TimexType:
    if rule_type == "TIME" and resolution.granularity != "time":
        return "DATE"
    if rule_type in ("DATE", "TIME", "DURATION", "SET"):
        return rule_type  # type: ignore[return-value]
    return "DATE"


def _merge_weekday_dates(
    text: str, mentions: list[TimeMention], points: list[Point | None]
) -> list[TimeMention]:
    """Join "Wednesday, i.e 5th of March 2023" into one mention; the explicit date wins.

    A weekday that contradicts the date is kept as a conflict on the merged mention.
    """
    merged: list[TimeMention] = []
    index = 0
    while index < len(mentions):
        current = mentions[index]
        following = mentions[index + 1] if index + 1 < len(mentions) else None
        if following is not None:
            joined = _join(text, current, following, points[index + 1])
            if joined is None:
                joined = _join_date_then_weekday(text, current, following, points[index])
            if joined is not None:
                merged.append(joined)
                index += 2
                continue
        merged.append(current)
        index += 1
    return merged


def _is_explicit_day(mention: TimeMention) -> bool:
    """A day given by month and day ("5th of March"), not by another weekday or "today"."""
    return (
        mention.type == "DATE"
        and mention.granularity == "day"
        and mention.rule.startswith("date.")
        and not mention.rule.startswith(("date.weekday", "date.deictic", "date.narrative"))
        and "W" not in mention.value
    )


def _weekday_of(mention: TimeMention) -> int | None:
    if mention.rule != "date.weekday":
        return None
    word = mention.text.split()[-1].rstrip(".").lower()
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    for number, prefix in enumerate(names, start=1):
        if word.startswith(prefix):
            return number
    return None


def _join(
    text: str, weekday: TimeMention, date: TimeMention, point: Point | None
) -> TimeMention | None:
    number = _weekday_of(weekday)
    if number is None or not _is_explicit_day(date):
        return None
    if not _WEEKDAY_DATE_GAP.match(text[weekday.end : date.start]):
        return None
    return _merged(text, weekday.start, date.end, date, number, point)


def _join_date_then_weekday(
    text: str, date: TimeMention, weekday: TimeMention, point: Point | None
) -> TimeMention | None:
    number = _weekday_of(weekday)
    if number is None or not _is_explicit_day(date):
        return None
    if not _DATE_WEEKDAY_GAP.match(text[date.end : weekday.start]):
        return None
    end = weekday.end
    if text[date.end : weekday.start].strip() == "(" and text[end : end + 1] == ")":
        end += 1
    return _merged(text, date.start, end, date, number, point)


def _merged(
    text: str, start: int, end: int, date: TimeMention, weekday: int, point: Point | None
) -> TimeMention:
    conflicts = list(date.conflicts)
    day = point.date if point is not None else None
    if day is not None and day.isoweekday() != weekday:
        names = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
        conflicts.append(
            f"weekday {names[weekday - 1]} contradicts {day.isoformat()}, "
            f"a {names[day.isoweekday() - 1]}; the explicit date is kept"
        )
    return TimeMention(
        text=text[start:end],
        start=start,
        end=end,
        type=date.type,
        value=date.value,
        granularity=date.granularity,
        anchor=date.anchor,
        anchor_source=date.anchor_source,
        rule=date.rule + "+weekday",
        conflicts=tuple(conflicts),
        tense=date.tense,
    )


def resolve_time_expressions(
    text: str, anchor: str | dt.date | None, *, tagger: TimeTagger | None = None
) -> list[TimeMention]:
    """Tag ``text`` (a convenience over :meth:`TimeTagger.tag`; pass a tagger to reuse it)."""
    return (tagger or TimeTagger()).tag(text, anchor)


__all__ = ["TimeTagger", "resolve_time_expressions", "sentence_tense"]
