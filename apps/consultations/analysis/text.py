"""Text normalisation and the vector representation used by every analysis step.

The representation is TF-IDF over word uni/bi-grams plus character 2-5-grams (within word
boundaries), each block L2-normalised and concatenated, then L2-normalised again. Character n-grams
make it work for German compounds, misspellings and inflection without a language model; word
n-grams carry phrases. It needs no download and fits in seconds on tens of thousands of responses.
We measured it against sentence embeddings before choosing it: see
docs/decisions/0003-theme-analysis.md."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

_SPACE = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s]", re.UNICODE)


def normalise(text: str | None) -> str:
    """Case-fold, unify Unicode forms and squeeze whitespace (the form template copies share)."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    text = unicodedata.normalize("NFKC", text).casefold()
    return _SPACE.sub(" ", text).strip()


def normalise_strict(text: str | None) -> str:
    """`normalise` without punctuation: used for exact-template matching of campaign responses."""
    return _SPACE.sub(" ", _NON_WORD.sub(" ", normalise(text))).strip()


class Vectoriser:
    """TF-IDF word (1-2) + char_wb (2-5) n-grams; `fit_transform` returns a sparse CSR matrix.

    Transductive use is intended: fit on every response of a question (labelled or not), since the
    texts themselves are not labels and the vocabulary statistics improve with more text.
    """

    def __init__(
        self,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (2, 5),
        max_features: int | None = 200_000,
        min_df: int = 1,
    ) -> None:
        self.word = TfidfVectorizer(
            preprocessor=normalise,
            ngram_range=word_ngrams,
            sublinear_tf=True,
            min_df=min_df,
            max_features=max_features,
            token_pattern=r"(?u)\b\w+\b",
            dtype=np.float32,
        )
        self.char = TfidfVectorizer(
            preprocessor=normalise,
            analyzer="char_wb",
            ngram_range=char_ngrams,
            sublinear_tf=True,
            min_df=min_df,
            max_features=max_features,
            dtype=np.float32,
        )

    def fit(self, texts: Sequence[str]) -> Vectoriser:
        texts = _as_text_list(texts)
        self.word.fit(texts)
        self.char.fit(texts)
        return self

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        texts = _as_text_list(texts)
        blocks = [self.word.transform(texts), self.char.transform(texts)]
        return normalize(sp.hstack(blocks, format="csr"))

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The same matrix as `fit(texts).transform(texts)`, analysing each text once."""
        texts = _as_text_list(texts)
        blocks = [self.word.fit_transform(texts), self.char.fit_transform(texts)]
        return normalize(sp.hstack(blocks, format="csr"))


def _as_text_list(texts: Sequence[str]) -> list[str]:
    return ["" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t) for t in texts]


def embed(texts: Sequence[str], dims: int | None = None, seed: int = 0) -> np.ndarray:
    """Dense vectors for `texts` (rows L2-normalised).

    Without `dims` this is the dense TF-IDF matrix (fine for a few thousand texts); with `dims` it
    is a latent semantic analysis projection (truncated SVD) of that matrix, which is what
    clustering and diversity sampling use.
    """
    matrix = Vectoriser().fit_transform(texts)
    if dims is None:
        return matrix.toarray()
    return reduce(matrix, dims=dims, seed=seed)


def reduce(
    matrix: sp.spmatrix, dims: int = 100, seed: int = 0, fit_rows: int | None = None
) -> np.ndarray:
    """Latent semantic analysis: truncated SVD of a TF-IDF matrix, rows re-normalised.

    `fit_rows` bounds the cost on large questions: the SVD is fitted on that many rows drawn at
    random (seeded) and every row is projected onto it (a sparse product, linear in the rows)."""
    from sklearn.decomposition import TruncatedSVD

    n_rows, n_cols = matrix.shape
    dims = max(1, min(dims, n_rows - 1, n_cols - 1))
    if dims < 2:
        return normalize(matrix.toarray()) if n_cols < 4096 else np.zeros((n_rows, 1), np.float32)
    svd = TruncatedSVD(n_components=dims, random_state=seed, algorithm="randomized", n_iter=4)
    if fit_rows is not None and n_rows > fit_rows:
        sample = np.sort(np.random.default_rng(seed).choice(n_rows, fit_rows, replace=False))
        svd.fit(matrix[sample])
        return normalize(svd.transform(matrix)).astype(np.float32)
    return normalize(svd.fit_transform(matrix)).astype(np.float32)
