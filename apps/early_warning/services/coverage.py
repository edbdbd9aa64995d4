"""Which period each source reaches at a date, how old it is, and until when it counts.

Figures age: a framework ignores a figure whose period ended more than `max_age_years` before
the date, so a score can fall because figures aged rather than because anything improved. Every
early-warning page says, for the date it shows, which period each group of figures reaches, how
old that is and the date it stops counting; charts mark those dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from apps.core.memo import Memo
from apps.early_warning.engine import Framework


@dataclass
class Reach:
    """One group of figures that end with the same period and were published together."""

    period: str
    period_end: dt.date
    published: dt.date
    stops_counting: dt.date
    age_years: float
    counts: bool
    indicators: list[str] = field(default_factory=list)

    @property
    def age_text(self) -> str:
        years = self.age_years
        if years < 1:
            return "less than a year old"
        return f"{years:.1f} years old"


@dataclass
class Coverage:
    as_at: dt.date
    reaches: list[Reach]
    events_to: dt.date | None
    latest_fresh: dt.date | None = None  # the latest date on which every group still counts

    @property
    def stale(self) -> list[Reach]:
        return [r for r in self.reaches if not r.counts]

    def reach_of(self, title: str) -> Reach | None:
        """The group of figures an indicator (by title) belongs to."""
        return next((r for r in self.reaches if title in r.indicators), None)

    @property
    def next_stop(self) -> dt.date | None:
        upcoming = [r.stops_counting for r in self.reaches if r.counts]
        return min(upcoming) if upcoming else None


def counted_measures(framework: Framework) -> dict[str, str]:
    """measure code -> indicator title, for the data indicators that count."""
    out: dict[str, str] = {}
    for indicator in framework.indicators:
        measure = indicator.measure.strip()
        if not indicator.counts_as_data or not measure.isidentifier():
            continue
        if framework.combine == "weighted_sum" and indicator.weight == 0:
            continue
        out.setdefault(measure, indicator.title)
    return out


_reach = Memo("data_reach", size=64)


def data_reach(framework: Framework, as_at: dt.date) -> Coverage:
    """For each counted indicator, its latest period published by `as_at`, grouped by period
    (remembered until the observations change: pages ask for it several times)."""
    from apps.indicators.services.point_in_time import _table_key

    path = str(framework.path) if framework.path else id(framework)
    key = (framework.name, framework.version, path, as_at, _table_key())
    return _reach.get(key, lambda: _data_reach(framework, as_at))


def _data_reach(framework: Framework, as_at: dt.date) -> Coverage:
    from django.db.models import Max, Min

    from apps.early_warning.services.events import latest_event_date
    from apps.indicators.models import Observation

    measures = counted_measures(framework)
    rows = (
        Observation.objects.filter(indicator__code__in=list(measures), published__lte=as_at)
        .values("indicator__code")
        .annotate(last=Max("period_end"))
    )
    latest = {r["indicator__code"]: r["last"] for r in rows}
    labels = (
        Observation.objects.filter(
            indicator__code__in=list(latest), period_end__in=set(latest.values())
        )
        .values("indicator__code", "period", "period_end")
        .annotate(first=Min("published"))
    )
    max_age = float(framework.source.get("max_age_years", 3.0))
    groups: dict[tuple, Reach] = {}
    for row in labels:
        code = row["indicator__code"]
        if latest.get(code) != row["period_end"]:
            continue
        end = row["period_end"]
        stops = end + dt.timedelta(days=int(365.25 * max_age) - 1)
        key = (row["period"], end)
        if key not in groups:
            groups[key] = Reach(
                period=row["period"],
                period_end=end,
                published=row["first"],
                stops_counting=stops,
                age_years=(as_at - end).days / 365.25,
                counts=as_at <= stops,
            )
        groups[key].published = min(groups[key].published, row["first"])
        if measures[code] not in groups[key].indicators:
            groups[key].indicators.append(measures[code])
    reaches = sorted(groups.values(), key=lambda r: (r.period_end, r.period))
    from apps.early_warning.services.watchlist import latest_scorable_date

    events_to = latest_event_date() if framework_reads_public(framework) else None
    return Coverage(
        as_at=as_at,
        reaches=reaches,
        events_to=events_to,
        latest_fresh=latest_scorable_date(framework),
    )


def framework_reads_public(framework: Framework) -> bool:
    return any(i.measure.strip().startswith("public_") for i in framework.indicators)
