"""CSV and XLSX exports of engagements and plans: the caller passes a queryset already limited by
`Engagement.objects.visible_to(user)`, so exports follow the same rule as pages and the API."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from apps.engagements.models import Action, Engagement

ENGAGEMENT_COLUMNS = [
    ("id", "Engagement id"),
    ("council_gss", "Council GSS code"),
    ("council", "Council"),
    ("region", "Region"),
    ("title", "Title"),
    ("state", "State"),
    ("state_since", "In this state since"),
    ("consent_date", "Consent date"),
    ("next_review_due", "Next review due"),
    ("actions", "Actions"),
    ("overdue_actions", "Overdue actions"),
    ("demo", "Demo record"),
]
ACTION_COLUMNS = [
    ("engagement_id", "Engagement id"),
    ("council", "Council"),
    ("title", "Action"),
    ("owner", "Owner"),
    ("due_date", "Due"),
    ("rag", "RAG"),
    ("completed_on", "Completed"),
    ("evidence", "Evidence"),
]


def engagement_rows(engagements, today: dt.date | None = None) -> list[dict]:
    today = today or timezone.localdate()
    counted = (
        engagements.select_related("council")
        .order_by("council__name", "pk")
        .annotate(
            action_count=Count("actions", distinct=True),
            overdue_count=Count(
                "actions",
                filter=Q(actions__due_date__lt=today, actions__completed_on__isnull=True),
                distinct=True,
            ),
        )
    )
    rows = []
    for e in counted:
        rows.append(
            {
                "id": e.pk,
                "council_gss": e.council.gss_code,
                "council": e.council.name,
                "region": e.council.region,
                "title": e.title,
                "state": e.get_state_display(),
                "state_since": e.state_changed_at.date(),
                "consent_date": e.consent_date,
                "next_review_due": e.next_review_due,
                "actions": e.action_count,
                "overdue_actions": e.overdue_count,
                "demo": "yes" if e.is_demo else "",
            }
        )
    return rows


def action_rows(engagements) -> list[dict]:
    actions = Action.objects.filter(
        engagement__in=Engagement.objects.filter(pk__in=engagements.values("pk"))
    ).select_related("engagement__council")
    return [
        {
            "engagement_id": a.engagement_id,
            "council": a.engagement.council.name,
            "title": a.title,
            "owner": a.owner,
            "due_date": a.due_date,
            "rag": a.get_rag_display(),
            "completed_on": a.completed_on,
            "evidence": a.evidence,
        }
        for a in actions.order_by("engagement_id", "due_date", "pk")
    ]
