"""Benchmark: recompute the recommended framework for every council at every year end we hold
data for (real shipped data, loaded once into a throwaway SQLite database of the benchmark's
own, or the database named by BENCH_DATABASE_URL).

    uv run python bench/early_warning_recompute.py

Prints the time to read the observation table and the event registers once, the time to
recompute all years (the scorecard with capital financing, debt and public warning signs), and
peak memory. Target: the recompute under 2 s.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nlb.settings.local")
# A throwaway SQLite database of its own unless BENCH_DATABASE_URL names one that has the data.
THROWAWAY = Path(tempfile.gettempdir()) / "nlb-bench-early-warning.sqlite3"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{THROWAWAY}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from apps.early_warning.services.events import all_events  # noqa: E402
from apps.early_warning.services.recompute import observations_frame, recompute_history  # noqa: E402


def ensure_data() -> None:
    """Load the real councils register and indicators once into the benchmark's database."""
    from apps.indicators.models import Observation

    call_command("migrate", verbosity=0)
    if Observation.objects.exists():
        return
    print("setting up the benchmark database (real shipped data, once)...", flush=True)
    quiet = open(os.devnull, "w")  # noqa: SIM115
    for command in ("import_councils", "import_nearest_neighbours", "import_indicators"):
        call_command(command, verbosity=0, stdout=quiet)


def main() -> None:
    ensure_data()
    started = time.perf_counter()
    observations = observations_frame()
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    events = all_events()  # the event registers (public warning signs), read once like the table
    events_loaded = time.perf_counter() - started
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
    print(f"event registers read once: {len(events)} events in {events_loaded:.2f} s")
    print(
        f"recompute: {len(dates)} dates ({dates[0]}..{dates[-1]}) x ~{councils} councils "
        f"= {history.height:,} council-years in {elapsed:.2f} s (target < 2 s)"
    )
    print(f"peak memory (max RSS): {peak:.0f} MiB")


if __name__ == "__main__":
    main()
