"""Benchmark: 100,000 SYNTHETIC responses through representation, campaign detection and mapping.

uv run python bench/consultation_throughput.py [--responses 100000] [--coded 1000]

The responses are synthetic (generated here from short topic phrase lists, plus campaign copies
with small edits) because no real consultation of this size is public; they exercise speed and
memory, not accuracy. Target: under 5 minutes on 2 cores. Prints the time of each stage and the
peak memory (resident set size).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from apps.consultations.analysis.campaigns import find_campaigns  # noqa: E402
from apps.consultations.analysis.mapping import ThemeMapper  # noqa: E402
from apps.consultations.analysis.text import Vectoriser  # noqa: E402

TOPICS = {
    "funding": "funding budget money resources grant cost savings reserves settlement",
    "peer support": "peer challenge mentoring councillor officer visit review team support",
    "data": "indicators data metrics benchmarking publish transparency dashboard comparison",
    "inspection": "inspectorate ofsted audit assessment regulator inspection judgement",
    "capacity": "staff capacity recruitment skills leadership turnover interim management",
    "governance": "governance scrutiny decision accountability cabinet members oversight",
    "residents": "residents services community engagement voice complaints satisfaction",
    "timing": "timescale deadline delay early warning intervention quickly months",
}
FILLER = [
    "we",
    "think",
    "the",
    "council",
    "should",
    "consider",
    "more",
    "about",
    "this",
    "because",
    "it",
    "matters",
    "for",
]
CAMPAIGN = (
    "As a resident I urge the association to keep peer support voluntary and free for every "
    "council, and to publish all indicators openly so that residents can hold councils to account."
)


def synthetic(n: int, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """SYNTHETIC responses and their topic flags; about 5% are campaign copies."""
    rng = np.random.default_rng(seed)
    names = list(TOPICS)
    words = {t: TOPICS[t].split() for t in names}
    texts, labels = [], np.zeros((n, len(names)), dtype=int)
    for i in range(n):
        if rng.random() < 0.05:
            edit = rng.integers(0, 3)
            text = (
                CAMPAIGN
                if edit == 0
                else CAMPAIGN.upper()
                if edit == 1
                else (f"Dear Sir, {CAMPAIGN} Regards, resident {rng.integers(1000)}")
            )
            labels[i, [1, 2]] = 1
        else:
            chosen = rng.choice(len(names), size=rng.integers(1, 3), replace=False)
            labels[i, chosen] = 1
            parts = []
            for t in chosen:
                parts += list(rng.choice(words[names[t]], size=rng.integers(4, 9)))
                parts += list(rng.choice(FILLER, size=rng.integers(2, 6)))
            text = " ".join(parts)
        texts.append(text)
    return texts, labels


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--coded", type=int, default=1000)
    args = parser.parse_args()
    stages = []
    start = t = time.perf_counter()
    texts, labels = synthetic(args.responses)
    stages.append(("generate SYNTHETIC responses", time.perf_counter() - t))

    t = time.perf_counter()
    features = Vectoriser().fit_transform(texts)
    stages.append((f"TF-IDF representation {features.shape}", time.perf_counter() - t))

    t = time.perf_counter()
    groups = find_campaigns(texts)
    in_groups = sum(len(g) for g in groups)
    stages.append(
        (
            f"campaign detection ({len(groups)} groups, {in_groups} responses)",
            time.perf_counter() - t,
        )
    )

    t = time.perf_counter()
    mapper = ThemeMapper(texts, list(TOPICS), features=features, seed=0)
    batch = args.coded // 4
    while len(mapper.labels) < args.coded:
        ask = mapper.next_to_code(batch, budget=args.coded)
        mapper.code_many(ask, labels[ask])
    predicted = mapper.predict()
    stages.append((f"active learning ({args.coded} coded) and mapping", time.perf_counter() - t))
    total = time.perf_counter() - start

    for name, seconds in stages:
        print(f"{seconds:8.1f} s  {name}")
    print(f"{total:8.1f} s  total for {args.responses:,} SYNTHETIC responses")
    print(f"peak memory {peak_mib():.0f} MiB")
    agree = (predicted == labels).all(axis=1).mean()
    print(
        f"(sanity, synthetic: {agree:.1%} of responses mapped exactly to their generating topics)"
    )


if __name__ == "__main__":
    main()
