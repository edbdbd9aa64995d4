"""Per-question calibration of the decoding, by cross-validation on the coded answers only.

How many themes a response gets is set by `alpha` (a further theme must be at least `alpha` times
as likely as the top one). The best `alpha` depends on the question: short comments that touch
several themes want a low one, single-issue reports a high one. It is chosen per question by
K-fold cross-validation over what the person has coded (never any uncoded answer), maximising
sample-F1. The coded answers are chosen by active learning, so they are not a random sample and
cross-validation on them is noisy: a setting must beat the default by more than `TOLERANCE` to be
taken, and below `MIN_CODED_FOR_CV` coded answers the default is used.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import KFold

from .classifier import DEFAULT_ALPHA, DEFAULT_C, decode, fit_proba, sample_f1

ALPHA_GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
MIN_CODED_FOR_CV = 40
TOLERANCE = 0.005


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
    """The decoding ratio that maximises cross-validated sample-F1 on the coded answers, or the
    default when too few are coded or nothing beats it by more than `TOLERANCE`."""
    coded_rows = np.asarray(coded_rows, dtype=int)
    if len(coded_rows) < MIN_CODED_FOR_CV:
        return DEFAULT_ALPHA
    proba = cross_validated_proba(features, coded_rows, coded_labels, C=C, seed=seed)
    scores = {alpha: sample_f1(coded_labels, decode(proba, alpha)) for alpha in ALPHA_GRID}
    best = max(scores, key=lambda a: (scores[a], -abs(a - DEFAULT_ALPHA)))
    if scores[best] > scores.get(DEFAULT_ALPHA, -1.0) + TOLERANCE:
        return best
    return DEFAULT_ALPHA
