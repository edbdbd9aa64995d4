"""Early-warning API: the watchlist, one council's assessment, and soft-intelligence notes.

Confidential notes follow the case rules in `apps.accounts.permissions`: a note about a council
the caller may not see answers 404 like one that does not exist; creating one needs
`can_manage_council_cases`. Scores include notes only for national roles (who may see every
council's notes); everyone else gets scores from published data only.
"""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from apps.accounts import permissions
from apps.api.schemas import AsAt, Code, LongText, ShortText
from apps.councils.models import Council
from apps.early_warning.engine import FrameworkError
from apps.early_warning.models import NoteCategory, Severity, SoftIntelligence
from apps.early_warning.services import views_data
from apps.early_warning.services.watchlist import compute_watchlist

router = Router(tags=["early-warning"])


class WatchlistRow(Schema):
    gss_code: str
    name: str
    rank: int
    score: float | None
    band: str
    top_reasons: list[str]
    flags: list[str]


class WatchlistOut(Schema):
    as_at: dt.date
    framework: str
    framework_version: str
    includes_soft_intelligence: bool
    councils: list[WatchlistRow]


class IndicatorDetail(Schema):
    code: str
    title: str
    value: float | None
    period: str | None
    points: float | None
    peer_median: float | None
    peer_n: int | None
    z: float | None


class SoftIntelligenceOut(Schema):
    id: int
    council_gss: str
    council: str
    category: str
    category_label: str
    severity: int
    observed_on: dt.date
    summary: str
    detail: str
    author: str | None
    shared_with_council: bool
    is_demo: bool


class AssessmentOut(Schema):
    gss_code: str
    name: str
    as_at: dt.date
    framework: str
    band: str
    score: float | None
    rank: int | None
    out_of: int
    reasons: list[str]
    flags: list[str]
    indicators: list[IndicatorDetail]
    includes_soft_intelligence: bool
    notes: list[SoftIntelligenceOut] | None


class SoftIntelligenceIn(Schema):
    council_gss: Code
    category: Code
    severity: int = Severity.MEDIUM
    observed_on: dt.date
    summary: ShortText
    detail: LongText = ""
    shared_with_council: bool = False


def _note_out(note: SoftIntelligence) -> dict:
    return {
        "id": note.pk,
        "council_gss": note.council.gss_code,
        "council": note.council.name,
        "category": note.category,
        "category_label": note.get_category_display(),
        "severity": note.severity,
        "observed_on": note.observed_on,
        "summary": note.summary,
        "detail": note.detail,
        "author": note.author.username if note.author else None,
        "shared_with_council": note.shared_with_council,
        "is_demo": note.is_demo,
    }


def _as_at(value: dt.date | None) -> dt.date:
    return value or dt.date.today()


@router.get("/watchlist/", response=WatchlistOut)
def watchlist(
    request,
    as_at: AsAt | None = None,
    framework: str | None = None,
    band: str | None = None,
    region: str | None = None,
    council_type: str | None = None,
):
    """Every council existing on `as_at` (default today), ranked; rank 1 = most concern.
    Optional filters: band, region, council_type (ranks stay those of the whole list)."""
    day = _as_at(as_at)
    include_notes = permissions.is_national(request.user)
    try:
        frame = compute_watchlist(day, framework, include_notes=include_notes)
    except FrameworkError as exc:
        raise HttpError(400, str(exc)) from exc
    fw = frame.attrs["framework"]
    for column, wanted in (("band", band), ("region", region), ("council_type", council_type)):
        if wanted:
            frame = frame[frame[column].str.lower() == wanted.lower()]
    rows = [
        {
            "gss_code": r.gss_code,
            "name": r.name,
            "rank": int(r.rank),
            "score": None if r.score != r.score else float(r.score),
            "band": r.band,
            "top_reasons": list(r.top_reasons),
            "flags": list(r.flags),
        }
        for r in frame.itertuples()
    ]
    return {
        "as_at": day,
        "framework": fw.name,
        "framework_version": fw.version,
        "includes_soft_intelligence": include_notes,
        "councils": rows,
    }


@router.get("/councils/{gss_code}/", response=AssessmentOut)
def council(request, gss_code: str, as_at: AsAt | None = None, framework: str | None = None):
    """One council's band, score, rank, reasons and indicators; notes if the caller may see them."""
    target = get_object_or_404(Council, gss_code=gss_code)
    day = _as_at(as_at)
    try:
        data = views_data.council_detail(target, day, framework, request.user)
    except FrameworkError as exc:
        raise HttpError(400, str(exc)) from exc
    notes = data["notes"]
    return {
        **data["assessment"].__dict__,
        "indicators": data["indicators"],
        "includes_soft_intelligence": data["includes_notes"],
        "notes": [_note_out(n) for n in notes] if notes is not None else None,
    }


@router.get("/notes/", response=list[SoftIntelligenceOut])
def list_notes(request, council: str | None = None):
    """Soft-intelligence notes the caller may see (optionally for one council, by GSS code)."""
    if not permissions.can_see_case_detail(request.user):
        raise HttpError(403, "Your role cannot see soft intelligence.")
    notes = SoftIntelligence.objects.visible_to(request.user).select_related("council", "author")
    if council:
        notes = notes.filter(council__gss_code=council)
    return [_note_out(n) for n in notes[:500]]


@router.post("/notes/", response={201: SoftIntelligenceOut})
def create_note(request, payload: SoftIntelligenceIn):
    """Record a dated soft-intelligence or local-context note (staff within their scope)."""
    if not permissions.can_see_case_detail(request.user):
        raise HttpError(403, "Your role cannot record soft intelligence.")
    target = Council.objects.filter(gss_code=payload.council_gss).first()
    if target is None or not permissions.can_view_council_cases(request.user, target):
        raise HttpError(404, "No such council, or not one you may record notes about.")
    if not permissions.can_manage_council_cases(request.user, target):
        raise HttpError(403, "Only improvement staff for this council may record notes.")
    if payload.category not in NoteCategory.values:
        raise HttpError(422, f"category must be one of {', '.join(NoteCategory.values)}")
    if payload.severity not in Severity.values:
        raise HttpError(422, "severity must be 1 (low), 2 (medium) or 3 (high)")
    if payload.observed_on > dt.date.today():
        raise HttpError(422, "observed_on cannot be in the future")
    if not payload.summary.strip():
        raise HttpError(422, "summary is required")
    note = SoftIntelligence.objects.create(
        council=target,
        category=payload.category,
        severity=payload.severity,
        observed_on=payload.observed_on,
        summary=payload.summary.strip()[:200],
        detail=payload.detail,
        shared_with_council=payload.shared_with_council,
        author=request.user,
    )
    return Status(201, _note_out(note))


@router.get("/notes/{note_id}/", response=SoftIntelligenceOut)
def get_note(request, note_id: int):
    note = get_object_or_404(
        SoftIntelligence.objects.visible_to(request.user).select_related("council", "author"),
        pk=note_id,
    )
    return _note_out(note)
