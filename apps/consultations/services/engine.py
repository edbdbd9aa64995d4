"""The text engine the analysis pages use, behind one small interface.

The analysis package (`apps.consultations.analysis`, built alongside) is preferred for discovery,
mapping, quotes and sentiment; where it is missing or its API differs, a plain scikit-learn
fallback (TF-IDF, k-means, one-vs-rest logistic regression with uncertainty sampling) keeps the
pages working. Every function here takes and returns plain data (lists of texts and indices).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass
class ProposedTheme:
    name: str
    keywords: list[str]
    members: list[int]
    description: str = ""


@dataclass
class Prediction:
    labels: dict[int, list[tuple[str, float]]] = field(default_factory=dict)


def _analysis():
    try:
        from apps.consultations import analysis
    except ImportError:
        return None
    return analysis


def _vectorise(texts: Sequence[str]):
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        sublinear_tf=True,
        ngram_range=(1, 2),
        min_df=1 if len(texts) < 50 else 2,
        max_df=0.9,
        stop_words=list(STOP_WORDS),
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # empty vocabulary
        vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4))
        matrix = vectorizer.fit_transform(texts)
    return vectorizer, matrix


def fallback_discover(texts: Sequence[str], k: int | None = None) -> list[ProposedTheme]:
    from sklearn.cluster import KMeans

    n = len(texts)
    if n == 0:
        return []
    if n < 3:
        return [ProposedTheme("All responses", [], list(range(n)))]
    vectorizer, matrix = _vectorise(texts)
    k = k or max(2, min(12, round(math.sqrt(n / 2))))
    k = min(k, n)
    model = KMeans(n_clusters=k, n_init=4, random_state=0).fit(matrix)
    terms = np.array(vectorizer.get_feature_names_out())
    themes = []
    for c in range(k):
        members = [i for i, label in enumerate(model.labels_) if label == c]
        if not members:
            continue
        top = terms[np.argsort(model.cluster_centers_[c])[::-1][:6]].tolist()
        themes.append(ProposedTheme(name=", ".join(top[:3]), keywords=top, members=members))
    return sorted(themes, key=lambda t: -len(t.members))


def discover(texts: Sequence[str], k: int | None = None) -> list[ProposedTheme]:
    """Proposed themes for `texts`, biggest first; members are indices into `texts`."""
    engine = _find("discover_themes")
    if engine is not None:
        try:
            kwargs = {"n_themes": k} if k else {}
            return [_as_proposed(t, len(texts)) for t in engine(list(texts), **kwargs)]
        except Exception:  # noqa: BLE001 - fall back rather than leave staff without themes
            pass
    return fallback_discover(texts, k)


def _as_proposed(theme, n: int) -> ProposedTheme:
    """Accept the analysis package's theme objects or dicts, whatever their exact field names."""
    get = theme.get if isinstance(theme, dict) else lambda key, d=None: getattr(theme, key, d)
    keywords = list(get("keywords", None) or get("terms", None) or [])
    members = get("members", None) or get("indices", None) or get("member_indices", None) or []
    name = get("name", None) or get("label", None) or ", ".join(keywords[:3]) or "Theme"
    return ProposedTheme(
        name=str(name)[:120],
        keywords=[str(k) for k in keywords],
        members=[int(i) for i in members if 0 <= int(i) < n],
        description=str(get("description", "") or ""),
    )


