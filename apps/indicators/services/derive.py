"""Derived indicators, defined once in catalogue.toml and computed for every council and year at
once with pandas (dataframes in, dataframes out; no Django needed for `compute_derived`).

Point-in-time correctness carries through: the rules are evaluated on what was known at each
date any input was published, and a derived value is stored with published = the latest
publication date of the inputs it was computed from. A revised input therefore yields a revised
derived value dated to the revision, and an unchanged one is not repeated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

DERIVED_SOURCE_FILE = "derived (catalogue.toml rules)"


def _inputs_of(rule: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for key in ("inputs", "numerator", "denominator", "input"):
        value = rule.get(key)
        if value is None:
            continue
        items = value if isinstance(value, list) else [value]
        for item in items:
            names.extend(item if isinstance(item, list) else [item])
    return names


def ordered_definitions(definitions: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Definitions in an order where each comes after the derived indicators it uses."""
    pending = list(definitions)
    derived_codes = {d["code"] for d in pending}
    done: set[str] = set()
    ordered = []
    while pending:
        ready = [
            d
            for d in pending
            if all(i in done or i not in derived_codes for i in _inputs_of(d["rule"]))
        ]
        if not ready:
            raise ValueError(f"circular derived indicators: {[d['code'] for d in pending]}")
        for definition in ready:
            ordered.append(definition)
            done.add(definition["code"])
            pending.remove(definition)
    return ordered


def raw_inputs(definitions: Iterable[dict[str, Any]]) -> set[str]:
    definitions = list(definitions)
    derived_codes = {d["code"] for d in definitions}
    return {i for d in definitions for i in _inputs_of(d["rule"]) if i not in derived_codes}


