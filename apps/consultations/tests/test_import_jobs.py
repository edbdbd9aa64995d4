"""Offline responses uploaded on the web: checked for size and kind in the request, imported by a
job (progress, then what was imported or which row and column was refused; all or nothing)."""

import csv
import os
import re
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from apps.accounts.models import Role
from apps.consultations.jobs import UPLOAD_FOLDER
from apps.consultations.models import Response
from apps.consultations.tests.test_import import rows, write_csv, write_xlsx
from apps.core.tests import xlsx_fakes
from apps.jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(make_consultation):
    return make_consultation(opens=-40, closes=-5)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(client, consultation, path, name=None):
    with open(path, "rb") as handle:
        if name:
            from django.core.files.uploadedfile import SimpleUploadedFile

            handle = SimpleUploadedFile(name, handle.read())
        return client.post(
            reverse("consultations:import", args=[consultation.slug]), {"file": handle}
        )


def stored_files(media) -> list:
    folder = media / UPLOAD_FOLDER
    return list(folder.iterdir()) if folder.exists() else []


def test_a_bad_row_fails_the_job_naming_row_and_column_and_imports_nothing(
    client, tmp_path, closed, make_user, media
):
    client.force_login(make_user(role=Role.PROGRAMME_MANAGER))
    bad = write_xlsx(tmp_path, rows(closed, {"row": 3, "column": "Q1", "value": "Yes please"}))
    answer = upload(client, closed, bad)
    job = Job.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.FAILED and job.attempts == 1 and job.error == ""
    assert job.message.startswith("offline.xlsx, sheet 'Responses', row 3, column 'q1': ")
    assert job.message.endswith("Nothing was imported: fix the file and upload it again.")
    page = client.get(answer["Location"]).content.decode()
    assert "The job failed" in page and "row 3, column &#x27;q1&#x27;" in page
    assert "Traceback" not in page and "See the result" not in page
    assert Response.objects.count() == 0 and stored_files(media) == []


