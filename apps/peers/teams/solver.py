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
import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from .check import check_teams
from .diagnosis import diagnose_unstaffed
from .domain import Assignment, BatchResult, Blocker, CouncilAreas, EngagementRequest, PeerRecord
from .eligibility import PeerIndex, can_lead_member, can_lead_officer, pool_blockers, prior_load
from .greedy import greedy_teams
from .model import Cand, Info, Pick, TeamModel
from .rules import TeamRules

STAGES = ("teams", "coverage", "load")


@dataclass
class Prepared:
    active: list[EngagementRequest]
    classes: list[dict[tuple, list[Info]]]  # per active engagement: signature -> peers, best first
    blockers: list[Blocker]
    needs_total: int
    coverable: list[int]  # per active engagement: needs some eligible peer could cover
    seats: int
    index: PeerIndex


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
    solution = solve_prepared(
        prep, peers, rules, areas, deadline=started + limit, restrict=restrict
    )
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
            elapsed=time.perf_counter() - started,
        )
    if not areas.known and rules.on("conflicts.same_county_area"):
        result.notes.append(
            "Same-county-area conflicts were not checked: no councils register was available."
        )
    result.seconds = time.perf_counter() - started
    return result


def prepare(engagements, peers, rules, areas) -> Prepared:
    index = PeerIndex(peers, rules, areas)
    prep = Prepared([], [], [], sum(len(set(e.needs)) for e in engagements), [], 0, index)
    for eng in engagements:
        reasons = index.exclusion_map(eng)
        blockers = pool_blockers(eng, peers, rules, areas, reasons)
        if blockers:
            prep.blockers += blockers
            continue
        needs = set(eng.needs)
        year = rules.year_of(eng.start_date)
        classes: dict[tuple, list[Info]] = defaultdict(list)
        coverable: set[str] = set()
        for p in peers:
            if p.peer_id in reasons:
                continue
            info = Info(
                peer=p,
                covers=tuple(sorted(needs & p.expertise)),
                lead_officer=rules.on("team.lead_officer") and can_lead_officer(p, rules),
                lead_member=rules.on("team.lead_member") and can_lead_member(p, eng, rules),
                prior=prior_load(p, year, rules)[0] if p.history else 0,
            )
            coverable.update(info.covers)
            classes[info.signature].append(info)
        for group in classes.values():
            # Least loaded first; ties spread differently per engagement.
            group.sort(
                key=lambda i: (
                    i.prior,
                    zlib.crc32(f"{eng.engagement_id}|{i.peer.peer_id}".encode()),
                )
            )
        prep.active.append(eng)
        prep.classes.append(classes)
        prep.coverable.append(len(coverable))
        prep.seats += eng.team_size
    return prep


