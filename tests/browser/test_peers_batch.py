"""A programme manager builds teams for three engagements at once, swaps one peer, confirms them
all; the peers' own pages then show the deployments."""

import datetime as dt

from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.councils.models import Council
from apps.engagements.models import Engagement, State
from apps.peers.models import Peer, TeamMember
from apps.peers.services.register import save_records
from apps.peers.teams.domain import PeerRecord

SLOUGH = "E06000039"
COUNCILS = {"E07000108": "Dover", "E09000008": "Croydon", "E09000012": "Hackney"}


def _peer(ref, kind, expertise=(), **kw):
    return PeerRecord(
        ref,
        kind,
        expertise=frozenset(expertise),
        home_council=SLOUGH,  # no conflict with any of the three councils
        region="South East",
        max_days=20,
        accredited_until=dt.date(2030, 1, 1),
        name=f"Test {ref}",
        **kw,
    )


def _register():
    records = [
        _peer(f"CE{i}", "officer", ["leadership"], role="chief_executive") for i in (1, 2, 3)
    ]
    for party in ("Con", "Lab", "LD"):
        records += [_peer(f"{party.upper()}{i}", "member", party=party) for i in (1, 2)]
    records += [_peer(f"FIN{i}", "officer", ["finance"], role="finance") for i in (1, 2, 3, 4)]
    records += [_peer(f"O{i}", "officer", role="other") for i in (1, 2, 3)]
    save_records(records)


def test_build_three_teams_at_once_swap_one_and_confirm(page, sign_in, make_user):
    make_user(role=Role.PROGRAMME_MANAGER, username="priya")
    _register()
    for gss, name in COUNCILS.items():
        Engagement.objects.create(
            council=Council.objects.get(gss_code=gss),
            title=f"{name} finance review",
            state=State.SUPPORT_AGREED,
        )
    sign_in(page, "priya")
    page.goto("/peers/teams/")
    page.get_by_role("link", name="Build teams for several engagements").click()
    expect(page.locator("h1")).to_have_text("Build teams for several engagements")

    for name in COUNCILS.values():
        row = page.locator("fieldset.nlb-batch-row", has_text=f"{name} finance review")
        row.get_by_label("Build a team for this engagement").check()
        row.locator("summary").click()
        row.get_by_label("First day").fill("2026-03-04")  # a Wednesday: all three overlap
        row.get_by_label("Working days").fill("5")
        row.get_by_label("Peers on the team").fill("4")
        row.get_by_label("Finance and s151").check()
    page.get_by_role("button", name="Build the teams").click()

    expect(page.locator("h1")).to_have_text("Peer teams built together")
    expect(page.get_by_text("3 of 3 teams proposed")).to_be_visible()
    expect(page.get_by_text("Peers held until")).to_have_count(3)
    # Working days: Wednesday 4 March to Tuesday 10 March, not Sunday.
    expect(page.get_by_text("Dover: Wed 4 Mar to Tue 10 Mar 2026")).to_be_visible()
    batch_url = page.url

    # Swap one peer on Dover's team for the finance officer no team took.
    dover = page.locator(".govuk-summary-card", has_text="Dover")
    dover.get_by_role("link", name="Why these peers, and swap").click()
    expect(page.locator("h1")).to_have_text("Peer team for Dover")
    placed = set(TeamMember.objects.values_list("peer__peer_ref", flat=True))
    on_team = TeamMember.objects.filter(
        team__council__gss_code="E07000108", lead="", peer__kind="officer"
    ).first()
    spare = next(
        p
        for p in Peer.objects.filter(kind="officer", officer_role="finance").order_by("peer_ref")
        if p.peer_ref not in placed
    )
    row = page.locator("tr", has_text=on_team.peer.peer_ref).first
    row.locator("summary").click()
    row.get_by_label("Replacement peer ID").fill(spare.peer_ref)
    row.get_by_role("button", name="Check and swap").click()
    expect(page.get_by_role("alert").get_by_text("every rule still holds")).to_be_visible()

    page.goto(batch_url)
    expect(page.get_by_text("Swapped in by hand")).to_be_visible()
    page.get_by_role("button", name="Confirm all proposed teams").click()
    expect(page.get_by_text("3 teams confirmed.")).to_be_visible()
    expect(page.get_by_text("Confirmed", exact=True)).to_have_count(3)

    # The swapped-in peer's page, and a lead officer's, list their deployments.
    page.goto(f"/peers/{spare.peer_ref}/")
    history = page.locator("table", has_text="Deployment history")
    expect(history.get_by_role("cell", name="Dover", exact=True)).to_be_visible()
    expect(page.get_by_text("No deployments yet")).to_have_count(0)
    lead = TeamMember.objects.filter(team__council__gss_code="E09000012", lead="officer").get()
    page.goto(f"/peers/{lead.peer.peer_ref}/")
    expect(
        page.locator("table", has_text="Deployment history").get_by_text("officer")
    ).to_be_visible()
    expect(page.get_by_text("No deployments yet")).to_have_count(0)
