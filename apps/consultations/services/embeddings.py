"""Sentence embeddings of answers, computed once and stored (never per page view).

Each distinct text is embedded once, however many answers share it (campaign copies), and stored
as a `TextEmbedding` keyed by a digest of the exact text; later analyses read the stored vectors.
Large batches are embedded by parallel worker processes (`analysis.embedding`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np

from apps.consultations.analysis import embedding
from apps.consultations.models import TextEmbedding

QUERY_CHUNK = 900  # keys per IN (...) query: under every database's parameter limit


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _stored(digests: list[str]) -> dict[str, np.ndarray]:
    found: dict[str, np.ndarray] = {}
    for start in range(0, len(digests), QUERY_CHUNK):
        rows = TextEmbedding.objects.filter(
            digest__in=digests[start : start + QUERY_CHUNK]
        ).values_list("digest", "vector")
        for key, vector in rows:
            found[key] = np.frombuffer(bytes(vector), dtype=np.float16)
    return found


def ensure(texts: Sequence[str], progress: Callable[[int, int], None] | None = None) -> int:
    """Embed and store every distinct text not stored yet; returns how many were embedded."""
    distinct = {digest(t): t for t in dict.fromkeys(texts) if t.strip()}
    known = set()
    keys = list(distinct)
    for start in range(0, len(keys), QUERY_CHUNK):
        known |= set(
            TextEmbedding.objects.filter(digest__in=keys[start : start + QUERY_CHUNK]).values_list(
                "digest", flat=True
            )
        )
    missing = [k for k in keys if k not in known]
    texts = [distinct[k] for k in missing]
    del distinct
    for start, vectors in embedding.encode_chunks(texts):  # stored chunk by chunk as they come
        block = missing[start : start + len(vectors)]
        TextEmbedding.objects.bulk_create(
            [
                TextEmbedding(digest=k, vector=v.astype(np.float16).tobytes())
                for k, v in zip(block, vectors, strict=True)
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
        if progress:
            progress(start + len(block), len(missing))
    return len(missing)


def vectors_for(texts: Sequence[str]) -> np.ndarray:
    """(len(texts), 512) float32 embeddings, from storage (embedding and storing any missing)."""
    texts = list(texts)
    keys = [digest(t) for t in texts]
    found = _stored(list(dict.fromkeys(keys)))
    if any(k not in found for k, t in zip(keys, texts, strict=True) if t.strip()):
        ensure(texts)
        found = _stored(list(dict.fromkeys(keys)))
    out = np.zeros((len(texts), embedding.DIMS), dtype=np.float32)
    for i, key in enumerate(keys):
        if key in found:
            out[i] = found[key]
    return out