@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_a_good_file_is_imported_by_a_job_whose_page_links_to_the_responses(
    client, tmp_path, closed, make_user, media, writer
):
    user = make_user(role=Role.PROGRAMME_MANAGER)
    client.force_login(user)
    path = writer(tmp_path, rows(closed))
    answer = upload(client, closed, path)
    job = Job.objects.get(label="Import of offline responses")
    assert answer["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.DONE and job.created_by == user
    assert job.message.startswith(
        f"Imported {path.name}: 3 responses imported, 1 late (kept, flagged), "
        "0 already imported (skipped)"
    )
    page = client.get(answer["Location"]).content.decode()
    assert "Done" in page and "hx-trigger" not in page  # finished: the page stops polling
    assert f'href="{reverse("consultations:responses", args=[closed.slug])}"' in page
    assert Response.objects.filter(consultation=closed, entered_by=user).count() == 3
    assert Job.objects.filter(label="Grouping campaigns and embedding answers").exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(
    "make, name, words",
    [
        (lambda d: xlsx_fakes.declaring(d / "x.xlsx", "A1:C3000000"), "big.xlsx",
         "big.xlsx, sheet 'Sheet': the sheet has 3,000,000 rows (it declares A1:C3000000)"),
        (lambda d: write_xlsx(d, []), "offline.csv",
         "offline.csv: the name ends .csv but the file is an Excel workbook (XLSX)"),
        (lambda d: _bytes(d, b"%PDF-1.7\n\x00\x01\xff\xfe binary"), "paper.csv",
         "paper.csv: not a CSV or XLSX file"),
        (lambda d: _bytes(d, "received\nCaf\xe9\n".encode("latin-1")), "latin.csv",
         "latin.csv, row 2: the text is not UTF-8 (byte 0xe9)"),
        (lambda d: _bytes(d, b"received,q1\n"), "notes.txt", "notes.txt: upload a .csv or .xlsx"),
        (lambda d: _bytes(d, b""), "empty.csv", None),  # the form's own "empty file" error
    ],
)  # fmt: skip
def test_a_file_of_the_wrong_size_or_kind_is_refused_in_the_request(
    client, tmp_path, closed, make_user, media, make, name, words
):
    client.force_login(make_user(role=Role.PROGRAMME_MANAGER))
    started = time.perf_counter()
    answer = upload(client, closed, make(tmp_path), name=name)
    seconds = time.perf_counter() - started
    body = answer.content.decode()
    assert answer.status_code == 200, seconds
    if words:
        assert words.replace("'", "&#x27;") in body and "Nothing was imported" in body
    else:
        assert "The submitted file is empty" in body
    assert Job.objects.count() == 0 and stored_files(media) == []


def _bytes(folder, data: bytes):
    path = folder / "upload.bin"
    path.write_bytes(data)
    return path


def test_the_job_page_polls_while_the_import_waits_for_a_worker(
    client, tmp_path, closed, make_user, media
):
    client.force_login(make_user(role=Role.PROGRAMME_MANAGER))
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        answer = upload(client, closed, write_csv(tmp_path, rows(closed)))
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED and len(stored_files(media)) == 1
    page = client.get(answer["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and "<progress" in page
    partial = client.get(answer["Location"], headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div id="job-detail"') and "<html" not in partial


def big_csv(path, consultation, count: int):
    day = (consultation.opens_on).isoformat()
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["received", "reference", "Q1"])  # no free text: nothing to embed after
        for n in range(count):
            out.writerow([day, f"BULK-{n}", "Agree"])
    return path


def _worker(media) -> subprocess.Popen:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "nlb.settings.test",
        "TASKS_BACKEND": "database",
        "MEDIA_ROOT": str(media),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "nlb.cli", "db_worker", "--batch", "--no-reload",
         "--interval", "0.2", "--worker-id", "import-worker"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="a worker process shares the queue through PostgreSQL (set DATABASE_URL)",
)
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_a_worker_process_imports_a_large_upload_reporting_progress(
    client, tmp_path, make_consultation, make_user, media
):
    consultation = make_consultation(opens=-40, closes=-5)
    client.force_login(make_user(role=Role.PROGRAMME_MANAGER))
    answer = upload(client, consultation, big_csv(tmp_path / "bulk.csv", consultation, 60_000))
    job = Job.objects.get()
    assert answer["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.QUEUED
    worker, seen = _worker(media), []
    try:
        while worker.poll() is None:
            job.refresh_from_db()
            seen.append((job.progress, job.message))
            time.sleep(0.1)
        output = worker.communicate(timeout=10)[0]
    finally:
        if worker.poll() is None:
            worker.kill()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.worker == "import-worker", (job.message, output)
    assert job.message.startswith("Imported bulk.csv: 60,000 responses imported")
    midway = {message for progress, message in seen if 0 < progress < 100}
    steps = {m for m in midway if re.match(r"Checked and imported [\d,]+ of about 60,001$", m)}
    assert len(steps) >= 10, seen  # about 50 steps, every 1,200 rows: seen every 0.1 s
    assert [p for p, _ in seen] == sorted(p for p, _ in seen)  # progress never goes back
    assert Response.objects.filter(consultation=consultation).count() == 60_000
    assert stored_files(media) == []


def test_a_cell_over_the_csv_field_limit_fails_the_job_in_words(
    client, tmp_path, closed, make_user, media
):
    client.force_login(make_user(role=Role.PROGRAMME_MANAGER))
    data = rows(closed)
    data[1][-1] = "y" * 200_000  # a free-text answer beyond csv.field_size_limit()
    upload(client, closed, write_csv(tmp_path, data))
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and job.error == ""
    assert job.message.startswith(
        "offline.csv, row 3, column 'q5': a cell is longer than 131,072 characters"
    )
    assert job.message.endswith("Nothing was imported: fix the file and upload it again.")
    assert Response.objects.count() == 0


def test_a_second_upload_waits_for_an_import_under_way(client, tmp_path, closed, make_user, media):
    """A double click, or two people uploading one file, would import rows without a reference
    twice: while an import into the consultation is queued or running, another is refused."""
    client.force_login(make_user(role=Role.PROGRAMME_MANAGER))
    path = write_csv(tmp_path, rows(closed))
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        first = upload(client, closed, path)
        second = upload(client, closed, path)
    job = Job.objects.get()
    assert first.status_code == 302 and second.status_code == 200
    assert f"an import into this consultation is already under way (job {job.pk}" in (
        second.content.decode()
    )
    assert len(stored_files(media)) == 1  # the second file was not even stored
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE)
    assert upload(client, closed, path).status_code == 302  # once it has finished, it may


def test_a_job_whose_file_is_gone_says_so(closed, make_user, media):
    from apps.consultations.jobs import import_responses

    job = import_responses.start(
        consultation_id=closed.pk, stored=f"{UPLOAD_FOLDER}/gone.csv", name="offline.csv"
    )
    assert job.status == Job.Status.FAILED and job.error == ""
    assert job.message.startswith("offline.csv: the uploaded file is not in this worker's MEDIA")