class FallbackMapper:
    """One-vs-rest logistic regression over TF-IDF; asks about the answers it is least sure of."""

    def __init__(self, texts: Sequence[str], theme_names: Sequence[str]):
        self.texts = list(texts)
        self.theme_names = list(theme_names)
        self.coded: dict[int, set[str]] = {}
        _, self.matrix = _vectorise(self.texts) if self.texts else (None, None)
        self.proba: np.ndarray | None = None

    def add(self, index: int, labels: Sequence[str]) -> None:
        self.coded[index] = set(labels)

    def fit(self) -> None:
        from sklearn.linear_model import LogisticRegression

        if not self.coded or self.matrix is None:
            self.proba = None
            return
        idx = sorted(self.coded)
        proba = np.zeros((len(self.texts), len(self.theme_names)))
        for j, name in enumerate(self.theme_names):
            y = np.array([name in self.coded[i] for i in idx], dtype=int)
            if y.sum() == 0:
                continue
            if y.sum() == len(y):
                # No negative example yet: likeness to the positives, so not everything matches.
                from sklearn.preprocessing import normalize

                positives = normalize(self.matrix[[i for i in idx]])
                sims = (normalize(self.matrix) @ positives.T).toarray().max(axis=1)
                proba[:, j] = np.clip(sims / max(float(np.median(sims[idx])), 1e-9), 0, 1) * 0.9
                continue
            clf = LogisticRegression(class_weight="balanced", C=4.0, max_iter=1000)
            clf.fit(self.matrix[idx], y)
            proba[:, j] = clf.predict_proba(self.matrix)[:, 1]
        self.proba = proba

    def next_to_code(self, k: int = 1) -> list[int]:
        candidates = [i for i in range(len(self.texts)) if i not in self.coded]
        if not candidates:
            return []
        if self.proba is None:
            return self._diverse(candidates, k)
        covered = {name for labels in self.coded.values() for name in labels}
        if len(covered) < min(2, len(self.theme_names)) and len(self.coded) < 10:
            return self._diverse(candidates, k)
        margin = np.abs(self.proba[candidates] - 0.5).min(axis=1)
        order = np.argsort(margin)
        return [candidates[i] for i in order[:k]]

    def _diverse(self, candidates: list[int], k: int) -> list[int]:
        """Farthest-first: the answers least like anything a person has coded already."""
        from sklearn.preprocessing import normalize

        dense = normalize(self.matrix).toarray()
        seen = sorted(self.coded)
        if not seen:
            centre = dense[candidates].mean(axis=0)
            return [candidates[int(np.argmax(dense[candidates] @ centre))]][:k] + (
                self._diverse_after(candidates, k - 1, dense, []) if k > 1 else []
            )
        return self._diverse_after(candidates, k, dense, seen)

    @staticmethod
    def _diverse_after(candidates: list[int], k: int, dense, seen: list[int]) -> list[int]:
        chosen: list[int] = []
        pool = list(candidates)
        for _ in range(k):
            anchors = seen + chosen
            if not pool:
                break
            if anchors:
                closeness = (dense[pool] @ dense[anchors].T).max(axis=1)
                pick = pool[int(np.argmin(closeness))]
            else:
                pick = pool[0]
            chosen.append(pick)
            pool.remove(pick)
        return chosen

    def predict(self, threshold: float = 0.5) -> dict[int, list[tuple[str, float]]]:
        if self.proba is None:
            return {}
        result = {}
        for i in range(len(self.texts)):
            if i in self.coded:
                continue
            labels = [
                (self.theme_names[j], float(p))
                for j, p in enumerate(self.proba[i])
                if p >= threshold
            ]
            if not labels and self.proba.shape[1]:
                best = int(np.argmax(self.proba[i]))
                if self.proba[i, best] >= threshold / 2:
                    labels = [(self.theme_names[best], float(self.proba[i, best]))]
            result[i] = labels
        return result


def _find(name: str):
    """A name from the analysis package, whether exported at its top level or in a submodule."""
    import importlib

    analysis = _analysis()
    if analysis is None:
        return None
    found = getattr(analysis, name, None)
    if found is not None:
        return found
    for module in (
        "mapping",
        "discovery",
        "themes",
        "campaigns",
        "quotes",
        "sentiment",
        "representatives",
    ):
        try:
            sub = importlib.import_module(f"apps.consultations.analysis.{module}")
        except Exception:  # noqa: BLE001 - a half-built module must not break the pages
            continue
        found = getattr(sub, name, None)
        if found is not None:
            return found
    return None


def make_mapper(texts: Sequence[str], theme_names: Sequence[str]):
    """The analysis package's ThemeMapper when present (falling back, codes replayed, if it
    fails at any step), else the plain fallback."""
    cls = _find("ThemeMapper")
    if cls is not None:
        return _SafeMapper(cls, texts, theme_names)
    return FallbackMapper(texts, theme_names)


class _SafeMapper:
    """Forwards to the analysis package's mapper; on any error switches to the fallback."""

    def __init__(self, cls, texts: Sequence[str], theme_names: Sequence[str]):
        self.texts, self.theme_names = list(texts), list(theme_names)
        self.coded: dict[int, set[str]] = {}
        self.active = None
        try:
            self.active = _WrappedMapper(cls(self.texts, self.theme_names), self.theme_names)
        except Exception:  # noqa: BLE001
            self._fall_back()

    def _fall_back(self) -> None:
        self.active = FallbackMapper(self.texts, self.theme_names)
        for index, labels in self.coded.items():
            self.active.add(index, labels)
        self.active.fit()

    def _call(self, method: str, *args):
        try:
            return getattr(self.active, method)(*args)
        except Exception:  # noqa: BLE001
            if isinstance(self.active, FallbackMapper):
                raise
            self._fall_back()
            return getattr(self.active, method)(*args)

    def add(self, index: int, labels: Sequence[str]) -> None:
        self.coded[index] = set(labels)
        self._call("add", index, labels)

    def fit(self) -> None:
        self._call("fit")

    def next_to_code(self, k: int = 1) -> list[int]:
        return self._call("next_to_code", k)

    def predict(self) -> dict[int, list[tuple[str, float]]]:
        return self._call("predict")


