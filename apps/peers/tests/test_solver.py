"""Every rule, broken one at a time: the solver never breaks it, and names it when it blocks."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.peers.services.council_facts import areas_from_facts, from_shipped_files
from apps.peers.services.synthetic import generate_engagements, generate_peers, with_history
from apps.peers.teams.check import check_teams
from apps.peers.teams.domain import CouncilAreas, PriorDeployment
from apps.peers.teams.solver import build_teams, diagnose_unstaffed

from .factories import (
    AREAS,
    CROYDON,
    DOVER,
    KENT,
    START,
    THANET,
    basic_pool,
    busy,
    engagement,
    member,
    officer,
    rules,
)


def solve(engs, peers, r=None, areas=AREAS, **kw):
    r = r or rules()
    result = build_teams(engs, peers, r, areas, time_limit=5, **kw)
    assert check_teams(result.assignments, engs, peers, r, areas) == []
    return result


def ids(result, eid="E1"):
    return {a.peer_id for a in result.team(eid)}


def test_a_team_meets_every_rule_and_is_proved_optimal():
    result = solve([engagement()], basic_pool())
    team = result.team("E1")
    assert result.status == "OPTIMAL" and result.gap == 0
    assert len(team) == 3
    assert {a.lead for a in team} == {"officer", "member", ""}
    assert "FIN1" in ids(result)  # the only peer with the needed finance expertise
    assert result.needs_covered == result.needs_total == 1


@pytest.mark.parametrize(
    "conflict",
    [
        {"home_council": DOVER},  # own council
        {"former_councils": frozenset({DOVER})},  # former council
        {"home_council": THANET},  # another district of the same county
        {"home_council": KENT},  # the county that covers the district
    ],
    ids=["own-council", "former-council", "same-county-district", "county-of-district"],
)
def test_a_conflicted_peer_with_the_needed_skill_is_not_chosen(conflict):
    pool = basic_pool() + [officer("FIN2", "finance", ["finance"], **conflict)]
    pool = [p for p in pool if p.peer_id != "FIN1"]
    result = solve([engagement()], pool)
    assert "FIN2" not in ids(result)
    assert result.needs_covered == 0 and result.status == "OPTIMAL"


def test_district_peer_conflicts_with_its_county_engagement():
    pool = basic_pool() + [officer("FIN2", "finance", ["finance"], home_council=DOVER)]
    pool = [p for p in pool if p.peer_id != "FIN1"]
    result = solve([engagement(council=KENT)], pool)
    assert "FIN2" not in ids(result)


def test_same_region_rule_is_optional():
    pool = basic_pool()
    assert solve([engagement()], pool).team("E1")
    strict = rules(conflict_same_region=True)
    result = solve([engagement()], pool, strict)
    assert not result.team("E1")
    assert result.blockers[0].rule == "conflicts.same_region"


def test_county_area_rule_is_skipped_and_said_so_without_a_register():
    pool = [p for p in basic_pool() if p.peer_id != "FIN1"]
    pool.append(officer("FIN2", "finance", ["finance"], home_council=THANET))
    result = solve([engagement()], pool, areas=CouncilAreas.unknown())
    assert "FIN2" in ids(result)
    assert any("county" in n for n in result.notes)


def test_only_an_expired_lead_officer_makes_the_request_infeasible_naming_accreditation():
    pool = [p for p in basic_pool() if p.peer_id != "CE1"]
    pool.append(officer("CE2", "chief_executive", accredited_until=START + dt.timedelta(days=2)))
    result = solve([engagement()], pool)
    assert result.status == "INFEASIBLE" and not result.assignments
    (blocker,) = result.blockers
    assert blocker.rule == "availability.accreditation"
    assert "accreditation valid on 2–6 March 2026" in blocker.message
    assert "chief executive officer peer" in blocker.message


def test_an_expired_expert_is_not_chosen():
    pool = [p for p in basic_pool() if p.peer_id != "FIN1"]
    pool.append(officer("FIN2", "finance", ["finance"], accredited_until=START))
    result = solve([engagement()], pool)
    assert "FIN2" not in ids(result) and result.team("E1")


def test_accreditation_must_have_started_by_the_first_day():
    pool = [p for p in basic_pool() if p.peer_id != "FIN1"]
    pool.append(officer("FIN2", "finance", ["finance"], accredited_from=START + dt.timedelta(1)))
    result = solve([engagement()], pool)
    assert "FIN2" not in ids(result) and result.team("E1")


def test_lead_member_shares_the_ruling_party():
    pool = basic_pool() + [member("CON1", "Con", ["finance", "governance"])]
    result = solve([engagement(party="Lab")], pool)
    lead = next(a for a in result.team("E1") if a.lead == "member")
    assert lead.peer_id == "LAB1"


def test_no_peer_of_the_ruling_party_names_the_party_rule():
    pool = [p for p in basic_pool() if p.peer_id != "LAB1"] + [member("CON1", "Con")]
    result = solve([engagement(party="Lab")], pool)
    (blocker,) = result.blockers
    assert blocker.rule == "political_balance.lead_member_party"
    assert "No Labour member peer" in blocker.message


def test_busy_liberal_democrat_names_the_availability_rule():
    pool = [p for p in basic_pool() if p.peer_id != "LAB1"]
    pool.append(member("LD1", "LD", history=busy(START - dt.timedelta(days=1), 3)))
    result = solve([engagement(party="LD")], pool)
    (blocker,) = result.blockers
    assert blocker.rule == "availability.overlap"
    assert blocker.message.startswith("No accredited Liberal Democrat member peer")
    assert "is free on 2–6 March 2026" in blocker.message


def test_no_overall_control_needs_member_peers_from_two_parties():
    pool = basic_pool() + [member("CON1", "Con"), member("LAB2", "Lab", ["finance"])]
    result = solve([engagement(party="NOC")], pool)
    parties = {p.party for p in pool if p.peer_id in ids(result) and p.kind == "member"}
    assert parties == {"Lab", "Con"}


def test_no_overall_control_with_one_party_names_the_cross_party_rule():
    pool = basic_pool() + [member("LAB2", "Lab")]
    result = solve([engagement(party="NOC")], pool)
    assert [b.rule for b in result.blockers] == ["political_balance.noc_cross_party"]
    assert "at least 2 parties" in result.blockers[0].message


def test_cross_party_rule_can_be_switched_off():
    pool = basic_pool() + [member("LAB2", "Lab")]
    result = solve([engagement(party="NOC")], pool, rules(noc_min_member_parties=1))
    assert result.team("E1")


def test_capacity_in_days_across_engagements():
    later = START + dt.timedelta(days=14)  # same deployment year (to 31 March)
    pool = basic_pool() + [officer("CE2", "chief_executive"), member("LAB2", "Lab")]
    pool = [
        p if p.peer_id != "FIN1" else officer("FIN1", "finance", ["finance"], max_days=8)
        for p in pool
    ]
    engs = [engagement("E1"), engagement("E2", start_date=later)]
    result = solve(engs, pool)
    assert len(result.staffed) == 2
    assert sum("FIN1" in ids(result, e) for e in ("E1", "E2")) == 1
    assert result.needs_covered == 1


def test_engagement_longer_than_a_peers_days_leaves_them_out():
    pool = [
        p if p.peer_id != "FIN1" else officer("FIN1", "finance", ["finance"], max_days=4)
        for p in basic_pool()
    ]
    result = solve([engagement(days=5)], pool)
    assert "FIN1" not in ids(result)


def test_deployments_per_year_count_earlier_deployments():
    past = tuple(busy(dt.date(2025, m, 1), 1)[0] for m in (5, 7, 9))
    pool = [
        p if p.peer_id != "FIN1" else officer("FIN1", "finance", ["finance"], history=past)
        for p in basic_pool()
    ]
    result = solve([engagement()], pool)
    assert "FIN1" not in ids(result)
    pool2 = [
        p
        if p.peer_id != "FIN1"
        else officer("FIN1", "finance", ["finance"], history=past[:2], max_days=40)
        for p in basic_pool()
    ] + [officer("CE2", "chief_executive"), member("LAB2", "Lab")]
    later = START + dt.timedelta(days=14)
    result = solve([engagement("E1"), engagement("E2", start_date=later)], pool2)
    assert sum("FIN1" in ids(result, e) for e in ("E1", "E2")) == 1


def test_deployment_year_starts_in_april():
    past = tuple(busy(dt.date(2025, m, 1), 1)[0] for m in (5, 7, 9))
    pool = [
        p if p.peer_id != "FIN1" else officer("FIN1", "finance", ["finance"], history=past)
        for p in basic_pool()
    ]
    result = solve([engagement(start_date=dt.date(2026, 4, 6))], pool)
    assert "FIN1" in ids(result)


def test_overlapping_engagements_share_no_peer_and_the_squeezed_one_names_the_rule():
    engs = [
        engagement("E1"),
        engagement("E2", council=CROYDON, start_date=START + dt.timedelta(days=2)),
    ]
    pool = basic_pool() + [member("LAB2", "Lab"), officer("X1"), officer("X2")]
    result = solve(engs, pool)
    assert len(result.staffed) == 1  # one chief executive for two overlapping engagements
    (blocker,) = result.blockers
    assert blocker.rule == "availability.overlap"
    assert "each needs its own lead officer peer" in blocker.message
    assert "only 1 chief executive officer peer is free" in blocker.message


def test_team_size_too_big_for_the_pool_names_team_size():
    result = solve([engagement(team_size=6)], basic_pool())
    assert [b.rule for b in result.blockers] == ["team.size"]


def test_at_most_two_member_peers_even_when_members_cover_more():
    pool = basic_pool() + [
        member(f"M{i}", "Lab", ["finance", "housing", "digital"]) for i in range(4)
    ]
    result = solve([engagement(team_size=5, needs=("finance", "housing", "digital"))], pool)
    members = [p for p in pool if p.peer_id in ids(result) and p.kind == "member"]
    assert 1 <= len(members) <= 2


def test_each_need_counts_once_so_the_team_spreads_across_needs():
    pool = basic_pool() + [officer("FIN2", "finance", ["finance"])]
    result = solve([engagement(needs=("finance", "housing"), team_size=4)], pool)
    assert {"FIN1", "OTH1"} <= ids(result) or {"FIN2", "OTH1"} <= ids(result)
    assert result.needs_covered == 2


def test_load_is_spread_to_peers_with_fewer_deployments():
    pool = basic_pool() + [
        officer("FIN2", "finance", ["finance"], history=busy(dt.date(2025, 6, 1)))
    ]
    result = solve([engagement()], pool)
    assert "FIN1" in ids(result) and "FIN2" not in ids(result)


def test_relaxing_rules_one_at_a_time_names_the_one_that_frees_the_request():
    pool = [p for p in basic_pool() if p.peer_id != "CE1"]
    pool.append(officer("CE2", "chief_executive", accredited_until=START))
    eng = engagement()
    blockers = diagnose_unstaffed(
        [eng],
        [eng],
        pool,
        rules(),
        AREAS,
        solve_alone=lambda e, r, s: build_teams([e], pool, r, AREAS, time_limit=s, diagnose=False),
    )
    (blocker,) = blockers
    assert blocker.rule == "availability.accreditation"
    assert "relaxing 'accreditation valid on the engagement's dates'" in blocker.message


def test_restricted_presolve_matches_the_exact_model():
    """The certified candidate restriction loses nothing: same staffing, coverage and load."""
    facts = from_shipped_files()
    peers = [s.record for s in generate_peers(400, facts, seed=3, as_of=dt.date(2026, 1, 1))]
    peers = [
        with_history(p, PriorDeployment(dt.date(2025, 6, 1 + i % 20), 3)) if i % 3 == 0 else p
        for i, p in enumerate(peers)
    ]
    engs = generate_engagements(8, facts, seed=3, start=dt.date(2026, 2, 2), spread_days=40)
    areas = areas_from_facts(facts)
    fast = build_teams(engs, peers, rules(), areas, time_limit=20, diagnose=False)
    exact = build_teams(engs, peers, rules(), areas, time_limit=20, diagnose=False, restrict=False)
    assert fast.status == exact.status == "OPTIMAL"
    assert fast.staffed == exact.staffed
    assert fast.needs_covered == exact.needs_covered
    assert check_teams(fast.assignments, engs, peers, rules(), areas) == []
    assert fast.candidates < exact.candidates
