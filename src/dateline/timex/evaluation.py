"""TimeML reading and TempEval-3 task A scoring (extents, type, value) for the timex tagger.

Definitions, as in the TempEval-3 evaluation and ``benchmarks/README.md``: strict match = the
same extent; relaxed match = overlapping extents (each gold and each system expression is
paired at most once, by largest overlap); type accuracy and value accuracy are measured on the
relaxed pairs; value F1 = relaxed F1 x value accuracy.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dateline.errors import EvaluationError
from dateline.records import TimeMention

_TAG = re.compile(r"<(/?)([A-Za-z0-9_]+)([^>]*?)(/?)>")
_ATTRIBUTE = re.compile(r'([A-Za-z_]+)\s*=\s*"([^"]*)"')


@dataclass(frozen=True, slots=True)
class GoldTimex:
    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass(frozen=True, slots=True)
class TimeMLDocument:
    path: str
    dct: str | None
    text: str
    timexes: tuple[GoldTimex, ...]


def read_timeml(path: Path) -> TimeMLDocument:
    """The document creation time, the plain ``<TEXT>`` and its TIMEX3 spans (offsets into it)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise EvaluationError(f"{path}: cannot read ({error})") from error
    dct_match = re.search(r"<DCT>\s*<TIMEX3([^>]*)>", raw)
    dct = None
    if dct_match:
        dct = dict(_ATTRIBUTE.findall(dct_match.group(1))).get("value")
    body = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.DOTALL)
    if body is None:
        raise EvaluationError(f"{path}: no <TEXT> element")
    pieces: list[str] = []
    length = 0
    open_timex: tuple[int, dict[str, str]] | None = None
    timexes: list[GoldTimex] = []
    position = 0
    source = body.group(1)
    for tag in _TAG.finditer(source):
        chunk = html.unescape(source[position : tag.start()])
        pieces.append(chunk)
        length += len(chunk)
        position = tag.end()
        closing, name = tag.group(1) == "/", tag.group(2)
        if name != "TIMEX3":
            continue
        if not closing:
            open_timex = (length, dict(_ATTRIBUTE.findall(tag.group(3))))
        elif open_timex is not None:
            start, attributes = open_timex
            open_timex = None
            timexes.append(
                GoldTimex(
                    start=start,
                    end=length,
                    text="".join(pieces)[start:length],
                    type=attributes.get("type", ""),
                    value=attributes.get("value", ""),
                )
            )
    tail = html.unescape(source[position:])
    pieces.append(tail)
    return TimeMLDocument(path=str(path), dct=dct, text="".join(pieces), timexes=tuple(timexes))


def find_timeml_files(folders: Iterable[Path]) -> list[Path]:
    """Every ``*.tml`` under the folders (recursive), sorted; EvaluationError when none."""
    files: list[Path] = []
    for folder in folders:
        if folder.is_file():
            files.append(folder)
        elif folder.is_dir():
            files.extend(sorted(folder.rglob("*.tml")))
        else:
            raise EvaluationError(f"{folder}: no such file or folder")
    if not files:
        raise EvaluationError(f"no .tml files under {', '.join(map(str, folders))}")
    return files


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    type: str
    value: str
    text: str = ""


