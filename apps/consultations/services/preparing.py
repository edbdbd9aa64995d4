"""After responses arrive in bulk: group campaigns and embed the free text, once, with progress.

`prepare` runs question by question: campaign grouping (`campaigns.detect`: template keys per
answer, then near-duplicates among the distinct wordings) and sentence embeddings of each
distinct text not stored yet (`embeddings.ensure`, in worker processes for large batches). Pages
and analyses then read what is stored. Large imports run it on the job queue
(`prepare_in_background`), where its progress shows on /jobs/; the import command prints it.
"""

from __future__ import annotations

from collections.abc import Callable

from apps.consultations.models import Consultation, QuestionKind
from apps.consultations.services import campaigns, embeddings
from apps.jobs.services import background

Progress = Callable[[str, int, int], None]


def prepare(consultation: Consultation, progress: Progress | None = None, embed: bool = True):
    """Group and embed every free-text question's answers; returns campaigns found per question."""
    found = {}
    questions = consultation.questions.exclude(
        kind__in=[QuestionKind.SCALE, QuestionKind.SINGLE, QuestionKind.MULTIPLE]
    ).order_by("number")
    for question in questions:
        label = f"Q{question.number}"

        def say(stage: str, done: int, total: int, label=label) -> None:
            if progress:
                progress(f"{label} {stage}", done, total)

        found[question.number] = campaigns.detect(question, progress=say)
        if embed:
            texts = list(
                question.answers.filter(response__submitted_at__isnull=False)
                .exclude(text="")
                .values_list("text", flat=True)
                .distinct()
                .iterator(chunk_size=5000)
            )
            embeddings.ensure(texts, progress=lambda d, t, say=say: say("Embedding", d, t))
    return found


@background("Grouping campaigns and embedding answers")
def prepare_in_background(job, consultation_id: int) -> str:
    consultation = Consultation.objects.get(pk=consultation_id)
    stages = max(1, consultation.questions.count())

    def report(stage: str, done: int, total: int) -> None:
        job.report(min(99, int(100 * done / max(1, total) / stages)), f"{stage}: {done} of {total}")

    found = prepare(consultation, progress=report)
    groups = sum(found.values())
    return f"{groups} campaign or near-duplicate groups; answers embedded"


def start(consultation: Consultation, user=None, answers: int = 0):
    """Prepare now for a small import, on the job queue for a large one (returns the Job or
    None when done in this request)."""
    if answers < campaigns.REFRESH_IN_REQUEST_BELOW:
        prepare(consultation)
        return None
    return prepare_in_background.start(
        consultation_id=consultation.pk, user=user, subject=consultation.title[:200]
    )
