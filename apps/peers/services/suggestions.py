"""Replacement suggestions for a hand swap: peers who would keep every rule, best first."""

from __future__ import annotations

from dataclasses import dataclass

from apps.peers.models import Peer, TeamMember, TeamRequest
from apps.peers.teams.check import check_teams
from apps.peers.teams.domain import Assignment
from apps.peers.teams.eligibility import (
    PeerIndex,
    can_lead_member,
    can_lead_officer,
    prior_load,
)
from apps.peers.teams.rules import load_rules

from .council_facts import areas_from_register
from .register import solver_records
from .teams import current_assignments, request_record


@dataclass
class Suggestion:
    peer: Peer
    covers: list[str]
    note: str


def replacements(team: TeamRequest, member: TeamMember, *, limit: int = 8) -> list[Suggestion]:
    """Peers free of per-peer rules for this request who can fill the outgoing peer's place."""
    rules = load_rules()
    eng = request_record(team)
    peers = solver_records(exclude_team=team.pk)
    areas = areas_from_register()
    excluded = PeerIndex(peers, rules, areas).exclusion_map(eng)
    on_team = set(team.members.values_list("peer__peer_ref", flat=True))
    others = team.members.exclude(pk=member.pk).prefetch_related("peer__expertise")
    covered = {e.code for m in others for e in m.peer.expertise.all()}
    missing = set(team.needs) - covered
    out_kind = member.peer.kind
    year = rules.year_of(eng.start_date)
    ranked = []
    for p in peers:
        if p.peer_id in excluded or p.peer_id in on_team:
            continue
        if member.lead == "officer" and not can_lead_officer(p, rules):
            continue
        if member.lead == "member" and not can_lead_member(p, eng, rules):
            continue
        gain = sorted(missing & p.expertise)
        load = prior_load(p, year, rules)[0]
        ranked.append((-len(gain), p.kind != out_kind, load, p.peer_id, gain))
    ranked.sort()
    # Keep only those with whom the whole team still meets every rule (e.g. cross-party).
    current = [a for a in current_assignments(team) if a.peer_id != member.peer.peer_ref]
    top = []
    for entry in ranked[: limit * 5]:
        trial = current + [Assignment(eng.engagement_id, entry[3], member.lead)]
        if not check_teams(trial, [eng], peers, rules, areas):
            top.append(entry)
        if len(top) == limit:
            break
    by_ref = Peer.objects.in_bulk([r[3] for r in top], field_name="peer_ref")
    return [
        Suggestion(
            by_ref[ref],
            [rules.expertise_label(c) for c in gain],
            f"{load} deployment{'s' if load != 1 else ''} this year",
        )
        for _, _, load, ref, gain in top
    ]
