"""Benchmark: the indicators pipeline on the real shipped data.

    uv run python bench/indicators_recompute.py

Without DATABASE_URL it builds a throwaway SQLite database in a temporary folder (migrate, the
councils register, then every indicator importer: the bootstrap step, timed). Then it times:
  - reading the whole observation table into a DataFrame (the point-in-time cache, cold),
  - the full import-free recompute of every derived indicator for all councils and years, at
    every input publication date (pure pandas/numpy, target well under 2 s), and with its write,
  - observations_known_on / latest_known_on for all councils at one date (warm cache).
Prints times and peak memory (tracemalloc for the recompute, max RSS for the process).
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nlb.settings.local")
_tmp = None
if "DATABASE_URL" not in os.environ:
    _tmp = tempfile.TemporaryDirectory(prefix="nlb-bench-indicators-")
    os.environ["DATABASE_URL"] = f"sqlite:///{_tmp.name}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from apps.indicators.catalogue import derived_definitions  # noqa: E402
from apps.indicators.models import Observation  # noqa: E402
from apps.indicators.services import point_in_time  # noqa: E402
from apps.indicators.services.derive import compute_derived, recompute_and_store  # noqa: E402


def timed(label: str, func, *args, **kwargs):
    started = time.perf_counter()
    result = func(*args, **kwargs)
    print(f"{label}: {time.perf_counter() - started:.2f} s")
    return result


def main() -> None:
    if _tmp is not None:
        call_command("migrate", verbosity=0)
        call_command("import_councils", stdout=StringIO())
    if not Observation.objects.exists():
        timed(
            "bootstrap import (every shipped source and file, then derive)",
            call_command,
            "import_indicators",
            stdout=StringIO(),
        )
    point_in_time.invalidate_cache()
    frame = timed("read observation table (cold)", point_in_time.all_observations)
    definitions = derived_definitions()
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        derived = compute_derived(frame, definitions)
        runs.append(time.perf_counter() - started)
    elapsed = min(runs)
    tracemalloc.start()
    compute_derived(frame, definitions)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    councils = derived["gss_code"].nunique()
    periods = derived["period"].nunique()
    print(
        f"recompute derived (import-free): {len(definitions)} indicators x {councils} councils x "
        f"{periods} periods (years, quarters) = {len(derived):,} observations (all vintages) "
        f"from {len(frame):,} rows "
        f"in {elapsed:.3f} s, best of 3 (target < 2 s); peak traced memory {peak / 2**20:.0f} MiB"
    )
    timed("recompute derived and store (replace in database)", recompute_and_store)
    point_in_time.all_observations()
    known = timed(
        "observations_known_on(2018-02-01), all councils and indicators (warm)",
        point_in_time.observations_known_on,
        dt.date(2018, 2, 1),
    )
    latest = timed(
        "latest_known_on(2018-02-01), all councils and indicators (warm)",
        point_in_time.latest_known_on,
        dt.date(2018, 2, 1),
    )
    print(f"  -> {len(known):,} observations known, {len(latest):,} council x indicator rows")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {rss:.0f} MiB")


if __name__ == "__main__":
    main()
