"""English councils as engine inputs: what was known on a date, their peers, their notes.

The engine scores a flat frame (one row per entity); this module builds it for English councils
as at a date D, using only:
- indicator observations published on or before D (`apps.indicators` point-in-time contract);
  a figure whose period ended more than `max_age_years` before D is treated as unknown, so a
  council is not judged on stale accounts;
- councils that existed on D;
- soft-intelligence warning notes observed on or before D and within the framework's window.

Peers. Oflog's nearest-neighbour groups use 2023 codes, so a council that had ceased to exist by
then has no group. For such a council (and any council left with fewer than 5 neighbours that
existed on D) we take councils of the same type that existed on D, preferring its own region,
nearest in population, up to 15. A former council is also the natural peer of its successor
councils' neighbours, but the same-type rule needs no such history and treats all alike.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from apps.early_warning.engine.framework import Framework

PEER_TARGET = 15
PEER_MINIMUM = 5


def council_frame(as_at: dt.date) -> pl.DataFrame:
    from apps.councils.models import Council

    rows = Council.objects.existing_on(as_at).values(
        "id", "gss_code", "name", "council_type", "region", "population", "county__gss_code"
    )
    frame = pl.DataFrame(
        list(rows),
        schema={
            "id": pl.Int64,
            "gss_code": pl.Utf8,
            "name": pl.Utf8,
            "council_type": pl.Utf8,
            "region": pl.Utf8,
            "population": pl.Int64,
            "county__gss_code": pl.Utf8,
        },
    )
    return frame.rename({"gss_code": "entity", "county__gss_code": "county"})


def neighbour_pairs() -> list[tuple[str, str]]:
    """Oflog nearest-neighbour pairs (council, neighbour), nearest first."""
    from apps.councils.models import NearestNeighbour

    return list(
        NearestNeighbour.objects.values_list("council__gss_code", "neighbour__gss_code").order_by(
            "council__gss_code", "rank"
        )
    )


def peer_frame(councils: pl.DataFrame, pairs: list[tuple[str, str]] | None = None) -> pl.DataFrame:
    """entity, peer: Oflog nearest neighbours that existed, topped up by same-type councils."""
    existing = set(councils["entity"].to_list())
    pairs = neighbour_pairs() if pairs is None else pairs
    oflog = [(c, n) for c, n in pairs if c in existing and n in existing and c != n]
    pairs = pl.DataFrame(oflog, schema={"entity": pl.Utf8, "peer": pl.Utf8}, orient="row")
    counts = pairs.group_by("entity").len()
    enough = set(counts.filter(pl.col("len") >= PEER_MINIMUM)["entity"].to_list())
    lacking = councils.filter(~pl.col("entity").is_in(list(enough)))
    if lacking.height == 0:
        return pairs
    extra = []
    info = councils.select("entity", "council_type", "region", "population").to_dicts()
    for row in lacking.to_dicts():
        same_type = [
            c
            for c in info
            if c["council_type"] == row["council_type"] and c["entity"] != row["entity"]
        ]
        population = row["population"] or 0
        same_type.sort(
            key=lambda c: (c["region"] != row["region"], abs((c["population"] or 0) - population))
        )
        extra += [(row["entity"], c["entity"]) for c in same_type[:PEER_TARGET]]
    fallback = pl.DataFrame(extra, schema={"entity": pl.Utf8, "peer": pl.Utf8}, orient="row")
    return pl.concat([pairs.filter(pl.col("entity").is_in(list(enough))), fallback])


def referenced_columns(framework: Framework) -> set[str]:
    names: set[str] = set()
    for indicator in framework.indicators:
        names |= set(pl.sql_expr(indicator.measure).meta.root_names())
        for variant in indicator.variants:
            names |= set(pl.sql_expr(variant.when).meta.root_names())
    return names


KNOWN_SCHEMA = {
    "gss_code": pl.Utf8,
    "indicator": pl.Utf8,
    "period": pl.Utf8,
    "period_end": pl.Date,
    "value": pl.Float64,
}
_LAG = re.compile(r"^(?P<code>.+)_y(?P<lag>[1-9][0-9]?)$")


def split_lags(columns: set[str]) -> dict[str, set[int]]:
    """{indicator code: lags wanted}; `reserves_to_nre_y2` asks for the value two periods
    before the latest known one (0 is the latest itself)."""
    wanted: dict[str, set[int]] = {}
    for column in columns:
        match = _LAG.match(column)
        if match:
            wanted.setdefault(match["code"], set()).add(int(match["lag"]))
        else:
            wanted.setdefault(column, set()).add(0)
    return wanted


def wide_from_known(
    known: pl.DataFrame, entities: list[str], wanted: dict[str, set[int]], oldest: dt.date
) -> pl.DataFrame:
    """entity plus, per indicator, its latest known value and period label (when that period
    ended on or after `oldest`), and `<code>_y<n>` values n periods before the latest."""
    base = pl.DataFrame({"entity": entities}, schema={"entity": pl.Utf8})
    ranked = (
        known.filter(pl.col("indicator").is_in(list(wanted)))
        .sort("period_end", descending=True)
        .with_columns(pl.int_range(pl.len()).over("gss_code", "indicator").alias("back"))
    )
    fresh = ranked.filter((pl.col("back") == 0) & (pl.col("period_end") >= oldest)).select(
        "gss_code", "indicator"
    )
    ranked = ranked.join(fresh, on=["gss_code", "indicator"])  # stale series are not used
    lags = sorted({lag for wanted_lags in wanted.values() for lag in wanted_lags})
    for lag in lags:
        codes = sorted(code for code, wanted_lags in wanted.items() if lag in wanted_lags)
        part = ranked.filter((pl.col("back") == lag) & pl.col("indicator").is_in(codes))
        suffix = "" if lag == 0 else f"_y{lag}"
        values = _pivot(part, "value", codes, suffix, pl.Float64)
        base = base.join(values, on="entity", how="left")
        if lag == 0:
            periods = _pivot(part, "period", codes, "__period", pl.Utf8)
            base = base.join(periods, on="entity", how="left")
    return base


def _pivot(part: pl.DataFrame, column: str, codes: list[str], suffix: str, dtype) -> pl.DataFrame:
    """entity plus one column per code (`<code><suffix>`), null where a council has none."""
    if part.height:
        wide = part.pivot(
            on="indicator", index="gss_code", values=column, aggregate_function="first"
        )
    else:
        wide = pl.DataFrame(schema={"gss_code": pl.Utf8})
    wide = wide.rename({"gss_code": "entity"})
    missing = [c for c in codes if c not in wide.columns]
    wide = wide.with_columns(pl.lit(None, dtype=dtype).alias(c) for c in missing)
    return wide.select("entity", *[pl.col(c).cast(dtype).alias(f"{c}{suffix}") for c in codes])


def _known_from_pandas(frame) -> pl.DataFrame:
    if frame is None or len(frame) == 0:
        return pl.DataFrame(schema=KNOWN_SCHEMA)
    return pl.DataFrame(
        {
            "gss_code": frame["gss_code"].astype(str).tolist(),
            "indicator": frame["indicator"].astype(str).tolist(),
            "period": frame["period"].astype(str).tolist(),
            "period_end": list(frame["period_end"]),
            "value": frame["value"].astype(float).tolist(),
        },
        schema=KNOWN_SCHEMA,
    )


def indicator_inputs(
    as_at: dt.date,
    columns: list[str],
    entities: list[str],
    *,
    max_age_years: float = 3.0,
    observations=None,
) -> pl.DataFrame:
    """entity plus, per indicator code, the latest value known on `as_at` and its period label,
    and any lagged values asked for (`<code>_y<n>`).

    `observations` (pandas, the point-in-time contract's columns) may be passed in; otherwise the
    indicators app is asked for what was known on `as_at`.
    """
    import pandas as pd

    wanted = split_lags(set(columns))
    if observations is None:
        from apps.indicators.services.point_in_time import observations_known_on

        known = observations_known_on(as_at, indicators=sorted(wanted))
    else:
        from apps.indicators.services.point_in_time import latest_vintages

        frame = observations.copy()
        frame["published"] = pd.to_datetime(frame["published"])
        frame["period_end"] = pd.to_datetime(frame["period_end"])
        known = latest_vintages(frame[frame["indicator"].isin(sorted(wanted))], as_at)
        if len(known):
            known = known.assign(period_end=known["period_end"].dt.date)
    oldest = as_at - dt.timedelta(days=round(365.25 * max_age_years))
    return wide_from_known(_known_from_pandas(known), entities, wanted, oldest)


def note_inputs(as_at: dt.date, entities: list[str], window_days: int = 730) -> pl.DataFrame:
    """Counts of warning notes observed in the `window_days` up to and including `as_at`.

    Columns: notes_<category> (count), notes_any, notes_high (severity high), notes_severity
    (sum of severities). Local-context notes are not counted: they are shown beside flags."""
    from apps.early_warning.models import WARNING_CATEGORIES, SoftIntelligence

    since = as_at - dt.timedelta(days=window_days)
    rows = (
        SoftIntelligence.objects.warnings()
        .filter(observed_on__lte=as_at, observed_on__gt=since)
        .values_list("council__gss_code", "category", "severity")
    )
    notes = pl.DataFrame(
        list(rows),
        schema={"entity": pl.Utf8, "category": pl.Utf8, "severity": pl.Int64},
        orient="row",
    )
    base = pl.DataFrame({"entity": entities}, schema={"entity": pl.Utf8})
    aggs = [
        (pl.col("category") == c).sum().cast(pl.Float64).alias(f"notes_{c}")
        for c in WARNING_CATEGORIES
    ]
    aggs += [
        pl.len().cast(pl.Float64).alias("notes_any"),
        (pl.col("severity") >= 3).sum().cast(pl.Float64).alias("notes_high"),
        pl.col("severity").sum().cast(pl.Float64).alias("notes_severity"),
    ]
    counts = notes.group_by("entity").agg(aggs)
    out = base.join(counts, on="entity", how="left")
    return out.with_columns(pl.exclude("entity").fill_null(0.0))


INPUT_ONLY = {"entity_class", "council_type", "region"}


def split_columns(framework: Framework) -> tuple[list[str], list[str], list[str]]:
    """(indicator codes, confidential note columns, public intelligence columns) it reads."""
    wanted = referenced_columns(framework)
    notes = sorted(c for c in wanted if c.startswith("notes_"))
    public = sorted(c for c in wanted if c.startswith("public_"))
    codes = sorted(wanted - set(notes) - set(public) - INPUT_ONLY)
    return codes, notes, public


def with_public_intelligence(
    inputs: pl.DataFrame, framework: Framework, as_at: dt.date, public: list[str]
) -> pl.DataFrame:
    """Join the public warning-sign counts the framework reads (published: always counted)."""
    if not public:
        return inputs
    from apps.early_warning.services.events import public_intelligence

    window = int(framework.source.get("public_window_days", 1095))
    intel = public_intelligence(as_at, inputs["entity"].to_list(), window)
    keep = [c for c in intel.columns if c in public or c == "public_warnings__detail"]
    return inputs.join(intel.select("entity", *keep), on="entity", how="left")


def build_inputs(
    framework: Framework, as_at: dt.date, *, observations=None, include_notes: bool = True
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(councils, inputs, peers) for scoring `framework` as at `as_at`."""
    councils = council_frame(as_at)
    entities = councils["entity"].to_list()
    codes, note_columns, public = split_columns(framework)
    max_age = float(framework.source.get("max_age_years", 3.0))
    inputs = indicator_inputs(
        as_at, codes, entities, max_age_years=max_age, observations=observations
    )
    inputs = inputs.join(
        councils.select("entity", "name", pl.col("council_type").alias("entity_class")),
        on="entity",
    )
    if note_columns:
        if include_notes:
            window = int(framework.source.get("notes_window_days", 730))
            notes = note_inputs(as_at, entities, window)
        else:
            notes = pl.DataFrame({"entity": entities})
        for column in note_columns:
            if column not in notes.columns:
                notes = notes.with_columns(pl.lit(0.0).alias(column))
        inputs = inputs.join(notes.select("entity", *sorted(note_columns)), on="entity")
    inputs = with_public_intelligence(inputs, framework, as_at, public)
    return councils, inputs, peer_frame(councils)
