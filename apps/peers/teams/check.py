"""Check any set of teams against every rule: the solver's output, a greedy team, a hand swap.

Independent of the solver on purpose: tests use it to verify the optimiser, the web uses it when a
person swaps a peer by hand, the benchmark uses it to count the greedy baseline's violations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .domain import Assignment, CouncilAreas, EngagementRequest, PeerRecord
from .eligibility import (
    can_lead_member,
    can_lead_officer,
    describe_exclusion,
    exclusions,
    prior_load,
)
from .rules import RULE_LABELS, TeamRules, party_name


@dataclass(frozen=True)
class Violation:
    rule: str
    engagement_id: str
    peer_id: str
    message: str

    @property
    def rule_label(self) -> str:
        return RULE_LABELS.get(self.rule, self.rule)


def check_teams(
    assignments: Iterable[Assignment],
    engagements: Sequence[EngagementRequest],
    peers: Sequence[PeerRecord],
    rules: TeamRules,
    areas: CouncilAreas,
    *,
    require_all_staffed: bool = False,
) -> list[Violation]:
    """Every broken rule in these teams, each named with the engagement and peer concerned."""
    by_id = {p.peer_id: p for p in peers}
    engs = {e.engagement_id: e for e in engagements}
    teams: dict[str, list[Assignment]] = defaultdict(list)
    out: list[Violation] = []
    for a in assignments:
        teams[a.engagement_id].append(a)

    def bad(rule: str, eng_id: str, peer_id: str, message: str) -> None:
        if rules.on(rule) or rule.startswith("team."):
            out.append(Violation(rule, eng_id, peer_id, message))

    for eng_id, team in teams.items():
        eng = engs[eng_id]
        ids = [a.peer_id for a in team]
        if len(set(ids)) != len(ids):
            bad("team.size", eng_id, "", "the same peer appears twice in the team")
        if len(team) != eng.team_size:
            bad("team.size", eng_id, "", f"team has {len(team)} peers; {eng.team_size} asked for")
        lead_officers = [a for a in team if a.lead == "officer"]
        lead_members = [a for a in team if a.lead == "member"]
        if len(lead_officers) != 1:
            bad("team.lead_officer", eng_id, "", f"{len(lead_officers)} lead officer peers, not 1")
        for a in lead_officers:
            if not can_lead_officer(by_id[a.peer_id], rules):
                bad(
                    "team.lead_officer",
                    eng_id,
                    a.peer_id,
                    f"{by_id[a.peer_id].label} cannot lead as an officer peer "
                    f"(role {by_id[a.peer_id].role or 'none'})",
                )
        if len(lead_members) != 1:
            bad("team.lead_member", eng_id, "", f"{len(lead_members)} lead member peers, not 1")
        for a in lead_members:
            peer = by_id[a.peer_id]
            if peer.kind != "member":
                bad("team.lead_member", eng_id, a.peer_id, f"{peer.label} is not a member peer")
            elif not can_lead_member(peer, eng, rules):
                bad(
                    "political_balance.lead_member_party",
                    eng_id,
                    a.peer_id,
                    f"lead member peer {peer.label} is {party_name(peer.party)}; "
                    f"{party_name(eng.ruling_party)} controls the council",
                )
        members = [by_id[i] for i in ids if by_id[i].kind == "member"]
        if len(members) > rules.max_member_peers:
            bad(
                "team.max_member_peers",
                eng_id,
                "",
                f"{len(members)} member peers; at most {rules.max_member_peers}",
            )
        if eng.ruling_party == "NOC" and rules.on("political_balance.noc_cross_party"):
            parties = {p.party for p in members}
            if len(parties) < rules.noc_min_member_parties:
                bad(
                    "political_balance.noc_cross_party",
                    eng_id,
                    "",
                    f"member peers from {len(parties)} part{'y' if len(parties) == 1 else 'ies'};"
                    f" no overall control needs {rules.noc_min_member_parties}",
                )
        for a in team:
            peer = by_id[a.peer_id]
            # Availability across the batch is checked below, with all of a peer's engagements.
            for rule in exclusions(peer, eng, rules, areas):
                why = describe_exclusion(rule, peer, eng, rules, areas)
                bad(rule, eng_id, a.peer_id, f"{peer.label} {why}")

    # Across engagements: double booking, capacity and deployments in each deployment year.
    per_peer: dict[str, list[EngagementRequest]] = defaultdict(list)
    for eng_id, team in teams.items():
        for a in team:
            per_peer[a.peer_id].append(engs[eng_id])
    for peer_id, mine in per_peer.items():
        peer = by_id[peer_id]
        mine.sort(key=lambda e: e.start_date)
        for i, first in enumerate(mine):
            for second in mine[i + 1 :]:
                if first.overlaps(second.start_date, second.end_date):
                    bad(
                        "availability.overlap",
                        second.engagement_id,
                        peer_id,
                        f"{peer.label} is also on {first.label} on overlapping dates",
                    )
        by_year: dict[int, list[EngagementRequest]] = defaultdict(list)
        for e in mine:
            by_year[rules.year_of(e.start_date)].append(e)
        for year, engs_in_year in by_year.items():
            count, days = prior_load(peer, year, rules)
            new_days = sum(e.days for e in engs_in_year)
            if len(engs_in_year) > 1 and days + new_days > peer.max_days:
                bad(
                    "availability.capacity",
                    engs_in_year[-1].engagement_id,
                    peer_id,
                    f"{peer.label} would give {days + new_days} days in "
                    f"{year}-{(year + 1) % 100:02d}; available {peer.max_days}",
                )
            if len(engs_in_year) > 1 and count + len(engs_in_year) > rules.max_deployments_per_year:
                bad(
                    "availability.deployments_per_year",
                    engs_in_year[-1].engagement_id,
                    peer_id,
                    f"{peer.label} would be deployed {count + len(engs_in_year)} times in "
                    f"{year}-{(year + 1) % 100:02d}; at most {rules.max_deployments_per_year}",
                )
    if require_all_staffed:
        for eng in engagements:
            if eng.engagement_id not in teams:
                out.append(Violation("team.size", eng.engagement_id, "", "no team formed"))
    return out
