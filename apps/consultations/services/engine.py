"""The analysis package behind the small interface the theme pages use (plain data in and out).

Discovery, mapping, quotes and sentiment all come from `apps.consultations.analysis`; this module
only adapts its results to what the services store (theme names, indices, scores).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from apps.consultations import analysis


@dataclass
class ProposedTheme:
    name: str
    keywords: list[str]
    members: list[int]
    description: str = ""


def discover(
    texts: Sequence[str], k: int | None = None, embeddings: np.ndarray | None = None
) -> list[ProposedTheme]:
    """Proposed themes for `texts`, biggest first; members are indices into `texts`."""
    found = analysis.discover_themes(list(texts), n_themes=k, embeddings=embeddings)
    return [
        ProposedTheme(
            name=t.label[:120], keywords=t.keywords, members=t.members, description=t.description
        )
        for t in found
    ]


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

    def predict(self) -> dict[int, list[tuple[str, float]]]:
        if not self.inner.labels:
            return {}
        flags = self.inner.predict()
        proba = self.inner.predict_proba()
        coded = set(self.inner.labels)
        return {
            i: [(self.theme_names[j], float(proba[i, j])) for j in np.flatnonzero(row)]
            for i, row in enumerate(flags)
            if i not in coded
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
