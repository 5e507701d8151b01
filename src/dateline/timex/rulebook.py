"""Load and compile the tagger's rule files (``rules/``) into one matcher.

Three kinds of data, as in HeidelTime's resources: normalisation tables (TSV, phrase -> value),
named pattern fragments (``patterns.json``), and rules (``rules/*.json``: a pattern, a TIMEX3 type
and the resolver that turns the captured parts into a value). All rules are compiled into one
alternation, highest priority first, so the text is scanned once. See ``rules/README.md``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dateline.errors import ConfigurationError
from dateline.timex.dispatch import DISPATCH_CHARS, first_characters, trie_regex

DEFAULT_RULES_DIR = Path(__file__).parent / "rules"

#: What a rule may ask for; the functions live in :mod:`dateline.timex.resolvers`.
RESOLVERS = frozenset(
    {"calendar", "weekday", "offset", "duration", "set", "constant", "clock", "decade", "century"}
)
TIMEX_TYPES = frozenset({"DATE", "TIME", "DURATION", "SET"})
NORMALISERS = frozenset(
    {"int", "year", "year2", "number", "decade", "ampm", "text", "spelled_year"}
)
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)(?::([a-z_][a-z0-9_]*))?\}")
_TENSES = frozenset({"past", "present", "future"})


@dataclass(frozen=True, slots=True)
class Table:
    """A normalisation table: lower-cased phrase -> columns (the first column is the value)."""

    name: str
    entries: Mapping[str, tuple[str, ...]]
    #: Phrases only match Capitalised or UPPER CASE ("May", "MAY"; never the verb "may").
    cased: bool
    path: str

    def regex(self) -> str:
        phrases = sorted(self.entries, key=len, reverse=True)
        parts: list[str] = []
        for phrase in phrases:
            if self.cased:
                variants = {phrase[:1].upper() + phrase[1:], phrase.upper()}
                parts.extend(_phrase_regex(v) for v in sorted(variants))
            else:
                parts.append(_phrase_regex(phrase))
        body = "|".join(parts)
        return f"(?-i:{body})" if self.cased else f"(?:{body})"


@dataclass(frozen=True, slots=True)
class Fragment:
    name: str
    regex: str
    normaliser: str


@dataclass(frozen=True, slots=True)
class Role:
    """A captured part of a rule: its group (counted from the rule's own outer group) and how to
    normalise it."""

    name: str
    offset: int
    normaliser: str  # one of NORMALISERS, or "table:<name>"


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    type: str
    resolve: str
    pattern: str
    priority: int
    args: Mapping[str, Any]
    path: str
    roles: tuple[Role, ...] = ()


@dataclass(frozen=True, slots=True)
class TenseCue:
    tense: str
    weight: float


@dataclass(frozen=True, slots=True)
class TenseCues:
    """Tense cue phrases (1-3 words) and word endings ("ed")."""

    phrases: Mapping[str, TenseCue]
    suffixes: tuple[tuple[str, TenseCue], ...]
    #: first words of the phrases of two or three words
    first_words: frozenset[str]


@dataclass(frozen=True)
class RuleBook:
    """Everything the tagger needs, compiled once."""

    tables: Mapping[str, Table]
    fragments: Mapping[str, Fragment]
    rules: tuple[Rule, ...]
    matcher: re.Pattern[str]
    #: group index of a rule's outer group -> rule
    rule_by_group: Mapping[int, Rule]
    #: first character of a candidate position -> (the rules that can start there, their groups)
    dispatch: Mapping[str, tuple[re.Pattern[str], Mapping[int, Rule]]]
    #: words and numbers every expression contains one of (see dispatch.py)
    trigger_matcher: re.Pattern[str]
    #: words that can come before a trigger inside an expression ("the", "past", "three")
    prefix_words: frozenset[str]
    tense_cues: TenseCues
    rules_dir: Path
    extra: Mapping[str, Any] = field(default_factory=dict)

    def lookup(self, table: str, phrase: str) -> tuple[str, ...] | None:
        return self.tables[table].entries.get(_key(phrase))


def _key(phrase: str) -> str:
    return " ".join(phrase.lower().replace("-", " ").split())


def _phrase_regex(phrase: str) -> str:
    words = re.split(r"[\s-]+", phrase.strip())
    return r"[\s-]+".join(re.escape(w) for w in words)


def _spaces_to_whitespace(pattern: str) -> str:
    """A space matches any run of whitespace; inside a look-behind exactly one whitespace."""
    out: list[str] = []
    stack: list[bool] = []  # True for a look-behind group
    index = 0
    in_class = False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            stack.append(pattern.startswith(("(?<=", "(?<!"), index))
        elif char == ")" and stack:
            stack.pop()
        elif char == " ":
            out.append(r"\s" if any(stack) else r"\s+")
            index += 1
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _read_table(path: Path) -> Table:
    entries: dict[str, tuple[str, ...]] = {}
    cased = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        if line.startswith("#"):
            if line.lstrip("# ").startswith("options:"):
                options = line.split(":", 1)[1].split()
                unknown = set(options) - {"cased"}
                if unknown:
                    raise ConfigurationError(
                        f"{path}:{number}: unknown table option(s) {sorted(unknown)}; "
                        "the only option is 'cased'"
                    )
                cased = "cased" in options
            continue
        columns = line.rstrip("\n").split("\t")
        if len(columns) < 2 or not columns[0].strip() or not columns[1].strip():
            raise ConfigurationError(f"{path}:{number}: expected 'phrase<TAB>value', got {line!r}")
        entries[_key(columns[0])] = tuple(c.strip() for c in columns[1:])
    if not entries:
        raise ConfigurationError(f"{path}: the table has no entries")
    return Table(name=path.stem, entries=entries, cased=cased, path=str(path))


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ConfigurationError(f"{path}: not valid JSON ({error})") from error


class _Expander:
    """Turns ``{fragment}`` / ``{fragment:role}`` placeholders into regex text."""

    def __init__(self, tables: Mapping[str, Table], fragments: Mapping[str, Fragment]):
        self.tables = tables
        self.fragments = fragments
        self._plain: dict[str, str] = {}

    def plain(self, name: str, where: str, depth: int = 0) -> str:
        """The non-capturing regex of a table or fragment (fragments may nest)."""
        if name in self._plain:
            return self._plain[name]
        if depth > 8:
            raise ConfigurationError(f"{where}: fragments nest too deep at {{{name}}}")
        if name in self.tables:
            text = self.tables[name].regex()
        elif name in self.fragments:
            text = _PLACEHOLDER.sub(
                lambda m: self.plain(m.group(1), f"fragment {name!r}", depth + 1),
                self.fragments[name].regex,
            )
            text = f"(?:{text})"
        else:
            raise ConfigurationError(
                f"{where}: unknown placeholder {{{name}}}; define it in patterns.json "
                "or as normalisations/<name>.tsv"
            )
        self._plain[name] = text
        return text

    def normaliser(self, name: str) -> str:
        if name in self.tables:
            return f"table:{name}"
        return self.fragments[name].normaliser


def load_rulebook(rules_dir: Path | None = None) -> RuleBook:
    """Read every rule file under ``rules_dir`` and compile the combined matcher.

    Raises :class:`ConfigurationError` naming the file and the entry when something is wrong.
    """
    rules_dir = Path(rules_dir) if rules_dir is not None else DEFAULT_RULES_DIR
    if not rules_dir.is_dir():
        raise ConfigurationError(f"{rules_dir}: rules directory does not exist")
    tables = {p.stem: _read_table(p) for p in sorted((rules_dir / "normalisations").glob("*.tsv"))}
    fragments = _read_fragments(rules_dir / "patterns.json", tables)
    expander = _Expander(tables, fragments)
    raw_rules = _read_rules(rules_dir / "rules")
    # Highest priority first; file order breaks ties (sorted is stable).
    raw_rules.sort(key=lambda item: -item[1].get("priority", 0))

    compiled: list[tuple[Rule, str]] = []
    ids: set[str] = set()
    for path, entry in raw_rules:
        if entry["id"] in ids:
            raise ConfigurationError(f"{path} (rule {entry['id']!r}): duplicate rule id")
        ids.add(entry["id"])
        compiled.append(_compile_rule(path, entry, expander))
    matcher, rule_by_group = _alternation(compiled)
    cues = _read_tense(rules_dir / "normalisations" / "tense.tsv")
    return RuleBook(
        tables=tables,
        fragments=fragments,
        rules=tuple(rule for rule, _ in compiled),
        matcher=matcher,
        rule_by_group=rule_by_group,
        dispatch=_dispatch_table(compiled),
        trigger_matcher=_read_triggers(rules_dir / "triggers.tsv", tables),
        prefix_words=_prefix_words(tables, compiled),
        tense_cues=cues,
        rules_dir=rules_dir,
    )


def _alternation(compiled: Sequence[tuple[Rule, str]]) -> tuple[re.Pattern[str], dict[int, Rule]]:
    """One regex trying the rules in order; maps each rule's outer group index to the rule."""
    pieces: list[str] = []
    rule_by_group: dict[int, Rule] = {}
    group = 0
    for rule, body in compiled:
        rule_by_group[group + 1] = rule
        group += 1 + len(rule.roles)
        pieces.append(f"({body})")
    combined = r"(?<![\w'])(?:" + "|".join(pieces) + r")(?![\w])"
    return re.compile(combined, re.IGNORECASE), rule_by_group


def _dispatch_table(
    compiled: Sequence[tuple[Rule, str]],
) -> dict[str, tuple[re.Pattern[str], Mapping[int, Rule]]]:
    """For each first character, an alternation of only the rules that can start with it."""
    firsts = [first_characters(body) for _, body in compiled]
    by_subset: dict[tuple[int, ...], tuple[re.Pattern[str], Mapping[int, Rule]]] = {}
    table: dict[str, tuple[re.Pattern[str], Mapping[int, Rule]]] = {}
    for char in sorted(DISPATCH_CHARS):
        subset = tuple(i for i, first in enumerate(firsts) if first is None or char in first)
        if subset not in by_subset:
            by_subset[subset] = _alternation([compiled[i] for i in subset])
        table[char] = by_subset[subset]
    return table


def _read_triggers(path: Path, tables: Mapping[str, Table]) -> re.Pattern[str]:
    """The trigger regex: every phrase of the listed tables, listed words, and regexes."""
    if not path.is_file():
        raise ConfigurationError(f"{path}: the trigger list is missing")
    words: set[str] = set()
    stop: set[str] = set()
    regexes: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) != 2 or columns[0] not in ("table", "word", "stop", "regex"):
            raise ConfigurationError(
                f"{path}:{number}: expected 'table|word|stop|regex<TAB>name, word or regex'"
            )
        kind, item = columns[0], columns[1].strip()
        if kind == "table":
            if item not in tables:
                raise ConfigurationError(f"{path}:{number}: no table named {item!r}")
            for phrase in tables[item].entries:
                words.update(w for w in re.split(r"[\s-]+", phrase) if w)
        elif kind == "word":
            words.add(item.lower())
        elif kind == "stop":
            stop.add(item.lower())
        else:
            try:
                re.compile(item)
            except re.error as error:
                raise ConfigurationError(f"{path}:{number}: {error}") from error
            regexes.append(item)
    # One pass, one look-behind for all alternatives: much faster than separate alternatives.
    alternatives = ["(?:" + trie_regex(sorted(words - stop)) + r")(?!\w)", *regexes]
    return re.compile(r"(?<![\w'])(?:" + "|".join(alternatives) + ")")


