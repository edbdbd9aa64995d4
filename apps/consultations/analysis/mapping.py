"""Theme mapping with active learning: learn from the responses a person codes, map all the others.

`ThemeMapper` holds every response of a question (the texts are known up front; only the codes are
learnt). A person codes some responses (multi-label); the mapper fits one regularised logistic
regression per theme on the coded ones and maps every response. Decoding always gives a response its
most likely theme and adds further themes whose probability is close to the top one (`alpha` times
the top probability), because most responses carry one or two themes and a response with no theme is
useless to the analyst.

Which response to ask about next (`next_to_code`): while little is coded, the most representative
responses of distinct regions of the text space (k-means centres), so the first codes cover the
themes people actually raise; afterwards, the responses the current model is least sure of (small
margin between its top two themes), spread out by taking at most one per k-means cluster.

Defaults, not tuned per file: C=30 (moderate L2 regularisation on L2-normalised TF-IDF rows) and
alpha=0.5 (a second theme must be at least half as likely as the first). Probabilities are then
smoothed over the 10 nearest neighbours of each response (`propagate`, transductive: the uncoded
texts are known), which measurably helps when few responses are coded.

Themes with no coded example are never predicted (nothing to learn from) and are reported by
`themes_needing_examples`; a theme with one example is learnt with balanced class weights, which
makes its single positive count as much as all negatives together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.linear_model import LogisticRegression

from .text import Vectoriser, reduce

DEFAULT_C = 30.0
DEFAULT_ALPHA = 0.5
# exact nearest neighbours cost O(n^2); above this the mapping is the classifier's alone
MAX_PROPAGATION_ROWS = 20_000


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
            dual=True,
            random_state=0,
        )
        model.fit(train, y)
        proba[:, j] = model.predict_proba(target)[:, 1]
    return proba


def neighbour_index(vectors: np.ndarray, neighbours: int = 10) -> np.ndarray:
    """Row indices of each response's `neighbours` nearest other responses (Euclidean on
    L2-normalised rows, i.e. cosine)."""
    from sklearn.neighbors import NearestNeighbors

    n = len(vectors)
    k = min(neighbours + 1, n)
    index = NearestNeighbors(n_neighbors=k).fit(vectors)
    _, near = index.kneighbors(vectors)
    return near[:, 1:]


def propagate(
    proba: np.ndarray,
    near: np.ndarray,
    coded_rows: np.ndarray,
    coded_labels: np.ndarray,
    weight: float = 0.5,
    iterations: int = 10,
) -> np.ndarray:
    """Transductive smoothing: blend each response's probabilities with its nearest neighbours'
    (`near` from `neighbour_index`), coded responses clamped to their codes. Responses worded like
    coded ones pull their neighbours towards the same themes; the classifier keeps `1-weight`."""
    if len(proba) < 3 or len(coded_rows) == 0 or near.shape[1] == 0:
        return proba
    spread = proba.copy()
    spread[coded_rows] = coded_labels
    for _ in range(iterations):
        spread = weight * spread[near].mean(axis=1) + (1 - weight) * proba
        spread[coded_rows] = coded_labels
    return spread


def representatives(vectors: np.ndarray, k: int, seed: int = 0, among: np.ndarray | None = None):
    """Indices of the `k` responses nearest to k-means centres (one per cluster), largest cluster
    first. `among` restricts the choice to those row indices."""
    among = np.arange(len(vectors)) if among is None else np.asarray(among)
    if k <= 0 or len(among) == 0:
        return np.array([], dtype=int)
    if k >= len(among):
        return among.copy()
    points = vectors[among]
    algo = KMeans if len(among) <= 20_000 else MiniBatchKMeans
    km = algo(n_clusters=k, random_state=seed, n_init=1).fit(points)
    chosen, sizes = [], []
    for c in range(k):
        members = np.flatnonzero(km.labels_ == c)
        if len(members) == 0:
            continue
        dist = ((points[members] - km.cluster_centers_[c]) ** 2).sum(axis=1)
        chosen.append(among[members[dist.argmin()]])
        sizes.append(len(members))
    order = np.argsort(-np.asarray(sizes), kind="stable")
    return np.asarray(chosen, dtype=int)[order]


class ThemeMapper:
    """Learns a multi-label mapping of responses to agreed themes from a person's codes.

    texts: every response of the question; themes: the agreed theme names. Call `code` (or
    `code_many`) as a person codes responses, `next_to_code(k)` to choose whom to ask about next,
    and `predict()` / `predict_proba()` for all responses (coded rows keep their human codes).
    """

    def __init__(
        self,
        texts: Sequence[str],
        themes: Sequence[str],
        *,
        features: sp.spmatrix | np.ndarray | None = None,
        seed: int = 0,
        C: float | None = None,
        alpha: float | None = None,
        warm_start_fraction: float = 0.5,
        tune: bool = False,
    ) -> None:
        self.texts = list(texts)
        self.themes = list(themes)
        self.seed = seed
        self.features = Vectoriser().fit_transform(self.texts) if features is None else features
        self._dense: np.ndarray | None = None
        self._near: np.ndarray | None = None
        self._warm_queue: list[int] | None = None
        self.C = C
        self.alpha = alpha
        self.warm_start_fraction = warm_start_fraction
        self.tune = tune
        self.labels: dict[int, np.ndarray] = {}
        self._proba: np.ndarray | None = None

    # -- coding -------------------------------------------------------------------------------
    def code(self, index: int, labels: Iterable[str] | np.ndarray) -> None:
        """Record a person's codes for one response (theme names, or a 0/1 vector)."""
        if not 0 <= index < len(self.texts):
            raise IndexError(f"response {index} is not one of the {len(self.texts)} responses")
        self.labels[int(index)] = self._as_vector(labels)
        self._proba = None

    def code_many(self, indices: Iterable[int], labels: Sequence) -> None:
        for index, row in zip(indices, labels, strict=True):
            self.code(int(index), row)

    def _as_vector(self, labels: Iterable[str] | np.ndarray) -> np.ndarray:
        if isinstance(labels, np.ndarray) and labels.dtype != object:
            vector = (labels.astype(float) > 0).astype(int)
            if vector.shape != (len(self.themes),):
                raise ValueError(f"expected {len(self.themes)} theme flags, got {vector.shape}")
            return vector
        vector = np.zeros(len(self.themes), dtype=int)
        for name in labels:
            try:
                vector[self.themes.index(name)] = 1
            except ValueError:
                raise ValueError(f"unknown theme {name!r}") from None
        return vector

    @property
    def coded_indices(self) -> np.ndarray:
        return np.array(sorted(self.labels), dtype=int)

    def themes_needing_examples(self, minimum: int = 2) -> list[str]:
        """Themes with fewer than `minimum` coded examples: the mapper cannot learn them well."""
        counts = self._coded_matrix().sum(axis=0) if self.labels else np.zeros(len(self.themes))
        return [t for t, c in zip(self.themes, counts, strict=True) if c < minimum]

    def _coded_matrix(self) -> np.ndarray:
        idx = self.coded_indices
        if len(idx) == 0:
            return np.zeros((0, len(self.themes)), dtype=int)
        return np.vstack([self.labels[i] for i in idx])

    # -- choosing whom to ask -------------------------------------------------------------------
    @property
    def dense(self) -> np.ndarray:
        """A 100-dimensional LSA view of the responses, used for diversity."""
        if self._dense is None:
            if sp.issparse(self.features):
                self._dense = reduce(self.features, dims=100, seed=self.seed)
            else:
                self._dense = np.asarray(self.features, dtype=np.float32)
        return self._dense

    @property
    def near(self) -> np.ndarray:
        """Each response's nearest neighbours in the LSA view (for propagation)."""
        if self._near is None:
            self._near = neighbour_index(self.dense)
        return self._near

    def next_to_code(self, k: int = 1, budget: int | None = None) -> list[int]:
        """The `k` uncoded responses most worth a person's time next.

        `budget` (the total number a person will code, if known) sets when to switch from
        representative sampling to uncertainty sampling: the first `warm_start_fraction` of it.
        """
        uncoded = np.setdiff1d(np.arange(len(self.texts)), self.coded_indices)
        k = min(k, len(uncoded))
        if k <= 0:
            return []
        warm = int(np.ceil(self.warm_start_fraction * (budget or 20 * len(self.themes))))
        n_coded = len(self.labels)
        positives = self._coded_matrix().sum(axis=0) if n_coded else np.zeros(1)
        if n_coded < max(warm, 2) or (positives > 0).sum() < 2:
            # one k-means over all responses with as many clusters as the warm start will code,
            # served in order over successive calls (re-clustering per batch would give coarse,
            # overlapping choices)
            if self._warm_queue is None or len(self._warm_queue) < max(warm, k):
                self._warm_queue = representatives(self.dense, max(warm, k), self.seed).tolist()
            coded = set(self.labels)
            queued = [i for i in self._warm_queue if i not in coded][:k]
            if len(queued) == k:
                return [int(i) for i in queued]
            rest = np.setdiff1d(uncoded, queued)
            extra = representatives(self.dense, k - len(queued), self.seed, among=rest)
            return [int(i) for i in queued] + [int(i) for i in extra]
        proba = self.predict_proba()[uncoded]
        ordered = np.sort(proba, axis=1)
        margin = ordered[:, -1] - (ordered[:, -2] if proba.shape[1] > 1 else 0)
        # candidates: the least certain 5k, then one per k-means cluster among them for diversity
        pool = uncoded[np.argsort(margin, kind="stable")[: max(5 * k, k)]]
        return [int(i) for i in representatives(self.dense, k, self.seed, among=pool)]

    # -- learning and mapping -------------------------------------------------------------------
    def _choose_hyperparameters(self) -> tuple[float, float]:
        from .tuning import choose_hyperparameters

        if self.C is not None and self.alpha is not None:
            return self.C, self.alpha
        C, alpha = choose_hyperparameters(
            self.features,
            self.coded_indices,
            self._coded_matrix(),
            seed=self.seed,
            near=self.near if len(self.texts) <= MAX_PROPAGATION_ROWS else None,
        )
        return (self.C if self.C is not None else C), (
            self.alpha if self.alpha is not None else alpha
        )

    def predict_proba(self) -> np.ndarray:
        """Probability of each theme for every response (coded rows as the model sees them)."""
        if self._proba is None:
            if not self.labels:
                self._proba = np.zeros((len(self.texts), len(self.themes)))
            else:
                C = self.C if self.C is not None else DEFAULT_C
                rows, codes = self.coded_indices, self._coded_matrix()
                proba = fit_proba(self.features, rows, codes, C=C)
                if len(self.texts) <= MAX_PROPAGATION_ROWS:
                    proba = propagate(proba, self.near, rows, codes)
                self._proba = proba
        return self._proba

    def predict(self, keep_coded: bool = True) -> np.ndarray:
        """0/1 theme matrix for every response; coded responses keep the person's codes."""
        if self.tune and self.labels and (self.C is None or self.alpha is None):
            self.C, self.alpha = self._choose_hyperparameters()
            self._proba = None
        out = decode(self.predict_proba(), self.alpha if self.alpha is not None else DEFAULT_ALPHA)
        if keep_coded:
            for i, row in self.labels.items():
                out[i] = row
        return out

    def predicted_themes(self) -> list[list[str]]:
        """Theme names per response."""
        return [[self.themes[j] for j in np.flatnonzero(row)] for row in self.predict()]
