"""The consultations API: consultations and their questions for anyone with a token; responses
(personal data) for improvement staff only; an analysis summary (aggregates) for any signed-in
role, as board members may see aggregate figures."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from apps.accounts import permissions
from apps.api.schemas import Limit, Offset
from apps.consultations.models import Consultation, Response
from apps.consultations.services import tallies, themes
from apps.consultations.services.campaigns import campaign_groups
from apps.consultations.services.report import response_counts

router = Router(tags=["consultations"])


class QuestionOut(Schema):
    number: int
    text: str
    kind: str
    choices: list[str]


class ConsultationOut(Schema):
    slug: str
    title: str
    summary: str
    opens_on: dt.date
    closes_on: dt.date
    closes_at: dt.datetime
    status: str
    is_demo: bool

    @staticmethod
    def resolve_status(obj: Consultation) -> str:
        return obj.status_label


class ConsultationDetail(ConsultationOut):
    questions: list[QuestionOut]
    paper_versions: list[dict]

    @staticmethod
    def resolve_questions(obj: Consultation) -> list[QuestionOut]:
        return [
            QuestionOut(number=q.number, text=q.text, kind=q.kind, choices=q.choices)
            for q in obj.questions.all()
        ]

    @staticmethod
    def resolve_paper_versions(obj: Consultation) -> list[dict]:
        return [
            {"version": p.version, "title": p.title, "published_on": p.published_on}
            for p in obj.paper_versions.all()
        ]


class AnswerOut(Schema):
    question: int
    choices: list[str]
    text: str


class ResponseOut(Schema):
    reference: str
    respondent_type: str
    group: str
    organisation: str
    channel: str
    is_late: bool
    is_demo: bool
    consent_to_publish: bool
    received_at: dt.datetime | None
    answers: list[AnswerOut]

    @staticmethod
    def resolve_answers(obj: Response) -> list[AnswerOut]:
        return [
            AnswerOut(question=a.question.number, choices=a.choices, text=a.text)
            for a in obj.answers.all()
        ]


def _visible(user):
    return (
        Consultation.objects.all()
        if permissions.is_staff_role(user)
        else (Consultation.objects.public())
    )


@router.get("/", response=list[ConsultationOut])
def list_consultations(request):
    return list(_visible(request.user))


@router.get("/{slug}", response=ConsultationDetail)
def consultation_detail(request, slug: str):
    return get_object_or_404(_visible(request.user), slug=slug)


@router.get("/{slug}/responses", response=list[ResponseOut])
def consultation_responses(request, slug: str, limit: Limit = 500, offset: Offset = 0):
    """Submitted responses, late and offline included (staff only: they hold personal data)."""
    permissions.require(permissions.is_staff_role(request.user))
    consultation = get_object_or_404(Consultation, slug=slug)
    qs = (
        consultation.responses.submitted()
        .order_by("pk")
        .prefetch_related("answers__question")[offset : offset + min(limit, 1000)]
    )
    return list(qs)


@router.get("/{slug}/analysis")
def analysis_summary(request, slug: str):
    """Counts, closed-question tallies by group, themes with counts, campaigns, meeting views."""
    permissions.require(permissions.can_see_aggregates(request.user))
    consultation = get_object_or_404(_visible(request.user), slug=slug)
    questions = []
    for q in consultation.questions.all():
        item = {
            "number": q.number,
            "text": q.text,
            "kind": q.kind,
            "meeting_views": q.meeting_views.count(),
        }
        if q.has_choices:
            item["tally"] = tallies.question_tally(q).to_dict(orient="index")
        if q.has_text:
            item["themes"] = [
                {"name": t.name, "description": t.description, "responses": t.answers_count}
                for t in themes.themes_with_counts(q)
            ]
        questions.append(item)
    return {
        "consultation": consultation.slug,
        "responses": response_counts(consultation),
        "campaigns": [{"number": c.number, "size": c.size} for c in campaign_groups(consultation)],
        "meetings": consultation.meetings.count(),
        "questions": questions,
    }
