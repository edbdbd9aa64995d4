import io

from openpyxl import load_workbook

from apps.core.exports import table_download, to_csv, to_xlsx

COLUMNS = [("name", "Name"), ("note", "Note"), ("tags", "Tags"), ("score", "Score")]
ROWS = [
    {"name": "Croydon", "note": '=HYPERLINK("http://evil")', "tags": ["a", "b"], "score": 1.5},
    {"name": "Slough", "note": None, "tags": [], "score": float("nan")},
]


def test_every_formula_start_is_neutralised_tab_and_cr_included():
    from apps.core.exports import cell

    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert cell(start + "1+1") == "'" + start + "1+1"
    assert cell(-3) == -3 and cell("ok") == "ok"


def test_csv_escapes_formulas_and_blanks_missing_values():
    lines = to_csv(ROWS, COLUMNS).splitlines()
    assert lines[0] == "Name,Note,Tags,Score"
    assert lines[1] == 'Croydon,"\'=HYPERLINK(""http://evil"")",a; b,1.5'
    assert lines[2] == "Slough,,,"


def test_xlsx_writes_one_sheet_per_table_and_an_about_sheet():
    book = load_workbook(io.BytesIO(to_xlsx([("Councils", ROWS, COLUMNS)], notes=["Demo data"])))
    assert book.sheetnames == ["Councils", "About"]
    rows = list(book["Councils"].iter_rows(values_only=True))
    assert rows[0] == ("Name", "Note", "Tags", "Score")
    assert rows[1][1].startswith("'=")  # text, never a live formula
    assert book["About"]["A1"].value == "Demo data"


def test_table_download_names_the_file_and_sets_the_type():
    response = table_download(ROWS, COLUMNS, "councils", "xlsx", dated=False)
    assert response["Content-Disposition"] == 'attachment; filename="councils.xlsx"'
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
