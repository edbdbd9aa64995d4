"""Agreement and sentiment per response and per question (English; lexicon-based).

What it is: a small hand-written lexicon of agreement phrases ("agree", "support", "welcome",
"strongly disagree", "oppose", "object to") and of positive and negative evaluative words, with
negation ("not", "no", "never", "n't", "hardly" within the three preceding words flips a word's
sign) and intensifiers. Agreement phrases decide `stance`; when none is present, evaluative words
decide `sentiment`. It is transparent and needs no model; it is not reliable on sarcasm or on
languages other than English, and the report shows counts beside quotes so a person can check it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

AGREE = {
    "agree": 1.0,
    "agreed": 1.0,
    "support": 1.0,
    "supports": 1.0,
    "supportive": 1.0,
    "welcome": 1.0,
    "welcomes": 1.0,
    "endorse": 1.0,
    "in favour": 1.0,
    "in favor": 1.0,
    "approve": 1.0,
    "yes": 0.5,
    "sensible": 0.7,
    "right approach": 1.0,
    "fully agree": 1.5,
    "strongly agree": 1.5,
    "wholeheartedly": 1.0,
}
DISAGREE = {
    "disagree": -1.0,
    "oppose": -1.0,
    "opposed": -1.0,
    "object": -1.0,
    "objection": -1.0,
    "reject": -1.0,
    "against": -0.7,
    "strongly disagree": -1.5,
    "not agree": -1.0,
    "do not support": -1.0,
    "don't support": -1.0,
    "cannot support": -1.0,
    "no": -0.3,
    "concerned": -0.5,
    "concern": -0.5,
    "concerns": -0.5,
}
POSITIVE = set(
    [
        "good",
        "great",
        "excellent",
        "helpful",
        "clear",
        "useful",
        "positive",
        "valuable",
        "effective",
        "improve",
        "improved",
        "improvement",
        "improvements",
        "better",
        "best",
        "welcome",
        "pleased",
        "happy",
        "kind",
        "caring",
        "friendly",
        "professional",
        "supportive",
        "thorough",
        "brilliant",
        "fantastic",
        "amazing",
        "wonderful",
        "outstanding",
        "efficient",
        "informative",
        "reassuring",
        "grateful",
        "thank",
        "thanks",
        "thankful",
        "appreciate",
        "appreciated",
        "love",
        "loved",
        "lovely",
        "fair",
        "proportionate",
        "constructive",
        "robust",
        "strong",
        "excellent",
        "transparent",
        "practical",
    ]
)
NEGATIVE = set(
    [
        "bad",
        "poor",
        "worse",
        "worst",
        "unclear",
        "confusing",
        "unhelpful",
        "negative",
        "ineffective",
        "burden",
        "burdensome",
        "costly",
        "expensive",
        "slow",
        "delay",
        "delays",
        "delayed",
        "late",
        "rude",
        "unfair",
        "disproportionate",
        "bureaucratic",
        "complicated",
        "complex",
        "difficult",
        "problem",
        "problems",
        "concern",
        "concerns",
        "concerned",
        "worried",
        "worry",
        "risk",
        "risks",
        "fail",
        "failed",
        "failing",
        "failure",
        "lack",
        "lacking",
        "missing",
        "inadequate",
        "insufficient",
        "unacceptable",
        "disappointed",
        "disappointing",
        "frustrating",
        "frustrated",
        "awful",
        "terrible",
        "dirty",
        "unsafe",
        "dangerous",
        "weak",
        "vague",
        "duplication",
        "duplicate",
        "overlap",
    ]
)
NEGATORS = {"not", "no", "never", "n't", "hardly", "without", "nor", "cannot"}
INTENSIFIERS = {"very": 1.5, "really": 1.3, "extremely": 1.8, "strongly": 1.5, "so": 1.2}
_TOKEN = re.compile(r"n't|[a-z]+(?:'[a-z]+)?")


@dataclass
class Reading:
    stance: str  # agree / disagree / mixed / none
    sentiment: str  # positive / negative / mixed / neutral
    score: float  # sentiment score, > 0 positive


def _tokens(text: str) -> list[str]:
    text = text.casefold().replace("’", "'")
    text = re.sub(r"(\w)n't\b", r"\1 n't", text)
    return _TOKEN.findall(text)


def _phrase_hits(text: str) -> tuple[float, float]:
    """(agreement, disagreement) weights; longer phrases first, so "do not support" is not also
    counted as "support"."""
    lowered = " " + re.sub(r"[^a-z' ]", " ", text.casefold().replace("’", "'")) + " "
    lexicon = {**AGREE, **DISAGREE}
    agree = disagree = 0.0
    for phrase, weight in sorted(lexicon.items(), key=lambda kv: -len(kv[0])):
        hits = lowered.count(f" {phrase} ")
        if hits:
            if weight > 0:
                agree += weight * hits
            else:
                disagree += weight * hits
            lowered = lowered.replace(f" {phrase} ", " | ")
    return agree, disagree


def read(text: str) -> Reading:
    """Stance and sentiment of one response."""
    text = text or ""
    agree, disagree = _phrase_hits(text)
    if agree and disagree:
        stance = (
            "agree" if agree > 2 * -disagree else "disagree" if -disagree > 2 * agree else "mixed"
        )
    elif agree:
        stance = "agree"
    elif disagree:
        stance = "disagree"
    else:
        stance = "none"
    tokens = _tokens(text)
    pos = neg = 0.0
    for i, tok in enumerate(tokens):
        polarity = 1 if tok in POSITIVE else -1 if tok in NEGATIVE else 0
        if not polarity:
            continue
        window = tokens[max(0, i - 3) : i]
        if any(w in NEGATORS for w in window):
            polarity = -polarity
        weight = max((INTENSIFIERS.get(w, 1.0) for w in window), default=1.0)
        if polarity > 0:
            pos += weight
        else:
            neg += weight
    score = pos - neg
    if pos and neg and abs(score) < 0.5 * max(pos, neg):
        sentiment = "mixed"
    elif score > 0:
        sentiment = "positive"
    elif score < 0:
        sentiment = "negative"
    else:
        sentiment = "neutral"
    return Reading(stance=stance, sentiment=sentiment, score=round(score, 2))


def summarise(texts: Sequence[str]) -> dict[str, dict[str, int]]:
    """Counts of stance and sentiment over one question's responses."""
    readings = [read(t) for t in texts]
    return {
        "stance": dict(Counter(r.stance for r in readings)),
        "sentiment": dict(Counter(r.sentiment for r in readings)),
    }
