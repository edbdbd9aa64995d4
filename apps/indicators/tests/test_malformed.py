"""A malformed workbook or CSV is refused with file, sheet, row and column named, and nothing is
imported, not even the good files given alongside it."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from apps.indicators.models import Observation

from .conftest import RS_2016

pytestmark = pytest.mark.django_db

HEADER = [
    "E-code",
    "ONS Code",
    "Local authority",
    "",
    "Class",
    "Education services",
    "NET REVENUE EXPENDITURE",
    "COUNCIL TAX REQUIREMENT",
    "Interest: external payments",
    "NET CURRENT EXPENDITURE",
    "TOTAL SERVICE EXPENDITURE",
    "Estimated schools reserves level at 1 April",
    "Estimated other earmarked financial reserves level at 1 April",
    "Estimated unallocated financial reserves level at 1 April",
]
CODES = ["", "", "", "", "", 190, 805, 890, 781, 749, 699, 911, 915, 916]
SECTION = [
    "",
    "",
    "",
    "",
    "",
    "Service Expenditure",
    "",
    "",
    "",
    "",
    "",
    "Reserves at 1 April 2016",
    "",
    "",
]
ROWS = [
    [
        "E0101",
        "E06000022",
        "Bath & North East Somerset UA",
        "",
        "UA",
        1,
        120000,
        80000,
        5000,
        200000,
        190000,
        2000,
        30000,
        12000,
    ],
    [
        "E5035",
        "E09000008",
        "Croydon",
        "",
        "L",
        1,
        270000,
        150000,
        30000,
        400000,
        380000,
        5000,
        20000,
        10000,
    ],
]


def rs_workbook(path, rows=ROWS, header=HEADER, codes=CODES):
    book = openpyxl.Workbook()
    front = book.active
    front.title = "Front Page"
    front["A1"] = "Data published on 16 November 2017"
    sheet = book.create_sheet("RS LA Data 2016-17")
    sheet.append(["Revenue Outturn (RO) 2016-17: Revenue Outturn Summary (RS) data"])
    sheet.append(["Net current expenditure (£ thousand)"])
    sheet.append([])
    sheet.append(SECTION[: len(header)])
    sheet.append(codes)
    sheet.append(header)
    sheet.append([])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def rs_workbook_shuffled(path, with_codes: bool):
    """The same figures with the value columns in reverse order (as a later year's layout might
    have them), with or without the line-code row."""
    fixed, values = 5, list(range(5, len(HEADER)))
    order = list(range(fixed)) + values[::-1]
    header = [HEADER[j] for j in order]
    codes = [CODES[j] for j in order] if with_codes else [""] * len(order)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "RS LA Data 2016-17"
    sheet.append(["Revenue Outturn (RO) 2016-17: Revenue Outturn Summary (RS) data"])
    sheet.append(["Net current expenditure (£ thousand)"])
    sheet.append(["", "", "", "", "", "Reserves at 1 April 2016", "", "", "Expenditure"])
    sheet.append(codes)
    sheet.append(header)
    for row in ROWS:
        sheet.append([row[j] for j in order])
    book.save(path)
    return path


@pytest.mark.parametrize("with_codes", [True, False], ids=["line codes", "labels only"])
def test_columns_are_mapped_by_code_or_label_never_by_position(tmp_path, with_codes):
    from apps.indicators.importers.revenue_outturn import RevenueOutturnImporter

    normal = RevenueOutturnImporter(rs_workbook(tmp_path / "a.xlsx")).parse()
    shuffled = RevenueOutturnImporter(rs_workbook_shuffled(tmp_path / "b.xlsx", with_codes)).parse()
    assert sorted(r[:5] for r in normal.rows) == sorted(r[:5] for r in shuffled.rows)
    assert len(normal.rows) == 2 * 8  # 2 councils x (5 flows + 3 reserve levels)


def test_dating_revisions_to_the_file_instead_of_the_first_release(tmp_path, monkeypatch):
    import copy

    from apps.indicators.catalogue import source_rules
    from apps.indicators.importers import revenue_outturn

    rules = copy.deepcopy(source_rules())
    rules["revenue_outturn"]["date_revisions_at"] = "file"
    monkeypatch.setattr(revenue_outturn, "source_rules", lambda: rules)
    book = openpyxl.load_workbook(rs_workbook(tmp_path / "rs.xlsx"))
    book["Front Page"]["A1"] = "Data revised and published on 1 February 2018"
    book.save(tmp_path / "rs-revised.xlsx")
    parsed = revenue_outturn.RevenueOutturnImporter(tmp_path / "rs-revised.xlsx").parse()
    assert {row[6] for row in parsed.rows} == {dt.date(2018, 2, 1)}
    monkeypatch.undo()
    parsed = revenue_outturn.RevenueOutturnImporter(tmp_path / "rs-revised.xlsx").parse()
    assert {row[6] for row in parsed.rows} == {dt.date(2017, 11, 16)}  # first release
    assert {row[7] for row in parsed.rows} == {dt.date(2018, 2, 1)}  # vintage kept


def run(command, *paths):
    call_command(command, *[str(p) for p in paths], stdout=StringIO())


def test_a_well_formed_small_workbook_imports(tmp_path):
    run("import_revenue_outturn", rs_workbook(tmp_path / "rs.xlsx"))
    croydon = Observation.objects.get(
        council__gss_code="E09000008", indicator__code="rs_net_revenue_expenditure"
    )
    assert (croydon.value, croydon.period) == (270000, "2016-17")
    assert Observation.objects.filter(period="2015-16", indicator__code="rs_reserves_schools")


def test_text_where_a_number_must_be_is_refused_with_its_cell(tmp_path):
    bad = [row[:] for row in ROWS]
    bad[1][6] = "about 270m"
    path = rs_workbook(tmp_path / "rs-bad.xlsx", rows=bad)
    with pytest.raises(CommandError) as refused:
        run("import_revenue_outturn", RS_2016, path)  # a good file first: not imported either
    message = str(refused.value)
    assert "rs-bad.xlsx" in message
    assert "sheet 'RS LA Data 2016-17'" in message
    assert "row 9" in message  # the Croydon row as a spreadsheet numbers it
    assert "column 'G (NET REVENUE EXPENDITURE)'" in message
    assert "about 270m" in message
    assert "nothing changed" in message
    assert Observation.objects.count() == 0


def test_a_missing_line_is_refused_naming_the_header_row(tmp_path):
    header = [h if h != "NET REVENUE EXPENDITURE" else "Something else" for h in HEADER]
    codes = [c if c != 805 else 806 for c in CODES]
    path = rs_workbook(tmp_path / "rs-no-nre.xlsx", header=header, codes=codes)
    with pytest.raises(CommandError) as refused:
        run("import_revenue_outturn", path)
    assert "no column for RS line 805" in str(refused.value)
    assert "row 6" in str(refused.value)
    assert Observation.objects.count() == 0


def test_a_workbook_without_the_data_sheet_is_refused(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Summary"
    book.save(tmp_path / "empty.xlsx")
    with pytest.raises(CommandError, match="no 'RS LA Data' sheet"):
        run("import_revenue_outturn", tmp_path / "empty.xlsx")


def borrowing_workbook(path, value=1000):
    book = openpyxl.Workbook()
    book.active.title = "Index"
    sheet = book.create_sheet("LA Borrowing 19-20 Q4")
    sheet.append(["Outstanding borrowing by local authority and category, as at 31 March 2020, UK"])
    sheet.append([])
    lenders = [
        "Loans short term - Banks in UK",
        "Loans short term - Other Sources",
        "Securities - Other stock issues",
        "Loans Longer-term - PWLB (a)",
        "Loans Longer-term - Banks in UK",
        "Short Term Loans Local Authorities",
    ]
    sheet.append(
        [
            "LGF code",
            "Local authority name",
            "Category",
            *lenders,
            "Country",
            "Class of authority",
            "ONS code",
        ]
    )
    sheet.append(["E5035", "Croydon", "", 0, 0, 0, value, 0, 500, "ENG", "LB", "E09000008"])
    book.save(path)
    return path


def test_borrowing_text_in_a_lender_column_is_refused(tmp_path):
    run("import_borrowing", borrowing_workbook(tmp_path / "ok.xlsx"))
    assert Observation.objects.get(indicator__code="gross_borrowing").value == 1500
    before = Observation.objects.count()
    path = borrowing_workbook(tmp_path / "bad.xlsx", value="n.k.")
    with pytest.raises(CommandError) as refused:
        run("import_borrowing", path)
    message = str(refused.value)
    assert "bad.xlsx, sheet 'LA Borrowing 19-20 Q4', row 4" in message
    assert "Loans Longer-term - PWLB" in message
    assert Observation.objects.count() == before


def test_malformed_adult_social_care_csv_is_refused(tmp_path):
    path = tmp_path / "asc.csv"
    path.write_text(
        "Financial year,Local authority code,Local authority name,Measure,Code,Value\n"
        "2016-17,E06000005,Darlington,Outcome x,ASC1,7.6\n"
        "2016-17,E09000008,Croydon,Outcome x,ASC1,seven\n"
    )
    with pytest.raises(CommandError) as refused:
        run("import_adult_social_care", path)
    assert "asc.csv, row 3, column 'Value': expected a number, found 'seven'" in str(refused.value)
    assert Observation.objects.count() == 0
    path.write_text("Year,Code,Value\n2016-17,ASC1,1\n")
    with pytest.raises(CommandError, match="row 1: header lacks required column"):
        run("import_adult_social_care", path)


def test_unknown_ofsted_judgement_is_refused(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "ofsted_cs_inspections_overview"
    sheet.append(
        [
            "urn",
            "la_code",
            "ltla23cd",
            "local_authority",
            "overall_effectiveness_grade",
            "inspection_end_date",
            "publication_date",
        ]
    )
    sheet.append(["1", "306", "E09000008", "croydon", "good", "25/10/2024", "03/12/24"])
    sheet.append(["2", "871", "E06000039", "slough", "brilliant", "03/02/2023", "17/03/23"])
    book.save(tmp_path / "ofsted.xlsx")
    with pytest.raises(CommandError) as refused:
        run("import_ofsted", tmp_path / "ofsted.xlsx")
    assert "row 3, column 'E (overall_effectiveness_grade)'" in str(refused.value)
    assert Observation.objects.count() == 0


@pytest.mark.parametrize(
    ("front_page", "expected"),
    [
        ("Final outturn published on 28 November 2019", dt.date(2019, 11, 28)),  # first release
        ("Revised outturn published on 20 January 2020", dt.date(2019, 11, 30)),  # a revision
        ("Data published on 2 February 2021", dt.date(2019, 11, 30)),  # too late to be the first
    ],
)
def test_a_later_year_is_dated_by_its_front_page_or_the_fallback(tmp_path, front_page, expected):
    from apps.indicators.importers.revenue_outturn import RevenueOutturnImporter

    book = openpyxl.load_workbook(rs_workbook(tmp_path / "rs.xlsx"))
    sheet = book["RS LA Data 2016-17"]
    sheet.title = "RS LA Data 2018-19"
    sheet["A1"] = "Revenue Outturn (RO) 2018-19: Revenue Outturn Summary (RS) data"
    sheet["L4"] = "Reserves at 1 April 2018"
    book["Front Page"]["A1"] = front_page
    book.save(tmp_path / "rs-2018-19.xlsx")
    parsed = RevenueOutturnImporter(tmp_path / "rs-2018-19.xlsx").parse()
    assert {row[2] for row in parsed.rows} == {"2018-19", "2017-18"}  # flows, 1 April levels
    assert {row[6] for row in parsed.rows} == {expected}


def test_a_header_only_file_is_refused_and_keeps_the_figures_already_imported(tmp_path):
    path = rs_workbook(tmp_path / "rs.xlsx")
    run("import_revenue_outturn", path)
    before = Observation.objects.count()
    assert before
    rs_workbook(path, rows=[])  # the same file again, now with its header only
    with pytest.raises(CommandError) as refused:
        run("import_revenue_outturn", path)
    assert "rs.xlsx" in str(refused.value) and "no data rows" in str(refused.value)
    assert Observation.objects.count() == before
