"""Read a New York State Comptroller FSMS workbook as published, for the framework engine.

The workbook's `Indicator N` sheets carry each entity's raw inputs under a lettered, described
header (A, B, C = A / B ...). We find every input column by its header text, never by position:
the framework file (`[source]` in nys_fsms_*.toml) names each input's sheet and header text, and
this module turns the sheets into one row per entity with columns `<input>_y0` (the latest year),
`<input>_y1` (the year before) and so on. Computed columns (C = A / B) and the published points are
never read. Which framework fits a workbook is decided from its content: the one whose inputs all
resolve.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from apps.core.importers import ImportProblem, SheetBook, column_letter, header_key

from .engine.framework import Framework, available_frameworks, load_framework

FSMS_FRAMEWORKS = ("nys_fsms_2017_municipal", "nys_fsms_2017_school")
_YEAR = re.compile(r"^\s*(?:(?:CY|FY)\s*)?((?:19|20)\d{2})(?:\.0)?\s*$", re.IGNORECASE)
_POINTS_HEADER = re.compile(r"^ind\s*\d+$")


def _norm(text: object) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().lower()


@dataclass
class SheetTable:
    """One `Indicator N` sheet located: header rows found, columns described."""

    name: str
    rows: list[list]
    header_row: int  # index of the row holding 'Entity Name' / Municode / CY years
    code_col: int
    name_col: int
    descriptions: list[str]  # forward-filled description per column
    letters: list[str]  # forward-filled letter label per column
    years: list[int | None]


def read_workbook(path: Path) -> dict[str, list[list]]:
    """All sheets as lists of rows. The file is read by its content, not its name (a workbook
    named .xls that holds an .xlsx opens); a file that is not a workbook is refused clearly."""
    try:
        book = SheetBook(path)
    except ImportProblem as problem:
        raise ImportProblem(
            str(path), f"not a readable Excel workbook: {problem.message}"
        ) from problem
    return {name: book.rows(name) for name in book.sheet_names}


def locate(path: Path, sheets: dict[str, list[list]], sheet_name: str) -> SheetTable:
    if sheet_name not in sheets:
        raise ImportProblem(str(path), f"workbook has no sheet {sheet_name!r}", sheet=sheet_name)
    rows = sheets[sheet_name]
    for index, row in enumerate(rows[:30]):
        cells = [header_key(c) for c in row]  # 'Muni Code', 'MuniCode', 'Muni code' alike
        names = [c for c in ("entityname", "entity", "name") if c in cells]
        if "municode" in cells and names:
            header_row = index
            code_col = cells.index("municode")
            name_col = cells.index(names[0])
            break
    else:
        raise ImportProblem(
            str(path), "no header row with 'Entity Name' and 'Municode'", sheet=sheet_name
        )
    width = max(len(r) for r in rows)

    def filled(row_index: int) -> list[str]:
        if row_index < 0:
            return [""] * width
        row = list(rows[row_index]) + [""] * (width - len(rows[row_index]))
        out, last = [], ""
        for col, cell in enumerate(row):
            text = _norm(cell)
            if col <= max(code_col, name_col):
                out.append(text)
                continue
            last = text or last
            out.append(last)
        return out

    descriptions = filled(header_row - 1)
    letters = filled(header_row - 2)
    period_row = list(rows[header_row]) + [""] * (width - len(rows[header_row]))
    years = []
    for cell in period_row:
        found = _YEAR.search(str(cell))
        years.append(int(found.group(1)) if found else None)
    return SheetTable(
        sheet_name, rows, header_row, code_col, name_col, descriptions, letters, years
    )


def _municode(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):012d}"
    return str(value).strip()


def _input_columns(table: SheetTable, header: str, exclude: list[str]) -> list[int]:
    """Columns whose description holds `header`, compared by header_key (case, spacing and
    punctuation do not matter), and none of `exclude`."""
    wanted = header_key(header)
    excluded = [header_key(x) for x in exclude]
    found = []
    for col, description in enumerate(table.descriptions):
        if col <= max(table.code_col, table.name_col) or table.years[col] is None:
            continue
        letter = table.letters[col]
        if letter and not re.fullmatch(r"[a-z]", letter):
            continue  # a computed column such as 'C = A / B'
        if _POINTS_HEADER.match(description):
            continue
        key = header_key(description)
        if wanted in key and not any(x in key for x in excluded):
            found.append(col)
    return found


def _number(path: Path, table: SheetTable, row: int, col: int, value: object) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        value = float(value)
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace(",", "")
    if text in {"", "-", "N/A", "n/a"}:
        return None
    try:
        return float(text)
    except ValueError:
        header = table.rows[table.header_row - 1][col] if table.header_row else ""
        raise ImportProblem(
            str(path),
            f"expected a number, found {str(value)!r}",
            sheet=table.name,
            row=row + 1,
            column=f"{column_letter(col)} ({_norm(header)[:60]})",
        ) from None


def resolve_inputs(
    path: Path, framework: Framework, sheets: dict[str, list[list]]
) -> list[tuple[dict, SheetTable, dict[int, int]]]:
    """Find every declared input's columns (by header text) per year; values are not read."""
    tables: dict[str, SheetTable] = {}
    specs = framework.source.get("input", [])
    if not specs:
        raise ImportProblem(str(path), f"{framework.name} declares no workbook inputs")
    resolved: list[tuple[dict, SheetTable, dict[int, int]]] = []
    for spec in specs:
        sheet = spec["sheet"]
        if sheet not in tables:
            tables[sheet] = locate(path, sheets, sheet)
        table = tables[sheet]
        columns = _input_columns(table, spec["header"], spec.get("exclude", []))
        if not columns:
            raise ImportProblem(
                str(path),
                f"no input column headed {spec['header']!r} (input {spec['name']})",
                sheet=sheet,
                row=table.header_row,
            )
        by_year: dict[int, int] = {}
        for col in columns:
            year = table.years[col]
            if year in by_year:
                raise ImportProblem(
                    str(path),
                    f"two columns headed {spec['header']!r} for year {year}",
                    sheet=sheet,
                    column=column_letter(col),
                )
            by_year[year] = col
        resolved.append((spec, table, by_year))
    return resolved


