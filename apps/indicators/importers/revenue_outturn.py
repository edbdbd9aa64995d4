"""MHCLG Revenue Outturn Summary (RS) workbooks, 2010-11 onwards, read as published.

Layouts differ by year (title rows, a line-code row from 2015-16, children's and adults' social
care split from 2011-12, reserve levels at 31 March as well as 1 April from 2015-16), so the
header is found by its 'E-code' cell and columns are mapped by line code or label as
`rs_lines.toml` declares, never by position."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
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
    find_financial_year,
    header_key,
    normalise,
    read_number,
    read_rules,
    stated_publication_date,
)

ASSET_ID = re.compile(r"^[a-z][a-z0-9_]{2,24}$")
RESERVE_DAY = re.compile(r"(1 april|31 march)")
YEAR = re.compile(r"\b((?:19|20)\d{2})\b")


@cache
def line_rules() -> tuple[dict[str, Any], ...]:
    return tuple(read_rules("rs_lines.toml")["line"])


@dataclass(frozen=True)
class Column:
    index: int
    label: str  # normalised
    raw_label: str
    code: int | None
    section: str  # normalised
    asset: str | None = None  # asset ID ('ctrtot') in workbooks from 2018-19


@dataclass(frozen=True)
class Target:
    indicator: str
    column: Column
    period: str
    period_end: dt.date


class RevenueOutturnImporter(IndicatorImporter):
    source_name = "revenue_outturn"

    def parse(self) -> Parsed:
        book = Workbook(self.path, self.problem)
        sheet = self._data_sheet(book)
        rows = book.rows(sheet)
        header_row, ecode_col, ons_col, name_col = self._header(rows, sheet)
        columns = self._columns(rows, header_row, name_col)
        period, period_end = self._period(rows, sheet)
        targets = self._targets(columns, period, period_end, sheet, header_row)
        published, vintage = self._dates(book, period)

        councils = CouncilIndex()
        parsed = Parsed(source_file=self.path.name)
        seen: set[int] = set()
        data_rows = 0
        for index in range(header_row + 1, len(rows)):
            row = rows[index]
            ecode = cell_text(row, ecode_col)
            if not ECODE.match(ecode):
                continue
            data_rows += 1
            values = {}
            for target in targets:
                cell = row[target.column.index] if target.column.index < len(row) else None
                where = {
                    "sheet": sheet,
                    "row": index + 1,
                    "column": f"{column_letter(target.column.index)} "
                    f"({target.column.raw_label.strip()})",
                }
                values[target] = read_number(cell, where, self.problem)
            name = cell_text(row, name_col)
            council_id = councils.match(ecode, cell_text(row, ons_col), name, parsed.unmatched)
            if council_id is None:
                continue
            if council_id in seen:
                parsed.notes.append(f"row {index + 1}: {name} appears twice; the first row is used")
                continue
            seen.add(council_id)
            for target, value in values.items():
                if value is None:
                    continue
                parsed.add(
                    council_id,
                    target.indicator,
                    target.period,
                    target.period_end,
                    value,
                    published,
                    vintage,
                )
        if data_rows == 0:
            raise self.problem(
                "no data rows (no E-codes such as E0101 in the E-code column)",
                sheet=sheet,
                row=header_row + 1,
            )
        return parsed

    # -- locating things -----------------------------------------------------------------------

    def _data_sheet(self, book: Workbook) -> str:
        """The 'RS LA Data' sheet on the net current expenditure basis (older workbooks also
        carry capital-charges and net-total-cost variants of the same sheet)."""
        candidates = [name for name in book.sheet_names if "ladata" in header_key(name)]
        if not candidates:
            raise self.problem("no 'RS LA Data' sheet in the workbook")
        for name in candidates:
            top = book.rows(name)[:6]
            text = " ".join(
                normalise(cell) for row in top for cell in row if cell not in ("", None)
            )
            if "net current expenditure" in text:
                return name
        return candidates[0]

    def _header(self, rows: list[list[Any]], sheet: str) -> tuple[int, int, int | None, int]:
        for index, row in enumerate(rows[:40]):
            labels = [header_key(cell) for cell in row]
            if "ecode" in labels:
                ecode_col = labels.index("ecode")
                ons_col = next(
                    (j for j, t in enumerate(labels) if t in {"onscode", "gsscode"}), None
                )
                name_col = next(
                    (j for j, t in enumerate(labels) if t.startswith("localauthority")), None
                )
                if name_col is None:
                    raise self.problem(
                        "header has no 'Local authority' column", sheet=sheet, row=index + 1
                    )
                return index, ecode_col, ons_col, name_col
        raise self.problem(
            "no header row with an 'E-code' column in the first 40 rows", sheet=sheet
        )

    def _columns(self, rows: list[list[Any]], header_row: int, name_col: int) -> list[Column]:
        header = rows[header_row]
        width = len(header)
        code_row = None
        for index in range(header_row - 1, max(-1, header_row - 4), -1):
            numbers = [c for c in rows[index][name_col + 1 :] if isinstance(c, int | float)]
            if len(numbers) >= 10 and sum(100 <= c < 2000 for c in numbers) >= 0.8 * len(numbers):
                code_row = index
                break
        section_row = None
        for index in range(header_row - 1, -1, -1):
            if index == code_row:
                continue
            texts = [c for c in rows[index][name_col + 1 :] if isinstance(c, str) and c.strip()]
            if texts:
                section_row = index
                break
        asset_row = self._asset_row(rows, header_row, name_col)
        columns, section = [], ""
        for j in range(name_col + 1, width):
            if section_row is not None and j < len(rows[section_row]):
                cell = rows[section_row][j]
                if isinstance(cell, str) and cell.strip():
                    section = normalise(cell)
            code = None
            if code_row is not None and j < len(rows[code_row]):
                cell = rows[code_row][j]
                if isinstance(cell, int | float) and float(cell).is_integer():
                    code = int(cell)
            raw = str(header[j] or "")
            asset = None
            if asset_row is not None and j < len(rows[asset_row]):
                asset = str(rows[asset_row][j] or "").strip().lower() or None
            title_section, _, title = raw.rpartition(" - ")  # '<section> - <title>' from 2018-19
            label = normalise(title if title_section else raw)
            own_section = normalise(title_section) if title_section else section
            if raw.strip() or code is not None:
                columns.append(Column(j, label, raw, code, own_section or section, asset))
        return columns

    def _asset_row(self, rows: list[list[Any]], header_row: int, name_col: int) -> int | None:
        """The row of asset IDs ('ctrtot', 'netcurrtot', ...) above the header in workbooks from
        2018-19, whose form line numbers differ from the earlier RS line codes."""
        for index in range(header_row - 1, max(-1, header_row - 7), -1):
            cells = [c for c in rows[index][name_col + 1 :] if isinstance(c, str) and c.strip()]
            if len(cells) >= 10 and sum(
                bool(ASSET_ID.match(c.strip())) for c in cells
            ) >= 0.9 * len(cells):
                return index
        return None

    def _period(self, rows: list[list[Any]], sheet: str) -> tuple[str, dt.date]:
        texts = [str(cell) for row in rows[:3] for cell in row if cell not in ("", None)]
        found = find_financial_year([*texts, sheet])
        if found is None:
            raise self.problem(
                "cannot tell the financial year (expected e.g. '2016-17' in the title)",
                sheet=sheet,
                row=1,
            )
        return found

    def _targets(
        self, columns: list[Column], period: str, period_end: dt.date, sheet: str, header_row: int
    ) -> list[Target]:
        has_assets = any(column.asset for column in columns)
        has_codes = not has_assets and any(column.code is not None for column in columns)
        targets: list[Target] = []
        for rule in line_rules():
            matches = []
            if has_assets and rule.get("assets"):
                matches = [c for c in columns if c.asset in rule["assets"]]
            if has_codes and rule["codes"]:
                matches = [c for c in columns if c.code in rule["codes"]]
            if not matches:
                matches = [
                    c
                    for c in columns
                    if any(re.search(pattern, c.label) for pattern in rule["labels"])
                ]
            if not matches:
                if rule.get("required"):
                    names = rule.get("assets", []) if has_assets else rule["codes"]
                    wanted = " / ".join(str(code) for code in names) or rule["labels"][0]
                    raise self.problem(
                        f"no column for RS line {wanted} ({rule['indicator']})",
                        sheet=sheet,
                        row=header_row + 1,
                    )
                continue
            if rule["kind"] == "flow":
                targets.append(Target(rule["indicator"], matches[0], period, period_end))
                continue
            for column in matches:
                level_period, level_end = self._level_period(column, sheet, header_row, period)
                targets.append(Target(rule["indicator"], column, level_period, level_end))
        return targets

    def _level_period(
        self, column: Column, sheet: str, header_row: int, period: str
    ) -> tuple[str, dt.date]:
        """A reserve level 'at 1 April Y' or 'at 31 March Y' is the level at the end of the
        financial year ending 31 March Y; the year comes from the label or its section heading.
        Without a year ('Reserves (continued) - ... level at 31 March'), 31 March is the end of
        the workbook's own year and 1 April its start."""
        day = RESERVE_DAY.search(column.label) or RESERVE_DAY.search(column.section)
        year = YEAR.search(column.label) or YEAR.search(column.section)
        if day and not year:
            start = int(period[:4])
            return financial_year(start if day.group(1) == "31 march" else start - 1)
        if not (day and year):
            raise self.problem(
                "reserve level column does not say its date (e.g. 'at 1 April 2015')",
                sheet=sheet,
                row=header_row + 1,
                column=f"{column_letter(column.index)} ({column.raw_label.strip()})",
            )
        return financial_year(int(year.group(1)) - 1)

    def _dates(self, book: Workbook, period: str) -> tuple[dt.date, dt.date]:
        rules = source_rules()["revenue_outturn"]
        first = rules.get("first_release", {}).get(period)
        _, period_end = financial_year(int(period[:4]))
        published = first or end_of_month_after(period_end, int(rules["fallback_lag_months"]))
        vintage, revision = stated_publication_date(book)
        release_window = end_of_month_after(period_end, 12)
        if first is None and vintage and not revision and period_end < vintage <= release_window:
            published = vintage  # a year not in the table whose first release the file states
        vintage = vintage or published
        if rules.get("date_revisions_at") == "file":
            published = max(published, vintage)
        return published, max(vintage, published)
