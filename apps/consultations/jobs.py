"""Offline responses uploaded on the web are imported on the job queue (apps.jobs), whatever their
size: the request checks the file's size and kind in milliseconds and stores it; a worker checks
and inserts every row in one pass and one transaction (all or nothing), reporting progress on the
job's page, which then says what was imported or which file, row and column was refused. The
import itself is `services.importing.OfflineResponseImporter`, the same the CLI command runs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from apps.core import uploads
from apps.core.importers import ImportProblem
from apps.jobs.models import Job
from apps.jobs.services import JobRefused, background

UPLOAD_FOLDER = "imports/consultation-responses"
NOTHING_IMPORTED = "Nothing was imported: fix the file and upload it again."


def _responses_page(job: Job) -> str:
    from apps.consultations.models import Consultation

    slug = (
        Consultation.objects.filter(pk=job.arguments.get("consultation_id"))
        .values_list("slug", flat=True)
        .first()
    )
    return reverse("consultations:responses", args=[slug]) if slug else ""


@background("Import of offline responses", link=_responses_page)
def import_responses(job: Job, consultation_id: int, stored: str, name: str) -> str:
    """Import the stored upload `stored` (storage name) shown to people as `name`; the stored
    file is deleted afterwards, imported or not."""
    from apps.consultations.models import Consultation
    from apps.consultations.services import preparing
    from apps.consultations.services.importing import OfflineResponseImporter

    path = Path(default_storage.path(stored))
    if not path.exists():
        raise JobRefused(
            f"{name}: the uploaded file is not in this worker's MEDIA_ROOT ({path}): it was "
            "imported or refused already, or MEDIA_ROOT is not shared with the web servers. "
            "Upload it again."
        )
    try:
        consultation = Consultation.objects.get(pk=consultation_id)
        about = uploads.rough_row_count(path)
        job.report(1, f"Checking about {about:,} rows of {name}")

        def progress(stage: str, rows: int) -> None:
            # one pass: each row is checked and inserted as it is read (all or nothing)
            job.report(1 + min(94, 94 * rows // about), f"{stage} {rows:,} of about {about:,}")

        importer = OfflineResponseImporter(
            path,
            consultation,
            user=job.created_by,
            name=name,
            progress=progress,
            expected_rows=about,
        )
        try:
            counts = importer.run()
        except ImportProblem as problem:  # a cell over the CSV size limit too, by row and column
            raise JobRefused(f"{problem}. {NOTHING_IMPORTED}") from problem
    finally:
        default_storage.delete(stored)
    summary = ", ".join(f"{value:,} {key}" for key, value in counts.items())
    imported = counts["responses imported"]
    if imported:
        follow = preparing.prepare_in_background.start(
            consultation_id=consultation.pk, user=job.created_by, subject=consultation.title
        )
        summary += f"; campaigns and embeddings are prepared by job {follow.pk}"
    return f"Imported {name}: {summary}"


def import_running(consultation) -> Job | None:
    """An import into `consultation` queued or running (and heard from in the last 30 minutes,
    after which /health/ counts it as stalled): a second upload waits for it, so a double click
    or two people uploading the same file do not import its rows twice."""
    recent = timezone.now() - dt.timedelta(minutes=30)
    return (
        Job.objects.unfinished()
        .filter(function=import_responses.path, updated__gte=recent)
        .filter(arguments__consultation_id=consultation.pk)
        .first()
    )


def start_import(upload, consultation, user) -> Job:
    """Check the uploaded file's size and kind (quick, whatever its size), store it and queue its
    import; an ImportProblem names the file if it is refused here (nothing stored then)."""
    from apps.consultations.services.importing import IMPORT_LIMITS

    running = import_running(consultation)
    if running is not None:
        raise ImportProblem(
            upload.name,
            f"not imported: an import into this consultation is already under way (job "
            f"{running.pk}, {running.subject}); when it has finished, upload the file again if it "
            "is still needed",
        )
    stored = uploads.store_upload(upload, UPLOAD_FOLDER, IMPORT_LIMITS)
    try:
        uploads.check_table_quickly(Path(default_storage.path(stored)), upload.name, IMPORT_LIMITS)
    except ImportProblem:
        default_storage.delete(stored)
        raise
    return import_responses.start(
        consultation_id=consultation.pk,
        stored=stored,
        name=upload.name,
        user=user,
        subject=f"{upload.name} into {consultation.title}",
    )
