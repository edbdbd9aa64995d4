"""Near-duplicate and campaign detection: template responses grouped and counted, never dropped.

Two passes:
1. exact templates: responses identical after case-folding, Unicode normalisation and removing
   punctuation and extra whitespace;
2. near-duplicates: cosine similarity of character 3-5-gram TF-IDF vectors between the distinct
   normalised texts, >= `threshold` (0.85 by default: a campaign text with a name, a sentence or a
   few words changed still matches; two different people making the same point in their own words do
   not). Pairs are found with a sparse nearest-neighbour search and joined transitively
(union-find).
Every input index appears in exactly one group; `find_campaigns` returns only groups of at least
`min_size` (default 2), largest first. Singletons are simply responses with no copy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.neighbors import NearestNeighbors

from .text import normalise_strict

DEFAULT_THRESHOLD = 0.85
MIN_CHARS_FOR_NEAR = 20


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = np.arange(n)

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def find_campaigns(
    texts: Sequence[str],
    threshold: float = DEFAULT_THRESHOLD,
    min_size: int = 2,
    neighbours: int = 10,
) -> list[list[int]]:
    """Groups of response indices that share a template (exact or near-duplicate), largest first."""
    keys = [normalise_strict(t) for t in texts]
    distinct: dict[str, int] = {}
    first_of: list[int] = []
    owner = np.empty(len(keys), dtype=int)
    for i, key in enumerate(keys):
        if key not in distinct:
            distinct[key] = len(first_of)
            first_of.append(i)
        owner[i] = distinct[key]
    uf = _UnionFind(len(first_of))
    if threshold < 1.0:
        _join_near_duplicates(list(distinct), uf, threshold, neighbours)
    groups: dict[int, list[int]] = {}
    for i in range(len(keys)):
        if not keys[i]:
            continue  # empty responses are not a campaign
        groups.setdefault(uf.find(int(owner[i])), []).append(i)
    result = [g for g in groups.values() if len(g) >= min_size]
    result.sort(key=lambda g: (-len(g), g[0]))
    return result


def _join_near_duplicates(
    distinct_texts: list[str], uf: _UnionFind, threshold: float, neighbours: int
) -> None:
    candidates = [i for i, t in enumerate(distinct_texts) if len(t) >= MIN_CHARS_FOR_NEAR]
    if len(candidates) < 2:
        return
    vectoriser = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        sublinear_tf=True,
        dtype=np.float32,
        max_features=2**18,
    )
    matrix = vectoriser.fit_transform([distinct_texts[i] for i in candidates])
    k = min(neighbours + 1, len(candidates))
    nn = NearestNeighbors(n_neighbors=k, metric="cosine", algorithm="brute", n_jobs=1)
    nn.fit(matrix)
    for start in range(0, len(candidates), 2048):
        dist, ind = nn.kneighbors(matrix[start : start + 2048])
        for row, (drow, irow) in enumerate(zip(dist, ind, strict=True)):
            a = candidates[start + row]
            for d, j in zip(drow, irow, strict=True):
                if 1.0 - d >= threshold and j != start + row:
                    uf.union(a, candidates[j])


def campaign_summary(texts: Sequence[str], groups: list[list[int]]) -> list[dict]:
    """One row per group: size, the most common wording (the template) and the member indices."""
    out = []
    for number, members in enumerate(groups, start=1):
        wordings: dict[str, int] = {}
        for i in members:
            wordings[texts[i]] = wordings.get(texts[i], 0) + 1
        template = max(wordings.items(), key=lambda kv: (kv[1], -len(kv[0])))[0]
        out.append(
            {
                "group": number,
                "size": len(members),
                "variants": len(wordings),
                "template": template,
                "members": list(members),
            }
        )
    return out
