"""Benchmark: recompute the recommended framework for every council at every year end we hold
data for (real data; run `uv run nlb import_indicators` into your DATABASE_URL first).

    uv run python bench/early_warning_recompute.py

Prints the time to read the observation table once, the time to recompute all years, and peak
memory. Target: the recompute under 2 s.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nlb.settings.local")

import django  # noqa: E402

django.setup()

from apps.early_warning.services.recompute import observations_frame, recompute_history  # noqa: E402


def main() -> None:
    started = time.perf_counter()
    observations = observations_frame()
    loaded = time.perf_counter() - started
    if observations.height == 0:
        sys.exit("No observations: run `uv run nlb import_indicators` first.")
    first = observations["period_end"].min().year
    last = observations["published"].max().year
    dates = [dt.date(year, 12, 1) for year in range(first, last + 1)]
    started = time.perf_counter()
    history = recompute_history(dates, observations=observations)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    councils = history.filter(history["as_at"] == dates[-1]).height
    print(f"observations read once: {observations.height:,} rows in {loaded:.2f} s")
    print(
        f"recompute: {len(dates)} dates ({dates[0]}..{dates[-1]}) x ~{councils} councils "
        f"= {history.height:,} council-years in {elapsed:.2f} s (target < 2 s)"
    )
    print(f"peak memory (max RSS): {peak:.0f} MiB")


if __name__ == "__main__":
    main()
