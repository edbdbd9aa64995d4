"""Borrowing and investment live tables (MHCLG / HM Treasury): outstanding borrowing at 31 March
per authority, by lender, and investments. One sheet per year or quarter ('LA Borrowing 19-20
Q4', 'LA Investments 16-17', ...); the date is read from the sheet's title ('as at 31 March
2020'), the header row found by its value columns, and columns mapped to indicators by header
(borrowing.toml)."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any

from apps.indicators.catalogue import source_rules
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
    header_key,
    normalise,
    read_number,
    read_rules,
)

MONTHS = {"march": 3, "june": 6, "september": 9, "december": 12}
AS_AT = re.compile(
    r"as at (?:(\d{1,2})(?:st|nd|rd|th)? |end )?(march|june|september|december),? (\d{4})", re.I
)
CODE_CELL = re.compile(r"^[EWSN]\d{4}$")


def financial_quarter(day: dt.date) -> str:
    """30 June 2019 -> '2019-20 Q1', 31 March 2020 -> '2019-20 Q4'."""
    start = day.year if day.month > 3 else day.year - 1
    number = {6: 1, 9: 2, 12: 3, 3: 4}[day.month]
    return f"{financial_year(start)[0]} Q{number}"


@cache
def table_rules() -> dict[str, Any]:
    return read_rules("borrowing.toml")


def column_group(table: dict[str, Any], label: str) -> str | None:
    for group, patterns in table.get("groups", {}).items():
        if any(re.search(pattern, label) for pattern in patterns):
            return group
    return table.get("catch_all")


class BorrowingImporter(IndicatorImporter):
    """Outstanding borrowing (by lender) and investments at 31 March, from every year-end sheet
    of a live-table workbook."""

    source_name = "borrowing"

    def parse(self) -> Parsed:
        book = Workbook(self.path, self.problem)
        tables = table_rules()
        dated = []
        for name in book.sheet_names:
            table = next(
                (t for t in tables.values() if name.lower().startswith(t["sheet_prefix"])), None
            )
            if table is not None:
                rows = book.rows(name)
                dated.append((name, table, rows, self._as_at(rows, name)))
        if not any(table is tables["borrowing"] for _, table, _, _ in dated):
            raise self.problem("no 'LA Borrowing ...' sheet in the workbook")
        lag = int(source_rules()["borrowing"]["lag_months"])
        vintage = end_of_month_after(max(day for *_, day in dated), lag)
        mode = source_rules()["borrowing"].get("date_revisions_at", "first_release")
        councils = CouncilIndex()
        parsed = Parsed(source_file=self.path.name)
        done: set[tuple[str, dt.date]] = set()
        for sheet, table, rows, day in dated:
            if (table["total"], day) in done:
                continue  # a repeated date keeps its first sheet
            done.add((table["total"], day))
            quarter = financial_quarter(day)
            year_end = day.month == 3
            published = vintage if mode == "file" else end_of_month_after(day, lag)
            self._parse_sheet(
                table,
                rows,
                sheet,
                (quarter, day, published, vintage, year_end),
                councils,
                parsed,
            )
        if not parsed.rows and not parsed.unmatched:
            raise self.problem("no authority rows in any 'LA Borrowing ...' sheet")
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

    def _header(self, table, rows, sheet) -> tuple[int, int]:
        first_data = next(
            (i for i, row in enumerate(rows) if row and CODE_CELL.match(str(row[0]).strip())), None
        )
        if first_data is None:
            raise self.problem("no authority rows (codes such as E0101 in column A)", sheet=sheet)
        for index in range(first_data - 1, -1, -1):
            labels = [normalise(c) for c in rows[index]]
            matched = [t for t in labels if any(re.search(p, t) for p in table["columns"])]
            if len(matched) >= 5:
                return index, first_data
        raise self.problem(
            "no header row naming the value columns above the data", sheet=sheet, row=first_data
        )

    def _parse_sheet(self, table, rows, sheet, when, councils, parsed) -> None:
        """Every sheet feeds the quarterly series (`quarterly` in borrowing.toml); a year-end
        sheet (31 March) also feeds the yearly indicators."""
        quarter, day, published, vintage, year_end = when
        year_label = quarter.split(" ")[0]
        header_row, _ = self._header(table, rows, sheet)
        labels = [normalise(c) for c in rows[header_row]]
        value_cols = {
            j: label
            for j, label in enumerate(labels)
            if any(re.search(p, label) for p in table["columns"])
        }
        if not any(table["required"] in label for label in value_cols.values()):
            raise self.problem(
                f"no {table['required']!r} column in the header", sheet=sheet, row=header_row + 1
            )
        keys = [header_key(c) for c in rows[header_row]]
        ons_col = next(
            (
                j
                for j, t in enumerate(keys)
                if t in {"onscode", "gsscode"} or t.startswith("officefornationalstatistics")
            ),
            None,
        )
        name_col = next(
            (
                j
                for j, t in enumerate(keys)
                if t in {"localauthority", "authority", "laname", "name"}
            ),
            1,
        )
        targets = {j: [table["total"]] for j in value_cols}
        for j, label in value_cols.items():
            group = column_group(table, label)
            if group:
                targets[j].append(group)
            for extra, patterns in table.get("also", {}).items():
                if any(re.search(p, label) for p in patterns):
                    targets[j].append(extra)
        outputs = sorted({code for codes in targets.values() for code in codes})
        column_names = {
            j: f"{column_letter(j)} ({str(rows[header_row][j]).strip()})" for j in value_cols
        }
        for index in range(header_row + 1, len(rows)):
            row = rows[index]
            code = str(row[0]).strip() if row else ""
            if not CODE_CELL.match(code):
                continue
            totals: dict[str, float] = {}
            for j in value_cols:
                where = {"sheet": sheet, "row": index + 1, "column": column_names[j]}
                value = read_number(row[j] if j < len(row) else None, where, self.problem)
                if value is None:
                    continue
                for target in targets[j]:
                    totals[target] = totals.get(target, 0.0) + value
            if not ECODE.match(code):
                continue  # Wales, Scotland, Northern Ireland
            council_id = councils.match(
                code, cell_text(row, ons_col), cell_text(row, name_col), parsed.unmatched
            )
            if council_id is None:
                continue
            if not totals:
                continue
            if year_end:
                for target in outputs:
                    value = totals.get(target, 0.0)
                    parsed.add(council_id, target, year_label, day, value, published, vintage)
            for target, quarterly in table.get("quarterly", {}).items():
                value = totals.get(target, 0.0)
                parsed.add(council_id, quarterly, quarter, day, value, published, vintage)
