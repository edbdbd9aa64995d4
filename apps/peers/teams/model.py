"""The CP-SAT model of engagements that share peers, solved in bounded lexicographic stages.

`TeamModel` holds one Boolean `x[peer, engagement]` per candidate (peers who pass every per-peer
rule for that engagement), `staffed[e]`, `covered[e, need]` and the load, with every team and
coupling rule as constraints. `stage` maximises or minimises one objective with a time limit,
starting from a hinted incumbent that the caller has checked, and never returns anything worse:
the incumbent's value is added as a constraint, and if the search finds nothing the incumbent
stands. Each stage reports OPTIMAL, or FEASIBLE with the bound CP-SAT proved.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .domain import EngagementRequest, PeerRecord
from .eligibility import prior_load
from .rules import TeamRules

Pick = tuple[str, str]  # (engagement_id, peer_id)

STATUS = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}


@dataclass(frozen=True)
class Info:
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
class Cand:
    info: Info
    eng: int  # index into the model's engagements
    x: cp_model.IntVar | None = None

    @property
    def peer(self) -> PeerRecord:
        return self.info.peer


@dataclass
class StageOutcome:
    status: str  # OPTIMAL, FEASIBLE, or KEPT (the incumbent stands: nothing better was found)
    value: int
    bound: int
    picks: set[Pick]
    improved: bool


class TeamModel:
    def __init__(
        self,
        engagements: Sequence[EngagementRequest],
        cands_by_eng: list[list[Cand]],
        rules: TeamRules,
    ):
        self.engagements = list(engagements)
        self.cands_by_eng = cands_by_eng
        self.rules = rules
        self.m = cp_model.CpModel()
        self.staffed = [self.m.NewBoolVar(f"staffed_{e.engagement_id}") for e in engagements]
        self.covered: list[cp_model.IntVar] = []
        self.load_terms: list = []
        self._cover_of: list[tuple[int, str]] = []  # what each `covered` variable stands for
        self._extras: list[tuple[list[Cand], list]] = []  # load's extra deployment counters
        self._teams()
        self._coupling()
        self._symmetry()

    @property
    def candidates(self) -> int:
        return sum(len(c) for c in self.cands_by_eng)

    def staffed_sum(self):
        return sum(self.staffed)

    def covered_sum(self):
        return sum(self.covered)

    def covered_of(self, i: int):
        return sum(v for v, (k, _) in zip(self.covered, self._cover_of, strict=True) if k == i)

    def load(self):
        return sum(self.load_terms)

    # --- constraints ------------------------------------------------------------------------

    def _teams(self) -> None:
        m, rules = self.m, self.rules
        for i, (eng, cands) in enumerate(zip(self.engagements, self.cands_by_eng, strict=True)):
            for c in cands:
                c.x = m.NewBoolVar("")
            m.Add(sum(c.x for c in cands) == eng.team_size * self.staffed[i])
            # "Exactly one lead" is "at least one peer able to lead": the lead is designated
            # after solving, since leading adds no further rule. Fewer variables, same teams.
            if rules.on("team.lead_officer"):
                m.Add(sum(c.x for c in cands if c.info.lead_officer) >= self.staffed[i])
            if rules.on("team.lead_member"):
                m.Add(sum(c.x for c in cands if c.info.lead_member) >= self.staffed[i])
            members = [c for c in cands if c.peer.kind == "member"]
            if rules.on("team.max_member_peers"):
                m.Add(sum(c.x for c in members) <= rules.max_member_peers)
            if eng.ruling_party == "NOC" and rules.on("political_balance.noc_cross_party"):
                by_party: dict[str, list[Cand]] = defaultdict(list)
                for c in members:
                    by_party[c.peer.party].append(c)
                present = []
                for group in by_party.values():
                    has = m.NewBoolVar("")
                    m.Add(has <= sum(c.x for c in group))
                    present.append(has)
                m.Add(sum(present) >= rules.noc_min_member_parties * self.staffed[i])
            for need in sorted(set(eng.needs)):
                able = [c.x for c in cands if need in c.info.covers]
                if able:
                    cov = m.NewBoolVar("")
                    m.Add(cov <= sum(able))
                    m.AddImplication(cov, self.staffed[i])  # implied, but it tightens the bound
                    self.covered.append(cov)
                    self._cover_of.append((i, need))

    def _coupling(self) -> None:
        """Through each peer: overlapping dates, capacity and deployments in a year; the load."""
        m, rules, active = self.m, self.rules, self.engagements
        cands_by_eng = self.cands_by_eng
        cliques = overlap_cliques(active) if rules.on("availability.overlap") else []
        # Redundant cuts that tighten the bound on staffing: engagements sharing a day each need
        # their own lead officer, lead member and seats, from the peers who can serve any of them.
        for clique in cliques:
            members = sorted(clique)
            if rules.on("team.lead_officer"):
                able = {
                    c.peer.peer_id for i in members for c in cands_by_eng[i] if c.info.lead_officer
                }
                if len(able) < len(members):
                    m.Add(sum(self.staffed[i] for i in members) <= len(able))
            everyone = {c.peer.peer_id for i in members for c in cands_by_eng[i]}
            if len(everyone) < sum(active[i].team_size for i in members):
                m.Add(sum(active[i].team_size * self.staffed[i] for i in members) <= len(everyone))
        per_peer: dict[str, list[Cand]] = defaultdict(list)
        for cands in cands_by_eng:
            for c in cands:
                per_peer[c.peer.peer_id].append(c)
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
            by_year: dict[int, list[Cand]] = defaultdict(list)
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
                    self.load_terms.append((2 * count + 1) * c.x)
                engs = {c.eng for c in group}
                if room_n > 1 and not any(engs <= s for s in at_most_one):
                    extra = [m.NewBoolVar("") for _ in range(room_n - 1)]
                    m.Add(sum(extra) >= sum(c.x for c in group) - 1)
                    self.load_terms += [2 * (k + 1) * z for k, z in enumerate(extra)]
                    self._extras.append((group, extra))

    def _symmetry(self) -> None:
        """Peers identical in everything the model sees are interchangeable: order their use.

        Swapping the whole assignments of two such peers changes no constraint and no objective,
        so requiring the first (by peer ID) to serve at least as often as the second keeps an
        optimal solution and cuts the search."""
        groups: dict[tuple, list[list[Cand]]] = defaultdict(list)
        mine: dict[str, list[Cand]] = defaultdict(list)
        for cands in self.cands_by_eng:
            for c in cands:
                mine[c.peer.peer_id].append(c)
        for peer_id in sorted(mine):
            cs = mine[peer_id]
            p = cs[0].peer
            key = (
                p.kind,
                p.party,
                p.max_days,
                p.history,
                tuple(
                    sorted(
                        (c.eng, c.info.covers, c.info.lead_officer, c.info.lead_member) for c in cs
                    )
                ),
            )
            groups[key].append(cs)
        self.symmetric_groups = 0
        for members in groups.values():
            if len(members) < 2:
                continue
            self.symmetric_groups += 1
            for first, second in zip(members, members[1:], strict=False):
                self.m.Add(sum(c.x for c in first) >= sum(c.x for c in second))

    # --- solving ----------------------------------------------------------------------------

    def hint(self, picks: set[Pick]) -> None:
        """Hint every variable with the incumbent's value (in bulk: the model may be large)."""
        teams: dict[str, set[str]] = defaultdict(set)
        for eng_id, peer_id in picks:
            teams[eng_id].add(peer_id)
        index: list[int] = []
        values: list[int] = []
        skills: dict[int, set[str]] = defaultdict(set)
        for i, (eng, cands) in enumerate(zip(self.engagements, self.cands_by_eng, strict=True)):
            team = teams.get(eng.engagement_id, set())
            index.append(self.staffed[i].Index())
            values.append(int(bool(team)))
            for c in cands:
                on = c.peer.peer_id in team
                index.append(c.x.Index())
                values.append(int(on))
                if on:
                    skills[i].update(c.info.covers)
        for var, (i, need) in zip(self.covered, self._cover_of, strict=True):
            index.append(var.Index())
            values.append(int(need in skills[i]))
        for group, extra in self._extras:
            n = sum(
                1
                for c in group
                if c.peer.peer_id in teams.get(self.engagements[c.eng].engagement_id, ())
            )
            for k, z in enumerate(extra):
                index.append(z.Index())
                values.append(int(k < n - 1))
        self.m.ClearHints()
        hint = self.m.Proto().solution_hint
        hint.vars.extend(index)
        hint.values.extend(values)

    def stage(
        self,
        objective,
        *,
        maximise: bool,
        incumbent: set[Pick],
        incumbent_value: int,
        known_bound: int,
        deadline: float,
    ) -> StageOutcome:
        """Improve on the incumbent for `objective` until `deadline` (a perf_counter time);
        the incumbent's value is kept as a constraint (>= or <=)."""
        if (incumbent_value >= known_bound) if maximise else (incumbent_value <= known_bound):
            return StageOutcome("OPTIMAL", incumbent_value, incumbent_value, incumbent, False)
        if deadline_left(deadline) < 0.1:
            return StageOutcome("KEPT", incumbent_value, known_bound, incumbent, False)
        if maximise:
            self.m.Add(objective >= incumbent_value)
            self.m.Maximize(objective)
        else:
            self.m.Add(objective <= incumbent_value)
            self.m.Minimize(objective)
        self.hint(incumbent)
        solver = make_solver(self.rules, deadline_left(deadline))
        code = solver.Solve(self.m, _StopAt(known_bound, maximise=maximise))
        status = STATUS[code]
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            # Nothing found in time (or, impossibly, the incumbent's constraint refused): keep it.
            return StageOutcome("KEPT", incumbent_value, known_bound, incumbent, False)
        value = round(solver.ObjectiveValue())
        cp_bound = round(solver.BestObjectiveBound())
        bound = min(known_bound, cp_bound) if maximise else max(known_bound, cp_bound)
        if code == cp_model.OPTIMAL or value == bound:
            status, bound = "OPTIMAL", value
        better = value > incumbent_value if maximise else value < incumbent_value
        if not better:
            return StageOutcome(status, incumbent_value, bound, incumbent, False)
        return StageOutcome(status, value, bound, self._picks(solver), True)

    def fix_at_least(self, objective, value: int) -> None:
        self.m.Add(objective >= value)

    def fix_at_most(self, objective, value: int) -> None:
        self.m.Add(objective <= value)

    def switchable_at_least(self, objective, value: int) -> cp_model.IntVar:
        """`objective >= value` while the returned switch is on (it starts on)."""
        switch = self.m.NewBoolVar("")
        self.m.Add(objective >= value).OnlyEnforceIf(switch)
        self.turn(switch, on=True)
        return switch

    def turn(self, switch: cp_model.IntVar, *, on: bool) -> None:
        domain = self.m.Proto().variables[switch.Index()].domain
        domain[0] = domain[1] = int(on)

    def _picks(self, solver: cp_model.CpSolver) -> set[Pick]:
        return {
            (eng.engagement_id, c.peer.peer_id)
            for eng, cands in zip(self.engagements, self.cands_by_eng, strict=True)
            for c in cands
            if solver.Value(c.x)
        }


