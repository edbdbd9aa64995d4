"""Soft intelligence: dated, confidential notes about a council by improvement staff.

A note is either a warning sign (leadership turnover, an auditor's public interest report or
statutory recommendations, whistleblowing, a failed inspection, other) with a severity, or local
context that explains why a published flag may not mean difficulty. Notes are case data: who may
read or write them is decided by `apps.accounts.permissions` only. Frameworks count warning notes
from their `observed_on` date, so a watchlist as at D never sees a note dated after D.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models


class NoteCategory(models.TextChoices):
    LEADERSHIP_TURNOVER = "leadership_turnover", "Senior leadership turnover"
    AUDITOR_REPORT = (
        "auditor_report",
        "Auditor's public interest report or statutory recommendations",
    )
    WHISTLEBLOWING = "whistleblowing", "Whistleblowing"
    FAILED_INSPECTION = "failed_inspection", "Failed inspection"
    OTHER = "other", "Other warning sign"
    LOCAL_CONTEXT = "local_context", "Local context (why a flag may not mean difficulty)"


class Severity(models.IntegerChoices):
    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"


WARNING_CATEGORIES = [c for c in NoteCategory.values if c != NoteCategory.LOCAL_CONTEXT]


class SoftIntelligenceQuerySet(models.QuerySet):
    def visible_to(self, user) -> SoftIntelligenceQuerySet:
        """Staff in scope; a council's own users only notes deliberately shared with it."""
        from apps.accounts.permissions import visible_cases

        return visible_cases(
            self, user, "soft intelligence", shared=models.Q(shared_with_council=True)
        )

    def known_on(self, day: dt.date) -> SoftIntelligenceQuerySet:
        return self.filter(observed_on__lte=day)

    def warnings(self) -> SoftIntelligenceQuerySet:
        return self.exclude(category=NoteCategory.LOCAL_CONTEXT)

    def local_context(self) -> SoftIntelligenceQuerySet:
        return self.filter(category=NoteCategory.LOCAL_CONTEXT)


class SoftIntelligence(models.Model):
    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="soft_intelligence"
    )
    category = models.CharField(max_length=32, choices=NoteCategory.choices)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.MEDIUM)
    observed_on = models.DateField(help_text="When this became known; counts from this date")
    summary = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="soft_intelligence_notes",
    )
    shared_with_council = models.BooleanField(
        "Share with the council",
        default=False,
        help_text="Only if you mean the council's own users to read this note; "
        "soft intelligence is otherwise never shown to the council it is about",
    )
    is_demo = models.BooleanField(default=False, help_text="Demo record created by bootstrap")
    created = models.DateTimeField(auto_now_add=True)

    objects = SoftIntelligenceQuerySet.as_manager()

    class Meta:
        ordering = ["-observed_on", "-created"]
        verbose_name = "soft intelligence note"
        indexes = [models.Index(fields=["council", "observed_on"])]

    def __str__(self) -> str:
        return f"{self.council.name}: {self.get_category_display()} ({self.observed_on})"

    @property
    def is_local_context(self) -> bool:
        return self.category == NoteCategory.LOCAL_CONTEXT
