"""The analysis package: campaigns, themes, mapping, quotes, sentiment (plain Python, no DB)."""

from __future__ import annotations

import numpy as np
import pytest

from apps.consultations.analysis import (
    ThemeMapper,
    decode,
    discover_themes,
    evidence_rich_quotes,
    find_campaigns,
    merge_themes,
    read_sentiment,
    rename_theme,
    split_theme,
)

TEMPLATE = (
    "I object to the proposed framework because it adds reporting burdens on small district "
    "councils without any extra funding, and peer challenge should stay voluntary."
)
OWN_WORDS = [
    "The regional meetings were useful and we welcome the emphasis on peer support.",
    "Please publish the indicators so residents can see how their council compares.",
    "Inspectorates should share data earlier so problems are spotted before they escalate.",
    "We would like more clarity on how the programme manager allocates support days.",
    "Funding for improvement should follow need, not the size of the council.",
    "Our council found the diagnostic visit thorough and the follow-up slow.",
]


def test_fifty_copies_of_one_text_make_one_group_of_fifty_and_nothing_is_dropped():
    texts = OWN_WORDS[:3] + [TEMPLATE] * 50 + OWN_WORDS[3:]
    groups = find_campaigns(texts)
    assert len(groups) == 1
    assert len(groups[0]) == 50
    assert sorted(groups[0]) == list(range(3, 53))


def test_template_with_small_edits_and_case_changes_joins_the_campaign():
    variants = [
        TEMPLATE,
        TEMPLATE.upper(),
        TEMPLATE.replace("small district", "smaller district"),
        "Dear Sir, " + TEMPLATE + " Yours, Jane Smith",
        TEMPLATE.replace(",", "").replace(".", "!"),
    ]
    groups = find_campaigns(variants + OWN_WORDS)
    assert groups == [[0, 1, 2, 3, 4]]


def test_distinct_responses_make_no_campaign_and_empty_texts_are_not_a_campaign():
    assert find_campaigns(OWN_WORDS + ["", "  ", ""]) == []
    assert find_campaigns([]) == []


def test_exact_only_mode_with_threshold_one():
    texts = [TEMPLATE, TEMPLATE + " Thanks.", TEMPLATE.lower()]
    assert find_campaigns(texts, threshold=1.0) == [[0, 2]]


def _toy_corpus():
    parking = [
        f"Not enough parking for bicycles near the {p}, we need more stands"
        for p in ("station", "library", "market", "school", "town hall", "pool")
    ]
    lights = [
        f"The traffic lights at the {p} junction make cyclists wait far too long"
        for p in ("north", "south", "east", "west", "river", "bridge")
    ]
    potholes = [
        f"Potholes and cracks on the cycle path along the {p} are dangerous"
        for p in ("canal", "park", "high street", "ring road", "harbour", "forest")
    ]
    return parking + lights + potholes, [0] * 6 + [1] * 6 + [2] * 6


def test_discover_themes_finds_the_planted_themes_with_keywords_and_quotes():
    texts, truth = _toy_corpus()
    themes = discover_themes(texts, n_themes=3, seed=0)
    assert sorted(t.size for t in themes) == [6, 6, 6]
    for theme in themes:
        assert len({truth[i] for i in theme.members}) == 1
        assert theme.keywords and theme.label
        assert set(theme.quotes) <= set(theme.members)
    joined = " ".join(w for t in themes for w in t.keywords)
    assert "parking" in joined and "lights" in joined


def test_rename_merge_split():
    texts, _ = _toy_corpus()
    themes = discover_themes(texts, n_themes=3, seed=0)
    rename_theme(themes[0], "Cycle parking", "Stands and shelters")
    assert themes[0].label == "Cycle parking"
    merged = merge_themes(themes[:2], label="Infrastructure", texts=texts)
    assert sorted(merged.members) == sorted(themes[0].members + themes[1].members)
    parts = split_theme(merged, texts, k=2, seed=0)
    assert sorted(m for p in parts for m in p.members) == sorted(merged.members)
    assert {frozenset(p.members) for p in parts} == {
        frozenset(themes[0].members),
        frozenset(themes[1].members),
    }
    with pytest.raises(ValueError):
        split_theme(themes[0], texts, k=7)


def test_decode_always_gives_one_theme_and_adds_close_ones():
    proba = np.array([[0.09, 0.2, 0.05], [0.9, 0.8, 0.1], [0, 0, 0]])
    assert decode(proba, 0.5).tolist() == [[0, 1, 0], [1, 1, 0], [0, 0, 0]]


def test_mapper_learns_from_codes_and_handles_themes_with_zero_or_one_example():
    texts, truth = _toy_corpus()
    themes = ["parking", "lights", "surface", "never coded"]
    mapper = ThemeMapper(texts, themes, seed=0)
    first = mapper.next_to_code(3)
    assert len(set(first)) == 3
    # code two parking and two lights responses, and only ONE surface response
    for i in (0, 1, 6, 7):
        mapper.code(i, [themes[truth[i]]])
    mapper.code(12, ["surface"])
    predicted = mapper.predicted_themes()
    assert all(len(p) >= 1 for p in predicted)
    assert predicted[5] == ["parking"] and predicted[11] == ["lights"]
    proba = mapper.predict_proba()
    for i in range(13, 18):  # learnt from a single example: the top theme of every surface text
        assert proba[i].argmax() == 2 and "surface" in predicted[i]
    assert not any("never coded" in p for p in predicted)
    assert "never coded" in mapper.themes_needing_examples()
    nxt = mapper.next_to_code(2)
    assert not set(nxt) & set(mapper.coded_indices.tolist())


