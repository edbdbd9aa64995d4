"""The current official formats, on SMALL FILES BUILT TO THE PUBLISHED LAYOUTS (no real file of
these layouts is shipped; see data/SOURCES.md): RS per-authority workbooks from 2018-19 (xlsx and
ods), the multi-year Revenue Outturn time-series CSV; and the one-command import that recognises
any file by its content."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from apps.core.importers import ImportProblem, sniff
from apps.indicators.importers.detect import importer_for
from apps.indicators.importers.revenue_outturn import RevenueOutturnImporter
from apps.indicators.importers.ro_timeseries import RevenueOutturnTimeSeriesImporter
from apps.indicators.models import Observation

from .test_importers import by_key

pytestmark = pytest.mark.django_db
CROYDON, BATH = "E09000008", "E06000022"

# (asset ID, form line number, "<section> - <title>") as in RS_LA_Data_2018-19
RS_COLUMNS = [
    ("netcurrtot", 849, "Revenue Expenditure - NET CURRENT EXPENDITURE"),
    ("totsx", 799, "Service Expenditure - TOTAL SERVICE EXPENDITURE"),
    ("netrevexp", 990, "Revenue Expenditure - NET REVENUE EXPENDITURE"),  # 990 is not NRE here
    ("ctrtot", 805, "Revenue Expenditure Financing - COUNCIL TAX REQUIREMENT"),
    ("grantrsg", 951, "Revenue Expenditure Financing - Revenue support grant"),
    ("intextpay", 862, "Non-current Expenditure and Receipts - Interest: external payments"),
    ("csc", 330, "Service Expenditure - Children Social Care"),
    ("asc", 360, "Service Expenditure - Adult Social Care"),
    (
        "appresoth",
        915,
        "Appropriations - Appropriations to (+) / from (-) other earmarked reserves",
    ),
    ("ressch", 1011, "Reserves at 1 April 2018 - Estimated schools reserves level at 1 April"),
    (
        "resoth",
        1015,
        "Reserves at 1 April 2018 - Estimated other earmarked financial reserves level at 1 April",
    ),
    (
        "resunall",
        1016,
        "Reserves at 1 April 2018 - Estimated unallocated financial reserves level at 1 April",
    ),
    (
        "resoth",
        1025,
        "Reserves (continued) - Estimated other earmarked financial reserves level at 31 March",
    ),
    (
        "resunall",
        1026,
        "Reserves (continued) - Estimated unallocated financial reserves level at 31 March",
    ),
]
RS_ROWS = [  # 4 identity columns, then one value per RS_COLUMNS entry
    ["E5035", CROYDON, "Croydon", "L"]
    + [400000, 380000, 270000, 150000, 9000, 30000, 80000, 90000, 5000, 40000, 20000, 10000]
    + [25000, 9000],
    ["E0101", BATH, "Bath & North East Somerset", "UA"]
    + [200000, 190000, 120000, 80000, 4000, 5000, 30000, 50000, 1000, 2000, 30000, 12000]
    + [28000, 11000],
    ["", "E09", "London Boroughs", "L"] + [1] * 14,
]


def rs_rows(columns=RS_COLUMNS, data=RS_ROWS) -> list[list]:
    pad = ["", "", "", ""]
    return [
        ["Revenue Outturn Summary (RS) 2018-19: data by local authority"],
        ["£ thousand"],
        [""],
        pad + [c[0] for c in columns],
        pad
        + ["Revenue", "", "", "Financing", "", "Non-current", "Services", "", "", "Reserves"]
        + [""] * (len(columns) - 10),
        pad + [c[1] for c in columns],
        ["E-code", "ONS Code", "Local authority", "Class"] + [c[2] for c in columns],
        *data,
    ]


def write_book(path, rows, sheet="RS_LA_Data_2018-19", engine="openpyxl"):
    width = max(len(r) for r in rows)
    frame = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in rows])
    with pd.ExcelWriter(path, engine=engine) as writer:
        frame.to_excel(writer, sheet_name=sheet, header=False, index=False)
    return path


@pytest.mark.parametrize(
    ("name", "engine", "kind"),
    [("rs-2018-19.xlsx", "openpyxl", "xlsx"), ("rs-2024-25.xlsx", "odf", "ods")],
    ids=["xlsx", "ods named .xlsx"],
)
def test_rs_workbooks_from_2018_19_map_by_asset_id(tmp_path, name, engine, kind):
    path = write_book(tmp_path / name, rs_rows(), engine=engine)
    assert sniff(path) == kind
    rows = by_key(RevenueOutturnImporter(path).parse())
    assert rows[(CROYDON, "rs_net_revenue_expenditure", "2018-19")][0] == 270000
    assert rows[(CROYDON, "rs_council_tax_requirement", "2018-19")][0] == 150000
    assert rows[(CROYDON, "rs_interest_payable", "2018-19")][0] == 30000  # by its label
    assert rows[(BATH, "rs_appropriations_earmarked", "2018-19")][0] == 1000
    # 'Reserves at 1 April 2018' is the end of 2017-18; '(continued) ... at 31 March' of 2018-19
    assert rows[(CROYDON, "rs_reserves_unallocated", "2017-18")][0] == 10000
    assert rows[(CROYDON, "rs_reserves_unallocated", "2018-19")][0] == 9000
    assert rows[(BATH, "rs_reserves_earmarked", "2018-19")][0] == 28000
    assert rows[(CROYDON, "rs_net_revenue_expenditure", "2018-19")][2] == dt.date(2019, 11, 30)
    assert not any(key[0] == "E09" for key in rows)  # the class aggregate row is left out


def test_rs_workbook_without_a_required_line_names_sheet_and_row(tmp_path):
    columns = [c for c in RS_COLUMNS if c[0] != "ctrtot"]
    data = [row[:7] + row[8:] for row in RS_ROWS]  # ctrtot is the 4th value column
    path = write_book(tmp_path / "rs.xls", rs_rows(columns, data))  # named .xls, holds .xlsx
    with pytest.raises(ImportProblem) as refused:
        RevenueOutturnImporter(path).parse()
    message = str(refused.value)
    assert "rs.xls, sheet 'RS_LA_Data_2018-19', row 7" in message
    assert "ctrtot" in message and "rs_council_tax_requirement" in message


TS_HEADER = (
    "year_ending,ONS_code,LA_LGF_code,LA_name,status,LA_class,LA_subclass,RS_netrevexp_net_exp,"
    "RS_netcurrtot_net_exp,RS_totsx_net_exp,RS_ctrtot_net_exp,RS_intextpay_net_exp,"
    "RS_resunall_start_cy,RS_resunall_end_cy,RS_resoth_start_cy,RS_resoth_end_cy,RS_edu_net_exp"
)


def time_series(path, lines, header=TS_HEADER):
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


TS_LINES = [
    f"201903,{CROYDON},5035,Croydon,submitted,L,L,270000,400000,380000,150000,30000,10000,9000,40000,35000,1",
    f"202003,{CROYDON},5035,Croydon,submitted,L,L,280000,410000,390000,155000,31000,9000,7000,35000,20000,1",
    "202003,E92000001,,England,total,,,1,1,1,1,1,1,1,1,1,1",
    f"202003,{BATH},101,Bath and North East Somerset,not submitted,UA,UA,,,,,,,,,,",
]


def test_revenue_outturn_time_series_csv(tmp_path):
    path = time_series(tmp_path / "Revenue_Outturn_time_series_data_v4.csv", TS_LINES)
    assert importer_for(path) is RevenueOutturnTimeSeriesImporter
    parsed = RevenueOutturnTimeSeriesImporter(path).parse()
    rows = by_key(parsed)
    assert rows[(CROYDON, "rs_net_revenue_expenditure", "2019-20")][0] == 280000
    assert rows[(CROYDON, "rs_interest_payable", "2018-19")][0] == 30000
    assert rows[(CROYDON, "rs_reserves_earmarked", "2019-20")][0] == 20000
    assert rows[(CROYDON, "rs_reserves_unallocated", "2018-19")][0] == 9000  # end of 2018-19
    # each year dated to its own first release; the file's vintage is the latest of them
    assert rows[(CROYDON, "rs_net_revenue_expenditure", "2018-19")][2] == dt.date(2019, 11, 30)
    assert {row[7] for row in parsed.rows} == {dt.date(2020, 11, 30)}
    assert not any(key[0] == BATH for key in rows)
    assert "not submitted" in parsed.notes[0]


def test_time_series_without_earmarked_reserves_is_refused_naming_what_was_sought(tmp_path):
    header = TS_HEADER.replace("RS_resoth_end_cy", "RS_other_thing")
    path = time_series(tmp_path / "ts.csv", TS_LINES[:1], header=header)
    with pytest.raises(ImportProblem, match=r"ts\.csv, row 1: no column for rs_reserves_earmarked"):
        RevenueOutturnTimeSeriesImporter(path).parse()


def test_time_series_bad_number_names_row_and_column(tmp_path):
    lines = [TS_LINES[0].replace(",270000,", ",n.k.,")]
    path = time_series(tmp_path / "ts.csv", lines)
    with pytest.raises(ImportProblem) as refused:
        RevenueOutturnTimeSeriesImporter(path).parse()
    assert "ts.csv, row 2, column 'RS_netrevexp_net_exp': expected a number" in str(refused.value)


def test_import_data_recognises_files_by_content_and_reports_changes(tmp_path):
    rs = write_book(tmp_path / "download-1", rs_rows())  # no extension at all
    ts = time_series(tmp_path / "download-2", TS_LINES)
    out = StringIO()
    call_command("import_data", str(rs), str(ts), stdout=out)
    text = out.getvalue()
    assert "Imported download-1 (revenue_outturn)" in text
    assert "Net revenue expenditure (RS line 805):" in text and "newest period 2019-20" in text
    croydon = Observation.objects.filter(
        council__gss_code=CROYDON, indicator__code="reserves_to_nre"
    )
    assert croydon.filter(period="2019-20").exists()  # derived recomputed in the same step
    before = Observation.objects.count()
    odd = tmp_path / "notes.csv"
    odd.write_text("name,comment\nx,y\n")
    with pytest.raises(CommandError, match="notes.csv, row 1: CSV not recognised"):
        call_command("import_data", str(ts), str(odd), stdout=StringIO())
    assert Observation.objects.count() == before


def test_a_later_quarterly_borrowing_live_table_in_ods(tmp_path):
    """Built to the later layout: one quarter's sheet, header on row 11 with the ONS code last."""
    lenders = [
        "Short Term Loans - Banks in UK",
        "Short Term Loans - Other Local Authorities",
        "Longer Term Loans - PWLB",
        "Longer Term Loans - Banks in UK",
        "Longer Term Loans - Other Local Authorities",
        "Longer Term Loans - Other",
        "Securities - Bonds",
        "Securities - Commercial paper",
    ]
    rows = [["Outstanding borrowing by local authority and category, as at 30 September 2024, UK"]]
    rows += [["All figures reported in £ thousand"]] + [[""]] * 8
    rows += [["LGF code", "Local authority", "Category", *lenders, "Country", "Class", "ONS code"]]
    rows += [
        [
            "E5035",
            "Croydon",
            "London Borough",
            100,
            200,
            1000,
            50,
            25,
            0,
            10,
            0,
            "England",
            "L",
            CROYDON,
        ]
    ]
    path = write_book(
        tmp_path / "live-table.ods", rows, sheet="LA Borrowing 24-25 Q2", engine="odf"
    )
    assert importer_for(path).__name__ == "BorrowingImporter"
    rows = by_key(importer_for(path)(path).parse())
    assert rows[(CROYDON, "gross_borrowing_quarterly", "2024-25 Q2")][0] == 1385
    assert rows[(CROYDON, "borrowing_short_term_quarterly", "2024-25 Q2")][0] == 300
    assert rows[(CROYDON, "gross_borrowing_quarterly", "2024-25 Q2")][2] == dt.date(2025, 1, 31)
    assert (CROYDON, "gross_borrowing", "2024-25") not in rows  # not a year end
