"""The early-warning page's charts, drawn by apps.core.charts (inline SVG, no plotting library);
each has a table alternative on its page."""

from __future__ import annotations

from apps.core.charts import BLACK, BLUE, GREY, Series, bar_chart, line_chart

COUNCIL = BLUE
PEERS = GREY
MEDIAN = BLACK


def trend_chart(title: str, periods: list[str], council: list, median: list, unit: str) -> str:
    """The council's value over time beside the median of its nearest neighbours."""
    series = [Series("This council", council, COUNCIL)]
    if any(v is not None for v in median):
        series.append(Series("Neighbours' median", median, MEDIAN, dashed=True))
    return line_chart(
        f"{title}: this council against its neighbours' median over time", periods, series, unit
    )


def peer_chart(title: str, names: list[str], values: list[float], highlight: str, unit: str) -> str:
    """Horizontal bars: the council and each nearest neighbour for the latest period."""
    colours = [COUNCIL if name == highlight else PEERS for name in names]
    return bar_chart(
        f"{title}: this council (blue) against its nearest neighbours", names, values, unit, colours
    )


def score_history_chart(
    title: str, labels: list[str], scores: list, marks: list[tuple[float, str]] | None = None
) -> str:
    """The council's framework score at each year's date (gaps where it could not be scored).
    `marks` are (position, text) where figures stop counting because they are too old, so a
    fall there reads as ageing data, not recovery."""
    return line_chart(
        f"{title}: the council's score each year",
        labels,
        [Series("Score", scores)],
        "score",
        marks=marks,
    )
