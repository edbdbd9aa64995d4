"""Reads the catalogue and source rules (TOML files beside this module) and syncs the Indicator
table with them. The TOML is the single definition; the table mirrors it for joins and the API."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CATALOGUE_FILE = HERE / "catalogue.toml"
SOURCES_FILE = HERE / "sources.toml"
POLARITIES = {"higher_is_worse", "lower_is_worse", "neutral"}
BASES = {"outturn", "forecast"}
FORECAST_SUFFIX = "_forecast"


def _forecast_twin(entry: dict[str, Any], twins: set[str]) -> dict[str, Any]:
    """The forecast counterpart of an entry marked `forecast_twin = true`: code + '_forecast',
    basis 'forecast'; a derived twin computes the same rule on the forecast inputs (inputs
    without a forecast, such as net revenue expenditure, stay as they are)."""

    def swap(item: Any) -> Any:
        if isinstance(item, list):
            return [swap(part) for part in item]
        if isinstance(item, str) and item in twins:
            return item + FORECAST_SUFFIX
        return item

    twin = {key: value for key, value in entry.items() if key != "forecast_twin"}
    twin["code"] = entry["code"] + FORECAST_SUFFIX
    twin["title"] = f"{entry['title']} (forecast)"
    twin["basis"] = "forecast"
    twin["definition"] = (
        f"FORECAST made at the start of the year (Capital Estimates Return), not outturn. "
        f"{entry['definition']}"
    )
    if not entry.get("derived"):
        twin["source"] = entry["forecast_source"]
    if "rule" in entry:
        twin["rule"] = {key: swap(value) for key, value in entry["rule"].items()}
    twin.pop("forecast_source", None)
    return twin


@cache
def catalogue_entries() -> tuple[dict[str, Any], ...]:
    """The [[indicator]] entries of catalogue.toml, checked for the fields everyone relies on."""
    with open(CATALOGUE_FILE, "rb") as handle:
        declared = tomllib.load(handle)["indicator"]
    entries, twins = [], set()
    for entry in declared:
        entry = {"basis": "outturn", **entry}
        entries.append({k: v for k, v in entry.items() if k not in ("forecast_twin",)})
        if entry.get("forecast_twin"):
            entries.append(_forecast_twin(entry, twins))
            twins.add(entry["code"])
    seen: set[str] = set()
    for entry in entries:
        code = entry["code"]
        if code in seen:
            raise ValueError(f"catalogue.toml: indicator {code!r} defined twice")
        seen.add(code)
        if entry["polarity"] not in POLARITIES:
            raise ValueError(f"catalogue.toml: {code}: unknown polarity {entry['polarity']!r}")
        if entry.get("frequency", "year") not in ("year", "quarter"):
            raise ValueError(f"catalogue.toml: {code}: unknown frequency {entry['frequency']!r}")
        if entry["basis"] not in BASES:
            raise ValueError(f"catalogue.toml: {code}: unknown basis {entry['basis']!r}")
        if entry.get("derived") and "rule" not in entry:
            raise ValueError(f"catalogue.toml: derived indicator {code} has no rule")
    return tuple(entries)


@cache
def source_rules() -> dict[str, Any]:
    with open(SOURCES_FILE, "rb") as handle:
        return tomllib.load(handle)


def derived_definitions() -> list[dict[str, Any]]:
    return [entry for entry in catalogue_entries() if entry.get("derived")]


def sync_indicators() -> dict[str, int]:
    """Create or update an Indicator row for every catalogue entry; returns {code: id}."""
    from apps.indicators.models import Indicator

    existing = {i.code: i for i in Indicator.objects.all()}
    for entry in catalogue_entries():
        fields = {
            "title": entry["title"],
            "unit": entry["unit"],
            "polarity": entry["polarity"],
            "source": entry["source"],
            "definition": entry["definition"],
            "basis": entry["basis"],
            "is_derived": bool(entry.get("derived")),
            "rule": entry.get("rule"),
        }
        row = existing.get(entry["code"])
        if row is None:
            existing[entry["code"]] = Indicator.objects.create(code=entry["code"], **fields)
        elif any(getattr(row, key) != value for key, value in fields.items()):
            for key, value in fields.items():
                setattr(row, key, value)
            row.save()
    return {code: row.id for code, row in existing.items()}
