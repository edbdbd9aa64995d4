"""Free-text themes in the database: discovery proposes, a person renames, merges, splits and
describes, codes the answers the mapper asks about, and the mapper maps the rest.

Person codes always win: the mapper never overwrites an answer a person has coded.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Count, Q, QuerySet

from apps.consultations.models import (
    AnalysisJob,
    Answer,
    CodedAnswer,
    CodingSource,
    Question,
    Theme,
    ThemeAssignment,
    ThemeOrigin,
)
from apps.consultations.services import embeddings, engine
from apps.jobs.services import background


def text_answers(question: Question) -> QuerySet[Answer]:
    """Every submitted non-empty free-text answer (late, offline and campaign ones included)."""
    return (
        question.answers.filter(response__submitted_at__isnull=False)
        .exclude(text="")
        .select_related("response")
        .order_by("pk")
    )


@dataclass
class DistinctTexts:
    """A question's answers read as (id, text) and folded onto their distinct texts: campaign
    copies and other identical answers are vectorised, embedded, clustered and mapped once."""

    answer_ids: list[int]  # every answer, by pk
    row_of: np.ndarray  # per answer: its distinct text's index in `texts`
    texts: list[str]

    @classmethod
    def of(cls, question: Question) -> DistinctTexts:
        index: dict[str, int] = {}
        answer_ids: list[int] = []
        rows: list[int] = []
        for pk, text in text_answers(question).values_list("pk", "text").iterator(10_000):
            answer_ids.append(pk)
            rows.append(index.setdefault(text, len(index)))
        return cls(answer_ids, np.asarray(rows, dtype=np.int64), list(index))

    def answers_of(self) -> list[list[int]]:
        """Per distinct text, the ids of the answers that have it (in pk order)."""
        out: list[list[int]] = [[] for _ in self.texts]
        for pk, row in zip(self.answer_ids, self.row_of.tolist(), strict=True):
            out[row].append(pk)
        return out


def themes_with_counts(question: Question) -> QuerySet[Theme]:
    return question.themes.annotate(
        answers_count=Count("assignments", distinct=True),
        person_count=Count(
            "assignments", filter=Q(assignments__source=CodingSource.PERSON), distinct=True
        ),
    ).order_by("-answers_count", "name")


def _progress(job: AnalysisJob, percent: int, message: str = "") -> None:
    job.status, job.progress = AnalysisJob.Status.RUNNING, percent
    job.message = message or job.message
    AnalysisJob.objects.filter(pk=job.pk).update(
        status=job.status, progress=percent, message=job.message
    )


def run_discovery(
    question: Question, k: int | None = None, job: AnalysisJob | None = None
) -> AnalysisJob:
    """Replace the unagreed proposed themes with fresh ones; agreed themes and person codes stay.

    Themes are found among the distinct texts (a campaign's copies count once); every answer
    joins the theme of its text."""
    started = time.perf_counter()
    job = job or AnalysisJob.objects.create(question=question, kind="discovery")
    _progress(job, 5, "Reading answers")
    found = DistinctTexts.of(question)
    n = len(found.answer_ids)
    coded = set(
        CodedAnswer.objects.filter(answer__question=question).values_list("answer_id", flat=True)
    )
    _progress(job, 10, f"Embedding {len(found.texts)} distinct texts of {n} answers (stored once)")
    vectors = embeddings.vectors_for(found.texts)
    _progress(job, 40, f"Finding themes in {n} answers")
    proposed = engine.discover(found.texts, k=k, embeddings=vectors)
    _progress(job, 80, "Saving proposed themes")
    with transaction.atomic():
        _save_proposed(question, found.answers_of(), coded, proposed)
    job.status, job.progress = AnalysisJob.Status.DONE, 100
    job.seconds = time.perf_counter() - started
    job.message = f"{len(proposed)} themes proposed from {n} answers"
    job.save()
    return job


def _save_proposed(
    question: Question, answers_of: list[list[int]], coded: set[int], proposed
) -> None:
    # A theme a person has used when coding counts as agreed: rediscovery never drops it.
    question.themes.filter(agreed=False, origin=ThemeOrigin.DISCOVERED).exclude(
        assignments__source=CodingSource.PERSON
    ).delete()
    for item in proposed:
        theme = Theme.objects.create(
            question=question,
            name=item.name[:120],
            keywords=", ".join(item.keywords)[:300],
            description=item.description,
        )
        links = (
            ThemeAssignment(answer_id=pk, theme=theme, source=CodingSource.DISCOVERY)
            for i in item.members
            for pk in answers_of[i]
            if pk not in coded
        )
        for chunk in _chunks(links, SAVE_BATCH):
            ThemeAssignment.objects.bulk_create(chunk, ignore_conflicts=True)


@transaction.atomic
def merge(themes: list[Theme], name: str | None = None) -> Theme:
    """Fold the others into the first; their answers move over, duplicates collapse."""
    keep, *others = themes
    for other in others:
        for assignment in other.assignments.all():
            ThemeAssignment.objects.get_or_create(
                answer=assignment.answer, theme=keep, defaults={"source": assignment.source}
            )
        keep.keywords = ", ".join(filter(None, [keep.keywords, other.keywords]))[:300]
        other.delete()
    if name:
        keep.name = name
    keep.agreed = True
    keep.save()
    return keep


@transaction.atomic
def split(theme: Theme) -> list[Theme]:
    """Re-cluster one theme's answers into two; a person then names the halves."""
    assignments = list(theme.assignments.select_related("answer"))
    if len(assignments) < 4:
        return [theme]
    texts = [a.answer.text for a in assignments]
    parts = engine.discover(texts, k=2, embeddings=embeddings.vectors_for(texts))
    if len(parts) < 2:
        return [theme]
    created = []
    for part in parts:
        new = Theme.objects.create(
            question=theme.question,
            name=f"{theme.name} – {part.name}"[:120],
            keywords=", ".join(part.keywords)[:300],
            origin=ThemeOrigin.SPLIT,
            description=theme.description,
        )
        ThemeAssignment.objects.bulk_create(
            [
                ThemeAssignment(
                    answer=assignments[i].answer, theme=new, source=assignments[i].source
                )
                for i in part.members
            ]
        )
        created.append(new)
    theme.delete()
    return created


@transaction.atomic
def code_answer(answer: Answer, themes: list[Theme], user=None) -> None:
    """A person's codes for one answer replace whatever was there (model or discovery)."""
    answer.assignments.all().delete()
    ThemeAssignment.objects.bulk_create(
        [ThemeAssignment(answer=answer, theme=t, source=CodingSource.PERSON) for t in themes]
    )
    CodedAnswer.objects.update_or_create(answer=answer, defaults={"coded_by": user})
    Theme.objects.filter(pk__in=[t.pk for t in themes], agreed=False).update(agreed=True)


# One mapper per question per process, kept between requests: building one vectorises every
# answer, so the coding loop would otherwise pay that on every click. It is rebuilt when the
# answers or the themes change; new codes are fed to it incrementally.
_MAPPERS: dict[int, dict] = {}
_MAPPERS_LOCK = threading.Lock()


def _current_codes(question: Question) -> dict[int, frozenset[str]]:
    labels: dict[int, set[str]] = {
        a: set()
        for a in CodedAnswer.objects.filter(answer__question=question).values_list(
            "answer_id", flat=True
        )
    }
    person = ThemeAssignment.objects.filter(
        answer__question=question, source=CodingSource.PERSON
    ).values_list("answer_id", "theme_id")
    for answer_id, theme_id in person:
        labels.setdefault(answer_id, set()).add(str(theme_id))
    return {a: frozenset(t) for a, t in labels.items()}


def _mapper(question: Question):
    found = DistinctTexts.of(question)
    themes = list(question.themes.order_by("pk"))
    fingerprint = (
        len(found.answer_ids),
        hash(tuple(found.answer_ids)),
        hash(tuple(found.texts)),
        hash(found.row_of.tobytes()),
        tuple(t.pk for t in themes),
    )
    codes = _current_codes(question)
    # a text's codes: those a person gave any answer with that text (identical texts alike)
    row_of = dict(zip(found.answer_ids, found.row_of.tolist(), strict=True))
    row_codes: dict[int, frozenset[str]] = {}
    for answer_id, theme_ids in codes.items():
        if answer_id in row_of:
            row = row_of[answer_id]
            row_codes[row] = row_codes.get(row, frozenset()) | theme_ids
    with _MAPPERS_LOCK:
        cached = _MAPPERS.get(question.pk)
        if (
            cached is None
            or cached["fingerprint"] != fingerprint
            or any(r not in row_codes for r in cached["applied"])
        ):
            mapper = engine.Mapper(
                found.texts,
                [str(t.pk) for t in themes],
                embeddings=embeddings.vectors_for(found.texts),
            )
            cached = {"fingerprint": fingerprint, "mapper": mapper, "applied": {}}
            _MAPPERS[question.pk] = cached
        mapper = cached["mapper"]
        for row, theme_ids in row_codes.items():
            if cached["applied"].get(row) != theme_ids:
                mapper.add(row, sorted(theme_ids))
                cached["applied"][row] = theme_ids
    return mapper, found, themes, codes


def next_to_code(question: Question, k: int = 1) -> list[Answer]:
    """The answers the mapper most wants a person to code next (one per distinct text)."""
    mapper, found, _, codes = _mapper(question)
    answers_of = found.answers_of()
    wanted = []
    for row in mapper.next_to_code(k):
        uncoded = [pk for pk in answers_of[row] if pk not in codes]
        if uncoded:
            wanted.append(uncoded[0])
    by_pk = Answer.objects.select_related("response").in_bulk(wanted)
    return [by_pk[pk] for pk in wanted]


@dataclass
class MapResult:
    mapped: int
    assignments: int
    seconds: float


def map_rest(question: Question, job: AnalysisJob | None = None) -> MapResult:
    """Map every answer no person coded to the agreed themes (multi-label). An answer whose text
    a person coded on another answer gets that person's themes."""
    started = time.perf_counter()
    job = job or AnalysisJob.objects.create(question=question, kind="mapping")
    _progress(job, 5, "Learning from the coded answers")
    mapper, found, themes, codes = _mapper(question)
    _progress(job, 40, f"Mapping {len(found.answer_ids)} answers")
    predictions = mapper.predict(include_coded=True)
    _progress(job, 80, "Saving theme links")
    with transaction.atomic():
        mapped, rows = _save_predictions(question, found, themes, predictions, codes)
    seconds = time.perf_counter() - started
    job.status, job.progress, job.seconds = AnalysisJob.Status.DONE, 100, seconds
    job.message = f"{mapped} answers mapped ({rows} theme links)"
    job.save()
    return MapResult(mapped, rows, seconds)


SAVE_BATCH = 5000


def _save_predictions(
    question: Question, found: DistinctTexts, themes, predictions, codes
) -> tuple[int, int]:
    """Store the predicted themes of every answer no person coded; (answers, theme links)."""
    if not predictions:
        return 0, 0
    by_id = {str(t.pk): t.pk for t in themes}
    ThemeAssignment.objects.filter(answer__question=question).exclude(
        source=CodingSource.PERSON
    ).delete()
    mapped = rows = 0

    def links():
        nonlocal mapped, rows
        for pk, row in zip(found.answer_ids, found.row_of.tolist(), strict=True):
            if pk in codes:
                continue
            mapped += 1
            for theme_id, score in predictions.get(row, ()):
                if theme_id in by_id:
                    rows += 1
                    yield ThemeAssignment(
                        answer_id=pk,
                        theme_id=by_id[theme_id],
                        source=CodingSource.MODEL,
                        score=score,
                    )

    for chunk in _chunks(links(), SAVE_BATCH):  # bounded memory however many answers
        ThemeAssignment.objects.bulk_create(chunk, ignore_conflicts=True)
    return mapped, rows


def _chunks(items, size: int):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


QUOTE_SAMPLE = 5000  # distinct texts a theme's quotes are chosen from


def theme_quotes(theme: Theme, k: int = 3) -> list[Answer]:
    """Evidence-rich quotes of a theme, chosen among its distinct texts (a campaign's copies are
    one candidate); a theme with more than `QUOTE_SAMPLE` of them is read from a fixed random
    sample of that many, so a page or report costs the same at any size."""
    first: dict[str, int] = {}
    rows = theme.assignments.order_by("answer_id").values_list("answer_id", "answer__text")
    for answer_id, text in rows.iterator(10_000):
        first.setdefault(text, answer_id)
    texts = list(first)
    if len(texts) > QUOTE_SAMPLE:
        texts = random.Random(theme.pk).sample(texts, QUOTE_SAMPLE)
    wanted = [first[texts[i]] for i in engine.quotes(texts, k=k)]
    by_pk = Answer.objects.select_related("response").in_bulk(wanted)
    return [by_pk[pk] for pk in wanted]


SENTIMENT_SAMPLE = 2000


def question_sentiment(question: Question) -> dict[str, float] | None:
    """Tone and stance of one question's free text, in per cent of answers."""
    texts = list(text_answers(question).values_list("text", flat=True))
    if not texts:
        return None
    sampled = len(texts) > SENTIMENT_SAMPLE
    if sampled:  # percentages from a fixed random sample are accurate to about +-2 points
        texts = random.Random(question.pk).sample(texts, SENTIMENT_SAMPLE)
    readings = engine.readings(texts)
    n = len(readings)
    return {
        "answers": n,
        "sampled": sampled,
        "positive": round(100 * sum(s > 0 for _, s in readings) / n),
        "negative": round(100 * sum(s < 0 for _, s in readings) / n),
        "agree": round(100 * sum(st == "agree" for st, _ in readings) / n),
        "disagree": round(100 * sum(st == "disagree" for st, _ in readings) / n),
        "mean": round(sum(s for _, s in readings) / n, 2),
    }


# Long runs go to the job queue (apps.jobs) with a job record the page polls (htmx). Measured on the
# 2,310 NHS FFT answers on a loaded 2-core machine (load ~6): discovery ~10s with the analysis
# package, mapping ~2.5s once the mapper is built (~7-12s cold), coding loop ~0.2s per answer;
# on the ~80-answer demo questions everything is under a second, so small questions simply run
# within the request.
BACKGROUND_FROM = 1000


def _work(job: AnalysisJob, kind: str, k: int | None) -> None:
    if kind == "discovery":
        run_discovery(job.question, k=k, job=job)
    else:
        map_rest(job.question, job=job)


@background("Theme analysis")
def analysis_in_background(queued, analysis_job_id: int, kind: str, k: int | None = None) -> str:
    job = AnalysisJob.objects.select_related("question").get(pk=analysis_job_id)
    try:
        _work(job, kind, k)
    except Exception as exc:  # the page must show the failure; the queue records it too
        AnalysisJob.objects.filter(pk=job.pk).update(
            status=AnalysisJob.Status.FAILED, message=f"Failed: {exc}"[:300]
        )
        raise
    job.refresh_from_db()
    return job.message


def start(question: Question, kind: str, k: int | None = None) -> AnalysisJob:
    """Run discovery or mapping now (small questions) or on the job queue (large ones)."""
    job = AnalysisJob.objects.create(question=question, kind=kind)
    if kind not in ("discovery", "mapping"):
        raise KeyError(kind)
    if text_answers(question).count() < BACKGROUND_FROM:
        _work(job, kind, k)
    else:
        analysis_in_background.start(
            analysis_job_id=job.pk, kind=kind, k=k, subject=f"{kind}: {question}"[:200]
        )
    job.refresh_from_db()
    return job
