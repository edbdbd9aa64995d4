"""The engagements API: the same rules as the web pages, because both read through
`Engagement.objects.visible_to(user)` and change through `services`.

An engagement the caller may not see answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from apps.accounts import permissions
from apps.api.schemas import Code, Error, LongText, ShortText
from apps.councils.models import Council
from apps.engagements import dashboard as dash
from apps.engagements import services, workflow
from apps.engagements.models import Action, Engagement

router = Router(tags=["engagements"])


class ActionOut(Schema):
    id: int
    title: str
    owner: str
    due_date: dt.date
    rag: str
    evidence: str
    completed_on: dt.date | None
    overdue: bool
    version: int

    @staticmethod
    def resolve_overdue(obj: Action) -> bool:
        return obj.is_overdue()


class EngagementSummary(Schema):
    id: int
    council_gss: str = Field(..., alias="council.gss_code")
    council: str = Field(..., alias="council.name")
    region: str = Field(..., alias="council.region")
    title: str
    state: str
    state_changed_at: dt.datetime
    is_demo: bool


class TransitionOut(Schema):
    name: str
    from_state: str
    to_state: str
    by: str | None
    at: dt.datetime
    reason: str
    data: dict[str, Any]

    @staticmethod
    def resolve_by(obj) -> str | None:
        return obj.by.username if obj.by else None


class EngagementOut(EngagementSummary):
    version: int
    summary: str
    consent_given_by: str
    consent_role: str
    consent_date: dt.date | None
    consent_scope: str
    terms: str
    offers: list[str]
    delivery_started: dt.date | None
    next_review_due: dt.date | None
    outcome: str
    escalated_to: str
    escalation_reason: str
    decline_reason: str
    allowed_transitions: list[str]
    actions: list[ActionOut]
    history: list[TransitionOut]

    @staticmethod
    def resolve_offers(obj: Engagement) -> list[str]:
        return [o.slug for o in obj.offers.all()]

    @staticmethod
    def resolve_allowed_transitions(obj: Engagement) -> list[str]:
        return [t.name for t in workflow.available_from(obj.state)]

    @staticmethod
    def resolve_actions(obj: Engagement) -> list[Action]:
        return list(obj.actions.all())

    @staticmethod
    def resolve_history(obj: Engagement, context):
        return list(obj.history_for(context["request"].user))


class EngagementIn(Schema):
    council_gss: Code
    title: ShortText
    summary: LongText = ""


class TransitionIn(Schema):
    transition: Code
    reason: LongText
    data: dict[str, Any] = {}


class ActionIn(Schema):
    title: ShortText
    owner: ShortText
    due_date: dt.date
    rag: str = "amber"
    evidence: LongText = ""


class ActionPatch(Schema):
    title: ShortText | None = None
    owner: ShortText | None = None
    due_date: dt.date | None = None
    rag: str | None = None
    evidence: LongText | None = None
    completed_on: dt.date | None = None
    reason: LongText = ""
    version: int | None = Field(
        None, description="The version you read; a newer one on the server means 409"
    )


class AuditOut(Schema):
    at: dt.datetime
    by: str | None
    object_type: str
    object_id: int | None
    verb: str
    reason: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @staticmethod
    def resolve_by(obj) -> str | None:
        return obj.by.username if obj.by else None


def _visible(request, engagement_id: int) -> Engagement:
    return get_object_or_404(
        Engagement.objects.visible_to(request.user).select_related("council"), pk=engagement_id
    )


def _case_detail_only(request) -> None:
    if not permissions.can_see_case_detail(request.user):
        raise HttpError(403, "Your role sees aggregate figures only: use /api/engagements/figures")


def _validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


@router.get("/", response=list[EngagementSummary], summary="Engagements you may see")
def list_engagements(request, state: str = "", region: str = "", council_gss: str = ""):
    _case_detail_only(request)
    engagements = (
        Engagement.objects.visible_to(request.user)
        .select_related("council")
        .in_state(state or None)
        .in_region(region or None)
    )
    if council_gss:
        engagements = engagements.filter(council__gss_code=council_gss.strip().upper())
    return list(engagements)


@router.post(
    "/",
    response={201: EngagementOut, 403: Error, 404: Error, 422: Error},
    summary="Open an engagement",
)
def create_engagement(request, payload: EngagementIn):
    council = Council.objects.filter(gss_code=payload.council_gss.strip().upper()).first()
    if council is None:
        return Status(404, {"detail": f"No council with GSS code {payload.council_gss!r}"})
    try:
        engagement = services.create_engagement(
            council=council, title=payload.title, summary=payload.summary, by=request.user
        )
    except PermissionDenied:
        return Status(403, {"detail": "You may not open engagements for this council."})
    except ValidationError as exc:
        return Status(422, {"detail": _validation_message(exc)})
    return Status(201, engagement)


@router.get("/workflow", summary="The lifecycle: states, transitions, required data")
def get_workflow(request):
    return workflow.describe()


class RegionFigures(Schema):
    region: str
    open: int | None
    closed: int | None


class TimeInStateFigures(Schema):
    state: str
    label: str
    engagements: int | None
    median_days: float | None
    mean_days: float | None


class EngagementFiguresOut(Schema):
    """Counts as the caller may see them: for aggregate-only callers (board members) small
    counts, and enough others that they cannot be worked out from totals, are null."""

    withheld: bool
    explanation: str
    total: int | None
    by_state: dict[str, int | None]
    by_region: list[RegionFigures]
    time_in_state: list[TimeInStateFigures]
    overdue_actions: int | None
    reviews_due: int | None


@router.get(
    "/figures",
    response=EngagementFiguresOut,
    summary="Aggregate figures (board members see these only)",
)
def figures(request):
    board = dash.build(
        Engagement.objects.for_aggregates(request.user),
        suppress=not permissions.can_see_case_detail(request.user),
    )
    return {
        "withheld": board.suppressed,
        "explanation": dash.disclosure.EXPLANATION if board.suppressed else "",
        "total": board.total_value,
        "by_state": {r["state"]: r["count"] for r in board.state_rows()},
        "by_region": board.region_rows(),
        "time_in_state": board.time_rows(),
        "overdue_actions": board.single(board.overdue_actions),
        "reviews_due": board.single(board.reviews_due),
    }


@router.get("/{engagement_id}", response=EngagementOut, summary="One engagement")
def get_engagement(request, engagement_id: int):
    return _visible(request, engagement_id)


@router.post(
    "/{engagement_id}/transitions",
    response={200: EngagementOut, 400: Error, 403: Error, 409: Error},
    summary="Move an engagement through the workflow",
    description="409 when the workflow does not allow the step from the current state; "
    "400 when required data or the reason is missing.",
)
def make_transition(request, engagement_id: int, payload: TransitionIn):
    engagement = _visible(request, engagement_id)
    try:
        engagement = services.transition(
            engagement,
            payload.transition,
            by=request.user,
            reason=payload.reason,
            data=payload.data,
        )
    except PermissionDenied:
        return Status(403, {"detail": "You may not change this engagement."})
    except workflow.TransitionRefused as exc:
        return Status(400 if exc.errors else 409, {"detail": exc.message, "errors": exc.errors})
    return Status(200, engagement)


@router.get("/{engagement_id}/actions", response=list[ActionOut], summary="Improvement plan")
def list_actions(request, engagement_id: int):
    return list(_visible(request, engagement_id).actions.all())


@router.post(
    "/{engagement_id}/actions",
    response={201: ActionOut, 403: Error, 422: Error},
    summary="Add an action to the improvement plan",
)
def add_action(request, engagement_id: int, payload: ActionIn):
    engagement = _visible(request, engagement_id)
    try:
        action = services.add_action(engagement, by=request.user, **payload.dict())
    except PermissionDenied:
        return Status(403, {"detail": "You may not change this engagement."})
    except ValidationError as exc:
        return Status(422, {"detail": _validation_message(exc)})
    return Status(201, action)


@router.patch(
    "/{engagement_id}/actions/{action_id}",
    response={200: ActionOut, 403: Error, 409: Error, 422: Error},
    summary="Change an action; the council's own users may report progress "
    "(RAG status, evidence, completion) only",
    description="Send the `version` you read: if someone changed the action since, the answer "
    "is 409 and nothing is saved (read it again, then make your change).",
)
def update_action(request, engagement_id: int, action_id: int, payload: ActionPatch):
    engagement = _visible(request, engagement_id)
    action = get_object_or_404(Action, pk=action_id, engagement=engagement)
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason", "")
    version = changes.pop("version", None)
    try:
        action = services.update_action(
            action, by=request.user, reason=reason, expected_version=version, **changes
        )
    except services.StaleEdit as exc:
        return Status(409, {"detail": exc.message})
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc) or "You may not change this engagement."})
    except ValidationError as exc:
        return Status(422, {"detail": _validation_message(exc)})
    return Status(200, action)


class CaseNoteIn(Schema):
    text: LongText
    staff_only: bool = False


class CaseNoteOut(Schema):
    id: int
    author: str | None
    text: str
    staff_only: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_author(obj) -> str | None:
        return obj.author.username if obj.author else None


@router.get("/{engagement_id}/notes", response=list[CaseNoteOut], summary="Notes on the case")
def list_notes(request, engagement_id: int):
    return list(_visible(request, engagement_id).notes_for(request.user))


@router.post(
    "/{engagement_id}/notes",
    response={201: CaseNoteOut, 422: Error},
    summary="Add a note (anyone who may see the case)",
)
def add_note(request, engagement_id: int, payload: CaseNoteIn):
    engagement = _visible(request, engagement_id)
    try:
        note = services.add_note(
            engagement, by=request.user, text=payload.text, staff_only=payload.staff_only
        )
    except ValidationError as exc:
        return Status(422, {"detail": _validation_message(exc)})
    return Status(201, note)


@router.get("/{engagement_id}/audit", response=list[AuditOut], summary="Audit trail")
def audit_trail(request, engagement_id: int):
    return list(_visible(request, engagement_id).audit_for(request.user))
