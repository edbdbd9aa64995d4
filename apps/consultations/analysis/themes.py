"""Theme discovery: propose themes from free text for a person to rename, merge, split and describe.

Method: each response is its multilingual sentence embedding (meaning) side by side with a
100-dimensional latent semantic analysis of its TF-IDF word and character n-grams (wording),
each block unit length; k-means clustering (k chosen by silhouette over a small range when not
given); for each cluster the keywords that distinguish it (words and two-word phrases used by at
least two of its responses, scored by their share in the cluster times the log of how much more
often the cluster uses them than the rest; stop words removed) and the responses nearest the
centre as representative quotes. Proposals are data; nothing is stored until a person accepts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics import silhouette_score

from . import embedding
from .stopwords import STOP_WORDS
from .text import Vectoriser, normalise, reduce


@dataclass
class ProposedTheme:
    label: str
    keywords: list[str]
    members: list[int]
    quotes: list[int] = field(default_factory=list)  # member indices, most representative first
    description: str = ""

    @property
    def size(self) -> int:
        return len(self.members)


def _keywords(texts: Sequence[str], groups: list[np.ndarray], top: int = 8) -> list[list[str]]:
    """Distinctive terms per theme: the share of the theme's responses using a term times the log of
    how much more often they use it than the other responses (a term's contribution to the
    Kullback-Leibler divergence), counting a term once per response and keeping only terms used by
    at least two of the theme's responses, so keywords are what several people in the theme said
    and what sets them apart, not one person's words or words everyone uses."""
    vectoriser = CountVectorizer(
        preprocessor=normalise,
        ngram_range=(1, 2),
        min_df=2,
        binary=True,
        token_pattern=r"(?u)\b[^\W\d_]{3,}\b",
        stop_words=sorted(STOP_WORDS),
    )
    try:
        matrix = vectoriser.fit_transform(texts).tocsr()
    except ValueError:  # vocabulary empty (tiny or numeric input)
        return [[] for _ in groups]
    vocab = np.array(vectoriser.get_feature_names_out())
    per_theme = np.vstack(
        [
            np.asarray(matrix[m].sum(axis=0)).ravel() if len(m) else np.zeros(len(vocab))
            for m in groups
        ]
    )
    total = per_theme.sum(axis=0)
    n = matrix.shape[0]
    out = []
    for row, members in zip(per_theme, groups, strict=True):
        if len(members) == 0 or row.sum() == 0:
            out.append([])
            continue
        inside = row / len(members)
        outside = (total - row) / max(1, n - len(members))
        score = inside * np.log((inside + 1e-3) / (outside + 1e-3))
        score[row < min(2, len(members))] = 0
        order = np.argsort(-score)
        words = [vocab[j] for j in order[: top * 3] if score[j] > 0]
        chosen: list[str] = []  # drop a word already inside a chosen phrase, and vice versa
        for w in words:
            if any(w in c.split() for c in chosen) or any(c in w.split() for c in chosen):
                continue
            chosen.append(w)
            if len(chosen) == top:
                break
        out.append(chosen)
    return out


def _choose_k(vectors: np.ndarray, seed: int) -> int:
    n = len(vectors)
    if n < 6:
        return max(1, min(2, n))
    candidates = sorted({k for k in (4, 6, 8, 10, 12, 15, 20) if k < n})
    sample = vectors if n <= 3000 else vectors[np.random.default_rng(seed).choice(n, 3000, False)]
    best, best_score = candidates[0], -1.0
    for k in candidates:
        labels = KMeans(n_clusters=k, random_state=seed, n_init=2).fit_predict(sample)
        if len(set(labels)) < 2:
            continue
        s = silhouette_score(sample, labels, random_state=seed)
        if s > best_score + 0.005:  # prefer fewer themes unless clearly better
            best, best_score = k, s
    return best


