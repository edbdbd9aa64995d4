"""The greedy baseline the benchmark compares CP-SAT against: how teams are often formed by hand.

Engagements in date order; for each, the free lead officer peer and lead member peer who cover
most needs, then the peer adding most uncovered needs, and so on. It never looks ahead, so early
engagements take scarce peers later ones need; when it is stuck it does what a busy person does
and takes someone anyway (double-booked or not able to lead), and `check` counts the cost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from .domain import Assignment, CouncilAreas, EngagementRequest, PeerRecord
from .eligibility import PeerIndex, can_lead_member, can_lead_officer, prior_load
from .rules import TeamRules


def greedy_teams(
    engagements: Sequence[EngagementRequest],
    peers: Sequence[PeerRecord],
    rules: TeamRules,
    areas: CouncilAreas,
) -> list[Assignment]:
    index = PeerIndex(peers, rules, areas)
    taken: dict[str, list[EngagementRequest]] = defaultdict(list)
    out: list[Assignment] = []

    def free(p: PeerRecord, eng: EngagementRequest) -> bool:
        mine = taken[p.peer_id]
        if any(e.overlaps(eng.start_date, eng.end_date) for e in mine):
            return False
        year = rules.year_of(eng.start_date)
        same_year = [e for e in mine if rules.year_of(e.start_date) == year]
        count, days = prior_load(p, year, rules)
        return (
            days + eng.days + sum(e.days for e in same_year) <= p.max_days
            and count + len(same_year) < rules.max_deployments_per_year
        )

    for eng in sorted(engagements, key=lambda e: (e.start_date, e.engagement_id)):
        excluded = index.exclusion_map(eng)
        needs = set(eng.needs)
        ok = [p for p in peers if p.peer_id not in excluded and free(p, eng)]
        team: list[tuple[PeerRecord, str]] = []
        covered: set[str] = set()

        def best(pool: list[PeerRecord], needs=needs, covered=covered) -> PeerRecord:
            return max(pool, key=lambda q: (len((needs - covered) & q.expertise), q.peer_id[::-1]))

        leads = (
            ("officer", lambda q: can_lead_officer(q, rules)),
            ("member", lambda q, eng=eng: can_lead_member(q, eng, rules)),
        )
        for lead, able in leads:
            chosen_ids = {t.peer_id for t, _ in team}
            pool = [p for p in ok if able(p) and p.peer_id not in chosen_ids]
            if not pool:  # stuck: take an able peer anyway, even if booked or conflicted
                pool = [p for p in peers if able(p) and p.peer_id not in chosen_ids]
            if pool:
                chosen = best(pool)
                team.append((chosen, lead))
                covered |= chosen.expertise & needs
        cross_party = eng.ruling_party == "NOC" and rules.on("political_balance.noc_cross_party")
        while len(team) < eng.team_size:
            chosen_ids = {t.peer_id for t, _ in team}
            members = [t for t, _ in team if t.kind == "member"]
            parties = {t.party for t in members}
            pool = [
                p
                for p in ok
                if p.peer_id not in chosen_ids
                and (p.kind == "officer" or len(members) < rules.max_member_peers)
            ]
            if cross_party and len(parties) < rules.noc_min_member_parties:
                # Next, a member peer from a party not yet on the team, if any is free.
                pool = [p for p in pool if p.kind == "member" and p.party not in parties] or pool
            if not pool:
                break
            chosen = best(pool)
            team.append((chosen, ""))
            covered |= chosen.expertise & needs
        for p, lead in team:
            taken[p.peer_id].append(eng)
            out.append(
                Assignment(eng.engagement_id, p.peer_id, lead, tuple(sorted(needs & p.expertise)))
            )
    return out
