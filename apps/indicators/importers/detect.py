"""Which importer reads a published file, decided from its content (never its name), and the
one-step import of any mix of files: parse all, write all in one transaction, recompute the
derived indicators, and report what changed."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from apps.core.importers import ImportProblem, decode_text, header_key, sniff
from apps.indicators.importers.adult_social_care import AdultSocialCareImporter
from apps.indicators.importers.borrowing import BorrowingImporter
from apps.indicators.importers.capital_financing import (
    CapitalFinancingImporter,
    locate_data_sheet,
)
from apps.indicators.importers.common import IndicatorImporter, Workbook, official_limits
from apps.indicators.importers.ofsted import OfstedImporter
from apps.indicators.importers.revenue_outturn import RevenueOutturnImporter
from apps.indicators.importers.ro_timeseries import (
    RevenueOutturnTimeSeriesImporter,
    looks_like_time_series,
)

KNOWN = (
    "Revenue Outturn Summary workbook, Revenue Outturn time-series CSV, capital financing return "
    "(CER C / COR C), borrowing and investment live table, Ofsted ILACS snapshot, Oflog adult "
    "social care CSV"
)


def importer_for(path: Path) -> type[IndicatorImporter]:
    """The importer class for a file, from what it holds; refuses what it does not recognise."""
    path = Path(path)
    kind = sniff(path, official_limits())
    if kind == "csv":
        with open(path, "rb") as handle:
            first = decode_text(handle.read(200_000)).splitlines()[:1]
        header = next(csv.reader(io.StringIO(first[0] if first else "")), [])
        keys = {header_key(name) for name in header}
        if looks_like_time_series(header):
            return RevenueOutturnTimeSeriesImporter
        if {"financialyear", "localauthoritycode", "code", "value"} <= keys:
            return AdultSocialCareImporter
        raise ImportProblem(
            str(path),
            f"CSV not recognised (first columns: {', '.join(header[:6]) or 'none'}); "
            f"known: {KNOWN}",
            row=1,
        )
    book = Workbook(path)
    names = [header_key(name) for name in book.sheet_names]
    if any(name.startswith("laborrowing") for name in names):
        return BorrowingImporter
    if any("ladata" in name for name in names):
        return RevenueOutturnImporter
    for sheet in book.sheet_names:
        rows = book.rows(sheet)
        if locate_data_sheet(rows) is not None:
            return CapitalFinancingImporter
        top = {header_key(cell) for row in rows[:5] for cell in row}
        if {"ltla23cd", "overalleffectivenessgrade"} <= top:
            return OfstedImporter
    raise ImportProblem(
        str(path),
        f"workbook not recognised (sheets: {', '.join(book.sheet_names[:8])}); known: {KNOWN}",
    )


@dataclass
class ImportReport:
    files: list[tuple[str, str, int]] = field(default_factory=list)  # name, source, observations
    changes: list[dict] = field(default_factory=list)  # per indicator: new, revised, newest period

    def lines(self) -> list[str]:
        out = [f"Imported {name} ({source}): {count} figures" for name, source, count in self.files]
        if not self.changes:
            out.append("Nothing changed: every figure was already known.")
        for change in self.changes:
            out.append(
                f"  {change['title']}: {change['new']} new, {change['revised']} revised; "
                f"newest period {change['newest']}"
            )
        return out


def _snapshot(indicators: Iterable[str] | None = None) -> pd.DataFrame:
    from apps.indicators.services.point_in_time import observations_known_on

    frame = observations_known_on(None)
    frame = frame[frame["indicator"].isin(list(indicators))] if indicators is not None else frame
    return frame[["gss_code", "indicator", "period", "value"]]


def import_detected(
    paths: Iterable[Path], released: dict[Path, dt.date] | None = None
) -> ImportReport:
    """Parse every file (refusing all if any is malformed or unrecognised), write them and
    recompute the derived indicators in one transaction, and report what changed.

    `released` gives a file's release date where it is known from outside the file (GOV.UK's
    public_updated_at): its figures' vintage is then at least that date, so a re-release wins
    over what was known before. When each figure became public still follows the source's rule."""
    from django.db import transaction

    from apps.indicators.catalogue import catalogue_entries
    from apps.indicators.services.derive import recompute_and_store

    paths = [Path(path) for path in paths]
    importers = [importer_for(path)(path) for path in paths]
    parsed = [importer.parse() for importer in importers]
    for path, result in zip(paths, parsed, strict=True):
        release = (released or {}).get(path)
        if release is not None:
            result.rows = [(*row[:7], max(row[7], release), *row[8:]) for row in result.rows]
    imported = {row[1] for result in parsed for row in result.rows}
    before = _snapshot(imported)
    report = ImportReport()
    with transaction.atomic():
        for importer, result in zip(importers, parsed, strict=True):
            counts = importer.write(result)
            report.files.append((importer.path.name, importer.source_name, counts["observations"]))
        recompute_and_store()
    after = _snapshot(imported)
    merged = after.merge(
        before, on=["gss_code", "indicator", "period"], how="left", suffixes=("", "_old")
    )
    titles = {entry["code"]: entry["title"] for entry in catalogue_entries()}
    for code, rows in merged.groupby("indicator"):
        new = int(rows["value_old"].isna().sum())
        revised = int((rows["value_old"].notna() & (rows["value"] != rows["value_old"])).sum())
        if new or revised:
            report.changes.append(
                {
                    "indicator": code,
                    "title": titles.get(code, code),
                    "new": new,
                    "revised": revised,
                    "newest": max(rows["period"]),
                }
            )
    return report
