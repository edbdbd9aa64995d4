"""Capital financing returns (COR C outturn, CER C forecasts) on the shipped files: figures read
as published, dated to their publication, forecasts kept apart from outturn; the derived capital
indicators; a malformed return refused with its cell named."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest
from django.conf import settings

from apps.core.importers import ImportProblem
from apps.indicators.catalogue import catalogue_entries
from apps.indicators.importers.borrowing import BorrowingImporter
from apps.indicators.importers.capital_financing import CapitalFinancingImporter
from apps.indicators.services.derive import compute_derived

from .conftest import BORROWING_2020
from .test_derive import obs, values
from .test_importers import by_key

CF = settings.DATA_DIR / "england" / "capital-financing"
COR_1718 = CF / "FINAL_COR_C 1718.xlsx"
COR_1819 = CF / "COR_2018-19_outputs_COR_C.xlsx"
CER_1920 = CF / "CER_2019-20_C.xlsx"
CER_2021 = CF / "CER_2020-21_C_prudential_system_information.xlsx"
ADUR, WOKING = "E07000223", "E07000217"


@pytest.mark.django_db
def test_outturn_figures_and_dates_match_the_workbooks():
    rows = by_key(CapitalFinancingImporter(COR_1819).parse())
    # sheet 'Capital Financing Requirement', Adur: CFR 88,603 at 1 April 2018, 123,250 at 31 March
    assert rows[(ADUR, "capital_financing_requirement", "2018-19")][0] == 123250
    assert rows[(ADUR, "capital_financing_requirement", "2017-18")][0] == 88603
    assert rows[(ADUR, "minimum_revenue_provision", "2018-19")][0] == 1016
    # dated to the final-outturn release its front page states
    assert rows[(ADUR, "capital_financing_requirement", "2018-19")][2] == dt.date(2019, 9, 26)
    rows = by_key(CapitalFinancingImporter(COR_1718).parse())
    assert rows[(ADUR, "external_debt", "2017-18")][0] == 85138
    assert rows[(ADUR, "authorised_limit", "2017-18")][0] == 111000
    assert rows[(ADUR, "external_debt", "2017-18")][2] == dt.date(2018, 10, 11)


@pytest.mark.django_db
@pytest.mark.parametrize("path", [CER_1920, CER_2021], ids=["2019-20", "2020-21"])
def test_forecasts_are_never_stored_as_outturn(path):
    parsed = CapitalFinancingImporter(path).parse()
    basis = {entry["code"]: entry["basis"] for entry in catalogue_entries()}
    codes = {row[1] for row in parsed.rows}
    assert codes and all(code.endswith("_forecast") for code in codes)
    assert {basis[code] for code in codes} == {"forecast"}
    assert "minimum_revenue_provision_forecast" not in codes  # CER C has no MRP line


@pytest.mark.django_db
def test_forecast_figures_and_dates():
    rows = by_key(CapitalFinancingImporter(CER_2021).parse())
    woking = rows[(WOKING, "capital_financing_requirement_forecast", "2020-21")]
    assert woking[0] == 1024523
    assert woking[2] == dt.date(2020, 9, 30)  # 30 September of the year forecast
    assert rows[(ADUR, "authorised_limit_forecast", "2020-21")][0] == 245000


def test_every_outturn_twin_is_defined_once_and_forecast_rules_use_forecast_inputs():
    entries = {entry["code"]: entry for entry in catalogue_entries()}
    twin = entries["cfr_to_nre_forecast"]
    assert twin["basis"] == "forecast" and entries["cfr_to_nre"]["basis"] == "outturn"
    assert twin["rule"]["numerator"] == "capital_financing_requirement_forecast"
    assert twin["rule"]["denominator"] == "nre"  # no forecast of NRE: the outturn one
    assert entries["borrowing_growth_less_cfr_growth_forecast"]["rule"]["inputs"] == [
        "prudential_borrowing_growth_forecast",
        "cfr_growth_forecast",
    ]


def test_capital_ratios_carry_the_latest_net_revenue_expenditure_forward():
    D = dt.date
    frame = obs(
        [
            ("E1", "rs_net_revenue_expenditure", 2017, 100, D(2018, 11, 15)),
            ("E1", "capital_financing_requirement", 2017, 500, D(2018, 10, 11)),
            ("E1", "capital_financing_requirement", 2018, 800, D(2019, 9, 26)),
            ("E1", "external_debt", 2018, 1000, D(2019, 9, 26)),
            ("E1", "capital_financing_requirement_forecast", 2021, 900, D(2021, 9, 30)),
        ]
    )
    derived = compute_derived(frame, [e for e in catalogue_entries() if e.get("derived")])
    # 2018-19 has no NRE of its own: the 2017-18 one is used; 2021-22 is too far (4 years)
    assert values(derived, "cfr_to_nre") == {"2017-18": 500.0, "2018-19": 800.0}
    assert "cfr_to_nre_forecast" not in set(derived["indicator"])
    assert values(derived, "external_debt_to_cfr") == {"2018-19": 125.0}
    assert values(derived, "cfr_growth") == {"2018-19": 60.0}
    rows = derived[derived["indicator"] == "cfr_to_nre"]
    # the 2017-18 CFR came out before any NRE: the ratio exists from the NRE's release
    assert rows["published"].min() == pd.Timestamp(D(2018, 11, 15))


@pytest.mark.django_db
def test_a_malformed_return_is_refused_naming_file_sheet_row_and_column(tmp_path):
    book = openpyxl.load_workbook(CER_1920)
    sheet = book["Prudential"]
    sheet["F7"] = "lots"  # Allerdale's CFR at 1 April 2019
    path = tmp_path / "cer-bad.xls"  # the name lies about the format too: read by content
    book.save(path)
    with pytest.raises(ImportProblem) as refused:
        CapitalFinancingImporter(path).parse()
    message = str(refused.value)
    assert message.startswith("cer-bad.xls")
    assert "sheet 'Prudential'" in message and "row 7" in message
    assert "column 'F (Capital Financing Requirement as at 1 April 2019)'" in message


@pytest.mark.django_db
def test_a_workbook_that_is_not_a_capital_return_is_refused(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["LGF Code", "ONS Code", "LA Name"])
    book.save(tmp_path / "other.xlsx")
    with pytest.raises(ImportProblem, match="not recognised as a capital financing return"):
        CapitalFinancingImporter(tmp_path / "other.xlsx").parse()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("importer", "path"),
    [(CapitalFinancingImporter, COR_1819), (BorrowingImporter, BORROWING_2020)],
    ids=["capital financing", "borrowing"],
)
def test_authorities_that_are_not_councils_are_reported_by_ons_code(importer, path):
    parsed = importer(path).parse()
    assert parsed.unmatched["E31000001"] == "Avon Combined Fire and Rescue Authority"
    assert "E07000223" not in parsed.unmatched  # Adur, a council
