"""The framework engine: inputs in, points, scores and designations out, all vectorised in polars.

`score_frame(framework, inputs, peers=...)` takes one row per entity (a council, a New York town,
a synthetic entity) with whatever input columns the framework's measures name, and returns one row
per entity with each indicator's measure and points, peer statistics where the framework compares
with nearest neighbours, the combined score, the designation band and the rank (1 = most concern).
Nothing here knows about Django, councils or files.
"""

from __future__ import annotations

import polars as pl

from .framework import Band, Framework, FrameworkError, Indicator

MAD_TO_SD = 1.4826  # scales a median absolute deviation to a standard deviation for normal data
Z_LIMIT = 10.0


def _band_condition(band: Band, value: pl.Expr) -> pl.Expr:
    condition = pl.lit(True)
    if band.eq is not None:
        condition = condition & (value == band.eq)
    if band.gt is not None:
        condition = condition & (value > band.gt)
    if band.ge is not None:
        condition = condition & (value >= band.ge)
    if band.lt is not None:
        condition = condition & (value < band.lt)
    if band.le is not None:
        condition = condition & (value <= band.le)
    return condition


def _sql(expression: str, where: str) -> pl.Expr:
    try:
        return pl.sql_expr(expression)
    except Exception as exc:  # polars raises several kinds for a bad expression
        raise FrameworkError(f"{where}: cannot read expression {expression!r} ({exc})") from exc


def _points_expr(indicator: Indicator, value: pl.Expr) -> pl.Expr:
    """Points for one indicator: first matching variant band, then the default bands, else 0."""
    branches: list[tuple[pl.Expr, float]] = []
    for variant in indicator.variants:
        applies = _sql(variant.when, f"indicator {indicator.code} variant")
        branches += [(applies & _band_condition(b, value), b.points) for b in variant.bands]
        if variant.bands:
            # an entity the variant applies to gets 0 if none of the variant's bands matched
            branches.append((applies, 0.0))
    branches += [(_band_condition(b, value), b.points) for b in indicator.bands]
    expr: pl.Expr | pl.Then | pl.ChainedThen | None = None
    for condition, points in branches:
        expr = (
            pl.when(condition).then(pl.lit(points))
            if expr is None
            else expr.when(condition).then(pl.lit(points))
        )
    points_expr = expr.otherwise(pl.lit(0.0)) if expr is not None else pl.lit(0.0)
    missing = pl.lit(indicator.missing_points) if indicator.missing_points is not None else None
    valid = value.is_not_null() & value.is_not_nan()
    points_expr = pl.when(valid).then(points_expr).otherwise(missing)
    if indicator.cap is not None:
        points_expr = pl.min_horizontal(points_expr, pl.lit(indicator.cap))
    return points_expr.cast(pl.Float64)


def measure_frame(framework: Framework, inputs: pl.DataFrame) -> pl.DataFrame:
    """`entity` plus one column per indicator: its measured value (nulls where unknown)."""
    exprs = []
    for indicator in framework.indicators:
        expr = _sql(indicator.measure, f"{framework.name} indicator {indicator.code}").cast(
            pl.Float64
        )
        expr = pl.when(expr.is_infinite()).then(None).otherwise(expr)
        if indicator.round_measure is not None:
            expr = expr.round(indicator.round_measure)
        exprs.append(expr.alias(indicator.code))
    try:
        return inputs.select(pl.col("entity"), *exprs)
    except pl.exceptions.ColumnNotFoundError as exc:
        raise FrameworkError(f"{framework.name}: a measure names an unknown input ({exc})") from exc


def peer_statistics(
    framework: Framework, measures: pl.DataFrame, peers: pl.DataFrame
) -> pl.DataFrame:
    """Median, MAD, robust z and position among peers for every peer-scored indicator.

    `peers` has columns entity, peer (the entity's nearest neighbours, not itself). Returns
    entity plus `{code}__peer_median`, `__peer_mad`, `__peer_n`, `__z` (oriented so that a
    positive z is more concern) and `__peer_position` (1 = most concerning of the entity and its
    peers). Robust statistics as Oflog uses them: a council is compared with the median of its
    neighbours, scaled by the median absolute deviation, so one outlier cannot move the yardstick.
    """
    codes = [i.code for i in framework.indicators if i.scoring == "peer_z"]
    if not codes:
        return measures.select("entity")
    sign = {i.code: (1.0 if i.polarity == "high_is_bad" else -1.0) for i in framework.indicators}
    long = measures.select("entity", *codes).unpivot(
        index="entity", variable_name="code", value_name="value"
    )
    long = long.with_columns(
        pl.col("code").replace_strict(sign, return_dtype=pl.Float64).alias("sign")
    )
    joined = (
        peers.select("entity", "peer")
        .join(
            long.rename({"entity": "peer", "value": "peer_value"}).drop("sign"),
            on="peer",
        )
        .filter(pl.col("peer_value").is_not_null() & pl.col("peer_value").is_not_nan())
    )
    joined = joined.join(long, on=["entity", "code"], how="left")
    stats = joined.group_by("entity", "code").agg(
        pl.col("peer_value").median().alias("peer_median"),
        pl.len().alias("peer_n"),
        (
            (pl.col("peer_value") * pl.col("sign") > pl.col("value") * pl.col("sign")).sum() + 1
        ).alias("peer_position"),
    )
    mad = (
        joined.join(stats.select("entity", "code", "peer_median"), on=["entity", "code"])
        .group_by("entity", "code")
        .agg((pl.col("peer_value") - pl.col("peer_median")).abs().median().alias("peer_mad"))
    )
    stats = stats.join(mad, on=["entity", "code"]).join(long, on=["entity", "code"], how="left")
    min_peers = {i.code: i.min_peers for i in framework.indicators}
    scale = pl.col("peer_mad") * MAD_TO_SD
    raw_z = (pl.col("value") - pl.col("peer_median")) * pl.col("sign") / scale
    stats = stats.with_columns(
        pl.when(pl.col("peer_n") < pl.col("code").replace_strict(min_peers, return_dtype=pl.Int64))
        .then(None)
        .when(scale > 0)
        .then(raw_z.clip(-Z_LIMIT, Z_LIMIT))
        .when(pl.col("value") == pl.col("peer_median"))
        .then(0.0)
        .otherwise(
            # every neighbour identical: any difference is as unusual as it can be
            pl.when((pl.col("value") - pl.col("peer_median")) * pl.col("sign") > 0)
            .then(Z_LIMIT)
            .otherwise(-Z_LIMIT)
        )
        .alias("z")
    )
    wide = stats.pivot(
        on="code",
        index="entity",
        values=["peer_median", "peer_mad", "peer_n", "z", "peer_position"],
    )
    renames = {
        f"{stat}_{code}": f"{code}__{stat}"
        for stat in ("peer_median", "peer_mad", "peer_n", "z", "peer_position")
        for code in codes
    }
    wide = wide.rename({k: v for k, v in renames.items() if k in wide.columns})
    for code in codes:  # an indicator nobody could be compared on still gets its columns
        for stat in ("peer_median", "peer_mad", "peer_n", "z", "peer_position"):
            if f"{code}__{stat}" not in wide.columns:
                wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(f"{code}__{stat}"))
    return measures.select("entity").join(wide, on="entity", how="left")


