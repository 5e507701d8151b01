"""Server-side SVG: the volume chart (articles and events per period) and an entity's event strip.

Drawn from the data as plain SVG elements with presentation attributes only (no inline style, no
script), so the page's Content-Security-Policy needs nothing extra. Every bar of the volume chart
is a link that narrows the timeline to its period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from dateline.records import Event
from dateline.serve.model import Volume, parse_value

WIDTH = 900
HEIGHT = 180
PAD_LEFT = 40
PAD_BOTTOM = 28
PAD_TOP = 10


def volume_svg(volume: Volume, link: Callable[[dt.date, dt.date], str]) -> Markup:
    """Bars of articles (and events, thinner, in front) per period; ``link`` gives a bar's href."""
    buckets = volume.buckets
    if not buckets:
        return Markup("")
    top = max(max(b.articles, b.events) for b in buckets) or 1
    plot_w = WIDTH - PAD_LEFT - 10
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / len(buckets)
    parts = [
        f'<svg class="volume" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="articles and events per {escape(volume.period)}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{PAD_LEFT}" y1="{PAD_TOP + plot_h}" x2="{WIDTH - 10}" '
        f'y2="{PAD_TOP + plot_h}" stroke="#888"/>',
        f'<text x="{PAD_LEFT - 4}" y="{PAD_TOP + 8}" text-anchor="end" font-size="10">{top}</text>',
        f'<text x="{PAD_LEFT - 4}" y="{PAD_TOP + plot_h}" text-anchor="end" font-size="10">0</text>',
    ]
    label_every = max(1, len(buckets) // 8)
    for i, bucket in enumerate(buckets):
        x = PAD_LEFT + i * step
        a_h = plot_h * bucket.articles / top
        e_h = plot_h * bucket.events / top
        tip = f"{bucket.label}: {bucket.articles} article(s), {bucket.events} event(s)"
        href = link(bucket.start, bucket.end)
        parts.append(f'<a href="{escape(href)}" class="bar"><title>{escape(tip)}</title>')
        parts.append(
            f'<rect x="{x:.1f}" y="{PAD_TOP}" width="{max(step, 1):.1f}" height="{plot_h}" '
            'fill="#fff" fill-opacity="0"/>'
        )
        if bucket.articles:
            parts.append(
                f'<rect class="articles" x="{x + step * 0.1:.1f}" y="{PAD_TOP + plot_h - a_h:.1f}" '
                f'width="{max(step * 0.8, 0.5):.1f}" height="{a_h:.1f}" fill="#7aa6d6"/>'
            )
        if bucket.events:
            parts.append(
                f'<rect class="events" x="{x + step * 0.35:.1f}" y="{PAD_TOP + plot_h - e_h:.1f}" '
                f'width="{max(step * 0.3, 0.5):.1f}" height="{e_h:.1f}" fill="#d9822b"/>'
            )
        parts.append("</a>")
        if i % label_every == 0:
            label = bucket.label.removeprefix("week of ")
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{HEIGHT - 10}" text-anchor="middle" '
                f'font-size="10">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def event_strip_svg(events: Sequence[Event], link: Callable[[str], str]) -> Markup:
    """An entity's dated events as dots on one line from the first to the last date."""
    placed = []
    for event in events:
        parsed = parse_value(event.date)
        if parsed is None:
            continue
        year, month, day = parsed
        try:
            when = dt.date(year, month or 7, day or (15 if month else 1))
        except ValueError:
            continue
        placed.append((when, event))
    if not placed:
        return Markup("")
    placed.sort(key=lambda p: p[0])
    first, last = placed[0][0], placed[-1][0]
    span = max((last - first).days, 1)
    width, height, pad = 700, 60, 30
    parts = [
        f'<svg class="strip" viewBox="0 0 {width} {height}" role="img" '
        'aria-label="events over time" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{pad}" y1="25" x2="{width - pad}" y2="25" stroke="#888"/>',
        f'<text x="{pad}" y="52" font-size="10">{first.isoformat()}</text>',
        f'<text x="{width - pad}" y="52" font-size="10" text-anchor="end">{last.isoformat()}</text>',
    ]
    for when, event in placed:
        x = pad + (width - 2 * pad) * (when - first).days / span
        tip = f"{event.date} {event.type}: {event.id}"
        parts.append(
            f'<a href="{escape(link(event.id))}"><title>{escape(tip)}</title>'
            f'<circle cx="{x:.1f}" cy="25" r="6" fill="#d9822b"/></a>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
