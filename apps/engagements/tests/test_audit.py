"""One audit mechanism: every change to an engagement, plan, action, note or deployment is kept
with who, when, before and after, and shown to those who may see the case."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from apps.councils.models import Council
from apps.engagements import services
from apps.engagements.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_every_kind_of_change_is_audited(people, offers):
    ra = people.ra_london
    e = services.create_engagement(
        council=Council.objects.get(gss_code="E09000012"), title="Hackney", by=ra
    )
    e = services.update_engagement(e, by=ra, reason="clearer", title="Hackney finances")
    e = services.transition(
        e,
        "start_conversation",
        by=ra,
        reason="met",
        data={"conversation_date": "2026-01-02", "with_whom": "CEO"},
    )
    action = services.add_action(e, by=ra, title="Plan", owner="CEO", due_date=dt.date(2026, 2, 1))
    services.update_action(action, by=ra, reason="slipped", due_date=dt.date(2026, 3, 1))
    services.add_note(e, by=ra, text="Spoke to the leader")
    member = services.deploy(e, people.peer, "lead_member_peer", by=people.pm)
    services.end_deployment(member, by=people.pm, end=dt.date(2026, 6, 1))
    services.delete_action(action, by=ra, reason="merged into another action")

    entries = list(AuditEntry.objects.filter(engagement=e).order_by("pk"))
    summary = [(a.verb, a.object_type, a.by.username) for a in entries]
    assert summary == [
        ("create", "engagement", "ra1"),
        ("update", "engagement", "ra1"),
        ("transition", "engagement", "ra1"),
        ("create", "action", "ra1"),
        ("update", "action", "ra1"),
        ("create", "note", "ra1"),
        ("create", "engagementmember", "pm1"),
        ("update", "engagementmember", "pm1"),
        ("delete", "action", "ra1"),
    ]
    rename = entries[1]
    assert rename.changes() == [("Title", "Hackney", "Hackney finances")]
    assert rename.reason == "clearer"
    moved = dict((k, (b, a)) for k, b, a in entries[2].changes())
    assert moved["State"] == ("identified", "first_conversation")
    assert "Id" not in moved and "State changed at" not in moved
    slipped = entries[4].changes()
    assert ("Due date", "2026-02-01", "2026-03-01") in slipped
    deleted = entries[-1]
    assert deleted.after is None and deleted.before["title"] == "Plan"
    assert deleted.reason == "merged into another action"


def test_a_refused_change_leaves_no_trace(people, offers):
    e = services.create_engagement(
        council=Council.objects.get(gss_code="E09000012"), title="Hackney", by=people.pm
    )
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.add_action(e, by=people.pm, title="", owner="x", due_date=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError):
        services.update_engagement(e, by=people.pm, state="closed_improved")
    assert AuditEntry.objects.count() == before


def test_audit_page_shows_before_and_after_to_allowed_viewers(people, cases):
    pk = cases.croydon_live.pk
    client = Client()
    client.force_login(people.croydon)
    page = client.get(f"/engagements/{pk}/audit/").content.decode()
    assert "A. Leader" in page  # consent recorded, in the after column
    assert "first_conversation" in page and "need_acknowledged" in page
    client.force_login(people.slough)
    assert client.get(f"/engagements/{pk}/audit/").status_code == 404


def test_web_edit_and_removal_are_audited(people, cases):
    client = Client()
    client.force_login(people.ra_london)
    e = cases.croydon_live
    got = client.post(
        f"/engagements/{e.pk}/edit/",
        {"title": "Croydon recovery", "summary": "", "reason": "renamed"},
    )
    assert got.status_code == 302
    action = e.actions.get()
    refused = client.post(f"/engagements/{e.pk}/actions/{action.pk}/remove/", {"reason": ""})
    assert refused.status_code == 302 and e.actions.exists()
    client.post(f"/engagements/{e.pk}/actions/{action.pk}/remove/", {"reason": "duplicate"})
    assert not e.actions.exists()
    last_two = list(AuditEntry.objects.filter(engagement=e).order_by("-pk")[:2])
    assert [(a.verb, a.object_type) for a in last_two] == [
        ("delete", "action"),
        ("update", "engagement"),
    ]
    client.force_login(people.croydon)
    assert client.post(f"/engagements/{e.pk}/edit/", {"title": "x"}).status_code == 403
