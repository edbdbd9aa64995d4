"""A programme manager builds a peer team, sees why each peer is there, tries a swap that
breaks a rule (refused, rule named), makes one that keeps them (htmx, in place), and confirms."""

import datetime as dt

from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.councils.models import Council
from apps.peers.services.register import save_records
from apps.peers.services.teams import ruling_party_for
from apps.peers.teams.domain import PeerRecord

DOVER, THANET, SLOUGH, CROYDON = "E07000108", "E07000114", "E06000039", "E09000008"


def _peer(ref, kind, home, expertise=(), **kw):
    return PeerRecord(
        ref,
        kind,
        expertise=frozenset(expertise),
        home_council=home,
        region="South East",
        max_days=20,
        accredited_until=dt.date(2030, 1, 1),
        name=f"Test {ref}",
        **kw,
    )


def _register():
    party = ruling_party_for(Council.objects.get(gss_code=DOVER), dt.date(2026, 3, 2))[0]
    party = "Con" if party == "NOC" else party
    other = "Lab" if party != "Lab" else "Con"
    save_records(
        [
            _peer("CE1", "officer", SLOUGH, ["leadership"], role="chief_executive"),
            _peer("M1", "member", CROYDON, ["governance"], party=party),
            _peer("M2", "member", CROYDON, ["housing"], party=other),
            _peer("FIN1", "officer", SLOUGH, ["finance"], role="finance"),
            _peer("FIN2", "officer", SLOUGH, ["finance"], role="finance"),
            _peer("FINX", "officer", THANET, ["finance", "governance"], role="finance"),
            _peer("O1", "officer", SLOUGH, ["digital"], role="other"),
        ]
    )


def test_build_explain_swap_and_confirm_a_peer_team(page, sign_in, make_user):
    make_user(role=Role.PROGRAMME_MANAGER, username="priya")
    _register()
    sign_in(page, "priya")
    page.goto("/peers/teams/new/")
    expect(page.locator("h1")).to_have_text("Build a peer team")
    page.get_by_label("Council").select_option(label="Dover District Council")
    page.get_by_label("First day").fill("2026-03-02")
    page.get_by_label("Working days").fill("5")
    page.get_by_label("Peers on the team").fill("4")
    page.get_by_label("Finance and s151").check()
    page.get_by_label("Governance and scrutiny").check()
    page.get_by_role("button", name="Build the team").click()

    expect(page.locator("h1")).to_have_text("Peer team for Dover")
    expect(page.get_by_text("Team proposed (proved optimal).")).to_be_visible()
    expect(page.get_by_text("Covers 2 of 2 needs")).to_be_visible()
    expect(page.get_by_text("Lead officer peer", exact=True)).to_be_visible()
    assert page.locator("h1").count() == 1

    # Swap the finance peer for one who serves a district of the same county: refused.
    fin_row = page.locator("tr", has_text="FIN1").or_(page.locator("tr", has_text="FIN2")).first
    fin_row.locator("summary").click()
    expect(fin_row.get_by_text("Peers who keep every rule")).to_be_visible()
    fin_row.get_by_label("Replacement peer ID").fill("FINX")
    fin_row.get_by_role("button", name="Check and swap").click()
    expect(page.get_by_text("Swap refused", exact=True)).to_be_visible()
    expect(page.get_by_text("county area").first).to_be_visible()

    # A finance peer without a conflict: the swap is made in place and marked as by hand.
    on_team = "FIN1" if page.locator("tr", has_text="FIN1").count() else "FIN2"
    spare = "FIN2" if on_team == "FIN1" else "FIN1"
    row = page.locator("tr", has_text=on_team).first
    row.locator("summary").click()
    row.get_by_label("Replacement peer ID").fill(spare)
    row.get_by_role("button", name="Check and swap").click()
    expect(page.get_by_role("alert").get_by_text("every rule still holds")).to_be_visible()
    expect(page.get_by_text("Chosen by hand")).to_be_visible()

    page.get_by_role("button", name="Confirm team and record deployments").click()
    expect(page.get_by_text("Team confirmed: 4 deployments recorded.")).to_be_visible()
