"""Consultation response analysis: plain Python (no Django), lists/arrays in and out.

Offline on CPU: no network, no API keys, no model downloaded at run time.

Representation (`text`, `embedding`)
    `Vectoriser` - TF-IDF word 1-2-grams + character 2-5-grams, sparse; `embed(texts, dims=None)`
    gives dense TF-IDF vectors (LSA when `dims` is set). `embedding.encode(texts)` - multilingual
    sentence embeddings (USE v3, weights in the package, each distinct text once, worker processes
    for large batches); `embedding.combine(tfidf, embeddings)` - the mapper's features.
    Measured: docs/decisions/0005-sentence-embeddings-and-campaigns.md.

Theme discovery (`themes`)
    `discover_themes(texts, n_themes=None, seed=0) -> list[ProposedTheme]` (label suggestion from
    keywords, member indices, representative quote indices); `rename_theme`, `merge_themes` (union
    of members), `split_theme` (re-cluster one theme's members into k).

Theme mapping with active learning (`mapping`)
    `ThemeMapper(texts, themes)`: `code(i, labels)`, `next_to_code(k, budget=None)`,
    `predict()` (0/1 matrix, at least one theme per response), `predict_proba()`,
    `themes_needing_examples()`. Model primitives in `classifier`; the decoding calibrated per
    question by cross-validation on the coded answers (`tuning`).

Quotes (`quotes`)
    `representative_quotes(vectors, members, k)`, `evidence_rich_quotes(texts, members, k)`.

Agreement and sentiment (`sentiment`)
    `read(text) -> Reading(stance, sentiment, score)`, `summarise(texts)`; English lexicon.

Campaigns (`campaigns`)
    `find_campaigns(texts) -> list[list[int]]`: exact (hashed) and near-duplicate (MinHash LSH)
    template groups, largest first, every response kept, short answers never a campaign;
    `template_key(text)` for streaming importers; `group_templates(distinct_texts)`;
    `campaign_summary(texts, groups)`.

Evaluation (`evaluation`)
    `load_gold(path, text_column, "FIRST:LAST")`, `evaluate(gold, coded_fraction, seed)`: the
    `theme_eval` management command's logic; `GoldCoder` reveals labels only for asked rows.
"""

from . import embedding
from .campaigns import campaign_summary, find_campaigns, group_templates, template_key
from .classifier import decode
from .mapping import ThemeMapper
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
    "embedding",
    "evidence_rich_quotes",
    "find_campaigns",
    "group_templates",
    "merge_themes",
    "normalise",
    "read_sentiment",
    "rename_theme",
    "representative_quotes",
    "split_theme",
    "summarise_sentiment",
    "template_key",
]
