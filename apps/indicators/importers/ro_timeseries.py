"""MHCLG's multi-year Revenue Outturn time series: one CSV with every authority and every year
from 2017-18 (`year_ending` 201803), identity columns first, then some 2,500 measure columns
named `<FORM>_<assetid>_<measure>` (ro_timeseries.toml maps the ones we use). £ thousand.

Each year's figures are dated like the RS workbooks' (the first release of that year's final
outturn, sources.toml [revenue_outturn]); the file's vintage is the latest of those dates, so a
later time series replaces earlier figures as a revision."""

from __future__ import annotations

import csv
import io
import re
from functools import cache
from typing import Any

from apps.core.importers import decode_text, header_key, sniff
from apps.indicators.catalogue import source_rules
from apps.indicators.importers.common import (
    GSS,
    CouncilIndex,
    IndicatorImporter,
    Parsed,
    end_of_month_after,
    financial_year,
    official_limits,
    read_number,
    read_rules,
)

IDENTITY = ("year_ending", "ONS_code", "LA_name", "status")
YEAR_ENDING = re.compile(r"^((?:19|20)\d{2})(0[1-9]|1[0-2])$")


@cache
def measure_rules() -> tuple[dict[str, Any], ...]:
    return tuple(read_rules("ro_timeseries.toml")["measure"])


def looks_like_time_series(header: list[str]) -> bool:
    keys = {header_key(name) for name in header}
    return {header_key(name) for name in IDENTITY} <= keys


class RevenueOutturnTimeSeriesImporter(IndicatorImporter):
    source_name = "revenue_outturn"

    def parse(self) -> Parsed:
        kind = sniff(self.path, official_limits())
        if kind != "csv":
            raise self.problem(f"a {kind} workbook where the time-series CSV was expected")
        text = decode_text(self.path.read_bytes())
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, [])
        keys = [header_key(name) for name in header]
        identity = {}
        for name in (*IDENTITY, "LA_LGF_code"):
            key = header_key(name)
            if key in keys:
                identity[name] = keys.index(key)
            elif name != "LA_LGF_code":
                raise self.problem(
                    f"not recognised as the Revenue Outturn time series: no {name!r} column "
                    f"(expected {', '.join(IDENTITY)} first)",
                    row=1,
                )
        targets = self._targets(header, keys)
        rules = source_rules()["revenue_outturn"]
        councils = CouncilIndex()
        parsed = Parsed(source_file=self.path.name)
        not_submitted = 0
        for number, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) > len(header):
                raise self.problem("row has more fields than the header", row=number)
            cell = dict.fromkeys(identity, "")
            cell.update({name: row[j].strip() for name, j in identity.items() if j < len(row)})
            status = cell["status"].lower()
            if status == "total":
                continue  # aggregate rows (England, each class)
            match = YEAR_ENDING.match(cell["year_ending"])
            if not match or int(match.group(2)) != 3:
                raise self.problem(
                    f"expected year_ending like 201803, found {cell['year_ending']!r}",
                    row=number,
                    column="year_ending",
                )
            if status == "not submitted":
                not_submitted += 1
                continue
            period, period_end = financial_year(int(match.group(1)) - 1)
            previous, previous_end = financial_year(int(match.group(1)) - 2)
            gss = cell["ONS_code"].upper()
            council_id = councils.find(
                gss=gss if GSS.match(gss) else None, ecode=cell.get("LA_LGF_code")
            )
            if council_id is None:
                parsed.unmatched[gss or cell.get("LA_LGF_code", "")] = cell["LA_name"]
                continue
            published = self._first_release(rules, period, period_end)
            for indicator, at, columns in targets:
                value = None
                for j in columns:
                    where = {"row": number, "column": header[j]}
                    value = read_number(row[j] if j < len(row) else None, where, self.problem)
                    if value is not None:
                        break
                if value is None:
                    continue
                when = (previous, previous_end) if at == "start" else (period, period_end)
                parsed.add(council_id, indicator, *when, value, published, published)
        if not parsed.rows and not parsed.unmatched:
            raise self.problem("no authority rows with figures", row=2)
        latest = max(row[6] for row in parsed.rows) if parsed.rows else None
        parsed.rows = [(*row[:7], latest, *row[8:]) for row in parsed.rows]  # the file's vintage
        if not_submitted:
            parsed.notes.append(f"{not_submitted} rows marked 'not submitted' (no figures)")
        return parsed

    def _targets(self, header: list[str], keys: list[str]) -> list[tuple[str, str, list[int]]]:
        targets = []
        for rule in measure_rules():
            columns = [
                keys.index(header_key(c)) for c in rule.get("columns", []) if header_key(c) in keys
            ]
            for pattern in rule.get("patterns", []):
                columns += [
                    j
                    for j, name in enumerate(header)
                    if re.match(pattern, name.strip().lower()) and j not in columns
                ]
            if not columns:
                if rule.get("required"):
                    looked = [*rule.get("columns", []), *rule.get("patterns", [])]
                    raise self.problem(
                        f"no column for {rule['indicator']} (looked for {' or '.join(looked)})",
                        row=1,
                    )
                continue
            targets.append((rule["indicator"], rule.get("at", "year"), columns))
        return targets

    @staticmethod
    def _first_release(rules: dict[str, Any], period: str, period_end) -> Any:
        first = rules.get("first_release", {}).get(period)
        return first or end_of_month_after(period_end, int(rules["fallback_lag_months"]))