@dataclass
class TimexScores:
    gold: int = 0
    system: int = 0
    strict: int = 0
    relaxed_gold: int = 0
    relaxed_system: int = 0
    pairs: int = 0
    type_correct: int = 0
    value_correct: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)

    @staticmethod
    def _f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def strict_precision(self) -> float:
        return self.strict / self.system if self.system else 0.0

    @property
    def strict_recall(self) -> float:
        return self.strict / self.gold if self.gold else 0.0

    @property
    def strict_f1(self) -> float:
        return self._f1(self.strict_precision, self.strict_recall)

    @property
    def relaxed_precision(self) -> float:
        return self.relaxed_system / self.system if self.system else 0.0

    @property
    def relaxed_recall(self) -> float:
        return self.relaxed_gold / self.gold if self.gold else 0.0

    @property
    def relaxed_f1(self) -> float:
        return self._f1(self.relaxed_precision, self.relaxed_recall)

    @property
    def type_accuracy(self) -> float:
        return self.type_correct / self.pairs if self.pairs else 0.0

    @property
    def value_accuracy(self) -> float:
        return self.value_correct / self.pairs if self.pairs else 0.0

    @property
    def value_f1(self) -> float:
        return self.relaxed_f1 * self.value_accuracy

    def summary(self) -> dict[str, float]:
        """Percentages, rounded to 2 decimals."""
        return {
            "strict_precision": round(100 * self.strict_precision, 2),
            "strict_recall": round(100 * self.strict_recall, 2),
            "strict_f1": round(100 * self.strict_f1, 2),
            "relaxed_precision": round(100 * self.relaxed_precision, 2),
            "relaxed_recall": round(100 * self.relaxed_recall, 2),
            "relaxed_f1": round(100 * self.relaxed_f1, 2),
            "type_accuracy": round(100 * self.type_accuracy, 2),
            "value_accuracy": round(100 * self.value_accuracy, 2),
            "value_f1": round(100 * self.value_f1, 2),
        }


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def score_document(
    scores: TimexScores,
    text: str,
    gold: Sequence[GoldTimex],
    system: Sequence[Span],
    name: str = "",
) -> None:
    """Add one document's counts to ``scores``."""
    gold_spans = [(*_strip(text, g.start, g.end), g) for g in gold]
    system_spans = [(*_strip(text, s.start, s.end), s) for s in system]
    scores.gold += len(gold_spans)
    scores.system += len(system_spans)
    strict_keys = {(s, e) for s, e, _ in gold_spans}
    scores.strict += sum(1 for s, e, _ in system_spans if (s, e) in strict_keys)
    candidates: list[tuple[int, int, int]] = []
    for gi, (gs, ge, _) in enumerate(gold_spans):
        for si, (ss, se, _) in enumerate(system_spans):
            overlap = min(ge, se) - max(gs, ss)
            if overlap > 0:
                candidates.append((overlap, gi, si))
    scores.relaxed_gold += len({gi for _, gi, _ in candidates})
    scores.relaxed_system += len({si for _, _, si in candidates})
    used_gold: set[int] = set()
    used_system: set[int] = set()
    for _, gi, si in sorted(candidates, reverse=True):
        if gi in used_gold or si in used_system:
            continue
        used_gold.add(gi)
        used_system.add(si)
        g = gold_spans[gi][2]
        s = system_spans[si][2]
        scores.pairs += 1
        scores.type_correct += g.type == s.type
        scores.value_correct += g.value == s.value
        if g.value != s.value or g.type != s.type:
            scores.errors.append(
                (
                    name,
                    f"VALUE  gold {g.text!r} {g.type} {g.value} | sys {s.text!r} {s.type} {s.value}",
                )
            )
    for gi, (_, _, g) in enumerate(gold_spans):
        if gi not in used_gold and all(gi != c[1] for c in candidates):
            scores.errors.append((name, f"MISSED {g.text!r} {g.type} {g.value}"))
    for si, (_, _, s) in enumerate(system_spans):
        if all(si != c[2] for c in candidates):
            scores.errors.append((name, f"SPURIOUS {s.text!r} {s.type} {s.value}"))
    for gs, ge, g in gold_spans:
        for ss, se, s in system_spans:
            if (ss, se) != (gs, ge) and min(ge, se) > max(gs, ss):
                scores.errors.append((name, f"EXTENT gold {g.text!r} | sys {s.text!r}"))


@dataclass
class EvaluationRun:
    scores: TimexScores
    seconds: float
    expressions: int
    documents: int

    @property
    def expressions_per_s(self) -> float:
        return self.expressions / self.seconds if self.seconds else 0.0


def evaluate(
    documents: Sequence[TimeMLDocument],
    tag: Callable[[str, str | None], Sequence[TimeMention] | Sequence[Span]],
) -> EvaluationRun:
    """Run ``tag(text, dct)`` on every document (timed) and score the output."""
    outputs = []
    started = time.perf_counter()
    for document in documents:
        outputs.append(tag(document.text, document.dct))
    seconds = time.perf_counter() - started
    scores = TimexScores()
    found = 0
    for document, output in zip(documents, outputs, strict=True):
        spans = [Span(m.start, m.end, m.type, m.value, getattr(m, "text", "")) for m in output]
        found += len(spans)
        score_document(scores, document.text, document.timexes, spans, Path(document.path).name)
    return EvaluationRun(
        scores=scores, seconds=seconds, expressions=found, documents=len(documents)
    )
