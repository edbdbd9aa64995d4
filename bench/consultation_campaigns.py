"""Benchmark: campaign detection and closed-question tallies on 100,000 SYNTHETIC responses.

Run: uv run python bench/consultation_campaigns.py [N]
Synthetic text: sentences drawn from a small bank of consultation-like phrases, with 10% of
responses copying one of three campaign templates (some lightly edited). Prints seconds and peak
memory for each step, and the groups found. Uses the fallback engine in
apps/consultations/services/campaigns.py (and the analysis package's find_campaigns if present).
"""

from __future__ import annotations

import os
import random
import resource
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nlb.settings.test")

import django  # noqa: E402

django.setup()

from apps.consultations.models import AGREE_SCALE  # noqa: E402
from apps.consultations.services.campaigns import (  # noqa: E402
    fallback_find_campaigns,
    find_campaigns,
)
from apps.consultations.services.tallies import tally  # noqa: E402

PHRASES = [
    "the sector should act before government intervenes",
    "inspection visits need to be co-ordinated",
    "small councils cannot pay for peer support",
    "early warning data should be shared sooner",
    "the roles of the regional bodies overlap",
    "accredited peers made the real difference",
    "political ownership matters at every level",
    "partnership failures are not covered",
    "a single front door would help councils",
    "funding must follow responsibility",
]
TEMPLATES = [
    "We the undersigned support sector-led help but insist that small district councils receive "
    "funded support rather than a bill for the help they are given.",
    "As members of the residents' association we ask that the framework names a single front door "
    "in each region so that councils know where to go.",
    "Our network believes inspection must be co-ordinated so that a council in difficulty is not "
    "inspected three times in one year.",
]


def peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main(n: int = 100_000) -> None:
    rng = random.Random(0)
    texts = []
    for i in range(n):
        if i % 10 == 0:
            t = TEMPLATES[i % 3]
            texts.append(t if i % 20 else t.replace("We", "I").replace("our", "my") + " Thanks.")
        else:
            k = rng.randint(1, 4)
            texts.append(
                ". ".join(rng.choice(PHRASES) for _ in range(k)).capitalize()
                + f". Response {rng.randint(1, 10**9)} from {rng.choice(['a', 'our', 'my'])} "
                + rng.choice(["council", "partnership", "authority", "group", "network"])
                + "."
            )
    print(f"{n} synthetic responses")
    started = time.perf_counter()
    groups = fallback_find_campaigns(texts)
    seconds = time.perf_counter() - started
    big = sorted((len(g) for g in groups), reverse=True)[:5]
    print(
        f"fallback find_campaigns: {seconds:.1f}s, {len(groups)} groups, largest {big}, "
        f"{sum(len(g) for g in groups)} responses grouped, peak {peak_mb()} MB"
    )
    started = time.perf_counter()
    groups = find_campaigns(texts)
    print(
        f"find_campaigns (engine in use): {time.perf_counter() - started:.1f}s, "
        f"{len(groups)} groups, peak {peak_mb()} MB"
    )
    groups_list = ["council_leaders", "chief_executives", "individuals", "inspectorates"]
    rows = [(rng.choice(groups_list), [rng.choice(AGREE_SCALE)]) for _ in range(n)]
    started = time.perf_counter()
    table = tally(rows, AGREE_SCALE)
    print(
        f"tally of {n} closed answers by group: {time.perf_counter() - started:.2f}s, "
        f"total {int(table['All'].sum())}, peak {peak_mb()} MB"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
