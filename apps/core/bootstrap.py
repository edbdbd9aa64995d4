"""`make run` calls `nlb bootstrap`, which asks every installed app, in INSTALLED_APPS order, to
load its shipped data and demo records. An app opts in by giving its AppConfig a method
`bootstrap(self, stdout) -> None`; each must be idempotent, since `make run` runs it every time.
Then every app's `warm_cache(report)` prepares what its daily pages need (`nlb warm_cache`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

from django.apps import apps


def run_bootstrap(stdout: TextIO) -> None:
    for config in apps.get_app_configs():
        step = getattr(config, "bootstrap", None)
        if step is None:
            continue
        started = time.perf_counter()
        stdout.write(f"-> {config.verbose_name}\n")
        step(stdout)
        stdout.write(f"   done in {time.perf_counter() - started:.1f}s\n")
    warm_caches(lambda line: stdout.write(f"   {line}\n"))


def warm_caches(report: Callable[[str], None]) -> None:
    """Ask every app with a `warm_cache(report)` method to fill the shared memo cache
    (apps.core.memo) with what its daily pages need; quick when it is already there."""
    for config in apps.get_app_configs():
        warm = getattr(config, "warm_cache", None)
        if warm is None:
            continue
        started = time.perf_counter()
        report(f"-> warming {config.verbose_name}")
        warm(report)
        report(f"   warm in {time.perf_counter() - started:.1f}s")
