"""Borrowing and investment live tables (MHCLG / HM Treasury): outstanding borrowing at 31 March
per authority, by lender. One sheet per year or quarter ('LA Borrowing 19-20 Q4', 'LA Borrowing
16-17', ...); the date is read from the sheet's title ('as at 31 March 2020'), the header row
found by its lender columns, and lenders mapped to groups by header (borrowing.toml)."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from apps.indicators.catalogue import source_rules
from apps.indicators.importers.common import (
    ECODE,
    GSS,
    CouncilIndex,
    IndicatorImporter,
    Parsed,
    Workbook,
    column_letter,
    end_of_month_after,
    financial_year,
    normalise,
    read_number,
)

GROUPS_FILE = Path(__file__).resolve().parent / "borrowing.toml"
MONTHS = {"march": 3, "june": 6, "september": 9, "december": 12}
AS_AT = re.compile(
    r"as at (?:(\d{1,2})(?:st|nd|rd|th)? |end )?(march|june|september|december),? (\d{4})", re.I
)
CODE_CELL = re.compile(r"^[EWSN]\d{4}$")


@cache
def lender_rules() -> dict[str, Any]:
    with open(GROUPS_FILE, "rb") as handle:
        return tomllib.load(handle)


def lender_group(label: str) -> str:
    for group, patterns in lender_rules()["groups"].items():
        if any(re.search(pattern, label) for pattern in patterns):
            return group
    return "borrowing_other"


class BorrowingImporter(IndicatorImporter):
    source_name = "borrowing"

    def parse(self) -> Parsed:
        book = Workbook(self.path, self.problem)
        sheets = [name for name in book.sheet_names if name.lower().startswith("la borrowing")]
        if not sheets:
            raise self.problem("no 'LA Borrowing ...' sheet in the workbook")
        dated = []
        for sheet in sheets:
            rows = book.rows(sheet)
            dated.append((sheet, rows, self._as_at(rows, sheet)))
        lag = int(source_rules()["borrowing"]["lag_months"])
        vintage = end_of_month_after(max(day for _, _, day in dated), lag)
        mode = source_rules()["borrowing"].get("date_revisions_at", "first_release")
        councils = CouncilIndex()
        parsed = Parsed(source_file=self.path.name)
        done: set[dt.date] = set()
        for sheet, rows, day in dated:
            if day.month != 3 or day in done:
                continue  # year-end figures only; a repeated year keeps its first sheet
            done.add(day)
            period, period_end = financial_year(day.year - 1)
            published = end_of_month_after(period_end, lag)
            if mode == "file":
                published = vintage
            self._parse_sheet(rows, sheet, period, period_end, published, vintage, councils, parsed)
        if not done:
            raise self.problem("no sheet of outstanding borrowing at 31 March")
        return parsed

    def _as_at(self, rows: list[list[Any]], sheet: str) -> dt.date:
        for row in rows[:4]:
            for cell in row:
                match = AS_AT.search(str(cell or ""))
                if match:
                    month = MONTHS[match.group(2).lower()]
                    year = int(match.group(3))
                    last = {3: 31, 6: 30, 9: 30, 12: 31}[month]
                    return dt.date(year, month, last)
        raise self.problem("title does not say 'as at <date>'", sheet=sheet, row=1)

    def _parse_sheet(self, rows, sheet, period, period_end, published, vintage, councils, parsed):
        rules = lender_rules()
        first_data = next(
            (i for i, row in enumerate(rows) if row and CODE_CELL.match(str(row[0]).strip())), None
        )
        if first_data is None:
            raise self.problem("no authority rows (codes such as E0101 in column A)", sheet=sheet)
        header_row = None
        for index in range(first_data - 1, -1, -1):
            labels = [normalise(c) for c in rows[index]]
            lenders = [t for t in labels if any(re.search(p, t) for p in rules["lender_column"])]
            if len(lenders) >= 5:
                header_row = index
                break
        if header_row is None:
            raise self.problem(
                "no header row naming the lender columns above the data",
                sheet=sheet,
                row=first_data,
            )
        labels = [normalise(c) for c in rows[header_row]]
        lender_cols = {
            j: label
            for j, label in enumerate(labels)
            if any(re.search(p, label) for p in rules["lender_column"])
        }
        if not any("pwlb" in label for label in lender_cols.values()):
            raise self.problem("no PWLB column in the header", sheet=sheet, row=header_row + 1)
        ons_col = next(
            (
                j
                for j, t in enumerate(labels)
                if t in {"ons code", "gss code"} or t.startswith("office for national statistics")
            ),
            None,
        )
        name_col = 1
        groups = {j: lender_group(label) for j, label in lender_cols.items()}
        column_names = {
            j: f"{column_letter(j)} ({str(rows[header_row][j]).strip()})" for j in lender_cols
        }
        short = {
            j
            for j, label in lender_cols.items()
            if any(re.search(p, label) for p in rules["short_term"])
        }
        for index in range(header_row + 1, len(rows)):
            row = rows[index]
            code = str(row[0]).strip() if row else ""
            if not CODE_CELL.match(code):
                continue
            totals: dict[str, float] = {}
            present = False
            for j in lender_cols:
                where = {"sheet": sheet, "row": index + 1, "column": column_names[j]}
                value = read_number(row[j] if j < len(row) else None, where, self.problem)
                if value is None:
                    continue
                present = True
                group = groups[j]
                totals[group] = totals.get(group, 0.0) + value
                totals["gross_borrowing"] = totals.get("gross_borrowing", 0.0) + value
                if j in short:
                    totals["borrowing_short_term"] = totals.get("borrowing_short_term", 0.0) + value
            if not ECODE.match(code):
                continue  # Wales, Scotland, Northern Ireland
            gss = str(row[ons_col]).strip() if ons_col is not None and ons_col < len(row) else ""
            council_id = councils.find(gss=gss if GSS.match(gss) else None, ecode=code)
            if council_id is None:
                parsed.unmatched[gss or code] = str(row[name_col]).strip()
                continue
            if not present:
                continue
            for group in (
                "borrowing_pwlb",
                "borrowing_banks",
                "borrowing_securities",
                "borrowing_local_authorities",
                "borrowing_other",
                "borrowing_short_term",
                "gross_borrowing",
            ):
                parsed.add(
                    council_id,
                    group,
                    period,
                    period_end,
                    totals.get(group, 0.0),
                    published,
                    vintage,
                )
