"""The watchlist: every English council that existed on a date, scored with what was known then.

`compute_watchlist(as_at, framework)` returns a pandas DataFrame (gss_code, name, rank, score,
band, top_reasons, flags, plus per-indicator value/points/peer columns); `council_assessment`
gives one council's result as a small dataclass for other apps (engagement triage calls it).
Soft-intelligence notes are confidential: pass `include_notes=False` for anything a person who
cannot see case detail will read (public and aggregate views use published data only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
import polars as pl

from apps.core.memo import Memo
from apps.early_warning.engine import Framework, FrameworkError, load_framework, score_frame
from apps.early_warning.engine.reasons import flags_for, reasons_for
from apps.early_warning.services.inputs import build_inputs

DEFAULT_FRAMEWORK = "england_early_warning"
TOP_REASONS = 3


def resolve_framework(framework: str | Framework | None) -> Framework:
    """The framework object, which must be one for English councils."""
    fw = (
        framework
        if isinstance(framework, Framework)
        else load_framework(framework or DEFAULT_FRAMEWORK)
    )
    if fw.source.get("kind", "english-councils") != "english-councils":
        raise FrameworkError(f"{fw.name} is not a framework for English councils")
    return fw


def score_councils(
    as_at: dt.date,
    framework: str | Framework | None = None,
    *,
    include_notes: bool = True,
    observations=None,
) -> tuple[Framework, pl.DataFrame]:
    """The engine's full result for every council existing on `as_at` (polars)."""
    fw = resolve_framework(framework)
    councils, inputs, peers = build_inputs(
        fw, as_at, observations=observations, include_notes=include_notes
    )
    scored = score_frame(fw, inputs, peers=peers)
    periods = [c for c in inputs.columns if c.endswith(("__period", "__detail"))]
    scored = scored.join(inputs.select("entity", *periods), on="entity", how="left")
    scored = scored.join(
        councils.select("entity", "council_type", "region", "county"), on="entity", how="left"
    )
    return fw, scored.sort("rank")


_watchlists = Memo("watchlist", size=32)


def _data_stamp() -> tuple:
    """Changes whenever observations, indicators, notes, councils or their nearest neighbours
    change (apps.core.stamp), so cached lists stay true."""
    from apps.core.stamp import TRACKED, data_stamp

    return data_stamp(*TRACKED)


def _identity(fw: Framework) -> tuple:
    return (fw.name, fw.version, str(fw.path) if fw.path else id(fw))


def compute_watchlist(
    as_at: dt.date,
    framework: str | Framework | None = None,
    *,
    include_notes: bool = True,
    observations=None,
) -> pd.DataFrame:
    """Ranked watchlist as at `as_at` (rank 1 = most concern); insufficient data ranked last."""
    if observations is not None:
        return _compute(as_at, framework, include_notes, observations)
    fw = resolve_framework(framework)
    key = (as_at, _identity(fw), include_notes, _data_stamp())
    cached = _watchlists.get(key, lambda: _compute(as_at, fw, include_notes, None))
    frame = cached.copy()
    frame.attrs = dict(cached.attrs)
    return frame


def _compute(as_at, framework, include_notes, observations) -> pd.DataFrame:
    fw, scored = score_councils(
        as_at, framework, include_notes=include_notes, observations=observations
    )
    rows = scored.to_dicts()
    reasons = [reasons_for(fw, row) for row in rows]
    frame = pd.DataFrame(scored.to_dict(as_series=False))
    frame.insert(0, "gss_code", frame.pop("entity"))
    frame["score"] = pd.to_numeric(frame["score"], errors="coerce").astype(float)
    frame["top_reasons"] = [r[:TOP_REASONS] for r in reasons]
    frame["reasons"] = reasons
    frame["flags"] = [flags_for(fw, row) for row in rows]
    frame["tag"] = [fw.tag_for(band) for band in frame["band"]]
    frame["percentile"] = frame["rank"] / len(frame) * 100 if len(frame) else []
    frame.attrs["framework"] = fw
    lead = ["gss_code", "name", "rank", "score", "band", "top_reasons", "flags"]
    return frame[lead + [c for c in frame.columns if c not in lead]]


@dataclass
class Assessment:
    gss_code: str
    name: str
    framework: str
    as_at: dt.date
    band: str
    score: float | None
    rank: int | None
    out_of: int
    reasons: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    flag_titles: list[str] = field(default_factory=list)  # the flags in words, for people


def council_assessment(
    council, as_at: dt.date | None = None, framework: str | None = None, *, include_notes=True
) -> Assessment:
    """One council's band, score, rank and reasons (for triage and the council page)."""
    as_at = as_at or dt.date.today()
    watchlist = compute_watchlist(as_at, framework, include_notes=include_notes)
    fw: Framework = watchlist.attrs["framework"]
    match = watchlist[watchlist["gss_code"] == council.gss_code]
    if match.empty:
        return Assessment(
            council.gss_code,
            council.name,
            fw.name,
            as_at,
            fw.insufficient_label,
            None,
            None,
            len(watchlist),
        )
    row = match.iloc[0]
    score = None if pd.isna(row["score"]) else float(row["score"])
    return Assessment(
        gss_code=council.gss_code,
        name=council.name,
        framework=fw.name,
        as_at=as_at,
        band=str(row["band"]),
        score=score,
        rank=int(row["rank"]),
        out_of=len(watchlist),
        reasons=list(row["reasons"]),
        flags=list(row["flags"]),
        flag_titles=[fw.indicator(code).title for code in row["flags"]],
    )


_latest = Memo("latest_scorable_date", size=16)


def latest_scorable_date(framework: str | Framework | None = None) -> dt.date | None:
    """`_latest_scorable_date`, remembered until the data or the day changes (every
    early-warning page asks for it to choose its default date)."""
    from apps.indicators.services.point_in_time import _table_key

    fw = resolve_framework(framework)
    key = (_identity(fw), _table_key(), dt.date.today())
    return _latest.get(key, lambda: _latest_scorable_date(fw))


def _latest_scorable_date(framework: str | Framework | None = None) -> dt.date | None:
    """The latest date on which every counted data indicator of the framework still has fresh
    figures: for each indicator with data, the end of its latest period plus the framework's
    maximum age, and the earliest of those. Later dates would silently drop a whole source (the
    score would fall because figures aged, not because anything improved), so pages open here
    and say which period each source reaches."""
    from django.db.models import Max

    from apps.early_warning.services.inputs import split_columns
    from apps.indicators.models import Observation

    fw = resolve_framework(framework)
    codes, _, _ = split_columns(fw)
    counted = {
        i.measure.strip()
        for i in fw.indicators
        if i.counts_as_data and not (fw.combine == "weighted_sum" and i.weight == 0)
    }
    codes = [c for c in codes if c in counted] or codes
    ends = (
        Observation.objects.filter(indicator__code__in=codes)
        .values("indicator__code")
        .annotate(last=Max("period_end"))
        .values_list("last", flat=True)
    )
    ends = sorted(ends)
    if len(ends) < max(fw.min_indicators, 1):
        return None
    max_age = float(fw.source.get("max_age_years", 3.0))
    limit = ends[0] + dt.timedelta(days=int(365.25 * max_age) - 1)
    return min(limit, dt.date.today())