class _WrappedMapper:
    """Adapts the analysis package's ThemeMapper (code / next_to_code / predict returning a 0/1
    matrix, predict_proba) to the calls the pages make."""

    def __init__(self, inner, theme_names: Sequence[str]):
        self.inner = inner
        self.theme_names = list(theme_names)
        self.coded: dict[int, set[str]] = {}

    def add(self, index: int, labels: Sequence[str]) -> None:
        self.coded[index] = set(labels)
        self.inner.code(index, list(labels))

    def fit(self) -> None:
        if hasattr(self.inner, "fit"):
            self.inner.fit()

    def next_to_code(self, k: int = 1) -> list[int]:
        return [int(i) for i in self.inner.next_to_code(k) if int(i) not in self.coded][:k]

    def predict(self) -> dict[int, list[tuple[str, float]]]:
        if not self.coded:
            return {}
        flags = np.asarray(self.inner.predict())
        proba = (
            np.asarray(self.inner.predict_proba()) if hasattr(self.inner, "predict_proba") else None
        )
        result: dict[int, list[tuple[str, float]]] = {}
        for i, row in enumerate(flags):
            if i in self.coded:
                continue
            result[i] = [
                (self.theme_names[j], float(proba[i, j]) if proba is not None else 1.0)
                for j in np.flatnonzero(row)
            ]
        return result


def quotes(texts: Sequence[str], k: int = 3) -> list[int]:
    """Indices of representative, evidence-rich quotes: near the centre of the group, preferring
    fuller answers with specifics (numbers, examples), and never two copies of a template."""
    if not texts:
        return []
    ranked: list[int] | None = None
    engine = _find("evidence_rich_quotes")
    if callable(engine):
        try:
            ranked = [int(i) for i in engine(list(texts), list(range(len(texts))), k=3 * k)]
        except Exception:  # noqa: BLE001
            ranked = None
    if len(texts) <= k:
        return list(range(len(texts)))
    _, matrix = _vectorise(texts)
    from sklearn.preprocessing import normalize

    dense = normalize(matrix).toarray()
    centrality = dense @ normalize(dense.mean(axis=0, keepdims=True))[0]
    words = np.array([len(t.split()) for t in texts])
    richness = np.log1p(np.minimum(words, 120)) / math.log(121)
    specifics = np.array(
        [any(ch.isdigit() for ch in t) or "for example" in t.lower() for t in texts]
    )
    score = centrality + 0.35 * richness + 0.1 * specifics - 0.5 * (words < 6)
    order = list(np.argsort(score)[::-1])
    if ranked:  # the analysis package's evidence ranking first, then ours to fill up
        order = ranked + [i for i in order if i not in set(ranked)]
    chosen: list[int] = []
    for i in order:
        # never two copies of a template: skip anything nearly the same as a quote already chosen
        if chosen and float((dense[chosen] @ dense[i]).max()) >= 0.8:
            continue
        chosen.append(int(i))
        if len(chosen) == k:
            break
    return chosen


POSITIVE = set(
    [
        "agree",
        "support",
        "welcome",
        "good",
        "helpful",
        "useful",
        "clear",
        "excellent",
        "positive",
        "strong",
        "benefit",
        "benefits",
        "effective",
        "valuable",
        "sensible",
        "right",
        "yes",
        "improve",
        "improvement",
        "trust",
    ]
)
NEGATIVE = set(
    [
        "disagree",
        "oppose",
        "concern",
        "concerns",
        "worried",
        "unclear",
        "poor",
        "bad",
        "weak",
        "burden",
        "costly",
        "risk",
        "risks",
        "confusing",
        "duplication",
        "no",
        "not",
        "lack",
        "lacking",
        "fail",
        "failure",
        "unfair",
        "expensive",
    ]
)


def readings(texts: Sequence[str]) -> list[tuple[str, float]]:
    """(stance, sentiment score) per text: stance is agree / disagree / mixed / none. The analysis
    package's lexicon reader when present (negation-aware), else a small transparent word-list
    score (positive minus negative words over their total), rough by design."""
    engine = _find("read_sentiment")
    if callable(engine):
        try:
            out = []
            for text in texts:
                reading = engine(text)
                out.append((str(reading.stance), float(reading.score)))
            return out
        except Exception:  # noqa: BLE001
            pass
    result = []
    for text in texts:
        tokens = [t.strip(".,;:!?()\"'").lower() for t in text.split()]
        pos = sum(t in POSITIVE for t in tokens)
        neg = sum(t in NEGATIVE for t in tokens)
        stance = (
            "agree"
            if "agree" in tokens or "support" in tokens
            else ("disagree" if "disagree" in tokens or "oppose" in tokens else "none")
        )
        result.append((stance, 0.0 if pos + neg == 0 else (pos - neg) / (pos + neg)))
    return result


def sentiment(texts: Sequence[str]) -> list[float]:
    return [score for _, score in readings(texts)]


STOP_WORDS = set(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "also",
        "would",
        "should",
        "could",
        "may",
        "might",
        "must",
        "shall",
        "need",
        "us",
        "der",
        "die",
        "das",
        "und",
        "ist",
        "nicht",
        "ein",
        "eine",
        "zu",
        "den",
        "von",
        "mit",
        "sich",
        "des",
        "auf",
        "für",
        "im",
        "dem",
        "es",
        "an",
        "auch",
        "als",
        "wie",
        "bei",
    ]
)
