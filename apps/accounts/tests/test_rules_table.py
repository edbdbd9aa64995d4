"""Every cell of the rules table in `apps/accounts/permissions.py`, tested against the records the
apps actually return: one small world with a record of each kind inside and outside each scope."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from apps.accounts import permissions
from apps.accounts.models import Role
from apps.councils.models import Council
from apps.early_warning.models import NoteCategory, SoftIntelligence
from apps.engagements import services
from apps.engagements.models import Engagement, Note
from apps.engagements.tests.conftest import offers, walk  # noqa: F401 (offers: a fixture)
from apps.peers.models import Peer, PeerKind, TeamRequest

pytestmark = pytest.mark.django_db

CROYDON, HACKNEY, SLOUGH = "E09000008", "E09000012", "E06000039"
ROLES = {
    "national": Role.PROGRAMME_MANAGER,
    "regional": Role.REGIONAL_ASSOCIATE,
    "council": Role.COUNCIL_USER,
    "peer": Role.PEER,
    "board": Role.BOARD_MEMBER,
}


def test_the_table_covers_every_role_and_reads_as_written():
    assert set(permissions.RULES["case"]) == set(ROLES)
    assert permissions.RULES["soft intelligence"]["council"] == "shared"
    assert permissions.RULES["case"]["peer"] == "deployed"
    for row in permissions.RULES.values():
        assert set(row) == set(ROLES)


@pytest.fixture
def world(make_user, offers):  # noqa: F811 (the engagements' fixture)
    councils = {g: Council.objects.get(gss_code=g) for g in (CROYDON, HACKNEY, SLOUGH)}
    users = {
        "national": make_user(role=Role.PROGRAMME_MANAGER),
        "regional": make_user(role=Role.REGIONAL_ASSOCIATE, region="London"),
        "council": make_user(role=Role.COUNCIL_USER, council=councils[CROYDON]),
        "peer": make_user(role=Role.PEER),
        "board": make_user(role=Role.BOARD_MEMBER),
    }
    pm = users["national"]
    # cases: (gss, consented in the current cycle, peer deployed now)
    cases = {}

    def case(name, gss, *steps):
        e = services.create_engagement(council=councils[gss], title=name, by=pm)
        cases[name] = walk(e, pm, *steps)

    consent = ("start_conversation", "acknowledge_need")
    case("croydon consented", CROYDON, *consent)
    case("croydon early", CROYDON)
    case("croydon reopened", CROYDON, *consent, "decline", "reopen", "escalate")
    case("hackney consented", HACKNEY, *consent)
    case("slough consented", SLOUGH, *consent)
    services.deploy(cases["croydon early"], users["peer"], "peer", by=pm)
    ended = services.deploy(cases["slough consented"], users["peer"], "peer", by=pm)
    services.end_deployment(ended, by=pm)
    consented = {"croydon consented", "hackney consented", "slough consented"}
    deployed = {"croydon early"}
    notes = {}
    for name, e in cases.items():
        for staff_only in (False, True):
            notes[(name, staff_only)] = services.add_note(
                e, by=pm, text=f"{name} {staff_only}", staff_only=staff_only
            )
    intel = {
        (gss, shared): SoftIntelligence.objects.create(
            council=councils[gss],
            category=NoteCategory.WHISTLEBLOWING,
            observed_on=dt.date(2026, 1, 1),
            summary="A whistleblower",
            shared_with_council=shared,
        )
        for gss in (CROYDON, SLOUGH)
        for shared in (False, True)
    }
    teams = {
        gss: TeamRequest.objects.create(
            council=councils[gss], start_date=dt.date(2026, 5, 1), ruling_party="LAB"
        )
        for gss in (CROYDON, SLOUGH)
    }
    peers = {
        "own": Peer.objects.create(peer_ref="P1", name="Own", kind=PeerKind.OFFICER),
        "other": Peer.objects.create(peer_ref="P2", name="Other", kind=PeerKind.OFFICER),
    }
    peers["own"].user = users["peer"]
    peers["own"].save()
    return SimpleNamespace(
        users=users,
        cases=cases,
        consented=consented,
        deployed=deployed,
        notes=notes,
        intel=intel,
        teams=teams,
        peers=peers,
    )


def expected_cases(world, column: str, rule: str) -> set[str]:
    user = world.users[column]
    keep = {
        "all": lambda name, e: True,
        "region": lambda name, e: e.council.region == user.region,
        "consented": lambda name, e: e.council_id == user.council_id and name in world.consented,
        "deployed": lambda name, e: name in world.deployed,
        "none": lambda name, e: False,
    }[rule]
    return {name for name, e in world.cases.items() if keep(name, e)}


@pytest.mark.parametrize("column", list(ROLES))
def test_case_row(world, column):
    user = world.users[column]
    got = {e.title for e in Engagement.objects.visible_to(user)}
    assert got == expected_cases(world, column, permissions.RULES["case"][column])


@pytest.mark.parametrize("column", list(ROLES))
def test_case_record_and_staff_only_note_rows(world, column):
    user = world.users[column]
    records = expected_cases(world, column, permissions.RULES["case record"][column])
    staff_only = expected_cases(world, column, permissions.RULES["staff-only note"][column])
    for name, e in world.cases.items():
        visible = Engagement.objects.visible_to(user).filter(pk=e.pk).exists()
        shown = set(e.notes_for(user).values_list("pk", flat=True)) if visible else set()
        want = set()
        if name in records:
            want.add(world.notes[(name, False)].pk)
        if name in records and name in staff_only:
            want.add(world.notes[(name, True)].pk)
        assert shown == want, name
        if visible:
            audit_text = str(list(e.audit_for(user).values_list("after", flat=True)))
            assert (f"{name} True" in audit_text) == (world.notes[(name, True)].pk in want)


@pytest.mark.parametrize("column", list(ROLES))
def test_soft_intelligence_row(world, column):
    user = world.users[column]
    rule = permissions.RULES["soft intelligence"][column]
    keep = {
        "all": lambda gss, shared: True,
        "region": lambda gss, shared: gss == CROYDON,
        "shared": lambda gss, shared: gss == CROYDON and shared,
        "none": lambda gss, shared: False,
    }[rule]
    want = {note.pk for key, note in world.intel.items() if keep(*key)}
    assert set(SoftIntelligence.objects.visible_to(user).values_list("pk", flat=True)) == want


@pytest.mark.parametrize("column", list(ROLES))
def test_peer_team_row(world, column):
    user = world.users[column]
    rule = permissions.RULES["peer team"][column]
    want = {"all": {CROYDON, SLOUGH}, "region": {CROYDON}, "none": set()}[rule]
    got = {t.council.gss_code for t in TeamRequest.objects.visible_to(user)}
    assert got == want


@pytest.mark.parametrize("column", list(ROLES))
def test_peer_register_row(world, column):
    user = world.users[column]
    rule = permissions.RULES["peer register"][column]
    want = {"all": {"own", "other"}, "own": {"own"}, "none": set()}[rule]
    got = {k for k, peer in world.peers.items() if permissions.can_view_peer(user, peer)}
    assert got == want
    assert permissions.can_view_peer_register(user) == (rule == "all")


@pytest.mark.parametrize("column", list(ROLES))
def test_aggregates_row(world, column):
    user = world.users[column]
    rule = permissions.RULES["aggregates"][column]
    counted = {e.title for e in Engagement.objects.for_aggregates(user)}
    if rule == "national":
        assert counted == set(world.cases)
    else:
        assert counted == {e.title for e in Engagement.objects.visible_to(user)}


def test_staff_only_notes_are_staff_only_to_write(world):
    from django.core.exceptions import PermissionDenied

    e = world.cases["croydon consented"]
    with pytest.raises(PermissionDenied):
        services.add_note(e, by=world.users["council"], text="x", staff_only=True)
    assert not Note.objects.filter(text="x").exists()