def _prefix_words(
    tables: Mapping[str, Table], compiled: Sequence[tuple[Rule, str]]
) -> frozenset[str]:
    """Words that may begin an expression before its trigger: any word of a table or a rule."""
    words: set[str] = set()
    for table in tables.values():
        for phrase in table.entries:
            words.update(re.findall(r"[a-z']+", phrase))
    for rule, _ in compiled:
        literal = re.sub(r"\{[^}]*\}|\\[a-zA-Z]|\(\?[<=!:\-i]*", " ", rule.pattern.lower())
        words.update(re.findall(r"[a-z']+", literal))
    return frozenset(words)


def _compile_rule(path: Path, entry: Mapping[str, Any], expander: _Expander) -> tuple[Rule, str]:
    """The rule and its regex (without its outer group; roles count from it)."""
    where = f"{path} (rule {entry['id']!r})"
    roles: list[Role] = []

    def capture(match: re.Match[str]) -> str:
        name, role = match.group(1), match.group(2) or match.group(1)
        # A role may appear in several alternatives ("{month} {day}|{day} {month}"): the
        # one that matched gives the value (if several matched, the last one).
        body = expander.plain(name, where)
        roles.append(Role(name=role, offset=len(roles) + 1, normaliser=expander.normaliser(name)))
        return f"({body})"

    # The rule's own groups would shift the numbering: only placeholders may capture.
    if re.search(r"\((?!\?)", entry["pattern"].replace(r"\(", "")):
        raise ConfigurationError(
            f"{where}: use (?:...) for grouping; captures come only from {{placeholders}}"
        )
    body = _spaces_to_whitespace(_PLACEHOLDER.sub(capture, entry["pattern"]))
    try:
        compiled = re.compile(body, re.IGNORECASE)
    except re.error as error:
        raise ConfigurationError(f"{where}: pattern does not compile ({error})") from error
    if compiled.match("") is not None:
        raise ConfigurationError(f"{where}: the pattern matches the empty string")
    rule = Rule(
        id=entry["id"],
        type=entry["type"],
        resolve=entry["resolve"],
        pattern=entry["pattern"],
        priority=int(entry.get("priority", 0)),
        args=dict(entry.get("args", {})),
        path=str(path),
        roles=tuple(roles),
    )
    return rule, body


