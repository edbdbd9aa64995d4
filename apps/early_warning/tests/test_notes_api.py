"""Soft-intelligence notes: the case rules of apps.accounts.permissions, through the API."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.accounts.models import ApiToken, Role
from apps.councils.models import Council
from apps.early_warning.models import SoftIntelligence

pytestmark = pytest.mark.django_db

CROYDON = "E09000008"
SLOUGH = "E06000039"


def client_for(client, user):
    token = ApiToken.issue(user)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def note_payload(gss=CROYDON, **extra):
    return {
        "council_gss": gss,
        "category": "auditor_report",
        "severity": 3,
        "observed_on": "2020-10-23",
        "summary": "Auditor issued a report in the public interest",
        **extra,
    }


@pytest.fixture
def croydon_note(councils_loaded):
    return SoftIntelligence.objects.create(
        council=Council.objects.get(gss_code=CROYDON),
        category="whistleblowing",
        severity=2,
        observed_on=dt.date(2020, 6, 1),
        summary="Concerns raised about a housing company",
    )


def test_regional_associate_records_a_note_in_their_region(client, make_user, councils_loaded):
    ra = make_user(role=Role.REGIONAL_ASSOCIATE, region="London")
    response = client_for(client, ra).post(
        "/api/early-warning/notes/", note_payload(), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["author"] == ra.username
    assert SoftIntelligence.objects.filter(council__gss_code=CROYDON).count() == 1


def test_regional_associate_cannot_record_or_see_other_regions(client, make_user, croydon_note):
    ra = make_user(role=Role.REGIONAL_ASSOCIATE, region="South East")
    api = client_for(client, ra)
    response = api.post(
        "/api/early-warning/notes/", note_payload(CROYDON), content_type="application/json"
    )
    assert response.status_code == 404
    assert api.get(f"/api/early-warning/notes/{croydon_note.pk}/").status_code == 404
    assert api.get("/api/early-warning/notes/").json() == []
    ok = api.post(
        "/api/early-warning/notes/", note_payload(SLOUGH), content_type="application/json"
    )
    assert ok.status_code == 201


def test_council_user_sees_only_notes_shared_with_it_and_cannot_record(
    client, make_user, croydon_note
):
    """Intelligence about a council is for those who hold the case, not the council itself."""
    own = make_user(role=Role.COUNCIL_USER, council=CROYDON)
    api = client_for(client, own)
    assert api.get("/api/early-warning/notes/").json() == []
    assert api.get(f"/api/early-warning/notes/{croydon_note.pk}/").status_code == 404
    gss = croydon_note.council.gss_code
    detail = api.get(f"/api/early-warning/councils/{gss}/").json()
    assert not detail["notes"]
    croydon_note.shared_with_council = True
    croydon_note.save()
    assert [n["id"] for n in api.get("/api/early-warning/notes/").json()] == [croydon_note.pk]
    response = api.post(
        "/api/early-warning/notes/", note_payload(), content_type="application/json"
    )
    assert response.status_code == 403
    other = make_user(role=Role.COUNCIL_USER, council=SLOUGH)
    api = client_for(client, other)
    assert api.get(f"/api/early-warning/notes/{croydon_note.pk}/").status_code == 404


def test_board_member_gets_403_for_notes(client, make_user, croydon_note):
    board = make_user(role=Role.BOARD_MEMBER)
    api = client_for(client, board)
    assert api.get("/api/early-warning/notes/").status_code == 403
    response = api.post(
        "/api/early-warning/notes/", note_payload(), content_type="application/json"
    )
    assert response.status_code == 403


def test_bad_note_is_refused_and_nothing_written(client, make_user, councils_loaded):
    pm = make_user(role=Role.PROGRAMME_MANAGER)
    api = client_for(client, pm)
    for bad in (
        note_payload(category="gossip"),
        note_payload(severity=7),
        note_payload(observed_on="2999-01-01"),
        note_payload(summary="  "),
    ):
        response = api.post("/api/early-warning/notes/", bad, content_type="application/json")
        assert response.status_code == 422, bad
    assert (
        api.post(
            "/api/early-warning/notes/", note_payload("E99999999"), content_type="application/json"
        ).status_code
        == 404
    )
    assert SoftIntelligence.objects.count() == 0


def test_notes_count_only_from_their_date_and_only_for_national_roles(
    client, make_user, croydon_note
):
    """A note observed after D changes nothing at D; non-national roles never get note points."""
    pm = make_user(role=Role.PROGRAMME_MANAGER)
    api = client_for(client, pm)
    before = api.get(f"/api/early-warning/councils/{CROYDON}/?as_at=2020-05-31").json()
    after = api.get(f"/api/early-warning/councils/{CROYDON}/?as_at=2020-06-01").json()
    assert "notes_other_warnings" not in before["flags"]
    assert "notes_other_warnings" in after["flags"]
    assert [n["id"] for n in after["notes"]] == [croydon_note.pk]
    assert before["notes"] == []
    ra = make_user(role=Role.REGIONAL_ASSOCIATE, region="London")
    seen = client_for(client, ra).get(f"/api/early-warning/councils/{CROYDON}/?as_at=2020-06-01")
    assert "notes_other_warnings" not in seen.json()["flags"]
    board = make_user(role=Role.BOARD_MEMBER)
    seen = client_for(client, board).get(f"/api/early-warning/councils/{CROYDON}/?as_at=2020-06-01")
    assert seen.status_code == 200 and seen.json()["notes"] is None


def test_watchlist_api_lists_every_council_existing_on_the_date(client, make_user, councils_loaded):
    board = make_user(role=Role.BOARD_MEMBER)
    data = client_for(client, board).get("/api/early-warning/watchlist/?as_at=2019-11-01").json()
    expected = Council.objects.existing_on(dt.date(2019, 11, 1)).count()
    assert len(data["councils"]) == expected
    assert data["includes_soft_intelligence"] is False
    assert sorted(r["rank"] for r in data["councils"]) == list(range(1, expected + 1))


def test_watchlist_api_filters_keep_whole_list_ranks(client, make_user, councils_loaded):
    pm = make_user(role=Role.PROGRAMME_MANAGER)
    data = (
        client_for(client, pm)
        .get("/api/early-warning/watchlist/?as_at=2019-11-01&region=London")
        .json()
    )
    london = Council.objects.existing_on(dt.date(2019, 11, 1)).filter(region="London").count()
    assert len(data["councils"]) == london
    assert data["includes_soft_intelligence"] is True
    bad = client_for(client, pm).get("/api/early-warning/watchlist/?framework=nope")
    assert bad.status_code == 400 and "no framework" in bad.json()["detail"]
