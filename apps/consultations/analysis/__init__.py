"""Consultation response analysis: plain Python (no Django), lists/arrays in and out.

Offline on CPU: no network, no API keys, no model downloaded at run time.

Representation (`text`)
    `Vectoriser` - TF-IDF word 1-2-grams + character 2-5-grams, sparse; `embed(texts, dims=None)`
    gives dense vectors (LSA when `dims` is set). Chosen over sentence embeddings after measuring:
    docs/decisions/0003-theme-analysis.md.

Theme discovery (`themes`)
    `discover_themes(texts, n_themes=None, seed=0) -> list[ProposedTheme]` (label suggestion from
    keywords, member indices, representative quote indices); `rename_theme`, `merge_themes` (union
    of members), `split_theme` (re-cluster one theme's members into k).

Theme mapping with active learning (`mapping`)
    `ThemeMapper(texts, themes)`: `code(i, labels)`, `next_to_code(k, budget=None)`,
    `predict()` (0/1 matrix, at least one theme per response), `predict_proba()`,
    `themes_needing_examples()`. Hyper-parameters by internal cross-validation (`tuning`).

Quotes (`quotes`)
    `representative_quotes(vectors, members, k)`, `evidence_rich_quotes(texts, members, k)`.

Agreement and sentiment (`sentiment`)
    `read(text) -> Reading(stance, sentiment, score)`, `summarise(texts)`; English lexicon.

Campaigns (`campaigns`)
    `find_campaigns(texts, threshold=0.85) -> list[list[int]]`: exact (normalised) and
    near-duplicate template groups, largest first, every response kept; `campaign_summary(texts,
groups)`.
Evaluation (`evaluation`)
    `load_gold(path, text_column, "FIRST:LAST")`, `evaluate(gold, coded_fraction, seed)`: the
    `theme_eval` management command's logic; `GoldCoder` reveals labels only for asked rows.
"""

from .campaigns import campaign_summary, find_campaigns
from .mapping import ThemeMapper, decode
from .quotes import evidence_rich_quotes, representative_quotes
from .sentiment import read as read_sentiment
from .sentiment import summarise as summarise_sentiment
from .text import Vectoriser, embed, normalise
from .themes import ProposedTheme, discover_themes, merge_themes, rename_theme, split_theme

__all__ = [
    "ProposedTheme",
    "ThemeMapper",
    "Vectoriser",
    "campaign_summary",
    "decode",
    "discover_themes",
    "embed",
    "evidence_rich_quotes",
    "find_campaigns",
    "merge_themes",
    "normalise",
    "read_sentiment",
    "rename_theme",
    "representative_quotes",
    "split_theme",
    "summarise_sentiment",
]
