"""Web pages: signed-in only, exports, notes form permissions, map and comparison render."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from apps.accounts.models import Role
from apps.councils.models import Council
from apps.early_warning.models import SoftIntelligence
from apps.early_warning.services.compare import compare_frameworks

pytestmark = pytest.mark.django_db
AS_AT = "2019-11-01"


def signed_in(client, user):
    client.force_login(user)
    return client


def test_watchlist_needs_sign_in(client, councils_loaded):
    response = client.get("/early-warning/")
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_watchlist_page_and_exports(client, make_user, councils_loaded):
    api = signed_in(client, make_user(role=Role.BOARD_MEMBER))
    page = api.get(f"/early-warning/?as_at={AS_AT}")
    assert page.status_code == 200
    assert b"Watchlist as at 1 November 2019" in page.content
    assert b"Scores use published data only" in page.content
    csv_response = api.get(f"/early-warning/?as_at={AS_AT}&region=London&export=csv")
    lines = csv_response.content.decode().strip().splitlines()
    assert lines[0].startswith("gss_code,name,council_type,region,rank,score,band,top_reasons")
    london = Council.objects.existing_on(dt.date(2019, 11, 1)).filter(region="London").count()
    assert len(lines) == london + 1
    xlsx = api.get(f"/early-warning/?as_at={AS_AT}&export=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book["Watchlist"].cell(row=1, column=1).value == "gss_code"
    assert "as at 2019-11-01" in book["About"].cell(row=1, column=1).value


def test_future_date_is_refused_with_a_message(client, make_user, councils_loaded):
    api = signed_in(client, make_user(role=Role.PROGRAMME_MANAGER))
    page = api.get("/early-warning/?as_at=2999-01-01")
    assert b"The date cannot be in the future" in page.content


def test_council_page_shows_notes_only_to_those_allowed(client, make_user, councils_loaded):
    croydon = Council.objects.get(gss_code="E09000008")
    SoftIntelligence.objects.create(
        council=croydon,
        category="whistleblowing",
        severity=3,
        observed_on=dt.date(2019, 6, 1),
        summary="Secret concern about governance",
    )
    url = f"/early-warning/councils/E09000008/?as_at={AS_AT}"
    ra = make_user(role=Role.REGIONAL_ASSOCIATE, region="London")
    assert b"Secret concern" in signed_in(client, ra).get(url).content
    client.logout()
    other = make_user(role=Role.REGIONAL_ASSOCIATE, region="North West")
    page = signed_in(client, other).get(url)
    assert page.status_code == 200 and b"Secret concern" not in page.content
    client.logout()
    board = make_user(role=Role.BOARD_MEMBER)
    assert b"Secret concern" not in signed_in(client, board).get(url).content


def test_note_form_permissions_and_saving(client, make_user, councils_loaded):
    url = "/early-warning/councils/E09000008/notes/new/"
    data = {
        "category": "auditor_report",
        "severity": "3",
        "observed_on": "2020-10-23",
        "summary": "Report in the public interest",
        "detail": "",
    }
    board = make_user(role=Role.BOARD_MEMBER)
    assert signed_in(client, board).post(url, data).status_code == 404
    client.logout()
    own = make_user(role=Role.COUNCIL_USER, council="E09000008")
    assert signed_in(client, own).post(url, data).status_code == 403
    client.logout()
    elsewhere = make_user(role=Role.REGIONAL_ASSOCIATE, region="South East")
    assert signed_in(client, elsewhere).post(url, data).status_code == 404
    client.logout()
    ra = make_user(role=Role.REGIONAL_ASSOCIATE, region="London")
    response = signed_in(client, ra).post(url, data)
    assert response.status_code == 302
    note = SoftIntelligence.objects.get()
    assert note.author == ra and note.council.gss_code == "E09000008"
    bad = signed_in(client, ra).post(url, {**data, "observed_on": "2999-01-01"})
    assert b"The date cannot be in the future" in bad.content
    assert SoftIntelligence.objects.count() == 1


def test_map_and_compare_pages_render(client, make_user, councils_loaded):
    api = signed_in(client, make_user(role=Role.PROGRAMME_MANAGER))
    for level in ("district", "county"):
        page = api.get(f"/early-warning/map/?as_at={AS_AT}&level={level}")
        assert page.status_code == 200 and b'<svg class="nlb-map"' in page.content
        assert b'<a href="/early-warning/councils/E09000008/?as_at=' in page.content
    page = api.get(f"/early-warning/compare/?as_at={AS_AT}")
    assert page.status_code == 200 and b"Rank correlation" in page.content
    assert api.get("/early-warning/frameworks/").status_code == 200


def test_compare_identical_frameworks_agree_fully(councils_loaded):
    result = compare_frameworks(
        dt.date(2019, 11, 1), "england_early_warning", "england_early_warning"
    )
    assert result["councils"] == Council.objects.existing_on(dt.date(2019, 11, 1)).count()
    assert result["top_tenth_overlap"] == result["top_tenth"]


def test_notes_list_is_filtered_by_case_rules(client, make_user, councils_loaded):
    for gss, text in (("E09000008", "Croydon concern"), ("E06000039", "Slough concern")):
        SoftIntelligence.objects.create(
            council=Council.objects.get(gss_code=gss),
            category="other",
            severity=2,
            observed_on=dt.date(2020, 1, 1),
            summary=text,
        )
    ra = make_user(role=Role.REGIONAL_ASSOCIATE, region="London")
    page = signed_in(client, ra).get("/early-warning/notes/")
    assert b"Croydon concern" in page.content and b"Slough concern" not in page.content
    client.logout()
    board = make_user(role=Role.BOARD_MEMBER)
    assert signed_in(client, board).get("/early-warning/notes/").status_code == 403


def test_watchlist_filters_update_in_place_with_htmx(client, make_user, councils_loaded):
    api = signed_in(client, make_user(role=Role.PROGRAMME_MANAGER))
    partial = api.get(f"/early-warning/?as_at={AS_AT}&region=London", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert b"<h1" not in partial.content and b'id="watchlist"' in partial.content
