"""Demo engagements for `make run`: flagged `is_demo` (every page shows a Demo tag; the titles do
not say "demo"), one or more in every state, for real councils, tied to the demo users (Croydon has
a plan in delivery; Slough has a case Croydon's user must not see; the demo peer is deployed to
Croydon's). Idempotent, keyed by council and the demo flag: a council that already has a demo
engagement is left alone, except that a title from before the tag ("... (demo)") loses its suffix.
The cases are fictional; the councils are real."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.councils.models import Council
from apps.engagements import notifications, services
from apps.engagements.models import Action, AuditEntry, Engagement, Transition

GAPS = [18, 41, 27, 63, 35, 22, 90, 48]  # days between demo steps, cycled
ON_STEP = "the date of the step itself"  # a date field filled with its transition's date
OLD_SUFFIX = " (demo)"  # how demo titles ended before the Demo tag

# (gss, title, path of transitions, actions?) -- dates are days before today.
DEMO = [
    ("E09000008", "Financial resilience and recovery", "in_delivery", True),
    ("E06000039", "Budget gap and governance", "progress_review", True),
    ("E09000030", "Concerns from the early warning", "identified", False),
    ("E09000012", "Leadership changes", "first_conversation", False),
    ("E06000034", "Borrowing and investments", "need_acknowledged", False),
    ("E07000217", "Commercial investment exposure", "support_agreed", False),
    ("E06000018", "Children's services improvement", "closed_improved", True),
    ("E08000025", "Equal pay liabilities and finance", "escalated", True),
    ("E06000057", "Reserves falling", "declined", False),
]

STEPS = {
    "start_conversation": {"conversation_date": ON_STEP, "with_whom": "Chief executive and leader"},
    "acknowledge_need": {
        "consent_given_by": "Council leader",
        "consent_role": "Leader of the council",
        "consent_date": ON_STEP,
        "consent_scope": "Finances, governance and the improvement plan; findings shared with "
        "the regional associate, the national programme team and deployed peers.",
    },
    "agree_support": {
        "terms": "Finance peer review, then an intensive support package for 12 months; "
        "progress reported to the council's cabinet each quarter.",
        "offers": ["finance-peer-review", "bespoke-intensive-support"],
    },
    "start_delivery": {"delivery_started": ON_STEP, "next_review_due": 60},
    "begin_review": {"review_date": ON_STEP, "findings": "Savings on track; governance improving."},
    "close_improved": {"outcome": "Balanced budget set with reserves restored."},
    "escalate": {
        "escalated_to": "government",
        "escalation_reason": "Budget cannot be balanced without exceptional support.",
    },
    "decline": {"decline_reason": "The council prefers to act alone for now."},
}

PATHS = {
    "identified": [],
    "first_conversation": ["start_conversation"],
    "need_acknowledged": ["start_conversation", "acknowledge_need"],
    "support_agreed": ["start_conversation", "acknowledge_need", "agree_support"],
    "in_delivery": ["start_conversation", "acknowledge_need", "agree_support", "start_delivery"],
    "progress_review": [
        "start_conversation",
        "acknowledge_need",
        "agree_support",
        "start_delivery",
        "begin_review",
    ],
    "closed_improved": [
        "start_conversation",
        "acknowledge_need",
        "agree_support",
        "start_delivery",
        "begin_review",
        "close_improved",
    ],
    "escalated": [
        "start_conversation",
        "acknowledge_need",
        "agree_support",
        "start_delivery",
        "escalate",
    ],
    "declined": ["start_conversation", "decline"],
}

ACTIONS = [
    ("Agree a balanced medium-term financial plan", "Section 151 officer", -30, "red", ""),
    ("Review the capital programme and borrowing", "Director of finance", 20, "amber", ""),
    (
        "Refresh the constitution and scrutiny arrangements",
        "Monitoring officer",
        45,
        "green",
        "Draft presented to audit committee",
    ),
    ("Member development programme on financial literacy", "Leader", 90, "amber", ""),
]


def _resolve(value, today: dt.date, on: dt.date):
    if value == ON_STEP:
        return on.isoformat()
    return (today + dt.timedelta(days=value)).isoformat() if isinstance(value, int) else value


def schedule(steps: int, seed: int, now: dt.datetime) -> list[dt.datetime]:
    """When each move happened: the opening then each step, with uneven gaps (so the
    time-in-state figures have something to show), the last one a gap before now."""
    gaps = [GAPS[(seed + i) % len(GAPS)] for i in range(steps + 1)]
    start = now - dt.timedelta(days=sum(gaps))
    return [start + dt.timedelta(days=sum(gaps[:i])) for i in range(steps + 1)]


def _by_for(council: Council) -> User | None:
    ra = User.objects.filter(role=Role.REGIONAL_ASSOCIATE, region=council.region).first()
    return ra or User.objects.filter(role=Role.PROGRAMME_MANAGER).first()


@transaction.atomic
def _make(
    council: Council, title: str, target: str, with_actions: bool, today: dt.date, seed: int
) -> Engagement:
    by = _by_for(council)
    path = PATHS[target]
    times = schedule(len(path), seed, timezone.now())
    engagement = services.create_engagement(
        council=council,
        title=title,
        summary="Demo record: a fictional case to show how the service works.",
        by=by,
        is_demo=True,
    )
    for name, at in zip(path, times[1:], strict=True):
        if name == "start_delivery" and with_actions:
            for action_title, owner, due, rag, evidence in ACTIONS:
                services.add_action(
                    engagement,
                    by=by,
                    title=action_title,
                    owner=owner,
                    due_date=today + dt.timedelta(days=due),
                    rag=rag,
                    evidence=evidence,
                )
        data = {k: _resolve(v, today, at.date()) for k, v in STEPS[name].items()}
        engagement = services.transition(
            engagement, name, by=by, reason=f"Demo step: {name.replace('_', ' ')}", data=data
        )
    _backdate(engagement, times)
    return engagement


def _backdate(engagement: Engagement, times: list[dt.datetime]) -> None:
    """Date the history as it would have happened: each transition at its scheduled time, and
    every audit entry and action at the time of the step it was recorded in, so the history
    reads in date order (no conversation before the case was identified)."""
    moves = list(Transition.objects.filter(engagement=engagement).order_by("pk"))
    for move, at in zip(moves, times, strict=True):
        Transition.objects.filter(pk=move.pk).update(at=at)
    step, seconds = -1, 0
    for entry in AuditEntry.objects.filter(engagement=engagement).order_by("pk"):
        opens_step = entry.object_type == "engagement" and entry.verb in ("create", "transition")
        if opens_step and step + 1 < len(times):
            step, seconds = step + 1, 0
        seconds += 1  # entries of one step a second apart, in the order they were made
        at = times[max(step, 0)] + dt.timedelta(seconds=seconds)
        AuditEntry.objects.filter(pk=entry.pk).update(at=at)
        if entry.object_type == "action" and entry.verb == "create":
            Action.objects.filter(pk=entry.object_id).update(created_at=at)
    Engagement.objects.filter(pk=engagement.pk).update(
        created_at=times[0], state_changed_at=times[-1]
    )


def ensure_demo_engagements(stdout=None) -> int:
    """Create the demo engagements that are missing; returns how many were created."""
    today = timezone.localdate()
    created = 0
    with notifications.muted():
        for seed, (gss, title, target, with_actions) in enumerate(DEMO):
            council = Council.objects.filter(gss_code=gss).first()
            if council is None or _by_for(council) is None:
                continue
            existing = Engagement.objects.filter(council=council, is_demo=True)
            if existing.exists():
                # Made before the Demo tag: the old title carried the label itself.
                existing.filter(title=f"{title}{OLD_SUFFIX}").update(
                    title=title, version=F("version") + 1
                )
                continue
            _make(council, title, target, with_actions, today, seed)
            created += 1
        # The demo peer is deployed to Croydon's engagement by the peers demo, through a confirmed
        # peer team (apps.peers.services.demo), so the engagement and the peer record agree.
    if stdout:
        stdout.write(
            f"   demo engagements: {created} created, "
            f"{Engagement.objects.filter(is_demo=True).count()} in all\n"
        )
    return created
