"""Email about engagements: on each transition, and daily for overdue actions and reviews due.

Recipients are people who may see the case (the same rule as pages and the API), so an email
never tells anyone about a case they could not open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import timezone

SUBJECT_PREFIX = "[Nowhere Left Behind] "
_muted = ContextVar("engagement_notifications_muted", default=False)


@contextmanager
def muted() -> Iterator[None]:
    """No transition emails inside this block (demo data set-up, bulk imports)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def is_muted() -> bool:
    return _muted.get()


def _base_url() -> str:
    return getattr(settings, "SITE_URL", "http://localhost:8000").rstrip("/")


def recipients_by_engagement(engagement_ids: list[int]) -> dict[int, list[str]]:
    """For many engagements at once: one visibility query per user with an email, not one per
    (user, engagement) pair, so the daily run stays quick with thousands of cases."""
    from apps.engagements.models import Engagement

    found: dict[int, set[str]] = {pk: set() for pk in engagement_ids}
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    for user in users:
        for pk in Engagement.objects.visible_to(user).values_list("pk", flat=True):
            if pk in found:
                found[pk].add(user.email)
    return {pk: sorted(emails) for pk, emails in found.items()}


def recipients_for(engagement) -> list[str]:
    """Email addresses of active users who can see this engagement (never board members)."""
    from apps.engagements.models import Engagement

    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    candidates = users.filter(models_q_for_engagement(engagement)).distinct()
    return sorted(
        {
            u.email
            for u in candidates
            if Engagement.objects.visible_to(u).filter(pk=engagement.pk).exists()
        }
    )


def models_q_for_engagement(engagement):
    """A cheap pre-filter (council's users, region's staff, national staff, deployed members);
    the real rule is `visible_to`, applied per user after."""
    from django.db.models import Q

    return (
        Q(council_id=engagement.council_id)
        | Q(region=engagement.council.region)
        | Q(role__in=["programme_manager", "admin"])
        | Q(deployments__engagement=engagement)
    )


def _send(messages: Iterable[EmailMessage]) -> int:
    messages = list(messages)
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages) or 0


def transition_made(engagement_id: int, transition_name: str) -> int:
    from apps.engagements.models import Engagement

    if _muted.get():
        return 0
    engagement = Engagement.objects.select_related("council").get(pk=engagement_id)
    last = engagement.transitions.order_by("-at", "-pk").first()
    to = recipients_for(engagement)
    if not to:
        return 0
    url = _base_url() + reverse("engagements:detail", args=[engagement.pk])
    body = (
        f"{engagement}\n\n"
        f"The engagement is now '{engagement.get_state_display()}'"
        + (
            f", recorded by {last.by.get_full_name() or last.by.username}"
            if last and last.by
            else ""
        )
        + ".\n"
        + (f"Why: {last.reason}\n" if last else "")
        + f"\nOpen it: {url}\n\nThis email is confidential to people working on this case.\n"
    )
    message = EmailMessage(
        SUBJECT_PREFIX + f"{engagement.council.name}: {engagement.get_state_display()}",
        body,
        settings.DEFAULT_FROM_EMAIL,
        bcc=to,
    )
    return _send([message])


@dataclass
class ReminderRun:
    engagements: int = 0
    overdue_actions: int = 0
    reviews_due: int = 0
    emails: int = 0


def send_reminders(today: dt.date | None = None, *, dry_run: bool = False) -> ReminderRun:
    """One email per open engagement with overdue actions or a review due within 14 days."""
    from apps.engagements.models import Action, Engagement

    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=14)
    run = ReminderRun()
    messages = []
    engagements = (
        Engagement.objects.open()
        .select_related("council")
        .prefetch_related("actions")
        .order_by("council__name", "pk")
    )
    due = []
    for engagement in engagements:
        overdue = [a for a in engagement.actions.all() if a.is_overdue(today)]
        review = (
            engagement.next_review_due
            if engagement.next_review_due
            and engagement.next_review_due <= soon
            and engagement.state in ("in_delivery", "progress_review")
            else None
        )
        if not overdue and not review:
            continue
        due.append((engagement, overdue, review))
    recipients = recipients_by_engagement([e.pk for e, _, _ in due])
    for engagement, overdue, review in due:
        run.engagements += 1
        run.overdue_actions += len(overdue)
        run.reviews_due += review is not None
        to = recipients[engagement.pk]
        if not to:
            continue
        lines = [str(engagement), ""]
        if overdue:
            lines.append(f"{len(overdue)} overdue action{'s' if len(overdue) != 1 else ''}:")
            lines += [
                f"- {a.title} (owner {a.owner}, due {a.due_date:%d %B %Y}, "
                f"{Action.Rag(a.rag).label})"
                for a in overdue
            ]
            lines.append("")
        if review:
            when = "was due" if review < today else "is due"
            lines.append(f"The progress review {when} on {review:%d %B %Y}.")
        url = _base_url() + reverse("engagements:detail", args=[engagement.pk])
        lines += ["", f"Open it: {url}"]
        messages.append(
            EmailMessage(
                SUBJECT_PREFIX + f"Reminder: {engagement.council.name}",
                "\n".join(lines),
                settings.DEFAULT_FROM_EMAIL,
                bcc=to,
            )
        )
    if not dry_run:
        run.emails = _send(messages)
    return run
