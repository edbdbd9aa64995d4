"""Property test: random paths through the engagement workflow (consent, decline, reopen,
escalate, notes, staff-only notes, deploy and end deployments, soft intelligence); then nobody
reads a word the rules in `apps/accounts/permissions.py` forbid.

Every reason, note and field written on a path is a unique token; an oracle written from the rules
(not from the code) says which tokens each role may read. After each example's paths, every role
reads what the pages, the API and the exports are built from (`visible_to`, `history_for`,
`notes_for`, `audit_for`, the export rows, soft intelligence), and one role drawn by Hypothesis
reads every page, API answer and export over HTTP; each response is searched for forbidden tokens.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.accounts.models import ApiToken, Role
from apps.councils.models import Council
from apps.early_warning.models import NoteCategory, SoftIntelligence
from apps.engagements import services, workflow
from apps.engagements.models import Engagement, EngagementMember

pytestmark = pytest.mark.django_db

CROYDON, SLOUGH = "E09000008", "E06000039"
ROLES = ["pm", "ra_london", "ra_se", "croydon", "slough", "peer", "other_peer", "board"]
CASES_PER_EXAMPLE = 3
EXAMPLES = 70  # x 3 cases = 210 random paths
STEPS = [t.name for t in workflow.TRANSITIONS] + [
    "note",
    "staff_note",
    "deploy",
    "end_deployment",
    "intel",
    "shared_intel",
]
_counter = itertools.count()


def token() -> str:
    return f"tok{next(_counter):06d}q"


def transition_data(name: str, mark: str) -> dict:
    day = "2026-01-10"
    return {
        "start_conversation": {"conversation_date": day, "with_whom": mark},
        "acknowledge_need": {
            "consent_given_by": mark,
            "consent_role": "Leader",
            "consent_date": day,
            "consent_scope": mark,
        },
        "agree_support": {"terms": mark},
        "start_delivery": {"delivery_started": day},
        "begin_review": {"review_date": day, "findings": mark},
        "continue_delivery": {"next_review_due": "2027-06-01"},
        "close_improved": {"outcome": mark},
        "escalate": {"escalated_to": "government", "escalation_reason": mark},
        "decline": {"decline_reason": mark},
        "reopen": {},
    }[name]


class Oracle:
    """What each role may read of one case, from the rules table, kept as the path runs."""

    def __init__(self) -> None:
        self.all: set[str] = set()
        self.staff_only: set[str] = set()
        self.council: set[str] = set()  # tokens since the current cycle's consent
        self.consented = False
        self.peer_active = False

    def wrote(self, mark: str, *, staff_only: bool = False) -> None:
        self.all.add(mark)
        if staff_only:
            self.staff_only.add(mark)
        elif self.consented:
            self.council.add(mark)

    def moved(self, name: str, mark: str) -> None:
        if name == "reopen":
            self.consented, self.council = False, set()
        if name == "acknowledge_need":
            self.consented, self.council = True, set()
        self.wrote(mark)

    def may_read(self, who: str) -> set[str]:
        if who in ("pm", "ra_london"):
            return self.all
        if who == "croydon":
            return self.council if self.consented else set()
        if who == "peer":
            return self.all - self.staff_only if self.peer_active else set()
        return set()

    def sees_case(self, who: str) -> bool:
        if who in ("pm", "ra_london"):
            return True
        if who == "croydon":
            return self.consented
        if who == "peer":
            return self.peer_active
        return False


@pytest.fixture
def people(make_user, offers):
    croydon = Council.objects.get(gss_code=CROYDON)
    users = {  # in ROLES order
        "pm": make_user(role=Role.PROGRAMME_MANAGER),
        "ra_london": make_user(role=Role.REGIONAL_ASSOCIATE, region="London"),
        "ra_se": make_user(role=Role.REGIONAL_ASSOCIATE, region="South East"),
        "croydon": make_user(role=Role.COUNCIL_USER, council=croydon),
        "slough": make_user(role=Role.COUNCIL_USER, council=SLOUGH),
        "peer": make_user(role=Role.PEER),
        "other_peer": make_user(role=Role.PEER),
        "board": make_user(role=Role.BOARD_MEMBER),
    }
    web, api = {}, {}
    for who, user in users.items():
        web[who] = Client()
        web[who].force_login(user)
        api[who] = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}
    return users, web, api, croydon


def run_path(engagement, steps: list[str], users, oracle: Oracle, croydon) -> dict[str, bool]:
    pm, intel = users["pm"], {}
    for step in steps:
        mark = token()
        if step in workflow.BY_NAME:
            if step not in [t.name for t in workflow.available_from(engagement.state)]:
                continue
            if step == "start_delivery" and not engagement.actions.exists():
                services.add_action(
                    engagement, by=pm, title="Plan", owner="S151", due_date=dt.date(2026, 3, 1)
                )
            engagement = services.transition(
                engagement, step, by=pm, reason=mark, data=transition_data(step, mark)
            )
            oracle.moved(step, mark)
        elif step in ("note", "staff_note"):
            services.add_note(engagement, by=pm, text=mark, staff_only=step == "staff_note")
            oracle.wrote(mark, staff_only=step == "staff_note")
        elif step == "deploy":
            services.deploy(engagement, users["peer"], "peer", by=pm)
            oracle.peer_active = True
        elif step == "end_deployment":
            member = EngagementMember.objects.filter(
                engagement=engagement, user=users["peer"]
            ).first()
            if member is not None:
                services.end_deployment(member, by=pm)
                oracle.peer_active = False
        else:
            shared = step == "shared_intel"
            SoftIntelligence.objects.create(
                council=croydon,
                category=NoteCategory.WHISTLEBLOWING,
                observed_on=dt.date(2026, 1, 1),
                summary=mark,
                shared_with_council=shared,
            )
            intel[mark] = shared
    return intel


def intel_may_read(who: str, shared: bool) -> bool:
    return who in ("pm", "ra_london") or (who == "croydon" and shared)


def read_models(user) -> list[str]:
    """What every page, API answer and export of cases is built from, for `user`."""
    from apps.engagements.exports import engagement_rows

    visible = Engagement.objects.visible_to(user)
    found = [str(engagement_rows(visible))]
    found += [s.summary for s in SoftIntelligence.objects.visible_to(user)]
    for engagement in visible:
        found.append(str(services.snapshot(engagement)))
        found += [f"{t.reason} {t.data}" for t in engagement.history_for(user)]
        found += [n.text for n in engagement.notes_for(user)]
        found += [f"{a.before} {a.after} {a.reason}" for a in engagement.audit_for(user)]
    return found


def read_everything(who: str, web: Client, api: dict, pks: list[int]) -> list[str]:
    bodies = [
        web.get("/engagements/").content.decode(),
        web.get("/engagements/?format=csv").content.decode(),
        web.get("/engagements/dashboard/?format=csv").content.decode(),
        web.get("/early-warning/notes/").content.decode(),
        Client().get("/api/engagements/", **api).content.decode(),
        Client().get("/api/engagements/figures", **api).content.decode(),
        Client().get("/api/early-warning/notes/", **api).content.decode(),
    ]
    for pk in pks:
        bodies += [
            web.get(f"/engagements/{pk}/").content.decode(),
            web.get(f"/engagements/{pk}/audit/").content.decode(),
        ]
        for tail in ("", "/notes", "/audit"):
            bodies.append(Client().get(f"/api/engagements/{pk}{tail}", **api).content.decode())
    return bodies


paths = st.lists(
    st.lists(st.sampled_from(STEPS), min_size=1, max_size=12),
    min_size=CASES_PER_EXAMPLE,
    max_size=CASES_PER_EXAMPLE,
)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(paths=paths, over_http=st.sampled_from(ROLES))
def test_nobody_reads_what_the_rules_forbid(people, paths, over_http):
    users, web, api, croydon = people
    with transaction.atomic():
        oracles, intel, pks = [], {}, []
        for steps in paths:
            title = token()  # whoever may open the case may read its title
            engagement = services.create_engagement(council=croydon, title=title, by=users["pm"])
            oracle = Oracle()
            intel.update(run_path(engagement, steps, users, oracle, croydon))
            oracles.append((title, oracle))
            pks.append(engagement.pk)
        every = {m for title, o in oracles for m in (title, *o.all)} | set(intel)
        for who in users:
            allowed = {m for _, o in oracles for m in o.may_read(who)}
            allowed |= {title for title, o in oracles if o.sees_case(who)}
            allowed |= {m for m, shared in intel.items() if intel_may_read(who, shared)}
            forbidden = every - allowed
            text = "\n".join(read_models(users[who]))
            leaked = sorted(m for m in forbidden if m in text)
            assert not leaked, f"{who} read {leaked} after {paths}"
            expected = {pk for (_, o), pk in zip(oracles, pks, strict=True) if o.sees_case(who)}
            visible = Engagement.objects.visible_to(users[who]).values_list("pk", flat=True)
            assert set(visible) == expected, (who, paths)
            if who != over_http:
                continue
            text = "\n".join(read_everything(who, web[who], api[who], pks))
            leaked = sorted(m for m in forbidden if m in text)
            assert not leaked, f"{who} read {leaked} over HTTP after {paths}"
            if who != "board":
                listed = {e["id"] for e in Client().get("/api/engagements/", **api[who]).json()}
                assert listed == expected, (who, paths)
        transaction.set_rollback(True)
