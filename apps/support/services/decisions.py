"""Triage at the edge of the database: ask the early warning for a council's band and flags,
apply the rules, and record what a person decided."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from apps.support.models import Offer, TriageDecision
from apps.support.services.triage import Proposal, TriageRules, UnknownBand, default_rules, propose


@dataclass
class EarlyWarningView:
    """What the early warning says about a council, or why it says nothing."""

    available: bool
    band: str = ""
    flags: list[str] | None = None
    flag_titles: list[str] | None = None
    reasons: list[str] | None = None
    score: float | None = None
    rank: int | None = None
    message: str = ""
    scorable_date: dt.date | None = None  # a date the early warning can score, when this one fails


def default_as_at() -> dt.date:
    """The latest date the early warning can score with fresh figures (else today)."""
    try:
        from apps.early_warning.services.watchlist import latest_scorable_date
    except ImportError:
        return dt.date.today()
    return latest_scorable_date() or dt.date.today()


def early_warning_for(council, as_at: dt.date | None = None) -> EarlyWarningView:
    """The council's early-warning assessment if that app can give one; never a guess."""
    try:
        from apps.early_warning.services.watchlist import council_assessment
    except ImportError:
        return EarlyWarningView(False, message="The early-warning assessment is not available yet.")
    try:
        assessment = council_assessment(council, as_at=as_at)
    except Exception as exc:  # the early warning has no data for this council
        return EarlyWarningView(
            False, message=f"The early warning has no assessment for {council.name} ({exc})."
        )
    if assessment is None:
        return EarlyWarningView(
            False, message=f"The early warning has no assessment for {council.name}."
        )
    if assessment.score is None:
        scorable = default_as_at()
        return EarlyWarningView(
            False,
            band=str(assessment.band),
            message=f"The early warning has too little recent data to assess {council.name} "
            f"as at {assessment.as_at:%-d %B %Y} ({assessment.band}).",
            scorable_date=scorable if scorable != assessment.as_at else None,
        )
    return EarlyWarningView(
        True,
        band=str(assessment.band),
        flags=list(assessment.flags),
        flag_titles=list(assessment.flag_titles),
        reasons=list(assessment.reasons),
        score=assessment.score,
        rank=assessment.rank,
    )


def catalogue_order() -> list[str]:
    return list(Offer.objects.active().values_list("slug", flat=True))


def propose_for(
    band: str, flags: list[str], soft: list[str], rules: TriageRules | None = None
) -> tuple[Proposal | None, str]:
    """(proposal, "") or (None, why not)."""
    try:
        return propose(band, flags, soft, rules=rules, offer_order=catalogue_order()), ""
    except UnknownBand as exc:
        return None, str(exc)


@transaction.atomic
def record_decision(
    *,
    council,
    proposal: Proposal,
    by,
    tier: str,
    offer_slugs: list[str],
    rationale: str,
    as_at: dt.date | None = None,
) -> TriageDecision:
    """Record the decision; 'changed' when the tier or offers differ from the proposal."""
    from apps.support.models import Tier

    if tier not in Tier.values:
        raise ValueError(f"Unknown tier {tier!r}; use one of {', '.join(Tier.values)}")
    changed = tier != proposal.tier or set(offer_slugs) != set(proposal.offers)
    if changed and not rationale.strip():
        raise ValueError("Say why you changed the proposed tier or offers.")
    decision = TriageDecision.objects.create(
        council=council,
        band=proposal.band,
        assessed_as_at=as_at,
        flags=proposal.flags,
        soft_intelligence=proposal.soft_intelligence,
        rules_version=proposal.rules_version or default_rules().version,
        proposed_tier=proposal.tier,
        proposed_offers=proposal.offers,
        proposal_reasons=proposal.reasons,
        outcome=TriageDecision.Outcome.CHANGED if changed else TriageDecision.Outcome.ACCEPTED,
        tier=tier,
        rationale=rationale.strip(),
        decided_by=by,
    )
    decision.offers.set(Offer.objects.filter(slug__in=offer_slugs))
    return decision
