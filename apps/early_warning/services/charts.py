"""Server-side charts (matplotlib to inline SVG); each has a table alternative on its page."""

from __future__ import annotations

import io
import re

from matplotlib.figure import Figure

COUNCIL = "#1d70b8"
PEERS = "#b1b4b6"
MEDIAN = "#0b0c0c"


def _svg(fig: Figure, title: str) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<svg ", f'<svg class="nlb-chart" role="img" aria-label="{title}" ', svg, count=1)
    return svg


def trend_chart(title: str, periods: list[str], council: list, median: list, unit: str) -> str:
    """The council's value over time beside the median of its nearest neighbours."""
    fig = Figure(figsize=(6.4, 2.8))
    ax = fig.subplots()
    xs = range(len(periods))
    ax.plot(xs, council, marker="o", color=COUNCIL, label="This council", linewidth=2)
    if any(v is not None for v in median):
        ax.plot(xs, median, linestyle="--", color=MEDIAN, label="Neighbours' median")
    ax.set_xticks(list(xs), periods, rotation=45, ha="right", fontsize=8)
    ax.set_ylabel(unit, fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=8, frameon=False)
    ax.set_title(title, fontsize=9, loc="left")
    return _svg(fig, f"{title}: this council against its neighbours' median over time")


def peer_chart(title: str, names: list[str], values: list[float], highlight: str, unit: str) -> str:
    """Horizontal bars: the council and each nearest neighbour for the latest period."""
    fig = Figure(figsize=(6.4, 0.25 * len(names) + 0.9))
    ax = fig.subplots()
    colours = [COUNCIL if name == highlight else PEERS for name in names]
    ax.barh(range(len(names)), values, color=colours)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(unit, fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title, fontsize=9, loc="left")
    return _svg(fig, f"{title}: this council (blue) against its nearest neighbours")


def score_history_chart(title: str, labels: list[str], scores: list) -> str:
    """The council's framework score at each year's date (gaps where it could not be scored)."""
    fig = Figure(figsize=(6.4, 2.6))
    ax = fig.subplots()
    xs = range(len(labels))
    ax.plot(xs, [s if s is not None else float("nan") for s in scores], marker="o", color=COUNCIL)
    ax.set_xticks(list(xs), labels, rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("score", fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title, fontsize=9, loc="left")
    return _svg(fig, f"{title}: the council's score each year")
