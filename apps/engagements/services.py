"""Every change to an engagement goes through here, so each is permitted, valid and audited.

One mechanism for audit: `_audited` snapshots the object before and after and writes an
AuditEntry (who, when, before, after, why) in the same transaction as the change. Views, the API,
the bootstrap and other apps (peers deploy through `deploy`) call these functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from apps.accounts import permissions
from apps.engagements import notifications, workflow
from apps.engagements.models import (
    Action,
    AuditEntry,
    Engagement,
    EngagementMember,
    MemberRole,
    Note,
    Transition,
)
from apps.support.models import Offer

ENGAGEMENT_EDITABLE = ("title", "summary")
ACTION_EDITABLE = ("title", "owner", "due_date", "rag", "evidence", "completed_on")
PROGRESS_FIELDS = ("rag", "evidence", "completed_on")  # what the council itself may report


def snapshot(obj: models.Model) -> dict[str, Any]:
    """A JSON-safe picture of a row: fields by name, foreign keys as ids, many-to-many as lists."""
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        value = getattr(obj, f.attname)
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        data[f.attname] = value
    if obj.pk:
        for f in obj._meta.many_to_many:
            if f.name == "offers":
                data["offers"] = sorted(getattr(obj, f.name).values_list("slug", flat=True))
    for skip in ("updated_at", "version"):
        data.pop(skip, None)
    return data


@contextmanager
def _audited(
    obj: models.Model, *, by, engagement: Engagement | None = None, verb: str, reason: str = ""
) -> Iterator[models.Model]:
    before = snapshot(obj) if obj.pk else None
    yield obj
    after = snapshot(obj) if obj.pk else None
    if before == after:
        return
    AuditEntry.objects.create(
        engagement=engagement or obj,
        object_type=obj._meta.model_name,
        object_id=obj.pk or (before or {}).get("id"),
        verb=verb,
        by=by if getattr(by, "pk", None) else None,
        before=before,
        after=after,
        reason=reason,
    )


# What each `who` in the workflow declaration means, as a rule from the permissions module.
WHO = {"manage": permissions.can_manage_council_cases}


def _require_manage(by, engagement_or_council) -> None:
    council = getattr(engagement_or_council, "council", engagement_or_council)
    if not permissions.can_manage_council_cases(by, council):
        raise PermissionDenied("You may not change engagements for this council.")


def _require_visible(by, engagement: Engagement) -> None:
    if not Engagement.objects.visible_to(by).filter(pk=engagement.pk).exists():
        raise PermissionDenied("You may not see this engagement.")


class StaleEdit(Exception):
    """An edit made from an older version of the record: someone else changed it meanwhile.
    Nothing is saved; the message says who and when, and what to do."""

    def __init__(self, obj: models.Model, label: str):
        last = (
            AuditEntry.objects.filter(object_type=obj._meta.model_name, object_id=obj.pk)
            .select_related("by")
            .order_by("-pk")
            .first()
        )
        who = ""
        if last is not None:
            name = (last.by.get_full_name() or last.by.username) if last.by else "someone"
            who = f" ({name}, {timezone.localtime(last.at):%d %B %Y at %H:%M})"
        self.message = (
            f"Someone else changed this {label} after you opened it{who}. Your change was not "
            "saved: reload the page to see theirs, then make yours again."
        )
        super().__init__(self.message)


def _check_version(obj: models.Model, expected: int | None, label: str) -> None:
    """Refuse an edit based on an older version (None: the caller did not say; allowed)."""
    if expected is not None and int(expected) != obj.version:
        raise StaleEdit(obj, label)


def _full_clean(obj: models.Model, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


@transaction.atomic
def create_engagement(
    *, council, title: str, summary: str = "", by, triage=None, is_demo: bool = False
) -> Engagement:
    _require_manage(by, council)
    engagement = Engagement(
        council=council,
        title=title.strip(),
        summary=summary.strip(),
        triage=triage,
        created_by=by,
        is_demo=is_demo,
    )
    _full_clean(engagement, exclude=["created_by", "triage"])
    with _audited(engagement, by=by, verb="create", reason="Engagement opened"):
        engagement.save()
    Transition.objects.create(
        engagement=engagement,
        name="open",
        from_state="",
        to_state=engagement.state,
        by=by,
        reason=summary.strip() or "Engagement opened",
    )
    return engagement


@transaction.atomic
def update_engagement(
    engagement: Engagement,
    *,
    by,
    reason: str = "",
    expected_version: int | None = None,
    **changes,
) -> Engagement:
    _require_manage(by, engagement)
    bad = set(changes) - set(ENGAGEMENT_EDITABLE)
    if bad:
        raise ValidationError(
            f"Change {', '.join(sorted(bad))} through a workflow transition, not an edit."
        )
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    _check_version(engagement, expected_version, "engagement")
    with _audited(engagement, by=by, verb="update", reason=reason):
        for name, value in changes.items():
            setattr(engagement, name, value)
        _full_clean(engagement, exclude=["created_by", "triage"])
        engagement.version += 1
        engagement.save()
    return engagement


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day if it has fewer days."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _default_review_date(engagement: Engagement, start: dt.date) -> dt.date | None:
    """The soonest usual review among the agreed offers (e.g. ~10 months after a peer challenge)."""
    months = [o.review_after_months for o in engagement.offers.all() if o.review_after_months]
    return add_months(start, min(months)) if months else None


@transaction.atomic
def transition(
    engagement: Engagement, name: str, *, by, reason: str, data: dict | None = None
) -> Engagement:
    """Move the engagement through the declared workflow, or refuse with a clear message."""
    spec = workflow.get(name)
    if not WHO[spec.who](by, engagement.council):
        raise PermissionDenied(f"You may not '{spec.label}' for this council.")
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    workflow.check_allowed(spec, engagement)
    cleaned = workflow.clean_data(spec, data or {})
    if not (reason or "").strip():
        raise workflow.TransitionRefused(
            f"'{spec.label}' needs a reason: say why, for the record.", {"reason": "Enter a reason"}
        )
    if "offers" in cleaned:
        found = list(Offer.objects.filter(slug__in=cleaned["offers"]))
        missing = set(cleaned["offers"]) - {o.slug for o in found}
        if missing:
            raise workflow.TransitionRefused(
                f"Unknown offers: {', '.join(sorted(missing))}", {"offers": "Unknown offer"}
            )
    from_state = engagement.state
    with _audited(engagement, by=by, verb="transition", reason=reason.strip()):
        for name in spec.clears:
            if name == "offers":
                engagement.offers.clear()
            else:
                blank = None if Engagement._meta.get_field(name).null else ""
                setattr(engagement, name, blank)
        for f in spec.fields:
            if f.target and f.name in cleaned and f.kind != "offers":
                setattr(engagement, f.target, cleaned[f.name])
        if "offers" in cleaned:
            engagement.offers.set(found)
        if spec.name == "start_delivery" and not engagement.next_review_due:
            engagement.next_review_due = _default_review_date(
                engagement, engagement.delivery_started
            )
        engagement.state = spec.target
        engagement.state_changed_at = timezone.now()
        engagement.version += 1
        engagement.save()
    Transition.objects.create(
        engagement=engagement,
        name=spec.name,
        from_state=from_state,
        to_state=spec.target,
        by=by,
        reason=reason.strip(),
        data={k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in cleaned.items()},
    )
    if not notifications.is_muted():  # decided now: the commit may come after the muted block
        transaction.on_commit(lambda: notifications.transition_made(engagement.pk, spec.name))
    return engagement


@transaction.atomic
def add_action(engagement: Engagement, *, by, **fields) -> Action:
    _require_manage(by, engagement)
    action = Action(engagement=engagement, **fields)
    _full_clean(action)
    with _audited(action, by=by, engagement=engagement, verb="create"):
        action.save()
    return action


@transaction.atomic
def update_action(
    action: Action, *, by, reason: str = "", expected_version: int | None = None, **changes
) -> Action:
    """Staff in scope change anything; the council's own users report progress only. Two people
    editing one action: the second, working from the older version, is refused (StaleEdit)."""
    action = (
        Action.objects.select_for_update().select_related("engagement__council").get(pk=action.pk)
    )
    council = action.engagement.council
    if not permissions.can_manage_council_cases(by, council):
        _require_visible(by, action.engagement)
        if not permissions.can_report_case_progress(by, council):
            raise PermissionDenied("You may not change this plan.")
        changed = {k for k, v in changes.items() if getattr(action, k) != v}
        if changed - set(PROGRESS_FIELDS):
            raise PermissionDenied(
                "You may report progress (RAG status, evidence, completion) but not change "
                f"{', '.join(sorted(changed - set(PROGRESS_FIELDS)))}."
            )
    bad = set(changes) - set(ACTION_EDITABLE)
    if bad:
        raise ValidationError(f"Cannot change {', '.join(sorted(bad))} on an action.")
    _check_version(action, expected_version, "action")
    with _audited(action, by=by, engagement=action.engagement, verb="update", reason=reason):
        for name, value in changes.items():
            setattr(action, name, value)
        _full_clean(action)
        action.version += 1
        action.save()
    return action


@transaction.atomic
def delete_action(action: Action, *, by, reason: str) -> None:
    _require_manage(by, action.engagement)
    if not reason.strip():
        raise ValidationError("Say why the action is removed.")
    engagement = action.engagement
    with _audited(action, by=by, engagement=engagement, verb="delete", reason=reason):
        action.delete()
        action.pk = None


@transaction.atomic
def add_note(engagement: Engagement, *, by, text: str, staff_only: bool = False) -> Note:
    """Anyone who can see the case may add a note to it; staff may mark it staff-only."""
    _require_visible(by, engagement)
    if not text.strip():
        raise ValidationError("Write the note.")
    if staff_only and not permissions.sees_staff_only_notes(by):
        raise PermissionDenied("Only improvement staff may mark a note staff-only.")
    note = Note(engagement=engagement, author=by, text=text.strip(), staff_only=staff_only)
    with _audited(note, by=by, engagement=engagement, verb="create"):
        note.save()
    return note


@transaction.atomic
def deploy(
    engagement: Engagement,
    user,
    role: str,
    *,
    by,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> EngagementMember:
    """Record that `user` is deployed to the engagement (peers then see it)."""
    _require_manage(by, engagement)
    if role not in MemberRole.values:
        raise ValidationError(f"Unknown role {role!r}; use one of {', '.join(MemberRole.values)}")
    member = EngagementMember.objects.filter(engagement=engagement, user=user, role=role).first()
    member = member or EngagementMember(engagement=engagement, user=user, role=role)
    with _audited(member, by=by, engagement=engagement, verb="update" if member.pk else "create"):
        member.start = start or member.start or timezone.localdate()
        member.end = end
        if member.end and member.end < member.start:
            raise ValidationError("A deployment cannot end before it starts.")
        member.save()
    return member


@transaction.atomic
def end_deployment(member: EngagementMember, *, by, end: dt.date | None = None) -> None:
    _require_manage(by, member.engagement)
    with _audited(member, by=by, engagement=member.engagement, verb="update"):
        member.end = end or timezone.localdate()
        member.save()
