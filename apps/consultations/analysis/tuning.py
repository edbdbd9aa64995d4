"""Per-question calibration of the decoding, by cross-validation on the coded answers only.

How many themes a response gets is set by `alpha` (a further theme must be at least `alpha` times
as likely as the top one). The best `alpha` depends on the question: short comments that touch
several themes want a low one, single-issue reports a high one. It is chosen per question by
K-fold cross-validation over what the person has coded (never any uncoded answer), maximising
sample-F1. The coded answers are chosen by active learning, so they are not a random sample and
cross-validation on them is noisy: a setting replaces the default only when its gain is
significant (the mean per-answer F1 gain at least twice its standard error, a paired test on the
same answers), and below `MIN_CODED_FOR_CV` coded answers the default is used.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import KFold

from .classifier import DEFAULT_ALPHA, DEFAULT_C, decode, fit_proba, row_f1

ALPHA_GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
MIN_CODED_FOR_CV = 40
SIGNIFICANCE = 2.0  # standard errors


def cross_validated_proba(
    features: sp.spmatrix | np.ndarray,
    coded_rows: np.ndarray,
    coded_labels: np.ndarray,
    C: float = DEFAULT_C,
    folds: int = 4,
    seed: int = 0,
) -> np.ndarray:
    """Out-of-fold theme probabilities for the coded answers (rows in `coded_rows` order)."""
    coded_labels = np.asarray(coded_labels, dtype=int)
    proba = np.zeros(coded_labels.shape, dtype=float)
    splitter = KFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(np.arange(len(coded_rows))):
        proba[test] = fit_proba(
            features, coded_rows[train], coded_labels[train], C=C, predict_rows=coded_rows[test]
        )
    return proba


def choose_alpha(
    features: sp.spmatrix | np.ndarray,
    coded_rows: np.ndarray,
    coded_labels: np.ndarray,
    C: float = DEFAULT_C,
    seed: int = 0,
) -> float:
    """The decoding ratio with the best cross-validated sample-F1 on the coded answers, if its
    gain over the default is significant; else the default."""
    coded_rows = np.asarray(coded_rows, dtype=int)
    if len(coded_rows) < MIN_CODED_FOR_CV:
        return DEFAULT_ALPHA
    proba = cross_validated_proba(features, coded_rows, coded_labels, C=C, seed=seed)
    per_row = {alpha: row_f1(coded_labels, decode(proba, alpha)) for alpha in ALPHA_GRID}
    base = per_row[DEFAULT_ALPHA]
    best = max(ALPHA_GRID, key=lambda a: (per_row[a].mean(), -abs(a - DEFAULT_ALPHA)))
    gain = per_row[best] - base
    error = gain.std(ddof=1) / np.sqrt(len(gain)) if len(gain) > 1 else np.inf
    if best != DEFAULT_ALPHA and gain.mean() > SIGNIFICANCE * error:
        return best
    return DEFAULT_ALPHA
