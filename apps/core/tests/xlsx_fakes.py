"""Hand-made XLSX files for the upload tests and bench: a real workbook from openpyxl whose sheet
XML is replaced, so a file can declare any dimension or hold a million rows cheaply."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def workbook_with_sheet_xml(path: Path, sheet_xml: bytes | str) -> Path:
    Workbook().save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts[SHEET] = sheet_xml.encode() if isinstance(sheet_xml, str) else sheet_xml
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def declaring(path: Path, ref: str) -> Path:
    """A one-cell sheet that declares `ref` (e.g. A1:XFD1048576) as its dimension."""
    one_cell = '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
    xml = f'{HEAD}<dimension ref="{ref}"/><sheetData>{one_cell}</sheetData></worksheet>'
    return workbook_with_sheet_xml(path, xml)


def many_rows(path: Path, rows: int, *, declare: bool = True) -> Path:
    """`rows` rows of one number each (a header first), small on disk once compressed."""
    body = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(2, rows + 1))
    dimension = f'<dimension ref="A1:A{rows}"/>' if declare else ""
    xml = (
        f'{HEAD}{dimension}<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>n</t></is></c>'
        f"</row>{body}</sheetData></worksheet>"
    )
    return workbook_with_sheet_xml(path, xml)


def cells(path: Path, values: list[list[str]]) -> Path:
    """A sheet of inline strings, or formulas for values starting with '='."""
    from openpyxl.utils import get_column_letter

    out = []
    for r, row in enumerate(values, start=1):
        cells_xml = []
        for c, value in enumerate(row, start=1):
            ref = f"{get_column_letter(c)}{r}"
            if value.startswith("="):
                cells_xml.append(f'<c r="{ref}"><f>{value[1:]}</f></c>')
            else:
                cells_xml.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
        out.append(f'<row r="{r}">{"".join(cells_xml)}</row>')
    return workbook_with_sheet_xml(path, f"{HEAD}<sheetData>{''.join(out)}</sheetData></worksheet>")
