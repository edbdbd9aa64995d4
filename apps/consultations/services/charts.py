"""Charts of closed-question answers, always shown beside a table of the same figures: inline
SVG for pages and PDFs from apps.core.charts (fast, legend above the bars), PNG for DOCX from
matplotlib."""

from __future__ import annotations

import io
import textwrap

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, searchable
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from apps.core.charts import Series, stacked_bar_chart  # noqa: E402

PALETTE = ["#1d70b8", "#f47738", "#00703c", "#912b88", "#d4351c", "#5694ca", "#505a5f"]


def _figure_bytes(fig, fmt: str) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, bbox_inches="tight", dpi=110)
    plt.close(fig)
    return buffer.getvalue()


def stacked_bars(table: pd.DataFrame, title: str, fmt: str = "svg") -> bytes:
    """Horizontal stacked bars: one bar per option, segments per stakeholder group."""
    groups = [c for c in table.columns if c != "All"]
    labels = ["\n".join(textwrap.wrap(str(i), 40)) for i in table.index]
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * max(len(labels), 2) + 1.2))
    left = [0] * len(labels)
    for n, group in enumerate(groups):
        values = list(table[group])
        ax.barh(labels, values, left=left, color=PALETTE[n % len(PALETTE)], label=group)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.invert_yaxis()
    ax.set_xlabel("Responses")
    ax.xaxis.get_major_locator().set_params(integer=True)  # counts: no 0.5 of a response
    ax.set_title(textwrap.fill(title, 70), fontsize=10, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    if groups:  # above the plot, never on the bars
        ax.legend(
            fontsize=8,
            frameon=False,
            loc="lower left",
            bbox_to_anchor=(0, 1.02),
            ncols=min(len(groups), 4),
        )
        ax.set_title(textwrap.fill(title, 70), fontsize=10, loc="left", pad=24)
    return _figure_bytes(fig, fmt)


def svg_markup(table: pd.DataFrame, title: str) -> str:
    """The same chart as SVG markup ready to inline (pages, PDF)."""
    groups = [c for c in table.columns if c != "All"]
    series = [
        Series(str(group), [float(v) for v in table[group]], PALETTE[n % len(PALETTE)])
        for n, group in enumerate(groups)
    ]
    return stacked_bar_chart(title, [str(i) for i in table.index], series, "Responses")
