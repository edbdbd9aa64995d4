"""Prepare what the daily early-warning pages need, so the first person to open each page after
new data (or after a restart) does not wait for it: the default framework's watchlists (with and
without soft intelligence, at the pages' default date and at today for the API), the data reach,
every council's score history, the map at both levels and every council's series (in one pass).

Results go into the shared memo cache (apps.core.memo), so every web process, on every machine,
reads them instead of computing. `nlb warm_cache` runs this; `make serve`, `nlb bootstrap` and the
data refresh job call it after they change data; a second run finds everything and takes seconds.
Inside `cached_only()` (a new gunicorn worker, before its first request) it computes nothing and
only loads into the process what is already shared.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable


def warm_daily_pages(report: Callable[[str], None] = lambda line: None) -> dict[str, float]:
    """Compute (or find) every cached result of the daily pages; seconds per step."""
    from apps.core.memo import NotCached
    from apps.councils.models import Council
    from apps.early_warning.services import views_data
    from apps.early_warning.services.coverage import data_reach
    from apps.early_warning.services.watchlist import (
        DEFAULT_FRAMEWORK,
        compute_watchlist,
        latest_scorable_date,
        resolve_framework,
    )

    timings: dict[str, float] = {}

    def step(name: str, work: Callable[[], object]) -> None:
        started = time.perf_counter()
        try:
            work()
        except NotCached:  # inside cached_only(): not computed by anyone yet, so not loaded
            report(f"{name}: not in the shared cache")
            return
        timings[name] = time.perf_counter() - started
        report(f"{name}: {timings[name]:.1f}s")

    fw = resolve_framework(DEFAULT_FRAMEWORK)
    try:
        as_at = latest_scorable_date(fw) or dt.date.today()
    except NotCached:
        report("nothing in the shared cache yet")
        return timings
    frames = {}

    def watchlists() -> None:
        for day in sorted({as_at, dt.date.today()}):
            for include_notes in (False, True):
                frames[(day, include_notes)] = compute_watchlist(
                    day, fw, include_notes=include_notes
                )

    step("watchlists", watchlists)
    step("data reach", lambda: data_reach(fw, as_at))
    first = Council.objects.order_by("gss_code").first()
    if first is not None:
        step("score history", lambda: views_data.score_history(first, fw.name))

    def maps() -> None:
        if (as_at, True) not in frames:
            raise NotCached("watchlists")
        for include_notes in (False, True):
            for level in ("district", "county"):
                views_data.band_map(frames[(as_at, include_notes)], fw, as_at, level)

    step("map", maps)

    step("council series", lambda: views_data.prepare_all_series(as_at, fw))
    return timings
