"""A plain greedy that never breaks a rule: the baseline, the solver's first hint and its fallback.

Engagements in date order; for each, the free lead officer peer and lead member peer who add most
needs, then (under no overall control) member peers of other parties, then the peer adding most
uncovered needs, and so on, least-deployed first among equals. A peer is only ever taken when
every rule allows it alongside the teams already formed, so the answer passes `check_teams`; an
engagement whose team cannot be completed is left without one (never a half team).
`fixed` teams (already decided) are respected: their peers' days and deployments count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from .domain import Assignment, CouncilAreas, EngagementRequest, PeerRecord
from .eligibility import PeerIndex, can_lead_member, can_lead_officer, prior_load
from .rules import TeamRules


def greedy_teams(
    engagements: Sequence[EngagementRequest],
    peers: Sequence[PeerRecord],
    rules: TeamRules,
    areas: CouncilAreas,
    *,
    fixed: Sequence[Assignment] = (),
    index: PeerIndex | None = None,
) -> list[Assignment]:
    """Teams for the engagements not already in `fixed`; returns the new assignments only."""
    index = index or PeerIndex(peers, rules, areas)
    engs = {e.engagement_id: e for e in engagements}
    taken: dict[str, list[EngagementRequest]] = defaultdict(list)
    for a in fixed:
        taken[a.peer_id].append(engs[a.engagement_id])
    done = {a.engagement_id for a in fixed}
    out: list[Assignment] = []
    for eng in sorted(engagements, key=lambda e: (e.start_date, e.engagement_id)):
        if eng.engagement_id in done:
            continue
        excluded = index.exclusion_map(eng)
        pool = [
            p for p in peers if p.peer_id not in excluded and _free(p, eng, taken[p.peer_id], rules)
        ]
        team = _team_for(eng, pool, rules, taken)
        if team is None:
            continue
        for p, lead in team:
            taken[p.peer_id].append(eng)
            covers = tuple(sorted(set(eng.needs) & p.expertise))
            out.append(Assignment(eng.engagement_id, p.peer_id, lead, covers))
    return out


def _free(
    p: PeerRecord, eng: EngagementRequest, mine: list[EngagementRequest], rules: TeamRules
) -> bool:
    """May `p` join `eng` on top of the engagements `mine` already given to them?"""
    if rules.on("availability.overlap") and any(
        e.overlaps(eng.start_date, eng.end_date) for e in mine
    ):
        return False
    year = rules.year_of(eng.start_date)
    same_year = [e for e in mine if rules.year_of(e.start_date) == year]
    count, days = prior_load(p, year, rules)
    if rules.on("availability.capacity") and (
        days + eng.days + sum(e.days for e in same_year) > p.max_days
    ):
        return False
    return not (
        rules.on("availability.deployments_per_year")
        and count + len(same_year) >= rules.max_deployments_per_year
    )


def _team_for(
    eng: EngagementRequest,
    pool: list[PeerRecord],
    rules: TeamRules,
    taken: dict[str, list[EngagementRequest]],
) -> list[tuple[PeerRecord, str]] | None:
    needs = set(eng.needs)
    year = rules.year_of(eng.start_date)
    team: list[tuple[PeerRecord, str]] = []
    covered: set[str] = set()

    def used(q: PeerRecord) -> int:
        return prior_load(q, year, rules)[0] + len(taken[q.peer_id])

    # Computed once per engagement: what each peer brings, whether they could lead, their load.
    brings = {q.peer_id: q.expertise & needs for q in pool}
    leader = {q.peer_id: can_lead_officer(q, rules) or can_lead_member(q, eng, rules) for q in pool}
    load = {q.peer_id: used(q) for q in pool}

    def pick(able: Callable[[PeerRecord], bool], lead: str = "") -> bool:
        chosen = {t.peer_id for t, _ in team}
        members = sum(1 for t, _ in team if t.kind == "member")
        room_for_member = not rules.on("team.max_member_peers") or members < rules.max_member_peers
        options = [
            q
            for q in pool
            if q.peer_id not in chosen and (q.kind == "officer" or room_for_member) and able(q)
        ]
        if not options:
            return False
        # Most new needs; then keep peers able to lead for later teams; then least deployed.
        best = max(
            options,
            key=lambda q: (
                len(brings[q.peer_id] - covered),
                not leader[q.peer_id] or bool(lead),
                -load[q.peer_id],
                q.peer_id,
            ),
        )
        team.append((best, lead))
        covered.update(best.expertise & needs)
        return True

    if rules.on("team.lead_officer") and not pick(lambda q: can_lead_officer(q, rules), "officer"):
        return None
    if rules.on("team.lead_member") and not pick(
        lambda q: can_lead_member(q, eng, rules), "member"
    ):
        return None
    if eng.ruling_party == "NOC" and rules.on("political_balance.noc_cross_party"):
        while len({t.party for t, _ in team if t.kind == "member"}) < rules.noc_min_member_parties:
            parties = {t.party for t, _ in team if t.kind == "member"}
            if len(team) >= eng.team_size or not pick(
                lambda q, parties=parties: q.kind == "member" and q.party not in parties
            ):
                return None
    while len(team) < eng.team_size:
        if not pick(lambda q: True):
            return None
    return team
