"""Charts as small inline SVG written directly (no plotting library): line charts, horizontal
bars and stacked horizontal bars in the GOV.UK palette.

Every chart has a viewBox and no fixed size, so it re-flows to its column (static/nlb/nlb.css);
text is real text at a size that stays readable when a phone shrinks it; the legend sits above
the plot, never on the data. A chart is an image with a name (role="img", <title>): the page
always gives the same figures as a table. Building one takes well under a millisecond, so pages
draw them per request.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

BLUE = "#1d70b8"
GREY = "#b1b4b6"
BLACK = "#0b0c0c"
DARK_GREY = "#505a5f"
PALETTE = [BLUE, "#f47738", "#00703c", "#912b88", "#d4351c", "#5694ca", DARK_GREY]

WIDTH = 420  # viewBox units; shown at up to 640 px, so 12-unit text is 10-18 px on screen
FONT = 12
CHAR = 0.58 * FONT  # rough width of one character, for layout


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]
    colour: str = BLUE
    dashed: bool = False


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values covering [low, high] (0 included when the range spans it)."""
    if not math.isfinite(low) or not math.isfinite(high):
        return [0.0]
    if high == low:
        high, low = high + 1, low - (1 if low != 0 else 0)
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _number(value: float) -> str:
    if abs(value) >= 10_000:
        return f"{value:,.0f}"
    if value == int(value):
        return f"{int(value)}"
    return f"{value:.{1 if abs(value) >= 1 else 2}f}".rstrip("0").rstrip(".")


def _fit(text: str, room: float) -> str:
    chars = max(int(room / CHAR), 3)
    return text if len(text) <= chars else text[: chars - 1] + "…"


def _open(title: str, height: float) -> list[str]:
    return [
        f'<svg class="nlb-chart" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="GDS Transport, arial, sans-serif" font-size="{FONT}">',
        f"<title>{escape(title)}</title>",
    ]


def _legend(items: list[tuple[str, str, bool]], y: float) -> tuple[list[str], float]:
    """Swatches and names left to right, wrapping; returns the parts and the height used."""
    parts, x, row = [], 0.0, 0
    for name, colour, dashed in items:
        width = 22 + len(name) * CHAR + 14
        if x > 0 and x + width > WIDTH:
            x, row = 0.0, row + 1
        top = y + row * (FONT + 6)
        dash = ' stroke-dasharray="4 3"' if dashed else ""
        parts.append(
            f'<line x1="{x:.1f}" y1="{top + FONT / 2:.1f}" x2="{x + 16:.1f}" '
            f'y2="{top + FONT / 2:.1f}" stroke="{colour}" stroke-width="4"{dash}/>'
            f'<text x="{x + 22:.1f}" y="{top + FONT - 1:.1f}" fill="{BLACK}">{escape(name)}</text>'
        )
        x += width
    return parts, (row + 1) * (FONT + 6) + 4 if items else 0


def line_chart(
    title: str,
    labels: list[str],
    series: list[Series],
    unit: str = "",
    marks: list[tuple[float, str]] | None = None,
) -> str:
    """One line per series over the labelled periods; gaps where a value is None. `marks` are
    (position between label indexes, text): dotted vertical lines with a short note, e.g.
    where figures stop counting."""
    values = [v for s in series for v in s.values if v is not None and math.isfinite(v)]
    ticks = nice_ticks(min(values + [0.0]), max(values + [0.0])) if values else [0.0, 1.0]
    legend, legend_height = _legend([(s.name, s.colour, s.dashed) for s in series], 0)
    left = max(len(_number(t)) for t in ticks) * CHAR + 8 + (FONT + 4 if unit else 0)
    top, plot_height = legend_height + 8, 150
    bottom_labels = FONT + 10
    height = top + plot_height + bottom_labels + 4
    right = WIDTH - 8
    lo, hi = ticks[0], ticks[-1]

    def x_at(i: float) -> float:
        return left + (right - left) * (i + 0.5) / max(len(labels), 1)

    def y_at(v: float) -> float:
        return top + plot_height * (hi - v) / (hi - lo)

    parts = _open(title, height) + legend
    for tick in ticks:
        y = y_at(tick)
        parts.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{GREY}" '
            f'stroke-width="{1 if tick == 0 else 0.5}"/>'
            f'<text x="{left - 4:.1f}" y="{y + 4:.1f}" text-anchor="end" fill="{DARK_GREY}">'
            f"{_number(tick)}</text>"
        )
    if unit:
        mid = top + plot_height / 2
        parts.append(
            f'<text transform="translate({FONT} {mid:.1f}) rotate(-90)" text-anchor="middle" '
            f'fill="{DARK_GREY}">{escape(unit)}</text>'
        )
    room = (right - left) / max(len(labels), 1)
    every = max(1, math.ceil(max((len(lb) for lb in labels), default=1) * CHAR / room))
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1 and every == 1:
            parts.append(
                f'<text x="{x_at(i):.1f}" y="{top + plot_height + FONT + 6:.1f}" '
                f'text-anchor="middle" fill="{DARK_GREY}">{escape(label)}</text>'
            )
    for number, (position, note) in enumerate(marks or []):
        x = x_at(position)
        y = top + plot_height - 4 - number * (FONT + 2)  # stacked upwards so notes never overlap
        parts.append(
            f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{top + plot_height:.1f}" '
            f'stroke="{BLACK}" stroke-width="1" stroke-dasharray="2 3"/>'
            f'<text x="{x - 3:.1f}" y="{y:.1f}" text-anchor="end" fill="{DARK_GREY}" '
            f'font-size="{FONT - 2}">{escape(note)}</text>'
        )
    for s in series:
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        run: list[str] = []
        runs = []
        for i, v in enumerate(s.values):
            if v is None or not math.isfinite(v):
                if run:
                    runs.append(run)
                run = []
                continue
            run.append(f"{x_at(i):.1f},{y_at(v):.1f}")
        if run:
            runs.append(run)
        for points in runs:
            if len(points) > 1:
                parts.append(
                    f'<polyline points="{" ".join(points)}" fill="none" stroke="{s.colour}" '
                    f'stroke-width="2.5"{dash}/>'
                )
        if not s.dashed:
            for points in runs:
                for point in points:
                    x, y = point.split(",")
                    parts.append(f'<circle cx="{x}" cy="{y}" r="3.5" fill="{s.colour}"/>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    title: str,
    labels: list[str],
    values: list[float],
    unit: str = "",
    colours: list[str] | None = None,
) -> str:
    """Horizontal bars, one per label, in the order given, each with its value at its end."""
    colours = colours or [BLUE] * len(labels)
    return stacked_bar_chart(
        title, labels, [Series(unit or "value", list(values))], unit, colours=colours
    )


