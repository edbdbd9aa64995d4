"""FSMS reproduction: the engine must match the Comptroller's published Summary sheet."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from apps.core.importers import ImportProblem
from apps.early_warning import fsms
from apps.early_warning.services.fsms_scoring import agreement, score_workbook

FSMS_DIR = Path(settings.DATA_DIR) / "new-york-fsms"
WORKBOOKS = sorted(p for p in FSMS_DIR.iterdir() if p.suffix in {".xls", ".xlsx"})


@pytest.mark.parametrize("path", WORKBOOKS, ids=[p.name for p in WORKBOOKS])
def test_every_shipped_workbook_reproduces_the_published_summary(path):
    result = score_workbook(path)
    report = agreement(result)
    assert report["compared"] > 500
    assert report["share"] >= 0.995, report["mismatches"].head(10)


def test_kind_is_detected_from_content():
    kinds = {p.name: score_workbook(p, with_published=False).framework.name for p in WORKBOOKS}
    assert kinds["2019-munis-all-data-workbook.xlsx"] == "nys_fsms_2017_municipal"
    assert kinds["2018-schools-all-data-workbook.xls"] == "nys_fsms_2017_school"


def _small_copy(source: Path, target: Path, keep: int = 25, sheets=None) -> Path:
    """A shortened copy of a real workbook (first `keep` entity rows of every sheet)."""
    book = fsms.read_workbook(source)
    out = openpyxl.Workbook()
    out.remove(out.active)
    for name, rows in book.items():
        if sheets is not None and name not in sheets:
            continue
        sheet = out.create_sheet(name)
        for row in rows[: 6 + keep]:
            sheet.append(list(row))
    out.save(target)
    return target


def test_command_prints_csv_and_works_on_a_workbook_of_other_length(tmp_path):
    path = _small_copy(FSMS_DIR / "2019-munis-all-data-workbook.xlsx", tmp_path / "short.xlsx")
    out = io.StringIO()
    call_command("fsms_score", str(path), stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[0] == "municode,name,fiscal_score,designation"
    assert len(lines) > 15
    assert any("Significant Fiscal Stress" in line or "No Designation" in line for line in lines)


def test_malformed_cell_is_refused_naming_file_sheet_row_and_column(tmp_path):
    path = _small_copy(FSMS_DIR / "2019-school-all-data-workbook.xls", tmp_path / "bad.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["Indicator 4"]
    sheet.cell(row=9, column=4).value = "twelve thousand"
    book.save(path)
    with pytest.raises(ImportProblem) as caught:
        score_workbook(path)
    message = str(caught.value)
    assert "bad.xlsx" in message and "Indicator 4" in message
    assert "row 9" in message and 'column "D (' in message
    with pytest.raises(CommandError, match="Indicator 4"):
        call_command("fsms_score", str(path), stdout=io.StringIO())


def test_workbook_missing_an_indicator_sheet_is_refused(tmp_path):
    source = FSMS_DIR / "2019-school-all-data-workbook.xls"
    names = [n for n in fsms.read_workbook(source) if n != "Indicator 3"]
    path = _small_copy(source, tmp_path / "partial.xlsx", sheets=names)
    with pytest.raises(ImportProblem, match="not recognised"):
        score_workbook(path)


def test_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("this is not a spreadsheet")
    with pytest.raises(ImportProblem, match="not a readable Excel workbook"):
        score_workbook(path)


def test_columns_are_found_by_header_not_position(tmp_path):
    """Swapping two input columns (headers and values) changes nothing in the scores."""
    source = FSMS_DIR / "2019-school-all-data-workbook.xls"
    plain = _small_copy(source, tmp_path / "plain.xlsx", keep=60)
    swapped = _small_copy(source, tmp_path / "swapped.xlsx", keep=60)
    book = openpyxl.load_workbook(swapped)
    sheet = book["Indicator 1"]
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row):
        row[3].value, row[4].value = row[4].value, row[3].value  # columns D and E
    book.save(swapped)
    before = score_workbook(plain, with_published=False).scores.sort("entity")
    after = score_workbook(swapped, with_published=False).scores.sort("entity")
    assert before["score"].to_list() == after["score"].to_list()
    assert before["unassigned_fund_balance__points"].sum() > 0


def _respaced(path: Path, target: Path) -> Path:
    """The same workbook with every header above the data respelled: the code column headed
    'Muni Code', other headers in capitals with doubled spaces."""
    from apps.core.importers import header_key

    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        header_row = next(
            (
                row[0].row
                for row in sheet.iter_rows(max_row=30)
                if any(header_key(cell.value) == "municode" for cell in row)
            ),
            0,
        )
        for row in sheet.iter_rows(max_row=header_row):
            for cell in row:
                if header_key(cell.value) == "municode":
                    cell.value = "Muni Code"
                elif isinstance(cell.value, str):
                    cell.value = cell.value.upper().replace(" ", "  ")
    book.save(target)
    return target


@pytest.mark.parametrize(
    "source", ["2019-munis-all-data-workbook.xlsx", "2019-school-all-data-workbook.xls"]
)
def test_a_workbook_whose_name_lies_and_whose_headers_are_respaced_scores_the_same(
    tmp_path, source
):
    from apps.core.importers import sniff

    plain = _small_copy(FSMS_DIR / source, tmp_path / "plain.xlsx", keep=60)
    lying = _respaced(plain, tmp_path / "respaced.xls")  # an .xlsx file named .xls
    assert sniff(lying) == "xlsx"
    before = score_workbook(plain, with_published=False).scores.sort("entity")
    after = score_workbook(lying, with_published=False).scores.sort("entity")
    assert after["score"].to_list() == before["score"].to_list()
    assert after.height == before.height >= 50
    out, err = io.StringIO(), io.StringIO()
    call_command("fsms_score", str(lying), "--compare", stdout=out, stderr=err)
    assert out.getvalue().count("\n") == after.height + 1
    assert "agree with the published Summary" in err.getvalue()  # 'MUNI CODE', 'FISCAL  SCORE'
