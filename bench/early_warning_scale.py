"""Benchmark at scale, on SYNTHETIC data (labelled synthetic): 100,000 entities x 50 indicators x
20 years through the same framework engine as the real watchlist (polars, no Python loops over
entities). The framework is generated: 30 indicators scored by point bands, 10 by robust z-scores
against 15 peers, 10 by a three-year trend. Peers are synthetic neighbour lists.

    uv run python bench/early_warning_scale.py [--entities 100000] [--years 20]

Prints wall time per stage and peak memory. Target: under 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nlb.settings.local")

from apps.early_warning.engine import score_frame  # noqa: E402
from apps.early_warning.engine.framework import parse_framework  # noqa: E402
from apps.early_warning.engine.scoring import peer_matrix  # noqa: E402

N_INDICATORS = 50
N_PEER = 10
N_TREND = 10
PEERS = 15


def synthetic_framework():
    indicators = []
    for k in range(N_INDICATORS):
        code = f"i{k:02d}"
        if k < N_PEER:
            indicators.append(
                {
                    "code": code,
                    "title": f"Synthetic indicator {k} (peer z)",
                    "measure": f"x{k:02d}",
                    "scoring": "peer_z",
                    "polarity": "low_is_bad" if k % 2 else "high_is_bad",
                    "bands": [{"ge": 2, "points": 4}, {"ge": 1, "points": 2}],
                }
            )
        elif k < N_PEER + N_TREND:
            indicators.append(
                {
                    "code": code,
                    "title": f"Synthetic indicator {k} (3-year trend)",
                    "measure": f"x{k:02d} - x{k:02d}_y3",
                    "bands": [{"ge": 1.5, "points": 3}, {"ge": 0.75, "points": 1}],
                }
            )
        else:
            indicators.append(
                {
                    "code": code,
                    "title": f"Synthetic indicator {k} (bands)",
                    "measure": f"x{k:02d}",
                    "bands": [{"gt": 1.64, "points": 2}, {"gt": 1.28, "le": 1.64, "points": 1}],
                }
            )
    return parse_framework(
        {
            "framework": {
                "name": "synthetic_scale",
                "title": "SYNTHETIC scale test",
                "version": "0",
                "status": "synthetic",
            },
            "combine": {"method": "sum", "min_indicators": 10},
            "designation": [{"label": "High", "min": 30}, {"label": "Medium", "min": 20}],
            "indicator": indicators,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=20)
    args = parser.parse_args()
    n, years = args.entities, args.years
    rng = np.random.default_rng(20261123)
    framework = synthetic_framework()
    ids = np.array([f"S{i:07d}" for i in range(n)])
    offsets = rng.integers(1, n, size=(n, PEERS))
    peers = pl.DataFrame(
        {
            "entity": np.repeat(ids, PEERS),
            "peer": ids[(np.arange(n)[:, None] + offsets) % n].ravel(),
        }
    )
    print(f"SYNTHETIC data: {n:,} entities x {N_INDICATORS} indicators x {years} years")
    started = time.perf_counter()
    # peers do not change from year to year: index them once (rows aligned with `ids`)
    matrix = peer_matrix(pl.Series("entity", ids), peers)
    print(f"  peer index built in {time.perf_counter() - started:.2f} s")
    history: list[np.ndarray] = []
    generate = score = 0.0
    flagged_high = 0
    for year in range(years):
        t0 = time.perf_counter()
        values = rng.standard_normal((n, N_INDICATORS)).astype(np.float64)
        values[rng.random((n, N_INDICATORS)) < 0.02] = np.nan  # some missing data
        history.append(values)
        lag = history[-4] if len(history) >= 4 else history[0]
        columns = {"entity": ids}
        columns.update({f"x{k:02d}": values[:, k] for k in range(N_INDICATORS)})
        columns.update({f"x{k:02d}_y3": lag[:, k] for k in range(N_PEER, N_PEER + N_TREND)})
        inputs = pl.DataFrame(columns).fill_nan(None)
        history = history[-4:]
        t1 = time.perf_counter()
        result = score_frame(framework, inputs, peers=matrix)
        t2 = time.perf_counter()
        generate += t1 - t0
        score += t2 - t1
        flagged_high += int((result["band"] == "High").sum())
        if year == 0:
            print(f"  first year scored in {t2 - t1:.2f} s")
    total = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"generate synthetic inputs: {generate:.1f} s")
    print(f"score {years} years through the engine: {score:.1f} s")
    print(f"total {total:.1f} s (target < 60 s); peak memory (max RSS) {peak:,.0f} MiB")
    print(f"entity-years banded High: {flagged_high:,} of {n * years:,}")


if __name__ == "__main__":
    main()
