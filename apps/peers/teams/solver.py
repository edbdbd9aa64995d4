"""Optimal peer teams with OR-Tools CP-SAT, for one engagement or a batch sharing the pool.

Lexicographic objective, solved in two stages:
  1. maximise  W * (engagements staffed) + (needs covered)   with W > total needs, so staffing an
     engagement always beats any amount of coverage, and each need of each engagement counts once;
  2. with stage 1's value fixed, minimise the load: the sum over peers and deployment years of the
     squared number of deployments (earlier ones included), which spreads work across the pool.

Presolve keeps the model small without losing optimality:
  * per-peer rules (conflicts, accreditation, availability on the peer's record) are applied before
    the model is built: a peer only becomes a variable for the engagements it could serve alone;
  * within one engagement, candidates with the same signature (officer/member, lead eligibility,
    party, needs covered) are interchangeable there, so only the S least-loaded of each signature
    are kept, S being the seats in the whole batch. Exchange argument: in any solution at most S-1
    other seats are filled, so some kept peer of the signature is unused anywhere, may take the
    place of a dropped one without breaking a coupling rule, and costs no more load.
  * before that exact model, smaller restrictions (a few per signature) are tried with part of the
    time; their answer is accepted as optimal only if it meets bounds proved for the whole problem
    (every engagement staffed, every coverable need covered, load at its floor); otherwise its
    answer hints the exact model, whose own bound gives the reported gap.
An engagement that cannot be staffed is left unstaffed (never a half team), and `diagnose` names
the rule that blocks it.
"""

from __future__ import annotations

import time
import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .domain import Assignment, BatchResult, Blocker, CouncilAreas, EngagementRequest, PeerRecord
from .eligibility import (
    PeerIndex,
    can_lead_member,
    can_lead_officer,
    date_span,
    pool_blockers,
    prior_load,
)
from .rules import RULE_LABELS, TeamRules, party_name

STATUS = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}


@dataclass(frozen=True)
class _Info:
    """What an engagement needs to know about one eligible peer."""

    peer: PeerRecord
    covers: tuple[str, ...]
    lead_officer: bool
    lead_member: bool
    prior: int  # deployments already in the engagement's deployment year

    @property
    def signature(self) -> tuple:
        party = self.peer.party if self.peer.kind == "member" else ""
        return (self.peer.kind, self.lead_officer, self.lead_member, party, self.covers)


@dataclass
class _Cand:
    info: _Info
    eng: int
    x: cp_model.IntVar | None = None

    @property
    def peer(self) -> PeerRecord:
        return self.info.peer


@dataclass
class _Prepared:
    active: list[EngagementRequest]
    classes: list[dict[tuple, list[_Info]]]  # per active engagement: signature -> peers, best first
    blockers: list[Blocker]
    needs_total: int
    coverable: int  # needs some eligible peer could cover: an upper bound on coverage
    seats: int


def build_teams(
    engagements: Sequence[EngagementRequest],
    peers: Sequence[PeerRecord],
    rules: TeamRules,
    areas: CouncilAreas,
    *,
    time_limit: float | None = None,
    diagnose: bool = True,
    restrict: bool = True,
) -> BatchResult:
    """Form the best teams for `engagements` from `peers` under `rules` (see module docstring)."""
    started = time.perf_counter()
    limit = rules.time_limit_seconds if time_limit is None else time_limit
    result = _solve(engagements, peers, rules, areas, limit, restrict=restrict)
    if diagnose and result.status != "UNKNOWN":
        named = {b.engagement_id for b in result.blockers}
        unstaffed = [
            e
            for e in engagements
            if e.engagement_id not in result.staffed and e.engagement_id not in named
        ]
        result.blockers += diagnose_unstaffed(unstaffed, engagements, peers, rules, areas, result)
    if not areas.known and rules.on("conflicts.same_county_area"):
        result.notes.append(
            "Same-county-area conflicts were not checked: no councils register was available."
        )
    result.seconds = time.perf_counter() - started
    return result


def _gap(objective: float, bound: float) -> float:
    return abs(bound - objective) / max(abs(objective), 1.0)


