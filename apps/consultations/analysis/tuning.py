"""Choosing the mapper's two knobs from the coded responses alone (internal cross-validation).

No constants tuned on any shipped file: the regularisation `C` and the decoding ratio `alpha` are
chosen per question by K-fold cross-validation on what the person has coded, maximising sample-F1
(the measure the analyst feels: how right the themes of one response are). With very few coded
responses the principled defaults are used.

Measured, this is OFF by default (`ThemeMapper(tune=True)` turns it on). The responses a person
codes are chosen to be representative and then uncertain, not a random sample, so cross-validation
on them mis-estimates the best setting: on the NHS set it lost 0.016 sample-F1 against the fixed
defaults (C=30, alpha=0.5), on the German set it gained 0.014 (see
docs/decisions/0003-theme-analysis.md).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import KFold

C_GRID = (30.0, 100.0)
ALPHA_GRID = (0.4, 0.5, 0.6)
MIN_CODED_FOR_CV = 40


def sample_f1(gold: np.ndarray, predicted: np.ndarray) -> float:
    """Mean per-row F1 (rows with neither gold nor predicted themes count as 1)."""
    gold = np.asarray(gold, dtype=bool)
    predicted = np.asarray(predicted, dtype=bool)
    tp = (gold & predicted).sum(axis=1)
    denom = gold.sum(axis=1) + predicted.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(denom == 0, 1.0, 2 * tp / np.maximum(denom, 1))
    return float(f1.mean()) if len(f1) else 0.0


def choose_hyperparameters(
    features: sp.spmatrix | np.ndarray,
    coded_rows: np.ndarray,
    coded_labels: np.ndarray,
    seed: int = 0,
    folds: int = 4,
    near: np.ndarray | None = None,
) -> tuple[float, float]:
    """(C, alpha) maximising cross-validated sample-F1 on the coded responses.

    With `near` (the neighbour index) each fold also runs the transductive propagation as the
    final mapping does, with only that fold's training codes clamped."""
    from .mapping import DEFAULT_ALPHA, DEFAULT_C, decode, fit_proba, propagate

    n = len(coded_rows)
    if n < MIN_CODED_FOR_CV:
        return DEFAULT_C, DEFAULT_ALPHA
    splitter = KFold(n_splits=folds, shuffle=True, random_state=seed)
    scores: dict[tuple[float, float], list[float]] = {}
    for train, test in splitter.split(np.arange(n)):
        for C in C_GRID:
            if near is None:
                proba = fit_proba(
                    features,
                    coded_rows[train],
                    coded_labels[train],
                    C=C,
                    predict_rows=coded_rows[test],
                )
            else:
                proba = fit_proba(features, coded_rows[train], coded_labels[train], C=C)
                proba = propagate(proba, near, coded_rows[train], coded_labels[train])
                proba = proba[coded_rows[test]]
            for alpha in ALPHA_GRID:
                score = sample_f1(coded_labels[test], decode(proba, alpha))
                scores.setdefault((C, alpha), []).append(score)
    means = {key: float(np.mean(v)) for key, v in scores.items()}
    best = max(means.values())
    # among near-ties prefer the defaults' neighbourhood: middle C, alpha nearest 0.5
    ties = [k for k, v in means.items() if v >= best - 1e-9]
    return min(ties, key=lambda k: (abs(np.log(k[0] / DEFAULT_C)), abs(k[1] - DEFAULT_ALPHA)))
