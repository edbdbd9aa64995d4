"""Regional meetings: schedule, attending councils, views per question (evidence kept apart)."""

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.consultations.models import MeetingView, RegionalMeeting

pytestmark = pytest.mark.django_db


def test_schedule_meeting_with_attending_councils_and_record_views(client, consultation, make_user):
    client.force_login(make_user(role=Role.REGIONAL_ASSOCIATE, region="London"))
    page = client.post(
        reverse("consultations:meetings", args=[consultation.slug]),
        {
            "region": "London",
            "title": "Leaders' meeting",
            "date": "15/05/2026",
            "venue": "Smith Square",
            "councils": "Croydon, E06000039",
            "other_attendees": "London Councils",
        },
    )
    assert page.status_code == 302
    meeting = RegionalMeeting.objects.get()
    assert sorted(c.gss_code for c in meeting.attending_councils.all()) == [
        "E06000039",
        "E09000008",
    ]
    q = consultation.questions.get(number=1)
    client.post(
        reverse("consultations:meeting", args=[consultation.slug, meeting.pk]),
        {"question": q.pk, "text": "Most agreed", "agrees": 12, "disagrees": 2},
    )
    view = MeetingView.objects.get()
    assert view.question == q and view.agrees == 12
    analysis = client.get(reverse("consultations:analysis", args=[consultation.slug]))
    assert "1 views recorded for this question" in analysis.content.decode()


def test_unknown_council_is_named(client, consultation, make_user):
    client.force_login(make_user(role=Role.PROGRAMME_MANAGER))
    page = client.post(
        reverse("consultations:meetings", args=[consultation.slug]),
        {"region": "London", "date": "15/05/2026", "venue": "X", "councils": "Atlantis"},
    )
    assert "Not found as a current council" in page.content.decode()
    assert "Atlantis" in page.content.decode()
    assert not RegionalMeeting.objects.exists()
