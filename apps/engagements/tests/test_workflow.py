"""The declared lifecycle: only allowed transitions, each with its data, who, when and why."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from apps.councils.models import Council
from apps.engagements import services, workflow
from apps.engagements.models import Engagement, State
from apps.engagements.tests.conftest import walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def engagement(people, offers):
    return services.create_engagement(
        council=Council.objects.get(gss_code="E09000008"), title="Test", by=people.ra_london
    )


def test_every_state_is_reachable_and_every_transition_declared_once():
    targets = {t.target for t in workflow.TRANSITIONS} | {State.IDENTIFIED}
    assert targets == set(State.values)
    assert len(workflow.BY_NAME) == len(workflow.TRANSITIONS)


def test_happy_path_records_who_when_why(engagement, people):
    e = walk(
        engagement,
        people.ra_london,
        "start_conversation",
        "acknowledge_need",
        "agree_support",
        "start_delivery",
        "begin_review",
        "close_improved",
    )
    assert e.state == State.CLOSED_IMPROVED
    assert e.consent_given_by == "A. Leader" and e.consent_date == dt.date(2026, 1, 10)
    assert list(e.offers.values_list("slug", flat=True)) == ["finance-peer-review"]
    history = list(e.transitions.values_list("from_state", "to_state", "by__username", "reason"))
    assert history[0] == ("", "identified", "ra1", "Engagement opened")
    assert history[-1] == ("progress_review", "closed_improved", "ra1", "test close_improved")
    assert len(history) == 7


def test_illegal_transition_is_refused_with_a_clear_message(engagement, people):
    with pytest.raises(workflow.TransitionRefused) as refused:
        services.transition(
            engagement, "close_improved", by=people.ra_london, reason="x", data={"outcome": "x"}
        )
    message = refused.value.message
    assert "'Close as improved' is not allowed from 'Identified'" in message
    assert "'Progress review'" in message and "Record the first conversation" in message
    engagement.refresh_from_db()
    assert engagement.state == State.IDENTIFIED
    assert engagement.transitions.count() == 1


def test_consent_needs_who_role_date_and_scope(engagement, people):
    walk(engagement, people.ra_london, "start_conversation")
    with pytest.raises(workflow.TransitionRefused) as refused:
        services.transition(
            engagement,
            "acknowledge_need",
            by=people.ra_london,
            reason="ok",
            data={"consent_given_by": "Leader", "consent_date": "31/02/2026"},
        )
    errors = refused.value.errors
    assert set(errors) == {"consent_role", "consent_date", "consent_scope"}
    assert "real date" in errors["consent_date"]
    assert Engagement.objects.get(pk=engagement.pk).state == State.FIRST_CONVERSATION


def test_reason_is_required(engagement, people):
    with pytest.raises(workflow.TransitionRefused, match="needs a reason"):
        services.transition(
            engagement,
            "start_conversation",
            by=people.ra_london,
            reason=" ",
            data={"conversation_date": "2026-01-01", "with_whom": "CEO"},
        )


def test_delivery_needs_a_plan(engagement, people):
    walk(engagement, people.ra_london, "start_conversation", "acknowledge_need", "agree_support")
    with pytest.raises(workflow.TransitionRefused, match="Add at least one action"):
        services.transition(
            engagement,
            "start_delivery",
            by=people.ra_london,
            reason="go",
            data={"delivery_started": "2026-02-01"},
        )


def test_review_defaults_to_the_offers_usual_interval(engagement, people):
    e = walk(engagement, people.ra_london, "start_conversation", "acknowledge_need")
    e = services.transition(
        e,
        "agree_support",
        by=people.ra_london,
        reason="agreed",
        data={"terms": "t", "offers": ["corporate-peer-challenge"]},
    )
    services.add_action(e, by=people.ra_london, title="a", owner="o", due_date=dt.date(2026, 5, 1))
    e = services.transition(
        e,
        "start_delivery",
        by=people.ra_london,
        reason="go",
        data={"delivery_started": "2026-01-31"},
    )
    # about ten months after a corporate peer challenge; 31 January + 10 months = 30 November
    assert e.next_review_due == dt.date(2026, 11, 30)


def test_decline_is_recorded_and_the_watch_goes_on(engagement, people):
    e = walk(engagement, people.ra_london, "start_conversation", "decline")
    assert e.state == State.DECLINED and e.decline_reason == "Not now"
    assert [t.name for t in workflow.available_from(e.state)] == ["escalate", "reopen"]
    e = walk(e, people.ra_london, "reopen")
    assert e.state == State.IDENTIFIED


def test_escalation_needs_a_recipient_and_reason(engagement, people):
    with pytest.raises(workflow.TransitionRefused) as refused:
        services.transition(
            engagement,
            "escalate",
            by=people.ra_london,
            reason="r",
            data={"escalated_to": "the press", "escalation_reason": ""},
        )
    assert set(refused.value.errors) == {"escalated_to", "escalation_reason"}
    e = walk(engagement, people.ra_london, "escalate")
    assert e.state == State.ESCALATED and e.escalated_to == "government"


def test_unknown_transition_and_unknown_data_are_refused(engagement, people):
    with pytest.raises(workflow.TransitionRefused, match="no transition called 'approve'"):
        services.transition(engagement, "approve", by=people.ra_london, reason="r")
    with pytest.raises(workflow.TransitionRefused, match="Not part of"):
        services.transition(
            engagement,
            "start_conversation",
            by=people.ra_london,
            reason="r",
            data={"conversation_date": "2026-01-01", "with_whom": "x", "state": "closed"},
        )


@pytest.mark.parametrize("who", ["ra_se", "croydon", "peer", "board"])
def test_only_staff_in_scope_may_transition(engagement, people, who):
    with pytest.raises(PermissionDenied):
        walk(engagement, getattr(people, who), "start_conversation")
    assert Engagement.objects.get(pk=engagement.pk).state == State.IDENTIFIED


def test_workflow_description_lists_every_transition():
    described = workflow.describe()
    assert [s["name"] for s in described["states"]] == State.values
    consent = next(t for t in described["transitions"] if t["name"] == "acknowledge_need")
    assert {f["name"] for f in consent["fields"]} == {
        "consent_given_by",
        "consent_role",
        "consent_date",
        "consent_scope",
    }


def test_every_transition_names_a_known_rule_for_who_may_make_it():
    from apps.engagements.services import WHO

    assert {t.who for t in workflow.TRANSITIONS} <= set(WHO)


def test_dates_of_things_done_cannot_be_in_the_future_and_reviews_follow_delivery(
    engagement, people
):
    with pytest.raises(workflow.TransitionRefused) as refused:
        services.transition(
            engagement,
            "start_conversation",
            by=people.ra_london,
            reason="r",
            data={"conversation_date": "2099-01-01", "with_whom": "CEO"},
        )
    assert "cannot be in the future" in refused.value.errors["conversation_date"]
    spec = workflow.get("start_delivery")
    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.clean_data(
            spec, {"delivery_started": "2026-02-01", "next_review_due": "2026-01-01"}
        )
    assert "must be after 01 February 2026" in refused.value.errors["next_review_due"]


def test_web_transition_form_speaks_plainly_and_refuses_illegal_steps(engagement, people):
    from django.test import Client

    client = Client()
    client.force_login(people.ra_london)
    got = client.post(f"/engagements/{engagement.pk}/transitions/start_conversation/", {})
    body = got.content.decode()
    assert "Enter date of the conversation" in body and "Say why, for the record" in body
    illegal = client.post(
        f"/engagements/{engagement.pk}/transitions/close_improved/",
        {"outcome": "x", "reason": "y"},
    )
    assert illegal.status_code == 409
    assert "is not allowed from &#x27;Identified&#x27;" in illegal.content.decode()
    assert Engagement.objects.get(pk=engagement.pk).state == State.IDENTIFIED
