"""The support architecture: what help exists, who gives it, and how a council asks for it.

Offers are loaded from `apps/support/rules/offers.toml` (a file the sector can read and agree);
triage decisions record who accepted or changed a proposed tier and offers, and why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Tier(models.TextChoices):
    UNIVERSAL = "universal", "Universal"
    TARGETED = "targeted", "Targeted"
    INTENSIVE = "intensive", "Intensive"
    INTERVENTION = "intervention", "Intervention"


TIER_ORDER = [Tier.UNIVERSAL, Tier.TARGETED, Tier.INTENSIVE, Tier.INTERVENTION]


class Provider(models.TextChoices):
    COUNCIL = "council", "The council itself"
    REGIONAL = "regional", "Regional improvement partnership"
    NATIONAL = "national", "National improvement body"
    ASSOCIATION = "association", "The local government association"


class OfferQuerySet(models.QuerySet):
    def active(self) -> OfferQuerySet:
        return self.filter(active=True)

    def search(self, text: str) -> OfferQuerySet:
        text = (text or "").strip()
        if not text:
            return self
        q = Q()
        for word in text.split():
            q &= (
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(eligibility__icontains=word)
                | Q(how_to_ask__icontains=word)
                | Q(keywords__icontains=word)
            )
        return self.filter(q)

    def in_tier(self, tier: str | None) -> OfferQuerySet:
        return self.filter(tier=tier) if tier else self

    def from_provider(self, provider: str | None) -> OfferQuerySet:
        return self.filter(provider=provider) if provider else self


class Offer(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=120)
    summary = models.TextField()
    provider = models.CharField(max_length=20, choices=Provider.choices)
    tier = models.CharField(max_length=20, choices=Tier.choices)
    eligibility = models.TextField()
    cost = models.TextField(help_text="A description, not a price list")
    duration = models.CharField(max_length=200)
    how_to_ask = models.TextField()
    keywords = models.CharField(max_length=300, blank=True)
    review_after_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="When a progress review is usually due after delivery"
    )
    illustrative = models.BooleanField(
        default=False, help_text="Description is illustrative, not a published scheme"
    )
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def tier_rank(self) -> int:
        return TIER_ORDER.index(Tier(self.tier))


class TriageDecision(models.Model):
    """A proposal from the triage rules and what a person decided about it."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Accepted as proposed"
        CHANGED = "changed", "Changed"

    council = models.ForeignKey(
        "councils.Council", on_delete=models.PROTECT, related_name="triage_decisions"
    )
    band = models.CharField(max_length=40, blank=True)
    assessed_as_at = models.DateField(
        null=True, blank=True, help_text="The date the early-warning assessment was made as at"
    )
    flags = models.JSONField(default=list, blank=True)
    soft_intelligence = models.JSONField(default=list, blank=True)
    rules_version = models.CharField(max_length=40, blank=True)
    proposed_tier = models.CharField(max_length=20, choices=Tier.choices)
    proposed_offers = models.JSONField(default=list, help_text="Offer slugs proposed by the rules")
    proposal_reasons = models.JSONField(default=list, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    tier = models.CharField("decided tier", max_length=20, choices=Tier.choices)
    offers = models.ManyToManyField(Offer, blank=True, related_name="triage_decisions")
    rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="triage_decisions"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.council.name}: {self.get_tier_display()} ({self.get_outcome_display()})"