def solve_prepared(
    prep: Prepared,
    peers: Sequence[PeerRecord],
    rules: TeamRules,
    areas: CouncilAreas,
    *,
    deadline: float,
    restrict: bool = True,
) -> Solution:
    """Greedy, then CP-SAT stages per component until `deadline` (a perf_counter time)."""
    greedy = greedy_teams(prep.active, peers, rules, areas, index=prep.index)
    if check_teams(greedy, prep.active, peers, rules, areas):  # a bug, never a rule: start empty
        greedy = []
    incumbent = {(a.engagement_id, a.peer_id) for a in greedy}
    solution = Solution(picks=set(), greedy=set(incumbent))
    if not prep.active:
        return solution
    cands = _restrict(prep, rules, incumbent, exact_only=not restrict)
    components = _components(prep, cands, rules)
    solution.components = len(components)
    solution.candidates = sum(len(c) for c in cands)
    sizes = [sum(len(cands[i]) for i in comp) for comp in components]
    waiting = sum(sizes)
    for comp, size in sorted(zip(components, sizes, strict=True), key=lambda cs: -cs[1]):
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
    model = TeamModel(engs, cands_by_eng, rules)
    ids = [e.engagement_id for e in engs]
    value = _Evaluator(engs, cands_by_eng, rules)

    def left(share: float) -> float:
        return max(0.0, deadline - time.perf_counter()) * share

    # Stage 1: teams staffed.
    s1 = model.stage(
        model.staffed_sum(),
        maximise=True,
        incumbent=incumbent,
        incumbent_value=value.staffed(incumbent),
        known_bound=len(engs),
        seconds=left(0.4),
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
    solution.stages["teams"].add("OPTIMAL" if staffed >= s1_bound else s1.status, staffed, s1_bound)
    if staffed < s1_bound:
        solution.search_stopped |= set(ids) - {e for e, _ in incumbent}
    model.fix_at_least(model.staffed_sum(), staffed)

    # Stage 2: needs covered, at no fewer teams.
    coverable = sum(prep.coverable[i] for i in comp)
    s2 = model.stage(
        model.covered_sum(),
        maximise=True,
        incumbent=incumbent,
        incumbent_value=value.covered(incumbent),
        known_bound=coverable,
        seconds=left(0.75),
    )
    incumbent = s2.picks
    solution.stages["coverage"].add(s2.status, s2.value, s2.bound)
    model.fix_at_least(model.covered_sum(), s2.value)

    # Stage 3: spread the load, at no less coverage.
    floor = _load_floor(prep, comp, incumbent)
    s3 = model.stage(
        model.load(),
        maximise=False,
        incumbent=incumbent,
        incumbent_value=value.load(incumbent),
        known_bound=floor,
        seconds=left(1.0),
    )
    solution.stages["load"].add(s3.status, s3.value, s3.bound)
    solution.picks |= s3.picks


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
        costs = sorted(2 * info.prior + 1 for g in prep.classes[i].values() for info in g)
        total += sum(costs[: eng.team_size])
    return total


def _restrict(
    prep: Prepared, rules: TeamRules, keep: set[Pick], *, exact_only: bool = False
) -> list[list[Cand]]:
    """The S least-loaded peers of each signature per engagement, and the incumbent's peers
    (`exact_only`: every eligible peer, for tests that compare)."""
    member_seats = min(prep.seats, len(prep.active) * rules.max_member_peers)
    out = []
    for i, classes in enumerate(prep.classes):
        eng_id = prep.active[i].engagement_id
        kept = []
        for sig, group in classes.items():
            limit = member_seats if sig[0] == "member" else prep.seats
            if exact_only:
                limit = len(group)
            kept += [
                Cand(info, i)
                for n, info in enumerate(group)
                if n < limit or (eng_id, info.peer.peer_id) in keep
            ]
        out.append(kept)
    return out


def _components(prep: Prepared, cands: list[list[Cand]], rules: TeamRules) -> list[list[int]]:
    """Engagements joined when a shared candidate's coupling rule could bind between them."""
    parent = list(range(len(prep.active)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(group: list[int]) -> None:
        root = find(group[0])
        for j in group[1:]:
            parent[find(j)] = root

    per_peer: dict[str, list[Cand]] = defaultdict(list)
    for group in cands:
        for c in group:
            per_peer[c.peer.peer_id].append(c)
    active = prep.active
    for mine in per_peer.values():
        if len(mine) < 2:
            continue
        peer = mine[0].peer
        engs = sorted({c.eng for c in mine}, key=lambda i: active[i].start_date)
        if rules.on("availability.overlap"):
            for a, b in zip(engs, engs[1:], strict=False):
                if active[a].overlaps(active[b].start_date, active[b].end_date):
                    union([a, b])
            # Non-adjacent overlaps are caught through the chain of start dates.
            for k, a in enumerate(engs):
                for b in engs[k + 1 :]:
                    if active[b].start_date > active[a].end_date:
                        break
                    union([a, b])
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
    comps: dict[int, list[int]] = defaultdict(list)
    for i in range(len(active)):
        comps[find(i)].append(i)
    return list(comps.values())


def to_result(prep: Prepared, solution: Solution, rules: TeamRules) -> BatchResult:
    result = BatchResult(status="UNKNOWN", needs_total=prep.needs_total, blockers=prep.blockers)
    by_eng: dict[str, list[str]] = defaultdict(list)
    for eng_id, peer_id in solution.picks:
        by_eng[eng_id].append(peer_id)
    for i, eng in enumerate(prep.active):
        chosen = set(by_eng.get(eng.engagement_id, ()))
        if not chosen:
            continue
        team = [info for g in prep.classes[i].values() for info in g if info.peer.peer_id in chosen]
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
