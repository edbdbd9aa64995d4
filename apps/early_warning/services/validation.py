"""Validation on time: how well each framework ranked councils before the events that followed.

For every event set (a register: section 114 notices, Exceptional Financial Support, statutory
interventions and inspections, auditors' reports, and all of them together) and every
financial year Y, every council that existed on 1 April of the year before (Y-1) is ranked with
only what was published by then; the councils with an event of the set during year Y are the
positives. So each ranking is 12 to 24 months ahead of the events it is judged on. Reported:

- ROC AUC: the chance that a council with an event ranks above one without (ties count half);
  councils a framework cannot score rank below every scored council;
- top-10% share: the share of events whose council was in the framework's top tenth;
- median lead time: for each event, how long before it the council had been in the top tenth
  without a break (quarterly rankings, up to 48 months; 0 when not in the top tenth the quarter
  before the event), median over events.

Compared side by side: the recommended framework as shipped, the recommended framework refitted
at every origin (its points fitted only on events before year Y: `calibration.rolling_origin`),
every single indicator it uses, and the CIPFA-style framework. Also, per event, the council's
rank 12, 24 and 36 months before.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from apps.early_warning.engine import Framework, load_framework
from apps.early_warning.engine.framework import Indicator
from apps.early_warning.services.events import REGISTERS, Event, all_events
from apps.early_warning.services.watchlist import DEFAULT_FRAMEWORK

CIPFA = "cipfa_style_resilience"
FIRST_YEAR = 2015  # financial years 2015-16 onwards: the figures start in 2010-11
HORIZONS = (12, 24, 36)
LEAD_MAX_MONTHS = 48
REFIT = "recommended_refit"
CALIBRATION_CUTOFF = dt.date(2024, 3, 31)  # events after this are judged, never fitted
FIXED_DATES = (dt.date(2021, 7, 1),)  # ranked once, judged on every later event
RESULT_FORMAT = 2  # part of the cache key: bump when the stored result changes shape


def months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    import calendar

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def quarter_on_or_before(day: dt.date) -> dt.date:
    """The first day of the quarter (Jan, Apr, Jul, Oct) on or before `day`: rankings are
    kept quarterly, so "12 months before" is the quarterly ranking at least 12 months before."""
    return dt.date(day.year, ((day.month - 1) // 3) * 3 + 1, 1)


def quarter_dates(first: dt.date, last: dt.date) -> list[dt.date]:
    day, out = quarter_on_or_before(first), []
    while day <= last:
        out.append(day)
        day = months_before(day, -3)
    return out


def single_indicator_frameworks(framework: Framework) -> list[Framework]:
    """Each data indicator of the framework on its own: councils ranked by the measure alone,
    worst first (the baselines a framework must beat)."""
    out, seen = [], set()
    for indicator in framework.indicators:
        measure = indicator.measure.strip()
        not_counted = framework.combine == "weighted_sum" and indicator.weight == 0
        if not_counted or not indicator.counts_as_data or measure in seen:
            continue
        if not measure.isidentifier():
            continue
        seen.add(measure)
        alone = Indicator(
            code=indicator.code,
            title=indicator.title,
            measure=measure,
            scoring="linear",
            unit=indicator.unit,
            polarity=indicator.polarity,
            phrase=indicator.phrase,
        )
        out.append(
            Framework(
                name=f"single_{indicator.code}",
                title=f"{indicator.title} alone",
                version=framework.version,
                status="baseline",
                description="",
                indicators=(alone,),
                designations=(),
                source={"kind": "english-councils", "max_age_years": 5},
                path=None,
            )
        )
    return out


@dataclass
class Ranking:
    """Scores of one framework at every quarterly date: as_at, entity, score (null: unscored)."""

    name: str
    title: str
    kind: str  # recommended | refit | single | comparison
    frame: pl.DataFrame | None
    _by_date: dict | None = None
    _cells: dict | None = None

    def __getstate__(self) -> dict:
        # the figures are kept in the results; the quarterly scores are not worth storing
        return {**self.__dict__, "frame": None, "_by_date": None, "_cells": None}

    def index(self) -> None:
        """Split by date once (the evaluation asks for many dates and councils)."""
        self._by_date = {
            key[0]: part for key, part in self.frame.partition_by("as_at", as_dict=True).items()
        }
        self._cells = {
            (row["entity"], row["as_at"]): row
            for row in self.frame.select("entity", "as_at", "score", "rank", "n", "top").to_dicts()
        }

    def at(self, day: dt.date) -> pl.DataFrame:
        if self._by_date is None:
            self.index()
        return self._by_date.get(day, self.frame.clear())

    def cell(self, entity: str, day: dt.date) -> dict | None:
        if self._cells is None:
            self.index()
        return self._cells.get((entity, day))


def _ranked(frame: pl.DataFrame) -> pl.DataFrame:
    """Add rank (1 = most concern; unscored councils after every scored one) and n per date."""
    return frame.with_columns(
        pl.col("score")
        .fill_null(-np.inf)
        .rank(method="ordinal", descending=True)
        .over("as_at")
        .alias("rank"),
        pl.len().over("as_at").alias("n"),
    )


def roc_auc(scores: np.ndarray, positive: np.ndarray) -> float | None:
    """Mann-Whitney AUC with ties counted half; None without both classes."""
    pos, neg = scores[positive], scores[~positive]
    if len(pos) == 0 or len(neg) == 0:
        return None
    both = np.concatenate([pos, neg])
    ranks = pl.Series(np.where(np.isfinite(both), both, -1e300)).rank("average").to_numpy()
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def _in_top_tenth(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        (pl.col("score").is_not_null() & (pl.col("rank") <= (pl.col("n") * 0.1).round())).alias(
            "top"
        )
    )


@dataclass
class SetResult:
    register: str
    title: str
    years: list[int]
    events: int
    metrics: dict[str, dict] = field(default_factory=dict)  # ranking name -> auc, top10, lead


def evaluate_set(
    rankings: list[Ranking],
    events: list[Event],
    register: str,
    title: str,
    years: list[int],
) -> SetResult:
    """ROC AUC (weighted by positives over years), top-10% share and median lead time."""
    result = SetResult(register, title, years, 0)
    by_year = {
        y: {e.gss_code for e in events if dt.date(y, 4, 1) <= e.notice_date < dt.date(y + 1, 4, 1)}
        for y in years
    }
    result.events = sum(len(v) for v in by_year.values())
    for ranking in rankings:
        aucs, weights, hits, total = [], [], 0, 0
        for year, positives in by_year.items():
            if not positives:
                continue
            frame = ranking.at(dt.date(year - 1, 4, 1))
            if frame.height == 0:
                continue
            scores = frame["score"].fill_null(-np.inf).to_numpy()
            flags = np.isin(frame["entity"].to_numpy(), list(positives))
            auc = roc_auc(scores, flags)
            if auc is not None:
                aucs.append(auc)
                weights.append(flags.sum())
            hits += int(frame.filter(pl.col("entity").is_in(list(positives)))["top"].sum())
            total += int(flags.sum())
        leads = [lead_time(ranking, e) for e in events if dt.date(years[0], 4, 1) <= e.notice_date]
        result.metrics[ranking.name] = {
            "auc": float(np.average(aucs, weights=weights)) if aucs else None,
            "top10": hits / total if total else None,
            "in_top10": hits,
            "positives": total,
            "lead_months": float(np.median(leads)) if leads else None,
        }
    return result


def evaluate_fixed(
    rankings: list[Ranking], events: list[Event], day: dt.date, register: str, title: str
) -> SetResult:
    """One ranking on `day` judged on every later event of the set (as a held-out check is run:
    rank with what was known then, see who got into difficulty afterwards)."""
    positives = {e.gss_code for e in events if e.notice_date > day}
    result = SetResult(register, title, [], len([e for e in events if e.notice_date > day]))
    for ranking in rankings:
        frame = ranking.at(quarter_on_or_before(day))
        if frame.height == 0 or not positives:
            continue
        scores = frame["score"].fill_null(-np.inf).to_numpy()
        flags = np.isin(frame["entity"].to_numpy(), list(positives))
        hits = int(frame.filter(pl.col("entity").is_in(list(positives)))["top"].sum())
        result.metrics[ranking.name] = {
            "auc": roc_auc(scores, flags),
            "top10": hits / flags.sum() if flags.sum() else None,
            "in_top10": hits,
            "positives": int(flags.sum()),
            "lead_months": None,
        }
    return result


def lead_time(ranking: Ranking, event: Event) -> int:
    """Months the council had been in the top tenth without a break before the event."""
    months = 0
    last = quarter_on_or_before(months_before(event.notice_date, 1))
    while months < LEAD_MAX_MONTHS:
        cell = ranking.cell(event.gss_code, months_before(last, months))
        if cell is None or not cell["top"]:
            break
        months += 3
    return months


def event_ranks(rankings: list[Ranking], events: list[Event]) -> list[dict]:
    """Per event: the council's rank (of n) 12, 24 and 36 months before, per ranking."""
    rows = []
    for event in events:
        row = {"event": event, "ranks": {}}
        for ranking in rankings:
            cells = []
            for months in HORIZONS:
                day = quarter_on_or_before(months_before(event.notice_date, months))
                hit = ranking.cell(event.gss_code, day)
                if hit is None:
                    cells.append({"months": months, "as_at": day, "rank": None, "n": None})
                    continue
                scored = hit["score"] is not None
                cells.append(
                    {
                        "months": months,
                        "as_at": day,
                        "rank": int(hit["rank"]) if scored else None,
                        "n": int(hit["n"]),
                        "top": bool(hit["top"]),
                    }
                )
            row["ranks"][ranking.name] = cells
        rows.append(row)
    return rows


