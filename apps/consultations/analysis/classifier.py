"""The mapping model's primitives: one-vs-rest logistic regression, multi-label decoding, sample-F1.

Kept apart from `mapping` (the active-learning loop) and `tuning` (cross-validation) so that both
use them without importing each other.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

DEFAULT_C = 30.0
DEFAULT_ALPHA = 0.5


def decode(proba: np.ndarray, alpha: float = DEFAULT_ALPHA) -> np.ndarray:
    """Multi-label decision: the top theme plus any within `alpha` times its probability."""
    proba = np.asarray(proba, dtype=float)
    if proba.size == 0:
        return np.zeros(proba.shape, dtype=int)
    top = proba.max(axis=1, keepdims=True)
    out = ((proba >= alpha * top) & (proba > 0)).astype(int)
    has_any = top[:, 0] > 0
    rows = np.flatnonzero(has_any)
    out[rows, proba[rows].argmax(axis=1)] = 1
    return out


def fit_proba(
    features: sp.spmatrix | np.ndarray,
    coded_rows: np.ndarray,
    coded_labels: np.ndarray,
    C: float = DEFAULT_C,
    predict_rows: np.ndarray | None = None,
) -> np.ndarray:
    """One-vs-rest logistic regression per theme; returns probabilities for `predict_rows` (all rows
    by default). A theme with no positive gets probability 0; one always present gets 1."""
    coded_labels = np.asarray(coded_labels, dtype=int)
    target = features if predict_rows is None else features[predict_rows]
    proba = np.zeros((target.shape[0], coded_labels.shape[1]), dtype=float)
    train = features[coded_rows]
    for j in range(coded_labels.shape[1]):
        y = coded_labels[:, j]
        positives = int(y.sum())
        if positives == 0:
            continue
        if positives == len(y):
            proba[:, j] = 1.0
            continue
        model = LogisticRegression(
            C=C,
            max_iter=1000,
            class_weight="balanced",
            solver="liblinear",
            dual=sp.issparse(train),
            random_state=0,
        )
        model.fit(train, y)
        proba[:, j] = model.predict_proba(target)[:, 1]
    return proba


def row_f1(gold: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """F1 of each row's themes (a row with neither gold nor predicted themes counts as 1)."""
    gold = np.asarray(gold, dtype=bool)
    predicted = np.asarray(predicted, dtype=bool)
    tp = (gold & predicted).sum(axis=1)
    denom = gold.sum(axis=1) + predicted.sum(axis=1)
    return np.where(denom == 0, 1.0, 2 * tp / np.maximum(denom, 1))


def sample_f1(gold: np.ndarray, predicted: np.ndarray) -> float:
    """Mean per-row F1 (the sample-averaged F1 the evaluation reports)."""
    f1 = row_f1(gold, predicted)
    return float(f1.mean()) if len(f1) else 0.0
