"""Speed: which rules can start at a given character, and where matches can start at all.

Trying every rule at every word of an article is slow in Python's regex engine (it tests the
alternatives one by one). So the tagger (1) finds *trigger* words (month, weekday, unit,
"today", a year...) with one trie-shaped regex, (2) tries matches only at the trigger and the
few words before it that can begin an expression ("the past three years"), and (3) at each
such position runs only the rules whose first character fits, precomputed here from the
compiled patterns' syntax trees.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parser  # type: ignore[attr-defined]
from typing import Any

#: The characters candidates are dispatched on (lower-cased); others go to the full matcher.
DISPATCH_CHARS = frozenset(string.ascii_lowercase + string.digits + "'\u2019")


def first_characters(pattern: str, flags: int = re.IGNORECASE) -> frozenset[str] | None:
    """Lower-cased characters a match of ``pattern`` can begin with; None if any character."""
    parsed = sre_parser.parse(pattern, flags)
    chars, nullable = _first_of_sequence(list(parsed))
    if chars is None or nullable:
        return None
    return frozenset(c.lower() for c in chars)


def _first_of_sequence(items: list[Any]) -> tuple[set[str] | None, bool]:
    found: set[str] = set()
    for op, argument in items:
        chars, nullable = _first_of_item(op, argument)
        if chars is None:
            return None, False
        found |= chars
        if not nullable:
            return found, False
    return found, True


def _first_of_item(op: Any, argument: Any) -> tuple[set[str] | None, bool]:
    c = sre_constants
    if op is c.LITERAL:
        char = chr(argument)
        return {char, char.lower(), char.upper()}, False
    if op is c.IN:
        return _first_of_set(argument), False
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return set(), True
    if op is c.SUBPATTERN:
        return _first_of_sequence(list(argument[-1]))
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        low, _high, body = argument
        chars, nullable = _first_of_sequence(list(body))
        return chars, nullable or low == 0
    if op is c.BRANCH:
        found: set[str] = set()
        any_nullable = False
        for alternative in argument[1]:
            chars, nullable = _first_of_sequence(list(alternative))
            if chars is None:
                return None, False
            found |= chars
            any_nullable = any_nullable or nullable
        return found, any_nullable
    if op is getattr(c, "ATOMIC_GROUP", None):
        return _first_of_sequence(list(argument))
    return None, False


def _first_of_set(items: Iterable[Any]) -> set[str] | None:
    c = sre_constants
    found: set[str] = set()
    for op, argument in items:
        if op is c.NEGATE:
            return None
        if op is c.LITERAL:
            found |= {chr(argument), chr(argument).lower(), chr(argument).upper()}
        elif op is c.RANGE:
            low, high = argument
            if high - low > 400:
                return None
            found |= {chr(code) for code in range(low, high + 1)}
        elif op is c.CATEGORY:
            if argument is c.CATEGORY_DIGIT:
                found |= set(string.digits)
            elif argument is c.CATEGORY_SPACE:
                found |= set(" \t\n\r\f\v")
            else:
                return None
        else:
            return None
    return {ch for ch in found} | {ch.lower() for ch in found}


def trie_regex(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, shaped as a trie so the engine does not try each."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        optional = "" in node
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if optional else body

    return build(root)
