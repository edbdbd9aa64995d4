"""The analysis package behind the small interface the theme pages use (plain data in and out).

Discovery, mapping, quotes and sentiment all come from `apps.consultations.analysis`; this module
only adapts its results to what the services store (theme names, indices, scores).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from apps.consultations import analysis
from apps.consultations.analysis.embedding import encode
from apps.consultations.analysis.themes import represent


@dataclass
class ProposedTheme:
    name: str
    keywords: list[str]
    members: list[int]
    description: str = ""


DISCOVERY_SAMPLE = 5000  # distinct texts clustered; beyond this the rest join by meaning


def discover(
    texts: Sequence[str],
    k: int | None = None,
    embeddings: np.ndarray | None = None,
    sample: int = DISCOVERY_SAMPLE,
    seed: int = 0,
) -> list[ProposedTheme]:
    """Proposed themes for `texts`, biggest first; members are indices into `texts`.

    With more than `sample` texts (and their embeddings), themes are found in a random sample
    of `sample` texts (the proposals a person reviews need no more), and every other text joins
    the theme whose members' mean sentence embedding is nearest its own: discovery costs the
    same at 10,000 and at 1,000,000 distinct texts."""
    texts = list(texts)
    if embeddings is None:
        embeddings = encode(texts)
    embeddings = np.asarray(embeddings, dtype=np.float32)
    if len(texts) <= sample:
        found = _discover(texts, k, embeddings, seed)
        return [_proposed(t.label, t.keywords, t.members, t.description) for t in found]
    chosen = np.sort(np.random.default_rng(seed).choice(len(texts), sample, replace=False))
    found = _discover([texts[i] for i in chosen], k, embeddings[chosen], seed)
    if not found:
        return []
    members = [[int(chosen[m]) for m in t.members] for t in found]
    centres = np.vstack([embeddings[m].mean(axis=0) for m in members])
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-9)
    rest = np.setdiff1d(np.arange(len(texts)), chosen)
    rest = rest[[bool(texts[i].strip()) for i in rest]]
    for start in range(0, len(rest), 20_000):
        block = rest[start : start + 20_000]
        nearest = (embeddings[block] @ centres.T).argmax(axis=1)
        for i, theme in zip(block.tolist(), nearest.tolist(), strict=True):
            members[theme].append(i)
    proposed = [
        _proposed(t.label, t.keywords, sorted(m), t.description)
        for t, m in zip(found, members, strict=True)
    ]
    proposed.sort(key=lambda p: -len(p.members))
    return proposed


def _discover(texts: list[str], k: int | None, embeddings: np.ndarray, seed: int):
    # the discovery view in float64: scikit-learn's k-means computes float32 distances in small
    # upcast blocks, about four times slower than in float64 (measured on 8,000 answers)
    vectors = represent(texts, embeddings, seed).astype(np.float64)
    return analysis.discover_themes(texts, n_themes=k, seed=seed, vectors=vectors)


def _proposed(label: str, keywords, members, description: str) -> ProposedTheme:
    return ProposedTheme(
        name=label[:120], keywords=list(keywords), members=list(members), description=description
    )


class Mapper:
    """The coding loop's view of `analysis.ThemeMapper`: codes by theme name, predictions as
    {response index: [(theme name, probability), ...]} for the responses no person coded."""

    def __init__(
        self,
        texts: Sequence[str],
        theme_names: Sequence[str],
        embeddings: np.ndarray | None = None,
    ) -> None:
        self.inner = analysis.ThemeMapper(list(texts), list(theme_names), embeddings=embeddings)
        self.theme_names = list(theme_names)

    def add(self, index: int, labels: Sequence[str]) -> None:
        self.inner.code(index, list(labels))

    def next_to_code(self, k: int = 1) -> list[int]:
        return [int(i) for i in self.inner.next_to_code(k)]

    def predict(self, include_coded: bool = False) -> dict[int, list[tuple[str, float]]]:
        """Themes per response; with `include_coded`, coded responses too (their person codes,
        score 1), for answers that share a coded response's text."""
        if not self.inner.labels:
            return {}
        flags = self.inner.predict()
        proba = self.inner.predict_proba()
        coded = set(self.inner.labels)
        return {
            i: [
                (self.theme_names[j], 1.0 if i in coded else float(proba[i, j]))
                for j in np.flatnonzero(row)
            ]
            for i, row in enumerate(flags)
            if include_coded or i not in coded
        }


def quotes(texts: Sequence[str], k: int = 3) -> list[int]:
    """Indices of evidence-rich quotes (reasons, specifics), a template's copies shown once."""
    return analysis.evidence_rich_quotes(list(texts), list(range(len(texts))), k=k)


def readings(texts: Sequence[str]) -> list[tuple[str, float]]:
    """(stance, sentiment score) per text (the analysis package's negation-aware lexicon)."""
    out = []
    for text in texts:
        reading = analysis.read_sentiment(text)
        out.append((str(reading.stance), float(reading.score)))
    return out
