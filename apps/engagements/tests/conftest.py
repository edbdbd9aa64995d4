"""People and engagements for the engagements tests: real councils from the register."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from apps.accounts.models import ApiToken, Role
from apps.councils.models import Council
from apps.engagements import services

CROYDON, SLOUGH, HACKNEY = "E09000008", "E06000039", "E09000012"


@pytest.fixture
def offers(db):
    call_command("import_support_offers", stdout=open("/dev/null", "w"))  # noqa: SIM115


def consent_data(day: dt.date | None = None) -> dict:
    return {
        "consent_given_by": "A. Leader",
        "consent_role": "Leader",
        "consent_date": (day or dt.date(2026, 1, 10)).isoformat(),
        "consent_scope": "Finance and governance",
    }


def walk(engagement, by, *names: str):
    """Move an engagement along the given transitions with valid data."""
    data = {
        "start_conversation": {"conversation_date": "2026-01-05", "with_whom": "Chief executive"},
        "acknowledge_need": consent_data(),
        "agree_support": {"terms": "Peer review then a package", "offers": ["finance-peer-review"]},
        "start_delivery": {"delivery_started": "2026-02-01"},
        "begin_review": {"review_date": "2026-06-01", "findings": "Better"},
        "continue_delivery": {"next_review_due": "2026-12-01"},
        "close_improved": {"outcome": "Improved"},
        "escalate": {"escalated_to": "government", "escalation_reason": "No progress"},
        "decline": {"decline_reason": "Not now"},
        "reopen": {},
    }
    for name in names:
        if name == "start_delivery" and not engagement.actions.exists():
            services.add_action(
                engagement, by=by, title="First action", owner="S151", due_date=dt.date(2026, 3, 1)
            )
        engagement = services.transition(
            engagement, name, by=by, reason=f"test {name}", data=data[name]
        )
    return engagement


@pytest.fixture
def people(make_user):
    croydon = Council.objects.get(gss_code=CROYDON)
    slough = Council.objects.get(gss_code=SLOUGH)
    return SimpleNamespace(
        pm=make_user(role=Role.PROGRAMME_MANAGER, username="pm1", email="pm@example.org"),
        ra_london=make_user(
            role=Role.REGIONAL_ASSOCIATE, username="ra1", region="London", email="ra@example.org"
        ),
        ra_se=make_user(
            role=Role.REGIONAL_ASSOCIATE,
            username="ra2",
            region="South East",
            email="se@example.org",
        ),
        croydon=make_user(
            role=Role.COUNCIL_USER, username="cu1", council=croydon, email="cu@example.org"
        ),
        slough=make_user(
            role=Role.COUNCIL_USER, username="cu2", council=slough, email="su@example.org"
        ),
        peer=make_user(role=Role.PEER, username="peer1", email="peer@example.org"),
        other_peer=make_user(role=Role.PEER, username="peer2", email="peer2@example.org"),
        board=make_user(role=Role.BOARD_MEMBER, username="board1", email="board@example.org"),
    )


@pytest.fixture
def cases(people, offers):
    """Croydon past consent with a plan (peer deployed), Croydon pre-consent, Slough consented."""
    croydon = Council.objects.get(gss_code=CROYDON)
    slough = Council.objects.get(gss_code=SLOUGH)
    hackney = Council.objects.get(gss_code=HACKNEY)
    croydon_live = services.create_engagement(
        council=croydon, title="Croydon finance", by=people.ra_london
    )
    croydon_live = walk(
        croydon_live,
        people.ra_london,
        "start_conversation",
        "acknowledge_need",
        "agree_support",
        "start_delivery",
    )
    services.deploy(croydon_live, people.peer, "peer", by=people.pm)
    croydon_early = services.create_engagement(
        council=croydon, title="Croydon early concern", by=people.ra_london
    )
    slough_live = services.create_engagement(council=slough, title="Slough budget", by=people.pm)
    slough_live = walk(slough_live, people.pm, "start_conversation", "acknowledge_need")
    hackney_case = services.create_engagement(council=hackney, title="Hackney", by=people.pm)
    return SimpleNamespace(
        croydon_live=croydon_live,
        croydon_early=croydon_early,
        slough=slough_live,
        hackney=hackney_case,
    )


@pytest.fixture
def token_for():
    def issue(user) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}

    return issue
