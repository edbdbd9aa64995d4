"""The demo loads quickly and idempotently; the API follows the same rules as the pages."""

import pytest
from django.test import Client

from apps.accounts.models import ApiToken, Role
from apps.consultations.models import (
    Consultation,
    Contact,
    MeetingView,
    Response,
    Theme,
)
from apps.consultations.services.demo import CLOSED_SLUG, OPEN_SLUG, create_demo

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_demo_is_idempotent_and_complete():
    import io

    from django.apps import apps

    apps.get_app_config("consultations").bootstrap(io.StringIO())
    counts = (Consultation.objects.count(), Response.objects.count(), Contact.objects.count())
    create_demo()
    apps.get_app_config("consultations").bootstrap(io.StringIO())
    assert (
        Consultation.objects.count(),
        Response.objects.count(),
        Contact.objects.count(),
    ) == counts
    live = Consultation.objects.get(slug=OPEN_SLUG)
    closed = Consultation.objects.get(slug=CLOSED_SLUG)
    assert live.is_open() and closed.is_closed()
    assert "Sector Led Help" in live.current_paper().body
    assert "2009" in live.current_paper().attribution
    assert not Response.objects.filter(is_demo=False).exists()
    assert closed.responses.filter(is_late=True).exists()
    assert Theme.objects.filter(question__consultation=closed, agreed=True).count() >= 5
    assert MeetingView.objects.filter(meeting__consultation=closed).count() > 10
    assert closed.framework_changes.filter(theme__isnull=False).count() >= 3


def _api(user) -> Client:
    token = ApiToken.issue(user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_api_lists_and_details(make_consultation, make_user):
    c = make_consultation()
    make_consultation(opens=5, closes=30, slug="future")
    board = _api(make_user(role=Role.BOARD_MEMBER))
    listed = board.get("/api/consultations/").json()
    assert [x["slug"] for x in listed] == [c.slug]  # not-yet-open hidden from non-staff
    detail = board.get(f"/api/consultations/{c.slug}").json()
    assert [q["number"] for q in detail["questions"]] == [1, 2, 3, 4, 5]
    assert detail["questions"][0]["choices"][0] == "Strongly agree"
    assert board.get(f"/api/consultations/{c.slug}/analysis").status_code == 200


def test_api_responses_are_staff_only(make_consultation, make_user):
    from django.utils import timezone

    c = make_consultation()
    Response.objects.create(consultation=c, submitted_at=timezone.now(), email="a@example.org")
    council = _api(make_user(role=Role.COUNCIL_USER, council="E09000008"))
    assert council.get(f"/api/consultations/{c.slug}/responses").status_code == 403
    pm = _api(make_user(role=Role.PROGRAMME_MANAGER))
    rows = pm.get(f"/api/consultations/{c.slug}/responses").json()
    assert len(rows) == 1 and "email" not in rows[0]
    assert Client().get("/api/consultations/").status_code == 401
