"""The whole shipped dataset as bootstrap loads it, the API and the pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from apps.accounts.models import ApiToken, Role
from apps.indicators.catalogue import catalogue_entries
from apps.indicators.models import Observation
from apps.indicators.services.point_in_time import catalogue, latest_known_on

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
NORTHANTS, CROYDON, SLOUGH = "E10000021", "E09000008", "E06000039"


@pytest.fixture
def token(make_user):
    return ApiToken.issue(make_user(role=Role.PEER))


def test_every_catalogue_code_is_loaded_and_has_data(shipped_indicators):
    codes = {entry["code"] for entry in catalogue_entries()}  # forecast twins too
    assert codes <= set(catalogue()["code"])
    with_data = set(Observation.objects.values_list("indicator__code", flat=True).distinct())
    assert codes <= with_data
    required = {
        "nre",
        "usable_reserves",
        "reserves_to_nre",
        "reserves_change_3y",
        "reserves_sustainability_years",
        "gross_borrowing",
        "borrowing_to_nre",
        "borrowing_growth",
        "interest_to_nre",
        "social_care_share",
        "council_tax_to_nre",
        "ofsted_judgement",
        "cfr_to_nre",
        "cfr_to_nre_forecast",
        "external_debt_to_cfr",
        "mrp_to_nre",
        "investments_to_nre",
        "borrowing_growth_less_cfr_growth",
        "borrowing_growth_12m",
        "asc_workforce_turnover",
    }
    assert required <= codes


def test_newest_periods_of_every_source_are_loaded(shipped_indicators):
    latest = {
        code: max(Observation.objects.filter(indicator__code=code).values_list("period", flat=True))
        for code in (
            "asc_quality_of_life",
            "gross_borrowing_quarterly",
            "capital_financing_requirement",
            "capital_financing_requirement_forecast",
        )
    }
    assert latest == {
        "asc_quality_of_life": "2022-23",
        "gross_borrowing_quarterly": "2019-20 Q4",
        "capital_financing_requirement": "2018-19",
        "capital_financing_requirement_forecast": "2020-21",
    }
    inspections = Observation.objects.filter(indicator__code="ofsted_judgement")
    assert max(inspections.values_list("published", flat=True)).year == 2026


def test_northamptonshire_reserves_as_known_a_year_before_its_notice(shipped_indicators):
    known = latest_known_on(dt.date(2017, 2, 2), ["reserves_to_nre", "usable_reserves"])
    ratio = known[(known["gss_code"] == NORTHANTS) & (known["indicator"] == "reserves_to_nre")]
    assert ratio.iloc[0]["period"] == "2015-16"  # 2016-17 outturn came out in November 2017
    ranked = known[known["indicator"] == "reserves_to_nre"].sort_values("value")
    assert NORTHANTS in ranked["gss_code"].head(5).tolist()
    final = latest_known_on(None, ["reserves_to_nre"])
    value = final.loc[final["gss_code"] == NORTHANTS, "value"].iloc[0]
    assert value == pytest.approx((5185 + 0) / 421883.8066 * 100)


def test_import_indicators_is_idempotent(shipped_indicators):
    from io import StringIO

    from django.core.management import call_command

    before = set(
        Observation.objects.values_list(
            "council_id", "indicator_id", "period", "published", "value"
        )
    )
    call_command("import_indicators", stdout=StringIO())
    after = set(
        Observation.objects.values_list(
            "council_id", "indicator_id", "period", "published", "value"
        )
    )
    assert before == after


def test_api_catalogue_and_council_observations(client, token, shipped_indicators):
    auth = {"Authorization": f"Bearer {token}"}
    listing = client.get("/api/indicators/", headers=auth)
    assert listing.status_code == 200
    entry = next(e for e in listing.json() if e["code"] == "reserves_to_nre")
    assert entry["polarity"] == "lower_is_worse" and entry["unit"] == "%"

    body = client.get(
        f"/api/indicators/{CROYDON}/?as_at=2019-11-01&indicator=reserves_to_nre&indicator=nre",
        headers=auth,
    ).json()
    assert body["name"] == "Croydon"
    assert {o["indicator"] for o in body["observations"]} == {"reserves_to_nre", "nre"}
    assert all(o["published"] <= "2019-11-01" for o in body["observations"])
    assert max(o["period"] for o in body["observations"]) == "2017-18"

    latest = client.get(
        "/api/indicators/latest/?as_at=2017-02-02&indicator=reserves_to_nre", headers=auth
    ).json()
    assert len({row["gss_code"] for row in latest}) == len(latest) > 300
    northants = next(row for row in latest if row["gss_code"] == NORTHANTS)
    assert northants["period"] == "2015-16" and northants["published"] <= "2017-02-02"

    assert client.get(f"/api/indicators/{SLOUGH}/").status_code == 401
    assert client.get("/api/indicators/E99999999/", headers=auth).status_code == 404


def test_pages_need_sign_in_and_show_definitions(client, make_user, shipped_indicators):
    assert client.get("/indicators/").status_code == 302
    client.force_login(make_user(role=Role.COUNCIL_USER, council=SLOUGH))
    page = client.get("/indicators/").content.decode()
    assert "Usable reserves as a share of net revenue expenditure" in page
    assert "Revenue Outturn Summary" in page
    council = client.get(f"/indicators/{SLOUGH}/?as_at=2018-01-01").content.decode()
    assert "Published indicators" in council and "2016-17" in council
    assert re.search(r"2017-18(?! Q)", council) is None  # no 2017-18 year figure before Nov 2018
    assert "2017-18 Q1" in council  # but its first quarter's borrowing was out (31 Oct 2017)
    export = client.get(f"/indicators/{SLOUGH}/?format=csv")
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    lines = export.content.decode().splitlines()
    assert lines[0] == "gss_code,indicator,period,period_end,value,text_value,published"
    assert any(line.startswith(f"{SLOUGH},gross_borrowing,2019-20,") for line in lines)


def test_history_shows_first_publication_and_revisions(client, make_user, shipped_indicators):
    client.force_login(make_user(role=Role.BOARD_MEMBER))
    page = client.get("/indicators/E10000003/usable_reserves/").content.decode()
    assert "<svg" in page and 'role="img"' in page  # chart, with the table as its alternative
    assert "Usable reserves by period" in page
    # 31 March 2017 level: first published with the 2016-17 outturn, restated a year later
    assert "63,498.3 published 16 November 2017, then 65,503 published 15 November 2018" in page
    earlier = client.get("/indicators/E10000003/usable_reserves/?as_at=2018-01-01")
    assert "2017-18" not in earlier.content.decode()
    assert "then 65,503" not in earlier.content.decode()
    ofsted = client.get("/indicators/E06000039/ofsted_judgement/").content.decode()
    assert "ILACS 2023-02-03" in ofsted and "Requires improvement" in ofsted
    assert client.get("/indicators/E06000039/no_such_indicator/").status_code == 404


def test_excel_export(client, make_user, shipped_indicators):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(make_user(role=Role.BOARD_MEMBER))
    response = client.get(f"/indicators/{NORTHANTS}/?format=xlsx&as_at=2018-03-01")
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("gss_code", "indicator", "period")
    assert all(str(row[6]) <= "2018-03-01" for row in rows[1:])
    assert any(row[1] == "reserves_to_nre" and row[2] == "2016-17" for row in rows[1:])
