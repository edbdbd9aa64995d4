"""The importers on the real shipped files: known figures read from the spreadsheets, counts,
former councils, unmatched rows reported, idempotency, and order-independence of vintages."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.indicators.importers.adult_social_care import AdultSocialCareImporter
from apps.indicators.importers.borrowing import BorrowingImporter
from apps.indicators.importers.command import import_files
from apps.indicators.importers.ofsted import OfstedImporter
from apps.indicators.importers.revenue_outturn import RevenueOutturnImporter
from apps.indicators.models import Observation

from .conftest import (
    ASC,
    BORROWING_2018,
    BORROWING_2020,
    OFSTED_2025,
    OFSTED_2026,
    RS,
    RS_2010,
    RS_2016,
    RS_2017,
)

pytestmark = pytest.mark.django_db


def by_key(parsed):
    """{(gss, indicator, period): (value, text, published)} from a parse result."""
    from apps.councils.models import Council

    gss = dict(Council.objects.values_list("id", "gss_code"))
    return {(gss[r[0]], r[1], r[2]): (r[4], r[5], r[6]) for r in parsed.rows}


def test_rs_2010_11_figures_match_the_workbook():
    parsed = RevenueOutturnImporter(RS_2010).parse()
    rows = by_key(parsed)
    # Bath & North East Somerset (E0101), sheet 'RS LA Data 2010-11 (1)', row 8
    bath = "E06000022"
    assert rows[(bath, "rs_net_revenue_expenditure", "2010-11")][0] == 113165
    assert rows[(bath, "rs_council_tax_requirement", "2010-11")][0] == 78762
    assert rows[(bath, "rs_interest_payable", "2010-11")][0] == 3101
    assert rows[(bath, "rs_social_care_combined", "2010-11")][0] == 65175
    # reserve levels at 1 April 2010 are the levels at the end of 2009-10
    assert rows[(bath, "rs_reserves_earmarked", "2009-10")][0] == 17971
    assert rows[(bath, "rs_reserves_unallocated", "2009-10")][0] == 14638
    assert (bath, "rs_reserves_earmarked", "2010-11") not in rows
    # dated to the first release (30 November after the year end, no front-page date for it)
    assert rows[(bath, "rs_net_revenue_expenditure", "2010-11")][2] == dt.date(2011, 11, 30)


def test_rs_2017_18_maps_by_line_code_and_dates_both_reserve_columns():
    parsed = RevenueOutturnImporter(RS_2017).parse()
    rows = by_key(parsed)
    cambs, northants = "E10000003", "E10000021"
    assert rows[(cambs, "rs_net_revenue_expenditure", "2017-18")][0] == pytest.approx(347480.098)
    assert rows[(cambs, "rs_reserves_earmarked", "2016-17")][0] == 46381  # at 1 April 2017
    assert rows[(cambs, "rs_reserves_earmarked", "2017-18")][0] == pytest.approx(47779.44213)
    assert rows[(cambs, "rs_interest_payable", "2017-18")][0] == 14949  # line 781, not 951
    assert rows[(northants, "rs_reserves_earmarked", "2017-18")][0] == 5185
    assert rows[(northants, "rs_reserves_unallocated", "2017-18")][0] == 0
    assert rows[(cambs, "rs_net_revenue_expenditure", "2017-18")][2] == dt.date(2018, 11, 15)


@pytest.mark.parametrize("path", sorted(RS.glob("*.xls*")), ids=lambda p: p.name[:40])
def test_every_rs_year_matches_all_councils_and_reports_the_rest(path):
    parsed = RevenueOutturnImporter(path).parse()
    frame = parsed.frame()
    nre = frame[frame["indicator"] == "rs_net_revenue_expenditure"]
    assert 350 <= nre["council_id"].nunique() <= 353  # every principal council of the time
    assert {
        "rs_reserves_earmarked",
        "rs_reserves_unallocated",
        "rs_council_tax_requirement",
        "rs_interest_payable",
    } <= set(frame["indicator"])
    social = {"rs_children_social_care", "rs_adult_social_care", "rs_social_care_combined"}
    assert social & set(frame["indicator"])
    unmatched = " ".join(parsed.unmatched.values()).lower()
    assert "greater london authority" in unmatched or "gla" in unmatched
    assert "national park" in unmatched


FIRST_RELEASES = {
    "2010-11": dt.date(2011, 11, 30),  # fallback: the workbook is a 2012 revision
    "2011-12": dt.date(2012, 11, 27),
    "2012-13": dt.date(2013, 11, 28),
    "2013-14": dt.date(2014, 11, 30),  # fallback: the workbook is the January 2015 revision
    "2014-15": dt.date(2015, 11, 19),
    "2015-16": dt.date(2016, 11, 17),
    "2016-17": dt.date(2017, 11, 16),
    "2017-18": dt.date(2018, 11, 15),
}


@pytest.mark.parametrize("path", sorted(RS.glob("*.xls*")), ids=lambda p: p.name[:40])
def test_each_rs_year_is_dated_to_its_first_release(path):
    frame = RevenueOutturnImporter(path).parse().frame()
    nre = frame[frame["indicator"] == "rs_net_revenue_expenditure"]
    (period,) = set(nre["period"])
    assert set(frame["published"]) == {FIRST_RELEASES[period]}
    assert (frame["vintage"] >= frame["published"]).all()


def test_borrowing_by_lender_with_former_councils():
    rows = by_key(BorrowingImporter(BORROWING_2020).parse())
    worthing, northants = "E07000229", "E10000021"
    assert rows[(worthing, "gross_borrowing", "2019-20")][0] == 111271 + 2000 + 15000
    assert rows[(worthing, "borrowing_pwlb", "2019-20")][0] == 111271
    assert rows[(worthing, "borrowing_local_authorities", "2019-20")][0] == 17000
    assert rows[(worthing, "borrowing_short_term", "2019-20")][0] == 2000
    assert rows[(northants, "gross_borrowing", "2019-20")][0] == 431238 + 77000 + 43000 + 20000
    assert rows[(northants, "borrowing_banks", "2019-20")][0] == 77000
    assert rows[(worthing, "gross_borrowing", "2019-20")][2] == dt.date(2020, 7, 31)
    # the investments sheet of the same workbook: deposits, money market funds, other, LA loans
    assert rows[(worthing, "total_investments", "2019-20")][0] == 2000 + 6900 + 15000 + 1500
    assert rows[(worthing, "investments_local_authorities", "2019-20")][0] == 1500
    yearly = {key[2] for key in rows if key[1] == "gross_borrowing"}
    assert yearly == {f"{y}-{(y + 1) % 100:02d}" for y in range(2013, 2020)}  # year ends only
    # every quarter sheet feeds the quarterly series, a separate indicator
    quarters = {key[2] for key in rows if key[1] == "gross_borrowing_quarterly"}
    assert {f"{y}-{(y + 1) % 100:02d} Q{q}" for y in (2018, 2019) for q in (1, 2, 3, 4)} <= quarters
    year_end = rows[(worthing, "gross_borrowing_quarterly", "2019-20 Q4")]
    assert year_end[0] == rows[(worthing, "gross_borrowing", "2019-20")][0]
    thurrock = "E06000034"  # sheet 'LA Borrowing 19-20 Q1', as at 30 June 2019
    assert rows[(thurrock, "gross_borrowing_quarterly", "2019-20 Q1")][2] == dt.date(2019, 10, 31)
    assert rows[(thurrock, "total_investments_quarterly", "2019-20 Q1")][0] > 0

    older = by_key(BorrowingImporter(BORROWING_2018).parse())
    assert older[("E06000028", "gross_borrowing", "2016-17")][0] == 71988 + 11200  # Bournemouth
    assert older[(northants, "gross_borrowing", "2016-17")][0] == 527242
    assert ("E06000028", "gross_borrowing", "2019-20") not in rows  # abolished April 2019
    assert ("E06000058", "gross_borrowing", "2019-20") in rows  # BCP, its successor


def test_ofsted_judgements_with_dates_from_both_snapshots():
    early = by_key(OfstedImporter(OFSTED_2025).parse())
    late = by_key(OfstedImporter(OFSTED_2026).parse())
    barnsley = early[("E08000016", "ofsted_judgement", "ILACS 2023-09-15")]
    assert barnsley == (2.0, "good", dt.date(2023, 10, 27))
    assert early[("E08000016", "ofsted_help_and_protection", "ILACS 2023-09-15")][:2] == (
        3.0,
        "requires improvement",
    )
    bath_early = early[("E06000022", "ofsted_judgement", "ILACS 2022-03-04")]
    bath_late = late[("E06000022", "ofsted_judgement", "ILACS 2025-06-13")]
    assert bath_early[2] == dt.date(2022, 4, 19) and bath_late[2] == dt.date(2025, 8, 5)
    # Northamptonshire's successors share the children's trust inspection
    assert late[("E06000061", "ofsted_judgement", "ILACS 2022-10-14")][1] == "requires improvement"
    assert late[("E06000062", "ofsted_judgement", "ILACS 2022-10-14")][1] == "requires improvement"


def test_adult_social_care_metrics():
    rows = by_key(AdultSocialCareImporter(ASC).parse())
    assert rows[("E06000005", "asc_carer_quality_of_life", "2016-17")][0] == 7.6  # Darlington
    assert rows[("E06000005", "asc_carer_quality_of_life", "2016-17")][2] == dt.date(2017, 12, 31)


def test_import_is_idempotent_and_vintages_do_not_depend_on_order():
    import_files(RevenueOutturnImporter, [RS_2016, RS_2017])
    import_files(BorrowingImporter, [BORROWING_2020, BORROWING_2018])
    first = set(
        Observation.objects.values_list(
            "council_id", "indicator__code", "period", "published", "value", "vintage"
        )
    )
    import_files(BorrowingImporter, [BORROWING_2018, BORROWING_2020])
    import_files(RevenueOutturnImporter, [RS_2017, RS_2016])
    second = set(
        Observation.objects.values_list(
            "council_id", "indicator__code", "period", "published", "value", "vintage"
        )
    )
    assert first == second
    assert Observation.objects.count() == len(first)
    # a year both borrowing workbooks give is stored once, from the later workbook
    both = Observation.objects.filter(
        council__gss_code="E07000229", indicator__code="gross_borrowing", period="2016-17"
    )
    assert [o.source_file for o in both] == [BORROWING_2020.name]


def test_council_index_matches_by_gss_code_else_e_code_and_notes_the_rest():
    from apps.councils.models import Council
    from apps.indicators.importers.common import CouncilIndex

    adur = Council.objects.get(gss_code="E07000223")
    councils, unmatched = CouncilIndex(), {}
    assert councils.match("", "E07000223", "Adur", unmatched) == adur.pk
    assert councils.match(adur.ecode, "", "Adur", unmatched) == adur.pk
    assert councils.match(adur.ecode, "not a code", "Adur", unmatched) == adur.pk
    assert unmatched == {}
    assert councils.match("E9990", "E31000001", "Avon Fire", unmatched) is None
    assert councils.match("E9991", "", "Nowhere Fire", unmatched) is None
    assert unmatched == {"E31000001": "Avon Fire", "E9991": "Nowhere Fire"}