@dataclass
class Validation:
    framework: Framework
    rankings: list[Ranking]
    sets: list[SetResult]
    after_cutoff: list[SetResult]
    events: list[dict]
    weights_by_year: dict[int, dict[str, float]]
    years: list[int]
    framework_dates: list[dt.date] = field(default_factory=list)
    fixed: list[SetResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def headline(self) -> SetResult:
        return next(s for s in self.sets if s.register == "all")

    def best_single(self, result: SetResult) -> str | None:
        singles = [r.name for r in self.rankings if r.kind == "single"]
        scored = [(result.metrics[n]["auc"] or 0, n) for n in singles if n in result.metrics]
        return max(scored)[1] if scored else None


def run_validation(
    framework: str | Framework | None = None,
    *,
    events: list[Event] | None = None,
    last_year: int | None = None,
    observations=None,
    fixed_dates: tuple[dt.date, ...] = FIXED_DATES,
) -> Validation:
    """Everything the validation page and `nlb backtest` show."""
    import time

    from apps.early_warning.services.calibration import rolling_origin
    from apps.early_warning.services.recompute import observations_frame, recompute_many

    started = time.perf_counter()
    fw = (
        framework
        if isinstance(framework, Framework)
        else load_framework(framework or DEFAULT_FRAMEWORK)
    )
    events = list(all_events()) if events is None else events
    latest = max((e.notice_date for e in events), default=dt.date.today())
    last_year = last_year or (latest.year if latest.month >= 4 else latest.year - 1)
    years = list(range(FIRST_YEAR, last_year + 1))
    first = months_before(dt.date(FIRST_YEAR - 1, 4, 1), LEAD_MAX_MONTHS)
    dates = quarter_dates(first, latest)
    dates = sorted(set(dates) | {quarter_on_or_before(d) for d in fixed_dates})
    singles = single_indicator_frameworks(fw)
    cipfa = load_framework(CIPFA)
    observations = observations if observations is not None else observations_frame()
    frames = recompute_many(dates, [fw, cipfa], observations=observations)
    main = frames[fw.name]
    for single in singles:
        indicator = single.indicators[0]
        sign = 1.0 if indicator.polarity == "high_is_bad" else -1.0
        known = main["score"].is_not_null() | pl.col(indicator.code).is_not_null()
        frames[single.name] = main.select(
            "as_at", "entity", pl.when(known).then(pl.col(indicator.code) * sign).alias("score")
        )
    rankings = [Ranking(fw.name, f"{fw.title} v{fw.version} (as shipped)", "recommended", None)]
    refit, weights_by_year = rolling_origin(fw, frames[fw.name], events, years)
    rankings[0].frame = frames[fw.name].select("as_at", "entity", "score")
    rankings.append(
        Ranking(
            REFIT, "Recommended, points refitted each year on earlier events only", "refit", refit
        )
    )
    rankings += [
        Ranking(s.name, s.title, "single", frames[s.name].select("as_at", "entity", "score"))
        for s in singles
    ]
    rankings.append(
        Ranking(
            cipfa.name,
            cipfa.title,
            "comparison",
            frames[cipfa.name].select("as_at", "entity", "score"),
        )
    )
    for ranking in rankings:
        ranking.frame = _in_top_tenth(_ranked(ranking.frame))
    sets = []
    registers = [(r.name, r.title) for r in REGISTERS] + [("all", "All events together")]
    for name, title in registers:
        chosen = [e for e in events if name == "all" or e.register == name]
        sets.append(evaluate_set(rankings, chosen, name, title, years))
    after = [e for e in events if e.notice_date > CALIBRATION_CUTOFF]
    after_years = [y for y in years if dt.date(y + 1, 3, 31) > CALIBRATION_CUTOFF]
    after_cutoff = (
        [evaluate_set(rankings, after, "after", "Events after 31 March 2024", after_years)]
        if after and after_years
        else []
    )
    fixed = [
        evaluate_fixed(
            rankings,
            [e for e in events if name == "all" or e.register == name],
            day,
            f"{name}@{day.isoformat()}",
            f"{title}: ranked once as at {day:%-d %B %Y}, every later event",
        )
        for day in fixed_dates
        for name, title in registers
    ]
    shown = [e for e in events if e.notice_date.year >= FIRST_YEAR]
    result = Validation(
        framework=fw,
        rankings=rankings,
        sets=sets,
        after_cutoff=after_cutoff,
        events=event_ranks(rankings, shown),
        weights_by_year=weights_by_year,
        years=years,
        framework_dates=dates,
        fixed=[f for f in fixed if f.metrics],
    )
    result.seconds = time.perf_counter() - started
    return result


def cached_validation(framework: str | None = None) -> Validation:
    """`run_validation` remembered on disk (var/cache) until the indicators, the councils, the
    event registers or the framework file change: it takes seconds, the page should not."""
    import hashlib
    import pickle

    from django.conf import settings

    from apps.early_warning.services.events import EVENTS_DIR
    from apps.early_warning.services.watchlist import _data_stamp

    fw = load_framework(framework or DEFAULT_FRAMEWORK)
    files = sorted(EVENTS_DIR.glob("*.csv")) + ([fw.path] if fw.path else [])
    stamp = repr(
        (
            RESULT_FORMAT,
            _data_stamp(),
            [(f.name, f.stat().st_mtime_ns) for f in files],
            fw.version,
        )
    )
    key = hashlib.sha256(stamp.encode()).hexdigest()[:16]
    folder = Path(settings.VAR_DIR) / "cache"
    path = folder / f"validation-{fw.name}-{key}.pickle"
    if path.exists():
        try:
            with path.open("rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            path.unlink(missing_ok=True)  # unreadable (e.g. written by older code): recompute
    result = run_validation(fw)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"validation-{fw.name}-*.pickle"):
        old.unlink(missing_ok=True)
    temporary = path.with_suffix(".tmp")
    with temporary.open("wb") as handle:
        pickle.dump(result, handle)
    temporary.replace(path)
    return result


def replace_points(framework: Framework, points: dict[str, float]) -> Framework:
    """The framework with each scale indicator's maximum points replaced (calibration output)."""
    indicators = tuple(
        dataclasses.replace(i, scale=dataclasses.replace(i.scale, points=points[i.code]))
        if i.scale is not None and i.code in points
        else i
        for i in framework.indicators
    )
    return dataclasses.replace(framework, indicators=indicators)


def validation_rows(result: Validation) -> tuple[list[dict], list[dict]]:
    """Flat rows for CSV: metrics per event set and ranking; ranks per event and ranking."""
    titles = {r.name: r.title for r in result.rankings}
    metrics = []
    for group in result.sets + result.after_cutoff + result.fixed:
        for name, m in group.metrics.items():
            metrics.append(
                {
                    "event_set": group.register,
                    "events": group.events,
                    "ranking": name,
                    "title": titles[name],
                    "roc_auc": "" if m["auc"] is None else round(m["auc"], 3),
                    "top10_share": "" if m["top10"] is None else round(m["top10"], 3),
                    "in_top10": m["in_top10"],
                    "positives": m["positives"],
                    "median_lead_months": m["lead_months"],
                }
            )
    ranks = []
    for item in result.events:
        event = item["event"]
        for name, cells in item["ranks"].items():
            row = {
                "gss_code": event.gss_code,
                "council": event.council,
                "date": event.notice_date.isoformat(),
                "kind": event.kind,
                "register": event.register,
                "ranking": name,
            }
            for cell in cells:
                rank = "" if cell["rank"] is None else f"{cell['rank']} of {cell['n']}"
                row[f"rank_{cell['months']}m_before"] = rank
            ranks.append(row)
    return metrics, ranks
