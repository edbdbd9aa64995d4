"""Campaign detection: responses sharing a template are grouped and counted, never dropped.

A campaign is a shared template of some length (at least `MIN_TEMPLATE_WORDS` words), possibly
with personal edits. Very common short answers ("Nothing.", "No", "Agree") are not a campaign:
many people simply say the same short thing.

Two passes, so that a million responses of which most are copies cost little more than the
distinct texts among them:

1. exact templates: a stable hash of each text after case-folding, Unicode normalisation and
   removing punctuation and extra whitespace (`template_key`); identical keys are one group.
   This is what an importer computes per answer while streaming rows in.
2. near-duplicates among the distinct texts only: MinHash signatures of word-pair shingles with
   locality-sensitive hashing (`datasketch`). Each distinct text either joins the group of the
   most similar group leader already indexed (estimated Jaccard similarity of their shingles at
   least `threshold`, 0.4: a template with a greeting, a name or a sentence changed still joins,
   while two people making the same point in their own words share few word pairs) or becomes a
   leader itself. Members are compared with leaders only, never chained member to member, so a
   run of texts each a little different from the last cannot merge unrelated answers; and a
   campaign of many thousands of variants costs one look-up each.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from .text import normalise_strict

DEFAULT_THRESHOLD = 0.4
MIN_TEMPLATE_WORDS = 12
NUM_PERM = 64
SHINGLE_WORDS = 2


def template_key(text: str | None) -> str:
    """A 16-hex-digit key shared by texts identical up to case, punctuation and spacing; empty
    when the text is too short to be a campaign template."""
    key = normalise_strict(text)
    if len(key.split()) < MIN_TEMPLATE_WORDS:
        return ""
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


def _shingles(normalised: str) -> list[bytes]:
    words = normalised.split()
    if len(words) <= SHINGLE_WORDS:
        return [normalised.encode()]
    return [
        " ".join(words[i : i + SHINGLE_WORDS]).encode()
        for i in range(len(words) - SHINGLE_WORDS + 1)
    ]


def group_templates(
    distinct_texts: Sequence[str],
    threshold: float = DEFAULT_THRESHOLD,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = 10_000,
) -> np.ndarray:
    """Group number per distinct text (the index of its group's leader): near-duplicates joined.

    Texts shorter than a template keep their own group. Memory is one 64-value signature per
    leader; signatures are built in chunks."""
    from datasketch import LeanMinHash, MinHash, MinHashLSH

    n = len(distinct_texts)
    group = np.arange(n)
    if threshold >= 1.0 or n < 2:
        return group
    # recall first: the index looks for candidates well below the threshold (a missed candidate
    # splits a campaign; a false one is only an extra similarity check)
    lsh = MinHashLSH(threshold=max(0.15, threshold - 0.15), num_perm=NUM_PERM, weights=(0.1, 0.9))
    # leaders' signatures as rows of one matrix (doubling as it fills): a text's similarity to
    # all its candidate leaders is one vectorised comparison, not a Python call per candidate
    signatures_of_leaders = np.empty((1024, NUM_PERM), dtype=np.uint64)
    leader_text: list[int] = []
    for start in range(0, n, chunk):
        block = [normalise_strict(t) for t in distinct_texts[start : start + chunk]]
        wanted = [i for i, key in enumerate(block) if len(key.split()) >= MIN_TEMPLATE_WORDS]
        signatures = MinHash.bulk([_shingles(block[i]) for i in wanted], num_perm=NUM_PERM)
        for i, signature in zip(wanted, signatures, strict=True):
            index = start + i
            lean = LeanMinHash(signature)
            candidates = lsh.query(lean)
            if candidates:
                rows = np.fromiter(candidates, dtype=np.int64, count=len(candidates))
                similarity = (signatures_of_leaders[rows] == lean.hashvalues).mean(axis=1)
                best = int(np.argmax(similarity))  # ties: any of the equally similar leaders
                if similarity[best] >= threshold:
                    group[index] = leader_text[rows[best]]
                    continue
            row = len(leader_text)
            if row == len(signatures_of_leaders):
                signatures_of_leaders = np.vstack(
                    [signatures_of_leaders, np.empty_like(signatures_of_leaders)]
                )
            signatures_of_leaders[row] = lean.hashvalues
            leader_text.append(index)
            lsh.insert(row, lean)
        if progress:
            progress(min(n, start + chunk), n)
    return group


def find_campaigns(
    texts: Sequence[str],
    threshold: float = DEFAULT_THRESHOLD,
    min_size: int = 2,
) -> list[list[int]]:
    """Groups of response indices that share a template (exact or near-duplicate), largest first.
    Every response of a group is kept; short and empty answers are never a campaign."""
    keys = [template_key(t) for t in texts]
    first: dict[str, int] = {}
    distinct: list[str] = []
    owner = np.full(len(keys), -1)
    for i, key in enumerate(keys):
        if not key:
            continue
        if key not in first:
            first[key] = len(distinct)
            distinct.append(texts[i])
        owner[i] = first[key]
    group_of = group_templates(distinct, threshold)
    groups: dict[int, list[int]] = {}
    for i, o in enumerate(owner):
        if o >= 0:
            groups.setdefault(int(group_of[o]), []).append(i)
    result = [g for g in groups.values() if len(g) >= min_size]
    result.sort(key=lambda g: (-len(g), g[0]))
    return result


def campaign_summary(texts: Sequence[str], groups: Iterable[list[int]]) -> list[dict]:
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


__all__ = [
    "DEFAULT_THRESHOLD",
    "MIN_TEMPLATE_WORDS",
    "campaign_summary",
    "find_campaigns",
    "group_templates",
    "template_key",
]
