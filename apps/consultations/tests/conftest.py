from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.consultations.models import Consultation, PaperVersion, Question, QuestionKind


@pytest.fixture
def make_consultation(db):
    """make_consultation(opens=-10, closes=+10): days relative to today (London), one question
    of every kind."""

    def make(opens: int = -10, closes: int = 10, slug: str = "test-consultation") -> Consultation:
        today = timezone.localdate()
        c = Consultation.objects.create(
            slug=slug,
            title="Test consultation",
            opens_on=today + dt.timedelta(days=opens),
            closes_on=today + dt.timedelta(days=closes),
        )
        PaperVersion.objects.create(consultation=c, version=1, title="Paper", body="Text")
        specs = [
            (QuestionKind.SCALE, "Do you agree?", []),
            (QuestionKind.MULTIPLE, "Which matter?", ["Trust", "Clarity", "Early warning"]),
            (QuestionKind.CHOICE_TEXT, "Are roles clear?", ["Yes", "Partly", "No"]),
            (QuestionKind.SINGLE, "Main source?", ["National data", "Peers"]),
            (QuestionKind.FREE_TEXT, "Anything else?", []),
        ]
        for number, (kind, text, options) in enumerate(specs, start=1):
            Question.objects.create(
                consultation=c, number=number, kind=kind, text=text, options=options
            )
        return c

    return make


@pytest.fixture
def consultation(make_consultation):
    return make_consultation()
