"""How fast a hostile upload is refused: a 1,000,000-row XLSX (small on disk), one declaring the
whole grid (A1:XFD1048576), and one hiding a large size (no <dimension>), through the shared
limits in apps/core/uploads.py. Prints seconds and peak memory for each.

    uv run python bench/upload_limits.py
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nlb.settings.local")

import django  # noqa: E402

django.setup()

from apps.core import uploads  # noqa: E402
from apps.core.importers import ImportProblem  # noqa: E402
from apps.core.tests import xlsx_fakes  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cases = {
            "1M rows, declared": xlsx_fakes.many_rows(Path(tmp) / "a.xlsx", 1_000_000),
            "A1:XFD1048576 declared": xlsx_fakes.declaring(Path(tmp) / "b.xlsx", "A1:XFD1048576"),
            "200k rows, undeclared": xlsx_fakes.many_rows(
                Path(tmp) / "c.xlsx", 200_000, declare=False
            ),
        }
        for label, path in cases.items():
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            started = time.perf_counter()
            try:
                uploads.xlsx_rows(path, path.name)
                outcome = "ACCEPTED"
            except ImportProblem as problem:
                outcome = str(problem)
            seconds = time.perf_counter() - started
            grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
            size = path.stat().st_size / 1024
            print(f"{label:26} {size:8.0f} KB  refused in {seconds:6.3f} s  +{grown:5.0f} MB peak")
            print(f"    {outcome}")


if __name__ == "__main__":
    main()
