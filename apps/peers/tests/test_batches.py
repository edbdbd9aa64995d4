"""Teams for several engagements at once in the web; proposed teams hold their peers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.councils.models import Council
from apps.engagements.models import Engagement, State
from apps.peers.models import Deployment, TeamRequest, TeamStatus
from apps.peers.services import teams as team_service
from apps.peers.teams.domain import Assignment

from .conftest import DOVER, START

pytestmark = pytest.mark.django_db


def _engagement(gss: str, title: str) -> Engagement:
    council = Council.objects.get(gss_code=gss)
    return Engagement.objects.create(council=council, title=title, state=State.SUPPORT_AGREED)


def _row(e: Engagement, start=START, needs=("finance",), size=3) -> dict:
    p = f"e{e.pk}"
    return {
        f"{p}-include": "on",
        f"{p}-engagement": e.pk,
        f"{p}-start_date": start.isoformat(),
        f"{p}-days": 5,
        f"{p}-team_size": size,
        f"{p}-needs": list(needs),
    }


def test_a_manager_builds_teams_for_two_engagements_at_once(client, make_user, register):
    pm = make_user(role=Role.PROGRAMME_MANAGER)
    client.force_login(pm)
    dover = _engagement(DOVER, "Dover finance review")
    slough = _engagement(DOVER, "Dover governance review")  # the register is around Dover
    page = client.get(reverse("peers:batch-new")).content.decode()
    assert "Dover finance review" in page and "Dover governance review" in page

    later = START + dt.timedelta(days=14)  # not overlapping: the one chief executive does both
    response = client.post(reverse("peers:batch-new"), {**_row(dover), **_row(slough, start=later)})
    teams = list(TeamRequest.objects.filter(engagement__in=[dover, slough]))
    assert len(teams) == 2 and teams[0].batch == teams[1].batch is not None
    assert response.status_code == 302 and response["Location"] == reverse(
        "peers:batch", args=[teams[0].batch.pk]
    )
    assert all(t.members.count() == 3 and t.holds for t in teams)
    page = client.get(response["Location"]).content.decode()
    assert page.count("Peers held until") == 2

    client.post(reverse("peers:batch-confirm", args=[teams[0].batch.pk]))
    for team in teams:
        team.refresh_from_db()
        assert team.status == TeamStatus.CONFIRMED and not team.holds
    assert Deployment.objects.filter(team__in=teams).count() == 6


def test_nothing_chosen_is_refused_with_a_message(client, make_user, register):
    client.force_login(make_user(role=Role.PROGRAMME_MANAGER))
    dover = _engagement(DOVER, "Dover finance review")
    data = _row(dover)
    del data[f"e{dover.pk}-include"]
    page = client.post(reverse("peers:batch-new"), data).content.decode()
    assert "Choose at least one engagement" in page
    assert not TeamRequest.objects.exists()


def _request(gss=DOVER, start=START) -> TeamRequest:
    council = Council.objects.get(gss_code=gss)
    party, source = team_service.ruling_party_for(council, start)
    return TeamRequest.objects.create(
        council=council,
        start_date=start,
        days=5,
        team_size=3,
        needs=["finance"],
        ruling_party=party,
        ruling_party_source=source,
    )


def test_a_held_peer_cannot_be_promised_twice_until_the_hold_expires(register):
    first = _request(DOVER)
    team_service.build_team(first)
    assert first.holds and first.members.filter(peer__peer_ref="CE1").exists()

    # Another manager, same dates: the only chief executive is held.
    second = _request(DOVER)
    team_service.build_team(second)
    assert not second.members.exists()
    blocker = second.blockers[0]
    assert "chief executive" in blocker["message"] and blocker["rule"] == "availability.overlap"

    # Putting the held chief executive on it by hand is refused, naming the hold.
    by_hand = [Assignment(second.ref, "CE1", "officer")]
    violations = team_service.check_request(second, by_hand)
    assert any(f"held for proposed team request {first.pk}" in v.message for v in violations)

    # When the hold expires, the peer is free again; confirming the first team re-checks.
    TeamRequest.objects.filter(pk=first.pk).update(held_until=timezone.now())
    team_service.build_team(second)
    assert second.members.filter(peer__peer_ref="CE1").exists()
    first.refresh_from_db()
    assert team_service.confirm(first, by=None)  # refused: CE1 is now held for the second team
    assert first.status == TeamStatus.PROPOSED


def test_a_peer_on_two_overlapping_teams_is_told_by_the_teams_name_not_its_code(register):
    """The solver's codes ("TR12") stay inside it: messages say "team request 12"."""
    from apps.peers.services.council_facts import areas_from_register
    from apps.peers.services.register import solver_records
    from apps.peers.teams.check import check_teams
    from apps.peers.teams.rules import load_rules

    first, second = _request(DOVER), _request(DOVER)
    both = [Assignment(t.ref, "CE1", "officer") for t in (first, second)]
    engs = [team_service.request_record(t) for t in (first, second)]
    violations = check_teams(both, engs, solver_records(), load_rules(), areas_from_register())
    (overlap,) = [v for v in violations if v.rule == "availability.overlap"]
    assert f"is also on team request {first.pk} (Dover" in overlap.message
    assert first.ref not in overlap.message


def test_a_demo_engagement_is_tagged_on_every_team_page(client, make_user, register):
    """The Demo tag follows the engagement onto the team pages (its title never says "demo")."""
    tag = '<strong class="govuk-tag govuk-tag--grey">Demo</strong>'
    client.force_login(make_user(role=Role.PROGRAMME_MANAGER))
    dover = _engagement(DOVER, "Dover finance review")
    Engagement.objects.filter(pk=dover.pk).update(is_demo=True)
    assert tag in client.get(reverse("peers:batch-new")).content.decode()
    chooser = client.get(reverse("peers:team-new")).content.decode()
    assert "Dover finance review · Demo" in chooser
    batch = client.post(reverse("peers:batch-new"), _row(dover))["Location"]
    team = TeamRequest.objects.get(engagement=dover)
    assert not team.is_demo  # so any tag below is the engagement's
    for url in (batch, reverse("peers:teams"), reverse("peers:team", args=[team.pk])):
        assert tag in client.get(url).content.decode(), url
