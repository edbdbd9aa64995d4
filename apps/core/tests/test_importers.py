"""The shared reading rules every importer uses: a file is what its content says, and header
names match whatever their case, spacing and punctuation."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest
from django.conf import settings

from apps.core.importers import ImportProblem, header_key, read_csv_rows, sniff


@pytest.mark.parametrize(
    ("names", "key"),
    [
        (["E-code", "E code", "ECode", " e_code "], "ecode"),
        (["Muni Code", "MuniCode", "Muni  code", "MUNI-CODE"], "municode"),
        (["LA_LGF_code", "LA LGF code"], "lalgfcode"),
        (["Borrowing & Lending", "Borrowing and lending"], "borrowingandlending"),
    ],
)
def test_header_key_ignores_case_spacing_and_punctuation(names, key):
    assert {header_key(name) for name in names} == {key}


def test_files_are_known_by_their_content_not_their_name(tmp_path):
    book = openpyxl.Workbook()
    book.save(tmp_path / "book.xls")  # an .xlsx named .xls
    assert sniff(tmp_path / "book.xls") == "xlsx"
    old = settings.DATA_DIR / "new-york-fsms" / "2018-schools-all-data-workbook.xls"
    assert sniff(old) == "xls"
    with zipfile.ZipFile(tmp_path / "sheet.xlsx", "w") as archive:  # an .ods named .xlsx
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    assert sniff(tmp_path / "sheet.xlsx") == "ods"
    (tmp_path / "data.xlsx").write_text("a,b\n1,2\n")
    assert sniff(tmp_path / "data.xlsx") == "csv"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"<!DOCTYPE html><html>Service unavailable</html>", "a web page"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a spreadsheet or CSV file"),
        ("a,b\n".encode("utf-16"), "UTF-16, not UTF-8"),
    ],
)
def test_what_is_not_a_spreadsheet_is_refused_saying_what_it_is(tmp_path, content, message):
    path = tmp_path / "download.xlsx"
    path.write_bytes(content)
    with pytest.raises(ImportProblem, match=message):
        sniff(path)


def test_csv_headers_match_tolerantly_and_a_workbook_is_not_read_as_csv(tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes("GSS code,Notice Date\r\nE06000039,2021-07-02\r\n".encode("cp1252"))
    rows = list(read_csv_rows(path, ["gss_code", "notice_date"]))
    assert rows == [(2, {"gss_code": "E06000039", "notice_date": "2021-07-02"})]
    openpyxl.Workbook().save(tmp_path / "book.csv")
    with pytest.raises(ImportProblem, match="an Excel workbook where a CSV file was expected"):
        list(read_csv_rows(tmp_path / "book.csv", ["gss_code"]))