def _cluster(vectors: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    km = KMeans(n_clusters=k, random_state=seed, n_init=3).fit(vectors)
    return km.labels_, km.cluster_centers_


def _proposals(texts, vectors, members_list, centres, quotes_per_theme) -> list[ProposedTheme]:
    keywords = _keywords(texts, members_list)
    themes = []
    for members, centre, words in zip(members_list, centres, keywords, strict=True):
        dist = ((vectors[members] - centre) ** 2).sum(axis=1)
        quotes = [int(members[i]) for i in np.argsort(dist)[:quotes_per_theme]]
        if words:
            label = ", ".join(words[:3])
        else:  # e.g. a cluster of "Nothing." answers: name it by its most typical response
            typical = " ".join(texts[quotes[0]].split())
            label = f"Like “{typical[:40]}{'…' if len(typical) > 40 else ''}”"
        themes.append(
            ProposedTheme(
                label=label, keywords=words, members=[int(m) for m in members], quotes=quotes
            )
        )
    themes.sort(key=lambda t: -t.size)
    return themes


def represent(texts: Sequence[str], embeddings: np.ndarray, seed: int = 0) -> np.ndarray:
    """The discovery view: sentence embedding and LSA of TF-IDF side by side, rows unit length."""
    from sklearn.preprocessing import normalize

    wording = reduce(Vectoriser().fit_transform(texts), dims=100, seed=seed)
    return normalize(np.hstack([np.asarray(embeddings, dtype=np.float32), wording]))


def discover_themes(
    texts: Sequence[str],
    n_themes: int | None = None,
    seed: int = 0,
    quotes_per_theme: int = 3,
    vectors: np.ndarray | None = None,
    embeddings: np.ndarray | None = None,
) -> list[ProposedTheme]:
    """Cluster responses into proposed themes, largest first. Empty texts are left out.

    `embeddings` (one row per text) are the stored sentence embeddings, computed when absent;
    `vectors` replaces the whole representation."""
    texts = [t if isinstance(t, str) else "" for t in texts]
    keep = np.array([i for i, t in enumerate(texts) if t.strip()], dtype=int)
    if len(keep) == 0:
        return []
    kept_texts = [texts[i] for i in keep]
    if vectors is None:
        meaning = (
            embedding.encode(kept_texts) if embeddings is None else np.asarray(embeddings)[keep]
        )
        vectors = represent(kept_texts, meaning, seed)
    else:
        vectors = np.asarray(vectors)[keep]
    k = n_themes or _choose_k(vectors, seed)
    k = max(1, min(k, len(keep)))
    labels, centres = _cluster(vectors, k, seed)
    members_list = [np.flatnonzero(labels == c) for c in range(k)]
    pairs = [(m, c) for m, c in zip(members_list, centres, strict=True) if len(m)]
    themes = _proposals(
        kept_texts, vectors, [m for m, _ in pairs], [c for _, c in pairs], quotes_per_theme
    )
    for theme in themes:  # back to the caller's indices
        theme.members = [int(keep[i]) for i in theme.members]
        theme.quotes = [int(keep[i]) for i in theme.quotes]
    return themes


def rename_theme(theme: ProposedTheme, label: str, description: str = "") -> ProposedTheme:
    """A person's name (and description) for a proposed theme."""
    if not label.strip():
        raise ValueError("a theme needs a name")
    theme.label = label.strip()
    theme.description = description.strip() or theme.description
    return theme


def merge_themes(
    themes: Sequence[ProposedTheme], label: str | None = None, texts: Sequence[str] | None = None
) -> ProposedTheme:
    """One theme whose members are the union of `themes` (keywords recomputed when texts given)."""
    if not themes:
        raise ValueError("nothing to merge")
    members = sorted({m for t in themes for m in t.members})
    keywords = [w for t in themes for w in t.keywords]
    keywords = list(dict.fromkeys(keywords))[:8]
    quotes = [q for t in themes for q in t.quotes]
    if texts is not None:
        keywords = _keywords(list(texts), [np.array(members)])[0] or keywords
    return ProposedTheme(
        label=label or " / ".join(t.label for t in themes),
        keywords=keywords,
        members=members,
        quotes=list(dict.fromkeys(quotes)),
        description="; ".join(t.description for t in themes if t.description),
    )


def split_theme(
    theme: ProposedTheme,
    texts: Sequence[str],
    k: int = 2,
    seed: int = 0,
    quotes_per_theme: int = 3,
) -> list[ProposedTheme]:
    """Re-cluster one theme's members into `k` themes."""
    if k < 2:
        raise ValueError("split into at least two themes")
    if len(theme.members) < k:
        raise ValueError(f"a theme of {len(theme.members)} responses cannot split into {k}")
    sub_texts = [texts[i] for i in theme.members]
    parts = discover_themes(sub_texts, n_themes=k, seed=seed, quotes_per_theme=quotes_per_theme)
    for part in parts:
        part.members = [theme.members[i] for i in part.members]
        part.quotes = [theme.members[i] for i in part.quotes]
    return parts
