"""The Detector page's weekly chart as plain geometry, drawn by templates/detector.html as inline
SVG: no script, no style attribute (the Content-Security-Policy has `style-src 'self'`), colours
as SVG presentation attributes. Bars are the pairs stored per ISO week, stacked by status; the
line is the precision of the week's judged pairs (a week without any breaks the line).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from factcheck.db.stats import WeekShare

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 52, 14, 58  # margins around the plot area
MAX_WEEKS = 26
# The status colours of static/style.css.
COLOURS = {"confirmed": "#1c7c4a", "rejected": "#b3261e", "unsure": "#a06000", "pending": "#9aa3ad"}
LINE = "#1f5fbf"
STACK = ("confirmed", "rejected", "unsure", "pending")


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    label: str  # the <title> (tooltip)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class WeekChart:
    width: int
    height: int
    plot: Rect  # the plot area (its label unused)
    bars: list[Rect]
    points: list[Point]  # precision, one per week with judged pairs
    lines: list[str]  # runs of consecutive weeks with points, as SVG `points` attributes
    left_ticks: list[Tick]  # pairs
    right_ticks: list[Tick]  # precision
    week_ticks: list[Tick]
    legend: list[Tick]  # the swatch's position and the status name (its colour in COLOURS)
    description: str
    first_week: str
    last_week: str

    @property
    def empty(self) -> bool:
        return not self.bars and not self.points


def _nice_top(value: int) -> int:
    """The axis top: the smallest of 1, 2, 4 × 10^k that holds `value`, 4 at least (its half, the
    middle tick, is then a whole number)."""
    top = 1
    while True:
        for step in (1, 2, 4):
            if step * top >= max(value, 4):
                return step * top
        top *= 10


def week_chart(weeks: Sequence[WeekShare], max_weeks: int = MAX_WEEKS) -> WeekChart:
    """The last `max_weeks` weeks of `weeks` (oldest first) as bars and a precision line."""
    shown = list(weeks)[-max_weeks:]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    plot = Rect(LEFT, TOP, plot_w, plot_h, "none", "")
    top = _nice_top(max((w.total for w in shown), default=0))
    slot = plot_w / max(len(shown), 1)
    bar_w = max(min(slot * 0.6, 40.0), 2.0)
    bars: list[Rect] = []
    points: list[Point] = []
    runs: list[list[Point]] = [[]]
    for index, week in enumerate(shown):
        x = LEFT + slot * index + (slot - bar_w) / 2
        base = TOP + plot_h
        for status in STACK:
            count = getattr(week, status)
            if not count:
                continue
            height = plot_h * count / top
            base -= height
            bars.append(Rect(round(x, 1), round(base, 1), round(bar_w, 1), round(height, 1), COLOURS[status],
                             f"{week.key}: {count} {status}"))  # fmt: skip
        if week.precision is not None:
            label = f"{week.key}: precision {week.precision:.0%} ({week.confirmed} of {week.judged} judged)"
            points.append(Point(round(x + bar_w / 2, 1), round(TOP + plot_h * (1 - week.precision), 1), label))
            runs[-1].append(points[-1])
        elif runs[-1]:
            runs.append([])
    left_ticks = [Tick(LEFT - 6, round(TOP + plot_h * (1 - f), 1), str(round(top * f))) for f in (0, 0.5, 1)]
    right_ticks = [Tick(WIDTH - RIGHT + 6, round(TOP + plot_h * (1 - f), 1), f"{f:.0%}") for f in (0, 0.5, 1)]
    every = max(1, -(-len(shown) // 8))  # at most 8 week labels
    week_ticks = [
        Tick(round(LEFT + slot * i + slot / 2, 1), TOP + plot_h + 16, week.key)
        for i, week in enumerate(shown) if i % every == 0 or i == len(shown) - 1
    ]  # fmt: skip
    if len(week_ticks) > 1 and week_ticks[-1].x - week_ticks[-2].x < slot * every * 0.99:
        week_ticks.pop(-2)  # the last week's label would overlap the one before
    legend = [Tick(LEFT + 110 * i, HEIGHT - 14, status) for i, status in enumerate(STACK)]
    legend.append(Tick(LEFT + 110 * len(STACK), HEIGHT - 14, "precision"))
    if shown:
        judged = sum(w.judged for w in shown)
        confirmed = sum(w.confirmed for w in shown)
        overall = f"{confirmed / judged:.0%} of {judged} judged pairs confirmed" if judged else "no pair judged yet"
        description = (
            f"Pairs stored per ISO week from {shown[0].key} to {shown[-1].key} ({sum(w.total for w in shown)} in all, "
            f"at most {max(w.total for w in shown)} in one week), as bars stacked by status, and the precision "
            f"of each week's judged pairs as a line ({overall}). The table below lists the same figures."
        )
    else:
        description = "No pairs stored yet."
    return WeekChart(
        width=WIDTH, height=HEIGHT, plot=plot, bars=bars, points=points,
        lines=[" ".join(f"{p.x},{p.y}" for p in run) for run in runs if len(run) > 1], left_ticks=left_ticks, right_ticks=right_ticks,
        week_ticks=week_ticks, legend=legend, description=description,
        first_week=shown[0].key if shown else "", last_week=shown[-1].key if shown else "",
    )  # fmt: skip
