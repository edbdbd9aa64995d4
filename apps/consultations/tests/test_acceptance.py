"""The issue's acceptance points: late responses kept and flagged, public form closed after the
date, campaigns grouped and counted (never dropped)."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.consultations.analysis import find_campaigns
from apps.consultations.models import Channel, Response
from apps.consultations.services.campaigns import campaign_groups
from apps.core.tokens import hash_token

pytestmark = pytest.mark.django_db


def test_public_form_is_closed_after_the_closing_date(client, make_consultation):
    c = make_consultation(opens=-30, closes=-1)
    page = client.get(reverse("consultations:respond", args=[c.slug]))
    assert page.status_code == 410
    assert "This consultation has closed" in page.content.decode()
    posted = client.post(
        reverse("consultations:respond", args=[c.slug]),
        {"respondent_type": "individual", "consent_to_publish": "yes", "q5_text": "Late view"},
    )
    assert posted.status_code == 410
    assert Response.objects.count() == 0


def test_saved_draft_cannot_be_submitted_after_close(client, make_consultation):
    c = make_consultation(opens=-30, closes=-1)
    draft = Response.objects.create(consultation=c)
    page = client.post(
        reverse("consultations:resume", args=[draft.token]),
        {"respondent_type": "individual", "consent_to_publish": "yes", "q5_text": "Late"},
    )
    assert page.status_code == 410
    draft.refresh_from_db()
    assert not draft.is_submitted


def test_late_response_entered_by_staff_is_kept_and_flagged(client, make_consultation, make_user):
    c = make_consultation(opens=-30, closes=-3)
    client.force_login(make_user(role=Role.PROGRAMME_MANAGER))
    page = client.post(
        reverse("consultations:staff_entry", args=[c.slug]),
        {
            "received_on": timezone.localdate().strftime("%d/%m/%Y"),
            "channel": Channel.STAFF,
            "respondent_type": "organisation",
            "organisation": "A county council",
            "group": "chief_executives",
            "consent_to_publish": "no",
            "q1": "Agree",
            "q5_text": "Sent by post after the deadline.",
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    response = Response.objects.get()
    assert response.is_submitted and response.is_late
    assert response.channel == Channel.STAFF
    assert response.answers.get(question__number=5).text == "Sent by post after the deadline."
    listing = client.get(reverse("consultations:responses", args=[c.slug]) + "?show=late")
    assert response.reference in listing.content.decode()


def test_response_received_by_closing_day_is_not_late(client, make_consultation, make_user):
    c = make_consultation(opens=-30, closes=-3)
    client.force_login(make_user(role=Role.PROGRAMME_MANAGER))
    client.post(
        reverse("consultations:staff_entry", args=[c.slug]),
        {
            "received_on": c.closes_on.strftime("%d/%m/%Y"),
            "channel": Channel.STAFF,
            "respondent_type": "individual",
            "consent_to_publish": "yes",
            "q1": "Disagree",
        },
    )
    response = Response.objects.get()
    assert response.channel == Channel.STAFF and not response.is_late


def test_same_text_fifty_times_is_one_campaign_of_fifty_all_kept(client, consultation):
    text = (
        "We support sector-led help but small councils need funded support, not a bill for "
        "the help they are given."
    )
    url = reverse("consultations:respond", args=[consultation.slug])
    for _ in range(50):
        page = client.post(
            url, {"respondent_type": "individual", "consent_to_publish": "yes", "q5_text": text}
        )
        assert page.status_code == 302
    # Some distinct responses that must not join the campaign.
    for other in ["Inspection should be co-ordinated, not tripled.", "Peers made the difference."]:
        client.post(
            url, {"respondent_type": "individual", "consent_to_publish": "no", "q5_text": other}
        )
    assert Response.objects.submitted().filter(consultation=consultation).count() == 52
    groups = campaign_groups(consultation)
    assert len(groups) == 1
    assert groups[0].size == 50
    members = set(groups[0].answers.values_list("response_id", flat=True))
    assert len(members) == 50
    assert members == set(Response.objects.filter(answers__text=text).values_list("pk", flat=True))


def test_campaign_grouping_tolerates_small_edits_and_keeps_distinct_texts_apart():
    template = (
        "As members of our network we support the principle of sector-led help, but the "
        "framework must recognise the limited capacity of small districts."
    )
    texts = [template, template.upper(), template.replace("network", "network,") + " Thanks!"]
    texts += ["Government should share its early warning data with the sector so we can act."]
    texts += ["Peer challenge from people who have run a council carries weight."]
    groups = find_campaigns(texts)
    assert groups == [[0, 1, 2]]


def test_public_submission_is_not_late_and_sends_confirmation(client, consultation):
    page = client.post(
        reverse("consultations:respond", args=[consultation.slug]),
        {
            "respondent_type": "individual",
            "email": "resident@example.org",
            "consent_to_publish": "yes",
            "q1": "Strongly agree",
            "q2": ["Trust", "Clarity"],
            "q5_text": "Keep peers at the heart of it.",
        },
    )
    assert page.status_code == 302
    response = Response.objects.get()
    assert not response.is_late and response.channel == Channel.ONLINE
    assert response.answers.get(question__number=2).choices == ["Trust", "Clarity"]
    assert len(mail.outbox) == 1 and response.reference in mail.outbox[0].body
    token = page["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert response.token_hash == hash_token(token)
    assert token in mail.outbox[0].body  # link back to the private copy


def test_late_flag_uses_london_closing_moment(consultation):
    r = Response.objects.create(consultation=consultation)
    r.submit(when=consultation.closes_at + dt.timedelta(seconds=1))
    assert r.is_late
    r2 = Response.objects.create(consultation=consultation)
    r2.submit(when=consultation.closes_at - dt.timedelta(seconds=1))
    assert not r2.is_late
