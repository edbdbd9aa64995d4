"""Engagements: the sector's confidential work with one council, from first concern to exit.

The lifecycle is declared once, in `apps/engagements/workflow.py`; every change goes through
`apps/engagements/services.py`, which writes an AuditEntry with before and after. Who may see an
engagement is decided by `apps.accounts.permissions` through `Engagement.objects.visible_to`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from apps.accounts import permissions


class State(models.TextChoices):
    IDENTIFIED = "identified", "Identified"
    FIRST_CONVERSATION = "first_conversation", "First conversation"
    NEED_ACKNOWLEDGED = "need_acknowledged", "Need acknowledged"
    SUPPORT_AGREED = "support_agreed", "Support agreed"
    IN_DELIVERY = "in_delivery", "In delivery"
    PROGRESS_REVIEW = "progress_review", "Progress review"
    CLOSED_IMPROVED = "closed_improved", "Closed as improved"
    ESCALATED = "escalated", "Escalated"
    DECLINED = "declined", "Declined"


OPEN_STATES = [
    State.IDENTIFIED,
    State.FIRST_CONVERSATION,
    State.NEED_ACKNOWLEDGED,
    State.SUPPORT_AGREED,
    State.IN_DELIVERY,
    State.PROGRESS_REVIEW,
]


def consented_this_cycle() -> models.Q:
    """The case's current cycle (since it was opened or last reopened) holds the council's consent:
    a consent transition with no reopening after it."""
    reopened_after = Transition.objects.filter(
        engagement=models.OuterRef("engagement"), name=REOPEN, pk__gt=models.OuterRef("pk")
    )
    consents = Transition.objects.filter(
        engagement=models.OuterRef("pk"), to_state=State.NEED_ACKNOWLEDGED
    ).filter(~models.Exists(reopened_after))
    return models.Q(models.Exists(consents))


def deployed_now(user, today: dt.date | None = None) -> models.Q:
    """`user` is deployed to the case today: the deployment has started and not ended (on its end
    date access has gone)."""
    if not getattr(user, "pk", None):
        return models.Q(pk__in=[])
    today = today or timezone.localdate()
    active = EngagementMember.objects.filter(
        engagement=models.OuterRef("pk"), user=user, start__lte=today
    ).filter(models.Q(end__isnull=True) | models.Q(end__gt=today))
    return models.Q(models.Exists(active))


REOPEN = "reopen"
# The Demo tag as plain text (emails, choice lists, papers); pages draw the tag ({% demo_tag %}).
DEMO_MARK = " · Demo"


class EngagementQuerySet(models.QuerySet):
    def visible_to(self, user) -> EngagementQuerySet:
        """The one filter for pages, API and exports (rules: `apps.accounts.permissions`)."""
        return permissions.visible_cases(
            self, user, "case", deployed=deployed_now(user), shared=consented_this_cycle()
        )

    def for_aggregates(self, user) -> EngagementQuerySet:
        """The engagements counted in `user`'s dashboard figures (rows are never shown)."""
        if permissions.sees_national_aggregates(user):
            return self.all()
        return self.visible_to(user)

    def open(self) -> EngagementQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def for_council(self, council) -> EngagementQuerySet:
        return self.filter(council=council)

    def in_state(self, state: str | None) -> EngagementQuerySet:
        return self.filter(state=state) if state else self

    def in_region(self, region: str | None) -> EngagementQuerySet:
        return self.filter(council__region=region) if region else self

    def overdue(self, today: dt.date | None = None) -> EngagementQuerySet:
        """Engagements with at least one overdue action."""
        today = today or timezone.localdate()
        return self.filter(
            actions__due_date__lt=today, actions__completed_on__isnull=True
        ).distinct()

    def review_due(self, by: dt.date | None = None) -> EngagementQuerySet:
        by = by or timezone.localdate()
        return self.filter(
            state__in=[State.IN_DELIVERY, State.PROGRESS_REVIEW], next_review_due__lte=by
        )


