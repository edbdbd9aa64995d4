"""Peer teams for one engagement or a batch sharing the pool: never worse than greedy.

1. **Greedy first.** `greedy_teams` forms teams that break no rule; `check_teams` re-checks them.
   They are the incumbent: CP-SAT is hinted with them and must match or beat them, and when the
   time runs out they (or anything better found) are the answer.
2. **Pre-filtered eligibility.** A peer is a variable for an engagement only when every per-peer
   rule holds; within one engagement, peers with the same signature (officer/member, able to
   lead, party, needs covered) are interchangeable there, so only the S least-loaded are kept, S
   being the seats in the batch (exchange argument: at most S-1 other seats are filled, so a kept,
   unused peer of the signature can replace a dropped one). The incumbent's peers are always kept.
3. **Decomposition.** Engagements are split into independent components: two are joined only when
   some candidate they share could be limited by having both (overlapping dates, or days or
   deployments in a deployment year that cannot all be given). Each component is solved alone.
4. **Bounded lexicographic stages** per component: teams staffed, then needs covered, then load
   (sum over peers and years of squared deployments, earlier ones included). Each stage adds the
   previous stage's value as a constraint, is hinted with the incumbent and keeps it unless it
   finds better; each reports OPTIMAL or the gap to the bound it proved.
5. **Explanations** (`diagnosis`): an unstaffed engagement is blamed on a rule only when a
   relaxation proves it; when the search stopped first, the message says so and gives the team
   greedy would form.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from .check import check_teams
from .diagnosis import diagnose_unstaffed
from .domain import Assignment, BatchResult, CouncilAreas, EngagementRequest, PeerRecord
from .greedy import greedy_teams
from .model import Cand, Info, Pick, TeamModel, best_alone_coverage
from .presolve import Prepared, components, prepare, restrict
from .rules import TeamRules

STAGES = ("teams", "coverage", "load")
# Building a model costs about this much per candidate (measured: 44,000 candidates in ~2 s); with
# less time left than that plus a little search, the incumbent stands without a model.
BUILD_SECONDS_PER_CANDIDATE = 5e-5
MIN_SEARCH_SECONDS = 0.2


@dataclass
class StageReport:
    status: str = "OPTIMAL"  # OPTIMAL when every component proved it
    value: int = 0
    bound: int = 0

    @property
    def gap(self) -> float:
        return abs(self.bound - self.value) / max(abs(self.value), 1)

    def add(self, status: str, value: int, bound: int) -> None:
        if status != "OPTIMAL":
            self.status = "FEASIBLE"
        self.value += value
        self.bound += bound


@dataclass
class Solution:
    """Teams for the active engagements, with their stage-by-stage account."""

    picks: set[Pick]
    stages: dict[str, StageReport] = field(
        default_factory=lambda: {s: StageReport() for s in STAGES}
    )
    components: int = 0
    candidates: int = 0
    greedy: set[Pick] = field(default_factory=set)
    search_stopped: set[str] = field(default_factory=set)  # engagements whose staffing is unproved
    # Engagements a team was found for, left out because staffing them as well would meet fewer
    # needs than the greedy answer: the answer is never behind greedy on either count.
    kept_for_coverage: set[str] = field(default_factory=set)


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
    """The best teams found for `engagements` from `peers` under `rules` (module docstring)."""
    started = time.perf_counter()
    limit = rules.time_limit_seconds if time_limit is None else time_limit
    prep = prepare(engagements, peers, rules, areas)
    solution = solve_prepared(prep, peers, rules, areas, deadline=started + limit, prune=restrict)
    result = to_result(prep, solution, rules)
    if diagnose:
        named = {b.engagement_id for b in result.blockers}
        unstaffed = [e for e in prep.active if e.engagement_id not in result.staffed | named]
        result.blockers += diagnose_unstaffed(
            unstaffed,
            engagements,
            peers,
            rules,
            areas,
            solve_alone=lambda eng, r, seconds: build_teams(
                [eng], peers, r, areas, time_limit=seconds, diagnose=False
            ),
            search_stopped=solution.search_stopped,
            kept_for_coverage=solution.kept_for_coverage,
            elapsed=time.perf_counter() - started,
        )
    if not areas.known and rules.on("conflicts.same_county_area"):
        result.notes.append(
            "Same-county-area conflicts were not checked: no councils register was available."
        )
    result.seconds = time.perf_counter() - started
    return result


def solve_prepared(
    prep: Prepared,
    peers: Sequence[PeerRecord],
    rules: TeamRules,
    areas: CouncilAreas,
    *,
    deadline: float,
    prune: bool = True,
) -> Solution:
    """Greedy, then CP-SAT stages per component until `deadline` (a perf_counter time)."""
    greedy = greedy_teams(prep.active, peers, rules, areas, index=prep.index)
    if check_teams(greedy, prep.active, peers, rules, areas):  # a bug, never a rule: start empty
        greedy = []
    incumbent = {(a.engagement_id, a.peer_id) for a in greedy}
    solution = Solution(picks=set(), greedy=set(incumbent))
    if not prep.active:
        return solution
    cands = restrict(prep, rules, incumbent, exact_only=not prune)
    comps = components(prep.active, cands, rules)
    solution.components = len(comps)
    solution.candidates = sum(len(c) for c in cands)
    sizes = [sum(len(cands[i]) for i in comp) for comp in comps]
    waiting = sum(sizes)
    for comp, size in sorted(zip(comps, sizes, strict=True), key=lambda cs: -cs[1]):
        left = max(0.0, deadline - time.perf_counter())
        budget = left * size / max(waiting, 1)
        waiting -= size
        engs = [prep.active[i] for i in comp]
        mine = {pk for pk in incumbent if pk[0] in {e.engagement_id for e in engs}}
        _solve_component(
            prep,
            comp,
            [_reindex(cands[i], k) for k, i in enumerate(comp)],
            engs,
            mine,
            rules,
            peers,
            areas,
            time.perf_counter() + budget,
            solution,
        )
    return solution


def _reindex(cands: list[Cand], k: int) -> list[Cand]:
    return [Cand(c.info, k) for c in cands]


def _solve_component(
    prep, comp, cands_by_eng, engs, incumbent, rules, peers, areas, deadline, solution
) -> None:
    ids = [e.engagement_id for e in engs]
    value = _Evaluator(engs, cands_by_eng, rules)
    size = sum(len(c) for c in cands_by_eng)
    if deadline - time.perf_counter() < MIN_SEARCH_SECONDS + BUILD_SECONDS_PER_CANDIDATE * size:
        # No time left to build and search a model: the incumbent stands, with known bounds.
        staffed = value.staffed(incumbent)
        teams = "OPTIMAL" if staffed == len(engs) else "FEASIBLE"
        solution.stages["teams"].add(teams, staffed, len(engs))
        if staffed < len(engs):
            solution.search_stopped |= set(ids) - {e for e, _ in incumbent}
        covered = value.covered(incumbent)
        coverable = sum(prep.coverable[i] for i in comp)
        solution.stages["coverage"].add(
            "OPTIMAL" if covered >= coverable else "FEASIBLE", covered, coverable
        )
        load, floor = value.load(incumbent), _load_floor(prep, comp, incumbent)
        solution.stages["load"].add("OPTIMAL" if load <= floor else "FEASIBLE", load, floor)
        solution.picks |= incumbent
        return
    model = TeamModel(engs, cands_by_eng, rules)
    greedy_covered = value.covered(incumbent)
    reports: list[tuple[str, str, int, int]] = []  # added to the solution once the answer is chosen
    stopped: set[str] = set()

    def left(share: float) -> float:
        return max(0.0, deadline - time.perf_counter()) * share

    def until(share: float) -> float:
        return time.perf_counter() + left(share)

    # Stage 1: teams staffed. First among teams covering at least the needs greedy covers (an
    # answer never behind greedy on either count), then without that floor, which only that
    # second search can prove the team count for. If its extra teams end up meeting fewer needs
    # than greedy, the floored answer is kept and the engagements it leaves out say why.
    floor = model.switchable_at_least(model.covered_sum(), value.covered(incumbent))
    s1 = model.stage(
        model.staffed_sum(),
        maximise=True,
        incumbent=incumbent,
        incumbent_value=value.staffed(incumbent),
        known_bound=len(engs),
        deadline=until(0.25),
    )
    floored = s1.picks  # at least greedy's teams and needs
    model.turn(floor, on=False)
    if s1.value < len(engs):
        s1 = model.stage(
            model.staffed_sum(),
            maximise=True,
            incumbent=s1.picks,
            incumbent_value=s1.value,
            known_bound=len(engs),
            deadline=until(0.4),
        )
    incumbent = s1.picks
    if s1.value < len(engs):
        # Greedy may complete a team the search did not reach around the teams it found.
        fixed = [Assignment(e, p) for e, p in incumbent]
        extra = greedy_teams(engs, peers, rules, areas, fixed=fixed, index=prep.index)
        picks = {(a.engagement_id, a.peer_id) for a in extra}
        if (
            picks
            and picks <= value.info.keys()
            and not check_teams(fixed + extra, engs, peers, rules, areas)
        ):
            incumbent = incumbent | picks
    staffed = value.staffed(incumbent)
    s1_bound = max(s1.bound, staffed)
    reports.append(("teams", "OPTIMAL" if staffed >= s1_bound else s1.status, staffed, s1_bound))
    if staffed < s1_bound:
        stopped |= set(ids) - {e for e, _ in incumbent}
    model.fix_at_least(model.staffed_sum(), staffed)

    # Stage 2: needs covered, at no fewer teams. Bound: each engagement's best team on its own
    # (solved where the incumbent falls short of what eligible peers could cover), also a cut.
    bounds = [prep.coverable[i] for i in comp]
    short = value.covered_by_engagement(incumbent)
    bounds_until = until(0.15)  # at most this share of the time on these bounds
    for k, i in enumerate(comp):
        eng = prep.active[i]
        spare = bounds_until - time.perf_counter()
        if short.get(eng.engagement_id, 0) < bounds[k] and spare > 0.05:
            (alone,) = restrict(prep, rules, only=[i])
            bounds[k] = best_alone_coverage(eng, alone, rules, min(0.5, spare))
            model.m.Add(model.covered_of(k) <= bounds[k])
    coverable = sum(bounds)
    s2 = model.stage(
        model.covered_sum(),
        maximise=True,
        incumbent=incumbent,
        incumbent_value=value.covered(incumbent),
        known_bound=coverable,
        deadline=until(0.75),
    )
    incumbent = s2.picks
    reports.append(("coverage", s2.status, s2.value, s2.bound))
    model.fix_at_least(model.covered_sum(), s2.value)

    # Stage 3: spread the load, at no less coverage.
    floor = _load_floor(prep, comp, incumbent)
    s3 = model.stage(
        model.load(),
        maximise=False,
        incumbent=incumbent,
        incumbent_value=value.load(incumbent),
        known_bound=floor,
        deadline=until(1.0),
    )
    reports.append(("load", s3.status, s3.value, s3.bound))
    final = s3.picks
    if value.covered(final) < greedy_covered:
        # More teams, but fewer needs met than greedy meets: keep the answer behind on neither.
        traded = {e for e, _ in final} - {e for e, _ in floored}
        final = floored
        load_floor = _load_floor(prep, comp, final)
        staffed, covered, load = value.staffed(final), value.covered(final), value.load(final)
        reports = [
            ("teams", "OPTIMAL" if staffed >= s1_bound else "FEASIBLE", staffed, s1_bound),
            ("coverage", "OPTIMAL" if covered >= coverable else "FEASIBLE", covered, coverable),
            ("load", "OPTIMAL" if load <= load_floor else "FEASIBLE", load, load_floor),
        ]
        solution.kept_for_coverage |= traded
    for stage, status, reached, bound in reports:
        solution.stages[stage].add(status, reached, bound)
    solution.search_stopped |= stopped
    solution.picks |= final


class _Evaluator:
    """Stage objectives of a set of picks, computed in Python (the same as the model's)."""

    def __init__(self, engs, cands_by_eng, rules: TeamRules):
        self.info = {
            (engs[c.eng].engagement_id, c.peer.peer_id): c.info
            for cands in cands_by_eng
            for c in cands
        }
        self.year = {e.engagement_id: rules.year_of(e.start_date) for e in engs}

    def staffed(self, picks: set[Pick]) -> int:
        return len({e for e, _ in picks})

    def covered(self, picks: set[Pick]) -> int:
        skills: dict[str, set[str]] = defaultdict(set)
        for pick in picks:
            skills[pick[0]].update(self.info[pick].covers)
        return sum(len(s) for s in skills.values())

    def covered_by_engagement(self, picks: set[Pick]) -> dict[str, int]:
        skills: dict[str, set[str]] = defaultdict(set)
        for pick in picks:
            skills[pick[0]].update(self.info[pick].covers)
        return {e: len(s) for e, s in skills.items()}

    def load(self, picks: set[Pick]) -> int:
        counts: dict[tuple[str, int], list[int]] = {}
        for pick in picks:
            entry = counts.setdefault((pick[1], self.year[pick[0]]), [self.info[pick].prior, 0])
            entry[1] += 1
        return sum((p + n) ** 2 - p**2 for p, n in counts.values())


def _load_floor(prep: Prepared, comp: list[int], picks: set[Pick]) -> int:
    """Each seat of a staffed team costs at least its cheapest candidate's first deployment."""
    staffed = {e for e, _ in picks}
    total = 0
    for i in comp:
        eng = prep.active[i]
        if eng.engagement_id not in staffed:
            continue
        costs = sorted(2 * info.prior + 1 for info in prep.infos[i])
        total += sum(costs[: eng.team_size])
    return total


def to_result(prep: Prepared, solution: Solution, rules: TeamRules) -> BatchResult:
    result = BatchResult(status="UNKNOWN", needs_total=prep.needs_total, blockers=prep.blockers)
    by_eng: dict[str, list[str]] = defaultdict(list)
    for eng_id, peer_id in solution.picks:
        by_eng[eng_id].append(peer_id)
    for i, eng in enumerate(prep.active):
        chosen = set(by_eng.get(eng.engagement_id, ()))
        if not chosen:
            continue
        team = [info for info in prep.infos[i] if info.peer.peer_id in chosen]
        result.assignments += designate_leads(eng, team)
    result.needs_covered = len({(a.engagement_id, n) for a in result.assignments for n in a.covers})
    result.candidates = solution.candidates
    result.components = solution.components
    result.greedy_staffed = len({e for e, _ in solution.greedy})
    result.stages = {name: stage.status for name, stage in solution.stages.items()}
    result.stage_gaps = {name: stage.gap for name, stage in solution.stages.items()}
    if not result.assignments:
        result.status = "INFEASIBLE" if not solution.search_stopped else "UNKNOWN"
    elif all(s.status == "OPTIMAL" for s in solution.stages.values()):
        result.status = "OPTIMAL"
    else:
        result.status = "FEASIBLE"
    # The gap of the first stage not proved optimal: lexicographic order decides what matters.
    result.gap = next((s.gap for s in solution.stages.values() if s.status != "OPTIMAL"), 0.0)
    return result


def designate_leads(eng: EngagementRequest, team: list[Info]) -> list[Assignment]:
    """Name one lead officer and one lead member peer among those able to lead."""
    order = sorted(team, key=lambda i: (-len(i.covers), i.peer.peer_id))
    lead_officer = next((i for i in order if i.lead_officer), None)
    lead_member = next((i for i in order if i.lead_member and i is not lead_officer), None)
    out = []
    for i in sorted(team, key=lambda i: i.peer.peer_id):
        lead = "officer" if i is lead_officer else "member" if i is lead_member else ""
        out.append(Assignment(eng.engagement_id, i.peer.peer_id, lead, i.covers))
    return out
