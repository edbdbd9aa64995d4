"""Public API for the support catalogue (no token needed: the catalogue is public)."""

from __future__ import annotations

from ninja import Router, Schema

from apps.support.models import Offer

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
    return list(
        Offer.objects.active().search(q).in_tier(tier or None).from_provider(provider or None)
    )