class _Grid:
    """One snapshot as dense arrays: value[name] and pub[name] are councils x years."""

    def __init__(self, shape: tuple[int, int]) -> None:
        self.shape = shape
        self.value: dict[str, np.ndarray] = {}
        self.pub: dict[str, np.ndarray] = {}

    def get(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        if name not in self.value:
            empty = np.full(self.shape, np.nan)
            return empty, empty
        return self.value[name], self.pub[name]

    def part(self, item: str | list[str]) -> tuple[np.ndarray, np.ndarray]:
        """One input; a list is the sum of its parts (null unless all are present)."""
        if isinstance(item, str):
            return self.get(item)
        values, pubs = zip(*(self.get(name) for name in item), strict=True)
        return np.sum(values, axis=0), np.max(pubs, axis=0)  # NaN propagates: all required

    def lagged(self, name: str, years: int) -> tuple[np.ndarray, np.ndarray]:
        value, pub = self.get(name)
        shifted_value = np.full(self.shape, np.nan)
        shifted_pub = np.full(self.shape, np.nan)
        if years < self.shape[1]:
            shifted_value[:, years:] = value[:, :-years]
            shifted_pub[:, years:] = pub[:, :-years]
        return shifted_value, shifted_pub

    def carried(self, name: str, years: int) -> tuple[np.ndarray, np.ndarray]:
        """`name`, where a year is not yet known taking the latest of the `years` before it."""
        value, pub = self.get(name)
        value, pub = value.copy(), pub.copy()
        for back in range(1, years + 1):
            older, older_pub = self.lagged(name, back)
            fill = np.isnan(value) & ~np.isnan(older)
            value[fill], pub[fill] = older[fill], older_pub[fill]
        return value, pub

    def put(self, name: str, value: np.ndarray, pub: np.ndarray) -> None:
        value = np.where(np.isfinite(value), value, np.nan)
        self.value[name] = value
        self.pub[name] = np.where(np.isnan(value), np.nan, pub)


def _evaluate(rule: dict[str, Any], grid: _Grid) -> tuple[np.ndarray, np.ndarray]:
    kind = rule["kind"]
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "coalesce":
            value = np.full(grid.shape, np.nan)
            pub = np.full(grid.shape, np.nan)
            for item in rule["inputs"]:
                part_value, part_pub = grid.part(item)
                take = np.isnan(value) & ~np.isnan(part_value)
                value = np.where(take, part_value, value)
                pub = np.where(take, part_pub, pub)
            return value, pub
        if kind == "sum":
            parts = [grid.part(item) for item in rule["inputs"]]
            return np.sum([p[0] for p in parts], axis=0), np.max([p[1] for p in parts], axis=0)
        if kind == "difference":
            (first, first_pub), (second, second_pub) = (grid.part(i) for i in rule["inputs"])
            return first - second, np.maximum(first_pub, second_pub)
        if kind == "ratio":
            num, num_pub = grid.part(rule["numerator"])
            carry = int(rule.get("carry_denominator", 0))
            if carry:
                den, den_pub = grid.carried(rule["denominator"], carry)
            else:
                den, den_pub = grid.part(rule["denominator"])
            value = np.where(den > 0, num / den, np.nan) * float(rule.get("scale", 1))
            return value, np.maximum(num_pub, den_pub)
        if kind in {"change", "sustainability"}:
            years = int(rule.get("periods", rule.get("years", 0)))
            now, now_pub = grid.get(rule["input"])
            before, before_pub = grid.lagged(rule["input"], years)
            pub = np.maximum(now_pub, before_pub)
            if kind == "change":
                return np.where(before > 0, (now - before) / np.abs(before) * 100, np.nan), pub
            cap = float(rule["cap"])
            yearly_fall = (before - now) / years
            runway = np.where(yearly_fall > 0, np.minimum(now / yearly_fall, cap), cap)
            value = np.where(now > 0, runway, 0.0)
            return np.where(np.isnan(now) | np.isnan(before), np.nan, value), pub
    raise ValueError(f"unknown derived rule kind {kind!r}")


COLUMNS = ["gss_code", "indicator", "period", "period_end", "value", "text_value", "published"]


class Frequency:
    """Financial years ('2016-17') or their quarters ('2016-17 Q1'): which periods a derived
    indicator is computed over, as consecutive integer steps."""

    def __init__(self, name: str, pattern: str, per_year: int) -> None:
        self.name, self.pattern, self.per_year = name, pattern, per_year

    def steps(self, periods: pd.Series) -> np.ndarray:
        years = periods.str[:4].astype(int).to_numpy()
        if self.per_year == 1:
            return years
        return years * 4 + periods.str[-1].astype(int).to_numpy() - 1

    def label(self, step: int) -> str:
        if self.per_year == 1:
            return financial_year_label(step)
        return f"{financial_year_label(step // 4)} Q{step % 4 + 1}"

    def end(self, step: int) -> dt.date:
        if self.per_year == 1:
            return dt.date(step + 1, 3, 31)
        year, quarter = divmod(step, 4)
        return {
            0: dt.date(year, 6, 30),
            1: dt.date(year, 9, 30),
            2: dt.date(year, 12, 31),
            3: dt.date(year + 1, 3, 31),
        }[quarter]


FREQUENCIES = {
    "year": Frequency("year", r"\d{4}-\d{2}", 1),
    "quarter": Frequency("quarter", r"\d{4}-\d{2} Q[1-4]", 4),
}


def compute_derived(
    observations: pd.DataFrame, definitions: Iterable[dict[str, Any]]
) -> pd.DataFrame:
    """All vintages of every derived indicator.

    `observations` has columns gss_code, indicator, period, value, published (all vintages, as
    point_in_time.all_observations returns). Returns gss_code, indicator, period, period_end,
    value, text_value, published. Rules are evaluated on dense council x period arrays for each
    date an input was published; a derived value is emitted when it first appears or changes.
    Yearly and quarterly indicators (`frequency = "quarter"`) are computed apart."""
    definitions = list(definitions)
    parts = []
    for name, frequency in FREQUENCIES.items():
        chosen = [d for d in definitions if d.get("frequency", "year") == name]
        if chosen:
            parts.append(_compute(observations, chosen, frequency))
    parts = [part for part in parts if len(part)]
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _compute(
    observations: pd.DataFrame, definitions: list[dict[str, Any]], frequency: Frequency
) -> pd.DataFrame:
    definitions = ordered_definitions(definitions)
    columns = COLUMNS
    frame = observations[observations["indicator"].isin(raw_inputs(definitions))]
    frame = frame[frame["period"].str.fullmatch(frequency.pattern)]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    council_codes, council = np.unique(frame["gss_code"].to_numpy(dtype=str), return_inverse=True)
    names, name = np.unique(frame["indicator"].to_numpy(dtype=str), return_inverse=True)
    years = frequency.steps(frame["period"])
    first_year = int(years.min())
    year = years - first_year
    published = pd.to_datetime(frame["published"]).to_numpy(dtype="datetime64[D]")
    pub = published.astype("int64").astype("float64")  # days since 1970, NaN-able
    value = frame["value"].to_numpy(dtype="float64")
    order = np.lexsort((pub, year, name, council))
    council, name, year, pub, value = (a[order] for a in (council, name, year, pub, value))
    same_next = np.zeros(len(order), dtype=bool)
    same_next[:-1] = (
        (council[1:] == council[:-1]) & (name[1:] == name[:-1]) & (year[1:] == year[:-1])
    )
    shape = (len(council_codes), int(year.max()) + 1)
    previous: dict[str, np.ndarray] = {}
    emitted = []
    for day in np.unique(pub):
        known = pub <= day
        next_known = np.zeros(len(order), dtype=bool)
        next_known[:-1] = known[1:]
        last = known & ~(same_next & next_known)
        grid = _Grid(shape)
        for index, code in enumerate(names):
            rows = last & (name == index)
            values = np.full(shape, np.nan)
            pubs = np.full(shape, np.nan)
            values[council[rows], year[rows]] = value[rows]
            pubs[council[rows], year[rows]] = pub[rows]
            grid.value[code], grid.pub[code] = values, pubs
        for definition in definitions:
            code = definition["code"]
            grid.put(code, *_evaluate(definition["rule"], grid))
            current = grid.value[code]
            before = previous.get(code)
            changed = ~np.isnan(current)
            if before is not None:
                changed &= np.isnan(before) | ~np.isclose(current, before, rtol=1e-12, atol=0)
            previous[code] = current
            c_idx, y_idx = np.nonzero(changed)
            if len(c_idx):
                emitted.append((code, c_idx, y_idx, current[changed], grid.pub[code][changed]))
    if not emitted:
        return pd.DataFrame(columns=columns)
    out = pd.DataFrame(
        {
            "gss_code": np.concatenate([council_codes[e[1]] for e in emitted]),
            "indicator": np.concatenate([np.full(len(e[1]), e[0], dtype=object) for e in emitted]),
            "year": np.concatenate([e[2] for e in emitted]) + first_year,
            "value": np.concatenate([e[3] for e in emitted]),
            "published": np.concatenate([e[4] for e in emitted])
            .astype("int64")
            .astype("datetime64[D]"),
        }
    )
    out = out.drop_duplicates(["gss_code", "indicator", "year", "published"], keep="last")
    labels = {y: frequency.label(y) for y in out["year"].unique()}
    out["period"] = out["year"].map(labels)
    out["period_end"] = pd.to_datetime(out["year"].map({y: frequency.end(y) for y in labels}))
    out["published"] = pd.to_datetime(out["published"])
    out["text_value"] = None
    return (
        out[columns]
        .sort_values(["gss_code", "indicator", "period", "published"])
        .reset_index(drop=True)
    )


def financial_year_label(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def recompute_and_store(stdout=None) -> dict[str, int]:
    """Recompute every derived indicator from the stored inputs and replace the stored ones."""
    from django.db import transaction

    from apps.councils.models import Council
    from apps.indicators.catalogue import derived_definitions, sync_indicators
    from apps.indicators.importers.common import insert_observations
    from apps.indicators.models import Indicator, Observation
    from apps.indicators.services.point_in_time import all_observations, invalidate_cache

    definitions = derived_definitions()
    ids = sync_indicators()
    inputs = all_observations()
    derived = compute_derived(inputs, definitions)
    council_ids = dict(Council.objects.values_list("gss_code", "id"))
    with transaction.atomic():
        Observation.objects.filter(
            indicator__in=Indicator.objects.filter(code__in=[d["code"] for d in definitions])
        ).delete()
        rows = derived.assign(
            council_id=derived["gss_code"].map(council_ids),
            indicator_id=derived["indicator"].map(ids),
            period_end=derived["period_end"].dt.date,
            published=derived["published"].dt.date,
            vintage=derived["published"].dt.date,
            text_value="",
            source_file=DERIVED_SOURCE_FILE,
        )
        insert_observations(rows)
    invalidate_cache()
    return {"derived observations": len(derived), "indicators": len(definitions)}
