"""Upload limits: refused before reading, with a message naming file, sheet, row and column."""

from __future__ import annotations

import codecs

import pytest

from apps.core import uploads
from apps.core.importers import ImportProblem
from apps.core.tests import xlsx_fakes

SMALL = uploads.Limits(max_bytes=1_000_000, max_rows=1000, max_columns=20)


def refusal(call) -> str:
    with pytest.raises(ImportProblem) as caught:
        call()
    return str(caught.value)


@pytest.mark.slow
def test_a_million_row_workbook_is_refused_by_its_declared_size(tmp_path):
    path = xlsx_fakes.many_rows(tmp_path / "big.xlsx", 1_000_000)
    assert path.stat().st_size < 10 * 1024 * 1024  # small on disk: it is the rows that are big
    message = refusal(lambda: uploads.xlsx_rows(path, "big.xlsx"))
    assert "big.xlsx, sheet 'Sheet': the sheet has 1,000,000 rows (it declares A1:A1000000)" in (
        message
    )
    assert "the limit is 50,000 rows of data: split the file" in message


def test_a_sheet_declaring_the_whole_grid_is_refused_without_reading(tmp_path):
    path = xlsx_fakes.declaring(tmp_path / "grid.xlsx", "A1:XFD1048576")
    message = refusal(lambda: uploads.xlsx_rows(path, "grid.xlsx"))
    assert "1,048,576 rows (it declares A1:XFD1048576)" in message


def test_a_sheet_that_hides_its_size_is_stopped_at_the_limit(tmp_path):
    path = xlsx_fakes.many_rows(tmp_path / "liar.xlsx", 1500, declare=False)
    message = refusal(lambda: uploads.xlsx_rows(path, "liar.xlsx", SMALL))
    assert "more than 1,000 rows of data" in message


def test_too_many_columns_and_too_many_bytes(tmp_path):
    path = xlsx_fakes.declaring(tmp_path / "wide.xlsx", "A1:ZZ10")
    assert "702 columns" in refusal(lambda: uploads.xlsx_rows(path, "wide.xlsx", SMALL))
    big = tmp_path / "big.csv"
    big.write_bytes(b"a,b\n" * 400_000)
    message = refusal(lambda: uploads.csv_rows(big, "big.csv", SMALL))
    assert "the file is 1.5 MB; the limit is 1.0 MB" in message


def test_formula_and_nul_cells_are_named(tmp_path):
    path = xlsx_fakes.cells(tmp_path / "f.xlsx", [["received", "q1"], ["2026-01-01", "=A2+1"]])
    message = refusal(lambda: uploads.xlsx_rows(path, "f.xlsx"))
    assert "row 2, column 'B': the cell holds a formula (=A2+1)" in message
    text = tmp_path / "nul.csv"
    text.write_bytes(b"received,q1\n2026-01-01,a\x00b\n")
    assert "row 2, column 'B': the cell contains a NUL" in refusal(
        lambda: uploads.csv_rows(text, "nul.csv")
    )


def test_utf16_and_byte_order_marks_are_read(tmp_path):
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes("received,q1\r\n2026-01-01,Café\r\n".encode("utf-16"))
    assert uploads.csv_rows(utf16, "utf16.csv")[1] == ["2026-01-01", "Café"]
    bom = tmp_path / "bom.csv"
    bom.write_bytes(codecs.BOM_UTF8 + b"received\n2026-01-01\n")
    assert uploads.csv_rows(bom, "bom.csv")[0] == ["received"]
    latin = tmp_path / "latin.csv"
    latin.write_bytes("received\nCaf\xe9\n".encode("latin-1"))
    assert "row 2: the text is not UTF-8 (byte 0xe9); save it as CSV UTF-8" in refusal(
        lambda: uploads.csv_rows(latin, "latin.csv")
    )
