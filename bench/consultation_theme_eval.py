"""Benchmark: theme_eval on the shipped coded sets at 5, 10 and 20% coded, mean of 3 seeds.

uv run python bench/consultation_theme_eval.py [--fractions 0.05,0.1,0.2] [--seeds 3] [--sets nhs]
    [--cache /tmp/theme-eval]   (sentence embeddings kept there between runs; texts only)

Prints one line per run and a table of mean sample-, micro- and macro-F1 per set and fraction.
Baselines (issue 7, TF-IDF + linear SVM, random coding): NHS 0.375/0.417/0.479 at 5/10/20%;
German level-1 0.561 and level-2 0.319 at 10%.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from apps.consultations.analysis import embedding  # noqa: E402
from apps.consultations.analysis.embedding import encode  # noqa: E402
from apps.consultations.analysis.evaluation import evaluate, load_gold  # noqa: E402
from apps.consultations.analysis.mapping import mapping_features, wording_view  # noqa: E402
from apps.consultations.analysis.text import Vectoriser  # noqa: E402

SETS = {
    "nhs": (
        "data/consultation/nhs-fft-themes/v6framework_230831_NHFT.csv",
        "FFT answer",
        "Not assigned:Positive experience & gratitude",
    ),
    "de1": (
        "data/consultation/cycling-dialogues-de/dataset.csv",
        "text",
        "level1_traffic_lights:level1_misc",
    ),
    "de2": (
        "data/consultation/cycling-dialogues-de/dataset.csv",
        "text",
        "level2_unfavourable_switching:level2_deficiency_report",
    ),
}
BASELINE = {
    ("nhs", 0.05): 0.375,
    ("nhs", 0.1): 0.417,
    ("nhs", 0.2): 0.479,
    ("de1", 0.1): 0.561,
    ("de2", 0.1): 0.319,
}


def cached_embeddings(texts: list[str], cache: str, name: str) -> np.ndarray:
    """The texts' sentence embeddings, read from `cache` when computed before for these texts."""
    if not cache:
        return encode(texts)
    # keyed by how much of each text the encoder reads too: a cache written before that changed
    # gave different embeddings for long answers (decision 0009)
    key = f"{embedding.MAX_CHARS}\n" + "\n".join(texts)
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    path = Path(cache) / f"{name}-{digest}.npy"
    if path.exists():
        return np.load(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    vectors = encode(texts)
    np.save(path, vectors)
    return vectors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fractions", default="0.05,0.1,0.2")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--sets", default="nhs,de1,de2")
    parser.add_argument("--cache", default="", help="directory to keep sentence embeddings in")
    args = parser.parse_args()
    fractions = [float(f) for f in args.fractions.split(",")]
    table = []
    for name in args.sets.split(","):
        path, text, labels = SETS[name]
        gold = load_gold(ROOT / path, text, labels)
        # texts only (no label): computed once and shared across seeds, as the app stores them
        embeddings = cached_embeddings(gold.texts, args.cache, name)
        tfidf = Vectoriser().fit_transform(gold.texts)
        wording = wording_view(tfidf)
        features = mapping_features(tfidf, embeddings, wording)
        for fraction in fractions:
            runs = []
            for seed in range(args.seeds):
                result = evaluate(
                    gold,
                    fraction,
                    seed=seed,
                    features=features,
                    embeddings=embeddings,
                    wording=wording,
                )
                print(name, fraction, seed, json.dumps(result), flush=True)
                runs.append(result)
            mean = {
                k: float(np.mean([r[k] for r in runs]))
                for k in runs[0]
                if isinstance(runs[0][k], int | float)
            }
            table.append((name, fraction, mean))
    print()
    print(
        f"{'set':5} {'coded':>6} {'sample_f1':>9} {'baseline':>8} {'micro_f1':>8} "
        f"{'macro_f1':>8} {'themes/ans':>10} {'coders':>6} {'seconds':>7}"
    )
    for name, fraction, m in table:
        base = BASELINE.get((name, fraction))
        print(
            f"{name:5} {fraction:6.0%} {m['sample_f1']:9.3f} "
            f"{(f'{base:.3f}' if base else '-'):>8} {m['micro_f1']:8.3f} {m['macro_f1']:8.3f} "
            f"{m['themes_per_answer']:10.2f} {m['coders_themes_per_answer']:6.2f} "
            f"{m['seconds']:7.1f}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MiB")


if __name__ == "__main__":
    main()