def stacked_bar_chart(
    title: str,
    labels: list[str],
    segments: list[Series],
    unit: str = "",
    colours: list[str] | None = None,
) -> str:
    """Horizontal bars made of one segment per series (a legend names them when there are
    several); `colours` colours whole bars of a single series instead (e.g. one highlighted)."""
    bar, gap = 16, 6
    totals = [sum(s.values[i] or 0 for s in segments) for i in range(len(labels))]
    ticks = nice_ticks(min(totals + [0.0]), max(totals + [0.0]))
    legend_items = [(s.name, s.colour, False) for s in segments] if len(segments) > 1 else []
    legend, legend_height = _legend(legend_items, 0)
    label_room = min(max((len(lb) for lb in labels), default=4) * CHAR, WIDTH * 0.42)
    value_room = max(len(_number(t)) for t in [*ticks, *totals]) * CHAR + 6
    left, right = label_room + 6, WIDTH - value_room
    top = legend_height + 4
    height = top + len(labels) * (bar + gap) + FONT + 12 + (FONT + 4 if unit else 0)
    lo, hi = ticks[0], ticks[-1]

    def x_at(v: float) -> float:
        return left + (right - left) * (v - lo) / (hi - lo)

    parts = _open(title, height) + legend
    axis_y = top + len(labels) * (bar + gap)
    for tick in ticks:
        x = x_at(tick)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{axis_y:.1f}" stroke="{GREY}" '
            f'stroke-width="{1 if tick == 0 else 0.5}"/>'
            f'<text x="{x:.1f}" y="{axis_y + FONT + 4:.1f}" text-anchor="middle" '
            f'fill="{DARK_GREY}">{_number(tick)}</text>'
        )
    if unit:
        parts.append(
            f'<text x="{(left + right) / 2:.1f}" y="{axis_y + 2 * FONT + 8:.1f}" '
            f'text-anchor="middle" fill="{DARK_GREY}">{escape(unit)}</text>'
        )
    for i, label in enumerate(labels):
        y = top + i * (bar + gap) + gap / 2
        parts.append(
            f'<text x="{label_room:.1f}" y="{y + bar - 4:.1f}" text-anchor="end" fill="{BLACK}">'
            f"<title>{escape(label)}</title>{escape(_fit(label, label_room))}</text>"
        )
        start = 0.0
        for s in segments:
            value = s.values[i] or 0
            colour = colours[i] if colours and len(segments) == 1 else s.colour
            x0, x1 = sorted((x_at(start), x_at(start + value)))
            parts.append(
                f'<rect x="{x0:.1f}" y="{y:.1f}" width="{max(x1 - x0, 0):.1f}" height="{bar}" '
                f'fill="{colour}"><title>{escape(label)}'
                f"{': ' + escape(s.name) if len(segments) > 1 else ''}: "
                f"{_number(value)}</title></rect>"
            )
            start += value
        end = x_at(max(totals[i], 0))
        parts.append(
            f'<text x="{end + 3:.1f}" y="{y + bar - 4:.1f}" fill="{BLACK}">'
            f"{_number(totals[i])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
