"""What the council early-warning page and API show: assembled here so both say the same thing."""

from __future__ import annotations

import datetime as dt

from apps.accounts import permissions
from apps.early_warning.models import SoftIntelligence
from apps.early_warning.services.watchlist import Assessment, compute_watchlist


def _num(value):
    if value is None:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if value != value else value


def _text(value) -> str | None:
    """A label from a dataframe cell: None for missing (None, NaN, NaT, empty)."""
    if value is None or (isinstance(value, float) and value != value) or str(value) in ("", "NaT"):
        return None
    return str(value)


def _weighted(fw, indicator, points):
    if points is None or fw.combine != "weighted_sum":
        return points
    return points * indicator.weight


def council_detail(council, as_at: dt.date, framework: str | None, user) -> dict:
    """Assessment, per-indicator detail and (if allowed) notes for one council as at a date."""
    include_notes = permissions.is_national(user)
    frame = compute_watchlist(as_at, framework, include_notes=include_notes)
    fw = frame.attrs["framework"]
    match = frame[frame["gss_code"] == council.gss_code]
    row = match.iloc[0].to_dict() if not match.empty else {}
    assessment = Assessment(
        gss_code=council.gss_code,
        name=council.name,
        framework=fw.name,
        as_at=as_at,
        band=row.get("band", fw.insufficient_label),
        score=_num(row.get("score")),
        rank=int(row["rank"]) if row else None,
        out_of=len(frame),
        reasons=list(row.get("reasons", [])),
        flags=list(row.get("flags", [])),
    )
    indicators = []
    for indicator in fw.indicators:
        n = _num(row.get(f"{indicator.code}__peer_n"))
        indicators.append(
            {
                "code": indicator.code,
                "title": indicator.title,
                "measure": indicator.measure,
                "unit": indicator.unit,
                "scoring": indicator.scoring,
                "polarity": indicator.polarity,
                "value": _num(row.get(indicator.code)),
                "period": _text(row.get(f"{indicator.measure}__period")),
                "points": _weighted(fw, indicator, _num(row.get(f"{indicator.code}__points"))),
                "peer_median": _num(row.get(f"{indicator.code}__peer_median")),
                "peer_n": int(n) if n is not None else None,
                "z": _num(row.get(f"{indicator.code}__z")),
            }
        )
    notes = None
    if permissions.can_view_council_cases(user, council):
        notes = list(
            SoftIntelligence.objects.visible_to(user)
            .filter(council=council, observed_on__lte=as_at)
            .select_related("council", "author")
        )
    return {
        "framework": fw,
        "assessment": assessment,
        "indicators": indicators,
        "notes": notes,
        "includes_notes": include_notes,
        "row": row,
    }


_history_cache: dict[tuple, object] = {}


def score_history(council, framework: str | None = None) -> list[dict]:
    """The council's score, band and rank at 1 December each year (published data only), from a
    one-pass recompute of every council that is cached until the data change."""
    import polars as pl

    from apps.early_warning.services.recompute import recompute_history
    from apps.early_warning.services.watchlist import _data_stamp, resolve_framework

    fw = resolve_framework(framework)
    key = (fw.name, _data_stamp())
    if key not in _history_cache:
        _history_cache.clear()
        from apps.indicators.models import Observation

        first = Observation.objects.order_by("period_end").values_list("period_end", flat=True)
        start = first.first()
        if start is None:
            return []
        today = dt.date.today()
        dates = [dt.date(y, 12, 1) for y in range(start.year, today.year + 1)]
        dates = [d for d in dates if d <= today]
        _history_cache[key] = recompute_history(dates, fw)
    history = _history_cache[key]
    if not len(history):
        return []
    mine = history.filter(pl.col("entity") == council.gss_code).sort("as_at")
    counts = history.group_by("as_at").len()
    mine = mine.join(counts, on="as_at")
    return [
        {
            "as_at": row["as_at"],
            "score": row["score"],
            "band": row["band"],
            "rank": row["rank"] if row["score"] is not None else None,
            "out_of": row["len"],
            "tag": fw.tag_for(row["band"]),
        }
        for row in mine.to_dicts()
    ]


def ageing_marks(dates: list[dt.date], framework) -> list[tuple[float, str]]:
    """(x position between the chart's dates, text) where a group of figures stops counting."""
    from apps.early_warning.services.coverage import data_reach

    if len(dates) < 2:
        return []
    marks = []
    for reach in data_reach(framework, dates[-1]).reaches:
        stop = reach.stops_counting
        for i in range(len(dates) - 1):
            if dates[i] < stop <= dates[i + 1]:
                share = (stop - dates[i]).days / (dates[i + 1] - dates[i]).days
                marks.append((i + share, f"{reach.period} too old"))
    return marks
