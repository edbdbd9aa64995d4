"""What the council early-warning page and API show: assembled here so both say the same thing."""

from __future__ import annotations

import datetime as dt

from apps.accounts import permissions
from apps.core.memo import Memo
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


_histories = Memo("score_history", size=8)


def score_history(council, framework: str | None = None) -> list[dict]:
    """The council's score, band and rank at 1 December each year (published data only), from a
    one-pass recompute of every council that is cached until the data change."""
    import polars as pl

    from apps.early_warning.services.watchlist import _data_stamp, resolve_framework

    fw = resolve_framework(framework)
    key = (fw.name, fw.version, _data_stamp(), dt.date.today())
    history = _histories.get(key, lambda: _all_histories(fw))
    if history is None or not len(history):
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


def _all_histories(fw):
    """Every council's score at 1 December of each year with data (None: no data at all)."""
    from apps.early_warning.services.recompute import recompute_history
    from apps.indicators.models import Observation

    first = Observation.objects.order_by("period_end").values_list("period_end", flat=True)
    start = first.first()
    if start is None:
        return None
    today = dt.date.today()
    dates = [dt.date(y, 12, 1) for y in range(start.year, today.year + 1)]
    return recompute_history([d for d in dates if d <= today], fw)


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


def series_measures(fw) -> list[str]:
    """The measures the council page draws over time: the framework's data indicators."""
    measures = []
    for indicator in fw.indicators:
        measure = indicator.measure.strip()
        if measure.isidentifier() and not measure.startswith("notes_") and measure not in measures:
            measures.append(measure)
    return measures


_series = Memo("council_series", size=512)
_all_series = Memo("council_series_all", size=4)


def _published_stamp() -> tuple:
    from apps.core.stamp import data_stamp

    return data_stamp(
        "indicators.Observation", "indicators.Indicator", "councils.Council",
        "councils.NearestNeighbour",
    )  # fmt: skip


def council_series(council, as_at: dt.date, fw) -> dict:
    """Per measure: periods, council values, neighbours' median per period, latest peer values
    (published data only: remembered until the data change). Read from every council's series
    when those have been prepared for the date (warm_cache does for the pages' default date),
    else computed for this council alone."""
    measures = tuple(series_measures(fw))
    published = _published_stamp()
    every = (as_at, measures, published)
    if _all_series.peek(every):
        return _all_series.get(every, lambda: all_council_series(as_at, list(measures)))[
            "councils"
        ].get(council.gss_code, {})
    key = (council.gss_code, as_at, measures, published)
    return _series.get(key, lambda: _compute_series(council, as_at, list(measures)))


def prepare_all_series(as_at: dt.date, fw) -> None:
    """Compute every council's series for a date in one pass and remember them (warm_cache)."""
    measures = tuple(series_measures(fw))
    every = (as_at, measures, _published_stamp())
    _all_series.get(every, lambda: all_council_series(as_at, list(measures)))


def all_council_series(as_at: dt.date, measures: list[str]) -> dict:
    """`_compute_series` for every council existing on `as_at` in one pass over the
    observations (a second per council and date otherwise): {"councils": {gss_code: series}}."""
    from collections import defaultdict

    from apps.councils.models import Council
    from apps.early_warning.services.inputs import council_frame, peer_frame
    from apps.indicators.services.point_in_time import observations_known_on

    councils = council_frame(as_at)
    entities = councils["entity"].to_list()
    pairs = peer_frame(councils).unique(maintain_order=True)
    peers: dict[str, list[str]] = defaultdict(list)
    for entity, peer in pairs.iter_rows():
        if peer not in peers[entity]:
            peers[entity].append(peer)
    names = dict(Council.objects.values_list("gss_code", "name"))
    obs = observations_known_on(as_at, indicators=measures)
    values: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)  # (gss, measure) -> period
    for gss, measure, period, value in zip(
        obs["gss_code"], obs["indicator"], obs["period"], obs["value"], strict=True
    ):
        values[(gss, measure)][period] = value
    out: dict[str, dict] = {}
    for entity in entities:
        mine_peers = [p for p in peers.get(entity, []) if p != entity]
        series = {}
        for measure in measures:
            mine = values.get((entity, measure), {})
            theirs = [values[(p, measure)] for p in mine_peers if (p, measure) in values]
            if not mine and not theirs:
                continue
            by_period: dict[str, list[float]] = defaultdict(list)
            for one in theirs:
                for period, value in one.items():
                    by_period[period].append(value)
            medians = {period: _median(found) for period, found in by_period.items()}
            periods = sorted(set(mine) | set(medians))
            latest = max(mine) if mine else None
            peer_values = []
            if latest is not None:
                candidates = sorted([entity, *mine_peers])  # the observations' order
                peer_values = sorted(
                    (
                        (names.get(g, g), values[(g, measure)][latest])
                        for g in candidates
                        if latest in values.get((g, measure), {})
                    ),
                    key=lambda item: item[1],
                )
            series[measure] = {
                "periods": periods,
                "council": [None if p not in mine else float(mine[p]) for p in periods],
                "median": [None if p not in medians else float(medians[p]) for p in periods],
                "latest": latest,
                "peer_values": peer_values,
            }
        out[entity] = series
    return {"councils": out}


