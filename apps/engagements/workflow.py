"""The engagement lifecycle, declared in one place.

States, the transitions allowed between them, the data each transition requires and who may make
it. Services apply transitions (`services.transition`); views, the API and documentation read this
declaration, so there are no scattered `if state == ...` checks elsewhere.

    identified -> first conversation -> need acknowledged (consent) -> support agreed (terms)
      -> in delivery (improvement plan) <-> progress review -> closed as improved
    escalated (referral to inspectorates or government) from any open state or a decline;
    declined from any state before delivery (recorded; the watch goes on, and it may reopen).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from apps.engagements.models import Engagement, State


@dataclass(frozen=True)
class Field:
    """A piece of data a transition requires (or accepts)."""

    name: str
    label: str
    kind: str = "text"  # text | longtext | date | choice | offers
    required: bool = True
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    target: str | None = None  # Engagement attribute the value is stored in, if any
    past: bool = False  # a date of something that has happened: not in the future
    after: str | None = None  # a date that must fall after this other field's date


@dataclass(frozen=True)
class TransitionSpec:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    fields: tuple[Field, ...] = ()
    # Who may make it: "manage" = staff within the council's scope (permissions.can_manage_...).
    who: str = "manage"
    guards: tuple[tuple[Callable[[Engagement], bool], str], ...] = field(default=())
    description: str = ""
    clears: tuple[str, ...] = ()  # Engagement attributes emptied (a new cycle starts afresh)


def _has_actions(engagement: Engagement) -> bool:
    return engagement.actions.exists()


# What one cycle (opened or reopened -> consent -> ... -> declined) records on the engagement.
CYCLE_FIELDS = (
    "consent_given_by",
    "consent_role",
    "consent_date",
    "consent_scope",
    "terms",
    "offers",
    "decline_reason",
)

OPEN_BEFORE_DELIVERY = (
    State.IDENTIFIED,
    State.FIRST_CONVERSATION,
    State.NEED_ACKNOWLEDGED,
    State.SUPPORT_AGREED,
)

TRANSITIONS: tuple[TransitionSpec, ...] = (
    TransitionSpec(
        "start_conversation",
        "Record the first conversation",
        (State.IDENTIFIED,),
        State.FIRST_CONVERSATION,
        (
            Field("conversation_date", "Date of the conversation", "date", past=True),
            Field("with_whom", "Who the conversation was with", "text"),
        ),
        description="A regional associate or programme manager has talked to the council.",
    ),
    TransitionSpec(
        "acknowledge_need",
        "Record consent: the council acknowledges the need",
        (State.FIRST_CONVERSATION,),
        State.NEED_ACKNOWLEDGED,
        (
            Field("consent_given_by", "Consent given by (name)", target="consent_given_by"),
            Field(
                "consent_role",
                "Their role",
                help="For example: Leader, Chief executive",
                target="consent_role",
            ),
            Field("consent_date", "Date of consent", "date", target="consent_date", past=True),
            Field(
                "consent_scope",
                "Scope of consent",
                "longtext",
                help="What the council agrees the sector may look at and share",
                target="consent_scope",
            ),
        ),
        description="The council acknowledges the need to improve and accepts help. From now on "
        "its own users can see the engagement.",
    ),
    TransitionSpec(
        "agree_support",
        "Agree support (terms of engagement)",
        (State.NEED_ACKNOWLEDGED,),
        State.SUPPORT_AGREED,
        (
            Field(
                "terms",
                "Terms of engagement",
                "longtext",
                help="What support, from whom, for how long, and how progress is reported",
                target="terms",
            ),
            Field("offers", "Offers agreed", "offers", required=False, target="offers"),
        ),
    ),
    TransitionSpec(
        "start_delivery",
        "Start delivery of the improvement plan",
        (State.SUPPORT_AGREED,),
        State.IN_DELIVERY,
        (
            Field(
                "delivery_started",
                "Delivery started on",
                "date",
                target="delivery_started",
                past=True,
            ),
            Field(
                "next_review_due",
                "First progress review due",
                "date",
                required=False,
                help="Leave blank to use the agreed offers' usual review interval "
                "(e.g. about 10 months after a peer challenge)",
                target="next_review_due",
                after="delivery_started",
            ),
        ),
        guards=((_has_actions, "Add at least one action to the improvement plan first."),),
    ),
    TransitionSpec(
        "begin_review",
        "Hold a progress review",
        (State.IN_DELIVERY,),
        State.PROGRESS_REVIEW,
        (
            Field("review_date", "Date of the review", "date", past=True),
            Field("findings", "What the review found", "longtext"),
        ),
    ),
    TransitionSpec(
        "continue_delivery",
        "Continue delivery after the review",
        (State.PROGRESS_REVIEW,),
        State.IN_DELIVERY,
        (Field("next_review_due", "Next progress review due", "date", target="next_review_due"),),
    ),
    TransitionSpec(
        "close_improved",
        "Close as improved",
        (State.PROGRESS_REVIEW,),
        State.CLOSED_IMPROVED,
        (Field("outcome", "What improved, and the evidence", "longtext", target="outcome"),),
        description="Only after a progress review has found improvement.",
    ),
    TransitionSpec(
        "escalate",
        "Escalate: refer to inspectorates or government",
        (*OPEN_BEFORE_DELIVERY, State.IN_DELIVERY, State.PROGRESS_REVIEW, State.DECLINED),
        State.ESCALATED,
        (
            Field(
                "escalated_to",
                "Referred to",
                "choice",
                choices=tuple(Engagement.EscalatedTo.choices),
                target="escalated_to",
            ),
            Field(
                "escalation_reason", "Reason for escalation", "longtext", target="escalation_reason"
            ),
        ),
    ),
    TransitionSpec(
        "decline",
        "Record that the council declined help",
        OPEN_BEFORE_DELIVERY,
        State.DECLINED,
        (Field("decline_reason", "What the council said", "longtext", target="decline_reason"),),
        description="Recorded; the council stays on the watchlist and the engagement may reopen.",
    ),
    TransitionSpec(
        "reopen",
        "Reopen (the watch goes on)",
        (State.DECLINED,),
        State.IDENTIFIED,
        description="A new cycle: the council must consent again before its users see the "
        "case; the last cycle's consent, terms and decline stay in the history and audit.",
        clears=CYCLE_FIELDS,
    ),
)

BY_NAME = {t.name: t for t in TRANSITIONS}
WHO_LABELS = {
    "manage": "Programme managers; regional associates for councils in their region",
}
STATE_ORDER = [s.value for s in State]


class TransitionRefused(Exception):
    """An illegal or incomplete transition; the message says why, in words a person can act on."""

    def __init__(self, message: str, errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


def get(name: str) -> TransitionSpec:
    try:
        return BY_NAME[name]
    except KeyError:
        raise TransitionRefused(
            f"There is no transition called {name!r}. Known transitions: {', '.join(BY_NAME)}."
        ) from None


def available_from(state: str) -> list[TransitionSpec]:
    return [t for t in TRANSITIONS if state in t.sources]


def check_allowed(spec: TransitionSpec, engagement: Engagement) -> None:
    """Refuse a transition the workflow does not allow from the engagement's state."""
    if engagement.state not in spec.sources:
        current = State(engagement.state).label
        allowed = ", ".join(f"'{t.label}'" for t in available_from(engagement.state)) or "none"
        raise TransitionRefused(
            f"'{spec.label}' is not allowed from '{current}': an engagement can only "
            f"{spec.label[0].lower() + spec.label[1:]} from "
            f"{' or '.join(repr(State(s).label) for s in spec.sources)}. "
            f"Allowed from '{current}': {allowed}."
        )
    for guard, message in spec.guards:
        if not guard(engagement):
            raise TransitionRefused(f"'{spec.label}' cannot happen yet: {message}")


