"""Backtest: where did each council that issued a section 114 notice stand on the watchlist 12
and 24 months before, using only what was published by then, beside single-indicator baselines.

And calibration of the recommended framework's pillar weights by a documented procedure: a small
grid of pillar multipliers, each evaluated by leave-one-event-out, preferring the simplest
(closest to equal weights) among equally good settings. No council is special-cased: the events
only choose among a handful of pillar weights.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

from apps.core.importers import ImportProblem, read_csv_rows
from apps.early_warning.engine import Framework, load_framework, score_frame
from apps.early_warning.services.inputs import build_inputs
from apps.early_warning.services.watchlist import DEFAULT_FRAMEWORK

BASELINES = ("baseline_reserves_to_nre", "baseline_borrowing_to_nre")
HORIZONS = (12, 24)
DEFAULT_EVENTS = Path(__file__).resolve().parents[3] / "data/england/events"
DEFAULT_EVENTS_FILE = DEFAULT_EVENTS / "section-114-notices-to-2021.csv"


@dataclass(frozen=True)
class Event:
    gss_code: str
    council: str
    notice_date: dt.date
    kind: str
    note: str
    first_for_council: bool


def load_events(path: Path) -> list[Event]:
    """Read an events CSV (gss_code, notice_date[, council, kind, note]); validate every row."""
    from apps.councils.models import Council

    known = dict(Council.objects.values_list("gss_code", "name"))
    by_ecode = {
        e.upper(): g for e, g in Council.objects.exclude(ecode="").values_list("ecode", "gss_code")
    }
    events: list[Event] = []
    seen: set[str] = set()
    rows = list(read_csv_rows(Path(path), required=["gss_code", "notice_date"]))
    for number, row in rows:
        code = row["gss_code"].upper()
        code = by_ecode.get(code, code)  # an E-code (as in the finance returns) works too
        if code not in known:
            raise ImportProblem(
                str(path), f"unknown council code {code!r}", row=number, column="gss_code"
            )
        try:
            day = dt.date.fromisoformat(row["notice_date"])
        except ValueError:
            raise ImportProblem(
                str(path),
                f"notice_date must be YYYY-MM-DD, not {row['notice_date']!r}",
                row=number,
                column="notice_date",
            ) from None
        events.append(
            Event(
                gss_code=code,
                council=row.get("council") or known[code],
                notice_date=day,
                kind=row.get("kind", ""),
                note=row.get("note", ""),
                first_for_council=code not in seen,
            )
        )
        seen.add(code)
    if not events:
        raise ImportProblem(str(path), "no events in file", row=2)
    return events


def months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last = [
        31,
        29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][month - 1]
    return dt.date(year, month, min(day.day, last))


class Scorer:
    """Scores frameworks at dates, reusing inputs per (framework inputs, date)."""

    def __init__(self, observations=None):
        self.observations = observations
        self._inputs: dict[tuple, tuple] = {}

    def inputs(self, framework: Framework, as_at: dt.date):
        key = (framework.name, as_at)
        if key not in self._inputs:
            self._inputs[key] = build_inputs(
                framework, as_at, observations=self.observations, include_notes=False
            )
        return self._inputs[key]

    def score(self, framework: Framework, as_at: dt.date) -> pl.DataFrame:
        councils, inputs, peers = self.inputs(framework, as_at)
        return score_frame(framework, inputs, peers=peers)


def _position(scored: pl.DataFrame, gss_code: str) -> dict:
    n = scored.height
    hit = scored.filter(pl.col("entity") == gss_code)
    if hit.height == 0:
        return {"rank": None, "percentile": None, "band": "did not exist", "score": None, "n": n}
    row = hit.to_dicts()[0]
    if row["score"] is None:  # not enough data known then: no rank, rather than a tie-break
        return {"rank": None, "percentile": None, "band": row["band"], "score": None, "n": n}
    return {
        "rank": row["rank"],
        "percentile": round(100.0 * row["rank"] / n, 1),
        "band": row["band"],
        "score": row["score"],
        "n": n,
    }


def run_backtest(
    events: list[Event],
    framework: str | Framework | None = None,
    *,
    horizons=HORIZONS,
    baselines=BASELINES,
    scorer: Scorer | None = None,
) -> pd.DataFrame:
    """One row per event x horizon: rank and percentile under the framework and each baseline."""
    fw = (
        framework
        if isinstance(framework, Framework)
        else load_framework(framework or DEFAULT_FRAMEWORK)
    )
    others = [load_framework(name) for name in baselines]
    scorer = scorer or Scorer()
    rows = []
    for event in events:
        for months in horizons:
            as_at = months_before(event.notice_date, months)
            main = _position(scorer.score(fw, as_at), event.gss_code)
            row = {
                "gss_code": event.gss_code,
                "council": event.council,
                "notice_date": event.notice_date,
                "kind": event.kind,
                "first_notice": event.first_for_council,
                "months_before": months,
                "as_at": as_at,
                "councils": main["n"],
                "rank": main["rank"],
                "percentile": main["percentile"],
                "band": main["band"],
                "score": main["score"],
            }
            for baseline in others:
                pos = _position(scorer.score(baseline, as_at), event.gss_code)
                short = baseline.name.removeprefix("baseline_")
                row[f"{short}_rank"] = pos["rank"]
                row[f"{short}_percentile"] = pos["percentile"]
            rows.append(row)
    return pd.DataFrame(rows)


# ---- calibration -------------------------------------------------------------------------------

GRID = {
    "reserves": (0.5, 1.0, 1.5, 2.0),
    "borrowing": (0.5, 1.0, 1.5, 2.0),
    "service_pressure": (0.0, 1.0),
}


def with_pillar_weights(framework: Framework, weights: dict[str, float]) -> Framework:
    """The framework with every indicator's weight multiplied by its pillar's weight."""
    indicators = tuple(
        dataclasses.replace(i, weight=i.weight * weights.get(i.pillar, 1.0))
        for i in framework.indicators
    )
    return dataclasses.replace(framework, indicators=indicators, combine="weighted_sum")


def _event_loss(percentile: float | None) -> float:
    """Log of the percentile: moving from 2% to 1% matters as much as from 20% to 10%."""
    return math.log(max(percentile if percentile is not None else 100.0, 0.1))


def calibrate(
    events: list[Event],
    framework: str | None = None,
    *,
    grid: dict[str, tuple[float, ...]] = GRID,
    horizons=HORIZONS,
    scorer: Scorer | None = None,
    tolerance: float = 0.25,
) -> dict:
    """Evaluate every pillar-weight setting in `grid` on the events (first budget-gap notices).

        Points per indicator do not depend on weights, so each date is scored once and the grid is
        a weighted sum over a points matrix. Returns the chosen setting (best mean loss over all
        events, or rather the setting closest to equal weights whose mean loss is within `tolerance`
    of the best: with a handful of events, a simpler setting that is nearly as good is the safer
    bet for events not yet seen), and a leave-one-event-out estimate:
        for each event, the setting chosen without it and the event's percentile under that setting.
    """
    fw = load_framework(framework or DEFAULT_FRAMEWORK)
    scorer = scorer or Scorer()
    chosen_events = [e for e in events if e.first_for_council and e.kind.startswith("s114(3)")]
    pillars = list(grid)
    settings = [
        dict(zip(pillars, combo, strict=True)) for combo in itertools.product(*grid.values())
    ]
    losses = np.zeros((len(settings), len(chosen_events)))
    percentiles = np.zeros_like(losses)
    for j, event in enumerate(chosen_events):
        horizon_losses = np.zeros(len(settings))
        horizon_pct = np.zeros(len(settings))
        for months in horizons:
            as_at = months_before(event.notice_date, months)
            scored = scorer.score(fw, as_at)
            points = np.column_stack(
                [scored[f"{i.code}__points"].fill_null(0.0).to_numpy() for i in fw.indicators]
            )
            has_data = scored["score"].is_not_null().to_numpy()
            target = np.flatnonzero(scored["entity"].to_numpy() == event.gss_code)
            for s, setting in enumerate(settings):
                weights = np.array([i.weight * setting.get(i.pillar, 1.0) for i in fw.indicators])
                total = np.where(has_data, points @ weights, -np.inf)
                if target.size == 0:
                    pct = 100.0
                else:
                    mine = total[target[0]]
                    # rank with ties counted against the council (pessimistic)
                    pct = 100.0 * (np.sum(total >= mine)) / len(total)
                horizon_losses[s] += _event_loss(pct) / len(horizons)
                horizon_pct[s] = (
                    max(horizon_pct[s], pct) if months == horizons[0] else horizon_pct[s]
                )
            if months == horizons[0]:
                percentiles[:, j] = horizon_pct
        losses[:, j] = horizon_losses

    def simplicity(setting: dict) -> float:
        return sum(abs(math.log(v)) if v > 0 else 1.0 for v in setting.values())

    def best(columns) -> int:
        mean = losses[:, columns].mean(axis=1)
        order = sorted(
            range(len(settings)), key=lambda s: (round(mean[s], 6), simplicity(settings[s]))
        )
        return order[0]

    overall = best(list(range(len(chosen_events))))
    loo = []
    for j, event in enumerate(chosen_events):
        others = [k for k in range(len(chosen_events)) if k != j]
        pick = best(others) if others else overall
        loo.append(
            {
                "council": event.council,
                "notice_date": event.notice_date,
                "setting_without_it": settings[pick],
                "percentile_12m_with_that_setting": round(float(percentiles[pick, j]), 1),
            }
        )
    equal = next(s for s, st in enumerate(settings) if all(v == 1.0 for v in st.values()))
    return {
        "events": [e.council for e in chosen_events],
        "settings_evaluated": len(settings),
        "tolerance": tolerance,
        "mean_loss_chosen": round(float(losses[overall].mean()), 3),
        "mean_loss_best": round(float(losses.mean(axis=1).min()), 3),
        "chosen": settings[overall],
        "chosen_percentiles_12m": dict(
            zip(
                [e.council for e in chosen_events],
                percentiles[overall].round(1).tolist(),
                strict=True,
            )
        ),
        "equal_weights_percentiles_12m": dict(
            zip(
                [e.council for e in chosen_events],
                percentiles[equal].round(1).tolist(),
                strict=True,
            )
        ),
        "leave_one_out": loo,
    }
