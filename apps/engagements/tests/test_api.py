"""The API: create, transition (refusals with clear messages), plan actions, audit, schema."""

import pytest
from django.test import Client

from apps.engagements.models import AuditEntry, Engagement, State

pytestmark = pytest.mark.django_db


def post(path, body, headers):
    return Client().post(path, body, content_type="application/json", **headers)


def test_create_then_walk_the_lifecycle(people, offers, token_for):
    headers = token_for(people.ra_london)
    created = post(
        "/api/engagements/",
        {"council_gss": "e09000008", "title": "New concern", "summary": "Reserves falling"},
        headers,
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["state"] == "identified"
    assert created.json()["allowed_transitions"] == ["start_conversation", "escalate", "decline"]

    moved = post(
        f"/api/engagements/{pk}/transitions",
        {
            "transition": "start_conversation",
            "reason": "Met the CEO",
            "data": {"conversation_date": "2026-01-05", "with_whom": "Chief executive"},
        },
        headers,
    )
    assert moved.status_code == 200
    assert moved.json()["state"] == "first_conversation"
    assert moved.json()["history"][-1]["by"] == "ra1"
    assert moved.json()["history"][-1]["reason"] == "Met the CEO"


def test_illegal_transition_is_409_with_a_clear_message(people, cases, token_for):
    pk = cases.hackney.pk
    got = post(
        f"/api/engagements/{pk}/transitions",
        {"transition": "close_improved", "reason": "done", "data": {"outcome": "fine"}},
        token_for(people.pm),
    )
    assert got.status_code == 409
    assert "'Close as improved' is not allowed from 'Identified'" in got.json()["detail"]
    assert Engagement.objects.get(pk=pk).state == State.IDENTIFIED


def test_missing_consent_data_is_400_naming_the_fields(people, cases, token_for):
    pk = cases.hackney.pk
    headers = token_for(people.pm)
    post(
        f"/api/engagements/{pk}/transitions",
        {
            "transition": "start_conversation",
            "reason": "r",
            "data": {"conversation_date": "2026-01-05", "with_whom": "CEO"},
        },
        headers,
    )
    got = post(
        f"/api/engagements/{pk}/transitions",
        {"transition": "acknowledge_need", "reason": "r", "data": {}},
        headers,
    )
    assert got.status_code == 400
    assert set(got.json()["errors"]) == {
        "consent_given_by",
        "consent_role",
        "consent_date",
        "consent_scope",
    }


def test_create_for_a_council_outside_my_region_is_403(people, offers, token_for):
    got = post(
        "/api/engagements/", {"council_gss": "E06000039", "title": "x"}, token_for(people.ra_london)
    )
    assert got.status_code == 403
    assert not Engagement.objects.exists()
    missing = post(
        "/api/engagements/", {"council_gss": "E99999999", "title": "x"}, token_for(people.pm)
    )
    assert missing.status_code == 404 and "E99999999" in missing.json()["detail"]


def test_plan_actions_and_their_audit(people, cases, token_for):
    pk = cases.croydon_live.pk
    headers = token_for(people.ra_london)
    added = post(
        f"/api/engagements/{pk}/actions",
        {"title": "Close the budget gap", "owner": "S151", "due_date": "2026-03-31", "rag": "red"},
        headers,
    )
    assert added.status_code == 201
    action_id = added.json()["id"]
    changed = Client().patch(
        f"/api/engagements/{pk}/actions/{action_id}",
        {"rag": "green", "evidence": "Budget set", "reason": "Council approved"},
        content_type="application/json",
        **headers,
    )
    assert changed.status_code == 200 and changed.json()["rag"] == "green"
    bad = Client().patch(
        f"/api/engagements/{pk}/actions/{action_id}",
        {"rag": "purple"},
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 422 and "rag" in bad.json()["detail"]

    # the council user sees the plan and reports progress, but may not rewrite the action
    council = token_for(people.croydon)
    titles = [a["title"] for a in Client().get(f"/api/engagements/{pk}/actions", **council).json()]
    assert "Close the budget gap" in titles

    def patch(body, headers):
        return Client().patch(
            f"/api/engagements/{pk}/actions/{action_id}",
            body,
            content_type="application/json",
            **headers,
        )

    refused = patch({"title": "Something easier"}, council)
    assert refused.status_code == 403 and "title" in refused.json()["detail"]
    reported = patch(
        {"rag": "amber", "evidence": "Savings at risk", "reason": "Q3 return"}, council
    )
    assert reported.status_code == 200 and reported.json()["rag"] == "amber"
    assert patch({"rag": "red"}, token_for(people.peer)).status_code == 403
    assert patch({"rag": "red"}, token_for(people.slough)).status_code == 404

    trail = Client().get(f"/api/engagements/{pk}/audit", **council).json()
    staff_change, council_report = trail[-2], trail[-1]
    assert staff_change["verb"] == "update" and staff_change["object_type"] == "action"
    assert staff_change["before"]["rag"] == "red" and staff_change["after"]["rag"] == "green"
    assert staff_change["by"] == "ra1" and staff_change["reason"] == "Council approved"
    assert council_report["by"] == "cu1" and council_report["after"]["rag"] == "amber"
    assert council_report["reason"] == "Q3 return"
    assert AuditEntry.objects.filter(engagement_id=pk, object_type="action").count() >= 3


def test_openapi_schema_lists_the_engagement_endpoints(client, make_user):
    client.force_login(make_user())
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/engagements/",
        "/api/engagements/{engagement_id}",
        "/api/engagements/{engagement_id}/transitions",
        "/api/engagements/{engagement_id}/actions",
        "/api/engagements/{engagement_id}/audit",
        "/api/engagements/workflow",
        "/api/engagements/figures",
        "/api/support/offers",
    ):
        assert path in paths, path
    assert "post" in paths["/api/engagements/"]
    assert "409" in paths["/api/engagements/{engagement_id}/transitions"]["post"]["responses"]


def test_notes_by_anyone_on_the_case_only(people, cases, token_for):
    pk = cases.croydon_live.pk
    added = post(
        f"/api/engagements/{pk}/notes",
        {"text": "Cabinet agreed the plan"},
        token_for(people.croydon),
    )
    assert added.status_code == 201 and added.json()["author"] == "cu1"
    assert (
        post(f"/api/engagements/{pk}/notes", {"text": " "}, token_for(people.peer)).status_code
        == 422
    )
    refused = post(f"/api/engagements/{pk}/notes", {"text": "x"}, token_for(people.slough))
    assert refused.status_code == 404
    notes = Client().get(f"/api/engagements/{pk}/notes", **token_for(people.peer)).json()
    assert [n["text"] for n in notes] == ["Cabinet agreed the plan"]


def test_list_filters_never_widen_what_a_user_sees(people, cases, token_for):
    croydon = token_for(people.croydon)
    assert Client().get("/api/engagements/?council_gss=E06000039", **croydon).json() == []
    own = Client().get("/api/engagements/?council_gss=e09000008", **croydon).json()
    assert [e["id"] for e in own] == [cases.croydon_live.pk]
    pm = token_for(people.pm)
    identified = Client().get("/api/engagements/?state=identified", **pm).json()
    assert {e["id"] for e in identified} == {cases.croydon_early.pk, cases.hackney.pk}