def clean_data(spec: TransitionSpec, data: dict) -> dict:
    """Check and convert the data a transition needs; errors per field, all at once."""
    errors: dict[str, str] = {}
    cleaned: dict = {}
    for f in spec.fields:
        value = data.get(f.name)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "", []):
            if f.required:
                errors[f.name] = f"Enter {f.label[0].lower() + f.label[1:]}"
            continue
        if f.kind == "date" and not isinstance(value, dt.date):
            try:
                value = dt.date.fromisoformat(str(value))
            except ValueError:
                errors[f.name] = f"{f.label} must be a real date, like 2026-03-31"
                continue
        if f.kind == "date" and f.past and value > timezone.localdate():
            errors[f.name] = f"{f.label} cannot be in the future"
            continue
        earlier = cleaned.get(f.after) if f.after else None
        if f.kind == "date" and isinstance(earlier, dt.date) and value <= earlier:
            errors[f.name] = f"{f.label} must be after {earlier:%d %B %Y}"
            continue
        if f.kind == "choice" and value not in {c for c, _ in f.choices}:
            errors[f.name] = f"{f.label}: choose one of {', '.join(c for c, _ in f.choices)}"
            continue
        if f.kind == "offers":
            value = [str(v) for v in (value if isinstance(value, list | tuple) else [value])]
        cleaned[f.name] = value
    unknown = set(data) - {f.name for f in spec.fields}
    if unknown:
        errors["__all__"] = f"Not part of '{spec.label}': {', '.join(sorted(unknown))}"
    if errors:
        summary = "; ".join(errors.values())
        raise TransitionRefused(f"'{spec.label}' needs more information: {summary}", errors)
    return cleaned


def describe() -> dict:
    """The workflow as data, for the API and documentation."""
    return {
        "states": [{"name": s.value, "label": s.label} for s in State],
        "transitions": [
            {
                "name": t.name,
                "label": t.label,
                "from": list(t.sources),
                "from_labels": [State(x).label for x in t.sources],
                "to": t.target,
                "to_label": State(t.target).label,
                "who": t.who,
                "who_label": WHO_LABELS[t.who],
                "fields": [
                    {"name": f.name, "label": f.label, "kind": f.kind, "required": f.required}
                    for f in t.fields
                ],
                "conditions": [message for _, message in t.guards],
                "description": t.description,
            }
            for t in TRANSITIONS
        ],
    }
