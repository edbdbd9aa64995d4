"""Figures for board papers, each drawn once by matplotlib and saved twice: SVG (web page and PDF,
so it stays vector; text drawn as outlines so no font is needed to show it) and a 200 dpi PNG
(Word). Every chart has a table of the same figures beside it in the paper."""

from __future__ import annotations

import io

import matplotlib
from django.utils.html import escape
from matplotlib.figure import Figure

from apps.reports.documents import Chart

BLUE = "#1d70b8"
PALETTE = ["#d4351c", "#f47738", "#ffdd00", "#00703c", "#1d70b8", "#505a5f"]


def chart(fig: Figure, title: str, alt: str) -> Chart:
    """The figure as a `Chart` (SVG and PNG of the same drawing)."""
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "nlb"}):
        svg_buffer = io.StringIO()
        fig.savefig(svg_buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
        png_buffer = io.BytesIO()
        fig.savefig(png_buffer, format="png", bbox_inches="tight", dpi=200)
    svg = svg_buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)
    return Chart(title=title, svg=svg, alt=alt, png=png_buffer.getvalue())


def bars(labels: list[str], values: list[int], *, title: str, xlabel: str, alt: str) -> Chart:
    """Horizontal bars, first label at the top."""
    fig = Figure(figsize=(6.4, 0.32 * max(len(labels), 1) + 1.0))
    ax = fig.subplots()
    ax.barh(range(len(labels)), values, color=BLUE)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel, fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title, fontsize=9, loc="left")
    return chart(fig, title, alt)


def lines(
    x_labels: list[str], series: dict[str, list[int]], *, title: str, ylabel: str, alt: str
) -> Chart:
    """One line per series over the same x labels (e.g. councils in each band per quarter)."""
    fig = Figure(figsize=(6.4, 3.0))
    ax = fig.subplots()
    xs = range(len(x_labels))
    for n, (name, values) in enumerate(series.items()):
        ax.plot(xs, values, marker="o", linewidth=1.8, color=PALETTE[n % len(PALETTE)], label=name)
    ax.set_xticks(list(xs), x_labels, rotation=45, ha="right", fontsize=8)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=7, frameon=False, ncols=min(len(series), 3))
    ax.set_title(title, fontsize=9, loc="left")
    return chart(fig, title, alt)
