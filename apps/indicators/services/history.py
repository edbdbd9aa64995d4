"""One council's series of one indicator: the latest figure for each period, when it was first
published and how it was revised, and a small SVG chart with the same numbers as its table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from apps.indicators.services.point_in_time import all_observations, latest_vintages


@dataclass
class Point:
    period: str
    period_end: dt.date
    value: float
    text_value: str | None
    first_published: dt.date
    published: dt.date
    vintages: list[tuple[dt.date, float]]  # every (published, value), oldest first

    @property
    def revised(self) -> bool:
        return len(self.vintages) > 1


def series(gss_code: str, indicator: str, as_at: dt.date | None = None) -> list[Point]:
    """Every period of the indicator known at `as_at`, oldest first, with its vintages."""
    frame = all_observations()
    frame = frame[(frame["gss_code"] == gss_code) & (frame["indicator"] == indicator)]
    if as_at is not None:
        frame = frame[frame["published"] <= pd.Timestamp(as_at)]
    latest = latest_vintages(frame, None).sort_values(["period_end", "period"])
    points = []
    for row in latest.itertuples(index=False):
        versions = frame[frame["period"] == row.period].sort_values("published")
        points.append(
            Point(
                period=row.period,
                period_end=row.period_end.date(),
                value=float(row.value),
                text_value=row.text_value if isinstance(row.text_value, str) else None,
                first_published=versions["published"].iloc[0].date(),
                published=row.published.date(),
                vintages=[
                    (p.date(), float(v))
                    for p, v in zip(versions["published"], versions["value"], strict=True)
                ],
            )
        )
    return points


def chart_svg(points: list[Point], title: str, unit: str) -> str:
    """A line chart of the series as inline SVG (empty string when there is nothing to draw)."""
    if len(points) < 2:
        return ""
    from apps.core.charts import Series, line_chart

    return line_chart(
        title, [p.period for p in points], [Series(title, [p.value for p in points])], unit
    )