def score_frame(
    framework: Framework,
    inputs: pl.DataFrame,
    *,
    peers: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Score every entity in `inputs` (an `entity` column plus the framework's input columns)."""
    measures = measure_frame(framework, inputs)
    needs_peers = any(i.scoring == "peer_z" for i in framework.indicators)
    if needs_peers:
        if peers is None:
            raise FrameworkError(f"{framework.name} compares with peers: give a peers frame")
        frame = measures.join(peer_statistics(framework, measures, peers), on="entity", how="left")
    else:
        frame = measures
    # variants may condition on input columns (e.g. entity_class): make them visible meanwhile
    extra = [c for c in inputs.columns if c not in frame.columns]
    frame = frame.join(inputs.select("entity", *extra), on="entity", how="left")
    point_columns = []
    for indicator in framework.indicators:
        basis = pl.col(f"{indicator.code}__z") if indicator.scoring == "peer_z" else None
        value = basis if basis is not None else pl.col(indicator.code)
        if indicator.scoring == "linear":
            # the value itself, oriented so that more concern is more points (for baselines)
            sign = 1.0 if indicator.polarity == "high_is_bad" else -1.0
            points = (pl.col(indicator.code) * sign).cast(pl.Float64)
        else:
            points = _points_expr(indicator, value)
        if framework.round_points is not None:
            points = points.round(framework.round_points)
        frame = frame.with_columns(points.alias(f"{indicator.code}__points"))
        point_columns.append((indicator, f"{indicator.code}__points"))
    weighted = [
        pl.col(c) * (i.weight if framework.combine == "weighted_sum" else 1.0)
        for i, c in point_columns
    ]
    scored = pl.sum_horizontal(
        pl.col(f"{i.code}").is_not_null() for i, _ in point_columns if i.counts_as_data
    )
    if framework.combine == "max":
        total = pl.max_horizontal(weighted)
    else:
        total = pl.sum_horizontal(weighted)
    if framework.cap is not None:
        total = pl.min_horizontal(total, pl.lit(framework.cap))
    if framework.round_total is not None:
        total = _round_half_up(total, framework.round_total)
    keep = [c for c in extra if c in ("name",)]
    frame = frame.drop([c for c in extra if c not in keep])
    frame = frame.with_columns(scored.alias("n_scored"))
    frame = frame.with_columns(
        pl.when(pl.col("n_scored") >= framework.min_indicators)
        .then(total)
        .otherwise(None)
        .alias("score")
    )
    frame = frame.with_columns(_band_expr(framework).alias("band"))
    flagged = pl.sum_horizontal((pl.col(c).fill_null(0) > 0) for _, c in point_columns)
    frame = frame.with_columns(flagged.alias("n_flagged"))
    frame = frame.sort(
        [pl.col("score").is_null(), "score", "n_flagged", "entity"],
        descending=[False, True, True, False],
        nulls_last=True,
    )
    return frame.with_columns(pl.int_range(1, pl.len() + 1).alias("rank"))


def _round_half_up(expr: pl.Expr, digits: int) -> pl.Expr:
    """Round as a spreadsheet does (half away from zero), on a value cleaned of float noise."""
    return expr.round(9).round(digits, mode="half_away_from_zero")


def _band_expr(framework: Framework) -> pl.Expr:
    expr = pl.when(pl.col("score").is_null()).then(pl.lit(framework.insufficient_label))
    for band in sorted(framework.designations, key=lambda d: -d.min_score):
        expr = expr.when(pl.col("score") >= band.min_score).then(pl.lit(band.label))
    return expr.otherwise(pl.lit(framework.no_designation_label))
