"""Theme mapping with active learning: learn from the responses a person codes, map all the others.

`ThemeMapper` holds every response of a question (the texts are known up front; only the codes are
learnt). Each response is represented by three blocks side by side, each unit length
(`mapping_features`): its TF-IDF word and character n-grams (exact wording, compounds,
misspellings), a 100-dimensional latent semantic analysis of those n-grams over all the
question's responses (wordings that co-occur across the uncoded answers too, so a theme coded
once reaches answers that share none of its exact n-grams), and its multilingual sentence
embedding (meaning across different words). The LSA block uses the texts only, never a code.
A person codes some responses (multi-label); the mapper fits one regularised logistic regression
per theme on the coded ones (`classifier.fit_proba`) and maps every response.

Decoding gives a response its most likely theme and adds further themes at least `alpha` times as
likely as the top one. `alpha`, which sets how many themes a response gets, is calibrated per
question by cross-validation on the coded answers only (`tuning.choose_alpha`), so the number of
themes per answer follows what the coders give on that question.

Which response to ask about next (`next_to_code`): while little is coded, the most representative
responses of distinct regions of the embedding and LSA views side by side (k-means centres), so
the first codes cover the themes people actually raise; afterwards, the responses the current
model is least sure of (small margin between its top two themes), spread out by taking at most
one per k-means cluster.

Themes with no coded example are never predicted (nothing to learn from) and are reported by
`themes_needing_examples`; a theme with one example is learnt with balanced class weights, which
makes its single positive count as much as all negatives together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.preprocessing import normalize

from . import embedding
from .classifier import DEFAULT_ALPHA, DEFAULT_C, decode, fit_proba
from .text import Vectoriser, reduce
from .tuning import choose_alpha

__all__ = [
    "DEFAULT_ALPHA",
    "DEFAULT_C",
    "ThemeMapper",
    "decode",
    "fit_proba",
    "mapping_features",
    "representatives",
    "wording_view",
]

LSA_DIMS = 100
# the SVD is fitted on at most this many responses and every response projected onto it, so its
# cost stops growing with the question's size (decision 0009)
LSA_FIT_ROWS = 5000


def wording_view(tfidf: sp.spmatrix, seed: int = 0) -> np.ndarray:
    """The LSA view of the responses' n-grams (`LSA_DIMS`, unit rows), from the texts only."""
    return reduce(tfidf, dims=LSA_DIMS, seed=seed, fit_rows=LSA_FIT_ROWS)


def mapping_features(
    tfidf: sp.spmatrix,
    embeddings: np.ndarray | None = None,
    wording: np.ndarray | None = None,
) -> sp.csr_matrix:
    """The mapper's features: TF-IDF, its LSA view (`wording_view`) and the sentence embeddings
    side by side (a block left out when None), each block unit length, rows re-normalised."""
    blocks = [normalize(sp.csr_matrix(tfidf))]
    for dense in (wording, embeddings):
        if dense is not None:
            blocks.append(sp.csr_matrix(normalize(np.asarray(dense, dtype=np.float32))))
    return normalize(sp.hstack(blocks, format="csr"))


def representatives(vectors: np.ndarray, k: int, seed: int = 0, among: np.ndarray | None = None):
    """Indices of the `k` responses nearest to k-means centres (one per cluster), largest cluster
    first. `among` restricts the choice to those row indices."""
    among = np.arange(len(vectors)) if among is None else np.asarray(among)
    if k <= 0 or len(among) == 0:
        return np.array([], dtype=int)
    if k >= len(among):
        return among.copy()
    # float64: scikit-learn's k-means is about four times slower on float32 (upcast blocks)
    points = np.asarray(vectors[among], dtype=np.float64)
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
        embeddings: np.ndarray | None = None,
        wording: np.ndarray | None = None,
        seed: int = 0,
        C: float = DEFAULT_C,
        alpha: float | None = None,
        warm_start_fraction: float = 0.5,
    ) -> None:
        """`embeddings`: the responses' sentence embeddings if already computed (they are stored
        per answer by the app); `features`: a ready feature matrix (`mapping_features`; then
        `embeddings` and `wording`, its LSA view, only serve the choice of whom to ask). `alpha`
        fixes the decoding instead of calibrating it."""
        self.texts = list(texts)
        self.themes = list(themes)
        self.seed = seed
        if features is None:
            if embeddings is None:
                embeddings = embedding.encode(self.texts)
            tfidf = Vectoriser().fit_transform(self.texts)
            wording = wording_view(tfidf)
            features = mapping_features(tfidf, embeddings, wording)
        self.features = features
        views = [np.asarray(v, dtype=np.float32) for v in (embeddings, wording) if v is not None]
        self._dense: np.ndarray | None = (
            normalize(np.hstack([normalize(v) for v in views])) if views else None
        )
        self._warm_queue: list[int] | None = None
        self.C = C
        self.alpha = alpha
        self.warm_start_fraction = warm_start_fraction
        self._alpha: float | None = None
        self.labels: dict[int, np.ndarray] = {}
        self._proba: np.ndarray | None = None

    # -- coding -------------------------------------------------------------------------------
    def code(self, index: int, labels: Iterable[str] | np.ndarray) -> None:
        """Record a person's codes for one response (theme names, or a 0/1 vector)."""
        if not 0 <= index < len(self.texts):
            raise IndexError(f"response {index} is not one of the {len(self.texts)} responses")
        self.labels[int(index)] = self._as_vector(labels)
        self._proba = None
        self._alpha = None

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
        """The dense view used for diversity: the sentence embeddings beside the LSA view of the
        n-grams (whichever are known), else a 100-dimensional LSA view of the features."""
        if self._dense is None:
            if sp.issparse(self.features):
                self._dense = reduce(self.features, dims=100, seed=self.seed)
            else:
                self._dense = np.asarray(self.features, dtype=np.float32)
        return self._dense

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
    def predict_proba(self) -> np.ndarray:
        """Probability of each theme for every response (coded rows as the model sees them)."""
        if self._proba is None:
            if not self.labels:
                self._proba = np.zeros((len(self.texts), len(self.themes)))
            else:
                rows, codes = self.coded_indices, self._coded_matrix()
                self._proba = fit_proba(self.features, rows, codes, C=self.C)
        return self._proba

    @property
    def decoding_alpha(self) -> float:
        """The decoding ratio in use: fixed, or calibrated on the coded answers (cached)."""
        if self.alpha is not None:
            return self.alpha
        if self._alpha is None:
            self._alpha = (
                choose_alpha(
                    self.features,
                    self.coded_indices,
                    self._coded_matrix(),
                    C=self.C,
                    seed=self.seed,
                )
                if self.labels
                else DEFAULT_ALPHA
            )
        return self._alpha

    def predict(self, keep_coded: bool = True) -> np.ndarray:
        """0/1 theme matrix for every response; coded responses keep the person's codes."""
        out = decode(self.predict_proba(), self.decoding_alpha)
        if keep_coded:
            for i, row in self.labels.items():
                out[i] = row
        return out

    def predicted_themes(self) -> list[list[str]]:
        """Theme names per response."""
        return [[self.themes[j] for j in np.flatnonzero(row)] for row in self.predict()]
