"""The solver's answers against brute force on small cases, and every rule at full scale."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest

from apps.peers.services.council_facts import areas_from_facts, from_shipped_files
from apps.peers.services.synthetic import generate_engagements, generate_peers
from apps.peers.teams.check import check_teams
from apps.peers.teams.domain import Assignment, PriorDeployment
from apps.peers.teams.eligibility import can_lead_member, can_lead_officer
from apps.peers.teams.solver import build_teams

from .factories import AREAS, CROYDON, DOVER, KENT, SLOUGH, START, THANET, engagement, rules

COUNCILS = [DOVER, THANET, KENT, SLOUGH, CROYDON]
NEEDS = ["finance", "governance", "childrens", "housing"]


def random_pool(rng: random.Random, n: int):
    from .factories import member, officer

    pool = []
    for i in range(n):
        common = dict(
            expertise=rng.sample(NEEDS, rng.randint(0, 2)),
            home_council=rng.choice(COUNCILS + [SLOUGH, CROYDON] * 5),
            max_days=rng.choice([4, 10, 20, 20]),
            accredited_until=START + dt.timedelta(days=rng.choice([2, 400, 400, 400])),
            history=tuple(
                PriorDeployment(dt.date(2025, 5, 1) + dt.timedelta(days=40 * k), 3)
                for k in range(rng.choice([0, 0, 0, 1, 2, 3]))
            ),
        )
        if rng.random() < 0.45:
            pool.append(member(f"M{i}", rng.choice(["Con", "Lab", "Con", "Lab", "LD"]), **common))
        else:
            role = rng.choice(["chief_executive", "chief_executive", "finance", "other"])
            pool.append(officer(f"O{i}", role, **common))
    return pool


def brute_force(eng, pool, r):
    """Best (coverage, -load) over every team that passes the independent checker."""
    best = None
    for team in itertools.combinations(pool, eng.team_size):
        for lo in [p for p in team if can_lead_officer(p, r)]:
            for lm in [p for p in team if can_lead_member(p, eng, r) and p is not lo]:
                lead = {lo.peer_id: "officer", lm.peer_id: "member"}
                assignments = [
                    Assignment(eng.engagement_id, p.peer_id, lead.get(p.peer_id, "")) for p in team
                ]
                if check_teams(assignments, [eng], pool, r, AREAS):
                    continue
                cover = len(set(eng.needs) & set().union(*(p.expertise for p in team)))
                year = r.year_of(eng.start_date)
                load = sum(
                    2 * sum(1 for h in p.history if r.year_of(h.start_date) == year) + 1
                    for p in team
                )
                key = (cover, -load)
                best = key if best is None or key > best else best
                break
            else:
                continue
            break
    return best


@pytest.mark.parametrize("seed", range(30))
def test_matches_brute_force_on_small_random_cases(seed):
    rng = random.Random(seed)
    pool = random_pool(rng, 13)
    party = rng.choice(["Con", "Lab", "NOC"])
    eng = engagement(party=party, team_size=3, needs=tuple(rng.sample(NEEDS, 3)))
    r = rules()
    expected = brute_force(eng, pool, r)
    result = build_teams([eng], pool, r, AREAS, time_limit=5)
    assert check_teams(result.assignments, [eng], pool, r, AREAS) == []
    if expected is None:
        assert not result.assignments and result.blockers
        return
    assert result.status == "OPTIMAL"
    team = {a.peer_id for a in result.assignments}
    by_id = {p.peer_id: p for p in pool}
    year = r.year_of(eng.start_date)
    load = sum(
        2 * sum(1 for h in by_id[i].history if r.year_of(h.start_date) == year) + 1 for i in team
    )
    assert (result.needs_covered, -load) == expected


@pytest.mark.slow
def test_full_scale_batch_keeps_every_rule():
    facts = from_shipped_files()
    areas = areas_from_facts(facts)
    peers = [s.record for s in generate_peers(2200, facts, seed=5, as_of=dt.date(2026, 1, 5))]
    engs = generate_engagements(50, facts, seed=5, start=dt.date(2026, 2, 2), spread_days=20)
    result = build_teams(engs, peers, rules(), areas)
    assert result.status in ("OPTIMAL", "FEASIBLE")
    assert result.status == "OPTIMAL" or result.gap < 0.01
    assert len(result.staffed) == 50
    assert check_teams(result.assignments, engs, peers, rules(), areas) == []