class _StopAt(cp_model.CpSolverSolutionCallback):
    """Stop the search when a solution reaches a bound proved outside CP-SAT."""

    def __init__(self, target: float, *, maximise: bool):
        super().__init__()
        self.target = target
        self.maximise = maximise

    def on_solution_callback(self) -> None:
        value = self.ObjectiveValue()
        if (value >= self.target) if self.maximise else (value <= self.target):
            self.StopSearch()


def best_alone_coverage(
    eng: EngagementRequest, cands: list[Cand], rules: TeamRules, seconds: float
) -> int:
    """An upper bound on the needs any one valid team for `eng` covers (the batch relaxed away).

    `cands` must keep at least `team_size` peers of each signature (exact for one engagement)."""
    model = TeamModel([eng], [[Cand(c.info, 0) for c in cands]], rules)
    model.m.Add(model.staffed[0] == 1)
    model.m.Maximize(model.covered_sum())
    solver = make_solver(rules, seconds)
    code = solver.Solve(model.m, _StopAt(len(model.covered), maximise=True))
    if code == cp_model.INFEASIBLE:
        return 0
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return len(model.covered)
    if code == cp_model.OPTIMAL:
        return round(solver.ObjectiveValue())
    return min(len(model.covered), round(solver.BestObjectiveBound()))


def make_solver(rules: TeamRules, seconds: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_search_workers = max(1, rules.workers)
    solver.parameters.relative_gap_limit = rules.relative_gap_limit
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    return solver


def overlap_cliques(active: Sequence[EngagementRequest]) -> list[set[int]]:
    """Maximal sets of engagements that share a day (interval graphs: one per start date)."""
    cliques: list[set[int]] = []
    for day in sorted({e.start_date for e in active}):
        clique = {i for i, e in enumerate(active) if e.start_date <= day <= e.end_date}
        if len(clique) > 1 and not any(clique <= c for c in cliques):
            cliques = [c for c in cliques if not c <= clique] + [clique]
    return cliques


def deadline_left(deadline: float) -> float:
    return max(0.0, deadline - time.perf_counter())