def _prepare(engagements, peers, rules, areas) -> _Prepared:
    index = PeerIndex(peers, rules, areas)
    prep = _Prepared([], [], [], sum(len(set(e.needs)) for e in engagements), 0, 0)
    for eng in engagements:
        reasons = index.exclusion_map(eng)
        blockers = pool_blockers(eng, peers, rules, areas, reasons)
        if blockers:
            prep.blockers += blockers
            continue
        needs = set(eng.needs)
        year = rules.year_of(eng.start_date)
        classes: dict[tuple, list[_Info]] = defaultdict(list)
        coverable: set[str] = set()
        for p in peers:
            if p.peer_id in reasons:
                continue
            info = _Info(
                peer=p,
                covers=tuple(sorted(needs & p.expertise)),
                lead_officer=rules.on("team.lead_officer") and can_lead_officer(p, rules),
                lead_member=rules.on("team.lead_member") and can_lead_member(p, eng, rules),
                prior=prior_load(p, year, rules)[0] if p.history else 0,
            )
            coverable.update(info.covers)
            classes[info.signature].append(info)
        for group in classes.values():
            # Least loaded first; ties spread differently per engagement so that engagements
            # restricted to a few candidates each do not all compete for the same peers.
            group.sort(
                key=lambda i: (
                    i.prior,
                    zlib.crc32(f"{eng.engagement_id}|{i.peer.peer_id}".encode()),
                )
            )
        prep.active.append(eng)
        prep.classes.append(classes)
        prep.coverable += len(coverable)
        prep.seats += eng.team_size
    return prep


def _restrict(prep: _Prepared, rules: TeamRules, cap: int | None) -> tuple[list[list[_Cand]], bool]:
    """Keep the best `cap` peers of each signature per engagement (None: the exact bound S).

    Returns the candidates and whether the restriction is provably harmless (exchange argument)."""
    member_seats = min(prep.seats, len(prep.active) * rules.max_member_peers)
    exact = True
    out = []
    for i, classes in enumerate(prep.classes):
        kept = []
        for sig, group in classes.items():
            safe = member_seats if sig[0] == "member" else prep.seats
            limit = safe if cap is None else min(cap, safe)
            if len(group) > limit and limit < safe:
                exact = False
            kept += [_Cand(info, i) for info in group[:limit]]
        out.append(kept)
    return out, exact


