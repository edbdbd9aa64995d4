"""Quotes per theme: representative (nearest the theme's centre) and evidence-rich (substantive).

Evidence-rich means a response that gives reasons or specifics, not just a verdict: scored by
length (log of words, capped), reason and example markers ("because", "for example", numbers,
"weil", "z.b."), and how strongly the response belongs to the theme (the mapper's probability or the
similarity to the centre). Near-identical quotes are shown once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from .text import normalise_strict

REASON_MARKERS = re.compile(
    r"\b(because|since|as a result|so that|therefore|for example|for instance|such as|e\.g\."
    r"|in particular|which meant|due to|weil|da |denn|deshalb|zum beispiel|z\.\s?b\."
    r"|insbesondere)\b",
    re.IGNORECASE,
)
NUMBER = re.compile(r"\d")
NEAR_COPY = 0.7  # share of words in common (Jaccard) above which two quotes are one wording


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def evidence_score(text: str) -> float:
    """How much a response explains itself (higher is richer)."""
    words = len(text.split())
    if words == 0:
        return 0.0
    score = min(np.log1p(words), np.log1p(120))
    score += 1.0 * min(len(REASON_MARKERS.findall(text)), 3)
    score += 0.5 * bool(NUMBER.search(text))
    return float(score)


def representative_quotes(vectors: np.ndarray, members: Sequence[int], k: int = 3) -> list[int]:
    """Members nearest the mean of the theme's vectors (rows L2-normalised)."""
    members = np.asarray(list(members), dtype=int)
    if len(members) == 0:
        return []
    points = vectors[members]
    centre = points.mean(axis=0)
    order = np.argsort(-(points @ centre))
    return [int(members[i]) for i in order[:k]]


def evidence_rich_quotes(
    texts: Sequence[str],
    members: Sequence[int],
    k: int = 3,
    strength: Sequence[float] | None = None,
) -> list[int]:
    """Members that give reasons or specifics, weighted by how strongly they carry the theme."""
    members = list(members)
    if not members:
        return []
    weights = np.ones(len(members)) if strength is None else np.asarray(strength, dtype=float)
    scores = np.array([evidence_score(texts[i]) for i in members]) * (0.5 + weights)
    seen: list[set[str]] = []
    chosen: list[int] = []
    for pos in np.argsort(-scores, kind="stable"):
        words = set(normalise_strict(texts[members[pos]]).split())
        if any(_overlap(words, other) >= NEAR_COPY for other in seen):
            continue  # a copy of a chosen quote, perhaps with a name or number changed
        seen.append(words)
        chosen.append(int(members[pos]))
        if len(chosen) == k:
            break
    return chosen
