"""What we heard (HTML, PDF, DOCX), publication of consented responses with redaction, and the
'you said, we did' table."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.consultations.models import (
    Answer,
    FrameworkChange,
    MeetingView,
    RegionalMeeting,
    Response,
    Theme,
    ThemeAssignment,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard(make_consultation):
    c = make_consultation(opens=-60, closes=-1)
    c.report_published = c.responses_published = c.framework_published = True
    c.save()
    q1, q5 = c.questions.get(number=1), c.questions.get(number=5)
    now = timezone.now()
    yes = Response.objects.create(
        consultation=c,
        submitted_at=now,
        consent_to_publish=True,
        name="Alice Walker",
        group="council_leaders",
    )
    no = Response.objects.create(consultation=c, submitted_at=now, consent_to_publish=False)
    Answer.objects.create(response=yes, question=q1, choices=["Agree"])
    a = Answer.objects.create(
        response=yes,
        question=q5,
        text="Alice Walker here: email alice@example.org, more peers please.",
    )
    Answer.objects.create(response=no, question=q5, text="SECRET unpublished view")
    theme = Theme.objects.create(question=q5, name="More peers", description="Peers matter")
    ThemeAssignment.objects.create(answer=a, theme=theme, source="person")
    meeting = RegionalMeeting.objects.create(
        consultation=c, region="London", date=c.opens_on, venue="Smith Square"
    )
    MeetingView.objects.create(
        meeting=meeting, question=q5, text="Meeting wanted more peers", agrees=12, disagrees=1
    )
    FrameworkChange.objects.create(
        consultation=c, theme=theme, you_said="More peers", we_did="Doubled the peer pool"
    )
    return c


def test_what_we_heard_web_page(client, heard):
    body = client.get(reverse("consultations:what_we_heard", args=[heard.slug])).content.decode()
    assert "What we heard" in body and "Summary" in body and "Implications for Wales" in body
    assert "More peers" in body and "Meeting wanted more peers" in body
    assert "12 agreements and 1 disagreement were" in body  # meeting evidence kept apart
    assert "<svg" in body
    assert "alice@example.org" not in body and "SECRET" not in body


def test_what_we_heard_pdf_and_docx(client, heard):
    from docx import Document

    pdf = client.get(reverse("consultations:what_we_heard_pdf", args=[heard.slug]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    docx = client.get(reverse("consultations:what_we_heard_docx", args=[heard.slug]))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Summary" in text and "Recommendations" in text and "Financial implications" in text
    assert "More peers" in text and "alice@example.org" not in text


def test_published_responses_only_consented_and_redacted(client, heard):
    body = client.get(reverse("consultations:published_responses", args=[heard.slug]))
    text = body.content.decode()
    assert "more peers please" in text
    assert "SECRET" not in text
    assert "alice@example.org" not in text and "Alice" not in text.split("How we redact")[0]


def test_you_said_we_did(client, heard):
    body = client.get(reverse("consultations:framework", args=[heard.slug])).content.decode()
    assert "You said, we did" in body and "Doubled the peer pool" in body and "More peers" in body


def test_published_responses_are_paginated(client, heard):
    now = timezone.now()
    for _ in range(60):
        Response.objects.create(consultation=heard, submitted_at=now, consent_to_publish=True)
    first = client.get(reverse("consultations:published_responses", args=[heard.slug]))
    assert "61 responses whose authors agreed" in first.content.decode()
    assert "page 1 of 2" in first.content.decode() and 'rel="next"' in first.content.decode()
    second = client.get(reverse("consultations:published_responses", args=[heard.slug]) + "?page=2")
    assert second.status_code == 200 and 'rel="prev"' in second.content.decode()
