"""Calibration of the recommended scorecard on time (decision 0004).

The scorecard's anchors ("none at", "all at") are fixed in advance; what is fitted is how many
points each indicator may give. Procedure, the same at every origin:

1. Rows: every council on 1 April of each year from 2013 up to the year before the origin, with
   each indicator's share of its points (0 to 1) computed from what was published by then.
2. Label: 1 if the council had any event in the registers (section 114 notice, Exceptional
   Financial Support, statutory intervention or inspection, auditor's report) in the 36 months
   after that date *and before the origin*; events on or after the origin are never seen.
3. Fit a logistic regression of the label on the shares with the weights kept at or above zero
   (an indicator cannot count in favour of a council) and an L2 penalty pulling each weight
   towards 1 (equal points): with a few dozen events, an indicator must earn a departure from
   equal points. Penalty strength LAMBDA = 20, chosen once and not tuned per origin.
4. Points: weights scaled so the maximum total is 100.

Rolling origin: for each date, the weights are those fitted at the start of its financial year,
so a ranking is only ever made with points fitted on events before it. The shipped points are
the fit at 1 April 2024: events up to 31 March 2024, never later ones.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
from scipy.optimize import minimize

from apps.early_warning.engine import Framework

LAMBDA = 20.0
HORIZON_MONTHS = 36
FIRST_TRAINING_YEAR = 2013
FINAL_ORIGIN = dt.date(2024, 4, 1)
TOTAL_POINTS = 100


def scale_indicators(framework: Framework) -> list:
    """The indicators whose points are fitted: scale-scored and counted."""
    return [
        i
        for i in framework.indicators
        if i.scale is not None and not (framework.combine == "weighted_sum" and i.weight == 0)
    ]


def shares(framework: Framework, frame: pl.DataFrame) -> np.ndarray:
    """Each fitted indicator's share of its maximum points (rows of `frame`), 0 where unknown."""
    columns = []
    for indicator in scale_indicators(framework):
        points = frame[f"{indicator.code}__points"].fill_null(0.0).to_numpy()
        columns.append(points / indicator.scale.points)
    return np.column_stack(columns) if columns else np.zeros((frame.height, 0))


def _labels(rows: pl.DataFrame, events, origin: dt.date) -> np.ndarray:
    seen = pl.DataFrame(
        {
            "entity": [e.gss_code for e in events if e.notice_date < origin],
            "date": [e.notice_date for e in events if e.notice_date < origin],
        },
        schema={"entity": pl.Utf8, "date": pl.Date},
    )
    joined = (
        rows.select("entity", "as_at")
        .with_row_index("row")
        .join(seen, on="entity", how="left")
        .with_columns(
            (
                (pl.col("date") > pl.col("as_at"))
                & (pl.col("date") <= pl.col("as_at").dt.offset_by(f"{HORIZON_MONTHS}mo"))
            )
            .fill_null(False)
            .alias("y")
        )
        .group_by("row")
        .agg(pl.col("y").any())
        .sort("row")
    )
    return joined["y"].to_numpy().astype(float)


def fit_weights(x: np.ndarray, y: np.ndarray, lam: float = LAMBDA) -> np.ndarray:
    """Non-negative logistic regression weights shrunk towards 1 (equal points)."""
    k = x.shape[1]
    prior = np.ones(k)
    if y.sum() == 0 or k == 0:
        return prior

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ w[1:] + w[0]
        p = 1.0 / (1.0 + np.exp(-z))
        ll = -np.sum(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))
        residual = p - y
        grad = np.concatenate([[residual.sum()], x.T @ residual + 2 * lam * (w[1:] - prior)])
        return ll + lam * np.sum((w[1:] - prior) ** 2), grad

    start = np.concatenate([[np.log(y.mean() / (1 - y.mean()))], prior])
    bounds = [(None, None)] + [(0.0, None)] * k
    result = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds)
    return result.x[1:]


def fit_at(framework: Framework, frame: pl.DataFrame, events, origin: dt.date) -> np.ndarray:
    """Weights fitted on rows before `origin` and events before it (see the module doc)."""
    rows = frame.filter(
        (pl.col("as_at").dt.month() == 4)
        & (pl.col("as_at").dt.day() == 1)
        & (pl.col("as_at") >= dt.date(FIRST_TRAINING_YEAR, 4, 1))
        & (pl.col("as_at") < origin)
        & pl.col("score").is_not_null()
    )
    if rows.height == 0:
        return np.ones(len(scale_indicators(framework)))
    return fit_weights(shares(framework, rows), _labels(rows, events, origin))


def to_points(framework: Framework, weights: np.ndarray) -> dict[str, float]:
    """Maximum points per indicator, scaled to a total of 100 and rounded to whole points."""
    indicators = scale_indicators(framework)
    total = weights.sum() or 1.0
    return {
        i.code: float(round(TOTAL_POINTS * w / total))
        for i, w in zip(indicators, weights, strict=True)
    }


def origin_for(day: dt.date) -> dt.date:
    """The origin used for a ranking on `day`: the start of its financial year, never later
    than the final origin (events after 31 March 2024 are judged, never fitted)."""
    start = dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)
    return min(start, FINAL_ORIGIN)


def rolling_origin(
    framework: Framework, frame: pl.DataFrame, events, years: list[int]
) -> tuple[pl.DataFrame, dict[int, dict[str, float]]]:
    """(as_at, entity, score) with each date scored by points fitted only on events before its
    origin, and the points fitted at each origin (by financial year)."""
    indicators = scale_indicators(framework)
    x = shares(framework, frame)
    has = frame["score"].is_not_null().to_numpy()
    origins = frame["as_at"].map_elements(origin_for, return_dtype=pl.Date).to_numpy()
    scores = np.full(frame.height, np.nan)
    fitted: dict[int, dict[str, float]] = {}
    for origin in sorted(set(origins.tolist())):
        weights = fit_at(framework, frame, events, origin)
        points = to_points(framework, weights)
        fitted[origin.year] = points
        mask = origins == np.datetime64(origin)
        vector = np.array([points[i.code] for i in indicators])
        scores[mask] = x[mask] @ vector
    scores = np.where(has, scores, np.nan)
    out = frame.select("as_at", "entity").with_columns(pl.Series("score", scores).fill_nan(None))
    return out, fitted


def calibrate(framework: Framework, frame: pl.DataFrame, events) -> dict:
    """The shipped points: the fit at 1 April 2024 (events to 31 March 2024)."""
    weights = fit_at(framework, frame, events, FINAL_ORIGIN)
    return {
        "origin": FINAL_ORIGIN.isoformat(),
        "lambda": LAMBDA,
        "events_used": sum(1 for e in events if e.notice_date < FINAL_ORIGIN),
        "weights": {
            i.code: round(float(w), 3)
            for i, w in zip(scale_indicators(framework), weights, strict=True)
        },
        "points": to_points(framework, weights),
    }
