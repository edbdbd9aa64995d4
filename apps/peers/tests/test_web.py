"""The register and team pages: who may see them, building, explaining, swapping, confirming."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from apps.accounts.models import Role
from apps.councils.models import Council
from apps.peers.models import Deployment, Peer, TeamMember, TeamRequest, TeamStatus
from apps.peers.services import teams as team_service

from .conftest import DOVER, START

pytestmark = pytest.mark.django_db


def _team(by=None, **kw) -> TeamRequest:
    council = Council.objects.get(gss_code=DOVER)
    party, source = team_service.ruling_party_for(council, START)
    fields = dict(
        council=council,
        start_date=START,
        days=5,
        team_size=4,
        needs=["finance", "governance"],
        ruling_party=party,
        ruling_party_source=source,
        created_by=by,
    )
    fields.update(kw)
    team = TeamRequest.objects.create(**fields)
    team_service.build_team(team)
    return team


def _refs(team):
    return set(team.members.values_list("peer__peer_ref", flat=True))


@pytest.mark.parametrize(
    ("role", "extra", "status"),
    [
        (Role.PROGRAMME_MANAGER, {}, 200),
        (Role.REGIONAL_ASSOCIATE, {"region": "London"}, 200),
        (Role.COUNCIL_USER, {"council": DOVER}, 403),
        (Role.BOARD_MEMBER, {}, 403),
        (Role.PEER, {}, 403),
    ],
)
def test_only_staff_see_the_register(client, make_user, register, role, extra, status):
    client.force_login(make_user(role=role, **extra))
    assert client.get(reverse("peers:list")).status_code == status
    assert client.get(reverse("peers:export")).status_code == status
    # one peer's record: refused exactly like a record that does not exist
    assert client.get(reverse("peers:peer", args=["CE1"])).status_code == (
        404 if status == 403 else status
    )


def test_a_peer_sees_their_own_record_only(client, make_user, register):
    user = make_user(role=Role.PEER)
    Peer.objects.filter(peer_ref="CE1").update(user=user)
    client.force_login(user)
    assert client.get(reverse("peers:peer", args=["CE1"])).status_code == 200
    assert client.get(reverse("peers:peer", args=["FIN1"])).status_code == 404


def test_register_filters(client, make_user, register):
    client.force_login(make_user())
    page = client.get(reverse("peers:list"), {"kind": "officer", "expertise": "finance"})
    names = {p.peer_ref for p in page.context["page"]}
    assert names == {"FIN1", "FINX", "OLD"}
    page = client.get(reverse("peers:list"), {"expertise": "finance", "accredited": "expired"})
    assert {p.peer_ref for p in page.context["page"]} == {"OLD"}


def test_register_csv_export_round_trips_through_import(client, make_user, register, tmp_path):
    client.force_login(make_user())
    body = client.get(reverse("peers:export")).content
    assert body.startswith(b"peer_id,kind,role,party")
    path = tmp_path / "peers.csv"
    path.write_bytes(body)
    out = io.StringIO()
    call_command("import_peers", path, stdout=out)
    assert "0 peers created, 9 peers updated" in out.getvalue()
    assert Peer.objects.get(peer_ref="FINX").home_council.gss_code == "E07000114"


def test_import_refuses_an_unknown_council_naming_row_and_column(register, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "peer_id,kind,role,party,expertise,home_council_gss,former_council_gss,region,"
        "max_days,accredited_until\n"
        "NEW1,officer,finance,,finance,E06000039,,South East,20,2030-01-01\n"
        "NEW2,officer,finance,,finance,E99999999,,South East,20,2030-01-01\n"
    )
    with pytest.raises(CommandError) as info:
        call_command("import_peers", path, stdout=io.StringIO())
    assert "row 3, column 'home_council_gss'" in str(info.value)
    assert not Peer.objects.filter(peer_ref="NEW1").exists()


def test_building_a_team_through_the_form(client, make_user, register):
    client.force_login(make_user())
    council = Council.objects.get(gss_code=DOVER)
    response = client.post(
        reverse("peers:team-new"),
        {
            "council": council.pk,
            "engagement": "",
            "start_date": "2026-03-02",
            "days": 5,
            "team_size": 4,
            "needs": ["finance", "governance"],
        },
    )
    team = TeamRequest.objects.get()
    assert response.status_code == 302
    refs = _refs(team)
    assert {"CE1", "M1", "FIN1"} <= refs
    assert "FINX" not in refs and "OLD" not in refs  # county-area conflict; expired
    page = client.get(reverse("peers:team", args=[team.pk]))
    html = page.content.decode()
    assert "proved optimal" in html
    assert "Lead officer peer" in html and "Lead member peer" in html
    assert "Covers 2 of 2 needs" in html
    assert f"Team request {team.pk}" in html and team.ref not in html  # words, not a code


def test_regional_associate_cannot_build_outside_their_region(client, make_user, register):
    client.force_login(make_user(role=Role.REGIONAL_ASSOCIATE, region="London"))
    council = Council.objects.get(gss_code=DOVER)
    response = client.post(
        reverse("peers:team-new"),
        {"council": council.pk, "start_date": "2026-03-02", "days": 5, "team_size": 4},
    )
    assert response.status_code == 200 and not TeamRequest.objects.exists()
    team = _team()
    assert (
        client.get(reverse("peers:team", args=[team.pk])).status_code == 404
    )  # as for a team that does not exist


def test_infeasible_request_names_the_blocking_rule(client, make_user, register):
    Peer.objects.filter(peer_ref="CE1").update(accredited_until="2026-03-03")
    client.force_login(make_user())
    team = _team()
    assert not team.members.exists()
    html = client.get(reverse("peers:team", args=[team.pk])).content.decode()
    assert "No team can be formed" in html
    assert "has accreditation valid on 2–6 March 2026" in html


def test_swap_that_breaks_a_rule_is_refused_and_named(client, make_user, register):
    client.force_login(make_user())
    team = _team()
    before = _refs(team)
    fin = TeamMember.objects.get(team=team, peer__peer_ref="FIN1")
    response = client.post(
        reverse("peers:team-swap", args=[team.pk]),
        {"member": fin.pk, "peer_ref": "FINX"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "Swap refused" in html
    assert "county area" in html
    assert _refs(team) == before


def test_swapping_out_the_lead_officer_for_a_non_chief_executive_is_refused(
    client, make_user, register
):
    client.force_login(make_user())
    team = _team()
    ce = TeamMember.objects.get(team=team, lead="officer")
    spare = next(r for r in ("O1", "O2", "O3") if r not in _refs(team))
    response = client.post(
        reverse("peers:team-swap", args=[team.pk]),
        {"member": ce.pk, "peer_ref": spare},
        HTTP_HX_REQUEST="true",
    )
    assert "exactly one lead officer peer" in response.content.decode().lower()
    assert TeamMember.objects.get(team=team, lead="officer").peer.peer_ref == "CE1"


def test_a_good_swap_is_made_and_marked_as_by_hand(client, make_user, register):
    client.force_login(make_user())
    team = _team()
    filler = team.members.exclude(peer__peer_ref__in=["CE1", "M1", "FIN1"]).first()
    spare = next(r for r in ("O1", "O2", "O3") if r not in _refs(team))
    suggestions = client.get(reverse("peers:team-suggest", args=[team.pk, filler.pk]))
    assert spare in suggestions.content.decode()
    response = client.post(
        reverse("peers:team-swap", args=[team.pk]),
        {"member": filler.pk, "peer_ref": spare},
        HTTP_HX_REQUEST="true",
    )
    assert "every rule still holds" in response.content.decode()
    assert TeamMember.objects.get(team=team, peer__peer_ref=spare).chosen_by == "hand"
    assert team_service.check_request(team) == []


def test_confirm_records_deployments_and_deploys_peers_with_accounts(client, make_user, register):
    from apps.engagements.models import Engagement, EngagementMember

    pm = make_user()
    peer_user = make_user(role=Role.PEER)
    Peer.objects.filter(peer_ref="CE1").update(user=peer_user)
    engagement = Engagement.objects.create(
        council=Council.objects.get(gss_code=DOVER), title="Test engagement"
    )
    team = _team(by=pm, engagement=engagement)
    client.force_login(pm)
    client.post(reverse("peers:team-confirm", args=[team.pk]))
    team.refresh_from_db()
    assert team.status == TeamStatus.CONFIRMED
    assert Deployment.objects.filter(team=team).count() == 4
    assert EngagementMember.objects.filter(
        engagement=engagement, user=peer_user, role="lead_officer_peer"
    ).exists()
    # The confirmed deployment now counts: an overlapping request cannot use the same peers.
    second = _team()
    assert not second.members.exists()
    assert second.blockers[0]["rule"] == "availability.overlap"


def test_generate_peers_is_synthetic_and_idempotent(db):
    out = io.StringIO()
    call_command("generate_peers", count=40, seed=1, stdout=out)
    call_command("generate_peers", count=40, seed=1, stdout=out)
    assert Peer.objects.count() == 40
    assert all(p.synthetic and p.name.startswith("Synthetic Peer") for p in Peer.objects.all())
    assert "40 already present" in out.getvalue()
    members = Peer.objects.filter(kind="member")
    assert members.exists() and not members.filter(party="").exists()


def test_bootstrap_links_the_demo_peer_and_is_idempotent(db, make_user):
    from apps.peers.services.demo import ensure_demo

    make_user(role=Role.PEER, username="peer")
    make_user(role=Role.COUNCIL_USER, council="E06000039")
    ensure_demo(io.StringIO(), count=60)
    ensure_demo(io.StringIO(), count=60)
    assert Peer.objects.count() == 60
    assert Peer.objects.filter(user__username="peer").count() == 1
    assert TeamRequest.objects.filter(is_demo=True).count() == 1  # no Croydon engagement here


def test_the_demo_peer_record_and_croydon_agree(client):
    """One source of truth: the demo peer is deployed to Croydon by a confirmed peer team, so
    their page lists the deployment and the engagement names the role their place gives them."""
    from apps.accounts.demo import ensure_demo_users
    from apps.engagements.demo import ensure_demo_engagements
    from apps.engagements.models import Engagement
    from apps.peers.services.demo import ensure_demo

    call_command("import_support_offers", stdout=io.StringIO())
    users = {u.username: u for u in ensure_demo_users()}
    ensure_demo_engagements()
    ensure_demo(io.StringIO(), count=150)
    ensure_demo(io.StringIO(), count=150)  # idempotent

    peer = Peer.objects.get(user__username="peer")
    croydon = Engagement.objects.get(council__gss_code="E09000008", is_demo=True)
    team = TeamRequest.objects.get(engagement=croydon, status=TeamStatus.CONFIRMED)
    place = team.members.get(peer=peer)
    (membership,) = croydon.members.filter(user=users["peer"])
    role = {"officer": "lead_officer_peer", "member": "lead_member_peer"}.get(place.lead, "peer")
    assert peer.kind == "member" and membership.role == role != "lead_officer_peer"
    assert Deployment.objects.filter(peer=peer, team=team, council=croydon.council).count() == 1
    assert list(Engagement.objects.visible_to(users["peer"])) == [croydon]

    client.force_login(users["peer"])
    page = client.get(reverse("peers:peer", args=[peer.peer_ref])).content.decode()
    assert "No deployments yet" not in page
    assert croydon.council.name in page


def test_xlsx_and_team_exports(client, make_user, register):
    import openpyxl

    client.force_login(make_user())
    response = client.get(reverse("peers:export-xlsx"), {"kind": "member"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Peers"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "peer_id" and {r[0] for r in rows[1:]} == {"M1", "M2"}
    team = _team()
    body = client.get(reverse("peers:team-export", args=[team.pk])).content.decode()
    lines = body.strip().splitlines()
    assert lines[0] == "engagement_id,peer_id,lead"
    assert len(lines) == 5 and f"{team.ref},CE1,officer" in lines


def test_ruling_party_can_be_set_when_control_has_changed(client, make_user, register):
    client.force_login(make_user())
    council = Council.objects.get(gss_code=DOVER)
    client.post(
        reverse("peers:team-new"),
        {
            "council": council.pk,
            "start_date": "2026-03-02",
            "days": 5,
            "team_size": 4,
            "ruling_party": "NOC",
            "needs": ["finance"],
        },
    )
    team = TeamRequest.objects.get()
    assert team.ruling_party == "NOC" and team.ruling_party_source.startswith("set by")
    members = [m.peer for m in team.members.all() if m.peer.kind == "member"]
    assert len({p.party for p in members}) == 2  # cross-party under no overall control


def test_the_form_offers_a_first_day_it_can_read_back(client, make_user, register):
    client.force_login(make_user())
    form = client.get(reverse("peers:team-new")).context["form"]
    council = Council.objects.get(gss_code=DOVER)
    data = {
        "council": council.pk,
        "start_date": form["start_date"].value(),
        "days": 5,
        "team_size": 4,
    }
    assert client.post(reverse("peers:team-new"), data).status_code == 302
