"""Benchmark: CP-SAT team building beside greedy, over families of SYNTHETIC instances.

Run: uv run python bench/peers_families.py [--instances 20] [--time-limit 2] [--skip-60]

1. For every family in apps/peers/services/instances.py (scarcity, party mix, overlap of dates, team
   sizes, conflict density, accreditation expiry), `--instances` random instances: teams staffed,
   needs covered, seconds and the proved gap of each stage, beside the greedy baseline, and rule
   violations found by the independent checker.
2. The shape of issue 11 (2,200 peers with 114 chief executives and 783 member peers; 50 engagements
   in spring 2027 of 4-5 peers and 4-5 days; max_days 4-10): the default run (the rules' time limit)
   and a 60 s run, wall time of each, and whether the default run is within 2% of the best coverage.
Everything here is SYNTHETIC; the councils and their 2019-20 political control are real.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from apps.peers.services.council_facts import from_shipped_files  # noqa: E402
from apps.peers.services.instances import FAMILIES, ISSUE_11, generate  # noqa: E402
from apps.peers.teams.check import check_teams  # noqa: E402
from apps.peers.teams.greedy import greedy_teams  # noqa: E402
from apps.peers.teams.rules import load_rules  # noqa: E402
from apps.peers.teams.solver import build_teams  # noqa: E402


def covered(assignments) -> int:
    return len({(a.engagement_id, n) for a in assignments for n in a.covers})


def run(instance, rules, time_limit):
    engs, peers, areas = instance.engagements, instance.peers, instance.areas
    started = time.perf_counter()
    greedy = greedy_teams(engs, peers, rules, areas)
    greedy_seconds = time.perf_counter() - started
    started = time.perf_counter()
    result = build_teams(engs, peers, rules, areas, time_limit=time_limit)
    seconds = time.perf_counter() - started
    return {
        "needs": result.needs_total,
        "engs": len(engs),
        "cp_teams": len(result.staffed),
        "cp_cov": result.needs_covered,
        "g_teams": len({a.engagement_id for a in greedy}),
        "g_cov": covered(greedy),
        "seconds": seconds,
        "g_seconds": greedy_seconds,
        "optimal": result.status == "OPTIMAL",
        "cov_gap": result.stage_gaps.get("coverage", 0.0),
        "teams_gap": result.stage_gaps.get("teams", 0.0),
        "violations": len(check_teams(result.assignments, engs, peers, rules, areas))
        + len(check_teams(greedy, engs, peers, rules, areas)),
        "worse": (len(result.staffed), result.needs_covered)
        < (len({a.engagement_id for a in greedy}), covered(greedy)),
        "fewer_needs": result.needs_covered < covered(greedy),
        "timeouts": sum(1 for b in result.blockers if b.rule == "search.time_limit"),
    }


def families(args, facts, rules) -> None:
    header = (
        f"{'family':<12} {'peers x engs':>12} {'teams CP/greedy':>16} {'coverage CP/greedy':>19} "
        f"{'optimal':>8} {'cov gap mean/max':>17} {'CP s mean/max':>14} {'greedy s':>9} "
        f"{'worse':>6} {'fewer needs':>12} {'viol.':>6}"
    )
    print(header)
    print("-" * len(header))
    for name, family in FAMILIES.items():
        rows = [
            run(generate(family, facts, seed), rules, args.time_limit)
            for seed in range(args.instances)
        ]
        needs = sum(r["needs"] for r in rows)
        engs = sum(r["engs"] for r in rows)
        total = {
            key: sum(r[key] for r in rows) for key in ("cp_teams", "g_teams", "cp_cov", "g_cov")
        }
        gaps = [r["cov_gap"] for r in rows]
        secs = [r["seconds"] for r in rows]
        size = f"{family.peers} x {family.engagements}"
        teams = f"{total['cp_teams']}/{total['g_teams']} of {engs}"
        cover = f"{total['cp_cov'] / needs:.1%}/{total['g_cov'] / needs:.1%}"
        gap = f"{statistics.mean(gaps):.2%}/{max(gaps):.2%}"
        sec = f"{statistics.mean(secs):.1f}/{max(secs):.1f}"
        optimal = f"{sum(r['optimal'] for r in rows)}/{len(rows)}"
        print(
            f"{name:<12} {size:>12} {teams:>16} {cover:>19} {optimal:>8} {gap:>17} {sec:>14} "
            f"{statistics.mean(r['g_seconds'] for r in rows):>9.2f} "
            f"{sum(r['worse'] for r in rows):>6} {sum(r['fewer_needs'] for r in rows):>12} "
            f"{sum(r['violations'] for r in rows):>6}"
        )
    print(
        "teams: engagements staffed over all instances; coverage: needs covered / needs asked; "
        "optimal: instances proved optimal in every stage; cov gap: proved gap of the coverage "
        "stage; worse: instances where CP-SAT is behind greedy, teams first then needs (must be "
        "0); fewer needs: instances where CP-SAT covers fewer needs than greedy (must be 0); "
        "viol.: rule violations in either answer (must be 0)."
    )


def issue_shape(args, facts, rules) -> None:
    instance = generate(ISSUE_11, facts, args.seed)
    engs, peers = instance.engagements, instance.peers
    chiefs = sum(1 for p in peers if p.role == "chief_executive")
    members = sum(1 for p in peers if p.kind == "member")
    print(
        f"\n== issue-11 shape (SYNTHETIC, seed {args.seed}): {len(peers)} peers "
        f"({chiefs} chief executives, {members} member peers) x {len(engs)} engagements "
        f"{min(e.start_date for e in engs)}..{max(e.end_date for e in engs)}; "
        f"{os.cpu_count()} CPUs, CP-SAT workers={rules.workers}"
    )
    limits = [rules.time_limit_seconds] + ([] if args.skip_60 else [60.0])
    rows = {limit: run(instance, rules, limit) for limit in limits}
    best = max(r["cp_cov"] for r in rows.values())
    print(f"  {'run':<16} {'teams':>6} {'covered':>9} {'wall s':>7} {'cov gap':>8}")
    first = rows[limits[0]]
    print(
        f"  {'greedy':<16} {first['g_teams']:>6} {first['g_cov']:>5}/{first['needs']:<3} "
        f"{first['g_seconds']:>7.1f}"
    )
    for limit, r in rows.items():
        label = f"CP-SAT {limit:.0f} s limit"
        print(
            f"  {label:<16} {r['cp_teams']:>6} {r['cp_cov']:>5}/{r['needs']:<3} "
            f"{r['seconds']:>7.1f} {r['cov_gap']:>8.2%}"
        )
    default = rows[limits[0]]
    within = default["cp_cov"] >= 0.98 * best
    print(
        f"  default run: {default['cp_cov']} needs covered, best found {best}: "
        f"{'within' if within else 'NOT within'} 2%; wall {default['seconds']:.1f} s "
        f"({'under' if default['seconds'] < 15 else 'OVER'} 15 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instances", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-60", action="store_true", help="skip the 60 s reference run")
    parser.add_argument("--only-issue", action="store_true", help="only the issue-11 shape")
    args = parser.parse_args()
    facts = from_shipped_files()
    rules = load_rules()
    if not args.only_issue:
        print(f"SYNTHETIC families, {args.instances} instances each, {args.time_limit:.1f} s limit")
        families(args, facts, rules)
    issue_shape(args, facts, rules)


if __name__ == "__main__":
    main()
