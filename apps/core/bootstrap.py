"""`make run` calls `nlb bootstrap`, which asks every installed app, in INSTALLED_APPS order, to
load its shipped data and demo records. An app opts in by giving its AppConfig a method
`bootstrap(self, stdout) -> None`; each must be idempotent, since `make run` runs it every time."""

from __future__ import annotations

import time
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
