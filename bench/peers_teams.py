"""Benchmark: 2,200 SYNTHETIC peers x 50 simultaneous engagements, CP-SAT against greedy.

Run: uv run python bench/peers_teams.py [--peers 2200] [--engagements 50] [--seed 0]
Peers and engagements are synthetic, on the real councils register and their real 2019-20
political control (shipped files; no database needed). Prints coverage, staffed teams, rule
violations (checked independently by apps.peers.teams.check), time and peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from apps.peers.services.council_facts import areas_from_facts, from_shipped_files  # noqa: E402
from apps.peers.services.synthetic import generate_engagements, generate_peers  # noqa: E402
from apps.peers.teams.check import check_teams  # noqa: E402
from apps.peers.teams.domain import PriorDeployment  # noqa: E402
from apps.peers.teams.greedy import greedy_teams  # noqa: E402
from apps.peers.teams.rules import load_rules  # noqa: E402
from apps.peers.teams.solver import build_teams  # noqa: E402


def coverage(assignments, engagements) -> int:
    skills: dict[str, set[str]] = {}
    for a in assignments:
        skills.setdefault(a.engagement_id, set()).update(a.covers)
    return sum(len(s) for s in skills.values())


def load(assignments, peers, engagements, rules) -> int:
    """The solver's second objective: sum over peers and years of deployments squared
    (earlier deployments included) minus what was already there."""
    by_id = {p.peer_id: p for p in peers}
    year_of = {e.engagement_id: rules.year_of(e.start_date) for e in engagements}
    counts: dict[tuple[str, int], int] = {}
    for a in assignments:
        key = (a.peer_id, year_of[a.engagement_id])
        counts[key] = counts.get(key, 0) + 1
    total = 0
    for (peer_id, year), n in counts.items():
        prior = sum(1 for h in by_id[peer_id].history if rules.year_of(h.start_date) == year)
        total += (prior + n) ** 2 - prior**2
    return total


def scenario(name, peers, engagements, rules, areas) -> None:
    print(f"\n== {name}: {len(peers)} peers x {len(engagements)} engagements")
    started = time.perf_counter()
    result = build_teams(engagements, peers, rules, areas)
    cp_seconds = time.perf_counter() - started
    cp_violations = check_teams(result.assignments, engagements, peers, rules, areas)
    started = time.perf_counter()
    greedy = greedy_teams(engagements, peers, rules, areas)
    greedy_seconds = time.perf_counter() - started
    greedy_violations = check_teams(greedy, engagements, peers, rules, areas)
    total = sum(len(set(e.needs)) for e in engagements)
    rows = [
        ("", "CP-SAT", "greedy"),
        ("status", f"{result.status} (gap {result.gap:.2%})", "-"),
        (
            "teams formed",
            f"{len(result.staffed)}/{len(engagements)}",
            f"{len({a.engagement_id for a in greedy})}/{len(engagements)}",
        ),
        (
            "needs covered",
            f"{result.needs_covered}/{total}",
            f"{coverage(greedy, engagements)}/{total}",
        ),
        ("rule violations", str(len(cp_violations)), str(len(greedy_violations))),
        (
            "load (sum sq.)",
            str(load(result.assignments, peers, engagements, rules)),
            str(load(greedy, peers, engagements, rules)),
        ),
        ("seconds", f"{cp_seconds:.2f}", f"{greedy_seconds:.2f}"),
    ]
    for label, a, b in rows:
        print(f"  {label:<16} {a:<26} {b}")
    print(
        f"  model: {result.candidates} candidate variables after presolve; stages {result.stages}"
    )
    kinds: dict[str, int] = {}
    for v in greedy_violations:
        kinds[v.rule] = kinds.get(v.rule, 0) + 1
    if kinds:
        print(f"  greedy violations by rule: {kinds}")
    for b in result.blockers[:5]:
        print(f"  blocked {b.engagement_id}: {b.message} [{b.rule}]")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--peers", type=int, default=2200)
    parser.add_argument("--engagements", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rules = load_rules()
    print(f"CP-SAT workers={rules.workers}, time limit {rules.time_limit_seconds:.0f} s")
    facts = from_shipped_files()
    areas = areas_from_facts(facts)
    as_of = dt.date(2026, 1, 5)
    peers = [s.record for s in generate_peers(args.peers, facts, seed=args.seed, as_of=as_of)]
    start = dt.date(2026, 2, 2)
    engs = generate_engagements(args.engagements, facts, seed=args.seed, start=start, spread_days=4)
    scenario("simultaneous (all within one week)", peers, engs, rules, areas)

    # Busier pool: a third of peers already deployed this year, engagements over eight weeks.
    rng = random.Random(args.seed)
    busy = [
        replace(
            p,
            history=tuple(
                PriorDeployment(dt.date(2025, 4, 7) + dt.timedelta(days=rng.randint(0, 250)), 4)
                for _ in range(rng.randint(1, 3))
            ),
        )
        if rng.random() < 0.33
        else p
        for p in peers
    ]
    engs2 = generate_engagements(
        args.engagements, facts, seed=args.seed + 7, start=start, spread_days=56
    )
    scenario("spread over eight weeks, busy pool", busy, engs2, rules, areas)

    # Scarce pools: the same engagements with a quarter and a tenth of the peers.
    for share, label in ((4, "a quarter"), (10, "a tenth")):
        scarce = peers[: max(50, args.peers // share)]
        scenario(f"scarce pool ({label} of the peers)", scarce, engs, rules, areas)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory (max RSS): {peak:.0f} MB")


if __name__ == "__main__":
    main()
