"""The demo does not mislead: meeting views are about the consultation they are filed under, the
paper shows its structure, its dates agree with the page, and it names no officer's contacts."""

from __future__ import annotations

import csv
import re

import numpy as np
import pytest
from django.conf import settings
from django.urls import reverse

from apps.consultations.analysis.embedding import topic_similarity
from apps.consultations.models import Consultation, MeetingView
from apps.consultations.services.demo import CLOSED_SLUG, OPEN_SLUG, create_demo
from apps.consultations.services.paper_text import blocks
from apps.consultations.services.redaction import EMAIL, PHONE
from apps.consultations.services.report import build_what_we_heard

pytestmark = pytest.mark.django_db

ON_TOPIC = 0.25  # mean best similarity to the consultation's questions and paper


def _topic(consultation: Consultation) -> list[str]:
    paper = [b.text for b in blocks(consultation.current_paper().body) if len(b.text) > 40]
    return [q.text for q in consultation.questions.all()] + paper


def _quotes(section):
    yield section, section.quotes
    for sub in section.subsections:
        yield from _quotes(sub)


@pytest.mark.slow
def test_no_report_shows_meeting_views_filed_under_a_topic_they_are_not_about():
    create_demo()
    for slug in (OPEN_SLUG, CLOSED_SLUG):
        consultation = Consultation.objects.get(slug=slug)
        views = MeetingView.objects.filter(meeting__consultation=consultation)
        # every view answers a question of its own consultation
        assert not views.filter(question__isnull=True).exists()
        assert set(views.values_list("question__consultation", flat=True)) <= {consultation.pk}
        report = build_what_we_heard(consultation)
        quoted = [
            q.text
            for top in report.background
            for section, quotes in _quotes(top)
            if section.heading.startswith("Views from consultation meetings")
            for q in quotes
        ]
        texts = set(views.values_list("text", flat=True))
        assert set(quoted) <= texts
        if quoted:
            assert float(np.mean(topic_similarity(quoted, _topic(consultation)))) >= ON_TOPIC
    # the check can fail: the Polis comments on young people and policing are not about it
    path = settings.DATA_DIR / "consultation/polis-conversations/london.youth.policing/comments.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        polis = [r["comment-body"] for r in csv.DictReader(handle) if r.get("moderated") == "1"]
    closed = Consultation.objects.get(slug=CLOSED_SLUG)
    assert float(np.mean(topic_similarity(polis[:20], _topic(closed)))) < ON_TOPIC
    assert not MeetingView.objects.filter(text__in=polis).exists()


@pytest.mark.slow
def test_open_paper_shows_structure_consistent_dates_and_no_contact_details(client):
    create_demo()
    consultation = Consultation.objects.get(slug=OPEN_SLUG)
    pages = [
        client.get(reverse("consultations:detail", args=[OPEN_SLUG])).content.decode(),
        client.get(reverse("consultations:paper", args=[OPEN_SLUG, 1])).content.decode(),
    ]
    closes = f"{consultation.closes_on:%-d %B %Y}"
    for html in pages:
        assert "**" not in html
        assert "<strong>attached</strong>" in html
        assert '<table class="govuk-table">' in html
        assert "30 June" not in html
        assert closes in html
        assert "Jo Webb" not in html and not EMAIL.search(re.sub(r"<[^>]+>", " ", html))
        assert not PHONE.search(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.slow
def test_final_framework_page_shows_the_framework_and_you_said_we_did(client):
    create_demo()
    html = client.get(reverse("consultations:framework", args=[CLOSED_SLUG])).content.decode()
    assert "Demo:" in html and "Critical success factors" in html
    assert html.count('class="govuk-table__row"') >= 1 + 7  # header + the seven changes
    assert "Accredited member and officer peers" in html