def framework_inputs(
    path: Path, framework: Framework, sheets: dict[str, list[list]] | None = None
) -> pl.DataFrame:
    """One row per entity: entity (municode), name, entity_class and every declared input."""
    sheets = sheets if sheets is not None else read_workbook(path)
    source = framework.source
    specs = source.get("input", [])
    resolved = resolve_inputs(path, framework, sheets)
    year0 = max(year for _, _, by_year in resolved for year in by_year)

    entities: dict[str, dict] = {}
    universe_sheet = source.get("entity_sheet", specs[0]["sheet"])
    class_pattern = re.compile(source["class_from_name"]) if "class_from_name" in source else None
    columns: dict[str, dict[str, float | None]] = {}
    for spec, table, by_year in resolved:
        for index in range(table.header_row + 1, len(table.rows)):
            row = table.rows[index]
            if table.code_col >= len(row):
                continue
            code = _municode(row[table.code_col])
            if not code or not re.fullmatch(r"\d{6,}", code):
                continue  # blank separator or footnote rows
            if table.name == universe_sheet and code not in entities:
                name = str(row[table.name_col]).strip()
                match = class_pattern.match(name) if class_pattern else None
                entities[code] = {"name": name, "entity_class": match.group(1) if match else ""}
            for year, col in by_year.items():
                value = _number(path, table, index, col, row[col] if col < len(row) else "")
                key = f"{spec['name']}_y{year0 - year}"
                columns.setdefault(key, {})[code] = value
    if not entities:
        raise ImportProblem(str(path), "no entities found", sheet=universe_sheet)
    codes = sorted(entities)
    data: dict[str, list] = {
        "entity": codes,
        "name": [entities[c]["name"] for c in codes],
        "entity_class": [entities[c]["entity_class"] for c in codes],
    }
    default_fill = 0.0 if source.get("blank_is_zero") else None
    fills = {spec["name"]: spec.get("missing", default_fill) for spec in specs}
    for key, values in sorted(columns.items()):
        fill = fills[key.rsplit("_y", 1)[0]]
        data[key] = [values.get(c, fill) if values.get(c) is not None else fill for c in codes]
    frame = pl.DataFrame(data, schema_overrides={k: pl.Float64 for k in columns})
    return frame.with_columns(pl.lit(year0).alias("fiscal_year"))


def detect_framework(path: Path, sheets: dict[str, list[list]]) -> Framework:
    """The FSMS framework whose every input resolves in this workbook (municipal or school)."""
    fitting, reasons = [], []
    for name in FSMS_FRAMEWORKS:
        if name not in available_frameworks():
            continue
        framework = load_framework(name)
        try:
            resolve_inputs(path, framework, sheets)
        except ImportProblem as problem:
            reasons.append(f"{framework.title}: {problem.message}")
            continue
        fitting.append(framework)
    if len(fitting) != 1:
        detail = "; ".join(reasons) if not fitting else "fits more than one framework"
        raise ImportProblem(
            str(path), f"not recognised as an FSMS municipal or school workbook ({detail})"
        )
    return fitting[0]


def published_summary(path: Path, sheets: dict[str, list[list]] | None = None) -> pl.DataFrame:
    """The workbook's own Summary sheet: municode, fiscal score and designation, for comparison."""
    sheets = sheets if sheets is not None else read_workbook(path)
    rows = sheets.get("Summary")
    if rows is None:
        raise ImportProblem(str(path), "workbook has no sheet 'Summary'", sheet="Summary")
    header_at = None
    for position, row in enumerate(rows[:30]):
        cells = [header_key(c) for c in row]
        if "municode" in cells and "fiscalscore" in cells:
            header_at = position
            break
    if header_at is None:
        raise ImportProblem(str(path), "no header with Municode and Fiscal Score", sheet="Summary")
    code_col, score_col = cells.index("municode"), cells.index("fiscalscore")
    if "typeofstress" not in cells:
        raise ImportProblem(
            str(path),
            "Summary header has no 'Type of Stress' column",
            sheet="Summary",
            row=header_at + 1,
        )
    type_col = cells.index("typeofstress")
    out = []
    for row in rows[header_at + 1 :]:
        code = _municode(row[code_col]) if code_col < len(row) else ""
        if not re.fullmatch(r"\d{6,}", code):
            continue
        score = row[score_col]
        out.append(
            {
                "entity": code,
                "published_score": float(score) if isinstance(score, int | float) else None,
                "published_designation": str(row[type_col]).strip(),
            }
        )
    return pl.DataFrame(out)
