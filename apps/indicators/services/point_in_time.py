"""What did we know on date D? The contract the early-warning engine codes against.

Every observation carries the date it became public (`published`); a revision is another row with
a later date. `observations_known_on(D)` returns, for each council x indicator x period, the
latest vintage published on or before D, so a watchlist "as at D" never sees the future.

All three functions return pandas DataFrames and read the database once per change: the whole
observation table (about a hundred thousand rows) is cached in the process and re-read only when
the table's data stamp changes (apps.core.stamp: any write changes it; importers also clear the
cache when they write). Rows are never edited in place: a revision is a new row."""

from __future__ import annotations

import datetime as dt
import threading

import numpy as np
import pandas as pd

COLUMNS = ["gss_code", "indicator", "period", "period_end", "value", "text_value", "published"]
CATALOGUE_COLUMNS = [
    "code",
    "title",
    "unit",
    "polarity",
    "source",
    "definition",
    "basis",
    "is_derived",
]

_lock = threading.Lock()
_cache: dict[str, object] = {"key": None, "frame": None}


def _table_key() -> tuple:
    """The data stamps of the observations and the indicator catalogue (apps.core.stamp): they
    change with every write to either table, and reading them is one indexed query."""
    from apps.core.stamp import data_stamp

    return data_stamp("indicators.Observation", "indicators.Indicator")


def invalidate_cache() -> None:
    with _lock:
        _cache["key"] = None
        _cache["frame"] = None


def all_observations() -> pd.DataFrame:
    """Every vintage of every observation, sorted by key then published (cached)."""
    key = _table_key()
    with _lock:
        if _cache["key"] == key and _cache["frame"] is not None:
            return _cache["frame"]  # type: ignore[return-value]
    frame = _read()
    with _lock:
        _cache["key"] = key
        _cache["frame"] = frame
    return frame


# Asked for this few councils, with the whole table not in this process's memory yet, read
# just their rows (an index lookup, milliseconds) rather than all 180,000 (a second or more).
FEW_COUNCILS = 40


def _observations(councils) -> pd.DataFrame:
    """The vintages of `councils` (all if None), from memory if the table is there."""
    if councils is None or len(councils) > FEW_COUNCILS:
        return all_observations()
    with _lock:
        held = _cache["key"] is not None and _cache["frame"] is not None
    if held and _cache["key"] == _table_key():
        return all_observations()
    return _read(councils=list(councils))


def _read(councils: list[str] | None = None) -> pd.DataFrame:
    """Vintages from the database (of `councils` only, if given), in the cached frame's form."""
    from django.db import connection

    from apps.councils.models import Council
    from apps.indicators.models import Indicator, Observation

    ids = dict(Council.objects.values_list("id", "gss_code"))
    codes = dict(Indicator.objects.values_list("id", "code"))
    table = Observation._meta.db_table
    sql = (
        f"SELECT council_id, indicator_id, period, period_end, value, text_value, published "
        f"FROM {connection.ops.quote_name(table)}"
    )
    params: list = []
    if councils is not None:
        wanted = [i for i, gss in ids.items() if gss in set(councils)] or [-1]
        sql += f" WHERE council_id IN ({', '.join(['%s'] * len(wanted))})"
        params = wanted
    with connection.cursor() as cursor:  # raw rows: no per-cell converters for 100k+ rows
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    frame = pd.DataFrame.from_records(rows, columns=COLUMNS)
    frame["gss_code"] = frame["gss_code"].map(ids)
    frame["indicator"] = frame["indicator"].map(codes)
    frame["value"] = frame["value"].astype("float64")
    frame["text_value"] = frame["text_value"].replace("", None)
    for column in ("period_end", "published"):
        frame[column] = pd.to_datetime(frame[column])
    frame = frame.sort_values(["gss_code", "indicator", "period", "published"], kind="stable")
    return frame.reset_index(drop=True)


def latest_vintages(frame: pd.DataFrame, as_at: dt.date | None) -> pd.DataFrame:
    """From a frame of vintages, keep rows published <= as_at and the latest of each key.

    Pure function (frame in, frame out): the derive service uses it on frames not yet stored."""
    if as_at is not None:
        frame = frame[frame["published"] <= pd.Timestamp(as_at)]
    if frame.empty:
        return frame
    frame = frame.sort_values(["gss_code", "indicator", "period", "published"], kind="stable")
    last = ~frame.duplicated(["gss_code", "indicator", "period"], keep="last")
    return frame[last.to_numpy()]


def _filter(frame: pd.DataFrame, indicators, councils) -> pd.DataFrame:
    if indicators is not None:
        frame = frame[frame["indicator"].isin(list(indicators))]
    if councils is not None:
        frame = frame[frame["gss_code"].isin(list(councils))]
    return frame


def _as_output(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.loc[:, COLUMNS].reset_index(drop=True).copy()
    out["period_end"] = out["period_end"].dt.date
    out["published"] = out["published"].dt.date
    out["text_value"] = out["text_value"].astype(object).where(out["text_value"].notna(), None)
    return out


def observations_known_on(
    as_at: dt.date | None = None,
    indicators: list[str] | None = None,
    councils: list[str] | None = None,
) -> pd.DataFrame:
    """Observations published on or before `as_at` (all if None), latest vintage of each
    (council, indicator, period). Columns: gss_code, indicator, period, period_end (date),
    value (float), text_value (str or None), published (date)."""
    frame = _filter(_observations(councils), indicators, councils)
    return _as_output(latest_vintages(frame, as_at))


def latest_known_on(
    as_at: dt.date | None = None,
    indicators: list[str] | None = None,
    councils: list[str] | None = None,
) -> pd.DataFrame:
    """One row per council x indicator: the most recent period known at `as_at` (same columns)."""
    frame = latest_vintages(_filter(_observations(councils), indicators, councils), as_at)
    if frame.empty:
        return _as_output(frame)
    order = np.lexsort(
        (
            frame["published"].to_numpy(),
            frame["period_end"].to_numpy(),
            frame["indicator"].to_numpy(),
            frame["gss_code"].to_numpy(),
        )
    )
    frame = frame.iloc[order]
    last = ~frame.duplicated(["gss_code", "indicator"], keep="last")
    return _as_output(frame[last.to_numpy()])


def catalogue() -> pd.DataFrame:
    """The indicator catalogue: code, title, unit, polarity, source, definition, basis
    ('outturn' or 'forecast'), is_derived."""
    from apps.indicators.models import Indicator

    rows = Indicator.objects.order_by("code").values_list(*CATALOGUE_COLUMNS)
    return pd.DataFrame.from_records(list(rows), columns=CATALOGUE_COLUMNS)
