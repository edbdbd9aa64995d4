"""Why an engagement has no team: a rule only when a relaxation proves it, else the search.

* Solved on its own, the engagement has a team: it lost out to the batch. If the batch's first
  stage (teams staffed) was proved optimal, no choice staffs more teams, and the scarce pool
  across the overlapping engagements is named. If it was not, the search stopped first: say so,
  with the team greedy would form for it, and blame no rule.
* Solved on its own, it provably has no team: relax one rule at a time and name those whose
  relaxation alone (proved by finding a team) would allow one.
* Otherwise (the engagement alone could not be decided in time) say exactly that.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from .domain import Assignment, BatchResult, Blocker, CouncilAreas, EngagementRequest, PeerRecord
from .eligibility import PeerIndex, can_lead_officer, date_span
from .greedy import greedy_teams
from .rules import RULE_LABELS, TeamRules, party_name

# Not a rule: the key of a team missing because the search stopped at its time limit.
TIME_LIMIT = "search.time_limit"
COVERAGE_FLOOR = "search.coverage_floor"  # not a rule: the answer keeps greedy's needs met
COUPLING = ("availability.overlap", "availability.capacity", "availability.deployments_per_year")


def diagnose_unstaffed(
    unstaffed: Sequence[EngagementRequest],
    engagements: Sequence[EngagementRequest],
    peers: Sequence[PeerRecord],
    rules: TeamRules,
    areas: CouncilAreas,
    *,
    solve_alone: Callable[[EngagementRequest, TeamRules, float], BatchResult],
    search_stopped: set[str] = frozenset(),
    kept_for_coverage: set[str] = frozenset(),
    elapsed: float = 0.0,
    budget: float = 5.0,
    per_solve: float = 1.0,
) -> list[Blocker]:
    """A blocker for each unstaffed engagement, true to what was proved (module docstring).

    `solve_alone(engagement, rules, seconds)` solves one engagement by itself (the relaxation);
    `search_stopped` names the engagements whose staffing the batch search did not settle (its
    first stage was not proved optimal for them); `elapsed` is how long that search ran.
    Bounded by `budget` seconds in all."""
    started = time.perf_counter()
    index = PeerIndex(peers, rules, areas)
    blockers: list[Blocker] = []
    for eng in unstaffed:
        council = eng.council_name or eng.council_gss
        out_of_time = time.perf_counter() - started > budget
        if eng.engagement_id in search_stopped:
            blockers.append(_stopped(eng, peers, rules, areas, index, elapsed))
            continue
        if eng.engagement_id in kept_for_coverage:
            blockers.append(_kept_for_coverage(eng))
            continue
        if out_of_time:
            blockers.append(_scarcity(eng, engagements, peers, rules, index, alone_ok=None))
            continue
        alone = solve_alone(eng, rules, per_solve)
        if alone.assignments:
            blockers.append(_scarcity(eng, engagements, peers, rules, index, alone_ok=True))
            continue
        if alone.status != "INFEASIBLE":
            blockers.append(_undecided(eng, per_solve))
            continue
        freeing, undecided = [], False
        # Specific rules first (who is free, who conflicts, party), team shape last.
        for key in sorted(RULE_LABELS, key=lambda k: k.startswith("team.")):
            if not rules.on(key) or key in COUPLING[1:]:
                continue
            if time.perf_counter() - started > budget:
                undecided = True
                break
            trial = solve_alone(eng, rules.relax(key), per_solve)
            if trial.assignments:
                freeing.append(key)
            elif trial.status != "INFEASIBLE":
                undecided = True
        when = date_span(eng)
        if freeing:
            names = "; or ".join(f"'{RULE_LABELS[k]}'" for k in freeing)
            message = (
                f"No team for {council} on {when} meets every rule at once (proved); "
                f"relaxing {names} alone would allow one."
            )
            blockers.append(Blocker(eng.engagement_id, freeing[0], message))
        elif undecided:
            blockers.append(
                Blocker(
                    eng.engagement_id,
                    "team.size",
                    f"No team for {council} on {when} meets every rule at once (proved); there "
                    "was not time to find which rule to relax.",
                )
            )
        else:
            blockers.append(
                Blocker(
                    eng.engagement_id,
                    "team.size",
                    f"No team for {council} on {when} meets every rule (proved), and relaxing "
                    "any single rule is not enough: several rules block it together.",
                )
            )
    return blockers


def _team_words(team: Sequence[Assignment], peers: Sequence[PeerRecord]) -> str:
    by_id = {p.peer_id: p for p in peers}
    roles = {"officer": " (lead officer peer)", "member": " (lead member peer)"}
    names = [
        f"{by_id[a.peer_id].label}{roles.get(a.lead, '')}"
        for a in sorted(team, key=lambda a: (a.lead == "", a.lead != "officer", a.peer_id))
    ]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def _stopped(eng, peers, rules, areas, index, elapsed: float) -> Blocker:
    """The batch search stopped before it could staff `eng`: never blame a rule."""
    council = eng.council_name or eng.council_gss
    team = greedy_teams([eng], peers, rules, areas, index=index)
    head = f"The search stopped at {elapsed:.1f} s before staffing this team for {council}"
    if team:
        message = (
            f"{head}; a greedy team would be {_team_words(team, peers)} (formed for this "
            "engagement on its own: alongside the other teams some may be taken). Run again "
            "with a longer time limit, or build this engagement separately."
        )
    else:
        message = (
            f"{head}; greedy finds no team for it either, and no rule has been shown to block "
            "it. Run again with a longer time limit."
        )
    return Blocker(eng.engagement_id, TIME_LIMIT, message)


def _kept_for_coverage(eng) -> Blocker:
    council = eng.council_name or eng.council_gss
    return Blocker(
        eng.engagement_id,
        COVERAGE_FLOOR,
        f"A team for {council} was found, but staffing it as well meant the batch met fewer of "
        "its needs than the simple greedy assignment does, so it was left out: no rule blocks "
        "it. Build this engagement on its own, or with a longer time limit, to staff it.",
    )


def _undecided(eng, seconds: float) -> Blocker:
    council = eng.council_name or eng.council_gss
    return Blocker(
        eng.engagement_id,
        TIME_LIMIT,
        f"The search stopped at {seconds:.1f} s before deciding whether any team for {council} "
        "meets every rule; no rule has been shown to block it. Run again with a longer time limit.",
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _scarcity(
    eng, engagements, peers, rules, index: PeerIndex, *, alone_ok: bool | None
) -> Blocker:
    """The batch provably staffs no more teams: say which pool the overlapping ones exhaust."""
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
    alone = "is possible on its own, but" if alone_ok else "was"
    return Blocker(
        eng.engagement_id,
        "availability.capacity",
        f"A team for {council} on {when} {alone} not possible alongside the other engagements "
        "in this batch (proved: no choice of teams staffs more of them): the peers it needs run "
        "out of days or deployments this year, or are on overlapping engagements.",
    )
