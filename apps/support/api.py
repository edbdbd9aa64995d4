"""Support API: the public catalogue (no token) and triage for staff in scope."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from apps.accounts import permissions
from apps.api.schemas import AsAt, Error
from apps.councils.models import Council
from apps.support.models import Offer, TriageDecision
from apps.support.services.decisions import early_warning_for, propose_for, record_decision

router = Router(tags=["support"])


class OfferOut(Schema):
    slug: str
    title: str
    summary: str
    tier: str
    provider: str
    eligibility: str
    cost: str
    duration: str
    how_to_ask: str
    review_after_months: int | None
    illustrative: bool


@router.get("/offers", response=list[OfferOut], auth=None, summary="The support catalogue")
def list_offers(request, q: str = "", tier: str = "", provider: str = ""):
    offers = Offer.objects.active().search(q).in_tier(tier or None)
    return list(offers.from_provider(provider or None))


class TriageQuery(Schema):
    as_at: AsAt | None = None
    soft: list[str] = []


class TriageOut(Schema):
    council_gss: str
    as_at: dt.date
    early_warning_available: bool
    band: str
    flags: list[str]
    proposed_tier: str | None
    proposed_offers: list[str]
    reasons: list[str]
    problem: str


class DecisionIn(Schema):
    as_at: AsAt | None = None
    soft: list[str] = []
    tier: str
    offers: list[str]
    rationale: str = ""


class DecisionOut(Schema):
    id: int
    outcome: str
    proposed_tier: str
    tier: str
    offers: list[str]
    rationale: str
    decided_by: str

    @staticmethod
    def resolve_offers(obj: TriageDecision) -> list[str]:
        return list(obj.offers.values_list("slug", flat=True))

    @staticmethod
    def resolve_decided_by(obj: TriageDecision) -> str:
        return obj.decided_by.username


def _council_for_staff(request, gss_code: str) -> Council:
    council = get_object_or_404(Council, gss_code=gss_code.upper())
    permissions.require(permissions.can_manage_council_cases(request.user, council))
    return council


def _triage(council: Council, as_at: dt.date | None, soft: list[str]):
    as_at = as_at or dt.date.today()
    warning = early_warning_for(council, as_at=as_at)
    if not warning.available:
        return as_at, warning, None, warning.message
    proposal, problem = propose_for(warning.band, warning.flags or [], soft)
    return as_at, warning, proposal, problem


@router.get(
    "/triage/{gss_code}",
    response={200: TriageOut, 400: Error},
    summary="Proposed tier and offers for a council (staff in scope)",
)
def get_triage(request, gss_code: str, query: Query[TriageQuery]):
    council = _council_for_staff(request, gss_code)
    try:
        as_at, warning, proposal, problem = _triage(council, query.as_at, query.soft)
    except ValueError as exc:
        return Status(400, {"detail": str(exc)})
    return Status(
        200,
        {
            "council_gss": council.gss_code,
            "as_at": as_at,
            "early_warning_available": warning.available,
            "band": warning.band,
            "flags": warning.flags or [],
            "proposed_tier": proposal.tier if proposal else None,
            "proposed_offers": proposal.offers if proposal else [],
            "reasons": proposal.reasons if proposal else [],
            "problem": problem,
        },
    )


@router.post(
    "/triage/{gss_code}",
    response={201: DecisionOut, 400: Error, 409: Error},
    summary="Accept or change the proposal, saying why (staff in scope)",
)
def post_triage(request, gss_code: str, payload: DecisionIn):
    council = _council_for_staff(request, gss_code)
    try:
        _, _, proposal, problem = _triage(council, payload.as_at, payload.soft)
    except ValueError as exc:
        return Status(400, {"detail": str(exc)})
    if proposal is None:
        return Status(409, {"detail": problem})
    unknown = set(payload.offers) - set(Offer.objects.active().values_list("slug", flat=True))
    if unknown:
        return Status(400, {"detail": f"Unknown offers: {', '.join(sorted(unknown))}"})
    try:
        decision = record_decision(
            council=council,
            proposal=proposal,
            by=request.user,
            tier=payload.tier,
            offer_slugs=payload.offers,
            rationale=payload.rationale,
            as_at=payload.as_at or dt.date.today(),
        )
    except ValueError as exc:
        return Status(400, {"detail": str(exc)})
    return Status(201, decision)
