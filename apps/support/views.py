from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse

from apps.accounts import permissions
from apps.councils.models import Council
from apps.support.forms import OfferFilterForm, TriageDecisionForm, TriageInputForm
from apps.support.models import Offer, Provider, Tier, TriageDecision
from apps.support.services.decisions import (
    default_as_at,
    early_warning_for,
    propose_for,
    record_decision,
)
from apps.support.services.triage import TIERS, default_rules


def offer_list(request: HttpRequest) -> HttpResponse:
    """Where to go for support: public, no sign-in."""
    form = OfferFilterForm(request.GET or None)
    offers = Offer.objects.active()
    if form.is_valid():
        offers = form.apply(offers)
    template = "support/_offers.html" if request.htmx else "support/offers.html"
    return render(
        request,
        template,
        {"form": form, "offers": offers, "tiers": Tier, "providers": Provider},
    )


def triage_rules(request: HttpRequest) -> HttpResponse:
    """The triage rules, as agreed by the sector: public, like the catalogue."""
    rules = default_rules()
    titles = dict(Offer.objects.values_list("slug", "title"))
    return render(
        request,
        "support/triage_rules.html",
        {
            "rules": rules,
            "bands": sorted(rules.bands.items(), key=lambda kv: TIERS.index(kv[1])),
            "tier_offers": [
                (tier, [titles.get(s, s) for s in rules.tier_offers.get(tier, ())])
                for tier in TIERS
            ],
            "rule_rows": [
                {"rule": r, "offers": [titles.get(s, s) for s in r.offers]} for r in rules.rules
            ],
        },
    )


def offer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    offer = get_object_or_404(Offer.objects.active(), slug=slug)
    return render(request, "support/offer_detail.html", {"offer": offer})


def _early_warning_url(council: Council) -> str | None:
    try:
        return reverse("early_warning:council", args=[council.gss_code])
    except NoReverseMatch:
        return None


@login_required
def triage_index(request: HttpRequest) -> HttpResponse:
    """Staff find a council to triage, and see recent decisions in their scope."""
    permissions.require(permissions.is_staff_role(request.user))
    query = request.GET.get("q", "").strip()
    councils = []
    if query:
        found = Council.objects.current().search(query)[:200]
        councils = [c for c in found if permissions.can_manage_council_cases(request.user, c)][:50]
    decisions = (
        permissions.visible_cases(
            TriageDecision.objects.all(), request.user, council_path="council"
        )
        .select_related("council", "decided_by")
        .order_by("-decided_at")[:20]
    )
    return render(
        request,
        "support/triage_index.html",
        {"query": query, "councils": councils, "decisions": decisions},
    )


@login_required
def triage(request: HttpRequest, gss_code: str) -> HttpResponse:
    council = get_object_or_404(Council, gss_code=gss_code.upper())
    permissions.require(permissions.can_manage_council_cases(request.user, council))
    inputs = TriageInputForm(request.GET or request.POST or None)
    valid = inputs.is_valid()
    soft = inputs.cleaned_data["soft"] if valid else []
    # no date asked for: the latest date with fresh published figures, not "today" on old data
    as_at = (inputs.cleaned_data["as_at"] if valid else None) or default_as_at()
    warning = early_warning_for(council, as_at=as_at)
    proposal, problem = (None, warning.message)
    if warning.available:
        proposal, problem = propose_for(warning.band, warning.flags or [], soft)
    form = None
    if proposal is not None:
        initial = {"tier": proposal.tier, "offers": proposal.offers}
        if request.method == "POST":
            form = TriageDecisionForm(request.POST, proposal=proposal)
            if form.is_valid():
                decision = record_decision(
                    council=council,
                    proposal=proposal,
                    by=request.user,
                    tier=form.cleaned_data["tier"],
                    offer_slugs=[o.slug for o in form.cleaned_data["offers"]],
                    rationale=form.cleaned_data["rationale"],
                    as_at=as_at,
                )
                messages.success(
                    request,
                    f"Triage decision recorded for {council.name}: "
                    f"{decision.get_tier_display()} ({decision.get_outcome_display().lower()}).",
                )
                return redirect(request.get_full_path())
        else:
            form = TriageDecisionForm(initial=initial, proposal=proposal)
    offers_by_slug = {o.slug: o for o in Offer.objects.active()}
    return render(
        request,
        "support/triage.html",
        {
            "council": council,
            "warning": warning,
            "early_warning_url": _early_warning_url(council),
            "inputs": inputs,
            "as_at": as_at,
            "soft_selected": soft,
            "proposal": proposal,
            "proposed_offers": [offers_by_slug[s] for s in proposal.offers if s in offers_by_slug]
            if proposal
            else [],
            "problem": problem,
            "form": form,
            "decisions": TriageDecision.objects.filter(council=council)
            .select_related("decided_by")
            .prefetch_related("offers"),
        },
    )