class Engagement(models.Model):
    class EscalatedTo(models.TextChoices):
        INSPECTORATE = "inspectorate", "An inspectorate or regulator"
        GOVERNMENT = "government", "Government (the department)"
        AUDITOR = "auditor", "The external auditor"

    council = models.ForeignKey(
        "councils.Council", on_delete=models.PROTECT, related_name="engagements"
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="Why the sector is concerned")
    state = models.CharField(max_length=24, choices=State.choices, default=State.IDENTIFIED)
    state_changed_at = models.DateTimeField(default=timezone.now)
    triage = models.ForeignKey(
        "support.TriageDecision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="engagements",
    )
    # need acknowledged: consent
    consent_given_by = models.CharField(max_length=120, blank=True)
    consent_role = models.CharField(max_length=120, blank=True)
    consent_date = models.DateField(null=True, blank=True)
    consent_scope = models.TextField(blank=True)
    # support agreed: terms of engagement
    terms = models.TextField("terms of engagement", blank=True)
    offers = models.ManyToManyField("support.Offer", blank=True, related_name="engagements")
    # delivery and review
    delivery_started = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    # exits
    outcome = models.TextField(blank=True, help_text="Closing summary")
    escalated_to = models.CharField(max_length=20, choices=EscalatedTo.choices, blank=True)
    escalation_reason = models.TextField(blank=True)
    decline_reason = models.TextField(blank=True)
    is_demo = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up with every change; an edit made from an "
        "older version is refused (someone else changed it meanwhile)",
    )

    objects = EngagementQuerySet.as_manager()

    class Meta:
        ordering = ["-state_changed_at", "-pk"]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        """Council and title, and the plain-text Demo tag for a demo record: emails and choice
        lists name engagements this way, and titles themselves never say "demo"."""
        return f"{self.council.name}: {self.title}{self.demo_mark}"

    @property
    def demo_mark(self) -> str:
        return DEMO_MARK if self.is_demo else ""

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def current_consent(self) -> Transition | None:
        """The consent transition of the current cycle (None if the council has not consented
        since the case was opened or last reopened)."""
        last = (
            self.transitions.filter(
                models.Q(to_state=State.NEED_ACKNOWLEDGED) | models.Q(name=REOPEN)
            )
            .order_by("-pk")
            .first()
        )
        return last if last and last.name != REOPEN else None

    def _consent_audit_pk(self, consent: Transition) -> int:
        """The audit entry written with the consent transition (just before it)."""
        entry = (
            self.audit.filter(
                verb="transition", after__state=State.NEED_ACKNOWLEDGED, at__lte=consent.at
            )
            .order_by("-pk")
            .first()
        )
        return entry.pk if entry else 0

    def history_for(self, user) -> models.QuerySet:
        """Transitions `user` may read (council users: from the current cycle's consent on)."""
        moves = self.transitions.select_related("by")
        if permissions.sees_records_before_consent(user):
            return moves
        consent = self.current_consent()
        return moves.filter(pk__gte=consent.pk) if consent else moves.none()

    def notes_for(self, user) -> models.QuerySet:
        notes = self.notes.select_related("author")
        if not permissions.sees_staff_only_notes(user):
            notes = notes.filter(staff_only=False)
        if permissions.sees_records_before_consent(user):
            return notes
        consent = self.current_consent()
        return notes.filter(created_at__gte=consent.at) if consent else notes.none()

    def audit_for(self, user) -> models.QuerySet:
        entries = self.audit.select_related("by")
        if not permissions.sees_staff_only_notes(user):
            hidden = self.notes.filter(staff_only=True).values_list("pk", flat=True)
            entries = entries.exclude(object_type="note", object_id__in=list(hidden))
        if permissions.sees_records_before_consent(user):
            return entries
        consent = self.current_consent()
        if consent is None:
            return entries.none()
        return entries.filter(pk__gte=self._consent_audit_pk(consent))


class Transition(models.Model):
    """One move through the workflow: who, when, why, and the data it required."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField(max_length=40)
    from_state = models.CharField(max_length=24, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=24, choices=State.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_state or 'opened'} -> {self.to_state}"


class Action(models.Model):
    """One action in the improvement plan."""

    class Rag(models.TextChoices):
        RED = "red", "Red"
        AMBER = "amber", "Amber"
        GREEN = "green", "Green"

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=200)
    owner = models.CharField(max_length=120, help_text="Who in the council or sector owns this")
    due_date = models.DateField()
    rag = models.CharField("RAG status", max_length=5, choices=Rag.choices, default=Rag.AMBER)
    evidence = models.TextField(blank=True, help_text="What shows progress")
    completed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.completed_on is None and self.due_date < (today or timezone.localdate())


class Note(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    text = models.TextField()
    staff_only = models.BooleanField(
        "Staff only",
        default=False,
        help_text="Only improvement staff see it: not the council's users, not peers",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:60]


class MemberRole(models.TextChoices):
    PEER = "peer", "Peer"
    LEAD_OFFICER_PEER = "lead_officer_peer", "Lead officer peer"
    LEAD_MEMBER_PEER = "lead_member_peer", "Lead member peer"
    CHALLENGE_MANAGER = "challenge_manager", "Challenge manager"


class EngagementMember(models.Model):
    """Who is deployed to an engagement (peers see only engagements they are deployed to)."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deployments"
    )
    role = models.CharField(max_length=20, choices=MemberRole.choices)
    start = models.DateField(default=timezone.localdate)
    end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "user", "role"], name="unique_engagement_member_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class AuditEntry(models.Model):
    """Every change to an engagement, its plan, actions, notes and members: before and after."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="audit")
    object_type = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField(null=True)
    verb = models.CharField(max_length=20)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(default=timezone.now)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.verb} {self.object_type} {self.object_id}"

    def changes(self) -> list[tuple[str, object, object]]:
        """(field label, before, after) for each field that changed; empty-to-empty is no change."""
        before, after = self.before or {}, self.after or {}
        labels = _field_labels(self.object_type)
        rows = []
        for key in dict.fromkeys([*before, *after]):
            old, new = before.get(key), after.get(key)
            if key in AUDIT_HIDDEN or old == new or (old in EMPTY and new in EMPTY):
                continue
            rows.append((labels.get(key, key.replace("_", " ")), old, new))
        return rows


EMPTY = (None, "", [])
AUDIT_HIDDEN = {"id", "engagement_id", "state_changed_at", "version"}


def _field_labels(model_name: str) -> dict[str, str]:
    from django.apps import apps

    try:
        model = apps.get_model("engagements", model_name)
    except LookupError:
        return {}
    fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
    return {f.attname: str(f.verbose_name).capitalize() for f in fields}
