"""Normalisers: a captured phrase -> a value (``"Sept."`` -> 9, ``"twenty-four"`` -> 24).

Which normaliser applies is said by the fragment in ``patterns.json`` (or ``table:<name>`` for a
table placeholder), so the rule files decide; the functions here only do the arithmetic.
Number words are read with the ``number`` table (no library: the table gives the words, and
the ones on PyPI return no spans and cover no more than these few lines do).
"""

from __future__ import annotations

import re

from dateline.timex.resolvers import Part
from dateline.timex.rulebook import RuleBook

_SPLIT_WORDS = re.compile(r"[\s-]+")
_FRACTION = re.compile(r"^(\d+)\s+(\d)/(\d)$")


def two_digit_year(digits: int, anchor_year: int | None) -> int:
    """'98 -> 1998 and '11 -> 2011: the century that puts the year at most 10 years ahead."""
    reference = anchor_year if anchor_year is not None else 2000
    candidate = (reference // 100) * 100 + digits
    if candidate > reference + 10:
        candidate -= 100
    return candidate


def parse_number(text: str, book: RuleBook) -> float | None:
    """Digits ("1,000", "2.5", "2 1/2") or number words ("twenty-four", "a couple of")."""
    text = text.strip()
    fraction = _FRACTION.match(text)
    if fraction:
        whole, top, bottom = (int(g) for g in fraction.groups())
        return whole + top / bottom if bottom else None
    if text[:1].isdigit():
        try:
            return float(text.replace(",", ""))
        except ValueError:
            return None
    words = [w for w in _SPLIT_WORDS.split(text.lower()) if w and w != "and"]
    table = book.tables["number"].entries
    total = 0.0
    current = 0.0
    index = 0
    found = False
    while index < len(words):
        for size in (3, 2, 1):
            phrase = " ".join(words[index : index + size])
            if len(words) - index >= size and phrase in table:
                value = float(table[phrase][0])
                index += size
                break
        else:
            return None
        found = True
        if value == 100:
            current = (current or 1) * 100
        elif value >= 1000:
            total += (current or 1) * value
            current = 0
        else:
            current += value
    return total + current if found else None


def spelled_year(text: str, book: RuleBook) -> int | None:
    """ "nineteen ninety-six" -> 1996, "two thousand and one" -> 2001, "nineteen oh five" -> 1905."""
    words = [w for w in _SPLIT_WORDS.split(text.lower()) if w and w != "and"]
    if not words:
        return None
    if words[0] == "two" and len(words) > 1 and words[1] == "thousand":
        value = parse_number(" ".join(words), book)
        return int(value) if value is not None else None
    century = parse_number(words[0], book)
    rest_words = [w for w in words[1:] if w != "oh"]
    if century is None:
        return None
    if rest_words == ["hundred"]:
        return int(century) * 100
    rest = parse_number(" ".join(rest_words), book) if rest_words else 0
    if rest is None or rest >= 100:
        return None
    return int(century) * 100 + int(rest)


def _decade(text: str, book: RuleBook, anchor_year: int | None) -> str | None:
    word = book.lookup("decade_word", text)
    if word is not None:
        return word[0]
    digits = re.sub(r"\D", "", text)
    if len(digits) == 4:
        return digits[:3]
    if len(digits) == 2:
        return str(two_digit_year(int(digits), anchor_year) // 10)
    return None


def _ampm(text: str) -> str:
    return "p" if text.strip().lower().startswith("p") else "a"


def normalise(kind: str, text: str, book: RuleBook, anchor_year: int | None) -> Part:
    """The value of a captured ``text`` by normaliser ``kind`` (``value`` None: not understood)."""
    if kind.startswith("table:"):
        entry = book.lookup(kind[6:], text)
        if entry is None:
            return Part(text, None)
        value: object = entry[0]
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
            value = int(value)
        return Part(text, value, entry[1:])
    if kind == "int":
        leading = re.match(r"\d+", text.strip())
        return Part(text, int(leading.group()) if leading else None)
    if kind == "year":
        return Part(text, int(text))
    if kind == "year2":
        digits = text.strip().lstrip("'\u2019")
        if len(digits) == 2 and digits.isdigit():
            return Part(text, two_digit_year(int(digits), anchor_year))
        return Part(text, int(digits) if digits.isdigit() else None)
    if kind == "spelled_year":
        return Part(text, spelled_year(text, book))
    if kind == "number":
        return Part(text, parse_number(text, book))
    if kind == "decade":
        decade = _decade(text, book, anchor_year)
        return Part(text, int(decade) if decade else None)
    if kind == "ampm":
        return Part(text, _ampm(text))
    return Part(text, text)