def _read_fragments(path: Path, tables: Mapping[str, Table]) -> dict[str, Fragment]:
    data = _load_json(path)
    if not isinstance(data, dict):
        raise ConfigurationError(f"{path}: expected an object of named fragments")
    fragments: dict[str, Fragment] = {}
    for name, spec in data.items():
        if name.startswith("_"):
            continue
        where = f"{path} (fragment {name!r})"
        if not isinstance(spec, dict) or "regex" not in spec:
            raise ConfigurationError(f"{where}: expected {{'regex': ..., 'normaliser': ...}}")
        normaliser = spec.get("normaliser", "text")
        if normaliser.startswith("table:"):
            if normaliser[6:] not in tables:
                raise ConfigurationError(f"{where}: no table named {normaliser[6:]!r}")
        elif normaliser not in NORMALISERS:
            raise ConfigurationError(
                f"{where}: unknown normaliser {normaliser!r}; one of {sorted(NORMALISERS)} "
                "or table:<name>"
            )
        if name in tables:
            raise ConfigurationError(f"{where}: a table has the same name")
        fragments[name] = Fragment(name=name, regex=spec["regex"], normaliser=normaliser)
    return fragments


def _read_rules(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    found: list[tuple[Path, dict[str, Any]]] = []
    for path in sorted(folder.glob("*.json")):
        data = _load_json(path)
        entries = data.get("rules") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise ConfigurationError(f"{path}: expected an object with a 'rules' list")
        for index, entry in enumerate(entries):
            where = f"{path} (entry {index}, id {entry.get('id') if isinstance(entry, dict) else None!r})"
            if not isinstance(entry, dict):
                raise ConfigurationError(f"{where}: expected an object")
            for key in ("id", "pattern", "type", "resolve"):
                if not isinstance(entry.get(key), str) or not entry[key]:
                    raise ConfigurationError(f"{where}: missing or empty {key!r}")
            if entry["type"] not in TIMEX_TYPES:
                raise ConfigurationError(
                    f"{where}: type {entry['type']!r} is not one of {sorted(TIMEX_TYPES)}"
                )
            if entry["resolve"] not in RESOLVERS:
                raise ConfigurationError(
                    f"{where}: resolve {entry['resolve']!r} is not one of {sorted(RESOLVERS)}"
                )
            if not isinstance(entry.get("args", {}), dict):
                raise ConfigurationError(f"{where}: 'args' must be an object")
            unknown = set(entry) - {"id", "pattern", "type", "resolve", "args", "priority", "note"}
            if unknown:
                raise ConfigurationError(f"{where}: unknown key(s) {sorted(unknown)}")
            found.append((path, entry))
    if not found:
        raise ConfigurationError(f"{folder}: no rules found (expected *.json files)")
    return found


def _read_tense(path: Path) -> TenseCues:
    if not path.is_file():
        raise ConfigurationError(f"{path}: the tense cue table is missing")
    phrases: dict[str, TenseCue] = {}
    suffixes: list[tuple[str, TenseCue]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) != 3 or columns[1] not in _TENSES:
            raise ConfigurationError(
                f"{path}:{number}: expected 'cue phrase<TAB>past|present|future<TAB>weight'"
            )
        try:
            cue = TenseCue(tense=columns[1], weight=float(columns[2]))
        except ValueError as error:
            raise ConfigurationError(f"{path}:{number}: weight is not a number") from error
        phrase = " ".join(columns[0].lower().split())
        if phrase.startswith("*"):
            suffixes.append((phrase[1:], cue))
        elif len(phrase.split()) > 3:
            raise ConfigurationError(f"{path}:{number}: cue phrases have at most 3 words")
        else:
            phrases[phrase] = cue
    first_words = frozenset(p.split()[0] for p in phrases if " " in p)
    return TenseCues(phrases=phrases, suffixes=tuple(suffixes), first_words=first_words)