def test_mapper_rejects_unknown_themes_and_bad_indices():
    mapper = ThemeMapper(["a b c", "d e f"], ["x"])
    with pytest.raises(ValueError):
        mapper.code(0, ["y"])
    with pytest.raises(IndexError):
        mapper.code(5, ["x"])


def test_evidence_rich_quotes_prefer_reasons_and_show_duplicates_once():
    texts = [
        "Good.",
        "We support the framework because peer challenge helped us in 2023, for example on "
        "budget setting.",
        "We support the framework because peer challenge helped us in 2023, for example on "
        "budget setting.",
        "Fine by us.",
    ]
    assert evidence_rich_quotes(texts, [0, 1, 2, 3], k=2)[0] == 1
    assert 2 not in evidence_rich_quotes(texts, [0, 1, 2, 3], k=2)


@pytest.mark.parametrize(
    ("text", "stance", "sentiment"),
    [
        ("We strongly agree with the proposals.", "agree", "neutral"),
        ("We do not support this; it is burdensome and unclear.", "disagree", "negative"),
        ("The staff were very kind and helpful.", "none", "positive"),
        ("The guidance was not helpful.", "none", "negative"),
    ],
)
def test_sentiment_lexicon(text, stance, sentiment):
    reading = read_sentiment(text)
    assert (reading.stance, reading.sentiment) == (stance, sentiment)


def test_embed_gives_normalised_rows_and_lsa_dims():
    from apps.consultations.analysis import embed

    texts, _ = _toy_corpus()
    dense = embed(texts)
    assert dense.shape[0] == len(texts)
    assert np.allclose(np.linalg.norm(dense, axis=1), 1, atol=1e-5)
    low = embed(texts, dims=5)
    assert low.shape == (len(texts), 5)


def test_decoding_is_calibrated_on_coded_answers_from_the_grid():
    from apps.consultations.analysis.tuning import ALPHA_GRID

    texts, truth = _toy_corpus()
    texts = texts * 3  # 54 responses: enough for cross-validation
    truth = truth * 3
    mapper = ThemeMapper(texts, ["parking", "lights", "surface"], seed=0)
    for i in range(45):
        mapper.code(i, [mapper.themes[truth[i]]])
    predicted = mapper.predict()
    assert mapper.decoding_alpha in ALPHA_GRID
    assert [row.argmax() for row in predicted[45:]] == truth[45:]


def test_five_hundred_different_one_word_answers_and_common_short_answers_are_no_campaign():
    words = [f"word{i}" for i in range(500)]
    assert find_campaigns(words) == []
    assert find_campaigns(["Nothing."] * 300 + ["No"] * 200 + ["I agree."] * 100) == []


def test_a_campaign_of_many_edited_copies_is_one_group():
    rng = np.random.default_rng(0)
    names = ["Jane", "Ali", "Sam", "Priya", "Tom", "Ewa"]
    texts = []
    for i in range(300):
        text = f"Dear council, {TEMPLATE} Regards, {names[i % 6]} {i}."
        if rng.random() < 0.5:
            text = text.replace("without any extra funding", "with no new money at all")
        texts.append(text)
    groups = find_campaigns(texts + OWN_WORDS)
    assert [len(g) for g in groups] == [300]


def test_lsa_fitted_on_a_sample_projects_every_response():
    import scipy.sparse as sp

    from apps.consultations.analysis.text import Vectoriser, reduce

    texts, _ = _toy_corpus()
    tfidf = Vectoriser().fit_transform(texts * 4)  # 72 rows
    full = reduce(tfidf, dims=5, seed=0)
    sampled = reduce(tfidf, dims=5, seed=0, fit_rows=20)
    assert sampled.shape == full.shape == (72, 5)
    assert np.allclose(np.linalg.norm(sampled, axis=1), 1, atol=1e-5)
    # fitted on 20 rows only, yet copies of one text still land on one point
    assert np.allclose(sampled[:18], sampled[18:36], atol=1e-5)
    assert np.array_equal(reduce(tfidf, dims=5, seed=0, fit_rows=500), full)
    assert not sp.issparse(sampled)


def test_mapping_features_put_tfidf_lsa_and_embeddings_side_by_side():
    from apps.consultations.analysis.mapping import mapping_features
    from apps.consultations.analysis.text import Vectoriser, reduce

    texts, _ = _toy_corpus()
    tfidf = Vectoriser().fit_transform(texts)
    vectors = np.random.default_rng(0).normal(size=(len(texts), 8)).astype(np.float32)
    with_all = mapping_features(tfidf, vectors, reduce(tfidf, dims=4))
    assert with_all.shape == (len(texts), tfidf.shape[1] + 4 + 8)
    assert np.allclose(np.linalg.norm(with_all.toarray(), axis=1), 1, atol=1e-5)
    # each block carries the same weight: TF-IDF, LSA and embedding each a third of the row
    dense = with_all.toarray()
    for block in (dense[:, : tfidf.shape[1]], dense[:, -8:]):
        assert np.allclose((block**2).sum(axis=1), 1 / 3, atol=1e-4)
    assert mapping_features(tfidf).shape == tfidf.shape


def test_a_question_with_no_agreed_themes_yet_can_still_be_coded():
    """The coding page opens before any theme is agreed (a name-affinity feature tried on
    2 December raised on an empty list of theme names and the page answered 500)."""
    texts = ["the roads are unsafe", "more cycle lanes please", "buses are late", "ok"]
    mapper = ThemeMapper(texts, [], seed=0)
    assert len(mapper.next_to_code(2)) == 2
