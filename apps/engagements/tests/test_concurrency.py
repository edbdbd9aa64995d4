"""Two people, one record: the second edit from an old version is refused with 409 and a clear
message; a create-form sent twice (double click, resubmit) creates one record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from apps.engagements import services
from apps.engagements.models import AuditEntry, Engagement, Note

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def action(people, cases):
    return services.add_action(
        cases.croydon_live, by=people.pm, title="Budget", owner="S151", due_date=dt.date(2027, 1, 1)
    )


def form_data(action, **changes) -> dict:
    data = {
        "title": action.title,
        "owner": action.owner,
        "due_date": action.due_date.isoformat(),
        "rag": action.rag,
        "evidence": action.evidence,
        "completed_on": "",
        "reason": "",
        "version": action.version,
    }
    return {**data, **changes}


def test_second_of_two_simultaneous_action_edits_is_refused(people, cases, action):
    url = f"/engagements/{cases.croydon_live.pk}/actions/{action.pk}/"
    first, second = signed_in(people.pm), signed_in(people.ra_london)
    opened = form_data(action)  # both opened the page at version 1
    assert first.post(url, {**opened, "rag": "red"}).status_code == 302
    refused = second.post(url, {**opened, "rag": "green", "evidence": "All done"})
    assert refused.status_code == 409
    assert b"Someone else changed this action after you opened it" in refused.content
    action.refresh_from_db()
    assert (action.rag, action.evidence, action.version) == ("red", "", 2)
    updates = AuditEntry.objects.filter(object_type="action", object_id=action.pk, verb="update")
    assert updates.count() == 1
    # reloaded, the second person's change goes through and records the true "before"
    assert second.post(url, {**form_data(action), "rag": "green"}).status_code == 302
    last = updates.order_by("-pk").first()
    assert (last.before["rag"], last.after["rag"]) == ("red", "green")


def test_api_patch_from_an_old_version_is_409(people, cases, action, token_for):
    url = f"/api/engagements/{cases.croydon_live.pk}/actions/{action.pk}"
    headers = token_for(people.pm)
    ok = Client().patch(url, {"rag": "red", "version": 1}, "application/json", **headers)
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = Client().patch(url, {"rag": "green", "version": 1}, "application/json", **headers)
    assert stale.status_code == 409
    assert "Someone else changed this action" in stale.json()["detail"]
    action.refresh_from_db()
    assert action.rag == "red"


def test_engagement_edit_from_an_old_version_is_409(people, cases):
    case = cases.croydon_live
    url = f"/engagements/{case.pk}/edit/"
    opened = {"title": case.title, "summary": case.summary, "reason": "", "version": case.version}
    assert signed_in(people.pm).post(url, {**opened, "title": "New title"}).status_code == 302
    refused = signed_in(people.ra_london).post(url, {**opened, "title": "Other title"})
    assert refused.status_code == 409
    assert Engagement.objects.get(pk=case.pk).title == "New title"


def test_a_note_sent_twice_is_saved_once(people, cases):
    client = signed_in(people.pm)
    page = client.get(f"/engagements/{cases.croydon_live.pk}/").content.decode()
    key = page.split('name="idempotency_key" value="')[1].split('"')[0]
    url = f"/engagements/{cases.croydon_live.pk}/notes/"
    for _ in range(2):
        got = client.post(url, {"text": "Met the S151", "idempotency_key": key})
        assert got.status_code == 302
    assert Note.objects.filter(text="Met the S151").count() == 1
    followed = client.post(url, {"text": "Met the S151", "idempotency_key": key}, follow=True)
    assert b"saved once" in followed.content


def test_an_engagement_and_an_action_double_clicked_are_created_once(people, cases):
    client = signed_in(people.pm)
    key = "a" * 32
    data = {
        "council": "E08000025",
        "title": "Birmingham twice",
        "summary": "",
        "idempotency_key": key,
    }
    first = client.post("/engagements/new/", data)
    second = client.post("/engagements/new/", data)
    assert first["Location"] == second["Location"]
    assert Engagement.objects.filter(title="Birmingham twice").count() == 1
    url = f"/engagements/{cases.croydon_live.pk}/actions/new/"
    action = {"title": "Once", "owner": "CEO", "due_date": "2027-01-01", "rag": "amber"}
    for _ in range(2):
        client.post(url, {**action, "evidence": "", "idempotency_key": "b" * 32})
    assert cases.croydon_live.actions.filter(title="Once").count() == 1


def test_a_refused_form_can_be_corrected_and_sent_with_the_same_key(people, cases):
    client = signed_in(people.pm)
    url = f"/engagements/{cases.croydon_live.pk}/actions/new/"
    bad = {"title": "", "owner": "CEO", "due_date": "2027-01-01", "rag": "amber"}
    assert client.post(url, {**bad, "idempotency_key": "c" * 32}).status_code == 200
    good = {**bad, "title": "Fixed"}
    assert client.post(url, {**good, "idempotency_key": "c" * 32}).status_code == 302
    assert cases.croydon_live.actions.filter(title="Fixed").count() == 1
