"""Figures for board papers, each drawn once by matplotlib and saved twice: SVG (web page and PDF,
so it stays vector; text drawn as outlines so no font is needed to show it) and a 200 dpi PNG
(Word). Every chart has a table of the same figures beside it in the paper."""

from __future__ import annotations

import io

import matplotlib
from django.utils.html import escape
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Polygon, Rectangle

from apps.reports.documents import Chart

BLUE = "#1d70b8"
PALETTE = ["#d4351c", "#f47738", "#ffdd00", "#00703c", "#1d70b8", "#505a5f"]
LONDON = (-0.53, 0.35, 51.27, 51.71)  # lon min, lon max, lat min, lat max


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


def thin(ring: list, tolerance: float) -> list:
    """A boundary ring with points closer than `tolerance` (degrees) to the last kept point
    dropped: invisible at print size, and the SVG (and PDF) becomes several times smaller."""
    kept = [ring[0]]
    for x, y in ring[1:-1]:
        last_x, last_y = kept[-1]
        if abs(x - last_x) > tolerance or abs(y - last_y) > tolerance:
            kept.append((x, y))
    kept.append(ring[-1])
    return kept if len(kept) >= 4 else list(ring)


def england_map(
    shading: dict[str, str], colours: dict[str, str], legend: list[str], *, title: str, alt: str
) -> Chart:
    """A choropleth of England's districts with London enlarged in an inset; `shading` maps a
    district (LAD23) code to a label, `colours` a label to its fill."""
    from apps.early_warning.services.geo import NO_DATA, districts

    fig = Figure(figsize=(6.4, 7.4))
    ax = fig.add_axes((0.0, 0.0, 0.78, 0.95))
    inset = fig.add_axes((0.60, 0.50, 0.40, 0.30))
    for axes, london_only in ((ax, False), (inset, True)):
        patches, faces = [], []
        tolerance = 0.002 if london_only else 0.012
        for code, _, rings in districts():
            if london_only and not code.startswith("E09"):
                continue
            colour = colours.get(shading.get(code, ""), NO_DATA)
            for ring in rings:
                patches.append(Polygon(thin(ring, tolerance), closed=True))
                faces.append(colour)
        width = 0.35 if london_only else 0.12
        collection = PatchCollection(patches, facecolor=faces, edgecolor="#505a5f", linewidth=width)
        collection.set_clip_on(False)  # every shape lies inside its axes: no clip paths to draw
        axes.add_collection(collection)
    ax.set_xlim(-6.5, 2.0)
    ax.set_ylim(49.8, 55.9)
    ax.set_aspect(1.6)
    ax.axis("off")
    x0, x1, y0, y1 = LONDON
    ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor="#0b0c0c", lw=0.6))
    inset.set_xlim(x0, x1)
    inset.set_ylim(y0, y1)
    inset.set_aspect(1.6)
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_title("London", fontsize=8, loc="left")
    handles = [Rectangle((0, 0), 1, 1, facecolor=colours.get(label, NO_DATA)) for label in legend]
    ax.legend(handles, legend, loc="lower right", fontsize=7, frameon=False, title_fontsize=8)
    ax.set_title(title, fontsize=9, loc="left")
    return chart(fig, title, alt)
