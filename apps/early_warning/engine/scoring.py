"""The framework engine: inputs in, points, scores and designations out, all vectorised in polars.

`score_frame(framework, inputs, peers=...)` takes one row per entity (a council, a New York town,
a synthetic entity) with whatever input columns the framework's measures name, and returns one row
per entity with each indicator's measure and points, peer statistics where the framework compares
with nearest neighbours, the combined score, the designation band and the rank (1 = most concern).
Nothing here knows about Django, councils or files.
"""

from __future__ import annotations

import numpy as np
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
    framework: Framework, measures: pl.DataFrame, peers: pl.DataFrame | np.ndarray
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
    # a precomputed matrix (rows aligned with the inputs) saves rebuilding it for every year
    matrix = peers if isinstance(peers, np.ndarray) else peer_matrix(measures["entity"], peers)
    has_peer = matrix >= 0
    safe = np.where(has_peer, matrix, 0)
    columns: dict[str, np.ndarray] = {}
    for indicator in framework.indicators:
        if indicator.scoring != "peer_z":
            continue
        sign = 1.0 if indicator.polarity == "high_is_bad" else -1.0
        values = measures[indicator.code].cast(pl.Float64).fill_null(np.nan).to_numpy()
        grid = np.where(has_peer, values[safe], np.nan)  # entities x peers
        n = np.sum(~np.isnan(grid), axis=1)
        median = _row_nanmedian(grid, n)
        mad = _row_nanmedian(np.abs(grid - median[:, None]), n)
        difference = (values - median) * sign
        scale = mad * MAD_TO_SD
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(
                scale > 0,
                np.clip(difference / scale, -Z_LIMIT, Z_LIMIT),
                np.where(difference == 0, 0.0, np.sign(difference) * Z_LIMIT),
            )
        enough = (n >= indicator.min_peers) & ~np.isnan(values)
        z = np.where(enough, z, np.nan)
        with np.errstate(invalid="ignore"):
            position = np.sum(grid * sign > (values * sign)[:, None], axis=1) + 1
        code = indicator.code
        columns[f"{code}__peer_median"] = np.where(n > 0, median, np.nan)
        columns[f"{code}__peer_mad"] = np.where(n > 0, mad, np.nan)
        columns[f"{code}__peer_n"] = n.astype(np.float64)
        columns[f"{code}__z"] = z
        columns[f"{code}__peer_position"] = position.astype(np.float64)
    out = pl.DataFrame({"entity": measures["entity"], **columns})
    return out.with_columns(pl.exclude("entity").fill_nan(None))


def _row_nanmedian(grid: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Median of each row ignoring NaN (NaN for an empty row); sorting puts NaN last, so the
    middle of the first n sorted values is the median. Much faster than np.nanmedian on short
    rows."""
    ordered = np.sort(grid, axis=1)
    low = np.clip((n - 1) // 2, 0, None)
    high = np.clip(n // 2, 0, None)
    rows = np.arange(len(grid))
    with np.errstate(invalid="ignore"):
        median = (ordered[rows, low] + ordered[rows, high]) / 2.0
    return np.where(n > 0, median, np.nan)


def peer_matrix(entities: pl.Series, peers: pl.DataFrame) -> np.ndarray:
    """Row index of each entity's peers (entities x max peers), -1 where there is none.

    Built with joins and a per-entity running count, so no Python loop over entities."""
    index = pl.DataFrame({"entity": entities, "row": np.arange(len(entities), dtype=np.int64)})
    pairs = (
        peers.select("entity", "peer")
        .join(index, on="entity")
        .join(index.rename({"entity": "peer", "row": "peer_row"}), on="peer")
        .filter(pl.col("row") != pl.col("peer_row"))
        .with_columns(pl.int_range(pl.len()).over("row").alias("slot"))
    )
    width = int(pairs["slot"].max() + 1) if pairs.height else 1
    matrix = np.full((len(entities), width), -1, dtype=np.int64)
    if pairs.height:
        matrix[pairs["row"].to_numpy(), pairs["slot"].to_numpy()] = pairs["peer_row"].to_numpy()
    return matrix


def score_frame(
    framework: Framework,
    inputs: pl.DataFrame,
    *,
    peers: pl.DataFrame | np.ndarray | None = None,
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
    point_exprs = []
    for indicator in framework.indicators:
        basis = pl.col(f"{indicator.code}__z") if indicator.scoring == "peer_z" else None
        value = basis if basis is not None else pl.col(indicator.code)
        if indicator.scoring == "scale":
            points = _scale_expr(indicator, pl.col(indicator.code))
        elif indicator.scoring == "linear":
            # the value itself, oriented so that more concern is more points (for baselines)
            sign = 1.0 if indicator.polarity == "high_is_bad" else -1.0
            points = (pl.col(indicator.code) * sign).cast(pl.Float64)
        else:
            points = _points_expr(indicator, value)
        if framework.round_points is not None:
            points = points.round(framework.round_points)
        point_exprs.append(points.alias(f"{indicator.code}__points"))
        point_columns.append((indicator, f"{indicator.code}__points"))
    frame = frame.with_columns(point_exprs)
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
    flagged = pl.sum_horizontal(_flag_expr(i, pl.col(c)) for i, c in point_columns)
    frame = frame.with_columns(flagged.alias("n_flagged"))
    # ties broken by how many indicators flagged; councils without a score simply by code
    flagged_if_scored = pl.when(pl.col("score").is_null()).then(0).otherwise(pl.col("n_flagged"))
    frame = frame.sort(
        [pl.col("score").is_null(), "score", flagged_if_scored, "entity"],
        descending=[False, True, True, False],
        nulls_last=True,
    )
    return frame.with_columns(pl.int_range(1, pl.len() + 1).alias("rank"))


def _scale_expr(indicator: Indicator, value: pl.Expr) -> pl.Expr:
    """points x the share of the way from zero_at to full_at (clipped to 0..1), null if unknown."""
    scale = indicator.scale
    assert scale is not None
    if scale.log:
        tiny = min(scale.zero_at, scale.full_at) / 1000.0
        position = value.clip(lower_bound=tiny).log()
        zero, full = np.log(scale.zero_at), np.log(scale.full_at)
    else:
        position, zero, full = value, scale.zero_at, scale.full_at
    share = ((position - zero) / (full - zero)).clip(0.0, 1.0)
    valid = value.is_not_null() & value.is_not_nan()
    missing = pl.lit(indicator.missing_points) if indicator.missing_points is not None else None
    return pl.when(valid).then(share * scale.points).otherwise(missing).cast(pl.Float64)


def _round_half_up(expr: pl.Expr, digits: int) -> pl.Expr:
    """Round as a spreadsheet does (half away from zero), on a value cleaned of float noise."""
    return expr.round(9).round(digits, mode="half_away_from_zero")


def _flag_expr(indicator: Indicator, points: pl.Expr) -> pl.Expr:
    if indicator.scale is not None:
        threshold = indicator.scale.flag_share * indicator.scale.points - 1e-9
        return points.fill_null(0) >= max(threshold, 1e-9)
    return points.fill_null(0) > 0


def _band_expr(framework: Framework) -> pl.Expr:
    expr = pl.when(pl.col("score").is_null()).then(pl.lit(framework.insufficient_label))
    for band in sorted(framework.designations, key=lambda d: -d.min_score):
        expr = expr.when(pl.col("score") >= band.min_score).then(pl.lit(band.label))
    return expr.otherwise(pl.lit(framework.no_designation_label))
