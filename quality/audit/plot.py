"""Check outcomes over time as an inline SVG: stacked bars of passed and failed.

Hand-written SVG rather than a plotting library: the report must open anywhere with
nothing fetched and no script, and a bar chart is forty lines of geometry. Bars are
per run when the period (or the data) covers a day or so, else per day, week or
month, so there are never too many to read; every bar carries a <title> tooltip.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from quality.audit.checks import CheckEvaluation

PASSED_COLOUR, FAILED_COLOUR = "#2e7d32", "#c62828"
WIDTH, HEIGHT = 960, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 44, 64
MAX_RUNS = 40
MAX_LABELS = 12


@dataclass(frozen=True)
class Bucket:
    label: str
    title: str
    passed: int = 0
    failed: int = 0


def buckets(evaluations: Sequence[CheckEvaluation], since: datetime, now: datetime
            ) -> tuple[list[Bucket], str]:
    """The bars and the x axis title."""
    days = {e.at.date() for e in evaluations}
    if now - since <= timedelta(days=3) or len(days) <= 1:
        return _per_run(evaluations), "run (first evaluation, UTC)"
    span = (now.date() - since.date()).days
    if span <= 62:
        return _per_period(evaluations, since, now, _day, "%m-%d", "%Y-%m-%d"), "day (UTC)"
    if span <= 62 * 7:
        return (_per_period(evaluations, since, now, _week, "%m-%d", "week of %Y-%m-%d"),
                "week starting (UTC)")
    return _per_period(evaluations, since, now, _month, "%Y-%m", "%Y-%m"), "month (UTC)"


def _per_run(evaluations: Sequence[CheckEvaluation]) -> list[Bucket]:
    runs: dict[str, list[CheckEvaluation]] = {}
    for e in evaluations:
        runs.setdefault(e.run_id, []).append(e)
    ordered = sorted(runs.items(), key=lambda item: min(e.at for e in item[1]))[-MAX_RUNS:]
    starts = [min(e.at for e in items) for _, items in ordered]
    # runs minutes apart share a label to the minute; then the seconds tell them apart
    short = "%m-%d %H:%M" if len({f"{t:%m%d%H%M}" for t in starts}) == len(starts) else "%H:%M:%S"
    out = []
    for (run_id, items), start in zip(ordered, starts, strict=True):
        passed = sum(e.passed for e in items)
        out.append(Bucket(f"{start:{short}}", f"run {run_id[:8]} at {start:%Y-%m-%d %H:%M:%S}",
                          passed, len(items) - passed))
    return out


def _day(moment: datetime) -> datetime:
    return datetime(moment.year, moment.month, moment.day)


def _week(moment: datetime) -> datetime:
    return _day(moment) - timedelta(days=moment.weekday())


def _month(moment: datetime) -> datetime:
    return datetime(moment.year, moment.month, 1)


Floor = Callable[[datetime], datetime]


def _next(start: datetime, floor: Floor) -> datetime:
    if floor is _month:
        return datetime(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start + timedelta(days=7 if floor is _week else 1)


def _per_period(evaluations: Sequence[CheckEvaluation], since: datetime, now: datetime,
                floor: Floor, short: str, long: str) -> list[Bucket]:
    """Every period from `since` to `now`, empty ones too: a gap is evidence as well."""
    counts: dict[datetime, list[int]] = {}
    start = floor(since)
    while start <= now:
        counts[start] = [0, 0]
        start = _next(start, floor)
    for e in evaluations:
        counts.setdefault(floor(e.at), [0, 0])[0 if e.passed else 1] += 1
    return [Bucket(f"{key:{short}}", f"{key:{long}}", p, f)
            for key, (p, f) in sorted(counts.items())]


def _ticks(top: int) -> list[int]:
    """Round y ticks from 0 to at least `top`, at most six of them."""
    step = 1
    for magnitude in (10 ** k for k in range(0, 10)):
        for factor in (1, 2, 5):
            step = factor * magnitude
            if math.ceil(top / step) <= 5:
                return list(range(0, step * max(1, math.ceil(top / step)) + 1, step))
    return [0, step]


def outcomes_svg(evaluations: Sequence[CheckEvaluation], since: datetime, now: datetime) -> str:
    """The chart; empty string when there is nothing to plot."""
    if not evaluations:
        return ""
    bars, x_title = buckets(evaluations, since, now)
    ticks = _ticks(max(b.passed + b.failed for b in bars))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    scale = plot_h / ticks[-1]
    band = plot_w / len(bars)
    bar_w = min(48.0, band * 0.7)
    every = math.ceil(len(bars) / MAX_LABELS)
    total_passed = sum(b.passed for b in bars)
    total_failed = sum(b.failed for b in bars)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        'role="img" aria-labelledby="plot-title plot-desc" class="plot">',
        '<title id="plot-title">Asset check outcomes over time</title>',
        f'<desc id="plot-desc">Stacked bars per {escape(x_title.split(" ")[0])}: '
        f'{total_passed} passed and {total_failed} failed evaluations in all.</desc>',
    ]
    for tick in ticks:
        y = TOP + plot_h - tick * scale
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                     'class="grid"/>')
        parts.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    for i, bar in enumerate(bars):
        x = LEFT + i * band + (band - bar_w) / 2
        base = TOP + plot_h
        tip = escape(f"{bar.title}: {bar.passed} passed, {bar.failed} failed")
        parts.append(f"<g><title>{tip}</title>")
        for count, colour in ((bar.passed, PASSED_COLOUR), (bar.failed, FAILED_COLOUR)):
            if count:
                h = count * scale
                base -= h
                parts.append(f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" '
                             f'height="{h:.1f}" fill="{colour}"/>')
        parts.append("</g>")
        if i % every == 0:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{TOP + plot_h + 18}" '
                         f'text-anchor="middle">{escape(bar.label)}</text>')
    parts += [
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" '
        'class="axis"/>',
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}" class="axis"/>',
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 16}" text-anchor="middle" '
        f'class="axis-title">{escape(x_title)}</text>',
        f'<text transform="translate(18 {TOP + plot_h / 2:.1f}) rotate(-90)" '
        'text-anchor="middle" class="axis-title">check evaluations</text>',
    ]
    parts += _legend(WIDTH - RIGHT - 190, 16)
    parts.append("</svg>")
    return "\n".join(parts)


def _legend(x: int, y: int) -> list[str]:
    out = ['<g class="legend">']
    for i, (label, colour) in enumerate((("passed", PASSED_COLOUR), ("failed", FAILED_COLOUR))):
        left = x + i * 100
        out.append(f'<rect x="{left}" y="{y - 10}" width="12" height="12" rx="2" '
                   f'fill="{colour}"/>')
        out.append(f'<text x="{left + 18}" y="{y}">{label}</text>')
    out.append("</g>")
    return out