def _median(values: list[float]) -> float:
    """The median as pandas takes it: missing values left out, NaN when none is left."""
    import statistics

    present = [v for v in values if v == v]
    return statistics.median(present) if present else float("nan")


def _compute_series(council, as_at: dt.date, measures: list[str]) -> dict:
    from apps.councils.models import Council
    from apps.early_warning.services.inputs import council_frame, peer_frame
    from apps.indicators.services.point_in_time import observations_known_on

    councils = council_frame(as_at)
    if council.gss_code not in set(councils["entity"].to_list()):
        return {}
    peers_df = peer_frame(councils)
    peers = peers_df.filter(peers_df["entity"] == council.gss_code)["peer"].to_list()
    names = dict(
        Council.objects.filter(gss_code__in=peers + [council.gss_code]).values_list(
            "gss_code", "name"
        )
    )
    obs = observations_known_on(as_at, indicators=measures, councils=peers + [council.gss_code])
    out = {}
    for measure in measures:
        part = obs[obs["indicator"] == measure]
        if part.empty:
            continue
        mine = part[part["gss_code"] == council.gss_code].set_index("period")["value"]
        theirs = part[part["gss_code"] != council.gss_code]
        medians = theirs.groupby("period")["value"].median()
        periods = sorted(set(mine.index) | set(medians.index))
        latest = max(mine.index) if len(mine) else None
        peer_values = []
        if latest is not None:
            latest_part = part[part["period"] == latest]
            peer_values = sorted(
                (
                    (names.get(g, g), v)
                    for g, v in zip(latest_part["gss_code"], latest_part["value"], strict=True)
                ),
                key=lambda item: item[1],
            )
        out[measure] = {
            "periods": periods,
            "council": [None if p not in mine.index else float(mine[p]) for p in periods],
            "median": [None if p not in medians.index else float(medians[p]) for p in periods],
            "latest": latest,
            "peer_values": peer_values,
        }
    return out


_maps = Memo("england_map", size=32)


def band_map(frame, fw, as_at: dt.date, level: str) -> tuple[str, list[dict]]:
    """The interactive map of a watchlist's bands and its table rows (area, council whose band
    shades it, link), remembered until the bands or the data change."""
    from apps.early_warning.services.watchlist import _data_stamp

    bands = dict(zip(frame["gss_code"], frame["band"], strict=True))
    key = (tuple(sorted(bands.items())), fw.name, fw.version, as_at, level, _data_stamp())
    return _maps.get(key, lambda: _band_map(bands, fw, as_at, level))


def _band_map(bands: dict[str, str], fw, as_at: dt.date, level: str):
    from django.urls import reverse

    from apps.early_warning.services import geo

    query = f"?as_at={as_at:%Y-%m-%d}&framework={fw.name}"
    svg, shades = geo.band_map(
        bands,
        fw,
        as_at,
        level,
        href=lambda gss: reverse("early_warning:council", args=[gss]) + query,
    )
    names = {d.code: d.name for d in geo.geometry().districts}
    rows = sorted(
        (
            {
                "district": names[code],
                "shade": shade,
                "href": reverse("early_warning:council", args=[shade.gss_code]) + query,
            }
            for code, shade in shades.items()
        ),
        key=lambda row: row["district"],
    )
    return svg, rows
