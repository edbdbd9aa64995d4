"""Tables as CSV or XLSX downloads, one implementation for every app.

Callers pass rows they have already limited through `apps.accounts.permissions`, so an export
never shows more than the page it came from. Text that a spreadsheet would run as a formula is
written as plain text (CSV injection): a cell starting with = + - @ TAB or CR gets a leading
apostrophe, in every export and every CSV a command writes (`cell`, `csv_row`)."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

# (key in each row, header shown to people)
Columns = Sequence[tuple[str, str]]
Sheet = tuple[str, Iterable[Mapping[str, Any]], Columns]

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def cell(value: Any) -> Any:
    """A value fit for a spreadsheet cell: no formulas, no NaN, lists joined."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row for csv.DictWriter with every value made safe by `cell`."""
    return {key: cell(value) for key, value in row.items()}


def to_csv(rows: Iterable[Mapping[str, Any]], columns: Columns) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _, label in columns])
    for row in rows:
        writer.writerow([cell(row.get(key)) for key, _ in columns])
    return buffer.getvalue()


def to_xlsx(sheets: Sequence[Sheet], *, notes: Sequence[str] = ()) -> bytes:
    """One worksheet per (title, rows, columns); `notes` go on a last sheet called About."""
    book = Workbook(write_only=True)  # streams rows: quick and light for large exports
    for title, rows, columns in sheets:
        sheet = book.create_sheet(title[:31])
        for index, (_, label) in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(12, len(label) + 2)
        sheet.freeze_panes = "A2"
        sheet.append([label for _, label in columns])
        for row in rows:
            sheet.append([cell(row.get(key)) for key, _ in columns])
    if notes:
        about = book.create_sheet("About")
        for note in notes:
            about.append([note])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download(body: str | bytes, name: str, kind: str, *, dated: bool = True) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPES[kind])
    stamp = f"-{timezone.localdate().isoformat()}" if dated else ""
    response["Content-Disposition"] = f'attachment; filename="{name}{stamp}.{kind}"'
    return response


def table_download(
    rows: Iterable[Mapping[str, Any]],
    columns: Columns,
    name: str,
    kind: str,
    *,
    title: str = "Data",
    notes: Sequence[str] = (),
    dated: bool = True,
) -> HttpResponse:
    """One table as a CSV or XLSX download (`kind` is "csv" or "xlsx")."""
    if kind == "csv":
        return download(to_csv(rows, columns), name, kind, dated=dated)
    return download(to_xlsx([(title, rows, columns)], notes=notes), name, kind, dated=dated)
