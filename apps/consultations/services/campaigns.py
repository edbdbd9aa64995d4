"""Campaigns in the database: answers sharing a template, grouped question by question, stored.

One detector (`analysis.campaigns`): exact template keys first (computed once per answer and
stored on it), then MinHash LSH over the distinct texts only, so a million answers of which most
are copies cost little more than their distinct wordings. Groups are stored as `Campaign` rows
with every member answer pointing at its group: pages read them, never recompute them.

An answer saved or imported since the last grouping has no key yet; `refresh` regroups the
questions that have such answers (pages call it for small consultations; large ones are grouped
by the job that follows an import, with progress).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import Count, Min

from apps.consultations.analysis.campaigns import group_templates, template_key
from apps.consultations.models import CAMPAIGN_SIZE, Answer, Campaign, Consultation, Question

CHUNK = 5000
REFRESH_IN_REQUEST_BELOW = 5000  # ungrouped answers; more than this waits for the job

__all__ = ["CAMPAIGN_SIZE", "campaign_groups", "campaign_of_responses", "detect", "refresh"]


def _answers(question: Question):
    return Answer.objects.filter(question=question, response__submitted_at__isnull=False).exclude(
        text=""
    )


def _fill_keys(question: Question, progress: Callable[[int, int], None] | None) -> None:
    pending = _answers(question).filter(text_key__isnull=True)
    total = pending.count()
    done = 0
    while True:
        rows = list(pending.order_by("pk").values_list("pk", "text")[:CHUNK])
        if not rows:
            break
        by_key: dict[str, list[int]] = {}
        for pk, text in rows:
            by_key.setdefault(template_key(text), []).append(pk)
        with transaction.atomic():
            for key, pks in by_key.items():
                for start in range(0, len(pks), 900):
                    Answer.objects.filter(pk__in=pks[start : start + 900]).update(text_key=key)
        done += len(rows)
        if progress:
            progress(done, total)


def detect(question: Question, progress: Callable[[str, int, int], None] | None = None) -> int:
    """Group one question's answers into campaigns (replacing its old groups); returns how many
    groups of two or more answers were found."""
    _fill_keys(question, progress and (lambda d, t: progress("Hashing answers", d, t)))
    # (key, answers, first answer) per distinct template key, as tuples: a million answers of
    # which most are copies give a few hundred thousand of these
    keys = list(
        _answers(question)
        .exclude(text_key="")
        .values_list("text_key")
        .annotate(n=Count("pk"), first=Min("pk"))
        .order_by("first")
    )
    texts: dict[int, str] = {}
    firsts = [first for _, _, first in keys]
    for start in range(0, len(firsts), 900):
        texts.update(
            Answer.objects.filter(pk__in=firsts[start : start + 900]).values_list("pk", "text")
        )
    distinct = [texts[f] for f in firsts]
    group_of = group_templates(
        distinct, progress=progress and (lambda d, t: progress("Comparing wordings", d, t))
    )
    members: dict[int, list[int]] = {}
    for position, group in enumerate(group_of):
        members.setdefault(int(group), []).append(position)
    groups = []
    for positions in members.values():
        size = sum(keys[p][1] for p in positions)
        if size >= 2:
            template = distinct[max(positions, key=lambda p: (keys[p][1], -p))]
            groups.append((size, positions, template))
    with transaction.atomic():
        _answers(question).exclude(campaign=None).update(campaign=None)
        question.campaigns.all().delete()
        for size, positions, template in groups:
            campaign = Campaign.objects.create(
                question=question, number=0, size=size, variants=len(positions), template=template
            )
            wanted = [keys[p][0] for p in positions]
            for start in range(0, len(wanted), 900):
                _answers(question).filter(text_key__in=wanted[start : start + 900]).update(
                    campaign=campaign
                )
        _renumber(question.consultation)
    return len(groups)


def _renumber(consultation: Consultation) -> None:
    campaigns = Campaign.objects.filter(question__consultation=consultation).order_by(
        "-size", "question__number", "pk"
    )
    for number, campaign in enumerate(campaigns, start=1):
        if campaign.number != number:
            Campaign.objects.filter(pk=campaign.pk).update(number=number)


def stale_questions(consultation: Consultation) -> list[Question]:
    """Questions with answers saved since they were last grouped."""
    ids = (
        Answer.objects.filter(
            question__consultation=consultation,
            response__submitted_at__isnull=False,
            text_key__isnull=True,
        )
        .exclude(text="")
        .values_list("question_id", flat=True)
        .distinct()
    )
    return list(Question.objects.filter(pk__in=list(ids)).order_by("number"))


def refresh(consultation: Consultation, *, in_request: bool = False) -> None:
    """Regroup the questions with new or edited answers; with `in_request`, only when few answers
    wait (a large import is grouped by its job, not by a page view)."""
    for question in stale_questions(consultation):
        if in_request:
            waiting = _answers(question).filter(text_key__isnull=True).count()
            if waiting > REFRESH_IN_REQUEST_BELOW:
                continue
        detect(question)


def campaign_groups(consultation: Consultation) -> list[Campaign]:
    """The consultation's stored campaign and near-duplicate groups, largest first (small
    consultations are regrouped first if answers arrived since)."""
    refresh(consultation, in_request=True)
    return list(
        Campaign.objects.filter(question__consultation=consultation)
        .select_related("question")
        .order_by("number")
    )


def campaign_of_responses(consultation: Consultation, response_ids) -> dict[int, Campaign]:
    """The (first) campaign each of these responses belongs to."""
    found: dict[int, Campaign] = {}
    rows = (
        Answer.objects.filter(response_id__in=list(response_ids), campaign__isnull=False)
        .select_related("campaign__question")
        .order_by("campaign__number")
    )
    for answer in rows:
        found.setdefault(answer.response_id, answer.campaign)
    return found
