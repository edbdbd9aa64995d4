"""Recompute a framework for every council at many dates in one pass (polars, no per-council loop).

Used by the benchmark and by the council page's history: the observation table is read once,
and for each date the latest figure known then is picked with a vectorised filter and group-by.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from apps.early_warning.engine import Framework, score_frame
from apps.early_warning.services.inputs import (
    neighbour_pairs,
    peer_frame,
    split_columns,
    split_lags,
    wide_from_known,
    with_public_intelligence,
)
from apps.early_warning.services.watchlist import resolve_framework


def observations_frame() -> pl.DataFrame:
    """Every vintage of every observation as polars (gss_code, indicator, period, period_end,
    value, published), from the indicators app's cached table."""
    from apps.indicators.services.point_in_time import all_observations

    frame = all_observations()
    return pl.DataFrame(
        {
            "gss_code": frame["gss_code"].astype(str).tolist(),
            "indicator": frame["indicator"].astype(str).tolist(),
            "period": frame["period"].astype(str).tolist(),
            "period_end": frame["period_end"].dt.date.tolist(),
            "value": frame["value"].astype(float).tolist(),
            "published": frame["published"].dt.date.tolist(),
        },
        schema={
            "gss_code": pl.Utf8,
            "indicator": pl.Utf8,
            "period": pl.Utf8,
            "period_end": pl.Date,
            "value": pl.Float64,
            "published": pl.Date,
        },
    )


def councils_frame() -> pl.DataFrame:
    from apps.councils.models import Council

    rows = Council.objects.values(
        "gss_code", "name", "council_type", "region", "population", "start_date", "end_date"
    )
    return pl.DataFrame(
        list(rows),
        schema={
            "gss_code": pl.Utf8,
            "name": pl.Utf8,
            "council_type": pl.Utf8,
            "region": pl.Utf8,
            "population": pl.Int64,
            "start_date": pl.Date,
            "end_date": pl.Date,
        },
    ).rename({"gss_code": "entity"})


def inputs_at(
    observations: pl.DataFrame,
    councils: pl.DataFrame,
    codes: list[str],
    as_at: dt.date,
    max_age_years: float,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(existing councils, wide inputs) as at a date: latest vintage of the latest period."""
    existing = councils.filter(
        (pl.col("start_date").is_null() | (pl.col("start_date") <= as_at))
        & (pl.col("end_date").is_null() | (pl.col("end_date") > as_at))
    )
    oldest = as_at - dt.timedelta(days=round(365.25 * max_age_years))
    wanted = split_lags(set(codes))
    known = (
        observations.filter(
            (pl.col("published") <= as_at) & pl.col("indicator").is_in(list(wanted))
        )
        .sort("published")
        .group_by("gss_code", "indicator", "period")
        .agg(pl.col("period_end").last(), pl.col("value").last())
    )
    wide = wide_from_known(known, existing["entity"].to_list(), wanted, oldest)
    wide = wide.join(
        existing.select("entity", "name", pl.col("council_type").alias("entity_class")),
        on="entity",
    )
    return existing, wide


def recompute_history(
    dates: list[dt.date],
    framework: str | Framework | None = None,
    *,
    observations: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """as_at, entity, score, band, rank (and per-indicator points) for every date, published
    data only (soft intelligence is confidential and not part of a bulk history)."""
    fw = resolve_framework(framework)
    return recompute_many(dates, [fw], observations=observations)[fw.name]


def recompute_many(
    dates: list[dt.date],
    frameworks: list[Framework],
    *,
    observations: pl.DataFrame | None = None,
) -> dict[str, pl.DataFrame]:
    """`recompute_history` for several frameworks at once: each date's inputs (the union of
    what the frameworks read) and peers are built once and shared."""
    observations = observations if observations is not None else observations_frame()
    councils = councils_frame()
    pairs = neighbour_pairs()
    columns = {fw.name: split_columns(fw) for fw in frameworks}
    ages = sorted({float(fw.source.get("max_age_years", 3.0)) for fw in frameworks})
    union = sorted({c for codes, _, _ in columns.values() for c in codes})
    needs_peers = any(i.scoring == "peer_z" for fw in frameworks for i in fw.indicators)
    results: dict[str, list[pl.DataFrame]] = {fw.name: [] for fw in frameworks}
    for as_at in dates:
        by_age = {age: inputs_at(observations, councils, union, as_at, age) for age in ages}
        existing = by_age[ages[0]][0]
        peers = (
            peer_frame(existing.select("entity", "council_type", "region", "population"), pairs)
            if needs_peers
            else None
        )
        for fw in frameworks:
            _, notes, public = columns[fw.name]
            inputs = by_age[float(fw.source.get("max_age_years", 3.0))][1]
            if notes:
                inputs = inputs.with_columns([pl.lit(0.0).alias(c) for c in notes])
            inputs = with_public_intelligence(inputs, fw, as_at, public)
            scored = score_frame(fw, inputs, peers=peers)
            keep = ["entity", "score", "band", "rank"]
            keep += [f"{i.code}__points" for i in fw.indicators]
            keep += [i.code for i in fw.indicators if i.code not in keep]
            results[fw.name].append(scored.select(keep).with_columns(pl.lit(as_at).alias("as_at")))
    return {
        name: pl.concat(parts, how="vertical_relaxed") if parts else pl.DataFrame()
        for name, parts in results.items()
    }
