"""Emails on transitions and reminders go only to people who may see the case."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from apps.engagements import services
from apps.engagements.tests.conftest import walk

pytestmark = pytest.mark.django_db


def recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.bcc}


def test_transition_emails_people_on_the_case_only(
    people, cases, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        walk(cases.croydon_live, people.ra_london, "begin_review")
    assert len(mail.outbox) == 1
    assert "Croydon: Progress review" in mail.outbox[0].subject
    assert recipients() == {
        "pm@example.org",
        "ra@example.org",
        "cu@example.org",
        "peer@example.org",
    }


def test_before_consent_the_council_is_not_emailed(
    people, cases, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        walk(cases.croydon_early, people.ra_london, "start_conversation")
    assert recipients() == {"pm@example.org", "ra@example.org"}


def test_send_reminders_names_overdue_actions(people, cases, capsys):
    services.add_action(
        cases.croydon_live,
        by=people.ra_london,
        title="Late thing",
        owner="CEO",
        due_date=dt.date(2026, 1, 1),
    )
    mail.outbox.clear()
    call_command("send_reminders", "--date", "2026-03-15")
    out = capsys.readouterr().out
    assert "1 engagement(s) need a reminder" in out
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Late thing" in body and "First action" in body  # both overdue on 15 March
    assert "slough" not in " ".join(mail.outbox[0].bcc)


def test_send_reminders_rejects_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--date must look like"):
        call_command("send_reminders", "--date", "15/03/2026")


def test_reminders_name_a_progress_review_that_is_due(people, cases):
    e = cases.croydon_live
    e.next_review_due = dt.date(2026, 3, 20)
    e.save(update_fields=["next_review_due"])
    mail.outbox.clear()
    call_command("send_reminders", "--date", "2026-03-10", "--dry-run")
    assert mail.outbox == []  # a dry run sends nothing
    call_command("send_reminders", "--date", "2026-03-10")
    body = mail.outbox[0].body
    assert "The progress review is due on 20 March 2026" in body
    assert "First action" in body  # due 1 March, overdue by the 10th


def test_demo_set_up_sends_no_email(offers, django_capture_on_commit_callbacks):
    from apps.accounts.demo import ensure_demo_users
    from apps.engagements.demo import ensure_demo_engagements

    ensure_demo_users()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ensure_demo_engagements()
    assert mail.outbox == []
