"""Capital financing returns, section C (prudential system information), read as published:
Capital Outturn Returns (COR C, outturn) and Capital Estimates Returns (CER C, forecasts made at
the start of the year).

Each data sheet has a row of machine codes per column ('PRU1-prucfrend-amt'), a title naming the
return and year ('COR C 2018-19: ...'), and a header row with 'LGF Code' and 'ONS Code'; columns
are mapped by machine code (capital_financing.toml), never by position. Forecasts are stored
under '<code>_forecast' so that no forecast is ever read as outturn."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any

from apps.indicators.catalogue import FORECAST_SUFFIX, source_rules
from apps.indicators.importers.common import (
    ECODE,
    CouncilIndex,
    IndicatorImporter,
    Parsed,
    Workbook,
    cell_text,
    column_letter,
    end_of_month_after,
    financial_year,
    find_financial_year,
    header_key,
    read_number,
    read_rules,
    stated_publication_date,
)

FORM_PREFIX = re.compile(r"^pru\d[a-z0-9]*-", re.I)
MACHINE_CODE = re.compile(r"^(?:pru\d[a-z0-9]*-)?pru[a-z]+-[a-z]+$", re.I)
MARCH_YEAR = re.compile(r"31 march (\d{4})", re.I)
OUTTURN, FORECAST = "outturn", "forecast"


@cache
def code_rules() -> dict[str, Any]:
    rules = read_rules("capital_financing.toml")
    rules["by_key"] = {header_key(code): spec for code, spec in rules["codes"].items()}
    return rules


def machine_key(cell: Any) -> str | None:
    """'PRU1-prucfrend-amt' and 'prucfrend-amt' -> the same key; None for other cells."""
    text = str(cell or "").strip()
    if not MACHINE_CODE.match(text):
        return None
    return header_key(FORM_PREFIX.sub("", text))


def locate_data_sheet(rows: list[list[Any]]) -> tuple[int, int] | None:
    """(machine-code row, header row) of a section C data sheet, or None for other sheets."""
    code_row = None
    for index, row in enumerate(rows[:15]):
        if code_row is None and sum(machine_key(c) is not None for c in row) >= 3:
            code_row = index
        elif code_row is not None and any(header_key(c) == "lgfcode" for c in row):
            return code_row, index
    return None


class CapitalFinancingImporter(IndicatorImporter):
    source_name = "capital_financing"

    def parse(self) -> Parsed:
        book = Workbook(self.path)
        sheets = [(name, book.rows(name)) for name in book.sheet_names]
        located = [(name, rows, self._locate(rows)) for name, rows in sheets]
        data = [(name, rows, where) for name, rows, where in located if where is not None]
        if not data:
            raise self.problem(
                "not recognised as a capital financing return (section C): no sheet has a row of "
                "machine codes such as 'PRU1-prucfrend-amt' above an 'LGF Code' header"
            )
        basis = self._basis(book, data)
        period, period_end = self._period(data)
        published, vintage = self._dates(book, basis, period_end)
        suffix = FORECAST_SUFFIX if basis == FORECAST else ""
        previous, previous_end = financial_year(period_end.year - 2)

        councils = CouncilIndex()
        parsed = Parsed(source_file=self.path.name)
        found: set[str] = set()
        for sheet, rows, (code_row, header_row) in data:
            header = rows[header_row]
            lgf_col = self._column(header, sheet, header_row, "LGF Code", "E-code")
            ons_col = self._column(header, sheet, header_row, "ONS Code", required=False)
            name_col = self._column(header, sheet, header_row, "LA Name", "Local authority")
            targets = []
            for j, cell in enumerate(rows[code_row]):
                spec = code_rules()["by_key"].get(machine_key(cell) or "")
                if spec is None:
                    continue
                if spec["at"] == "end":
                    self._check_label_year(header, j, period_end, sheet, header_row)
                when = (previous, previous_end) if spec["at"] == "start" else (period, period_end)
                label = str(header[j] if j < len(header) else cell).strip()
                targets.append((j, spec["indicator"] + suffix, *when, label))
                found.add(spec["indicator"])
            for index in range(header_row + 1, len(rows)):
                row = rows[index]
                ecode = cell_text(row, lgf_col)
                if not ECODE.match(ecode):
                    continue
                council_id = councils.match(
                    ecode, cell_text(row, ons_col), cell_text(row, name_col), parsed.unmatched
                )
                if council_id is None:
                    continue
                for j, indicator, row_period, row_end, label in targets:
                    where = {
                        "sheet": sheet,
                        "row": index + 1,
                        "column": f"{column_letter(j)} ({label})",
                    }
                    value = read_number(row[j] if j < len(row) else None, where, self.problem)
                    if value is not None:
                        parsed.add(
                            council_id, indicator, row_period, row_end, value, published, vintage
                        )
        missing = [code for code in code_rules()["required"] if code not in found]
        if missing:
            sheet, _, (code_row, _) = data[0]
            raise self.problem(
                f"no column for {', '.join(missing)} (machine codes such as 'prucfrend-amt', "
                "'prubrwgrscrdt-end')",
                sheet=sheet,
                row=code_row + 1,
            )
        if not parsed.rows and not parsed.unmatched:
            raise self.problem("no authority rows (LGF codes such as E0101)", sheet=data[0][0])
        return parsed

    # -- locating things -----------------------------------------------------------------------

    def _locate(self, rows: list[list[Any]]) -> tuple[int, int] | None:
        return locate_data_sheet(rows)

    def _column(self, header, sheet, header_row, *names: str, required: bool = True) -> int | None:
        keys = {header_key(name) for name in names}
        for j, cell in enumerate(header):
            if header_key(cell) in keys:
                return j
        if required:
            raise self.problem(
                f"header has no {names[0]!r} column", sheet=sheet, row=header_row + 1
            )
        return None

    def _basis(self, book: Workbook, data) -> str:
        texts = [str(c) for _, rows, (_, header_row) in data for r in rows[:header_row] for c in r]
        texts += [
            str(c)
            for name in book.sheet_names
            if "front" in name.lower()
            for r in book.rows(name)
            for c in r
        ]
        text = " ".join(texts).lower()
        forecast = "cer c" in text or "capital estimates return" in text
        outturn = "cor c" in text or "capital outturn return" in text
        if forecast == outturn:
            raise self.problem(
                "cannot tell whether the return is outturn (COR C) or forecast (CER C): the titles "
                "name neither or both",
                sheet=data[0][0],
                row=2,
            )
        return FORECAST if forecast else OUTTURN

    def _period(self, data) -> tuple[str, dt.date]:
        sheet, rows, (_, header_row) = data[0]
        texts = [str(c) for r in rows[:header_row] for c in r if c not in ("", None)]
        found = find_financial_year([*texts, sheet])
        if found is None:
            raise self.problem(
                "cannot tell the financial year (expected e.g. 'COR C 2018-19' in the title)",
                sheet=sheet,
                row=2,
            )
        return found

    def _check_label_year(self, header, j, period_end, sheet, header_row) -> None:
        label = str(header[j] if j < len(header) else "")
        match = MARCH_YEAR.search(label)
        if match and int(match.group(1)) != period_end.year:
            raise self.problem(
                f"label says 31 March {match.group(1)} but the return is for the year ending "
                f"31 March {period_end.year}",
                sheet=sheet,
                row=header_row + 1,
                column=f"{column_letter(j)} ({label.strip()})",
            )

    def _dates(self, book: Workbook, basis: str, period_end: dt.date) -> tuple[dt.date, dt.date]:
        """Outturn: the final-outturn release the front page states (when within a year of the
        year end), else `lag_months` after it ([capital_outturn]). Forecast: `lag_months` after
        the 31 March before the forecast year ([capital_estimates])."""
        if basis == FORECAST:
            lag = int(source_rules()["capital_estimates"]["lag_months"])
            published = end_of_month_after(dt.date(period_end.year - 1, 3, 31), lag)
            return published, published
        lag = int(source_rules()["capital_outturn"]["lag_months"])
        published = end_of_month_after(period_end, lag)
        stated, revision = stated_publication_date(book)
        if stated and not revision and period_end < stated <= end_of_month_after(period_end, 12):
            published = stated
        return published, max(stated or published, published)
