"""Closed questions tallied by stakeholder group: answers in, a counts table out."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import pandas as pd
from django.db.models import Count

from apps.consultations.models import AGREE_SCORES, Question, QuestionKind, StakeholderGroup

GROUP_LABELS = dict(StakeholderGroup.choices)


def tally(rows: Iterable[tuple[str, Sequence[str]]], options: Sequence[str]) -> pd.DataFrame:
    """Rows of (group, chosen options) -> counts with one row per option and one column per
    group that answered, plus 'All'. Options nobody chose still appear (with zero); choices not
    among `options` (e.g. from an old paper version) are kept under their own label."""
    records = [(group, choice) for group, chosen in rows for choice in chosen]
    extra = sorted({c for _, c in records if c not in options})
    index = list(options) + extra
    if not records:
        return pd.DataFrame({"All": [0] * len(index)}, index=index)
    frame = pd.DataFrame(records, columns=["group", "choice"])
    table = pd.crosstab(frame["choice"], frame["group"]).reindex(index, fill_value=0)
    order = [g for g in GROUP_LABELS if g in table.columns]
    table = table[order].rename(columns=GROUP_LABELS)
    table["All"] = table.sum(axis=1)
    table.index.name = None
    table.columns.name = None
    return table.astype(int)


def agreement_index(rows: Iterable[tuple[str, Sequence[str]]]) -> pd.DataFrame:
    """Per group: respondents, mean agreement score (+2 strongly agree .. -2 strongly disagree)
    and share agreeing / disagreeing, for agree-disagree questions."""
    data = [
        (GROUP_LABELS.get(group, group), AGREE_SCORES[c])
        for group, chosen in rows
        for c in chosen[:1]
        if c in AGREE_SCORES
    ]
    if not data:
        return pd.DataFrame(columns=["respondents", "mean score", "% agree", "% disagree"])
    frame = pd.DataFrame(data, columns=["group", "score"])

    def summarise(scores: pd.Series) -> pd.Series:
        return pd.Series(
            {
                "respondents": int(scores.size),
                "mean score": round(float(scores.mean()), 2),
                "% agree": round(100 * float((scores > 0).mean())),
                "% disagree": round(100 * float((scores < 0).mean())),
            }
        )

    table = frame.groupby("group", sort=False)["score"].apply(summarise).unstack()
    table.loc["All"] = summarise(frame["score"])
    table.index.name = None
    return table


def question_rows(question: Question) -> Iterator[tuple[str, list[str]]]:
    """(group, choices) for every submitted answer to `question` (late and offline included).

    Counted in the database by (group, choices), so a hundred thousand answers cost a few
    hundred rows read; each combination is then repeated as often as it was given."""
    counted = (
        question.answers.filter(response__submitted_at__isnull=False)
        .values_list("response__group", "choices")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for group, choices, n in counted:
        row = (group, list(choices or []))
        for _ in range(n):
            yield row


def question_tally(question: Question) -> pd.DataFrame:
    return tally(question_rows(question), question.choices)


def question_agreement(question: Question) -> pd.DataFrame | None:
    if question.kind != QuestionKind.SCALE:
        return None
    return agreement_index(question_rows(question))