def _solve(
    engagements: Sequence[EngagementRequest],
    peers: Sequence[PeerRecord],
    rules: TeamRules,
    areas: CouncilAreas,
    limit: float,
    *,
    restrict: bool = True,
) -> BatchResult:
    started = time.perf_counter()
    prep = _prepare(engagements, peers, rules, areas)
    result = BatchResult(status="UNKNOWN", needs_total=prep.needs_total, blockers=prep.blockers)
    if not prep.active:
        result.status = "INFEASIBLE"
        result.seconds = time.perf_counter() - started
        return result
    widest = max(len(g) for classes in prep.classes for g in classes.values())
    base = max(e.team_size for e in prep.active)
    caps: list[int | None] = [c for c in (base,) if c < widest and restrict] + [None]
    best: _Outcome | None = None
    bound = None
    for cap in caps:
        remaining = limit - (time.perf_counter() - started)
        if remaining <= 0.1 and best is not None:
            break
        # Restricted rounds are quick tries; the exact round gets what is left.
        budget = remaining if cap is None else min(remaining, max(1.0, 0.5 * limit))
        cands, exact = _restrict(prep, rules, cap)
        hint = {(a.engagement_id, a.peer_id) for a in best.assignments} if best else set()
        outcome = _model_solve(
            prep, cands, rules, max(budget, 0.5), exact, hint, deadline=started + limit
        )
        if outcome is None:
            continue
        bound = outcome.stage1_bound if bound is None else min(bound, outcome.stage1_bound)
        if best is None or outcome.key > best.key:
            best = outcome
        if best.stage1_value >= bound and best.certified_load:
            break
    if best is None:
        result.seconds = time.perf_counter() - started
        return result
    weight = prep.needs_total + 1
    if best.stage1_value >= bound:
        gap1 = 0.0
        best.stages["coverage"] = "OPTIMAL"
    elif best.staffed < bound // weight:
        gap1 = _gap(best.staffed, bound // weight)
    else:
        gap1 = _gap(best.covered, bound - weight * best.staffed)
    result.candidates = best.candidates
    result.assignments = best.assignments
    result.stages = best.stages
    result.gap = max(gap1, best.load_gap)
    result.status = "OPTIMAL" if gap1 == 0 and best.certified_load else "FEASIBLE"
    team_skills: dict[str, set[str]] = defaultdict(set)
    for a in result.assignments:
        team_skills[a.engagement_id] |= set(a.covers)
    result.needs_covered = sum(len(s) for s in team_skills.values())
    if not result.assignments:
        result.status = "INFEASIBLE"
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class _Outcome:
    assignments: list[Assignment]
    staffed: int
    covered: int
    load: int
    load_gap: float
    certified_load: bool
    stage1_value: int
    stage1_bound: int  # a valid upper bound on stage 1 for the full problem
    stages: dict[str, str]
    candidates: int

    @property
    def key(self) -> tuple:
        return (self.staffed, self.covered, -self.load)


def _model_solve(
    prep: _Prepared,
    cands_by_eng: list[list[_Cand]],
    rules: TeamRules,
    limit: float,
    exact: bool,
    hint: set[tuple[str, str]] = frozenset(),
    *,
    deadline: float | None = None,
) -> _Outcome | None:
    """Build and solve the CP-SAT model on these candidates; certify against prep's bounds.

    `limit` bounds stage 1; stage 2 may run on until `deadline` (a perf_counter time)."""
    started = time.perf_counter()
    active = prep.active
    m = cp_model.CpModel()
    staffed = [m.NewBoolVar(f"staffed_{e.engagement_id}") for e in active]
    covered: list[cp_model.IntVar] = []
    for i, (eng, cands) in enumerate(zip(active, cands_by_eng, strict=True)):
        for c in cands:
            c.x = m.NewBoolVar("")
            if hint:
                m.AddHint(c.x, (eng.engagement_id, c.peer.peer_id) in hint)
        m.Add(sum(c.x for c in cands) == eng.team_size * staffed[i])
        # "Exactly one lead" is "at least one peer able to lead": the lead is designated after
        # solving, since leading adds no further rule. Fewer variables, same teams.
        if rules.on("team.lead_officer"):
            m.Add(sum(c.x for c in cands if c.info.lead_officer) >= staffed[i])
        if rules.on("team.lead_member"):
            m.Add(sum(c.x for c in cands if c.info.lead_member) >= staffed[i])
        members = [c for c in cands if c.peer.kind == "member"]
        if rules.on("team.max_member_peers"):
            m.Add(sum(c.x for c in members) <= rules.max_member_peers)
        if eng.ruling_party == "NOC" and rules.on("political_balance.noc_cross_party"):
            by_party: dict[str, list[_Cand]] = defaultdict(list)
            for c in members:
                by_party[c.peer.party].append(c)
            present = []
            for group in by_party.values():
                has = m.NewBoolVar("")
                m.Add(has <= sum(c.x for c in group))
                present.append(has)
            m.Add(sum(present) >= rules.noc_min_member_parties * staffed[i])
        for need in sorted(set(eng.needs)):
            able = [c.x for c in cands if need in c.info.covers]
            if able:
                cov = m.NewBoolVar("")
                m.Add(cov <= sum(able))
                m.AddImplication(cov, staffed[i])  # implied, but it tightens the bound
                covered.append(cov)

    # Coupling through each peer: overlapping dates, capacity and deployments in a year, load.
    cliques = _overlap_cliques(active) if rules.on("availability.overlap") else []
    # Redundant cuts that tighten the bound on staffing: engagements sharing a day each need
    # their own lead officer, lead member and seats, from the peers who can serve any of them.
    for clique in cliques:
        members = sorted(clique)
        if rules.on("team.lead_officer"):
            able = {c.peer.peer_id for i in members for c in cands_by_eng[i] if c.info.lead_officer}
            if len(able) < len(members):
                m.Add(sum(staffed[i] for i in members) <= len(able))
        everyone = {c.peer.peer_id for i in members for c in cands_by_eng[i]}
        seats_needed = sum(active[i].team_size for i in members)
        if len(everyone) < seats_needed:
            m.Add(sum(active[i].team_size * staffed[i] for i in members) <= len(everyone))
        if rules.on("team.lead_member"):
            by_party: dict[str, list[int]] = defaultdict(list)
            for i in members:
                if active[i].ruling_party != "NOC":
                    by_party[active[i].ruling_party].append(i)
            for group in by_party.values():
                able = {
                    c.peer.peer_id for i in group for c in cands_by_eng[i] if c.info.lead_member
                }
                if len(able) < len(group):
                    m.Add(sum(staffed[i] for i in group) <= len(able))
    per_peer: dict[str, list[_Cand]] = defaultdict(list)
    for cands in cands_by_eng:
        for c in cands:
            per_peer[c.peer.peer_id].append(c)
    load_terms = []
    load_max = 0  # the largest value the load can take
    for mine in per_peer.values():
        peer = mine[0].peer
        at_most_one: list[frozenset[int]] = []
        if len(mine) > 1:
            engs_of = {c.eng: c for c in mine}
            for clique in cliques:
                inter = frozenset(clique & engs_of.keys())
                if len(inter) > 1 and inter not in at_most_one:
                    m.AddAtMostOne(engs_of[k].x for k in inter)
                    at_most_one.append(inter)
        by_year: dict[int, list[_Cand]] = defaultdict(list)
        for c in mine:
            by_year[rules.year_of(active[c.eng].start_date)].append(c)
        for year, group in by_year.items():
            count, days = prior_load(peer, year, rules) if peer.history else (0, 0)
            if len(group) > 1 and rules.on("availability.capacity"):
                room = peer.max_days - days
                if sum(active[c.eng].days for c in group) > room:
                    m.Add(sum(active[c.eng].days * c.x for c in group) <= room)
            room_n = len(group)
            if rules.on("availability.deployments_per_year"):
                room_n = min(room_n, rules.max_deployments_per_year - count)
                if len(group) > room_n:
                    m.Add(sum(c.x for c in group) <= room_n)
            for c in group:
                load_terms.append((2 * count + 1) * c.x)
                load_max += 2 * count + 1
            engs = {c.eng for c in group}
            if room_n > 1 and not any(engs <= s for s in at_most_one):
                extra = [m.NewBoolVar("") for _ in range(room_n - 1)]
                m.Add(sum(extra) >= sum(c.x for c in group) - 1)
                load_terms += [2 * (k + 1) * z for k, z in enumerate(extra)]
                load_max += sum(2 * (k + 1) for k in range(len(extra)))

    # Stage 1: staffing, then coverage. Stop as soon as the known upper bound is reached.
    weight = prep.needs_total + 1
    stage1 = weight * sum(staffed) + sum(covered)
    upper = weight * len(active) + prep.coverable
    solver = _solver(rules, min(started + limit, deadline or started + limit) - time.perf_counter())
    if not exact:
        # A restricted round only has to reach the proved upper bound, which it usually does
        # quickly; CP-SAT's presolve would cost more than the search.
        solver.parameters.cp_model_presolve = False
    m.Maximize(stage1)
    code = solver.Solve(m, _StopAt(upper, maximise=True))
    stages = {"coverage": STATUS[code]}
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    chosen = _snapshot(solver, cands_by_eng)
    n_staffed = sum(solver.Value(v) for v in staffed)
    n_covered = sum(solver.Value(v) for v in covered)
    best = weight * n_staffed + n_covered
    bound = upper
    if exact:
        bound = min(upper, int(solver.BestObjectiveBound() + 1e-6))
    if best >= bound:
        stages["coverage"] = "OPTIMAL"

    # Stage 2: spread the load at that coverage, unless stage 1's teams already reach the floor.
    lower = _load_lower_bound(prep, chosen)
    load = _load(prep, cands_by_eng, chosen, rules)
    gap2 = 0.0
    certified_load = load <= lower
    remaining = (deadline or started + limit) - time.perf_counter()
    if certified_load:
        stages["load"] = "OPTIMAL"
    elif not exact and best < bound:
        # An uncertified restricted round leaves the time to the exact model.
        stages["load"] = "NOT_RUN"
        gap2 = _gap(load, lower)
    elif remaining > 0.2:
        m.Add(stage1 >= best)
        m.ClearHints()
        for cands, picks in zip(cands_by_eng, chosen, strict=True):
            for c, pick in zip(cands, picks, strict=True):
                m.AddHint(c.x, pick)
        m.Minimize(sum(load_terms))
        solver2 = _solver(rules, remaining)
        code2 = solver2.Solve(m, _StopAt(lower, maximise=False))
        stages["load"] = STATUS[code2]
        if code2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            chosen = _snapshot(solver2, cands_by_eng)
            load = round(solver2.ObjectiveValue())
        if load <= lower or (exact and code2 == cp_model.OPTIMAL):
            stages["load"] = "OPTIMAL"
            certified_load = True
        else:
            floor = max(lower, solver2.BestObjectiveBound()) if exact else lower
            gap2 = _gap(load, floor)
    else:
        stages["load"] = "NOT_RUN"
        gap2 = _gap(load, lower)

    assignments = []
    for i, (eng, cands) in enumerate(zip(active, cands_by_eng, strict=True)):
        team = [c for c, pick in zip(cands, chosen[i], strict=True) if pick]
        assignments += _designate_leads(eng, team, rules)
    return _Outcome(
        assignments=assignments,
        staffed=n_staffed,
        covered=n_covered,
        load=load,
        load_gap=gap2,
        certified_load=certified_load,
        stage1_value=best,
        stage1_bound=bound,
        stages=stages,
        candidates=sum(len(c) for c in cands_by_eng),
    )


class _StopAt(cp_model.CpSolverSolutionCallback):
    """Stop the search when a solution reaches a bound we proved ourselves."""

    def __init__(self, target: float, *, maximise: bool):
        super().__init__()
        self.target = target
        self.maximise = maximise

    def on_solution_callback(self) -> None:
        value = self.ObjectiveValue()
        if (value >= self.target) if self.maximise else (value <= self.target):
            self.StopSearch()


def _designate_leads(eng: EngagementRequest, team: list[_Cand], rules: TeamRules) -> list:
    """Name one lead officer and one lead member peer among those able to lead."""
    order = sorted(team, key=lambda c: (-len(c.info.covers), c.peer.peer_id))
    lead_officer = next((c for c in order if c.info.lead_officer), None)
    lead_member = next((c for c in order if c.info.lead_member), None)
    out = []
    for c in team:
        lead = "officer" if c is lead_officer else "member" if c is lead_member else ""
        out.append(Assignment(eng.engagement_id, c.peer.peer_id, lead, c.info.covers))
    return out


def _load(prep: _Prepared, cands_by_eng, chosen, rules: TeamRules) -> int:
    """The load objective of a solution: sum over peers and years of (deployments)^2 - prior^2."""
    counts: dict[tuple[str, int], list] = {}
    for i, (cands, picks) in enumerate(zip(cands_by_eng, chosen, strict=True)):
        year = rules.year_of(prep.active[i].start_date)
        for c, pick in zip(cands, picks, strict=True):
            if pick:
                entry = counts.setdefault((c.peer.peer_id, year), [c.info.prior, 0])
                entry[1] += 1
    return sum((p + n) ** 2 - p**2 for p, n in counts.values())


def _load_lower_bound(prep: _Prepared, chosen) -> int:
    """Each seat of a staffed team costs at least its cheapest candidate's first deployment."""
    total = 0
    for i, eng in enumerate(prep.active):
        if not any(chosen[i]):
            continue
        costs = sorted(2 * info.prior + 1 for g in prep.classes[i].values() for info in g)
        total += sum(costs[: eng.team_size])
    return total


def _solver(rules: TeamRules, seconds: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_search_workers = max(1, rules.workers)
    solver.parameters.relative_gap_limit = rules.relative_gap_limit
    solver.parameters.max_time_in_seconds = max(0.1, seconds)
    return solver


def _snapshot(solver: cp_model.CpSolver, cands_by_eng: list[list[_Cand]]) -> list[list[bool]]:
    return [[bool(solver.Value(c.x)) for c in cands] for cands in cands_by_eng]


def _overlap_cliques(active: Sequence[EngagementRequest]) -> list[set[int]]:
    """Maximal sets of engagements that share a day (interval graphs: one per start date)."""
    cliques: list[set[int]] = []
    for day in sorted({e.start_date for e in active}):
        clique = {i for i, e in enumerate(active) if e.start_date <= day <= e.end_date}
        if len(clique) > 1 and not any(clique <= c for c in cliques):
            cliques = [c for c in cliques if not c <= clique] + [clique]
    return cliques


# --- diagnosis --------------------------------------------------------------------------------

COUPLING = ("availability.overlap", "availability.capacity", "availability.deployments_per_year")


def diagnose_unstaffed(
    unstaffed: Sequence[EngagementRequest],
    engagements: Sequence[EngagementRequest],
    peers: Sequence[PeerRecord],
    rules: TeamRules,
    areas: CouncilAreas,
    result: BatchResult,
    *,
    budget: float = 5.0,
    per_solve: float = 1.0,
) -> list[Blocker]:
    """Name the rule blocking each unstaffed engagement.

    An engagement that cannot be staffed even alone: relax its rules one at a time, solving again
    each time, and name those whose relaxation alone would allow a team. One that can be staffed
    alone lost out to the others: name the scarce pool (lead officers, lead members of a party,
    peers) across the engagements overlapping it. Bounded by `budget` seconds in all."""
    started = time.perf_counter()
    index = PeerIndex(peers, rules, areas)
    blockers: list[Blocker] = []
    for eng in unstaffed:
        council = eng.council_name or eng.council_gss
        if time.perf_counter() - started > budget:
            blockers.append(_scarcity(eng, engagements, peers, rules, index))
            continue
        alone = _solve([eng], peers, rules, areas, per_solve)
        if alone.assignments:
            blockers.append(_scarcity(eng, engagements, peers, rules, index))
            continue
        freeing = []
        # Specific rules first (who is free, who conflicts, party), team shape last.
        for key in sorted(RULE_LABELS, key=lambda k: k.startswith("team.")):
            if not rules.on(key) or key in COUPLING[1:]:
                continue
            if time.perf_counter() - started > budget:
                break
            trial = _solve([eng], peers, rules.relax(key), areas, per_solve)
            if trial.assignments:
                freeing.append(key)
        if freeing:
            names = "; or ".join(f"'{RULE_LABELS[k]}'" for k in freeing)
            message = (
                f"No team for {council} on {date_span(eng)} meets every rule at once; "
                f"relaxing {names} alone would allow one."
            )
            blockers.append(Blocker(eng.engagement_id, freeing[0], message))
        else:
            blockers.append(
                Blocker(
                    eng.engagement_id,
                    "team.size",
                    f"No team for {council} on {date_span(eng)} meets every rule, and relaxing "
                    "any single rule is not enough: several rules block it together.",
                )
            )
    return blockers


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _scarcity(eng, engagements, peers, rules, index: PeerIndex) -> Blocker:
    """`eng` could be staffed alone: say which pool the overlapping engagements exhaust."""
    council = eng.council_name or eng.council_gss
    rivals = [e for e in engagements if e.overlaps(eng.start_date, eng.end_date)]
    free: dict[str, set[str]] = {}
    for e in rivals:
        excluded = index.exclusion_map(e)
        free[e.engagement_id] = {p.peer_id for p in peers if p.peer_id not in excluded}
    by_id = {p.peer_id: p for p in peers}

    def pool(test) -> set[str]:
        return {pid for e in rivals for pid in free[e.engagement_id] if test(by_id[pid], e)}

    when = date_span(eng)
    n = len(rivals)
    leads = pool(lambda p, e: can_lead_officer(p, rules))
    if len(leads) < n:
        return Blocker(
            eng.engagement_id,
            "availability.overlap",
            f"{n} engagements overlap {council}'s dates ({when}) and each needs its own lead "
            f"officer peer, but only {_count(len(leads), 'chief executive officer peer')} "
            f"{'is' if len(leads) == 1 else 'are'} free and without a conflict for any of them.",
        )
    party = eng.ruling_party
    if party and party != "NOC" and rules.on("political_balance.lead_member_party"):
        same = [e for e in rivals if e.ruling_party == party]
        members = {
            pid
            for e in same
            for pid in free[e.engagement_id]
            if by_id[pid].party == party and by_id[pid].kind == "member"
        }
        if len(members) < len(same):
            name = party_name(party)
            return Blocker(
                eng.engagement_id,
                "political_balance.lead_member_party",
                f"{len(same)} overlapping {name}-led councils need a {name} lead member peer "
                f"({when}), but only {_count(len(members), f'accredited {name} member peer')} "
                f"{'is' if len(members) == 1 else 'are'} free without a conflict.",
            )
    seats = sum(e.team_size for e in rivals)
    everyone = pool(lambda p, e: True)
    if len(everyone) < seats:
        return Blocker(
            eng.engagement_id,
            "availability.overlap",
            f"{n} overlapping engagements ({when}) need {seats} peers between them, but only "
            f"{len(everyone)} peers are free and without a conflict for any of them.",
        )
    return Blocker(
        eng.engagement_id,
        "availability.capacity",
        f"A team for {council} on {when} is possible on its own, but not alongside the other "
        "engagements in this batch: the peers it needs run out of days or deployments this "
        "year, or are on overlapping engagements.",
    )
