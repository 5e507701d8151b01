"""Marking spans of article text (time expressions, entities, evidence) as escaped HTML.

Spans may overlap (a date inside an organisation's name, an entity inside the evidence): the
text is cut at every span boundary and each piece is wrapped in one element per span covering
it, so the markup always nests and every character of the text appears exactly once, escaped.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

from dateline.records import AnalysedArticle
from dateline.render import strip_control_chars


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of text to mark: ``kind`` becomes the CSS class, ``note`` the tooltip; with
    ``href`` the stretch is a link (``<a>``) instead of a ``<mark>``."""

    start: int
    end: int
    kind: str
    note: str = ""
    href: str = ""


def mark(text: str, spans: Iterable[Span]) -> Markup:
    """``text`` as HTML with ``<mark class="kind" title="note">`` around each span.

    Spans outside the text or empty are ignored; the result is safe to insert into a page.
    """
    usable = sorted(
        (s for s in spans if 0 <= s.start < s.end <= len(text)),
        key=lambda s: (s.start, -s.end, s.kind),
    )
    usable = _no_nested_links(usable)
    cuts = sorted({0, len(text), *(s.start for s in usable), *(s.end for s in usable)})
    parts: list[str] = []
    for lo, hi in itertools.pairwise(cuts):
        piece = str(escape(strip_control_chars(text[lo:hi])))
        for span in reversed([s for s in usable if s.start <= lo and hi <= s.end]):
            title = f' title="{escape(span.note)}"' if span.note else ""
            if span.href:
                piece = (
                    f'<a class="{escape(span.kind)}" href="{escape(span.href)}"{title}>{piece}</a>'
                )
            else:
                piece = f'<mark class="{escape(span.kind)}"{title}>{piece}</mark>'
        parts.append(piece)
    return Markup("".join(parts))


def _no_nested_links(spans: list[Span]) -> list[Span]:
    """Drop a link span that overlaps an earlier one (a link inside a link is not HTML)."""
    out: list[Span] = []
    last_link_end = -1
    for span in spans:
        if span.href:
            if span.start < last_link_end:
                continue
            last_link_end = span.end
        out.append(span)
    return out


def find_mentions(
    text: str,
    offset: int,
    mentions: Iterable[tuple[int, int, str, str]],
    link: Callable[[str], str],
) -> list[Span]:
    """Link spans in ``text`` (which starts at ``offset`` of its article, possibly trimmed) for
    entity mentions ``(start, end, surface, entity_id)``: placed by offset when the surface text
    is there, else at its first occurrence; ``link`` gives the href for an entity id."""
    spans = []
    for start, end, surface, entity_id in mentions:
        at = start - offset
        if not (at >= 0 and text[at : at + len(surface)] == surface):
            at = text.find(surface) if surface else -1
        if at >= 0 and end > start:
            spans.append(Span(at, at + len(surface), "entity-link", "", link(entity_id)))
    return spans


def article_spans(analysed: AnalysedArticle) -> list[Span]:
    """Time expressions (with their resolved value and rule) and entities of an article."""
    spans = []
    for sentence in analysed.sentences:
        for m in sentence.time_mentions:
            note = f"{m.type} {m.value} ({m.granularity})"
            if m.anchor:
                note += f", anchor {m.anchor}"
            if m.rule:
                note += f", rule {m.rule}"
            if m.conflicts:
                note += "; conflict: " + "; ".join(m.conflicts)
            kind = "timex conflict" if m.conflicts else "timex"
            spans.append(Span(m.start, m.end, kind, note))
        for e in sentence.entities:
            spans.append(Span(e.start, e.end, f"ent ent-{_css_word(e.label)}", e.label))
    return spans


def paragraphs(text: str, spans: list[Span]) -> list[Markup]:
    """The marked text cut into paragraphs at blank lines (offsets stay those of ``text``)."""
    out = []
    start = 0
    for block in text.split("\n\n"):
        end = start + len(block)
        inside = [
            Span(s.start - start, s.end - start, s.kind, s.note)
            for s in spans
            if s.start >= start and s.end <= end
        ]
        if block.strip():
            out.append(mark(block, inside))
        start = end + 2
    return out


def highlight(text: str, start: int, end: int) -> Markup:
    """``text`` with ``[start, end)`` marked as the evidence."""
    return mark(text, [Span(start, end, "evidence")])


def _css_word(label: str) -> str:
    return "".join(ch for ch in label.lower() if ch.isalnum()) or "x"
