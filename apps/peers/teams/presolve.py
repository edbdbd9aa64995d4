"""Presolve: eligible candidates per engagement, pruned without losing optimality, and components.

* `prepare`: per engagement, the peers every per-peer rule allows (others never become variables),
  or the blockers naming the rule that empties a pool.
* `restrict`: dominance. Within one engagement, peer q dominates peer p when they are of the same
  class (officer or member, able to lead as officer, able to lead as member, party) and q covers
  every need p covers with no more earlier deployments. If at least L peers dominating p are kept,
  L being the seats peers of that class can fill in the whole batch, p is dropped: in any solution
  using p, at most L-1 of those seats are taken, so a kept dominating peer is unused anywhere and
  can take p's place breaking no rule, covering no less and loading no more. The incumbent's
  peers are always kept.
* `components`: engagements are joined only when a candidate they share could be limited by
  serving both (overlapping dates; days or deployments in a year that cannot all be given).
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .domain import Blocker, CouncilAreas, EngagementRequest, PeerRecord
from .eligibility import PeerIndex, can_lead_member, can_lead_officer, pool_blockers, prior_load
from .model import Cand, Info, Pick
from .rules import TeamRules


@dataclass
class Prepared:
    active: list[EngagementRequest]
    infos: list[list[Info]]  # per active engagement: eligible peers, least loaded first
    blockers: list[Blocker]
    needs_total: int
    coverable: list[int]  # per active engagement: needs some eligible peer could cover
    index: PeerIndex


def prepare(
    engagements: Sequence[EngagementRequest],
    peers: Sequence[PeerRecord],
    rules: TeamRules,
    areas: CouncilAreas,
) -> Prepared:
    index = PeerIndex(peers, rules, areas)
    prep = Prepared([], [], [], sum(len(set(e.needs)) for e in engagements), [], index)
    lead_officer_on = rules.on("team.lead_officer")
    lead_member_on = rules.on("team.lead_member")
    officer_leads = {p.peer_id for p in peers if lead_officer_on and can_lead_officer(p, rules)}
    for eng in engagements:
        reasons = index.exclusion_map(eng)
        blockers = pool_blockers(eng, peers, rules, areas, reasons)
        if blockers:
            prep.blockers += blockers
            continue
        needs = set(eng.needs)
        year = rules.year_of(eng.start_date)
        infos = []
        coverable: set[str] = set()
        for p in peers:
            if p.peer_id in reasons:
                continue
            covers = tuple(sorted(needs & p.expertise)) if p.expertise & needs else ()
            infos.append(
                Info(
                    peer=p,
                    covers=covers,
                    lead_officer=p.peer_id in officer_leads,
                    lead_member=lead_member_on and can_lead_member(p, eng, rules),
                    prior=prior_load(p, year, rules)[0] if p.history else 0,
                )
            )
            coverable.update(covers)
        # Least loaded first, then most needs covered; ties spread differently per engagement.
        infos.sort(
            key=lambda i: (
                i.prior,
                -len(i.covers),
                zlib.crc32(f"{eng.engagement_id}|{i.peer.peer_id}".encode()),
            )
        )
        prep.active.append(eng)
        prep.infos.append(infos)
        prep.coverable.append(len(coverable))
    return prep


def class_seats(engagements: Sequence[EngagementRequest], rules: TeamRules) -> dict[tuple, int]:
    """The most seats peers of each class can fill across these engagements."""
    lead_officer = int(rules.on("team.lead_officer"))
    lead_member = int(rules.on("team.lead_member"))
    most_members = rules.max_member_peers if rules.on("team.max_member_peers") else 10**6
    seats = {"lead officer": 0, "officer": 0, "member": 0}
    for e in engagements:
        seats["lead officer"] += e.team_size - lead_member
        seats["officer"] += e.team_size - lead_member - lead_officer
        seats["member"] += min(most_members, e.team_size - lead_officer)
    return seats


def restrict(
    prep: Prepared,
    rules: TeamRules,
    keep: set[Pick] = frozenset(),
    *,
    only: Sequence[int] | None = None,
    exact_only: bool = False,
) -> list[list[Cand]]:
    """Candidates per engagement (`only` these indexes, as a batch of their own), pruned by
    dominance (module docstring); `exact_only` keeps every eligible peer, for tests."""
    chosen = list(range(len(prep.active))) if only is None else list(only)
    seats = class_seats([prep.active[i] for i in chosen], rules)
    out = []
    for k, i in enumerate(chosen):
        eng = prep.active[i]
        bit = {need: 1 << n for n, need in enumerate(sorted(set(eng.needs)))}
        dominated: dict[tuple, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        kept = []
        for info in prep.infos[i]:
            p = info.peer
            if p.kind == "member":
                cls, limit = ("member", p.party, info.lead_member), seats["member"]
            elif info.lead_officer:
                cls, limit = ("lead officer",), seats["lead officer"]
            else:
                cls, limit = ("officer",), seats["officer"]
            mask = sum(bit[n] for n in info.covers)
            counts = dominated[cls]
            if (
                not exact_only
                and counts[mask] >= limit
                and (eng.engagement_id, p.peer_id) not in keep
            ):
                continue
            kept.append(Cand(info, k))
            sub = mask  # this peer dominates every peer covering a subset of its needs
            while True:
                counts[sub] += 1
                if sub == 0:
                    break
                sub = (sub - 1) & mask
        out.append(kept)
    return out


def components(
    active: Sequence[EngagementRequest], cands: list[list[Cand]], rules: TeamRules
) -> list[list[int]]:
    """Engagements joined when a shared candidate's coupling rule could bind between them."""
    parent = list(range(len(active)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(group: list[int]) -> None:
        root = find(group[0])
        for j in group[1:]:
            other = find(j)
            if other != root:
                parent[other] = root

    per_peer: dict[str, list[int]] = defaultdict(list)
    peer_of: dict[str, PeerRecord] = {}
    for group in cands:
        for c in group:
            per_peer[c.peer.peer_id].append(c.eng)
            peer_of[c.peer.peer_id] = c.peer
    for peer_id, engs in per_peer.items():
        if len(engs) < 2:
            continue
        peer = peer_of[peer_id]
        by_year: dict[int, list[int]] = defaultdict(list)
        for i in engs:
            by_year[rules.year_of(active[i].start_date)].append(i)
        for year, group in by_year.items():
            if len(group) < 2:
                continue
            count, days = prior_load(peer, year, rules)
            binds = (
                rules.on("availability.capacity")
                and days + sum(active[i].days for i in group) > peer.max_days
            ) or (
                rules.on("availability.deployments_per_year")
                and count + len(group) > rules.max_deployments_per_year
            )
            if binds:
                union(group)
        if rules.on("availability.overlap"):  # across deployment years too
            engs = sorted(engs, key=lambda i: active[i].start_date)
            for n, a in enumerate(engs):
                for b in engs[n + 1 :]:
                    if active[b].start_date > active[a].end_date:
                        break
                    union([a, b])
    comps: dict[int, list[int]] = defaultdict(list)
    for i in range(len(active)):
        comps[find(i)].append(i)
    return list(comps.values())
